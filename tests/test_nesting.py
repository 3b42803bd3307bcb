"""Nothing is dropped silently: Markdown nested deeper than the renderer keeps is an error with
its line; anything less deep reaches the page, the twin, the search index and llms-full.txt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from mkdocs.exceptions import Abort

from conftest import HARVEST, build
from guidebook import markdown
from guidebook.site import Options, load_site

PAGE = "connectors/harvest/guides/link-account/personal-access-token"

# A tree of containers: (marker, children); each node's text is a word of its own. Trees are
# chains up to 24 deep (past every limit), with leaves beside the chain here and there.
_MARKERS = st.sampled_from(["- ", "* ", "1. ", "3) ", "> "])


def _chain(links: list[tuple[str, int, str]]) -> tuple[str, tuple]:
    marker, leaves, leaf = links[0]
    rest = (_chain(links[1:]),) if len(links) > 1 else ()
    return marker, ((leaf, ()),) * leaves + rest


_TREES = st.lists(st.tuples(_MARKERS, st.integers(0, 2), _MARKERS), min_size=1,
                  max_size=24).map(_chain)


def _markdown(trees: list[tuple[str, tuple]]) -> tuple[str, list[str]]:
    """The Markdown of `trees` (each node a line holding a numbered word) and the words."""
    lines: list[str] = []
    words: list[str] = []

    def walk(node: tuple[str, tuple], prefix: str) -> None:
        marker, children = node
        word = f"word{len(words)}x"
        words.append(word)
        lines.append(f"{prefix}{marker}{word}")
        inner = prefix + ("> " if marker == "> " else " " * len(marker))
        for child in children:
            walk(child, inner)

    for tree in trees:
        walk(tree, "")
        lines.append("")
    lines.append("Closing paragraph endword.")
    words.append("endword")
    return "\n".join(lines), words


@settings(max_examples=400, deadline=None)
@given(st.lists(_TREES, min_size=1, max_size=3))
def test_too_deep_is_exactly_the_text_the_renderer_would_drop(trees) -> None:
    text, words = _markdown(trees)
    html = markdown.block.__wrapped__(text)
    lost = [w for w in words if w not in html]
    assert (markdown.too_deep(text) is not None) == bool(lost), (text, lost)


def _deep_list(levels: int) -> str:
    return "\n".join("  " * i + f"- level {i + 1}" for i in range(levels))


def _guide(content: str) -> str:
    """HARVEST with a section whose content is `content` (a block scalar from line 15 on)."""
    body = "\n".join("      " + line if line else "" for line in content.splitlines())
    return HARVEST.replace("fields:", "  - title: Deep\n    content: |\n" + body + "\nfields:", 1)


@pytest.mark.parametrize(("content", "line", "message"), [
    (_deep_list(12) + "\n\nThe paragraph after.", 24,
     "list nested 10 levels deep; at most 9 are kept"),
    ("Intro.\n\n" + "> " * 21 + "quoted", 17, "quote nested 20 levels deep; at most 19 are kept"),
], ids=["list", "quote"])
def test_too_deep_is_an_error_naming_the_line(project, caplog, content: str, line: int,
                                              message: str) -> None:
    config = project({"harvest/pat.yaml": _guide(content)})
    assert (Path(config).parent / "guides/harvest/pat.yaml").read_text().splitlines()[13] == \
        "    content: |"  # (the content's first line is line 15)
    with pytest.raises(Abort):
        build(config)
    assert f"guides/harvest/pat.yaml:{line}:1: error: {message}" in caplog.text
    assert "moving the deepest items up" in caplog.text


def test_without_strict_the_guide_is_left_out_not_cut(project, caplog) -> None:
    site = build(project({"harvest/pat.yaml": _guide(_deep_list(10) + "\n\nAfter it.")}),
                 strict=False)
    assert not (site / PAGE).exists()
    assert "list nested 10 levels deep" in caplog.text


def test_the_deepest_list_kept_reaches_every_output(project) -> None:
    site = build(project({"harvest/pat.yaml": _guide(_deep_list(9) + "\n\nThe paragraph after.")}))
    page = BeautifulSoup((site / PAGE / "index.html").read_text(), "html.parser")
    article = page.select_one("article")
    assert article is not None
    deepest = article.find("li", string="level 9")
    assert deepest is not None and len(deepest.find_parents("ul")) == 9
    assert "The paragraph after." in article.get_text()
    twin = (site / (PAGE + ".md")).read_text()
    assert "level 9" in twin and "The paragraph after." in twin
    index = json.loads((site / "search/search_index.json").read_text())
    text = " ".join(d["text"] for d in index["docs"] if d["location"].startswith(PAGE))
    assert "level 9" in text and "The paragraph after." in text
    full = (site / "llms-full.txt").read_text()
    assert "level 9" in full and "The paragraph after." in full


def test_validate_names_a_callout_and_a_step(tmp_path: Path) -> None:
    """`guidebook validate` sees what the build sees (a callout is named by its start)."""
    guide = HARVEST.replace("warning: You need", "callouts:\n  - type: note\n    text: |\n"
                            + "\n".join("      " + line for line in _deep_list(11).splitlines())
                            + "\nwarning: You need") \
        .replace("content: Press **Create new personal access token**.",
                 "content: \"Press it.\\n\\n" + "> " * 20 + "deep\"")
    path = tmp_path / "guides" / "harvest" / "pat.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(guide)
    lines = guide.splitlines()
    callout, step = lines.index("  - type: note") + 1, \
        next(i for i, line in enumerate(lines) if "Press it." in line) + 1
    site = load_site(Options(guides_dir=tmp_path / "guides"), display_root=tmp_path)
    found = [(p.source.line, p.message.split(";")[0]) for p in site.problems]
    assert found == [(callout, "list nested 10 levels deep"),
                     (step, "quote nested 20 levels deep")]
    assert site.pages == []
