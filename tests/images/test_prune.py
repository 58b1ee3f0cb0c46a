"""prune_images: files left by an upload whose transaction rolled back are removed; files
that any image version records, and folders too young to judge, are kept."""

from __future__ import annotations

import os
import time
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from images import services
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = {
    "alt_text": "Cross-section of a knee joint",
    "caption": "The menisci sit between the bones.",
    "credit": "Illustration: Vetted",
    "licence": "CC BY 4.0",
}


class Rollback(Exception):
    pass


def _age(folder: Path, hours: int) -> None:
    past = time.time() - hours * 3600
    for path in folder.iterdir():
        os.utime(path, (past, past))


def _prune(*args: str) -> str:
    out = StringIO()
    call_command("prune_images", *args, stdout=out)
    return out.getvalue()


def test_files_of_a_rolled_back_upload_are_pruned_and_recorded_ones_kept(settings):
    writer = factories.writer()
    kept = services.image_upload(file=factories.upload(), user=writer, **WORDS)
    with pytest.raises(Rollback), transaction.atomic():
        services.image_upload(
            file=factories.upload(factories.image_bytes(640, 480)),
            user=writer,
            **WORDS,
        )
        raise Rollback
    root = Path(settings.MEDIA_ROOT) / "images"
    folders = {p.name for p in root.iterdir()}
    recorded = kept.current_version.sha256
    assert recorded in folders and len(folders) == 2
    (orphan,) = folders - {recorded}
    for folder in root.iterdir():
        _age(folder, 48)

    report = _prune()
    assert f"orphan: images/{orphan}/" in report and "Found 1 orphaned" in report
    assert (root / orphan).exists(), "without --delete nothing is removed"

    assert "Removed 1 orphaned" in _prune("--delete")
    assert not (root / orphan).exists() or not any((root / orphan).iterdir())
    assert any((root / recorded).iterdir()), "a recorded version's files stay"


def test_a_young_orphan_is_left_alone_in_case_its_upload_is_still_committing(settings):
    writer = factories.writer()
    with pytest.raises(Rollback), transaction.atomic():
        services.image_upload(file=factories.upload(), user=writer, **WORDS)
        raise Rollback
    root = Path(settings.MEDIA_ROOT) / "images"
    (folder,) = root.iterdir()
    assert "Removed 0 orphaned" in _prune("--delete")
    assert any(folder.iterdir())


def test_a_zero_age_is_refused():
    with pytest.raises(CommandError, match="at least 1"):
        _prune("--min-age-hours", "0")
