"""The guide builder: top-level blocks to the guide's warning, callouts, sections and fields."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import slugify
from ..schema import KEY_HINT, KEY_RE
from .blocks import Attrs, Block, Callout, Heading, Image, List, Prose, Step, Steps, Verbatim
from .parser import MD_LINK, Parser, link_dest, plain
from .report import Context
from .tags import iter_tags
from .writer import out_text

BEFORE_YOU_BEGIN = "Before you begin"
PLACEHOLDER_ACTION_ID = "imported_scopes"


_KNOWN_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("Personal Access Token", re.compile(r"personal access tokens?", re.I)),
    ("Service User", re.compile(r"service users?", re.I)),
    ("OAuth 2.0", re.compile(r"\boauth\s*2(?:\.0)?\b|\boauth\b", re.I)),
    ("API Token", re.compile(r"\bapi tokens?\b", re.I)),
    ("API Key", re.compile(r"\bapi keys?\b", re.I)),
    ("Bearer Token", re.compile(r"\bbearer tokens?\b", re.I)),
    ("Client Credentials", re.compile(r"\bclient credentials\b", re.I)),
    ("Basic Auth", re.compile(r"\bbasic auth(?:entication)?\b|\busername and password\b", re.I)),
)
_OAUTH_HINT = re.compile(r"\b(authori[sz]e|authori[sz]ation page|redirected|consent)\b", re.I)
_CATEGORIES = {
    "accounting": "Accounting", "ats": "ATS", "crm": "CRM", "documents": "Documents",
    "hris": "HRIS", "iam": "IAM", "lms": "LMS", "marketing": "Marketing",
    "messaging": "Messaging", "screening": "Screening", "ticketing": "Ticketing",
}
_BOILERPLATE = (
    re.compile(r"^\s*if you(?:'|’| ha)ve been directed to\b", re.I),
    re.compile(r"^\s*follow these steps to connect\b", re.I),
    re.compile(r"^\s*link an? .+ account in the .+ using .+", re.I),
)
# The title of a section about linking the account in the hub: "Linking your Account", "Link
# your Hibob account with StackOne", "Connect with StackOne", "Use the API Key in the StackOne
# Hub", "Linking the Account from the Hub". A heading that only names the brand ("Allowlist
# StackOne IP addresses", "Find your Hub ID") is an ordinary section.
_HUB_TITLE = re.compile(
    r"^\s*(?:link(?:ing)?\b.*\baccounts?\b"
    r"|(?:link(?:ing)?|connect(?:ing)?|us(?:e|ing)|enter(?:ing)?|add(?:ing)?)\b.*"
    r"\b(?:with|to|in|into|from|on|via)\s+(?:the\s+|your\s+)?(?:stack\s*one|hub)\b)", re.I)
_EXPORT_TITLE = re.compile(
    r"^connect\s+(?P<name>.+?)\s+(?:with|using|via)\s+(?P<auth>.+?)(?:\s+[–—-]\s+.*)?$", re.I
)


@dataclass
class _SectionOut:
    title: str
    line: int
    scopes: tuple[str, ...] = ()
    whitelabel: str | None = None
    parts: list[str | _SubHeading] = field(default_factory=list)
    items: list[str] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _HubOut:
    title: str
    line: int
    whitelabel: str | None = None  # hide: the hub block of a published export
    blocks: list[Block] = field(default_factory=list)


class Builder:
    """Maps top-level blocks to the guide's warning, callouts, sections and fields."""

    def __init__(self, ctx: Context, meta: dict[str, Any], source_name: str, folder: str,
                 source_lines: list[str]) -> None:
        self.ctx = ctx
        self.source_lines = source_lines
        self.meta = meta
        self.source_name = source_name
        self.folder = folder
        self.parser = Parser(ctx)
        self.title: str | None = None
        self.title_line = 1
        self.description: str | None = None
        self.warning: str | None = None
        self.callouts: list[dict[str, str]] = []
        self.sections: list[_SectionOut] = []
        self.cur: _SectionOut | _HubOut | None = None
        self.fields: list[dict[str, str]] = []
        self.headings: list[str] = []
        self.scope_lines: dict[str, int] = {}
        self.step_titles: list[str] = []

    # ---- driving

    def run(self, blocks: list[Block]) -> None:
        blocks = self._header(blocks)
        pending: Attrs | None = None
        chunk_started = False
        for b in blocks:
            if isinstance(b, Attrs) and b.target == "section":
                pending = b
                continue
            if isinstance(b, Heading) and b.level <= 3:
                if pending is not None:
                    b.scopes = pending.scopes
                    pending = None
                self._heading(b)
                chunk_started = True
                continue
            if not chunk_started:
                self._preamble(b)
            else:
                self._add(b)
        self._close()

    def _header(self, blocks: list[Block]) -> list[Block]:
        """Consume the export header: index blockquote, H1 title, description blockquote."""
        meta_title = self.meta.get("title")
        lines = self.meta.get("__lines__", {})
        if isinstance(meta_title, str) and meta_title.strip():
            self.title = meta_title.strip()
            self.title_line = lines.get("title", 1)
        description = self.meta.get("description")
        if isinstance(description, str) and description.strip():
            self._description(description.strip(), lines.get("description", 1))
        for key in self.meta:
            if key not in ("title", "description", "__lines__"):
                self.ctx.warn(lines.get(key, 1), f"frontmatter key {key!r} ignored")
        out: list[Block] = []
        seen_h1 = False
        for k, b in enumerate(blocks):
            if (isinstance(b, Prose) and b.kind == "quote" and not seen_h1 and not out
                    and "documentation index" in b.text.lower()):
                continue
            if isinstance(b, Heading) and b.level == 1 and not seen_h1 and not out:
                seen_h1 = True
                if self.title is None:
                    self.title, self.title_line = b.text, b.line
                else:
                    self.ctx.warn(b.line, f"H1 {b.text!r} dropped: the page title comes from "
                                          "the frontmatter")
                continue
            if (seen_h1 and not out and isinstance(b, Prose) and b.kind == "quote"
                    and k and isinstance(blocks[k - 1], Heading)):
                text = "\n".join(ln.lstrip(">").strip() for ln in b.text.split("\n"))
                self._description(text.strip(), b.line)
                continue
            out.append(b)
        return out

    def _description(self, text: str, line: int) -> None:
        if any(p.search(text) for p in _BOILERPLATE):
            self.ctx.warn(line, "default description dropped (the generator writes its own)")
        else:
            self.description = " ".join(text.split())

    # ---- preamble, headings, sections

    def _preamble(self, b: Block) -> None:
        if isinstance(b, Callout):
            text = self.parser.render_md(b.blocks)
            if not text:
                return
            if b.type == "warning" and self.warning is None:
                self.warning = text
            else:
                self.callouts.append({"type": b.type, "text": text})
            return
        if isinstance(b, Prose) and b.kind == "para" and any(
                p.search(b.text) for p in _BOILERPLATE[:1]):
            self.ctx.warn(b.line, "boilerplate introduction dropped (the generator writes its "
                                  "own): " + _shorten(b.text))
            return
        if isinstance(b, Attrs):
            return
        if self.cur is None:
            self.ctx.warn(b.line, f"content before the first heading put in a section titled "
                                  f"{BEFORE_YOU_BEGIN!r}")
            self._open(_SectionOut(BEFORE_YOU_BEGIN, b.line, whitelabel=b.whitelabel))
        self._add(b)

    def _heading(self, h: Heading) -> None:
        self.headings.append(h.text)
        hub = _HUB_TITLE.search(plain(h.text)) is not None
        cur = self.cur
        if h.level == 3 and isinstance(cur, _HubOut):
            cur.blocks.append(h)
            return
        if (h.level == 3 and isinstance(cur, _SectionOut) and not hub and not cur.steps
                and not cur.title.endswith(" (continued)")):
            # A subheading: kept in the section's content unless it heads its own steps
            # (decided when its steps arrive, see _add_steps).
            self._add_markdown(f"### {h.text}", h.line)
            cur.parts[-1] = _SubHeading(f"### {h.text}", h)
            return
        if hub:
            self._open(_HubOut(h.text, h.line, h.whitelabel))
            return
        self._open(_SectionOut(h.text, h.line, h.scopes, h.whitelabel))
        for scope in h.scopes:
            self.scope_lines.setdefault(scope, h.line)

    def _open(self, section: _SectionOut | _HubOut) -> None:
        self._close(section.line - 1)
        self.cur = section

    def _close(self, end: int | None = None) -> None:
        """Finish the current section; `end` is its last line (default: the end of the file)."""
        cur = self.cur
        self.cur = None
        if cur is None:
            return
        if isinstance(cur, _HubOut):
            end = len(self.source_lines) if end is None else end
            while end > cur.line and not self.source_lines[end - 1].strip():
                end -= 1
            self._close_hub(cur, end)
            return
        if not (cur.parts or cur.items or cur.steps):
            self.ctx.warn(cur.line, f"section {cur.title!r} has no content: dropped")
            return
        self.sections.append(cur)

    def _continued(self, line: int) -> _SectionOut:
        cur = self.cur
        assert isinstance(cur, _SectionOut)
        title = cur.title.removesuffix(" (continued)") + " (continued)"
        self.ctx.warn(line, f"content after the steps of {cur.title!r} moved to a new section "
                            f"{title!r} (give it a better title)")
        new = _SectionOut(title, line, cur.scopes, cur.whitelabel)
        self._open(new)
        return new

    def _add(self, b: Block) -> None:
        cur = self.cur
        if isinstance(cur, _HubOut):
            cur.blocks.append(b)
            return
        assert cur is not None
        if isinstance(b, Attrs):
            return
        if b.whitelabel and b.whitelabel != cur.whitelabel and not isinstance(b, Steps | Step):
            self.ctx.warn(b.line, f"whitelabel: {b.whitelabel} content outside a section or "
                                  "step cannot be hidden: kept visible")
        if isinstance(b, Step):
            b = Steps(b.line, [b], whitelabel=b.whitelabel)
        if isinstance(b, Steps):
            self._add_steps(b)
        elif isinstance(b, List) and b.simple:
            if cur.steps:
                cur = self._continued(b.line)
            cur.items.extend(it.text for it in b.items)
        elif isinstance(b, List) and b.nested and not b.ordered:
            self.ctx.warn(b.line, "nested list kept as a Markdown list in the content "
                                  "(the list key holds flat bullets only)")
            self._add_markdown(self.parser.list_md(b), b.line)
        else:
            md = self.parser.block_md(b)
            if md:
                self._add_markdown(md, b.line)

    def _add_markdown(self, md: str, line: int) -> None:
        cur = self.cur
        assert isinstance(cur, _SectionOut)
        if cur.steps:
            cur = self._continued(line)
        if cur.items:
            cur.parts.append("\n".join(f"- {it}" for it in cur.items))
            cur.items = []
        cur.parts.append(md)

    def _add_steps(self, b: Steps) -> None:
        cur = self.cur
        assert isinstance(cur, _SectionOut)
        # A `###` subheading right before these steps becomes the title of their section.
        if cur.parts and isinstance(cur.parts[-1], _SubHeading) and not cur.items:
            sub = cur.parts.pop()
            assert isinstance(sub, _SubHeading)
            self._open(_SectionOut(sub.heading.text, sub.heading.line, (),
                                   sub.heading.whitelabel))
            cur = self.cur
            assert isinstance(cur, _SectionOut)
        for step in b.steps:
            cur.steps.append(self._step(step, b.whitelabel, cur.whitelabel))

    def _step(self, step: Step, wl: str | None, section_wl: str | None) -> dict[str, Any]:
        self.step_titles.append(step.title)
        parts: list[str] = []
        items: list[str] = []
        images: list[dict[str, str]] = []
        scopes: tuple[str, ...] = ()
        display = False
        moved = False
        for b in step.blocks:
            if isinstance(b, Attrs):
                scopes, display = b.scopes, b.display_scopes
                for scope in scopes:
                    self.scope_lines.setdefault(scope, b.line)
                continue
            if isinstance(b, Image):
                image = {"src": _image_src(b.src)}
                if b.alt:
                    image["alt"] = b.alt
                if b.title:
                    self.ctx.warn(b.line, f"image title {b.title!r} dropped (a step image has "
                                          "a src and an alt text only)")
                images.append(image)
                continue
            moved = moved or bool(images)
            if isinstance(b, List) and b.simple:
                items.extend(it.text for it in b.items)
                continue
            if isinstance(b, List) and b.nested and not b.ordered:
                self.ctx.warn(b.line, "nested list kept as a Markdown list in the content "
                                      "(the list key holds flat bullets only)")
            md = self.parser.block_md(b)
            if not md:
                continue
            if items:
                parts.append("\n".join(f"- {it}" for it in items))
                items = []
            parts.append(md)
        if moved:
            self.ctx.warn(step.line, f"step {step.title!r}: its images are shown after the "
                                     "step text, so text that followed an image now comes "
                                     "before it")
        out: dict[str, Any] = {"title": step.title}
        if parts:
            out["content"] = "\n\n".join(parts)
        if items:
            out["list"] = items
        if images:
            out["images"] = images
        if scopes:
            out["scopes"] = list(scopes)
        if display:
            out["display_scopes"] = True
        step_wl = step.whitelabel or wl
        if step_wl and step_wl != section_wl:
            out["whitelabel"] = step_wl
        return out

    # ---- hub sections

    def _close_hub(self, hub: _HubOut, end: int) -> None:
        found: list[dict[str, str]] = []
        for b in _walk(hub.blocks):
            if isinstance(b, List):
                parsed = [_field_from_item(it.text) for it in b.items]
                if parsed and all(parsed):
                    found.extend(f for f in parsed if f)
            elif isinstance(b, Prose) and b.kind == "para":
                found.extend(_fields_from_sentence(b.text))
        labels = {f["label"] for f in self.fields}
        new = [f for f in found if f["label"] not in labels]
        self.fields.extend(new)
        where = f"lines {hub.line}-{end}" if end > hub.line else f"line {hub.line}"
        if found:
            names = ", ".join(f["label"] for f in new)
            taken = f"fields taken from it: {names}" if new else "its fields were taken already"
            # What the generated hub block does not stand for (cards, callouts, tables ...)
            # keeps its place; inside its steps, it goes with them.
            kept = [b for b in hub.blocks if isinstance(b, Callout | Verbatim)]
            lost = [b for top in hub.blocks if top not in kept for b in _walk([top])
                    if b is not top and isinstance(b, Callout | Verbatim)]
            if kept:
                taken += ("; kept from it, as a section hidden in white-label builds: "
                          + ", ".join(_name(b) for b in kept))
            if lost:
                taken += "; dropped with its steps: " + ", ".join(_name(b) for b in lost)
            self.ctx.warn(hub.line, f"hub section {hub.title!r} ({where}) replaced by the "
                                    f"generated hub block; {taken}")
            if kept:
                self._keep_hub(_HubOut(hub.title, hub.line, hub.whitelabel, kept))
        elif hub.whitelabel == "hide" or not hub.blocks:
            # A published export's own hub block, or a bare heading.
            self.ctx.warn(hub.line, f"hub section {hub.title!r} ({where}) dropped: the "
                                    "generator renders its own hub block (no fields found; "
                                    "add `fields:` by hand)")
        else:
            self.ctx.warn(hub.line, f"hub section {hub.title!r} ({where}) kept as a section "
                                    "hidden in white-label builds, since no field list was "
                                    "found in it: the generated hub block follows the guide, "
                                    "so remove what it repeats and add `fields:` by hand")
            self._keep_hub(hub)

    def _keep_hub(self, hub: _HubOut) -> None:
        """The hub section's blocks as a section (or more), hidden in white-label builds."""
        self.cur = _SectionOut(hub.title, hub.line, whitelabel="hide")
        for b in hub.blocks:
            b.whitelabel = b.whitelabel or "hide"
            if isinstance(b, Heading):
                self._heading(b)
            else:
                self._add(b)
        self._close()

    # ---- the guide

    def guide(self, source: str, *, connector_key: str | None, connector_name: str | None,
              auth_label: str | None, kind: str | None) -> dict[str, Any]:
        name, label_from_title = self._name_and_label()
        if connector_name:
            name = connector_name
        if not name:
            raise self.ctx.fail(1, "no connector name: the file has no frontmatter title or H1 "
                                   "(pass --connector-name)")
        if connector_key is not None:
            if not KEY_RE.match(connector_key):
                raise self.ctx.fail(1, f"the connector key {connector_key!r} is not valid "
                                       f"({KEY_HINT})")
            key = connector_key
        else:
            key = slugify(name)
            if not re.match(r"^[a-z0-9][a-z0-9-]*$", key or ""):
                raise self.ctx.fail(self.title_line, f"cannot make a connector key from "
                                                     f"{name!r} (pass --connector-key)")
        label = auth_label or label_from_title
        if not label:
            label = self._guess_label(source)
            self.ctx.warn(self.title_line, f"auth label guessed as {label!r} from the text "
                                           "(pass --auth-label to set it)")
        if not self.sections:
            raise self.ctx.fail(1, "nothing to import: no section with content was found")
        connector: dict[str, Any] = {"key": key, "name": name}
        category = self._category(key)
        if category:
            connector["category"] = category
        guide: dict[str, Any] = {"connector": connector}
        if kind and kind != "link-account":
            guide["kind"] = kind
        guide["auth"] = {"label": label}
        if self.description:
            guide["description"] = out_text(self.description)
        if self.warning:
            guide["warning"] = out_text(self.warning)
        if self.callouts:
            guide["callouts"] = [{"type": c["type"], "text": out_text(c["text"])}
                                 for c in self.callouts]
        actions = self._actions(source)
        if actions:
            guide["actions"] = actions
        guide["sections"] = [self._section(s) for s in self.sections]
        if self.fields:
            guide["fields"] = [
                out_text(f["label"]) if "description" not in f else
                {"label": out_text(f["label"]), "description": out_text(f["description"])}
                for f in self.fields
            ]
        return guide

    def _section(self, s: _SectionOut) -> dict[str, Any]:
        out: dict[str, Any] = {"title": out_text(s.title)}
        parts = [p.text if isinstance(p, _SubHeading) else p for p in s.parts]
        if parts:
            out["content"] = out_text("\n\n".join(parts))
        if s.items:
            out["list"] = [out_text(it) for it in s.items]
        if s.scopes:
            out["scopes"] = list(s.scopes)
        if s.whitelabel:
            out["whitelabel"] = s.whitelabel
        if s.steps:
            out["steps"] = [_step_out(step) for step in s.steps]
        return out

    def _name_and_label(self) -> tuple[str | None, str | None]:
        title = self.title
        if not title:
            return None, None
        title = re.sub(r"[*_`]", "", title).strip()
        m = _EXPORT_TITLE.match(title)
        if m:
            return m.group("name").strip(), m.group("auth").strip()
        parts = re.split(r"\s+[-–—|]\s+|:\s+", title, maxsplit=1)
        if len(parts) == 2 and parts[1].strip():
            return parts[0].strip(), parts[1].strip()
        return title, None

    def _guess_label(self, source: str) -> str:
        scores: dict[str, int] = {}
        texts = [(h, 3) for h in self.headings] + [(t, 2) for t in self.step_titles]
        texts.append((source, 1))
        for label, pattern in _KNOWN_LABELS:
            score = sum(len(pattern.findall(t)) * w for t, w in texts)
            if score:
                scores[label] = score
        if scores:
            return max(scores, key=lambda k: scores[k])
        return "OAuth 2.0" if _OAUTH_HINT.search(source) else "API Key"

    def _category(self, key: str) -> str | None:
        found = category_of(self.source_name, self.folder, key)
        return _CATEGORIES[found[0]] if found else None

    def _actions(self, source: str) -> list[dict[str, Any]]:
        actions: list[dict[str, Any]] = []
        for tag in iter_tags(source):
            raw = tag.attrs.get("data-guide-actions-json")
            if raw is None or tag.closing:
                continue
            line = source.count("\n", 0, tag.start) + 1
            try:
                data = json.loads(html.unescape(raw))
            except ValueError as exc:
                self.ctx.warn(line, f"data-guide-actions-json is not valid JSON ({exc}): "
                                    "ignored")
                continue
            if isinstance(data, dict):
                data = data.get("actions", [])
            for item in data if isinstance(data, list) else []:
                action = _action(item)
                if action is None:
                    self.ctx.warn(line, f"action {str(item)[:60]} has no id: ignored")
                elif all(a["id"] != action["id"] for a in actions):
                    actions.append(action)
        declared = {s for a in actions for s in a.get("scopes", [])}
        used: list[str] = []
        for s in self.sections:
            for scope in [*s.scopes, *(x for st in s.steps for x in st.get("scopes", []))]:
                if scope not in declared and scope not in used:
                    used.append(scope)
        if used:
            line = min(self.scope_lines.get(s, 1) for s in used)
            self.ctx.warn(line, f"no action declares the scopes {', '.join(used)}: added a "
                             f"placeholder action {PLACEHOLDER_ACTION_ID!r} (replace it with "
                             "the real actions)")
            actions.append({"id": PLACEHOLDER_ACTION_ID, "label": "Imported scopes",
                            "scopes": used})
        return actions


