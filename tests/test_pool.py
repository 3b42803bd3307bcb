"""The process pool: same results on any number of workers, failures named, nothing left
running; the build's page work on it gives the same site as in one process."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from conftest import HARVEST, build, write_project
from guidebook.pool import Jobs, RenderError, available_cpus, can_fork, cgroup_cpus


def _jobs(n: int, delay: float = 0.0, log: Path | None = None) -> list[tuple[str, object]]:
    def job(i: int) -> tuple[int, int]:
        time.sleep(delay)
        if log is not None:
            with log.open("a") as out:  # one short append per job: atomic across processes
                out.write(f"{i}\n")
        return i, os.getpid()

    return [(f"k{i}", (lambda i=i: job(i))) for i in range(n)]


def _running(pids: list[int], within: float = 10.0) -> list[int]:
    """The processes of `pids` still running (not gone, not a zombie) after `within` seconds.
    (A process handle's is_alive() cannot tell: the pool's own thread may have reaped it.)"""
    end = time.monotonic() + within
    while True:
        left = []
        for pid in pids:
            try:
                with open(f"/proc/{pid}/stat", "rb") as stat:
                    if stat.read().rsplit(b")", 1)[1].split()[0] != b"Z":
                        left.append(pid)
            except OSError:
                continue
        if not left or time.monotonic() > end:
            return left
        time.sleep(0.05)


def _companies(n: int, digits: int = 1) -> dict[str, str]:
    """`n` copies of the Harvest guide, as connectors c0, c1, ... (numbers `digits` wide)."""
    keys = [f"c{i:0{digits}d}" for i in range(n)]
    return {f"{key}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                               f"key: {key}, name: Co {key[1:]}")
            for key in keys}


@pytest.mark.skipif(not can_fork(), reason="workers need fork (Linux)")
@pytest.mark.parametrize("workers", [2, 4])
def test_workers_run_every_job_once_in_other_processes(tmp_path: Path, workers: int) -> None:
    log = tmp_path / "ran.txt"
    pool = Jobs(_jobs(40, delay=0.002, log=log), workers=workers)
    assert pool.parallel
    got = [pool.get(f"k{i}") for i in range(40)]
    pool.close()
    assert [i for i, _ in got] == list(range(40))
    assert got[0][1] == os.getpid()  # the first job runs here, before the fork (it warms up)
    assert os.getpid() not in {pid for _, pid in got[1:]}  # the others in the workers
    assert sorted(map(int, log.read_text().split())) == list(range(40))


@pytest.mark.skipif(not can_fork(), reason="workers need fork (Linux)")
def test_any_order_of_asking_gives_every_result() -> None:
    pool = Jobs(_jobs(30), workers=2)
    order = list(range(30))[::-1][::2] + list(range(30))[::-1][1::2]
    assert [pool.get(f"k{i}")[0] for i in order] == order
    pool.close()


def test_one_worker_runs_each_job_here_when_asked() -> None:
    calls: list[int] = []
    pool = Jobs([(str(i), (lambda i=i: calls.append(i) or i)) for i in range(5)], workers=1)
    assert not pool.parallel
    assert calls == []
    assert [pool.get(str(i)) for i in (3, 0)] == [3, 0]
    pool.run_all()
    assert sorted(calls) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("workers", [1, 2])
def test_expected_failure_names_the_job(workers: int) -> None:
    def bad() -> None:
        raise ValueError("no such field")

    pool = Jobs([("a", lambda: 1), ("b", bad), ("c", lambda: 3)], workers=workers,
                expected=(ValueError,))
    assert pool.get("a") == 1
    with pytest.raises(RenderError) as caught:
        pool.get("b")
    assert caught.value.key == "b" and "no such field" in caught.value.message
    assert pool.get("c") == 3
    pool.close()


@pytest.mark.skipif(not can_fork(), reason="workers need fork (Linux)")
def test_a_killed_worker_leaves_the_rest_to_this_process() -> None:
    def job(i: int) -> int:
        if i == 1 and os.environ.get("GB_TEST_PARENT") != str(os.getpid()):
            os.kill(os.getpid(), 9)  # the worker that takes the first chunk dies
        return i

    os.environ["GB_TEST_PARENT"] = str(os.getpid())
    try:
        pool = Jobs([(str(i), (lambda i=i: job(i))) for i in range(20)], workers=2)
        assert [pool.get(str(i)) for i in range(20)] == list(range(20))
    finally:
        del os.environ["GB_TEST_PARENT"]
    pool.close()


@pytest.mark.skipif(not can_fork(), reason="workers need fork (Linux)")
def test_close_leaves_no_worker_running() -> None:
    pool = Jobs(_jobs(40, delay=0.05), workers=2)
    processes = list(pool._pool._processes.values())
    pool.get("k0")
    pool.close()
    assert processes and _running([p.pid for p in processes]) == []


@pytest.mark.parametrize("workers", [1, 2, 4])
def test_any_number_of_workers_builds_the_same_site(project, tmp_path: Path,
                                                    workers: int) -> None:
    """1, 2 and 4 workers (and `parallel: false`) give byte-identical sites."""
    guides = _companies(7)
    reference = build(project(guides, plugin={"parallel": False}),
                      site_dir=str(tmp_path / "serial"))
    site = build(project(guides, plugin={"workers": workers}),
                 site_dir=str(tmp_path / f"site-{workers}"))

    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*")) if p.is_file()}

    first, second = files(reference), files(site)
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []


def test_workers_option_must_be_a_count(project, caplog) -> None:
    with pytest.raises(Abort):
        build(project({"harvest/pat.yaml": HARVEST}, plugin={"workers": 0}))
    assert "workers 0 is not a number of processes" in caplog.text

def test_template_error_in_worker_is_a_clean_failure(project, tmp_path: Path, caplog) -> None:
    (tmp_path / "tpl" / "partials").mkdir(parents=True)
    (tmp_path / "tpl" / "partials" / "section.html.jinja").write_text("{{ section.nope }}\n")
    guides = _companies(4)
    with pytest.raises(Abort):
        build(project(guides, plugin={"templates_dir": "tpl"}))
    assert "section.html.jinja:1" in caplog.text
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("workers", [1, 2])
def test_twin_template_error_is_a_clean_failure(project, tmp_path: Path, caplog,
                                                workers: int) -> None:
    """The page's job renders its twin too: a broken twin override names its template."""
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "connector.md.jinja").write_text("{{ connector.nope.deeper }}\n")
    with pytest.raises(Abort):
        build(project(_companies(4), plugin={"templates_dir": "tpl", "workers": workers}))
    assert "connector.md.jinja" in caplog.text and "a template failed on connectors/" in caplog.text
    assert "Traceback" not in caplog.text


