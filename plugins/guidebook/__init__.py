"""guidebook: connection guides from YAML, built into Material for MkDocs sites.

The core (loading, validation, the model, rendering, exports) never imports MkDocs; the MkDocs
plugin lives in `guidebook.plugin` and is found through the `mkdocs.plugins` entry point.
"""

from __future__ import annotations

from importlib import metadata

from .documents import load_file, load_text
from .errors import GuideError, Problem
from .model import Action, Callout, Connector, Field, Guide, Image, ListItem, Section, Source, Step
from .site import GuidePage, GuideSite, Options, load_site

try:
    __version__ = metadata.version("guidebook")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0+unknown"

__all__ = [
    "Action",
    "Callout",
    "Connector",
    "Field",
    "Guide",
    "GuideError",
    "GuidePage",
    "GuideSite",
    "Image",
    "ListItem",
    "Options",
    "Problem",
    "Section",
    "Source",
    "Step",
    "__version__",
    "load_file",
    "load_site",
    "load_text",
]
