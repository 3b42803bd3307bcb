"""Guides in several languages with mkdocs-static-i18n: `<name>.<lang>.yaml` translations
beside their guides, a build per language at its own URLs, fallback to the original's text,
the language switcher, per-language llms.txt, white-label, and the structure check."""

from __future__ import annotations

import json
import logging
import os
import posixpath
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file

from conftest import HARVEST, build, write_project
from guidebook.defaults import CHATGPT_URL
from guidebook.documents import load_text
from guidebook.languages import compare_guides, is_language, select, split_language
from guidebook.site import Options, load_site
from guidebook.words import Words

MKDOCS = Path(sys.executable).parent / "mkdocs"
SITE_URL = "https://guides.example.test/"
PAT = "connectors/harvest/guides/link-account/personal-access-token/"
ZENDESK = "connectors/zendesk/guides/link-account/api-token/"
BRAND = {"name": "Acme", "hub": "Acme Hub", "callback_base": "https://acme.test"}

HARVEST_DE = """\
connector: {key: harvest, name: Harvest, category: Zeiterfassung}
auth: {label: Persönliches Zugriffstoken}
title: Harvest mit einem persönlichen Zugriffstoken verbinden
warning: Sie brauchen ein Harvest-Konto, das Tokens erstellen darf.
sections:
  - title: Token erstellen
    content: Ein Token handelt für genau einen Harvest-Benutzer.
    steps:
      - title: Entwicklerseite öffnen
        content: Öffnen Sie die [Entwicklerseite](https://id.getharvest.com/developers).
      - title: Token anlegen
        content: Klicken Sie auf **Create new personal access token**.
        list: ["Geben Sie einen Namen wie `{{ brand.name }} link` ein", Speichern Sie es]
fields:
  - Persönliches Zugriffstoken
  - {label: Konto-ID, description: Die Nummer neben dem Token.}
"""

ZENDESK_EN = """\
connector: {key: zendesk, name: Zendesk, category: Ticketing}
auth: {label: API Token}
sections:
  - title: Turn on token access
    steps:
      - title: Open the Admin Center
        content: Go to **Apps and integrations**, then **Zendesk API**.
fields: [API Token]
"""

I18N = {"docs_structure": "suffix", "languages": [
    {"locale": "en", "default": True, "name": "English", "build": True},
    {"locale": "de", "name": "Deutsch", "build": True}]}


def _project(root: Path, guides: dict[str, str], *, i18n_first: bool = False,
             plugin: dict[str, Any] | None = None, i18n: bool = True) -> Path:
    guidebook = {"guidebook": {"brand": BRAND, **(plugin or {})}}
    plugins: list[Any] = ["search", guidebook]
    if i18n:
        plugins.insert(1 if i18n_first else 2, {"i18n": I18N})
    docs = {"index.md": "# Home\n\nWelcome to [all connectors](connectors/index.md).\n",
            "index.de.md": "# Start\n\nWillkommen bei [allen](connectors/index.md).\n",
            "about.md": f"# About\n\nSee [Harvest]({PAT}index.md) and "  # (untranslated)
                        "[the connectors](connectors/index.md).\n"}
    return write_project(root, guides, docs=docs, config={"site_url": SITE_URL,
                                                          "plugins": plugins})


def _soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text("utf-8"), "html.parser")


def _article(soup: BeautifulSoup) -> str:
    return " ".join(soup.select_one("article").get_text(" ").split())


def _switcher(soup: BeautifulSoup, url: str) -> dict[str, str]:
    """Language -> the site path the switcher's link of the page at `url` leads to."""
    links = soup.select("a.md-select__link[hreflang]")
    base = urljoin(SITE_URL, url)
    return {a["hreflang"]: urlsplit(urljoin(base, a["href"])).path.lstrip("/") for a in links}


# The site's own words, written in its default language (English): not the German pages'
STRINGS = {"hub.heading": "Connect {{ provider }} in {{ brand.hub }}"}
STRINGS_DE = {"actions.menu": "Für KI-Assistenten"}  # (the German words' own entry)
NAV_TITLE = "Integrations"


