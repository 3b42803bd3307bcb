"""A right-to-left page (Material writes `<body dir="rtl">` for `theme.language: ar`, he, fa,
...) mirrors guidebook's layout: step numbers, their connecting line, the scope boxes' bars and
the action table's headings sit at the start of the line, on the right; a left-to-right page
is unchanged. Measured in Chromium on the picker fixture's guide, with the page's `dir`
switched (the same CSS, Material's own `[dir=rtl]` rules included)."""

from __future__ import annotations

from typing import Any

import pytest

from .test_picker import READY

pytestmark = pytest.mark.browser

CHATTER = ("chatter", "bot-token")

# Where each part sits, in page pixels: a step's box and its number's and line's boxes (the
# ::before / ::after boxes: the step's padding box plus their resolved offsets), the scope
# box's bars (its border widths), the table heading's alignment.
LAYOUT = """(dir) => {
  document.body.dir = dir;
  const steps = [...document.querySelectorAll('li.gb-step')].map((li) => {
    const box = li.getBoundingClientRect();
    const title = li.querySelector('.gb-step__title').getBoundingClientRect();
    const part = (which) => {
      const css = getComputedStyle(li, which);
      if (css.display === 'none') return null;  // (the last step has no line)
      const left = box.left + parseFloat(css.left);
      return {left, right: left + parseFloat(css.width)};
    };
    return {left: box.left, right: box.right, title: {left: title.left, right: title.right},
            number: part('::before'), line: part('::after')};
  });
  const bars = [...document.querySelectorAll('.gb-step__scopes, .gb-scopes__note')]
    .map((el) => getComputedStyle(el))
    .map((css) => ({left: parseFloat(css.borderLeftWidth),
                    right: parseFloat(css.borderRightWidth)}));
  const th = document.querySelector('.gb-scopes__table th');
  return {steps, bars, th: th && getComputedStyle(th).textAlign};
}"""


def _layout(page: Any, direction: str) -> dict[str, Any]:
    return page.evaluate(LAYOUT, direction)


def test_step_numbers_and_bars_sit_at_the_start_of_the_line(page: Any, scopes_site) -> None:
    page.goto(scopes_site.guide_url(*CHATTER))
    page.wait_for_function(READY)
    ltr, rtl = _layout(page, "ltr"), _layout(page, "rtl")
    assert ltr["steps"] and len(ltr["steps"]) == len(rtl["steps"])
    assert any(step["line"] for step in rtl["steps"])
    for step in ltr["steps"]:  # the number at the left, the title after it
        middle = (step["left"] + step["right"]) / 2
        assert step["number"]["right"] < middle, step
        assert step["line"] is None or step["line"]["right"] < middle, step
        assert abs(step["number"]["left"] - step["left"]) < 1, step
        assert step["number"]["right"] <= step["title"]["left"], step
    for step in rtl["steps"]:  # mirrored: at the right, the title before it
        middle = (step["left"] + step["right"]) / 2
        assert step["number"]["left"] > middle, step
        assert step["line"] is None or step["line"]["left"] > middle, step
        assert abs(step["number"]["right"] - step["right"]) < 1, step
        assert step["title"]["right"] <= step["number"]["left"], step
    assert ltr["bars"] and all(b["left"] > 0 and b["right"] == 0 for b in ltr["bars"])
    assert all(b["right"] > 0 and b["left"] == 0 for b in rtl["bars"])
    assert (ltr["th"], rtl["th"]) in (("left", "right"), ("start", "start"))


# The connector page's action lists against their category headings (Material's
# direction-qualified list margins must not inset them).
ACTION_LIST = """(dir) => {
  document.body.dir = dir;
  return [...document.querySelectorAll('ul.gb-action-list')].map((ul) => {
    const list = ul.getBoundingClientRect();
    const heading = ul.closest('section').querySelector('h3').getBoundingClientRect();
    return {list: [list.left, list.right], heading: [heading.left, heading.right]};
  });
}"""


def test_the_action_list_is_flush_with_its_heading(page: Any, scopes_site) -> None:
    page.goto(f"{scopes_site.url}connectors/ledgerly_books/")
    page.wait_for_selector("ul.gb-action-list")
    for direction in ("ltr", "rtl"):
        found = page.evaluate(ACTION_LIST, direction)
        assert found, direction
        for box in found:
            assert abs(box["list"][0] - box["heading"][0]) < 1, (direction, box)
            assert abs(box["list"][1] - box["heading"][1]) < 1, (direction, box)
