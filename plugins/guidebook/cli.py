"""The `guidebook` command: validate, scaffold, render, import and describe guides without MkDocs.

Every subcommand is quiet on success (one summary line) and exact on failure: problems are
printed as `path:line:col: error: message (hint)`, the exit code is 1 for problems the user can
fix and 2 for anything unexpected, and no traceback is ever shown.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shlex
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, NoReturn

import click
import yaml
from rich.console import Console
from rich.text import Text

from .errors import GuideError, Problem
from .hostconfig import (
    DEFAULT_PORT,
    HOSTS,
    HostConfigError,
    host_files,
    make_server,
    written_here,
)
from .languages import split_language, strings_for
from .load import (
    CONNECTOR_SUFFIX,
    NOT_A_FILE_HINT,
    PARTIAL_SUFFIX,
    display_path,
    slugify,
)
from .model import Source
from .optioncheck import config_problems
from .pool import available_cpus
from .redirects import gone, previous_guide_urls, redirects
from .schema import KEY_HINT, KEY_RE, json_schema
from .site import GuidePage, GuideSite, Options, load_pages, load_site, translation_problems
from .validate import check_references
from .words import DEFAULT_LANGUAGE, Words, WordsError, languages, pattern_strings, shipped_language

CONFIG_FILE = "mkdocs.yml"
_TRUTHY = ("1", "true", "yes", "on")
SCHEMA_FILE = "guide.schema.json"
SCHEMA_COMMENT = "# yaml-language-server: $schema="
NAME_MAX = 255  # bytes in a file name (Linux, macOS, Windows)

out = Console(highlight=False, soft_wrap=True, emoji=False)
err = Console(highlight=False, soft_wrap=True, emoji=False, stderr=True)


class UserError(Exception):
    """A problem with the command line or the project that the user can fix (exit 1)."""


def _print(console: Console, line: str, style: str | None = None) -> None:
    console.print(Text(line, style=style or ""))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# -- mkdocs.yml --------------------------------------------------------------------------------


class _ConfigLoader(yaml.SafeLoader):
    """A SafeLoader that reads MkDocs files: `!ENV` is resolved, other unknown tags give None."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        names, default = [str(x) for x in items[:-1]], items[-1] if len(items) > 1 else None
        if len(items) == 1:
            names = [str(items[0])]
    else:
        return None
    for name in names:
        value = os.environ.get(str(name))
        if value is not None:
            return yaml.load(value, Loader=yaml.SafeLoader) if value else value
    return default


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_constructor("!ENV", _env_tag)
_ConfigLoader.add_multi_constructor("!", _unknown_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _unknown_tag)


@dataclass(frozen=True)
class Project:
    """What the CLI knows about the site: its options and the plugin's other settings."""

    config_file: Path | None
    options: Options
    whitelabel_forbid: tuple[str, ...] | None = None
    site_url: str | None = None
    templates_dir: Path | None = None
    markdown_export: str = "stackone"
    llms_enabled: bool = True
    docs_dir: Path | None = None
    use_directory_urls: bool = True
    links_not_found: str = "warn"  # mkdocs.yml's validation.links.not_found
    nav_title: str | None = None  # the plugin's nav_title (default: the message index.title)
    site_name: str | None = None
    site_description: str | None = None
    llms: Mapping[str, Any] | None = None  # the plugin's llms option, as written
    page_actions: Mapping[str, Any] | None = None  # the plugin's page_actions, as written
    agent_outputs: bool = True
    strings_option: Mapping[str, Any] = dataclasses.field(default_factory=dict)  # as written

    @property
    def root(self) -> Path:
        return self.config_file.parent if self.config_file else Path()


def _plugin_config(data: Any) -> dict[str, Any] | None:
    plugins = data.get("plugins") if isinstance(data, dict) else None
    if isinstance(plugins, dict):
        entries: Iterable[Any] = [{k: v} for k, v in plugins.items()]
    elif isinstance(plugins, list):
        entries = plugins
    else:
        return None
    for entry in entries:
        if entry == "guidebook":
            return {}
        if isinstance(entry, dict) and "guidebook" in entry:
            value = entry["guidebook"]
            return value if isinstance(value, dict) else {}
    return None


def _str_map(value: Mapping[Any, Any]) -> dict[str, str]:
    """An option's mapping (its shape checked by `config_problems`) as text to text."""
    return {str(k): str(v) for k, v in value.items()}


def _merge(base: Any, over: Any) -> Any:
    """`over` merged into `base` as MkDocs merges an INHERIT parent: mappings key by key."""
    if isinstance(base, dict) and isinstance(over, dict):
        return {**base, **{k: _merge(base.get(k), v) for k, v in over.items()}}
    return over


