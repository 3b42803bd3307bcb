"""Hostile guides built into real sites: no executable markup, event handler, dangerous URL or
unexpected attribute reaches any page, the search index or the Markdown outputs.

Decision (documented in README, guide format notes): raw HTML in guide Markdown is escaped and
shown as text, never interpreted; links may only use http(s), mailto, tel or site paths.
"""

from __future__ import annotations

import functools
import html as html_module
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
    entry = ConnectorEntry("evil", page.guide.connector.name, ["Tools"], [page])
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
    ("{{ " + "[" * 300, "bad placeholder in text: nested too deeply"),  # (the fuzz test's find)
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


# -- agent outputs read by a renderer that allows raw HTML ----------------------------------------
#
# Agents and Markdown viewers render the twins and llms files; many allow raw HTML and link any
# scheme. Every agent output of a hostile site is rendered that way (markdown-it with raw HTML
# on, linkify off, no link validation) and parsed: nothing may run, and every hostile text is
# still there, shown as text.

AGENT_TAGS = frozenset({"script", "iframe", "object", "embed", "style", "frame", "frameset",
                        "applet", "base", "meta", "link", "svg", "math", "form", "template"})
SAFE = (None, "http", "https", "mailto", "tel")


def _consumer() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "linkify": False}).enable("table")
    md.validateLink = lambda url: True  # as naive renderers do: any scheme becomes a link
    return md


CONSUMER = _consumer()


def agent_view(text: str, where: str = "") -> str:
    """`text` rendered the way a permissive consumer would, asserted safe; returns what a
    reader sees (text and alt/title attributes, whitespace collapsed, entities decoded)."""
    soup = BeautifulSoup(CONSUMER.render(text), "html.parser")
    seen: list[str] = [soup.get_text(" ")]
    for el in soup.find_all(True):
        assert el.name not in AGENT_TAGS, f"{where}: <{el.name}> in {str(el)[:200]}"
        for name, value in el.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            assert not name.lower().startswith("on"), f"{where}: {name}= on {str(el)[:200]}"
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href", "poster",
                                "data", "srcset", "background"):
                assert url_scheme(value) in SAFE, f"{where}: {name}={value!r}"
            if name in ("alt", "title"):
                seen.append(value)
    view = " ".join(" ".join(seen).split())
    # (code blocks show entities as text)
    return view + " \x00 " + " ".join(html_module.unescape(view).split())


def agent_outputs(site: Path) -> dict[str, str]:
    """Every agent output of a built site: the Markdown twins and the llms files."""
    paths = sorted([*site.rglob("*.md"), *site.glob("llms*.txt")])
    return {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in paths}


PAYLOADS = ["<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
            "![i](javascript:alert(2))", "\\`<b onclick=alert(4)>`", "<javascript:alert(6)>",
            "&#106;s &amp;", "*e* _u_ ~~s~~ | #", "<a href='javascript:alert(7)'>a</a>"]


def hostile(tag: str) -> str:
    """A plain-text value with every payload, recognisable by `tag`."""
    return f"{tag} " + " ".join(PAYLOADS)


# raw HTML (and a backslash before a backtick) in Markdown fields: shown as text
RAW = "<script>alert(3)</script> \\`<b onclick=alert(4)>` `x`"
CODE_BREAKOUT = "```\na\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n```"

S1_FILE = {
    "StackOne": "1.0.0",
    "info": {"title": hostile("N2"), "key": "vile", "version": "1.0.0",
             "category": "<img src=x onerror=alert(8)> Vile", "description": hostile("D2")},
    "authentication": [{"custom": {
        "type": "basic", "label": hostile("L2"),
        "support": {"description": hostile("SD2"), "guides": {"config": {
            "warning": f"WS1 {RAW}",
            "sections": [{"title": "SS1 <b onclick=1>x</b>",
                          "content": f"SC1 {RAW}\n\n{CODE_BREAKOUT}",
                          "list": [f"SL1 {RAW}"],
                          "steps": [{"title": "ST1 <script>alert(9)</script>",
                                     "content": f"SX1 {RAW}", "list": [f"SI1 {RAW}"]}]}],
        }}},
        "configFields": [{"key": "apiKey", "label": hostile("F2"), "type": "password",
                          "description": f"FD2 {RAW}"}],
    }}],
    "actions": [{"actionId": "vile_read", "label": hostile("A2"),
                 "requiredScopes": ["<img/src=x/onerror=alert(1)>", "q`s\"'"]}],
}


