"""Twins equal to their pages: every text segment of a page's main content (minus what is
marked data-markdown-ignore) is in its Markdown twin, computed by tests/parity.py from the
built files alone; on fixture sites with connector files, normal and white-label."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, REFERENCE, build
from parity import html_segments, missing_segments, site_parity, twin_text

PAGE = """<html><body><article class="md-content__inner md-typeset">
<h1 id="t">Connect Acme<a class="headerlink" href="#t">¶</a></h1>
<p>Click <strong>Create</strong>, then
copy the <code>token</code>.</p>
<div data-markdown-ignore><button>Copy page</button></div>
<table><tr><td>List users</td><td><code>users:read</code>, <code>users:write</code></td></tr></table>
<ul><li>One<ul><li>Nested</li></ul></li></ul>
</article></body></html>"""


def test_segments_are_blocks_without_ignored_parts_or_permalinks() -> None:
    assert html_segments(PAGE) == [
        "Connect Acme", "Click Create, then copy the token.", "List users",
        "users:read, users:write", "One", "Nested"]


def test_a_twin_is_read_as_an_mdx_reader_shows_it() -> None:
    twin = ("# Connect Acme\n\n<Warning>\n  <p>Careful.</p>\n</Warning>\n\n<Steps>\n"
            "    <Step title=\"Open it\">\n      <p>Click <strong>Create</strong>, then\n"
            "      copy the `token`.</p>\n    </Step>\n</Steps>\n\n"
            "| Action | Scopes |\n| --- | --- |\n| List users | `users:read`, `users:write` |\n"
            "\n- One\n  - Nested\n")
    text = twin_text(twin).split("\n")
    assert text[1:3] == ["Warning", "Careful."] and "Open it" in text
    assert "Click Create, then copy the token." in text
    assert missing_segments(PAGE, twin) == []
    assert missing_segments(PAGE, twin.replace("users:write", "users:delete")) == [
        "users:read, users:write"]
    assert missing_segments(PAGE, "# Connect Acme\n") == [
        "Click Create, then copy the token.", "List users", "users:read, users:write",
        "One", "Nested"]


def _assert_parity(site_dir: Path, pages: int) -> None:
    report = site_parity(site_dir)
    assert len(report) >= pages, sorted(report)
    assert {page: missing for page, missing in report.items() if missing} == {}


def test_picker_fixture_twins_have_every_text_of_their_pages(tmp_path: Path) -> None:
    """Guides with pickers, a connector file with scoped actions, the catalogue. (The
    `plain` format lists a guide's actions as bullets, which keep to 80 columns where a
    table's rows cannot; its twins are not held to the picker table's words.)"""
    root = tmp_path / "site-src"
    shutil.copytree(FIXTURES / "scopes-site", root)
    _assert_parity(build(root / "mkdocs.yml"), 7)


@pytest.mark.parametrize("variant", ["mkdocs.yml", "mkdocs.whitelabel.yml"])
def test_whitelabel_fixture_twins_have_every_text_of_their_pages(tmp_path: Path,
                                                                 variant: str) -> None:
    root = tmp_path / "site-src"
    shutil.copytree(FIXTURES / "whitelabel-site", root)
    site_dir = build(root / variant, site_dir=str(tmp_path / "out"))
    _assert_parity(site_dir, 5)


@pytest.mark.skipif(not (REFERENCE / "connector-repo").is_dir(),
                    reason="../shared/reference is missing")
def test_connector_repository_twins_have_every_text_of_their_pages(tmp_path: Path) -> None:
    """Connector files as real repositories hold them: field references (selects, tooltips,
    examples), folded action descriptions, vendors' links."""
    from conftest import write_project

    config = write_project(tmp_path, {})
    shutil.rmtree(tmp_path / "guides")
    shutil.copytree(REFERENCE / "connector-repo", tmp_path / "guides")
    _assert_parity(build(config), 5)


CODE_PAGE = """<html><body><article class="md-content__inner md-typeset">
<p>Paste this:</p>
<pre><code>{
  "a": 1,

  "b": 2
}
</code></pre>
</article></body></html>"""


def test_code_blocks_are_compared_as_written() -> None:
    """Collapsed white space would hide code that gained indentation or lost a blank line."""
    exact = 'Paste this:\n\n```\n{\n  "a": 1,\n\n  "b": 2\n}\n```\n'
    assert missing_segments(CODE_PAGE, exact) == []
    indented = ('<div>\n  <p>Paste this:</p>\n  <pre><code>{\n    &quot;a&quot;: 1,&#10;\n'
                '    &quot;b&quot;: 2\n  }\n  </code></pre>\n</div>\n')
    assert missing_segments(CODE_PAGE, indented) == [
        "code: '{\\n  \"a\": 1,\\n\\n  \"b\": 2\\n}\\n'"]
    squeezed = 'Paste this:\n\n```\n{\n  "a": 1,\n  "b": 2\n}\n```\n'
    assert missing_segments(CODE_PAGE, squeezed) != []




@pytest.mark.parametrize("fmt", ["stackone", "plain"])
def test_code_and_literal_markers_read_as_on_the_page(tmp_path: Path, fmt: str) -> None:
    from conftest import LITERAL_GUIDE, write_project

    config = write_project(tmp_path, {"codey/guide.yaml": LITERAL_GUIDE},
                           plugin={"markdown_export": fmt})
    _assert_parity(build(config), 3)