def _read_config(path: Path, seen: tuple[Path, ...] = ()) -> Any:
    """A mkdocs.yml's data, merged into the file it inherits from (INHERIT), as MkDocs does."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_ConfigLoader)  # noqa: S506
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        raise UserError(f"{display_path(path)}{where}: invalid YAML: "
                        f"{exc.problem or exc.context}") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise UserError(f"{display_path(path)}: cannot read it: {exc}".splitlines()[0]) from None
    parent = data.pop("INHERIT", None) if isinstance(data, dict) else None
    if parent:
        parent_path = (path.parent / str(parent)).resolve()
        if parent_path in seen or len(seen) > 10:
            raise UserError(f"{display_path(path)}: INHERIT goes round in a circle")
        data = _merge(_read_config(parent_path, (*seen, path.resolve())), data)
    return data


def read_project(config_file: str | None) -> Project:
    """The guidebook plugin's options from mkdocs.yml (defaults when there is none)."""
    path = Path(config_file or CONFIG_FILE)
    if not path.is_file():
        if config_file:
            raise UserError(f"{config_file}: no such file")
        return Project(None, Options())
    data = _read_config(path)
    name = display_path(path)
    cfg = _plugin_config(data)
    site_url = data.get("site_url") if isinstance(data, dict) else None
    site_url = str(site_url) if site_url else None
    site = _site_settings(data, path.parent)
    for key in ("site_name", "site_description"):
        value = data.get(key) if isinstance(data, dict) else None
        site[key] = str(value) if value else None
    problems = config_problems(cfg or {}, site_url)
    export = (cfg or {}).get("markdown_export")
    if export is not None:
        from .exports import FORMATS

        if export not in FORMATS:  # (MkDocs' words for its Choice option)
            problems.append(f"option 'markdown_export': Expected one of: {FORMATS} but "
                            f"received: {export!r}")
    if problems:
        raise UserError("\n".join(f"{name}: {problem}" for problem in problems))
    if cfg is None:
        return Project(path, Options(guides_dir=path.parent / "guides"), site_url=site_url,
                       **site)
    kwargs: dict[str, Any] = {"guides_dir": path.parent / str(cfg.get("guides_dir") or "guides")}
    if cfg.get("brand") is not None:
        kwargs["brand"] = _str_map(cfg["brand"])
    if cfg.get("whitelabel_brand") is not None:
        kwargs["whitelabel_brand"] = _str_map(cfg["whitelabel_brand"])
    if cfg.get("whitelabel_replace") is not None:
        kwargs["whitelabel_replace"] = _str_map(cfg["whitelabel_replace"])
    theme = data.get("theme") if isinstance(data, dict) else None
    kwargs["language"] = str(theme.get("language")) if isinstance(theme, dict) and \
        theme.get("language") else None
    strings_option = cfg.get("strings") or {}
    kwargs["strings"] = strings_for(strings_option, kwargs["language"], kwargs["language"],
                                    pattern_strings(cfg))
    if cfg.get("categories") is not None:
        kwargs["categories"] = _str_map(cfg["categories"])
    if cfg.get("max_guide_bytes") is not None:
        kwargs["max_guide_bytes"] = cfg["max_guide_bytes"]
    env = os.environ.get("GUIDEBOOK_WHITELABEL", "").strip().lower()
    kwargs["whitelabel"] = env in _TRUTHY if env else cfg.get("whitelabel") is True
    forbid = cfg.get("whitelabel_forbid")
    templates = cfg.get("templates_dir")
    llms = cfg.get("llms")
    options = Options(**kwargs)
    try:
        options.words  # noqa: B018 - a bad strings option is the config's error, said once
    except WordsError as exc:
        raise UserError(f"{name}: {exc}") from None
    return Project(path, options,
                   tuple(str(t) for t in forbid) if isinstance(forbid, list) else None,
                   site_url=site_url,
                   templates_dir=path.parent / str(templates) if templates else None,
                   markdown_export=str(cfg.get("markdown_export") or "stackone"),
                   llms_enabled=not (isinstance(llms, dict) and llms.get("enabled") is False),
                   nav_title=str(cfg["nav_title"]) if cfg.get("nav_title") else None,
                   llms=llms if isinstance(llms, dict) else None,
                   page_actions=cfg["page_actions"] if isinstance(cfg.get("page_actions"), dict)
                   else None,
                   agent_outputs=cfg.get("agent_outputs") is not False,
                   strings_option=strings_option, **site)


def _site_settings(data: Any, root: Path) -> dict[str, Any]:
    """docs_dir, use_directory_urls and validation.links.not_found of a mkdocs.yml."""
    data = data if isinstance(data, dict) else {}
    validation = data.get("validation") if isinstance(data.get("validation"), dict) else {}
    links = validation.get("links") if isinstance(validation.get("links"), dict) else {}
    level = links.get("not_found") or validation.get("not_found") or "warn"
    return {"docs_dir": root / str(data.get("docs_dir") or "docs"),
            "use_directory_urls": data.get("use_directory_urls") is not False,
            "links_not_found": str(level)}


def _project(ctx: click.Context) -> Project:
    obj = ctx.find_root().obj
    if "project" not in obj:
        obj["project"] = read_project(obj.get("config_file"))
    project: Project = obj["project"]
    return project


# -- problems ----------------------------------------------------------------------------------


def _gh_escape(text: str, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if prop else text


def _problem_json(p: Problem) -> dict[str, Any]:
    return {"file": p.source.file, "line": p.source.line, "col": p.source.col,
            "severity": p.severity, "message": p.message, "hint": p.hint}


def _emit_problems(problems: list[Problem], fmt: str) -> None:
    for p in problems:
        if fmt == "github":
            message = f"{p.message} ({p.hint})" if p.hint else p.message
            _print(out, f"::{p.severity} file={_gh_escape(p.source.file, True)},"
                        f"line={p.source.line},col={p.source.col}::{_gh_escape(message)}")
        else:
            _print(out, str(p), "red" if p.severity == "error" else "yellow")


# -- commands ----------------------------------------------------------------------------------


def _version() -> str:
    try:
        return metadata.version("guidebook")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "0+unknown"


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(_version(), "--version", prog_name="guidebook",
                      message="%(prog)s %(version)s")
@click.option("-f", "--config-file", metavar="FILE", default=None,
              help="The MkDocs configuration to read the guidebook options from "
                   "[default: ./mkdocs.yml].")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None) -> None:
    """Validate, scaffold, render and import connection guides."""
    ctx.ensure_object(dict)
    ctx.obj["config_file"] = config_file


def _validate_paths(paths: tuple[str, ...], options: Options, project: Project | None = None
                    ) -> tuple[list[Problem], int, int]:
    """(problems, files checked, guides found) for the given files and folders; with the
    project, their guides are also checked for images and links to nothing."""
    problems: list[Problem] = []
    files = guides = 0
    brands = [options.brand]
    if options.whitelabel_brand is not None:
        brands.append(options.whitelabel_brand)
    project_site: list[GuideSite] = []  # the project's guides, for a file's links (once)
    named: set[Path] = set()  # the files checked (a partial's connector file once)

    def add(found: Iterable[Problem]) -> None:
        problems.extend(p for p in found if p not in problems)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            site = load_site(dataclasses.replace(options, guides_dir=path), check_brands=brands,
                             workers=available_cpus())
            files += len(site.files)
            guides += len(site.pages)
            problems.extend(site.problems)
            problems.extend(site.warnings)
            problems.extend(redirects(site)[1])
            checked, found = translation_problems(dataclasses.replace(options, guides_dir=path),
                                                  check_brands=brands)  # (`*.<lang>.yaml`)
            files += checked
            add(found)
            if project is not None:
                problems.extend(_reference_problems(site, project))
            continue
        file = display_path(path)
        files += 1
        if not path.exists():
            problems.append(Problem(Source(file, 1, 1), "no such file or folder"))
            continue
        if not path.is_file():  # (a FIFO would never end the read)
            problems.append(Problem(Source(file, 1, 1), "not a regular file", NOT_A_FILE_HINT))
            continue
        if path.name.endswith(PARTIAL_SUFFIX):  # (the pre-commit hook names every file)
            connector = _connector_of(path, file, options, problems)
            if connector is None:
                continue
            path, file = connector, display_path(connector)
        if path.resolve() in named:
            continue
        named.add(path.resolve())
        base, code = split_language(path.name, options.languages)  # a translation: and
        original = path.with_name(base) if code else None  # against its original
        loaded = load_pages(path, options, file, brands,
                            (original, display_path(original))
                            if original is not None and original.is_file() else None)
        add(loaded.problems)
        guides += len(loaded.pages)
        if project is not None and loaded.pages:
            if not project_site:
                guides_dir = project.options.guides_dir
                project_site.append(load_site(options, workers=available_cpus())
                                    if guides_dir.is_dir() else GuideSite(options, [], [], [], []))
            add(_reference_problems(project_site[0], project, loaded.pages))
    problems.sort(key=Problem.sort_key)
    return problems, files, guides


