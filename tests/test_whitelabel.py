"""White-label builds: the variant chosen on the model, brand swap, and the leak check.

The fixture site (tests/fixtures/whitelabel-site) is built twice, normal and white-label, with
MkDocs itself; the outputs are read with BeautifulSoup and json.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from guidebook.cli import theme_dirs
from guidebook.documents import load_text
from guidebook.model import Source
from guidebook.whitelabel import (
    HIDE_MARKER,
    HiddenText,
    Origin,
    check_settings,
    check_site,
    find_leaks,
    fold,
    hidden_texts,
    read_output,
    select_variant,
    theme_fragments,
    vendored_files,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "whitelabel-site"
ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
GUIDEBOOK = Path(sys.executable).parent / "guidebook"
GUIDE = "connectors/tallybook/guides/link-account/api-key/index.html"
FERRY = "connectors/ferrydesk/guides/link-account/oauth-2-0/index.html"

# Words that only hidden parts (and the hub block) contain, and words only `only` parts contain.
HIDDEN = ("onboarding crew", "lighthouse badge", "nightly reconciliation", "callback window",
          "Linking the account in Lumen Hub", "ledger number")
ONLY = ("workspace owner may have to approve", "partner administrator", "Partner support")


def _build(config_file: Path, site_dir: Path) -> Path:
    cfg = load_config(config_file=str(config_file), strict=True, site_dir=str(site_dir))
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(cfg)
    finally:
        cfg.plugins.on_shutdown()
    return site_dir


def _cli_build(project: Path, config: str, *,
               strict: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GUIDEBOOK_WHITELABEL"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run([str(MKDOCS), "build", *(["--strict"] if strict else []), "-f", config],
                          cwd=project, env=env, capture_output=True, text=True, timeout=300)


def _texts(site: Path) -> dict[str, str]:
    """Every readable output file (gzip unpacked), by path relative to the site dir."""
    out = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            text = read_output(path)
            if text is not None:
                out[path.relative_to(site).as_posix()] = text
    return out


def _soup(site: Path, rel: str) -> BeautifulSoup:
    return BeautifulSoup((site / rel).read_text(encoding="utf-8"), "html.parser")


def _search_docs(site: Path) -> list[dict[str, str]]:
    return json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["docs"]


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(normal site, white-label site) of the fixture project."""
    os.environ.pop("GUIDEBOOK_WHITELABEL", None)
    root = tmp_path_factory.mktemp("wl")
    project = root / "project"
    shutil.copytree(FIXTURE, project)
    normal = _build(project / "mkdocs.yml", root / "normal")
    white = _build(project / "mkdocs.whitelabel.yml", root / "white")
    return normal, white


# -- the model ----------------------------------------------------------------------------------

GUIDE_YAML = """\
connector: {key: demo, name: Demo}
auth: {label: Token}
sections:
  - title: Steps
    steps:
      - {title: One}
      - {title: Two, whitelabel: hide}
      - {title: Three}
      - {title: Four, whitelabel: only}
  - title: Only hidden items
    list:
      - {text: Gone in white-label builds, whitelabel: hide}
  - title: Prose stays
    content: Some prose.
    steps:
      - {title: Hidden step, whitelabel: hide}
  - title: Only shown to partners
    content: Partner text.
    whitelabel: only
"""


def test_select_variant_removes_parts_and_orphan_headings() -> None:
    guide = load_text(GUIDE_YAML, "guides/demo.yaml")[0]
    white = select_variant(guide, whitelabel=True)
    assert [s.title for s in white.sections] == ["Steps", "Prose stays", "Only shown to partners"]
    assert [s.title for s in white.sections[0].steps] == ["One", "Three", "Four"]
    assert white.sections[1].steps == ()  # no empty steps list
    normal = select_variant(guide, whitelabel=False)
    assert [s.title for s in normal.sections] == ["Steps", "Only hidden items", "Prose stays"]
    assert [s.title for s in normal.sections[0].steps] == ["One", "Two", "Three"]


def test_hidden_texts_are_expanded_and_skip_short_or_visible_ones() -> None:
    guide = load_text(GUIDE_YAML, "guides/demo.yaml")[0]
    found = hidden_texts([guide], {"name": "P", "hub": "P Hub"},
                         visible=["Gone in white-label builds"])
    texts = [h.text for h in found]
    assert "Gone in white-label builds" not in texts  # also shown on purpose
    assert "Two" not in texts and "Hidden step" not in texts  # too short to be distinctive
    assert "Linking the account in P Hub" in texts  # the hub block, in the site's words
    hub = hidden_texts([], {"name": "P", "hub": "P Hub"})
    assert all(h.source.file.startswith("templates/") for h in hub)


