"""Benchmark: guidebook against plain MkDocs + Material building the same guides by hand.

    python scripts/bench.py                      # N = 500, 2000, 5000; 3 rounds each
    python scripts/bench.py --sizes 500 --rounds 5 --json bench.json
    python scripts/bench.py --sizes 500 --rounds 3 --agent-pairs 12   # a sharper agent share

For each N it writes N synthetic guides (scripts/synth.py, fixed seed) and measures, in
alternation so machine noise hits every variant alike:

- floor: the same guides pre-rendered with `guidebook render --format plain` as Markdown pages
  of a plain Material site (`nav: [index.md]`, guides `not_in_nav`, no guidebook plugin);
- floor-nav: the site a team would write by hand instead: those guide pages and the connector
  and index pages (their plain Markdown), at guidebook's URLs, in the sidebar guidebook builds
  (Connectors > category (A-Z groups) > connector > guides, `navigation.prune` on, as the
  plugin turns it on): what guidebook costs beyond the same site (the floor renders no
  sidebar and no connector pages);
- guidebook: the full build (HTML with sidebar, search index, Markdown twins, llms files);
- no-agent: the same build with `agent_outputs: false` (no Markdown twins, llms.txt,
  llms-full.txt or page actions), run right before or after the full build (in turn), so the
  share of the agent outputs is the median of the paired ratios (with its quartiles: on a
  noisy machine one pair's ratio can be off by 10 %; --agent-pairs adds pairs for it alone),
  and the same of their CPU times (user + system: what the agent outputs cost, less moved by
  a neighbour's load on the machine than wall time);
- validate: `guidebook validate` of the guides, against parsing the files with PyYAML's C loader;
- workers (with --workers K ...): the full build with `workers: K`;
- serve (with --serve): `mkdocs serve` of the site; one guide is edited per round and the time
  until the server returns the changed page is taken; then the share of a core the server
  uses while it sits idle for 10 s (its file watching: Linux, from /proc).

Besides wall time it reports CPU time (user + system, of the build and every process it
waited for: the pool's workers), as a ratio against the floor's.

It reports medians, ratios against both floors measured in the same run, time per guide, HTML
size per guide page and peak RSS, as a table and (with --json) as JSON. Timings are for whole
processes; no test asserts on them. The builds run in the temporary folder (TMPDIR); the JSON
names its file system, on which system time depends (see `filesystem`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synth import write_project  # noqa: E402

BIN = Path(sys.executable).parent
# Bytecode caching on, as on a developer's or CI machine: without it every build would spend
# its first second compiling MkDocs, Material and Jinja, which hides the difference measured.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
ENV["NO_MKDOCS_2_WARNING"] = "1"


def run(cmd: list[str], cwd: Path) -> tuple[float, int, float]:
    """Wall time (s), peak RSS (MB) and CPU time (user + system, s, with the processes it
    waited for) of one child process; fails loudly on errors."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err.read().decode()[-3000:]}")
    return elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime


def prepare(root: Path, n: int, workers: list[int] = ()) -> dict[str, Path]:
    """The guidebook project, its no-agent and `workers` variants and the floor project for N
    guides."""
    project = root / "guidebook"
    config = write_project(project, n)
    data = yaml.safe_load(config.read_text())
    plugin = data["plugins"][1]["guidebook"]
    no_agent = dict(data, plugins=["search", {"guidebook": {**plugin, "agent_outputs": False}}])
    (project / "mkdocs.no-agent.yml").write_text(yaml.safe_dump(no_agent, sort_keys=False))
    for k in workers:
        variant = dict(data, plugins=["search", {"guidebook": {**plugin, "workers": k}}])
        (project / f"mkdocs.workers-{k}.yml").write_text(yaml.safe_dump(variant, sort_keys=False))
    floor = root / "floor"
    (floor / "docs").mkdir(parents=True)
    shutil.copy(project / "docs" / "index.md", floor / "docs" / "index.md")
    subprocess.run([str(BIN / "guidebook"), "-f", str(config), "render", "--format", "plain",
                    "--out", str(floor / "docs" / "guides")], check=True, env=ENV, cwd=project)
    (floor / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": data["site_name"], "site_url": data["site_url"],
        "theme": {"name": "material"}, "plugins": ["search"],
        "nav": ["index.md"], "not_in_nav": "/guides/**",
    }, sort_keys=False))
    floor_nav = root / "floor-nav"
    (floor_nav / "docs").mkdir(parents=True)
    shutil.copy(floor / "docs" / "index.md", floor_nav / "docs" / "index.md")
    shutil.copytree(floor / "docs" / "guides" / "connectors", floor_nav / "docs" / "connectors")
    nav = same_site(project, plugin, floor_nav / "docs")
    (floor_nav / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": data["site_name"], "site_url": data["site_url"],
        "theme": {"name": "material", "features": ["navigation.prune"]},
        "plugins": ["search"], "nav": ["index.md", nav],
        # the sidebar's table of contents as guidebook's: the sections, not every step
        "markdown_extensions": [{"toc": {"toc_depth": 2}}],
    }, sort_keys=False))
    return {"guidebook": project, "floor": floor, "floor_nav": floor_nav}


