"""The render worker: same results as in-process rendering, failures named, never a hang."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from conftest import HARVEST, build, write_project
from guidebook.prerender import Board, Prerender, RenderError, Spool, can_fork


def _jobs(n: int, delay: float = 0.0, log: Path | None = None) -> list[tuple[str, object]]:
    def job(i: int) -> tuple[int, int]:
        time.sleep(delay)
        if log is not None:
            with log.open("a") as out:  # one short append per job: atomic across processes
                out.write(f"{i}\n")
        return i, os.getpid()

    return [(f"k{i}", (lambda i=i: job(i))) for i in range(n)]


def _companies(n: int, digits: int = 1) -> dict[str, str]:
    """`n` copies of the Harvest guide, as connectors c0, c1, ... (numbers `digits` wide)."""
    keys = [f"c{i:0{digits}d}" for i in range(n)]
    return {f"{key}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                               f"key: {key}, name: Co {key[1:]}")
            for key in keys}


@pytest.mark.skipif(not can_fork(), reason="the worker needs fork (Linux)")
def test_caller_takes_the_front_and_worker_the_back(tmp_path: Path) -> None:
    log = tmp_path / "ran.txt"
    pool = Prerender(_jobs(40, delay=0.01, log=log), parallel=True)
    assert pool.parallel
    got = [pool.get(f"k{i}") for i in range(40)]
    pool.close()
    assert [i for i, _ in got] == list(range(40))
    assert sorted(int(line) for line in log.read_text().split()) == list(range(40))  # once each
    mine = [pid == os.getpid() for _, pid in got]
    split = mine.index(False)  # the caller ran a prefix, the worker the rest
    assert 5 < split < 35 and all(mine[:split]) and not any(mine[split:])


@pytest.mark.skipif(not can_fork(), reason="the worker needs fork (Linux)")
def test_any_order_of_asking_gives_every_result_once(tmp_path: Path) -> None:
    log = tmp_path / "ran.txt"
    pool = Prerender(_jobs(30, delay=0.002, log=log), parallel=True)
    got = {f"k{i}": pool.get(f"k{i}") for i in [*range(29, 14, -1), *range(15)]}
    pool.close()
    assert sorted(i for i, _ in got.values()) == list(range(30))
    assert sorted(int(line) for line in log.read_text().split()) == list(range(30))


@pytest.mark.skipif(not can_fork(), reason="the worker needs fork (Linux)")
def test_a_killed_worker_leaves_the_rest_to_the_caller() -> None:
    pool = Prerender(_jobs(20, delay=0.01), parallel=True)
    first = pool.get("k0")
    pool._process.kill()  # simulate a crash
    rest = [pool.get(f"k{i}") for i in range(1, 20)]
    pool.close()
    assert [i for i, _ in [first, *rest]] == list(range(20))


def test_serial_runs_each_job_once() -> None:
    calls: list[int] = []
    pool = Prerender([(str(i), (lambda i=i: calls.append(i) or i)) for i in range(5)],
                     parallel=False)
    assert not pool.parallel
    assert [pool.get(str(i)) for i in range(5)] == [0, 1, 2, 3, 4]
    assert calls == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("parallel", [True, False])
def test_expected_failure_names_the_job(parallel: bool) -> None:
    def boom() -> None:
        raise ValueError("template broke at line 3")

    jobs = [("a", lambda: 1), ("b", lambda: 2), ("c", boom), ("d", lambda: 4)]
    pool = Prerender(jobs, parallel=parallel, expected=(ValueError,))
    with pytest.raises(RenderError) as info:
        for key in "abcd":
            pool.get(key)
    pool.close()
    assert (info.value.key, info.value.message) == ("c", "template broke at line 3")


@pytest.mark.parametrize("parallel", [True, False])
def test_run_all_runs_every_job_once(tmp_path: Path, parallel: bool) -> None:
    """Jobs run for their effect (`results=False`): the worker sends nothing back per job,
    `run_all` runs what it has not reached and returns once all have run."""
    log = tmp_path / "ran.txt"
    pool = Prerender(_jobs(40, delay=0.005, log=log), parallel=parallel, results=False)
    time.sleep(0.05)  # the worker gets ahead
    pool.run_all()
    pool.close()
    ran = [int(line) for line in log.read_text().split()]
    assert sorted(ran) == list(range(40))


@pytest.mark.skipif(not can_fork(), reason="the worker needs fork (Linux)")
def test_an_idle_worker_runs_at_the_lowest_priority(tmp_path: Path) -> None:
    log = tmp_path / "nice.txt"

    def job() -> None:
        with log.open("a") as out:
            out.write(f"{os.getpid()} {os.nice(0)}\n")

    pool = Prerender([(f"k{i}", job) for i in range(3)], parallel=True, results=False,
                     idle=True)
    while pool._worker_at.value > 0:  # the worker takes all three
        time.sleep(0.01)
    pool.run_all()
    pool.close()
    seen = [line.split() for line in log.read_text().splitlines()]
    assert len(seen) == 3 and all(pid != str(os.getpid()) and nice == "19" for pid, nice in seen)
    assert os.nice(0) != 19  # this process is left alone


@pytest.mark.skipif(not can_fork(), reason="the worker needs fork (Linux)")
def test_run_all_after_the_worker_died_runs_the_rest(tmp_path: Path) -> None:
    log = tmp_path / "ran.txt"
    jobs = _jobs(20, delay=0.01, log=log)
    pool = Prerender(jobs, parallel=True, results=False)
    time.sleep(0.03)
    pool._process.kill()  # a crash: the job it was running may be cut short
    pool.run_all()
    pool.close()
    ran = [int(line) for line in log.read_text().split()]
    assert set(ran) == set(range(20)) and len(ran) <= 21  # each once (one maybe twice)


@pytest.mark.parametrize("parallel", [True, False])
def test_run_all_names_a_failed_job(parallel: bool) -> None:
    def boom() -> None:
        raise ValueError("no disk")

    jobs = [*_jobs(5), ("bad", boom), *_jobs(5)[1:]]
    pool = Prerender(jobs, parallel=parallel, results=False, expected=(ValueError,))
    with pytest.raises(RenderError) as info:
        pool.run_all()
    pool.close()
    assert info.value.key == "bad" and "no disk" in info.value.message



def _last(log: Path) -> tuple[str, object]:
    def job() -> None:
        with log.open("a") as out:
            out.write(f"last {os.getpid()}\n")

    return "last", job


@pytest.mark.parametrize("ahead", ["worker-ran-all", "caller-took-some", "serial"])
def test_the_last_job_runs_once_after_every_other(tmp_path: Path, ahead: str) -> None:
    log = tmp_path / "ran.txt"
    pool = Prerender(_jobs(12, delay=0.005, log=log), parallel=ahead != "serial",
                     results=False, last=_last(log))
    if ahead == "worker-ran-all":
        while pool._process is not None and pool._process.is_alive():
            time.sleep(0.01)
    pool.run_all()
    pool.close()
    lines = log.read_text().split("\n")[:-1]
    assert sorted(int(line) for line in lines[:-1]) == list(range(12))
    assert lines[-1].startswith("last ") and len(lines) == 13
    by_worker = lines[-1] != f"last {os.getpid()}"
    assert by_worker == (ahead == "worker-ran-all")


def test_the_last_job_runs_in_the_caller_after_the_worker_died(tmp_path: Path) -> None:
    log = tmp_path / "ran.txt"
    pool = Prerender(_jobs(20, delay=0.01, log=log), parallel=True, results=False,
                     last=_last(log))
    time.sleep(0.03)
    pool._process.kill()
    pool.run_all()
    pool.close()
    lines = log.read_text().split("\n")[:-1]
    assert lines[-1] == f"last {os.getpid()}" and lines.count(lines[-1]) == 1
    assert {int(line) for line in lines[:-1]} == set(range(20))


@pytest.mark.parametrize("parallel", [True, False])
def test_a_failed_last_job_is_named(parallel: bool) -> None:
    def boom() -> None:
        raise ValueError("disk full")

    pool = Prerender(_jobs(3), parallel=parallel, results=False, expected=(ValueError,),
                     last=("the end", boom))
    if parallel:
        while pool._process is not None and pool._process.is_alive():
            time.sleep(0.01)
    with pytest.raises(RenderError) as info:
        pool.run_all()
    pool.close()
    assert info.value.key == "the end" and "disk full" in info.value.message


@pytest.mark.skipif(not can_fork(), reason="the board is shared by forked processes")
def test_a_board_hands_records_to_a_forked_process(tmp_path: Path) -> None:
    """A worker forked before the records exist waits for each until it is put up, and gets
    None for one never put up once the board is closed."""
    spool = Spool("guidebook-test-")
    board = Board(3, spool)
    log = tmp_path / "got.txt"

    def job(slot: int) -> None:
        record = board.wait_for(slot)
        with log.open("a") as out:
            out.write(f"{slot} {Spool.read(record).decode() if record else None}\n")

    pool = Prerender([(f"s{i}", (lambda i=i: job(i))) for i in range(3)], parallel=True,
                     results=False)
    time.sleep(0.05)
    assert not log.exists()  # the worker is waiting for slot 2
    board.publish(2, spool.write(b"two"))
    board.publish(1, spool.write(b"one"))
    time.sleep(0.05)
    board.close()  # slot 0 never comes
    pool.run_all()
    pool.close()
    spool.close()
    assert sorted(log.read_text().splitlines()) == ["0 None", "1 one", "2 two"]


def test_parallel_and_serial_builds_are_identical(project, tmp_path: Path) -> None:
    guides = _companies(7)
    sites = []
    for parallel in (True, False):
        config = project(guides, plugin={"parallel": parallel})
        sites.append(build(config, site_dir=str(tmp_path / f"site-{parallel}")))

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}

    first, second = files(sites[0]), files(sites[1])
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_template_error_in_worker_is_a_clean_failure(project, tmp_path: Path, caplog) -> None:
    (tmp_path / "tpl" / "partials").mkdir(parents=True)
    (tmp_path / "tpl" / "partials" / "section.html.jinja").write_text("{{ section.nope }}\n")
    guides = _companies(4)
    with pytest.raises(Abort):
        build(project(guides, plugin={"templates_dir": "tpl"}))
    assert "section.html.jinja:1" in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("parallel", [True, False])
def test_twin_template_error_is_a_clean_failure(project, tmp_path: Path, caplog,
                                                parallel: bool) -> None:
    """The twin writer renders the twins: a broken override names its template there too."""
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "connector.md.jinja").write_text("{{ connector.nope.deeper }}\n")
    with pytest.raises(Abort):
        build(project(_companies(4), plugin={"templates_dir": "tpl", "parallel": parallel}))
    assert "connector.md.jinja" in caplog.text and "Markdown twin of" in caplog.text
    assert "Traceback" not in caplog.text


def test_search_index_is_what_material_builds_itself(project, tmp_path: Path,
                                                      monkeypatch) -> None:
    """Sections parsed beside the page give the very index Material's own parse gives."""
    from guidebook import plugin, searchindex

    guides = _companies(12, digits=2)
    config = project(guides)
    ours = build(config, site_dir=str(tmp_path / "ours"))
    taken: list[str] = []
    original = searchindex.SearchShortcut.after
    monkeypatch.setattr(searchindex.SearchShortcut, "after",
                        lambda self, page: (taken.append(page.file.src_uri)
                                            if page.file.src_uri in self._taken else None,
                                            original(self, page)))
    build(config, site_dir=str(tmp_path / "ours-again"))
    assert len(taken) == 25  # every page of ours: 12 guides, 12 connectors, the index
    # Material's own way: no page worker, no spilled contents, its parser on every page
    monkeypatch.setattr(plugin, "_quiet_plugins", lambda *a, **k: False)
    material = build(config, site_dir=str(tmp_path / "material"))
    index = "search/search_index.json"
    assert (ours / index).read_bytes() == (material / index).read_bytes()
    assert (tmp_path / "ours-again" / index).read_bytes() == (ours / index).read_bytes()


