"""The scanner: MDX and Markdown text (frontmatter, blocks, inline HTML/JSX) to blocks."""

from __future__ import annotations

import posixpath
import re
from typing import Any

import yaml
from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from .blocks import Attrs, Block, Callout, Heading, Image, Item, List, Prose, Step, Steps, Verbatim
from .report import Context
from .tags import (
    AUTOLINK,
    JsxTag,
    closes_fence,
    dedent,
    find_close,
    lex_tag,
    mask_code,
    strip_jsx,
    unmask,
)

# Mintlify callout components and the callout type each becomes.
_CALLOUTS = {
    "Warning": "warning", "Note": "note", "Info": "info", "Tip": "tip", "Check": "tip",
    "Danger": "danger", "Caution": "warning", "Error": "danger",
}
# Components and HTML tags that sit inside a line of text rather than forming a block.
_INLINE_TAGS = {
    "Icon", "Tooltip", "Badge", "Kbd", "a", "b", "strong", "i", "em", "code", "span", "br",
    "kbd", "sup", "sub", "u", "small", "mark", "s", "del", "abbr",
}


_CONTAINERS = {"div", "section", "article", "main", "header", "footer", "aside", "span"}


_HEADING = re.compile(r"^(#{1,6})(?:[ \t]+(.*?))?[ \t]*#*[ \t]*$")
_LIST_ITEM = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])([ \t]+|$)(.*)$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_URL = r"((?:[^()\s<>]|\([^()\s]*\))*)"  # one level of parentheses, as in `f(1)`
# A link or image: [text](dest "title"), where dest may be in angle brackets (`<my shot.png>`).
_LINK_REST = (r"\[([^\]]*)\]\(\s*(?:<([^<>\n]*)>|" + _URL + r")"
              r"(?:\s+(?:\"([^\"]*)\"|'([^']*)'))?\s*\)")
_MD_IMAGE = re.compile(r"(!)" + _LINK_REST)
MD_LINK = re.compile(r"(!?)" + _LINK_REST)
BRAND = re.compile(r"\bStack[Oo]ne\b")  # the brand name, which guides write as {{ brand.name }}
_MDX_COMMENT = re.compile(r"[ \t]?\{/\*([\s\S]*?)\*/\}")
_UNSAFE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.I)


_TABLE_MESSAGE = ("table kept as a Markdown table in the content (the guide format has no "
                  "table key; check it reads well)")


