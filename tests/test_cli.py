"""The `guidebook` console script, run for real in a subprocess."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import HARVEST, ROOT, write_project

BIN = Path(sys.executable).parent / "guidebook"
BAD = Path("tests/fixtures/bad")
GUIDES = ROOT / "guides"
EXAMPLE_GUIDES = sorted(p for p in GUIDES.rglob("*.yaml")
                        if not p.name.endswith((".connector.s1.yaml", ".s1.partial.yaml")))


def run(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    command = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "guidebook.cli"]
    full_env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", **(env or {})}
    result = subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True,
                            env=full_env, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr
    return result


@pytest.fixture
def bad_config(tmp_path: Path) -> Path:
    """A mkdocs.yml whose brand has only name and hub (so messages do not depend on ROOT's)."""
    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: t\nplugins:\n  - guidebook:\n      brand: {name: Acme, hub: "
                    "Acme Hub}\n", encoding="utf-8")
    return path


# -- validate ------------------------------------------------------------------------------------

BAD_GUIDES: dict[str, list[str]] = {
    "bad-connector-key.yaml": [
        "2:8: error: connector.key 'Tiny Task' is not valid (use lowercase letters, digits, "
        "'_' and '-' only, e.g. 'harvest' or 'gong_crm')"],
    "bad-kind.yaml": [
        "4:7: error: kind must be one of link-account, connector-profile, not 'admin-setup'"],
    "display-scopes-unscoped.yaml": [
        "12:9: error: step 'Tick the permissions' has display_scopes but no action declares "
        "scopes (add scopes to the actions, or remove display_scopes)"],
    "duplicate-action.yaml": [
        "10:5: error: duplicate action id 'tinytask_list_boards' (action ids must be unique; "
        "the first is at line 7)"],
    "duplicate-key.yaml": [
        "9:5: error: sections[0] has the key 'content' twice"],
    "empty-section.yaml": [
        "9:5: error: section 'Nothing here yet' is empty (give it content, a list or steps, "
        "or remove it)"],
    "empty.yaml": [
        "1:1: error: the file is empty (start from `guidebook new`, or delete the file)"],
    "image-outside-docs.yaml": [
        "12:13: error: image src '../secrets/settings.png' is not allowed (use a path inside "
        "the docs folder (no '..', no leading '/') or an https URL)"],
    "invalid-yaml.yaml": [
        "8:1: error: invalid YAML: found a tab character that violates indentation "
        "(indent with spaces, not tabs)"],
    "missing-auth.yaml": [
        "1:1: error: guide is missing the required key 'auth' (add 'auth:')"],
    "no-sections.yaml": [
        "6:1: error: the guide has no sections (add at least one section with content, "
        "a list or steps)"],
    "not-utf8.yaml": [
        "3:13: error: the file is not valid UTF-8 (save it as UTF-8)"],
    "undeclared-scope.yaml": [
        "17:9: error: step 'Allow card changes' uses the scope 'cards:write', which no action "
        "declares (declare it in the scopes of an action under 'actions:')"],
    "unknown-brand-key.yaml": [
        "8:5: error: unknown brand key 'brand.portal' (known keys: brand.hub, brand.name; "
        "or add it to the brand option)"],
    "unknown-key.yaml": [
        "6:1: error: unknown key 'sectons' in guide (did you mean 'sections'?)"],
    "unquoted-boolean.yaml": [
        "5:10: error: auth.label must be text, not a boolean (yes) (quote the value)"],
    "unsafe-link.yaml": [
        "8:5: error: unsafe link target 'javascript:alert(1)' (links may use https, http, "
        "mailto or tel, or point at a page of the site)"],
    "wrong-type.yaml": [
        "6:11: error: optional must be true or false, not the text 'maybe'",
        "8:3: error: sections must be a list, not a mapping (start each item on its own line "
        "with '- ')"],
    "tinytask.connector.s1.yaml": [
        "13:13: error: unknown key 'sectons' in guides.config (did you mean 'sections'?)"],
}


def test_every_bad_fixture_is_in_the_table() -> None:
    assert sorted(p.name for p in (ROOT / BAD).iterdir()) == sorted(BAD_GUIDES)


@pytest.mark.parametrize("name", sorted(BAD_GUIDES))
def test_validate_bad_guide(name: str, bad_config: Path) -> None:
    result = run("-f", str(bad_config), "validate", str(BAD / name))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    expected = BAD_GUIDES[name]
    problem_lines = lines[:-1]
    assert len(problem_lines) == len(expected), result.stdout
    for line, want in zip(problem_lines, expected, strict=True):
        prefix = f"{BAD / name}:"
        assert line.startswith(prefix)
        # An exact line, except that a hint may follow where the table ends at the message.
        rest = line.removeprefix(prefix)
        assert rest == want or (rest.startswith(want + " (") and not want.endswith(")")), line
    n = len(expected)
    assert lines[-1] == (f"{n} error{'s' if n > 1 else ''} in 1 file (1 file checked)")


def test_validate_default_reads_mkdocs_yml() -> None:
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    n = len([p for p in GUIDES.rglob("*.yaml") if not p.name.endswith(".s1.partial.yaml")])
    assert result.stdout.splitlines() == [f"12 guides in {n} files: no problems"]


def test_validate_folder_reports_all_files(tmp_path: Path) -> None:
    guides = tmp_path / "guides"
    shutil.copytree(ROOT / BAD, guides / "bad")
    shutil.copy(GUIDES / "calendly" / "personal-access-token.yaml", guides / "ok.yaml")
    config = write_project(tmp_path, {})
    result = run("-f", str(config), "validate", cwd=tmp_path)
    assert result.returncode == 1
    expected = sum(len(v) for v in BAD_GUIDES.values())
    lines = result.stdout.splitlines()
    assert len(lines) == expected + 1
    files = [line.split(":")[0] for line in lines[:-1]]
    assert files == sorted(files) and set(files) == {f"guides/bad/{n}" for n in BAD_GUIDES}
    assert lines[-1] == (f"{expected} errors in {len(BAD_GUIDES)} files "
                         f"({len(BAD_GUIDES) + 1} files checked)")


def test_validate_json(bad_config: Path) -> None:
    result = run("-f", str(bad_config), "validate", "--format", "json",
                 str(BAD / "wrong-type.yaml"), str(GUIDES / "okta"))
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["errors"] == 2 and data["files"] == 2 and data["guides"] == 1
    assert data["problems"][0] == {
        "file": str(BAD / "wrong-type.yaml"), "line": 6, "col": 11, "severity": "error",
        "message": "optional must be true or false, not the text 'maybe'", "hint": None}


def test_validate_github_annotations(bad_config: Path) -> None:
    result = run("-f", str(bad_config), "validate", "--format", "github",
                 str(BAD / "unknown-key.yaml"))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"::error file={BAD}/unknown-key.yaml,line=6,col=1::unknown key 'sectons' in guide "
        "(did you mean 'sections'?)"]
    assert "1 error in 1 file" in result.stderr


