"""`guidebook import`: Mintlify MDX guides and published Markdown exports to guide YAML."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup

from conftest import build
from guidebook import markdown
from guidebook.documents import load_text
from guidebook.errors import GuideError
from guidebook.importer import ImportFailure, ImportResult, import_file, import_files, import_text
from guidebook.text import expand_guide
from guidebook.validate import check_guide
from guidebook.whitelabel import select_variant

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (CI, the main checkout), or beside the folder of worktrees.
REFERENCE = next((p / "shared" / "reference" for p in Path(__file__).resolve().parents[2:4]
                  if (p / "shared" / "reference").is_dir()), ROOT.parent / "shared" / "reference")
GUIDEBOOK = Path(sys.executable).parent / "guidebook"
MINTLIFY = REFERENCE / "mintlify-guides"
EXPORT = REFERENCE / "stackone-harvest-personal-access-token.md"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
BRANDS = [{"name": "Acme", "hub": "Acme Hub"}]

MINTLIFY_FILES = sorted(MINTLIFY.glob("*.mdx")) if MINTLIFY.is_dir() else []
needs_reference = pytest.mark.skipif(not MINTLIFY.is_dir(), reason="reference guides absent")


# ---- helpers


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of needle."""
    index = text.index(needle)
    return text.count("\n", 0, index) + 1


def warning_lines(result: ImportResult, fragment: str) -> list[int]:
    return [w.line for w in result.warnings if fragment in w.message]


def guide_of(result: ImportResult) -> dict[str, Any]:
    """The imported guide as data, after checking that it loads and validates."""
    guides = load_text(result.yaml_text, result.guide_path)
    problems = check_guide(guides[0], BRANDS)
    if problems:
        raise GuideError(problems)
    data = yaml.safe_load(result.yaml_text)
    assert isinstance(data, dict)
    return data


def unbrand(text: str) -> str:
    return text.replace("{{ brand.hub }}", "StackOne Hub").replace("{{ brand.name }}", "StackOne")


def normal(text: str) -> str:
    return " ".join(unbrand(text).split())


def hub_ranges(result: ImportResult) -> list[tuple[int, int]]:
    """Line ranges of the hub sections the importer reported as replaced or dropped."""
    ranges = []
    for w in result.warnings:
        m = re.search(r"hub section .*\(lines? (\d+)(?:-(\d+))?\) (replaced|dropped)",
                      w.message)
        if m:
            ranges.append((int(m.group(1)), int(m.group(2) or m.group(1))))
    return ranges


def outside(line: int, ranges: list[tuple[int, int]]) -> bool:
    return not any(a <= line <= b for a, b in ranges)


def source_step_titles(text: str) -> list[tuple[int, str]]:
    return [(text.count("\n", 0, m.start()) + 1, m.group(1))
            for m in re.finditer(r"<Step\s+title=\"([^\"]*)\"", text)]


_IMAGE_REF = re.compile(r"<img\b[^>]*?\bsrc=[\"']([^\"']+)|!\[[^\]]*\]\(([^)\s]+)")


def image_refs(text: str) -> list[tuple[int, str]]:
    """(line, src) of every <img src> and Markdown image, leading '/' removed."""
    return [(text.count("\n", 0, m.start()) + 1, (m.group(1) or m.group(2)).lstrip("/"))
            for m in _IMAGE_REF.finditer(text)]


def guide_step_titles(guide: dict[str, Any]) -> list[str]:
    return [unbrand(s["title"]) for sec in guide["sections"] for s in sec.get("steps", [])]


def guide_texts(guide: dict[str, Any]) -> list[str]:
    """Every text of the guide in the order the page shows it (images as their src)."""
    out: list[str] = []
    if "warning" in guide:
        out.append(guide["warning"])
    out.extend(c["text"] for c in guide.get("callouts", []))
    for section in guide["sections"]:
        out.append(section["title"])
        out.append(section.get("content", ""))
        out.extend(section.get("list", []))
        for step in section.get("steps", []):
            out.append(step["title"])
            out.append(step.get("content", ""))
            out.extend(step.get("list", []))
            out.extend(f"![]({i['src']})" for i in step.get("images", []))
    return out


def guide_images(guide: dict[str, Any]) -> list[str]:
    return [src for text in guide_texts(guide) for _, src in image_refs(text)]


# ---- the reference guides


