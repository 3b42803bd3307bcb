"""The plugin's options (`plugins: - guidebook: {...}` in mkdocs.yml)."""

from __future__ import annotations

import re

from mkdocs.config import base
from mkdocs.config import config_options as c

from . import markdown
from .defaults import CHATGPT_URL, CLAUDE_URL
from .exports import DEFAULT_BUDGET, FORMATS
from .hostconfig import PUBLISHED as HOST_FILES
from .load import DEFAULT_MAX_BYTES
from .optioncheck import option_problems
from .site import DEFAULT_BRAND

PUBLISHED_HOSTS = tuple(HOST_FILES)


class LlmsConfig(base.Config):
    """The `llms` options: /llms.txt and /llms-full.txt (llmstxt.org)."""

    enabled = c.Type(bool, default=True)
    """Write /llms.txt (and the index directive at the top of every Markdown export)."""
    sections = c.Type(dict, default={})
    """Extra `##` sections: title -> globs matched against a page's URL or Markdown twin path
    (e.g. {"Getting started": ["index.md", "start/*"]}); the first match wins."""
    details = c.Optional(c.Type(str))
    """Prose written after the summary, before the first section (default: one sentence
    saying the links are Markdown versions of the pages)."""
    full = c.Type(bool, default=True)
    """Also write /llms-full.txt: every guide's export in llms.txt order."""
    budget = c.Type(int, default=DEFAULT_BUDGET)
    """Warn when llms.txt is longer than this many characters."""
    optional = c.ListOfItems(c.Type(str), default=[])
    """Globs of pages listed under `## Optional` (like `optional: true` in a guide)."""


class PageActionsConfig(base.Config):
    """The page action menu (copy/view the Markdown twin, open it in an assistant)."""

    enabled = c.Type(bool, default=True)
    """Show the menu on every page that has a Markdown twin."""
    chatgpt = c.Type(str, default=CHATGPT_URL)
    """URL template of "Open in ChatGPT"; {url} is the twin's URL, encoded. Empty: no item."""
    claude = c.Type(str, default=CLAUDE_URL)
    """URL template of "Open in Claude"; {url} is the twin's URL, encoded. Empty: no item."""


class GuidebookConfig(base.Config):
    """Options of the guidebook plugin; paths resolve relative to mkdocs.yml."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it."""
    guides_dir = c.Dir(exists=False, default="guides")
    """Folder of guide YAML files and StackOne connector files."""
    templates_dir = c.Optional(c.Dir(exists=True))
    """Folder whose templates override the packaged ones of the same name."""
    brand = c.Type(dict, default=DEFAULT_BRAND)
    """The hub vendor: `name`, `hub` and any key guides use as {{ brand.KEY }}."""
    strings = c.Type(dict, default={})
    """The site's own words: message id -> text (`guidebook strings` lists the ids), e.g.
    {"hub.heading": "Connect your account in {{ brand.hub }}"}; applied to every output."""
    title_pattern = c.Optional(c.Type(str))
    """Same as strings: {guide.title: ...} (kept for older configurations)."""
    description_pattern = c.Optional(c.Type(str))
    """Same as strings: {guide.description: ...}."""
    profile_title_pattern = c.Optional(c.Type(str))
    """Same as strings: {profile.title: ...}."""
    profile_description_pattern = c.Optional(c.Type(str))
    """Same as strings: {profile.description: ...}."""
    categories = c.Type(dict, default={})
    """Display names of category ids, e.g. {hris: HRIS, file_storage: File storage}; added to
    the built-in names of the unified categories (hris, ats, crm, lms, iam, ...)."""
    nav_title = c.Optional(c.Type(str))
    """Title of the connectors page and of its section in the navigation (default: the
    message index.title, "Connectors" in English)."""
    nav_group_size = c.Type(int, default=30)
    """Categories with more connectors than this are split into A–Z groups in the sidebar."""
    prune_nav = c.Type(bool, default=True)
    """Turn on Material's navigation.prune, so each page renders only the sidebar it shows."""
    workers = c.Optional(c.Type(int))
    """Processes for the page work (bodies, theme pages, twins, search sections; Linux):
    default every CPU this process may use (its affinity; fewer under a cgroup CPU quota); 1
    does it all in the MkDocs process."""
    parallel = c.Type(bool, default=True)
    """false is `workers: 1` (kept for older configurations)."""
    max_guide_bytes = c.Type(int, default=DEFAULT_MAX_BYTES)
    """Largest guide file accepted, in bytes."""
    whitelabel = c.Type(bool, default=False)
    """Build the white-label variant (also: environment variable GUIDEBOOK_WHITELABEL=1)."""
    whitelabel_brand = c.Optional(c.Type(dict))
    """The partner brand used in white-label builds (same keys as brand)."""
    whitelabel_replace = c.Type(dict, default={})
    """Literal text -> replacement, applied to guide text in white-label builds."""
    whitelabel_forbid = c.Optional(c.ListOfItems(c.Type(str)))
    """Terms no white-label output may contain (default: brand name and hub)."""
    agent_outputs = c.Type(bool, default=True)
    """Markdown twins, llms.txt, llms-full.txt and the page action menu; false builds the HTML
    site alone (the options below then do nothing)."""
    markdown_export = c.Choice(FORMATS, default="stackone")
    """Format of the Markdown twins: `stackone` (HTML blocks and <Steps>) or `plain`."""
    llms = c.SubConfig(LlmsConfig)
    """/llms.txt and /llms-full.txt."""
    page_actions = c.SubConfig(PageActionsConfig)
    """The page action menu and its assistant links."""
    host_configs = c.ListOfItems(c.Choice(PUBLISHED_HOSTS), default=[])
    """Hosts whose configuration files live in the site folder and are written into it
    (`apache`: .htaccess, `netlify`: _headers, `vercel`: vercel.json, `cloudflare`:
    _worker.js), so agents get the Markdown twins there; see `guidebook host-config`."""


