"""Connector repositories in the real StackOne layout: partials, `$ref`, underscore keys,
connectors without guides; their reference pages, twins and llms.txt entries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from llms_txt import parse_llms_file

from conftest import REFERENCE, ROOT, build, write_project
from guidebook.connectors import read_connector
from guidebook.documents import load_document, load_text
from guidebook.errors import GuideError
from guidebook.load import compose
from guidebook.site import Options, load_site

REPO = REFERENCE / "connector-repo"
SITE_URL = "https://guides.example.test/"
GUIDEBOOK = Path(sys.executable).parent / "guidebook"

needs_reference = pytest.mark.skipif(not REPO.is_dir(), reason="../shared/reference is missing")


def _facts(folder: Path) -> dict[str, dict]:
    """What each connector file of a folder says, read with plain PyYAML (the last `$ref` of a
    mapping wins there, so partials are read by name): the facts a page must show."""
    facts: dict[str, dict] = {}
    for path in sorted(folder.rglob("*.connector.s1.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        actions = []
        for partial in sorted(path.parent.glob("*.s1.partial.yaml")):
            loaded = yaml.safe_load(partial.read_text(encoding="utf-8"))
            actions += loaded["actions"] if isinstance(loaded, dict) else loaded
        fields, links, descriptions = [], [], []
        for entry in data["authentication"]:
            for method in entry.values():
                support = method.get("support", {})
                links.append(support.get("link"))
                descriptions.append(support.get("description"))
                fields += method.get("configFields", []) + method.get("setupFields", [])
        facts[data["info"]["key"]] = {
            "name": data["info"]["title"], "description": data["info"]["description"],
            "icon": data["info"]["assets"]["icon"], "fields": fields,
            "links": [x for x in links if x], "descriptions": [x for x in descriptions if x],
            "actions": [a for a in actions if "internal" not in a["categories"]],
            "internal": [a for a in actions if "internal" in a["categories"]],
        }
    return facts


def _text(node) -> str:
    return "".join(node.get_text(" ").split())


def _first_paragraph(markdown_text: str) -> str:
    """The first paragraph without Markdown punctuation and white space (so that it compares
    with a page's text however the HTML spaces it)."""
    first = markdown_text.strip().split("\n\n")[0]
    return "".join(first.replace("`", "").replace("**", "").split())


@needs_reference
def test_reference_repository_builds_strict_with_full_connector_pages(tmp_path: Path) -> None:
    guides = tmp_path / "repo"
    shutil.copytree(REPO, guides)
    config = write_project(tmp_path, {}, plugin={"guides_dir": "repo"})
    site_dir = build(config)
    facts = _facts(guides)
    assert set(facts) == {"parcelbox", "quillmail_marketing", "timberline_hris"}
    llms = parse_llms_file((site_dir / "llms.txt").read_text(encoding="utf-8"))
    llms_urls = {link.url for links in llms.sections.values() for link in links}
    for key, fact in facts.items():
        page = site_dir / "connectors" / key / "index.html"  # the key as written
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        article = soup.select_one("article")
        text = _text(article)
        assert article.h1 is not None and "".join(fact["name"].split()) in _text(article.h1)
        icon = article.h1.find("img")
        assert icon["src"] == fact["icon"] and icon["alt"]
        assert _first_paragraph(fact["description"]) in text
        for description in fact["descriptions"]:
            assert _first_paragraph(description) in text
        hrefs = {a["href"]: a for a in article.find_all("a", href=True)}
        for link in fact["links"]:
            assert link in hrefs, link
            assert hrefs[link]["target"] == "_blank"
            assert set(hrefs[link]["rel"]) == {"noopener", "noreferrer"}
        cells = [_text(td) for td in article.select(".gb-fields td")]
        for f in fact["fields"]:
            label = "".join(f["label"].split())
            row = next(i for i in range(0, len(cells), 5) if cells[i] == label)
            required, secret, kind, described = cells[row + 1:row + 5]
            assert required == ("Required" if f["required"] else "Optional")
            assert secret == ("Secret" if f["secret"] else "No")
            assert kind.startswith(f["type"])
            for option in f.get("options", []):
                assert "".join(option["label"].split()) in kind
            assert _first_paragraph(f["description"]) in described
            if "tooltip" in f:
                assert _first_paragraph(f["tooltip"]) in described
            if "placeholder" in f:
                assert "Example:" + "".join(f["placeholder"].split()) in described
        labels = [_text(x) for x in article.select("[data-guide-action-id] .gb-action__title strong")]
        assert sorted(labels) == sorted("".join(a["label"].split()) for a in fact["actions"])
        for action in fact["internal"]:
            assert "".join(action["label"].split()) not in text
            assert action["actionId"] not in str(article)
        for action in fact["actions"]:
            assert _first_paragraph(action["description"]) in text
            for scope in action.get("scopes", action.get("requiredScopes", [])):
                item = article.select_one(f'[data-guide-action-id="{action["actionId"]}"]')
                assert scope in _text(item)
        categories = {c for a in fact["actions"] for c in a["categories"]}
        chips = {_text(c) for c in article.select(".gb-connector__categories .gb-chip")}
        assert chips == {c.upper() if len(c) <= 4 else c.capitalize() for c in categories}
        # the same facts in the Markdown twin, and the twin in llms.txt
        twin = (site_dir / "connectors" / f"{key}.md").read_text(encoding="utf-8")
        flat = "".join(twin.replace("\\", "").replace("`", "").split())
        assert f"# {fact['name']}" in twin
        for f in fact["fields"]:
            assert f"**{f['label']}**" in twin
            assert _first_paragraph(f["description"]) in flat
        for action in fact["actions"]:
            assert f"#### {action['label']}" in twin
        for action in fact["internal"]:
            assert action["label"] not in twin
        for link in fact["links"]:
            assert f"]({link})" in flat
        assert f"{SITE_URL}connectors/{key}.md" in llms_urls
    # parcelbox holds a guide: linked from its method, listed under its connector in llms.txt
    parcel = BeautifulSoup((site_dir / "connectors/parcelbox/index.html").read_text("utf-8"),
                           "html.parser")
    guide_links = [a["href"] for a in parcel.select(".gb-auth-method__links a")]
    assert "guides/link-account/api-key/" in guide_links
    assert (site_dir / "connectors/parcelbox/guides/link-account/api-key/index.html").is_file()
    # the other two hold none: no guide pages
    assert not (site_dir / "connectors/timberline_hris/guides").exists()


@needs_reference
def test_reference_repository_validates_clean() -> None:
    result = subprocess.run([str(GUIDEBOOK), "validate", str(REPO)], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("no problems"), result.stdout


CONNECTOR = """\
StackOne: 1.0.0
info:
  title: Acorn Payroll
  key: acorn_payroll
  description: Acorn runs payroll.
authentication:
  - custom:
      type: custom
      label: API Token
      support:
        link: https://acorn.example/docs/tokens
        description: Any admin can make one.
      authorization: {type: bearer, token: $.credentials.token, weird: [1, {a: b}]}
      configFields:
        - {key: token, label: API Token, type: password, required: true, secret: true}
inputs: {anything: [1, 2, {deep: {deeper: null}}]}
steps: [{stepId: x, stepFunction: {functionName: request}}]
"""


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "guides" / "acorn"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return tmp_path / "guides"


PAY = "- {actionId: list_pay_runs, label: List Pay Runs, categories: [hris], scopes: [pay.read]}\n"
EMP = ("actions:\n  - {actionId: list_people, label: List People, categories: [hris, iam]}\n"
       "  - {actionId: ping, label: Ping, categories: [internal]}\n")


def test_repeated_and_top_level_refs_all_count(tmp_path: Path) -> None:
    text = CONNECTOR + "actions:\n  $ref: acorn.pay\n  $ref: acorn.people\n$ref: acorn.extra\n"
    guides = _repo(tmp_path, {
        "acorn.connector.s1.yaml": text, "acorn.pay.s1.partial.yaml": PAY,
        "acorn.people.s1.partial.yaml": EMP,
        "acorn.extra.s1.partial.yaml": "- {actionId: sync, label: Sync, categories: [hris]}\n"})
    doc = load_document(guides / "acorn" / "acorn.connector.s1.yaml")
    assert doc.guides == []  # no guides: a connector all the same
    info = doc.connector
    assert info is not None and info.connector.key == "acorn_payroll"
    assert [a.id for a in info.actions] == ["list_pay_runs", "list_people", "sync"]
    assert info.connector.categories == ("hris", "iam")
    assert [p.name for p in doc.partials] == ["acorn.pay.s1.partial.yaml",
                                              "acorn.people.s1.partial.yaml",
                                              "acorn.extra.s1.partial.yaml"]
    site = load_site(Options(guides_dir=guides))
    assert site.problems == [] and site.warnings == []
    [entry] = site.connectors
    assert entry.categories == ["HRIS", "IAM"] and entry.guides == []
    assert [g for g, _ in entry.action_groups] == ["HRIS"]


def test_missing_partial_names_the_ref_line_and_the_file(tmp_path: Path) -> None:
    guides = _repo(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR + "actions:\n"
                              "  $ref: acorn.pay\n  $ref: acorn.gone\n",
                              "acorn.pay.s1.partial.yaml": PAY})
    site = load_site(Options(guides_dir=guides), display_root=tmp_path)
    assert [str(p) for p in site.problems] == [
        "guides/acorn/acorn.connector.s1.yaml:20:9: error: $ref 'acorn.gone': the partial "
        "guides/acorn/acorn.gone.s1.partial.yaml does not exist (create "
        "acorn.gone.s1.partial.yaml beside the connector file, or fix the name)"]
    assert site.connectors == []
    assert site.warnings == []  # (acorn.pay is referred to, by a file that did not load)


def test_a_partial_that_is_a_fifo_is_named_not_read(tmp_path: Path) -> None:
    """Reading a FIFO would wait for ever (the load would hang)."""
    guides = _repo(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR + "actions:\n"
                              "  $ref: acorn.pay\n"})
    os.mkfifo(guides / "acorn" / "acorn.pay.s1.partial.yaml")
    site = load_site(Options(guides_dir=guides), display_root=tmp_path)
    assert [str(p) for p in site.problems] == [
        "guides/acorn/acorn.connector.s1.yaml:19:9: error: $ref 'acorn.pay': the partial "
        "guides/acorn/acorn.pay.s1.partial.yaml is not a regular file (make "
        "acorn.pay.s1.partial.yaml the partial's YAML file)",
        "guides/acorn/acorn.pay.s1.partial.yaml:1:1: error: not a regular file (a guide is a "
        "YAML file: remove it, or give it a name not ending in .yaml)"]


