"""Golden files: the HTML body rendered for a few guides, compared after normalisation.

Set GUIDEBOOK_UPDATE_GOLDEN=1 to rewrite the stored files after an intended change, then
review the diff.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import HARVEST, build
from guidebook.defaults import default_templates_dir
from guidebook.exports import Exporter, ExportError
from guidebook.render import Renderer, TemplateProblem, sibling_warnings
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


def test_a_missing_include_says_not_found(tmp_path: Path) -> None:
    """Jinja's own message is the missing name alone."""
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "callout.html.jinja").write_text(
        "{% include 'partials/nope.html.jinja' %}\n")
    (tmp_path / "partials" / "section.md.jinja").write_text(
        "{% include 'partials/nope.md.jinja' %}\n")
    site = _site()
    [page] = [p for p in site.pages if p.key == "tallyho"]
    with pytest.raises(TemplateProblem) as err:
        Renderer(site, tmp_path).guide(page)
    assert str(err.value) == (f"{tmp_path}/partials/callout.html.jinja:1: template "
                              "'partials/nope.html.jinja' not found (in templates_dir or the "
                              "packaged templates)")
    with pytest.raises(ExportError) as err:
        Exporter(site, templates_dir=tmp_path).guide(page)
    assert str(err.value) == ("guide.md.jinja: template 'partials/nope.md.jinja' not found (in "
                              "templates_dir or the packaged templates)")


# A team's template of one output whose siblings of the other output keep the packaged one:
# (files the team overrides, twin format) -> (overridden file, siblings named) of each warning.
SIBLINGS = [
    (["partials/hub-link.html.jinja"], "stackone",
     [("partials/hub-link.html.jinja", ["partials/hub-link.md.jinja"])]),
    (["partials/hub-link.html.jinja"], "plain",
     [("partials/hub-link.html.jinja", ["partials/hub-link.plain.md.jinja"])]),
    (["partials/hub-link.md.jinja"], "stackone",
     [("partials/hub-link.md.jinja", ["partials/hub-link.html.jinja"])]),
    (["partials/hub-link.md.jinja"], "plain", []),  # the plain twins never use it
    (["partials/hub-link.html.jinja", "partials/hub-link.md.jinja"], "stackone", []),
    (["partials/hub-link.html.jinja", "partials/hub-link.md.jinja"], "plain",
     [("partials/hub-link.html.jinja", ["partials/hub-link.plain.md.jinja"])]),
    (["partials/hub-link.html.jinja"], None, []),  # agent_outputs: false, no twins
    (["guide.html.jinja"], "stackone", [("guide.html.jinja", ["guide.md.jinja"])]),
    # the plain twin of a connector page extends the same _base as the stackone one
    (["_base/connector.html.jinja"], "plain",
     [("_base/connector.html.jinja", ["_base/connector.md.jinja"])]),
    (["partials/callout.html.jinja", "partials/field-table.html.jinja"], "stackone", []),
]


@pytest.mark.parametrize(("ours", "fmt", "expected"), SIBLINGS)
def test_sibling_warnings(tmp_path: Path, ours: list[str], fmt: str | None,
                          expected: list[tuple[str, list[str]]]) -> None:
    for name in ours:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(default_templates_dir() / name, tmp_path / name)
    (tmp_path / "partials" / "my-own.html.jinja").parent.mkdir(exist_ok=True)
    (tmp_path / "partials" / "my-own.html.jinja").write_text("not a packaged name\n")
    found = []
    for warning in sibling_warnings(tmp_path, fmt, "tpl"):
        name = re.match(r"tpl/(\S+) overrides", warning).group(1)
        siblings = re.search(r"while its siblings? (.+?) \(", warning).group(1).split(", ")
        assert f"Override {', '.join(siblings)} in tpl too" in warning
        found.append((name, siblings))
    assert found == expected


def test_sibling_warnings_follow_the_teams_includes(tmp_path: Path) -> None:
    """A team's guide.md.jinja that no longer includes the hub block leaves the HTML one
    without a sibling in the twins."""
    (tmp_path / "partials").mkdir()
    shutil.copyfile(default_templates_dir() / "partials/hub-link.html.jinja",
                    tmp_path / "partials/hub-link.html.jinja")
    (tmp_path / "guide.md.jinja").write_text("# {{ page.title }}\n")
    (tmp_path / "guide.html.jinja").write_text("<h1>{{ page.title }}</h1>\n")
    assert sibling_warnings(tmp_path, "stackone") == []