def split_frontmatter(text: str, ctx: Context) -> tuple[dict[str, Any], str, int]:
    """(frontmatter mapping, body text, line number of the body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return {}, text, 1
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            try:
                meta = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark else 1
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise ctx.fail(line, f"the frontmatter is not valid YAML: {problem}") from None
            if not isinstance(meta, dict):
                raise ctx.fail(1, "the frontmatter must be a mapping of keys")
            meta_lines = {}
            for j in range(1, i):
                key = lines[j].split(":", 1)[0].strip()
                meta_lines.setdefault(key, j + 1)
            meta["__lines__"] = meta_lines
            return meta, "\n".join(lines[i + 1:]), i + 2
    raise ctx.fail(1, "the frontmatter is not closed with '---'")


def link_dest(m: re.Match[str]) -> str:
    """The destination of a match of MD_LINK."""
    return m.group(3) if m.group(3) is not None else m.group(4)


def link_title(m: re.Match[str]) -> str | None:
    """The title of a match of MD_LINK, if it has one."""
    return m.group(5) if m.group(5) is not None else m.group(6)


def md_dest(src: str) -> str:
    """A link destination as Markdown: in angle brackets when it holds spaces or parentheses."""
    return f"<{src}>" if re.search(r"[\s()<>]", src) else src


def plain(md: str) -> str:
    """Inline Markdown reduced to its text (links to their text, emphasis removed)."""
    md = MD_LINK.sub(lambda m: m.group(2), md)
    return re.sub(r"[*_`]+", "", md).strip()


def _scopes(value: str | None) -> tuple[str, ...]:
    return tuple(s for s in re.split(r"[\s,]+", value or "") if s)


class Parser:
    """Splits MDX/Markdown text into blocks that remember their source line."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx

    # ---- block level

    def parse(self, text: str, line0: int, *, top: bool = False) -> list[Block]:
        """Blocks of `text`, whose first line is line `line0` of the source file."""
        lines = text.split("\n")
        starts = [0]
        for ln in lines[:-1]:
            starts.append(starts[-1] + len(ln) + 1)
        blocks: list[Block] = []
        i = 0
        n = len(lines)
        while i < n:
            raw = lines[i]
            s = raw.strip()
            lineno = line0 + i
            if not s:
                i += 1
                continue
            indent = len(raw) - len(raw.lstrip(" "))
            if s.startswith(("```", "~~~")):
                j = i + 1
                while j < n and not closes_fence(lines[j], s):
                    j += 1
                code = [ln[indent:] if ln[:indent].strip() == "" else ln.lstrip() for ln in
                         lines[i:j + 1]]
                blocks.append(self._code(lineno, "\n".join(code).rstrip()))
                i = j + 1
                continue
            if s.startswith(("<!--", "{/*")):
                opener, closer = ("<!--", "-->") if s.startswith("<!--") else ("{/*", "*/}")
                j = i
                while j < n and closer not in lines[j]:
                    j += 1
                comment = dedent("\n".join(lines[i:j + 1]).strip())
                self.ctx.comment(lineno, comment.removeprefix(opener).split(closer)[0])
                rest = "\n".join(lines[i:j + 1]).split(closer, 1)[-1] if j < n else ""
                if rest.strip():
                    blocks.extend(self.parse(rest, line0 + j))
                i = j + 1
                continue
            if top and re.match(r"^(import|export)\s", s):
                self.ctx.warn(lineno, f"MDX {s.split()[0]} statement dropped: {s[:60]}")
                i += 1
                continue
            m = _HEADING.match(s)
            if m:
                title = re.sub(r"\s*\{#[^}]*\}\s*$", "", m.group(2) or "")
                blocks.extend(self._heading(lineno, len(m.group(1)), self.inline(title, lineno)))
                i += 1
                continue
            if s.startswith("<"):
                consumed = self._tag_block(text, starts[i] + indent, lines, i, line0, blocks)
                if consumed:
                    i = consumed
                    continue
            if s.startswith("|"):
                j = i
                while j < n and lines[j].strip().startswith("|"):
                    j += 1
                blocks.append(Verbatim(lineno, "\n".join(ln.strip() for ln in lines[i:j]),
                                        "table", _TABLE_MESSAGE))
                i = j
                continue
            if _RULE.match(raw):
                blocks.append(Prose(lineno, "---", "rule"))
                i += 1
                continue
            if _LIST_ITEM.match(raw):
                i = self._list(lines, i, line0, blocks)
                continue
            if s.startswith(">"):
                j = i
                while j < n and lines[j].strip().startswith(">"):
                    j += 1
                quote = "\n".join(ln.strip() for ln in lines[i:j])
                blocks.append(Prose(lineno, self.inline(quote, lineno), "quote"))
                i = j
                continue
            i = self._paragraph(lines, i, line0, blocks)
        return blocks

    def _code(self, line: int, fenced: str) -> Prose:
        """A fenced code block, kept as written (the brand too, with a warning)."""
        if BRAND.search(fenced):
            self.ctx.warn(line, "code block names StackOne: kept as written, so white-label "
                                "builds show it too")
        return Prose(line, fenced, "code")

    def _starts_block(self, line: str) -> bool:
        s = line.strip()
        if not s:
            return True
        if s.startswith(("```", "~~~", "<!--", "{/*", ">")) or _HEADING.match(s):
            return True
        if _LIST_ITEM.match(line) and not re.match(r"^\s*\d", line):
            return True
        m = re.match(r"^<(/?)([A-Za-z][\w.:-]*)", s)
        return m is not None and not AUTOLINK.match(s) and (
            bool(m.group(1)) or m.group(2) not in _INLINE_TAGS)

    def _paragraph(self, lines: list[str], i: int, line0: int, blocks: list[Block]) -> int:
        j = i + 1
        while j < len(lines) and not self._starts_block(lines[j]):
            if re.match(r"^\s*(=+|-+)\s*$", lines[j]):  # setext heading
                level = 1 if "=" in lines[j] else 2
                title = " ".join(ln.strip() for ln in lines[i:j])
                blocks.extend(self._heading(line0 + i, level, self.inline(title, line0 + i)))
                return j + 1
            j += 1
        text = "\n".join(ln.strip() for ln in lines[i:j])
        self._add_prose(self.inline(text, line0 + i), line0 + i, blocks)
        return j

    def _add_prose(self, text: str, line: int, blocks: list[Block]) -> None:
        """A paragraph, or image blocks when it holds nothing but Markdown images."""
        text = text.strip()
        if not text:
            return
        images = list(_MD_IMAGE.finditer(text))
        if images and not _MD_IMAGE.sub("", text).strip():
            for m in images:
                offset = text.count("\n", 0, m.start())
                blocks.append(Image(line + offset, link_dest(m), m.group(2).strip(),
                                    link_title(m)))
            return
        blocks.append(Prose(line, text))

    def _list(self, lines: list[str], i: int, line0: int, blocks: list[Block]) -> int:
        """Parse the Markdown list starting at line i; returns the index after it."""
        first = _LIST_ITEM.match(lines[i])
        assert first is not None
        ordered = first.group(2)[0].isdigit()
        items: list[tuple[int, list[str]]] = []  # (line index, content lines)
        content_indent = 0
        j = i
        n = len(lines)
        prev_blank = False
        while j < n:
            line = lines[j]
            if not line.strip():
                k = j + 1
                while k < n and not lines[k].strip():
                    k += 1
                if k >= n:
                    break
                nxt = lines[k]
                nindent = len(nxt) - len(nxt.lstrip(" "))
                m = _LIST_ITEM.match(nxt)
                if nindent >= content_indent or (
                    m and m.group(2)[0].isdigit() == ordered and not _RULE.match(nxt)
                ):
                    items[-1][1].extend([""] * (k - j))
                    j = k
                    prev_blank = True
                    continue
                break
            indent = len(line) - len(line.lstrip(" "))
            m = _LIST_ITEM.match(line)
            if m and (indent < content_indent or not items):
                if _RULE.match(line) or m.group(2)[0].isdigit() != ordered:
                    break
                spaces = len(m.group(3))
                width = len(m.group(2)) + (spaces if 0 < spaces <= 4 else 1)
                content_indent = indent + width
                items.append((j, [m.group(4)]))
            elif indent >= content_indent or (not prev_blank and not self._starts_block(line)):
                cut = min(indent, content_indent)
                items[-1][1].append(line[cut:])
            else:
                break
            prev_blank = False
            j += 1
        out: list[Item] = []
        for idx, content in items:
            while content and not content[-1].strip():
                content.pop()
            sub = self.parse("\n".join(content), line0 + idx)
            if len(sub) == 1 and isinstance(sub[0], Prose) and sub[0].kind == "para":
                out.append(Item(" ".join(ln.strip() for ln in sub[0].text.split("\n"))))
            elif not sub:
                out.append(Item(""))
            else:
                out.append(Item(self._item_md(sub), complex=True,
                                 nested=any(isinstance(b, List) for b in sub)))
        out = [it for it in out if it.text.strip()]
        if out:
            blocks.append(List(line0 + i, ordered, out))
        return j

    def _item_md(self, blocks: list[Block]) -> str:
        """Blocks of one list item as Markdown; a list right after a paragraph stays tight."""
        out = ""
        for k, b in enumerate(blocks):
            md = self.block_md(b)
            if not md:
                continue
            tight = isinstance(b, List | Image) and k and isinstance(blocks[k - 1], Prose)
            out += ("\n" if tight else "\n\n") + md if out else md
        return out

    def _tag_block(self, text: str, pos: int, lines: list[str], i: int, line0: int,
                   blocks: list[Block]) -> int:
        """Parse the element starting at text[pos]; returns the next line index or 0."""
        tag = lex_tag(text, pos)
        lineno = line0 + i
        if tag is None:
            return 0
        if tag.closing:
            self.ctx.warn(lineno, f"closing tag </{tag.name}> without an opening tag ignored")
            rest_start, rest_end = tag.end, text.find("\n", tag.end)
        else:
            if tag.name in _INLINE_TAGS:
                return 0
            if tag.name == "img":
                line_end = text.find("\n", tag.end)
                line_end = len(text) if line_end < 0 else line_end
                if text[tag.end:line_end].strip():
                    return 0  # text follows the image on its line: a paragraph
            if tag.self_closing:
                inner, close_end, inner_line = "", tag.end, lineno
            else:
                close = find_close(text, tag)
                if close is None:
                    raise self.ctx.fail(lineno, f"<{tag.name}> is never closed "
                                                f"(add </{tag.name}>)")
                inner = text[tag.end:close.start]
                close_end = close.end
                inner_line = line0 + text.count("\n", 0, tag.end)
            raw = text[pos:close_end]
            blocks.extend(self._element(tag, inner, inner_line, raw, lineno))
            rest_start, rest_end = close_end, text.find("\n", close_end)
        rest_end = len(text) if rest_end < 0 else rest_end
        end_line = text.count("\n", 0, rest_start)
        rest = text[rest_start:rest_end]
        if rest.strip():
            blocks.extend(self.parse(rest, line0 + end_line))
        return end_line + 1

    def _element(self, tag: JsxTag, inner: str, inner_line: int, raw: str,
                 line: int) -> list[Block]:
        name = tag.name
        lower = name.lower()
        if name in _CALLOUTS:
            blocks = self.parse(inner, inner_line)
            title = (tag.attrs.get("title") or "").strip()
            if title:  # the guide format's callouts have no title: it leads their text
                blocks.insert(0, Prose(line, f"**{self.inline(title, line)}**"))
            return [Callout(line, _CALLOUTS[name], blocks)]
        if name == "Steps":
            return [self._steps(tag, inner, inner_line, line)]
        if name == "Step":
            return [self._step(tag, inner, inner_line, line)]
        if name == "Frame":
            sub = self.parse(inner, inner_line)
            caption = tag.attrs.get("caption")
            for b in sub:
                if isinstance(b, Image) and caption and not b.alt:
                    b.alt = caption
                    caption = None
            if caption:
                sub.append(Prose(line, f"*{caption}*"))
            return sub
        if lower == "img":
            src = tag.attrs.get("src") or ""
            if not src:
                self.ctx.warn(line, "<img> without src dropped")
                return []
            return [Image(line, self.image_src(src, line), (tag.attrs.get("alt") or "").strip(),
                          tag.attrs.get("title") or None)]
        if lower in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return self._heading(line, int(lower[1]), self.html_md(inner, inner_line))
        if lower == "p":
            out: list[Block] = []
            self._add_prose(self.html_md(inner, inner_line), line, out)
            return out
        if lower in ("ul", "ol"):
            masked, codes = mask_code(strip_jsx(raw))
            element = BeautifulSoup(masked, "html.parser").find(lower)
            assert isinstance(element, Tag)
            return [self._html_list(element, line, codes)]
        if lower == "pre":
            soup = BeautifulSoup(inner, "html.parser")
            code = soup.get_text().strip("\n")
            element = soup.find("code")
            classes = element.get("class") or [] if isinstance(element, Tag) else []
            lang = next((c.removeprefix("language-") for c in classes
                         if c.startswith("language-")), "")
            # A fence longer than any run of backticks that starts a line of the code.
            runs = re.findall(r"^[ \t]*(`+)", code, re.M)
            fence = "`" * max([3, *(len(r) + 1 for r in runs)])
            return [self._code(line, f"{fence}{lang}\n{code}\n{fence}")]
        if lower == "blockquote":
            quote = self.html_md(inner, inner_line).strip()
            return [Prose(line, "\n".join("> " + ln if ln else ">" for ln in
                                           quote.split("\n")), "quote")]
        if lower == "hr":
            return [Prose(line, "---", "rule")]
        if lower == "br":
            return []
        if lower in _CONTAINERS:
            return self._container(tag, inner, inner_line, line)
        if lower == "table":
            table = self._html_table(raw, line)
            if table:
                return [Verbatim(line, table, "table", "HTML " + _TABLE_MESSAGE)]
        return [Verbatim(line, dedent(strip_jsx(raw)), f"<{name}>")]

    def _html_table(self, raw: str, line: int) -> str | None:
        """A simple HTML table as a Markdown table (None when a cell spans or holds blocks)."""
        masked, codes = mask_code(strip_jsx(raw))
        rows = []
        for tr in BeautifulSoup(masked, "html.parser").find_all("tr"):
            cells = tr.find_all(["th", "td"], recursive=False)
            if any(c.get("rowspan") or c.get("colspan") for c in cells):
                return None
            row = [unmask("".join(self._node_md(x, line) for x in c.children), codes).strip()
                   for c in cells]
            if any("\n" in c for c in row):
                return None
            rows.append([c.replace("|", "\\|") for c in row])
        if not rows:
            return None
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(lines)

    def _heading(self, line: int, level: int, text: str) -> list[Block]:
        text = " ".join(text.split())
        if not plain(text):
            self.ctx.warn(line, "empty heading ignored")
            return []
        return [Heading(line, level, text)]

    def _container(self, tag: JsxTag, inner: str, inner_line: int, line: int) -> list[Block]:
        attrs = tag.attrs
        sub = self.parse(inner, inner_line)
        if "data-guide-step" in attrs:
            shown = (attrs.get("data-guide-display-scopes-list") or "").strip().lower()
            sub.insert(0, Attrs(line, "step", _scopes(attrs.get("data-guide-scopes")),
                                 shown not in ("", "false", "0")))
        elif "data-guide-section" in attrs:
            sub.insert(0, Attrs(line, "section", _scopes(attrs.get("data-guide-scopes"))))
        wl = "hide" if "data-whitelabel-hide" in attrs else (
            "only" if "data-whitelabel-only" in attrs else None)
        if wl:
            for b in sub:
                b.whitelabel = b.whitelabel or wl
        return sub

    def _steps(self, tag: JsxTag, inner: str, inner_line: int, line: int) -> Steps:
        steps: list[Step] = []
        stray: list[Block] = []
        for b in self.parse(inner, inner_line):
            if isinstance(b, Step):
                b.blocks[:0] = stray
                stray = []
                steps.append(b)
            elif isinstance(b, Steps):
                steps.extend(b.steps)
            elif steps:
                self.ctx.warn(b.line, "content between <Step> elements added to the step "
                                      "before it")
                steps[-1].blocks.append(b)
            else:
                self.ctx.warn(b.line, "content before the first <Step> added to the first step")
                stray.append(b)
        if stray:
            steps.append(Step(line, "Steps", stray))
            self.ctx.warn(line, "<Steps> without <Step> elements: made a step titled 'Steps'")
        return Steps(line, steps)

    def _step(self, tag: JsxTag, inner: str, inner_line: int, line: int) -> Step:
        title = (tag.attrs.get("title") or "").strip()
        if not title:
            self.ctx.warn(line, "<Step> without a title: titled 'Step'")
            title = "Step"
        return Step(line, self.inline(title, line), self.parse(inner, inner_line))

    def _html_list(self, element: Tag, line: int, codes: list[str]) -> List:
        items: list[Item] = []
        for li in element.find_all("li", recursive=False):
            sublists = [c for c in li.children if isinstance(c, Tag) and c.name in ("ul", "ol")]
            text_parts = []
            for child in li.children:
                if isinstance(child, Tag) and child.name in ("ul", "ol"):
                    continue
                text_parts.append(self._node_md(child, line))
            text = unmask("".join(text_parts), codes).strip()
            text = self._safe_links(" ".join(ln.strip() for ln in text.split("\n")
                                             if ln.strip()), line)
            if sublists:
                md = [text] if text else []
                md.extend(self.list_md(self._html_list(sub, line, codes)) for sub in sublists)
                items.append(Item("\n".join(md), complex=True, nested=True))
            elif text:
                items.append(Item(text))
        return List(line, element.name == "ol", items)

    # ---- inline level

    def inline(self, text: str, line: int) -> str:
        """Markdown text with inline HTML/JSX converted to Markdown and MDX comments taken out
        (kept as YAML comments, as whole-line ones are)."""
        if "{/*" in text:
            text = self._drop_comments(text, line)
        if "<" in text:
            text = self.html_md(text, line)
        return self._safe_links(text, line)

    def _drop_comments(self, text: str, line: int) -> str:
        masked, codes = mask_code(text)

        def drop(m: re.Match[str]) -> str:
            self.ctx.comment(line + masked.count("\n", 0, m.start()), unmask(m.group(1), codes))
            return ""

        return unmask(_MDX_COMMENT.sub(drop, masked), codes)

    def html_md(self, fragment: str, line: int) -> str:
        """An HTML/JSX fragment as Markdown (backtick code spans kept as written)."""
        masked, codes = mask_code(strip_jsx(fragment))
        soup = BeautifulSoup(masked, "html.parser")
        md = "".join(self._node_md(child, line) for child in soup.children)
        md = re.sub(r"\n{3,}", "\n\n", md)
        md = re.sub(r"(?<=\S) {2,}(?=\S)", " ", md)  # the gap a dropped <Icon> leaves
        return self._safe_links(unmask(md, codes), line).strip()

    def _node_md(self, node: Any, line: int) -> str:
        if isinstance(node, Comment):
            self.ctx.comment(line, str(node))
            return ""
        if isinstance(node, NavigableString):
            return re.sub(r"<(?=[A-Za-z/!])", "&lt;", str(node))
        if not isinstance(node, Tag):
            return ""
        at = line + (node.sourceline or 1) - 1
        name = node.name
        inner = "".join(self._node_md(c, line) for c in node.children)
        if name in ("b", "strong"):
            return _wrap(inner, "**")
        if name in ("i", "em"):
            return _wrap(inner, "*")
        if name in ("code", "kbd"):
            code = node.get_text()
            fence = "``" if "`" in code else "`"
            return f"{fence}{code}{fence}" if code.strip() else ""
        if name == "a":
            href = str(node.get("href") or "").strip()
            if not href:
                return inner
            if _UNSAFE_URL.match(href):
                self.ctx.warn(at, f"link to {href.split(':')[0]}: URL dropped, text kept")
                return inner
            return f"[{inner.strip() or href}]({href})"
        if name == "br":
            return "\n"
        if name == "img":
            src = str(node.get("src") or "")
            title = str(node.get("title") or "") or None
            return image_md(str(node.get("alt") or ""), src, title) if src else ""
        if name == "icon":
            self.ctx.warn(at, f"<Icon icon=\"{node.get('icon', '')}\"> dropped (no Markdown "
                              "equivalent)")
            return ""
        if name in ("span", "p", "div", "section", "font", "small", "mark", "u", "label"):
            return inner + ("\n\n" if name in ("p", "div", "section") else "")
        if name in ("ul", "ol"):
            return "\n\n" + self.list_md(self._html_list(node, at, [])) + "\n\n"
        if name == "li":
            return "- " + inner.strip() + "\n"
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            return "\n\n" + "#" * int(name[1]) + " " + inner.strip() + "\n\n"
        if name in ("s", "del", "strike"):
            return _wrap(inner, "~~")
        if name in ("sup", "sub", "abbr", "q", "cite", "time"):
            return inner
        self.ctx.warn(at, f"<{name}> has no Markdown equivalent: kept as HTML")
        return str(node)

    def _safe_links(self, text: str, line: int) -> str:
        def fix(m: re.Match[str]) -> str:
            dest = link_dest(m)
            at = line + text.count("\n", 0, m.start())
            src = self.image_src(dest, at) if m.group(1) else dest
            if src != dest:
                return image_md(m.group(2), src, link_title(m))
            if not _UNSAFE_URL.match(dest):
                return m.group(0)
            self.ctx.warn(at, f"link to {dest.split(':')[0]}: URL dropped, text kept")
            return "" if m.group(1) else m.group(2)

        def fix_autolink(m: re.Match[str]) -> str:
            url = m.group(0)[1:-1]
            if not _UNSAFE_URL.match(url):
                return m.group(0)
            self.ctx.warn(line, f"link to {url.split(':')[0]}: URL dropped, text kept")
            return url

        if "](" in text:
            text = MD_LINK.sub(fix, text)
        return AUTOLINK.sub(fix_autolink, text) if "<" in text else text

    def image_src(self, src: str, line: int) -> str:
        """An image path relative to the source file (`./images/a.png`, `images/a.png`) from
        the site root (`/images/a.png`), as Mintlify's own `/images/a.png` paths are: the
        source file's folder is taken as the docs folder. URLs and `/` paths stay."""
        if not src or re.match(r"^(?:[A-Za-z][A-Za-z0-9+.-]*:|/|#)", src):
            return src
        path = posixpath.normpath(src)
        parts = path.split("/")
        while parts and parts[0] == "..":
            parts.pop(0)
        if len(parts) < len(path.split("/")):
            self.ctx.warn(line, f"image {src!r} is outside the folder of the source file: "
                                f"written as '/{'/'.join(parts)}', from the docs folder "
                                "(check the path)")
        return "/" + "/".join(parts)

    # ---- Markdown rendering of blocks (for content that keeps its Markdown form)

    def list_md(self, lst: List) -> str:
        out = []
        loose = any("\n\n" in it.text for it in lst.items)
        for k, item in enumerate(lst.items, 1):
            marker = f"{k}." if lst.ordered else "-"
            lines = item.text.split("\n")
            # Four spaces nest in both CommonMark and Python-Markdown.
            rest = ["    " + ln if ln else "" for ln in lines[1:]]
            out.append("\n".join([f"{marker} {lines[0]}", *rest]))
        return ("\n\n" if loose else "\n").join(out)

    def render_md(self, blocks: list[Block]) -> str:
        return "\n\n".join(md for md in (self.block_md(b) for b in blocks) if md)

    def block_md(self, b: Block) -> str:
        if isinstance(b, Heading):
            return "#" * max(b.level, 3) + " " + b.text
        if isinstance(b, Prose):
            return b.text
        if isinstance(b, List):
            return self.list_md(b)
        if isinstance(b, Image):
            return image_md(b.alt, b.src, b.title)
        if isinstance(b, Callout):
            return _blockquote(b.type, self.render_md(b.blocks))
        if isinstance(b, Step):
            b = Steps(b.line, [b])
        if isinstance(b, Steps):
            items = []
            for s in b.steps:
                body = self.render_md(s.blocks)
                items.append(Item(f"**{s.title}**" + (f"\n\n{body}" if body else ""), True))
            return self.list_md(List(b.line, True, items))
        if isinstance(b, Verbatim):
            self.ctx.warn(b.line, _verbatim_message(b))
            return b.text
        return ""


def image_md(alt: str, src: str, title: str | None = None) -> str:
    """A Markdown image; the title in quotes when there is one."""
    quoted = ' "' + title.replace('"', '\\"') + '"' if title else ""
    return f"![{alt}]({md_dest(src)}{quoted})"


def _verbatim_message(b: Verbatim) -> str:
    if b.message:
        return b.message
    return (f"{b.what} has no equivalent in the guide format: kept verbatim in the content "
            "(rewrite it as Markdown)")


def _wrap(inner: str, mark: str) -> str:
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{mark}{core}{mark}{trail}"


def _blockquote(type_: str, body: str) -> str:
    label = f"**{type_.capitalize()}:**"
    body = re.sub(rf"^{type_}:\s*", "", body, flags=re.I)  # "<Note>Note: ..." says it once
    lines = body.split("\n") if body else []
    if lines and lines[0] and not re.match(r"^([-*+]\s|\d+[.)]\s|#|>|```|!\[|<)", lines[0]):
        lines[0] = f"{label} {lines[0]}"
    else:
        lines[:0] = [label, ""]
    return "\n".join("> " + ln if ln else ">" for ln in lines)