@needs_reference
@pytest.mark.parametrize("path", MINTLIFY_FILES, ids=lambda p: p.stem)
def test_reference_guide_imports(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = import_file(path)
    guide = guide_of(result)
    hubs = hub_ranges(result)

    assert result.yaml_text.startswith(f"# Imported from {path.name} by guidebook import\n")
    assert result.guide_path == f"{guide['connector']['key']}/" + (
        re.sub(r"[^a-z0-9]+", "-", guide["auth"]["label"].lower()).strip("-") + ".yaml")
    # Every step title, in order, except those of the hub sections the importer reported.
    expected = [title for line, title in source_step_titles(text) if outside(line, hubs)]
    assert expected, "the reference guide has steps"
    assert guide_step_titles(guide) == expected
    # The warning at the top.
    top = re.search(r"<Warning>(.*?)</Warning>", text.split("\n## ")[0], re.S)
    assert top is not None
    assert normal(guide["warning"]) == normal(top.group(1))
    # Every image reference, in order (those of reported hub sections aside).
    assert guide_images(guide) == [src for line, src in image_refs(text) if outside(line, hubs)]
    # No JSX expression leaks (verbatim blocks included), no step markup is left, and
    # "StackOne" only survives inside URLs.
    assert "style=" not in result.yaml_text and "<Step" not in result.yaml_text
    assert not re.search(r"(?<![./])StackOne", result.yaml_text.split("\n", 1)[1])
    assert all(w.file and w.line >= 1 for w in result.warnings)


@needs_reference
def test_reference_guides_infer_names_and_labels() -> None:
    found = {p.stem: import_file(p) for p in MINTLIFY_FILES}
    hibob = yaml.safe_load(found["hris-hibob-service-user"].yaml_text)
    assert hibob["connector"] == {"key": "hibob", "name": "Hibob", "category": "HRIS"}
    assert hibob["auth"] == {"label": "Service User"}
    assert not warning_lines(found["hris-hibob-service-user"], "auth label guessed")
    assert found["accounting-xero"].guide_path == "xero/oauth-2-0.yaml"
    assert found["crm-salesforce"].guide_path == "salesforce/oauth-2-0.yaml"
    assert found["ats-greenhouse"].guide_path == "greenhouse/api-key.yaml"
    assert warning_lines(found["accounting-xero"], "auth label guessed") == [2]
    workday = yaml.safe_load(found["hris-workday"].yaml_text)
    assert [f if isinstance(f, str) else f["label"] for f in workday["fields"]] == [
        "Web Service Endpoint", "Workday Tenant Domain", "Tenant",
        "Integration System Username", "Integration System User Password"]


@pytest.mark.skipif(not EXPORT.is_file(), reason="reference export absent")
def test_export_round_trip() -> None:
    text = EXPORT.read_text(encoding="utf-8")
    result = import_file(EXPORT)
    guide = guide_of(result)

    assert guide["connector"] == {"key": "harvest", "name": "Harvest"}
    assert guide["auth"] == {"label": "Personal Access Token"}
    assert result.guide_path == "harvest/personal-access-token.yaml"
    assert guide_step_titles(guide) == [
        "Sign in to the Harvest Developers portal",
        "Create a new token",
        "Choose the Harvest account",
        "Copy the API Token and Account ID",
    ]
    assert guide["fields"] == ["Personal Access Token", "Account ID", "User-Agent"]
    (section,) = guide["sections"]
    assert section["title"] == "Generate a Personal Access Token"
    assert section["content"] == (
        "Personal Access Tokens authenticate a single Harvest user for API access.")
    first, second = section["steps"][:2]
    assert first["content"] == (
        "Open the [Harvest Developers portal](https://id.getharvest.com/developers).")
    assert second["list"] == [
        "Enter a recognisable **Name** for the token (e.g., `{{ brand.name }} Integration`).",
        "Click **Create personal access token**.",
    ]
    assert "{{ brand.hub }}" in section["steps"][3]["list"][0]
    # The index header and the default description are left out; the hub block is reported.
    assert "Documentation Index" not in result.yaml_text and "description" not in guide
    assert warning_lines(result, "default description") == [line_of(text, "> Link a Harvest")]
    assert warning_lines(result, "hub section") == [line_of(text, "<h2>Linking the Account")]


# ---- fixtures written for the importer


@pytest.fixture(scope="module")
def widgetly() -> tuple[str, ImportResult, dict[str, Any]]:
    path = FIXTURES / "widgetly.mdx"
    result = import_file(path)
    return path.read_text(encoding="utf-8"), result, guide_of(result)


@pytest.mark.parametrize(
    ("needle", "fragment"),
    [
        ("sidebarTitle", "frontmatter key 'sidebarTitle' ignored"),
        ("import { Banner }", "MDX import statement dropped"),
        ("{/* TODO", "comment kept as a YAML comment"),
        ("- `projects:read`", "nested list kept as a Markdown list"),
        ("<Tabs>", "<Tabs> has no equivalent"),
        ("| Plan |", "table kept as a Markdown table"),
        ("<!-- numbers", "comment kept as a YAML comment"),
        ("<CardGroup", "<CardGroup> has no equivalent"),
        ("javascript:", "link to javascript: URL dropped"),
        ("## Linking your account", "hub section 'Linking your account in the StackOne Hub'"),
        ('<Step title="Generate the key">', "its images are shown after the step text"),
    ],
)
def test_fixture_warnings_point_at_their_lines(
    widgetly: tuple[str, ImportResult, dict[str, Any]], needle: str, fragment: str
) -> None:
    text, result, _ = widgetly
    assert line_of(text, needle) in warning_lines(result, fragment)


def test_fixture_keeps_unmappable_content(
    widgetly: tuple[str, ImportResult, dict[str, Any]],
) -> None:
    _, result, guide = widgetly
    by_title = {s["title"]: s for s in guide["sections"]}
    limits = by_title["Limits"]["content"]
    assert "| Team | 600                 |" in limits
    related = by_title["Related guides"]["content"]
    assert '<Card title="SSO" href="/widgetly/sso">Sign in with your identity provider.</Card>' \
        in related
    assert "cols=" not in related
    steps = {s["title"]: s for s in by_title["Create an API key"]["steps"]}
    assert '<Tab title="EU">Use `eu.widgetly.example`.</Tab>' in steps["Pick a region"]["content"]
    assert "- `projects:read`\n    - needed for the project list\n- `members:read`" in (
        steps["Generate the key"]["content"])
    # Comments survive as YAML comments, with their lines.
    assert "# line 17: TODO: add the sandbox variant" in result.yaml_text
    assert "# line 52: numbers from the 2024 pricing page" in result.yaml_text


def test_fixture_maps_callouts_images_and_fields(
    widgetly: tuple[str, ImportResult, dict[str, Any]],
) -> None:
    guide = widgetly[2]
    assert guide["warning"] == "You need the Owner role in Widgetly to create keys."
    assert guide["callouts"] == [{"type": "tip",
                                  "text": "Keys can be rotated at any time without downtime."}]
    assert guide["description"] == "Read-only access to Widgetly projects for reporting dashboards."
    steps = guide["sections"][0]["steps"]
    # An <img> outside a Frame, with a JSX style, and a Markdown image outside a Frame.
    assert steps[0]["images"] == [{"src": "images/widgetly/settings.png",
                                   "alt": "Developer settings"}]
    assert steps[0]["content"] == "In Widgetly, open **Settings** and choose **Developer**."
    assert steps[1]["images"] == [{"src": "images/widgetly/key-form.png", "alt": "Key form"}]
    assert steps[1]["content"].startswith("Click `New key`, name it after {{ '{{' }} project }}")
    assert steps[1]["content"].endswith("> **Note:** The key is shown once.")
    # An image at section level stays a Markdown image where it was.
    related = guide["sections"][-1]["content"]
    assert "![Overview diagram](/images/widgetly/overview.png)" in related
    assert related.endswith("Read the security notes before sharing keys with {{ brand.name }}.")
    assert guide["fields"] == [
        {"label": "API Key", "description": "the key from the steps above"},
        {"label": "Region", "description": "`eu` or `us`"},
    ]


def test_subheadings_continued_sections_and_accordions() -> None:
    path = FIXTURES / "parcelbox.mdx"
    text = path.read_text(encoding="utf-8")
    result = import_file(path)
    guide = guide_of(result)

    assert guide["connector"] == {"key": "parcelbox", "name": "Parcelbox"}
    assert guide["auth"] == {"label": "OAuth 2.0"}
    assert not warning_lines(result, "auth label guessed")
    titles = [s["title"] for s in guide["sections"]]
    assert titles == ["Before you start", "Register the app", "Register the app (continued)",
                      "Troubleshooting"]
    assert "### Check your role\n\nOpen **Profile** to see your role." in (
        guide["sections"][0]["content"])
    assert [s["title"] for s in guide["sections"][1]["steps"]] == ["Open the app directory",
                                                                   "Register"]
    assert guide["sections"][2]["content"] == "> **Info:** Registration takes effect immediately."
    assert warning_lines(result, "content after the steps") == [line_of(text, "<Info>")]
    trouble = guide["sections"][3]["content"]
    assert '<Accordion title="The app is missing">' in trouble
    assert trouble.endswith("![Error banner](/images/parcelbox/error.png)")
    assert warning_lines(result, "<AccordionGroup>") == [line_of(text, "<AccordionGroup>")]


def test_export_scopes_become_actions() -> None:
    path = FIXTURES / "trellis-export.md"
    text = path.read_text(encoding="utf-8")
    result = import_file(path)
    guide = guide_of(result)

    assert guide["connector"]["name"] == "Trellis" and guide["auth"]["label"] == "OAuth 2.0"
    assert guide["description"] == "Connect a Trellis workspace to read boards and write cards."
    assert guide["actions"] == [
        {"id": "trellis_list_boards", "label": "List Boards", "scopes": ["boards:read"]},
        {"id": "trellis_create_card", "label": "Create Card", "scopes": ["cards:write"]},
        {"id": "imported_scopes", "label": "Imported scopes", "scopes": ["audit:read"]},
    ]
    assert warning_lines(result, "no action declares the scopes audit:read") == [
        line_of(text, '<h2>Audit access')]
    create, audit = guide["sections"]
    assert create["scopes"] == ["boards:read", "cards:write"]
    first, second = create["steps"]
    assert first == {
        "title": "Open the admin portal",
        "content": "Visit [the admin portal](https://trellis.example/admin) and choose *Apps*.",
        "scopes": ["boards:read"],
        "display_scopes": True,
    }
    assert second["content"] == "Tick **Write cards**, then copy the `client_id`."
    assert "display_scopes" not in second
    assert audit == {"title": "Audit access", "content": "Only needed for audit exports.",
                     "scopes": ["audit:read"]}
    assert guide["fields"] == ["Client ID", "Client Secret"]


# Imported guides keep the source's image paths and its links to other pages of the source
# site; neither the images nor those pages are part of an import, so the check that they exist
# (validation.links.not_found) is off for these builds.
KEEP_SOURCE_PATHS = {"validation": {"links": {"not_found": "ignore"}}}


def test_imported_guides_build_strict(project) -> None:
    sources = [*MINTLIFY_FILES, *sorted(FIXTURES.iterdir())]
    if EXPORT.is_file():
        sources.append(EXPORT)
    results = [import_file(path) for path in sources]
    site = build(project({r.guide_path: r.yaml_text for r in results}, config=KEEP_SOURCE_PATHS))
    for r in results:
        key, rest = r.guide_path.split("/", 1)
        page = site / "connectors" / key / "guides" / "link-account" / rest.removesuffix(".yaml")
        html = (page / "index.html").read_text(encoding="utf-8")
        assert "StackOne" not in html.replace("stackone.com", "")
        assert "{{ brand" not in html and "{{ '" not in html


# ---- flags, failures and small cases


def test_flags_override_what_is_inferred() -> None:
    result = import_file(FIXTURES / "widgetly.mdx", connector_key="widgetly-eu",
                         connector_name="Widgetly EU", auth_label="Personal Access Token",
                         kind="connector-profile")
    guide = guide_of(result)
    assert guide["connector"] == {"key": "widgetly-eu", "name": "Widgetly EU"}
    assert guide["kind"] == "connector-profile"
    assert guide["auth"] == {"label": "Personal Access Token"}
    assert result.guide_path == "widgetly-eu/personal-access-token.connector-profile.yaml"
    assert not warning_lines(result, "auth label guessed")


def test_missing_title_fails_unless_a_name_is_given() -> None:
    text = "Some words first.\n\n## Get a key\n\nCopy the API key from settings.\n"
    with pytest.raises(ImportFailure) as info:
        import_text(text, "untitled.mdx")
    assert (info.value.file, info.value.line) == ("untitled.mdx", 1)
    assert "connector name" in info.value.message
    result = import_text(text, "untitled.mdx", connector_name="Kiwi")
    guide = guide_of(result)
    assert guide["auth"] == {"label": "API Key"}
    assert warning_lines(result, "auth label guessed")
    assert guide["sections"][0] == {"title": "Before you begin", "content": "Some words first."}


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('---\ntitle: Kiwi\n---\n\n## A\n\n<Steps>\n  <Step title="x">\n    y\n  </Step>\n', 7,
         "<Steps> is never closed"),
        ("---\ntitle: [Kiwi\n---\n", 2, "frontmatter is not valid YAML"),
        ("---\ntitle: Kiwi\n", 1, "frontmatter is not closed"),
        ("---\ntitle: Kiwi\n---\n\n", 1, "nothing to import"),
    ],
)
def test_failures_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ImportFailure) as info:
        import_text(text, "kiwi.mdx")
    assert info.value.line == line
    assert fragment in info.value.message
    assert str(info.value).startswith(f"kiwi.mdx:{line}: ")
    assert "\n" not in str(info.value)  # one line (the YAML error's was five, with a caret)


