"""The action picker of a German site (`theme.language: de`) in a real browser: its labels,
buttons and live-region announcements are the German catalog's words, none English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from guidebook.scopes import tailor
from guidebook.words import Words, catalog

from .test_picker import CHATTER, READY, _guide, _tick

pytestmark = pytest.mark.browser

Site = Any  # tests/browser/conftest.py: the built, served fixture site
BRAND = {"name": "Fixture Co", "hub": "Fixture Hub"}  # the fixture's mkdocs.yml
GERMAN = Words("de", brand=BRAND)


def say(key: str, **values: Any) -> str:
    """A script message of the German catalog as the picker fills it in (the `.one` /
    `.other` form by n, German's CLDR rule; {name} placeholders replaced)."""
    messages = catalog("de")
    if "n" in values and f"{key}.one" in messages:
        key += ".one" if values["n"] == 1 else ".other"
    text = GERMAN.text(key)
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), text)


def _english_fragments() -> list[str]:
    """The words of the English picker and step messages (between their placeholders), except
    those German uses too ("Scopes")."""
    german = " | ".join(catalog("de").values())
    found = []
    for key, text in catalog("en").items():
        if key.split(".")[0] in ("picker", "step", "table"):
            for part in re.split(r"\{\w+\}", Words("en", brand=BRAND).text(key)):
                part = part.strip(" :.()")
                if len(part) >= 4 and not re.search(rf"(?<!\w){re.escape(part)}(?!\w)", german):
                    found.append(part)
    return found


def _what_a_reader_gets(page: Any) -> str:
    """What the picker shows and says: the visible text of its panel and of the steps' scope
    boxes, its live region, and their title, placeholder and aria-label attributes."""
    return page.evaluate("""() => {
      const parts = [...document.querySelectorAll(
        '[data-guides-scope-selector], [data-guide-display-scopes]')];
      return [document.querySelector('[data-gb-live]').textContent,
        ...parts.map((el) => el.innerText),
        ...parts.flatMap((el) => [el, ...el.querySelectorAll('*')])
          .flatMap((el) => ['title', 'placeholder', 'aria-label']
            .map((a) => el.getAttribute(a) || ''))].join(' | ');
    }""")


def _text(page: Any, selector: str) -> str:
    return " ".join(page.text_content(selector).split())


def test_the_picker_speaks_german(german_page: Any, german_site: Site) -> None:
    page, guide = german_page, _guide(*CHATTER)
    page.goto(german_site.guide_url(*CHATTER, "?actions=files_get,nope"))
    page.wait_for_function(READY)
    assert page.get_attribute("html", "lang") == "de"

    # The labels and buttons of the panel
    assert _text(page, ".gb-scopes__title") == say("picker.title")
    assert _text(page, ".gb-scopes__intro") == say("picker.intro")
    assert _text(page, "label.gb-scopes__search") == say("picker.filter")
    assert page.get_attribute("[data-gb-search]", "placeholder") == say("picker.filter.placeholder")
    assert _text(page, "[data-gb-select-all]") == say("picker.select_all")
    assert _text(page, "[data-gb-clear]") == say("picker.clear")
    assert page.eval_on_selector_all(".gb-scopes__table th", "els => els.map(e => "
                                     "e.textContent.trim())") == [
        say("picker.column.select"), say("picker.column.action"), say("picker.column.scopes")]
    assert _text(page, ".gb-scopes__separators legend") == say("picker.separator")
    assert page.eval_on_selector_all(".gb-scopes__separators label", "els => els.map(e => "
                                     "e.textContent.trim())") == [
        say("picker.separator.space"), say("picker.separator.comma"),
        say("picker.separator.newline")]
    assert _text(page, "[data-gb-copy]") == say("picker.copy")
    # The note on the link's unknown id, the result title and the steps' scope boxes
    assert _text(page, "[data-gb-unknown]") == say("picker.unknown", n=1, ids="nope")
    scopes = tailor(guide, ["files_get"]).selection.scopes
    assert _text(page, "[data-gb-result-title]") == say("picker.selected_count", n=len(scopes))
    assert say("step.scopes") in _text(page, ".gb-step__scopes-label")
    assert say("step.enables") in _text(page, ".gb-step__enables")
    chip = page.locator("button[data-gb-chip]").first
    assert chip.get_attribute("title") == say("picker.copy_scope",
                                              scope=chip.get_attribute("data-gb-chip"))

    # The live region announces in German what ticking does
    for ids in (["rooms_history", "posts_edit"], ["ping"]):
        _tick(page, ids)
        hidden = tailor(guide, ids).hidden_steps
        assert _text(page, "[data-gb-live]") == say("picker.steps_hidden", n=hidden)
    page.click("[data-gb-clear]")
    assert _text(page, "[data-gb-result-title]") == say("picker.all_scopes")
    assert _text(page, "[data-gb-live]") == say("picker.steps_hidden", n=0)
    _tick(page, ["members_email", "pins_add"])
    count = len(tailor(guide, ["members_email", "pins_add"]).selection.scopes)
    page.click("[data-gb-copy]")
    page.wait_for_function("([live, button]) => "
                           "document.querySelector('[data-gb-live]').textContent.trim() === live"
                           " && document.querySelector('[data-gb-copy]').textContent === button",
                           arg=[say("picker.copied_scopes", n=count), say("picker.copied")])
    page.fill("[data-gb-search]", "nichts dergleichen")
    assert page.is_visible("[data-gb-no-match]")
    assert _text(page, "[data-gb-no-match]") == say("picker.no_match")

    # Nothing the reader sees or hears is English
    seen = _what_a_reader_gets(page)
    english = _english_fragments()
    assert len(english) > 30
    assert [part for part in english if re.search(rf"(?<!\w){re.escape(part)}(?!\w)", seen)] \
        == []


