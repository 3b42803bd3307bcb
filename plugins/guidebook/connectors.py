"""StackOne connector files (`*.connector.s1.yaml`, top key `StackOne:`), as real repositories
write them.

A connector file describes one connector: `info` (title, key, description, icon),
`authentication[]` methods (label, `support.link`, `support.description`, `configFields` the end
user fills in, `setupFields` the admin fills in for a connector profile) and actions. Actions
are written inline or pulled in with `$ref: <prefix>.<resource>`, which names the partial file
`<prefix>.<resource>.s1.partial.yaml` beside the connector file; `actions:` is then a mapping
whose `$ref` key repeats once per partial (every occurrence counts), and a `$ref` may also
stand at the top level. Actions in the `internal` category are plumbing and never shown.

A method with `support.guides.config` also yields a link-account guide (fields from
`configFields`), one with `support.guides.setup` a connector-profile guide (fields from
`setupFields`). A file without guides is a valid connector: it gets its reference page.
Everything else in the file (authorization, refreshAuthentication, steps, inputs, baseUrl ...)
drives the API runtime; it is never read, whatever it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from . import schema as S
from .errors import GuideError, Problem
from .load import (
    DEFAULT_MAX_BYTES,
    MAX_NODES,
    PARTIAL_SUFFIX,
    Doc,
    DocList,
    _Decoder,
    _src,
    build_section,
    compose,
    read_text,
    slugify,
)
from .model import Action, AuthMethod, Callout, Connector, ConnectorInfo, Field, Guide, Source

INTERNAL = "internal"
REF = "$ref"
_REF_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
MAX_REF_DEPTH = 8

CONNECTOR_GUIDE = S.Obj(
    "connector guide",
    {
        "title": S.Prop(S.Text()),
        "description": S.Prop(S.Text()),
        "warning": S.Prop(S.Text(markdown=True)),
        "callouts": S.GUIDE.props["callouts"],
        "sections": S.Prop(S.GUIDE.props["sections"].spec, required=True),
    },
)


@dataclass
class ConnectorFile:
    """What one connector file holds: the connector's reference data and its guides."""

    info: ConnectorInfo
    guides: list[Guide] = field(default_factory=list)
    partials: list[Path] = field(default_factory=list)  # the partial files it read



def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _scalar(node: yaml.Node | None) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
        return str(node.value).strip() or None
    return None


def _flag(node: yaml.Node | None) -> bool | None:
    value = (_scalar(node) or "").lower()
    return True if value in ("true", "yes", "on") else False if value in ("false", "no", "off") \
        else None


def _words(node: yaml.Node | None) -> tuple[str, ...]:
    """A list of scalars (or one scalar) as unique, non-empty texts in order."""
    if isinstance(node, yaml.SequenceNode):
        return tuple(dict.fromkeys(s for s in map(_scalar, node.value) if s))
    one = _scalar(node)
    return (one,) if one else ()


