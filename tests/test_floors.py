"""pyproject's lower bounds and constraints/lowest.txt (the versions `make test-lowest` runs
the suite on) name the same versions, so neither can drift from the other."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT


def floors() -> dict[str, str]:
    """Each runtime dependency's lower bound (`>=`) in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for line in project["dependencies"]:
        req = Requirement(line)
        lower = [s.version for s in req.specifier if s.operator == ">="]
        assert len(lower) == 1, f"{line}: give it one lower bound (>=)"
        found[canonicalize_name(req.name)] = lower[0]
    return found


def pins() -> dict[str, str]:
    """name -> version of every `name==version` line of constraints/lowest.txt."""
    found = {}
    for line in (ROOT / "constraints/lowest.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==", f"{line}: pin one version"
            found[canonicalize_name(req.name)] = spec.version
    return found


def test_lowest_pins_are_the_lower_bounds() -> None:
    assert pins() == floors()