def category_of(source_name: str, folder: str, key: str) -> tuple[str, str] | None:
    """(category id, the rest of the file name) from a name such as `crm-hubspot-oauth.mdx`
    (`crm`, `oauth`) or a category folder (`crm/hubspot.mdx`); None when neither names one.

    A name prefix counts only when the connector key follows it.
    """
    stem = Path(source_name).stem
    prefix, _, rest = stem.partition("-")
    if prefix in _CATEGORIES and (rest == key or rest.startswith(key + "-")):
        return prefix, rest.removeprefix(key).strip("-")
    if folder in _CATEGORIES:
        return folder, stem.removeprefix(key).strip("-") if stem.startswith(key) else stem
    return None


@dataclass
class _SubHeading:
    """A `###` line in a section's content, remembered in case steps follow it."""

    text: str
    heading: Heading


def _step_out(step: dict[str, Any]) -> dict[str, Any]:
    out = dict(step)
    for key in ("title", "content"):
        if key in out:
            out[key] = out_text(out[key])
    if "list" in out:
        out["list"] = [out_text(x) for x in out["list"]]
    if "images" in out:
        out["images"] = [dict(i, alt=out_text(i["alt"])) if "alt" in i else i for i in out["images"]]
    return out


def _walk(blocks: list[Block]) -> Iterator[Block]:
    for b in blocks:
        yield b
        if isinstance(b, Steps):
            for s in b.steps:
                yield s
                yield from _walk(s.blocks)
        elif isinstance(b, Step | Callout):
            yield from _walk(b.blocks)


