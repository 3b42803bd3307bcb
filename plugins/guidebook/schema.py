"""The guide format, declared once.

The same declaration drives the loader's checks (with positions, see `load`) and the JSON
Schema that `guidebook schema` prints for editors, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .model import CALLOUT_TYPES, KINDS, WHITELABEL_VALUES

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SLUG_HINT = "use lowercase letters, digits and '-' only, e.g. 'personal-access-token'"
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
KEY_HINT = "use lowercase letters, digits, '_' and '-' only, e.g. 'harvest' or 'gong_crm'"
# Names Windows keeps for devices, also with an extension (con.md): no file can have them there
RESERVED_NAMES = frozenset({"con", "prn", "aux", "nul", "conin$", "conout$",
                            *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))})


def is_reserved_name(name: str) -> bool:
    """True for a file name Windows reserves for a device (CON, NUL, COM1, lpt1.md, ...)."""
    return name.split(".", 1)[0].rstrip(" ").lower() in RESERVED_NAMES


ACTION_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$")
ACTION_ID_HINT = "use letters, digits, '_', '.', ':' and '-', e.g. 'slack_list_channels'"
SCOPE_RE = re.compile(r"^\S+$")
SCOPE_HINT = "a scope is one word without spaces, e.g. 'channels:read'"
REDIRECT_RE = re.compile(r"^(?!/)(?!.*//)(?!.*(^|/)\.\.?(/|$))[A-Za-z0-9._~%/-]+$")
REDIRECT_HINT = ("a site-relative URL without a leading '/', '..' or a query, e.g. "
                 "'harvest/token/' or 'old/page.html'")


class Spec:
    """A node of the format declaration."""

    description: str = ""

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Spec):
    """A string (numbers written without quotes are taken as their text, as written: the
    JSON Schema allows them too)."""

    description: str = ""
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    markdown: bool = False

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": ["string", "number"], "minLength": 1}
        if self.pattern is not None:
            schema["pattern"] = self.pattern.pattern
        if self.description:
            schema["description"] = self.description
        return schema


@dataclass(frozen=True)
class Flag(Spec):
    """true or false."""

    description: str = ""

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean", "description": self.description}


@dataclass(frozen=True)
class Choice(Spec):
    """One of a fixed set of words."""

    values: tuple[str, ...]
    description: str = ""

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.values), "description": self.description}


@dataclass(frozen=True)
class ListOf(Spec):
    """A YAML sequence of one kind of item."""

    item: Spec
    description: str = ""
    unique: bool = False

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.description:
            schema["description"] = self.description
        if self.unique:
            schema["uniqueItems"] = True
        return schema


@dataclass(frozen=True)
class Prop:
    """A key of an object."""

    spec: Spec
    required: bool = False


@dataclass(frozen=True)
class Obj(Spec):
    """A YAML mapping with known keys; `shorthand` names the key a plain string fills.

    `exclusive` lists (key, other key, fix) triples: keys that may not both be written.
    """

    name: str
    props: dict[str, Prop] = field(default_factory=dict)
    description: str = ""
    shorthand: str | None = None
    exclusive: tuple[tuple[str, str, str], ...] = ()

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {k: p.spec.json_schema() for k, p in self.props.items()},
            "additionalProperties": False,
        }
        required = [k for k, p in self.props.items() if p.required]
        if required:
            schema["required"] = required
        if self.description:
            schema["description"] = self.description
        if self.exclusive:
            schema["allOf"] = [{"not": {"required": [a, b]}} for a, b, _ in self.exclusive]
        if self.shorthand is not None:
            short = dict(self.props[self.shorthand].spec.json_schema())
            short["description"] = f"Shorthand for {{{self.shorthand}: ...}}"
            return {"anyOf": [short, schema]}
        return schema


def _whitelabel() -> Choice:
    return Choice(
        WHITELABEL_VALUES,
        "hide: left out of white-label builds; only: shown in white-label builds alone.",
    )


def _scopes(what: str) -> ListOf:
    return ListOf(
        Text(pattern=SCOPE_RE, pattern_hint=SCOPE_HINT),
        f"Provider scopes; the {what} is shown only when a selected action needs one of them.",
        unique=True,
    )


LIST_ITEM = Obj(
    "list item",
    {
        "text": Prop(Text("Inline Markdown.", markdown=True), required=True),
        "whitelabel": Prop(_whitelabel()),
    },
    "A bullet: a string, or an object with text and whitelabel.",
    shorthand="text",
)

IMAGE = Obj(
    "image",
    {
        "src": Prop(Text("Path of the image, relative to the docs folder."), required=True),
        "alt": Prop(Text("Text alternative for screen readers.")),
    },
    "A screenshot: a path, or an object with src and alt.",
    shorthand="src",
)

STEP = Obj(
    "step",
    {
        "title": Prop(Text("Step title (inline Markdown).", markdown=True), required=True),
        "content": Prop(Text("Markdown body of the step.", markdown=True)),
        "list": Prop(ListOf(LIST_ITEM, "Bullets under the content.")),
        "images": Prop(ListOf(IMAGE, "Screenshots under the step.")),
        "scopes": Prop(_scopes("step")),
        "display_scopes": Prop(Flag("Show the scopes the selected actions need inside the step.")),
        "whitelabel": Prop(_whitelabel()),
    },
    "A numbered step.",
)

SECTION = Obj(
    "section",
    {
        "title": Prop(Text("Section heading (inline Markdown).", markdown=True), required=True),
        "content": Prop(Text("Markdown shown under the heading.", markdown=True)),
        "list": Prop(ListOf(LIST_ITEM, "Bullets under the content.")),
        "scopes": Prop(_scopes("section")),
        "whitelabel": Prop(_whitelabel()),
        "steps": Prop(ListOf(STEP, "Numbered steps.")),
    },
    "A titled part of the guide; it needs content, a list or steps.",
)

FIELD = Obj(
    "field",
    {
        "label": Prop(Text("The field's label in the hub."), required=True),
        "description": Prop(Text("Where to find the value (Markdown).", markdown=True)),
        "secret": Prop(Flag("Whether the value is a secret.")),
    },
    "A value the user fills in on the hub: a label, or an object.",
    shorthand="label",
)

GUIDE = Obj(
    "guide",
    {
        "connector": Prop(
            Obj(
                "connector",
                {
                    "key": Prop(Text("URL key.", pattern=KEY_RE, pattern_hint=KEY_HINT), True),
                    "name": Prop(Text("Display name, e.g. Harvest."), required=True),
                    "category": Prop(Text("Grouping on the connectors page, e.g. HRIS.")),
                    "categories": Prop(ListOf(Text(), "Several groupings, the first one "
                                              "places the connector in the sidebar.",
                                              unique=True)),
                },
                "The product this guide is about.",
                exclusive=(("category", "categories",
                            "write only 'categories:' and put the category in its list"),),
            ),
            required=True,
        ),
        "kind": Prop(
            Choice(KINDS, "link-account: end-user guide (default); connector-profile: admin setup.")
        ),
        "auth": Prop(
            Obj(
                "auth",
                {
                    "label": Prop(Text("Auth method, e.g. Personal Access Token."), True),
                    "slug": Prop(Text("URL part; derived from label.", pattern=SLUG_RE,
                                      pattern_hint=SLUG_HINT)),
                },
                "The authentication method the guide covers.",
            ),
            required=True,
        ),
        "title": Prop(Text("Page title; default from the site's title pattern.")),
        "description": Prop(Text("Page description; default from the site's pattern.")),
        "warning": Prop(Text("Shown first, as a warning (Markdown).", markdown=True)),
        "callouts": Prop(
            ListOf(
                Obj(
                    "callout",
                    {
                        "type": Prop(Choice(CALLOUT_TYPES, "Admonition kind."), required=True),
                        "text": Prop(Text("Markdown.", markdown=True), required=True),
                    },
                ),
                "Admonitions shown after the warning.",
            )
        ),
        "actions": Prop(
            ListOf(
                Obj(
                    "action",
                    {
                        "id": Prop(Text("Action id.", pattern=ACTION_ID_RE,
                                        pattern_hint=ACTION_ID_HINT), required=True),
                        "label": Prop(Text("Action name shown in the picker."), required=True),
                        "scopes": Prop(ListOf(Text(pattern=SCOPE_RE, pattern_hint=SCOPE_HINT),
                                              "Scopes the action needs.", unique=True)),
                    },
                ),
                "What the connector can do and the scopes each action needs.",
            )
        ),
        "sections": Prop(ListOf(SECTION, "The guide's sections, in order."), required=True),
        "fields": Prop(ListOf(FIELD, "What the user fills in on the hub.")),
        "optional": Prop(Flag("List the guide under '## Optional' in llms.txt.")),
        "tags": Prop(ListOf(Text(), "Tags of the page (Material's tags plugin lists it).",
                            unique=True)),
        "redirect_from": Prop(ListOf(Text("An old URL of the guide, site-relative, e.g. "
                                          "'harvest/token/'.", pattern=REDIRECT_RE,
                                          pattern_hint=REDIRECT_HINT),
                                     "Old URLs of the guide; each gets a redirect page.",
                                     unique=True)),
    },
    "A connection guide for the guidebook generator.",
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a guide file."""
    schema = GUIDE.json_schema()
    schema.update(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "https://guidebook.dev/schema/guide.json",
            "title": "guidebook guide",
        }
    )
    properties = schema["properties"]
    # A comment line is no key, but editors send `$schema` in some setups: allow it.
    properties["$schema"] = {"type": "string"}
    return schema
