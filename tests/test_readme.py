"""The README's configuration snippets, written into a project as they stand, build together:
mkdocs.yml and the white-label file that inherits from it (both with --strict), with the
guide of its format reference as well."""

from __future__ import annotations

import logging
import re

import pytest
from bs4 import BeautifulSoup

from conftest import HARVEST, ROOT, build

SNIPPET = re.compile(r"```yaml\n(# (mkdocs[\w.]*\.yml)\b.*?)```", re.DOTALL)
PAGE = "connectors/harvest/guides/link-account/personal-access-token/index.html"
LIST_FORM = """\
site_name: Conduit guides
theme: {name: material}
plugins:
  - search
  - guidebook:
      brand: {name: Conduit, hub: Conduit Hub, callback_base: https://api.conduit.example}
"""


def readme_configs() -> dict[str, str]:
    """The README's yaml snippets that start with a `# mkdocs….yml` comment, by file name."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return {name: body for body, name in SNIPPET.findall(text)}


@pytest.fixture
def readme_project(tmp_path):
    configs = readme_configs()
    assert set(configs) == {"mkdocs.yml", "mkdocs.whitelabel.yml"}
    for name, body in configs.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    (tmp_path / "guides/harvest").mkdir(parents=True)
    (tmp_path / "guides/harvest/pat.yaml").write_text(HARVEST, encoding="utf-8")
    return tmp_path


GUIDE = re.compile(r"```yaml\n(# (guides/[\w./-]+\.yaml)\n.*?)```", re.DOTALL)


def test_the_format_reference_guide_builds_as_written(readme_project) -> None:
    """The guide of 'The guide format', every key filled in, is a guide as it stands."""
    (guide_text, path), = GUIDE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    (readme_project / "guides/harvest/pat.yaml").unlink()
    (readme_project / path).write_text(guide_text, encoding="utf-8")
    (readme_project / "docs/index.md").write_text("# Guides\n", encoding="utf-8")
    site = build(readme_project / "mkdocs.yml")
    page = BeautifulSoup((site / PAGE).read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("article h1").get_text(strip=True) == (
        "Connect Harvest with a Personal Access Token")
    assert (site / "harvest/pat/index.html").is_file()  # redirect_from
    partner = build(readme_project / "mkdocs.whitelabel.yml")
    assert (partner / PAGE).is_file()


def _brand_in_page(site) -> str:
    page = BeautifulSoup((site / PAGE).read_text(encoding="utf-8"), "html.parser")
    return page.select_one("article").get_text(" ", strip=True)


def test_readme_snippets_build_together(readme_project, caplog) -> None:
    site = build(readme_project / "mkdocs.yml")
    assert "Conduit link" in _brand_in_page(site)
    assert (site / "search/search_index.json").exists()
    partner = build(readme_project / "mkdocs.whitelabel.yml")
    assert partner == readme_project / "site-whitelabel"
    text = _brand_in_page(partner)
    assert "Northwind link" in text and "Conduit" not in text
    assert (partner / "search/search_index.json").exists()  # search survived INHERIT
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_plugins_list_under_inherit_is_warned_about(readme_project, caplog) -> None:
    (readme_project / "mkdocs.yml").write_text(LIST_FORM, encoding="utf-8")
    partner = build(readme_project / "mkdocs.whitelabel.yml", strict=False)
    assert not (partner / "search/search_index.json").exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("white-label build with the default brands" in w for w in warnings)
    assert any("mkdocs.whitelabel.yml uses INHERIT and the merged config has no search plugin"
               in w for w in warnings)
