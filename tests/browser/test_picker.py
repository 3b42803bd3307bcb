"""The action picker in a real browser, checked against the Python rules (guidebook.scopes)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from guidebook.documents import load_file
from guidebook.model import Guide
from guidebook.scopes import scope_string, tailor

from .conftest import instant_ready

pytestmark = pytest.mark.browser

FIXTURE = Path(__file__).parent.parent / "fixtures" / "scopes-site"
Site = Any  # tests/browser/conftest.py: the built, served fixture site

CHATTER = ("chatter", "bot-token")
PEOPLEBASE = ("peoplebase", "api-key")

READY = "document.querySelector('[data-guides-scope-selector][data-gb-ready]') !== null"

# What the page shows, read from the DOM: every section and step with its computed display,
# the number the script gave it, and the number the CSS counter gives it (counting the steps
# before it that are displayed).
DOM_STATE = """() => {
  const shown = (el) => getComputedStyle(el).display !== 'none';
  return [...document.querySelectorAll('[data-guide-section]')].map((section) => ({
    title: section.querySelector('h2').textContent.trim(),
    visible: shown(section),
    steps: [...section.querySelectorAll('[data-guide-step]')].map((step, i, all) => ({
      title: step.querySelector('.gb-step__title').textContent.trim(),
      visible: shown(section) && shown(step),
      number: step.getAttribute('data-gb-number'),
      counter: all.slice(0, i + 1).filter(shown).length,
      chips: [...step.querySelectorAll('[data-guide-scope-chips] code')].map(c => c.textContent),
      enables: (step.querySelector('[data-guide-enables]') || {}).textContent || null,
    })),
  }));
}"""


def _guide(key: str, slug: str) -> Guide:
    [guide] = load_file(FIXTURE / "guides" / key / f"{slug}.yaml")
    return guide


def _open(page: Any, site: Site, guide: tuple[str, str], query: str = "") -> None:
    page.goto(site.guide_url(*guide, query))
    page.wait_for_function(READY)


def _assert_matches_model(page: Any, guide: Guide, ids: list[str]) -> None:
    """The page shows exactly what guidebook.scopes predicts for the selection."""
    view = tailor(guide, ids)
    state = page.evaluate(DOM_STATE)
    assert [s["title"] for s in state] == [s.title for s in view.sections]
    for dom, model in zip(state, view.sections, strict=True):
        assert dom["visible"] == model.visible, dom["title"]
        assert [s["title"] for s in dom["steps"]] == [s.title for s in model.steps]
        for step, expected in zip(dom["steps"], model.steps, strict=True):
            assert step["visible"] == expected.visible, (ids, step["title"])
            if expected.visible:
                assert step["number"] == str(expected.number), (ids, step["title"])
                assert step["counter"] == expected.number, (ids, step["title"])
            if step["enables"] is not None:
                assert tuple(step["chips"]) == expected.display_scopes
                assert step["enables"] == (", ".join(expected.enables) or "none")
    hidden = page.get_attribute("[data-guides-scope-selector]", "data-gb-hidden-steps")
    assert hidden == str(view.hidden_steps)


def _tick(page: Any, ids: list[str]) -> None:
    page.click("[data-gb-clear]")
    for action_id in ids:
        page.check(f"input.gb-scopes__check[value='{action_id}']")


SELECTIONS = [
    [],
    ["files_get"],
    ["rooms_list"],
    ["rooms_history", "posts_edit"],
    ["ping"],
    ["members_email", "emoji_add"],
    ["pins_add"],
]


def test_without_selection_everything_shows_and_controls_appear(page: Any,
                                                                 scopes_site: Site) -> None:
    _open(page, scopes_site, CHATTER)
    assert page.is_visible("input.gb-scopes__check >> nth=0")
    assert page.is_visible("[data-gb-search]")  # 12 actions: more than 10
    assert page.is_hidden("[data-gb-unknown]")
    _assert_matches_model(page, _guide(*CHATTER), [])


def test_ticking_actions_hides_what_the_model_hides(page: Any, scopes_site: Site) -> None:
    guide = _guide(*CHATTER)
    _open(page, scopes_site, CHATTER)
    for ids in SELECTIONS:
        _tick(page, ids)
        _assert_matches_model(page, guide, ids)
        live = page.text_content("[data-gb-live]").strip()
        assert live == f"{tailor(guide, ids).hidden_steps} step" + (
            "" if tailor(guide, ids).hidden_steps == 1 else "s") + " hidden"


def test_second_guide_matches_the_model(page: Any, scopes_site: Site) -> None:
    guide = _guide(*PEOPLEBASE)
    _open(page, scopes_site, PEOPLEBASE)
    assert page.locator("[data-gb-search]").count() == 0  # 4 actions: no search box
    for ids in [[], ["audit_list"], ["people_update"], ["teams_list", "people_list"]]:
        _tick(page, ids)
        _assert_matches_model(page, guide, ids)


def test_scope_string_and_separators(page: Any, scopes_site: Site) -> None:
    guide = _guide(*CHATTER)
    _open(page, scopes_site, CHATTER)
    field = "[data-gb-scope-string]"
    assert page.input_value(field) == scope_string(guide.declared_scopes, "space")
    ids = ["members_email", "pins_add"]
    _tick(page, ids)
    scopes = tailor(guide, ids).selection.scopes
    assert page.text_content("[data-gb-result-title]") == f"Scopes selected ({len(scopes)})"
    for separator in ("comma", "newline", "space"):
        page.check(f"[data-gb-separator][value='{separator}']")
        assert page.input_value(field) == scope_string(scopes, separator)
    page.check("[data-gb-separator][value='comma']")
    page.click("[data-gb-copy]")
    page.wait_for_function("document.querySelector('[data-gb-live]').textContent"
                           ".startsWith('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == scope_string(scopes, "comma")


def test_selection_is_written_to_the_url(page: Any, scopes_site: Site) -> None:
    _open(page, scopes_site, CHATTER, "#make-a-bot")
    _tick(page, ["posts_send", "files_put"])
    # The guide's order, not the click order; the fragment survives.
    assert page.url.endswith("/?actions=posts_send,files_put#make-a-bot")
    page.click("[data-gb-clear]")
    assert page.url.endswith("/bot-token/#make-a-bot")


def test_a_link_restores_the_selection(page: Any, scopes_site: Site) -> None:
    ids = ["rooms_history", "emoji_add"]
    _open(page, scopes_site, CHATTER, "?actions=" + ",".join(reversed(ids)))
    checked = page.eval_on_selector_all("input.gb-scopes__check:checked",
                                        "els => els.map(e => e.value)")
    assert checked == ids
    assert page.is_hidden("[data-gb-unknown]")
    _assert_matches_model(page, _guide(*CHATTER), ids)


def test_unknown_ids_in_a_link_are_ignored_with_a_note(page: Any, scopes_site: Site) -> None:
    _open(page, scopes_site, CHATTER, "?actions=files_get,nope,files_get,gone")
    note = page.text_content("[data-gb-unknown]")
    assert page.is_visible("[data-gb-unknown]")
    assert "nope, gone" in note and "ignored" in note
    _assert_matches_model(page, _guide(*CHATTER), ["files_get", "nope", "gone"])


def test_search_filters_rows_and_select_all_takes_the_matches(page: Any,
                                                             scopes_site: Site) -> None:
    _open(page, scopes_site, CHATTER)
    page.fill("[data-gb-search]", "posts:write")
    rows = page.eval_on_selector_all("tr[data-action-id]:not([hidden])",
                                     "els => els.map(e => e.dataset.actionId)")
    assert rows == ["posts_send", "posts_edit", "pins_add"]
    page.click("[data-gb-select-all]")
    assert page.url.endswith("?actions=posts_send,posts_edit,pins_add")
    _assert_matches_model(page, _guide(*CHATTER), rows)
    page.fill("[data-gb-search]", "no such thing")
    assert page.is_visible("[data-gb-no-match]")


def test_instant_navigation_reinitialises_without_duplicates(page: Any,
                                                             scopes_site: Site) -> None:
    chatter, peoplebase = _guide(*CHATTER), _guide(*PEOPLEBASE)
    _open(page, scopes_site, CHATTER, "?actions=files_get")
    instant_ready(page)
    page.evaluate("window.__sameDocument = true")
    assert page.evaluate("window.guidebookPicker.panels") == 1

    def follow(guide: tuple[str, str], panels: int) -> None:
        target = scopes_site.guide_url(*guide)
        page.evaluate("(url) => [...document.querySelectorAll('a')]"
                      ".find(a => a.href === url).click()", target)
        page.wait_for_url(target)
        page.wait_for_function(f"window.guidebookPicker.panels === {panels}")
        assert page.locator("[data-guides-scope-selector]").count() == 1
        # Material swapped the page in place: no reload happened.
        assert page.evaluate("window.__sameDocument") is True

    def toggles_once(guide: Guide, action_id: str) -> None:
        before = page.evaluate("window.guidebookPicker.updates")
        page.click(f"label[for='{page.get_attribute(f'input[value={action_id!r}]', 'id')}']")
        assert page.evaluate("window.guidebookPicker.updates") == before + 1
        assert page.is_checked(f"input[value={action_id!r}]")
        _assert_matches_model(page, guide, [action_id])

    follow(PEOPLEBASE, 2)
    toggles_once(peoplebase, "audit_list")
    follow(CHATTER, 3)
    _assert_matches_model(page, chatter, [])
    toggles_once(chatter, "rooms_create")


def test_keyboard_only(page: Any, scopes_site: Site) -> None:
    guide = _guide(*CHATTER)
    _open(page, scopes_site, CHATTER)
    first = "input.gb-scopes__check >> nth=0"
    first_id = page.get_attribute(first, "value")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('input.gb-scopes__check')"):
            break
    else:
        pytest.fail("Tab never reached an action checkbox")
    assert page.evaluate("document.activeElement.value") == first_id
    outline = page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                            " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()")
    assert outline[0] != "none" and outline[1] >= 1
    page.keyboard.press("Space")
    assert page.is_checked(first)
    # Tab on to the next action and tick it too.
    page.keyboard.press("Tab")
    second_id = page.evaluate("document.activeElement.value")
    page.keyboard.press("Space")
    _assert_matches_model(page, guide, [first_id, second_id])
    # The separator radios: reach them with Tab, change with the arrow keys.
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-gb-separator]')"):
            break
    else:
        pytest.fail("Tab never reached the separator choice")
    page.keyboard.press("ArrowRight")
    scopes = tailor(guide, [first_id, second_id]).selection.scopes
    assert page.input_value("[data-gb-scope-string]") == scope_string(scopes, "comma")
    # Shift+Tab back to "Clear" and press Enter.
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.hasAttribute('data-gb-clear')"):
            break
    else:
        pytest.fail("Shift+Tab never reached the Clear button")
    page.keyboard.press("Enter")
    assert page.eval_on_selector_all("input.gb-scopes__check:checked", "e => e.length") == 0
    _assert_matches_model(page, guide, [])


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_no_serious_accessibility_violations(page: Any, scopes_site: Site, scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _open(page, scopes_site, CHATTER, "?actions=members_email,unknown_one")
    # Material eases colours in over 125 ms: without transitions, axe sees the final colours
    # (it once caught nav links halfway from the light palette to the dark one).
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; "
                               "animation: none !important; }")
    page.evaluate("(s) => document.body.setAttribute('data-md-color-scheme', s)", scheme)
    assert page.evaluate("getComputedStyle(document.body).getPropertyValue("
                         "'--md-default-bg-color').trim()") != ""
    # The whole page except Material's own footer credit line ("Made with Material for
    # MkDocs"), whose muted grey on the footer background is the theme's choice, not ours.
    results = Axe().run(page, context={"exclude": [[".md-copyright"]]})
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_without_javascript_the_full_guide_and_the_table_show(browser: Any,
                                                              scopes_site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(scopes_site.guide_url(*CHATTER, "?actions=files_get"))
        assert pg.locator("[data-guide-step]").count() == 11
        assert pg.locator("[data-guide-step]:visible").count() == 11
        assert pg.locator("tr[data-action-id]:visible").count() == 12
        assert pg.locator("input.gb-scopes__check:visible").count() == 0
        assert pg.locator("[data-gb-js-only]:visible").count() == 0
    finally:
        context.close()


CATALOGUE = """() => [...document.querySelectorAll('[data-guide-action-group]')].map((group) => ({
  title: group.querySelector('h3').textContent.trim(),
  visible: getComputedStyle(group).display !== 'none',
  actions: [...group.querySelectorAll('[data-guide-action-id]')]
    .filter((a) => getComputedStyle(a).display !== 'none')
    .map((a) => a.getAttribute('data-guide-action-id')),
}))"""


def test_connector_page_picker_filters_the_actions_catalogue(page: Any,
                                                              scopes_site: Site) -> None:
    page.goto(f"{scopes_site.url}connectors/ledgerly_books/")
    page.wait_for_function(READY)
    everything = [{"title": "Accounting", "visible": True,
                   "actions": ["list_invoices", "send_invoice", "list_journals"]},
                  {"title": "CRM", "visible": True, "actions": ["list_contacts"]}]
    assert page.evaluate(CATALOGUE) == everything
    assert "ledgerly_ping" not in page.content()  # internal actions never show
    page.check("input.gb-scopes__check[value=send_invoice]")
    assert page.evaluate(CATALOGUE) == [
        {"title": "Accounting", "visible": True, "actions": ["send_invoice"]},
        {"title": "CRM", "visible": False, "actions": []}]
    assert page.input_value("[data-gb-scope-string]") == "invoices.write"
    assert page.url.endswith("?actions=send_invoice")
    page.goto(f"{scopes_site.url}connectors/ledgerly_books/?actions=list_contacts")
    page.wait_for_function(READY)
    assert page.evaluate(CATALOGUE) == [
        {"title": "Accounting", "visible": False, "actions": []},
        {"title": "CRM", "visible": True, "actions": ["list_contacts"]}]
    page.click("[data-gb-clear]")
    assert page.evaluate(CATALOGUE) == everything