def same_site(project: Path, plugin: dict[str, Any], docs: Path) -> dict[str, Any]:
    """Write the connectors index and connector pages (their plain Markdown) into `docs`, where
    guidebook puts them, and return the Connectors entry of a nav shaped as guidebook's."""
    from guidebook.config import GuidebookConfig
    from guidebook.exports import Exporter
    from guidebook.site import Options, load_site, sidebar_groups

    site = load_site(Options(guides_dir=project / "guides", brand=plugin["brand"]),
                     display_root=project)
    exporter = Exporter(site, fmt="plain", site_url="https://bench.example/")
    title = site.options.words.text("index.title")
    (docs / "connectors" / "index.md").write_text(exporter.index(title).text, encoding="utf-8")
    size = GuidebookConfig.nav_group_size.default
    categories: list[Any] = []
    for category, entries in site.placements:
        sections: list[Any] = []
        for group_title, group in sidebar_groups(entries, size):
            made = []
            for entry in group:
                page = docs / entry.src_uri
                page.parent.mkdir(parents=True, exist_ok=True)
                page.write_text(exporter.connector(entry).text, encoding="utf-8")
                made.append({entry.name: [entry.src_uri] + [
                    {guide.title: guide.url.rstrip("/") + ".md"} for guide in entry.guides]})
            sections += made if group_title is None else [{group_title: made}]
        categories.append({category: sections})
    return {title: ["connectors/index.md", *categories]}


def parse_only(guides: Path) -> float:
    from yaml import CSafeLoader

    start = time.perf_counter()
    for path in sorted(guides.rglob("*.yaml")):
        yaml.load(path.read_bytes(), Loader=CSafeLoader)
    return time.perf_counter() - start


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (OSError, ValueError):
        return None


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process so far (Linux: /proc), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def filesystem(folder: str) -> dict[str, Any]:
    """The file system `folder` is on (Linux: /proc), and for ext3/ext4 whether it has a
    journal: system time depends on it (MkDocs empties the site folder before each build, and
    an ext4 without a journal is slow to give out inodes freed moments before)."""
    found: dict[str, Any] = {"type": None, "source": None, "journal": None}
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    real, best = os.path.realpath(folder), ""
    for line in lines:  # ID PARENT MAJ:MIN ROOT MOUNT OPTIONS [OPTIONAL...] - TYPE SOURCE ...
        fields, _, rest = line.partition(" - ")
        mount = fields.split()[4].replace("\\040", " ")
        inside = real == mount or real.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best = mount
            found["type"], found["source"] = [*rest.split(), None, None][:2]
    if found["type"] in ("ext3", "ext4") and found["source"]:
        try:
            logs = os.listdir("/proc/fs/jbd2")
        except OSError:
            logs = []
        name = os.path.basename(found["source"])
        found["journal"] = any(log.rsplit("-", 1)[0] == name for log in logs)
    return found