def test_find_leaks_reads_html_json_markdown_and_gzip(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text("<p>Click <strong>Save</strong> in the "
                                       "AcMe&nbsp;Hub.</p>", encoding="utf-8")
    (site / "a.md").write_text("Ask the **front desk** to [unlock](https://x.test) it.\n",
                               encoding="utf-8")
    (site / "index.json").write_text(json.dumps({"t": "ACME \u00e9"}), encoding="utf-8")
    (site / "sitemap.xml.gz").write_bytes(gzip.compress(b"<loc>https://acme.test/</loc>"))
    (site / "logo.png").write_bytes(b"\x89PNG\x00\x00acme")
    (site / "ok.html").write_text(f"<div {HIDE_MARKER}>x</div>", encoding="utf-8")
    hidden = [HiddenText("Ask the front desk to unlock it.", Source("guides/g.yaml", 7, 3))]
    origins = [Origin("Tell Acme Hub", Source("guides/g.yaml", 3, 1), "a/")]
    leaks = find_leaks(site, ["Acme", "Acme Hub"], hidden, origins=origins,
                       display_dir="site")
    found = {(leak.output, leak.term, leak.hidden) for leak in leaks}
    assert found == {
        ("site/a/index.html", "Acme Hub", False),  # "Acme" only inside "Acme Hub": once
        ("site/a.md", "Ask the front desk to unlock it.", True),
        ("site/index.json", "Acme", False),
        ("site/sitemap.xml.gz", "Acme", False),
        ("site/ok.html", HIDE_MARKER, False),
    }
    html_leak = next(leak for leak in leaks if leak.output == "site/a/index.html")
    assert str(html_leak).startswith('guides/g.yaml:3: "Acme Hub" reaches site/a/index.html')
    md_leak = next(leak for leak in leaks if leak.hidden)
    assert str(md_leak).startswith("guides/g.yaml:7: hidden text")


# -- end to end ---------------------------------------------------------------------------------


def test_hidden_parts_are_in_normal_and_in_no_white_label_file(sites: tuple[Path, Path]) -> None:
    normal, white = sites
    page = _soup(normal, GUIDE).get_text(" ", strip=True)
    for words in HIDDEN:
        assert words in page, words
    index = json.dumps(_search_docs(normal))
    assert "nightly reconciliation" in index
    assert HIDE_MARKER in (normal / GUIDE).read_text(encoding="utf-8")
    files = _texts(white)
    assert "search/search_index.json" in files and "sitemap.xml" in files
    for rel, text in files.items():
        folded = " ".join(text.split()).casefold()
        for words in (*HIDDEN, "Lumen", HIDE_MARKER, "api.lumen.example"):
            assert words.casefold() not in folded, (words, rel)


def test_only_parts_the_other_way_round(sites: tuple[Path, Path]) -> None:
    normal, white = sites
    normal_page = _soup(normal, GUIDE).get_text(" ", strip=True)
    white_page = _soup(white, GUIDE).get_text(" ", strip=True)
    white_index = json.dumps(_search_docs(white))
    normal_files = "\n".join(_texts(normal).values())
    for words in ONLY:
        assert words not in normal_files, words
        assert words in white_page, words
    assert "partner administrator" in white_index
    assert "Lumen" in normal_page


def test_brand_swapped_in_titles_descriptions_and_search(sites: tuple[Path, Path]) -> None:
    normal, white = sites
    for site, hub, other in ((normal, "Lumen Hub", "Harbor"), (white, "Harbor Link", "Lumen")):
        soup = _soup(site, GUIDE)
        title = soup.title.get_text()
        description = soup.find("meta", attrs={"name": "description"})["content"]
        assert hub in title and other not in title
        assert hub in description and other not in description
        assert hub in soup.find("h1").get_text()
        body = soup.find("article").get_text(" ", strip=True)
        brand = hub.split()[0]
        assert f"{brand} sync" in body  # {{ brand.name }} in a step
        docs = [d for d in _search_docs(site) if d["location"].startswith(GUIDE[:-10])]
        assert docs and hub in docs[0]["title"]
    ferry = _soup(white, FERRY).find("article").get_text(" ", strip=True)
    assert "https://link.harbor.example/oauth/callback" in ferry  # whitelabel_replace
    assert "Harbor Bridge" in ferry


def test_exports_when_present(sites: tuple[Path, Path]) -> None:
    """Markdown twins and llms files, where the build writes them, follow the variant too."""
    normal, white = sites
    exports = [rel for rel in _texts(white) if rel.endswith(".md") or rel.startswith("llms")]
    if not exports:
        pytest.skip("this build writes no Markdown twins or llms files")
    joined = "\n".join(_texts(white)[rel] for rel in exports)
    assert "Harbor" in joined
    if (white / "llms.txt").exists():
        llms = (white / "llms.txt").read_text(encoding="utf-8")
        line = next(x for x in llms.splitlines() if "Tallybook" in x and "API Key" in x)
        assert "Harbor Link" in line and "Lumen" not in line
        assert "Lumen Hub" in (normal / "llms.txt").read_text(encoding="utf-8")
    for words in (*HIDDEN, "Lumen"):
        assert words.casefold() not in joined.casefold(), words


def test_steps_are_numbered_without_gaps(sites: tuple[Path, Path]) -> None:
    normal, white = sites

    def layout(site: Path) -> list[tuple[str, list[str]]]:
        article = _soup(site, GUIDE).find("article")
        out = []
        for section in article.find_all("section", class_="gb-section"):
            lists = section.find_all("ol", class_="gb-steps")
            assert all(ol.find_all("li", class_="gb-step", recursive=False) for ol in lists)
            titles = [li.find(class_="gb-step__title").get_text(strip=True)
                      for ol in lists for li in ol.find_all("li", class_="gb-step",
                                                            recursive=False)]
            out.append((section.find("h2").get_text(strip=True), titles))
        return out

    assert layout(white) == [
        ("Create a key", ["Open the settings", "Open the developer console", "Generate the key",
                          "Confirm with your partner administrator"]),
        ("Partner support", []),
        ("Before you close the tab", []),
    ]
    normal_layout = layout(normal)
    assert [t for t, _ in normal_layout] == [
        "Create a key", "How the nightly reconciliation works", "Vendor tips",
        "Before you close the tab", "Linking the account in Lumen Hub"]
    assert normal_layout[0][1] == ["Open the settings", "Ask for console access",
                                   "Open the developer console", "Generate the key"]
    # the step counter runs over li.gb-step of one list only, so no hidden li may remain
    for ol in _soup(white, GUIDE).find_all("ol", class_="gb-steps"):
        for li in ol.find_all("li", recursive=False):
            assert "gb-step" in li["class"] and not li.has_attr("hidden")


def test_normal_build_ignores_white_label_options(tmp_path: Path) -> None:
    """Adding the white-label options to mkdocs.yml changes no byte of a normal build."""
    os.environ.pop("GUIDEBOOK_WHITELABEL", None)
    plain = tmp_path / "plain"
    shutil.copytree(FIXTURE, plain)
    with_options = tmp_path / "with"
    shutil.copytree(FIXTURE, with_options)
    config = with_options / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + (
        "    whitelabel_brand: {name: Harbor, hub: Harbor Link, "
        "callback_base: https://link.harbor.example}\n"
        "    whitelabel_replace: {'Tallybook': 'Nope'}\n"), encoding="utf-8")
    a = _texts(_build(plain / "mkdocs.yml", tmp_path / "a"))
    b = _texts(_build(config, tmp_path / "b"))
    assert a.keys() == b.keys()
    for rel in a:
        if not rel.endswith(".map"):
            assert a[rel] == b[rel], rel