def hostile_guide_yaml() -> str:
    guide = {
        "connector": {"key": "evil", "name": hostile("N1"),
                      "category": "<img src=x onerror=alert(1)> [c](javascript:alert(1))"},
        "auth": {"label": hostile("L1"), "slug": "key-a-b"},
        "title": hostile("T1"),
        "description": hostile("D1"),
        "warning": f"W1 {RAW}",
        "callouts": [{"type": "note", "text": f"C1 <iframe src=javascript:alert(5)></iframe>\n\n"
                                              f"{CODE_BREAKOUT}"}],
        "actions": [{"id": "evil_read", "label": hostile("A1"),
                     "scopes": ["<img/src=x/onerror=alert(1)>", "a`b"]}],
        "sections": [{
            "title": f"S1 <b onclick=alert(6)>x</b> {RAW}",
            "content": f"SC2 {RAW} <style>*{{}}</style>\n\n- item <svg onload=alert(8)>\n\n"
                       f"{CODE_BREAKOUT}",
            "list": [f"SL2 {RAW}", "`<code>` \\`<b onclick=1>`"],
            "steps": [
                {"title": "ST2 <script>alert(9)</script>", "content": f"SX2 {RAW}",
                 "scopes": ["<img/src=x/onerror=alert(1)>"], "display_scopes": True,
                 "images": [{"src": "shots/a.png)[x](javascript:alert(1)", "alt": hostile("I1")}]},
                {"title": "Two", "content": "ok", "list": [f"SI2 {RAW}"]},
            ],
        }],
        "fields": [{"label": hostile("F1"), "description": f"FD1 {RAW}"}],
    }
    return yaml.safe_dump(guide, allow_unicode=True, sort_keys=False)


HOSTILE_BRAND = {"name": "Acme <img src=x onerror=alert(1)> *B*", "callback_base": "https://a.test",
                 "hub": "Hub <b onclick=alert(1)> [h](https://ok.test/) `c`",
                 "linking_url": "https://ok.test/methods", "accounts_url": "/hub/accounts"}
NAV_TITLE = "Nav <img src=x onerror=alert(1)> [n](https://ok.test)"
# plain-text values that must reach some agent output literally
PLAIN_TAGS = ["N1", "L1", "A1", "F1", "N2", "L2", "A2", "F2"]
MARKDOWN_TAGS = ["W1", "SC2", "SL2", "SX2", "SI2", "FD1", "WS1", "SC1", "SL1", "SX1", "SI1", "FD2"]