def _connector_of(partial: Path, file: str, options: Options,
                  problems: list[Problem]) -> Path | None:
    """The connector file beside a partial that refers to it ($ref), to validate the partial
    through; without one, a note in `problems` and None."""
    real = partial.resolve()
    name = partial.name.removesuffix(PARTIAL_SUFFIX)
    for connector in sorted(partial.parent.glob(f"*{CONNECTOR_SUFFIX}")):
        loaded = load_pages(connector, options, display_path(connector), [options.brand])
        if real in {p.resolve() for p in loaded.partials}:
            return connector
        if not loaded.partials and loaded.problems and connector.is_file() and \
                name in connector.read_text(encoding="utf-8", errors="replace"):
            return connector  # (it did not load: its problems are the partial's too)
    problems.append(Problem(Source(file, 1, 1), "a partial, which no connector file beside it "
                                                "refers to: not checked",
                            f"add '$ref: {name}' to the actions of its connector file, or "
                            "delete it", severity="warning"))
    return None


def _reference_problems(site: GuideSite, project: Project,
                        pages: Iterable[GuidePage] | None = None) -> list[Problem]:
    """Images and links of the guides (`pages`, default: the site's) that match no file of the
    site, as the plugin reports them: at validation.links.not_found `warn` an error, at `info`
    a warning."""
    level = project.links_not_found
    if project.docs_dir is None or level not in ("warn", "info"):
        return []
    pages = site.pages if pages is None else list(pages)
    paths = _site_paths(project.docs_dir, site, project.use_directory_urls)
    paths.update(path for page in pages
                 for path in (page.url + "index.html", page.url.rstrip("/") + ".md"))
    severity = "error" if level == "warn" else "warning"
    return [dataclasses.replace(p, severity=severity) for page in pages
            for p in check_references(page.guide, paths, project.docs_dir,
                                      site_url=project.site_url)]


def _site_paths(docs_dir: Path, site: GuideSite, use_directory_urls: bool) -> set[str]:
    """The paths of the built site's files, as far as they follow from the docs folder and
    the guides (the plugin uses MkDocs' own list instead)."""
    paths = {"connectors/index.html"}
    for file in (docs_dir.rglob("*") if docs_dir.is_dir() else ()):
        if not file.is_file():
            continue
        rel = file.relative_to(docs_dir).as_posix()
        paths.add(rel)
        if rel.endswith(".md"):
            stem = rel[:-3]
            folder, _, name = stem.rpartition("/")
            if name in ("index", "README"):
                paths.add(f"{folder}/index.html".lstrip("/"))
            else:
                paths.add(f"{stem}/index.html" if use_directory_urls else f"{stem}.html")
    for page in site.pages:
        paths.update((page.url + "index.html", page.url.rstrip("/") + ".md"))
    for entry in site.connectors:
        paths.add(entry.src_uri[:-len(".md")] + ".html")
    return paths


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "github"]), default="text",
              show_default=True, help="text for people, json for programs, github for "
                                      "GitHub Actions annotations.")
@click.option("--against", metavar="SITE_OR_LLMS", default=None,
              help="A previous build (its site folder, its llms.txt file or URL): list its "
                   "guide URLs that this one neither has nor redirects (redirect_from).")
@click.pass_context
def validate(ctx: click.Context, paths: tuple[str, ...], fmt: str, against: str | None) -> None:
    """Check guide and connector files without building the site.

    PATHS are guide files or folders; the default is the guides_dir of ./mkdocs.yml. Brand
    placeholders are checked against the brand (and whitelabel_brand) of mkdocs.yml.
    """
    project = _project(ctx)
    if not paths:
        paths = (display_path(project.options.guides_dir),)
    problems, files, guides = _validate_paths(paths, project.options, project)
    missing = _gone(project.options, against) if against is not None else []
    errors = sum(p.severity == "error" for p in problems)
    bad = len({p.source.file for p in problems})
    if fmt == "json":
        click.echo(json.dumps({"files": files, "guides": guides, "errors": errors,
                               "problems": [_problem_json(p) for p in problems],
                               "gone": missing},
                              indent=2, sort_keys=True))
    else:
        _emit_problems(problems, fmt)
        for url in missing:
            message = (f"{url}: this guide URL of {against} is gone without a redirect (add "
                       f"'redirect_from: [{url}]' to the guide that replaced it)")
            _print(out, f"::error::{_gh_escape(message)}" if fmt == "github" else message,
                   "red")
        if problems:
            summary = (f"{_plural(errors, 'error')} in {_plural(bad, 'file')} "
                       f"({_plural(files, 'file')} checked)")
            _print(err if fmt == "github" else out, summary, "bold red")
        elif not missing:
            _print(out, f"{_plural(guides, 'guide')} in {_plural(files, 'file')}: no problems")
    if errors or missing:
        ctx.exit(1)


def _gone(options: Options, against: str) -> list[str]:
    """Guide URLs of the previous build `against` that the guides no longer have or redirect."""
    instead = ("give the site folder of a previous build, its llms.txt file or that file's "
               "http(s) URL")
    try:
        previous = previous_guide_urls(against) if against.strip() else []
    except (OSError, ValueError) as exc:
        _print(err, f"--against {against}: cannot read it ({exc}); {instead}", "bold red")
        sys.exit(2)
    if not previous:  # (nothing to compare with: no check at all, not a pass)
        _print(err, f"--against: found no guide URLs in {against!r}; {instead}", "bold red")
        sys.exit(2)
    return gone(previous, load_site(options, workers=available_cpus()))


# -- new ---------------------------------------------------------------------------------------

