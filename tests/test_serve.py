"""Incremental builds under `mkdocs serve`: after any sequence of edits the site is
byte-identical to a clean build of the same sources, and an edit re-renders only what it
changed."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import HARVEST, free_port, stop_process, write_project
from guidebook.watcher import LOCAL_FILESYSTEMS, filesystem

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


def _assert_clean(served: dict[str, bytes], config: Path, site: Path, name: str) -> None:
    """The served site is byte for byte a clean build of the same sources (after `name`)."""
    clean = _clean_build(config, site)
    assert sorted(served) == sorted(clean), name
    assert [k for k in clean if served[k] != clean[k]] == [], name


class Session:
    """MkDocs' serve loop without the server: one plugin instance (kept by MkDocs because the
    plugin has on_startup), and after each change what `mkdocs serve` runs: the plugin's
    `rebuild`, which applies an edit of guide files in place or has MkDocs build the site."""

    def __init__(self, config: Path, site: Path) -> None:
        from mkdocs.config import load_config

        self.config, self.site = config, site
        first = load_config(config_file=str(config), site_dir=str(site))
        first.plugins.on_startup(command="serve", dirty=False)
        self.plugins = first.plugins
        self.plugin = first.plugins["guidebook"]
        self.full_builds = 0
        self._build(first)

    def _build(self, config=None) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        self.full_builds += 1
        if config is None:
            config = load_config(config_file=str(self.config), site_dir=str(self.site))
        build(config)

    def build(self) -> tuple[dict[str, bytes], bool]:
        """The site after a change, and whether it was built in full."""
        before = self.full_builds
        self.plugin.rebuild(self._build)
        return _tree(self.site), self.full_builds > before

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
    # (served from a file that inherits mkdocs.yml; pages with an Edit button)
    config = write_project(root, guides, plugin={"templates_dir": "tpl", "workers": 2},
                           config={"repo_url": "https://github.com/acme/docs",
                                   "theme": {"name": "material",
                                             "features": ["content.action.edit"]}})
    served_from = root / "dev.yml"
    served_from.write_text("INHERIT: mkdocs.yml\n", encoding="utf-8")
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
        ("template override", lambda: [
            (root / "tpl/partials").mkdir(),
            (root / "tpl/partials/step.html.jinja").write_text(
                '<li class="custom-step">{{ step.title }}</li>\n'),
            (root / "tpl/partials/callout.html.jinja").write_text(  # (a warning that names
                '<div class="admonition {{ type }}"{% if "boost" in text %} '  # a boost boosts)
                'data-search-boost="2"{% endif %}>\n{{ text | md }}\n</div>\n')]),
        ("brand", lambda: _brand(config, "Apex")),
        ("text again", lambda: _edit(g / "c3/pat.yaml",
                                     lambda t: t.replace("Save it", "Keep it safe"))),
        ("a page the search plugin rewrites", lambda: _edit(g / "c2/pat.yaml", lambda t: t.replace(
            "You need a Harvest login", "You need a boosted Harvest login"))),
        ("an editor's swap file", lambda: (g / "c3/.pat.yaml.swp").write_bytes(b"swap")),
        ("a save reported twice", lambda: None),
        ("a comment", lambda: _edit(g / "c3/pat.yaml", lambda t: t + "# checked in May\n")),
        # (the Edit button of c9's guide page and of its connector's page, which has no
        # connector file, names the guide's file: all that changes on those pages)
        ("a note beside the guides, a guide file renamed", lambda: [
            (g / "c3/notes.txt").write_text("To do.\n"),
            (g / "c9/pat.yaml").rename(g / "c9/token.yaml")]),
        ("description", lambda: _edit(g / "c3/pat.yaml", lambda t: t.replace(
            "auth: {label: Personal Access Token}\n",
            "auth: {label: Personal Access Token}\ndescription: Get a token and link it.\n"))),
        ("two guides at once", lambda: [_edit(g / f"c{i}/pat.yaml",
                                              lambda t: t.replace("Make the token", "Mint it"))
                                        for i in (1, 3)]),
        ("a broken guide", lambda: _edit(g / "c1/pat.yaml",
                                         lambda t: t.replace("sections:", "sektions:"))),
        ("mended", lambda: _edit(g / "c1/pat.yaml",
                                 lambda t: t.replace("sektions:", "sections:"))),
        ("a docs page", lambda: (root / "docs/extra.md").write_text("# Extra\n\nMore.\n")),
        ("the icon and status of a docs page (in every page's sidebar)",
         lambda: _edit(root / "docs/index.md",
                       lambda t: "---\nicon: material/star\nstatus: new\n---\n" + t)),
        ("the site name, in the file the config inherits", lambda: _edit(
            config, lambda t: t.replace("site_name: Test guides", "site_name: Other guides"))),
        ("text after all that", lambda: _edit(g / "c1/pat.yaml",
                                              lambda t: t.replace("Mint it", "Make it"))),
    ]
    in_place = {"step text", "partial of a connector file", "text again", "a comment",
                "description", "two guides at once", "text after all that"}
    unchanged = {"an editor's swap file", "a save reported twice"}  # nothing rendered again
    from guidebook import building

    rendered: list[str] = []
    real = building.Build._body_job

    def spy(self, src_uri, what, files):
        rendered.append(src_uri)
        return real(self, src_uri, what, files)

    monkeypatch.setattr(building.Build, "_body_job", spy)
    session = Session(served_from, tmp_path / "serve")
    try:
        for i, (name, edit) in enumerate(edits):
            edit()
            rendered.clear()
            served, full = session.build()
            _assert_clean(served, served_from, tmp_path / f"clean-{i}", name)
            assert full == (name not in in_place | unchanged), name
            if name in unchanged:
                assert rendered == [], rendered
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


def test_a_connector_file_that_did_not_load_loads_again_when_its_partial_is_mended(
        tmp_path: Path, monkeypatch) -> None:
    """A connector file that fails because of a partial (broken, missing, deleted) is loaded
    again when that partial changes, comes or comes back: the partials it read or looked
    for are its inputs even when it did not load (the serve session used to repeat the old
    error, "0 pages written again", until the connector file itself was saved)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "project"
    config = write_project(root, {"acorn/acorn.connector.s1.yaml": CONNECTOR,
                                  "acorn/acorn.pay.s1.partial.yaml": PAY})
    g = root / "guides/acorn"
    pay, more = g / "acorn.pay.s1.partial.yaml", g / "acorn.more.s1.partial.yaml"
    more_text = "- {actionId: list_payslips, label: List Payslips, categories: [hris]}\n"
    edits: list[tuple[str, Callable[[], None], bool]] = [
        ("a broken partial", lambda: _edit(pay, lambda t: "- actionId: [broken\n"), False),
        ("mended", lambda: _edit(pay, lambda t: PAY), True),
        ("a $ref to a partial not made yet",
         lambda: _edit(g / "acorn.connector.s1.yaml", lambda t: t + "  $ref: acorn.more\n"),
         False),
        ("the partial made", lambda: more.write_text(more_text, encoding="utf-8"), True),
        ("the partial deleted", lambda: more.unlink(), False),
        ("the partial back", lambda: more.write_text(more_text, encoding="utf-8"), True),
    ]
    session = Session(config, tmp_path / "serve")
    try:
        for i, (name, edit, loads) in enumerate(edits):
            edit()
            served, _ = session.build()
            assert ("connectors/acorn/index.html" in served) == loads, name
            if loads:  # (each mended state against a clean build; a failed one has no page)
                _assert_clean(served, config, tmp_path / f"clean-{i}", name)
        assert b"List Payslips" in served["connectors/acorn/index.html"]
    finally:
        session.close()