KIWI_HUB = """\
---
title: Kiwi - API Key
---

## Get a key

Copy the key from **Settings**.

## Connect Kiwi in the StackOne Hub

Open the hub, choose Kiwi and paste the key you copied.

<Steps>
  <Step title="Choose Kiwi">
    Pick **Kiwi** from the list of providers.
  </Step>
  <Step title="Connect">
    Press **Connect**.
  </Step>
</Steps>

## Troubleshooting

If the key is refused, make a new one.
"""


def test_hub_section_without_fields_keeps_its_prose_with_a_warning() -> None:
    result = import_text(KIWI_HUB, "kiwi.mdx")
    guide = guide_of(result)
    titles = [s["title"] for s in guide["sections"]]
    assert titles == ["Get a key", "Connect Kiwi in the {{ brand.hub }}", "Troubleshooting"]
    hub = guide["sections"][1]
    assert hub["content"] == "Open the hub, choose Kiwi and paste the key you copied."
    assert [s["title"] for s in hub["steps"]] == ["Choose Kiwi", "Connect"]
    assert hub["steps"][0]["content"] == "Pick **Kiwi** from the list of providers."
    # Hidden in white-label builds, like the hub block the generator renders.
    assert hub["whitelabel"] == "hide"
    assert all("whitelabel" not in s for s in hub["steps"])
    assert "whitelabel" not in guide["sections"][2] and "fields" not in guide
    (warning,) = [w for w in result.warnings if "hub section" in w.message]
    start = line_of(KIWI_HUB, "## Connect Kiwi")
    assert warning.line == start
    assert f"(lines {start}-{line_of(KIWI_HUB, '</Steps>')}) kept as a section" in warning.message
    assert "add `fields:` by hand" in warning.message
    # The model agrees: the normal variant shows the section, the white-label one drops it.
    (model,) = load_text(result.yaml_text, result.guide_path)
    assert [s.title for s in select_variant(model, whitelabel=False).sections] == titles
    assert [s.title for s in select_variant(model, whitelabel=True).sections] == [
        "Get a key", "Troubleshooting"]


