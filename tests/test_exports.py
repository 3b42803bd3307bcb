"""Markdown twins: anatomy of the stackone format, the reference round trip, the plain format
(linted), and the files a real build writes."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from markdown_it import MarkdownIt

from conftest import FIXTURES, LITERAL_GUIDE, REFERENCE, ROOT, build, write_project
from guidebook.defaults import default_templates_dir
from guidebook.exports import Exporter, md_blocks, source_twin_path, twin_path, wrap
from guidebook.model import Connector, Field, Guide, ListItem, Section, Step
from guidebook.site import GuideSite, Options, load_site, make_page

EXPORTS = FIXTURES / "exports"
REFERENCE_PAGE = REFERENCE / "stackone-harvest-personal-access-token.md"
BRAND = {"name": "Acme", "hub": "Acme Hub", "linking_url": "/hub/methods",
         "accounts_url": "/hub/accounts"}
_TAG = re.compile(r"<(/?)([A-Za-z][\w-]*)([^>]*)>")
_ATTR_TAGS = ("section", "div", "step")


def skeleton(text: str) -> list[str]:
    """The export's anatomy: one entry per line, tags (with attribute names where they carry
    meaning) but no words."""
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(">"):
            out.append("quote")
            continue
        if line.startswith("# "):
            out.append("h1")
            continue
        parts = [] if line.startswith("<") else ["text"]
        for close, name, attrs in _TAG.findall(line):
            name = name.lower()
            if close:
                parts.append(f"/{name}")
                continue
            parts.append(name)
            if name in _ATTR_TAGS:
                parts += re.findall(r'([\w-]+)(?:="[^"]*")?', attrs)
        out.append(" ".join(parts))
    return out


def squash(text: str) -> str:
    return " ".join(text.split())


def _site(guides_dir: Path, brand: dict[str, str] = BRAND, **kw) -> GuideSite:
    site = load_site(Options(guides_dir=guides_dir, brand=brand, **kw))
    assert site.problems == []
    return site


def _page(site: GuideSite, key: str):
    [page] = [p for p in site.pages if p.key == key]
    return page


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> GuideSite:
    folder = tmp_path_factory.mktemp("guides")
    for name in ("punchclock.yaml", "relay.yaml", "extra.yaml"):
        shutil.copy(EXPORTS / name, folder / name)
    return _site(folder)


# -- format stackone -------------------------------------------------------------------------


def test_fixture_export_has_the_reference_anatomy(site) -> None:
    export = Exporter(site, site_url="https://docs.acme.test/").guide(_page(site, "punchclock"))
    expected = (EXPORTS / "skeleton.txt").read_text(encoding="utf-8").splitlines()
    assert skeleton(export.text) == expected
    if REFERENCE_PAGE.is_file():
        assert skeleton(REFERENCE_PAGE.read_text(encoding="utf-8")) == expected
    lines = export.text.splitlines()
    assert lines[:3] == ["> ## Documentation Index",
                         "> Fetch the complete documentation index at: "
                         "https://docs.acme.test/llms.txt",
                         "> Use this file to discover all available pages before exploring "
                         "further."]
    assert "# Connect Punchclock with Personal Access Token – Acme Hub" in lines
    # inline code stays backticks, links open in a new tab, hub links come from the brand
    assert "(e.g., `Acme sync`)" in export.text
    assert ('<a href="https://punchclock.example/settings/tokens" target="_blank" '
            'rel="noopener noreferrer">') in export.text
    assert '<a href="/hub/methods">account linking methods</a>' in export.text
    assert '<a href="/hub/accounts">Accounts</a>' in export.text
    assert export.body == export.text[export.text.index("# Connect"):]


def test_scoped_guide_export_carries_actions_and_scopes(site) -> None:
    text = Exporter(site).guide(_page(site, "relay")).text
    soup = BeautifulSoup(text, "html.parser")
    panel = soup.find(attrs={"data-guides-scope-selector": True})


    actions = json.loads(panel["data-guide-actions-json"])
    assert [a["id"] for a in actions] == ["relay_ping", "relay_list_rooms", "relay_post"]
    assert "&quot;relay_ping&quot;" in text  # HTML-escaped JSON in the attribute
    sections = soup.find_all("section", attrs={"data-guide-section": True})
    assert [s["data-guide-scopes"] for s in sections] == ["", "messages:write"]
    step = soup.find(attrs={"data-guide-display-scopes-list": "messages:write rooms:read"})
    assert step is not None and "`rooms:read`" in step.get_text()
    assert soup.find("warning") is not None and soup.find("tip") is not None
    # without site_url: root-relative index URL
    assert "Fetch the complete documentation index at: /llms.txt" in text


def test_whitelabel_export_has_no_hub_block(tmp_path) -> None:
    shutil.copy(EXPORTS / "punchclock.yaml", tmp_path / "p.yaml")
    site = _site(tmp_path, whitelabel=True, whitelabel_brand={"name": "Nimbus", "hub": "Nimbus"})
    text = Exporter(site).guide(site.pages[0]).text
    assert "data-whitelabel-hide" not in text and "Acme" not in text
    assert "Nimbus sync" in text


def test_hub_block_says_the_same_words_in_html_and_markdown(site) -> None:
    from guidebook.render import Renderer

    for key in ("punchclock", "relay"):
        page = _page(site, key)
        html_text, _ = Renderer(site).guide(page)
        hub = BeautifulSoup(html_text, "html.parser").select_one("[data-whitelabel-hide]")
        md = BeautifulSoup(Exporter(site).guide(page).text, "html.parser")
        md_hub = md.select_one("[data-whitelabel-hide]")
        steps = [s["title"] for s in md_hub.find_all("step")]
        html_steps = [h.get_text() for h in hub.find_all("h3")]
        assert steps == html_steps
        for h3 in hub.find_all("h3"):
            h3.decompose()
        for h2 in (hub.h2, md_hub.h2):
            h2.decompose()
        assert squash(hub.get_text(" ")) == squash(md_hub.get_text(" "))
        assert hub.find("a", href="/hub/methods") is not None


# -- round trip with the published reference page ----------------------------------------------


def _markdown_of(node: Tag) -> str:
    """Inline HTML of the reference back to guide Markdown."""
    out = []
    for child in node.children:
        if isinstance(child, NavigableString):
            out.append(str(child))
        elif child.name == "strong":
            out.append(f"**{_markdown_of(child)}**")
        elif child.name == "a":
            out.append(f"[{_markdown_of(child)}]({child['href']})")
        else:
            out.append(_markdown_of(child))
    return " ".join("".join(out).split())


def parse_reference(text: str) -> tuple[Guide, dict[str, str], str]:
    """A small parser of the export format: the guide, the hub link targets, the llms URL."""
    lines = text.splitlines()
    llms_url = next(ln for ln in lines if "documentation index at:" in ln).split("at: ")[1]
    title = next(ln[2:] for ln in lines if ln.startswith("# "))
    soup = BeautifulSoup(text, "html.parser")
    sections = []
    for sec in soup.find_all("section", attrs={"data-guide-section": True}):
        content = [_markdown_of(p) for p in sec.find_all("p", recursive=False)]
        steps = []
        for step in sec.find_all("step"):
            div = step.find("div", attrs={"data-guide-step": True})
            steps.append(Step(
                title=step["title"],
                content="\n\n".join(_markdown_of(p) for p in div.find_all("p", recursive=False))
                or None,
                list=tuple(ListItem(_markdown_of(li)) for li in div.select("ul > li"))))
        sections.append(Section(title=_markdown_of(sec.h2), content="\n\n".join(content) or None,
                                steps=tuple(steps)))
    hub = soup.find("div", attrs={"data-whitelabel-hide": True})
    fields = tuple(Field(li.strong.get_text()) for step in hub.find_all("step")
                   if step["title"] == "Fill out the fields" for li in step.find_all("li"))
    links = {"linking_url": hub.find("a", string="Linking Account Methods")["href"],
             "accounts_url": hub.find("a", string="Accounts")["href"]}
    name, _, rest = title.removeprefix("Connect ").partition(" with ")
    auth = rest.split(" – ")[0]
    guide = Guide(connector=Connector(name.lower(), name), auth_label=auth,
                  auth_slug=auth.lower().replace(" ", "-"), sections=tuple(sections),
                  fields=fields)
    return guide, links, llms_url


# The published reference page's own words, as a team would restore them with `strings`.
STACKONE_WORDS = {
    "guide.description": "Link {{ provider | article }} account in the {{ brand.hub }} using "
                         "{{ auth }}. End-user guide to authorize the integration and start "
                         "using {{ provider }} actions.",
    "hub.heading": "Linking the Account from the Hub",
    "hub.open.title": "Navigate to the Hub",
    "hub.open.text": "Use one of the three {% if linking_url %}[Linking Account Methods]"
                     "({{ linking_url }}){% else %}Linking Account Methods{% endif %} to "
                     "access the Hub.",
    "hub.fields.text": "Fill out the following fields using details from your provider:",
    "hub.connect.click": "Click **Connect**",
    "hub.connect.authorize": "If applicable, the provider will redirect you to a sign-in or "
                             "authorization page. Complete the provider's authorization flow.",
    "hub.connect.confirm": "Once authorization is successful, you will see a confirmation popup",
    "hub.done": "If the account linking is successful, you will see the newly linked account "
                "in your {% if accounts_url %}[Accounts]({{ accounts_url }}){% else %}Accounts"
                "{% endif %} page.",
}


@pytest.mark.skipif(not REFERENCE_PAGE.is_file(), reason="../shared/reference is not present")
def test_reference_page_round_trips_word_for_word() -> None:
    """With the reference's own words restored through `strings`, the twin is the published
    page, word for word: the words are the catalog's, the anatomy the templates'."""
    reference = REFERENCE_PAGE.read_text(encoding="utf-8")
    guide, links, llms_url = parse_reference(reference)
    options = Options(brand={"name": "StackOne", "hub": "StackOne Hub", **links},
                      strings=STACKONE_WORDS)
    page = make_page(guide, options, "reference.md")
    site = GuideSite(options, [page], [], [], [])
    site_url = llms_url.removesuffix("llms.txt")
    export = Exporter(site, site_url=site_url).guide(page)
    assert squash(export.text) == squash(reference)


# -- format plain ----------------------------------------------------------------------------


def test_plain_export_passes_pymarkdown_default_rules(site, tmp_path) -> None:
    from pymarkdown.api import PyMarkdownApi

    exporter = Exporter(site, fmt="plain", site_url="https://docs.acme.test/")
    for page in site.pages:
        text = exporter.guide(page).text
        assert "<" not in text.replace("<https://docs.acme.test/llms.txt>", "")
        path = tmp_path / f"{page.key}.md"
        path.write_text(text, encoding="utf-8")
        result = PyMarkdownApi().scan_path(str(path))
        assert result.scan_failures == [], (page.key, result.scan_failures)
    text = exporter.guide(_page(site, "relay")).text
    assert "### 2. Add the scopes" in text
    assert "> **Warning:**\n>\n> Only workspace admins" in text
    assert "- List Rooms: `rooms:read`" in text


def test_plain_helpers_wrap_without_starting_blocks() -> None:
    text = "word " * 15 + "- not a list 12. nor this `a code span` <b>raw</b>"
    filled = md_blocks(text)
    assert all(len(line) <= 80 for line in filled.splitlines())
    assert not any(re.match(r"^(-|\d+\.)\s", line) for line in filled.splitlines()[1:])
    assert "`a code span`" in filled and "\\<b>" in filled
    assert wrap("a " * 50, width=20).count("\n") == 4


# -- twins from the packaged and overridden templates --------------------------------------------

CB = {"callback_base": "https://api.test"}  # the example guides use it
WL = {"whitelabel": True,
      "whitelabel_brand": {"name": "Harbor", "hub": "Harbor Link", **CB},
      "whitelabel_replace": {"Lumen Bridge": "Harbor Bridge"}}
TWIN_SOURCES = [ROOT / "guides", EXPORTS, FIXTURES / "golden", FIXTURES / "scopes-site" / "guides",
                FIXTURES / "whitelabel-site" / "guides"]


def _synthetic_guides(folder: Path) -> Path:
    """The benchmark's generated guides: many shapes, connectors with both kinds of guide."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from synth import write_guides
    finally:
        sys.path.pop(0)
    write_guides(folder, 60, 7)
    return folder / "guides"


