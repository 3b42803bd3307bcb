"""Hostile guides built into real sites: no executable markup, event handler, dangerous URL or
unexpected attribute reaches any page, the search index or the Markdown outputs.

Decision (documented in README, guide format notes): raw HTML in guide Markdown is escaped and
shown as text, never interpreted; links may only use http(s), mailto, tel or site paths.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from conftest import build
from guidebook import markdown
from guidebook.documents import load_text
from guidebook.errors import GuideError
from htmlcheck import assert_safe_html, assert_safe_markdown, url_scheme

XSS_TITLE = "</h2><script>alert(1)</script>"
RAW_HTML = "<script>alert(2)</script> and <b onclick=alert(3)>bold</b> <img src=x onerror=alert(4)>"
QUOTED_LABEL = "Read \"all\" of 'it' </script><!--"
QUOTED_SCOPE = "files:\"read\"'x'</script>"
PAGE = "connectors/evil/guides/link-account/key-a-b/index.html"


def hostile_guide(hostile: bool = True) -> str:
    """A guide full of hostile text (or, for the baseline site, the same guide with words)."""
    def h(text: str, plain: str) -> str:
        return text if hostile else plain

    guide = {
        "connector": {"key": "evil", "name": h("Evil \"Quote' Co <b>", "Evil Co"),
                      "category": "Tools"},
        "auth": {"label": h("Key \"A\" 'B'", "Key A B"), "slug": "key-a-b"},
        "title": h(XSS_TITLE, "Plain title"),
        "description": h('"><img src=x onerror=alert(1)> {{ brand.name }}', "Plain description"),
        "warning": h(RAW_HTML, "Plain warning"),
        "callouts": [{"type": "note", "text": h(
            "<iframe src=javascript:alert(5)></iframe> {% raw %}{{ ''.__class__ }}{% endraw %}",
            "Note")}],
        "actions": [
            {"id": "evil_read", "label": h(QUOTED_LABEL, "Read all"),
             "scopes": [h(QUOTED_SCOPE, "files:read")]},
            {"id": "evil.write:x-1", "label": h("Write ' & \" < >", "Write"),
             "scopes": ["files:write"]},
        ],
        "sections": [{
            "title": h("<h1 onmouseover=alert(6)>Big</h1>", "Start"),
            "content": h("Some <style>*{}</style> text with <a href='javascript:alert(7)'>a "
                         "link</a>.", "Some text."),
            "list": [h("<svg onload=alert(8)>", "One"), h("`<code>` is fine", "Two")],
            "steps": [
                {"title": h("Step <script>alert(9)</script>", "Step"),
                 "content": h('See [the docs](https://evil.test/"onmouseover=alert(10)) and '
                              '![i](shots/a.png "t\\" onerror=\\"x")',
                              'See [the docs](https://evil.test/) and ![i](shots/a.png "t")'),
                 "scopes": ["files:write"]},
                {"title": "Show scopes", "display_scopes": True},
            ],
        }],
        "fields": [{"label": h("Token <b>", "Token"),
                    "description": h("From <u>settings</u>", "From settings")}],
    }
    return yaml.safe_dump(guide, allow_unicode=True, sort_keys=False)


def page_soups(site: Path) -> dict[str, BeautifulSoup]:
    return {p.relative_to(site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"),
                                                         "html.parser")
            for p in sorted(site.rglob("*.html"))}


def _scripts(soup: BeautifulSoup) -> set[str]:
    out = set()
    for script in soup.find_all("script"):
        if script.get("src"):
            out.add("src:" + re.sub(r"^(\.\./)+", "", script["src"]))
        else:
            out.add(re.sub(r'"base": "[^"]*"', '"base": ""', script.get_text()))
    return out


def _vocabulary(soups: dict[str, BeautifulSoup]) -> tuple[set[str], set[str], set[str]]:
    tags, attrs, scripts = set(), set(), set()
    for soup in soups.values():
        for el in soup.find_all(True):
            tags.add(el.name)
            attrs.update(el.attrs)
        scripts |= _scripts(soup)
    return tags, attrs, scripts


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(hostile site, baseline site): the same guide, with hostile text and with plain words."""
    from conftest import write_project

    built = []
    for hostile in (True, False):
        root = tmp_path_factory.mktemp("hostile" if hostile else "baseline")
        # (the guide's image is not in the docs folder: the link check has nothing to do here)
        built.append(build(write_project(root, {"evil/key.yaml": hostile_guide(hostile)},
                                         config={"validation": {"links": {"not_found": "ignore"}}})))
    return built[0], built[1]


