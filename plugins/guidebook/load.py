"""Read guide files (and StackOne connector files) into the model, keeping source positions.

YAML is composed into nodes with libyaml (`CSafeLoader`, the pure-Python loader when libyaml is
missing) and then walked once against the format declaration in `schema`: every problem found
on the way is collected with its line and column, so one run reports all of them.
"""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from . import schema as S
from .errors import GuideError, Problem
from .model import (
    Action,
    Callout,
    Connector,
    Field,
    Guide,
    Image,
    ListItem,
    Section,
    Source,
    Step,
)

try:  # pragma: no cover - which branch runs depends on the PyYAML build
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DEFAULT_MAX_BYTES = 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64
# Short text (keys, scopes, labels) is interned: the copies a guide repeats, and those the
# guides one worker sends back together repeat, are one string in the build's model.
_SHARED_LENGTH = 40
GUIDE_SUFFIXES = (".yaml", ".yml")
CONNECTOR_SUFFIX = ".connector.s1.yaml"

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class Doc(dict):  # type: ignore[type-arg]
    """A decoded mapping that remembers where it and each of its keys were written."""

    source: Source
    key_sources: dict[str, Source]

    def at(self, key: str) -> Source:
        return self.key_sources.get(key, self.source)


def text_at(key: str) -> str:
    """The `key_sources` entry of where the text of `key` starts, kept when that is not on
    the key's line or is a block scalar (`|`, `>`), so that a problem on a line of the text
    can point at that line (`text.line_in`)."""
    return f"{key}@text"


class DocList(list):  # type: ignore[type-arg]
    """A decoded sequence that remembers where each item was written."""

    source: Source
    item_sources: list[Source]