@pytest.mark.parametrize("name", ["guide.md.jinja", "partials/hub-link.md.jinja",
                                  "partials/step.md.jinja", "connector.md.jinja"])
def test_overriding_a_twin_template_changes_the_twin(tmp_path, name) -> None:
    """A twin's structure is its templates: a team's override of one changes the twins."""
    site = load_site(Options(guides_dir=ROOT / "guides", brand={**BRAND, **CB}))
    source = (default_templates_dir() / name).read_text(encoding="utf-8")
    if name == "guide.md.jinja":  # the thin child template: override one of its blocks
        source += "{% block hub %}<!-- ours -->{{ super() }}{% endblock %}\n"
    elif name == "connector.md.jinja":
        source = "<!-- ours -->\n" + source
    else:
        source = source.replace("</", "<!-- ours --></", 1)
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(source, encoding="utf-8")
    exporter = Exporter(site, templates_dir=tmp_path)
    texts = [exporter.guide(page).text for page in site.pages] + \
        [exporter.connector(entry).text for entry in site.connectors]
    assert any("<!-- ours -->" in text for text in texts)
    assert not any("<!-- ours -->" in exporter.guide(page).text
                   for page in site.pages for exporter in [Exporter(site)])


def test_twin_paths() -> None:
    assert twin_path("connectors/x/guides/link-account/api-key/") == \
        "connectors/x/guides/link-account/api-key.md"
    assert twin_path("") == "index.md"
    assert source_twin_path("index.md") == "index.md"
    assert source_twin_path("sub/index.md") == "sub.md"
    assert source_twin_path("sub/page.md") == "sub/page.md"