def test_partials_of_a_connector_file_that_does_not_load_are_not_called_unreferenced(
        tmp_path: Path) -> None:
    """Its $refs are unknown: "no connector file refers to this partial ... or delete it"
    would be wrong, and bad advice. A partial of another folder is still reported."""
    guides = _repo(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR.replace(
        "  description: Acorn runs payroll.\n", "  description: [Acorn runs payroll.\n")
        + "actions:\n  $ref: acorn.pay\n", "acorn.pay.s1.partial.yaml": PAY})
    other = guides / "birch"
    other.mkdir()
    (other / "birch.people.s1.partial.yaml").write_text(EMP, encoding="utf-8")
    site = load_site(Options(guides_dir=guides), display_root=tmp_path)
    assert [p.source.file for p in site.problems] == ["guides/acorn/acorn.connector.s1.yaml"]
    assert [w.source.file for w in site.warnings] == ["guides/birch/birch.people.s1.partial.yaml"]


def test_unreferenced_partial_is_a_warning_and_never_a_guide(tmp_path: Path) -> None:
    guides = _repo(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR + "$ref: acorn.pay\n",
                              "acorn.pay.s1.partial.yaml": PAY,
                              "acorn.people.s1.partial.yaml": EMP})
    site = load_site(Options(guides_dir=guides), display_root=tmp_path)
    assert site.problems == []
    assert [str(w) for w in site.warnings] == [
        "guides/acorn/acorn.people.s1.partial.yaml:1:1: warning: no connector file refers to "
        "this partial, so its actions are not published (add '$ref: acorn.people' to the "
        "actions of its connector file, or delete it)"]
    assert site.files == ["guides/acorn/acorn.connector.s1.yaml"]


