"""llms.txt and llms-full.txt: parsed with the llmstxt.org reference parser, on real builds."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from llms_txt import parse_llms_file
from mkdocs.exceptions import Abort, PluginError

from conftest import FIXTURES, build, write_project
from guidebook.exports import LlmsPage, LlmsSettings, arrange, llms_txt, site_url_of

EXPORTS = FIXTURES / "exports"
SITE_URL = "https://guides.example.test/"


def _project(tmp_path: Path, *, config: dict | None = None, **plugin) -> Path:
    guides = {name: (EXPORTS / name).read_text(encoding="utf-8")
              for name in ("punchclock.yaml", "relay.yaml", "extra.yaml")}
    return write_project(tmp_path, guides, plugin=plugin, config={
        "site_description": "Guides for linking accounts.", **(config or {})},
        docs={"index.md": "# Home\n\nWelcome.\n",
              "about/team.md": "---\ndescription: Who we are.\n---\n# Team\n"})


def _resolve(site_dir: Path, url: str) -> Path:
    assert url.startswith(SITE_URL), url
    return site_dir / url[len(SITE_URL):]


def test_llms_txt_parses_into_sections_and_every_link_resolves(tmp_path) -> None:
    site_dir = build(_project(tmp_path))
    text = (site_dir / "llms.txt").read_text(encoding="utf-8")
    parsed = parse_llms_file(text)
    assert parsed.title == "Test guides"
    assert parsed.summary == "Guides for linking accounts."
    assert parsed.info == "Each link below is the Markdown version of a page of this site."
    assert list(parsed.sections) == ["Docs", "Messaging", "Time tracking", "Optional"]
    docs = [(link.title, link.url) for link in parsed.sections["Docs"]]
    assert docs == [("Home", SITE_URL + "index.md"), ("Team", SITE_URL + "about/team.md"),
                    ("Connectors", SITE_URL + "connectors.md")]
    assert parsed.sections["Docs"][1].desc == "Who we are."
    connector, relay = parsed.sections["Messaging"]  # the connector page, then its guides
    assert connector.title == "Relay"
    assert connector.url == SITE_URL + "connectors/relay.md"
    assert relay.title == "Connect Relay with OAuth 2.0 – Acme Hub"
    assert relay.url == SITE_URL + "connectors/relay/guides/link-account/oauth-2-0.md"
    assert relay.desc.startswith("How to link your Relay account to Acme Hub")
    assert [link.url for link in parsed.sections["Optional"]] == [  # all its guides optional
        SITE_URL + "connectors/zeta.md", SITE_URL + "connectors/zeta/guides/link-account/api-key.md"]
    for links in parsed.sections.values():
        for link in links:
            assert _resolve(site_dir, link.url).is_file(), link.url


@pytest.mark.parametrize("llms", [{}, {"sections": {"Featured": ["about/*", "*relay*"]},
                                       "optional": ["connectors/punchclock/*"]}],
                         ids=["default", "sections"])
def test_llms_full_holds_every_guide_once_in_llms_order(tmp_path, llms) -> None:
    site_dir = build(_project(tmp_path, llms=llms))
    full = (site_dir / "llms-full.txt").read_text(encoding="utf-8")
    sources = [line[len("Source: "):] for line in full.splitlines()
               if line.startswith("Source: ")]
    parsed = parse_llms_file((site_dir / "llms.txt").read_text(encoding="utf-8"))
    guide_urls = [link.url for links in parsed.sections.values() for link in links
                  if "/guides/" in link.url]
    assert sources == guide_urls and len(set(sources)) == 3
    for url in sources:
        body = _resolve(site_dir, url).read_text(encoding="utf-8")
        body = body[body.index("\n# ") + 1:]  # without the index directive
        assert body.strip() in full
    assert full.count("# Connect Relay with OAuth 2.0") == 1


def test_sections_optional_globs_details_and_full_off(tmp_path) -> None:
    site_dir = build(_project(tmp_path, llms={
        "sections": {"About us": ["about/*"]}, "optional": ["connectors/punchclock/*"],
        "details": "Every guide is also served as Markdown.", "full": False}))
    text = (site_dir / "llms.txt").read_text(encoding="utf-8")
    parsed = parse_llms_file(text)
    assert parsed.info == "Every guide is also served as Markdown."
    assert list(parsed.sections) == ["Docs", "About us", "Messaging", "Optional"]
    assert [link.title for link in parsed.sections["About us"]] == ["Team"]
    assert len(parsed.sections["Optional"]) == 4  # punchclock and zeta: connector and guide
    assert not (site_dir / "llms-full.txt").exists()


def test_a_section_of_one_glob_may_be_written_as_text(tmp_path) -> None:
    """`{"About us": "about/*"}` is the glob "about/*", not seven globs of one character."""
    site_dir = build(_project(tmp_path, llms={"sections": {"About us": "about/*"}}))
    parsed = parse_llms_file((site_dir / "llms.txt").read_text(encoding="utf-8"))
    assert [link.title for link in parsed.sections["About us"]] == ["Team"]


def test_budget_warning_fails_a_strict_build(tmp_path, caplog) -> None:
    config = _project(tmp_path, llms={"budget": 200})
    with caplog.at_level(logging.WARNING), pytest.raises((Abort, PluginError)):
        build(config)
    assert any("over the budget of 200" in r.getMessage() for r in caplog.records)


def test_llms_disabled_writes_no_llms_files_and_no_directive(tmp_path) -> None:
    site_dir = build(_project(tmp_path, llms={"enabled": False}))
    assert not (site_dir / "llms.txt").exists()
    twin = site_dir / "connectors/relay/guides/link-account/oauth-2-0.md"
    assert twin.read_text(encoding="utf-8").startswith("# Connect Relay")


def test_without_site_url_links_are_root_relative(tmp_path) -> None:
    site_dir = build(_project(tmp_path, config={"site_url": None}))
    parsed = parse_llms_file((site_dir / "llms.txt").read_text(encoding="utf-8"))
    for links in parsed.sections.values():
        for link in links:
            assert link.url.startswith("/") and (site_dir / link.url[1:]).is_file()


def test_llms_txt_escapes_what_the_parser_cannot_read() -> None:
    pages = [LlmsPage("A [beta] guide", "a b/c.md", "Two\nlines.", section="X")]
    text = llms_txt("Site", None, None, arrange(pages, LlmsSettings()), site_url_of(None))
    [link] = parse_llms_file(text).sections["X"]
    assert (link.title, link.url, link.desc) == ("A (beta) guide", "/a%20b/c.md", "Two lines.")


@pytest.mark.parametrize("batch", [1, 200])
def test_llms_full_is_the_same_whatever_it_is_written_in(tmp_path, monkeypatch, batch) -> None:
    """llms-full.txt is written about a megabyte at a time: written a part at a time, or a
    few parts at a time, it holds the same bytes."""
    whole = (build(_project(tmp_path / "whole")) / "llms-full.txt").read_bytes()
    monkeypatch.setattr("guidebook.exports._BATCH", batch)
    parts = (build(_project(tmp_path / "parts")) / "llms-full.txt").read_bytes()
    assert parts == whole and whole.count(b"\n---\n\n") == 2
