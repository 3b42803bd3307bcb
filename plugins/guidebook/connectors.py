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

import difflib
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
    item_text_sources,
    read_text,
    slugify,
)
from .model import Action, AuthMethod, Callout, Connector, ConnectorInfo, Field, Guide, Source

INTERNAL = "internal"
REF = "$ref"
MERGE = "<<"
_REF_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
MAX_REF_DEPTH = 8
# The guides an authentication method's `support.guides` may hold, and what each becomes.
GUIDE_PARTS = {"config": "link-account", "setup": "connector-profile"}
TOP_KEY = "StackOne"
# The keys read at each place of a connector file (everything else is the API runtime's): a
# key written close to one of them (`Support:`, `guide:`) is taken for a misspelling of it.
READ_KEYS = {
    "the file": ("info", "authentication", "actions"),
    "info": ("title", "key", "description", "category", "assets"),
    "info.assets": ("icon",),
    "an authentication method": ("label", "support", "configFields", "setupFields"),
    "support": ("link", "description", "guides"),
    "a field": ("key", "label", "description", "secret", "type", "required", "options",
                "tooltip", "placeholder"),
    "an action": ("actionId", "label", "description", "categories", "scopes",
                  "requiredScopes"),
}

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
    # problems of single guides: each left its guide out, the connector stands
    problems: list[Problem] = field(default_factory=list)
    # every partial file it looked for (read, missing or a translation that may come): a
    # change to any of them changes what the file gives
    inputs: list[Path] = field(default_factory=list)


class ConnectorError(GuideError):
    """A connector file that does not load, and the partial files it looked for on the way
    (a change to one of them may mend it)."""

    def __init__(self, problems: list[Problem], inputs: list[Path]) -> None:
        super().__init__(_distinct(problems))
        self.inputs = inputs


def _distinct(problems: list[Problem]) -> list[Problem]:
    """Each problem once (a partial reached twice reports its problems once)."""
    return list({(p.source, p.message, p.hint, p.severity): p for p in problems}.values())


