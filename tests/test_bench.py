"""scripts/bench.py runs end to end (a tiny N; timings are reported, never asserted)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent


def test_bench_script_runs_and_writes_its_json(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--sizes", "24",
                           "--rounds", "1", "--agent-pairs", "2", "--serve", "24",
                           "--actions", "5", "20", "--workers", "1", "2", "--json", str(out)],
                          cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(out.read_text(encoding="utf-8"))
    [row] = found["sizes"]
    small, big = found["connector_pages"]
    assert (small["actions"], big["actions"]) == (5, 20)
    assert 0 < small["page_kb"] < big["page_kb"] and big["twin_kb"] > small["twin_kb"] > 0
    assert row["n"] == 24 and row["rounds"] == 1
    for key in ("floor_s", "floor_nav_s", "guidebook_s", "no_agent_s", "validate_s", "parse_s",
                "serve_s", "ratio_vs_floor", "agent_outputs_share", "ms_per_guide",
                "peak_rss_mb", "cpu_ratio_vs_floor", "ratio_vs_floor_nav",
                "cpu_ratio_vs_floor_nav", "workers_1_vs_floor", "workers_2_cpu_vs_floor",
                "workers_1_vs_floor_nav", "workers_2_cpu_vs_floor_nav"):
        assert isinstance(row[key], (int, float)), key
    assert row["guidebook_s"] > 0 and row["serve_s"] > 0 and row["peak_rss_mb"] > 0
    assert row["cpu_s"] > 0 and row["floor_cpu_s"] > 0
    if sys.platform.startswith("linux"):  # (read from /proc) a server sitting idle
        assert 0 <= row["serve_idle_cpu_share"] < 0.5
    assert 5 < row["html_kb_per_guide_page"] < 60
    low, high = row["agent_outputs_share_quartiles"]
    assert row["agent_outputs_pairs"] == 3 and low <= row["agent_outputs_share"] <= high
    assert len(row["agent_outputs_pair_shares"]) == 3
    low, high = row["agent_outputs_cpu_share_quartiles"]
    assert low <= row["agent_outputs_cpu_share"] <= high
    assert "ratio_vs_floor" in done.stdout.splitlines()[0]  # the table's header
    assert set(found["filesystem"]) == {"type", "source", "journal"}


@pytest.mark.skipif(not Path("/proc/self/mountinfo").exists() or shutil.which("df") is None,
                    reason="Linux /proc and coreutils' df")
def test_the_bench_names_the_file_system_it_builds_on(tmp_path: Path) -> None:
    bench = _bench_module()
    assert bench.filesystem("/proc")["type"] == "proc"
    df = subprocess.run(["df", "--output=fstype,source", str(tmp_path)], capture_output=True,
                        text=True, check=True).stdout.splitlines()[1].split()
    found = bench.filesystem(str(tmp_path))
    assert [found["type"], found["source"]] == df
    assert (found["journal"] is None) == (found["type"] not in ("ext3", "ext4"))


def _bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_floor_with_the_nav_is_the_same_site_by_hand(tmp_path: Path) -> None:
    """The bench's second floor builds guidebook's pages, at its URLs, in its sidebar: every
    guide, connector and index page, and on each the same links to other pages."""
    bench = _bench_module()
    dirs = bench.prepare(tmp_path, 30)
    sites = {}
    for name in ("guidebook", "floor_nav"):
        subprocess.run([str(bench.BIN / "mkdocs"), "build", "--strict", "-d", "out"],
                       cwd=dirs[name], env=bench.ENV, capture_output=True, check=True)
        sites[name] = dirs[name] / "out"
    ours, theirs = ({p.relative_to(site).as_posix()
                     for p in (site / "connectors").rglob("index.html")}
                    for site in sites.values())
    assert ours == theirs and len(ours) > 30
    assert any("/guides/" in page for page in ours)

    def sidebar_links(site: Path, page: str) -> list[str]:
        soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
        nav = soup.select_one("nav.md-nav--primary")
        assert nav is not None
        return [a["href"] for a in nav.find_all("a") if not a["href"].startswith("#")]

    for page in sorted(ours):
        links = sidebar_links(sites["guidebook"], page)
        assert links == sidebar_links(sites["floor_nav"], page), page
        assert len(links) > 5