def test_an_edit_where_guides_are_links_gives_the_clean_build(tmp_path: Path,
                                                              monkeypatch) -> None:
    """An edit walks the guides folder again where some of its files are links (where a link
    leads is part of what a build finds there; without links, names are all): a linked guide
    edited through its link is applied in place, and the link moved to a file outside the
    folder drops the guide, as a clean build does. A docs page in a linked folder (MkDocs
    follows links in the docs folder) edited through the link builds the site again."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "project"
    guides = {f"c{i}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                                 f"key: c{i}, name: Co {i}") for i in range(2)}
    linked = HARVEST.replace("key: harvest, name: Harvest", "key: c5, name: Co 5")
    guides[".store/c5.yaml"] = linked  # (a hidden folder: not a guide of its own)
    config = write_project(root, guides, plugin={"workers": 2})
    link = root / "guides/c5/pat.yaml"
    link.parent.mkdir()
    link.symlink_to(root / "guides/.store/c5.yaml")
    outside = root / "elsewhere/c5.yaml"
    outside.parent.mkdir()
    outside.write_text(textwrap.dedent(linked), encoding="utf-8")
    os.utime(outside, ns=(1, 1))  # (not the stamp the link's file had)
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/faq.md").write_text("# FAQ\n\nOne.\n", encoding="utf-8")
    (root / "docs/shared").symlink_to(tmp_path / "shared")

    def retarget() -> None:
        link.unlink()
        link.symlink_to(outside)

    edits = [("through the link", True,
              lambda: _edit(link, lambda t: t.replace("Tokens act for", "Tokens work for"))),
             ("the link leads outside", False, retarget),
             ("a docs page in a linked folder", False,
              lambda: _edit(root / "docs/shared/faq.md", lambda t: t.replace("One.", "Two.")))]
    session = Session(config, tmp_path / "serve")
    try:
        for i, (name, in_place, edit) in enumerate(edits):
            edit()
            served, full = session.build()
            _assert_clean(served, config, tmp_path / f"clean-{i}", name)
            assert full != in_place, name
        assert not any(k.startswith("connectors/c5/") for k in served)
        assert b"Two." in served["shared/faq/index.html"]
    finally:
        session.close()


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except OSError:
        return 0, b""


def _until(condition: Callable[[], bool], process: subprocess.Popen[bytes], log: Path,
           what: str) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"mkdocs serve: {what}:\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.1)


UNCHANGED_LOG = "no file the site is built from changed"
KEPT_LOG = "0 pages written again in place"


def _epoch(html: bytes) -> int:
    """The version of the site a served page was given (MkDocs' live-reload script, the last
    script of the page: the page reloads when the server has a newer one)."""
    script = BeautifulSoup(html, "html.parser").find_all("script")[-1].get_text()
    found = re.search(r"livereload\((\d+), \d+\)", script)
    assert found, script
    return int(found[1])


def test_mkdocs_serve_applies_a_guide_edit_in_place(tmp_path: Path) -> None:
    """A real `mkdocs serve`: an edited step shows in the page, its twin, llms-full.txt and the
    search index without a full build; an edited title (which every page's navigation shows)
    builds the site again."""
    root = tmp_path / "project"
    config = write_project(root, {f"c{i}/pat.yaml": HARVEST.replace(
        "key: harvest, name: Harvest", f"key: c{i}, name: Co {i}") for i in range(3)})
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    page = base + "connectors/c1/guides/link-account/personal-access-token/"
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([MKDOCS, "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"],
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        _until(lambda: _get(page)[0] == 200, process, log, "the page was never served")
        builds = log.read_text().count("Building documentation")
        _edit(root / "guides/c1/pat.yaml", lambda t: t.replace("Make the token", "Mint a token"))
        _until(lambda: b"Mint a token" in _get(page)[1], process, log, "the edit never showed")
        twin = _get(page.rstrip("/") + ".md")[1].decode()
        assert "Mint a token" in twin and "Make the token" not in twin
        assert "Mint a token" in _get(base + "llms-full.txt")[1].decode()
        index = json.loads(_get(base + "search/search_index.json")[1])
        assert any("Mint a token" in doc["title"] for doc in index["docs"]
                   if doc["location"].startswith("connectors/c1/guides/"))
        text = log.read_text()
        assert "in place" in text and text.count("Building documentation") == builds, text
        # A change reported that changes nothing the site is built from: the site is left as it
        # is, and the open pages are not told to reload. On a local file system guidebook's
        # inotify watch alone watches the guides: a guide's times set to what they were (an
        # editor's swap file wakes nothing there); elsewhere MkDocs' poller reports the swap file.
        epoch = _epoch(_get(page)[1])
        unchanged = text.count(UNCHANGED_LOG)
        if filesystem(str(root / "guides")) in LOCAL_FILESYSTEMS:
            # (named in full: the folder is outside the working folder)
            assert f"watching '{root / 'guides'}' for changes (inotify)" in text
            found = (root / "guides/c1/pat.yaml").stat()
            os.utime(root / "guides/c1/pat.yaml", ns=(found.st_atime_ns, found.st_mtime_ns))
        else:
            (root / "guides/c1/.pat.yaml.swp").write_bytes(b"swap")
        _until(lambda: log.read_text().count(UNCHANGED_LOG) > unchanged, process, log,
               "the change was never reported")
        assert _epoch(_get(page)[1]) == epoch
        # A change no page shows (a comment): applied in place, the open pages kept as well
        kept = log.read_text().count(KEPT_LOG)
        _edit(root / "guides/c1/pat.yaml", lambda t: t + "# checked in May\n")
        _until(lambda: log.read_text().count(KEPT_LOG) > kept, process, log,
               "the comment was never reported")
        assert _epoch(_get(page)[1]) == epoch
        _edit(root / "guides/c2/pat.yaml",
              lambda t: t.replace("{label: Personal Access Token}", "{label: PAT}"))
        other = base + "connectors/c2/guides/link-account/pat/"
        _until(lambda: _get(other)[0] == 200, process, log, "the renamed guide never showed")
        assert log.read_text().count("Building documentation") == builds + 1
        assert b"Mint a token" in _get(page)[1]
    finally:
        stop_process(process, signal.SIGINT)  # mkdocs serve removes its temporary site on Ctrl-C


def _woken(server, timeout: float) -> bool:
    """Whether `server`'s build loop is asked to build within `timeout` seconds (and the ask,
    taken as the loop takes it)."""
    with server._rebuild_cond:
        woken = server._rebuild_cond.wait_for(lambda: server._want_rebuild, timeout=timeout)
        server._want_rebuild = False
    return woken


@contextmanager
def _on_serve(config_file: Path, site_dir: Path) -> Iterator[tuple[Any, Any]]:
    """guidebook's plugin and MkDocs' `LiveReloadServer` after the plugin's `on_serve` (the
    server's poller not started), until `on_shutdown`."""
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    config = load_config(config_file=str(config_file), site_dir=str(site_dir))
    config.plugins.on_startup(command="serve", dirty=False)
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=free_port(),
                              root=str(site_dir))
    config.plugins.on_serve(server, config=config, builder=server.builder)
    try:
        yield config.plugins["guidebook"], server
    finally:
        config.plugins.on_shutdown()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_a_save_wakes_the_serve_loop_without_the_poller(tmp_path: Path, monkeypatch) -> None:
    """MkDocs' `LiveReloadServer` with guidebook's `on_serve` and its poller never started:
    guidebook's inotify watch alone wakes the build loop on a save of a guide, and not when a
    build reads the guides or an editor writes a hidden file; `on_shutdown` ends the watch."""
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "project"
    config_file = write_project(root, {"harvest/pat.yaml": HARVEST})
    with _on_serve(config_file, tmp_path / "site") as (plugin, server):
        assert plugin.watch is not None and not server.observer.is_alive()
        # (on a local file system the poller does not watch the guides at all)
        local = filesystem(str(root / "guides")) in LOCAL_FILESYSTEMS
        assert plugin.watch.sees_everything == local
        assert (str(root / "guides") in server._watched_paths) == (not local)
        guide = root / "guides/harvest/pat.yaml"
        guide.read_text(encoding="utf-8")  # a build reading the guides
        (root / "guides/harvest/.pat.yaml.swp").write_bytes(b"swap")
        (root / "guides/.cache").mkdir()
        (root / "guides/.cache/state.yaml").write_text("a: 1\n")
        assert not _woken(server, 1.0)
        _edit(guide, lambda t: t.replace("Make the token", "Mint a token"))
        assert _woken(server, 30.0)
        (root / "guides/harvest/pat.yaml").rename(root / "guides/harvest/token.yaml")
        assert _woken(server, 30.0)
        os.utime(root / "guides/harvest/token.yaml")  # `touch`: a build, please
        assert _woken(server, 30.0)
    assert plugin.watch is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