@pytest.fixture(scope="module", params=["stackone", "plain"])
def agent_site(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from conftest import write_project

    root = tmp_path_factory.mktemp(f"agent-{request.param}")
    config = write_project(root, {"evil/key.yaml": hostile_guide_yaml(),
                                  "vile/vile.connector.s1.yaml": yaml.safe_dump(S1_FILE)},
                           plugin={"brand": HOSTILE_BRAND, "markdown_export": request.param,
                                   "nav_title": NAV_TITLE},
                           config={"site_url": "https://docs.test/"})
    return request.param, build(config, strict=False)


def test_every_agent_output_is_safe_and_keeps_the_hostile_text(agent_site) -> None:
    fmt, site = agent_site
    outputs = agent_outputs(site)
    # both guides were published (the hostile values are not validation errors)
    assert {"connectors/evil/guides/link-account/key-a-b.md", "connectors/vile.md",
            "connectors.md", "llms.txt", "llms-full.txt"} <= set(outputs), sorted(outputs)
    assert any(name.startswith("connectors/vile/guides/") for name in outputs)
    views = {name: agent_view(text, f"{fmt} {name}") for name, text in outputs.items()}
    seen = "\n".join(views.values())
    for tag in PLAIN_TAGS:
        assert f"{tag} {' '.join(PAYLOADS)}" in seen, f"{fmt}: {tag} not shown literally"
    for tag in MARKDOWN_TAGS:
        assert f"{tag} <script>alert(3)</script> `<b onclick=alert(4)>" in seen, (fmt, tag)
    # categories are headings: shown as text, not as an image or a link
    assert "<img src=x onerror=alert(1)> [c](javascript:alert(1))" in views["connectors.md"]
    assert "<img src=x onerror=alert(8)> Vile" in views["connectors.md"]
    assert "Nav <img src=x onerror=alert(1)> [n](https://ok.test)" in views["connectors.md"]
    # the code block with a blank line stays a code block in the stackone HTML blocks
    assert "[x](javascript:alert(1))" in views["connectors/evil/guides/link-account/key-a-b.md"]
    # the image src that closes the Markdown image stays inside one URL
    guide = outputs["connectors/evil/guides/link-account/key-a-b.md"]
    html = guide if fmt == "stackone" else CONSUMER.render(guide)  # (stackone: an <img> tag)
    [img] = [i for i in BeautifulSoup(html, "html.parser").find_all("img")
             if "shots/a.png" in i.get("src", "")]
    assert img["src"].endswith("shots/a.png%29%5Bx%5D%28javascript:alert%281%29")


def test_scopes_in_the_stackone_html_blocks_are_escaped(agent_site) -> None:
    fmt, site = agent_site
    text = (site / "connectors/evil/guides/link-account/key-a-b.md").read_text(encoding="utf-8")
    if fmt == "stackone":
        assert "`&lt;img/src=x/onerror=alert(1)&gt;`" in text  # in the HTML blocks
        # the picker's Markdown table holds it as a code span (literal text), and only there
        rows = [line for line in text.splitlines() if "`<img/src" in line]
        assert rows and all(line.startswith("| ") for line in rows)
        assert "<img/src" not in text.replace("`<img/src=x/onerror=alert(1)>`", "")
    else:
        assert "`<img/src=x/onerror=alert(1)>`" in text  # a code span: literal text


def test_nav_title_and_categories_are_text_in_the_html(agent_site) -> None:
    _, site = agent_site
    for name, soup in page_soups(site).items():
        for el in soup.find_all(True):
            assert not any(a.startswith("on") for a in el.attrs), f"{name}: {str(el)[:200]}"
    soup = page_soups(site)["connectors/index.html"]
    labels = [" ".join(el.get_text(" ").split()) for el in soup.select(".md-nav__title, "
                                                                       ".md-nav__link")]
    assert NAV_TITLE in labels


@pytest.mark.parametrize(("plugin", "message"), [
    ({"brand": {"name": "A", "hub": "H", "accounts_url": "javascript:alert(1)"}},
     "brand.accounts_url 'javascript:alert(1)' is not an allowed link"),
    ({"brand": {"name": "A", "hub": "H", "linking_url": " JaVa&#x09;script:alert(1)"}},
     "brand.linking_url ' JaVa&#x09;script:alert(1)' is not an allowed link"),
    ({"brand": {"name": "A", "hub": "H", "docs_url": "data:text/html,<script>"}},
     "brand.docs_url 'data:text/html,<script>' is not an allowed link"),
    ({"brand": {"name": "A", "hub": "[h](javascript:alert(1))"}},
     "brand.hub links to 'javascript:alert(1)', which is not allowed"),
    ({"nav_title": "[n](javascript:alert(1))"},
     "nav_title '[n](javascript:alert(1))' links to 'javascript:alert(1)', which is not allowed"),
    ({"nav_title": "Two\nlines"}, "nav_title 'Two\\nlines' must be one line of text"),
    ({"title_pattern": "[{{ provider }}](javascript:alert(1))"},
     "title_pattern links to 'javascript:alert(1)', which is not allowed"),
    ({"description_pattern": "{{ brand.nope }}"},
     "description_pattern: message 'guide.description' failed"),
    ({"page_actions": {"claude": "javascript:alert('{url}')"}},
     "page_actions.claude \"javascript:alert('{url}')\" is not an http(s) URL template"),
])
def test_config_values_are_checked_like_guide_text(project, caplog, plugin: dict[str, Any],
                                                   message: str) -> None:
    with pytest.raises(Abort):
        build(project({"evil/key.yaml": BASE.replace("CONTENT", "x")}, plugin=plugin))
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert line.startswith(f"guidebook: {message}"), line
    assert "(use " in line or "one line" in line  # ... and says what to do
    assert "Traceback" not in caplog.text
    _command_refuses(project({"evil/key.yaml": BASE}, plugin=plugin), message)


def _command_refuses(config: Path, message: str) -> None:
    """The `guidebook` command (`render --format pages` is how Zensical sites are made,
    without the plugin) stops on the same option value with the same message."""
    result = subprocess.run([str(Path(sys.executable).parent / "guidebook"), "validate"],
                            cwd=config.parent, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "NO_COLOR": "1"})
    assert result.returncode == 1
    assert result.stderr.startswith(f"guidebook: error: mkdocs.yml: {message}"), result.stderr


