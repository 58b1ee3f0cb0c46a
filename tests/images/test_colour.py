"""Colour profiles: an upload tagged with a profile other than sRGB is converted, so the
untagged files Vetted writes look the same in a browser as the original did."""

from __future__ import annotations

import io
import struct

from PIL import Image as PILImage
from PIL import ImageCms

from images import processing


def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _swapped_primaries_profile() -> bytes:
    """An RGB profile whose red and blue primaries are exchanged: a file tagged with it
    means blue where its pixel values say red. (Made from the sRGB profile by swapping
    the rXYZ and bXYZ entries of its tag table, so it is otherwise a valid profile.)"""
    data = bytearray(_srgb_profile())
    count = struct.unpack(">I", data[128:132])[0]
    entries = {}
    for index in range(count):
        at = 132 + 12 * index
        entries[bytes(data[at : at + 4])] = at
    red, blue = entries[b"rXYZ"], entries[b"bXYZ"]
    data[red + 4 : red + 12], data[blue + 4 : blue + 12] = (
        data[blue + 4 : blue + 12],
        data[red + 4 : red + 12],
    )
    return bytes(data)


def _png(colour: tuple[int, int, int], icc: bytes | None) -> bytes:
    image = PILImage.new("RGB", (64, 48), colour)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **({"icc_profile": icc} if icc else {}))
    return buffer.getvalue()


def _pixel(processed: processing.Processed) -> tuple[int, ...]:
    with PILImage.open(io.BytesIO(processed.original.data)) as image:
        assert "icc_profile" not in image.info, "written files carry no profile"
        return image.convert("RGB").getpixel((10, 10))


def test_pixels_in_another_colour_space_are_converted_to_srgb():
    red, green, blue = _pixel(processing.process(_png((220, 0, 0), _swapped_primaries_profile())))
    # Stored values said red; the profile says that is blue, and so must the result.
    assert blue > 150 and red < 60, (red, green, blue)


def test_an_srgb_image_keeps_its_colours():
    assert _pixel(processing.process(_png((200, 120, 40), _srgb_profile()))) == (200, 120, 40)
    assert _pixel(processing.process(_png((200, 120, 40), None))) == (200, 120, 40)


def test_a_broken_profile_is_ignored_and_the_pixels_kept():
    assert _pixel(processing.process(_png((30, 90, 150), b"not a profile at all"))) == (30, 90, 150)
