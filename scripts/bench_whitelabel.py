"""Benchmark: what the white-label leak check costs a partner build.

    python scripts/bench_whitelabel.py                          # N = 500, 2000; 3 rounds each
    python scripts/bench_whitelabel.py --sizes 500 --rounds 5 --json wl.json
    python scripts/bench_whitelabel.py --sizes --runs 10000 --before bef92ae   # one guide only

For each N it writes N synthetic guides (scripts/synth.py, fixed seed; every fourth guide gets a
`whitelabel: hide` step and a `whitelabel: only` item, so the check has hidden texts to look
for) and a partner config (INHERIT + whitelabel), then builds both, in alternation so machine
noise hits them alike. It reports the median normal and partner build times, their ratio, and
the leak check alone (`check_build` on the partner site, in this process) as a share of the
normal build, in wall and in CPU time (less noisy on a shared machine; builds count their forked
workers). The partner build leaves out the hub block and hidden parts, so its ratio is the
check's cost less what the partner variant saves; the check's share is the cost itself (timed
in one process: the build reads files on every core).

--runs L times the check on a site whose one guide has a run of L `[` and L `<` characters in
a visible and in a hidden step (the check was once quadratic in such runs); --before REV also
times the check of that git revision on the same site (its plugins/guidebook, extracted to a
temporary folder), stopping it after --timeout seconds. No test asserts on these timings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from bench import ENV  # noqa: E402
from synth import write_project  # noqa: E402

BIN = Path(sys.executable).parent
PARTNER = {"name": "Partner", "hub": "Partner Connect"}
HIDDEN_STEP = {"title": "Ask the Acme onboarding desk", "whitelabel": "hide",
               "content": "The onboarding desk of {{ brand.hub }} switches on the sandbox "
                          "tenant for connector number {n} within one working day."}
ONLY_ITEM = {"text": "Your partner administrator approves the connection first.",
             "whitelabel": "only"}


def run(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, with the forked workers it waited for) of one
    child process; fails loudly on errors."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err.read().decode()[-3000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def prepare(root: Path, n: int, runs: int = 0) -> Path:
    """The project (normal mkdocs.yml + mkdocs.whitelabel.yml) with N guides."""
    config = write_project(root, n)
    for i, path in enumerate(sorted((root / "guides").rglob("*.yaml"))):
        if i % 4 and not runs:
            continue
        guide = yaml.safe_load(path.read_text(encoding="utf-8"))
        steps = guide["sections"][0]["steps"]
        steps.insert(1, {**HIDDEN_STEP, "content": HIDDEN_STEP["content"].format(n=i)})
        steps[0].setdefault("list", []).append(ONLY_ITEM)
        if runs:
            run_text = "[" * runs + " " + "<" * runs
            steps[0]["content"] = f"{run_text} {steps[0]['content']}"
            steps[1]["content"] = f"{run_text} {steps[1]['content']}"
        path.write_text(yaml.safe_dump(guide, sort_keys=False, allow_unicode=True),
                        encoding="utf-8")
    (root / "mkdocs.whitelabel.yml").write_text(yaml.safe_dump({
        "INHERIT": "mkdocs.yml", "site_name": "Partner guides",
        "plugins": {"search": {}, "guidebook": {"whitelabel": True, "whitelabel_brand": PARTNER}},
    }, sort_keys=False))
    data = yaml.safe_load(config.read_text())  # plugins as a mapping, so INHERIT merges them
    data["plugins"] = {"search": {}, "guidebook": data["plugins"][1]["guidebook"]}
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    return root


CHECK = """
import json, sys, time
from pathlib import Path
from guidebook.site import Options, load_site
from guidebook.whitelabel import check_build
root, site_dir = Path(sys.argv[1]), Path(sys.argv[2])
options = Options(guides_dir=root / "guides", brand={"name": "Acme", "hub": "Acme Hub"},
                  whitelabel=True, whitelabel_brand=json.loads(sys.argv[3]))
site = load_site(options, display_root=root)
start, cpu = time.perf_counter(), time.process_time()
try:  # as the plugin calls it (but in one process, for its CPU time)
    from guidebook.cli import theme_dirs
    from guidebook.whitelabel import vendored_files
    leaks = check_build(site, site_dir, root=root,
                        vendored=vendored_files(site_dir, theme_dirs()))
