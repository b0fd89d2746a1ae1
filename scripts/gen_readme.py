#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Build each addon's README.rst from its readme/*.md fragments.

The fragments are the only source of an addon's documentation; README.rst is
generated from them and from the manifest (name, summary, development status,
license, authors, maintainers), in the layout of OCA's readme template.

    python3 scripts/gen_readme.py           # writes every addon's README.rst
    python3 scripts/gen_readme.py --check   # exit 1 when one is out of date
    python3 scripts/gen_readme.py saas_sync # only the addons named

Fragments, each optional, in this order: DESCRIPTION.md, CONTEXT.md,
INSTALL.md, CONFIGURE.md, USAGE.md, DEVELOP.md, ROADMAP.md, HISTORY.md,
BUGTRACKER.md (added to the Bug Tracker section), CONTRIBUTORS.md, CREDITS.md.
Headings inside a fragment start at ``##``. The Markdown understood is the
subset the fragments use: headings, paragraphs, bullet and numbered lists
(nested), fenced code blocks, pipe tables, images alone on their line
(``![alt](../static/description/<file>.png)``: the file must exist),
``code``, **bold**, *italic*, [links](url) and <url>. Anything else is
refused with a clear error, and the output is checked with docutils, so a
fragment never turns silently into a broken page. The output depends on
nothing but the files: it is the same on every machine.
"""

import argparse
import ast
import difflib
import io
import re
import sys
from pathlib import Path

from docutils.core import publish_doctree
from docutils.utils import Reporter

REPO_DIR = Path(__file__).resolve().parent.parent
REPO_URL = "https://github.com/saas-finance/odoo-saas-finance"

# (fragment, section title); None: placed without a title.
SECTIONS = [
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
]
# Markdown heading level -> reStructuredText underline. Level 1 is the
# section of the template (=), so fragments start at ##.
HEADING_CHARS = {2: "~", 3: "^", 4: "'", 5: '"'}
STATUS_COLORS = {
    "Alpha": "red",
    "Beta": "yellow",
    "Production/Stable": "green",
    "Mature": "brightgreen",
}
LICENSES = {
    "LGPL-3": (
        "LGPL--3",
        "https://www.gnu.org/licenses/lgpl-3.0-standalone.html",
        "GNU Lesser General Public License, version 3 or later",
    ),
    "AGPL-3": (
        "AGPL--3",
        "https://www.gnu.org/licenses/agpl-3.0-standalone.html",
        "GNU Affero General Public License, version 3 or later",
    ),
}


class FragmentError(Exception):
    """A fragment uses Markdown this converter does not understand."""


# ---------------------------------------------------------------- block level

FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
BULLET = re.compile(r"^([-*+])(\s+)(.*)$")
ORDERED = re.compile(r"^(\d{1,9})([.)])(\s+)(.*)$")
IMAGE = re.compile(r"^!\[([^\]]*)\]\(([^)\s]+)\)$")
# Where a fragment's images live, as the fragment names them (from readme/).
IMAGE_DIR = "../static/description/"
TABLE_RULE = re.compile(r"^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")


def _indent_of(line):
    return len(line) - len(line.lstrip(" "))


def _list_marker(line):
    """(kind, marker text, content indent, first content) or None."""
    match = BULLET.match(line)
    if match:
        return "bullet", match.group(1), 1 + len(match.group(2)), match.group(3)
    match = ORDERED.match(line)
    if match:
        width = len(match.group(1)) + 1 + len(match.group(3))
        return "ordered", match.group(1), width, match.group(4)
    return None


def _starts_block(line):
    return bool(
        FENCE.match(line)
        or HEADING.match(line)
        or IMAGE.match(line.strip())
        or _list_marker(line)
        or line.startswith("|")
    )


def parse_blocks(lines, where):
    """Markdown lines (already dedented) -> list of block tuples."""
    blocks = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        if "\t" in line:
            raise FragmentError(f"{where}: tab character; indent with spaces")
        fence = FENCE.match(line.strip()) if _indent_of(line) < 4 else None
        if fence:
            marker, lang = fence.group(1), fence.group(2)
            body = []
            i += 1
            while i < len(lines) and lines[i].strip() != marker:
                body.append(lines[i])
                i += 1
            if i == len(lines):
                raise FragmentError(f"{where}: code block {marker}{lang} never closed")
            blocks.append(("code", lang, body))
            i += 1
            continue
        heading = HEADING.match(line)
        if heading:
            blocks.append(("heading", len(heading.group(1)), heading.group(2)))
            i += 1
            continue
        if IMAGE.match(line.strip()):
            blocks.append(_image_block(line.strip(), where))
            i += 1
            continue
        if line.startswith("|") and i + 1 < len(lines) and TABLE_RULE.match(lines[i + 1]):
            rows = [_table_cells(line)]
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(_table_cells(lines[i]))
                i += 1
            width = len(rows[0])
            for row in rows:
                if len(row) != width:
                    raise FragmentError(
                        f"{where}: table row with {len(row)} cells instead of {width}: {row!r}"
                    )
            blocks.append(("table", rows))
            continue
        marker = _list_marker(line)
        if marker:
            i = _parse_list(lines, i, blocks, where)
            continue
        para = [line.strip()]
        i += 1
        while i < len(lines) and lines[i].strip() and not _starts_block(lines[i].lstrip()):
            para.append(lines[i].strip())
            i += 1
        blocks.append(("para", para))
    return blocks


def _image_block(line, where):
    alt, target = IMAGE.match(line).groups()
    if not target.startswith(IMAGE_DIR) or "/.." in target[len(IMAGE_DIR) - 1 :]:
        raise FragmentError(
            f"{where}: image {target!r}: images live in static/description/ "
            f"and are named {IMAGE_DIR}<file>"
        )
    if not alt.strip():
        raise FragmentError(f"{where}: image {target!r} without its alt text")
    return ("image", alt.strip(), target)


def _parse_list(lines, i, blocks, where):
    kind = _list_marker(lines[i])[0]
    items = []
    loose = False
    while i < len(lines):
        marker = _list_marker(lines[i])
        if not marker or marker[0] != kind:
            break
        _kind, number, width, first = marker
        body = [first]
        i += 1
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                # A blank line: the item goes on when the next text is indented.
                j = i
                while j < len(lines) and not lines[j].strip():
                    j += 1
                if j < len(lines) and _indent_of(lines[j]) >= width:
                    body.extend([""] * (j - i))
                    i = j
                    loose = True
                    continue
                break
            if _indent_of(line) >= min(width, 2):
                body.append(line[min(width, _indent_of(line)) :])
                i += 1
                continue
            if _starts_block(line):
                break
            body.append(line)  # lazy continuation of the item's paragraph
            i += 1
        items.append((number, parse_blocks(body, where)))
        j = i
        while j < len(lines) and not lines[j].strip():
            j += 1
        next_marker = _list_marker(lines[j]) if j < len(lines) else None
        if next_marker and next_marker[0] == kind:
            if j > i:
                loose = True
            i = j
            continue
        break
    blocks.append(("list", kind, items, loose))
    return i


def _table_cells(line):
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = re.split(r"(?<!\\)\|", text)
    return [cell.strip().replace("\\|", "|") for cell in cells]


# --------------------------------------------------------------- inline level

CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.S)
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)|<(https?://[^>\s]+)>")
STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", re.S)
# Characters reStructuredText accepts just before a start-string and just
# after an end-string of inline markup (besides white space).
BEFORE_OK = set(" \n'\"([{<-/:\u2018\u201c")
AFTER_OK = set(" \n'\")]}>-/:.,;!?\\\u2019\u201d")


def _escape_text(text):
    """Plain text: characters reStructuredText would read as markup."""
    text = text.replace("|", "\\|")
    # word_ and word__ are references in reStructuredText.
    text = re.sub(r"(\w)(_+)(?=[\s.,;:!?)\]'\"]|$)", r"\1\\\2", text)
    # A lone backtick or a leading "_`" would start a role or a target.
    text = re.sub(r"(?<!\\)`", "\\`", text)
    return text


def _plain(text):
    """Plain text (no code spans, no links) with bold and italic."""
    out = []
    pos = 0
    pieces = []
    for match in STRONG.finditer(text):
        pieces.append((match.start(), match.end(), "**", match.group(1)))
    for match in EMPHASIS.finditer(text):
        if not any(start <= match.start() < end for start, end, *_ in pieces):
            pieces.append((match.start(), match.end(), "*", match.group(1)))
    pieces.sort()
    for start, end, mark, inner in pieces:
        if start < pos:
            continue
        out.append(_escape_text(text[pos:start]))
        out.append(("markup", mark + _escape_text(inner) + mark))
        pos = end
    out.append(_escape_text(text[pos:]))
    return out


def inline(text):
    """Markdown inline text -> reStructuredText inline text."""
    parts = []  # strings (plain, already escaped) and ("markup", text)
    pos = 0
    for match in CODE_SPAN.finditer(text):
        parts.extend(_links(text[pos : match.start()]))
        code = match.group(2)
        if code.startswith(" ") and code.endswith(" ") and code.strip():
            code = code[1:-1]
        if "``" in code:
            raise FragmentError(f"code span with a double backtick: {code!r}")
        parts.append(("markup", f"``{code}``"))
        pos = match.end()
    parts.extend(_links(text[pos:]))
    # Join, escaping the places where markup touches a word character.
    out = ""
    for index, part in enumerate(parts):
        if isinstance(part, tuple):
            markup = part[1]
            if out and out[-1] not in BEFORE_OK:
                out += "\\ "
            out += markup
            following = next(
                (p if isinstance(p, str) else p[1] for p in parts[index + 1 :] if p),
                "",
            )
            if following and following[0] not in AFTER_OK:
                out += "\\ "
        else:
            out += part
    return out


def _links(text):
    parts = []
    pos = 0
    for match in LINK.finditer(text):
        if text[: match.start()].endswith("!"):
            raise FragmentError(
                f"image inside a paragraph: {match.group(0)!r}; put it on its own line"
            )
        parts.extend(_plain(text[pos : match.start()]))
        if match.group(3):
            parts.append(("markup", match.group(3)))
        else:
            label = match.group(1).replace("`", "")
            parts.append(("markup", f"`{_escape_text(label)} <{match.group(2)}>`__"))
        pos = match.end()
    parts.extend(_plain(text[pos:]))
    return parts


# ------------------------------------------------------------------ rendering


def render_blocks(blocks, where):
    out = []
    for block in blocks:
        if out and out[-1] != "":
            out.append("")
        kind = block[0]
        if kind == "para":
            out.extend(inline("\n".join(block[1])).split("\n"))
        elif kind == "heading":
            level, text = block[1], block[2]
            if level not in HEADING_CHARS:
                raise FragmentError(
                    f"{where}: heading level {level} ({text!r}); fragments use "
                    f"## to {'#' * max(HEADING_CHARS)}"
                )
            title = inline(text)
            out.extend([title, HEADING_CHARS[level] * len(title)])
        elif kind == "code":
            lang, body = block[1], block[2]
            out.append(f".. code:: {lang}" if lang else "::")
            out.append("")
            out.extend(f"   {line}" if line.strip() else "" for line in body)
        elif kind == "image":
            alt, target = block[1], block[2]
            # README.rst sits beside readme/: the path from the addon folder
            out.append(f".. image:: {target[len('../') :]}")
            out.append(f"   :alt: {alt}")
        elif kind == "table":
            rows = block[1]
            out.extend([".. list-table::", "   :header-rows: 1", "   :widths: auto", ""])
            for row in rows:
                for col, cell in enumerate(row):
                    lead = "   * - " if col == 0 else "     - "
                    out.append((lead + inline(cell)).rstrip())
        elif kind == "list":
            _kind, items, loose = block[1], block[2], block[3]
            multi = loose or any(len(body) > 1 for _n, body in items)
            for index, (number, body) in enumerate(items):
                if multi and index:
                    out.append("")
                marker = "-  " if _kind == "bullet" else f"{number}. "
                lines = render_blocks(body, where) or [""]
                pad = " " * len(marker)
                out.append((marker + lines[0]).rstrip())
                out.extend(pad + line if line else "" for line in lines[1:])
        else:  # pragma: no cover - parse_blocks makes no other kind
            raise AssertionError(kind)
    return out


def _title(text, char="=", overline=False):
    rule = char * len(text)
    return [rule, text, rule] if overline else [text, rule]


def read_manifest(addon_dir):
    return ast.literal_eval((addon_dir / "__manifest__.py").read_text())


def _all_blocks(blocks):
    """The blocks and, inside lists, theirs."""
    for block in blocks:
        yield block
        if block[0] == "list":
            for _number, body in block[2]:
                yield from _all_blocks(body)


def fragment(addon_dir, name):
    path = addon_dir / "readme" / f"{name}.md"
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8")
    where = f"{path.relative_to(REPO_DIR)}"
    blocks = parse_blocks(text.splitlines(), where)
    for block in _all_blocks(blocks):
        if block[0] == "image" and not (path.parent / block[2]).is_file():
            raise FragmentError(f"{where}: image {block[2]!r} does not exist")
    level = 1
    for block in blocks:
        if block[0] == "heading":
            if block[1] > level + 1:
                raise FragmentError(f"{where}: heading {'#' * block[1]} {block[2]!r} skips a level")
            level = block[1]
    return render_blocks(blocks, where)


def generate(addon_dir):
    manifest = read_manifest(addon_dir)
    name = manifest["name"]
    status = manifest.get("development_status", "Beta")
    license_key = manifest.get("license", "LGPL-3")
    badge_license, license_url, license_name = LICENSES[license_key]
    out = _title(name, overline=True)
    out += [
        "",
        "..",
        "   !! This file is generated by scripts/gen_readme.py from the",
        f"   !! fragments in {addon_dir.name}/readme/ and the manifest. Do not",
        "   !! edit it: change those, then run python3 scripts/gen_readme.py",
        "",
        f".. |badge1| image:: https://img.shields.io/badge/maturity-"
        f"{status.replace('/', '--').replace(' ', '%20')}-"
        f"{STATUS_COLORS.get(status, 'lightgrey')}.png",
        "    :target: https://odoo-community.org/page/development-status",
        f"    :alt: {status}",
        f".. |badge2| image:: https://img.shields.io/badge/licence-{badge_license}-blue.png",
        f"    :target: {license_url}",
        f"    :alt: License: {license_key}",
        "",
        "|badge1| |badge2|",
        "",
    ]
    description = fragment(addon_dir, "DESCRIPTION")
    if description:
        out += [*description, ""]
    elif manifest.get("summary"):
        out += [inline(manifest["summary"]), ""]
    out += ["**Table of contents**", "", ".. contents::", "   :local:", ""]
    for key, title in SECTIONS:
        body = fragment(addon_dir, key)
        if body:
            out += [*_title(title), "", *body, ""]
    out += [*_title("Bug Tracker"), ""]
    out += [
        f"Bugs are tracked on `GitHub Issues <{REPO_URL}/issues>`_.",
        "In case of trouble, please check there if your issue has already been",
        "reported. If you spotted it first, help us to smash it by providing a",
        "detailed and welcomed feedback.",
        "",
    ]
    bugtracker = fragment(addon_dir, "BUGTRACKER")
    if bugtracker:
        out += [*bugtracker, ""]
    out += [*_title("Credits"), ""]
    out += [*_title("Authors", "~"), ""]
    out += [f"* {author.strip()}" for author in manifest["author"].split(",")] + [""]
    contributors = fragment(addon_dir, "CONTRIBUTORS")
    if contributors:
        out += [*_title("Contributors", "~"), "", *contributors, ""]
    credits_ = fragment(addon_dir, "CREDITS")
    if credits_:
        out += [*_title("Other credits", "~"), "", *credits_, ""]
    maintainers = manifest.get("maintainers") or []
    if maintainers:
        out += [*_title("Maintainers", "~"), ""]
        out += [
            "Current maintainers: "
            + ", ".join(f"`{m} <https://github.com/{m}>`__" for m in maintainers)
            + ".",
            "",
            f"This module is part of `{REPO_URL.split('github.com/')[1]}",
            f"<{REPO_URL}/tree/{manifest['version'].rsplit('.', 3)[0]}/{addon_dir.name}>`_.",
            "",
        ]
    out += [*_title("License", "~"), ""]
    out += [
        f"This module is licensed under the `{license_key} <{license_url}>`_",
        f"({license_name}).",
    ]
    return "\n".join(line.rstrip() for line in out).rstrip("\n") + "\n"


def docutils_problems(text, source):
    """Warnings and errors docutils reports on the generated text."""
    stream = io.StringIO()
    publish_doctree(
        text,
        source_path=source,
        settings_overrides={
            "report_level": Reporter.WARNING_LEVEL,
            "halt_level": Reporter.SEVERE_LEVEL + 1,
            "warning_stream": stream,
            "syntax_highlight": "none",
        },
    )
    return [line for line in stream.getvalue().splitlines() if line.strip()]


def addons(names):
    found = sorted(p.parent for p in REPO_DIR.glob("*/__manifest__.py"))
    if names:
        found = [p for p in found if p.name in names]
        missing = set(names) - {p.name for p in found}
        if missing:
            raise SystemExit(f"not an addon of this repository: {', '.join(sorted(missing))}")
    return [p for p in found if (p / "readme").is_dir()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("addons", nargs="*", help="addon folders (default: all)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a README.rst differs from its fragments",
    )
    args = parser.parse_args(argv)
    failed = False
    for addon_dir in addons(args.addons):
        target = addon_dir / "README.rst"
        rel = target.relative_to(REPO_DIR)
        try:
            text = generate(addon_dir)
        except FragmentError as error:
            print(f"ERROR: {error}", file=sys.stderr)
            failed = True
            continue
        problems = docutils_problems(text, str(rel))
        if problems:
            failed = True
            print(f"ERROR: {rel} would not be valid reStructuredText:", file=sys.stderr)
            for line in problems:
                print(f"  {line}", file=sys.stderr)
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if args.check:
            if current != text:
                failed = True
                diff = list(
                    difflib.unified_diff(
                        current.splitlines(),
                        text.splitlines(),
                        f"{rel} (in the repository)",
                        f"{rel} (generated)",
                        lineterm="",
                    )
                )
                print(f"ERROR: {rel} is not what its readme/ fragments generate:", file=sys.stderr)
                print("\n".join(diff[:40]), file=sys.stderr)
                if len(diff) > 40:
                    print(f"  ... ({len(diff) - 40} more diff lines)", file=sys.stderr)
        elif current != text:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    if args.check and failed:
        print("Run: python3 scripts/gen_readme.py (then commit README.rst)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
