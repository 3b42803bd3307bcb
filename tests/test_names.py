"""Names that break elsewhere: Windows device names, one name in two Unicode spellings, and
hand-written files where generated pages go (also where letter case differs)."""

from __future__ import annotations

import unicodedata

import pytest
from bs4 import BeautifulSoup
from mkdocs.exceptions import Abort

from conftest import HARVEST, build
from guidebook import schema

GUIDE = "connectors/harvest/guides/link-account/personal-access-token"


@pytest.mark.parametrize(("name", "reserved"), [
    ("con", True), ("NUL", True), ("aux", True), ("prn", True), ("com1", True), ("lpt9", True),
    ("con.md", True), ("Lpt1.txt", True), ("com0", False), ("com10", False), ("console", False),
    ("con-app", False), ("nul_key", False), ("icon", False),
])
def test_reserved_device_names(name: str, reserved: bool) -> None:
    assert schema.is_reserved_name(name) is reserved


@pytest.mark.parametrize(("replace", "where", "message", "fix"), [
    (("key: harvest", "key: con"), "1:13", "the connector key 'con'", "'con-app'"),
    (("key: harvest", "key: com1"), "1:13", "the connector key 'com1'", "'com1-app'"),
    (("{label: Personal Access Token}", "{label: Personal Access Token, slug: lpt1}"), "2:38",
     "the URL part 'lpt1'", "an auth.slug, e.g. 'lpt1-login'"),
    (("{label: Personal Access Token}", "{label: Aux}"), "2:8", "the URL part 'aux'",
     "'aux-login'"),
], ids=["key-con", "key-com1", "slug-lpt1", "label-aux"])
def test_windows_device_names_are_errors(project, caplog, replace, where, message, fix) -> None:
    with pytest.raises(Abort):
        build(project({"harvest/pat.yaml": HARVEST.replace(*replace)}))
    assert f"guides/harvest/pat.yaml:{where}: error: {message} is a name Windows reserves " \
           f"for a device" in caplog.text
    assert fix in caplog.text


def _nav_sections(page: BeautifulSoup) -> list[str]:
    return [" ".join(label.get_text(" ", strip=True).split())
            for label in page.select("nav.md-nav--primary label.md-nav__link")]


def test_names_in_nfc_and_nfd_are_one_name(project) -> None:
    composed, decomposed = "Café Tools", unicodedata.normalize("NFD", "Café Tools")
    assert composed != decomposed
    first = HARVEST.replace("{key: harvest, name: Harvest, category: Time tracking}",
                            f"{{key: cafe, name: Café, category: {composed}}}")
    second = first.replace("name: Café,", f"name: {unicodedata.normalize('NFD', 'Café')},") \
        .replace(composed, decomposed).replace("Personal Access Token", "API Key")
    other = HARVEST.replace("{key: harvest, name: Harvest, category: Time tracking}",
                            f"{{key: bistro, name: Bistro, category: {decomposed}}}")
    site = build(project({"cafe/pat.yaml": first, "cafe/key.yaml": second,
                          "bistro/pat.yaml": other}, config={"nav": ["index.md"]}))
    index = BeautifulSoup((site / "connectors/index.html").read_text(), "html.parser")
    headings = [h.get_text(strip=True) for h in index.select("article h2")]
    assert headings == [composed]
    page = BeautifulSoup((site / "connectors/cafe/index.html").read_text(), "html.parser")
    assert page.select_one("article h1").get_text(strip=True) == "Café"
    assert [a.get_text(strip=True) for a in page.select("article ul a:not(.gb-chip)")] == [
        "API Key", "Personal Access Token"]
    sections = _nav_sections(page)
    assert sections.count(composed) == 1 and decomposed not in sections


def test_one_connector_name_in_two_spellings_is_no_error(project, caplog) -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë")
    first = HARVEST.replace("name: Harvest", "name: Zoë")
    second = HARVEST.replace("name: Harvest", f"name: {decomposed}") \
        .replace("Personal Access Token", "API Key")
    site = build(project({"harvest/pat.yaml": first, "harvest/key.yaml": second}))
    assert (site / GUIDE / "index.html").exists()
    assert (site / "connectors/harvest/guides/link-account/api-key/index.html").exists()
    assert "is named" not in caplog.text


