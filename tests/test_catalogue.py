"""The connectors index as a catalogue: a card per connector and category, its links, and the
same facts in its Markdown twin (built with MkDocs, read with an HTML parser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt

from conftest import HARVEST, build
from guidebook.site import Options, load_site

SITE_URL = "https://guides.example.test/"

# Connector files in the real format: several categories (from the actions, `internal` never
# counts), an icon, methods without guides, a `$ref` partial, a guide inside the file.
ACME = """\
StackOne: 1.0.0
info:
  title: Acme People
  key: acme_hris
  assets:
    icon: https://logos.example.test/acme/filled/png
  description: Acme People keeps employee records.
authentication:
  - apiKey:
      type: custom
      label: API Key
      support: {link: https://acme.example/docs/keys, description: Made by an admin.}
      configFields:
        - {key: apiKey, label: API Key, type: password, required: true, secret: true}
  - oauth2:
      type: oauth2
      label: OAuth 2.0
      setupFields:
        - {key: clientId, label: Client ID, type: text, required: true}
      refreshAuthentication:
        action: {actionId: refresh, categories: [internal], label: Refresh}
actions:
  $ref: acme.people
  $ref: acme.jobs
"""
ACME_PEOPLE = """\
- {actionId: list_people, categories: [hris], actionType: list, label: List People}
- {actionId: sync_health, categories: [internal], actionType: custom, label: Sync Health}
"""
ACME_JOBS = """\
actions:
  - {actionId: list_jobs, categories: [ats, hris], actionType: list, label: List Jobs}
"""
BOLT = """\
StackOne: 1.0.0
info:
  title: Bolt CRM
  key: bolt-crm
  description: Bolt is a small CRM.
authentication:
  - token:
      type: custom
      label: API Token
      support:
        description: A token from the profile page.
        guides:
          config:
            sections:
              - title: Make a token
                steps:
                  - {title: Open your profile, content: Click **Profile**.}
      configFields:
        - {key: token, label: API Token, type: password, required: true, secret: true}
actions:
  - {actionId: list_deals, categories: [crm], actionType: list, label: List Deals}
  - {actionId: list_tickets, categories: [ticketing], actionType: list, label: List Tickets}
"""
# A connector file without authentication methods or actions: no categories, no auth.
QUIET = """\
StackOne: 1.0.0
info: {title: "Quiet & <Co> [beta]", key: quiet_co}
"""

GUIDES = {
    "acme/acme.connector.s1.yaml": ACME,
    "acme/acme.people.s1.partial.yaml": ACME_PEOPLE,
    "acme/acme.jobs.s1.partial.yaml": ACME_JOBS,
    "bolt/bolt.connector.s1.yaml": BOLT,
    "quiet/quiet.connector.s1.yaml": QUIET,
    "harvest/pat.yaml": HARVEST,
    "harvest/profile.yaml": HARVEST.replace(
        "auth: {label: Personal Access Token}", "auth: {label: OAuth 2.0}\nkind: connector-profile"),
}

# What the fixture says, card by card: (name, href, icon, categories, auth labels, guides).
CARDS = {
    "Acme People": ("acme_hris/", "https://logos.example.test/acme/filled/png", "HRIS, ATS",
                    "API Key, OAuth 2.0", "No guides"),
    "Bolt CRM": ("bolt-crm/", None, "CRM, Ticketing", "API Token", "1 guide"),
    "Harvest": ("harvest/", None, "Time tracking", "Personal Access Token, OAuth 2.0", "2 guides"),
    "Quiet & <Co> [beta]": ("quiet_co/", None, "Other", None, "No guides"),
}
GROUPS = {
    "ATS": ["Acme People"],
    "CRM": ["Bolt CRM"],
    "HRIS": ["Acme People"],
    "Ticketing": ["Bolt CRM"],
    "Time tracking": ["Harvest"],
    "Other": ["Quiet & <Co> [beta]"],
}


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _text(el) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_project

    root = tmp_path_factory.mktemp("catalogue")
    return build(write_project(root, GUIDES))


def test_cards_are_grouped_by_every_category(built: Path) -> None:
    article = _soup(built / "connectors/index.html").select_one("article")
    groups = article.select("section[data-gb-group]")
    assert [g.h2.get_text(strip=True) for g in groups] == list(GROUPS)
    for group in groups:
        name = group["data-gb-group"]
        assert group.h2.get_text(strip=True) == name
        cards = group.select("ul.gb-cards > li")
        assert [c.a.get_text() for c in cards] == GROUPS[name]
    assert _text(article.select_one("p.gb-lead")) == "4 connectors in 6 categories."


def test_every_card_shows_its_facts_and_links_resolve(built: Path) -> None:
    index = built / "connectors/index.html"
    cards = _soup(index).select("article ul.gb-cards > li")
    assert len(cards) == sum(len(v) for v in GROUPS.values())
    for card in cards:
        name = card.a.get_text()
        href, icon, categories, auth, guides = CARDS[name]
        assert card.a["href"] == href
        assert (index.parent / href / "index.html").is_file()
        target = _soup(index.parent / href / "index.html")
        assert target.select_one("article h1").get_text(strip=True) == name
        img = card.find("img")
        if icon is None:
            assert img is None
        else:
            assert (img["src"], img["alt"], img["loading"]) == (icon, f"{name} logo", "lazy")
        lines = [_text(p) for p in card.find_all("p", recursive=False)]
        assert lines == [categories, *([f"Auth: {auth}"] if auth else []), guides]
        # The filter reads the link, then every line but the last, without the label.
        if auth:
            assert card.find_all("p")[1].b.get_text() == "Auth:"


def test_counts_and_labels_follow_the_model(built: Path) -> None:
    """The cards agree with the site model the renderer was given (a second, independent
    reading of the same guides)."""
    root = built.parent
    site = load_site(Options(guides_dir=root / "guides",
                             brand={"name": "Acme", "hub": "Acme Hub",
                                    "callback_base": "https://acme.test"}))
    assert not site.problems
    cards = _soup(built / "connectors/index.html").select("article ul.gb-cards > li")
    by_href = {c.a["href"]: c for c in cards}
    for entry in site.connectors:
        card = by_href[f"{entry.key}/"]
        lines = [_text(p) for p in card.find_all("p", recursive=False)]
        assert lines[0] == ", ".join(entry.all_categories)
        n = len(entry.guides)
        assert lines[-1] == (f"{n} guide" + ("" if n == 1 else "s") if n else "No guides")
        assert (lines[1] == "Auth: " + ", ".join(entry.auth_labels)) if entry.auth_labels \
            else len(lines) == 2
    assert {c.a["href"] for c in cards} == {f"{e.key}/" for e in site.connectors}


def test_filter_controls_are_there_but_hidden_without_javascript(built: Path) -> None:
    catalogue = _soup(built / "connectors/index.html").select_one("[data-gb-catalogue]")
    tools = catalogue.select_one("[data-gb-js-only]")
    assert tools.has_attr("hidden") and tools.has_attr("data-search-exclude")
    field = tools.select_one("input[data-gb-filter]")
    assert field["type"] == "search"
    assert tools.select_one(f"label[for='{field['id']}']").get_text(strip=True)
    chips = tools.select("button[data-gb-category]")
    assert [c["data-gb-category"] for c in chips] == ["", *GROUPS]
    assert [c["aria-pressed"] for c in chips] == ["true"] + ["false"] * len(GROUPS)
    assert all(c["type"] == "button" for c in chips)
    live = catalogue.select_one("[data-gb-live]")
    assert (live["aria-live"], live["role"]) == ("polite", "status")
    assert catalogue.select_one("[data-gb-no-match]").has_attr("hidden")


def test_connector_page_category_chips_link_to_the_catalogue(built: Path) -> None:
    page = built / "connectors/acme_hris/index.html"
    chips = _soup(page).select("article .gb-connector__categories a.gb-chip")
    assert [a["href"] for a in chips] == ["../?category=HRIS", "../?category=ATS"]
    groups = {g["data-gb-group"] for g in
              _soup(built / "connectors/index.html").select("[data-gb-group]")}
    assert {a.get_text() for a in chips} <= groups


def _twin_items(text: str) -> dict[str, list[BeautifulSoup]]:
    """The twin's bullet items, by the `##` category they are under (parsed as CommonMark)."""
    html = MarkdownIt("commonmark").render(text)
    soup = BeautifulSoup(html, "html.parser")
    items: dict[str, list] = {}
    for h2 in soup.find_all("h2", recursive=False):  # (not the index directive's quote)
        ul = h2.find_next_sibling()
        assert ul.name == "ul", h2
        items[h2.get_text()] = ul.find_all("li", recursive=False)
    return items


@pytest.mark.parametrize("fmt", ["stackone", "plain"])
def test_the_twin_lists_the_same_facts(tmp_path: Path, fmt: str) -> None:
    from conftest import write_project

    site = build(write_project(tmp_path, GUIDES, plugin={"markdown_export": fmt}))
    twin = (site / "connectors.md").read_text(encoding="utf-8")
    assert "4 connectors in 6 categories." in twin
    items = _twin_items(twin)
    assert {k: [_text(li.a) for li in v] for k, v in items.items()} == GROUPS
    html_cards = _soup(site / "connectors/index.html").select("article ul.gb-cards > li")
    by_name = {}
    for card in html_cards:
        by_name.setdefault(card.a.get_text(), card)
    for group, lis in items.items():
        for li in lis:
            name = _text(li.a)
            href, _, categories, auth, guides = CARDS[name]
            links = li.find_all("a")
            assert links[0]["href"] == f"{SITE_URL}connectors/{href.rstrip('/')}.md"
            said = _text(li)
            # Every text the HTML card shows is in the twin's item.
            for line in [name, *(_text(p) for p in by_name[name].find_all("p"))]:
                assert line in said, (line, said)
            assert categories in said and guides.split()[0] in said
            if auth:
                assert f"Auth: {auth}." in said
            # The guides are linked, and their twins exist.
            for a in links[1:]:
                assert a["href"].startswith(SITE_URL) and a["href"].endswith(".md")
                assert (site / a["href"][len(SITE_URL):]).is_file()
            count = 0 if guides == "No guides" else int(guides.split()[0])
            assert len(links) - 1 == count
    harvest = next(li for li in items["Time tracking"] if _text(li.a) == "Harvest")
    assert [_text(a) for a in harvest.find_all("a")[1:]] == [
        "Personal Access Token", "OAuth 2.0 (Connector profile)"]
    # Markdown-special and HTML-special text stays text.
    assert "[Quiet & \\<Co> \\[beta\\]](" in " ".join(twin.split())