def test_hub_section_with_fields_or_from_an_export_is_still_replaced() -> None:
    with_fields = KIWI_HUB.replace("paste the key you copied.",
                                   "enter the `API Key` and the `Region`.")
    result = import_text(with_fields, "kiwi.mdx")
    guide = guide_of(result)
    assert [s["title"] for s in guide["sections"]] == ["Get a key", "Troubleshooting"]
    assert guide["fields"] == ["API Key", "Region"]
    assert warning_lines(result, "replaced by the generated hub block; fields taken from it: "
                                 "API Key, Region") == [line_of(with_fields, "## Connect")]
    # A published export's hub block is the generator's own: dropped even without fields.
    export = ("# Connect Kiwi with API Key – Hub\n\n<section data-guide-section>\n"
              "<h2>Get a key</h2>\n<p>Copy it.</p>\n</section>\n\n"
              "<div data-whitelabel-hide>\n<h2>Linking the Account from the Hub</h2>\n"
              "<p>Press Connect.</p>\n</div>\n")
    result = import_text(export, "kiwi.md")
    assert [s["title"] for s in guide_of(result)["sections"]] == ["Get a key"]
    assert warning_lines(result, "dropped: the generator renders its own hub block") == [
        line_of(export, "<h2>Linking")]


def test_lists_become_list_only_when_nothing_follows_them() -> None:
    text = ("---\ntitle: Kiwi - API Key\n---\n\n## Only a list\n\nPick:\n\n- one\n- two\n\n"
            "## List then prose\n\n- three\n- four\n\nDone.\n\n"
            "## Ordered\n\n1. first\n2. second\n")
    guide = guide_of(import_text(text, "kiwi.mdx"))
    only, then, ordered = guide["sections"]
    assert only == {"title": "Only a list", "content": "Pick:", "list": ["one", "two"]}
    assert then == {"title": "List then prose", "content": "- three\n- four\n\nDone."}
    assert ordered == {"title": "Ordered", "content": "1. first\n2. second"}