def serve_latency(project: Path, rounds: int, idle: float = 10.0) -> tuple[list[float], float | None]:
    """Seconds from saving an edited guide to `mkdocs serve` serving the changed page, and
    the share of a core the server then uses sitting idle for `idle` seconds (None where it
    cannot be read)."""
    from guidebook.site import Options, load_site

    root = project.parent / "serve"
    shutil.copytree(project, root)
    plugin = yaml.safe_load((root / "mkdocs.yml").read_text())["plugins"][1]["guidebook"]
    page = load_site(Options(guides_dir=root / "guides", brand=plugin["brand"]),
                     display_root=root).pages[0]
    port = _free_port()
    url = f"http://127.0.0.1:{port}/{page.url}"
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([str(BIN / "mkdocs"), "serve", "-a", f"127.0.0.1:{port}"],
                                cwd=root, env=ENV, stdout=subprocess.DEVNULL, stderr=err)
        try:
            deadline = time.monotonic() + 900
            while _fetch(url) is None:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err.seek(0)
                    raise SystemExit(f"mkdocs serve did not come up:\n{err.read().decode()[-3000:]}")
                time.sleep(0.2)
            times = []
            guide_file = root / page.file
            for i in range(rounds):
                data = yaml.safe_load(guide_file.read_text(encoding="utf-8"))
                marker = f"Edited step {i} {time.time_ns()}"
                data["sections"][0]["steps"][0]["title"] = marker
                start = time.perf_counter()
                guide_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
                while marker not in (_fetch(url) or ""):
                    if proc.poll() is not None or time.perf_counter() - start > 900:
                        raise SystemExit("mkdocs serve did not rebuild the edited page")
                    time.sleep(0.05)
                times.append(time.perf_counter() - start)
            time.sleep(2)  # (the last edit's second report, if any, settles)
            before, start = _cpu_seconds(proc.pid), time.perf_counter()
            time.sleep(idle)
            after = _cpu_seconds(proc.pid)
            share = (None if before is None or after is None
                     else (after - before) / (time.perf_counter() - start))
            return times, share
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            shutil.rmtree(root, ignore_errors=True)


