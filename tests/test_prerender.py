"""The render worker: same results as in-process rendering, failures named, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from conftest import HARVEST, build
from guidebook.prerender import Prerender, RenderError, can_fork


def _jobs(n: int) -> list[tuple[str, object]]:
    return [(f"k{i}", (lambda i=i: (i, os.getpid()))) for i in range(n)]


@pytest.mark.skipif(not can_fork(), reason="the worker needs fork (Linux)")
def test_worker_shares_the_jobs_and_results_match() -> None:
    pool = Prerender(_jobs(30), parallel=True)
    assert pool.parallel
    got = {f"k{i}": pool.get(f"k{i}") for i in reversed(range(30))}  # any order of asking
    pool.close()
    assert [got[f"k{i}"][0] for i in range(30)] == list(range(30))
    pids = {pid for _, pid in got.values()}
    assert os.getpid() in pids and len(pids) == 2  # both processes did part of the work
    mine = {k for k, (_, pid) in got.items() if pid == os.getpid()}
    assert mine == {f"k{i}" for i in range(0, 30, 3)}


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


def test_parallel_and_serial_builds_are_identical(project, tmp_path: Path) -> None:
    guides = {f"c{i}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                                f"key: c{i}, name: Co {i}") for i in range(7)}
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
    guides = {f"c{i}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                                f"key: c{i}, name: Co {i}") for i in range(4)}
    with pytest.raises(Abort):
        build(project(guides, plugin={"templates_dir": "tpl"}))
    assert "section.html.jinja:1" in caplog.text
    assert "Traceback" not in caplog.text


def test_search_index_is_what_material_builds_itself(project, tmp_path: Path,
                                                      monkeypatch) -> None:
    """Sections parsed beside the page give the very index Material's own parse gives."""
    from guidebook import searchindex

    guides = {f"c{i:02d}/pat.yaml": HARVEST.replace("key: harvest, name: Harvest",
                                                    f"key: c{i:02d}, name: Co {i:02d}")
              for i in range(12)}
    config = project(guides)
    ours = build(config, site_dir=str(tmp_path / "ours"))
    taken: list[str] = []
    original = searchindex.SearchShortcut.after
    monkeypatch.setattr(searchindex.SearchShortcut, "after",
                        lambda self, page: (taken.append(page.file.src_uri)
                                            if page.file.src_uri in self._taken else None,
                                            original(self, page)))
    build(config, site_dir=str(tmp_path / "ours-again"))
    if can_fork():  # the worker parsed (part of) its share of the 25 pages
        assert 1 <= len(taken) <= 16
    monkeypatch.setattr(searchindex.SearchShortcut, "before", lambda *a, **k: None)
    material = build(config, site_dir=str(tmp_path / "material"))
    index = "search/search_index.json"
    assert (ours / index).read_bytes() == (material / index).read_bytes()
    assert (tmp_path / "ours-again" / index).read_bytes() == (ours / index).read_bytes()