def _close(word: str, choices: tuple[str, ...]) -> str | None:
    """The choice `word` is a misspelling of (letter case aside), if any."""
    for choice in choices:
        if word.casefold() == choice.casefold():
            return choice
    close = difflib.get_close_matches(word.casefold(), choices, n=1, cutoff=0.6)
    return close[0] if close else None


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
        self.partials: list[Path] = []  # the partial files read
        self.inputs: list[Path] = []  # every partial file looked for (see ConnectorFile)
        # Each partial is read once per load: its node tree (None: empty or unreadable).
        self._read: dict[Path, yaml.Node | None] = {}
        self._chain: list[Path] = []  # the partials being expanded, outermost first
        self._included: dict[Path, Source] = {}  # partial -> the $ref that pulled it in

    def problem(self, file: str, node: yaml.Node, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(_src(file, node), message, hint))

    def misspelt_keys(self, node: yaml.Node | None, file: str, where: str) -> None:
        """A key of `node` that is not one the docs read there but close to one that is
        missing (`Support:` for `support:`, `guide:` for `guides:`) is an error: the part it
        holds would be left out without a word. Keys starting with `_` are comments."""
        if not isinstance(node, yaml.MappingNode):
            return
        wanted = READ_KEYS[where]
        written = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        missing = tuple(k for k in wanted if k not in written)
        for key, _ in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if not name or name in wanted or name.startswith(("_", "$")) or name == MERGE:
                continue
            folded = {k.casefold(): k for k in missing}  # (the file's other keys are many:
            # only a near miss counts, `resources` is no `requiredScopes`)
            close = next(iter(difflib.get_close_matches(name.casefold(), folded, 1, 0.8)), None)
            if close is not None:
                close = folded[close]
                self.problem(file, key, f"unknown key {name!r} in {where}",
                             f"did you mean {close!r}?")

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

    # -- YAML merge keys -----------------------------------------------------------------------

    def check_merge_keys(self, node: yaml.Node | None, file: str, *, deep: bool = True,
                         skip: tuple[str, ...] = ()) -> None:
        """A YAML merge key (`<<: *anchor`) in what the docs read is an error, as in guide
        files: its keys would be read by some tools and not by others. With `deep` False
        only the mapping's own keys are checked; `skip` names keys whose values are not."""
        seen: set[int] = set()
        stack = [node] if node is not None else []
        while stack:
            node = stack.pop()
            if id(node) in seen or len(seen) > MAX_NODES:
                continue
            seen.add(id(node))
            if isinstance(node, yaml.MappingNode):
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode) and key.value == MERGE:
                        self.problem(file, key, "YAML merge keys ('<<') are not supported",
                                     "write the keys out")
                    elif deep and not (isinstance(key, yaml.ScalarNode) and key.value in skip):
                        stack.append(value)
            elif deep and isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)

    # -- actions -------------------------------------------------------------------------------

    def actions(self, root: yaml.Node) -> list[Action]:
        """Every action of the file: `actions:` and top-level `$ref`s, partials resolved."""
        found: list[Action] = []
        node = _child(root, "actions")
        if node is not None:
            self.check_merge_keys(node, self.file)
            found.extend(self._action_list(node, self.file, "actions"))
        for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
            if isinstance(key, yaml.ScalarNode) and key.value == REF:
                found.extend(self._ref(value, self.file))
        return found

    def _action_list(self, node: yaml.Node, file: str, what: str) -> list[Action]:
        """The actions of `node`: a list of actions and `- $ref:` items, or a mapping of
        `$ref` keys and/or an `actions:` key. `what` names it in messages ("actions", or "the
        partial" for a partial's top level)."""
        found: list[Action] = []
        if isinstance(node, yaml.SequenceNode):
            for item in node.value:
                ref = _child(item, REF)
                if ref is not None and len(item.value) == 1:  # - $ref: x.y
                    found.extend(self._ref(ref, file))
                else:
                    action = self._action(item, file)
                    if action is not None:
                        found.append(action)
        elif isinstance(node, yaml.MappingNode):
            holds = False
            misspelt: list[yaml.Node] = []  # keys that look like 'actions' ('Actions', 'action')
            for key, value in node.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                if name == REF:
                    holds = True
                    found.extend(self._ref(value, file))
                elif name == "actions":
                    holds = True
                    found.extend(self._action_list(value, file, "actions"))
                elif name is not None and name not in (MERGE, "actionId") \
                        and _close(name, ("actions",)):
                    misspelt.append(key)
            if not holds:
                self._holds_none(misspelt[0] if misspelt else node, file, what,
                                 "did you mean 'actions'?" if misspelt else None)
                misspelt = misspelt[1:]
            for key in misspelt:
                self.problem(file, key, f"unknown key {key.value!r} in {what}",
                             "did you mean 'actions'?")
        elif _scalar(node) is not None or not isinstance(node, yaml.ScalarNode):
            self._holds_none(node, file, what)
        return found

    def _holds_none(self, node: yaml.Node, file: str, what: str,
                    hint: str | None = None) -> None:
        if what == "actions":
            message = "actions must be a list of actions or a mapping of '$ref's"
        else:
            message = f"{what} holds no actions: expected a list or an 'actions:' key"
        if hint is None and isinstance(node, yaml.MappingNode) \
                and _child(node, "actionId") is not None:
            hint = "it looks like a single action: write it as a list item ('- actionId: ...')"
        hint = hint or "write '- actionId: ...' items, or '$ref: <prefix>.<resource>' lines"
        self.problem(file, node, message, hint)

    def _ref(self, node: yaml.Node, file: str) -> list[Action]:
        """The actions of the partial a `$ref` names (each partial once per connector file:
        a partial reached again, or through a chain of partials that leads back to it, is an
        error at that `$ref`)."""
        name = _scalar(node)
        if name is None or not _REF_NAME.match(name) or ".." in name:
            self.problem(file, node, f"$ref must name a partial beside the file, not "
                         f"{(name or '')[:60]!r}", "write '$ref: <prefix>.<resource>' for the "
                         f"file <prefix>.<resource>{PARTIAL_SUFFIX} in the same folder")
            return []
        shown = str(PurePosixPath(file).parent / f"{name}{PARTIAL_SUFFIX}")
        if self.folder is None:
            self.problem(file, node, f"$ref {name!r} cannot be resolved without the file's folder")
            return []
        path = self.folder / f"{name}{PARTIAL_SUFFIX}"
        looked_for = [path]
        if self.language:
            translation = self.folder / f"{name}.{self.language}{PARTIAL_SUFFIX}"
            looked_for.append(translation)
            if translation.is_file():
                path = translation
                shown = str(PurePosixPath(file).parent / translation.name)
        self.inputs.extend(p for p in looked_for if p not in self.inputs)
        if path in self._chain:
            self.problem(file, node, f"$ref {name!r} leads back to {shown}: the partials "
                         "include each other in a circle", "remove this $ref: a partial cannot "
                         "include itself, directly or through other partials")
            return []
        if path in self._included:
            self.problem(file, node, f"$ref {name!r}: the partial {shown} is already included "
                         f"(at {self._included[path]})",
                         "remove one of the two $refs (its actions would be listed twice)")
            return []
        if len(self._chain) >= MAX_REF_DEPTH:
            self.problem(file, node, f"$ref {name!r} is nested more than {MAX_REF_DEPTH} "
                         "partials deep", "include the partials from the connector file")
            return []
        if not path.is_file():  # (a FIFO is no file either: reading it would wait for ever)
            if path.exists():
                self.problem(file, node, f"$ref {name!r}: the partial {shown} is not a regular "
                             "file", f"make {path.name} the partial's YAML file")
            else:
                self.problem(file, node, f"$ref {name!r}: the partial {shown} does not exist",
                             f"create {path.name} beside the connector file, or fix the name")
            return []
        self._included[path] = _src(file, node)
        root = self._partial(path, shown)
        if root is None:
            return []  # an empty partial holds no actions (or its problems are reported)
        self._chain.append(path)
        try:
            return self._action_list(root, shown, "the partial")
        finally:
            self._chain.pop()

    def _partial(self, path: Path, shown: str) -> yaml.Node | None:
        """A partial's node tree, read and checked once per load."""
        if path in self._read:
            return self._read[path]
        if path not in self.partials:
            self.partials.append(path)
        root = None
        try:
            root = compose(read_text(path, shown, self.max_bytes), shown)
        except GuideError as exc:
            self.problems.extend(exc.problems)
        if root is not None:
            self.check_duplicates(root, shown)
            self.check_merge_keys(root, shown)
        self._read[path] = root
        return root

    def _action(self, item: yaml.Node, file: str) -> Action | None:
        if not isinstance(item, yaml.MappingNode):
            self.problem(file, item, "an action must be a mapping with actionId and label")
            return None
        self.misspelt_keys(item, file, "an action")
        action_id = _scalar(_child(item, "actionId")) or _scalar(_child(item, "id"))
        if action_id is None:
            self.problem(file, item, "the action has no actionId", "add 'actionId: ...'")
            return None
        scopes: tuple[str, ...] = ()
        for key in ("scopes", "requiredScopes"):
            node = _child(item, key)
            written = _scalar(node)
            if written is not None and len(written.split()) > 1:
                self.problem(file, node, f"{key} of action {action_id!r} is one text with "
                             f"spaces ({written[:60]!r}), not a list of scopes",
                             f"write a list: {key}: [{', '.join(written.split()[:3])}]")
                continue
            scopes = scopes or _words(node)
        return Action(action_id, _scalar(_child(item, "label")) or action_id, scopes,
                      _src(file, item), description=_text(_child(item, "description")),
                      categories=_words(_child(item, "categories")))

    # -- authentication methods ----------------------------------------------------------------

    def methods(self, root: yaml.Node) -> Iterator[tuple[AuthMethod, yaml.Node]]:
        auth_list = _child(root, "authentication")
        for entry in auth_list.value if isinstance(auth_list, yaml.SequenceNode) else ():
            if not isinstance(entry, yaml.MappingNode):
                continue
            self.check_merge_keys(entry, self.file, deep=False)
            for method_key, method in entry.value:
                if _scalar(method_key) == MERGE:
                    continue
                key = _scalar(method_key) or "auth"
                label = _scalar(_child(method, "label")) or key
                support = _child(method, "support")
                self.misspelt_keys(method, self.file, "an authentication method")
                self.misspelt_keys(support, self.file, "support")
                self.check_merge_keys(method, self.file, deep=False)
                self.check_merge_keys(support, self.file, skip=("guides",))
                for fields in ("configFields", "setupFields"):
                    self.check_merge_keys(_child(method, fields), self.file)
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
            self.misspelt_keys(item, self.file, "a field")
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
    """The connector and guides of one connector file (raises ConnectorError, a GuideError,
    listing every problem that keeps the connector out). `folder` is where its `$ref`
    partials are looked up; with `language`, a partial's translation into it
    (`<prefix>.<resource>.<language>.s1.partial.yaml`) wins. A problem of one guide leaves
    that guide out: it is in `ConnectorFile.problems`, and the connector stands."""
    reader = _Reader(file, folder, max_bytes, language)
    reader.check_duplicates(root, file)
    reader.check_merge_keys(root, file, deep=False)
    info = _child(root, "info")
    reader.check_merge_keys(info, file)
    reader.misspelt_keys(root, file, "the file")
    reader.misspelt_keys(info, file, "info")
    reader.misspelt_keys(_child(info, "assets"), file, "info.assets")
    name = _scalar(_child(info, "title"))
    key = _scalar(_child(info, "key"))
    where = _src(file, info if info is not None else root)
    if not name or not key:
        raise ConnectorError([*reader.problems, Problem(where, "the connector file needs "
                                                        "info.title and info.key",
                                                        "add them under 'info:'")],
                             reader.inputs)
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
    guide_problems: list[Problem] = []  # each leaves its guide out
    scoped = tuple(a for a in actions if a.scopes)
    # (auth slug, kind) -> the method whose guide has that page, and where its label is
    pages: dict[tuple[str, str], tuple[AuthMethod, Source]] = {}
    for method, node in reader.methods(root):
        methods.append(method)
        guides_node = _child(_child(node, "support"), "guides")
        guide_problems += _guide_keys(guides_node, file)
        for part, kind in GUIDE_PARTS.items():
            fields = method.config_fields if part == "config" else method.setup_fields
            guide_node = _child(guides_node, part)
            if guide_node is None:
                continue
            decoder = _Decoder(file)
            doc = decoder.decode(guide_node, CONNECTOR_GUIDE, f"guides.{part}", depth=1)
            if decoder.problems or doc is None:
                guide_problems += decoder.problems
                continue
            label_at = _src(file, _child(node, "label") or node)
            other, other_at = pages.setdefault((method.slug, kind), (method, label_at))
            if other is not method:
                same = f"two authentication methods are labelled {method.label!r}" \
                    if other.label == method.label else \
                    f"the authentication methods labelled {other.label!r} and " \
                    f"{method.label!r} make the same URL part {method.slug!r}"
                guide_problems.append(Problem(
                    label_at, f"{same}, so their {kind} guides would share "
                    f"the page connectors/{key}/guides/{kind}/{method.slug}/",
                    f"the other is at {other_at}; give the methods different labels"))
                continue
            guides.append(_guide(doc, connector, method, kind, scoped, fields,
                                 _src(file, guide_node)))
    if reader.problems:
        raise ConnectorError(reader.problems + guide_problems, reader.inputs)
    info_model = ConnectorInfo(connector, _text(_child(info, "description")), icon,
                               tuple(methods), tuple(actions), where)
    return ConnectorFile(info_model, guides, reader.partials, _distinct(guide_problems),
                         reader.inputs)