def test_inline_html_and_literal_braces() -> None:
    text = ("---\ntitle: Kiwi - API Key\n---\n\n## Keys\n\n"
            "Press <kbd>Save</kbd>, see <a href=\"https://kiwi.example\">the docs</a> and "
            "<s>old</s> {% raw %} text.\n\n"
            "<table>\n<tr><th>Plan</th><th>Limit</th></tr>\n"
            "<tr><td><b>Free</b></td><td>60 | min</td></tr>\n</table>\n")
    result = import_text(text, "kiwi.mdx")
    guide = guide_of(result)
    content = guide["sections"][0]["content"]
    assert content.startswith(
        "Press `Save`, see [the docs](https://kiwi.example) and ~~old~~ {{ '{%' }} raw %} text.")
    assert content.endswith("| Plan | Limit |\n| --- | --- |\n| **Free** | 60 \\| min |")
    assert warning_lines(result, "HTML table kept as a Markdown table") == [9]


# ---- fixes: hub headings, code, comments, autolinks, fences, hub leftovers, lost details


def kiwi(body: str) -> str:
    return "---\ntitle: Kiwi - API Key\n---\n\n" + body


def html_of(markdown_text: str) -> BeautifulSoup:
    """Guide Markdown as the page renders it, parsed."""
    return BeautifulSoup(markdown.block(markdown_text), "html.parser")


@pytest.mark.parametrize("title", [
    "Linking your Account", "Link your account to StackOne", "Connect in StackOne",
    "Connecting with StackOne Hub", "Use the API Key in the StackOne Hub",
    "Linking Braze to StackOne", "Linking the Account from the Hub",
])
def test_only_sections_about_linking_the_account_are_the_hub_section(title: str) -> None:
    text = kiwi("## Allowlist StackOne IP addresses\n\nAdd these to your firewall:\n\n"
                "- **US:** 34.1.2.3\n- **EU:** 35.4.5.6\n\n"
                "## Find your Hub ID\n\nYour Hub ID is shown in the top right corner.\n\n"
                f"## {title}\n\nEnter the `API Key` and the `Region`.\n")
    result = import_text(text, "kiwi.mdx")
    guide = guide_of(result)
    # Headings that merely name the brand are ordinary sections, branded as usual.
    assert guide["sections"] == [
        {"title": "Allowlist {{ brand.name }} IP addresses",
         "content": "Add these to your firewall:", "list": ["**US:** 34.1.2.3", "**EU:** 35.4.5.6"]},
        {"title": "Find your Hub ID", "content": "Your Hub ID is shown in the top right corner."},
    ]
    assert guide["fields"] == ["API Key", "Region"]
    assert warning_lines(result, "hub section") == [line_of(text, f"## {title}")]


def test_code_is_kept_as_written() -> None:
    code = ('from stackone import StackOne\nclient = StackOne(api_key="...")\n'
            "# header: X-StackOne-Account: {{ id }}")
    text = kiwi(f"## Call the API\n\nUse StackOne from Python:\n\n```python\n{code}\n```\n\n"
                "~~~\nStackOne Hub\n~~~\n")
    result = import_text(text, "kiwi.mdx")
    content = guide_of(result)["sections"][0]["content"]
    assert content.startswith("Use {{ brand.name }} from Python:")
    (model,) = load_text(result.yaml_text, result.guide_path)
    page = html_of(expand_guide(model, BRANDS[0]).sections[0].content)
    assert [c.get_text() for c in page.find_all("code")] == [code + "\n", "StackOne Hub\n"]
    assert page.find("p").get_text() == "Use Acme from Python:"
    # The brand in code reaches white-label builds: the author is told.
    assert warning_lines(result, "code block names StackOne") == [
        line_of(text, "```python"), line_of(text, "~~~")]