def test_validate_checks_both_brands(tmp_path: Path) -> None:
    guide = HARVEST.replace("Save it", '"Ask {{ brand.support }}"')
    config = write_project(tmp_path, {"harvest/pat.yaml": guide}, plugin={
        "brand": {"name": "Acme", "hub": "Acme Hub", "support": "Acme support"},
        "whitelabel_brand": {"name": "Partner", "hub": "Partner Hub"}})
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown brand key 'brand.support'" in result.stdout
    assert config.is_file()


def test_validate_tolerates_mkdocs_tags(tmp_path: Path) -> None:
    (tmp_path / "guides" / "harvest").mkdir(parents=True)
    (tmp_path / "guides" / "harvest" / "pat.yaml").write_text(
        HARVEST.replace("Save it", '"Ask {{ brand.support }}"'), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: !ENV [SITE_NAME, 'Guides']\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "plugins:\n"
        "  - search\n"
        "  - guidebook:\n"
        "      brand:\n"
        "        name: Acme\n"
        "        hub: Acme Hub\n"
        "        support: !ENV [SUPPORT_NAME, 'the help desk']\n", encoding="utf-8")
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "1 guide in 1 file: no problems\n"


def test_validate_missing_path() -> None:
    result = run("validate", "no/such/guide.yaml")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "no/such/guide.yaml:1:1: error: no such file or folder"


