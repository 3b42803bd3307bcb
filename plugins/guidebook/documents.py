"""Any file below the guides folder, read into the model: a guide file gives one guide, a
StackOne connector file its connector's reference data and any number of guides."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .connectors import TOP_KEY, read_connector
from .errors import GuideError, Problem
from .load import (
    CONNECTOR_SUFFIX,
    DEFAULT_MAX_BYTES,
    _src,
    compose,
    display_path,
    is_connector_document,
    load_guide,
    read_text,
)
from .model import ConnectorInfo, Guide, Source


@dataclass
class Document:
    """What one file holds."""

    guides: list[Guide]
    connector: ConnectorInfo | None = None  # set for connector files
    partials: list[Path] = field(default_factory=list)  # partial files a connector file read
    # problems of single guides of a connector file: each left its guide out (the rest stands)
    problems: list[Problem] = field(default_factory=list)
    # every partial file a connector file looked for, read or not (see ConnectorFile.inputs)
    inputs: list[Path] = field(default_factory=list)


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
        return Document(found.guides, found.info, found.partials, found.problems, found.inputs)
    if file.endswith(CONNECTOR_SUFFIX):
        raise GuideError(_no_top_key(node, file))
    return Document([load_guide(node, file, text)])


def _no_top_key(node: yaml.Node, file: str) -> Problem:
    """A file named `*.connector.s1.yaml` without the top key `StackOne:` (or with it
    miscased): it is no guide either, whatever else it holds."""
    for key, _ in node.value if isinstance(node, yaml.MappingNode) else ():
        if isinstance(key, yaml.ScalarNode) and str(key.value).casefold() == TOP_KEY.casefold():
            return Problem(_src(file, key), f"a connector file needs the top key `{TOP_KEY}:`, "
                           f"not {key.value!r}", f"write it '{TOP_KEY}:' (letter case counts)")
    return Problem(Source(file, 1, 1), f"a connector file needs the top key `{TOP_KEY}:`",
                   f"add '{TOP_KEY}: 1.0.0' as its first line, or rename the file if it is a "
                   "guide")


def load_document(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  file: str | None = None, language: str | None = None) -> Document:
    """Everything one file holds (raises GuideError listing every problem in the file)."""
    path = Path(path)
    file = file if file is not None else display_path(path)
    return read_document(read_text(path, file, max_bytes), file, path.parent,
                         max_bytes=max_bytes, language=language)


def load_file(path: Path | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
              file: str | None = None) -> list[Guide]:
    """Every guide a file holds: one for a guide file, any number for a connector file
    (raises GuideError for any problem, also of a single guide of a connector file)."""
    return _all_or_nothing(load_document(path, max_bytes=max_bytes, file=file))


def load_text(text: str, file: str, folder: Path | None = None) -> list[Guide]:
    """Guides from YAML text; `file` names it in messages (raises GuideError as
    `load_file`)."""
    return _all_or_nothing(read_document(text, file, folder))


def _all_or_nothing(document: Document) -> list[Guide]:
    if document.problems:
        raise GuideError(document.problems)
    return document.guides


__all__ = ["Document", "load_document", "load_file", "load_text", "read_document"]