HUB_OVERRIDE = ('<section data-whitelabel-hide><h2 id="link">Hook {{ guide.connector.name }} '
                "up</h2></section>\n")


def test_overriding_one_output_warns_naming_the_siblings(project, tmp_path: Path,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "tpl" / "partials").mkdir(parents=True)
    (tmp_path / "tpl" / "partials" / "hub-link.html.jinja").write_text(HUB_OVERRIDE)
    with caplog.at_level(logging.WARNING):
        site = build(project({"harvest/pat.yaml": HARVEST}, plugin={"templates_dir": "tpl"}),
                     strict=False)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
                and "overrides the packaged template" in r.getMessage()]
    assert warnings == [
        "guidebook: tpl/partials/hub-link.html.jinja overrides the packaged template of the "
        "HTML pages, while its sibling partials/hub-link.md.jinja (the Markdown twins) still "
        "uses the packaged version: the HTML page and its Markdown twin (and llms-full.txt) "
        "now differ. Override partials/hub-link.md.jinja in tpl too (copy the packaged file "
        "to keep it unchanged), or reword with the `strings` option instead"]
    # ... which is what happened
    page = "connectors/harvest/guides/link-account/personal-access-token"
    html = BeautifulSoup((site / page / "index.html").read_text("utf-8"), "html.parser")
    assert html.select_one("[data-whitelabel-hide] h2").get_text() == "Hook Harvest up"
    twin = (site / f"{page}.md").read_text("utf-8")
    assert "Hook Harvest up" not in twin and "<h2>Linking the account in Acme Hub</h2>" in twin


def test_overriding_every_sibling_gives_no_warning(project, tmp_path: Path,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "tpl" / "partials").mkdir(parents=True)
    (tmp_path / "tpl" / "partials" / "hub-link.html.jinja").write_text(HUB_OVERRIDE)
    (tmp_path / "tpl" / "partials" / "hub-link.md.jinja").write_text(
        "<div data-whitelabel-hide>\n  <h2>Hook {{ guide.connector.name | md_html }} up</h2>\n"
        "</div>\n")
    with caplog.at_level(logging.WARNING):
        site = build(project({"harvest/pat.yaml": HARVEST}, plugin={"templates_dir": "tpl"}))
    assert "overrides the packaged template" not in caplog.text  # and the strict build passed
    page = "connectors/harvest/guides/link-account/personal-access-token"
    assert "<h2>Hook Harvest up</h2>" in (site / f"{page}.md").read_text("utf-8")


CODE_GUIDE = """\
connector: {key: codey, name: Codey, category: Developer tools}
auth: {label: API Key}
callouts: [{type: note, text: "```\\nnote code\\n\\n\\n  after two blank lines\\n```"}]
sections:
  - title: Setup
    content: "Intro:\\n\\n```\\nfirst\\n  \\n  second  \\n```"
    steps:
      - title: Paste
        content: "Paste this:\\n\\n```json\\n{\\n  \\"a\\": 1,\\n\\n  \\"b\\": 2\\n}\\n```"
"""
CODE_SHOWN = ['note code\n\n\n  after two blank lines\n', "first\n  \n  second  \n",
              '{\n  "a": 1,\n\n  "b": 2\n}\n']


def test_code_blocks_are_shown_as_written(project) -> None:
    """Blank lines, lines of spaces and trailing spaces of code stay, on the page and in the
    search index (the rest of the page's HTML loses its blank lines)."""
    site = build(project({"codey/guide.yaml": CODE_GUIDE}))
    page = site / "connectors/codey/guides/link-account/api-key/index.html"
    article = BeautifulSoup(page.read_text("utf-8"), "html.parser").select_one("article")
    assert [pre.get_text() for pre in article.find_all("pre")] == CODE_SHOWN
    index = json.loads((site / "search/search_index.json").read_text("utf-8"))
    indexed = [pre.get_text() for doc in index["docs"]
               if doc["location"].startswith("connectors/codey/guides/")
               for pre in BeautifulSoup(doc["text"], "html.parser").find_all("pre")]
    assert indexed == CODE_SHOWN