def test_other_plugins_see_real_pages_and_the_same_output(project, tmp_path: Path) -> None:
    """A plugin that changes page contexts or reads pages after their content is read turns
    the page worker and the spilled contents off: it sees what MkDocs alone would give it."""
    guides = _companies(5)
    plain = build(project(guides), site_dir=str(tmp_path / "plain"))
    hook = tmp_path / "hook.py"
    hook.write_text(
        "seen = []\n"
        "def on_page_context(context, page, config, nav):\n"
        "    return context\n"
        "def on_post_page(output, page, config):\n"
        "    if page.url.startswith('connectors/c'):\n"
        "        seen.append(page.content)\n"
        "    return output\n"
        "def on_post_build(config):\n"
        "    import pathlib\n"
        "    pathlib.Path(config.site_dir, 'seen.txt').write_text(\n"
        "        '\\n'.join(str('<h1' in c and 'temporary file' not in c)\n"
        "                  for c in seen))\n")
    hooked = build(project(guides, config={"hooks": [str(hook)]}),
                   site_dir=str(tmp_path / "hooked"))
    seen = (hooked / "seen.txt").read_text().split()
    assert len(seen) == 10 and set(seen) == {"True"}  # 5 guides, 5 connector pages
    for page in sorted(plain.rglob("*.html")):
        rel = page.relative_to(plain)
        assert (hooked / rel).read_bytes() == page.read_bytes(), rel


