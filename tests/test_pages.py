"""`guidebook render --format pages`: the pages built by generators that run no plugin —
Zensical (installed by the `zensical` extras) and MkDocs with Material but without guidebook —
and their twins and llms.txt written into the built site afterwards."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file

from guidebook.cli import read_project
from guidebook.exports import twin_path
from guidebook.render import actions_json
from guidebook.site import load_site

FIXTURE = Path(__file__).parent / "fixtures" / "scopes-site"
ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent
SITE_URL = "https://guides.example.test/"


def run(tool: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A console script of this venv (guidebook, zensical, mkdocs), run in `cwd`."""
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([str(BIN / tool), *args], cwd=cwd, capture_output=True, text=True,
                            env=env, timeout=300)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def project(root: Path, *, plugin: bool = True) -> Path:
    """The picker fixture (three connectors, guides with scoped steps) with a site_url;
    `plugin=False` takes guidebook out of its mkdocs.yml (the project as MkDocs without the
    plugin sees it; Zensical ignores plugins, so it may stay) and keeps guidebook's options in
    guidebook.yml for the `guidebook` command (`-f guidebook.yml`)."""
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_url"] = SITE_URL
    config.pop("nav")  # the generators list docs/connectors/ by its folders
    if not plugin:
        (root / "guidebook.yml").write_text(yaml.safe_dump(config, sort_keys=False),
                                            encoding="utf-8")
        config["plugins"] = ["search"]
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return root


def config_of(root: Path) -> Path:
    """The configuration that holds guidebook's options."""
    return root / "guidebook.yml" if (root / "guidebook.yml").exists() else root / "mkdocs.yml"