def display_path(path: Path | str) -> str:
    """The path as users should read it in messages: relative to the working dir if below it."""
    path = Path(path)
    try:
        return os.path.relpath(path) if path.is_absolute() and Path.cwd() in path.parents else str(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


def _src(file: str, node: yaml.Node) -> Source:
    mark = node.start_mark
    return Source(file, mark.line + 1, mark.column + 1)


def _type_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return {
        _NULL: "nothing (null)",
        _BOOL: f"a boolean ({node.value})",
        _INT: f"a number ({node.value})",
        _FLOAT: f"a number ({node.value})",
        _TIMESTAMP: f"a date ({node.value})",
    }.get(node.tag, f"the text {node.value!r}"[:60])


class _Decoder:
    """Walks a composed YAML node tree against a `schema.Spec`, collecting problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.nodes = 0

    def problem(self, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(_src(self.file, node), message, hint))

    def count(self, node: yaml.Node) -> bool:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            if self.nodes == MAX_NODES + 1:
                self.problem(node, f"the document has more than {MAX_NODES:,} values",
                             "split the guide, or remove YAML aliases that repeat large parts")
            return False
        return True

    def decode(self, node: yaml.Node, spec: S.Spec, what: str, depth: int = 0, *,
               required: bool = False) -> Any:
        """The decoded value, or None after recording a problem (`required`: a key that must
        be written, which no fix may remove)."""
        if not self.count(node):
            return None
        if depth > MAX_DEPTH:
            self.problem(node, f"{what} is nested more than {MAX_DEPTH} levels deep")
            return None
        if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:  # `key:` with nothing
            fix = "add items" if isinstance(spec, S.ListOf) else \
                "write its keys" if isinstance(spec, S.Obj) and spec.shorthand is None else \
                "write true or false" if isinstance(spec, S.Flag) else "write its text"
            self.problem(node, f"{what} must be {_expected(spec)}, not nothing (null)",
                         fix if required else
                         f"remove the {'item' if what.endswith(']') else 'key'}, or {fix}")
            return None
        if isinstance(spec, S.Obj):
            return self._obj(node, spec, what, depth)
        if isinstance(spec, S.ListOf):
            return self._list(node, spec, what, depth)
        if isinstance(spec, S.Flag):
            if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
                return node.value.lower() in ("true", "yes", "on")
            self.problem(node, f"{what} must be true or false, not {_type_name(node)}")
            return None
        if isinstance(spec, S.Choice):
            text = self._text(node, what)
            if text is None:
                return None
            if text not in spec.values:
                self.problem(node, f"{what} must be one of {', '.join(spec.values)}, not {text!r}",
                             _did_you_mean(text, spec.values))
                return None
            return text
        if isinstance(spec, S.Text):
            text = self._text(node, what)
            if text is None:
                return None
            if spec.pattern is not None and not spec.pattern.match(text):
                self.problem(node, f"{what} {text!r} is not valid", spec.pattern_hint or None)
                return None
            return text
        raise TypeError(spec)  # pragma: no cover

    def _text(self, node: yaml.Node, what: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or node.tag in (_NULL, _BOOL, _TIMESTAMP):
            hint = "quote the value" if getattr(node, "tag", "") in (_BOOL, _TIMESTAMP) else \
                _mapping_hint(node)
            self.problem(node, f"{what} must be text, not {_type_name(node)}", hint)
            return None
        if node.tag not in (_STR, _INT, _FLOAT):
            self.problem(node, f"{what} has an unsupported YAML tag {node.tag}", "remove the tag")
            return None
        value: str = node.value
        if len(value) <= _SHARED_LENGTH:  # scopes, labels, kinds: one string for all copies
            value = sys.intern(value)
        if "\x00" in value:
            self.problem(node, f"{what} contains a NUL character", "remove it")
            return None
        if not value.strip():
            self.problem(node, f"{what} is empty", "write some text or remove the key")
            return None
        return value

    def _list(self, node: yaml.Node, spec: S.ListOf, what: str, depth: int) -> DocList | None:
        if not isinstance(node, yaml.SequenceNode):
            self.problem(node, f"{what} must be a list, not {_type_name(node)}",
                         "start each item on its own line with '- '")
            return None
        out = DocList()
        out.source = _src(self.file, node)
        out.item_sources = []
        seen: dict[Any, Source] = {}
        for i, child in enumerate(node.value):
            value = self.decode(child, spec.item, f"{what}[{i}]", depth + 1)
            if value is None:
                continue
            if spec.unique and isinstance(value, str):
                if value in seen:
                    self.problem(child, f"{what} lists {value!r} twice",
                                 f"the first is at line {seen[value].line}; remove one")
                    continue
                seen[value] = _src(self.file, child)
            out.append(value)
            out.item_sources.append(_src(self.file, child))
        return out

    def _obj(self, node: yaml.Node, spec: S.Obj, what: str, depth: int) -> Doc | None:
        if spec.shorthand is not None and isinstance(node, yaml.ScalarNode):
            value = self.decode(node, spec.props[spec.shorthand].spec, what, depth + 1)
            if value is None:
                return None
            doc = Doc({spec.shorthand: value})
            doc.source = _src(self.file, node)
            doc.key_sources = {spec.shorthand: doc.source}
            return doc
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{what} must be {_expected(spec)}, not {_type_name(node)}")
            return None
        if spec.shorthand is not None and len(node.value) == 1:
            key_node = node.value[0][0]
            hint = _mapping_hint(node, "- " if what.endswith("]") else "")
            if hint and key_node.value not in spec.props \
                    and not _did_you_mean(key_node.value, spec.props):
                self.problem(node, f"{what} is read as a mapping with the key "
                             f"{key_node.value!r}, because of the ': ' after it", hint)
                return None
        doc = Doc()
        doc.source = _src(self.file, node)
        doc.key_sources = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _NULL:
                self.problem(key_node, f"{what} has a key that is not text")
                continue
            key = sys.intern(key_node.value)
            if key == "<<":
                self.problem(key_node, "YAML merge keys ('<<') are not supported",
                             "write the keys out")
                continue
            if key in doc.key_sources:
                first = doc.key_sources[key]
                self.problem(key_node, f"{what} has the key {key!r} twice",
                             f"the first is at line {first.line}; remove one")
                continue
            doc.key_sources[key] = _src(self.file, key_node)
            prop = spec.props.get(key)
            if prop is None:
                if depth == 0 and key == "$schema":
                    continue
                self.problem(key_node, f"unknown key {key!r} in {what}",
                             _did_you_mean(key, tuple(spec.props)) or
                             f"allowed keys: {', '.join(spec.props)}")
                continue
            value = self.decode(value_node, prop.spec, f"{what}.{key}" if depth else key,
                                depth + 1, required=prop.required)
            if value is not None:
                doc[key] = value
                if isinstance(value, str) and (value_node.style in ("|", ">") or
                                               value_node.start_mark.line
                                               != key_node.start_mark.line):
                    doc.key_sources[text_at(key)] = _src(self.file, value_node)
        for key, other, fix in spec.exclusive:
            if key in doc.key_sources and other in doc.key_sources:
                self.problems.append(Problem(doc.key_sources[other],
                                             f"{what} has both {key!r} and {other!r}", fix))
        suggested = {_did_you_mean(k, spec.props) for k in doc.key_sources if k not in spec.props}
        for key, prop in spec.props.items():
            if f"did you mean {key!r}?" in suggested:
                continue  # already reported as a misspelt key
            if prop.required and key not in doc and key not in doc.key_sources:
                self.problem(node, f"{what} is missing the required key {key!r}",
                             f"add '{key}:'")
        return doc


def _expected(spec: S.Spec) -> str:
    """What a value of `spec` must be, as messages say it."""
    if isinstance(spec, S.Obj):
        return "text or a mapping" if spec.shorthand else "a mapping of keys"
    return "a list" if isinstance(spec, S.ListOf) else \
        "true or false" if isinstance(spec, S.Flag) else "text"


def _mapping_hint(node: yaml.Node, written_as: str = "") -> str | None:
    """For text that YAML read as a one-key mapping (`- Name: the token name`), the fix:
    quote it."""
    if not (isinstance(node, yaml.MappingNode) and node.flow_style is False
            and len(node.value) == 1):
        return None
    key, value = node.value[0]
    if not (isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode)
            and not key.style and not value.style and "\n" not in value.value):
        return None
    text = f"{key.value}: {value.value}"
    quoted = f'"{text}"' if '"' not in text and "\\" not in text \
        else "'" + text.replace("'", "''") + "'"
    return ("YAML reads ': ' in text as a key and its value: put the whole text in quotes"
            + (f", e.g. {written_as}{quoted}" if len(quoted) <= 60 else ""))


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def slugify(text: str) -> str:
    """`Personal Access Token` -> `personal-access-token`; `OAuth 2.0` -> `oauth-2-0`."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def read_text(path: Path, file: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The file's text, after size and encoding checks (raises GuideError)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise GuideError(Problem(Source(file, 1, 1),
                                     f"the file is {size:,} bytes, over the limit of {max_bytes:,}",
                                     "split it, or raise the plugin's max_guide_bytes option"))
        data = path.read_bytes()
    except OSError as exc:
        raise GuideError(Problem(Source(file, 1, 1), f"cannot read the file: {exc.strerror}")) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise GuideError(Problem(Source(file, line, col), "the file is not valid UTF-8",
                                 "save it as UTF-8")) from None
    return text


