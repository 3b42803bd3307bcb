"""guidebook beside the MkDocs plugins teams already run: each test builds one fixture project
with another plugin (installed by the `test` extras) and checks guidebook's pages, twins and
llms.txt, and the other plugin's own effect."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file
from packaging.version import Version

from conftest import build, write_project

# Material's blog and tags plugins are tested with the Material of the newest-versions run (the
# "Works with" table); the lowest-versions run (Material 9.2.0, whose plugins differ) skips them.
MATERIAL = Version(metadata.version("mkdocs-material"))
newer_material = pytest.mark.skipif(MATERIAL < Version("9.5"),
                                    reason=f"Material {MATERIAL}: its blog/tags plugins predate "
                                           "the tested ones")

SITE_URL = "https://guides.example.test/"
GUIDE_DIR = "connectors/harvest/guides/link-account/personal-access-token/"

HARVEST = """\
connector: {key: harvest, name: Harvest, category: Time tracking}
auth: {label: Personal Access Token}
tags: [Tokens, Time tracking]
redirect_from: [harvest/token/]
sections:
  - title: Create a token
    steps:
      - title: Open the developer page
        content: Go to the [developer page](https://id.getharvest.com/developers).
fields: [Personal Access Token]
"""

ABOUT = """\
---
title: About us
description: Who we are.
---
# About us

Two and two make four.
"""


def _project(root: Path, plugins: list[Any], *, docs: dict[str, str] | None = None,
             config: dict[str, Any] | None = None, guide: str = HARVEST,
             options: dict[str, Any] | None = None) -> Path:
    """A project whose `plugins:` is `plugins`, guidebook's entry written as "guidebook"."""
    options = {"brand": {"name": "Acme", "hub": "Acme Hub"}, **(options or {})}
    entries = [{"guidebook": options} if p == "guidebook" else p for p in plugins]
    files = {"index.md": "# Home\n\nWelcome.\n", "about.md": ABOUT, **(docs or {})}
    return write_project(root, {"harvest/personal-access-token.yaml": guide}, docs=files,
                         config={"plugins": entries, **(config or {})})


def _site_path(site_dir: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    return site_dir / url[len(SITE_URL):]


def _check_guidebook(site_dir: Path) -> dict[str, str]:
    """Guide page, twins, llms.txt links and rel=alternate: what guidebook promises whatever
    other plugin runs. Returns llms.txt's links (title -> URL)."""
    page = site_dir / GUIDE_DIR / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    assert soup.select("[data-guide-step]"), "the guide page has no steps"
    parsed = parse_llms_file((site_dir / "llms.txt").read_text(encoding="utf-8"))
    links = {link.title: link.url for links in parsed.sections.values() for link in links}
    for url in links.values():
        twin = _site_path(site_dir, url)
        assert twin.is_file(), url
        text = twin.read_text(encoding="utf-8")
        assert not text.startswith("---"), f"{url} starts with front matter"
        assert "{{" not in text, f"{url} holds template source"
    # every HTML page's rel=alternate names a twin that exists
    for html in site_dir.rglob("index.html"):
        soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
        link = soup.find("link", rel="alternate", type="text/markdown")
        if link is None:
            continue
        base = html.relative_to(site_dir).parent.as_posix() + "/"
        target = urljoin(SITE_URL + ("" if base == "./" else base), link["href"])
        assert _site_path(site_dir, target).is_file(), (html, link["href"])
    return links


def test_macros_twin_is_rendered_markdown_without_front_matter(tmp_path) -> None:
    about = ABOUT.replace("four", "{{ 2 + 2 }}")
    site_dir = build(_project(tmp_path, ["search", "macros", "guidebook"],
                              docs={"about.md": about}))
    links = _check_guidebook(site_dir)
    twin = _site_path(site_dir, links["About us"]).read_text(encoding="utf-8")
    assert "Two and two make 4." in twin
    assert "title: About us" not in twin
    html = (site_dir / "about" / "index.html").read_text(encoding="utf-8")
    assert "Two and two make 4." in html  # the macros plugin did its work


@newer_material
def test_blog_post_twin_follows_the_post_url(tmp_path) -> None:
    docs = {"blog/index.md": "# Blog\n",
            "blog/posts/hello.md": "---\ndate: 2024-01-02\n---\n# Hello\n\nFirst post.\n\n"
                                   "<!-- more -->\n\nMore.\n",
            "blog/posts/wip.md": "---\ndate: 2024-01-03\ndraft: true\n---\n# Draft\n"}
    site_dir = build(_project(tmp_path, ["search", {"blog": {}}, "guidebook"], docs=docs,
                              options={"host_configs": ["vercel"]}))
    links = _check_guidebook(site_dir)
    assert links["Hello"] == SITE_URL + "blog/2024/01/02/hello.md"
    twin = _site_path(site_dir, links["Hello"]).read_text(encoding="utf-8")
    assert twin.startswith("# Hello") and "date:" not in twin
    assert (site_dir / "blog/2024/01/02/hello/index.html").is_file()  # the blog's URL
    assert not (site_dir / "blog/posts/hello.md").exists()
    vercel = json.dumps(json.loads((site_dir / "vercel.json").read_text(encoding="utf-8")))
    assert "blog/2024/01/02/hello" in vercel and "blog/posts" not in vercel  # the pages
    assert "Draft" not in links  # a draft the blog leaves out has no twin
    assert not list(site_dir.rglob("wip*"))
    # the blog's index and archive show the posts' excerpts, which their Markdown has not:
    # no twin, no llms.txt line, no rel=alternate (the posts have theirs)
    assert (site_dir / "blog/archive/2024/index.html").is_file()
    _no_twin(site_dir, links, "blog/", "blog/archive/2024/")


def _no_twin(site_dir: Path, links: dict[str, str], *urls: str) -> None:
    """The pages at `urls` (site paths) have no twin, no llms.txt line and no rel=alternate."""
    for url in urls:
        soup = BeautifulSoup((site_dir / url / "index.html").read_text(encoding="utf-8"),
                             "html.parser")
        assert soup.find("link", rel="alternate", type="text/markdown") is None, url
        assert not (site_dir / url / "index.html.md").exists(), url
        assert not (site_dir / (url.rstrip("/") + ".md")).exists(), url
        assert SITE_URL + url.rstrip("/") + ".md" not in links.values(), url


@newer_material
def test_tags_plugin_lists_tagged_guides(tmp_path) -> None:
    docs = {"tags.md": "# Tags\n\n<!-- material/tags -->\n"}
    site_dir = build(_project(tmp_path, ["search", {"tags": {}}, "guidebook"], docs=docs))
    _check_guidebook(site_dir)
    soup = BeautifulSoup((site_dir / "tags" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    listed = {urljoin(SITE_URL + "tags/", a["href"]) for a in soup.select("article a[href]")}
    assert SITE_URL + GUIDE_DIR in listed
    guide = BeautifulSoup((site_dir / GUIDE_DIR / "index.html").read_text(encoding="utf-8"),
                          "html.parser")
    assert {t.get_text(strip=True) for t in guide.select(".md-tag")} >= {"Tokens",
                                                                        "Time tracking"}
    # the tags page's Markdown holds the plugin's placeholder, not the listing: no twin
    _no_twin(site_dir, _check_guidebook(site_dir), "tags/")
    for twin in site_dir.rglob("*.md"):
        assert "{ #" not in twin.read_text(encoding="utf-8"), twin


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.test",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.test"}
    if date is not None:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_git_revision_date_is_the_guide_files_last_commit(tmp_path) -> None:
    plugin = {"git-revision-date-localized": {"type": "iso_date"}}
    config = _project(tmp_path, ["search", plugin, "guidebook"])
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".", date="2021-03-04T12:00:00+00:00")
    _git(tmp_path, "commit", "-qm", "first", date="2021-03-04T12:00:00+00:00")
    guide = tmp_path / "guides/harvest/personal-access-token.yaml"
    guide.write_text(guide.read_text(encoding="utf-8") + "optional: false\n", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "edit the guide", date="2022-05-06T12:00:00+00:00")
    site_dir = build(config)
    _check_guidebook(site_dir)

    def date_of(path: str) -> str:
        soup = BeautifulSoup((site_dir / path / "index.html").read_text(encoding="utf-8"),
                             "html.parser")
        found = soup.select_one(".git-revision-date-localized-plugin")
        assert found is not None, path
        return found.get_text(strip=True)

    assert date_of(GUIDE_DIR) == "2022-05-06"
    assert date_of("connectors/harvest") == "2022-05-06"  # no connector file: its guide's
    assert date_of("connectors") == "2022-05-06"  # the index: its newest guide's
    assert date_of("about") == "2021-03-04"


def _redirect_target(site_dir: Path, path: str) -> str:
    """Where the redirect page at `path` sends the reader (absolute URL)."""
    soup = BeautifulSoup((site_dir / path).read_text(encoding="utf-8"), "html.parser")
    refresh = soup.find("meta", attrs={"http-equiv": "refresh"})
    assert refresh is not None, path
    target = refresh["content"].split("url=", 1)[1]
    return urljoin(SITE_URL + path, target)


def test_redirect_from_writes_a_redirect_page(tmp_path) -> None:
    site_dir = build(_project(tmp_path, ["search", "guidebook"],
                              config={"theme": {"name": "material", "language": "de"}}))
    _check_guidebook(site_dir)
    assert _redirect_target(site_dir, "harvest/token/index.html") == SITE_URL + GUIDE_DIR
    soup = BeautifulSoup((site_dir / "harvest/token/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.find("link", rel="canonical")["href"] == SITE_URL + GUIDE_DIR
    # in the site's language and words
    assert soup.html["lang"] == "de" and soup.title.get_text() == "Weiterleitung …"


@pytest.mark.parametrize(("language", "strings", "lang", "title", "moved"), [
    (None, {}, "en", "Redirecting…", "This guide has moved to"),
    ("de", {}, "de", "Weiterleitung …", "Diese Anleitung ist umgezogen:"),
    ("fr-CA", {}, "fr-CA", "Redirection…", "Ce guide a été déplacé vers"),
    ("es", {"redirect.title": "Nos mudamos"}, "es", "Nos mudamos", "Esta guía se ha trasladado a"),
])
def test_a_redirect_page_is_in_the_sites_words_and_language(language, strings, lang, title,
                                                            moved) -> None:
    from guidebook.redirects import redirect_page
    from guidebook.words import Words

    text = redirect_page("de/harvest/token/index.html", "de/" + GUIDE_DIR, SITE_URL,
                         Words(language, strings), language)
    soup = BeautifulSoup(text, "html.parser")
    assert soup.html["lang"] == lang
    assert soup.title.get_text() == title
    link = soup.body.p.a
    assert soup.body.p.get_text() == f"{moved} {link.get_text()}."
    assert link["href"] == link.get_text() == "../../" + GUIDE_DIR


@pytest.mark.parametrize(("order", "target"), [
    ("redirects-first", GUIDE_DIR + "index.md"),
    ("guidebook-first", GUIDE_DIR),
    ("redirects-first", GUIDE_DIR.rstrip("/") + ".md"),
], ids=["index-md", "url", "twin"])
def test_mkdocs_redirects_targets_guides_in_any_form(tmp_path, order, target) -> None:
    redirects = {"redirects": {"redirect_maps": {"old-harvest.md": target}}}
    plugins = (["search", redirects, "guidebook"] if order == "redirects-first"
               else ["search", "guidebook", redirects])
    site_dir = build(_project(tmp_path, plugins))
    _check_guidebook(site_dir)
    assert _redirect_target(site_dir, "old-harvest/index.html") == SITE_URL + GUIDE_DIR
    assert _redirect_target(site_dir, "harvest/token/index.html") == SITE_URL + GUIDE_DIR


@pytest.mark.parametrize("cache_safe", [False, True], ids=["plain", "cache-safe"])
def test_minify_with_guidebook_assets_in_its_lists(tmp_path, cache_safe) -> None:
    minify = {"minify": {"minify_html": True, "minify_js": True, "minify_css": True,
                         "cache_safe": cache_safe,
                         "js_files": ["assets/guidebook/guidebook.js"],
                         "css_files": ["assets/guidebook/guidebook.css"]}}
    site_dir = build(_project(tmp_path, ["search", "guidebook", minify]))
    _check_guidebook(site_dir)
    page = (site_dir / GUIDE_DIR / "index.html").read_text(encoding="utf-8")
    assert "\n\n" not in page  # minify_html did its work
    soup = BeautifulSoup(page, "html.parser")
    scripts = [s["src"] for s in soup.find_all("script", src=True)
               if "assets/guidebook/guidebook." in s["src"]]
    assert scripts
    for src in scripts:  # every script the page loads exists
        assert (site_dir / GUIDE_DIR / src.split("?")[0]).resolve().is_file(), src


def _top_nav(site_dir: Path) -> list[str]:
    """The titles of the home page's top-level navigation entries."""
    soup = BeautifulSoup((site_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    top = soup.select_one("nav.md-nav--primary > ul")
    return [li.find(["a", "label"]).get_text(" ", strip=True)
            for li in top.find_all("li", recursive=False)]


def _guide_in_connectors(site_dir: Path, title: str = "Connectors") -> None:
    """The guide page's sidebar shows it under the connectors section (titled `title`)."""
    soup = BeautifulSoup((site_dir / GUIDE_DIR / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    active = soup.select("nav.md-nav--primary li.md-nav__item--active > label, "
                         "nav.md-nav--primary li.md-nav__item--active > a")
    assert active[0].get_text(" ", strip=True) == title, active


def test_nav_entry_for_the_connectors_index_is_expanded_in_place(tmp_path) -> None:
    nav = [{"Home": "index.md"}, {"Connectors": "connectors/index.md"}, {"About": "about.md"}]
    site_dir = build(_project(tmp_path, ["search", "guidebook"], config={"nav": nav}))
    _check_guidebook(site_dir)
    assert _top_nav(site_dir) == ["Home", "Connectors", "About"]
    _guide_in_connectors(site_dir)


INTEGRATIONS = {
    "mkdocs.yml": ({"nav": [{"Home": "index.md"}, {"Integrations": "connectors/index.md"},
                            {"About": "about.md"}]}, [], {}),
    "awesome-nav": ({}, ["awesome-nav"], {".nav.yml": "nav:\n  - index.md\n  - Integrations: "
                                                     "connectors/index.md\n  - about.md\n"}),
    "awesome-nav-folder": ({}, ["awesome-nav"], {".nav.yml": "nav:\n  - index.md\n  - "
                                                            "Integrations: connectors\n"
                                                            "  - about.md\n"}),
    "literate-nav": ({}, ["literate-nav"], {"SUMMARY.md": "* [Home](index.md)\n"
                                                         "* [Integrations](connectors/index.md)\n"
                                                         "* [About](about.md)\n"}),
}


@pytest.mark.parametrize("nav", list(INTEGRATIONS))
def test_your_nav_title_for_the_connectors_index_titles_the_section(tmp_path, nav) -> None:
    if nav == "literate-nav":
        pytest.importorskip("mkdocs_literate_nav")  # (not in the test extras)
    config, plugins, docs = INTEGRATIONS[nav]
    site_dir = build(_project(tmp_path, ["search", "guidebook", *plugins], docs=docs,
                              config=config))
    _check_guidebook(site_dir)
    assert _top_nav(site_dir)[1] == "Integrations"
    _guide_in_connectors(site_dir, "Integrations")
    # the index page keeps its own title (nav_title), as its twin and llms.txt name it
    soup = BeautifulSoup((site_dir / "connectors/index.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.h1.get_text(strip=True) == "Connectors"


@pytest.mark.parametrize(("order", "nav_yml", "expected"), [
    ("guidebook-first", "nav:\n  - index.md\n  - connectors\n  - about.md\n",
     ["Home", "Connectors", "About us"]),
    ("awesome-nav-first", "nav:\n  - index.md\n  - Connectors: connectors/index.md\n"
                          "  - about.md\n", ["Home", "Connectors", "About us"]),
    ("guidebook-first", "sort:\n  sections: first\nnav:\n  - '*'\n",
     ["Connectors", "About us", "Home"]),
], ids=["folder", "page", "glob"])
def test_awesome_nav_places_the_connectors(tmp_path, order, nav_yml, expected) -> None:
    plugins = (["search", "guidebook", "awesome-nav"] if order == "guidebook-first"
               else ["search", "awesome-nav", "guidebook"])
    site_dir = build(_project(tmp_path, plugins, docs={".nav.yml": nav_yml}))
    _check_guidebook(site_dir)
    assert _top_nav(site_dir) == expected
    _guide_in_connectors(site_dir)


@pytest.mark.filterwarnings("ignore:The plugin \"guidebook\" might not work correctly")
@pytest.mark.parametrize("order", ["awesome-pages-first", "guidebook-first"])
def test_awesome_pages_places_the_connectors_in_either_order(tmp_path, order) -> None:
    plugins = (["search", "awesome-pages", "guidebook"] if order == "awesome-pages-first"
               else ["search", "guidebook", "awesome-pages"])
    pages = "nav:\n  - index.md\n  - connectors\n  - about.md\n"
    site_dir = build(_project(tmp_path, plugins, docs={".pages": pages}))
    _check_guidebook(site_dir)
    assert _top_nav(site_dir) == ["Home", "Connectors", "About us"]  # one Connectors entry
    _guide_in_connectors(site_dir)


@pytest.mark.parametrize("order", ["guidebook-first", "exclude-first"])
def test_mkdocs_exclude_leaves_no_twin_of_a_page_it_drops(tmp_path, order) -> None:
    import mkdocs.config.config_options  # noqa: F401 (mkdocs-exclude uses it unimported)

    pytest.importorskip("mkdocs_exclude")  # (not in the test extras yet)
    exclude = {"exclude": {"glob": ["about.md"]}}
    plugins = (["search", "guidebook", exclude] if order == "guidebook-first"
               else ["search", exclude, "guidebook"])
    site_dir = build(_project(tmp_path, plugins))
    links = _check_guidebook(site_dir)
    assert not (site_dir / "about").exists()  # the plugin's own effect
    assert "About us" not in links
    assert not (site_dir / "about.md").exists()
    assert not list(site_dir.rglob("about*"))


def _validate(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    guidebook = Path(sys.executable).with_name("guidebook")
    return subprocess.run([str(guidebook), "validate", *args], cwd=root, capture_output=True,
                          text=True, check=False)


def test_validate_against_lists_guide_urls_gone_without_a_redirect(tmp_path) -> None:
    site_dir = build(_project(tmp_path, ["search", "guidebook"]))
    previous = tmp_path / "previous"
    site_dir.rename(previous)
    guide = tmp_path / "guides/harvest/personal-access-token.yaml"
    text = guide.read_text(encoding="utf-8")
    # the auth label is renamed: the guide's URL moves
    guide.write_text(text.replace("Personal Access Token}", "API Token}"), encoding="utf-8")
    old = GUIDE_DIR
    for against in (str(previous), str(previous / "llms.txt")):
        result = _validate(tmp_path, "--against", against, "--format", "json")
        assert result.returncode == 1, result.stdout + result.stderr
        assert json.loads(result.stdout)["gone"] == [old]
    # a redirect from the old URL keeps it
    guide.write_text(text.replace("Personal Access Token}", "API Token}")
                     .replace("[harvest/token/]", f"[harvest/token/, {old}]"), encoding="utf-8")
    result = _validate(tmp_path, "--against", str(previous))
    assert result.returncode == 0, result.stdout + result.stderr
    site_dir = build(tmp_path / "mkdocs.yml")
    assert _redirect_target(site_dir, old + "index.html") == (
        SITE_URL + "connectors/harvest/guides/link-account/api-token/")
    missing = _validate(tmp_path, "--against", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "--against" in missing.stderr


def test_a_twin_llms_txt_links_but_the_site_lacks_is_a_build_warning(tmp_path, caplog) -> None:
    # a hook standing for any plugin that drops a file guidebook listed
    (tmp_path / "hooks.py").write_text(
        "import os\n\n\ndef on_post_build(config):\n"
        "    os.remove(os.path.join(config.site_dir, 'about.md'))\n", encoding="utf-8")
    config = _project(tmp_path, ["search", "guidebook"], config={"hooks": ["hooks.py"]})
    with pytest.raises(Exception, match="strict"):
        build(config)
    assert any("llms.txt links about.md, which is not in the built site" in r.getMessage()
               for r in caplog.records)
    build(config, strict=False)  # without --strict: a warning, the site builds


# A hook standing for mkdocs-llmstxt, which writes these files in its on_post_build (it cannot
# be installed beside guidebook's test extras: its mdformat pins markdown-it-py below 4)
LLMSTXT_HOOK = """\
from pathlib import Path


def on_post_build(config):
    for name in {names!r}:
        Path(config.site_dir, name).write_text("# Written by another plugin\\n", "utf8")
"""


@pytest.mark.parametrize("names", [["llms.txt", "index.md"], ["llms-full.txt"]],
                         ids=["llms-txt", "llms-full-txt"])
def test_a_plugin_writing_over_the_agent_outputs_is_an_error(tmp_path, caplog, names) -> None:
    (tmp_path / "hooks.py").write_text(LLMSTXT_HOOK.format(names=names), encoding="utf-8")
    config = _project(tmp_path, ["search", "guidebook"], config={"hooks": ["hooks.py"]})
    with pytest.raises(Exception, match="Aborted"):
        build(config, strict=False)  # (an error, not a warning)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("wrote over" in m and "remove one of them" in m
               and all(n in m for n in names) for m in errors), errors
    build(_project(tmp_path, ["search", "guidebook"]))  # (without the hook: no error)


def test_validate_reports_bad_redirect_from_with_its_line(tmp_path) -> None:
    own = HARVEST.replace("[harvest/token/]", f"[{GUIDE_DIR}]")
    _project(tmp_path, ["search", "guidebook"], guide=own)
    result = _validate(tmp_path)
    assert result.returncode == 1
    assert ("guides/harvest/personal-access-token.yaml:4:1: error: redirect_from "
            f"'{GUIDE_DIR}' is the URL of a guide of this site") in result.stdout
    _project(tmp_path, ["search", "guidebook"],
             guide=HARVEST.replace("[harvest/token/]", "[/harvest/token/]"))
    result = _validate(tmp_path)
    assert result.returncode == 1
    assert "guides/harvest/personal-access-token.yaml:4:17: error:" in result.stdout
    assert "without a leading '/'" in result.stdout
