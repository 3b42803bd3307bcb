"""What an import produced and what it could not carry over: results, warnings, failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ImportWarning:
    """Something the importer could not carry over exactly, at a line of the source file."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: warning: {self.message}"


@dataclass
class ImportResult:
    """One converted guide: its YAML text, where it belongs below the guides folder, warnings.

    `guide` is the guide as data and `comments` the source comments kept at the end of the
    file: `writer.write` makes `yaml_text` and `guide_path` from them (again, when a batch
    changes the guide). `file` names the source in messages, `source_name` in the YAML.
    """

    source: Path
    yaml_text: str
    guide_path: str
    warnings: list[ImportWarning] = field(default_factory=list)
    guide: dict[str, Any] = field(default_factory=dict, repr=False)
    comments: list[tuple[int, str]] = field(default_factory=list, repr=False)
    file: str = ""
    source_name: str = ""

    def warn(self, line: int, message: str) -> None:
        """Add a warning found after the file was converted (kept in line order)."""
        self.warnings.append(ImportWarning(self.file, line, message))
        self.warnings.sort(key=lambda w: w.line)


class ImportFailure(Exception):
    """The file cannot be turned into a guide; `file`, `line` and `message` say why."""

    def __init__(self, file: str, line: int, message: str) -> None:
        self.file = file
        self.line = line
        self.message = message
        super().__init__(f"{file}:{line}: {message}")


# --------------------------------------------------------------------------------------------
# Context and frontmatter


class Context:
    """The file being imported and the warnings collected so far (deduplicated, in order)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.warnings: list[ImportWarning] = []
        self.comments: list[tuple[int, str]] = []

    def comment(self, line: int, text: str) -> None:
        """Keep a source comment (invisible on the page) for the end of the YAML file."""
        text = text.strip()
        if text and (line, text) not in self.comments:
            self.comments.append((line, text))
            self.warn(line, "comment kept as a YAML comment at the end of the guide file")

    def warn(self, line: int, message: str) -> None:
        warning = ImportWarning(self.file, line, message)
        if warning not in self.warnings:
            self.warnings.append(warning)

    def fail(self, line: int, message: str) -> ImportFailure:
        return ImportFailure(self.file, line, message)