def test_search_index_is_what_material_builds_itself(project, tmp_path: Path,
                                                      monkeypatch) -> None:
    """Sections parsed beside the page give the very index Material's own parse gives."""
    from guidebook import building, searchindex

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
    monkeypatch.setattr(building, "_quiet_plugins", lambda *a, **k: False)
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


def test_a_page_whose_content_the_search_plugin_changes_is_what_mkdocs_gives(
        project, tmp_path: Path, monkeypatch) -> None:
    """Material's search plugin strips `data-search-*="..."` attributes from a page's content
    before the theme renders it; an override that writes one gets the same page both ways."""
    from guidebook import building

    tpl = tmp_path / "tpl" / "partials"
    tpl.mkdir(parents=True)
    (tpl / "callout.html.jinja").write_text(
        '<div class="admonition {{ type }}" data-search-boost="2">\n'
        '<p class="admonition-title">{{ title }}</p>\n{{ text | md }}\n</div>\n')
    config = project(_companies(3), plugin={"templates_dir": "tpl"})
    ours = build(config, site_dir=str(tmp_path / "ours"))
    monkeypatch.setattr(building, "_quiet_plugins", lambda *a, **k: False)
    material = build(config, site_dir=str(tmp_path / "material"))
    pages = sorted(material.rglob("*.html"))
    boosted = [p for p in pages if 'class="admonition warning"' in p.read_text()]
    assert boosted and not any("data-search-boost" in p.read_text() for p in pages)
    for page in pages:
        rel = page.relative_to(material)
        assert (ours / rel).read_bytes() == page.read_bytes(), rel


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
    serial = load_site(options, workers=1)
    parallel = load_site(options, workers=2)
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
    loader = SiteLoader(options, workers=2)
    time.sleep(0.2)  # the build's other work
    early = loader.site()
    assert [p.guide for p in early.pages] == [p.guide for p in load_site(options).pages]
    unused = SiteLoader(options, workers=2)
    jobs = unused._loaded
    processes = list(jobs._pool._processes.values()) if jobs and jobs._pool else []
    unused.close()
    assert _running([p.pid for p in processes]) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_other_plugins_find_every_twin_written_at_post_build(project, tmp_path: Path,
                                                             workers: int) -> None:
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
    site = build(project(guides, config={"hooks": [str(hook)]}, plugin={"workers": workers}),
                 site_dir=str(tmp_path / "s"))
    seen = __import__("ast").literal_eval((tmp_path / "seen.txt").read_text())
    final = {p.relative_to(site).as_posix(): p.read_bytes()
             for p in sorted(site.rglob("*")) if p.suffix in (".md", ".txt")}
    twins = [k for k in final if k.endswith(".md")]
    assert len(twins) == 2 * (9 + 9 + 1 + 1)  # twin and alias: guides, connectors, index, home
    assert seen == final and b"Source: " in final["llms-full.txt"]


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