def test_parallel_loading_gives_the_same_site_and_problems(tmp_path: Path) -> None:
    """Past PARALLEL_LOAD_MIN files, a worker loads the back of the list: same pages, same
    problems (with their lines), same order."""
    from guidebook.site import PARALLEL_LOAD_MIN, Options, load_site

    n = PARALLEL_LOAD_MIN + 20
    texts = _companies(n, digits=3)
    for i, rel in enumerate(texts):
        if i % 37 == 5:
            texts[rel] = texts[rel].replace("auth:", "auth_typo:", 1)  # a problem in either share
    write_project(tmp_path, texts)
    guides = tmp_path / "guides"
    options = Options(guides_dir=guides, brand={"name": "Acme", "hub": "Acme Hub"})
    serial = load_site(options, parallel=False)
    parallel = load_site(options, parallel=True)
    assert [p.url for p in parallel.pages] == [p.url for p in serial.pages]
    assert [p.guide for p in parallel.pages] == [p.guide for p in serial.pages]
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    assert len(serial.problems) >= 4 and len(serial.pages) == n - len(
        {p.source.file for p in serial.problems})


def test_mkdocs_own_search_indexes_the_real_pages(project, tmp_path: Path) -> None:
    """MkDocs' own search plugin reads page.content itself: our pages keep theirs for it."""
    import json

    site = build(project({"harvest/pat.yaml": HARVEST}, config={"theme": {"name": "mkdocs"}}),
                 site_dir=str(tmp_path / "site"))
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = " ".join(doc["text"] for doc in index["docs"]
                     if doc["location"].startswith("connectors/harvest/guides/"))
    assert "Personal Access Token" in texts or "token" in texts.lower()
    assert "temporary file" not in texts


