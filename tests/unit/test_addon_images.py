# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Issue 19: every addon has its own icon, and the pictures its README shows
exist, small enough to ship (static/description/)."""

import hashlib
import re
from pathlib import Path

import pytest
from PIL import Image

REPO_DIR = Path(__file__).resolve().parents[2]
ADDONS = sorted(path.parent for path in REPO_DIR.glob("*/__manifest__.py"))
IMAGE = re.compile(r"^!\[[^\]]*\]\(([^)\s]+)\)\s*$", re.M)


@pytest.mark.parametrize("addon", ADDONS, ids=lambda path: path.name)
def test_icon(addon):
    icon = addon / "static" / "description" / "icon.png"
    assert icon.is_file(), f"{addon.name} has no icon"
    with Image.open(icon) as image:
        assert image.format == "PNG"
        assert image.width == image.height
        assert 64 <= image.width <= 256


def test_icons_are_distinct():
    digests = {}
    for addon in ADDONS:
        icon = addon / "static" / "description" / "icon.png"
        digests.setdefault(hashlib.sha256(icon.read_bytes()).hexdigest(), []).append(addon.name)
    assert [names for names in digests.values() if len(names) > 1] == []


def readme_images(addon):
    for fragment in sorted((addon / "readme").glob("*.md")):
        for target in IMAGE.findall(fragment.read_text(encoding="utf-8")):
            yield fragment, (fragment.parent / target).resolve()


@pytest.mark.parametrize("addon", ADDONS, ids=lambda path: path.name)
def test_readme_pictures_exist_and_are_small(addon):
    for fragment, image_path in readme_images(addon):
        assert image_path.is_file(), f"{fragment}: {image_path} is missing"
        assert image_path.parent == addon / "static" / "description", image_path
        assert image_path.stat().st_size < 400_000, f"{image_path} is over 400 kB"
        with Image.open(image_path) as image:
            assert image.format == "PNG"
            assert image.width <= 1280 and image.height <= 1600, image.size


# The main screens a newcomer opens, each pictured in its addon's USAGE.md
# (words of the pictures' alt texts); scripts/screenshots.sh takes them again.
MAIN_SCREENS = {
    "saas_sync": ["event inbox"],
    "saas_subscription": ["subscription"],
    "saas_metrics": ["metrics dashboard", "mrr bridge", "executive report"],
    "saas_revenue": ["recognition batch"],
    "saas_metrics_revenue": ["executive report"],
}


@pytest.mark.parametrize("addon", sorted(MAIN_SCREENS))
def test_main_screens_are_pictured(addon):
    usage = (REPO_DIR / addon / "readme" / "USAGE.md").read_text(encoding="utf-8")
    alts = " ".join(re.findall(r"^!\[([^\]]*)\]", usage, re.M)).lower()
    for screen in MAIN_SCREENS[addon]:
        assert screen in alts, f"{addon}: no picture of its {screen}"


def test_pictures_are_taken_by_the_script():
    """Each picture a README shows is one scripts/screenshots.py takes (so
    it can be refreshed), and the other way round."""
    script = (REPO_DIR / "scripts" / "screenshots.py").read_text(encoding="utf-8")
    taken = set(re.findall(r'"(\w+)",\s*"(\w+\.png)"', script))
    taken |= {(addon, "executive_report.png") for addon in ("saas_metrics", "saas_metrics_revenue")}
    shown = {
        (addon.name, image_path.name)
        for addon in ADDONS
        for _fragment, image_path in readme_images(addon)
    }
    assert shown == taken
