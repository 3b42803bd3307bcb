"""The same input gives byte-identical output: the example site is built twice and compared."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

MKDOCS = Path(sys.executable).parent / "mkdocs"


def build_site(site_dir: Path, hash_seed: str) -> dict[str, bytes]:
    """Build the example site in a fresh process; relative path -> bytes of every file."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("GUIDEBOOK_WHITELABEL", None)
    command = [str(MKDOCS)] if MKDOCS.exists() else [sys.executable, "-m", "mkdocs"]
    result = subprocess.run([*command, "build", "--strict", "-q", "-d", str(site_dir)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return {p.relative_to(site_dir).as_posix(): p.read_bytes()
            for p in sorted(site_dir.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_example_site_builds_byte_identical(tmp_path: Path) -> None:
    # Different hash seeds (and output folders) flush out set- and dict-order dependence.
    first = build_site(tmp_path / "one", "1")
    second = build_site(tmp_path / "two", "2")
    assert sorted(first) == sorted(second)
    assert any(name.startswith("connectors/") for name in first)
    differ = [name for name in first if first[name] != second[name]]
    assert differ == [], f"files differ between two builds of the same input: {differ}"