def test_env_variable_turns_white_label_on(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "p"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + (
        "    whitelabel_brand: {name: Harbor, hub: Harbor Link, "
        "callback_base: https://link.harbor.example}\n"
        "    whitelabel_replace: {'https://api.lumen.example': 'https://link.harbor.example',"
        " 'Lumen Bridge': 'Harbor Bridge'}\n"), encoding="utf-8")
    monkeypatch.setenv("GUIDEBOOK_WHITELABEL", "1")
    site = _build(config, tmp_path / "site")
    text = _soup(site, GUIDE).get_text(" ", strip=True)
    assert "Harbor Link" in text and "nightly reconciliation" not in text


def _planted(tmp_path: Path) -> tuple[Path, int]:
    """The fixture with the vendor's name written into a visible step; (project, its line)."""
    project = tmp_path / "planted"
    shutil.copytree(FIXTURE, project)
    guide = project / "guides/tallybook/api-key.yaml"
    lines = guide.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if "Choose **Developer console**" in line)
    lines[n] = lines[n].replace("the **Keys** tab", "the **Keys** tab (Lumen calls it Vault)")
    guide.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return project, n + 1


def test_planted_leak_fails_the_build_with_file_and_line(tmp_path: Path) -> None:
    project, line = _planted(tmp_path)
    site = project / "site-whitelabel"
    (site / ".git").mkdir(parents=True)  # a deploy checkout kept in the site folder
    (site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n", encoding="utf-8")
    (site / "stale.html").write_text("<p>the last build's page</p>\n", encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    expected = (f'guides/tallybook/api-key.yaml:{line}: "Lumen" reaches site-whitelabel/'
                f"{GUIDE}: use {{{{ brand.name }}}} or mark it whitelabel: hide")
    assert expected in result.stderr, result.stderr
    # every output is read: the search index, the Markdown twin, llms-full.txt
    for output in ("search/search_index.json", GUIDE.replace("/index.html", ".md"),
                   "llms-full.txt"):
        assert f'{line}: "Lumen" reaches site-whitelabel/{output}:' in result.stderr, output
    # and none is left for a later step to publish; the folder's dot-entries stay
    assert "Nothing of this build is left in site-whitelabel" in result.stderr
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [".git",
                                                                               ".git/HEAD"]
    assert _cli_build(project, "mkdocs.yml").returncode == 0  # the normal build does not care


def test_check_site_exit_codes(tmp_path: Path, sites: tuple[Path, Path],
                               capsys: pytest.CaptureFixture[str]) -> None:
    _, white = sites
    assert check_site(white, ["Lumen", "Lumen Hub"]) == 0
    project, line = _planted(tmp_path)
    # a site built some other way, with the planted sentence in the guide's page
    site = project / "site-whitelabel"
    shutil.copytree(white, site)
    page = site / GUIDE
    text = page.read_text(encoding="utf-8")
    assert text.count("<strong>Keys</strong> tab") == 1
    page.write_text(text.replace("<strong>Keys</strong> tab",
                                 "<strong>Keys</strong> tab (Lumen calls it Vault)"),
                    encoding="utf-8")
    capsys.readouterr()
    assert check_site(site, ["Lumen"]) == 1
    assert f"{GUIDE}" in capsys.readouterr().out
    cwd = Path.cwd()
    os.chdir(project)
    try:
        assert check_site("site-whitelabel", ["Lumen"], guides_dir="guides",
                          brand={"name": "Harbor", "hub": "Harbor Link",
                                 "callback_base": "https://link.harbor.example"}) == 1
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert f'guides/tallybook/api-key.yaml:{line}: "Lumen" reaches site-whitelabel/{GUIDE}' in out


def test_hidden_text_put_back_by_a_template_fails_the_build(tmp_path: Path) -> None:
    """A template override that writes the hub block anyway (even hidden with CSS) is a leak."""
    project = tmp_path / "tpl"
    shutil.copytree(FIXTURE, project)
    (project / "overrides").mkdir()
    (project / "overrides/guide.html.jinja").write_text(
        '{% extends "_base/guide.html.jinja" %}\n'
        '{% block hub %}<div style="display:none">{% include "partials/hub-link.html.jinja" %}'
        "</div>{% endblock %}\n", encoding="utf-8")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "    guides_dir: guides\n", "    guides_dir: guides\n    templates_dir: overrides\n"),
        encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1
    assert f'{HIDE_MARKER}" reaches site-whitelabel/{GUIDE}' in result.stderr
    assert ('templates/partials/hub-link.html.jinja:1: hidden text "Linking the account in '
            'Harbor Link"') in result.stderr


def test_example_site_white_label_build_passes(tmp_path: Path) -> None:
    result = subprocess.run(
        [str(MKDOCS), "build", "--strict", "-f", "mkdocs.whitelabel.yml", "-d",
         str(tmp_path / "site")], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "GUIDEBOOK_WHITELABEL"})
    assert result.returncode == 0, result.stderr
    assert "white-label leak check passed" in result.stderr
    assert check_site(tmp_path / "site", ["Conduit", "Conduit Hub"]) == 0


def test_hand_written_page_naming_the_vendor_is_traced_to_its_line(tmp_path: Path) -> None:
    project = tmp_path / "docs-leak"
    shutil.copytree(FIXTURE, project)
    (project / "docs/faq.md").write_text("# FAQ\n\nShort answers.\n\nAsk the Lumen team.\n",
                                         encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1
    assert 'docs/faq.md:5: "Lumen" reaches site-whitelabel/faq/index.html: a hand-written page' \
        in result.stderr, result.stderr


def test_site_setting_naming_the_vendor_is_reported(tmp_path: Path) -> None:
    """site_name reaches every page, the 404 page and the search index through Material: it
    is checked before the build."""
    project = tmp_path / "setting"
    shutil.copytree(FIXTURE, project)
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "site_name: Connection guides", "site_name: Lumen connection guides"), encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1
    assert ('mkdocs.yml:2: "Lumen" is in the site_name setting, which the theme writes into '
            "the site: override site_name in the white-label config") in result.stderr, \
        result.stderr
    assert not (project / "site-whitelabel").exists()  # found before anything was built


