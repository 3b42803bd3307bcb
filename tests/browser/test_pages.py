"""The action picker on the pages of `guidebook render --format pages`, built by Zensical
(which runs no plugin): the same behaviour as on the plugin's pages, also after Zensical's
instant navigation from a page that does not load the picker's script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from .conftest import FIXTURE, Site, _serving
from .test_picker import CHATTER, PEOPLEBASE, READY, _assert_matches_model, _guide, _tick

pytestmark = pytest.mark.browser
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    pytest.importorskip("zensical", reason="the zensical extras are not installed")
    root = tmp_path_factory.mktemp("zensical-site")
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["nav"] = ["index.md",
                     {"Chatter": "connectors/chatter/guides/link-account/bot-token/index.md"}]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (root / "docs" / "index.md").write_text(
        "# Home\n\n[The Chatter guide](connectors/chatter/guides/link-account/bot-token/index.md)\n",
        encoding="utf-8")
    for command in ([BIN / "guidebook", "render", "--format", "pages", "--out",
                     "docs/connectors"], [BIN / "zensical", "build"]):
        result = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    with _serving(root / "site") as url:
        yield Site(root, root / "site", url)


@pytest.fixture
def zpage(browser: Any, zensical_site: Site) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith(zensical_site.url) else route.abort())
    pg = context.new_page()
    pg.set_default_timeout(5000)
    try:
        yield pg
    finally:
        context.close()


def test_picker_tailors_the_zensical_page(zpage: Any, zensical_site: Site) -> None:
    zpage.goto(zensical_site.guide_url(*CHATTER, "?actions=rooms_history,posts_edit"))
    zpage.wait_for_function(READY)
    guide = _guide(*CHATTER)
    _assert_matches_model(zpage, guide, ["rooms_history", "posts_edit"])
    _tick(zpage, ["files_get"])
    _assert_matches_model(zpage, guide, ["files_get"])
    assert zpage.url.endswith("/bot-token/?actions=files_get")
    zpage.goto(zensical_site.guide_url(*PEOPLEBASE))
    zpage.wait_for_function(READY)
    _assert_matches_model(zpage, _guide(*PEOPLEBASE), [])


def test_picker_starts_after_instant_navigation(zpage: Any, zensical_site: Site) -> None:
    zpage.goto(zensical_site.url)
    assert zpage.evaluate("window.guidebookPicker === undefined")
    zpage.evaluate("window.__sameDocument = true")
    zpage.click("article a[href*='bot-token']")
    zpage.wait_for_url(zensical_site.guide_url(*CHATTER))
    zpage.wait_for_function(READY)
    assert zpage.evaluate("window.guidebookPicker.panels") == 1
    _tick(zpage, ["pins_add"])
    _assert_matches_model(zpage, _guide(*CHATTER), ["pins_add"])
    # Zensical swapped the page in (no reload) and ran the script the page links, once
    assert zpage.evaluate("window.__sameDocument") is True
    assert zpage.locator("[data-guides-scope-selector][data-gb-ready]").count() == 1
