"""Property-based fuzzing of the loader, the checks and the renderers.

Whatever bytes a guide file holds, the pipeline (load -> check_guide -> make_page -> HTML and
Markdown renderers) ends in a valid model rendered to safe HTML, or in a `GuideError` whose
problems each carry the file, a line >= 1 and a message. Nothing else may escape.

`GUIDEBOOK_FUZZ_EXAMPLES` sets the examples per property (default 60, well under a minute in all);
`scripts/fuzz.py` runs the same properties with many more.
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import HARVEST
from guidebook.documents import load_file, load_text
from guidebook.errors import GuideError, Problem
from guidebook.render import Renderer
from guidebook.site import ConnectorEntry, GuidePage, GuideSite, Options, make_page
from guidebook.validate import check_guide
from htmlcheck import assert_safe_html, assert_safe_markdown

try:
    from guidebook.exports import Exporter
except ImportError:  # pragma: no cover - exports not there yet
    Exporter = None  # type: ignore[assignment,misc]

EXAMPLES = int(os.environ.get("GUIDEBOOK_FUZZ_EXAMPLES", "60"))
FUZZ = settings(deadline=None, max_examples=EXAMPLES, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
FILE = "guides/fuzz/guide.yaml"
BRAND = {"name": "Acme", "hub": "Acme Hub", "callback_base": "https://acme.test"}
WL_BRAND = {"name": "Northwind", "hub": "Northwind Connect", "callback_base": "https://nw.test"}
OPTIONS = (Options(guides_dir=Path("guides"), brand=BRAND),
           Options(guides_dir=Path("guides"), brand=BRAND, whitelabel=True,
                   whitelabel_brand=WL_BRAND, whitelabel_replace={"Acme": "Northwind"}))
OUTCOMES: Counter[str] = Counter()  # what the runs ended in (scripts/fuzz.py prints it)

SCOPED = """\
connector: {key: chatter, name: Chatter, category: Messaging}
auth: {label: OAuth 2.0, slug: oauth-2-0}
kind: link-account
title: Connect Chatter
description: Link a Chatter workspace.
warning: Only **admins** can do this.
callouts:
  - {type: note, text: "See [the docs](https://chatter.test/docs)."}
actions:
  - {id: chatter_list, label: List channels, scopes: ["channels:read"]}
  - {id: "chatter.send", label: Send a message, scopes: ["chat:write", "channels:read"]}
  - {id: chatter_me, label: Who am I}
sections:
  - title: Create the app
    content: Open the console.
    list: [One, {text: Two, whitelabel: hide}]
    steps:
      - title: Make it
        content: Press *Create*.
        scopes: ["chat:write"]
        images: [shots/one.png, {src: "https://chatter.test/two.png", alt: Two}]
      - title: Pick scopes
        display_scopes: true
        whitelabel: only
  - title: Scoped section
    scopes: ["channels:read"]
    content: Only for readers.
fields:
  - Client ID
  - {label: Client Secret, description: "From the *app* page.", secret: true}
optional: true
"""
CONNECTOR = """\
StackOne:
  version: 1
info: {title: Tiny Task, key: tinytask, category: Tasks}
actions:
  - {actionId: list_tasks, label: List tasks, requiredScopes: ["tasks:read"]}
authentication:
  - api_key:
      label: API Key
      configFields: [{key: token, label: API token, secret: true}]
      support:
        guides:
          config:
            sections:
              - title: Get a key
                steps: [{title: Open settings, content: Copy the key.}]
          setup:
            sections: [{title: Admin, content: Nothing to do.}]