def test_duplicate_keys_other_than_ref_are_errors(tmp_path: Path) -> None:
    text = CONNECTOR.replace("  description: Acorn runs payroll.\n",
                             "  description: Acorn runs payroll.\n  description: again\n")
    with pytest.raises(GuideError) as err:
        read_connector(compose(text, "c.yaml"), "c.yaml", tmp_path)
    assert [str(p) for p in err.value.problems] == [
        "c.yaml:6:3: error: the key 'description' is written twice (the first is at line 5; "
        "remove one)"]


@pytest.mark.parametrize(("bad", "expected"), [
    ("$ref: ../etc/passwd\n", "$ref must name a partial beside the file"),
    ("actions: 7\n", "actions must be a list of actions or a mapping of '$ref's"),
    ("actions:\n  - {label: No id}\n", "the action has no actionId"),
    ("actions:\n  - {actionId: 'a b', label: X}\n", "actionId 'a b' is not valid"),
    ("actions:\n  - {actionId: a, label: A}\n  - {actionId: a, label: B}\n",
     "duplicate actionId 'a'"),
])
def test_real_mistakes_are_reported_with_their_line(tmp_path: Path, bad: str,
                                                    expected: str) -> None:
    guides = _repo(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR + bad})
    site = load_site(Options(guides_dir=guides), display_root=tmp_path)
    assert len(site.problems) == 1, site.problems
    [problem] = site.problems
    assert expected in problem.message
    assert problem.source.file == "guides/acorn/acorn.connector.s1.yaml"
    assert problem.source.line > 17  # the line of the mistake, not the file's start


