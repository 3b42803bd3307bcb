"""Loader and validator: every error names file, line and column, and says how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest

from guidebook.documents import load_file, load_text
from guidebook.errors import GuideError
from guidebook.load import slugify
from guidebook.validate import check_guide

BRAND = {"name": "Acme", "hub": "Acme Hub"}
BASE = """\
connector: {key: harvest, name: Harvest}
auth: {label: Personal Access Token}
sections:
  - title: Make a token
    content: Tokens act for one user.
"""


def problems(text: str) -> list[str]:
    """Every problem the loader and validator report, as the user reads them."""
    try:
        guides = load_text(text, "g.yaml")
    except GuideError as exc:
        return [str(p) for p in exc.problems]
    return [str(p) for g in guides for p in check_guide(g, [BRAND])]


CASES = [
    ("unknown key", BASE + "colour: red\n",
     "g.yaml:6:1: error: unknown key 'colour' in guide (allowed keys: connector, kind, auth, "
     "title, description, warning, callouts, actions, sections, fields, optional, tags, redirect_from)"),
    ("misspelt key", BASE.replace("sections:", "sectons:"),
     "g.yaml:3:1: error: unknown key 'sectons' in guide (did you mean 'sections'?)"),
    ("wrong type", BASE.replace("content: Tokens act for one user.", "content: [a, b]"),
     "g.yaml:5:14: error: sections[0].content must be text, not a list"),
    ("bad kind", BASE + "kind: admin\n",
     "g.yaml:6:7: error: kind must be one of link-account, connector-profile, not 'admin'"),
    ("bad connector key", BASE.replace("key: harvest", "key: Harvest_Time"),
     "g.yaml:1:18: error: connector.key 'Harvest_Time' is not valid (use lowercase letters, "
     "digits, '_' and '-' only, e.g. 'harvest' or 'gong_crm')"),
    ("bad auth slug", BASE.replace("{label: Personal Access Token}",
                                   "{label: PAT, slug: ../etc}"),
     "g.yaml:2:26: error: auth.slug '../etc' is not valid (use lowercase letters, digits and "
     "'-' only, e.g. 'personal-access-token')"),
    ("duplicate key", BASE + "auth: {label: Other}\n",
     "g.yaml:6:1: error: guide has the key 'auth' twice (the first is at line 2; remove one)"),
    ("missing key", "connector: {key: a, name: A}\nsections: [{title: t, content: c}]\n",
     "g.yaml:1:1: error: guide is missing the required key 'auth' (add 'auth:')"),
    ("tab indentation", "connector:\n\tkey: a\n",
     "g.yaml:2:1: error: invalid YAML: found character that cannot start any token "
     "(indent with spaces, not tabs)"),
    ("unquoted boolean", BASE.replace("name: Harvest", "name: yes"),
     "g.yaml:1:33: error: connector.name must be text, not a boolean (yes) (quote the value)"),
    ("empty section", BASE.replace("    content: Tokens act for one user.\n", ""),
     "g.yaml:4:5: error: section 'Make a token' is empty (give it content, a list or steps, "
     "or remove it)"),
    ("undeclared scope", BASE + "    scopes: [users:read]\n",
     "g.yaml:6:5: error: section 'Make a token' uses the scope 'users:read', which no action "
     "declares (add an 'actions:' list whose actions declare the scopes they need)"),
    ("unsafe link", BASE.replace("Tokens act for one user.", "'[x](JavaScript:alert(1))'"),
     "g.yaml:5:5: error: unsafe link target 'JavaScript:alert(1)' (links may use https, http, "
     "mailto or tel, or point at a page of the site)"),
    ("data link", BASE.replace("Tokens act for one user.",
                               "'[x]( data:text/html;base64,AAAA)'"),
     "g.yaml:5:5: error: unsafe link target 'data:text/html;base64,AAAA' (links may use "
     "https, http, mailto or tel, or point at a page of the site)"),
    ("duplicate action", BASE + "actions: [{id: a, label: A}, {id: a, label: B}]\n",
     "g.yaml:6:30: error: duplicate action id 'a' (action ids must be unique; the first is at "
     "line 6)"),
    ("unknown brand key", BASE.replace("Tokens act for one user.", "'Ask {{ brand.nme }}'"),
     "g.yaml:5:5: error: unknown brand key 'brand.nme' (known keys: brand.hub, brand.name; "
     "or add it to the brand option)"),
    ("jinja expression", BASE.replace("Tokens act for one user.",
                                      "'{{ brand.__class__.__mro__ }}'"),
     "g.yaml:5:5: error: bad placeholder in text: unsupported expression (only "
     "{{ brand.KEY }} placeholders are allowed; write {{ '{{' }} for literal braces)"),
    ("empty file", "",
     "g.yaml:1:1: error: the file is empty (start from `guidebook new`, or delete the file)"),
    ("not a mapping", "- a\n- b\n",
     "g.yaml:1:1: error: guide must be a mapping of keys, not a list"),
    ("image escapes docs", BASE + "    steps:\n      - title: t\n        images: [../../x.png]\n",
     "g.yaml:8:18: error: image src '../../x.png' is not allowed (use a path inside the docs "
     "folder (no '..', no leading '/') or an https URL)"),
    ("category and categories", BASE.replace("Harvest}", "Harvest, category: A, categories: [A]}"),
     "g.yaml:1:55: error: connector has both 'category' and 'categories' (write only "
     "'categories:' and put the category in its list)"),
    ("merge key", "x: &a {key: a}\nconnector:\n  <<: *a\n",
     "g.yaml:3:3: error: YAML merge keys ('<<') are not supported (write the keys out)"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_messages(text: str, expected: str) -> None:
    assert expected in problems(text)


def test_every_problem_in_one_run() -> None:
    text = BASE.replace("key: harvest", "key: BAD") + "kind: admin\ncolour: red\n"
    found = problems(text)
    assert [p.split(":")[1] for p in found] == ["1", "6", "7"]


def test_valid_guide_builds_model() -> None:
    text = BASE + "actions:\n  - {id: list, label: List, scopes: [a, b]}\n" + \
        "fields: [Token, {label: Account ID, secret: false}]\n"
    [guide] = load_text(text, "g.yaml")
    assert guide.url == "connectors/harvest/guides/link-account/personal-access-token/"
    assert guide.sections[0].source.line == 4
    assert guide.actions[0].scopes == ("a", "b")
    assert [f.label for f in guide.fields] == ["Token", "Account ID"]
    assert guide.fields[1].secret is False
    assert check_guide(guide, [BRAND]) == []


@pytest.mark.parametrize(("label", "slug"), [
    ("Personal Access Token", "personal-access-token"),
    ("OAuth 2.0", "oauth-2-0"),
    ("API Key (v2)", "api-key-v2"),
    ("Clé d'API", "cle-d-api"),
    ("  Basic  Auth ", "basic-auth"),
])
def test_slugify(label: str, slug: str) -> None:
    assert slugify(label) == slug


def test_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"connector: {key: a, name: \xff}\n")
    with pytest.raises(GuideError) as info:
        load_file(bad, file="bad.yaml")
    assert str(info.value) == "bad.yaml:1:27: error: the file is not valid UTF-8 (save it as UTF-8)"
    big = tmp_path / "big.yaml"
    big.write_text("x: " + "a" * 2000)
    with pytest.raises(GuideError) as info:
        load_file(big, file="big.yaml", max_bytes=1000)
    assert "over the limit of 1,000" in str(info.value)


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "g.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.replace("\n", "\r\n").encode())
    [guide] = load_file(path)
    assert guide.connector.name == "Harvest"


def test_alias_bomb_is_refused() -> None:
    steps = ", ".join(["*t"] * 1000)
    sections = ", ".join(["*s"] * 1000)
    bomb = (
        "connector: {key: a, name: A}\nauth: {label: B}\nsections:\n"
        f"  - &s {{title: t, steps: [&t {{title: s, list: [x, x, x, x, x]}}, {steps}]}}\n"
        + "".join(f"  - {x}\n" for x in sections.split(", "))
    )
    with pytest.raises(GuideError) as info:
        load_text(bomb, "bomb.yaml")
    assert [p.message for p in info.value.problems] == [
        "the document has more than 200,000 values"]


def test_connector_file(tmp_path: Path) -> None:
    text = """\