def test_validate_a_file_checks_images_and_links(tmp_path: Path) -> None:
    """A guide named on the command line gets the image and link checks of its folder."""
    guide = HARVEST.replace("      - title: Make the token\n",
                            "      - title: Make the token\n        images:\n"
                            "          - {src: images/harvest/missing.png, alt: The page}\n")
    guide = guide.replace("Tokens act for one Harvest user.",
                          "Tokens act for one Harvest user ([more](../nowhere/)).")
    config = write_project(tmp_path, {"harvest/pat.yaml": guide})
    expected = ["guides/harvest/pat.yaml:6:5: error: link '../nowhere/' matches no page",
                "guides/harvest/pat.yaml:12:13: error: image 'images/harvest/missing.png' does "
                "not exist in the docs folder"]
    for target in ("guides", "guides/harvest/pat.yaml"):
        result = run("-f", str(config), "validate", target, cwd=tmp_path)
        assert result.returncode == 1, result.stdout
        lines = result.stdout.splitlines()
        assert len(lines) == 3 and all(line.startswith(start)
                                       for line, start in zip(lines, expected, strict=False))


CONNECTOR_REPO = ROOT.parent / "shared" / "reference" / "connector-repo"


@pytest.mark.skipif(not CONNECTOR_REPO.is_dir(), reason="reference connector repo absent")
def test_validate_a_partial_through_its_connector_file(tmp_path: Path,
                                                       bad_config: Path) -> None:
    """A partial named on the command line (the pre-commit hook names changed files) is
    checked as part of the connector file that refers to it, never as a guide."""
    repo = tmp_path / "repo"
    shutil.copytree(CONNECTOR_REPO, repo)
    folder = repo / "timberline"
    partial = folder / "timberline.employees.s1.partial.yaml"
    args = ("-f", str(bad_config), "validate")
    ok = run(*args, str(partial), str(folder / "timberline.timeoff.s1.partial.yaml"),
             str(folder / "timberline.connector.s1.yaml"), cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.endswith("in 3 files: no problems\n")
    text = partial.read_text(encoding="utf-8")
    partial.write_text(text.replace("- actionId: get_employee", "- actionId: list_employees"),
                       encoding="utf-8")
    bad = run(*args, str(partial), cwd=tmp_path)
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[0].startswith(
        "repo/timberline/timberline.employees.s1.partial.yaml:17:3: error: duplicate actionId "
        "'list_employees'")
    orphan = folder / "timberline.orphan.s1.partial.yaml"
    orphan.write_text(text, encoding="utf-8")
    note = run(*args, str(orphan), cwd=tmp_path)
    assert note.returncode == 0
    assert note.stdout.splitlines()[0] == (
        "repo/timberline/timberline.orphan.s1.partial.yaml:1:1: warning: a partial, which no "
        "connector file beside it refers to: not checked (add '$ref: timberline.orphan' to the "
        "actions of its connector file, or delete it)")


def test_validate_does_not_read_a_fifo(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST})
    (tmp_path / "guides/z").mkdir()
    os.mkfifo(tmp_path / "guides/z/pipe.yaml")
    for target in ("guides", "guides/z/pipe.yaml"):
        result = run("-f", str(config), "validate", target, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stdout.startswith("guides/z/pipe.yaml:1:1: error: not a regular file ("), \
            result.stdout


def test_validate_against_nothing_to_compare_fails(tmp_path: Path) -> None:
    """--against a file, folder or URL with no guide URLs is no check at all: it fails."""
    import http.server
    import threading

    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST})
    (tmp_path / "llms.txt").write_text("# Site\n\n- [Home](https://x.test/)\n", encoding="utf-8")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/llms.txt"
        for against in ("mkdocs.yml", "llms.txt", "docs", "", url):
            result = run("-f", str(config), "validate", "--against", against, cwd=tmp_path)
            assert result.returncode == 2, (against, result.stdout)
            assert f"--against: found no guide URLs in {against!r}; give the site folder of a " \
                   f"previous build, its llms.txt file" in result.stderr
    finally:
        server.shutdown()
        server.server_close()


def test_bad_mkdocs_yml_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text("plugins: [\n", encoding="utf-8")
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("guidebook: error: mkdocs.yml:2:1: invalid YAML: expected the node "
                             "content, but found '<stream end>'\n")
    (tmp_path / "mkdocs.yml").write_bytes(b"site_name: \xff\n")
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("guidebook: error: mkdocs.yml: cannot read it:")
    assert len(result.stderr.splitlines()) == 1


