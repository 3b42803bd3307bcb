"""No stray requests: loading a guide page and following links between pages with Material's
instant navigation asks for nothing that fails, while every page still names its Markdown twin
with <link rel="alternate" type="text/markdown"> (Material reads such links as language
versions and used to fetch a sitemap.xml beside each twin: a 404 on every page view)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

Site = Any  # tests/browser/conftest.py: the built, served fixture site

TWIN = """() => {
  const link = document.querySelector('link[rel="alternate"][type="text/markdown"]');
  return link && link.href;
}"""


def _twin_url(page_url: str) -> str:
    return page_url.rstrip("/") + ".md"


def test_loading_and_instant_navigation_make_no_failing_request(page: Any,
                                                                scopes_site: Site) -> None:
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: failed.append(f"{r.url}: {r.status}")
            if r.status >= 400 else None)
    start = scopes_site.guide_url("chatter", "bot-token")
    page.goto(start)
    page.wait_for_load_state("networkidle")
    assert page.evaluate(TWIN) == _twin_url(start)
    page.evaluate("window.__sameDocument = true")
    path = ["peoplebase/guides/link-account/api-key/", "ledgerly_books/", "",
            "chatter/guides/link-account/bot-token/"]
    for rest in path:
        target = f"{scopes_site.url}connectors/{rest}"
        # a link of the page itself (the sidebar's or the catalogue's), as a reader clicks it
        page.evaluate("(url) => [...document.querySelectorAll('a')]"
                      ".find(a => a.href === url).click()", target)
        page.wait_for_url(target)
        page.wait_for_load_state("networkidle")
        page.wait_for_function("(url) => document.querySelector("
                               "'link[rel=\"alternate\"][type=\"text/markdown\"]').href === url",
                               arg=_twin_url(target))
        assert page.evaluate("window.__sameDocument") is True  # swapped in place, no reload
    assert failed == []