def compose(text: str, file: str) -> yaml.Node | None:
    """Parse YAML text into a node tree (None for an empty document)."""
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or "invalid YAML"
        lines = text.splitlines()
        near = [lines[m.line] for m in (exc.problem_mark, exc.context_mark)
                if m is not None and m.line < len(lines)]
        alias = re.search(r"\*([^\s,\[\]{}]+)", near[0]) if near else None
        if message == "found undefined alias" and alias:
            message = f"found undefined alias '*{alias[1]}'"
            hint = (f"define the anchor '&{alias[1]}' before it, or, if it is text, put the "
                    f"whole text in quotes")
        elif any("\t" in bad for bad in near[:1]):
            hint = "indent with spaces, not tabs"
        else:
            hint = next(filter(None, map(quote_hint, near)), None) \
                or "check the indentation and quoting around this point"
        raise GuideError(Problem(Source(file, line, col), f"invalid YAML: {message}", hint)) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (no mark)
        raise GuideError(_bad_character(text, file, exc)) from None
    except yaml.YAMLError as exc:
        raise GuideError(Problem(Source(file, 1, 1), f"invalid YAML: {exc}")) from None
    except RecursionError:
        raise GuideError(Problem(Source(file, 1, 1), "the YAML is nested too deeply")) from None


def _bad_character(text: str, file: str, exc: yaml.reader.ReaderError) -> Problem:
    """Where the character YAML refused is (libyaml counts bytes, PyYAML characters: the
    first occurrence of it is the one either refused)."""
    char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
    at = text.find(char)
    if at < 0:
        return Problem(Source(file, 1, 1), f"invalid YAML: {exc.reason}")
    before = _LINE_BREAK.split(text[:at])
    return Problem(Source(file, len(before), len(before[-1]) + 1),
                   f"the file contains the control character U+{ord(char):04X}, which YAML "
                   "does not allow", "remove the control character; Word's manual line break "
                   "is one")