def bench(n: int, rounds: int, serve: bool = False, agent_pairs: int = 0,
          workers: list[int] = ()) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix=f"guidebook-bench-{n}-") as tmp:
        dirs = prepare(Path(tmp), n, workers)
        project, floor, floor_nav = dirs["guidebook"], dirs["floor"], dirs["floor_nav"]
        mkdocs = str(BIN / "mkdocs")
        times: dict[str, list[float]] = {"floor": [], "floor_nav": [], "guidebook": [],
                                         "no_agent": [],
                                         "validate": [], "parse": [],
                                         **{f"workers_{k}": [] for k in workers}}
        cpu: dict[str, list[float]] = {key: [] for key in times}
        rss: dict[str, int] = {}
        for round_ in range(rounds):
            pair = [("guidebook", [mkdocs, "build", "-q", "-d", "out"], project),
                    ("no_agent", [mkdocs, "build", "-q", "-f", "mkdocs.no-agent.yml", "-d",
                                  "out2"], project)]
            for name, cmd, cwd in (
                ("floor", [mkdocs, "build", "-q", "-d", "out"], floor),
                ("floor_nav", [mkdocs, "build", "-q", "-d", "out"], floor_nav),
                *(pair if round_ % 2 == 0 else pair[::-1]),  # neither always goes first
                *((f"workers_{k}", [mkdocs, "build", "-q", "-f", f"mkdocs.workers-{k}.yml",
                                    "-d", f"out-w{k}"], project) for k in workers),
                ("validate", [str(BIN / "guidebook"), "validate", "guides"], project),
            ):
                elapsed, peak, used = run(cmd, cwd)
                times[name].append(elapsed)
                cpu[name].append(used)
                rss[name] = max(rss.get(name, 0), peak)
            times["parse"].append(parse_only(project / "guides"))
        # builds next to each other, paired: the machine's drift cancels out
        shares = [a / b - 1 for a, b in zip(times["guidebook"], times["no_agent"], strict=True)]
        cpu_shares = [a / b - 1 for a, b in zip(cpu["guidebook"], cpu["no_agent"], strict=True)]
        for extra in range(agent_pairs):
            timed = {name: run(cmd, cwd)
                     for name, cmd, cwd in (pair if (rounds + extra) % 2 == 0 else pair[::-1])}
            shares.append(timed["guidebook"][0] / timed["no_agent"][0] - 1)
            cpu_shares.append(timed["guidebook"][2] / timed["no_agent"][2] - 1)
        pages = list((project / "out" / "connectors").glob("*/guides/*/*/index.html"))
        html_kb = statistics.mean(p.stat().st_size for p in pages) / 1024
        idle_share = None
        if serve:
            times["serve"], idle_share = serve_latency(project, rounds)
        med = {k: statistics.median(v) for k, v in times.items()}
        cpu_med = {k: statistics.median(v) for k, v in cpu.items() if v}
        return {
            "n": n, "rounds": rounds, **{f"{k}_s": round(v, 3) for k, v in med.items()},
            "ratio_vs_floor": round(med["guidebook"] / med["floor"], 3),
            "cpu_s": round(cpu_med["guidebook"], 2), "floor_cpu_s": round(cpu_med["floor"], 2),
            "cpu_ratio_vs_floor": round(cpu_med["guidebook"] / cpu_med["floor"], 3),
            "floor_nav_cpu_s": round(cpu_med["floor_nav"], 2),
            "ratio_vs_floor_nav": round(med["guidebook"] / med["floor_nav"], 3),
            "cpu_ratio_vs_floor_nav": round(cpu_med["guidebook"] / cpu_med["floor_nav"], 3),
            **{f"workers_{k}_vs_{f}": round(med[f"workers_{k}"] / med[f], 3)
               for k in workers for f in ("floor", "floor_nav")},
            **{f"workers_{k}_cpu_vs_{f}": round(cpu_med[f"workers_{k}"] / cpu_med[f], 3)
               for k in workers for f in ("floor", "floor_nav")},
            "agent_outputs_share": round(statistics.median(shares), 3),
            "agent_outputs_pairs": len(shares),
            "agent_outputs_share_quartiles": _quartiles(shares),
            "agent_outputs_pair_shares": [round(x, 4) for x in shares],
            "agent_outputs_cpu_share": round(statistics.median(cpu_shares), 3),
            "agent_outputs_cpu_share_quartiles": _quartiles(cpu_shares),
            "validate_vs_parse": round(med["validate"] / med["parse"], 2),
            "ms_per_guide": round(1000 * med["guidebook"] / n, 2),
            "floor_ms_per_guide": round(1000 * med["floor"] / n, 2),
            "html_kb_per_guide_page": round(html_kb, 1),
            "peak_rss_mb": rss["guidebook"], "floor_peak_rss_mb": rss["floor"],
            **({"serve_edit_vs_floor_build": round(med["serve"] / med["floor"], 3),
                "serve_idle_cpu_share": None if idle_share is None else round(idle_share, 3)}
               if serve else {}),
        }


def connector_page(actions: int) -> dict[str, Any]:
    """Build one connector whose file pulls in `actions` actions through `$ref` partials (two
    paragraphs and two scopes each) and report its reference page's size and the build time."""
    with tempfile.TemporaryDirectory(prefix=f"guidebook-bench-actions-{actions}-") as tmp:
        root = Path(tmp)
        folder = root / "guides" / "bulk"
        folder.mkdir(parents=True)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# Home\n")
        refs = []
        for part in range(0, actions, 50):
            name = f"bulk.part{part // 50}"
            refs.append(f"  $ref: {name}\n")
            items = [{"actionId": f"bulk_action_{i}", "label": f"Bulk Action {i}",
                      "categories": ["hris" if i % 3 else "ats"], "actionType": "list",
                      "description": f"Does thing {i} with the records.\n\nPaginates with "
                                     f"`cursor`; at most 100 records a page ({i}).",
                      "scopes": [f"records.{i}.read", "records.read"]}
                     for i in range(part, min(part + 50, actions))]
            (folder / f"{name}.s1.partial.yaml").write_text(yaml.safe_dump(items))
        (folder / "bulk.connector.s1.yaml").write_text(
            "StackOne: 1.0.0\ninfo: {title: Bulk, key: bulk_hris, description: Many actions.}\n"
            "authentication:\n  - custom:\n      label: API Key\n      configFields:\n"
            "        - {key: k, label: API Key, type: password, required: true, secret: true}\n"
            "actions:\n" + "".join(refs))
        (root / "mkdocs.yml").write_text(yaml.safe_dump({
            "site_name": "Bench", "site_url": "https://bench.example/",
            "theme": {"name": "material"}, "plugins": ["search", {"guidebook": {}}]}))
        elapsed, _, _ = run([str(BIN / "mkdocs"), "build", "-q", "-d", "out"], root)
        page = root / "out" / "connectors" / "bulk_hris" / "index.html"
        twin = root / "out" / "connectors" / "bulk_hris.md"
        return {"actions": actions, "build_s": round(elapsed, 2),
                "page_kb": round(page.stat().st_size / 1024, 1),
                "twin_kb": round(twin.stat().st_size / 1024, 1)}


