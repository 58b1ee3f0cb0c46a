"""Checking and re-encoding an uploaded image: no database, no storage, only bytes.

Every upload is refused before anything is stored unless it is a JPEG, PNG or WebP file
within the size and pixel caps that Pillow opens and verifies. An accepted image is
re-encoded (so EXIF, GPS positions and any other metadata are dropped, and the camera's
orientation is applied to the pixels; colours described by an embedded ICC profile, such as
a phone's Display P3, are converted to sRGB, the space browsers assume for an untagged
file), and its renditions are made once: a WebP file at
each width up to the original's, and one JPEG (PNG when it has transparency) for browsers
that take no WebP and for og:image.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps, UnidentifiedImageError

# The formats writers may upload, and the MIME type each is served with.
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# Rendition widths in CSS pixels: a phone, a laptop column, a high-density laptop column.
RENDITION_WIDTHS = (480, 960, 1600)


class ImageRefused(ValueError):
    """An upload that is not stored; the message tells the writer why, and what to do."""


@dataclass(frozen=True)
class Rendition:
    name: str  # file name within the version's folder: "w480.webp"
    width: int
    height: int
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Processed:
    sha256: str  # of the bytes uploaded
    format: str  # "JPEG", "PNG" or "WEBP"
    width: int
    height: int
    original: Rendition  # the upload re-encoded at full size, without metadata
    renditions: tuple[Rendition, ...]  # WebP, narrowest first
    fallback: Rendition  # JPEG or PNG at the widest rendition's width


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def check(data: bytes, *, size: int | None = None) -> tuple[str, int, int]:
    """The upload's format and size, or ImageRefused. Reads the header, then verifies.

    `size` is the whole upload's size when `data` holds only its first bytes.
    """
    max_bytes = settings.VETTED_IMAGE_MAX_BYTES
    max_pixels = settings.VETTED_IMAGE_MAX_PIXELS
    size = max(size or 0, len(data))
    if not data:
        raise ImageRefused("The file is empty. Choose a JPEG, PNG or WebP image.")
    if size > max_bytes:
        raise ImageRefused(
            f"The file is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}. "
            "Export a smaller copy (2,000 pixels wide is plenty for the site)."
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data)) as image:
                kind, (width, height) = image.format, image.size
                frames = getattr(image, "n_frames", 1)
                if kind in FORMATS and width * height <= max_pixels:
                    image.verify()
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ImageRefused(
            f"The image has far too many pixels; the limit is {max_pixels / 1e6:g} megapixels."
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageRefused(
            "This file is not an image Vetted can read (or it is damaged). "
            "Upload a JPEG, PNG or WebP image."
        ) from exc
    if kind not in FORMATS:
        raise ImageRefused(f"This is a {kind} image. Upload a JPEG, PNG or WebP image.")
    if width * height > max_pixels:
        raise ImageRefused(
            f"The image is {width:,} × {height:,} pixels ({width * height / 1e6:.0f} "
            f"megapixels); the limit is {max_pixels / 1e6:g} megapixels. Export a smaller copy."
        )
    if frames > 1:
        raise ImageRefused("Animated images are not accepted. Upload a still image.")
    return kind, width, height


def process(data: bytes) -> Processed:
    """Check the upload, then re-encode it and make its renditions (ImageRefused if bad)."""
    kind, _, _ = check(data)
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRefused(
            "This image is damaged and cannot be read to the end. Export it again."
        ) from exc
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = _to_srgb(image, "RGBA" if transparent else "RGB")
    image.info = {}  # no EXIF, XMP, ICC or comments carried into any file we write
    width, height = image.size
    original = _encode(image, kind, "original", width, height)
    widths = [w for w in RENDITION_WIDTHS if w < width] + [min(width, RENDITION_WIDTHS[-1])]
    renditions = []
    for target in sorted(set(widths)):
        scaled = _scaled(image, target)
        renditions.append(_encode(scaled, "WEBP", f"w{target}", *scaled.size))
    widest = _scaled(image, renditions[-1].width)
    fallback = _encode(widest, "PNG" if transparent else "JPEG", f"w{widest.width}", *widest.size)
    return Processed(
        sha256=hashlib.sha256(data).hexdigest(),
        format=kind,
        width=width,
        height=height,
        original=original,
        renditions=tuple(renditions),
        fallback=fallback,
    )


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(image: PILImage.Image, mode: str) -> PILImage.Image:
    """The image in `mode`, its colours converted from its embedded profile to sRGB.

    The files we write carry no profile, so browsers read them as sRGB: without this a
    wide-gamut photo would look dull or shifted. A profile that cannot be read (or does
    not fit the pixels) is ignored: the pixels are kept as they are.
    """
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                image, source, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None
        if converted is not None:
            image = converted
    return image.convert(mode)


def _scaled(image: PILImage.Image, width: int) -> PILImage.Image:
    if width >= image.width:
        return image
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: PILImage.Image, kind: str, stem: str, width: int, height: int) -> Rendition:
    buffer = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    elif kind == "PNG":
        image.save(buffer, "PNG", optimize=True)
    else:
        image.save(buffer, "WEBP", quality=80, method=4)
    return Rendition(
        name=f"{stem}.{EXTENSIONS[kind]}",
        width=width,
        height=height,
        content_type=FORMATS[kind],
        data=buffer.getvalue(),
    )
