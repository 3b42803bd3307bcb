"""Interrupted and concurrent builds: real `mkdocs build` processes, killed at several points.

Every build runs with its own TMPDIR and a marker in its environment, so the test can see any
temporary file it left and find any process of it still alive (forked workers inherit the
environment) by reading /proc/PID/environ.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ROOT
from guidebook.pool import can_fork
from guidebook.workspace import PREFIX, SiteBusy, SiteLock, sweep

MKDOCS = str(Path(sys.executable).parent / "mkdocs")
GUIDES = 240

pytestmark = pytest.mark.skipif(not can_fork() or not Path("/proc/self/environ").exists(),
                                reason="forked workers and /proc (Linux)")


@pytest.fixture(scope="module")
def site_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project of a few hundred synthetic guides (scripts/synth.py); returns its folder."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from synth import write_project
    finally:
        sys.path.pop(0)
    folder = tmp_path_factory.mktemp("interrupted")
    write_project(folder, GUIDES)
    return folder


def _env(tmp: Path, marker: str) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmp), "GUIDEBOOK_TEST_MARKER": marker,
            "NO_MKDOCS_2_WARNING": "1"}


def _alive(marker: str) -> list[int]:
    """Processes (not zombies) whose environment holds `marker`."""
    entry = f"GUIDEBOOK_TEST_MARKER={marker}".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                state = stat.read().rsplit(b")", 1)[1].split()[0]
            with open(f"/proc/{name}/environ", "rb") as env:
                environ = env.read().split(b"\0")
        except OSError:
            continue
        if state != b"Z" and entry in environ:
            found.append(int(name))
    return found


def _wait_gone(marker: str, within: float = 3.0) -> list[int]:
    """The processes of `marker` still alive after `within` seconds (the kernel delivers the
    parent-death signal at once; the wait only covers a busy machine); they are killed, so a
    failing test leaves nothing running."""
    end = time.monotonic() + within
    while (left := _alive(marker)) and time.monotonic() < end:
        time.sleep(0.05)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


def _build_folders(tmp: Path, pid: int | None = None) -> list[Path]:
    """The build folders in `tmp` (of the build process `pid`)."""
    return sorted(tmp.glob(f"{PREFIX}{pid if pid is not None else ''}*"))


def _workers_started(marker: str) -> bool:
    return len(_alive(marker)) > 1  # the build and its pool's workers


def _twin_written(site: Path) -> bool:
    return (site / "connectors").is_dir() and next(
        (site / "connectors").rglob("*.md"), None) is not None


def _start(project: Path, tmp: Path, marker: str, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([MKDOCS, "build", "-q", *args], cwd=project, env=_env(tmp, marker),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _until(proc: subprocess.Popen[bytes], ready: Callable[[], bool], limit: float = 60) -> None:
    end = time.monotonic() + limit
    while not ready() and proc.poll() is None and time.monotonic() < end:
        time.sleep(0.01)


def _site_digest(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _assert_complete(site: Path) -> None:
    """Every guide has its page and twin, in the search index and in llms-full.txt."""
    pages = sorted(p for p in (site / "connectors").glob("*/guides/*/*/index.html"))
    assert len(pages) == GUIDES
    twins = [p.parent.with_suffix(".md") for p in pages]
    assert all(t.is_file() and t.stat().st_size > 0 for t in twins)
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {d["location"].split("#")[0] for d in index["docs"]}
    for page in pages:
        assert page.parent.relative_to(site).as_posix() + "/" in locations
    full = (site / "llms-full.txt").read_text(encoding="utf-8")
    sources = {line.split("/", 3)[3] for line in full.splitlines() if line.startswith("Source: ")}
    assert sources == {t.relative_to(site).as_posix() for t in twins}


def test_a_killed_build_leaves_no_process_and_the_next_build_cleans_up(
        site_project: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    site = site_project / "site"
    began = time.monotonic()
    first = _start(site_project, tmp, uuid.uuid4().hex)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    whole = time.monotonic() - began  # kill points are shares of it (any machine's speed)
    # when to kill a build, given the process and when it started
    points: list[tuple[str, Callable[[subprocess.Popen[bytes], float], bool]]] = [
        *((f"{share:.0%} of a build",
           (lambda proc, began, share=share: time.monotonic() - began >= share * whole))
          for share in (0.05, 0.2, 0.35, 0.5, 0.7)),
        ("its workers have started", lambda proc, began: _workers_started(marker)),
        ("a worker has written a twin", lambda proc, began: _twin_written(site)),
    ]
    hit = 0
    for name, ready in points:
        shutil.rmtree(site, ignore_errors=True)
        marker = uuid.uuid4().hex
        began = time.monotonic()
        proc = _start(site_project, tmp, marker)
        _until(proc, lambda: ready(proc, began))
        if proc.poll() is None:  # (a build may end before a late point on a fast machine)
            hit += 1
            assert _alive(marker), name
            proc.kill()
        proc.wait(timeout=30)
        assert _wait_gone(marker) == [], f"processes of a build killed at {name} survive"
        assert _build_folders(tmp) == [], f"a build killed at {name} left temporary files"
    assert hit >= len(points) - 2, "the builds ended before most kill points"
    (tmp / f"{PREFIX}99999999-old").mkdir()  # what a killed build of an older version left
    marker = uuid.uuid4().hex
    proc = _start(site_project, tmp, marker)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err.decode()
    assert _wait_gone(marker) == []
    assert sorted(tmp.iterdir()) == [], "the next build left temporary files"
    _assert_complete(site)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_terminated_build_stops_its_workers(site_project: Path, tmp_path: Path,
                                              sig: int) -> None:
    tmp = tmp_path / "tmp"
    marker = uuid.uuid4().hex
    proc = _start(site_project, tmp, marker)
    _until(proc, lambda: _workers_started(marker))
    assert proc.poll() is None and _workers_started(marker)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert proc.returncode != 0
    assert _wait_gone(marker) == []
    assert sorted(tmp.iterdir()) == []


# A build whose every fork is met by the signal, sent from Python's own fork callback in the
# parent: the moment a Ctrl-C was lost (raised in that callback, printed and ignored).
_SIGNALLED_AT_FORK = """
import os, sys
from mkdocs.__main__ import cli
SIGNAL = int(sys.argv[1])
def stop():
    os.kill(os.getpid(), SIGNAL)
    sum(range(1000))  # (Python code after the signal: its handler runs here)