def test_inline_mdx_comments_are_taken_out_like_whole_line_ones() -> None:
    text = kiwi("## Keys\n\nIntro with a {/* hidden */} comment, `{/* code */}` kept.\n\n"
                "{/* whole line */}\n\n- An item {/* note\n  on two lines */} here\n")
    result = import_text(text, "kiwi.mdx")
    section = guide_of(result)["sections"][0]
    assert section["content"] == "Intro with a comment, `{/* code */}` kept."
    assert section["list"] == ["An item here"]
    assert result.comments == [(line_of(text, "Intro"), "hidden"),
                               (line_of(text, "{/* whole"), "whole line"),
                               (line_of(text, "{/* note"), "note\non two lines")]
    assert "# line 7: hidden\n" in result.yaml_text


def test_autolinks_and_destinations_in_angle_brackets_stay_links() -> None:
    text = kiwi("## Keys\n\nOpen settings at <https://acme.example/settings>.\n"
                "<mailto:help@acme.example> or <help@acme.example> help.\n\n"
                "![Spaced](<images/my shot.png>)\n\n"
                "<Steps>\n  <Step title=\"Open it\">\n    See <https://acme.example/a>.\n\n"
                "    ![Shot](<images/kiwi/my shot.png>)\n  </Step>\n</Steps>\n")
    result = import_text(text, "kiwi.mdx")
    section = guide_of(result)["sections"][0]
    page = html_of(section["content"])
    assert [a["href"] for a in page.find_all("a")] == [
        "https://acme.example/settings", "mailto:help@acme.example", "mailto:help@acme.example"]
    assert [(img["src"], img["alt"]) for img in page.find_all("img")] == [
        ("/images/my%20shot.png", "Spaced")]
    (step,) = section["steps"]
    assert html_of(step["content"]).find("a")["href"] == "https://acme.example/a"
    assert step["images"] == [{"src": "images/kiwi/my shot.png", "alt": "Shot"}]
    assert not [w for w in result.warnings if "HTML" in w.message]


def test_a_fence_closes_only_on_a_fence_as_long() -> None:
    inner = "```bash\necho inside\n```\nstill code"
    text = kiwi(f"## Keys\n\n````md\n{inner}\n````\n\nAfter.\n")
    content = guide_of(import_text(text, "kiwi.mdx"))["sections"][0]["content"]
    page = html_of(content)
    assert page.find("code").get_text() == inner + "\n"
    assert page.find("code")["class"] == ["language-md"]
    assert page.find("p").get_text() == "After."
    # A published twin's <pre> holds such a line as text: it imports, in a fence long enough.
    twin = ("# Connect Kiwi with API Key – Hub\n\n<section data-guide-section>\n"
            "  <h2>Keys</h2>\n\n  <pre><code class=\"language-md\">```bash\n"
            "echo inside\n```\nstill code\n</code></pre>\n</section>\n")
    content = guide_of(import_text(twin, "kiwi.md"))["sections"][0]["content"]
    code = html_of(content).find("code")
    assert (code.get_text(), code["class"]) == (inner + "\n", ["language-md"])


def test_hub_section_keeps_what_the_hub_block_does_not_replace() -> None:
    text = kiwi("## Get a key\n\nCopy it.\n\n## Linking your Account\n\n"
                "Enter the following details:\n\n- **API Key**\n- **Region**: where it lives\n\n"
                "<Steps>\n  <Step title=\"Connect\">\n    Press it.\n"
                "    <Note>It takes a minute.</Note>\n  </Step>\n</Steps>\n\n"
                "<Card title=\"Useful Links\" href=\"https://doc.kiwi.example\">\n"
                "  https://doc.kiwi.example\n</Card>\n\n<Warning>Keep the key secret.</Warning>\n")
    result = import_text(text, "kiwi.mdx")
    guide = guide_of(result)
    assert guide["fields"] == ["API Key", {"label": "Region", "description": "where it lives"}]
    assert len(guide["sections"]) == 2
    assert guide["sections"][0] == {"title": "Get a key", "content": "Copy it."}
    kept = guide["sections"][1]
    assert (kept["title"], kept["whitelabel"]) == ("Linking your Account", "hide")
    assert "steps" not in kept and "list" not in kept
    page = html_of(kept["content"])
    assert page.find("blockquote").get_text(" ", strip=True) == "Warning: Keep the key secret."
    assert page.find("p").get_text().split() == [
        "<Card", 'title="Useful', 'Links"', 'href="https://doc.kiwi.example">',
        "https://doc.kiwi.example", "</Card>"]
    card, warning, note = (line_of(text, "<Card"), line_of(text, "<Warning>"),
                           line_of(text, "<Note>"))
    (message,) = [w.message for w in result.warnings if "hub section" in w.message]
    assert message.endswith(f"kept from it, as a section hidden in white-label builds: <Card> "
                            f"(line {card}), warning callout (line {warning}); dropped with its "
                            f"steps: note callout (line {note})")
    assert warning_lines(result, "<Card> has no equivalent") == [card]


