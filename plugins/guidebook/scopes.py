"""What a selection of actions does to a guide: the action picker's rules, on the model.

The page's script (`assets/guidebook.js`) applies the same rules in the browser; the browser
tests compare the two on the same fixture guides, so this module is the specification:

- Nothing selected: the full guide, every declared scope.
- With a selection, the needed scopes are the union of the selected actions' scopes. A section
  or step that lists `scopes` is shown only when it shares at least one with that set; one
  without `scopes` is always shown. A hidden section hides its steps.
- Visible steps are numbered 1..n within their section (hidden ones leave no gap).
- A `display_scopes` step lists the needed scopes (all declared ones when nothing is selected),
  narrowed to its own `scopes` if it has any, and the labels of the selected (or all) actions
  whose scopes it covers. Both lists are sorted.
- Unknown action ids are ignored and reported; duplicates count once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .model import Guide, Section, Step

SEPARATORS: dict[str, str] = {"space": " ", "comma": ",", "newline": "\n"}
"""The separators the "Scopes selected" box offers, by the name the page uses."""


@dataclass(frozen=True)
class Selection:
    """The actions a reader picked, resolved against one guide."""

    actions: tuple[str, ...]
    """Known action ids, in the guide's order, without duplicates."""
    unknown: tuple[str, ...]
    """Ids that no action of the guide has, in the order given, without duplicates."""
    scopes: tuple[str, ...]
    """The needed scopes, sorted (every declared scope when nothing is selected)."""

    @property
    def empty(self) -> bool:
        """True when no known action is selected (the full guide is shown)."""
        return not self.actions


@dataclass(frozen=True)
class StepView:
    """One step as the tailored page shows it."""

    title: str
    visible: bool
    number: int | None
    """1-based position among the visible steps of its section; None when hidden."""
    display_scopes: tuple[str, ...] = ()
    """The scope chips of a `display_scopes` step (empty for other steps)."""
    enables: tuple[str, ...] = ()
    """"Enables actions" labels of a `display_scopes` step (empty for other steps)."""


@dataclass(frozen=True)
class SectionView:
    """One section as the tailored page shows it."""

    title: str
    visible: bool
    steps: tuple[StepView, ...]


@dataclass(frozen=True)
class GuideView:
    """A guide tailored to a selection."""

    selection: Selection
    sections: tuple[SectionView, ...]

    @property
    def hidden_steps(self) -> int:
        """How many steps the selection hides (the page announces this number)."""
        return sum(1 for s in self.sections for step in s.steps if not step.visible)

    def visible_steps(self) -> list[tuple[str, int, str]]:
        """(section title, number, step title) of every visible step, in page order."""
        return [(s.title, step.number or 0, step.title) for s in self.sections
                for step in s.steps if step.visible]


def parse_actions_param(value: str | None) -> list[str]:
    """The ids of a `?actions=a,b` query value: split on commas, blanks dropped."""
    if not value:
        return []
    return [part.strip() for part in value.split(",") if part.strip()]


def select(guide: Guide, action_ids: Iterable[str]) -> Selection:
    """Resolve action ids against a guide (unknown ids are kept aside, not an error)."""
    wanted = list(dict.fromkeys(action_ids))
    known = {a.id for a in guide.actions}
    chosen = set(wanted) & known
    actions = tuple(a.id for a in guide.actions if a.id in chosen)
    unknown = tuple(i for i in wanted if i not in known)
    if actions:
        scopes = tuple(sorted({s for a in guide.actions if a.id in chosen for s in a.scopes}))
    else:
        scopes = guide.declared_scopes
    return Selection(actions, unknown, scopes)


def is_shown(scopes: Iterable[str], selection: Selection) -> bool:
    """Whether a section or step with these `scopes` is shown for the selection."""
    own = set(scopes)
    return selection.empty or not own or bool(own & set(selection.scopes))


def step_scopes(step: Step, selection: Selection) -> tuple[str, ...]:
    """The scope chips a `display_scopes` step shows for the selection, sorted."""
    if not step.scopes:
        return selection.scopes
    return tuple(sorted(set(step.scopes) & set(selection.scopes)))


def step_enables(guide: Guide, step: Step, selection: Selection) -> tuple[str, ...]:
    """Labels of the selected (or, with no selection, all) actions whose scopes the step
    covers, sorted. Actions that need no scope are never listed: nothing enables them."""
    own = set(step.scopes)
    chosen = set(selection.actions)
    return tuple(sorted(
        a.label for a in guide.actions
        if a.scopes and (selection.empty or a.id in chosen) and (not own or own & set(a.scopes))
    ))


def _section_view(guide: Guide, section: Section, selection: Selection) -> SectionView:
    shown = is_shown(section.scopes, selection)
    steps: list[StepView] = []
    number = 0
    for step in section.steps:
        visible = shown and is_shown(step.scopes, selection)
        if visible:
            number += 1
        chips = step_scopes(step, selection) if step.display_scopes else ()
        enables = step_enables(guide, step, selection) if step.display_scopes else ()
        steps.append(StepView(step.title, visible, number if visible else None, chips, enables))
    return SectionView(section.title, shown, tuple(steps))


def tailor(guide: Guide, action_ids: Iterable[str] = ()) -> GuideView:
    """The guide as a reader who picked `action_ids` sees it."""
    selection = select(guide, action_ids)
    return GuideView(selection,
                     tuple(_section_view(guide, s, selection) for s in guide.sections))


def scope_string(scopes: Iterable[str], separator: str = "space") -> str:
    """The "Scopes selected" text: the scopes joined by a named separator."""
    if separator not in SEPARATORS:
        raise ValueError(f"unknown separator {separator!r}; use one of "
                         f"{', '.join(sorted(SEPARATORS))}")
    return SEPARATORS[separator].join(scopes)