def test_an_unsafe_link_in_a_vendor_text_is_a_warning_and_shown_as_text(tmp_path: Path) -> None:
    guides = _repo(tmp_path, {"acorn.connector.s1.yaml": CONNECTOR + (
        "actions:\n  - {actionId: a, label: X, description: '[x](javascript:alert(1))'}\n")})
    site = load_site(Options(guides_dir=guides), display_root=tmp_path)
    assert site.problems == []
    [warning] = site.warnings
    assert "unsafe link target" in warning.message and warning.source.line > 17
    [entry] = site.connectors
    assert entry.actions[0].description == "[x](javascript:alert(1))"  # rendered as text


def test_runtime_parts_are_never_read(tmp_path: Path) -> None:
    """authorization, inputs, steps, environments ... hold anything without a problem."""
    text = CONNECTOR.replace("steps: [", "baseUrl: {a: [b, {c: d}]}\nsteps: [") + (
        "releaseStage: {nested: [[[]]]}\ntestActions: 12\n")
    guides = _repo(tmp_path, {"acorn.connector.s1.yaml": text})
    site = load_site(Options(guides_dir=guides))
    assert site.problems == [] and [c.key for c in site.connectors] == ["acorn_payroll"]


def test_guides_of_one_connector_merge_their_categories(tmp_path: Path) -> None:
    guide = ("connector: {{key: pebble, name: Pebble, {cat}}}\nauth: {{label: {auth}}}\n"
             "sections: [{{title: Go, content: Do it.}}]\n")
    config = write_project(tmp_path, {
        "pebble/a.yaml": guide.format(cat="category: CRM", auth="API Key"),
        "pebble/b.yaml": guide.format(cat="categories: [Marketing, CRM]", auth="OAuth"),
        "other/c.yaml": guide.format(cat="category: CRM", auth="Token").replace(
            "pebble, name: Pebble", "other, name: Other")},
        plugin={"prune_nav": False})
    site_dir = build(config)
    index = BeautifulSoup((site_dir / "connectors/index.html").read_text("utf-8"), "html.parser")
    article = index.select_one("article")
    listed = {h.get_text().strip(): [a["href"] for a in h.find_next("ul").select("a[href]")]
              for h in article.find_all("h2")}
    assert any(href.startswith("pebble/") for href in listed["CRM"])
    assert any(href.startswith("pebble/") for href in listed["Marketing"])
    # the sidebar places the connector once, under its first category
    nav = BeautifulSoup((site_dir / "index.html").read_text("utf-8"), "html.parser")
    nav_links = [a["href"] for a in nav.select("nav.md-nav--primary a[href]")
                 if a["href"].rstrip("/").endswith("connectors/pebble")]
    assert len(nav_links) == 1, nav_links