_NEW_LINK = """\
{schema}# {name}: link an account with {auth}.
# Written by `guidebook new`; replace the placeholder text, then run `guidebook validate`.
connector:
  key: {key}
  name: {name_q}
  # category: HRIS          # groups connectors on the connectors page
auth:
  label: {auth_q}
# title: ...                # default: the message guide.title (`guidebook strings`)
# description: ...          # default: the message guide.description
# warning: Only an administrator can create the credentials.
# actions:                  # what the connector can do, and the scopes each action needs
#   - id: {key_id}_list_users
#     label: List Users
#     scopes: [users:read]
sections:
  - title: Create the credentials
    content: {intro_q}
    steps:
      - title: Open the settings
        content: {settings_q}
      - title: Create the credentials
        content: Create the credentials and copy them.
        list:
          - "Name them after the integration, e.g. `{{{{ brand.name }}}} Integration`"
          - {again_q}
        # images:
        #   - src: images/{key}/settings.png
        #     alt: The settings page
# The page ends with the generated block that links the account in the hub, listing the
# fields below: no section of its own for it.
fields:
  - label: {auth_q}
    secret: true
"""

_NEW_PROFILE = """\
{schema}# {name}: register an app in the connector profile ({auth}, admin setup).
# Written by `guidebook new`; replace the placeholder text, then run `guidebook validate`.
connector:
  key: {key}
  name: {name_q}
  # category: HRIS          # groups connectors on the connectors page
kind: connector-profile
auth:
  label: {auth_q}
# actions:                  # what the connector can do, and the scopes each action needs
#   - id: {key_id}_list_users
#     label: List Users
#     scopes: [users:read]
sections:
  - title: Create the app
    steps:
      - title: Open the developer console
        content: {console_q}
      - title: Register a new app
        content: >-
          Create an app and add the redirect URL that the {{{{ brand.name }}}} connector
          profile shows.
      - title: Copy the credentials
        content: Copy the **Client ID** and the **Client secret** of the app.
# The page ends with the generated block that creates the connector profile, listing the
# fields below: no section of its own for it.
fields:
  - Client ID
  - label: Client Secret
    secret: true
"""


def _yaml_scalar(text: str) -> str:
    dumped = yaml.safe_dump(text, default_flow_style=True, allow_unicode=True, width=10_000)
    return dumped.removesuffix("\n...\n").strip()


def skeleton(key: str, auth: str, *, name: str, kind: str, schema_ref: str | None) -> str:
    """The text of a new, valid guide with comments that explain each part."""
    template = _NEW_PROFILE if kind == "connector-profile" else _NEW_LINK
    texts = {
        "name": name, "auth": auth,
        "intro": f"Sign in to {name} with an account that may create {auth} credentials.",
        "settings": f"In {name}, open **Settings** and find the API or integrations page.",
        "again": f"Copy each value now; {name} may not show it again.",
        "console": f"Sign in to {name} as an administrator and open its developer console.",
        "profile": f"In {{{{ brand.name }}}}, open the {name} connector profile, paste the "
                   "values and save.",
    }
    return template.format(
        schema=f"{SCHEMA_COMMENT}{schema_ref}\n" if schema_ref else "",
        key=key, key_id=key.replace("-", "_"), name=name, auth=auth,
        **{f"{k}_q": _yaml_scalar(v) for k, v in texts.items()},
    )


@cli.command()
@click.argument("connector_key")
@click.argument("auth_label")
@click.option("--kind", type=click.Choice(["link-account", "connector-profile"]),
              default="link-account", show_default=True, help="End-user or admin guide.")
@click.option("--name", help="Display name of the connector [default: the name its guides "
                             "give it, else from the key].")
@click.option("--dir", "guides_dir", type=click.Path(file_okay=False),
              help="Guides folder [default: guides_dir of ./mkdocs.yml].")
@click.pass_context
def new(ctx: click.Context, connector_key: str, auth_label: str, kind: str, name: str | None,
        guides_dir: str | None) -> None:
    """Write a commented skeleton guide for CONNECTOR_KEY and AUTH_LABEL.

    \b
    Example:
      guidebook new harvest "Personal Access Token" --name Harvest
      -> guides/harvest/personal-access-token.yaml
    """
    if not KEY_RE.match(connector_key):
        raise UserError(f"the connector key {connector_key!r} is not valid ({KEY_HINT})")
    slug = slugify(auth_label)
    if not slug:
        raise UserError(f"the auth label {auth_label!r} has no letters or digits to name "
                        "the file after")
    if any(c in (auth_label + (name or "")) for c in "\r\n") or (
            name is not None and not name.strip()):
        raise UserError("the auth label and the name must be one non-empty line of text")
    folder = Path(guides_dir) if guides_dir else _project(ctx).options.guides_dir
    suffix = ".connector-profile.yaml" if kind == "connector-profile" else ".yaml"
    if len(f"{slug}{suffix}".encode()) > NAME_MAX:
        raise UserError(f"the auth label is too long to name the file after ({len(slug)} "
                        f"characters in '{slug[:20]}…'; "
                        f"at most {NAME_MAX - len(suffix.encode())})")
    path = folder / connector_key / f"{slug}{suffix}"
    shown = display_path(path)
    _folder_to_write(path.parent, "--dir" if guides_dir else "guides folder")
    if path.exists():
        raise UserError(f"{shown} already exists; edit it, or remove it first")
    schema_file = folder / SCHEMA_FILE
    schema_ref = (Path(os.path.relpath(schema_file, path.parent)).as_posix()
                  if schema_file.is_file() else None)
    display = name.strip() if name else _connector_name(ctx, folder, connector_key)
    text = skeleton(connector_key, auth_label.strip(), name=display, kind=kind,
                    schema_ref=schema_ref)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise UserError(f"{shown} already exists; edit it, or remove it first") from None
    except OSError as exc:
        raise UserError(f"cannot write {shown}: {exc.strerror or exc}") from None
    _print(out, f"wrote {shown}")


def _connector_name(ctx: click.Context, folder: Path, key: str) -> str:
    """The name guides of the connector `key` already give it (a guide of one connector
    names it alike everywhere), else one made from the key."""
    if folder.is_dir():
        options = dataclasses.replace(_project(ctx).options, guides_dir=folder)
        for entry in load_site(options).connectors:
            if entry.key == key:
                return entry.name
    return key.replace("-", " ").title()


# -- render ------------------------------------------------------------------------------------


def _exports() -> Any:
    try:
        from . import exports
    except ImportError as exc:  # pragma: no cover - only while exports.py is missing
        raise UserError(f"Markdown exports are not available: {exc}") from None
    return exports