@pytest.mark.parametrize("site_url", ["javascript://x/%0aalert(1)",
                                      "https://x.test/<img src=x onerror=alert(1)>"])
def test_site_url_must_be_http(project, caplog, site_url: str) -> None:
    config = project({"evil/key.yaml": BASE.replace("CONTENT", "x")},
                     config={"site_url": site_url})
    with pytest.raises(Abort):
        build(config)
    assert f"guidebook: site_url '{site_url}/' is not an http(s) URL" in caplog.text
    _command_refuses(config, f"site_url '{site_url}' is not an http(s) URL")


# -- the same properties, fuzzed -------------------------------------------------------------------
#
# Every text field of a guide gets generated text built from Markdown and HTML syntax, unsafe
# schemes and entities; the exports of both formats must stay safe when a raw-HTML renderer
# reads them, and every plain-text field must be shown literally. `scripts/fuzz.py -k agent`
# runs it with many more examples.

EXAMPLES = int(os.environ.get("GUIDEBOOK_FUZZ_EXAMPLES", "60"))
PIECES = ["<", ">", "&", '"', "'", "`", "``", "\\", "[", "]", "(", ")", "!", "*", "_", "~", "|",
          "#", "-", "+", "=", ":", ";", "/", " ", "  ", "\n", "\n\n", "1.", "a", "x", "é",
          "javascript:", "JaVa&#x09;script:", "data:text/html,", "<script>", "</script>",
          "<img src=x onerror=alert(1)>", "onclick=", "&#106;", "&amp;", "&lt;", "](", "![",
          "<a href=", "alert(1)", "```", "    ", "<!--", "-->", "<https://x.test>",
          "<javascript:alert(1)>", "[x]: javascript:y", "<div>", "</div>", "\u2028"]
fuzz_text = st.lists(st.sampled_from(PIECES), min_size=1, max_size=14).map("".join)
# (a guide field the loader accepts: some text besides whitespace)
field_text = fuzz_text.filter(lambda t: t.strip() != "")


def _fuzz_guide(v: dict[str, str]) -> str:
    guide = {
        "connector": {"key": "fuzz", "name": v["name"], "category": v["category"]},
        "auth": {"label": v["auth"], "slug": "key"},
        "title": v["title"], "description": v["description"], "warning": v["markdown"],
        "callouts": [{"type": "tip", "text": v["markdown"]}],
        "actions": [{"id": "fuzz_read", "label": v["action"], "scopes": ["files:read"]}],
        "sections": [{"title": v["inline"], "content": v["markdown"], "list": [v["inline"]],
                      "steps": [{"title": v["inline"], "content": v["markdown"],
                                 "list": [v["inline"]], "display_scopes": True,
                                 "images": [{"src": "shots/" + v["src"], "alt": v["alt"]}]}]}],
        "fields": [{"label": v["field"], "description": v["inline"]}],
    }
    return yaml.safe_dump(guide, allow_unicode=True)


@functools.cache
def _exporters() -> dict[str, Any]:
    from guidebook.exports import Exporter
    from guidebook.site import GuideSite, Options

    site = GuideSite(Options(brand=dict(HOSTILE_BRAND)), [], [], [], [])
    return {fmt: Exporter(site, fmt=fmt, site_url="https://docs.test/") for fmt in ("stackone",
                                                                                     "plain")}