def test_both_category_and_categories_is_an_error(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"p.yaml": (
        "connector: {key: p, name: P, category: A, categories: [B]}\nauth: {label: K}\n"
        "sections: [{title: Go, content: Do it.}]\n")})
    result = subprocess.run([str(GUIDEBOOK), "-f", str(config), "validate"],
                            capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1
    assert "guides/p.yaml:1:43: error: connector has both 'category' and 'categories'" \
        in result.stdout


def test_example_connector_repository_pages(tmp_path: Path) -> None:
    """The example site's real-format connectors: no guides, underscore keys, select fields,
    several categories, internal actions, a picker over the actions catalogue."""
    site_dir = tmp_path / "site"
    result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build", "--strict",
                             "-d", str(site_dir)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    facts = _facts(ROOT / "guides" / "lever") | _facts(ROOT / "guides" / "hubspot") | \
        _facts(ROOT / "guides" / "zendesk")
    for key, fact in facts.items():
        soup = BeautifulSoup((site_dir / "connectors" / key / "index.html").read_text("utf-8"),
                             "html.parser")
        article = soup.select_one("article")
        labels = [_text(x) for x in article.select(".gb-action__title strong")]
        assert sorted(labels) == sorted("".join(a["label"].split()) for a in fact["actions"])
        for action in fact["internal"]:
            assert "".join(action["label"].split()) not in _text(article)
        scoped = [a for a in fact["actions"] if a.get("scopes") or a.get("requiredScopes")]
        panel = article.select_one("[data-guides-scope-selector]")
        assert (panel is not None) == bool(scoped)
    zendesk = BeautifulSoup((site_dir / "connectors/zendesk/index.html").read_text("utf-8"),
                            "html.parser")
    assert [_text(c) for c in zendesk.select(".gb-connector__categories .gb-chip")] == \
        ["Ticketing", "IAM"]
    lever = BeautifulSoup((site_dir / "connectors/lever_ats/index.html").read_text("utf-8"),
                          "html.parser")
    region = next(tr for tr in lever.select(".gb-fields tr") if "DataRegion" in _text(tr))
    assert "select:UnitedStates,EuropeanUnion" in _text(region)
    more = lever.select_one('[data-guide-action-id="list_candidates"] details')
    assert more is not None and "archived" in _text(more)


# -- mistakes that used to hang the build or lose data without a word -------------------------

ACME = """\
StackOne: 1.0.0
info:
  title: Acme
  key: acme
  description: Acme CRM.
authentication:
  - custom:
      type: custom
      label: API Key
      support:
        guides:
          config:
            sections:
              - title: Create a key
                steps:
                  - title: Open settings
                    content: Go to Settings > API.
      configFields:
        - key: apiKey
          label: API Key
          type: password
          required: true
          secret: true
actions:
  $ref: acme.contacts
"""
CONTACTS = """\
- actionId: list_contacts
  categories: [crm]
  label: List Contacts
  description: Lists contacts.
"""


def _acme(tmp_path: Path, files: dict[str, str]) -> Path:
    """A project like a tester's: docs/index.md and the connector repository in repo/."""
    config = write_project(tmp_path, {}, plugin={"guides_dir": "repo"})
    folder = tmp_path / "repo" / "acme"
    folder.mkdir(parents=True)
    for name, text in ({"acme.connector.s1.yaml": ACME, "acme.contacts.s1.partial.yaml": CONTACTS}
                       | files).items():
        if text is not None:
            (folder / name).write_text(text, encoding="utf-8")
    return config


def _validate(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(GUIDEBOOK), "-f", str(config), "validate", *args],
                          capture_output=True, text=True, cwd=config.parent, timeout=120)


def _errors(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": error: " in line]


CIRCLE = ("error: $ref 'acme.loop' leads back to repo/acme/acme.loop.s1.partial.yaml: the "
          "partials include each other in a circle (remove this $ref: a partial cannot include "
          "itself, directly or through other partials)")


