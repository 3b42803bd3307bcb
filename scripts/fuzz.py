#!/usr/bin/env python3
"""The long fuzz run: the properties of tests/test_fuzz.py and tests/test_injection.py (the
agent outputs read by a raw-HTML Markdown renderer) with many more examples.

    .venv/bin/python scripts/fuzz.py                # 2,000 examples per property
    .venv/bin/python scripts/fuzz.py -n 20000 -k bytes
    .venv/bin/python scripts/fuzz.py -k agent       # the agent outputs alone

Prints, per property, the time taken and what its examples ended in (a valid guide rendered
safely, or a load / check / page error with file:line); exits 1 on the first counterexample,
which hypothesis prints in full.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--examples", type=int, default=2000,
                        help="examples per property (default 2000)")
    parser.add_argument("-k", "--keyword", default="",
                        help="run only the properties whose name contains this")
    args = parser.parse_args(argv)
    os.environ["GUIDEBOOK_FUZZ_EXAMPLES"] = str(args.examples)  # read when the module loads
    sys.path.insert(0, str(ROOT / "tests"))
    import test_fuzz
    import test_injection

    properties = sorted((name, module) for module in (test_fuzz, test_injection)
                        for name in dir(module)
                        if name.startswith("test_") and args.keyword in name
                        and hasattr(getattr(module, name), "hypothesis"))
    failed = 0
    total = time.perf_counter()
    for name, module in properties:
        before = dict(test_fuzz.OUTCOMES)
        start = time.perf_counter()
        try:
            getattr(module, name)()
            status = "ok"
        except Exception:  # a counterexample: show it, go on with the other properties
            traceback.print_exc()
            status = "FAILED"
            failed += 1
        seen = {k: v - before.get(k, 0) for k, v in test_fuzz.OUTCOMES.items()
                if v - before.get(k, 0)}
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(seen.items()))
        print(f"{status:6} {name:40} {time.perf_counter() - start:7.1f}s  {summary}", flush=True)
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(test_fuzz.OUTCOMES.items()))
    print(f"\n{len(properties)} properties, {args.examples} examples each, "
          f"{time.perf_counter() - total:.0f}s; outcomes: {outcomes}; failed: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
