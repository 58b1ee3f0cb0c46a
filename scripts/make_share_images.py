"""Draw the site's share card (og:image / twitter:image when an article has no figure)
and the publisher logo named in the JSON-LD. Run again after a change of name or colours:

    .venv/bin/python scripts/make_share_images.py [--name "Vetted Health"]

Writes static/vetted/card.png (1200x630, the size social sites show large) and
static/vetted/logo.png (512x512). The output is committed; nothing runs at build time.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

NAVY = (15, 43, 70)
PALE = (232, 238, 245)
WHITE = (255, 255, 255)
STATIC = Path(__file__).resolve().parent.parent / "static" / "vetted"
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu")]


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _mark(draw: ImageDraw.ImageDraw, centre: tuple[int, int], radius: int) -> None:
    """The brand mark: a white disc with a navy cross, as in the site's header."""
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=WHITE)
    arm, thick = radius * 0.55, radius * 0.2
    draw.rectangle((x - arm, y - thick, x + arm, y + thick), fill=NAVY)
    draw.rectangle((x - thick, y - arm, x + thick, y + arm), fill=NAVY)


def card(name: str) -> Image.Image:
    image = Image.new("RGB", (1200, 630), NAVY)
    draw = ImageDraw.Draw(image)
    _mark(draw, (160, 250), 70)
    draw.text((270, 195), name, font=_font(96, bold=True), fill=WHITE)
    draw.text(
        (100, 390),
        "Health information written from published evidence",
        font=_font(40),
        fill=PALE,
    )
    draw.text((100, 445), "and checked by medical reviewers.", font=_font(40), fill=PALE)
    draw.rectangle((0, 600, 1200, 630), fill=PALE)
    return image


def logo() -> Image.Image:
    image = Image.new("RGB", (512, 512), NAVY)
    _mark(ImageDraw.Draw(image), (256, 256), 190)
    return image


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="Vetted Health")
    args = parser.parse_args()
    card(args.name).save(STATIC / "card.png", optimize=True)
    logo().save(STATIC / "logo.png", optimize=True)
    print(f"wrote {STATIC / 'card.png'} and {STATIC / 'logo.png'}")


if __name__ == "__main__":
    main()
