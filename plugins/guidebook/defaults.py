"""Defaults several modules share, kept at the bottom of the import graph (no guidebook
imports): the folder of the packaged templates and the page actions' chat URL templates."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# "Open in ChatGPT / Claude": {url} is the twin's URL, quoted for a query string.
CHATGPT_URL = "https://chatgpt.com/?hints=search&q=Read+{url}+so+I+can+ask+questions+about+it."
CLAUDE_URL = "https://claude.ai/new?q=Read+{url}+so+I+can+ask+questions+about+it."


def default_templates_dir() -> Path:
    """The packaged default templates."""
    return Path(str(resources.files("guidebook.templates")))