def test_settings_the_theme_writes_are_checked_before_the_build(tmp_path: Path) -> None:
    """copyright and extra (Material writes both into every page) in the partner config."""
    config = tmp_path / "mkdocs.whitelabel.yml"
    config.write_text("INHERIT: mkdocs.yml\nsite_name: Harbor guides\n"
                      "copyright: \u00a9 Lum\u0435n GmbH\nextra:\n  social:\n"
                      "    - {icon: fontawesome/brands/x-twitter, name: Stream on X}\n",
                      encoding="utf-8")
    settings = {"site_name": "Harbor guides", "copyright": "\u00a9 Lum\u0435n GmbH",
                "extra": {"social": [{"icon": "fontawesome/brands/x-twitter",
                                      "name": "Stream on X"}]}}
    leaks = check_settings(settings, ["Lumen", "Lumen Hub", "Stream"], config_file=config,
                           root=tmp_path)
    assert [(leak.output, leak.term, leak.source.line) for leak in leaks] == [
        ("copyright", "Lumen", 3), ("extra.social.name", "Stream", 6)]
    assert str(leaks[0]) == ('mkdocs.whitelabel.yml:3: "Lumen" is in the copyright setting, '
                             "which the theme writes into the site: override copyright in the "
                             "white-label config")


# -- folded text: what the brand may be written as ------------------------------------------------

SPELLINGS = {
    "soft hyphen": "Lu\u00admen",
    "zero-width space": "Lu\u200bmen",
    "zero-width joiner": "Lum\u200den",
    "zero-width non-joiner": "Lum\u200cen",
    "word joiner": "Lu\u2060men",
    "byte order mark": "\ufeffLumen",
    "variation selector": "Lume\ufe0fn",
    "full-width": "\uff2c\uff55\uff4d\uff45\uff4e",
    "Cyrillic look-alike": "Lum\u0435n",  # е
    "Greek look-alike": "L\u03c5men",  # υ
    "Greek upsilon in the hub": "Lumen H\u03c5b",
    "upper case": "LUMEN",
    "HTML entity": "Lu&#109;en",
    # I and l look alike, and TR39 folds some of their look-alikes to one, some to the other
    "capital I for l": "Iumen",
    "Cyrillic palochka for L": "\u04c0umen",
    "Greek capital iota for L": "\u0399umen",
    "Lisu letter for L": "\ua4f2umen",
    "Runic isaz for L": "\u16c1umen",
}


@pytest.mark.parametrize("spelling", list(SPELLINGS.values()), ids=list(SPELLINGS))
def test_brand_written_with_invisible_or_look_alike_characters_is_caught(
        tmp_path: Path, spelling: str) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text(f"<p>Open the {spelling} console.</p>", encoding="utf-8")
    (site / "a.md").write_text(f"Open the **{spelling}** console.\n", encoding="utf-8")
    leaks = find_leaks(site, ["Lumen", "Lumen Hub"], display_dir="site")
    assert {leak.output for leak in leaks} == {"site/a/index.html", "site/a.md"}
    assert {leak.term for leak in leaks} <= {"Lumen", "Lumen Hub"}


