"""Browser fixtures: the picker fixture site built with MkDocs, served on 127.0.0.1, and
Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import functools
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
FIXTURE = Path(__file__).parent.parent / "fixtures" / "scopes-site"
SCRIPTS = Path(__file__).parent.parent.parent / "scripts"
CATALOGUE_SIZE = 1000  # connectors in the generated catalogue (the scale)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _browser_required() -> bool:
    """CI (.ci/run) sets GUIDEBOOK_REQUIRE_BROWSER=1: there a missing browser is a failure."""
    return os.environ.get("GUIDEBOOK_REQUIRE_BROWSER", "").strip() not in ("", "0")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Skip the browser tests, saying why, when Debian's Chromium is not installed (unless
    GUIDEBOOK_REQUIRE_BROWSER is set: then the `browser` fixture fails them)."""
    if CHROMIUM.exists() or _browser_required():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def _serving(out: Path) -> Iterator[str]:
    """Serve the folder `out` on a free 127.0.0.1 port; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Site:
    """The built fixture site and where it is served."""

    root: Path
    """The project folder (mkdocs.yml, guides/, docs/)."""
    out: Path
    """The built HTML."""
    url: str
    """Base URL with a trailing slash."""

    def guide_url(self, key: str, slug: str, query: str = "") -> str:
        return f"{self.url}connectors/{key}/guides/link-account/{slug}/{query}"


@contextmanager
def _fixture_site(tmp_path_factory: pytest.TempPathFactory,
                  language: str | None = None) -> Iterator[Site]:
    """The picker fixture site (in the theme language `language`), built and served."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp(f"scopes-site-{language or 'en'}")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    out = root / "site"
    out.mkdir()
    with _serving(out) as url:
        config_file = root / "mkdocs.yml"
        text = config_file.read_text(encoding="utf-8").replace(
            "site_url: http://127.0.0.1/", f"site_url: {url}")
        if language:
            text = text.replace("  name: material\n", f"  name: material\n  language: {language}\n")
        config_file.write_text(text, encoding="utf-8")
        build(load_config(config_file=str(config_file), site_dir=str(out), strict=True))
        yield Site(root, out, url)


@pytest.fixture(scope="session")
def scopes_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with _fixture_site(tmp_path_factory) as site:
        yield site


@pytest.fixture(scope="session")
def german_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The picker fixture site with `theme.language: de`: German words from the catalog."""
    with _fixture_site(tmp_path_factory, "de") as site:
        yield site


def write_catalogue_project(root: Path, size: int, *, site_url: str | None = None,
                            offline: bool = False) -> Path:
    """A project of `size` generated connector files (scripts/synth.py: several categories,
    icons, most without guides) in `root`, themed as the picker fixture; with `offline`,
    Material's offline plugin and no instant navigation (a site opened from disk). Returns its
    mkdocs.yml."""
    import yaml

    sys.path.insert(0, str(SCRIPTS))
    try:
        from synth import write_catalogue
    finally:
        sys.path.pop(0)
    write_catalogue(root, size)
    (root / "docs").mkdir()
    (root / "docs" / "index.md").write_text("# Catalogue fixture\n\nGenerated.\n")
    theme = yaml.safe_load((FIXTURE / "mkdocs.yml").read_text(encoding="utf-8"))["theme"]
    if offline:  # (instant navigation needs a server)
        theme["features"] = [f for f in theme.get("features", []) if f != "navigation.instant"]
    config = {"site_name": "Catalogue fixture", **({"site_url": site_url} if site_url else {}),
              "theme": theme, "nav": [{"Home": "index.md"}],
              "plugins": [*(["offline"] if offline else []),
                          {"guidebook": {"guides_dir": "guides",
                                         "brand": {"name": "Fixture Co", "hub": "Fixture Hub"},
                                         "llms": {"budget": 1_000_000}}}]}
    config_file = root / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return config_file


@pytest.fixture(scope="session")
def catalogue_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A generated catalogue of CATALOGUE_SIZE connector files (see
    `write_catalogue_project`), built with MkDocs and served on 127.0.0.1."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    root = tmp_path_factory.mktemp("catalogue-site")
    out = root / "site"
    out.mkdir()
    with _serving(out) as url:
        config_file = write_catalogue_project(root, CATALOGUE_SIZE, site_url=url)
        build(load_config(config_file=str(config_file), site_dir=str(out), strict=True))
        yield Site(root, out, url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (apt-get install chromium)"
        if _browser_required():
            pytest.fail(f"{message}; GUIDEBOOK_REQUIRE_BROWSER is set")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@contextmanager
def _page(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"],
                              origin=site.url.rstrip("/"))
    # No request may leave localhost: the page must work offline.
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(site.url) else route.abort())
    pg = context.new_page()
    pg.set_default_timeout(5000)
    try:
        yield pg
    finally:
        context.close()


def instant_ready(page: Any) -> None:
    """Wait until Material's instant navigation takes over link clicks. It does once it has
    fetched the site's sitemap.xml (the pages it may swap in), after the page has loaded; a
    click before that loads the next page anew (seen on a loaded CI machine). Its fetch is the
    page's last request: wait for the network to go quiet."""
    page.wait_for_load_state("networkidle")


@pytest.fixture
def page(browser: Any, scopes_site: Site) -> Iterator[Any]:
    with _page(browser, scopes_site) as pg:
        yield pg


@pytest.fixture
def german_page(browser: Any, german_site: Site) -> Iterator[Any]:
    with _page(browser, german_site) as pg:
        yield pg