@pytest.mark.parametrize("shape", ["a network share", "a link inside"])
def test_the_poller_keeps_watching_what_inotify_may_not_see(tmp_path: Path, monkeypatch,
                                                             shape: str) -> None:
    """Where the guides are on a file system other machines write to (NFS, SMB, VM shares),
    or a link below the guides folder leads elsewhere, MkDocs' poller watches the folder
    beside guidebook's inotify watch (a change made there reaches no inotify watch)."""
    from guidebook import watcher

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "project"
    config_file = write_project(root, {"harvest/pat.yaml": HARVEST})
    if shape == "a network share":
        monkeypatch.setattr(watcher, "filesystem", lambda path: "nfs4")
    else:
        (tmp_path / "shared").mkdir()
        (root / "guides/shared").symlink_to(tmp_path / "shared")
    with _on_serve(config_file, tmp_path / "site") as (plugin, server):
        assert plugin.watch is not None and not plugin.watch.sees_everything
        assert str(root / "guides") in server._watched_paths


def test_folder_stamps_follows_links_to_folders_as_mkdocs_does(tmp_path: Path) -> None:
    """The docs folder's stamps follow links to folders, as MkDocs' `get_files` does, but not
    round a loop (a link to a folder it is in: what it leads to is stamped already); the
    guides folder's do not enter them, as the guides' loader does not."""
    from guidebook.servecache import folder_stamps

    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/faq.md").write_text("# FAQ\n")
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n")
    (docs / "sub/shared").symlink_to(tmp_path / "shared")
    (docs / "sub/loop").symlink_to(docs)
    found = [os.path.relpath(p, docs) for p, _ in folder_stamps(docs)]
    assert found == ["index.md", "sub/shared/faq.md"]
    assert [os.path.relpath(p, docs) for p, _ in folder_stamps(docs, lambda name: True)] == [
        "index.md"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_folders_named_in_an_edited_config_are_watched(tmp_path: Path, monkeypatch) -> None:
    """Each build of a serve session watches the folders its options name: a guides folder
    or a template folder named in mkdocs.yml while the server runs is watched from that
    build on, and the guides folder it no longer names is not."""
    from mkdocs.config import load_config

    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    root = tmp_path / "project"
    config_file = write_project(root, {"harvest/pat.yaml": HARVEST})
    with _on_serve(config_file, tmp_path / "site") as (plugin, server):
        (root / "tpl").mkdir()
        (root / "guides2/harvest").mkdir(parents=True)
        (root / "guides2/harvest/pat.yaml").write_text(textwrap.dedent(HARVEST))
        data = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        data["plugins"][1]["guidebook"] |= {"guides_dir": "guides2", "templates_dir": "tpl"}
        config_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        config = load_config(config_file=str(config_file), site_dir=str(tmp_path / "site"))
        assert config.plugins["guidebook"] is plugin  # (kept for the session, as MkDocs does)
        config.plugins.on_config(config)  # (what the next build of the session starts with)
        assert plugin.watch is not None and plugin.watch.folder == str(root / "guides2")
        assert str(root / "tpl") in server._watched_paths
        assert str(root / "guides") not in server._watched_paths
        assert (str(root / "guides2") in server._watched_paths) != plugin.watch.sees_everything
        _edit(root / "guides/harvest/pat.yaml", lambda t: t.replace("Make the", "Mint the"))
        assert not _woken(server, 0.5)
        _edit(root / "guides2/harvest/pat.yaml", lambda t: t.replace("Make the", "Mint the"))
        assert _woken(server, 30.0)
        del data["plugins"][1]["guidebook"]["templates_dir"]
        config_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        config = load_config(config_file=str(config_file), site_dir=str(tmp_path / "site"))
        config.plugins.on_config(config)
        assert str(root / "tpl") not in server._watched_paths


MOUNTS = textwrap.dedent("""\
    22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
    25 22 0:21 / /home/me/My\\040Docs rw shared:5 - nfs4 server:/docs rw,vers=4.2
    26 22 0:22 / /srv rw shared:6 - 9p guests rw
    27 26 0:23 / /srv rw shared:7 - tmpfs tmpfs rw
    28 22 0:24 / /srv2 rw - fuse.sshfs me@host:/ rw
""")


def test_filesystem_reads_the_mount_of_a_path() -> None:
    """The file system of a path is its longest mount point's (the later of two mounts on one
    point: it is on top), with the table's escapes read."""
    assert filesystem("/home/me/guides", MOUNTS) == "ext4"
    assert filesystem("/home/me/My Docs/guides", MOUNTS) == "nfs4"
    assert filesystem("/home/me/My Docs", MOUNTS) == "nfs4"
    assert filesystem("/home/me/My Docsx", MOUNTS) == "ext4"
    assert filesystem("/srv/guides", MOUNTS) == "tmpfs"
    assert filesystem("/srv2/guides", MOUNTS) == "fuse.sshfs"
    assert filesystem("/anything", "") is None
    assert "nfs4" not in LOCAL_FILESYSTEMS and "fuse.sshfs" not in LOCAL_FILESYSTEMS


def test_the_watched_folder_is_shown_as_mkdocs_shows_its_own(tmp_path: Path, monkeypatch) -> None:
    """Relative to the working folder when inside it (MkDocs lists 'docs', 'mkdocs.yml'), in
    full when not."""
    from guidebook.watcher import _shown

    (tmp_path / "project/guides").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    monkeypatch.chdir(tmp_path / "project")
    assert _shown(str(tmp_path / "project/guides")) == "guides"
    assert _shown(str(tmp_path / "other")) == str(tmp_path / "other")