@pytest.mark.parametrize("whitelabel", [False, True])
def test_the_guide_model_is_let_go_before_the_theme_pages(project, tmp_path: Path,
                                                          monkeypatch, whitelabel: bool) -> None:
    """Once the llms files are written, a plain build holds no guide of its model (its
    theme pages' workers fork without it, and it is not in the peak of a large build); a
    white-label build keeps it for the leak check at the end."""
    import gc

    from guidebook import building
    from guidebook.model import Guide

    name = f"Letgo {whitelabel}"  # (this process may hold other tests' guides)
    guides = {path: text.replace("name: Co ", f"name: {name} ")
              for path, text in _companies(3).items()}
    alive: list[int] = []
    start = building.Build._start_theme_pages

    def counting(self, *args, **kwargs):  # (no collection first: the model must go by itself)
        gc.unfreeze()  # (the build froze what the load made: not in gc.get_objects())
        alive.append(sum(1 for o in gc.get_objects()
                         if type(o) is Guide and o.connector.name.startswith(name)))
        gc.freeze()
        return start(self, *args, **kwargs)

    monkeypatch.setattr(building.Build, "_start_theme_pages", counting)
    plugin = ({"whitelabel": True, "whitelabel_brand": {"name": "Harbor", "hub": "Harbor Link"}}
              if whitelabel else {})
    gc.collect()  # (what earlier tests left)
    site = build(project(guides, plugin=plugin), site_dir=str(tmp_path / "s"))
    assert (site / "connectors/c1/guides/link-account/personal-access-token/index.html").is_file()
    assert alive == ([3] if whitelabel else [0])


@pytest.mark.skipif(not can_fork(), reason="workers need fork (Linux)")
def test_the_load_workers_load_with_the_collector_paused(project, tmp_path: Path,
                                                         monkeypatch) -> None:
    """The load's workers fork with the collector paused, as it is here while they load."""
    import gc

    from guidebook import site

    log = tmp_path / "collecting.txt"
    load = site.load_pages

    def logged(*args, **kwargs):
        with log.open("a") as out:
            out.write(f"{os.getpid()} {gc.isenabled()}\n")
        return load(*args, **kwargs)

    monkeypatch.setattr(site, "load_pages", logged)
    n = site.PARALLEL_LOAD_MIN + 10
    build(project(_companies(n, digits=3), plugin={"workers": 2}))
    seen = [line.split() for line in log.read_text().splitlines()]
    assert len(seen) == n and {enabled for _, enabled in seen} == {"False"}
    assert {pid for pid, _ in seen} - {str(os.getpid())}  # (loaded by workers)
    assert gc.isenabled()