# -- real builds ------------------------------------------------------------------------------


def _project(tmp_path: Path, **plugin) -> Path:
    guides = {name: (EXPORTS / name).read_text(encoding="utf-8")
              for name in ("punchclock.yaml", "relay.yaml", "extra.yaml")}
    return write_project(tmp_path, guides, plugin={"brand": BRAND, **plugin},
                         docs={"index.md": "# Home\n\nWelcome.\n",
                               "about/team.md": "---\ndescription: Who we are.\n---\n# Team\n"})


@pytest.mark.parametrize("directory_urls", [True, False], ids=["dir-urls", "file-urls"])
def test_build_writes_both_twins_for_every_page(tmp_path, directory_urls) -> None:
    config = _project(tmp_path)
    site_dir = build(config, use_directory_urls=directory_urls)
    site = _site(tmp_path / "guides")
    for page in site.pages:
        twin = site_dir / twin_path(page.url)
        html_name = "index.html"
        alias = site_dir / page.url / f"{html_name}.md"
        assert twin.is_file() and alias.is_file(), page.url
        assert twin.read_bytes() == alias.read_bytes()
        assert twin.read_text(encoding="utf-8").startswith("> ## Documentation Index")
        html_file = site_dir / page.url / "index.html"
        soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
        link = soup.select_one('head link[rel="alternate"][type="text/markdown"]')
        assert (html_file.parent / link["href"]).resolve() == twin.resolve()
        menu = soup.select_one("[data-gb-page-actions]")
        labels = [a.get_text() for a in menu.select(".gb-page-actions__item")]
        assert labels == ["Copy page as Markdown", "View as Markdown", "Open in ChatGPT",
                          "Open in Claude"]
        assert menu.select_one("button[data-gb-copy-markdown]").has_attr("hidden")
        # the index directive comes first in the body, within the first tenth of the page
        hidden = soup.body.find(True)
        assert hidden.has_attr("data-gb-directive"), hidden
        assert "https://guides.example.test/llms.txt" in hidden.get_text()
        chatgpt = menu.find("a", string="Open in ChatGPT")["href"]
        assert "guides.example.test%2F" + twin_path(page.url).replace("/", "%2F") in chatgpt
    # connector, index and hand-written pages have twins too
    assert (site_dir / "connectors/relay.md").is_file()
    assert (site_dir / "connectors.md").is_file()
    assert (site_dir / "about/team.md").read_text(encoding="utf-8").endswith("# Team\n")
    alias = "about/team/index.html.md" if directory_urls else "about/team.html.md"
    assert (site_dir / alias).is_file()
    assert (site_dir / "assets/guidebook/guidebook-export.js").is_file()