def test_a_term_with_i_is_found_written_with_a_look_alike_of_l(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    for name, spelling in {"a": "Ir\u04cfs", "b": "\u0399r\u0131s", "c": "\ua4f2ris",
                           "d": "lris", "e": "Iris"}.items():
        (site / f"{name}.html").write_text(f"<p>Open {spelling} now.</p>", encoding="utf-8")
    (site / "f.html").write_text("<p>Open Irises now.</p>", encoding="utf-8")  # a longer word
    leaks = find_leaks(site, ["Iris"], display_dir="site")
    assert [leak.output for leak in leaks] == [f"site/{n}.html" for n in "abcde"]


# A term split by markup reads as one word: (HTML page, Markdown twin) of each spelling.
SPLIT = {
    "code": ("Lu<code>men</code>", "Lu`men`"),
    "strong": ("<strong>Lu</strong>men", "**Lu**men"),
    "emphasis": ("Lu<em>men</em>", "Lu_men_"),
    "link": ('<a href="https://x.example/">Lu</a>men', "[Lu](https://x.example/)men"),
    "span and word break": ("L<span>u</span>m<wbr>en", "L*u*m*e*n"),
}


@pytest.mark.parametrize(("html_text", "md_text"), list(SPLIT.values()), ids=list(SPLIT))
def test_brand_split_by_markup_is_caught(tmp_path: Path, html_text: str, md_text: str) -> None:
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a/index.html").write_text(f"<p>Open the {html_text} console.</p>", encoding="utf-8")
    (site / "a.md").write_text(f"Open the {md_text} console.\n", encoding="utf-8")
    (site / "search").mkdir()
    (site / "search/search_index.json").write_text(json.dumps(
        {"docs": [{"location": "a/", "title": "A", "text": f"Open the {html_text} console."}]}),
        encoding="utf-8")
    leaks = find_leaks(site, ["Lumen", "Lumen Hub"], display_dir="site")
    assert {(leak.output, leak.term) for leak in leaks} == {
        ("site/a/index.html", "Lumen"), ("site/a.md", "Lumen"),
        ("site/search/search_index.json", "Lumen")}


def test_words_apart_in_separate_elements_are_not_one_word(tmp_path: Path) -> None:
    """Cells, items and paragraphs are apart when read; a term in an attribute is found once
    (as written), and the theme's own word is still not a leak."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<table><tr><td>Lu</td><td>men</td></tr></table>"
                                 "<ul><li>Lu</li><li>men</li></ul><p>Lu</p><p>men</p>",
                                 encoding="utf-8")
    (site / "b.html").write_text('<p class="lu">men</p><img alt="x" src="lu.png">men',
                                 encoding="utf-8")
    (site / "c.md").write_text("Lu\n\nmen, and Lu | men\n", encoding="utf-8")
    (site / "d.html").write_text('<a href="/lumen/">Docs</a>', encoding="utf-8")
    leaks = find_leaks(site, ["Lumen"], display_dir="site")
    assert [(leak.output, leak.term) for leak in leaks] == [("site/d.html", "Lumen")]


def test_decomposed_accents_match_composed_ones(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<p>Ask Cafe\u0301 Lumie\u0300re.</p>", encoding="utf-8")
    (site / "b.html").write_text("<p>Ask Cafe Lumiere.</p>", encoding="utf-8")
    leaks = find_leaks(site, ["Caf\u00e9 Lumi\u00e8re"], display_dir="site")
    assert [leak.output for leak in leaks] == ["site/a.html"]  # an accent is not look-alike
    assert fold("Cafe\u0301") == fold("Caf\u00e9") == "caf\u00e9"


def test_terms_match_whole_words_only(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text("<p>Mainstream streaming streams upstream.</p>",
                                 encoding="utf-8")
    (site / "b.html").write_text("<p>Open Stream, then Stream_Hub.</p>", encoding="utf-8")
    leaks = find_leaks(site, ["Stream"], display_dir="site")
    assert [leak.output for leak in leaks] == ["site/b.html"]


def test_file_and_folder_names_are_checked(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "lumen-assets").mkdir(parents=True)
    (site / "lumen-assets/a.css").write_text("a{}", encoding="utf-8")
    (site / "img").mkdir()
    (site / "img/Lum\u0435n_Hub.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (site / "img/luminous.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    leaks = find_leaks(site, ["Lumen", "Lumen Hub"], display_dir="site")
    assert {(leak.output, leak.term, leak.kind) for leak in leaks} == {
        ("site/lumen-assets/", "Lumen", "name"),
        ("site/img/Lum\u0435n_Hub.png", "Lumen Hub", "name"),
    }
    assert "(in its name)" in str(leaks[0])


def test_theme_files_are_not_read_but_a_changed_copy_is(tmp_path: Path) -> None:
    theme = tmp_path / "theme"
    (theme / "assets/javascripts").mkdir(parents=True)
    bundle = "var stream=new Stream();function track(){return stream}"
    (theme / "assets/javascripts/bundle.js").write_text(bundle, encoding="utf-8")
    site = tmp_path / "site"
    (site / "assets/javascripts").mkdir(parents=True)
    (site / "assets/javascripts/bundle.js").write_text(bundle, encoding="utf-8")
    (site / "assets/javascripts/extra.js").write_text(bundle, encoding="utf-8")
    vendored = vendored_files(site, [theme])
    assert vendored == {"assets/javascripts/bundle.js"}
    leaks = find_leaks(site, ["Stream"], vendored=vendored, display_dir="site")
    assert [leak.output for leak in leaks] == ["site/assets/javascripts/extra.js"]


CHROME = """<header><label class="md-search__icon" for="__search"></label>
<input type="text" aria-label="Search" placeholder="Search">
<script id="__config">{"base": ".", "search": "./assets/search.js"}</script></header>"""


def test_theme_words_are_not_leaks_where_the_theme_puts_them(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "deep/page").mkdir(parents=True)
    page = CHROME.replace('"."', '"../.."').replace("./assets", "../../assets")
    (site / "deep/page/index.html").write_text(page + "<p>Open the menu.</p>", encoding="utf-8")
    (site / "a.html").write_text(CHROME + "<p>Search</p>", encoding="utf-8")
    (site / "b.html").write_text(CHROME.replace("Search", "Search Hub", 1), encoding="utf-8")
    (site / "c.md").write_text(CHROME, encoding="utf-8")  # (the theme writes only HTML pages)
    theme = theme_fragments(["Search"], [CHROME])
    assert theme and all("search" in piece for piece in theme)
    leaks = find_leaks(site, ["Search"], display_dir="s", theme=theme)
    assert [leak.output for leak in leaks] == ["s/a.html", "s/b.html", "s/c.md"]
    assert len(find_leaks(site, ["Search"], display_dir="s")) == 4  # (without the theme's)


@pytest.mark.parametrize("char", ["[", "<", "![", "](", "&"])
def test_long_runs_of_markup_characters_are_read_in_linear_time(tmp_path: Path,
                                                                 char: str) -> None:
    """Once quadratic in the length of a run (minutes for 10,000 `[`); no timing asserted."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.md").write_text("Intro " + char * 10_000 + " the Lumen console\n",
                               encoding="utf-8")
    hidden = [HiddenText("Ask the front desk to unlock the vault.", Source("g.yaml", 3, 1)),
              HiddenText(char * 10_000 + " the vault opens", Source("g.yaml", 9, 1))]
    leaks = find_leaks(site, ["Lumen"], hidden, display_dir="site")
    assert [(leak.output, leak.term) for leak in leaks] == [("site/a.md", "Lumen")]


# -- end to end: misses caught, false alarms gone -------------------------------------------------


def _copy(tmp_path: Path, name: str) -> Path:
    project = tmp_path / name
    shutil.copytree(FIXTURE, project)
    return project


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if needle in line)


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def test_image_named_after_the_vendor_is_a_leak_traced_to_the_guide(tmp_path: Path) -> None:
    project = _copy(tmp_path, "name-leak")
    (project / "docs/images").mkdir()
    (project / "docs/images/lumen-console.png").write_bytes(PNG)
    guide = project / "guides/tallybook/api-key.yaml"
    _edit(guide, "        content: Choose **Developer console** and then the **Keys** tab.\n",
          "        content: Choose **Developer console** and then the **Keys** tab.\n"
          "        images: [{src: images/lumen-console.png, alt: The console}]\n")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    line = _line_of(guide, "lumen-console.png")
    assert (f'guides/tallybook/api-key.yaml:{line}: "Lumen" reaches '
            "site-whitelabel/images/lumen-console.png (in its name): rename the image"
            ) in result.stderr, result.stderr


