"""Errors the user caused, each pointing at a file, line and column, with a hint to fix it."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .model import Source


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one guide file."""

    source: Source
    message: str
    hint: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        text = f"{self.source}: {self.severity}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.source.file, self.source.line, self.source.col, self.message)


class GuideError(Exception):
    """One or more problems in guide files; `str()` lists every one, one per line."""

    def __init__(self, problems: Iterable[Problem] | Problem) -> None:
        if isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = sorted(problems, key=Problem.sort_key)
        if not self.problems:
            raise ValueError("GuideError needs at least one problem")
        super().__init__("\n".join(str(p) for p in self.problems))

    @property
    def source(self) -> Source:
        """The position of the first problem."""
        return self.problems[0].source

    @property
    def files(self) -> list[str]:
        return sorted({p.source.file for p in self.problems})

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)


def error(source: Source, message: str, hint: str | None = None) -> GuideError:
    """A GuideError with a single problem."""
    return GuideError(Problem(source, message, hint))