def test_loading_started_early_gives_the_same_site(tmp_path: Path) -> None:
    """The plugin starts loading in on_pre_build (a worker reads the back of the list while
    MkDocs empties the site folder): the site is the one load_site gives; a loader that is
    closed unused leaves no worker behind."""
    from guidebook.site import PARALLEL_LOAD_MIN, Options, SiteLoader, load_site

    write_project(tmp_path, _companies(PARALLEL_LOAD_MIN + 5, digits=3))
    guides = tmp_path / "guides"
    options = Options(guides_dir=guides, brand={"name": "Acme", "hub": "Acme Hub"})
    loader = SiteLoader(options, parallel=True)
    time.sleep(0.2)  # the build's other work
    early = loader.site()
    assert [p.guide for p in early.pages] == [p.guide for p in load_site(options).pages]
    unused = SiteLoader(options, parallel=True)
    process = unused._loaded._process if unused._loaded is not None else None
    unused.close()
    assert process is None or not process.is_alive()


@pytest.mark.parametrize("parallel", [True, False])
def test_other_plugins_find_every_twin_written_at_post_build(project, tmp_path: Path,
                                                             parallel: bool) -> None:
    """The twins and llms-full.txt are written by a low-priority worker while pages are built
    (without it, all at on_post_build): by the time other plugins' on_post_build runs, every
    one is in the site, complete."""
    guides = _companies(9)
    hook = tmp_path / "hook.py"
    hook.write_text(
        "import pathlib\n"
        "def on_post_build(config):\n"
        "    site = pathlib.Path(config.site_dir)\n"
        "    report = {p.relative_to(site).as_posix(): p.read_bytes()\n"
        "              for p in sorted(site.rglob('*')) if p.suffix in ('.md', '.txt')}\n"
        "    (site.parent / 'seen.txt').write_text(repr(report))\n")
    site = build(project(guides, config={"hooks": [str(hook)]}, plugin={"parallel": parallel}),
                 site_dir=str(tmp_path / "s"))
    seen = __import__("ast").literal_eval((tmp_path / "seen.txt").read_text())
    final = {p.relative_to(site).as_posix(): p.read_bytes()
             for p in sorted(site.rglob("*")) if p.suffix in (".md", ".txt")}
    twins = [k for k in final if k.endswith(".md")]
    assert len(twins) == 2 * (9 + 9 + 1 + 1)  # twin and alias: guides, connectors, index, home
    assert seen == final and b"Source: " in final["llms-full.txt"]


