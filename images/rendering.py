"""A library image as HTML: a <figure> (or, within a line of text, a <picture>).

The markup is written here, after the writer's Markdown has been sanitised, from the
library's own fields (escaped): writers cannot produce an <img> themselves. Every file it
links is same-origin (/media/…), sized (width and height, so nothing shifts as it loads)
and offered as WebP at several widths, with a JPEG or PNG for the rest.
"""

from __future__ import annotations

from html import escape

from images import storage
from images.models import Image, ImageVersion

# The article column is at most ~46rem wide; below that the image spans the screen.
SIZES = "(min-width: 52rem) 46rem, 100vw"


def picture_html(version: ImageVersion, alt: str, *, lazy: bool = True) -> str:
    srcset = ", ".join(
        f"{escape(storage.url(r['name']))} {r['width']}w" for r in version.renditions
    )
    fallback = version.fallback
    loading = ' loading="lazy"' if lazy else ""
    return (
        f'<picture><source type="image/webp" srcset="{srcset}" sizes="{SIZES}">'
        f'<img src="{escape(storage.url(fallback["name"]))}" width="{fallback["width"]}" '
        f'height="{fallback["height"]}" alt="{escape(alt)}" decoding="async"{loading}>'
        "</picture>"
    )


def figure_html(image: Image, version: ImageVersion, *, alt: str = "", caption: str = "") -> str:
    """The figure for a paragraph of its own: the picture, its caption and its credit."""
    alt = alt or image.alt_text
    caption = caption or image.caption
    return (
        f'<figure class="figure" data-image="{image.pk}">{picture_html(version, alt)}'
        f'<figcaption><span class="figure-caption">{escape(caption)}</span> '
        f'<span class="figure-credit">{escape(image.credit)} · {escape(image.licence)}</span>'
        "</figcaption></figure>"
    )