@settings(deadline=None, max_examples=EXAMPLES, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.fixed_dictionaries({key: field_text for key in (
    "name", "category", "auth", "title", "description", "markdown", "inline", "action", "alt",
    "field", "src")}))
def test_agent_outputs_of_fuzzed_guides_are_safe(values: dict[str, str]) -> None:
    from guidebook.exports import LlmsPage, LlmsSettings, arrange, llms_txt, site_url_of
    from guidebook.site import ConnectorEntry, GuideSite, make_page

    try:
        [guide] = load_text(_fuzz_guide(values), "guides/fuzz.yaml")
        exporters = _exporters()
        page = make_page(guide, exporters["plain"].site.options, "guides/fuzz.yaml")
    except GuideError:
        return  # (a load error: tested elsewhere; most examples load)
    entry = ConnectorEntry("fuzz", page.guide.connector.name,
                           [page.guide.connector.category or "Other"], [page])
    site = GuideSite(exporters["plain"].site.options, [page], [entry], [], [page.file])
    llms = llms_txt(values["name"], values["description"], values["markdown"],
                    arrange([LlmsPage(page.title, "a.md", page.description,
                                      section=entry.category)], LlmsSettings()),
                    site_url_of("https://docs.test/"))
    seen = [agent_view(llms, "llms.txt")]
    for fmt, exporter in exporters.items():
        exporter.site = site
        outputs = {"guide": exporter.guide(page).text, "connector": exporter.connector(entry).text,
                   "index": exporter.index(values["title"]).text}
        views = {name: agent_view(text, f"{fmt} {name}") for name, text in outputs.items()}
        seen += views.values()
        for field, where in (("name", "connector"), ("auth", "connector"),
                             ("category", "index"), ("action", "guide"), ("field", "guide"),
                             ("alt", "guide")):
            shown = " ".join(values[field].split())
            assert shown in views[where], (fmt, field, shown, outputs[where])
        assert " ".join(page.title.split()) in views["guide"], (fmt, page.title)
    assert " ".join(page.title.split()).replace("[", "(").replace("]", ")") in seen[0]


# -- the escapers, one context each ----------------------------------------------------------------

