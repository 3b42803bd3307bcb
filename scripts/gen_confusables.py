"""Generate plugins/guidebook/confusables.py from Unicode's confusables.txt (UTS #39).

    python scripts/gen_confusables.py PATH/TO/confusables.txt > plugins/guidebook/confusables.py

confusables.txt maps each confusable code point to its prototype; the TR39 skeleton of a text
is the text with every character replaced by its prototype. The white-label check folds text
with NFKC, case folding and NFD before it looks characters up, so the table keeps only entries
whose source can survive those steps, stores prototypes case-folded and in NFD, and leaves
ASCII as it is: ASCII sources (`0` -> `O`, `1` -> `l`, `m` -> `rn`) are dropped, and a
prototype that is the prototype of an ASCII character is written as that character (`rn` ->
`m`), so that `Stream` stays `stream` and digits in URLs are not read as letters.
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path


def _fold(text: str) -> str:
    return unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())


def read(path: Path) -> tuple[str, dict[str, str]]:
    """(Unicode version line, source -> prototype) of a confusables.txt."""
    version = ""
    mapping: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("# Version:"):
            version = line[2:].strip()
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target = (field.strip() for field in data.split(";")[:2])
        mapping[chr(int(source, 16))] = "".join(chr(int(x, 16)) for x in target.split())
    return version, mapping


def table(mapping: dict[str, str]) -> dict[str, str]:
    """The folded table: non-ASCII source -> case-folded NFD prototype (see the docstring)."""
    ascii_for = {target: source for source, target in mapping.items()
                 if source.isascii() and not (len(target) == 1 and target.isascii())}
    out: dict[str, str] = {}
    for source, target in mapping.items():
        if source.isascii() or _fold(source) != source:
            continue  # ASCII stays; other sources never survive NFKC + casefold + NFD
        target = ascii_for.get(target, target)
        folded = _fold(target)
        if folded != source:
            out[source] = folded
    for _ in range(4):  # prototypes are not sources in TR39; after folding, make sure
        changed = False
        for source, target in out.items():
            again = "".join(out.get(c, c) for c in target)
            if again != target:
                out[source], changed = again, True
        if not changed:
            break
    return out


def main() -> None:
    version, mapping = read(Path(sys.argv[1]))
    folded = table(mapping)
    lines = [f"{ord(s):04X} {' '.join(f'{ord(c):04X}' for c in t)}"
             for s, t in sorted(folded.items())]
    print(f'"""The TR39 confusables table the white-label check folds text with (generated).\n\n'
          f"Made by scripts/gen_confusables.py from Unicode's confusables.txt ({version},\n"
          f"Unicode License): {len(lines)} of its {len(mapping)} entries, folded as that script says.\n"
          f'"""\n\nDATA = """\\\n' + "\n".join(lines) + '\n"""\n\n\n'
          "def table() -> dict[int, str]:\n"
          '    """Code point -> folded prototype, for str.translate."""\n'
          "    out: dict[int, str] = {}\n"
          "    for line in DATA.splitlines():\n"
          "        source, *target = line.split()\n"
          '        out[int(source, 16)] = "".join(chr(int(c, 16)) for c in target)\n'
          "    return out")


if __name__ == "__main__":
    main()