_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
# A line's value as written: after any '- ' and a plain `key:` (a word, not Markdown).
_WRITTEN = re.compile(r"^\s*(?:-\s+)*(?:[\w$][\w$.-]*:(?:\s+|$))?(?P<value>.*?)\s*$")
# What makes YAML read text as something else, by its first characters.
_MISREAD = (
    (re.compile(r"\{\{"), "text that contains {{ brand.KEY }} must be quoted"),
    (re.compile(r"^(\[[^\]]*\]|\{[^}]*\})\s*[^\s#,\]}]"),
     "YAML reads text that starts with '{first}' as a list or mapping"),
    (re.compile(r"^\*"), "YAML reads text that starts with '*' as an alias"),
    (re.compile(r"^[`@%]"), "YAML text cannot start with '{first}'"),
    (re.compile(r"^(\"[^\"]*\"|'[^']*')\s*[^\s#]"), "the quotes end before the text does"),
    (re.compile(r"^[>|][-+0-9]*\s+[^\s#]"), "'{first}' starts a block of text on the next "
                                              "line, not on its own"),
    (re.compile(r"^[^\[{\"'].*?: "), "YAML reads ': ' in text as a key and its value"),
)


def quote_hint(line: str) -> str | None:
    """The fix for a line whose text YAML reads as something else (Markdown starting with
    '[', '*' or '`', a colon and a space in it, ...): the whole text in quotes."""
    written = _WRITTEN.match(line)
    value = written["value"] if written else ""
    for pattern, why in _MISREAD:
        if pattern.search(value):
            quoted = (f'"{value}"' if '"' not in value and "\\" not in value
                      else "'" + value.replace("'", "''") + "'")
            shown = f"{line[:written.start('value')].strip()} {quoted}".strip() \
                if len(quoted) <= 60 else None
            return (why.replace("{first}", value[0]) + ": put the whole text in quotes"
                    + (f", e.g. {shown}" if shown else ""))
    return None


def is_connector_document(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "StackOne" for k, _ in node.value
    )


def load_guide(node: yaml.Node, file: str, text: str) -> Guide:
    """A guide from a composed guide file (raises GuideError listing every problem)."""
    decoder = _Decoder(file)
    doc = decoder.decode(node, S.GUIDE, "guide")
    if decoder.problems or doc is None:
        raise GuideError(decoder.problems or [Problem(_src(file, node), "not a guide")])
    guide = build_guide(doc)
    return guide if "{" in text else dataclasses.replace(guide, templated=False)


def build_guide(doc: Doc, *, kind: str | None = None) -> Guide:
    """A Guide from a decoded (and so already type-checked) document."""
    conn = doc["connector"]
    auth = doc["auth"]
    return Guide(
        connector=Connector(conn["key"], conn["name"], _categories(conn), conn.source),
        auth_label=auth["label"],
        auth_slug=auth.get("slug") or slugify(auth["label"]),
        kind=kind or doc.get("kind", "link-account"),
        title=doc.get("title"),
        description=doc.get("description"),
        warning=doc.get("warning"),
        callouts=tuple(Callout(c["type"], c["text"], c.source) for c in doc.get("callouts", ())),
        actions=tuple(
            Action(a["id"], a["label"], tuple(a.get("scopes", ())), a.source)
            for a in doc.get("actions", ())
        ),
        sections=tuple(build_section(s) for s in doc.get("sections", ())),
        fields=tuple(
            Field(f["label"], f.get("description"), f.get("secret"), f.source)
            for f in doc.get("fields", ())
        ),
        optional=doc.get("optional", False),
        tags=tuple(doc.get("tags", ())),
        redirect_from=tuple(doc.get("redirect_from", ())),
        source=doc.source,
        key_sources=dict(doc.key_sources) | item_text_sources(doc) | {
            "auth.slug": auth.at("slug") if "slug" in auth else auth.at("label"),
            "connector.key": conn.at("key")},
    )


