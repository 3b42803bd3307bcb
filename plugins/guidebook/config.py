"""The plugin's options (`plugins: - guidebook: {...}` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .defaults import CHATGPT_URL, CLAUDE_URL
from .exports import DEFAULT_BUDGET, FORMATS
from .hostconfig import PUBLISHED as HOST_FILES
from .load import DEFAULT_MAX_BYTES
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
