"""Markdown helpers: the fast paths give what markdown-it gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidebook import markdown

_ALPHABET = st.sampled_from([*"ab 1-#=+|:/.\r\n\t\x00\x0b\x0c\u2028\u00a0&*_`[]<>!~\\", "&amp;"])


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(), st.lists(_ALPHABET).map("".join)))
def test_plain_fast_path_matches_markdown_it(text: str) -> None:
    assert markdown.plain.__wrapped__(text) == markdown.parsed_plain(text)


def test_plain_reads_markup() -> None:
    assert markdown.plain("  Use **Settings** → `API` [here](https://x.test)  ") == \
        "Use Settings → API here"
    assert markdown.plain("Plain words – no markup") == "Plain words – no markup"


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(), st.lists(_ALPHABET).map("".join)))
def test_prose_fast_path_matches_markdown_it(text: str) -> None:
    """Text `block` and `inline` escape without parsing comes out as markdown-it renders it."""
    stripped = text.strip()
    if markdown._is_prose(stripped):
        parser = markdown._parser(False)
        assert markdown.block.__wrapped__(text) == parser.render(stripped).strip()
        assert markdown.inline.__wrapped__(text) == parser.renderInline(stripped)