def test_image_only_a_hidden_step_shows_is_not_copied(tmp_path: Path) -> None:
    """The image is named after the vendor: copied, it would also be a leak by its name."""
    project = _copy(tmp_path, "hidden-image")
    (project / "docs/images").mkdir()
    (project / "docs/images/lumen-badge.png").write_bytes(PNG)
    (project / "docs/images/keys-tab.png").write_bytes(PNG + b"keys")
    guide = project / "guides/tallybook/api-key.yaml"
    _edit(guide, "        content: The ledger number sits beside the lighthouse badge in the "
                 "vendor dashboard.\n",
          "        content: The ledger number sits beside the lighthouse badge in the "
          "vendor dashboard.\n"
          "        images: [{src: images/lumen-badge.png, alt: Badge}, "
          "{src: images/keys-tab.png, alt: Keys}]\n")
    _edit(guide, "        content: Choose **Developer console** and then the **Keys** tab.\n",
          "        content: Choose **Developer console** and then the **Keys** tab.\n"
          "        images: [{src: images/keys-tab.png, alt: The keys tab}]\n")
    white = _cli_build(project, "mkdocs.whitelabel.yml")
    assert white.returncode == 0, white.stderr
    site = project / "site-whitelabel"
    assert not (site / "images/lumen-badge.png").exists()
    assert (site / "images/keys-tab.png").read_bytes() == PNG + b"keys"  # also shown visibly
    srcs = [img["src"] for img in _soup(site, GUIDE).find_all("img")]
    assert any(src.endswith("images/keys-tab.png") for src in srcs)
    assert not any("lumen-badge" in src for src in srcs)
    assert _cli_build(project, "mkdocs.yml").returncode == 0
    assert (project / "site/images/lumen-badge.png").is_file()  # the normal build keeps it


EMPTY_GUIDE = """\
connector: {key: tallybook, name: Tallybook, category: Accounting}
auth: {label: Vendor SSO}
sections:
  - title: Sign in with the vendor's SSO
    content: Only the vendor's own support team signs in this way.
    whitelabel: hide
  - title: Ask support
    steps:
      - {title: Open a ticket with the onboarding crew, whitelabel: hide}
fields: [Client ID]
"""


def test_guide_with_nothing_left_is_not_published_and_warned(tmp_path: Path) -> None:
    project = _copy(tmp_path, "empty")
    (project / "guides/tallybook/vendor-sso.yaml").write_text(EMPTY_GUIDE, encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml", strict=False)
    assert result.returncode == 0, result.stderr
    assert ("guides/tallybook/vendor-sso.yaml:3: warning: every section of this guide is "
            "marked whitelabel: hide") in result.stderr, result.stderr  # its `sections:` line
    site = project / "site-whitelabel"
    url = "connectors/tallybook/guides/link-account/vendor-sso/"
    assert not (site / url).exists() and not (site / (url[:-1] + ".md")).exists()
    assert (site / GUIDE).is_file()  # the connector's other guide is still there
    for page in ("connectors/tallybook/index.html", "connectors/index.html", GUIDE):
        hrefs = [a["href"] for a in _soup(site, page).find_all("a", href=True)]
        assert hrefs and not any("vendor-sso" in h for h in hrefs), page
    parsed = parse_llms_file((site / "llms.txt").read_text(encoding="utf-8"))
    urls = [link.url for links in parsed.sections.values() for link in links]
    assert urls and not any("vendor-sso" in u for u in urls)
    assert "vendor-sso" not in json.dumps(_search_docs(site))
    normal = _cli_build(project, "mkdocs.yml")
    assert normal.returncode == 0 and (project / "site" / url / "index.html").is_file()


@pytest.mark.parametrize("brand", ["Stream", "Track"])
def test_partner_build_with_a_common_word_brand_passes(tmp_path: Path, brand: str) -> None:
    """Material's JavaScript uses the word; the vendored bundle is not read, so no false alarm,
    while the same word in a guide is still caught."""
    project = _copy(tmp_path, brand)
    config = project / "mkdocs.yml"
    _edit(config, "name: Lumen\n      hub: Lumen Hub", f"name: {brand}\n      hub: {brand} Hub")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 0, result.stderr
    site = project / "site-whitelabel"
    unfiltered = find_leaks(site, [brand], display_dir="s")  # the theme's files read too
    assert any(leak.output.startswith("s/assets/javascripts/bundle.") for leak in unfiltered)
    assert all(leak.output.startswith("s/assets/") for leak in unfiltered)
    assert check_site(site, [brand, f"{brand} Hub"], theme_dirs=theme_dirs()) == 0
    guide = project / "guides/tallybook/api-key.yaml"
    _edit(guide, "the **Keys** tab.", f"the **Keys** tab of {brand}.")
    assert _cli_build(project, "mkdocs.whitelabel.yml").returncode == 1


@pytest.mark.parametrize("brand", ["Search", "Menu"])
def test_partner_build_with_a_theme_ui_word_brand_passes(tmp_path: Path, brand: str) -> None:
    """Material's header writes "Search" (the search box's label and placeholder, its script's
    settings) and guidebook's page actions menu has a class with "menu": the theme's own
    words, not leaks. The word alone as a step title is still caught on the guide's page."""
    project = _copy(tmp_path, brand)
    _edit(project / "mkdocs.yml", "name: Lumen\n      hub: Lumen Hub",
          f"name: {brand}\n      hub: {brand} Hub")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 0, result.stderr
    site = project / "site-whitelabel"
    page = _soup(site, GUIDE)
    if brand == "Search":
        assert page.find("input", attrs={"placeholder": "Search"}) is not None
    else:
        assert page.find(class_="gb-page-actions__menu") is not None
    unfiltered = find_leaks(site, [brand], display_dir="s", vendored=vendored_files(
        site, theme_dirs()))  # (without the theme's words: the pages hold the word)
    assert f"s/{GUIDE}" in {leak.output for leak in unfiltered}
    guide = project / "guides/tallybook/api-key.yaml"
    _edit(guide, "      - title: Open the settings\n", f"      - title: {brand}\n")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    line = _line_of(guide, f"title: {brand}")
    assert (f'guides/tallybook/api-key.yaml:{line}: "{brand}" reaches site-whitelabel/{GUIDE}'
            in result.stderr), result.stderr


def test_hidden_text_also_shown_in_a_visible_part_is_no_leak(tmp_path: Path) -> None:
    project = _copy(tmp_path, "shared")
    guide = project / "guides/tallybook/api-key.yaml"
    _edit(guide, "        content: In Tallybook, open **Settings** from the gear icon in the "
                 "sidebar.\n",
          "        content: In Tallybook, open **Settings** from the gear icon in the sidebar.\n"
          "        list:\n"
          "          - Or go straight to <https://app.tallybook.example/settings/developer/keys>\n"
          "          - text: https://app.tallybook.example/settings/developer/keys\n"
          "            whitelabel: hide\n")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 0, result.stderr
    assert "https://app.tallybook.example/settings/developer/keys" in _soup(
        project / "site-whitelabel", GUIDE).get_text()


def test_hidden_text_a_connector_page_shows_is_no_leak(tmp_path: Path) -> None:
    """A hidden part may repeat what a connector page shows of its connector file, or the
    description guidebook writes for a connector without one: that page is not a leak."""
    project = _copy(tmp_path, "connector-text")
    _edit(project / "guides/tallybook/api-key.yaml", "  - title: Partner support\n",
          "  - title: About the products\n"
          "    content: An invented helpdesk used to test connector files.\n"
          "    whitelabel: hide\n"
          "  - title: About this page\n"
          "    content: Connection guides for Tallybook.\n"
          "    whitelabel: hide\n"
          "  - title: Partner support\n")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 0, result.stderr
    white = project / "site-whitelabel"
    assert "An invented helpdesk used to test connector files." in _soup(
        white, "connectors/ferrydesk/index.html").get_text()
    assert "An invented helpdesk" not in _soup(white, GUIDE).get_text()


def test_brand_split_by_markup_in_a_guide_is_traced_to_its_line(tmp_path: Path) -> None:
    """`Lu**men**` reads as the vendor's name on the page, in the twin, in llms-full.txt and
    in the search index; each is traced to the guide's line, not to a hand-written page the
    white-label build leaves out (exclude_docs) that names the vendor too."""
    project = _copy(tmp_path, "split")
    guide = project / "guides/tallybook/api-key.yaml"
    _edit(guide, "and then the **Keys** tab.", "and then the **Keys** tab (Lu**men** Vault).")
    line = _line_of(guide, "Lu**men** Vault")
    (project / "docs/internal.md").write_text("# Internal\n\nLumen only.\n", encoding="utf-8")
    config = project / "mkdocs.whitelabel.yml"
    config.write_text(config.read_text(encoding="utf-8") + "exclude_docs: internal.md\n",
                      encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    for output in (GUIDE, GUIDE.replace("/index.html", ".md"), "llms-full.txt",
                   "search/search_index.json"):
        assert (f'guides/tallybook/api-key.yaml:{line}: "Lumen" reaches site-whitelabel/'
                f"{output}: use {{{{ brand.name }}}}") in result.stderr, (output, result.stderr)
    assert "internal.md" not in result.stderr


def test_pathological_guide_builds_and_is_checked(tmp_path: Path) -> None:
    project = _copy(tmp_path, "runs")
    guide = project / "guides/tallybook/api-key.yaml"
    run = "[" * 10_000 + " " + "<" * 10_000
    _edit(guide, "        content: Tell the administrator of your partner portal",
          f"        content: '{run} Tell the administrator of your partner portal")
    _edit(guide, "that the key is ready for review.", "that the key is ready for review.'")
    _edit(guide, "        content: The ledger number sits beside",
          f"        content: '{run} The ledger number sits beside")
    _edit(guide, "in the vendor dashboard.", "in the vendor dashboard.'")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 0, result.stderr
    assert "[[[[" in _soup(project / "site-whitelabel", GUIDE).get_text()


def test_render_whitelabel_runs_the_leak_check(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "GUIDEBOOK_WHITELABEL"}

    def render(project: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(GUIDEBOOK), "-f", "mkdocs.whitelabel.yml", "render", "--out",
                               "exports", "--whitelabel"], cwd=project, env=env,
                              capture_output=True, text=True, timeout=120)

    clean_project = _copy(tmp_path, "clean")
    clean = render(clean_project)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "white-label leak check passed (exports)" in clean.stdout
    project, line = _planted(tmp_path)
    shutil.copytree(clean_project / "exports", project / "exports")  # the last render's

    def tree() -> dict[str, bytes]:
        return {p.relative_to(project).as_posix(): p.read_bytes()
                for p in sorted(project.rglob("*")) if p.is_file() and "guides" not in p.parts}

    before = tree()
    result = render(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert (f'guides/tallybook/api-key.yaml:{line}: "Lumen" reaches exports/'
            "connectors/tallybook/guides/link-account/api-key.md") in result.stdout, result.stdout
    # the files that leak were checked before they replaced the folder: it is as it was
    assert "exports left as it was" in result.stdout
    assert tree() == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".exports")) == []


