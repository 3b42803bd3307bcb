"""The search sections of our pages: the fast reader gives exactly what Material's parser gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import build
from guidebook.searchindex import _Sections, _Unsupported, material_sections, sections

ROOT = Path(__file__).resolve().parent.parent

QUIRKS = [
    # text before any heading, headings with and without ids, an h2 before any h1
    "intro <b>bold</b><h2 id=\"a\">A &amp; B</h2><p>one\ntwo</p><h3>no id</h3><p>x</p>",
    # an excluded block mutes every open element with its tag, and any closing one unmutes
    '<div data-search-exclude><div>in</div>after inner</div><p>kept</p>',
    '<section data-search-exclude><h2 id="s">Hidden heading</h2><p>t</p></section><p>u</p>',
    # permalinks are left out of titles; kept tags, empty kept tags dropped
    '<h2 id="t">Title<a class="headerlink" href="#t">¶</a></h2><ul><li> </li><li>x</li></ul>',
    # whitespace collapses outside <pre>, not inside it
    "<h1 id=\"top\">T</h1>\n\n<pre><code>a\n  b\n\n</code></pre>   <p>  </p>\n<p>c</p>",
    # void and self-closing tags, a stray end tag, entities in attributes and text
    '<p>a<br>b<br/>c<img src="x" alt="&quot;"></p></span><p>&lt;code&gt; &#169;</p>',
    # a nested heading: its section closes with its parent element
    '<div><h2 id="n">Nested</h2><p>in</p></div><p>out</p><h2 id="m">Next</h2>',
    '<h2 id="a" data-search-exclude>Gone</h2><p>text of an excluded section</p>',
    '<div class="linenodiv"><pre>1\n2</pre></div><p>code</p>',
    '<h2 id="">Empty id</h2><h2 id>Bare id</h2><p>x</p>',
]

UNSUPPORTED = [
    "<p>a</p><!-- a comment --><p>b</p>",
    "<p>a</p><script>var x = '<p>';</script>",
    "<P>Upper</P>",
    "<p class='single'>quotes</p>",
    "<p>trailing &amp",
    "<p>a < b</p>",
    # white space after white space inside a <pre>, split by tags: Material 9.2 keeps one of
    # the two runs, later versions both (found by the random HTML below)
    "<pre><div>a</div><div><div>\n</div>\n</div></pre>",
]


@pytest.mark.parametrize("content", QUIRKS)
def test_fast_reader_matches_material(content: str) -> None:
    assert _Sections(content).run() == material_sections(content)


@pytest.mark.parametrize("content", UNSUPPORTED)
def test_other_html_goes_to_materials_parser(content: str) -> None:
    with pytest.raises(_Unsupported):
        _Sections(content).run()
    assert sections(content) == material_sections(content)


_TEXT = st.lists(st.sampled_from([*"ab<>&;#\n\t ¶\"'", "&amp;", "&lt;", "&#169;", "  "]),
                 max_size=8).map(lambda parts: "".join(parts).replace("<", "&lt;")
                                 .replace(">", "&gt;"))
_TAGS = ["div", "p", "h1", "h2", "h3", "ul", "li", "pre", "code", "a", "span", "section", "br",
         "img", "sub"]
_ATTRS = ["", ' id="x"', ' id="y&amp;z"', " data-search-exclude", ' class="headerlink"',
          ' class="linenodiv"', ' class="a b"', ' href="#q"', " id"]


@st.composite
def _html(draw: st.DrawFn, depth: int = 0) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.integers(0, 5))
        if kind == 0 or depth > 3:
            parts.append(draw(_TEXT))
        elif kind == 1:
            parts.append(f"</{draw(st.sampled_from(_TAGS))}>")  # stray end tags
        elif kind == 2:
            parts.append(f"<{draw(st.sampled_from(_TAGS))}{draw(st.sampled_from(_ATTRS))}/>")
        else:
            tag = draw(st.sampled_from(_TAGS))
            inner = draw(_html(depth + 1))
            parts.append(f"<{tag}{draw(st.sampled_from(_ATTRS))}>{inner}</{tag}>")
    return "".join(parts)


@settings(max_examples=400, deadline=None)
@given(_html())
def test_fast_reader_matches_material_on_random_html(content: str) -> None:
    try:
        fast = _Sections(content).run()
    except _Unsupported:
        return
    assert fast == material_sections(content)


def test_every_page_of_the_example_site_reads_alike(tmp_path: Path, monkeypatch) -> None:
    from guidebook import building, pool

    monkeypatch.setattr(pool, "can_fork", lambda: False)  # every page in this process
    seen: list[str] = []
    monkeypatch.setattr(building, "search_sections", lambda content: seen.append(content) or
                        sections(content))
    build(ROOT / "mkdocs.yml", site_dir=str(tmp_path / "site"))
    assert len(seen) >= 25
    for content in seen:
        assert _Sections(content).run() == material_sections(content)
