"""White-label variants: which parts of a guide a build shows, decided on the model.

`whitelabel: hide` parts exist only in normal builds, `whitelabel: only` parts only in
white-label builds. Filtering happens before anything is rendered, so the HTML page, the
Markdown export and the llms files can never disagree.
"""

from __future__ import annotations

import dataclasses

from .model import Guide, ListItem, Section, Step


def _keep(whitelabel: str | None, white: bool) -> bool:
    return whitelabel is None or (whitelabel == "only") == white


def _items(items: tuple[ListItem, ...], white: bool) -> tuple[ListItem, ...]:
    return tuple(i for i in items if _keep(i.whitelabel, white))


def _step(step: Step, white: bool) -> Step:
    return dataclasses.replace(step, list=_items(step.list, white))


def _section(section: Section, white: bool) -> Section | None:
    steps = tuple(_step(s, white) for s in section.steps if _keep(s.whitelabel, white))
    items = _items(section.list, white)
    if section.steps and not steps and not section.content and not items:
        return None  # every step was for the other variant: no orphan heading
    return dataclasses.replace(section, steps=steps, list=items)


def select_variant(guide: Guide, *, whitelabel: bool) -> Guide:
    """The guide as the normal (False) or white-label (True) build shows it."""
    sections = tuple(
        s for s in (_section(x, whitelabel) for x in guide.sections
                    if _keep(x.whitelabel, whitelabel))
        if s is not None
    )
    return dataclasses.replace(guide, sections=sections)


def replace_text(guide: Guide, replacements: dict[str, str] | object) -> Guide:
    """The guide with each literal text of `replacements` swapped in every author text."""
    from .text import map_text

    pairs = sorted(dict(replacements).items(), key=lambda kv: -len(kv[0]))  # type: ignore

    def fn(text: str, _source: object) -> str:
        for old, new in pairs:
            if old in text:
                text = text.replace(old, new)
        return text

    return map_text(guide, fn)