def _action(item: Any) -> dict[str, Any] | None:
    if not isinstance(item, dict):
        return None
    action_id = item.get("id") or item.get("action_id") or item.get("key")
    if not isinstance(action_id, str) or not action_id.strip():
        return None
    label = item.get("label") or item.get("name") or item.get("title") or action_id
    scopes = item.get("scopes") or item.get("required_scopes") or item.get("requiredScopes")
    out: dict[str, Any] = {"id": action_id.strip(), "label": str(label).strip()}
    if isinstance(scopes, list):
        clean = list(dict.fromkeys(str(s).strip() for s in scopes if str(s).strip()))
        if clean:
            out["scopes"] = clean
    return out


def _field_from_item(text: str) -> dict[str, str] | None:
    """A hub field from a bullet: `**Label** description` or `Label: description`."""
    text = text.strip()
    m = re.match(r"^\*\*(.+?)\*\*(.*)$", text, re.S)
    if m:
        label_md, rest = m.group(1), m.group(2)
    else:
        m = re.match(r"^([A-Za-z][^:*`\[\]]{0,40}?):\s+(.+)$", text, re.S)
        if not m or len(m.group(1).split()) > 5:
            return None
        label_md, rest = m.group(1), m.group(2)
    label = plain(label_md).rstrip(":").strip()
    if not label or len(label.split()) > 6:
        return None
    description = re.sub(r"^[\s:–—-]+", "", rest).strip()
    link = MD_LINK.search(label_md)
    if not description and link and link_dest(link):
        description = f"See [{link.group(2)}]({link_dest(link)})."
    out = {"label": label}
    if description:
        out["description"] = description
    return out


def _fields_from_sentence(text: str) -> list[dict[str, str]]:
    """Fields named in code spans by a sentence such as "enter the `A`, `B` and `C`"."""
    out: list[dict[str, str]] = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if not re.search(r"\b(enter|fill|paste|input|provide)\b", sentence, re.I):
            continue
        names = re.findall(r"`([^`]+)`", sentence)
        if len(names) >= 2:
            out.extend({"label": n.strip()} for n in names if n.strip())
    return out


def _image_src(src: str) -> str:
    if src.startswith("/") and not src.startswith("//"):
        return src.lstrip("/")
    return src


def _name(b: Callout | Verbatim) -> str:
    """A block as a warning names it: `<Card> (line 211)`, `note callout (line 9)`."""
    what = b.what if isinstance(b, Verbatim) else f"{b.type} callout"
    return f"{what} (line {b.line})"


def _shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