def test_with_only_search_beside_it_the_writer_goes_on_while_the_index_is_written(
        project, tmp_path: Path, monkeypatch) -> None:
    """No other plugin reads the site at on_post_build: the build waits for the twin writer
    after the search plugin has written its index (and before the white-label check)."""
    from material.plugins.search.plugin import SearchPlugin

    from guidebook.export_files import ExportFiles

    order: list[str] = []
    search_done, wait = SearchPlugin.on_post_build, ExportFiles.wait
    monkeypatch.setattr(SearchPlugin, "on_post_build",
                        lambda self, **kw: (search_done(self, **kw), order.append("search")))
    monkeypatch.setattr(ExportFiles, "wait",
                        lambda self: (wait(self), order.append("twins")))
    site = build(project(_companies(3)), site_dir=str(tmp_path / "s"))
    assert order[:2] == ["search", "twins"]
    assert (site / "search/search_index.json").is_file() and (site / "llms-full.txt").is_file()


def test_a_page_another_plugin_drops_still_gets_its_twin(project, tmp_path: Path) -> None:
    """Twins are rendered right after their page's body; a page another plugin takes out of
    the build after our on_files is never read, and its twin (still in the Files, still in
    llms-full.txt) is rendered when the twin writer starts."""
    guides = _companies(3)
    hook = tmp_path / "hook.py"
    hook.write_text(
        "from mkdocs.plugins import event_priority\n"
        "@event_priority(-50)\n"
        "def on_files(files, config):\n"
        "    files.remove(next(f for f in files if f.url == "
        "'connectors/c1/guides/link-account/personal-access-token/'))\n"
        "    return files\n")
    site = build(project(guides, config={"hooks": [str(hook)]}), site_dir=str(tmp_path / "s"))
    guide = "connectors/c1/guides/link-account/personal-access-token"
    assert not (site / guide / "index.html").exists()
    twin = (site / f"{guide}.md").read_text(encoding="utf-8")
    assert (site / guide / "index.html.md").read_text(encoding="utf-8") == twin
    assert "Co 1" in twin and "Personal Access Token" in twin
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    assert f"Source: https://guides.example.test/{guide}.md" in full