os.register_at_fork(after_in_parent=stop)
sys.argv = ["mkdocs", *sys.argv[2:]]
cli()
"""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_the_workers_fork_stops_the_build(site_project: Path, tmp_path: Path,
                                                          sig: int) -> None:
    tmp = tmp_path / "tmp"
    marker = uuid.uuid4().hex
    config = site_project / f"mkdocs.fork-{marker}.yml"
    config.write_text((site_project / "mkdocs.yml").read_text(encoding="utf-8")
                      .replace("- guidebook:", "- guidebook:\n    workers: 2"), encoding="utf-8")
    assert "workers: 2" in config.read_text(encoding="utf-8")
    try:
        proc = subprocess.run([sys.executable, "-c", _SIGNALLED_AT_FORK, str(int(sig)), "build",
                               "-q", "-f", config.name, "-d", str(tmp_path / "site")],
                              cwd=site_project, env=_env(tmp, marker), capture_output=True,
                              timeout=120, check=False)
    finally:
        config.unlink()
    err = proc.stderr.decode()
    assert proc.returncode != 0, err  # it went on to the end (0) before
    assert "Exception ignored" not in err, err
    assert not (tmp_path / "site" / "sitemap.xml").exists()
    assert _wait_gone(marker) == []
    assert sorted(tmp.iterdir()) == []


def test_concurrent_builds_into_one_folder_end_cleanly(site_project: Path,
                                                      tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    site = site_project / "site"
    first = _start(site_project, tmp, uuid.uuid4().hex)
    _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err.decode()
    expected = _site_digest(site)
    markers = [uuid.uuid4().hex for _ in range(3)]
    procs = []
    for marker in markers:  # the second and third start while the first is still running
        procs.append(_start(site_project, tmp, marker))
        time.sleep(0.2)
    results = [(p, *p.communicate(timeout=300)) for p in procs]
    for marker in markers:
        assert _wait_gone(marker) == []
    ok = 0
    for proc, _, err in results:
        text = err.decode()
        assert "Traceback" not in text, text
        if proc.returncode == 0:
            ok += 1
        else:
            assert "another guidebook build is writing" in text, text
    assert ok >= 1
    assert _site_digest(site) == expected
    assert sorted(tmp.iterdir()) == []


def test_the_lock_names_its_holder_and_is_free_again_after_release(tmp_path: Path) -> None:
    first, second = SiteLock(tmp_path / "site"), SiteLock(tmp_path / "site")
    first.acquire()
    with pytest.raises(SiteBusy, match=rf"another guidebook build is writing .*site \(pid "
                                       rf"{os.getpid()}\)"):
        second.acquire()
    other = SiteLock(tmp_path / "other")
    other.acquire()  # another site folder: another lock
    other.release()
    first.release()
    assert not os.path.exists(first.path)
    second.acquire()
    second.release()


def test_sweep_removes_only_what_no_live_build_owns(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine = tmp_path / f"{PREFIX}{os.getpid()}-abc"
    gone = tmp_path / f"{PREFIX}{dead.pid}-abc"
    other = tmp_path / "guidebook-something"
    for folder in (mine, gone, other):
        (folder / "inner").mkdir(parents=True)
    held = SiteLock(tmp_path / "site")
    held.acquire()
    assert Path(held.path).parent == tmp_path
    left = tmp_path / "guidebook-site-0123abcd.lock"  # a killed build's
    left.write_text("1")
    try:
        assert sorted(sweep(str(tmp_path))) == sorted([gone, left])
        assert Path(held.path).exists()
    finally:
        held.release()
    assert mine.is_dir() and other.is_dir() and not gone.exists()