def test_image_titles_relative_paths_and_callout_titles() -> None:
    text = kiwi("<Note title=\"Heads up\">\n  You need admin rights.\n</Note>\n\n"
                "## Keys\n\nSee ![Form](./images/form.png \"The form\") here, and "
                "<img src=\"shots/a.png\" alt=\"A\" title=\"Shot A\" /> too.\n\n"
                "<Steps>\n  <Step title=\"Open it\">\n"
                "    ![Form](./images/kiwi/form.png \"The form\")\n"
                "    ![Up](../images/kiwi/up.png)\n  </Step>\n</Steps>\n\n"
                "<Tip title=\"Pro tip\">\n  Use a service account.\n</Tip>\n")
    result = import_text(text, "kiwi.mdx")
    guide = guide_of(result)
    # A callout's title leads its text (callouts have no title key).
    assert guide["callouts"] == [{"type": "note", "text": "**Heads up**\n\nYou need admin rights."}]
    keys, after = guide["sections"]
    # Image paths are relative to the source file, taken as the docs folder; titles are kept
    # in Markdown text.
    page = html_of(keys["content"])
    assert [(i["src"], i["alt"], i.get("title")) for i in page.find_all("img")] == [
        ("/images/form.png", "Form", "The form"), ("/shots/a.png", "A", "Shot A")]
    # A step image has no title: dropped, with a warning naming it.
    assert keys["steps"][0]["images"] == [{"src": "images/kiwi/form.png", "alt": "Form"},
                                          {"src": "images/kiwi/up.png", "alt": "Up"}]
    assert warning_lines(result, "image title 'The form' dropped") == [
        line_of(text, "    ![Form]")]
    assert warning_lines(result, "image '../images/kiwi/up.png' is outside the folder of the "
                                 "source file: written as '/images/kiwi/up.png'") == [
        line_of(text, "![Up]")]
    quote = html_of(after["content"]).find("blockquote")
    assert [p.get_text() for p in quote.find_all("p")] == ["Tip: Pro tip",
                                                          "Use a service account."]


# ---- several files: one connector per provider, one URL per guide


TIDEPOOL = """\
---
title: {title}
---

## Create an API key

<Steps>
  <Step title="Open the {area} settings">
    In Tidepool, open **Settings → {area} → API keys**.
  </Step>
  <Step title="Create the key">
    Click **New API key**, name it after the integration and copy it.
  </Step>
</Steps>
"""
TIDEPOOL_OAUTH = """\
---
title: Tidepool - OAuth 2.0
---

## Approve the app

<Steps>
  <Step title="Approve access">
    Sign in to Tidepool and approve the consent screen for the recruiting scopes.
  </Step>
</Steps>
"""
KELPIE = """\
---
title: Kelpie - API Key
---

## Get a key

Copy the key shown under **Admin → Keys**.
"""
# Source path -> (guide path, category of its own) for the files of `tidepool_sources`.
TIDEPOOL_FILES = {
    "src/crm-tidepool.mdx": ("tidepool/api-key-crm.yaml", "CRM"),
    "src/marketing-tidepool.mdx": ("tidepool/api-key-marketing.yaml", "Marketing"),
    "src/crm-tidepool-sandbox.mdx": ("tidepool/api-key-sandbox.yaml", "CRM"),
    "src/ats/tidepool.mdx": ("tidepool/oauth-2-0.yaml", "ATS"),
}


@pytest.fixture
def tidepool_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """One provider in three categories (name prefixes and a folder), once spelt differently,
    three of its guides on one URL; and another provider in one category. The test runs in
    tmp_path."""
    monkeypatch.chdir(tmp_path)
    texts = {
        "src/crm-tidepool.mdx": TIDEPOOL.format(title="Tidepool", area="CRM"),
        "src/marketing-tidepool.mdx": TIDEPOOL.format(title="TidePool", area="Campaigns"),
        "src/crm-tidepool-sandbox.mdx": TIDEPOOL.format(title="Tidepool - API Key",
                                                        area="Sandbox"),
        "src/ats/tidepool.mdx": TIDEPOOL_OAUTH,
        "src/hris-kelpie.mdx": KELPIE,
    }
    for rel, text in texts.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return list(texts)


def import_all(sources: list[str]) -> dict[str, ImportResult]:
    """import_files, by source, after checking that every file imports."""
    batch = import_files(sources)
    assert not batch.failures
    return {r.file: r for r in batch.results}


def test_one_provider_in_several_categories_is_one_connector(
    tidepool_sources: list[str],
) -> None:
    results = import_all(tidepool_sources)
    for source, (path, _) in TIDEPOOL_FILES.items():
        result = results[source]
        guide = guide_of(result)
        assert result.guide_path == path
        assert guide["connector"] == {"key": "tidepool", "name": "Tidepool",
                                      "categories": ["ATS", "CRM", "Marketing"]}
        # The model takes the first category until it holds several.
        (model,) = load_text(result.yaml_text, result.guide_path)
        assert model.connector.category == "ATS"
        others = sorted(s for s in TIDEPOOL_FILES if s != source)
        (merged,) = [w.message for w in result.warnings if "one connector" in w.message]
        assert merged.endswith(f"in {', '.join(others)}: one connector with categories: "
                               "[ATS, CRM, Marketing]")
    assert warning_lines(results["src/marketing-tidepool.mdx"], "connector 'tidepool' is "
                         "named 'TidePool' here and 'Tidepool' in src/ats/tidepool.mdx, "
                         "src/crm-tidepool-sandbox.mdx, src/crm-tidepool.mdx: written as "
                         "'Tidepool'") == [1]
    kelpie = guide_of(results["src/hris-kelpie.mdx"])
    assert kelpie["connector"] == {"key": "kelpie", "name": "Kelpie", "category": "HRIS"}
    assert not warning_lines(results["src/hris-kelpie.mdx"], "one connector")


