"""The default Markdown twins of guide and connector pages, written in Python.

On a big site the twins are the largest share of the agent outputs' cost, and most of a twin's
time is Jinja's per-node work. When a build uses the packaged `stackone` templates of a twin
unchanged (`GUIDE_TEMPLATES`, `CONNECTOR_TEMPLATES`: none of them is in the team's
`templates_dir`), `guide_twin` and `connector_twin` write the same text two to three times
faster; a team that overrides any of them gets its templates as always. The templates stay the
reference: tests render pages both ways (the example site, the fixtures, generated guides and
fuzzed ones) and require identical output after `tidy`, so a change to one without the other
fails.

This module must not import mkdocs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from . import markdown
from .exports import CALLOUT_TAGS, compact_json, indent_lines
from .mdescape import attr, bullet, href, html_fragment, link, wrap
from .mdescape import html as _e
from .mdescape import text as _text
from .model import Guide, ListItem, Step
from .render import actions_json, display_scopes, step_actions
from .site import ConnectorEntry, GuidePage

# Every template a stackone guide twin is rendered from (the index directive is rendered once
# per build by its own template and handed in as text), and those of a connector page's twin.
GUIDE_TEMPLATES: tuple[str, ...] = (
    "guide.md.jinja", "_base/guide.md.jinja", "partials/scope-panel.md.jinja",
    "partials/section.md.jinja", "partials/step.md.jinja", "partials/hub-link.md.jinja",
    "partials/connector-profile.md.jinja",
)
CONNECTOR_TEMPLATES: tuple[str, ...] = ("connector.md.jinja", "_base/connector.md.jinja")


def applies(fmt: str, templates_dir: Path | None,
            templates: tuple[str, ...] = GUIDE_TEMPLATES) -> bool:
    """True when these twins would come from the packaged `templates` unchanged."""
    if fmt != "stackone":
        return False
    return templates_dir is None or not any((templates_dir / name).exists()
                                            for name in templates)


def _html(source: str | None, width: int) -> str:
    """`source | html | indent_lines(width)`."""
    return indent_lines(html_fragment(markdown.block(source, backticks=True)), width) \
        if source else ""


def _inline(source: str | None) -> str:
    return html_fragment(markdown.inline(source, backticks=True)) if source else ""


def _ticks(scopes: list[str] | tuple[str, ...]) -> str:
    """Scopes as backtick words inside a raw HTML block (HTML-escaped there)."""
    return ", ".join(f"`{_e(scope)}`" for scope in scopes)


def conversions(guide: Guide) -> dict[tuple[str, str], str]:
    """The Markdown conversions the twin of `guide` makes (`guide_twin`, or the packaged
    templates), for `markdown.seeded`: taken right after the guide's page is rendered, they
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
    return found


def guide_twin(guide: Guide, title: str, description: str, *, directive: str,
               brand: Mapping[str, str], whitelabel: bool,
               link: Callable[[str], str]) -> str:
    """The text `guide.md.jinja` renders for a guide page, before `tidy`."""
    out = [f"{directive}\n\n# {_text(title)}\n\n> {_text(description)}\n\n"]
    add = out.append
    if guide.warning:
        add(f"<Warning>\n{_html(guide.warning, 2)}\n</Warning>\n\n")
    for callout in guide.callouts:
        tag = CALLOUT_TAGS.get(callout.type, "Note")
        add(f"<{tag}>\n{_html(callout.text, 2)}\n</{tag}>\n\n")
    if guide.has_scoped_actions:
        add(f'<div data-guides-scope-selector data-guide-actions-json="'
            f'{attr(compact_json(actions_json(guide)))}">\n'
            f"  <p><strong>Select actions to adjust the guide</strong></p>\n\n  <ul>\n")
        for action in guide.actions:
            scopes = _ticks(action.scopes) if action.scopes else "No scopes needed"
            add(f"    <li>{_e(action.label)}: {scopes}</li>\n")
        add("  </ul>\n</div>\n\n")
    for section in guide.sections:
        add(f'<section data-guide-section data-guide-scopes="'
            f'{attr(" ".join(section.scopes))}">\n'
            f"  <h2>{_inline(section.title)}</h2>\n\n")
        _prose(add, section.content, section.list, 2)
        if section.steps:
            add("  <Steps>\n")
            for step in section.steps:
                _step(add, guide, step, link)
            add("  </Steps>\n")
        add("</section>\n\n")
    if not whitelabel:
        if guide.kind == "connector-profile":
            _connector_profile(add, guide, brand)
        else:
            _hub_link(add, guide, brand)
    return "".join(out)


def _prose(add: Callable[[str], None], content: str | None, items: tuple[ListItem, ...],
           width: int) -> None:
    """The content and bullet list a section or a step opens with, indented by `width`."""
    if content:
        add(f"{_html(content, width)}\n\n")
    if items:
        pad = " " * width
        add(f"{pad}<ul>\n")
        for item in items:
            add(f"{pad}  <li>{_inline(item.text)}</li>\n")
        add(f"{pad}</ul>\n\n")


