"""End-to-end: real mini-sites built with MkDocs into a temp dir, checked with an HTML parser."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from conftest import HARVEST, ROOT, build
from guidebook.defaults import default_templates_dir

PAGE = "connectors/harvest/guides/link-account/personal-access-token/index.html"


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def nav_tree(page: BeautifulSoup) -> list:
    """The primary sidebar as nested (title, children) pairs."""

    def walk(ul) -> list:
        out = []
        for li in ul.find_all("li", recursive=False):
            label = li.find(["a", "label"], class_="md-nav__link", recursive=False) or \
                li.find(class_="md-nav__link")
            title = " ".join(label.get_text(" ", strip=True).split()) if label else ""
            child = li.find("nav", class_="md-nav")
            children = walk(child.find("ul")) if child and child.find("ul") else []
            out.append((title, children))
        return out

    primary = page.select_one("nav.md-nav--primary > ul")
    return walk(primary)


def test_guide_page(project) -> None:
    site = build(project({"harvest/pat.yaml": HARVEST}))
    page = soup(site / PAGE)
    article = page.select_one("article")
    assert article.h1.get_text(strip=True) == "Connect Harvest with Personal Access Token – Acme Hub"
    assert page.title.get_text() == "Connect Harvest with Personal Access Token – Acme Hub - Test guides"
    assert page.select_one('meta[name="description"]')["content"] == (
        "How to link your Harvest account to Acme Hub with Personal Access Token: where to find "
        "the credentials and how to connect.")
    warning = article.select_one("div.admonition.warning")
    assert warning.find("strong") is None and "Harvest login" in warning.get_text()
    sections = article.select("section[data-guide-section]")
    assert [s.h2.get_text(strip=True) for s in sections] == ["Create a token"]
    steps = sections[0].select("ol.gb-steps > li[data-guide-step]")
    assert [s.h3.get_text(strip=True) for s in steps] == ["Open the developer page", "Make the token"]
    assert all(s["data-guide-scopes"] == "" and s["data-guide-display-scopes-list"] == ""
               for s in steps)
    assert [li.get_text() for li in steps[1].select("li")] == ["Give it a name such as Acme link",
                                                               "Save it"]
    link = steps[0].find("a")
    assert (link["href"], link["target"], link["rel"]) == (
        "https://id.getharvest.com/developers", "_blank", ["noopener", "noreferrer"])
    hub = article.select_one("[data-whitelabel-hide]")
    assert hub.h2.get_text(strip=True) == "Linking the account in Acme Hub"
    fill = next(s for s in hub.select("li.gb-step") if "Fill out the fields" in s.h3.get_text())
    assert [b.get_text() for b in fill.select("li strong")] == ["Personal Access Token",
                                                                 "Account ID"]
    secondary = page.select(".md-sidebar--secondary nav.md-nav--secondary a.md-nav__link")
    toc = [a.get_text(strip=True) for a in secondary]
    assert toc == ["Create a token", "Linking the account in Acme Hub"]


def test_connector_and_index_pages_and_nav(project) -> None:
    guides = {
        "harvest/pat.yaml": HARVEST,
        "harvest/profile.yaml": HARVEST.replace("auth: {label: Personal Access Token}",
                                                "auth: {label: OAuth 2.0}\nkind: connector-profile"),
        "ashby/key.yaml": HARVEST.replace("{key: harvest, name: Harvest, category: Time tracking}",
                                          "{key: ashby, name: Ashby}"),
    }
    site = build(project(guides, config={"nav": ["index.md"]}))
    connector = soup(site / "connectors/harvest/index.html").select_one("article")
    assert connector.h1.get_text(strip=True) == "Harvest"
    links = [(a.get_text(strip=True), a["href"]) for a in connector.select("ul a:not(.gb-chip)")]
    assert links == [("Personal Access Token", "guides/link-account/personal-access-token/"),
                     ("OAuth 2.0", "guides/connector-profile/oauth-2-0/")]
    index = soup(site / "connectors/index.html").select_one("article")
    assert [h.get_text(strip=True) for h in index.find_all("h2")] == ["Time tracking", "Other"]
    ashby = soup(site / "connectors/ashby/guides/link-account/personal-access-token/index.html")
    assert "How to link your Ashby account" in ashby.select_one('meta[name="description"]')["content"]
    profile = soup(site / "connectors/harvest/guides/connector-profile/oauth-2-0/index.html")
    assert profile.select_one("article h1").get_text(strip=True) == (
        "Harvest OAuth 2.0 connector profile – Acme setup guide")
    assert profile.select_one("[data-whitelabel-hide] h2").get_text(strip=True) == (
        "Creating the connector profile")
    tree = nav_tree(soup(site / "connectors/harvest/index.html"))
    assert tree[0][0] == "Home"
    connectors = tree[1]
    assert connectors[0] == "Connectors"
    assert [c[0] for c in connectors[1]][1:] == ["Time tracking", "Other"]
    time_tracking = connectors[1][1][1]
    assert [c[0] for c in time_tracking] == ["Harvest"]
    assert [g[0] for g in time_tracking[0][1]][1:] == [
        "Connect Harvest with Personal Access Token – Acme Hub",
        "Harvest OAuth 2.0 connector profile – Acme setup guide"]
    # navigation.prune: a page renders the open branch only, not every guide of the site
    home = nav_tree(soup(site / "index.html"))
    assert home[1] == ("Connectors", [])


def test_large_categories_are_grouped(project) -> None:
    guides = {f"c{i:02d}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                                    f"key: c{i:02d}, name: Co {i:02d}")
              for i in range(5)}
    site = build(project(guides, plugin={"nav_group_size": 2}))
    tree = nav_tree(soup(site / "connectors/c00/index.html"))
    groups = tree[1][1][1]
    assert groups[0] == "Time tracking"
    assert [g[0] for g in groups[1]] == ["Co 00 – Co 01", "Co 02 – Co 03", "Co 04 – Co 04"]


def test_nav_sections_render_as_plain_sections(project, tmp_path: Path, monkeypatch) -> None:
    """The connectors nav's sections carry empty `meta`, `typeset` and `pages` (Material's
    sidebar reads them; a plain Section would make Jinja raise for each): every page is
    byte-identical to one built with plain MkDocs sections."""
    from guidebook.building import NavSection

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    guides = {f"c{i:02d}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                                    f"key: c{i:02d}, name: Co {i:02d}")
              for i in range(5)}
    config = project(guides, plugin={"nav_group_size": 2})

    def pages(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*.html"))}

    ours = pages(build(config, site_dir=str(tmp_path / "ours")))
    for name in ("meta", "typeset", "pages"):
        monkeypatch.delattr(NavSection, name)
    plain = pages(build(config, site_dir=str(tmp_path / "plain")))
    assert len(ours) > 10 and ours == plain


def test_search_index_has_guides(project) -> None:
    site = build(project({"harvest/pat.yaml": HARVEST}))
    index = json.loads((site / "search/search_index.json").read_text())
    locations = {d["location"] for d in index["docs"]}
    assert "connectors/harvest/guides/link-account/personal-access-token/" in locations
    assert "connectors/harvest/guides/link-account/personal-access-token/#create-a-token" in locations


def test_user_pages_and_nav_still_work(project) -> None:
    docs = {"index.md": "# Home\n", "about.md": "# About us\n\nHello.\n"}
    site = build(project({"harvest/pat.yaml": HARVEST}, docs=docs,
                         config={"nav": [{"Start": "index.md"}, {"About": "about.md"}]}))
    tree = nav_tree(soup(site / "about/index.html"))
    assert [t[0] for t in tree] == ["Start", "About", "Connectors"]
    assert (site / PAGE).exists()


def test_bad_guide_in_strict_mode_names_every_bad_file(project, caplog) -> None:
    guides = {"harvest/pat.yaml": HARVEST,
              "a/bad.yaml": HARVEST.replace("key: harvest", "key: Bad Key"),
              "b/bad.yaml": HARVEST + "colour: red\n"}
    with pytest.raises(Abort):
        build(project(guides))
    message = caplog.text
    assert "2 problems in 2 guide files" in message
    assert "guides/a/bad.yaml:1:18: error: connector.key 'Bad Key' is not valid" in message
    assert "guides/b/bad.yaml:16:1: error: unknown key 'colour' in guide" in message


def test_bad_guide_without_strict_is_skipped(project, caplog) -> None:
    guides = {"harvest/pat.yaml": HARVEST,
              "zzz/bad.yaml": HARVEST.replace("key: harvest", "key: zzz") + "colour: red\n"}
    site = build(project(guides), strict=False)
    assert (site / PAGE).exists()
    assert not (site / "connectors/zzz").exists()
    assert "guides/zzz/bad.yaml:16:1: error: unknown key 'colour'" in caplog.text
    index = soup(site / "connectors/index.html")
    assert not [a for a in index.find_all("a") if "zzz" in a.get("href", "")]


def test_duplicate_urls_are_an_error_naming_both_files(project, caplog) -> None:
    guides = {"harvest/one.yaml": HARVEST, "harvest/two.yaml": HARVEST}
    with pytest.raises(Abort):
        build(project(guides))
    assert "two guides map to the same page connectors/harvest/guides/link-account/" \
           "personal-access-token/ (guides/harvest/one.yaml and guides/harvest/two.yaml)" \
           in caplog.text


def test_templates_dir_and_missing_brand_key(project, tmp_path: Path, caplog) -> None:
    (tmp_path / "tpl" / "partials").mkdir(parents=True)
    (tmp_path / "tpl" / "partials" / "hub-link.html.jinja").write_text(
        '<section data-whitelabel-hide><h2 id="link">Link it in {{ brand.hub }}</h2></section>\n')
    shutil.copyfile(default_templates_dir() / "partials" / "hub-link.md.jinja",  # the twin's
                    tmp_path / "tpl" / "partials" / "hub-link.md.jinja")  # stays (no warning)
    site = build(project({"harvest/pat.yaml": HARVEST}, plugin={"templates_dir": "tpl"}))
    assert soup(site / PAGE).select_one("[data-whitelabel-hide] h2").get_text() == "Link it in Acme Hub"
    (tmp_path / "tpl" / "partials" / "hub-link.html.jinja").write_text("{{ brand.nope }}\n")
    with pytest.raises(Abort):
        build(project({"harvest/pat.yaml": HARVEST}, plugin={"templates_dir": "tpl"}))
    assert "hub-link.html.jinja:1" in caplog.text


BRAND = {"name": "Acme", "hub": "Acme Hub"}


@pytest.mark.parametrize(("plugin", "message"), [
    ({"brand": {"hub": "Acme Hub"}}, "the brand option needs a 'name' key"),
    ({"brand": {"name": " ", "hub": "Acme Hub"}}, "brand.name is empty: write the name"),
    ({"brand": {"name": "Acme", "hub": None}}, "brand.hub is empty: write the hub"),
    ({"brand": {**BRAND, "logo": ["a.svg"]}}, "brand.logo is ['a.svg']: write it as text"),
    ({"whitelabel_brand": {"name": "Partner"}}, "the whitelabel_brand option needs a 'hub' key"),
    ({"nav_group_size": 0}, "nav_group_size 0 is not a number of connectors (use 1 or more"),
    ({"max_guide_bytes": -1}, "max_guide_bytes -1 is not a number of bytes (use 1 or more"),
    ({"workers": 0}, "workers 0 is not a number of processes (use 1 or more"),
    ({"llms": {"budget": 0}}, "llms.budget 0 is not a number of characters (use 1 or more"),
    ({"llms": {"sections": {"Start": 3}}}, "llms.sections 'Start' is 3: give a list of globs"),
    ({"whitelabel_forbid": ["Acme", ""]}, "whitelabel_forbid has the term '': it would forbid "
                                          "nothing (remove it)"),
    ({"whitelabel_replace": {"": "x"}}, "whitelabel_replace has the key '': replace a text"),
    ({"whitelabel_replace": {"Acme": None}}, "whitelabel_replace 'Acme' has the replacement None"),
    ({"categories": {"hris": ["HR"]}}, "categories.hris is ['HR']: write the category's"),
])
def test_option_values_that_make_no_sense_are_errors(project, caplog, plugin: dict,
                                                     message: str) -> None:
    """The build and the `guidebook` command stop on them alike, naming the option and the
    fix (before, some made a traceback, and others a build that quietly did something else,
    such as a white-label check that forbade nothing)."""
    config = project({"harvest/pat.yaml": HARVEST}, plugin={"brand": BRAND, **plugin})
    with pytest.raises(Abort):
        build(config)
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert line.startswith(f"guidebook: {message}"), line
    assert "Traceback" not in caplog.text
    command = subprocess.run([str(Path(sys.executable).parent / "guidebook"), "-f", str(config),
                              "validate"], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "NO_COLOR": "1"})
    assert command.returncode != 0
    assert f"mkdocs.yml: {message}" in command.stderr, command.stderr
    assert "Traceback" not in command.stderr


def test_example_site_builds_strict(tmp_path: Path) -> None:
    site = build(ROOT / "mkdocs.yml", site_dir=str(tmp_path / "site"))
    pages = sorted(site.glob("connectors/*/guides/*/*/index.html"))
    assert len(pages) >= 8
    kinds = {p.parent.parent.name for p in pages}
    assert kinds == {"link-account", "connector-profile"}


def test_search_index_has_guide_text_not_page_chrome(project) -> None:
    guide = HARVEST + "actions:\n  - {id: list_users, label: List the people, scopes: [people:read]}\n"
    site = build(project({"harvest/pat.yaml": guide}))
    index = json.loads((site / "search/search_index.json").read_text())
    text = " ".join(d["text"] for d in index["docs"]
                    if d["location"].startswith("connectors/harvest/guides/"))
    assert "List the people" in text and "people:read" in text and "Tokens act" in text
    for chrome in ("Page actions", "Copy page as Markdown", "Open in Claude", "Select all",
                   "Separate scopes with", "Documentation Index"):
        assert chrome not in text