@pytest.mark.parametrize("broken", [False, True])
def test_collection_pauses_while_the_model_is_made(project, monkeypatch, broken: bool) -> None:
    """The garbage collector is off while the guides load (everything made then lives to the
    end of the build), and on again after: once the files are added, and when loading fails.
    What was made until then is frozen (no collection walks it) until the build ends."""
    import gc

    from guidebook import building, site

    seen = []
    frozen = []
    load = site.SiteLoader.site
    nav = building.Build.build_nav

    def site_seen(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return load(self, *args, **kwargs)

    def nav_seen(self, *args, **kwargs):
        frozen.append(gc.get_freeze_count())
        return nav(self, *args, **kwargs)

    monkeypatch.setattr(site.SiteLoader, "site", site_seen)
    monkeypatch.setattr(building.Build, "build_nav", nav_seen)
    assert gc.get_freeze_count() == 0
    guides = {"harvest/pat.yaml": HARVEST}
    if broken:
        guides["acme/pat.yaml"] = "title: [unclosed\n"
    assert gc.isenabled()
    if broken:
        with pytest.raises(Abort):
            build(project(guides))
    else:
        build(project(guides))
    assert seen == [False] and gc.isenabled()
    assert gc.get_freeze_count() == 0  # (let go when the build ended)
    if not broken:
        assert len(frozen) == 1 and frozen[0] > 1000  # the objects the load made


def _cgroups(tmp_path: Path, lines: str, files: dict[str, str]) -> tuple[str, str]:
    for name, text in files.items():
        (tmp_path / "fs" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "fs" / name).write_text(text, encoding="utf-8")
    (tmp_path / "cgroup").write_text(lines, encoding="utf-8")
    return str(tmp_path / "fs"), str(tmp_path / "cgroup")


@pytest.mark.parametrize(("lines", "files", "cpus"), [
    # cgroup v2, a container's own view (`docker run --cpus 2.5`): 3 CPUs
    ("0::/\n", {"cgroup.controllers": "cpu\n", "cpu.max": "250000 100000\n"}, 3),
    # v2, no quota
    ("0::/\n", {"cgroup.controllers": "cpu\n", "cpu.max": "max 100000\n"}, None),
    # v2 on the host's view: the tightest of the cgroup and the ones above it
    ("0::/ci/job\n", {"cgroup.controllers": "", "ci/cpu.max": "100000 100000\n",
                      "ci/job/cpu.max": "400000 100000\n"}, 1),
    # v1 (cpu,cpuacct mounted together), next to a v2 hierarchy without controllers
    ("4:cpu,cpuacct:/job\n0::/\n", {"cpu,cpuacct/job/cpu.cfs_quota_us": "150000\n",
                                    "cpu,cpuacct/job/cpu.cfs_period_us": "100000\n"}, 2),
    # v1, no quota (-1), as on this kind of machine
    ("1:cpu:/\n", {"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),
    # no cgroup files at all
    ("", {}, None),
])
def test_cgroup_cpu_quota_is_read(tmp_path: Path, lines: str, files: dict[str, str],
                                  cpus: int | None) -> None:
    root, cgroups = _cgroups(tmp_path, lines, files)
    assert cgroup_cpus(root, cgroups) == cpus


def test_available_cpus_is_the_affinity_or_the_quota_if_lower(monkeypatch) -> None:
    import guidebook.pool as pool

    monkeypatch.setattr(pool.os, "sched_getaffinity", lambda pid: set(range(64)))
    monkeypatch.setattr(pool, "cgroup_cpus", lambda: 2)
    assert available_cpus() == 2
    monkeypatch.setattr(pool, "cgroup_cpus", lambda: None)
    assert available_cpus() == 64
    monkeypatch.setattr(pool, "cgroup_cpus", lambda: 128)
    assert available_cpus() == 64
