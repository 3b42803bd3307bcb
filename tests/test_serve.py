"""Incremental builds under `mkdocs serve`: after any sequence of edits the site is
byte-identical to a clean build of the same sources, and an edit re-renders only what it
changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from conftest import HARVEST, write_project

MKDOCS = str(Path(sys.executable).parent / "mkdocs")
EPOCH = "1767225600"  # both builds date their pages alike (sitemap.xml)

CONNECTOR = """\
StackOne: 1.0.0
info: {title: Acorn Payroll, key: acorn, description: Acorn runs payroll.}
authentication:
  - custom:
      label: API Token
      configFields:
        - {key: token, label: API Token, type: password, required: true, secret: true}
actions:
  $ref: acorn.pay
"""
PAY = "- {actionId: list_pay_runs, label: List Pay Runs, categories: [hris], scopes: [pay.read]}\n"


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _clean_build(config: Path, site: Path) -> dict[str, bytes]:
    """A clean build of the same sources, in a fresh process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": EPOCH}
    result = subprocess.run([MKDOCS, "build", "-q", "-f", str(config), "-d", str(site)],
                            env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return _tree(site)


class Session:
    """MkDocs' serve loop without the server: one plugin instance (kept by MkDocs because the
    plugin has on_startup), a build after each change, into one folder."""

    def __init__(self, config: Path, site: Path) -> None:
        from mkdocs.config import load_config

        self.config, self.site = config, site
        self.rendered: list[str] = []
        first = load_config(config_file=str(config), site_dir=str(site))
        first.plugins.on_startup(command="serve", dirty=False)
        self.plugins = first.plugins
        self.build(first)

    def build(self, config=None) -> dict[str, bytes]:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        if config is None:
            config = load_config(config_file=str(self.config), site_dir=str(self.site))
        build(config)
        return _tree(self.site)

    def close(self) -> None:
        self.plugins.on_shutdown()


def _edit(path: Path, change: Callable[[str], str]) -> None:
    text = change(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    stat = path.stat()  # a later mtime even on coarse clocks
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))


def _brand(config: Path, name: str) -> None:
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["plugins"][1]["guidebook"]["brand"]["name"] = name
    config.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_every_edit_gives_the_clean_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "project"
    guides = {f"c{i}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                                 f"key: c{i}, name: Co {i}") for i in range(4)}
    guides |= {"acorn/acorn.connector.s1.yaml": CONNECTOR, "acorn/acorn.pay.s1.partial.yaml": PAY}
    config = write_project(root, guides, plugin={"templates_dir": "tpl", "workers": 2})
    (root / "tpl").mkdir()
    g = root / "guides"
    edits: list[tuple[str, Callable[[], None]]] = [
        ("step text", lambda: _edit(g / "c1/pat.yaml",
                                    lambda t: t.replace("Tokens act for", "Tokens work for"))),
        ("guide title in the nav", lambda: _edit(g / "c2/pat.yaml",
                                                 lambda t: t.replace("{label: Personal Access "
                                                                     "Token}", "{label: PAT}"))),
        ("partial of a connector file", lambda: _edit(g / "acorn/acorn.pay.s1.partial.yaml",
                                                      lambda t: t.replace("List Pay Runs",
                                                                          "List Payslips"))),
        ("new guide", lambda: (g / "c9").mkdir() or (g / "c9/pat.yaml").write_text(
            HARVEST.replace("key: harvest, name: Harvest", "key: c9, name: Co 9"))),
        ("deleted guide", lambda: (g / "c0/pat.yaml").unlink()),
        ("template override", lambda: (root / "tpl/partials").mkdir() or
         (root / "tpl/partials/step.html.jinja").write_text(
             '<li class="custom-step">{{ step.title }}</li>\n')),
        ("brand", lambda: _brand(config, "Apex")),
        ("text again", lambda: _edit(g / "c3/pat.yaml",
                                     lambda t: t.replace("Save it", "Keep it safe"))),
    ]
    from guidebook import building

    rendered: list[str] = []
    real = building.Build._body_job

    def spy(self, src_uri, what, files):
        rendered.append(src_uri)
        return real(self, src_uri, what, files)

    monkeypatch.setattr(building.Build, "_body_job", spy)
    session = Session(config, tmp_path / "serve")
    try:
        for i, (name, edit) in enumerate(edits):
            edit()
            rendered.clear()
            served = session.build()
            clean = _clean_build(config, tmp_path / f"clean-{i}")
            assert sorted(served) == sorted(clean), name
            assert [k for k in clean if served[k] != clean[k]] == [], name
            if name == "step text":  # the edited guide's page and the pages listing it
                assert rendered[0] == ("connectors/c1/guides/link-account/"
                                       "personal-access-token/index.md"), rendered
                assert set(rendered[1:]) <= {"connectors/c1/index.md", "connectors/index.md"}
            if name == "partial of a connector file":  # its connector's page (and the index)
                assert set(rendered) <= {"connectors/acorn/index.md", "connectors/index.md"}
                assert "connectors/acorn/index.md" in rendered
            if name == "template override":  # everything
                assert len(rendered) >= 10, rendered
    finally:
        session.close()