def render_pages(root: Path) -> None:
    result = run("guidebook", "-f", config_of(root).name, "render", "--format", "pages",
                 "--out", "docs/connectors", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def check_pages(root: Path, site: Path) -> None:
    """Every guide page of the fixture is in the built `site` with each of its steps, the
    picker's data, and its stylesheet and script (files of the site); every connector page
    is there, and the connectors index links them all."""
    model = load_site(read_project(str(config_of(root))).options)
    guides = model.pages
    assert guides and any(p.guide.actions for p in guides)
    for page in guides:
        html = site / page.url / "index.html"
        assert html.is_file(), f"{page.url} was not built"
        doc = soup(html)
        assert doc.select_one("h1").get_text(strip=True) == page.title
        steps = [s.title for section in page.guide.sections for s in section.steps]
        assert [li.select_one(".gb-step__title").get_text(strip=True)
                for li in doc.select("section[data-guide-section] li.gb-step")] == steps
        panel = doc.select_one("[data-guides-scope-selector]")
        if page.guide.actions:
            assert json.loads(panel["data-guide-actions-json"]) == actions_json(page.guide)
        url = f"{SITE_URL}{page.url}"
        assets = [urljoin(url, s["src"]) for s in doc.select("script[src]")]
        assets += [urljoin(url, s["href"]) for s in doc.select("link[rel=stylesheet]")]
        for name in ("guidebook.js", "guidebook.css"):
            found = [a for a in assets if a.endswith(f"/{name}")]
            assert found == [f"{SITE_URL}connectors/{name}"], found
            assert (site / "connectors" / name).is_file()
    for entry in model.connectors:
        assert soup(site / entry.url / "index.html").select_one("h1").get_text(strip=True) \
            == entry.name
    index = f"{SITE_URL}connectors/"
    links = {urljoin(index, a["href"])
             for a in soup(site / "connectors" / "index.html").select("article a[href]")}
    assert {f"{SITE_URL}{c.url}" for c in model.connectors} <= links


def check_agent_files(root: Path, site: Path, plugin_site: Path | None = None, *,
                      write: bool = True) -> None:
    """`render --site` (run here with `write`) wrote every twin llms.txt links into the built
    site (each equal to the plugin build's, when given) and llms-full.txt."""
    if write:
        result = run("guidebook", "-f", config_of(root).name, "render", "--format", "pages",
                     "--site", str(site), cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
    llms = parse_llms_file((site / "llms.txt").read_text(encoding="utf-8"))
    links = [link["url"] for section in llms["sections"].values() for link in section]
    guides = load_site(read_project(str(config_of(root))).options).pages
    assert {f"{SITE_URL}{twin_path(p.url)}" for p in guides} <= set(links)
    for link in links:
        path = urlsplit(link).path.lstrip("/")
        twin = (site / path).read_text(encoding="utf-8")
        if plugin_site is not None:
            assert twin == (plugin_site / path).read_text(encoding="utf-8"), path
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    assert all(f"Source: {SITE_URL}{twin_path(p.url)}" in full for p in guides)
    for page in guides:  # each page's menu views its twin, and points agents at llms.txt
        doc = soup(site / page.url / "index.html")
        view = urljoin(f"{SITE_URL}{page.url}", doc.select_one("a[data-gb-view-markdown]")["href"])
        assert view == f"{SITE_URL}{twin_path(page.url)}"
        assert (site / twin_path(page.url)).is_file()
        assert f"{SITE_URL}llms.txt" in doc.select_one("[data-gb-directive]").get_text()
        assert doc.select_one("script[src$='connectors/guidebook-export.js']") is not None


def readme_commands() -> list[list[str]]:
    """The commands the README gives for Zensical, in order (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Zensical, ProperDocs, or MkDocs without the plugin"):]
    block = section[section.index("```sh\n") + 6:section.index("```\n", section.index("```sh"))]
    return [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]


def test_zensical_builds_the_pages(tmp_path: Path) -> None:
    """Zensical loads no plugin: the pages the README's commands render are what it builds
    (with --strict), and its last command adds the twins, equal to the plugin build's."""
    pytest.importorskip("zensical", reason="the zensical extras are not installed")
    root = project(tmp_path / "zensical")
    commands = readme_commands()
    assert [c[:2] for c in commands] == [["guidebook", "render"], ["zensical", "build"],
                                         ["guidebook", "render"]]
    for command in commands:
        strict = ["--strict"] if command[0] == "zensical" else []
        result = run(command[0], *command[1:], *strict, cwd=root)
        assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    check_pages(root, site)
    # the plugin's own build of the same project: the twins are the same files
    plugin = project(tmp_path / "plugin")
    built = run("mkdocs", "build", "--strict", cwd=plugin)
    assert built.returncode == 0, built.stderr
    check_agent_files(root, site, plugin / "site", write=False)


def test_mkdocs_without_the_plugin_builds_the_pages(tmp_path: Path) -> None:
    """MkDocs and Material without guidebook build the same pages, --strict, titled by the
    guides in the navigation."""
    root = project(tmp_path, plugin=False)
    render_pages(root)
    result = run("mkdocs", "build", "--strict", cwd=root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    check_pages(root, site)
    guides = load_site(read_project(str(config_of(root))).options).pages
    assert all("Fixture Hub" in p.title for p in guides)  # guidebook.yml's brand
    nav = {a.get_text(" ", strip=True) for a in soup(site / "index.html").select(".md-nav__link")}
    assert {p.title for p in guides} <= nav
    check_agent_files(root, site)


def guidebook(root: Path, *args: str, capsys: pytest.CaptureFixture[str],
              monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    """`guidebook ARGS` in this process, in `root`: (exit code, stdout, stderr)."""
    from guidebook.cli import main

    monkeypatch.chdir(root)
    monkeypatch.setenv("NO_COLOR", "1")
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_render_pages_check_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    render_pages(root)
    out = root / "docs" / "connectors"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert "guidebook.js" in written and "index.md" in written

    def cli(*args: str) -> tuple[int, str, str]:
        return guidebook(root, *args, capsys=capsys, monkeypatch=monkeypatch)

    pages = ("render", "--format", "pages")
    code, stdout, _ = cli(*pages, "--out", "docs/connectors", "--check")
    assert code == 0, stdout
    guide = next(p for p in written if "/guides/" in p)
    (out / guide).write_text("changed", encoding="utf-8")
    code, stdout, _ = cli(*pages, "--out", "docs/connectors", "--check")
    assert code == 1 and f"docs/connectors/{guide}: out of date" in stdout
    code, _, stderr = cli(*pages, "--out", "docs/integrations")
    assert code == 1 and "use --out <docs folder>/connectors" in stderr
    code, _, stderr = cli(*pages, "--site", "site")
    assert code == 1 and "no built site there" in stderr
    code, _, stderr = cli("render", "--site", "site")
    assert code == 1 and "--site goes with --format pages" in stderr
    code, _, stderr = cli(*pages)  # a usage error, as a missing --out is without pages
    assert code == 2 and "Missing option '--out'" in stderr and "--site after it" in stderr
