"""The blocks the scanner splits a page into; each remembers its source line."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Block:
    line: int
    whitelabel: str | None = field(default=None, kw_only=True)


@dataclass
class Heading(Block):
    level: int
    text: str
    scopes: tuple[str, ...] = ()


@dataclass
class Prose(Block):
    text: str
    kind: str = "para"  # para | code | quote | rule


@dataclass
class Item:
    text: str
    complex: bool = False  # holds more than one line of inline Markdown
    nested: bool = False


@dataclass
class List(Block):
    ordered: bool
    items: list[Item]

    @property
    def simple(self) -> bool:
        return not self.ordered and not any(i.complex for i in self.items)

    @property
    def nested(self) -> bool:
        return any(i.nested for i in self.items)


@dataclass
class Image(Block):
    src: str
    alt: str = ""
    title: str | None = None


@dataclass
class Callout(Block):
    type: str
    blocks: list[Block]


@dataclass
class Step(Block):
    title: str
    blocks: list[Block]


@dataclass
class Steps(Block):
    steps: list[Step]


@dataclass
class Verbatim(Block):
    text: str
    what: str
    message: str | None = None  # the warning, when not the default "kept verbatim" one


@dataclass
class Attrs(Block):
    """Attributes of an export `<section>` or step `<div>` for the next heading or the step."""

    target: str  # section | step
    scopes: tuple[str, ...] = ()
    display_scopes: bool = False
