"""What an agent finds on the built example site: llms.txt covers the sitemap, every link in
every twin resolves, every page names llms.txt within its first tenth, and every twin has the
text of its page (tests/parity.py)."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file
from markdown_it import MarkdownIt

from conftest import ROOT
from parity import html_segments, site_parity

SITE_URL = "https://guides.conduit.example/"


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("example") / "site"
    result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict",
                             "-d", str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return out


def _local(site_dir: Path, url: str) -> Path:
    """The file a site URL is served from (a folder URL: its index.html)."""
    assert url.startswith(SITE_URL), url
    path = site_dir / unquote(urlparse(url).path[len(urlparse(SITE_URL).path):])
    return path / "index.html" if url.endswith("/") else path


def _twin_of(page_url: str) -> str:
    """The twin URL of a page URL (`x/y/` -> `x/y.md`, the home page -> `index.md`)."""
    return SITE_URL + "index.md" if page_url == SITE_URL else page_url.rstrip("/") + ".md"


def test_llms_txt_lists_every_page_of_the_sitemap(site_dir: Path) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    sitemap = [loc.text for loc in ET.parse(site_dir / "sitemap.xml").getroot()
               .findall("s:url/s:loc", ns)]
    assert len(sitemap) > 20
    llms = parse_llms_file((site_dir / "llms.txt").read_text(encoding="utf-8"))
    listed = {link.url for links in llms.sections.values() for link in links}
    missing = [url for url in sitemap if _twin_of(url) not in listed]
    assert missing == []
    for url in listed:
        assert _local(site_dir, url).is_file(), url


def test_every_link_in_every_twin_resolves(site_dir: Path) -> None:
    """Links and images alike, from the twin's own URL."""
    parser = MarkdownIt("commonmark")
    twins = sorted(site_dir.rglob("*.md"))
    assert len(twins) > 40
    checked = 0
    for twin in twins:
        base = SITE_URL + twin.relative_to(site_dir).as_posix()
        html = parser.render(twin.read_text(encoding="utf-8"))
        soup = BeautifulSoup(html, "html.parser")
        targets = [a["href"] for a in soup.find_all("a", href=True)] + \
            [img["src"] for img in soup.find_all("img", src=True)]
        for target in targets:
            url = urljoin(base, target)
            if not url.startswith(SITE_URL):
                continue  # vendors' documentation, assistants
            url = url.split("#")[0]
            assert _local(site_dir, url).is_file(), f"{twin}: {target}"
            if url.endswith(".md"):
                checked += 1
    assert checked > 40


def test_every_page_names_llms_txt_in_its_first_tenth(site_dir: Path) -> None:
    pages = sorted(site_dir.rglob("index.html"))
    assert len(pages) > 20
    for page in pages:
        if page.parent.name == "search":
            continue
        text = page.read_text(encoding="utf-8")
        found = re.search(r"Documentation Index: Fetch the complete documentation index at: "
                          r'<a href="([^"]+)"', text)
        assert found is not None, page
        assert found.start() < len(text) / 10, (page, found.start(), len(text))
        assert found.group(1) == SITE_URL + "llms.txt"


def test_every_twin_has_the_text_of_its_page(site_dir: Path) -> None:
    """Generated and hand-written pages alike: each text segment of the main content (minus
    data-markdown-ignore: page actions, the picker's and the catalogue's controls) is in the
    twin."""
    report = site_parity(site_dir)
    pages = sorted(site_dir.rglob("index.html"))
    assert len(report) == len(pages) > 20  # every page has a twin
    assert "authoring" in report and "connectors/zendesk" in report
    assert sum(len(html_segments(p.read_text(encoding="utf-8"))) for p in pages) > 800
    assert {page: missing for page, missing in report.items() if missing} == {}
