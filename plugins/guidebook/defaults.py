"""Defaults several modules share, kept at the bottom of the import graph (no guidebook
imports): the folder of the packaged templates and the page actions' chat URL templates."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from urllib.parse import quote_plus

# "Open in ChatGPT / Claude": the chat's address before the prompt; the default prompt is the
# catalog's `actions.prompt` in the site's language (English here), {url} the twin's URL,
# quoted for a query string.
CHAT_URLS = {"chatgpt": "https://chatgpt.com/?hints=search&q=", "claude": "https://claude.ai/new?q="}
PROMPT = "Read {url} so I can ask questions about it."


def chat_url(assistant: str, prompt: str = PROMPT) -> str:
    """The page action URL template of `assistant` with `prompt` ({url} kept for the twin)."""
    return CHAT_URLS[assistant] + quote_plus(prompt, safe="{}")


CHATGPT_URL = chat_url("chatgpt")
CLAUDE_URL = chat_url("claude")


def default_templates_dir() -> Path:
    """The packaged default templates."""
    return Path(str(resources.files("guidebook.templates")))