def _guide_keys(node: yaml.Node | None, file: str) -> list[Problem]:
    """`support.guides` holds `config` and `setup` alone: any other key (a misspelt
    `Config:`) would leave its guide out without a word."""
    if node is None or (isinstance(node, yaml.ScalarNode) and _scalar(node) is None):
        return []  # (`guides:` with nothing under it)
    if not isinstance(node, yaml.MappingNode):
        return [Problem(_src(file, node), "support.guides must be a mapping with 'config:' "
                        "and/or 'setup:'", "put the link-account guide under 'config:', the "
                        "connector-profile guide under 'setup:'")]
    problems = []
    for key, _ in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else None
        if name == MERGE:
            problems.append(Problem(_src(file, key), "YAML merge keys ('<<') are not supported",
                                    "write the keys out"))
        elif name not in GUIDE_PARTS:
            close = _close(str(name), tuple(GUIDE_PARTS))
            problems.append(Problem(_src(file, key), f"unknown key {name!r} in support.guides",
                                    f"did you mean {close!r}?" if close else
                                    "allowed keys: config (the link-account guide), setup "
                                    "(the connector-profile guide)"))
    return problems


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
        key_sources=dict(doc.key_sources) | item_text_sources(doc) | {"auth.slug": source,
                                                                      "connector.key": source},
    )