def item_text_sources(doc: Doc) -> dict[str, Source]:
    """Where the texts of callouts and fields start when not on the item's first line (the
    model keeps only the item's position): `text_at("fields[0].description")` -> Source."""
    found = {}
    for name, key in (("callouts", "text"), ("fields", "description")):
        for i, item in enumerate(doc.get(name, ())):
            where = item.key_sources.get(text_at(key))
            if where is None and item.at(key).line != item.source.line:
                where = item.at(key)
            if where is not None:
                found[text_at(f"{name}[{i}].{key}")] = where
    return found


def _categories(conn: Doc) -> tuple[str, ...]:
    single = conn.get("category")
    return (single,) if single else tuple(conn.get("categories", ()))


def _items(docs: Iterable[Doc]) -> tuple[ListItem, ...]:
    return tuple(ListItem(d["text"], d.get("whitelabel"), d.source) for d in docs)


def build_section(doc: Doc) -> Section:
    return Section(
        title=doc["title"],
        content=doc.get("content"),
        list=_items(doc.get("list", ())),
        steps=tuple(
            Step(
                title=s["title"],
                content=s.get("content"),
                list=_items(s.get("list", ())),
                images=tuple(Image(i["src"], i.get("alt", ""), i.source)
                             for i in s.get("images", ())),
                scopes=tuple(s.get("scopes", ())),
                display_scopes=s.get("display_scopes", False),
                whitelabel=s.get("whitelabel"),
                source=s.source,
                key_sources=dict(s.key_sources),
            )
            for s in doc.get("steps", ())
        ),
        scopes=tuple(doc.get("scopes", ())),
        whitelabel=doc.get("whitelabel"),
        source=doc.source,
        key_sources=dict(doc.key_sources),
    )


PARTIAL_SUFFIX = ".s1.partial.yaml"


NOT_A_FILE_HINT = "a guide is a YAML file: remove it, or give it a name not ending in .yaml"


def regular_file(path: Path) -> bool:
    """Whether `path` is a regular file (through links), or names nothing (the reader says
    so): not a folder, FIFO, socket or device."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return True


@dataclasses.dataclass(frozen=True)
class GuideFiles:
    """What is below a guides folder (`find_guide_files`): its guide files, sorted; the
    partials of connector files (`*.s1.partial.yaml`, never guides); the links that lead
    outside it, as problems. Unless some of its files or folders are links (`linked`), all of
    it depends on the names of the files and folders there alone."""

    paths: tuple[Path, ...]
    problems: tuple[Problem, ...]
    partials: tuple[Path, ...]
    linked: bool


def find_guide_files(guides_dir: Path, display: Any = None) -> GuideFiles:
    """Every YAML file below guides_dir (see `GuideFiles`)."""
    root = guides_dir.resolve()
    found: list[Path] = []
    partials: list[Path] = []
    problems: list[Problem] = []
    linked_any = False
    for dirpath, dirnames, filenames in os.walk(guides_dir, followlinks=False):
        dirnames.sort()
        for name in list(dirnames):
            folder = os.path.join(dirpath, name)
            linked = os.path.islink(folder)
            linked_any = linked_any or linked
            real = Path(folder).resolve() if linked else root  # (inside)
            if name.startswith(".") or (root != real and root not in real.parents):
                dirnames.remove(name)
                if not name.startswith("."):
                    problems.append(Problem(Source((display or display_path)(Path(dirpath) / name),
                                                   1, 1),
                                            "the folder is a link to a place outside the guides "
                                            "folder", "move its guides into the guides folder"))
        for name in sorted(filenames):
            if name.startswith(".") or not name.endswith(GUIDE_SUFFIXES):
                continue
            path = Path(dirpath) / name
            linked = os.path.islink(path)
            linked_any = linked_any or linked
            if not regular_file(path):  # (reading a FIFO would wait for ever)
                problems.append(Problem(Source((display or display_path)(path), 1, 1),
                                        "not a regular file", NOT_A_FILE_HINT))
                continue
            if name.endswith(PARTIAL_SUFFIX):
                partials.append(path)
                continue
            # (os.walk does not enter linked folders: only a linked file can lead outside)
            if linked and root not in path.resolve().parents:
                problems.append(Problem(Source((display or display_path)(path), 1, 1),
                                        "the file is a link to a place outside the guides folder",
                                        "copy the file into the guides folder instead"))
                continue
            found.append(path)
    return GuideFiles(tuple(found), tuple(problems), tuple(partials), linked_any)