# -- new -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "path"), [
    (["harvest", "Personal Access Token", "--name", "Harvest"],
     "guides/harvest/personal-access-token.yaml"),
    (["zoho-crm", "OAuth 2.0", "--kind", "connector-profile"],
     "guides/zoho-crm/oauth-2-0.connector-profile.yaml"),
    (["odd", "Key: #1 'quoted'", "--name", "Odd: Co {tricky}"], "guides/odd/key-1-quoted.yaml"),
])
def test_new_writes_a_valid_guide(tmp_path: Path, args: list[str], path: str) -> None:
    write_project(tmp_path, {})
    (tmp_path / "guides" / "guide.schema.json").write_text(run("schema").stdout)
    result = run("new", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"wrote {path}\n"
    text = (tmp_path / path).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../guide.schema.json\n")
    assert text.count("\n#") >= 3  # commented
    data = yaml.safe_load(text)
    assert data["connector"]["key"] == args[0]
    assert data["auth"]["label"] == args[1]
    if "--name" in args:
        assert data["connector"]["name"] == args[args.index("--name") + 1]
    assert data.get("kind", "link-account") == ("connector-profile" if "--kind" in args
                                                 else "link-account")
    checked = run("validate", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout == "1 guide in 1 file: no problems\n"
    jsonschema.validate(data, json.loads(run("schema").stdout))
    again = run("new", *args, cwd=tmp_path)
    assert again.returncode == 1
    assert again.stderr == f"guidebook: error: {path} already exists; edit it, or remove it first\n"
    assert (tmp_path / path).read_text(encoding="utf-8") == text


def test_new_names_a_connector_as_its_guides_do(tmp_path: Path) -> None:
    """A new guide of a connector the guides name already takes that name (the skeleton
    validates: one connector has one name in all its files)."""
    write_project(tmp_path, {"harvest/pat.yaml": HARVEST.replace("name: Harvest",
                                                                 "name: Harvest Time")})
    result = run("new", "harvest", "OAuth", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = yaml.safe_load((tmp_path / "guides/harvest/oauth.yaml").read_text(encoding="utf-8"))
    assert data["connector"]["name"] == "Harvest Time"
    checked = run("validate", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_new_rejects_a_bad_key(tmp_path: Path) -> None:
    result = run("new", "Harvest App", "API Key", "--dir", "g", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("guidebook: error: the connector key 'Harvest App' is not "
                                    "valid (use lowercase letters")
    assert not (tmp_path / "g").exists()


# -- schema --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> dict:
    result = run("schema")
    assert result.returncode == 0
    return json.loads(result.stdout)


def test_schema_is_sorted_and_committed(schema: dict) -> None:
    text = run("schema").stdout
    assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    committed = (GUIDES / "guide.schema.json").read_text(encoding="utf-8")
    assert committed == text, "guides/guide.schema.json is stale: guidebook schema > it"
    jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", EXAMPLE_GUIDES, ids=lambda p: p.parent.name)
def test_schema_accepts_example_guide(schema: dict, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../guide.schema.json\n")
    jsonschema.validate(yaml.safe_load(text), schema)


@pytest.mark.parametrize("name", ["unknown-key.yaml", "bad-kind.yaml", "wrong-type.yaml",
                                  "missing-auth.yaml", "bad-connector-key.yaml",
                                  "unquoted-boolean.yaml"])
def test_schema_rejects_broken_guide(schema: dict, name: str) -> None:
    data = yaml.safe_load((ROOT / BAD / name).read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


# -- render --------------------------------------------------------------------------------------


def test_render_check_and_write(tmp_path: Path) -> None:
    pytest.importorskip("guidebook.exports")
    out = tmp_path / "md"
    missing = run("render", "--out", str(out), "--check")
    assert missing.returncode == 1
    assert any(line.endswith("personal-access-token.md: missing")
               for line in missing.stdout.splitlines())

    wrote = run("render", "--out", str(out))
    assert wrote.returncode == 0, wrote.stdout + wrote.stderr
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert len(files) == 13 and files[0] == ".guidebook-render"  # the list of what it wrote
    assert "connectors/slack/guides/link-account/oauth-2-0.md" in files
    listed = (out / ".guidebook-render").read_text(encoding="utf-8").splitlines()
    assert [line for line in listed if not line.startswith("#")] == files[1:]
    assert wrote.stdout == f"wrote 12 files to {out}\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp dir left

    ok = run("render", "--out", str(out), "--check")
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout == f"12 files in {out} up to date\n"

    page = out / "connectors/okta/guides/link-account/api-token.md"
    page.write_text(page.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    (out / "connectors/slack/guides/link-account/oauth-2-0.md").unlink()
    stale = run("render", "--out", str(out), "--check")
    assert stale.returncode == 1
    assert stale.stdout.splitlines() == [
        f"{out}/connectors/okta/guides/link-account/api-token.md: out of date",
        f"{out}/connectors/slack/guides/link-account/oauth-2-0.md: missing",
        f"2 files stale; run `guidebook render --out {out}`",
    ]
    assert run("render", "--out", str(out)).returncode == 0
    assert run("render", "--out", str(out), "--check").returncode == 0


def test_render_removes_what_an_earlier_render_wrote(tmp_path: Path) -> None:
    """A guide deleted since the last render: --check calls its export extra and render
    removes it, by the list of the files the last render wrote; the hint repeats the check's
    command (its -f and flags, quoted) without --check."""
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST,
                                      "tally/key.yaml": HARVEST.replace("harvest", "tally")})
    config = config.rename(tmp_path / "my docs.yml")
    out = tmp_path / "ex"
    args = ("-f", config.name, "render", "--out", "ex", "--format", "plain")
    assert run(*args, cwd=tmp_path).returncode == 0
    gone = out / "connectors/tally/guides/link-account/personal-access-token.md"
    assert gone.is_file()
    shutil.rmtree(tmp_path / "guides/tally")
    stale = run(*args, "--check", "--no-whitelabel", cwd=tmp_path)
    assert stale.returncode == 1
    assert stale.stdout.splitlines() == [
        "ex/.guidebook-render: out of date",
        "ex/connectors/tally/guides/link-account/personal-access-token.md: extra (no guide "
        "renders it)",
        "2 files stale; run `guidebook -f 'my docs.yml' render --out ex --format plain "
        "--no-whitelabel`",
    ]
    assert run(*args, "--no-whitelabel", cwd=tmp_path).returncode == 0
    assert not gone.exists() and not gone.parent.parent.parent.exists()
    assert run(*args, "--check", cwd=tmp_path).returncode == 0


@pytest.mark.parametrize(("mine", "shown", "fmt"), [
    ("connectors/NOTES.md", "connectors/NOTES.md", "plain"),  # shaped as an export
    ("overview/index.md", "overview/index.md", "pages"),  # (relative to docs/connectors)
    ("connectors/empty/", "connectors/empty/ (an empty folder)", "plain"),
    ("connectors/link -> ..", "connectors/link (a link)", "plain"),
    ("harvest/link -> ../..", "harvest/link (a link)", "pages"),
])
def test_render_leaves_what_it_did_not_write(tmp_path: Path, mine: str, shown: str,
                                             fmt: str) -> None:
    """Only the files of the last render's list (or of this one) are render's: a file shaped
    as an export, a folder or a link that it did not write stops it, and --check too."""
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST})
    out = tmp_path / ("docs/connectors" if fmt == "pages" else "ex")
    args = ("-f", str(config), "render", "--out", str(out), "--format", fmt)
    assert run(*args, cwd=tmp_path).returncode == 0
    path, _, link = mine.partition(" -> ")
    (out / path).parent.mkdir(parents=True, exist_ok=True)
    if link:
        (out / path).symlink_to(link)
    elif path.endswith("/"):
        (out / path).mkdir()
    else:
        (out / path).write_text("mine", encoding="utf-8")

    def tree() -> list[str]:
        return sorted(f"{p.relative_to(out).as_posix()}{'/' if p.is_dir() else ''}"
                      for p in out.rglob("*"))

    before = tree()
    for check in ([], ["--check"]):
        result = run(*args, *check, cwd=tmp_path)
        assert result.returncode == 1
        assert f"holds files render did not write (e.g. {shown})" in result.stderr
        assert tree() == before
    if not link and not path.endswith("/"):
        assert (out / path).read_text(encoding="utf-8") == "mine"


def test_render_writes_through_a_linked_folder(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST})
    (tmp_path / "real-exports").mkdir()
    (tmp_path / "exports").symlink_to("real-exports")
    for _ in range(2):
        result = run("-f", str(config), "render", "--out", "exports", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "wrote 1 file to exports\n"
        assert (tmp_path / "exports").is_symlink()
        assert (tmp_path / "real-exports/connectors/harvest/guides/link-account/"
                           "personal-access-token.md").is_file()
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "docs", "exports", "guides", "mkdocs.yml", "real-exports"]


def test_render_check_writes_nothing_into_the_site(tmp_path: Path) -> None:
    """--check with --site is refused before anything is written."""
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST})
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<html></html>", encoding="utf-8")
    result = run("-f", str(config), "render", "--format", "pages", "--out", "docs/connectors",
                 "--site", "site", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert "--check compares the --out folder and writes nothing" in result.stderr
    assert [p.name for p in (tmp_path / "site").iterdir()] == ["index.html"]
    assert not (tmp_path / "docs/connectors").exists()


@pytest.mark.parametrize("out", ["afile", "afile/exports"])
def test_render_out_in_a_file(tmp_path: Path, out: str) -> None:
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST})
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = run("-f", str(config), "render", "--out", out, cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert "afile" in result.stderr and "unexpected" not in result.stderr
    assert (tmp_path / "afile").read_text(encoding="utf-8") == ""


def test_render_whitelabel_and_plain_differ(tmp_path: Path) -> None:
    pytest.importorskip("guidebook.exports")
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST}, plugin={
        "whitelabel_brand": {"name": "Partner", "hub": "Partner Hub"}})
    outputs = {}
    for flags in ([], ["--whitelabel"], ["--format", "plain"]):
        out = tmp_path / ("out" + "".join(flags))
        result = run("-f", str(config), "render", "--out", str(out), *flags, cwd=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr
        outputs[tuple(flags)] = (out / "connectors/harvest/guides/link-account/"
                                 "personal-access-token.md").read_text(encoding="utf-8")
        check = run("-f", str(config), "render", "--out", str(out), "--check", *flags,
                    cwd=tmp_path)
        assert check.returncode == 0, check.stdout
    assert "Acme" in outputs[()] and "Acme" not in outputs[("--whitelabel",)]
    assert "Partner" in outputs[("--whitelabel",)]
    assert outputs[()] != outputs[("--format", "plain")]


@pytest.mark.parametrize(("folder", "mine", "fmt"), [
    ("site", "keep.html", "stackone"),
    ("docs", "index.md", "stackone"),  # a hand-written page is no export: it was deleted
    ("docs", "connectors/notes.txt", "plain"),
    ("docs/connectors", "overview.md", "pages"),
])
def test_render_refuses_a_foreign_folder(tmp_path: Path, folder: str, mine: str,
                                         fmt: str) -> None:
    """render replaces only files shaped as its own (a removed guide's export); the folder
    is left alone when it holds anything else, and --check says the same."""
    out = tmp_path / folder
    (out / mine).parent.mkdir(parents=True)
    (out / mine).write_text("mine", encoding="utf-8")
    for check in ([], ["--check"]):
        result = run("render", "--out", str(out), "--format", fmt, *check)
        assert result.returncode == 1
        assert f"holds files render did not write (e.g. {mine})" in result.stderr
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) \
            == [mine]
        assert (out / mine).read_text(encoding="utf-8") == "mine"