def test_no_executable_markup_in_any_page(sites: tuple[Path, Path]) -> None:
    hostile, baseline = sites
    soups = page_soups(hostile)
    tags, attrs, scripts = _vocabulary(page_soups(baseline))
    assert PAGE in soups
    for name, soup in soups.items():
        for el in soup.find_all(True):
            assert el.name in tags, f"{name}: unexpected <{el.name}>"
            for attr, value in el.attrs.items():
                assert attr in attrs, f"{name}: unexpected attribute {attr} on <{el.name}>"
                assert not attr.startswith("on"), f"{name}: {attr} on <{el.name}>"
                if attr in ("href", "src", "action", "formaction"):
                    assert url_scheme(str(value)) in (None, "http", "https", "mailto", "tel"), \
                        f"{name}: {attr}={value!r}"
        assert _scripts(soup) <= scripts, f"{name}: a script that the baseline site lacks"
        assert "alert(" not in "".join(s.get_text() for s in soup.find_all("script")), name


def test_guide_body_is_clean_and_shows_hostile_text_as_text(sites: tuple[Path, Path]) -> None:
    soup = page_soups(sites[0])[PAGE]
    body = soup.select_one("article")
    assert_safe_html(str(body.select_one("aside.gb-scopes")), "scope panel")
    for section in body.select("section.gb-section"):
        assert_safe_html(str(section), "section")
    assert body.h1.get_text() == XSS_TITLE
    assert soup.title.get_text().startswith(XSS_TITLE)
    warning = body.select_one(".admonition.warning").get_text(" ")
    assert "<script>alert(2)</script>" in warning and "<b onclick=alert(3)>" in warning
    # a literal from {% raw %}, not evaluated (its __class__ is Markdown bold)
    assert "<iframe src=javascript:alert(5)></iframe> {{ ''.class }}" in body.get_text()
    assert soup.find("meta", attrs={"name": "description"})["content"] == \
        '"><img src=x onerror=alert(1)> Acme'
    # the Markdown link with a quote in its URL keeps the quote inside the attribute
    link = body.find("a", string="the docs")
    assert link["href"] == "https://evil.test/%22onmouseover=alert(10)"
    assert link["rel"] == ["noopener", "noreferrer"] and set(link.attrs) == {"href", "rel", "target"}


def test_quotes_reach_the_actions_json_intact(sites: tuple[Path, Path]) -> None:
    panel = page_soups(sites[0])[PAGE].select_one("[data-guide-actions-json]")
    actions = json.loads(panel["data-guide-actions-json"])
    assert actions == [
        {"id": "evil_read", "label": QUOTED_LABEL, "scopes": [QUOTED_SCOPE]},
        {"id": "evil.write:x-1", "label": "Write ' & \" < >", "scopes": ["files:write"]},
    ]
    checks = panel.select("input.gb-scopes__check")
    assert [c["value"] for c in checks] == ["evil_read", "evil.write:x-1"]
    chips = page_soups(sites[0])[PAGE].select("[data-guide-scope-chips] code")
    assert QUOTED_SCOPE in [c.get_text() for c in chips]


def test_search_index_has_no_markup(sites: tuple[Path, Path]) -> None:
    index = json.loads((sites[0] / "search/search_index.json").read_text(encoding="utf-8"))
    docs = [d for d in index["docs"] if d["location"].startswith("connectors/evil/guides/")]
    assert docs
    for doc in index["docs"]:
        for key in ("title", "text"):
            assert_safe_html(doc.get(key, ""), f"search index {doc['location']} {key}",
                             strict_attrs=False)
            assert "<script" not in doc.get(key, "").lower()


def test_markdown_outputs_of_the_site_are_safe(sites: tuple[Path, Path]) -> None:
    """Markdown twins and llms files, when the build writes them."""
    assert list(sites[0].rglob("*.md")), "the build writes no Markdown (exports not enabled)"
    for path in sorted([*sites[0].rglob("*.md"), *sites[0].glob("llms*.txt")]):
        assert_safe_markdown(path.read_text(encoding="utf-8"), path.name)


def test_markdown_exports_escape_titles() -> None:
    exports = pytest.importorskip("guidebook.exports")
    from guidebook.site import ConnectorEntry, GuideSite, Options, make_page

    options = Options(brand={"name": "Acme", "hub": "Acme Hub", "callback_base": "https://a.test"})
    page = make_page(load_text(hostile_guide(), "g.yaml")[0], options, "g.yaml")
    entry = ConnectorEntry("evil", page.guide.connector.name, "Tools", [page])
    site = GuideSite(options, [page], [entry], [], ["g.yaml"])
    for fmt in exports.FORMATS:
        exporter = exports.Exporter(site, fmt=fmt)
        for export in (exporter.guide(page), exporter.connector(entry), exporter.index("C")):
            assert_safe_markdown(export.text, fmt)


