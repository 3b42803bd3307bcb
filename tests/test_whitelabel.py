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
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from guidebook.load import load_text
from guidebook.model import Source
from guidebook.whitelabel import (
    HIDE_MARKER,
    HiddenText,
    Origin,
    check_site,
    find_leaks,
    hidden_texts,
    read_output,
    select_variant,
)

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "whitelabel-site"
ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
GUIDE = "connectors/tallybook/guides/link-account/api-key/index.html"
FERRY = "connectors/ferrydesk/guides/link-account/oauth-2-0/index.html"

# Words that only hidden parts (and the hub block) contain, and words only `only` parts contain.
HIDDEN = ("onboarding crew", "lighthouse badge", "nightly reconciliation", "callback window",
          "Linking the Account from the Hub", "ledger number")
ONLY = ("workspace owner may have to approve", "partner administrator", "Partner support")


def _build(config_file: Path, site_dir: Path) -> Path:
    cfg = load_config(config_file=str(config_file), strict=True, site_dir=str(site_dir))
    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(cfg)
    finally:
        cfg.plugins.on_shutdown()
    return site_dir


def _cli_build(project: Path, config: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GUIDEBOOK_WHITELABEL"}
    env["NO_MKDOCS_2_WARNING"] = "1"
    return subprocess.run([str(MKDOCS), "build", "--strict", "-f", config], cwd=project,
                          env=env, capture_output=True, text=True, timeout=180)


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
    assert "Linking the Account from the Hub" in texts
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
        "Before you close the tab", "Linking the Account from the Hub"]
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
    result = _cli_build(project, "mkdocs.whitelabel.yml")
    assert result.returncode == 1, result.stderr
    expected = (f'guides/tallybook/api-key.yaml:{line}: "Lumen" reaches site-whitelabel/'
                f"{GUIDE}: use {{{{ brand.name }}}} or mark it whitelabel: hide")
    assert expected in result.stderr, result.stderr
    assert "site-whitelabel/search/search_index.json" in result.stderr
    twin = project / "site-whitelabel" / GUIDE.replace("/index.html", ".md")
    if twin.exists():  # the Markdown twin and llms-full.txt are checked too
        assert f"{line}: \"Lumen\" reaches site-whitelabel/{GUIDE[:-11]}.md:" in result.stderr
    if (project / "site-whitelabel/llms-full.txt").exists():
        assert f"{line}: \"Lumen\" reaches site-whitelabel/llms-full.txt:" in result.stderr
    assert _cli_build(project, "mkdocs.yml").returncode == 0  # the normal build does not care


def test_check_site_exit_codes(tmp_path: Path, sites: tuple[Path, Path],
                               capsys: pytest.CaptureFixture[str]) -> None:
    _, white = sites
    assert check_site(white, ["Lumen", "Lumen Hub"]) == 0
    project, line = _planted(tmp_path)
    _cli_build(project, "mkdocs.whitelabel.yml")  # fails, but the files are written
    site = project / "site-whitelabel"
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
    assert ('templates/partials/hub-link.html.jinja:1: hidden text "Linking the Account from '
            'the Hub"') in result.stderr


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