@pytest.mark.parametrize(("function", "value", "expected"), [
    ("text", "[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
    ("text", "<img src=x onerror=alert(1)>", "\\<img src=x onerror=alert(1)>"),
    ("text", "a_b _c_ *d* ~~e~~ f|g", "a_b \\_c\\_ \\*d\\* \\~\\~e\\~\\~ f\\|g"),
    ("text", "\\`<b>`", "\\\\\\`\\<b>\\`"),
    ("text", "&amp; & &#106;", "\\&amp; & \\&#106;"),
    ("text", "C# ends #", "C# ends \\#"),
    ("text", "- one\n\n2. two", "\\- one 2. two"),
    ("text", "12) x", "12\\) x"),
    ("text", "> quote", "\\> quote"),
    ("url", "javascript:alert(1)", None),
    ("url", " JaVa&#x09;script:x", None),
    ("url", "data:text/html,x", None),
    ("url", "https://x.test/a b(c)<d>\\", "https://x.test/a%20b%28c%29%3Cd%3E%5C"),
    ("url", "/p?a=1&amp;b=2", "/p?a=1\\&amp;b=2"),
    ("code", "a`b", "``a`b``"),
    ("code", "`x", "`` `x ``"),
    ("code", "<b>\n", "`<b> `"),
    ("html", "a <b> & \"c\" 'd'\n\ne", "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39; e"),
    ("attr", 'a"b\nc', "a&quot;b&#10;c"),
    ("href", "javascript:alert(1)", None),
    ("href", "https://x.test/?a=1&b=<2>", "https://x.test/?a=1&amp;b=&lt;2&gt;"),
    ("autolink", "https://x.test/llms.txt", "<https://x.test/llms.txt>"),
    ("autolink", "javascript:alert(1)", "javascript:alert(1)"),
    ("html_fragment", "<pre><code>a\n\nb\n</code></pre>", "<pre><code>a&#10;\nb\n</code></pre>"),
    ("markdown_inline", "**ok** <b onclick=x>raw</b> [l](https://x.test) [u](javascript:y)",
     "**ok** \\<b onclick=x>raw\\</b> [l](https://x.test) u"),
    # (an escaped backtick opens nothing; "` `" is a code span of one space)
    ("markdown_inline", "\\`<b>` `c`", "\\`\\<b>` `c\\`"),
    ("markdown_inline", "![i](data:image/png,x) <javascript:x> <https://x.test>",
     "i javascript:x <https://x.test>"),
])
def test_each_escaper_for_its_context(function: str, value: str, expected: str | None) -> None:
    from guidebook import mdescape

    assert getattr(mdescape, function)(value) == expected


def test_link_and_image_keep_the_text_of_a_refused_target() -> None:
    from guidebook import mdescape

    assert mdescape.link("[a]", "javascript:x") == "\\[a\\]"
    assert mdescape.link("a*", "/b c") == "[a\\*](/b%20c)"
    assert mdescape.image("x](javascript:y)", "shots/a.png)[x](javascript:1") == \
        "![x\\](javascript:y)](shots/a.png%29[x]%28javascript:1)"
    assert mdescape.image("alt", "data:image/png,x") == "alt"


def test_plain_markdown_is_written_back_without_html_or_unsafe_links() -> None:
    from guidebook import mdescape

    source = ("Para <script>x</script> [d](javascript:y)\n\n- a\n- b\n\n```sh\n<raw>\n```\n\n"
              "> quote <i>\n\n| h | <u> |\n|---|---|\n| 1 | 2 |")
    assert mdescape.markdown_blocks(source, "> ") == (
        "> Para \\<script>x\\</script> d\n>\n> - a\n> - b\n>\n> ```sh\n> <raw>\n> ```\n>\n"
        "> > quote \\<i>\n>\n> | h | \\<u> |\n> | --- | --- |\n> | 1 | 2 |")
    assert markdown_problems_of(mdescape.markdown_blocks(source)) == []


def markdown_problems_of(text: str) -> list[str]:
    try:
        agent_view(text)
    except AssertionError as exc:
        return [str(exc)]
    return []


_ALLOWED = "only {{ brand.KEY }} placeholders are allowed"


@pytest.mark.parametrize(("text", "expected"), [
    ("Comment {# hidden #} and ok", "'{# hidden #}' is a Jinja comment, which would be "
     f"dropped from the page ({_ALLOWED}; write {{{{ '{{#' }}}} for a literal '{{#')"),
    ("Enter `{#- user.id -#}` exactly", "'{#- user.id -#}' is a Jinja comment, which would be "
     f"dropped from the page ({_ALLOWED}; write {{{{ '{{#' }}}} for a literal '{{#')"),
    ("Whitespace {{- brand.name -}} trimmed", "'{{- brand.name -}}' would remove the spaces "
     f"around it ({_ALLOWED}; write {{{{ brand.KEY }}}} without '-' or '+')"),
    ("Keep {{+ brand.name }} here", "'{{+ brand.name }}' would remove the spaces around it "
     f"({_ALLOWED}; write {{{{ brand.KEY }}}} without '-' or '+')"),
])
def test_jinja_syntax_that_changes_text_silently_is_an_error(text: str, expected: str) -> None:
    """A comment vanished from the page and `-` ate the spaces ("WhitespaceConduittrimmed")."""
    from guidebook.validate import check_guide

    [guide] = load_text(BASE.replace("CONTENT", json.dumps(text)), "guides/evil.yaml")
    found = check_guide(guide, [{"name": "Conduit", "hub": "Conduit Hub"}])
    assert [str(p) for p in found] == [f"guides/evil.yaml:5:5: error: bad placeholder in text: "
                                       f"{expected}"]
    literal = BASE.replace("CONTENT", json.dumps("Write {{ '{#' }} and {{ brand.name }}"))
    assert check_guide(load_text(literal, "g.yaml")[0], [{"name": "C", "hub": "H"}]) == []