_LINK_HINT = ("use an https, http, mailto or tel URL or a site path; javascript:, data: and "
              "other schemes are refused")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _unsafe_links(text: str) -> list[str]:
    """The link and image targets of `text` (read as guide Markdown) that are not allowed."""
    if not markdown.may_link_unsafely(text):
        return []
    return [target for _, target in markdown.links(text) if not markdown.is_safe_url(target)]


def config_problems(cfg: GuidebookConfig, site_url: str | None = None) -> list[str]:
    """What is wrong with the options: the shapes of their values (see `option_problems`),
    then those whose values reach the pages and the Markdown outputs: `brand.*_url` (and the
    white-label brand's) and the page action URLs pass the link allow-list, `nav_title` and
    the title/description patterns are checked like guide text, `site_url` is http(s). Each
    message names the option and the fix."""
    problems = option_problems(cfg)
    if problems:
        return problems
    for option, brand in (("brand", cfg.brand), ("whitelabel_brand", cfg.whitelabel_brand or {})):
        for key, value in brand.items():
            if str(key).endswith("_url") and value not in (None, ""):
                url = str(value)
                if not markdown.is_safe_url(url) or _CONTROL.search(url) or " " in url.strip():
                    problems.append(f"{option}.{key} {url!r} is not an allowed link ({_LINK_HINT})")
            elif isinstance(value, str):  # text guides use as {{ brand.KEY }}: as guide text
                problems += [f"{option}.{key} links to {target!r}, which is not allowed "
                             f"({_LINK_HINT})" for target in _unsafe_links(value)]
    for key in ("chatgpt", "claude"):
        template = str(cfg.page_actions[key] or "")
        if template and markdown.link_scheme(template) not in ("http", "https"):
            problems.append(f"page_actions.{key} {template!r} is not an http(s) URL template "
                            "(use https://...{url}..., or an empty value to drop the item)")
    if site_url and (markdown.link_scheme(site_url) not in ("http", "https")
                     or re.search(r"[\s<>\"'`\\]", site_url)):
        problems.append(f"site_url {site_url!r} is not an http(s) URL (the llms.txt links and "
                        "the Markdown twins point at it; use https://...)")
    title = str(cfg.nav_title) if cfg.nav_title is not None else "Connectors"
    if not title.strip() or _CONTROL.search(title):
        problems.append(f"nav_title {title!r} must be one line of text (it is the title of the "
                        "connectors page and of its section in the navigation)")
    problems += [f"nav_title {title!r} links to {target!r}, which is not allowed ({_LINK_HINT}); "
                 "nav_title is plain text: leave links out" for target in _unsafe_links(title)]
    if problems:
        return problems  # (the messages render the brand)
    from .words import PATTERNS, Words, WordsError

    strings = {message: str(cfg[option]) for option, message in PATTERNS.items()
               if cfg[option] is not None} | {str(k): str(v) for k, v in cfg.strings.items()}
    names = {message: option for option, message in PATTERNS.items()}
    try:
        words = Words(None, strings, {str(k): str(v) for k, v in cfg.brand.items()})
    except WordsError as exc:
        return [str(exc)]
    for message, text in strings.items():
        option = names[message] if message in names and message not in cfg.strings \
            else f"strings.{message}"
        if _CONTROL.search(text.replace("\n", " ")):
            problems.append(f"{option} has control characters: write it on one line")
        try:
            rendered = words.md(message, provider="Harvest", auth="API Key", kind="link-account",
                                action="List users", assistant="Claude", n=1,
                                llms_url="https://example.test/llms.txt",
                                linking_url="", accounts_url="")
        except WordsError as exc:
            problems.append(f"{option}: {exc} (use {{{{ brand.KEY }}}} with a key of the brand "
                            "option and the variables `guidebook strings` shows for it)")
            continue
        problems += [f"{option} links to {target!r}, which is not allowed ({_LINK_HINT})"
                     for target in _unsafe_links(rendered)]
    return problems