# -- settings in the theme's chrome, images of hidden parts, encodings, connector partials ----


def test_extra_css_and_javascript_naming_the_vendor_are_reported(tmp_path: Path) -> None:
    """Material writes each into every page's head: they are settings, checked before the
    build like repo_url and extra."""
    project = _copy(tmp_path, "extra-assets")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "extra_javascript:\n  - https://cdn.lumen.example/widget.js\n"
                      "extra_css:\n  - https://fonts.lumen.example/brand.css\n", encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    for key, needle in (("extra_javascript", "widget.js"), ("extra_css", "brand.css")):
        assert (f'mkdocs.yml:{_line_of(config, needle)}: "Lumen" is in the {key} setting, which '
                f"the theme writes into the site: override {key} in the white-label config"
                ) in result.stderr, result.stderr
    assert not (project / "site-whitelabel").exists()


HOOK = """\
from mkdocs.plugins import event_priority


@event_priority(-100)  # after guidebook's check of the settings
def on_config(config):
    config.extra_javascript.append("https://cdn.search.example/widget.js")
"""


def test_settings_in_the_theme_chrome_are_not_theme_words(tmp_path: Path) -> None:
    """The check renders the theme's page to learn its own words; what the user's settings
    put there (a script a hook adds after the settings were checked) is not among them: it
    is reported on every page, while "Search" (the vendor's name here) in the search box is
    still the theme's word."""
    project = _copy(tmp_path, "chrome")
    _edit(project / "mkdocs.yml", "name: Lumen\n      hub: Lumen Hub",
          "name: Search\n      hub: Search Hub")
    (project / "hooks.py").write_text(HOOK, encoding="utf-8")
    config = project / "mkdocs.whitelabel.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks: [hooks.py]\n",
                      encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    for page in (GUIDE, "index.html", "connectors/index.html", "404.html"):
        assert f'"Search" reaches site-whitelabel/{page}: it is not from a guide' \
            in result.stderr, (page, result.stderr[-3000:])
    assert result.stderr.count('"Search" reaches') == 7  # (the pages, none of the rest)