@pytest.mark.parametrize("fan_out", [3, 10])
def test_a_ref_circle_that_fans_out_is_one_error_per_ref_line(tmp_path: Path,
                                                              fan_out: int) -> None:
    """A partial that $refs itself ten times used to be followed again at every level until
    depth 8 (10^8 reads: validate and build never finished; three $refs gave 2,187 copies of
    one error). The chain of partials being expanded catches it at each $ref line, once, and
    every partial is read once per load."""
    config = _acme(tmp_path, {
        "acme.loop.s1.partial.yaml": "- $ref: acme.loop\n" * fan_out,
        "acme.contacts.s1.partial.yaml": CONTACTS + "- $ref: acme.loop\n"})
    result = _validate(config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert _errors(result) == [f"repo/acme/acme.loop.s1.partial.yaml:{line}:9: {CIRCLE}"
                               for line in range(1, fan_out + 1)]
    build_result = subprocess.run([str(Path(sys.executable).parent / "mkdocs"), "build",
                                   "--strict"], cwd=tmp_path, capture_output=True, text=True,
                                  timeout=120)
    assert build_result.returncode == 1
    assert build_result.stderr.count("leads back to") == fan_out


def test_every_partial_is_read_once_and_a_circle_through_two_is_caught(tmp_path: Path,
                                                                        monkeypatch) -> None:
    from guidebook import connectors

    config = _acme(tmp_path, {
        "acme.contacts.s1.partial.yaml": CONTACTS + "- $ref: acme.a\n",
        "acme.a.s1.partial.yaml": "- $ref: acme.b\n- $ref: acme.b\n",
        "acme.b.s1.partial.yaml": "- {actionId: b, label: B}\n- $ref: acme.a\n"})
    reads: list[str] = []
    real = connectors.read_text
    monkeypatch.setattr(connectors, "read_text",
                        lambda path, *a, **k: reads.append(path.name) or real(path, *a, **k))
    site = load_site(Options(guides_dir=tmp_path / "repo"), display_root=config.parent)
    assert sorted(reads) == ["acme.a.s1.partial.yaml", "acme.b.s1.partial.yaml",
                             "acme.contacts.s1.partial.yaml"]
    assert [str(p) for p in site.problems] == [
        "repo/acme/acme.a.s1.partial.yaml:2:9: error: $ref 'acme.b': the partial "
        "repo/acme/acme.b.s1.partial.yaml is already included (at "
        "repo/acme/acme.a.s1.partial.yaml:1:9) (remove one of the two $refs (its actions "
        "would be listed twice))",
        "repo/acme/acme.b.s1.partial.yaml:2:9: error: $ref 'acme.a' leads back to "
        "repo/acme/acme.a.s1.partial.yaml: the partials include each other in a circle "
        "(remove this $ref: a partial cannot include itself, directly or through other "
        "partials)"]


@pytest.mark.parametrize(("key", "expected"), [
    ("Config", "did you mean 'config'?"), ("conifg", "did you mean 'config'?"),
    ("setUp", "did you mean 'setup'?"),
    ("howto", "allowed keys: config (the link-account guide), setup (the connector-profile "
              "guide)")])
def test_a_misspelt_key_under_support_guides_is_an_error(tmp_path: Path, key: str,
                                                          expected: str) -> None:
    """It used to drop the guide without a word, even with --strict ("0 guides in 1 file: no
    problems")."""
    config = _acme(tmp_path, {"acme.connector.s1.yaml": ACME.replace("          config:",
                                                                      f"          {key}:")})
    result = _validate(config)
    assert result.returncode == 1, result.stdout
    assert _errors(result) == [f"repo/acme/acme.connector.s1.yaml:12:11: error: unknown key "
                               f"{key!r} in support.guides ({expected})"]


@needs_reference
def test_every_real_connector_file_uses_only_config_and_setup_under_support_guides() -> None:
    """What the check above allows is what real files write."""
    files = [*REPO.rglob("*.connector.s1.yaml"), *(REFERENCE / "connectors").glob("*.yaml")]
    found: set[str] = set()
    for path in files:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["authentication"]:
            for method in entry.values():
                found |= set(method.get("support", {}).get("guides", {}) or {})
    assert found and found <= {"config", "setup"}, found
    for path in (REFERENCE / "connectors").glob("*.yaml"):
        doc = load_document(path)
        assert doc.connector is not None and doc.guides and doc.problems == []


@pytest.mark.parametrize(("partial", "expected"), [
    ("action:\n" + "".join("  " + line + "\n" for line in CONTACTS.splitlines()),
     "1:1: error: the partial holds no actions: expected a list or an 'actions:' key (did you "
     "mean 'actions'?)"),
    ("Actions:\n" + "".join("  " + line + "\n" for line in CONTACTS.splitlines()),
     "1:1: error: the partial holds no actions: expected a list or an 'actions:' key (did you "
     "mean 'actions'?)"),
    (CONTACTS.replace("- actionId", "actionId").replace("\n  ", "\n"),
     "1:1: error: the partial holds no actions: expected a list or an 'actions:' key (it looks "
     "like a single action: write it as a list item ('- actionId: ...'))"),
    ("actions:\n  - {actionId: a, label: A}\nAction:\n  - {actionId: b, label: B}\n",
     "3:1: error: unknown key 'Action' in the partial (did you mean 'actions'?)"),
])
def test_a_partial_without_actions_is_an_error_at_the_key(tmp_path: Path, partial: str,
                                                          expected: str) -> None:
    """Actions under the wrong key, or one action written as a mapping, used to be dropped
    without a word."""
    config = _acme(tmp_path, {"acme.contacts.s1.partial.yaml": partial})
    result = _validate(config)
    assert result.returncode == 1, result.stdout
    assert _errors(result) == [f"repo/acme/acme.contacts.s1.partial.yaml:{expected}"]


def test_the_legitimate_shapes_of_a_partial_still_load(tmp_path: Path) -> None:
    """A list, a mapping with `actions:` (and other keys beside it), a mapping of `$ref`s, an
    empty file: as the reference repository and the README write them."""
    config = _acme(tmp_path, {
        "acme.contacts.s1.partial.yaml": "actions:\n  - {actionId: a, label: A}\n"
                                         "$ref: acme.more\nnotes: kept for the runtime\n",
        "acme.more.s1.partial.yaml": "$ref: acme.list\n$ref: acme.empty\n",
        "acme.list.s1.partial.yaml": "- {actionId: b, label: B}\n",
        "acme.empty.s1.partial.yaml": "# nothing yet\n"})
    site = load_site(Options(guides_dir=tmp_path / "repo"), display_root=config.parent)
    assert site.problems == [] and site.warnings == []
    assert [a.id for a in site.connectors[0].actions] == ["a", "b"]


MERGED = ACME.replace("""\
          secret: true
actions:""", """\
          secret: true
        - <<: &sandbox {label: Sandbox Key, type: password, required: true, secret: true}
          key: sandboxKey
actions:""")


@pytest.mark.parametrize(("text", "where"), [
    (MERGED, "repo/acme/acme.connector.s1.yaml:24:11"),
    (ACME.replace("  title: Acme\n", "  <<: {title: Acme}\n"),
     "repo/acme/acme.connector.s1.yaml:3:3"),
])
def test_a_yaml_merge_key_in_a_connector_file_is_an_error(tmp_path: Path, text: str,
                                                          where: str) -> None:
    """A merged field used to lose label, required, secret and type: a secret field was
    published as not secret. Merge keys are errors, as in guide files."""
    config = _acme(tmp_path, {"acme.connector.s1.yaml": text})
    result = _validate(config)
    assert result.returncode == 1, result.stdout
    assert f"{where}: error: YAML merge keys ('<<') are not supported (write the keys out)" \
        in _errors(result)


def test_a_merge_key_in_a_partial_is_an_error_and_in_runtime_parts_none(tmp_path: Path) -> None:
    runtime = ACME + "steps:\n  - &step {stepId: a}\n  - {<<: *step, stepId: b}\n"
    config = _acme(tmp_path, {"acme.connector.s1.yaml": runtime,
                              "acme.contacts.s1.partial.yaml":
                                  "- &base {actionId: a, label: A}\n- {<<: *base, actionId: b}\n"})
    result = _validate(config)
    assert _errors(result) == ["repo/acme/acme.contacts.s1.partial.yaml:2:4: error: YAML "
                               "merge keys ('<<') are not supported (write the keys out)"]


OAUTH = """\
  - oauth2:
      type: oauth2
      label: OAuth 2.0
      support:
        guides:
          config:
            sections:
              - title: Sign in
                steps:
                  - title: Click connect
                    stesp: []
actions:"""


def test_a_bad_guide_leaves_out_that_guide_alone(tmp_path: Path) -> None:
    """Without --strict, a key error in one guide used to drop the whole connector (its page,
    its other guides, its catalogue and llms.txt entries) while the warning said "the guides
    above were skipped"."""
    config = _acme(tmp_path, {"acme.connector.s1.yaml": ACME.replace("actions:", OAUTH)})
    site = load_site(Options(guides_dir=tmp_path / "repo"), display_root=config.parent)
    assert [str(p) for p in site.problems] == [
        "repo/acme/acme.connector.s1.yaml:34:21: error: unknown key 'stesp' in "
        "guides.config.sections[0].steps[0] (allowed keys: title, content, list, images, "
        "scopes, display_scopes, whitelabel)"]
    site_dir = build(config, strict=False)
    page = BeautifulSoup((site_dir / "connectors/acme/index.html").read_text("utf-8"),
                         "html.parser")
    assert [_text(a) for a in page.select("[data-guide-action-id] .gb-action__title strong")] \
        == ["ListContacts"]
    assert (site_dir / "connectors/acme/guides/link-account/api-key/index.html").is_file()
    assert not (site_dir / "connectors/acme/guides/link-account/oauth-2-0").exists()
    llms = (site_dir / "llms.txt").read_text(encoding="utf-8")
    assert "connectors/acme.md" in llms and "guides/link-account/api-key.md" in llms
    assert "oauth-2-0" not in llms
    with pytest.raises(Exception, match="Aborted"):  # (--strict: any problem stops it)
        build(config, strict=True)


def test_two_methods_with_one_label_are_told_to_differ_in_labels(tmp_path: Path) -> None:
    """Connector files have no auth.slug: the message names the labels and the other
    method's line."""
    second = OAUTH.replace("oauth2:", "oauth2_eu:").replace("stesp: []", "content: EU.")
    text = ACME.replace("actions:", OAUTH.replace("stesp: []", "content: US.")
                        .removesuffix("actions:") + second)
    config = _acme(tmp_path, {"acme.connector.s1.yaml": text})
    result = _validate(config)
    assert _errors(result) == [
        "repo/acme/acme.connector.s1.yaml:37:14: error: two authentication methods are "
        "labelled 'OAuth 2.0', so their link-account guides would share the page "
        "connectors/acme/guides/link-account/oauth-2-0/ (the other is at "
        "repo/acme/acme.connector.s1.yaml:26:14; give the methods different labels)"]


@pytest.mark.parametrize(("first", "expected"), [
    ("", "1:1: error: a connector file needs the top key `StackOne:` (add 'StackOne: 1.0.0' "
         "as its first line, or rename the file if it is a guide)"),
    ("stackone: 1.0.0\n", "1:1: error: a connector file needs the top key `StackOne:`, not "
                          "'stackone' (write it 'StackOne:' (letter case counts))"),
])
def test_a_connector_file_without_the_top_key_is_not_read_as_a_guide(tmp_path: Path,
                                                                     first: str,
                                                                     expected: str) -> None:
    config = _acme(tmp_path, {"acme.connector.s1.yaml": first + ACME.removeprefix(
        "StackOne: 1.0.0\n")})
    result = _validate(config)
    assert _errors(result) == [f"repo/acme/acme.connector.s1.yaml:{expected}"]


def test_partials_named_like_languages_are_no_translations(tmp_path: Path) -> None:
    """`acme.hr` ($ref'd) and `acme.it` are partials of resources hr and it: no "translation
    files ignored" note, and the one no connector file refers to gets the usual warning."""
    config = _acme(tmp_path, {"acme.connector.s1.yaml": ACME.replace("acme.contacts", "acme.hr"),
                              "acme.contacts.s1.partial.yaml": None,
                              "acme.hr.s1.partial.yaml": CONTACTS,
                              "acme.it.s1.partial.yaml": CONTACTS.replace("list_contacts", "a")})
    site = load_site(Options(guides_dir=tmp_path / "repo"), display_root=config.parent)
    assert site.problems == [] and site.notes == []
    assert [str(w) for w in site.warnings] == [
        "repo/acme/acme.it.s1.partial.yaml:1:1: warning: no connector file refers to this "
        "partial, so its actions are not published (add '$ref: acme.it' to the actions of its "
        "connector file, or delete it)"]
    assert [a.id for a in site.connectors[0].actions] == ["list_contacts"]
    # a real translation of a partial (three parts) is still one
    (tmp_path / "repo/acme/acme.hr.de.s1.partial.yaml").write_text(CONTACTS, encoding="utf-8")
    site = load_site(Options(guides_dir=tmp_path / "repo"), display_root=config.parent)
    assert len(site.notes) == 1 and "acme.hr.de.s1.partial.yaml" in site.notes[0]


def test_scopes_written_as_one_text_are_reported_at_their_line(tmp_path: Path) -> None:
    partial = ("- actionId: list_tickets\n  label: List Tickets\n  categories: [ticketing]\n"
               "  description: Lists tickets.\n  scopes: tickets:read tickets:write\n")
    config = _acme(tmp_path, {"acme.contacts.s1.partial.yaml": partial})
    result = _validate(config)
    assert _errors(result) == [
        "repo/acme/acme.contacts.s1.partial.yaml:5:11: error: scopes of action 'list_tickets' "
        "is one text with spaces ('tickets:read tickets:write'), not a list of scopes (write a "
        "list: scopes: [tickets:read, tickets:write])"]


GUIDED = CONNECTOR.replace("        description: Any admin can make one.\n",
                           "        description: Any admin can make one.\n"
                           "        guides:\n          config:\n            sections:\n"
                           "              - {title: Make a token, content: Open Settings.}\n")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("      support:", "      Support:", "10:7: error: unknown key 'Support' in an "
     "authentication method (did you mean 'support'?)"),
    ("        guides:", "        guide:", "13:9: error: unknown key 'guide' in support (did you "
     "mean 'guides'?)"),
    ("authentication:", "Authentication:", "6:1: error: unknown key 'Authentication' in the "
     "file (did you mean 'authentication'?)"),
    ("      label: API Token", "      Label: API Token", "9:7: error: unknown key 'Label' in an "
     "authentication method (did you mean 'label'?)"),
    ("      configFields:", "      configfields:", "18:7: error: unknown key 'configfields' in "
     "an authentication method (did you mean 'configFields'?)"),
])
def test_a_near_miss_of_a_key_the_docs_read_is_an_error(old: str, new: str,
                                                        expected: str) -> None:
    """A miscased or misspelt key on the way to a guide dropped it (or changed its URL, for
    `Label:`) without a word; the runtime's own keys, and `_` comments, are never read."""
    [guide] = load_text(GUIDED, "acorn.connector.s1.yaml")
    assert guide.url == "connectors/acorn_payroll/guides/link-account/api-token/"
    with pytest.raises(GuideError) as info:
        load_text(GUIDED.replace(old, new), "acorn.connector.s1.yaml")
    assert [str(p) for p in info.value.problems] == [f"acorn.connector.s1.yaml:{expected}"]
    runtime = GUIDED.replace("      type: custom", "      type: custom\n      _Support: x\n"
                             "      resources: [a]\n      labels: [b]")
    assert len(load_text(runtime, "acorn.connector.s1.yaml")) == 1
