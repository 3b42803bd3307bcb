"""The connectors catalogue in a real browser, on a generated catalogue of 1,000 connectors:
what the filter and the chips show is what a Python filter over the same site model predicts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from guidebook.site import ConnectorEntry, Options, load_site

from .conftest import CATALOGUE_SIZE, CHROMIUM, CHROMIUM_ARGS, instant_ready

pytestmark = pytest.mark.browser

Site = Any  # tests/browser/conftest.py: the built, served site
MAX_INDEX_BYTES = 300_000
OFFLINE_SIZE = 60  # connectors of the catalogue opened from disk
READY = "document.querySelector('[data-gb-catalogue][data-gb-ready]') !== null"
ICON = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'

# The connectors whose cards the page shows, read from the DOM (a card is shown when it and
# its category group are displayed), and the categories whose groups are displayed.
SHOWN = """() => {
  const shown = (el) => el.getClientRects().length > 0;
  const cards = [...document.querySelectorAll('[data-gb-group] .gb-cards > li')].filter(shown);
  return {
    keys: [...new Set(cards.map((li) => li.querySelector('a').pathname))].sort(),
    groups: [...document.querySelectorAll('[data-gb-group]')].filter(shown)
      .map((g) => g.getAttribute('data-gb-group')),
    cards: cards.length,
  };
}"""


def _fields(entry: ConnectorEntry) -> str:
    """What the filter reads of a card: its link (name, href) and its lines but the last."""
    return "\n".join([entry.name, entry.key, ", ".join(entry.all_categories),
                      ", ".join(entry.auth_labels)]).lower()


@pytest.fixture(scope="module")
def model(catalogue_site: Site) -> list[ConnectorEntry]:
    site = load_site(Options(guides_dir=catalogue_site.root / "guides"))
    assert not site.problems and len(site.connectors) == CATALOGUE_SIZE
    return site.connectors


def predict(model: list[ConnectorEntry], query: str = "",
            category: str = "") -> tuple[list[str], list[str]]:
    """(paths of the connectors shown, sorted; categories whose groups show, in the page's
    order)."""
    words = query.lower().split()
    keep = [e for e in model if all(w in _fields(e) for w in words)
            and (not category or category in e.all_categories)]
    groups = {c for e in keep for c in e.all_categories if not category or c == category}
    order = sorted({c for e in model for c in e.all_categories},
                   key=lambda k: (k == "Other", k.casefold(), k))
    return sorted(f"/connectors/{e.key}/" for e in keep), [c for c in order if c in groups]


def _offline(context: Any, site: Site) -> None:
    """No request leaves localhost; the connectors' icons are answered with a tiny image."""

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(site.url):
            r.continue_()
        elif url.startswith("https://logos.example.net/"):
            r.fulfill(status=200, content_type="image/svg+xml", body=ICON)
        else:
            r.abort()

    context.route("**/*", route)


def _console_error(pg: Any, message: Any) -> None:
    if message.type != "error":
        return
    where = message.location.get("url", "")
    pg.errors.append(f"{message.text} ({where})")


@pytest.fixture
def page(browser: Any, catalogue_site: Site) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    _offline(context, catalogue_site)
    pg = context.new_page()
    pg.set_default_timeout(10000)
    pg.errors = []
    pg.on("console", lambda m: _console_error(pg, m))
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    try:
        yield pg
    finally:
        context.close()


def _open(page: Any, site: Site, query: str = "") -> None:
    page.goto(f"{site.url}connectors/{query}")
    page.wait_for_function(READY)


def _assert_shows(page: Any, model: list[ConnectorEntry], query: str = "",
                  category: str = "") -> int:
    keys, groups = predict(model, query, category)
    state = page.evaluate(SHOWN)
    assert state["keys"] == keys, (query, category)
    assert state["groups"] == groups, (query, category)
    n = len(keys)
    assert page.text_content("[data-gb-live]") == f"{n} connector{'' if n == 1 else 's'} shown"
    assert page.is_visible("[data-gb-no-match]") == (n == 0)
    return n