def test_images_of_hidden_parts_are_left_out_unless_shown_elsewhere(tmp_path: Path) -> None:
    """A hidden step's Markdown image is not copied (its name would leak too); an image a
    hidden step shows that a visible step's Markdown or a hand-written page also shows stays
    (no broken image, no warning)."""
    project = _copy(tmp_path, "hidden-images")
    images = project / "docs/images"
    images.mkdir()
    for name in ("lumen-hub.png", "app-form.png", "badge.png"):
        (images / name).write_bytes(PNG + name.encode())
    guide = project / "guides/tallybook/api-key.yaml"
    _edit(guide, "        content: The {{ brand.name }} onboarding crew can switch on the "
                 "developer console for your ledger.\n",
          "        content: \"The {{ brand.name }} onboarding crew can switch on the developer "
          "console for your ledger: ![The hub](/images/lumen-hub.png)\"\n"
          "        images: [{src: images/app-form.png, alt: The form}]\n")
    _edit(guide, "        content: The ledger number sits beside the lighthouse badge in the "
                 "vendor dashboard.\n",
          "        content: The ledger number sits beside the lighthouse badge in the "
          "vendor dashboard.\n        images: [{src: images/badge.png, alt: The badge}]\n")
    _edit(guide, "        content: Click **New key**,",
          "        content: \"![The app form](../../../../../images/app-form.png) Click "
          "**New key**,")
    _edit(guide, "copy the value that appears.\n", "copy the value that appears.\"\n")
    _edit(project / "docs/index.md", "see how to link it.",
          "see how to link it.\n\n![A badge](images/badge.png)")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 0, result.stderr
    site = project / "site-whitelabel"
    assert not (site / "images/lumen-hub.png").exists()
    assert (site / "images/app-form.png").read_bytes() == PNG + b"app-form.png"
    assert (site / "images/badge.png").read_bytes() == PNG + b"badge.png"
    srcs = [img["src"] for img in _soup(site, GUIDE).find_all("img")]
    assert any(src.endswith("images/app-form.png") for src in srcs)
    assert not any("lumen-hub" in src or "badge" in src for src in srcs)


def test_text_in_another_encoding_is_read(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """A Latin-1 SVG, a Windows-1252 text file and UTF-16 with a byte-order mark are read in
    their encodings; a binary (a NUL byte) is not."""
    site = tmp_path / "site"
    (site / "images").mkdir(parents=True)
    (site / "images/diagram.svg").write_bytes(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<svg xmlns="http://www.w3.org/2000/svg">'
        b"<text>Lumen Hub \xa9 2024 \xe9quipe</text></svg>\n")
    (site / "terms.txt").write_bytes("Lumen Hub Inc. \u2013 terms of use\n".encode("cp1252"))
    (site / "notes.txt").write_bytes("Notes about the Lumen console\n".encode("utf-16"))
    (site / "images/shot.png").write_bytes(PNG + b"Lumen Hub \xa9")
    leaks = find_leaks(site, ["Lumen", "Lumen Hub"], display_dir="s")
    assert [(leak.output, leak.term) for leak in leaks] == [
        ("s/images/diagram.svg", "Lumen Hub"), ("s/notes.txt", "Lumen"),
        ("s/terms.txt", "Lumen Hub")]
    assert read_output(site / "images/diagram.svg").endswith("Lumen Hub \u00a9 2024 \u00e9quipe"
                                                            "</text></svg>\n")
    assert read_output(site / "images/shot.png") is None
    assert check_site(site, ["Lumen", "Lumen Hub"]) == 1
    assert "s/terms.txt" not in capsys.readouterr().out  # (shown with the site dir's path)


PARTIAL = """\
# Ticket actions
- actionId: list_tickets
  categories: [helpdesk]
  label: List Tickets
  description: Lists the open tickets.
- actionId: get_ticket
  categories: [helpdesk]
  label: Get Ticket (Lumen)
  description: |
    Reads one ticket.

    The Lumen Hub keeps a copy for a day.
"""


def test_connector_partials_icons_and_redirects_are_traced_to_their_lines(
        tmp_path: Path) -> None:
    """A leak in an action read from a partial names the partial's line, not the connector
    file's; an icon address and a redirect_from URL get a hint that says what to change."""
    project = _copy(tmp_path, "partial")
    connector = project / "guides/ferrydesk/ferrydesk.connector.s1.yaml"
    _edit(connector, "  category: Helpdesk\n",
          "  category: Helpdesk\n  assets:\n    icon: https://cdn.lumen.example/ferrydesk.png\n")
    connector.write_text(connector.read_text(encoding="utf-8")
                         + "actions:\n  $ref: ferrydesk.tickets\n", encoding="utf-8")
    partial = project / "guides/ferrydesk/ferrydesk.tickets.s1.partial.yaml"
    partial.write_text(PARTIAL, encoding="utf-8")
    guide = project / "guides/tallybook/api-key.yaml"
    guide.write_text(guide.read_text(encoding="utf-8") + "redirect_from: [lumen/old-keys/]\n",
                     encoding="utf-8")
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    page = "site-whitelabel/connectors/ferrydesk/index.html"
    label, hub = _line_of(partial, "(Lumen)"), _line_of(partial, "The Lumen Hub")
    assert (f'guides/ferrydesk/ferrydesk.tickets.s1.partial.yaml:{label}: "Lumen" reaches '
            f"{page}: use {{{{ brand.name }}}}") in result.stderr, result.stderr
    assert (f'guides/ferrydesk/ferrydesk.tickets.s1.partial.yaml:{hub}: "Lumen Hub" reaches '
            f"{page}: use {{{{ brand.hub }}}}") in result.stderr, result.stderr
    # (the catalogue shows the icon alone; the connector page also the label)
    assert (f'guides/ferrydesk/ferrydesk.connector.s1.yaml:{_line_of(connector, "icon:")}: '
            '"Lumen" reaches site-whitelabel/connectors/index.html: the connector\'s icon '
            "address (info.assets.icon) names it") in result.stderr, result.stderr
    assert (f'guides/tallybook/api-key.yaml:{_line_of(guide, "redirect_from")}: "Lumen" '
            "reaches site-whitelabel/lumen/ (in its name): a redirect_from URL names it"
            ) in result.stderr, result.stderr
