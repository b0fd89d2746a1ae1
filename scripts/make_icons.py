#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Draw each addon's icon, static/description/icon.png (128 x 128): a rounded
square of the addon's colour with a pictogram of what it does, so the apps
list tells the addons apart. Needs Pillow (in Odoo's requirements).

    python3 scripts/make_icons.py            # every addon of ICONS
    python3 scripts/make_icons.py saas_sync  # only the addons named
"""

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO_DIR = Path(__file__).resolve().parent.parent
SIZE = 128
SCALE = 4  # drawn larger, then reduced: smooth edges
WHITE = (255, 255, 255, 255)
FONTS = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
]


def _font(size):
    for path in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _arrow_arc(draw, box, start, end, width):
    """An arc from ``start`` to ``end`` degrees with an arrow head at ``end``."""
    draw.arc(box, start, end, fill=WHITE, width=width)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    radius = (box[2] - box[0]) / 2 - width / 2
    angle = math.radians(end)
    tip = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    tangent = angle + math.pi / 2
    head = width * 1.6
    back = (tip[0] - head * math.cos(tangent), tip[1] - head * math.sin(tangent))
    normal = (math.cos(angle) * head, math.sin(angle) * head)
    draw.polygon(
        [
            (tip[0] + head * math.cos(tangent), tip[1] + head * math.sin(tangent)),
            (back[0] + normal[0], back[1] + normal[1]),
            (back[0] - normal[0], back[1] - normal[1]),
        ],
        fill=WHITE,
    )


def sync(draw, s):
    """Two arrows turning: events in, records out."""
    box = (s * 0.22, s * 0.22, s * 0.78, s * 0.78)
    _arrow_arc(draw, box, 200, 330, int(s * 0.07))
    _arrow_arc(draw, box, 20, 150, int(s * 0.07))


def subscription(draw, s):
    """A calendar: what renews month after month."""
    w = int(s * 0.05)
    draw.rounded_rectangle((s * 0.2, s * 0.26, s * 0.8, s * 0.8), s * 0.06, outline=WHITE, width=w)
    draw.rectangle((s * 0.2, s * 0.26, s * 0.8, s * 0.4), fill=WHITE)
    for x in (0.34, 0.66):
        draw.rounded_rectangle(
            (s * (x - 0.03), s * 0.18, s * (x + 0.03), s * 0.32), s * 0.02, fill=WHITE
        )
    for row in range(2):
        for col in range(3):
            x, y = s * (0.3 + col * 0.15), s * (0.5 + row * 0.14)
            draw.rectangle((x, y, x + s * 0.09, y + s * 0.08), fill=WHITE)


def revenue(draw, s):
    """A staircase of equal steps: revenue recognized period after period."""
    for step in range(5):
        x = s * (0.18 + step * 0.13)
        top = s * (0.66 - step * 0.1)
        draw.rectangle((x, top, x + s * 0.1, s * 0.8), fill=WHITE)


def metrics(draw, s):
    """A rising line over axes: MRR month after month."""
    w = int(s * 0.05)
    draw.line([(s * 0.2, s * 0.18), (s * 0.2, s * 0.8), (s * 0.84, s * 0.8)], fill=WHITE, width=w)
    points = [(0.28, 0.68), (0.42, 0.55), (0.55, 0.6), (0.7, 0.38), (0.82, 0.24)]
    draw.line([(s * x, s * y) for x, y in points], fill=WHITE, width=w, joint="curve")
    for x, y in points:
        draw.ellipse((s * x - w, s * y - w, s * x + w, s * y + w), fill=WHITE)


def metrics_revenue(draw, s):
    """Bars and a line: recognized revenue beside MRR."""
    for index, height in enumerate((0.25, 0.35, 0.3, 0.45)):
        x = s * (0.2 + index * 0.16)
        draw.rectangle((x, s * (0.8 - height), x + s * 0.11, s * 0.8), fill=WHITE)
    w = int(s * 0.04)
    draw.line(
        [(s * 0.22, s * 0.42), (s * 0.4, s * 0.32), (s * 0.58, s * 0.36), (s * 0.8, s * 0.2)],
        fill=WHITE,
        width=w,
        joint="curve",
    )


def letter(text):
    def draw_letter(draw, s):
        font = _font(int(s * 0.56))
        draw.text((s / 2, s / 2), text, font=font, fill=WHITE, anchor="mm")

    return draw_letter


def cloud(draw, s):
    """A cloud: the CRM."""
    for x, y, r in ((0.36, 0.56, 0.14), (0.52, 0.46, 0.18), (0.68, 0.56, 0.13)):
        draw.ellipse((s * (x - r), s * (y - r), s * (x + r), s * (y + r)), fill=WHITE)
    draw.rounded_rectangle((s * 0.22, s * 0.54, s * 0.8, s * 0.7), s * 0.08, fill=WHITE)


def usage(draw, s):
    """A gauge: usage metered."""
    w = int(s * 0.06)
    draw.arc((s * 0.18, s * 0.24, s * 0.82, s * 0.88), 180, 360, fill=WHITE, width=w)
    for angle in (200, 240, 300, 340):
        rad = math.radians(angle)
        x, y = s * 0.5 + math.cos(rad) * s * 0.26, s * 0.56 + math.sin(rad) * s * 0.26
        draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=WHITE)
    rad = math.radians(305)
    draw.line(
        [
            (s * 0.5, s * 0.56),
            (s * 0.5 + math.cos(rad) * s * 0.22, s * 0.56 + math.sin(rad) * s * 0.22),
        ],
        fill=WHITE,
        width=w,
    )
    draw.ellipse((s * 0.44, s * 0.5, s * 0.56, s * 0.62), fill=WHITE)


# addon -> (background colour, pictogram)
ICONS = {
    "saas_sync": ((14, 116, 144), sync),
    "saas_subscription": ((79, 70, 229), subscription),
    "saas_revenue": ((21, 128, 61), revenue),
    "saas_metrics": ((180, 120, 0), metrics),
    "saas_metrics_revenue": ((126, 34, 206), metrics_revenue),
    "saas_stripe": ((99, 91, 255), letter("S")),
    "saas_chargebee": ((255, 51, 0), letter("C")),
    "saas_salesforce": ((0, 161, 224), cloud),
    "saas_usage": ((190, 18, 60), usage),
}


def draw_icon(color, pictogram):
    big = SIZE * SCALE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), big * 0.18, fill=(*color, 255))
    pictogram(draw, big)
    return image.resize((SIZE, SIZE), Image.LANCZOS)


def main(argv=None):
    names = (argv if argv is not None else sys.argv[1:]) or sorted(ICONS)
    for name in names:
        if name not in ICONS:
            raise SystemExit(f"no icon is drawn for {name}: add it to ICONS")
        target = REPO_DIR / name / "static" / "description" / "icon.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        draw_icon(*ICONS[name]).save(target, optimize=True)
        print(f"{target.relative_to(REPO_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
