"""scripts/bench.py runs end to end (a tiny N; timings are reported, never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    for key in ("floor_s", "guidebook_s", "no_agent_s", "validate_s", "parse_s", "serve_s",
                "ratio_vs_floor", "agent_outputs_share", "ms_per_guide", "peak_rss_mb",
                "cpu_ratio_vs_floor", "workers_1_vs_floor", "workers_2_cpu_vs_floor"):
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
