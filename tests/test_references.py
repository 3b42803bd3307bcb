"""Images and links in guides that point at nothing: reported with file:line:col by the plugin
(at MkDocs' `validation.links.not_found` level, so `--strict` fails) and by `guidebook validate`."""

from __future__ import annotations

import json
import logging

import pytest
from mkdocs.exceptions import Abort

from conftest import build, write_project
from test_cli import run

GUIDE = """\
connector: {key: harvest, name: Harvest}
auth: {label: Personal Access Token}
sections:
  - title: Create a token
    content: "See the [OAuth guide](../oauth-2-0/) and [Harvest](../../../) first."
    steps:
      - title: Open the developer page
        content: "![D](/images/there.png) [home](/) [A](/about/) [twin](../personal-access-token.md)"
        images:
          - {src: images/there.png, alt: Present}
          - {src: images/tpyo.png, alt: Missing}
      - title: Make the token
        list: ["![Old](old.png)", "[Start](/nowhere/#top)", "[Mail](mailto:a@b.test)"]
fields: [Token]
"""
DOCS = {"index.md": "# Home\n", "about.md": "# About\n", "images/there.png": "not really a png"}
BROKEN = [
    ("5:5", "link '../oauth-2-0/' matches no page or file of the site",
     "connectors/harvest/guides/link-account/oauth-2-0"),
    ("11:13", "image 'images/tpyo.png' does not exist in the docs folder", None),
    ("13:16", "image 'old.png' matches no page or file of the site",
     "connectors/harvest/guides/link-account/personal-access-token/old.png"),
    ("13:35", "link '/nowhere/#top' matches no page or file of the site", "nowhere"),
]


def _project(tmp_path, validation=None):
    config = {"validation": validation} if validation else {}
    return write_project(tmp_path, {"harvest/pat.yaml": GUIDE}, docs=DOCS, config=config)


def _reported(text: str) -> list[str]:
    return sorted(line.split("guidebook: ", 1)[1] for line in text.splitlines()
                  if "guidebook: guides/harvest/pat.yaml:" in line)


def test_broken_images_and_links_fail_a_strict_build(tmp_path, caplog) -> None:
    with pytest.raises(Abort):
        build(_project(tmp_path))
    reported = _reported(caplog.text)
    assert len(reported) == len(BROKEN)
    for where, message, resolved in BROKEN:
        line = next(r for r in reported if r.startswith(f"guides/harvest/pat.yaml:{where}: {message}"))
        assert resolved is None or f"it resolves to '{resolved}'" in line
    assert all(r.levelno == logging.WARNING for r in caplog.records if "pat.yaml:" in r.message)


def test_not_found_level_decides(tmp_path, caplog) -> None:
    caplog.set_level(logging.INFO)
    site = build(_project(tmp_path, {"links": {"not_found": "info"}}))
    assert (site / "connectors/harvest/guides/link-account/personal-access-token/index.html").exists()
    infos = [r for r in caplog.records if "pat.yaml:" in r.getMessage()]
    assert len(infos) == len(BROKEN) and {r.levelno for r in infos} == {logging.INFO}
    caplog.clear()
    build(_project(tmp_path, {"links": {"not_found": "ignore"}}))
    assert not [r for r in caplog.records if "pat.yaml:" in r.getMessage()]


def test_without_strict_the_site_builds_with_warnings(tmp_path, caplog) -> None:
    site = build(_project(tmp_path), strict=False)
    assert (site / "images/there.png").exists()
    assert len(_reported(caplog.text)) == len(BROKEN)


def test_a_clean_guide_passes(tmp_path) -> None:
    fixed = (GUIDE.replace("../oauth-2-0/", "../../../").replace("images/tpyo.png", "images/there.png")
             .replace("![Old](old.png)", "Old").replace("/nowhere/#top", "/about/#top"))
    write_project(tmp_path, {"harvest/pat.yaml": fixed}, docs=DOCS)
    build(tmp_path / "mkdocs.yml")
    assert run("validate", cwd=tmp_path).returncode == 0


def test_validate_reports_them(tmp_path) -> None:
    _project(tmp_path)
    result = run("validate", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    found = json.loads(result.stdout)["problems"]
    assert sorted((f"{p['line']}:{p['col']}", p["message"]) for p in found) == sorted(
        (where, message) for where, message, _ in BROKEN)
    assert {p["severity"] for p in found} == {"error"}
    _project(tmp_path, {"links": {"not_found": "info"}})
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "guides/harvest/pat.yaml:11:13: warning: image 'images/tpyo.png' does not exist" in result.stdout