def test_render_refuses_bad_guides(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"a/bad.yaml": (ROOT / BAD / "bad-kind.yaml").read_text()})
    result = run("-f", str(config), "render", "--out", "md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith("guides/a/bad.yaml:4:7: error: kind must")
    assert not (tmp_path / "md").exists()


# -- general -------------------------------------------------------------------------------------


def test_version_and_help() -> None:
    version = run("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("guidebook ")
    for command in ([], ["validate"], ["new"], ["render"], ["import"], ["schema"],
                    ["check-whitelabel"]):
        result = run(*command, "--help")
        assert result.returncode == 0, command
        assert result.stdout.startswith("Usage: guidebook")


def test_usage_error_exit_code() -> None:
    result = run("render")
    assert result.returncode == 2
    assert "Missing option '--out'" in result.stderr


def test_bad_option_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - guidebook:\n      max_guide_bytes: lots\n", encoding="utf-8")
    result = run("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("guidebook: error: mkdocs.yml: max_guide_bytes 'lots' is not a "
                             "number of bytes (use 1 or more, or leave it out for the "
                             "default)\n")


def test_unexpected_error_is_one_line(monkeypatch, capsys) -> None:
    from guidebook import cli

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire\nsecond line")

    monkeypatch.setattr(cli, "load_site", boom)
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as exc:
        cli.main(["validate"])
    assert exc.value.code == 2
    assert capsys.readouterr().err == ("guidebook: error: unexpected RuntimeError: disk on fire "
                                       "(please report this)\n")


def test_module_entry_point() -> None:
    result = subprocess.run([sys.executable, "-m", "guidebook.cli", "--version"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout.startswith("guidebook ")


def test_render_matches_the_site_twins(tmp_path: Path) -> None:
    """`render` without MkDocs writes exactly the Markdown twins the site build serves."""
    pytest.importorskip("guidebook.exports")
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    built = subprocess.run([str(BIN.parent / "mkdocs"), "build", "--strict", "-q", "-d",
                            str(site)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    out = tmp_path / "md"
    assert run("render", "--out", str(out)).returncode == 0
    rendered = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.md"))
    assert rendered
    for rel in rendered:
        assert (out / rel).read_bytes() == (site / rel).read_bytes(), rel


# -- import --------------------------------------------------------------------------------------

MINTLIFY = ROOT.parent / "shared" / "reference" / "mintlify-guides"


@pytest.mark.skipif(not MINTLIFY.is_dir(), reason="reference guides not available")
def test_import_writes_valid_guides_and_refuses_to_overwrite(tmp_path: Path) -> None:
    sources = sorted(MINTLIFY.glob("*.mdx"))[:3]
    # the imported guides keep the source's image paths (not copied into docs/)
    config = write_project(tmp_path, {}, config={"validation": {"links": {"not_found": "ignore"}}})
    result = run("import", *map(str, sources), "--out", "guides", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    warnings = [line for line in lines[:-1] if ": warning: " in line]
    assert warnings == lines[:-1]
    for line in warnings:
        file, lineno, _ = line.split(":", 2)
        assert Path(file).name in {s.name for s in sources} and int(lineno) >= 1
    assert lines[-1] == f"imported 3 files into guides, {len(warnings)} warnings, 0 failures"
    written = sorted((tmp_path / "guides").rglob("*.yaml"))
    assert len(written) == 3
    checked = run("-f", str(config), "validate", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout

    before = {p: p.read_bytes() for p in written}
    again = run("import", str(sources[0]), "--out", "guides", cwd=tmp_path)
    assert again.returncode == 1
    assert "already exists (pass --force to overwrite it)" in again.stdout
    assert again.stdout.splitlines()[-1].endswith(", 1 failure")
    written[0].write_text("# edited\n", encoding="utf-8")
    forced = run("import", *map(str, sources), "--out", "guides", "--force", "-v",
                 cwd=tmp_path)
    assert forced.returncode == 0
    assert sum(" -> guides/" in line for line in forced.stdout.splitlines()) == 3
    assert {p: p.read_bytes() for p in written} == before


@pytest.mark.skipif(not MINTLIFY.is_dir(), reason="reference guides not available")
def test_import_where_it_cannot_write(tmp_path: Path) -> None:
    """A file where the guides folder should be stops the import up front; a folder where a
    guide should be is that guide's failure, and the others are written."""
    humaans, greenhouse = MINTLIFY / "hris-humaans.mdx", MINTLIFY / "ats-greenhouse.mdx"
    (tmp_path / "afile").write_text("", encoding="utf-8")
    result = run("import", str(humaans), "--out", "afile/g", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("guidebook: error: cannot make afile/g: afile is a file, not a "
                             "folder (choose another --out)\n")
    (tmp_path / "g2/humaans/api-key.yaml").mkdir(parents=True)
    result = run("import", str(humaans), str(greenhouse), "--out", "g2", "--force",
                 cwd=tmp_path)
    assert result.returncode == 1
    assert f"{humaans}: error: g2/humaans/api-key.yaml is a folder, not a guide file (move it " \
           "away)" in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1].endswith("1 failure")
    assert (tmp_path / "g2/greenhouse/api-key.yaml").is_file()


@pytest.mark.skipif(not MINTLIFY.is_dir(), reason="reference guides not available")
def test_import_names_a_bad_connector_key(tmp_path: Path) -> None:
    result = run("import", str(MINTLIFY / "hris-humaans.mdx"), "--out", "g",
                 "--connector-key", "Humaans HR", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ("guidebook: error: the connector key 'Humaans HR' is not valid (use "
                             "lowercase letters, digits, '_' and '-' only, e.g. 'harvest' or "
                             "'gong_crm')\n")
    assert not (tmp_path / "g").exists()
    ok = run("import", str(MINTLIFY / "hris-humaans.mdx"), "--out", "g", "--connector-key",
             "humaans_hr", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout
    assert (tmp_path / "g/humaans_hr/api-key.yaml").is_file()


def test_new_where_it_cannot_write(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("", encoding="utf-8")
    for args, message in (
            (["--dir", "afile/guides"], "cannot make afile/guides/acme: afile is a file, not a "
                                        "folder (choose another --dir)"),
            (["--dir", "g", "--name", "x" * 300], None),
    ):
        label = "API Key" if message else "x" * 300
        result = run("new", "acme", label, *args, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stderr == "guidebook: error: " + (message or (
            f"the auth label is too long to name the file after (300 characters in "
            f"'{'x' * 20}…'; at most 250)")) + "\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_markdown_export_option_is_checked_as_the_build_does(tmp_path: Path) -> None:
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST},
                           plugin={"markdown_export": "html"})
    words = "option 'markdown_export': Expected one of: ('stackone', 'plain') but received: 'html'"
    result = run("-f", str(config), "render", "--out", "md", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == f"guidebook: error: mkdocs.yml: {words}\n"
    assert not (tmp_path / "md").exists()
    built = subprocess.run([str(BIN.parent / "mkdocs"), "build", "-q"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 1 and words in built.stderr


def test_import_failure_is_counted(tmp_path: Path) -> None:
    (tmp_path / "notes.mdx").write_text("just some words\n", encoding="utf-8")
    result = run("import", "notes.mdx", "--out", "guides", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("notes.mdx:1: error: ")
    assert lines[-1] == "imported 0 files into guides, 0 warnings, 1 failure"
    assert not (tmp_path / "guides").exists()


# -- check-whitelabel ----------------------------------------------------------------------------


def test_check_whitelabel(tmp_path: Path) -> None:
    # Not "Acme": Material's own JavaScript source map contains that word.
    config = write_project(tmp_path, {"harvest/pat.yaml": HARVEST}, plugin={
        "brand": {"name": "Quillon", "hub": "Quillon Hub"},
        "whitelabel_brand": {"name": "Partner", "hub": "Partner Hub"}},
        config={"site_name": "Guides", "site_url": "https://guides.partner.test/"})
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    mkdocs = str(BIN.parent / "mkdocs")
    for name, white in (("normal", "0"), ("white", "1")):
        built = subprocess.run([mkdocs, "build", "--strict", "-q", "-d", name], cwd=tmp_path,
                               env={**env, "GUIDEBOOK_WHITELABEL": white},
                               capture_output=True, text=True)
        assert built.returncode == 0, built.stderr
    leaky = run("check-whitelabel", "normal", cwd=tmp_path)
    assert leaky.returncode == 1
    assert '"Quillon' in leaky.stdout
    clean = run("check-whitelabel", "white", cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout
    assert clean.stdout.startswith("white: no leaks")
    forbid = run("check-whitelabel", "white", "--forbid", "Partner", cwd=tmp_path)
    assert forbid.returncode == 1
    assert config.is_file()
    (tmp_path / "emptied" / ".git").mkdir(parents=True)  # a failed white-label build's folder
    (tmp_path / "emptied" / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    emptied = run("check-whitelabel", "emptied", cwd=tmp_path)
    assert emptied.returncode == 2  # not "no leaks"
    assert emptied.stdout.startswith("emptied: no files to check (build the site first")


# -- the Authoring guides page -------------------------------------------------------------------


def test_authoring_page_documents_every_option_and_subcommand() -> None:
    from mkdocs.config import base

    from guidebook.cli import cli
    from guidebook.config import GuidebookConfig

    text = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")

    def names(config_class: type, prefix: str = "") -> list[str]:
        found = []
        for name, option in config_class._schema:
            sub = getattr(option, "config_class", None)
            if isinstance(sub, type) and issubclass(sub, base.Config):
                found.extend(names(sub, f"{prefix}{name}."))  # documented as llms.enabled etc.
            else:
                found.append(prefix + name)
        return found

    options = names(GuidebookConfig)
    assert "guides_dir" in options
    missing = [o for o in options if f"`{o}`" not in text]
    assert missing == [], f"options missing from docs/authoring.md: {missing}"
    commands = sorted(cli.commands)
    assert "validate" in commands
    undocumented = [c for c in commands if f"### `guidebook {c}" not in text]
    assert undocumented == [], f"subcommands missing from docs/authoring.md: {undocumented}"
    for key in ("connector", "kind", "auth", "sections", "steps", "actions", "scopes",
                "display_scopes", "fields", "callouts", "whitelabel", "images", "optional",
                "tags", "redirect_from"):
        assert f"{key}:" in text, key


def test_failed_render_leaves_the_old_files(tmp_path: Path) -> None:
    from guidebook.cli import _replace_dir

    out = tmp_path / "md"
    _replace_dir(out, {"a.md": b"old a\n", "sub/b.md": b"old b\n"})

    class Failing(dict):
        def items(self):
            yield "a.md", b"new a\n"
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        _replace_dir(out, Failing())
    assert (out / "a.md").read_bytes() == b"old a\n"
    assert (out / "sub/b.md").read_bytes() == b"old b\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["md"]
