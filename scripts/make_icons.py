"""Draw the site's icons (the brand mark: a white cross on a navy rounded square).

Run once after changing the design; the output files are committed under static/vetted/:
favicon.ico (16, 32 and 48 px) and apple-touch-icon.png (180 px). The SVG
icon, static/vetted/favicon.svg, is written by hand to the same design.

    .venv/bin/python scripts/make_icons.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

NAVY = (15, 43, 70, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "static" / "vetted"
SCALE = 8  # drawn large and scaled down, for smooth edges


def draw(size: int, *, rounded: bool = True) -> Image.Image:
    big = size * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    # Apple's touch icons are masked by the system: give them a full square.
    radius = big // 5 if rounded else 0
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=radius, fill=NAVY)
    arm, bar = big * 0.56, big * 0.18  # the cross: length and thickness of each arm
    low, high = (big - arm) / 2, (big + arm) / 2
    pen.rectangle(((big - bar) / 2, low, (big + bar) / 2, high), fill=WHITE)
    pen.rectangle((low, (big - bar) / 2, high, (big + bar) / 2), fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    draw(48).save(OUT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    draw(180, rounded=False).convert("RGB").save(OUT / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