def _dirty_build(config: Path) -> Path:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config

    cfg = load_config(config_file=str(config), strict=False)  # (MkDocs warns of --dirty)
    cfg.plugins.on_startup(command="build", dirty=True)
    try:
        mkdocs_build(cfg, dirty=True)
    finally:
        cfg.plugins.on_shutdown()
    return Path(cfg.site_dir)


def test_a_dirty_rebuild_rewrites_both_twins_of_an_edited_guide(tmp_path) -> None:
    config = _project(tmp_path)
    site_dir = build(config)
    guide = tmp_path / "guides/punchclock.yaml"
    text = guide.read_text(encoding="utf-8")
    guide.write_text(text.replace("Open the token settings", "Open the token page"),
                     encoding="utf-8")
    assert _dirty_build(config) == site_dir
    page = next(p for p in _site(tmp_path / "guides").pages if p.key == "punchclock")
    twin = site_dir / twin_path(page.url)
    alias = site_dir / page.url / "index.html.md"
    assert "Open the token page" in twin.read_text(encoding="utf-8")
    assert "Open the token settings" not in twin.read_text(encoding="utf-8")
    assert alias.read_bytes() == twin.read_bytes()


def test_twins_are_copied_where_the_file_system_has_no_hard_links(tmp_path,
                                                                   monkeypatch) -> None:
    def refuse(src: str, dst: str) -> None:
        raise PermissionError(1, "Operation not permitted", dst)

    monkeypatch.setattr("guidebook.export_files.os.link", refuse)
    site_dir = build(_project(tmp_path))
    for page in _site(tmp_path / "guides").pages:
        twin = site_dir / twin_path(page.url)
        alias = site_dir / page.url / "index.html.md"
        assert alias.read_bytes() == twin.read_bytes(), page.url
        assert not alias.samefile(twin)


