"""Checking and re-encoding an uploaded image: no database, no storage, only bytes.

Every upload is refused before anything is stored unless it is a JPEG, PNG or WebP file
within the size and pixel caps, whose sides fit every format we write, and that Pillow
opens and decodes to the end (`check`, then `check_decodes`, while the writer waits).
An accepted image is re-encoded (so EXIF, GPS positions and any other metadata are
dropped, and the camera's orientation is applied to the pixels; colours described by an
embedded ICC profile, such as a phone's Display P3, are converted to sRGB, the space
browsers assume for an untagged file), and its renditions are made once (`process`, in a
background task): a WebP file at each width up to the original's, and one JPEG (PNG when
it has transparency) for browsers that take no WebP and for og:image.
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
# The longest side each format we write can hold (libwebp's, libjpeg's and PNG's limits).
FORMAT_MAX_SIDE = {"WEBP": 16_383, "JPEG": 65_535, "PNG": 2**31 - 1}
# Every file we write is the upload or a smaller copy of it, in one of those formats (an
# upload up to 1,600 pixels wide is served at full size as WebP), so an upload whose sides
# fit the tightest of them fits every file made from it, whatever its shape or rotation.
MAX_SIDE = min(FORMAT_MAX_SIDE.values())
DAMAGED = "This image is damaged and cannot be read to the end. Export it again."


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
    if max(width, height) > MAX_SIDE:
        raise ImageRefused(
            f"The image is {width:,} × {height:,} pixels; each side may be at most "
            f"{MAX_SIDE:,} pixels (the WebP limit: the site serves images as WebP). "
            "Crop it, or export it in a less elongated shape."
        )
    if frames > 1:
        raise ImageRefused("Animated images are not accepted. Upload a still image.")
    return kind, width, height


def check_decodes(data: bytes) -> None:
    """ImageRefused unless the (checked) upload reads to the end, so a damaged file is
    refused while the writer waits, not later by the worker that makes its renditions.

    `check` has verified a PNG (every chunk's checksum) and a WebP (its container, read
    when it is opened); a JPEG has nothing to verify but its data, so it is decoded, at an
    eighth of its size: every byte is still read, so a cut-short or damaged file fails as
    it would in full, in a third of the time.
    """
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            if opened.format == "JPEG":
                opened.draft(None, (1, 1))
                opened.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRefused(DAMAGED) from exc


def process(data: bytes) -> Processed:
    """Check the upload, then re-encode it and make its renditions (ImageRefused if bad).

    The work is bounded: one decode, one resize of the full image (to the widest
    rendition, from which the narrower ones are made), one full-size encode.
    """
    kind, _, _ = check(data)
    image = _upright(data)
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    image = _to_srgb(image, "RGBA" if transparent else "RGB")
    image.info = {}  # no EXIF, XMP, ICC or comments carried into any file we write
    width, height = image.size
    original = _encode(image, kind, "original", archival=True)
    sizes = _rendition_sizes(width, height)
    widest = _resized(image, sizes[-1])
    del image  # the full-size pixels are no longer needed
    renditions = tuple(_encode(_resized(widest, size), "WEBP", f"w{size[0]}") for size in sizes)
    fallback = _encode(widest, "PNG" if transparent else "JPEG", f"w{widest.width}")
    return Processed(
        sha256=hashlib.sha256(data).hexdigest(),
        format=kind,
        width=width,
        height=height,
        original=original,
        renditions=renditions,
        fallback=fallback,
    )


def _upright(data: bytes) -> PILImage.Image:
    """The upload's pixels, decoded, with the camera's orientation applied."""
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            opened.load()
            return ImageOps.exif_transpose(opened)
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageRefused(DAMAGED) from exc


def _rendition_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """Each rendition's size, narrowest first: every width below the image's, and the
    widest capped at the image's own (never scaled up)."""
    widths = {w for w in RENDITION_WIDTHS if w < width} | {min(width, RENDITION_WIDTHS[-1])}
    return [(w, max(1, round(height * w / width))) for w in sorted(widths)]


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


def _resized(image: PILImage.Image, size: tuple[int, int]) -> PILImage.Image:
    if size == image.size:
        return image
    return image.resize(size, PILImage.Resampling.LANCZOS, reducing_gap=3.0)


def _encode(image: PILImage.Image, kind: str, stem: str, *, archival: bool = False) -> Rendition:
    """The image as a `kind` file. The archival original is never served, so it is written
    in one fast pass; the served files are worth the encoder's extra effort."""
    buffer = io.BytesIO()
    if kind == "JPEG":
        served = {} if archival else {"optimize": True, "progressive": True}
        image.convert("RGB").save(buffer, "JPEG", quality=85, **served)
    elif kind == "PNG":
        # Never optimize=True: its trial compressions take minutes on a large, noisy image.
        image.save(buffer, "PNG", compress_level=1 if archival else 6)
    else:
        image.save(buffer, "WEBP", quality=80, method=2 if archival else 4)
    return Rendition(
        name=f"{stem}.{EXTENSIONS[kind]}",
        width=image.width,
        height=image.height,
        content_type=FORMATS[kind],
        data=buffer.getvalue(),
    )