def test_guides_on_one_url_get_distinct_slugs(tidepool_sources: list[str]) -> None:
    results = import_all(tidepool_sources)
    slugs = {s: results[s].guide_path.split("/")[1].removesuffix(".yaml")
             for s in TIDEPOOL_FILES}
    reasons = {"src/crm-tidepool.mdx": "from the category",
               "src/marketing-tidepool.mdx": "from the category",
               "src/crm-tidepool-sandbox.mdx": "from the file name"}
    for source, reason in reasons.items():
        guide = guide_of(results[source])
        # The label stays what the page says; the slug tells the guides apart.
        assert guide["auth"] == {"label": "API Key", "slug": slugs[source]}
        (note,) = [w for w in results[source].warnings if "is also the URL" in w.message]
        assert note.file == source and note.line == 1
        others = ", ".join(f"{s} ({slugs[s]!r})" for s in sorted(reasons) if s != source)
        assert note.message == (
            f"tidepool/api-key is also the URL of other guides: this guide gets the auth slug "
            f"{slugs[source]!r} ({reason}); the others get {others} (set auth.slug to choose "
            "another)")
    oauth = results["src/ats/tidepool.mdx"]
    assert guide_of(oauth)["auth"] == {"label": "OAuth 2.0"}
    assert not warning_lines(oauth, "is also the URL")
    # The same files in another order give the same guides.
    again = import_all(tidepool_sources[::-1])
    assert {r.guide_path: r.yaml_text for r in again.values()} == {
        r.guide_path: r.yaml_text for r in results.values()}


def test_slug_rules_fall_back_to_numbers(tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Same name, category and folder name: only the source path tells them apart.
    monkeypatch.chdir(tmp_path)
    for folder in ("b/crm", "a/crm"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "crm-tidepool.mdx").write_text(
            TIDEPOOL.format(title="Tidepool", area="CRM"), encoding="utf-8")
    results = import_all(["b/crm/crm-tidepool.mdx", "a/crm/crm-tidepool.mdx"])
    assert {s: r.guide_path for s, r in results.items()} == {
        "a/crm/crm-tidepool.mdx": "tidepool/api-key.yaml",
        "b/crm/crm-tidepool.mdx": "tidepool/api-key-2.yaml"}
    first = [w.message for w in results["a/crm/crm-tidepool.mdx"].warnings if "URL" in w.message]
    assert first == ["tidepool/api-key is also the URL of other guides: this guide keeps the "
                     "auth slug 'api-key'; the others get b/crm/crm-tidepool.mdx ('api-key-2')"]


def guidebook(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(GUIDEBOOK)] if GUIDEBOOK.exists() else [sys.executable, "-m", "guidebook.cli"]
    result = subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, "NO_COLOR": "1"}, timeout=300)
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_cli_imports_a_provider_in_several_categories_into_a_valid_site(
    tmp_path: Path, tidepool_sources: list[str], project,
) -> None:
    config = project({})
    imported = guidebook("import", *tidepool_sources, "--out", "guides", cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout
    assert imported.stdout.splitlines()[-1].startswith("imported 5 files into guides, ")
    for source, (path, _) in TIDEPOOL_FILES.items():
        assert (tmp_path / "guides" / path).is_file()
        assert f"{source}:1: warning: connector 'tidepool' is in" in imported.stdout
    checked = guidebook("validate", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout == "5 guides in 5 files: no problems\n"
    site = build(config)
    for path, _ in TIDEPOOL_FILES.values():
        key, slug = path.removesuffix(".yaml").split("/")
        page = site / "connectors" / key / "guides" / "link-account" / slug / "index.html"
        assert page.is_file(), page


@needs_reference
def test_reference_guides_import_and_validate_keeping_their_steps(tmp_path: Path) -> None:
    """All reference guides in one run: every guide valid, every step title kept but those of
    hub sections whose fields went into `fields:` (the generated hub block stands for them)."""
    config = {"site_name": "Imported", "theme": {"name": "material"},
                    "plugins": [{"guidebook": {"brand": BRANDS[0]}}], **KEEP_SOURCE_PATHS}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    imported = guidebook("import", *map(str, MINTLIFY_FILES), "--out", "guides", cwd=tmp_path)
    assert imported.returncode == 0, imported.stdout
    checked = guidebook("validate", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    n = len(MINTLIFY_FILES)
    assert checked.stdout == f"{n} guides in {n} files: no problems\n"
    results = import_files(MINTLIFY_FILES)
    assert len(results.results) == n
    for result in results.results:
        text = result.source.read_text(encoding="utf-8")
        written = yaml.safe_load((tmp_path / "guides" / result.guide_path).read_text())
        for w in result.warnings:
            if "hub section" in w.message and "replaced" not in w.message:
                assert "kept as a section" in w.message, w
        replaced = hub_ranges(result)  # so only those replaced by the generated hub block
        kept = [t for line, t in source_step_titles(text) if outside(line, replaced)]
        assert guide_step_titles(written) == kept, result.file
        if replaced:
            assert written["fields"], result.file
