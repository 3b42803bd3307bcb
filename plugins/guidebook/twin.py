"""What a guide's Markdown twin converts, handed from the page job to the twin writer.

The twin of a guide is rendered from its templates (`guide.md.jinja` and its partials: the one
code path of the Markdown twins; a team changes a twin's structure by overriding them in its
`templates_dir`). Its guide Markdown conversions are the same the HTML page has just made:
`conversions` takes them from the caches right after the page job, and the twin writer renders
the twin with them seeded (`markdown.seeded`), without parsing the guide's text again.

This module must not import mkdocs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from . import markdown
from .model import Guide
from .words import Words

# The messages a guide's twin converts to HTML (its generated blocks), with the guide's names.
TWIN_MESSAGES = ("hub.heading", "hub.open.text", "hub.fields.text", "hub.connect.click",
                 "hub.connect.authorize", "hub.connect.confirm", "hub.done", "profile.heading",
                 "profile.open.text", "profile.fields.text", "profile.save.text",
                 "picker.title", "picker.no_scopes", "step.scopes", "step.enables")
TWIN_TITLES = ("hub.open.title", "hub.fields.title", "hub.connect.title", "profile.open.title",
               "profile.fields.title", "profile.save.title")


def conversions(guide: Guide, words: Words | None = None,
                brand: Mapping[str, str] | None = None,
                link: Callable[[str], str] | None = None) -> dict[tuple[str, str], str]:
    """The Markdown conversions the twin of `guide` makes (its templates), for
    `markdown.seeded`: taken right after the guide's page is rendered, they
    come from the caches, and another process writes the twin without parsing again."""
    found: dict[tuple[str, str], str] = {}
    block, inline = markdown.block, markdown.inline

    def blocks(texts: Iterable[str | None]) -> None:
        for text in texts:
            if text:
                found["block", text.strip()] = block(text)

    def inlines(texts: Iterable[str | None]) -> None:
        for text in texts:
            if text:
                found["inline", text.strip()] = inline(text)

    blocks([guide.warning, *(callout.text for callout in guide.callouts)])
    for section in guide.sections:
        inlines([section.title, *(item.text for item in section.list)])
        blocks([section.content])
        for step in section.steps:
            if step.title:
                found["plain", step.title.strip()] = markdown.plain(step.title)
            blocks([step.content])
            inlines(item.text for item in step.list)
    inlines(field.description for field in guide.fields)
    if words is not None:
        brand = brand or {}
        urls = {key: (link(brand[key]) if link else brand[key]) if brand.get(key) else ""
                for key in ("linking_url", "accounts_url")}
        names = {"provider": guide.connector.name, "auth": guide.auth_label}
        for message in TWIN_MESSAGES:
            text = words.md(message, **names, **urls)
            found["inline", text.strip()] = inline(text)
        for message in TWIN_TITLES:
            text = words.md(message, **names)
            found["plain", text.strip()] = markdown.plain(text)
    return found