def _step(add: Callable[[str], None], guide: Guide, step: Step,
          link: Callable[[str], str]) -> None:
    shown = (sorted(display_scopes(guide, step.scopes), key=str.lower)
             if step.display_scopes else [])
    add(f'    <Step title="{attr(markdown.plain(step.title))}">\n'
        f'      <div data-guide-step data-guide-scopes="{attr(" ".join(step.scopes))}"'
        f' data-guide-display-scopes-list="{attr(" ".join(shown))}">\n')
    _prose(add, step.content, step.list, 8)
    if step.display_scopes:
        add(f"        <div data-guide-display-scopes>\n"
            f"          <p>Scopes to add: {_ticks(shown)}</p>\n"
            f"          <p>Enables actions: {_e(', '.join(step_actions(guide, step.scopes)))}"
            f"</p>\n        </div>\n\n")
    for image in step.images:
        add(f'        <Frame>\n          <img src="{href(link(image.src)) or ""}" '
            f'alt="{attr(image.alt)}" />\n        </Frame>\n\n')
    add("      </div>\n    </Step>\n\n")


def _fields(add: Callable[[str], None], guide: Guide, intro: str) -> None:
    if not guide.fields:
        return
    add(f'    <Step title="Fill out the fields">\n      {intro}\n\n      <ul>\n')
    for field in guide.fields:
        more = f": {_inline(field.description)}" if field.description else ""
        add(f"        <li><strong>{_e(field.label)}</strong>{more}</li>\n")
    add("      </ul>\n    </Step>\n\n")


def _maybe_link(brand: Mapping[str, str], key: str, words: str) -> str:
    url = href(brand.get(key))
    return f'<a href="{url}">{words}</a>' if url else words


def _hub_link(add: Callable[[str], None], guide: Guide, brand: Mapping[str, str]) -> None:
    methods = _maybe_link(brand, "linking_url", "Linking Account Methods")
    add(f'<div data-whitelabel-hide>\n  <h2>Linking the Account from the Hub</h2>\n\n'
        f'  <Steps>\n    <Step title="Navigate to the Hub">\n'
        f"      Use one of the three {methods} to access the Hub.\n    </Step>\n\n")
    _fields(add, guide, "Fill out the following fields using details from your provider:")
    accounts = _maybe_link(brand, "accounts_url", "Accounts")
    add('    <Step title="Connect">\n      <ul>\n'
        "        <li>Click <strong>Connect</strong></li>\n"
        "        <li>If applicable, the provider will redirect you to a sign-in or "
        "authorization page. Complete the provider's authorization flow.</li>\n"
        "        <li>Once authorization is successful, you will see a confirmation popup</li>\n"
        "      </ul>\n    </Step>\n  </Steps>\n\n"
        f"  <p>If the account linking is successful, you will see the newly linked account in "
        f"your {accounts} page.</p>\n</div>\n")


def _connector_profile(add: Callable[[str], None], guide: Guide,
                       brand: Mapping[str, str]) -> None:
    name = _e(guide.connector.name)
    add(f'<div data-whitelabel-hide>\n  <h2>Creating the Connector Profile</h2>\n\n'
        f'  <Steps>\n    <Step title="Open the connector">\n'
        f"      In {_e(brand['name'])}, go to <strong>Connectors</strong>, find "
        f"<strong>{name}</strong> and choose <strong>Create connector profile</strong> with "
        f"the <strong>{_e(guide.auth_label)}</strong> method.\n    </Step>\n\n")
    _fields(add, guide, "Fill out the following fields with the values you collected above:")
    add('    <Step title="Save the profile">\n'
        f"      Click <strong>Save</strong>. Your end users can now link their {name} "
        f"accounts through the {_e(brand['hub'])}.\n    </Step>\n  </Steps>\n</div>\n")


def connector_twin(entry: ConnectorEntry, *, directive: str,
                   twin_url: Callable[[str], str]) -> str:
    """The text `connector.md.jinja` renders for a connector page, before `tidy`."""
    lead = f"Connection guides for {entry.name}"
    if entry.category != "Other":
        lead += f" ({entry.category})"
    out = [f"{directive}\n\n# {_text(entry.name)}\n\n{wrap(_text(lead + '.'))}\n\n"]
    kinds: dict[str, list[GuidePage]] = {}
    for page in sorted(entry.guides, key=lambda p: p.guide.kind.lower()):  # Jinja's groupby
        kinds.setdefault(page.guide.kind.lower(), []).append(page)
    for kind in sorted(kinds, reverse=True):
        pages = kinds[kind]
        out.append(f"## {_text(pages[0].kind_label)}\n\n")
        for page in pages:
            item = f"{link(page.guide.auth_label, twin_url(page.url))}: {_text(page.description)}"
            out.append(bullet(item) + "\n")
        out.append("\n")
    return "".join(out)