@pytest.mark.parametrize(("docs", "names", "agent_outputs"), [
    ({"Connectors/index.md": "# Mine\n"},
     ["docs/Connectors/index.md and the generated 'Connectors' index would both be written to "
      "connectors/index.html (Connectors/index.html and connectors/index.html differ only in "
      "letter case", "or name it docs/connectors/index.md"], True),
    ({"connectors/harvest/index.md": "# Mine\n"},
     ["docs/connectors/harvest/index.md and the page of connector 'harvest' "
      "(guides/harvest/pat.yaml) would both be written to connectors/harvest/index.html"], True),
    ({"connectors/harvest.md": "# Mine\n"},
     ["docs/connectors/harvest.md and the page of connector 'harvest' "
      "(guides/harvest/pat.yaml) would both be written to connectors/harvest/index.html"], False),
    ({"connectors/Harvest/guides/link-account/personal-access-token.md": "# Mine\n"},
     ["docs/connectors/Harvest/guides/link-account/personal-access-token.md and the page of "
      "guides/harvest/pat.yaml would both be written to " + GUIDE + "/index.html"], False),
], ids=["index-case", "connector-page", "connector-url", "guide-url-case"])
def test_a_hand_written_file_where_a_generated_page_goes_is_an_error(
        project, caplog, docs, names, agent_outputs) -> None:
    config = project({"harvest/pat.yaml": HARVEST},
                     docs={"index.md": "# Home\n", **docs},
                     plugin={"agent_outputs": agent_outputs})
    for strict in (True, False):
        caplog.clear()
        with pytest.raises(Abort):
            build(config, strict=strict)
        for name in names:
            assert name in caplog.text
        assert "Traceback" not in caplog.text


def test_a_hand_written_connectors_index_still_replaces_the_generated_one(project) -> None:
    site = build(project({"harvest/pat.yaml": HARVEST},
                         docs={"index.md": "# Home\n", "connectors/index.md": "# Our tools\n"}))
    page = BeautifulSoup((site / "connectors/index.html").read_text(), "html.parser")
    assert page.select_one("article h1").get_text(strip=True) == "Our tools"


def test_an_excluded_hand_written_file_is_no_clash(project) -> None:
    site = build(project({"harvest/pat.yaml": HARVEST},
                         docs={"index.md": "# Home\n", "connectors/harvest.md": "# Draft\n"},
                         config={"exclude_docs": "connectors/harvest.md"}))
    page = BeautifulSoup((site / "connectors/harvest/index.html").read_text(), "html.parser")
    assert page.select_one("article h1").get_text(strip=True) == "Harvest"


def test_accented_names_sort_with_their_letter_and_ids_are_capitalised(tmp_path) -> None:
    """'Ärzte' beside 'Arbeit' (not after 'Zebra'); the ids 'ärzte' and 'zubehör' read as
    'Ärzte' (one category with the one written so) and 'Zubehör', as 'zebra' reads 'Zebra'."""
    from guidebook.site import Options, load_site

    guide = ("connector: {{key: {key}, name: {name}, category: {category}}}\n"
             "auth: {{label: Token}}\nsections: [{{title: Go, content: Do it.}}]\n")
    written = [("zebra", "Zebra", "zebra"), ("arzte", "Ärzte", "ärzte"),
               ("arbeit", "Arbeit", "Ärzte"), ("ohm", "Öhm", "zubehör"), ("zz", "Zz", "Zebra")]
    for key, name, category in written:
        (tmp_path / key).mkdir()
        (tmp_path / key / "token.yaml").write_text(guide.format(key=key, name=name,
                                                                category=category), "utf-8")
    site = load_site(Options(guides_dir=tmp_path))
    assert site.problems == []
    assert [c.name for c in site.connectors] == ["Arbeit", "Ärzte", "Öhm", "Zebra", "Zz"]
    assert [(category, [c.name for c in entries]) for category, entries in site.placements] == [
        ("Ärzte", ["Arbeit", "Ärzte"]), ("Zebra", ["Zebra", "Zz"]), ("Zubehör", ["Öhm"])]