# -- what the loader and checks refuse ---------------------------------------------------------

BASE = """\
connector: {key: evil, name: Evil}
auth: {label: Key}
sections:
  - title: Do it
    content: CONTENT
"""


@pytest.mark.parametrize("target", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java&#x09;script:alert(1)",
    "java&#9;script:alert(1)", "&#106;avascript:alert(1)", "javascript&colon;alert(1)",
    "data:text/html;base64,PHNjcmlwdD4=", "DATA:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)", "VBScript:msgbox(1)", "java%0ascript:alert(1)", "\tjavascript:alert(1)",
])
def test_unsafe_links_are_errors_and_never_rendered(project, caplog, target: str) -> None:
    from guidebook.validate import check_guide

    text = f"[click]({target}) and ![img]({target})"
    guide = BASE.replace("CONTENT", json.dumps(text))
    # whatever the check says, the renderer never writes a dangerous URL (defence in depth)
    assert_safe_html(markdown.block(text))
    dangerous = [t for _, t in markdown.links(text)
                 if url_scheme(t) not in (None, "http", "https", "mailto", "tel")]
    problems = check_guide(load_text(guide, "guides/evil.yaml")[0], [{"name": "A", "hub": "H"}])
    if not dangerous:  # markdown-it made it harmless (%09 in a scheme, or no link at all)
        assert problems == []
        return
    assert [str(p.source) for p in problems] == ["guides/evil.yaml:5:5"] * 2
    assert [p.message.split(" target")[0] for p in problems] == ["unsafe link", "unsafe image"]
    assert "links may use https, http, mailto or tel" in str(problems[0])
    with pytest.raises(Abort):
        build(project({"evil/key.yaml": guide}))
    assert "guides/evil/key.yaml:5:5: error: unsafe link target" in caplog.text


@pytest.mark.parametrize(("text", "message"), [
    ("{{ brand.__class__.__init__.__globals__ }}", "bad placeholder in text: unsupported expression"),
    ("{{ ''.__class__ }}", "bad placeholder in text: unsupported expression"),
    ("{{ brand }}", "bad placeholder in text: unsupported expression"),
    ("{% for x in brand %}{{ x }}{% endfor %}", "bad placeholder in text: unsupported expression"),
    ("{% for %}", "bad placeholder in text:"),
    ("{{ brand.__class__ }}", "unknown brand key 'brand.__class__'"),
    ("{{ brand['name'] }}", "bad placeholder in text: unsupported expression"),
    ("{{ brand.name | attr('upper')() }}", "bad placeholder in text: unsupported expression"),
])
def test_jinja_cannot_reach_internals(project, caplog, text: str, message: str) -> None:
    with pytest.raises(Abort):
        build(project({"evil/key.yaml": BASE.replace("CONTENT", json.dumps(text))}))
    assert f"guides/evil/key.yaml:5:5: error: {message}" in caplog.text


@pytest.mark.parametrize("action_id", ["&#x22;", 'a"b', "a'b", "a b", "<x>", "-lead", "ünï"])
def test_action_ids_outside_the_safe_alphabet_are_refused(action_id: str) -> None:
    guide = BASE.replace("CONTENT", "x") + f"actions:\n  - {{id: {json.dumps(action_id)}, label: L}}\n"
    with pytest.raises(GuideError) as err:
        load_text(guide, "guides/evil.yaml")
    assert str(err.value) == (
        f"guides/evil.yaml:7:10: error: actions[0].id {action_id!r} is not valid "
        "(use letters, digits, '_', '.', ':' and '-', e.g. 'slack_list_channels')")


def test_connector_file_action_ids_are_checked_too() -> None:
    from guidebook.validate import check_guide

    text = """\
StackOne: {version: 1}
info: {title: Tiny, key: tiny}
actions:
  - {actionId: "x\\" onload=\\"y", requiredScopes: ["a b", ok]}
authentication:
  - api_key:
      support: {guides: {config: {sections: [{title: T, content: C}]}}}
"""
    guide = load_text(text, "guides/tiny.connector.s1.yaml")[0]
    problems = [str(p) for p in check_guide(guide, [{"name": "A", "hub": "H"}])]
    assert problems == [
        "guides/tiny.connector.s1.yaml:4:5: error: action id 'x\" onload=\"y' is not valid "
        "(use letters, digits, '_', '.', ':' and '-', e.g. 'slack_list_channels')",
        "guides/tiny.connector.s1.yaml:4:5: error: scope 'a b' of action 'x\" onload=\"y' is not "
        "valid (a scope is one word without spaces, e.g. 'channels:read')",
    ]