"""
BASES = [yaml.safe_load(HARVEST), yaml.safe_load(SCOPED), yaml.safe_load(CONNECTOR)]

# -- what every outcome must look like -----------------------------------------------------------


def assert_problems(problems: list[Problem], file: str = FILE) -> None:
    assert problems, "an error without problems"
    for p in problems:
        assert isinstance(p, Problem), p
        assert p.source.file == file, p
        assert p.source.line >= 1 and p.source.col >= 1, p
        assert isinstance(p.message, str) and p.message.strip(), p
        assert str(p).startswith(f"{file}:{p.source.line}:"), p


@cache
def _renderers(index: int) -> tuple[Renderer, Any]:
    """One renderer (and exporter) per option set: building a Jinja environment is slow."""
    options = OPTIONS[index]
    site = GuideSite(options, [], [], [], [])
    exporter = Exporter(site, site_url="https://docs.test/") if Exporter else None
    return Renderer(site), exporter


def render_everything(page: GuidePage, index: int) -> None:
    """The guide, connector and index pages as HTML and as Markdown; all must be safe."""
    guide = page.guide
    entry = ConnectorEntry(guide.connector.key, guide.connector.name,
                           list(guide.connector.categories), [page])
    site = GuideSite(OPTIONS[index], [page], [entry], [], [page.file])
    renderer, exporter = _renderers(index)
    renderer.site, renderer._by_key = site, {entry.key: entry}  # reuse the compiled templates
    body, headings = renderer.guide(page, base_url="../../../../../")
    assert_safe_html(body, "guide page")
    assert len({h.id for h in headings}) == len(headings)
    assert_safe_html(renderer.connector(entry, base_url="../../")[0], "connector page")
    assert_safe_html(renderer.index(title="Connectors", base_url="../")[0], "index page")
    if exporter is not None:
        exporter.site = site
        for text in (exporter.guide(page).text, exporter.connector(entry).text,
                     exporter.index("Connectors").text):
            assert_safe_markdown(text, "Markdown export")


def run_guides(load: Any, file: str = FILE) -> str:
    """Run the whole pipeline; returns what it ended in. Anything unexpected raises."""
    try:
        guides = load()
    except GuideError as exc:
        assert_problems(exc.problems, file)
        OUTCOMES["load error"] += 1
        return "load error"
    if not guides:  # a connector file without guides: a valid connector
        OUTCOMES["no guides"] += 1
        return "no guides"
    outcome = "valid"
    for guide in guides:
        found = check_guide(guide, [BRAND, WL_BRAND])
        if found:
            assert_problems(found, file)
            outcome = "check error"
            continue
        for index, options in enumerate(OPTIONS):
            try:
                page = make_page(guide, options, file)
            except GuideError as exc:
                assert_problems(exc.problems, file)
                outcome = "page error"
                continue
            render_everything(page, index)
    OUTCOMES[outcome] += 1
    return outcome


def run_text(text: str) -> str:
    return run_guides(lambda: load_text(text, FILE))


_TMP = Path(tempfile.mkdtemp(prefix="guidebook-fuzz-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)


def run_bytes(data: bytes, max_bytes: int = 1 << 20) -> str:
    path = _TMP / "guide.yaml"
    path.write_bytes(data)
    return run_guides(lambda: load_file(path, max_bytes=max_bytes, file=FILE))


# -- strategies -----------------------------------------------------------------------------------

HOSTILE = [
    "\u202eevil\u202c", "שלום עולם", "مرحبا", "e\u0301\u0302\u0303", "😀👩‍👩‍👧🏳️‍🌈", "\x00", "a\x00b",
    "\x07\x1b[31m", "\x85\u2028\u2029", "\ufeffBOM", "\ufffd", "\t", "line\r\nbreak", "",
    "   ", "</h2><script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"\'><b x="',
    "&#x22;&quot;&amp;", "[x](javascript:alert(1))", "[x](java&#x09;script:alert(1))",
    "[x]( JaVaScRiPt:alert(1))", "![i](data:text/html;base64,PHNjcmlwdD4=)",
    "[v](vbscript:msgbox(1))", "<javascript:alert(1)>", "[r]: javascript:alert(1)\n\n[x][r]",
    "{{ brand.name }}", "{{ brand.nope }}", "{{ brand }}", "{{ ''.__class__ }}",
    "{{ brand.__class__.__init__.__globals__ }}", "{% for x in brand %}{{ x }}{% endfor %}",
    "{{", "{%", "{#", "}}", "{% raw %}{{ x }}{% endraw %}", "../../etc/passwd", "/etc/passwd",
    "C:\\Windows", "%2e%2e/", "x" * 5000, "*" * 300, "[" * 300, "> " * 100 + "deep",
    "- " * 100 + "deep", "`" * 50, "<!-- c -->", "<?php ?>", "&", "#", "*", "|a|b|\n|-|-|\n|1|2|",
    "-0", "1e999", "0x1F", "~", "null", "yes", "No", ".inf",
]
hostile_text = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from("<>&\"'`*_[](){}#!|\\/:.-\n\t \u202e\u0301😀"), max_size=30),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=4).map(" ".join),
)
keys = st.one_of(st.sampled_from(["connector", "auth", "key", "name", "label", "sections",
                                  "title", "steps", "content", "id", "scopes", "StackOne",
                                  "$schema", "<<", "info", "authentication"]),
                 st.text(max_size=10))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    hostile_text)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=4)), max_leaves=25)


def dump(data: Any, style: int) -> str:
    """YAML text of `data` in one of several styles."""
    if style == 0:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if style == 1:
        return yaml.safe_dump(data, allow_unicode=False, sort_keys=False, default_flow_style=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=True, default_style='"')


@st.composite
def mutated_guides(draw: st.DrawFn) -> Any:
    """A valid guide with a few of its nodes replaced, removed or added."""
    data = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        # walk to a random node
        parent: Any = None
        key: Any = None
        node = data
        while isinstance(node, (dict, list)) and node and draw(st.integers(0, 3)):
            parent = node
            key = draw(st.sampled_from(sorted(node, key=str) if isinstance(node, dict)
                                       else range(len(node))))
            node = node[key]
        if parent is None:
            continue
        action = draw(st.sampled_from(["replace", "delete", "add", "deep", "huge"]))
        if action == "replace":
            parent[key] = draw(values)
        elif action == "delete":
            del parent[key]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(keys)] = draw(values)
        elif action == "add":
            parent.append(draw(values))
        elif action == "deep":
            deep: Any = draw(hostile_text)
            for _ in range(draw(st.integers(10, 120))):
                deep = [deep] if draw(st.booleans()) else {"sections": deep}
            parent[key] = deep
        else:
            parent[key] = draw(st.sampled_from(["x", "é", "😀", "<b>"])) * draw(
                st.integers(1_000, 40_000))
    return data


TEXT_EDITS = [
    "\t", "\r\n", "\r", "\ufeff", "&a ", "*a", "*undefined", "<<: *a\n", "!!python/object:os.system ",
    "!!binary ", "!custom ", "---\n", "...\n", "%YAML 1.1\n", "? ", ": ", "- ", "{", "}", "[", "]",
    "'", '"', "#", "|\n", ">-\n", "\\", "\x00", "\x1b", "\u0085", "\u2028", "\ud7ff", "  ",
    "title: again\n", "key: dup\n", "connector: {key: dup, name: Dup}\n",
]


@st.composite
def edited_texts(draw: st.DrawFn) -> str:
    """YAML text of a (maybe mutated) guide with characters or lines spliced in anywhere."""
    text = dump(draw(st.one_of(st.sampled_from(BASES), mutated_guides())), draw(st.integers(0, 2)))
    if draw(st.booleans()):
        text = draw(st.sampled_from([HARVEST, SCOPED, CONNECTOR]))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.booleans()) and lines:  # repeat a line (duplicate keys, list items)
            i = draw(st.integers(0, len(lines) - 1))
            lines.insert(draw(st.integers(0, len(lines))), lines[i])
        else:
            text = "".join(lines)
            at = draw(st.integers(0, len(text)))
            text = text[:at] + draw(st.sampled_from(TEXT_EDITS)) + text[at:]
            lines = text.splitlines(keepends=True)
    text = "".join(lines)
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\n\n", " \n"])))
    return text


def alias_bomb(levels: int, width: int, where: str) -> str:
    """Billion laughs: each level repeats the one before `width` times."""
    lines = ["a0: &a0 [lol]"]
    for i in range(1, levels + 1):
        lines.append(f"a{i}: &a{i} [{', '.join(f'*a{i - 1}' for _ in range(width))}]")
    body = "\n".join("  " + ln for ln in lines)
    top = f"*a{levels}"
    if where == "sections":
        return HARVEST.split("sections:")[0] + f"bombs:\n{body}\nsections: {top}\n"
    if where == "list":
        return HARVEST.replace("list: [", f"list: [{top}, ", 1) + f"x-bomb:\n{body}\n"
    if where == "connector":
        return CONNECTOR + f"bombs:\n{body}\nmore: {top}\n"
    return f"{body.replace('  ', '', 1)}\nroot: {top}\n"


# -- properties -----------------------------------------------------------------------------------


@FUZZ
@given(values, st.integers(0, 2))
def test_arbitrary_yaml_documents(data: Any, style: int) -> None:
    run_text(dump(data, style))


@FUZZ
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    run_text(text)


@FUZZ
@given(mutated_guides(), st.integers(0, 2))
def test_mutated_guides(data: Any, style: int) -> None:
    run_text(dump(data, style))


@FUZZ
@given(edited_texts())
def test_edited_guide_texts(text: str) -> None:
    run_text(text)


@FUZZ
@given(st.sampled_from(BASES[:2]), st.lists(hostile_text, min_size=1, max_size=12), st.data())
def test_hostile_strings_in_text_fields(base: Any, strings: list[str], data: st.DataObject) -> None:
    """Hostile strings in text positions: a valid page must render without executable markup."""
    guide = copy.deepcopy(base)
    targets = [(guide, "title"), (guide, "description"), (guide, "warning"),
               (guide["connector"], "name"), (guide["auth"], "label"),
               (guide["sections"][0], "title"), (guide["sections"][0], "content"),
               (guide["sections"][0]["steps"][0], "title"),
               (guide["sections"][0]["steps"][0], "content"),
               (guide["sections"][0]["steps"][1], "title")]
    if "actions" in guide:
        targets += [(guide["actions"][0], "label"), (guide["actions"][1], "id")]
    for text in strings:
        obj, key = data.draw(st.sampled_from(targets))
        obj[key] = text
    run_text(dump(guide, data.draw(st.integers(0, 2))))


@FUZZ
@given(edited_texts(), st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(
    [b"\xff", b"\xfe", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x00",
     b"\xc0\xaf", b"\xf4\x90\x80\x80"])), max_size=3), st.sampled_from(
    [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf\xef\xbb\xbf"]))
def test_bytes_on_disk(text: str, inserts: list[tuple[int, bytes]], bom: bytes) -> None:
    """Files with BOMs and bytes that are not UTF-8 (read through load_file)."""
    data = text.encode("utf-8", "surrogatepass")
    for at, chunk in inserts:
        at = min(at, len(data))
        data = data[:at] + chunk + data[at:]
    run_bytes(bom + data)


@FUZZ
@given(st.integers(1, 12), st.integers(2, 12), st.sampled_from(["sections", "list", "connector",
                                                                "root"]))
def test_alias_bombs(levels: int, width: int, where: str) -> None:
    outcome = run_text(alias_bomb(levels, width, where))
    if width ** levels > 1_000_000 and where in ("sections", "list"):  # elsewhere: never walked
        assert outcome != "valid"


@FUZZ
@given(st.integers(1, 20_000), st.sampled_from(["[", "{a: ", "- ", "  - x:\n", "a:\n"]))
def test_deep_nesting(depth: int, opener: str) -> None:
    if opener.endswith("\n"):
        text = "".join(" " * i + opener.strip() + "\n" for i in range(min(depth, 2000)))
    else:
        text = "sections: " + opener * depth + "x"
    run_text(text)


@FUZZ
@given(st.integers(0, 4096), st.integers(1, 4096))
def test_size_limit(size: int, limit: int) -> None:
    data = HARVEST.encode() + b"#" * size
    outcome = run_bytes(data, max_bytes=limit)
    if len(data) > limit:
        assert outcome == "load error"


def test_every_outcome_was_seen() -> None:
    """The strategies reach both ends: valid guides and each kind of error."""
    run_text(SCOPED)
    run_text(CONNECTOR)
    run_text("sections: [")
    run_text(HARVEST.replace("key: harvest", "key: Bad"))
    run_text(HARVEST.replace("Create a token", "{{ brand.nope }}"))
    run_text(HARVEST.replace("Create a token", "Visit [x](javascript:alert(1))"))  # a check
    # error without the random examples' help
    assert {"valid", "load error", "check error"} <= set(OUTCOMES)
