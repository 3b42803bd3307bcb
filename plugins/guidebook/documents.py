"""Any file below the guides folder, read into the model: a guide file gives one guide, a
StackOne connector file its connector's reference data and any number of guides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .connectors import read_connector
from .errors import GuideError, Problem
from .load import DEFAULT_MAX_BYTES, compose, display_path, is_connector_document, load_guide, read_text
from .model import ConnectorInfo, Guide, Source


@dataclass
class Document:
    """What one file holds."""

    guides: list[Guide]
    connector: ConnectorInfo | None = None  # set for connector files
    partials: list[Path] = field(default_factory=list)  # partial files a connector file read


def read_document(text: str, file: str, folder: Path | None = None, *,
                  max_bytes: int = DEFAULT_MAX_BYTES, language: str | None = None) -> Document:
    """The guides (and connector) of YAML text; `file` names it in messages, `folder` is
    where a connector file's `$ref` partials are, `language` picks their translations
    (raises GuideError)."""
    node = compose(text, file)
    if node is None:
        raise GuideError(Problem(Source(file, 1, 1), "the file is empty",
                                 "start from `guidebook new`, or delete the file"))
    if is_connector_document(node):
        found = read_connector(node, file, folder, max_bytes=max_bytes, language=language)
        return Document(found.guides, found.info, found.partials)
    return Document([load_guide(node, file, text)])


def load_document(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  file: str | None = None, language: str | None = None) -> Document:
    """Everything one file holds (raises GuideError listing every problem in the file)."""
    path = Path(path)
    file = file if file is not None else display_path(path)
    return read_document(read_text(path, file, max_bytes), file, path.parent,
                         max_bytes=max_bytes, language=language)


def load_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
              file: str | None = None) -> list[Guide]:
    """Every guide a file holds: one for a guide file, any number for a connector file."""
    return load_document(path, max_bytes=max_bytes, file=file).guides


def load_text(text: str, file: str, folder: Path | None = None) -> list[Guide]:
    """Guides from YAML text; `file` names it in messages."""
    return read_document(text, file, folder).guides


__all__ = ["Document", "load_document", "load_file", "load_text", "read_document"]
