"""The plugin's options (`plugins: - guidebook: {...}` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import base
from mkdocs.config import config_options as c

from .load import DEFAULT_MAX_BYTES
from .site import (
    DEFAULT_BRAND,
    DESCRIPTION_PATTERN,
    PROFILE_DESCRIPTION_PATTERN,
    PROFILE_TITLE_PATTERN,
    TITLE_PATTERN,
)


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
    title_pattern = c.Type(str, default=TITLE_PATTERN)
    """Default title of link-account guides (Jinja: provider, auth, brand, article filter)."""
    description_pattern = c.Type(str, default=DESCRIPTION_PATTERN)
    """Default description of link-account guides."""
    profile_title_pattern = c.Type(str, default=PROFILE_TITLE_PATTERN)
    """Default title of connector-profile guides."""
    profile_description_pattern = c.Type(str, default=PROFILE_DESCRIPTION_PATTERN)
    """Default description of connector-profile guides."""
    nav_title = c.Type(str, default="Connectors")
    """Title of the connectors page and of its section in the navigation."""
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