StackOne: 1.0.0
info: {title: Timely, key: timely}
authentication:
  - custom:
      type: custom
      label: API Key
      support:
        guides:
          config:
            warning: You need an admin login.
            sections:
              - title: Find the key
                steps:
                  - title: Open settings
                    content: Go to **Settings**.
      configFields:
        - {key: apiKey, label: API Key, type: password, secret: true}
actions:
  - actionId: timely_list_users
    label: List users
    requiredScopes: [users.read]
"""
    [guide] = load_text(text, "timely.connector.s1.yaml")
    assert guide.connector.name == "Timely"
    assert guide.kind == "link-account"
    assert guide.auth_slug == "api-key"
    assert [f.label for f in guide.fields] == ["API Key"]
    assert guide.actions[0].scopes == ("users.read",)
    broken = text.replace("title: Open settings", "title: [x]")
    with pytest.raises(GuideError) as info:
        load_text(broken, "timely.connector.s1.yaml")
    assert str(info.value).startswith("timely.connector.s1.yaml:14:28: error: ")


C = "    content: Tokens act for one user.\n"
QUOTE = ": put the whole text in quotes, e.g. "
# Markdown that YAML reads as something else: the fix is to quote the whole text, as for {{.
MISREAD = [
    ("link", BASE.replace("Tokens act for one user.", "[Settings](https://x.example/s) page"),
     "g.yaml:5:24: error: invalid YAML: did not find expected key (YAML reads text that starts "
     "with '[' as a list or mapping" + QUOTE + 'content: "[Settings](https://x.example/s) page")'),
    ("bold item", BASE.replace(C, "    list:\n      - **Name**: the token name\n"),
     "g.yaml:6:10: error: invalid YAML: did not find expected alphabetic or numeric character "
     "(YAML reads text that starts with '*' as an alias" + QUOTE + '- "**Name**: the token name")'),
    ("code item", BASE.replace(C, "    list:\n      - `api_key` is shown once\n"),
     "g.yaml:6:9: error: invalid YAML: found character that cannot start any token (YAML text "
     "cannot start with '`'" + QUOTE + '- "`api_key` is shown once")'),
    ("half quoted", BASE.replace(C, "    list:\n      - \"Copy the key\" from the page\n"),
     "g.yaml:6:24: error: invalid YAML: did not find expected '-' indicator (the quotes end "
     "before the text does" + QUOTE + "- '\"Copy the key\" from the page')"),
    ("colon item", BASE.replace(C, "    list:\n      - Name: the token name\n"),
     "g.yaml:6:9: error: sections[0].list[0] is read as a mapping with the key 'Name', because "
     "of the ': ' after it (YAML reads ': ' in text as a key and its value" + QUOTE +
     '- "Name: the token name")'),
    ("colon title", BASE.replace("title: Make a token", "title: Step: one"),
     "g.yaml:4:16: error: invalid YAML: mapping values are not allowed in this context (YAML "
     "reads ': ' in text as a key and its value" + QUOTE + '- title: "Step: one")'),
    ("block indicator", BASE.replace("Tokens act for one user.", "> Note: a quote"),
     "g.yaml:5:16: error: invalid YAML: did not find expected comment or line break ('>' starts "
     "a block of text on the next line, not on its own" + QUOTE + 'content: "> Note: a quote")'),
    ("at sign", BASE.replace("Tokens act for one user.", "@admin only"),
     "g.yaml:5:14: error: invalid YAML: found character that cannot start any token (YAML text "
     "cannot start with '@'" + QUOTE + 'content: "@admin only")'),
    ("undefined alias", BASE.replace(C, "    steps:\n      - *step\n"),
     "g.yaml:6:9: error: invalid YAML: found undefined alias '*step' (define the anchor "
     "'&step' before it, or, if it is text, put the whole text in quotes)"),
    ("control character", BASE.replace("one user.", "one\x0buser."),
     "g.yaml:5:32: error: the file contains the control character U+000B, which YAML does not "
     "allow (remove the control character; Word's manual line break is one)"),
    ("null optional key", BASE + "warning: null\n",
     "g.yaml:6:10: error: warning must be text, not nothing (null) (remove the key, or write "
     "its text)"),
    ("null auth slug", BASE.replace("{label: Personal Access Token}", "{label: PAT, slug: ~}"),
     "g.yaml:2:26: error: auth.slug must be text, not nothing (null) (remove the key, or write "
     "its text)"),
    ("empty list", BASE + "    steps:\n",
     "g.yaml:6:11: error: sections[0].steps must be a list, not nothing (null) (remove the key, "
     "or add items)"),
    ("empty required list", BASE.replace(BASE[BASE.index("  - title"):], ""),
     "g.yaml:3:10: error: sections must be a list, not nothing (null) (add items)"),
    ("date", BASE.replace("title: Make a token", "title: 2024-01-01"),
     "g.yaml:4:12: error: sections[0].title must be text, not a date (2024-01-01) (quote the "
     "value)"),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in MISREAD],
                         ids=[c[0] for c in MISREAD])
def test_yaml_mistakes_get_their_fix(text: str, expected: str) -> None:
    assert problems(text) == [expected]


def test_a_problem_inside_text_points_at_its_line() -> None:
    """Lines of a `|` block map to the file's lines, also when the `|` stands on the line after
    its key; a text on its own line (a field's description) is found at that line."""
    text = BASE.replace(C, "    content: |\n      Line one.\n      line2 {{ brand.nope }}\n"
                        "  - title: Two\n    content:\n      |\n        One.\n"
                        "        {% for x in brand %}{{ x }}{% endfor %}\n"
                        "  - title: Three\n    content: |\n      One.\n      Two.\n"
                        "      See [x](javascript:alert(1)).\n"
                        "  - title: Four\n    content: |\n      One.\n      Name {{ brand.name\n")
    text += "fields:\n  - label: Key\n    description: \"In {{ brand.naem }}\"\n"
    found = [p.split(": error: ")[0] + " " + p.split(": error: ")[1][:22] for p in problems(text)]
    assert sorted(found) == sorted([
        "g.yaml:7:1 unknown brand key 'bra",
        "g.yaml:12:1 bad placeholder in tex",
        "g.yaml:17:1 unsafe link target 'ja",
        "g.yaml:21:1 bad placeholder in tex",
        "g.yaml:24:5 unknown brand key 'bra"])


def test_the_schema_takes_numbers_where_the_loader_does() -> None:
    """`name: 1.10` loads as the text '1.10': the JSON Schema editors use must not flag it."""
    from guidebook.schema import json_schema

    [guide] = load_text(BASE.replace("name: Harvest", "name: 1.10").replace(
        "Personal Access Token", "2.0"), "g.yaml")
    assert (guide.connector.name, guide.auth_label) == ("1.10", "2.0")
    props = json_schema()["properties"]
    assert props["connector"]["properties"]["name"]["type"] == ["string", "number"]
    assert props["auth"]["properties"]["label"]["type"] == ["string", "number"]