def rendered_files(project: Project, site: GuideSite, fmt: str) -> dict[str, bytes]:
    """Relative path -> Markdown twin of every guide page of the site, as the build makes it."""
    exports = _exports()
    try:
        exporter = exports.Exporter(site, fmt=fmt, site_url=project.site_url,
                                    templates_dir=project.templates_dir,
                                    llms_path="llms.txt" if project.llms_enabled else None)
    except exports.ExportError as exc:
        raise UserError(f"a Markdown template failed: {exc}") from None
    files: dict[str, bytes] = {}
    for page in site.pages:
        try:
            text: str = exporter.guide(page).text
        except exports.ExportError as exc:
            raise UserError(f"{page.file}: cannot render the Markdown export: {exc}") from None
        files[exports.twin_path(page.url)] = text.encode("utf-8")
    return dict(sorted(files.items()))


def _title(project: Project, site: GuideSite) -> str:
    """The connectors index's title: nav_title, else the message index.title."""
    return project.nav_title or site.options.words.text("index.title")


def page_files(project: Project, site: GuideSite) -> dict[str, bytes]:
    """Path below connectors/ -> every page and asset of `render --format pages`."""
    from .defaults import CHATGPT_URL, CLAUDE_URL
    from .exports import page_actions, site_url_of
    from .pages import page_files as pages
    from .render import Renderer, TemplateProblem

    url = site_url_of(project.site_url)
    actions = ("", "")
    menu = project.page_actions or {}
    if project.agent_outputs and menu.get("enabled") is not False:
        actions = page_actions(site.options.words, chatgpt=menu.get("chatgpt", CHATGPT_URL),
                               claude=menu.get("claude", CLAUDE_URL))
    llms_url = url("llms.txt") if project.agent_outputs and project.llms_enabled else None
    try:
        return pages(site, Renderer(site, project.templates_dir), title=_title(project, site),
                     url=url, actions=actions, llms_url=llms_url)
    except TemplateProblem as exc:
        raise UserError(f"a template failed: {exc}") from None


def _write_agent_files(project: Project, site: GuideSite, site_dir: Path) -> None:
    """The twins and llms files of `render --format pages`, written into a built site."""
    from .pages import agent_files, settings_of

    exports = _exports()
    shown = display_path(site_dir)
    if not (site_dir / "index.html").is_file() and not (site_dir / "connectors").is_dir():
        raise UserError(f"{shown}: no built site there (build it first, then run this)")
    llms = project.llms or {}
    try:
        exporter = exports.Exporter(site, fmt=project.markdown_export, site_url=project.site_url,
                                    templates_dir=project.templates_dir,
                                    llms_path="llms.txt" if project.llms_enabled else None)
        files = agent_files(site, exporter, title=_title(project, site),
                            site_name=project.site_name or _title(project, site),
                            site_description=project.site_description,
                            llms=settings_of(llms), full=llms.get("full") is not False)
    except exports.ExportError as exc:
        raise UserError(f"a Markdown template failed: {exc}") from None
    for rel, data in files.items():
        dest = site_dir / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    _print(out, f"wrote {_plural(len(files), 'file')} into {shown}")
    if site.options.whitelabel:  # the whole site, as a white-label build checks its own
        from .whitelabel import check_build, format_leaks

        leaks = check_build(site, site_dir, forbid=project.whitelabel_forbid, display_dir=shown,
                            root=project.root if project.config_file else None, parallel=True)
        if leaks:
            _print(out, format_leaks(leaks), "bold red")
            sys.exit(1)
        _print(out, f"white-label leak check passed ({shown})")


