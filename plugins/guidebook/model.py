"""The guide model: plain frozen dataclasses that remember where they came from.

Every later stage (validation, rendering, exports, white-label filtering) works on these
objects, never on raw YAML, so each of them can point the user back at the line that caused a
problem through the `source` attribute.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Literal

Kind = Literal["link-account", "connector-profile"]
Whitelabel = Literal["hide", "only"] | None
CalloutType = Literal["note", "info", "tip", "warning", "danger"]

KINDS: tuple[str, ...] = ("link-account", "connector-profile")
CALLOUT_TYPES: tuple[str, ...] = ("note", "info", "tip", "warning", "danger")
WHITELABEL_VALUES: tuple[str, ...] = ("hide", "only")


class _Model:
    """Pickled as (class, field values): a guide crosses from the loading worker as fast as
    the class is built, without dataclasses' per-object field lookups."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        cls = type(self)
        names = _NAMES.get(cls)
        if names is None:
            names = _NAMES[cls] = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
        return cls, tuple(getattr(self, name) for name in names)


_NAMES: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True, order=True, slots=True)
class Source(_Model):
    """A position in a source file (1-based line and column)."""

    file: str
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


NO_SOURCE = Source("<unknown>", 0, 0)


@dataclass(frozen=True, slots=True)
class Connector(_Model):
    """The third-party product a guide is about."""

    key: str
    name: str
    categories: tuple[str, ...] = ()
    source: Source = NO_SOURCE

    @property
    def category(self) -> str | None:
        """The first category (where the sidebar places the connector), if any."""
        return self.categories[0] if self.categories else None


@dataclass(frozen=True, slots=True)
class Action(_Model):
    """Something the connector can do, and the provider scopes it needs."""

    id: str
    label: str
    scopes: tuple[str, ...] = ()
    source: Source = NO_SOURCE
    description: str | None = None  # Markdown (connector files)
    categories: tuple[str, ...] = ()  # category ids as written, e.g. ('hris',)


@dataclass(frozen=True, slots=True)
class ListItem(_Model):
    """One bullet of a section or step list (Markdown, inline)."""

    text: str
    whitelabel: Whitelabel = None
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class Image(_Model):
    """A screenshot shown under a step."""

    src: str
    alt: str = ""
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class Callout(_Model):
    """An admonition shown before the sections."""

    type: str
    text: str
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class Step(_Model):
    """One numbered step of a section."""

    title: str
    content: str | None = None
    list: tuple[ListItem, ...] = ()
    images: tuple[Image, ...] = ()
    scopes: tuple[str, ...] = ()
    display_scopes: bool = False
    whitelabel: Whitelabel = None
    source: Source = NO_SOURCE
    key_sources: dict[str, Source] = field(default_factory=dict, compare=False, hash=False)

    def source_of(self, key: str) -> Source:
        """Where a key of this step was written (the step's own position if unknown)."""
        return self.key_sources.get(key, self.source)


@dataclass(frozen=True, slots=True)
class Section(_Model):
    """A titled part of a guide: prose, bullets and/or numbered steps."""

    title: str
    content: str | None = None
    list: tuple[ListItem, ...] = ()
    steps: tuple[Step, ...] = ()
    scopes: tuple[str, ...] = ()
    whitelabel: Whitelabel = None
    source: Source = NO_SOURCE
    key_sources: dict[str, Source] = field(default_factory=dict, compare=False, hash=False)

    def source_of(self, key: str) -> Source:
        """Where a key of this section was written (the section's own position if unknown)."""
        return self.key_sources.get(key, self.source)


@dataclass(frozen=True, slots=True)
class Field(_Model):
    """A value the user fills in on the hub when linking the account."""

    label: str
    description: str | None = None
    secret: bool | None = None
    source: Source = NO_SOURCE
    # Known for the fields of connector files (configFields / setupFields):
    key: str | None = None
    type: str | None = None  # text, password, select, ...
    required: bool | None = None
    options: tuple[str, ...] = ()  # a select field's option labels
    tooltip: str | None = None
    placeholder: str | None = None


@dataclass(frozen=True, slots=True)
class AuthMethod(_Model):
    """One `authentication[]` entry of a connector file, as its reference page shows it."""

    key: str  # the method's key in the file, e.g. 'oauth2'
    label: str
    slug: str  # the URL part its guides use
    description: str | None = None  # support.description (Markdown)
    link: str | None = None  # support.link: the vendor's own documentation
    config_fields: tuple[Field, ...] = ()  # what the end user enters
    setup_fields: tuple[Field, ...] = ()  # what the admin enters for a connector profile
    source: Source = NO_SOURCE


@dataclass(frozen=True, slots=True)
class ConnectorInfo(_Model):
    """What a connector file says about its connector, whether it holds guides or not."""

    connector: Connector
    description: str | None = None  # info.description (Markdown)
    icon: str | None = None  # info.assets.icon (a URL)
    auth_methods: tuple[AuthMethod, ...] = ()
    actions: tuple[Action, ...] = ()  # every action but the internal ones, in file order
    source: Source = NO_SOURCE


class HasActions:
    """What the action picker needs of a page's actions (a guide's, a connector's)."""

    __slots__ = ()
    actions: tuple[Action, ...]

    @property
    def declared_scopes(self) -> tuple[str, ...]:
        """Every scope any action declares, sorted and unique."""
        return tuple(sorted({s for a in self.actions for s in a.scopes}))

    @property
    def has_scoped_actions(self) -> bool:
        return any(a.scopes for a in self.actions)


@dataclass(frozen=True, slots=True)
class Guide(HasActions, _Model):
    """One connection guide, as written by its author (before defaults are applied)."""

    connector: Connector
    auth_label: str
    auth_slug: str
    kind: str = "link-account"
    title: str | None = None
    description: str | None = None
    warning: str | None = None
    callouts: tuple[Callout, ...] = ()
    actions: tuple[Action, ...] = ()
    sections: tuple[Section, ...] = ()
    fields: tuple[Field, ...] = ()
    optional: bool = False
    tags: tuple[str, ...] = ()  # page tags (Material's tags plugin)
    redirect_from: tuple[str, ...] = ()  # old URLs, site-relative: each gets a redirect
    source: Source = NO_SOURCE
    # Where individual keys were written, for errors raised after loading (key -> Source).
    key_sources: dict[str, Source] = field(default_factory=dict, compare=False, hash=False)
    # False when the source file has no "{" at all: no brand placeholder to fill in.
    templated: bool = field(default=True, compare=False, hash=False)

    @property
    def url(self) -> str:
        """The page's directory URL, relative to the site root (with a trailing slash)."""
        return f"connectors/{self.connector.key}/guides/{self.kind}/{self.auth_slug}/"

    def source_of(self, key: str) -> Source:
        """Where a top-level key was written (the guide's own position if unknown)."""
        return self.key_sources.get(key, self.source)