@pytest.fixture(scope="module", params=["guidebook-first", "i18n-first"])
def site(request, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp(request.param)
    config = _project(root, {"harvest/pat.yaml": HARVEST, "harvest/pat.de.yaml": HARVEST_DE,
                             "zendesk/token.yaml": ZENDESK_EN},
                      i18n_first=request.param == "i18n-first",
                      plugin={"strings": {**STRINGS, "de": STRINGS_DE}, "nav_title": NAV_TITLE,
                              "llms": {"optional": ["connectors/zendesk/*"]}})
    return build(config)


def test_each_language_gets_its_guides_at_its_urls(site: Path) -> None:
    de, en = _soup(site, "de/" + PAT), _soup(site, PAT)
    assert de.html["lang"] == "de" and en.html["lang"] == "en"
    assert de.h1.get_text(strip=True) == "Harvest mit einem persönlichen Zugriffstoken verbinden"
    assert en.h1.get_text(strip=True) == "Connect Harvest with Personal Access Token – Acme Hub"
    german, english = Words("de", STRINGS_DE, BRAND), Words("en", STRINGS, BRAND)
    for soup, words, other in ((de, german, english), (en, english, german)):
        text = _article(soup)
        for message in ("actions.menu", "hub.heading"):
            assert words.text(message, provider="Harvest") in text
            assert other.text(message, provider="Harvest") not in text
        # the assistant's default prompt in the page's language
        [chat] = soup.select("a[data-gb-open-template*='chatgpt.com']")
        assert chat["data-gb-open-template"] == words.chat_url("chatgpt", CHATGPT_URL)
    assert german.text("actions.prompt") != english.text("actions.prompt")
    assert "Token erstellen" in _article(de) and "Create a token" not in _article(de)
    assert "Create a token" in _article(en) and "Token erstellen" not in _article(en)
    # the connector page and the index of each language, and the German category
    assert "Zeiterfassung" in _article(_soup(site, "de/connectors/"))
    assert "Zeiterfassung" not in _article(_soup(site, "connectors/"))
    assert (site / "de/connectors/harvest/index.html").is_file()


@pytest.mark.parametrize(("page", "expected"), [
    ("", ["connectors/"]), ("about/", [PAT, "connectors/"])])
def test_docs_pages_link_to_the_generated_pages_of_their_language(site: Path, page: str,
                                                                   expected: list[str]) -> None:
    # (the site builds with --strict: no "not found among documentation files" warning)
    for prefix in ("", "de/"):
        url = prefix + page
        links = [urlsplit(urljoin(SITE_URL + url, a["href"])).path.lstrip("/")
                 for a in _soup(site, url).select("article p > a[href]")
                 if not a["href"].startswith("#")]
        assert links == [prefix + target for target in expected], url
        assert all((site / link / "index.html").is_file() for link in links)
    twin = (site / "de/about.md").read_text("utf-8")  # its twin's links: the German twins
    assert f"({SITE_URL}de/connectors.md)" in twin and f"({SITE_URL}de/{PAT.rstrip('/')}.md)" in twin


def test_strings_and_nav_title_reword_the_default_language_only(site: Path) -> None:
    german, english = Words("de", {}, BRAND), Words("en", STRINGS, BRAND)
    for prefix, words, other in (("", english, german), ("de/", german, english)):
        headings = [h.get_text(" ", strip=True) for h in _soup(site, prefix + PAT).select(
            "article h2")]
        assert words.text("hub.heading", provider="Harvest") in headings, headings
        assert other.text("hub.heading", provider="Harvest") not in headings
        index = _soup(site, prefix + "connectors/")
        title = NAV_TITLE if not prefix else german.text("index.title")
        assert index.h1.get_text(strip=True) == title
        sections = [label.get_text(" ", strip=True) for label in index.select(
            "nav.md-nav--primary > ul > li.md-nav__item--nested > label")]
        assert title in sections and (NAV_TITLE in sections) == (not prefix), sections
    twin = (site / "de" / (PAT.rstrip("/") + ".md")).read_text("utf-8")
    assert english.text("hub.heading", provider="Harvest") not in twin


def test_a_text_split_at_a_comma_is_named_as_such() -> None:
    """`de: {picker.title: Wählen Sie, was …}` is YAML for two keys: the second is no id."""
    from guidebook.languages import split_strings

    strings = yaml.safe_load("de: {picker.title: Wählen Sie, was Ihre Integration tun soll}")
    assert split_strings(strings)[2] == [
        "strings.de holds 'was Ihre Integration tun soll', which is no message id (with no "
        "text): in a {...} mapping a comma ends the text, so put a text that holds one in "
        "quotes (picker.title: \"Wählen Sie, was …\")"]
    assert split_strings({"de": {"picker.clear": None}})[2] == [
        "strings.de.picker.clear is None: write it as text (the words of the message "
        "'picker.clear' in 'de')"]


def test_strings_of_each_language() -> None:
    from guidebook.languages import split_strings, strings_for

    strings = {"picker.title": "Pick", "de": {"picker.title": "Wählen", "index.title": "X"},
               "pt_BR": {"picker.title": "Escolha"}}
    assert strings_for(strings, "en", "en") == {"picker.title": "Pick"}
    assert strings_for(strings, "de", "en") == {"picker.title": "Wählen", "index.title": "X"}
    assert strings_for(strings, "fr", "en") == {}  # the French catalog's words
    assert strings_for(strings, "pt-BR", "en") == {"picker.title": "Escolha"}
    assert strings_for(strings, "de", "de") == {"picker.title": "Wählen", "index.title": "X"}
    assert strings_for({"picker.title": "Wählen"}, "de", "de") == {"picker.title": "Wählen"}
    own, by_language, problems = split_strings({**strings, "xyz": {"a": "b"},
                                                "fr": {"picker.title": ["x"]}})
    assert own == {"picker.title": "Pick"} and set(by_language) == {"de", "pt_BR", "fr"}
    assert [p.split(" is ")[0] for p in problems] == ["strings.xyz", "strings.fr.picker.title"]


def test_an_untranslated_guide_falls_back_with_the_languages_words(site: Path) -> None:
    page = _soup(site, "de/" + ZENDESK)
    text = _article(page)
    assert page.html["lang"] == "de"
    assert "Turn on token access" in text and "Open the Admin Center" in text  # its text
    german = Words("de", {}, BRAND)
    assert german.text("hub.heading", provider="Zendesk") in text  # the UI words
    assert Words("en", {}, BRAND).text("hub.heading", provider="Zendesk") not in text
    assert "Zendesk" in (site / "de" / (ZENDESK.rstrip("/") + ".md")).read_text("utf-8")


@pytest.mark.parametrize("url", [PAT, ZENDESK, "connectors/harvest/", "connectors/"])
def test_the_switcher_lands_on_the_same_page(site: Path, url: str) -> None:
    for here in (url, "de/" + url):
        links = _switcher(_soup(site, here), here)
        assert links == {"en": url, "de": "de/" + url}, here
        for target in links.values():
            assert (site / target / "index.html").is_file()


def test_each_language_has_its_own_llms_txt(site: Path) -> None:
    for prefix, words in (("", Words("en", {}, BRAND)), ("de/", Words("de", {}, BRAND))):
        parsed = parse_llms_file((site / prefix / "llms.txt").read_text("utf-8"))
        links = [link for section in parsed.sections.values() for link in section]
        urls = [urlsplit(link["url"]).path.lstrip("/") for link in links]
        ours = [u.startswith("de/") or u == "de.md" for u in urls]  # (de/ -> de.md)
        assert urls and ours == [bool(prefix)] * len(urls), urls
        for path in urls:  # every link is a twin of this language in the site
            assert (site / path).is_file(), path
        assert prefix + PAT.rstrip("/") + ".md" in urls
        assert prefix + ZENDESK.rstrip("/") + ".md" in urls
        assert words.text("llms.docs") in parsed.sections
        # llmstxt.org's name for the pages an agent may skip, in every language
        assert [urlsplit(link["url"]).path.lstrip("/") for link in parsed.sections[
            "Optional"]] == [prefix + "connectors/zendesk.md", prefix + ZENDESK.rstrip("/") + ".md"]
        full = (site / prefix / "llms-full.txt").read_text("utf-8")
        assert ("Token erstellen" in full) == bool(prefix)
    de_titles = {link["title"] for s in parse_llms_file(
        (site / "de/llms.txt").read_text("utf-8")).sections.values() for link in s}
    assert "Harvest mit einem persönlichen Zugriffstoken verbinden" in de_titles


def test_twins_of_each_language_point_at_their_llms_txt(site: Path) -> None:
    twin = (site / "de" / (PAT.rstrip("/") + ".md")).read_text("utf-8")
    assert SITE_URL + "de/llms.txt" in twin and "# Harvest mit einem persönlichen" in twin
    twin = (site / (PAT.rstrip("/") + ".md")).read_text("utf-8")
    assert SITE_URL + "llms.txt" in twin and "/de/" not in twin


HIDDEN_EN = HARVEST.replace("fields:", """\
  - title: Vendor support line
    whitelabel: hide
    content: Call Acme on 555-0100.
fields:""")
HIDDEN_DE = HARVEST_DE.replace("fields:", """\
  - title: Hotline des Anbieters
    whitelabel: hide
    content: Rufen Sie Acme unter 555-0100 an.
fields:""")


def test_whitelabel_builds_of_both_languages_leak_nothing(tmp_path: Path) -> None:
    config = _project(tmp_path, {"harvest/pat.yaml": HIDDEN_EN, "harvest/pat.de.yaml": HIDDEN_DE,
                                 "zendesk/token.yaml": ZENDESK_EN},
                      plugin={"whitelabel": True, "whitelabel_brand": {
                          "name": "Northwind", "hub": "Northwind Connect"}})
    site = build(config)  # the leak check ran in both passes (it fails the build)
    assert "Northwind" in _article(_soup(site, "de/" + PAT))
    checked = 0
    for path in site.rglob("*"):
        if path.suffix in {".html", ".md", ".txt", ".json", ".xml"}:
            text = path.read_text("utf-8")
            for term in ("Acme", "555-0100", "Hotline des Anbieters", "Vendor support line"):
                assert term not in text, (path, term)
            checked += 1
    assert checked > 10 and (site / "de" / (PAT.rstrip("/") + ".md")).is_file()


def test_a_translation_with_other_steps_is_an_error_naming_both_files(tmp_path: Path) -> None:
    extra = HARVEST_DE.replace("      - title: Token anlegen",
                               "      - title: Anmelden\n      - title: Token anlegen")
    config = _project(tmp_path, {"harvest/pat.yaml": HARVEST, "harvest/pat.de.yaml": extra})
    result = subprocess.run([str(MKDOCS), "build", "--strict"], capture_output=True, text=True,
                            cwd=config.parent, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("guides/harvest/pat.de.yaml:6:5: error: section 'Token erstellen' has 3 steps; "
            "its original guides/harvest/pat.yaml:5 has 2") in result.stderr


def test_a_mismatched_translation_falls_back_without_strict(tmp_path: Path, caplog) -> None:
    scoped = HARVEST_DE.replace("    steps:", "    scopes: [users:read]\n    steps:") + (
        "actions:\n  - {id: list_users, label: Benutzer auflisten, scopes: [users:read]}\n")
    config = _project(tmp_path, {"harvest/pat.yaml": HARVEST, "harvest/pat.de.yaml": scoped})
    with caplog.at_level(logging.WARNING):
        site = build(config, strict=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("guides/harvest/pat.de.yaml" in w and "the actions are" in w for w in warnings)
    assert "Create a token" in _article(_soup(site, "de/" + PAT))  # the original's text


def test_structure_check_names_scopes_whitelabel_and_actions() -> None:
    original = load_text(HARVEST + "actions:\n  - {id: a, label: A, scopes: [s]}\n",
                         "guides/x.yaml")[0]
    translated = load_text(HARVEST.replace("    content: Tokens act", "    whitelabel: hide\n"
                                           "    scopes: [s]\n    content: Tokens act") +
                           "actions:\n  - {id: b, label: B, scopes: [s]}\n", "guides/x.de.yaml")[0]
    found = [str(p) for p in compare_guides(original, translated)]
    assert any("the actions are [b ['s']]; its original guides/x.yaml:" in p for p in found)
    assert any("has the scopes ['s']" in p for p in found)
    assert any("is whitelabel: hide" in p for p in found)
    assert compare_guides(original, original) == []


MARKED_EN = HARVEST.replace('        list: ["Give it a name such as `{{ brand.name }} link`", Save it]',
                            """        list:
          - "Give it a name such as `{{ brand.name }} link`"
          - {text: Acme support can help you here., whitelabel: hide}""")
UNMARKED_DE = HARVEST_DE.replace(
    '        list: ["Geben Sie einen Namen wie `{{ brand.name }} link` ein", Speichern Sie es]',
    """        list:
          - "Geben Sie einen Namen wie `{{ brand.name }} link` ein"
          - Der Acme-Support hilft Ihnen dabei.""")


def test_structure_check_compares_the_marks_and_counts_of_list_items() -> None:
    original = load_text(MARKED_EN, "guides/x.yaml")[0]
    [problem] = compare_guides(original, load_text(UNMARKED_DE, "guides/x.de.yaml")[0])
    assert (problem.source.file, problem.source.line) == ("guides/x.de.yaml", 15)
    assert problem.message == ("list item 2 of step 'Token anlegen' is unmarked; its original "
                               "guides/x.yaml:14 is whitelabel: hide")
    assert "whitelabel: hide" in problem.hint
    marked = load_text(UNMARKED_DE.replace("          - Der Acme-Support hilft Ihnen dabei.",
                                           "          - {text: Der Acme-Support hilft Ihnen "
                                           "dabei., whitelabel: hide}"), "guides/x.de.yaml")[0]
    assert compare_guides(original, marked) == []
    only = load_text(UNMARKED_DE.replace("dabei.", "dabei.\n          - Noch ein Punkt"),
                     "guides/x.de.yaml")[0]
    [problem] = compare_guides(original, only)  # a third item: counts differ
    assert problem.message.startswith("step 'Token anlegen' has 3 list items; its original "
                                      "guides/x.yaml:")


def test_a_translation_that_drops_a_list_items_mark_leaks_nothing(tmp_path: Path,
                                                                  caplog) -> None:
    config = _project(tmp_path, {"harvest/pat.yaml": MARKED_EN, "harvest/pat.de.yaml": UNMARKED_DE},
                      plugin={"whitelabel": True, "whitelabel_brand": {
                          "name": "Northwind", "hub": "Northwind Connect"}})
    with caplog.at_level(logging.WARNING):
        site = build(config, strict=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("guides/harvest/pat.de.yaml:15:13: error: list item 2 of step 'Token anlegen' "
               "is unmarked" in w for w in warnings), warnings
    page = _soup(site, "de/" + PAT)
    items = [li.get_text(" ", strip=True) for li in page.select("article li")]
    assert items and not any("Acme" in item for item in items)
    assert "Create a token" in _article(page)  # the original, filtered, in its place
    twin = (site / "de" / (PAT.rstrip("/") + ".md")).read_text("utf-8")
    assert "Acme" not in twin and "support" not in twin.lower()


def test_without_static_i18n_translations_are_ignored_with_one_info_line(tmp_path: Path,
                                                                        caplog) -> None:
    config = _project(tmp_path, {"harvest/pat.yaml": HARVEST, "harvest/pat.de.yaml": HARVEST_DE,
                                 "zendesk/token.de.yaml": ZENDESK_EN},
                      i18n=False)
    with caplog.at_level(logging.INFO):
        site = build(config)
    notes = [r.getMessage() for r in caplog.records if "translation file" in r.getMessage()]
    assert len(notes) == 1 and all(r.levelno == logging.INFO for r in caplog.records
                                   if "translation file" in r.getMessage())
    assert "2 translation files ignored" in notes[0]
    assert "guides/harvest/pat.de.yaml" in notes[0] and "mkdocs-static-i18n" in notes[0]
    assert not (site / "de").exists() and not (site / "connectors/zendesk").exists()
    assert "Token erstellen" not in (site / "llms-full.txt").read_text("utf-8")
    assert (site / PAT / "index.html").is_file()


@pytest.mark.parametrize(("name", "expected"), [
    ("pat.de.yaml", ("pat.yaml", "de")),
    ("pat.yaml", ("pat.yaml", None)),
    ("pat.v2.yaml", ("pat.v2.yaml", None)),  # not a language: a guide with a dot
    ("de.yaml", ("de.yaml", None)),  # a guide named like a language
    ("pat.pt-BR.yml", ("pat.yml", "pt-BR")),
    ("pat.zh_TW.yaml", ("pat.yaml", "zh_TW")),
    ("acme.connector.fr.s1.yaml", ("acme.connector.s1.yaml", "fr")),
    ("acme.users.es.s1.partial.yaml", ("acme.users.s1.partial.yaml", "es")),
    ("acme.connector.s1.yaml", ("acme.connector.s1.yaml", None)),
    ("notes.txt", ("notes.txt", None)),
])
def test_split_language(name: str, expected: tuple[str, str | None]) -> None:
    assert split_language(name) == expected


def test_configured_languages_count_as_codes() -> None:
    assert not is_language("xx") and is_language("xx", ["xx"]) and is_language("de")
    paths = [Path("g/a.yaml"), Path("g/a.de.yaml"), Path("g/a.fr.yaml"), Path("g/b.de.yaml")]
    chosen = select(paths, "de", ["en", "de"], display=posixpath.normpath)
    assert chosen.paths == [Path("g/a.de.yaml")]
    assert chosen.originals == {Path("g/a.de.yaml"): Path("g/a.yaml")}
    assert chosen.ignored == [Path("g/a.fr.yaml")]
    assert [p.message for p in chosen.problems] == [
        "a translation into 'de' of b.yaml, which does not exist"]
    assert select(paths, None).paths == [Path("g/a.yaml")]


CONNECTOR = """\
StackOne: 1.0.0
info:
  title: Acorn Payroll
  key: acorn_payroll
  description: Acorn runs payroll.
authentication:
  - custom:
      type: custom
      label: API Token
      support:
        description: Any admin can make one.
      configFields:
        - {key: token, label: API Token, type: password, required: true, secret: true}
actions:
  $ref: acorn.pay
"""
CONNECTOR_DE = (CONNECTOR.replace("Acorn runs payroll.", "Acorn erledigt die Lohnabrechnung.")
                .replace("Any admin can make one.", "Jeder Admin kann eines erstellen."))
PAY = "- {actionId: list_pay_runs, label: List Pay Runs, categories: [hris], scopes: [pay.read]}\n"
PAY_DE = PAY.replace("List Pay Runs", "Lohnläufe auflisten")


def _acorn(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "guides" / "acorn"
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "guides"


def test_a_connector_file_and_its_partials_translate_the_same_way(tmp_path: Path) -> None:
    guides = _acorn(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR,
                               "acorn.connector.de.s1.yaml": CONNECTOR_DE,
                               "acorn.pay.s1.partial.yaml": PAY,
                               "acorn.pay.de.s1.partial.yaml": PAY_DE})
    german = load_site(Options(guides_dir=guides, translation="de", language="de",
                               url_prefix="de/"), display_root=tmp_path)
    assert german.problems == [] and german.warnings == []
    [entry] = german.connectors
    assert entry.url == "de/connectors/acorn_payroll/"
    assert entry.description == "Acorn erledigt die Lohnabrechnung."
    assert entry.auth_methods[0].description == "Jeder Admin kann eines erstellen."
    assert [(a.id, a.label) for a in entry.actions] == [("list_pay_runs", "Lohnläufe auflisten")]
    english = load_site(Options(guides_dir=guides), display_root=tmp_path)
    assert english.problems == [] and english.warnings == []
    [entry] = english.connectors
    assert entry.url == "connectors/acorn_payroll/" and entry.description == "Acorn runs payroll."
    assert [(a.id, a.label) for a in entry.actions] == [("list_pay_runs", "List Pay Runs")]


def test_a_translated_partial_with_other_scopes_is_an_error(tmp_path: Path) -> None:
    guides = _acorn(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR,
                               "acorn.pay.s1.partial.yaml": PAY,
                               "acorn.pay.de.s1.partial.yaml": PAY_DE.replace("pay.read", "x")})
    site = load_site(Options(guides_dir=guides, translation="de"), display_root=tmp_path)
    assert [str(p).split(" (")[0] for p in site.problems] == [
        "guides/acorn/acorn.pay.de.s1.partial.yaml:1:3: error: the actions are "
        "[list_pay_runs ['x']]; its original guides/acorn/acorn.pay.s1.partial.yaml:1 has "
        "[list_pay_runs ['pay.read']]"]
    [entry] = site.connectors  # the original's in its place
    assert [a.scopes for a in entry.actions] == [("pay.read",)]


def test_validate_checks_every_translation(tmp_path: Path) -> None:
    extra = HARVEST_DE.replace("      - title: Token anlegen",
                               "      - title: Anmelden\n      - title: Token anlegen")
    config = _project(tmp_path, {"harvest/pat.yaml": HARVEST, "harvest/pat.de.yaml": extra,
                                 "harvest/pat.fr.yaml": HARVEST}, i18n=False)
    guidebook = MKDOCS.parent / "guidebook"
    for args in (["guides"], ["guides/harvest/pat.de.yaml"]):
        result = subprocess.run([str(guidebook), "validate", *args], capture_output=True,
                                text=True, cwd=config.parent)
        assert result.returncode == 1, result.stdout + result.stderr
        output = result.stdout + result.stderr
        assert "guides/harvest/pat.de.yaml:6:5: error: section 'Token erstellen' has 3 steps; " \
               "its original guides/harvest/pat.yaml:5 has 2" in output
        assert "pat.fr.yaml" not in output  # a faithful translation


def test_a_handwritten_connectors_index_serves_every_language(tmp_path: Path) -> None:
    config = _project(tmp_path, {"harvest/pat.yaml": HARVEST, "harvest/pat.de.yaml": HARVEST_DE})
    for name, text in (("connectors/index.md", "# Our connectors\n\nPick one.\n"),
                       ("connectors/index.de.md", "# Unsere Connectors\n\nWählen Sie.\n")):
        (tmp_path / "docs" / name).parent.mkdir(exist_ok=True)
        (tmp_path / "docs" / name).write_text(text, encoding="utf-8")
    site = build(config)
    assert _soup(site, "connectors/").h1.get_text(strip=True) == "Our connectors"
    de = _soup(site, "de/connectors/")
    assert de.h1.get_text(strip=True) == "Unsere Connectors"
    # the sidebar's connectors section, in each language's words, leads to its connector
    nav = de.select_one("nav.md-nav--primary")
    assert "Zeiterfassung" in nav.get_text() and nav.select_one('a[href="harvest/"]')
    assert (site / "de/connectors/harvest/index.html").is_file()


REDIRECTS = {"redirects": {"redirect_maps": {"old-pat.md": PAT + "index.md", "old-home.md": "index.md"}}}


@pytest.mark.parametrize("order", [["search", "guidebook", "i18n", "redirects"],
                                   ["search", "redirects", "i18n", "guidebook"],
                                   ["search", "i18n", "redirects", "guidebook"]],
                         ids=["guidebook-first", "redirects-first", "i18n-first"])
def test_mkdocs_redirects_finds_a_guide_in_every_language_pass(tmp_path: Path, order) -> None:
    entries = {"search": "search", "guidebook": {"guidebook": {"brand": BRAND}},
               "i18n": {"i18n": I18N}, "redirects": REDIRECTS}
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST,
                                      "harvest/pat.de.yaml": HARVEST_DE},
                           docs={"index.md": "# Home\n", "index.de.md": "# Start\n"},
                           config={"site_url": SITE_URL, "plugins": [entries[p] for p in order]})
    site = build(config)  # (strict: "Redirect target ... does not exist!" in the de pass)
    # every pass writes the same redirect page: to the default language's page, as for a
    # docs page
    for old, target in (("old-pat/", PAT), ("old-home/", "")):
        soup = _soup(site, old)
        refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"]
        assert urljoin(SITE_URL + old, refresh.split("url=", 1)[1]) == SITE_URL + target
    assert (site / PAT / "index.html").is_file()


def test_a_translated_connector_keeps_its_fields(tmp_path: Path) -> None:
    renamed = CONNECTOR_DE.replace("{key: token, label: API Token",
                                   "{key: schluessel, label: API-Schlüssel")
    guides = _acorn(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR,
                               "acorn.connector.de.s1.yaml": renamed,
                               "acorn.pay.s1.partial.yaml": PAY})
    site = load_site(Options(guides_dir=guides, translation="de"), display_root=tmp_path)
    assert [str(p).split(" (")[0] for p in site.problems] == [
        "guides/acorn/acorn.connector.de.s1.yaml:8:7: error: the config_fields of 'custom' are "
        "['schluessel']; its original guides/acorn/acorn.connector.s1.yaml:8 has ['token']"]
    assert site.connectors[0].description == "Acorn runs payroll."  # the original's


def test_a_static_i18n_build_is_byte_identical_twice(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the sitemap's dates
    config = _project(tmp_path, {"harvest/pat.yaml": HARVEST, "harvest/pat.de.yaml": HARVEST_DE,
                                 "zendesk/token.yaml": ZENDESK_EN})
    first = build(config, site_dir=str(tmp_path / "one"))
    second = build(config, site_dir=str(tmp_path / "two"))
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert Path("de/llms.txt") in files
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_the_search_index_holds_the_guides_of_both_languages(site: Path) -> None:
    index = json.loads((site / "search/search_index.json").read_text("utf-8"))
    titles = {d["location"]: d["title"] for d in index["docs"]}
    assert titles["de/" + PAT] == "Harvest mit einem persönlichen Zugriffstoken verbinden"
    assert titles[PAT] == "Connect Harvest with Personal Access Token – Acme Hub"
    assert "de/" + ZENDESK in titles and "de" in index["config"]["lang"]