def _params(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_index_html_stays_under_300_kb(catalogue_site: Site, model: list[ConnectorEntry]) -> None:
    index = catalogue_site.out / "connectors" / "index.html"
    size = index.stat().st_size
    cards = sum(len(e.all_categories) for e in model)
    assert cards > CATALOGUE_SIZE  # some connectors are in several categories
    assert size < MAX_INDEX_BYTES, f"{size} bytes for {CATALOGUE_SIZE} connectors"


def test_typing_narrows_the_cards_as_predicted(page: Any, catalogue_site: Site,
                                               model: list[ConnectorEntry]) -> None:
    _open(page, catalogue_site)
    assert page.is_visible("[data-gb-filter]")
    assert _assert_shows(page, model) == CATALOGUE_SIZE
    # "auth" must not match the cards' "Auth:" labels, nor "http" their links' addresses.
    queries = ["ko", "KO", "oauth", "_crm", "ver token", "basic auth hr", "zzzz", "http", "auth"]
    for query in [*queries, ""]:
        page.fill("[data-gb-filter]", query)
        n = _assert_shows(page, model, query)
        if query in ("ko", "oauth", "_crm", "ver token", "auth"):
            assert 0 < n < CATALOGUE_SIZE, query  # the query really narrows the catalogue
    assert page.errors == []


def test_a_category_chip_shows_one_category(page: Any, catalogue_site: Site,
                                            model: list[ConnectorEntry]) -> None:
    _open(page, catalogue_site)
    page.click("button[data-gb-category='CRM']")
    assert page.get_attribute("button[data-gb-category='CRM']", "aria-pressed") == "true"
    assert page.get_attribute("button[data-gb-category='']", "aria-pressed") == "false"
    n = _assert_shows(page, model, "", "CRM")
    assert 0 < n < CATALOGUE_SIZE
    page.fill("[data-gb-filter]", "oauth")
    _assert_shows(page, model, "oauth", "CRM")
    page.click("button[data-gb-category='HRIS']")
    _assert_shows(page, model, "oauth", "HRIS")
    page.click("button[data-gb-category='HRIS']")  # pressed again: every category
    assert page.get_attribute("button[data-gb-category='']", "aria-pressed") == "true"
    _assert_shows(page, model, "oauth")
    page.click("button[data-gb-category='ATS']")
    page.click("button[data-gb-category='']")
    _assert_shows(page, model, "oauth")
    assert page.errors == []


def test_the_url_keeps_the_filter_and_a_reload_restores_it(page: Any, catalogue_site: Site,
                                                           model: list[ConnectorEntry]) -> None:
    _open(page, catalogue_site, "#hris")
    page.fill("[data-gb-filter]", "ver token")
    page.click("button[data-gb-category='File storage']")
    assert _params(page) == {"filter": ["ver token"], "category": ["File storage"]}
    assert page.url.endswith("#hris")  # the fragment survives
    page.reload()
    page.wait_for_function(READY)
    assert page.input_value("[data-gb-filter]") == "ver token"
    assert page.get_attribute("button[data-gb-category='File storage']", "aria-pressed") == "true"
    _assert_shows(page, model, "ver token", "File storage")
    page.fill("[data-gb-filter]", "")
    page.click("button[data-gb-category='File storage']")
    assert _params(page) == {}
    assert page.errors == []


def test_a_link_with_a_category_in_any_case_lands_filtered(page: Any, catalogue_site: Site,
                                                           model: list[ConnectorEntry]) -> None:
    _open(page, catalogue_site, "?category=hris&filter=Cloud")
    _assert_shows(page, model, "cloud", "HRIS")
    _open(page, catalogue_site, "?category=no-such-thing")
    _assert_shows(page, model)
    assert page.errors == []


def test_connector_page_chips_land_on_the_filtered_catalogue(page: Any, catalogue_site: Site,
                                                             model: list[ConnectorEntry]) -> None:
    entry = next(e for e in model if len(e.all_categories) > 1)
    page.goto(f"{catalogue_site.url}connectors/{entry.key}/")
    instant_ready(page)
    page.evaluate("window.__sameDocument = true")
    second = entry.all_categories[1]
    page.click(f"article .gb-connector__categories a.gb-chip >> text='{second}'")
    page.wait_for_function(READY)
    assert urlsplit(page.url).path == "/connectors/"
    assert _params(page) == {"category": [second]}
    assert page.evaluate("window.__sameDocument") is True  # Material's instant navigation
    _assert_shows(page, model, "", second)
    assert page.errors == []


def test_instant_navigation_sets_up_each_catalogue_once(page: Any, catalogue_site: Site,
                                                        model: list[ConnectorEntry]) -> None:
    _open(page, catalogue_site)
    instant_ready(page)
    page.evaluate("window.__sameDocument = true")
    assert page.evaluate("window.guidebookCatalogue.catalogues") == 1
    first = model[0]
    page.click(f"[data-gb-group] a[href$='/{first.key}/'] >> nth=0")
    page.wait_for_url(f"**/connectors/{first.key}/")
    page.click("article .gb-connector__categories a.gb-chip >> nth=0")
    page.wait_for_function("window.guidebookCatalogue.catalogues === 2")
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("[data-gb-catalogue]").count() == 1
    before = page.evaluate("window.guidebookCatalogue.updates")
    page.fill("[data-gb-filter]", "a")
    assert page.evaluate("window.guidebookCatalogue.updates") == before + 1  # one listener
    _assert_shows(page, model, "a", first.all_categories[0])
    assert page.errors == []


def _tab_to(page: Any, selector: str, key: str = "Tab", limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    pytest.fail(f"{key} never reached {selector}")


def _focus_ring(page: Any) -> tuple[str, float]:
    return tuple(page.evaluate("(() => { const s = getComputedStyle(document.activeElement);"
                               " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"))


def test_keyboard_only(page: Any, catalogue_site: Site, model: list[ConnectorEntry]) -> None:
    _open(page, catalogue_site)
    _tab_to(page, "[data-gb-filter]")
    style, width = _focus_ring(page)
    assert style != "none" and width >= 1
    page.keyboard.type("oauth")
    _assert_shows(page, model, "oauth")
    _tab_to(page, "button[data-gb-category='ATS']")
    style, width = _focus_ring(page)
    assert style != "none" and width >= 1
    page.keyboard.press("Enter")
    _assert_shows(page, model, "oauth", "ATS")
    _tab_to(page, "button[data-gb-category='CRM']")
    page.keyboard.press("Space")
    _assert_shows(page, model, "oauth", "CRM")
    # On to the first card's link, then back to the filter to clear it.
    _tab_to(page, "[data-gb-group] .gb-cards > li > a", limit=40)
    style, width = _focus_ring(page)
    assert style != "none" and width >= 1
    keys, _ = predict(model, "oauth", "CRM")
    assert page.evaluate("document.activeElement.pathname") == keys[0]
    _tab_to(page, "[data-gb-filter]", "Shift+Tab", limit=40)
    page.keyboard.press("Control+a")
    page.keyboard.press("Backspace")
    _assert_shows(page, model, "", "CRM")
    assert _params(page) == {"category": ["CRM"]}
    assert page.errors == []


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_no_serious_accessibility_violations(page: Any, catalogue_site: Site,
                                             scheme: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    _open(page, catalogue_site, "?filter=ko&category=HRIS")
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; "
                               "animation: none !important; }")
    page.evaluate("(s) => document.body.setAttribute('data-md-color-scheme', s)", scheme)
    page.focus("[data-gb-filter]")
    results = Axe().run(page, context={"exclude": [[".md-copyright"]]})
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert page.errors == []


def test_without_javascript_every_card_is_a_plain_link(browser: Any, catalogue_site: Site,
                                                       model: list[ConnectorEntry]) -> None:
    # Without JavaScript Chromium loads every image eagerly: a thousand icons, each answered by
    # `_offline` in this process, took 20 s. A Chromium of its own resolves no host but
    # 127.0.0.1 instead: no request leaves this machine, and no route is needed.
    sealed = browser.browser_type.launch(
        executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"])
    context = sealed.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(f"{catalogue_site.url}connectors/?category=CRM&filter=ko",
                wait_until="domcontentloaded")
        cards = sum(len(e.all_categories) for e in model)
        assert pg.locator("[data-gb-group] .gb-cards > li").count() == cards
        assert pg.locator("[data-gb-group]:visible").count() == len(predict(model)[1])
        assert pg.locator("[data-gb-js-only]:visible").count() == 0
        hrefs = pg.eval_on_selector_all("[data-gb-group] .gb-cards > li > a",
                                        "els => [...new Set(els.map(a => a.pathname))]")
        assert sorted(hrefs) == predict(model)[0]
    finally:
        sealed.close()


def test_the_filter_reads_connector_keys_in_a_site_opened_from_disk(
        browser: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """With Material's offline plugin (the site is opened from disk, file:// URLs;
    `use_directory_urls: false`; no instant navigation, which needs a server) the cards link to
    `<key>/index.html`, and the filter still finds a connector by its key."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from .conftest import write_catalogue_project

    root = tmp_path_factory.mktemp("catalogue-offline")
    config_file = write_catalogue_project(root, OFFLINE_SIZE, offline=True)
    out = root / "site"
    loaded = load_config(config_file=str(config_file), site_dir=str(out), strict=True)
    build(loaded)
    assert loaded.use_directory_urls is False  # (the offline plugin's doing)
    model = load_site(Options(guides_dir=root / "guides")).connectors
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("https://logos.example.net/**",
                  lambda r: r.fulfill(status=200, content_type="image/svg+xml", body=ICON))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto((out / "connectors" / "index.html").as_uri())
        page.wait_for_function(READY)
        queries = [q for q in ("_crm", "_hris", "_ats") if 0 < len(predict(model, q)[0])
                   < OFFLINE_SIZE]  # (words found in connector keys alone)
        assert queries
        for query in queries:
            page.fill("[data-gb-filter]", query)
            keys, _ = predict(model, query)
            shown = page.evaluate("""() => [...new Set([...document.querySelectorAll(
                '[data-gb-group] .gb-cards > li')].filter((el) => el.getClientRects().length)
                .map((li) => li.querySelector('a').getAttribute('href')))].sort()""")
            assert shown == sorted(k.removeprefix("/connectors/") + "index.html" for k in keys)
        assert errors == []
    finally:
        context.close()
