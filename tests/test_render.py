"""Golden files: the HTML body rendered for a few guides, compared after normalisation.

Set GUIDEBOOK_UPDATE_GOLDEN=1 to rewrite the stored files after an intended change, then
review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from guidebook.render import Renderer
from guidebook.site import Options, load_site

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
BRAND = {"name": "Acme", "hub": "Acme Hub", "callback_base": "https://acme.test"}


def _site(whitelabel: bool = False):
    options = Options(guides_dir=HERE / "fixtures" / "golden", brand=BRAND,
                      whitelabel=whitelabel,
                      whitelabel_brand={"name": "Nimbus", "hub": "Nimbus Connect",
                                        "callback_base": "https://nimbus.test"})
    site = load_site(options)
    assert site.problems == []
    return site


def _normalise(html: str) -> str:
    return BeautifulSoup(html, "html.parser").prettify()


@pytest.mark.parametrize("whitelabel", [False, True], ids=["normal", "whitelabel"])
@pytest.mark.parametrize("key", ["tallyho", "chatter"])
def test_guide_body_matches_golden(key: str, whitelabel: bool) -> None:
    site = _site(whitelabel)
    renderer = Renderer(site)
    [page] = [p for p in site.pages if p.key == key]
    html, headings = renderer.guide(page, base_url="../../../../../")
    name = f"{key}{'-whitelabel' if whitelabel else ''}.html"
    actual = _normalise(html)
    golden = GOLDEN / name
    if os.environ.get("GUIDEBOOK_UPDATE_GOLDEN"):
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")
    assert all(h.level in (2, 3) for h in headings)


def test_templates_dir_overrides_one_partial(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "callout.html.jinja").write_text(
        '<div class="my-callout" data-type="{{ type }}">{{ text | md }}</div>\n')
    site = _site()
    [page] = [p for p in site.pages if p.key == "tallyho"]
    html, _ = Renderer(site, tmp_path).guide(page)
    soup = BeautifulSoup(html, "html.parser")
    assert [d["data-type"] for d in soup.select("div.my-callout")] == ["warning", "tip"]
    assert soup.select("ol.gb-steps")  # everything else still from the packaged templates
