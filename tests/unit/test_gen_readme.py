# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""scripts/gen_readme.py: Markdown fragments -> README.rst, and --check."""

import importlib.util
import shutil
from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parents[2]
_SPEC = importlib.util.spec_from_file_location("gen_readme", REPO_DIR / "scripts" / "gen_readme.py")
gen_readme = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(gen_readme)


def convert(markdown):
    blocks = gen_readme.parse_blocks(markdown.splitlines(), "test.md")
    return "\n".join(gen_readme.render_blocks(blocks, "test.md"))


def test_inline_markup_and_escapes():
    assert convert("Use `saas.event` and **Approve**, *not* x.") == (
        "Use ``saas.event`` and **Approve**, *not* x."
    )
    # markup touching a word, a trailing underscore, a bar
    assert convert("`cus_`s and name_ a|b") == "``cus_``\\ s and name\\_ a\\|b"
    assert convert("See <https://example.com/x> and [docs](https://e.org/d).") == (
        "See https://example.com/x and `docs <https://e.org/d>`__."
    )


def test_headings_lists_code_and_tables():
    markdown = """## Title with `code`

1. first
   - nested `a`
   - nested b
2. second
   continued

```json
{"a": 1}
```

| Key | Value |
|---|---|
| `k` | v \\| w |
| empty | |
"""
    assert convert(markdown) == (
        "Title with ``code``\n"
        "~~~~~~~~~~~~~~~~~~~\n"
        "\n"
        "1. first\n"
        "\n"
        "   -  nested ``a``\n"
        "   -  nested b\n"
        "\n"
        "2. second\n"
        "   continued\n"
        "\n"
        ".. code:: json\n"
        "\n"
        '   {"a": 1}\n'
        "\n"
        ".. list-table::\n"
        "   :header-rows: 1\n"
        "   :widths: auto\n"
        "\n"
        "   * - Key\n"
        "     - Value\n"
        "   * - ``k``\n"
        "     - v \\| w\n"
        "   * - empty\n"
        "     -"
    )


def test_unsupported_markdown_is_refused():
    with pytest.raises(gen_readme.FragmentError, match="heading level 1"):
        convert("# Top")
    with pytest.raises(gen_readme.FragmentError, match="never closed"):
        convert("```sh\nls")
    with pytest.raises(gen_readme.FragmentError, match="3 cells instead of 2"):
        convert("| a | b |\n|---|---|\n| 1 | 2 | 3 |")


@pytest.fixture
def repo_copy(tmp_path, monkeypatch):
    """A copy of saas_sync's manifest, fragments and pictures, as a one-addon repo."""
    addon = tmp_path / "saas_sync"
    (addon / "readme").mkdir(parents=True)
    shutil.copy(REPO_DIR / "saas_sync" / "__manifest__.py", addon)
    for fragment in (REPO_DIR / "saas_sync" / "readme").glob("*.md"):
        shutil.copy(fragment, addon / "readme")
    # the pictures the fragments show
    shutil.copytree(
        REPO_DIR / "saas_sync" / "static" / "description", addon / "static" / "description"
    )
    monkeypatch.setattr(gen_readme, "REPO_DIR", tmp_path)
    return addon


def test_check_fails_until_the_readme_is_regenerated(repo_copy, capsys):
    assert gen_readme.main(["--check"]) == 1  # no README.rst yet
    assert gen_readme.main([]) == 0
    readme = (repo_copy / "README.rst").read_text()
    assert readme.startswith("=====================\nSaaS Integration Core\n")
    assert "maturity-Beta-yellow" in readme
    assert "`saas-finance <https://github.com/saas-finance>`__" in readme
    assert gen_readme.main(["--check"]) == 0
    # An edit by hand in README.rst is caught...
    (repo_copy / "README.rst").write_text(readme.replace("Usage\n=====", "Use\n==="))
    capsys.readouterr()
    assert gen_readme.main(["--check"]) == 1
    assert "is not what its readme/ fragments generate" in capsys.readouterr().err
    # ...and so is a fragment changed without regenerating.
    gen_readme.main([])
    usage = repo_copy / "readme" / "USAGE.md"
    usage.write_text(usage.read_text() + "\nOne more paragraph.\n")
    assert gen_readme.main(["--check"]) == 1
    gen_readme.main([])
    assert (repo_copy / "README.rst").read_text().count("One more paragraph.") == 1


def test_invalid_rst_is_reported(repo_copy, capsys):
    (repo_copy / "readme" / "USAGE.md").write_text("A `title`_ reference_ to nothing.\n")
    # the trailing underscore is escaped: valid
    assert gen_readme.main([]) == 0
    capsys.readouterr()
    (repo_copy / "readme" / "USAGE.md").write_text("An *unclosed emphasis.\n")
    assert gen_readme.main([]) == 1
    assert "would not be valid reStructuredText" in capsys.readouterr().err
    (repo_copy / "readme" / "USAGE.md").write_text("## A\n\n#### Skips a level\n")
    assert gen_readme.main([]) == 1
    assert "'Skips a level' skips a level" in capsys.readouterr().err


def test_images_from_static_description(repo_copy, capsys):
    usage = repo_copy / "readme" / "USAGE.md"
    usage.write_text("The inbox:\n\n![The event inbox](../static/description/inbox.png)\n")
    assert gen_readme.main([]) == 1  # the file is missing
    assert "image '../static/description/inbox.png' does not exist" in capsys.readouterr().err
    (repo_copy / "static" / "description" / "inbox.png").write_bytes(b"\x89PNG")
    assert gen_readme.main([]) == 0
    readme = (repo_copy / "README.rst").read_text()
    assert "The inbox:\n\n.. image:: static/description/inbox.png\n   :alt: The event inbox\n" in (
        readme
    )
    with pytest.raises(gen_readme.FragmentError, match="images live in static/description/"):
        convert("![x](../../etc/x.png)")
    with pytest.raises(gen_readme.FragmentError, match="images live in static/description/"):
        convert("![x](../static/description/../../x.png)")
    with pytest.raises(gen_readme.FragmentError, match="without its alt text"):
        convert("![](../static/description/x.png)")
    with pytest.raises(gen_readme.FragmentError, match="image inside a paragraph"):
        convert("See ![x](../static/description/x.png) here.")
