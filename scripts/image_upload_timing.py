#!/usr/bin/env python
"""Time the largest image uploads the library accepts (issue 18, defect 6).

    DATABASE_URL=postgres://… .venv/bin/python scripts/image_upload_timing.py

For each upload at the default caps (25 megapixels, 20 MB, 16,383 pixels a side) it prints
two times, measured in this process:

- the request: images.services.image_upload as the admin calls it, with the database task
  backend (production's): checks, a full decode, the upload kept, the task queued. It runs
  in a transaction that is rolled back, with files written to a temporary folder, so the
  database and the media folder are left as they were;
- the worker: images.processing.process, what the queued task spends its time on.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "image-timing-only")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test import override_settings  # noqa: E402
from PIL import Image as PILImage  # noqa: E402

from images import processing, services  # noqa: E402

WORDS = {"alt_text": "Timing", "caption": "Timing", "credit": "Timing", "licence": "Timing"}


def _picture(width: int, height: int, noise: float) -> PILImage.Image:
    """A gradient with some noise: photo-like work for the decoders and encoders."""
    gradient = PILImage.linear_gradient("L").resize((width, height)).convert("RGB")
    grain = PILImage.effect_noise((width, height), 40).convert("RGB")
    return PILImage.blend(gradient, grain, noise)


def _file(image: PILImage.Image, kind: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def _cases() -> dict[str, bytes]:
    cap = settings.VETTED_IMAGE_MAX_PIXELS
    wide = (int((cap * 3 / 2) ** 0.5), int((cap * 2 / 3) ** 0.5))  # 3:2, just under the cap
    tall = (cap // processing.MAX_SIDE, processing.MAX_SIDE)  # the longest side allowed
    photo, diagram = _picture(*wide, 0.15), _picture(*wide, 0.01)
    return {
        f"JPEG photo {wide[0]}x{wide[1]}": _file(photo, "JPEG", quality=92),
        f"PNG, grainy {wide[0]}x{wide[1]}": _file(diagram, "PNG"),
        f"WebP photo {wide[0]}x{wide[1]}": _file(photo, "WEBP", quality=90),
        f"PNG, grainy, tall {tall[0]}x{tall[1]}": _file(_picture(*tall, 0.01), "PNG"),
    }


class _Undo(Exception):
    pass


def _request(data: bytes) -> float:
    started = time.perf_counter()
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_superuser("image-timing", password=None)
            upload = SimpleUploadedFile("upload", data)
            services.image_upload(file=upload, user=user, **WORDS)
            raise _Undo
    except _Undo:
        pass
    return time.perf_counter() - started


def _worker(data: bytes) -> float:
    started = time.perf_counter()
    processing.process(data)
    return time.perf_counter() - started


def main() -> int:
    cases = _cases()
    print(f"{'upload':40} {'MB':>6} {'request':>9} {'worker':>9}")
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            MEDIA_ROOT=media,
            TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        ),
    ):
        _request(_file(_picture(64, 48, 0.1), "JPEG"))  # connect, import: not the upload's
        for label, data in cases.items():
            request, worker = _request(data), _worker(data)
            print(f"{label:40} {len(data) / 1e6:6.1f} {request:8.2f}s {worker:8.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