class _Reader:
    """Reads one connector file and the partials it refers to, collecting problems."""

    def __init__(self, file: str, folder: Path | None, max_bytes: int,
                 language: str | None = None) -> None:
        self.file = file
        self.folder = folder
        self.max_bytes = max_bytes
        self.language = language  # a partial's translation into it wins (see languages)
        self.problems: list[Problem] = []
        self.partials: list[Path] = []

    def problem(self, file: str, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(_src(file, node), message, hint))

    # -- duplicate keys ------------------------------------------------------------------------

    def check_duplicates(self, root: yaml.Node, file: str) -> None:
        """A key written twice in one mapping is an error, except `$ref` (one per partial)."""
        seen_nodes: set[int] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            if id(node) in seen_nodes:
                continue
            seen_nodes.add(id(node))
            if len(seen_nodes) > MAX_NODES:
                self.problem(file, node, f"the document has more than {MAX_NODES:,} values",
                             "remove YAML aliases that repeat large parts")
                return
            if isinstance(node, yaml.MappingNode):
                keys: dict[str, yaml.Node] = {}
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value != REF:
                        first = keys.setdefault(key.value, key)
                        if first is not key:
                            self.problem(file, key, f"the key {key.value!r} is written twice",
                                         f"the first is at line {first.start_mark.line + 1}; "
                                         "remove one")
                    stack.append(value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)

    # -- actions -------------------------------------------------------------------------------

    def actions(self, root: yaml.Node) -> list[Action]:
        """Every action of the file: `actions:` and top-level `$ref`s, partials resolved."""
        found: list[Action] = []
        node = _child(root, "actions")
        if node is not None:
            found.extend(self._action_list(node, self.file, depth=0))
        for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
            if isinstance(key, yaml.ScalarNode) and key.value == REF:
                found.extend(self._ref(value, self.file, depth=0))
        return found

    def _action_list(self, node: yaml.Node, file: str, depth: int) -> Iterator[Action]:
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                ref = _child(item, REF)
                if ref is not None and len(item.value) == 1:  # - $ref: x.y
                    yield from self._ref(ref, file, depth)
                else:
                    action = self._action(item, file)
                    if action is not None:
                        yield action
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == REF:
                    yield from self._ref(value, file, depth)
                elif isinstance(key, yaml.ScalarNode) and key.value == "actions":
                    yield from self._action_list(value, file, depth)
        elif _scalar(node) is not None or not isinstance(node, yaml.ScalarNode):
            self.problem(file, node, "actions must be a list of actions or a mapping of '$ref's",
                         "write '- actionId: ...' items, or '$ref: <prefix>.<resource>' lines")

    def _ref(self, node: yaml.Node, file: str, depth: int) -> Iterator[Action]:
        name = _scalar(node)
        if name is None or not _REF_NAME.match(name) or ".." in name:
            self.problem(file, node, f"$ref must name a partial beside the file, not "
                         f"{(name or '')[:60]!r}", "write '$ref: <prefix>.<resource>' for the "
                         f"file <prefix>.<resource>{PARTIAL_SUFFIX} in the same folder")
            return
        shown = str(PurePosixPath(file).parent / f"{name}{PARTIAL_SUFFIX}")
        if self.folder is None:
            self.problem(file, node, f"$ref {name!r} cannot be resolved without the file's folder")
            return
        path = self.folder / f"{name}{PARTIAL_SUFFIX}"
        translation = self.folder / f"{name}.{self.language}{PARTIAL_SUFFIX}"
        if self.language and translation.is_file():
            path = translation
            shown = str(PurePosixPath(file).parent / translation.name)
        if depth >= MAX_REF_DEPTH:
            self.problem(file, node, f"$ref {name!r} is nested more than {MAX_REF_DEPTH} partials "
                         "deep", "check the partials for a $ref that leads back to itself")
            return
        if not path.is_file():
            self.problem(file, node, f"$ref {name!r}: the partial {shown} does not exist",
                         f"create {path.name} beside the connector file, or fix the name")
            return
        if path not in self.partials:
            self.partials.append(path)
        try:
            text = read_text(path, shown, self.max_bytes)
            root = compose(text, shown)
        except GuideError as exc:
            self.problems.extend(exc.problems)
            return
        if root is None:
            return  # an empty partial holds no actions
        self.check_duplicates(root, shown)
        yield from self._action_list(root, shown, depth + 1)

    def _action(self, item: yaml.Node, file: str) -> Action | None:
        if not isinstance(item, yaml.MappingNode):
            self.problem(file, item, "an action must be a mapping with actionId and label")
            return None
        action_id = _scalar(_child(item, "actionId")) or _scalar(_child(item, "id"))
        if action_id is None:
            self.problem(file, item, "the action has no actionId", "add 'actionId: ...'")
            return None
        scopes = _words(_child(item, "scopes")) or _words(_child(item, "requiredScopes"))
        return Action(action_id, _scalar(_child(item, "label")) or action_id, scopes,
                      _src(file, item), description=_text(_child(item, "description")),
                      categories=_words(_child(item, "categories")))

    # -- authentication methods ----------------------------------------------------------------

    def methods(self, root: yaml.Node) -> Iterator[tuple[AuthMethod, yaml.Node]]:
        auth_list = _child(root, "authentication")
        for entry in auth_list.value if isinstance(auth_list, yaml.SequenceNode) else ():
            if not isinstance(entry, yaml.MappingNode):
                continue
            for method_key, method in entry.value:
                key = _scalar(method_key) or "auth"
                label = _scalar(_child(method, "label")) or key
                support = _child(method, "support")
                link_node = _child(support, "link")
                link = _scalar(link_node)
                if link is not None and not re.match(r"^https?://", link, re.IGNORECASE):
                    self.problem(self.file, link_node, f"support.link {link[:60]!r} is not an "
                                 "http(s) URL", "link the vendor's documentation page with "
                                 "https://...")
                    link = None
                yield AuthMethod(
                    key=key, label=label, slug=slugify(label),
                    description=_text(_child(support, "description")), link=link,
                    config_fields=self._fields(_child(method, "configFields")),
                    setup_fields=self._fields(_child(method, "setupFields")),
                    source=_src(self.file, method if isinstance(method, yaml.MappingNode)
                                else entry),
                ), method

    def _fields(self, node: yaml.Node | None) -> tuple[Field, ...]:
        out = []
        for item in node.value if isinstance(node, yaml.SequenceNode) else ():
            key = _scalar(_child(item, "key"))
            label = _scalar(_child(item, "label")) or key
            if label is None:
                continue
            options = []
            options_node = _child(item, "options")
            for option in options_node.value if isinstance(options_node, yaml.SequenceNode) \
                    else ():
                text = _scalar(_child(option, "label")) or _scalar(_child(option, "value")) \
                    or _scalar(option)
                if text:
                    options.append(text)
            out.append(Field(label, _text(_child(item, "description")),
                             _flag(_child(item, "secret")), _src(self.file, item), key=key,
                             type=_scalar(_child(item, "type")),
                             required=_flag(_child(item, "required")), options=tuple(options),
                             tooltip=_text(_child(item, "tooltip")),
                             placeholder=_scalar(_child(item, "placeholder"))))
        return tuple(out)


