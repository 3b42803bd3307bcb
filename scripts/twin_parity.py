"""Twin parity of a built site: how many pages' Markdown twins lack text of their page.

    .venv/bin/python scripts/twin_parity.py SITE_DIR [--show N]

For every page with a twin, the text segments of its main content (minus data-markdown-ignore)
that the twin lacks, as tests/parity.py computes them; prints the totals and, with --show, up
to N missing segments per page.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site_dir", type=Path, help="a built site (mkdocs build -d DIR)")
    parser.add_argument("--show", type=int, default=0, help="missing segments shown per page")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "tests"))
    from parity import html_segments, site_parity

    report = site_parity(args.site_dir)
    segments = sum(len(html_segments((args.site_dir / page / "index.html").read_text("utf-8")))
                   for page in report)
    missing = sum(len(m) for m in report.values())
    differing = sum(1 for m in report.values() if m)
    print(f"{len(report)} pages with a twin, {differing} differing; "
          f"{missing} of {segments} segments missing")
    for page, lacking in report.items():
        if lacking and args.show:
            print(f"{page or '.'}: {len(lacking)}")
            for segment in lacking[:args.show]:
                print(f"    {segment[:120]}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
