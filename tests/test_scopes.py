"""The action picker's selection rules on the model (guidebook.scopes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebook.documents import load_file
from guidebook.model import Action, Connector, Guide, Section, Step
from guidebook.scopes import (
    parse_actions_param,
    scope_string,
    select,
    tailor,
)

SITE = Path(__file__).parent / "fixtures" / "scopes-site"


@pytest.fixture(scope="module")
def chatter() -> Guide:
    [guide] = load_file(SITE / "guides" / "chatter" / "bot-token.yaml")
    return guide


@pytest.fixture(scope="module")
def peoplebase() -> Guide:
    [guide] = load_file(SITE / "guides" / "peoplebase" / "api-key.yaml")
    return guide


def _guide(actions: list[tuple[str, tuple[str, ...]]], sections: list[Section]) -> Guide:
    return Guide(
        connector=Connector("x", "X"),
        auth_label="Token",
        auth_slug="token",
        actions=tuple(Action(i, i.upper(), s) for i, s in actions),
        sections=tuple(sections),
    )


# -- selection ---------------------------------------------------------------------------------


def test_nothing_selected_needs_every_declared_scope(chatter: Guide) -> None:
    sel = select(chatter, [])
    assert sel.empty
    assert sel.scopes == chatter.declared_scopes
    assert sel.unknown == ()


def test_selection_is_the_union_of_the_actions_scopes_sorted(chatter: Guide) -> None:
    sel = select(chatter, ["pins_add", "rooms_history"])
    assert sel.actions == ("rooms_history", "pins_add")  # the guide's order
    assert sel.scopes == ("history:read", "pins:write", "posts:write", "rooms:read")


def test_unknown_and_repeated_ids_are_reported_once_and_ignored(chatter: Guide) -> None:
    sel = select(chatter, ["nope", "files_get", "nope", "files_get", "also-not"])
    assert sel.actions == ("files_get",)
    assert sel.unknown == ("nope", "also-not")
    assert sel.scopes == ("files:read",)


def test_only_unknown_ids_is_the_full_guide(chatter: Guide) -> None:
    view = tailor(chatter, ["ghost"])
    assert view.selection.empty and view.selection.unknown == ("ghost",)
    assert view.hidden_steps == 0


def test_an_action_without_scopes_needs_none(chatter: Guide) -> None:
    sel = select(chatter, ["ping"])
    assert not sel.empty
    assert sel.scopes == ()


# -- visibility and numbering ------------------------------------------------------------------


def test_full_guide_when_nothing_is_selected(chatter: Guide) -> None:
    view = tailor(chatter)
    assert all(s.visible for s in view.sections)
    assert [n for _, n, _ in view.visible_steps()] == [1, 2, 3, 4, 5, 6, 1, 2, 3, 1, 2]


def test_scoped_steps_and_sections_hide_and_the_rest_renumber(chatter: Guide) -> None:
    view = tailor(chatter, ["files_get"])
    assert [s.visible for s in view.sections] == [True, False, False]
    assert view.visible_steps() == [
        ("Make a bot", 1, "Open the developer area"),
        ("Make a bot", 2, "Create a bot"),
        ("Make a bot", 3, "Pick the bot permissions"),
        ("Make a bot", 4, "Allow file access"),
        ("Make a bot", 5, "Copy the bot token"),
    ]
    # "Allow email look-ups" plus every step of the two hidden sections.
    assert view.hidden_steps == 1 + 3 + 2


def test_a_section_shown_by_one_scope_still_filters_its_steps(chatter: Guide) -> None:
    view = tailor(chatter, ["rooms_list"])
    rooms = view.sections[1]
    assert rooms.visible
    assert [(s.title, s.number) for s in rooms.steps] == [
        ("Add the bot to rooms", 1), ("Keep history on", None), ("Allow room creation", None),
    ]


def test_unscoped_action_only_keeps_unscoped_parts(chatter: Guide) -> None:
    view = tailor(chatter, ["ping"])
    assert [s.visible for s in view.sections] == [True, False, False]
    assert [t for _, _, t in view.visible_steps()] == [
        "Open the developer area", "Create a bot", "Pick the bot permissions",
        "Copy the bot token",
    ]


def test_hidden_section_hides_even_its_unscoped_steps() -> None:
    guide = _guide([("a", ("s1",)), ("b", ("s2",))], [
        Section("Only b", scopes=("s2",), steps=(Step("plain"),)),
    ])
    view = tailor(guide, ["a"])
    assert not view.sections[0].visible
    assert view.sections[0].steps[0].number is None
    assert view.hidden_steps == 1


# -- display_scopes steps ----------------------------------------------------------------------


def test_display_scopes_step_lists_everything_without_selection(chatter: Guide) -> None:
    step = tailor(chatter).sections[0].steps[2]
    assert step.display_scopes == chatter.declared_scopes
    assert step.enables == tuple(sorted(a.label for a in chatter.actions if a.scopes))
    assert "Check Connection" not in step.enables  # needs no scope, nothing enables it


def test_display_scopes_step_follows_the_selection(chatter: Guide) -> None:
    step = tailor(chatter, ["posts_edit", "members_email", "ping"]).sections[0].steps[2]
    assert step.display_scopes == ("members:email", "members:read", "posts:write")
    assert step.enables == ("Edit Post", "Look Up Member Email")


def test_display_scopes_step_with_own_scopes_is_narrowed() -> None:
    guide = _guide([("a", ("s1", "s2")), ("b", ("s3",)), ("c", ("s2",))], [
        Section("S", steps=(Step("t", scopes=("s2", "s3"), display_scopes=True),)),
    ])
    assert tailor(guide).sections[0].steps[0].display_scopes == ("s2", "s3")
    step = tailor(guide, ["a"]).sections[0].steps[0]
    assert step.display_scopes == ("s2",)
    assert step.enables == ("A",)


def test_other_steps_carry_no_chips(peoplebase: Guide) -> None:
    view = tailor(peoplebase, ["audit_list"])
    first = view.sections[0].steps[0]
    assert first.display_scopes == () and first.enables == ()
    assert view.visible_steps() == [
        ("Create the key", 1, "Open the admin area"),
        ("Create the key", 2, "Choose the key scopes"),
        ("Create the key", 3, "Turn on audit export"),
        ("Create the key", 4, "Copy the key"),
    ]


# -- URL and scope string ----------------------------------------------------------------------


@pytest.mark.parametrize(("value", "ids"), [
    (None, []),
    ("", []),
    ("a", ["a"]),
    ("a,b", ["a", "b"]),
    (" a , ,b,", ["a", "b"]),
])
def test_parse_actions_param(value: str | None, ids: list[str]) -> None:
    assert parse_actions_param(value) == ids


@pytest.mark.parametrize(("separator", "text"), [
    ("space", "a:read b:write"),
    ("comma", "a:read,b:write"),
    ("newline", "a:read\nb:write"),
])
def test_scope_string(separator: str, text: str) -> None:
    assert scope_string(("a:read", "b:write"), separator) == text


def test_scope_string_rejects_an_unknown_separator() -> None:
    with pytest.raises(ValueError, match="comma, newline, space"):
        scope_string(("a",), "tab")


def test_every_example_guide_tailors_without_error() -> None:
    root = Path(__file__).parent.parent / "guides"
    for path in sorted(root.rglob("*.yaml")):
        if path.name.endswith(".s1.partial.yaml"):  # actions of a connector file, no guide
            continue
        for guide in load_file(path):
            for action in guide.actions:
                view = tailor(guide, [action.id])
                numbers = [n for _, n, _ in view.visible_steps()]
                assert all(n >= 1 for n in numbers), path