def test_plain_format_option_in_a_build(tmp_path) -> None:
    site_dir = build(_project(tmp_path, markdown_export="plain"))
    text = (site_dir / "connectors/relay/guides/link-account/oauth-2-0.md").read_text("utf-8")
    assert text.startswith("# Connect Relay with OAuth 2.0")
    assert "<" not in text.replace("<https://guides.example.test/llms.txt>", "")


def test_two_builds_give_identical_exports(tmp_path) -> None:
    outputs = []
    for n in (1, 2):
        site_dir = build(_project(tmp_path / str(n)))
        files = sorted(p for p in site_dir.rglob("*") if p.suffix in (".md", ".txt"))
        outputs.append({p.relative_to(site_dir).as_posix(): p.read_bytes() for p in files})
    assert outputs[0] == outputs[1]
    assert "llms.txt" in outputs[0] and "llms-full.txt" in outputs[0]


def test_agent_outputs_off_builds_the_html_site_alone(tmp_path) -> None:
    on = build(_project(tmp_path / "on"))
    off = build(_project(tmp_path / "off", agent_outputs=False))
    assert not list(off.rglob("*.md")) and not (off / "llms.txt").exists()
    assert not (off / "llms-full.txt").exists() and list(on.rglob("*.md"))
    for page in sorted(off.rglob("index.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one('link[type="text/markdown"], [data-gb-page-actions]') is None
        ours = BeautifulSoup((on / page.relative_to(off)).read_text(encoding="utf-8"),
                             "html.parser")
        for menu in ours.select("[data-gb-page-actions]"):
            menu.decompose()
        assert (soup.select_one("article").get_text().split()
                == ours.select_one("article").get_text().split())
        # the menu sits under the title (the first thing search reads)
        menu = ours.select_one("article [data-gb-page-actions]")
        if menu is not None:
            assert menu.find_previous_sibling().name == "h1"
    # the page actions are excluded from search: both sites have the same index
    index_on = json.loads((on / "search" / "search_index.json").read_text(encoding="utf-8"))
    index_off = json.loads((off / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index_on["docs"] == index_off["docs"] and len(index_on["docs"]) > 20


@pytest.mark.parametrize(("url", "twin"), [
    ("./", "index.md"), ("", "index.md"), ("about/", "about.md"),
    ("blog/2024/01/02/hello/", "blog/2024/01/02/hello.md"), ("about.html", "about.md"),
    ("index.html", "index.md"), ("sub/index.html", "sub.md"),
])
def test_page_twin_path_follows_the_page_url(url: str, twin: str) -> None:
    from guidebook.exports import page_twin_path

    assert page_twin_path(url) == twin


# -- text as written: code, literal markers, callouts with blocks, no-break spaces -------------

LITERAL_PAGE = "connectors/codey/guides/link-account/api-key"
COMMONMARK = MarkdownIt("commonmark").enable("table")


@pytest.fixture(scope="module")
def literal_sites(tmp_path_factory) -> dict[str, Path]:
    """The LITERAL_GUIDE guide built with each twin format."""
    sites = {}
    for fmt in ("stackone", "plain"):
        root = tmp_path_factory.mktemp(fmt)
        sites[fmt] = build(write_project(root, {"codey/guide.yaml": LITERAL_GUIDE},
                                         plugin={"markdown_export": fmt}))
    return sites


def _page_soup(site_dir: Path) -> BeautifulSoup:
    html = (site_dir / LITERAL_PAGE / "index.html").read_text("utf-8")
    return BeautifulSoup(html, "html.parser").select_one("article")


def _twin(site_dir: Path) -> str:
    return (site_dir / f"{LITERAL_PAGE}.md").read_text("utf-8")


def test_stackone_twin_shows_code_as_written(literal_sites) -> None:
    """A `<pre>` of the twin holds the code's lines as written, not indented with the HTML
    around it; CommonMark reads each `<pre>` (a raw HTML block to `</pre>`) as the page's."""
    site_dir = literal_sites["stackone"]
    page = [pre.get_text() for pre in _page_soup(site_dir).find_all("pre")]
    assert page[-1] == "line one\n\n\nline four\n" and '  "b": 2  \n' in page[-2]
    twin = _twin(site_dir)
    # what a reader of the MDX-like twin shows; plain CommonMark too, for the code of the
    # callouts and the section (it reads the indented HTML of steps as code of its own)
    mdx = BeautifulSoup(MarkdownIt("commonmark").disable("code").render(twin), "html.parser")
    assert [pre.get_text() for pre in mdx.find_all("pre")] == page
    strict = BeautifulSoup(COMMONMARK.render(twin), "html.parser")
    assert [pre.get_text() for pre in strict.find_all("pre")][:3] == page[:3]


def test_plain_twin_shows_list_items_as_the_page_does(literal_sites) -> None:
    """List items that begin with a list marker, a quote, a heading, a rule or a fence are
    text on the page; the twin's items read the same, not as nested blocks."""
    site_dir = literal_sites["plain"]
    page = _page_soup(site_dir)
    twin = BeautifulSoup(COMMONMARK.render(_twin(site_dir)), "html.parser")
    page_lists = [[li.get_text() for li in ul.find_all("li")] for ul in page.select("section ul")]
    twin_lists = [[li.get_text() for li in ul.find_all("li")] for ul in twin.find_all("ul")]
    assert page_lists[0][:3] == ["- dash item", "+ plus item", "1. numbered"]
    assert twin_lists[:2] == page_lists[:2]
    for ul in twin.find_all("ul")[:2]:
        assert ul.find(["ul", "ol", "blockquote", "hr", "h1", "pre"]) is None, ul
    assert twin.find("hr") is None


def _admonitions(page: Tag) -> list[tuple[str, list[tuple[str, str]]]]:
    out = []
    for box in page.select("div.admonition"):
        title = box.select_one(".admonition-title").extract().get_text()
        out.append((title, [(el.name, el.get_text()) for el in box.find_all(True,
                                                                            recursive=False)]))
    return out


def test_plain_twin_callouts_keep_their_blocks(literal_sites, tmp_path) -> None:
    """A callout is one label line, then its blocks (code, a table, a list) as on the page."""
    from pymarkdown.api import PyMarkdownApi

    site_dir = literal_sites["plain"]
    text = _twin(site_dir)
    [quote] = BeautifulSoup(COMMONMARK.render(text), "html.parser").find_all(
        "blockquote", recursive=False)
    callouts: list[tuple[str, list[tuple[str, str]]]] = []
    for el in quote.find_all(True, recursive=False):
        strong = el.find("strong") if el.name == "p" else None
        if strong is not None and el.get_text() == strong.get_text():  # a label line
            callouts.append((strong.get_text().removesuffix(":"), []))
        else:
            callouts[-1][1].append((el.name, el.get_text()))
    assert callouts == _admonitions(_page_soup(site_dir))
    assert [c[0] for c in callouts] == ["Warning", "Note", "Tip", "Info"]
    assert "> **Warning:**\n>\n> ```text\n> some code\n>\n>   indented\n> ```\n" in text
    (tmp_path / "twin.md").write_text(text, encoding="utf-8")
    result = PyMarkdownApi().scan_path(str(tmp_path / "twin.md"))
    assert result.scan_failures == []


@pytest.mark.parametrize("fmt", ["stackone", "plain"])
def test_no_break_spaces_are_kept_in_twins_and_llms_files(literal_sites, fmt) -> None:
    """A no-break space is text (10\u00a0min stays together); a line or paragraph separator
    or a tab becomes a space, where the text must stay on one line."""
    site_dir = literal_sites[fmt]
    page = _page_soup(site_dir)
    twin = BeautifulSoup(COMMONMARK.render(_twin(site_dir)), "html.parser")
    assert twin.h1.get_text() == page.h1.get_text() == "Connect Codey in 10\u00a0min"
    assert "Wait 10\u00a0s" in [li.get_text() for li in twin.find_all("li")]
    step = "Paste in 10\u00a0s"
    assert step in [h.get_text().removeprefix("1. ") for h in twin.find_all("h3")] or \
        step in [s.get("title") for s in twin.find_all("step")]
    llms = (site_dir / "llms.txt").read_text("utf-8")
    [line] = [ln for ln in llms.splitlines() if LITERAL_PAGE in ln]
    assert line.startswith("- [Connect Codey in 10\u00a0min](")
    assert line.endswith("): Two lines, a tab and 5\u202fs")
    full = (site_dir / "llms-full.txt").read_text("utf-8")
    assert "# Connect Codey in 10\u00a0min\n" in full


@pytest.mark.parametrize(("value", "expected"), [
    ("Connect in 10\u00a0min", "Connect in 10\u00a0min"),
    ("5\u202fs, 1\u2007000, a\u2003b", "5\u202fs, 1\u2007000, a\u2003b"),
    (" a\tb\nc\r\nd\u2028e\u2029f\x85g\x0bh\x0ci\x1ej ", "a b c d e f g h i j"),
    ("\u00a0- x", "\u00a0- x"),
])
def test_text_keeps_no_break_spaces_on_one_line(value: str, expected: str) -> None:
    from guidebook import mdescape

    assert mdescape.text(value) == expected
    assert mdescape.text(value).splitlines() == [expected]


def test_wrap_does_not_break_at_a_no_break_space() -> None:
    filled = wrap("word " * 15 + "in 10\u00a0min", width=80)
    assert filled.splitlines()[-1] == "10\u00a0min"
    assert wrap("`a\u00a0b c` d") == "`a\u00a0b c` d"


def test_tidy_leaves_code_blocks_as_they_are() -> None:
    from guidebook.exports import tidy

    text = ("para  \n\n\n- > ```sh\n  > a  \n  >\n  >\n  > b\n  > ```\n\n\n\n```\nx\n\n\n   \n"
            "y\n```\n\n\n<pre><code>a  \nb</code></pre>  \n\n\nend  \n")
    assert tidy(text) == ("para\n\n- > ```sh\n  > a  \n  >\n  >\n  > b\n  > ```\n\n```\nx\n\n\n"
                          "   \ny\n```\n\n<pre><code>a  \nb</code></pre>\n\nend\n")