def _text(node: yaml.Node | None) -> str | None:
    """A text value as written (block scalars keep their paragraphs)."""
    if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:null":
        text = str(node.value).strip()
        return text or None
    return None


def read_connector(root: yaml.Node, file: str, folder: Path | None = None, *,
                   max_bytes: int = DEFAULT_MAX_BYTES,
                   language: str | None = None) -> ConnectorFile:
    """The connector and guides of one connector file (raises GuideError listing every
    problem). `folder` is where its `$ref` partials are looked up; with `language`, a
    partial's translation into it (`<prefix>.<resource>.<language>.s1.partial.yaml`) wins."""
    reader = _Reader(file, folder, max_bytes, language)
    reader.check_duplicates(root, file)
    info = _child(root, "info")
    name = _scalar(_child(info, "title"))
    key = _scalar(_child(info, "key"))
    where = _src(file, info if info is not None else root)
    if not name or not key:
        raise GuideError([*reader.problems, Problem(where, "the connector file needs info.title "
                                                    "and info.key", "add them under 'info:'")])
    if not S.KEY_RE.match(key):
        reader.problem(file, _child(info, "key"), f"info.key {key!r} is not valid", S.KEY_HINT)
    elif S.is_reserved_name(key):
        reader.problem(file, _child(info, "key"), f"info.key {key!r} is a name Windows reserves "
                       "for a device (CON, PRN, AUX, NUL, COM1-9, LPT1-9): the site's files "
                       "named after it cannot exist there", "give the connector another key")
    actions = [a for a in reader.actions(root) if INTERNAL not in a.categories]
    seen: dict[str, Action] = {}
    for action in actions:
        first = seen.setdefault(action.id, action)
        if first is not action:
            reader.problems.append(Problem(action.source, f"duplicate actionId {action.id!r}",
                                           f"the first is at {first.source}; remove one"))
    categories = [c for c in _words(_child(info, "category"))]
    categories += [c for a in actions for c in a.categories]
    connector = Connector(key, name, tuple(dict.fromkeys(categories)), where)
    assets = _child(info, "assets")
    icon = _scalar(_child(assets, "icon"))
    if icon is not None and not re.match(r"^https://", icon, re.IGNORECASE):
        reader.problem(file, _child(assets, "icon"), f"info.assets.icon {icon[:60]!r} is not an "
                       "https URL", "point it at the logo's https:// address")
        icon = None
    methods: list[AuthMethod] = []
    guides: list[Guide] = []
    scoped = tuple(a for a in actions if a.scopes)
    for method, node in reader.methods(root):
        methods.append(method)
        guides_node = _child(_child(node, "support"), "guides")
        for part, kind, fields in (("config", "link-account", method.config_fields),
                                   ("setup", "connector-profile", method.setup_fields)):
            guide_node = _child(guides_node, part)
            if guide_node is None:
                continue
            decoder = _Decoder(file)
            doc = decoder.decode(guide_node, CONNECTOR_GUIDE, f"guides.{part}", depth=1)
            if decoder.problems or doc is None:
                reader.problems.extend(decoder.problems)
                continue
            guides.append(_guide(doc, connector, method, kind, scoped, fields,
                                 _src(file, guide_node)))
    if reader.problems:
        raise GuideError(reader.problems)
    info_model = ConnectorInfo(connector, _text(_child(info, "description")), icon,
                               tuple(methods), tuple(actions), where)
    return ConnectorFile(info_model, guides, reader.partials)


def _guide(doc: Doc, connector: Connector, method: AuthMethod, kind: str,
           actions: tuple[Action, ...], fields: tuple[Field, ...], source: Source) -> Guide:
    sections: DocList = doc["sections"]
    return Guide(
        connector=connector,
        auth_label=method.label,
        auth_slug=method.slug,
        kind=kind,
        title=doc.get("title"),
        description=doc.get("description"),
        warning=doc.get("warning"),
        callouts=tuple(Callout(c["type"], c["text"], c.source) for c in doc.get("callouts", ())),
        actions=actions,
        sections=tuple(build_section(s) for s in sections),
        fields=fields,
        source=source,
        key_sources=dict(doc.key_sources) | {"auth.slug": source, "connector.key": source},
    )