except ImportError:  # a revision from before theme files were skipped reads them all
    leaks = check_build(site, site_dir, root=root)
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "leaks": len(leaks)}))
"""


def time_check(project: Path, site_dir: Path, package_dir: Path | None = None,
               timeout: float = 600) -> dict[str, Any]:
    """Seconds `check_build` takes on a built partner site (in a fresh process; the package
    below `package_dir` instead of the installed one, if given)."""
    env = dict(ENV)
    if package_dir is not None:
        env["PYTHONPATH"] = str(package_dir)
    try:
        done = subprocess.run([sys.executable, "-c", CHECK, str(project), str(site_dir),
                               json.dumps(PARTNER)], env=env, capture_output=True, text=True,
                              timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"seconds": None, "timed_out_after": timeout}
    return json.loads(done.stdout)


def old_package(rev: str, into: Path) -> Path:
    """plugins/guidebook and templates/ of git revision `rev`, importable from `into`."""
    for folder, target in (("plugins/guidebook", "guidebook"), ("templates", "guidebook/templates")):
        (into / target).mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", rev, folder], cwd=ROOT, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "--strip-components", str(folder.count("/") + 1), "-C",
                        str(into / target)], input=archive, check=True)
    return into


def bench(n: int, rounds: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"guidebook-wlbench-{n}-") as tmp:
        project = prepare(Path(tmp) / "p", n)
        mkdocs = str(BIN / "mkdocs")
        builds = [("normal", [mkdocs, "build", "-q", "-d", "out-normal"]),
                  ("partner", [mkdocs, "build", "-q", "-f", "mkdocs.whitelabel.yml", "-d",
                               "out-partner"])]
        times: dict[str, list[float]] = {"normal": [], "partner": []}
        cpu: dict[str, list[float]] = {"normal": [], "partner": []}
        for round_ in range(rounds):
            for name, cmd in builds if round_ % 2 == 0 else builds[::-1]:
                wall, used = run(cmd, project)
                times[name].append(wall)
                cpu[name].append(used)
        check = [time_check(project, project / "out-partner") for _ in range(rounds)]
        size = sum(p.stat().st_size for p in (project / "out-partner").rglob("*") if p.is_file())
        med = {k: statistics.median(v) for k, v in times.items()}
        med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
        check_s = statistics.median(c["seconds"] for c in check)
        check_cpu = statistics.median(c["cpu"] for c in check)
        return {"n": n, "rounds": rounds, "normal_s": round(med["normal"], 2),
                "partner_s": round(med["partner"], 2),
                "partner_vs_normal": round(med["partner"] / med["normal"], 3),
                "pair_ratios": [round(p / q, 3) for p, q in zip(times["partner"],
                                                                times["normal"], strict=True)],
                "normal_cpu_s": round(med_cpu["normal"], 2),
                "partner_cpu_s": round(med_cpu["partner"], 2),
                "partner_vs_normal_cpu": round(med_cpu["partner"] / med_cpu["normal"], 3),
                "check_s": round(check_s, 2), "check_cpu_s": round(check_cpu, 2),
                "check_share_of_normal": round(check_s / med["normal"], 3),
                "check_cpu_share_of_normal_cpu": round(check_cpu / med_cpu["normal"], 3),
                "partner_site_mb": round(size / 2**20, 1)}


def bench_runs(length: int, before: str | None, timeout: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="guidebook-wlbench-runs-") as tmp:
        project = prepare(Path(tmp) / "p", 1, runs=length)
        run([str(BIN / "mkdocs"), "build", "-q", "-f", "mkdocs.whitelabel.yml", "-d", "out"],
            project)
        result: dict[str, Any] = {"run_length": length,
                                  "check_s": round(time_check(project, project / "out")["seconds"],
                                                   3)}
        if before:
            old = old_package(before, Path(tmp) / "old")
            seconds = time_check(project, project / "out", old, timeout)["seconds"]
            result[f"check_s_at_{before}"] = round(seconds, 3) if seconds is not None else None
            result["timeout_s"] = timeout
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[500, 2000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=0, metavar="L",
                        help="also time the check on one guide with runs of L `[` and `<`")
    parser.add_argument("--before", metavar="REV", help="with --runs: time REV's check too")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    for n in args.sizes:
        results.append(bench(n, args.rounds))
        print(json.dumps(results[-1]), flush=True)
    if args.runs:
        results.append(bench_runs(args.runs, args.before, args.timeout))
        print(json.dumps(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    main()