def _replace_dir(target: Path, files: Mapping[str, bytes],
                 accept: Callable[[Path], bool] = lambda folder: True) -> bool:
    """Write `files` into a fresh folder beside target and, if `accept` takes that folder,
    swap it in; else remove it and leave target as it was. Whether it was swapped in."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    old: Path | None = None
    try:
        for rel, data in files.items():
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
        os.chmod(tmp, 0o755)  # noqa: S103 - a published folder, as mkdir would make it
        if not accept(tmp):
            shutil.rmtree(tmp)
            return False
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
            os.rmdir(old)
            os.replace(target, old)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and old.exists() and not target.exists():
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return True


def _in_the_way(folder: Path) -> Path | None:
    """What stops making `folder`: it, or the nearest of its parents that exists, when that is
    no folder (a file, or a link to nothing); None when nothing does."""
    for place in (folder, *folder.parents):
        if place.is_dir():
            return None
        if place.exists() or place.is_symlink():
            return place
    return None


def _not_a_folder(place: Path) -> str:
    return f"{display_path(place)} is " + ("a file, not a folder" if place.exists()
                                          else "a link to nothing")


def _folder_to_write(path: Path, option: str) -> None:
    """Refuse (naming it) a folder to write that is a file, or that would be made inside one."""
    place = _in_the_way(path)
    if place is not None:
        raise UserError(("" if place == path else f"cannot make {display_path(path)}: ")
                        + f"{_not_a_folder(place)} (choose another {option})")


def _out_folder(path: Path) -> Path:
    """The folder render writes for --out `path` (through a link, the folder it names, whose
    contents are replaced)."""
    _folder_to_write(path, "--out")
    return Path(os.path.realpath(path)) if path.is_symlink() else path


RENDER_LIST = ".guidebook-render"  # the list of the files render wrote in its --out folder
_RENDER_LIST_HEAD = ("# Written by `guidebook render`: the files it wrote in this folder. The next "
                     "render\n# replaces or removes these alone; anything else here stops it.\n")


def render_list(files: Iterable[str]) -> bytes:
    """The text of RENDER_LIST for these files (sorted, one a line: the same files give the
    same bytes)."""
    return (_RENDER_LIST_HEAD + "".join(f"{rel}\n" for rel in sorted(files))).encode("utf-8")


def _earlier_render(folder: Path) -> set[str]:
    """The files an earlier render wrote in `folder`, by its RENDER_LIST (none without one)."""
    listed = folder / RENDER_LIST
    if listed.is_symlink() or not listed.is_file():
        return set()
    text = listed.read_text(encoding="utf-8", errors="replace")
    return {line for line in text.splitlines() if line and not line.startswith("#")}


def _not_rendered(folder: Path, ours: set[str]) -> str | None:
    """The first thing in `folder` that is neither one of the files `ours` (paths relative to
    it) nor a folder on the way to one, as `rel` plus what it is; None when there is none.
    Render writes regular files and folders only: a link or a special file is never its."""
    folders = {parent.as_posix() for rel in ours for parent in Path(rel).parents}
    for dirpath, dirnames, filenames in os.walk(folder):  # (links to folders are not entered)
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                return f"{rel} (a link)"
            if name in dirnames:
                if rel not in folders and not any(path.iterdir()):  # (else: what it holds)
                    return f"{rel}/ (an empty folder)"
            elif rel not in ours or not stat.S_ISREG(path.lstat().st_mode):
                return rel
    return None


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Folder to write the files to (replaced as a whole); with --format pages "
                   "the docs folder's connectors/ folder.")
@click.option("--whitelabel/--no-whitelabel", default=None,
              help="Render the white-label variant [default: the whitelabel option of "
                   "mkdocs.yml or GUIDEBOOK_WHITELABEL].")
@click.option("--format", "fmt", type=click.Choice(["stackone", "plain", "pages"]), default=None,
              help="stackone: <Steps>/<Step> and data-guide-* markup; plain: CommonMark only; "
                   "pages: every page as a Markdown page for a generator without the plugin "
                   "(Zensical) [default: the markdown_export option of mkdocs.yml, else "
                   "stackone].")
@click.option("--site", "site_dir", type=click.Path(file_okay=False), default=None,
              help="With --format pages, after the build: write the pages' Markdown twins, "
                   "llms.txt and llms-full.txt into this built site.")
@click.option("--check", is_flag=True,
              help="Write nothing; exit 1 if a file is missing, out of date or extra.")
@click.pass_context
def render(ctx: click.Context, out_dir: str | None, whitelabel: bool | None, fmt: str | None,
           site_dir: str | None, check: bool) -> None:
    """Write every guide's Markdown export to a folder, without MkDocs.

    \b
    Example (the CI gate for committed exports):
      guidebook render --out exports/ --format plain --check
    For Zensical (or any generator that runs no plugin):
      guidebook render --format pages --out docs/connectors    # the pages
      zensical build
      guidebook render --format pages --site site              # their twins and llms.txt
    """
    project = _project(ctx)
    options = project.options
    if site_dir is not None and fmt != "pages":
        raise UserError("--site goes with --format pages (it writes the twins and llms.txt of "
                        "the pages that format renders into the built site)")
    if out_dir is None and site_dir is None:  # a usage error (exit 2), as click's own
        out_param = next(p for p in ctx.command.params if p.name == "out_dir")
        raise click.MissingParameter(
            "With --format pages: --out before the build, --site after it."
            if fmt == "pages" else None, ctx=ctx, param=out_param)
    if fmt == "pages" and out_dir is not None and Path(out_dir).name != "connectors":
        raise UserError(f"--format pages writes the site's connectors/ folder (every link of "
                        f"the pages starts there): use --out <docs folder>/connectors, not "
                        f"{out_dir}")
    if fmt == "pages" and not project.use_directory_urls:
        raise UserError(f"--format pages writes pages for directory URLs (connectors/<key>/); "
                        f"remove 'use_directory_urls: false' from "
                        f"{display_path(project.config_file or Path(CONFIG_FILE))}")
    if check and out_dir is None:
        raise UserError("--check compares the --out folder: give it")
    if check and site_dir is not None:
        raise UserError("--check compares the --out folder and writes nothing, while --site "
                        "writes into the built site: drop --site from the check (run "
                        "`guidebook render --format pages --site DIR` after the build)")
    given_fmt, fmt = fmt, fmt or project.markdown_export
    target = _out_folder(Path(out_dir)) if out_dir is not None else Path()
    if whitelabel is not None:
        options = dataclasses.replace(options, whitelabel=whitelabel)
    if options.whitelabel and options.whitelabel_brand is None:
        raise UserError("white-label mode needs the whitelabel_brand option of the guidebook "
                        "plugin in mkdocs.yml")
    site = load_site(options, workers=available_cpus())
    if site.problems:
        _emit_problems(site.problems, "text")
        _print(out, f"{_plural(len(site.problems), 'error')}: nothing rendered "
                    "(run `guidebook validate`)", "bold red")
        ctx.exit(1)
    from .whitelabel import unpublished_warnings

    for line in unpublished_warnings(site):
        _print(out, line, "yellow")
    if fmt == "pages":
        if site_dir is not None:
            _write_agent_files(project, site, Path(site_dir))
        if out_dir is None:
            return
        files = page_files(project, site)
    else:
        files = rendered_files(project, site, fmt)
    listed = {**files, RENDER_LIST: render_list(files)}
    shown = display_path(Path(out_dir))
    if not check and target.is_dir() and Path.cwd().resolve().is_relative_to(target.resolve()):
        raise UserError(f"{shown} contains the working folder; choose a folder for the exports")
    if target.is_dir():
        foreign = _not_rendered(target, set(listed) | _earlier_render(target))
        if foreign is not None:
            raise UserError(f"{shown} holds files render did not write (e.g. {foreign}); "
                            f"point --out at a folder used only for the Markdown exports "
                            f"(render replaces the files its list {RENDER_LIST} names, no "
                            f"others)")
    existing = {path.relative_to(target).as_posix(): path for path in target.rglob("*")
                if path.is_file()} if target.is_dir() else {}
    if check:
        stale: list[str] = []
        for rel, data in listed.items():
            if rel not in existing:
                stale.append(f"{shown}/{rel}: missing")
            elif existing[rel].read_bytes() != data:
                stale.append(f"{shown}/{rel}: out of date")
        stale += [f"{shown}/{rel}: extra (no guide renders it)"
                  for rel in sorted(set(existing) - set(listed))]
        for line in stale:
            _print(out, line, "red")
        if stale:
            config_file = ctx.find_root().obj.get("config_file")
            command = ["guidebook", *(["-f", config_file] if config_file else []), "render",
                       "--out", out_dir, *(["--format", given_fmt] if given_fmt else []),
                       *([] if whitelabel is None else
                         ["--whitelabel" if whitelabel else "--no-whitelabel"])]
            _print(out, f"{_plural(len(stale), 'file')} stale; run `{shlex.join(command)}`",
                   "bold red")
            ctx.exit(1)
        _print(out, f"{_plural(len(files), 'file')} in {shown} up to date")
        return
    from .whitelabel import Leak, check_build, format_leaks

    leaks: list[Leak] = []

    def leak_check(folder: Path) -> bool:  # the same as a white-label build's, before the swap
        if options.whitelabel:
            leaks.extend(check_build(site, folder, forbid=project.whitelabel_forbid,
                                     display_dir=shown, parallel=True,
                                     root=project.root if project.config_file else None))
        return not leaks

    if not _replace_dir(target, listed, leak_check):
        _print(out, format_leaks(leaks), "bold red")
        _print(out, f"{shown} left as it was: white-label files that leak are not written",
               "bold red")
        ctx.exit(1)
    _print(out, f"wrote {_plural(len(files), 'file')} to {shown}")
    if options.whitelabel:
        _print(out, f"white-label leak check passed ({shown})")


# -- import ------------------------------------------------------------------------------------


@cli.command("import")
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True,
                                                                     dir_okay=False))
@click.option("--out", "out_dir", type=click.Path(file_okay=False),
              help="Guides folder to write to [default: guides_dir of ./mkdocs.yml].")
@click.option("--connector-key", help="Connector key (default: inferred from each file).")
@click.option("--name", "--connector-name", "name",
              help="Connector display name (default: inferred).")
@click.option("--auth", "--auth-label", "auth_label", help="Auth label (default: inferred).")
@click.option("--kind", type=click.Choice(["link-account", "connector-profile"]),
              help="Guide kind (default: inferred).")
@click.option("--force", is_flag=True, help="Overwrite guides that already exist.")
@click.option("-v", "--verbose", is_flag=True, help="Name each guide written.")
@click.pass_context
def import_(ctx: click.Context, sources: tuple[str, ...], out_dir: str | None,
            connector_key: str | None, name: str | None, auth_label: str | None,
            kind: str | None, force: bool, verbose: bool) -> None:
    """Convert Mintlify MDX guides or published Markdown exports into guide YAML.

    A provider found under several category prefixes or folders becomes one connector with
    several categories; guides that would share a URL get distinct auth slugs (reported).

    \b
    Example:
      guidebook import docs/guides/*.mdx --out guides/
    """
    from .importer import ImportFailure, import_files

    if connector_key is not None and not KEY_RE.match(connector_key):  # (as `new` says it)
        raise UserError(f"the connector key {connector_key!r} is not valid ({KEY_HINT})")
    folder = Path(out_dir) if out_dir else _project(ctx).options.guides_dir
    _folder_to_write(folder, "--out" if out_dir else "guides folder")
    imported = warnings = failures = 0
    planned: dict[Path, str] = {}
    first: dict[Path, str] = {}
    for src in sources:  # a file named twice is imported once
        first.setdefault(Path(src).resolve(), src)
    sources = tuple(first.values())
    batch = import_files(sources, connector_key=connector_key, connector_name=name,
                         auth_label=auth_label, kind=kind)
    for src, result in zip(sources, batch.items, strict=True):
        if isinstance(result, ImportFailure):
            failures += 1
            _print(out, f"{result.file}:{result.line}: error: {result.message}", "red")
            continue
        for w in result.warnings:
            warnings += 1
            _print(out, f"{w.file}:{w.line}: warning: {w.message}", "yellow")
        dest = folder / Path(result.guide_path)
        shown = display_path(dest)
        if dest in planned:
            failures += 1
            _print(out, f"{display_path(src)}: error: {shown} is also the target of "
                        f"{planned[dest]} (pass --auth or --connector-key to tell them apart)",
                   "red")
            continue
        place = _in_the_way(dest.parent)
        problem = (f"cannot write {shown}: {_not_a_folder(place)} (move it away)" if place
                   else f"{shown} is a folder, not a guide file (move it away)"
                   if dest.is_dir() else None)
        if problem is None and dest.exists() and not force:
            problem = f"{shown} already exists (pass --force to overwrite it)"
        if problem is None:
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_text(result.yaml_text, encoding="utf-8")
            except OSError as exc:
                problem = f"cannot write {shown}: {exc.strerror or exc}"
        if problem is not None:
            failures += 1
            _print(out, f"{display_path(src)}: error: {problem}", "red")
            continue
        planned[dest] = display_path(src)
        imported += 1
        if verbose:
            _print(out, f"{display_path(src)} -> {shown}")
    _print(out, f"imported {_plural(imported, 'file')} into {display_path(folder)}, "
                f"{_plural(warnings, 'warning')}, {_plural(failures, 'failure')}",
           "bold red" if failures else None)
    if failures:
        ctx.exit(1)


# -- schema, check-whitelabel ------------------------------------------------------------------


def schema_text() -> str:
    """The JSON Schema of a guide file, as `guidebook schema` prints it."""
    return json.dumps(json_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@cli.command()
@click.option("--language", default=None, metavar="LANG",
              help=f"A language tag; {', '.join(languages())} ship a catalog (a regional "
                   "variant such as de-AT uses its base; others are English) [default: the "
                   "theme's language of "
                   "mkdocs.yml, else en].")
@click.option("--format", "fmt", type=click.Choice(["json", "yaml"]), default="yaml",
              show_default=True)
@click.pass_context
def strings(ctx: click.Context, language: str | None, fmt: str) -> None:
    """Print every message id of the generator's words with its text.

    \b
    The texts are those of the site (its `strings` option applied) in the given language.
    Reword one with the plugin's strings option in mkdocs.yml:
      strings: {hub.heading: "Connect your account in {{ brand.hub }}"}
    """
    project = _project(ctx)
    options = project.options
    shown = language or options.language
    if shown and shipped_language(shown) is None:  # (the build's words are English too)
        click.echo(f"guidebook: note: no catalog for the language {shown!r} (shipped: "
                   f"{', '.join(languages())}): these are the English words; translate them "
                   "with the plugin's strings option", err=True)
    strings = options.strings if language in (None, options.language) else strings_for(
        project.strings_option, language, options.language or DEFAULT_LANGUAGE)
    try:
        words = Words(language or options.language, strings, options.active_brand)
    except WordsError as exc:
        raise UserError(str(exc)) from None
    if fmt == "json":
        click.echo(json.dumps(words.all(), ensure_ascii=False, indent=2))
    else:
        click.echo(yaml.safe_dump(words.all(), allow_unicode=True, sort_keys=False,
                                  width=1000), nl=False)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the guide format (for editors: yaml-language-server)."""
    click.echo(schema_text(), nl=False)


def theme_dirs() -> list[Path]:
    """The installed themes' folders (Material's, MkDocs' own): a site file that is an
    unchanged copy of one of their files is the theme's, not the user's."""
    import importlib.util

    found: list[Path] = []
    for package, folders in (("material", ("templates",)),
                             ("mkdocs", ("templates", "themes/mkdocs", "themes/readthedocs"))):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            root = Path(spec.origin).parent
            found += [root / f for f in folders]
            if package == "material" and not (root / "templates").is_dir():
                found.append(root)  # Material before 9.4 keeps the theme in the package root
    return [f for f in found if f.is_dir()]


@cli.command("check-whitelabel")
@click.argument("site_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--forbid", multiple=True, metavar="TERM",
              help="A term no page may contain (repeatable) [default: whitelabel_forbid, "
                   "else the brand name and hub of ./mkdocs.yml].")
@click.pass_context
def check_whitelabel(ctx: click.Context, site_dir: str, forbid: tuple[str, ...]) -> None:
    """Check a built white-label site for the normal brand's names and hidden parts.

    \b
    Example:
      GUIDEBOOK_WHITELABEL=1 mkdocs build -d site-wl && guidebook check-whitelabel site-wl
    """
    from .whitelabel import check_site

    project = _project(ctx)
    terms: list[str] = list(forbid)
    if not terms:
        if project.config_file is None:
            raise UserError("no mkdocs.yml here to take the brand from; pass --forbid TERM")
        if project.whitelabel_forbid is not None:
            terms = list(project.whitelabel_forbid)
        else:
            brand = project.options.brand
            terms = [t for t in (brand.get("name"), brand.get("hub")) if t]
    guides_dir = project.options.guides_dir if project.config_file is not None else None
    code = check_site(Path(site_dir), terms,
                      guides_dir=guides_dir if guides_dir and guides_dir.is_dir() else None,
                      brand=project.options.whitelabel_brand,
                      replacements=project.options.whitelabel_replace,
                      theme_dirs=theme_dirs(), echo=lambda line: _print(out, line))
    if code:
        ctx.exit(code)


# -- host-config, serve ------------------------------------------------------------------------


def _site_dir(ctx: click.Context, site_dir: str | None) -> Path:
    """--site-dir, else mkdocs.yml's site_dir (default `site`) beside it."""
    if site_dir:
        return Path(site_dir)
    project = _project(ctx)
    configured = "site"
    if project.config_file is not None:
        data = _read_config(project.config_file)  # (with the file it inherits, as MkDocs)
        if isinstance(data, dict) and data.get("site_dir"):
            configured = str(data["site_dir"])
    return project.root / configured


@cli.command("host-config")
@click.argument("host", type=click.Choice(HOSTS))
@click.option("--site-dir", metavar="DIR", default=None,
              help="The built site [default: site_dir of ./mkdocs.yml, else site].")
@click.option("--port", type=click.IntRange(1, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port nginx and Caddy listen on.")
@click.option("--bind", metavar="ADDR", default="",
              help="Address nginx and Caddy listen on [default: every address].")
@click.option("--out", "out_dir", metavar="DIR", default=None,
              help="Write the files into DIR (at their paths) instead of printing them; a file "
                   "of the same name that guidebook did not write stops it.")
@click.option("--force", is_flag=True,
              help="With --out: replace such files too.")
@click.pass_context
def host_config(ctx: click.Context, host: str, site_dir: str | None, port: int, bind: str,
                out_dir: str | None, force: bool) -> None:
    """Print the configuration that serves the Markdown twins to agents on HOST.

    \b
    Pages answer `Accept: text/markdown` with their twin, keep HTML for browsers (with a
    Link header naming the twin), and .md and llms files get UTF-8 content types.
    Examples:
      guidebook host-config nginx --port 80 > /etc/nginx/conf.d/guides.conf
      guidebook host-config apache > site/.htaccess
      guidebook host-config netlify --out .
    """
    try:
        files = host_files(host, site_dir=_site_dir(ctx, site_dir), port=port, bind=bind)
    except HostConfigError as exc:
        raise UserError(str(exc)) from None
    if out_dir is not None:
        _folder_to_write(Path(out_dir), "--out")
        theirs = []
        for file in files:  # (every target checked before any is written)
            target = Path(out_dir) / file.path
            shown = display_path(target)
            place = _in_the_way(target.parent)
            if place is not None:
                raise UserError(f"cannot write {shown}: {_not_a_folder(place)} (move it away, "
                                f"or choose another --out)")
            if target.is_dir() or (target.exists() and not target.is_file()):
                raise UserError(f"cannot write {shown}: it is a folder or a special file "
                                f"(move it away, or choose another --out)")
            try:
                if not force and target.is_file() and not written_here(
                        file, target.read_text(encoding="utf-8", errors="replace")):
                    theirs.append(shown)
            except OSError as exc:
                raise UserError(f"cannot read {shown}: {exc.strerror or exc}") from None
        if theirs:
            raise UserError("\n".join(
                f"{path} exists and guidebook did not write it: add guidebook's part by hand "
                f"(`guidebook host-config {host}` prints it), or pass --force to replace it"
                for path in theirs))
        for file in files:
            target = Path(out_dir) / file.path
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(file.text, encoding="utf-8")
            except OSError as exc:
                raise UserError(f"cannot write {display_path(target)}: {exc.strerror or exc}"
                                ) from None
            _print(out, f"wrote {display_path(target)}")
        return
    for i, file in enumerate(files):
        if len(files) > 1:
            mark = "//" if file.path.endswith(".js") else "#"
            click.echo(("\n" if i else "") + f"{mark} ---- {file.path} ----")
        click.echo(file.text, nl=False)


@cli.command()
@click.option("--site-dir", metavar="DIR", default=None,
              help="The built site [default: site_dir of ./mkdocs.yml, else site].")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--bind", metavar="ADDR", default="127.0.0.1", show_default=True)
@click.pass_context
def serve(ctx: click.Context, site_dir: str | None, port: int, bind: str) -> None:
    """Serve a built site as the host configurations do: Markdown to agents that ask.

    \b
    Example:
      mkdocs build && guidebook serve
      curl -H 'Accept: text/markdown' http://127.0.0.1:8000/
    """
    folder = _site_dir(ctx, site_dir)
    if not (folder / "index.html").is_file():
        raise UserError(f"{display_path(folder)}: no built site there (run `mkdocs build` "
                        f"first, or pass --site-dir)")
    try:
        server = make_server(folder, port, bind)
    except OSError as exc:
        raise UserError(f"cannot listen on {bind}:{port}: {exc.strerror or exc}") from None
    host, real_port = server.server_address[:2]
    _print(out, f"Serving {display_path(folder)} at http://{host}:{real_port}/ "
                f"(Markdown twins for Accept: text/markdown; Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


# -- entry point -------------------------------------------------------------------------------


def _fail(message: str, code: int) -> NoReturn:
    _print(err, f"guidebook: error: {message}", "bold red")
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Run the command line; never shows a traceback."""
    run: Callable[..., Any] = cli.main
    try:
        run(args=argv, prog_name="guidebook", obj={})
    except UserError as exc:
        _fail(str(exc), 1)
    except GuideError as exc:
        _emit_problems(exc.problems, "text")
        _fail(_plural(len(exc.problems), "error"), 1)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except Exception as exc:
        detail = str(exc).splitlines()[0] if str(exc) else ""
        _fail(f"unexpected {type(exc).__name__}{': ' + detail if detail else ''} "
              "(please report this)", 2)


if __name__ == "__main__":
    main()
