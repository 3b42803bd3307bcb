"""Guides from StackOne connector files (`*.connector.s1.yaml`, top key `StackOne:`).

Each `authentication[]` entry that carries `support.guides.config` becomes a link-account guide
(its fields from `configFields`); one with `support.guides.setup` becomes a connector-profile
guide (fields from `setupFields`). `info.title`/`info.key` name the connector; actions that
declare scopes (`scopes` or `requiredScopes`) feed the guide's actions. Everything else in the
file belongs to the connector runtime and is left alone.
"""

from __future__ import annotations

import yaml

from . import schema as S
from .errors import GuideError, Problem
from .load import Doc, DocList, _Decoder, _src, build_section, slugify
from .model import Action, Callout, Connector, Field, Guide, Source

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


def _fields(node: yaml.Node | None, file: str) -> tuple[Field, ...]:
    out = []
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            label = _scalar(_child(item, "label")) or _scalar(_child(item, "key"))
            if label is None:
                continue
            secret_node = _child(item, "secret")
            secret = (_scalar(secret_node) or "").lower() == "true" if secret_node else None
            out.append(Field(label, _scalar(_child(item, "description")), secret,
                             _src(file, item)))
    return tuple(out)


def _actions(root: yaml.Node, file: str) -> tuple[Action, ...]:
    out = []
    node = _child(root, "actions")
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            scopes_node = _child(item, "scopes") or _child(item, "requiredScopes")
            if not isinstance(scopes_node, yaml.SequenceNode):
                continue
            scopes = tuple(dict.fromkeys(s for s in map(_scalar, scopes_node.value) if s))
            action_id = _scalar(_child(item, "actionId")) or _scalar(_child(item, "id"))
            if not action_id or not scopes:
                continue
            label = _scalar(_child(item, "label")) or action_id
            out.append(Action(action_id, label, scopes, _src(file, item)))
    return tuple(out)


def guides_from_connector(root: yaml.Node, file: str) -> list[Guide]:
    """The guides of one connector file (raises GuideError listing every problem)."""
    problems: list[Problem] = []
    info = _child(root, "info")
    name = _scalar(_child(info, "title"))
    key = _scalar(_child(info, "key"))
    where = _src(file, info if info is not None else root)
    if not name or not key:
        raise GuideError(Problem(where, "the connector file needs info.title and info.key",
                                 "add them under 'info:'"))
    if not S.SLUG_RE.match(key):
        raise GuideError(Problem(_src(file, _child(info, "key")), f"info.key {key!r} is not valid",
                                 S.SLUG_HINT))
    category = _scalar(_child(info, "category"))
    connector = Connector(key, name, category, where)
    actions = _actions(root, file)
    guides: list[Guide] = []
    auth_list = _child(root, "authentication")
    for entry in auth_list.value if isinstance(auth_list, yaml.SequenceNode) else ():
        if not isinstance(entry, yaml.MappingNode):
            continue
        for method_key, method in entry.value:
            label = _scalar(_child(method, "label")) or _scalar(method_key) or "Authentication"
            slug = slugify(label)
            guides_node = _child(_child(method, "support"), "guides")
            for part, kind, fields_key in (("config", "link-account", "configFields"),
                                           ("setup", "connector-profile", "setupFields")):
                guide_node = _child(guides_node, part)
                if guide_node is None:
                    continue
                decoder = _Decoder(file)
                doc = decoder.decode(guide_node, CONNECTOR_GUIDE, f"guides.{part}", depth=1)
                if decoder.problems or doc is None:
                    problems.extend(decoder.problems)
                    continue
                guides.append(_guide(doc, connector, label, slug, kind, actions,
                                     _fields(_child(method, fields_key), file),
                                     _src(file, guide_node)))
    if problems:
        raise GuideError(problems)
    if not guides:
        raise GuideError(Problem(_src(file, root), "the connector file holds no guides",
                                 "add authentication[].<method>.support.guides.config"))
    return guides


def _guide(doc: Doc, connector: Connector, label: str, slug: str, kind: str,
           actions: tuple[Action, ...], fields: tuple[Field, ...], source: Source) -> Guide:
    sections: DocList = doc["sections"]
    return Guide(
        connector=connector,
        auth_label=label,
        auth_slug=slug,
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
