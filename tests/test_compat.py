"""guidebook beside the MkDocs plugins teams already run: each test builds one fixture project
with another plugin (installed by the `test` extras) and checks guidebook's pages, twins and
llms.txt, and the other plugin's own effect."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file

from conftest import build, write_project

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
             config: dict[str, Any] | None = None, guide: str = HARVEST) -> Path:
    """A project whose `plugins:` is `plugins`, guidebook's entry written as "guidebook"."""
    options = {"brand": {"name": "Acme", "hub": "Acme Hub"}}
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


def test_blog_post_twin_follows_the_post_url(tmp_path) -> None:
    docs = {"blog/index.md": "# Blog\n",
            "blog/posts/hello.md": "---\ndate: 2024-01-02\n---\n# Hello\n\nFirst post.\n\n"
                                   "<!-- more -->\n\nMore.\n"}
    site_dir = build(_project(tmp_path, ["search", {"blog": {}}, "guidebook"], docs=docs))
    links = _check_guidebook(site_dir)
    assert links["Hello"] == SITE_URL + "blog/2024/01/02/hello.md"
    twin = _site_path(site_dir, links["Hello"]).read_text(encoding="utf-8")
    assert twin.startswith("# Hello") and "date:" not in twin
    assert (site_dir / "blog/2024/01/02/hello/index.html").is_file()  # the blog's URL
    assert not (site_dir / "blog/posts/hello.md").exists()