# Plural forms by CLDR category, as a translator writes them for each language
FORMS = {"k.zero": "zero {n}", "k.one": "one {n}", "k.two": "two {n}", "k.few": "few {n}",
         "k.many": "many {n}", "k.other": "other {n}"}
SAY = """([lang, words, numbers]) => {
  document.documentElement.lang = 'ar';  // (not the words' language: never asked)
  return numbers.map((n) => window.guidebookWords.say({...words, lang: lang}, 'k', {n: n}));
}"""


@pytest.mark.parametrize(("lang", "numbers", "forms"), [
    ("en", [0, 1, 2], ["other", "one", "other"]),
    ("fr", [0, 1, 2], ["one", "one", "other"]),  # (French: the singular for 0 too)
    ("ru", [1, 3, 5, 21, 1.5], ["one", "few", "many", "one", "other"]),
    ("pl", [1, 2, 5, 22], ["one", "few", "many", "few"]),
    ("ar", [0, 1, 2, 3, 11, 100], ["zero", "one", "two", "few", "many", "other"]),
    ("de-AT", [0, 1], ["other", "one"]),
    ("not a language tag!", [1, 2], ["other", "other"]),  # (Intl refuses it: other)
])
def test_the_script_picks_the_plural_form_of_its_words_language(
        page: Any, scopes_site: Site, lang: str, numbers: list[float], forms: list[str]) -> None:
    page.goto(scopes_site.guide_url(*CHATTER))
    page.wait_for_function(READY)
    assert page.evaluate(SAY, [lang, FORMS, numbers]) == [f"{form} {n}" for form, n in
                                                          zip(forms, numbers, strict=True)]
    # A form the catalog lacks is its `.other`; a message without forms is itself
    only = {"k.one": "one {n}", "k.other": "other {n}"}
    assert page.evaluate(SAY, [lang, only, [numbers[-1]]]) == [
        f"{'one' if forms[-1] == 'one' else 'other'} {numbers[-1]}"]
    assert page.evaluate(SAY, [lang, {"k": "{n} selected"}, [3]]) == ["3 selected"]


# The page's own words, in a page whose lang is another (a theme.language without a catalog:
# English words): the English forms, not the page language's ("21 step hidden" in ru)
PAGE_SAYS = """([lang, n]) => {
  document.documentElement.lang = lang;
  const words = window.guidebookWords.of(document.querySelector('[data-gb-words]'));
  return [words.lang, window.guidebookWords.say(words, 'picker.steps_hidden', {n: n})];
}"""


@pytest.mark.parametrize(("lang", "n"), [("ru", 21), ("pt-BR", 0), ("fr", 0)])
def test_english_words_take_english_plurals_on_a_page_of_another_language(
        page: Any, scopes_site: Site, lang: str, n: int) -> None:
    page.goto(scopes_site.guide_url(*CHATTER))
    page.wait_for_function(READY)
    assert page.evaluate(PAGE_SAYS, [lang, n]) == ["en", f"{n} steps hidden"]


def test_a_regional_variant_takes_its_catalogs_plurals(german_page: Any,
                                                        german_site: Site) -> None:
    german_page.goto(german_site.guide_url(*CHATTER))
    german_page.wait_for_function(READY)
    lang, said = german_page.evaluate(PAGE_SAYS, ["de-AT", 1])
    assert (lang, said) == ("de", catalog("de")["picker.steps_hidden.one"].replace("{n}", "1"))


COPY_MARKDOWN = "[data-gb-copy-markdown]"


def test_copy_page_as_markdown_gets_its_label_back_after_two_clicks(
        page: Any, scopes_site: Site) -> None:
    page.goto(scopes_site.guide_url(*CHATTER))
    page.wait_for_function(READY)
    label = page.text_content(COPY_MARKDOWN)
    copied = page.get_attribute(COPY_MARKDOWN, "data-gb-copied")
    page.eval_on_selector(COPY_MARKDOWN, "(b) => b.click()")
    page.wait_for_function("([sel, text]) => document.querySelector(sel).textContent === text",
                           arg=[COPY_MARKDOWN, copied])
    page.eval_on_selector(COPY_MARKDOWN, "(b) => b.click()")  # (while "Copied" shows)
    # A screen reader hears it: a polite status region says the result
    assert page.eval_on_selector("[data-gb-page-actions] [role=status]",
                                 "(el) => el.textContent.trim()") == copied
    page.wait_for_function("([sel, text]) => document.querySelector(sel).textContent === text",
                           arg=[COPY_MARKDOWN, label])
    page.wait_for_timeout(2100)  # (no stale restore of "Copied" comes after it)
    assert page.text_content(COPY_MARKDOWN) == label