def _quartiles(values: list[float]) -> list[float]:
    """The first and third quartiles of `values`."""
    q = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
    return [round(q[0], 3), round(q[2], 3)]


def main() -> None:
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        # run in a shell's background (SIGINT ignored, and so in every process started): the
        # servers are stopped with SIGINT, their Ctrl-C
        signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--agent-pairs", type=int, default=0, metavar="K",
                        help="K more pairs of full and no-agent builds per size, for the agent "
                             "outputs' share alone (its noisiest figure)")
    parser.add_argument("--workers", type=int, nargs="*", default=[], metavar="K",
                        help="also build with `workers: K` and report its ratios (e.g. 1 2 4)")
    parser.add_argument("--serve", type=int, nargs="*", default=[2000], metavar="N",
                        help="sizes at which to time `mkdocs serve` after an edit (default: 2000)")
    parser.add_argument("--actions", type=int, nargs="*", default=[30, 300], metavar="A",
                        help="also build one connector with A actions and report its reference "
                             "page's size (default: 30 and 300)")
    args = parser.parse_args()
    results = []
    cols = ["n", "floor_s", "floor_nav_s", "guidebook_s", "ratio_vs_floor", "cpu_ratio_vs_floor",
            "ratio_vs_floor_nav", "cpu_ratio_vs_floor_nav",
            *(f"workers_{k}_vs_{f}" for k in args.workers for f in ("floor", "floor_nav")),
            *(f"workers_{k}_cpu_vs_{f}" for k in args.workers for f in ("floor", "floor_nav")),
            "ms_per_guide", "floor_ms_per_guide",
            "agent_outputs_share", "agent_outputs_share_quartiles", "agent_outputs_cpu_share",
            "agent_outputs_pairs",
            "validate_vs_parse", "html_kb_per_guide_page", "peak_rss_mb", "floor_peak_rss_mb",
            "serve_s", "serve_idle_cpu_share"]
    print(" | ".join(cols))
    for n in args.sizes:
        result = bench(n, args.rounds, serve=n in args.serve, agent_pairs=args.agent_pairs,
                       workers=args.workers)
        results.append(result)
        print(" | ".join(str(result.get(c, "-")) for c in cols), flush=True)
    if len(results) > 1:
        first, last = results[0], results[-1]
        print(f"linearity: ms/guide at N={last['n']} is "
              f"{last['ms_per_guide'] / first['ms_per_guide']:.2f}x that at N={first['n']}")
    pages = [connector_page(a) for a in args.actions]
    for page in pages:
        print(f"connector page with {page['actions']} actions: {page['page_kb']} KB HTML, "
              f"{page['twin_kb']} KB twin, built in {page['build_s']} s", flush=True)
    if len(pages) > 1:
        first, last = pages[0], pages[-1]
        print(f"connector page size per action at {last['actions']} actions is "
              f"{(last['page_kb'] / last['actions']) / (first['page_kb'] / first['actions']):.2f}x "
              f"that at {first['actions']}")
    if args.json:
        found = {"sizes": results, "connector_pages": pages,
                 "filesystem": filesystem(tempfile.gettempdir())}
        args.json.write_text(json.dumps(found, indent=2) + "\n")


if __name__ == "__main__":
    main()
