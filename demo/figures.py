"""Figures for the demo articles, drawn with Pillow (no downloaded artwork).

Each figure's facts come from the source its article cites beside it.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

NAVY = (15, 43, 70)
BAR = (11, 87, 208)
GRID = (214, 222, 232)
INK = (28, 36, 48)


def _font(size: int) -> ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def titration_chart() -> bytes:
    """Gabapentin's usual first three days for nerve pain, per the US prescribing
    information: 300 mg on day 1, 600 mg on day 2, 900 mg a day from day 3."""
    width, height = 1200, 675
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 40), "A common way to start gabapentin", fill=NAVY, font=_font(44))
    draw.text((60, 100), "Total dose per day (mg)", fill=INK, font=_font(28))
    left, bottom, top = 140, 585, 170
    scale = (bottom - top) / 1000
    for mg in range(0, 1001, 250):
        y = bottom - mg * scale
        draw.line((left, y, width - 80, y), fill=GRID, width=2)
        draw.text((60, y - 14), f"{mg}", fill=INK, font=_font(24))
    days = [
        ("Day 1", 300, "300 mg once"),
        ("Day 2", 600, "300 mg twice"),
        ("Day 3", 900, "300 mg three times"),
    ]
    slot = (width - 80 - left) / len(days)
    for index, (day, mg, how) in enumerate(days):
        x0 = left + index * slot + slot * 0.2
        x1 = x0 + slot * 0.6
        draw.rectangle((x0, bottom - mg * scale, x1, bottom), fill=BAR)
        draw.text((x0, bottom - mg * scale - 40), how, fill=INK, font=_font(26))
        draw.text((x0, bottom + 16), day, fill=INK, font=_font(30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


FIGURES = {
    "titration": {
        "draw": titration_chart,
        "name": "gabapentin-start.png",
        "alt_text": (
            "Bar chart of gabapentin's total daily dose over the first three days: "
            "300 mg on day 1, 600 mg on day 2 and 900 mg on day 3."
        ),
        "caption": (
            "A common way to start gabapentin for nerve pain. Your prescriber may use a "
            "slower schedule, especially if you are older or your kidneys work less well."
        ),
        "credit": "Vetted Health, from the US prescribing information",
        "licence": "CC BY 4.0",
    },
}
