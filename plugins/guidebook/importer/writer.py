"""Guide data to YAML text: brand placeholders, escaped Jinja, block scalars, a final check."""

from __future__ import annotations

import re
from typing import Any

import yaml

from ..documents import load_text
from ..errors import GuideError
from ..load import slugify
from ..markdown import outside
from .parser import BRAND
from .report import ImportFailure, ImportResult

# What the brand never replaces in: fenced code (closed by a fence of the same character, at
# least as long, or by the end of the text), link destinations, URLs. Code spans are names to
# type ("e.g. `StackOne Integration`"), which follow the brand.
_PROTECTED = re.compile(
    r"^[ \t]*(?P<fence>(?P<c>[`~])(?P=c){2,})[\s\S]*?(?:\n[ \t]*(?P=fence)(?P=c)*[ \t]*$|\Z)"
    r"|\]\((?:[^()]|\([^()]*\))*\)|<https?://[^>]*>|https?://[^\s)\]>]+|(?:href|src)=\"[^\"]*\"",
    re.M)


_JINJA_OPEN = re.compile(r"\{[{%#]")
_TEMPLATE = re.compile(r"\{\{(.*?)\}\}", re.S)
_ALLOWED_TEMPLATES = {"brand.name", "brand.hub", "'{{'", "'{%'", "'{#'"}


def _escape_jinja(text: str) -> str:
    return _JINJA_OPEN.sub(lambda m: "{{ '" + m.group(0) + "' }}", text)


def _brand(text: str) -> str:
    """`StackOne Hub` -> `{{ brand.hub }}`, `StackOne` -> `{{ brand.name }}`, outside fenced
    code and URLs."""
    return outside(_PROTECTED, text, _brand_plain)


def _brand_plain(text: str) -> str:
    text = re.sub(r"\bStack[Oo]ne\s+[Hh]ub\b", "{{ brand.hub }}", text)
    return BRAND.sub("{{ brand.name }}", text)


def out_text(text: str) -> str:
    """Text as written to the guide: trailing spaces trimmed, Jinja escaped, brand templated."""
    text = "\n".join(ln.rstrip() for ln in text.strip().split("\n"))
    return _brand(_escape_jinja(text))


class _Dumper(yaml.SafeDumper):
    """Block scalars for multi-line text and indented sequences, for readable guides."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Long lines as literal blocks too: folding would split `{{ brand.hub }}` over two lines.
    if "\n" in data or len(data) > 80:
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _represent_str)


def dump(guide: dict[str, Any]) -> str:
    return yaml.dump(guide, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100,
                     default_flow_style=False)


def guide_path(guide: dict[str, Any]) -> str:
    """Where the guide goes below the guides folder: the layout of `guidebook new`."""
    key = guide["connector"]["key"]
    slug = guide["auth"].get("slug") or slugify(guide["auth"]["label"]) or "guide"
    kind = guide.get("kind", "link-account")
    return f"{key}/{slug}.yaml" if kind == "link-account" else f"{key}/{slug}.{kind}.yaml"


def write(result: ImportResult) -> None:
    """Fill the result's `yaml_text` and `guide_path` from its guide and comments."""
    result.guide_path = guide_path(result.guide)
    yaml_text = f"# Imported from {result.source_name} by guidebook import\n"
    yaml_text += dump(result.guide)
    if result.comments:
        yaml_text += "\n# Comments in the source (they were not shown on the page):\n"
        for line, comment in result.comments:
            body = "\n#   ".join(ln.rstrip() for ln in comment.split("\n"))
            yaml_text += f"# line {line}: {body}\n"
    check_output(yaml_text, result.guide_path, result.file)
    result.yaml_text = yaml_text


def check_output(yaml_text: str, guide_path: str, file: str) -> None:
    """Raise ImportFailure when the produced YAML is not a valid guide (an importer bug)."""
    try:
        load_text(yaml_text, guide_path)
    except GuideError as exc:
        raise ImportFailure(file, 1, f"the imported guide does not validate: {exc}") from None
    data_lines = "\n".join(ln for ln in yaml_text.split("\n") if not ln.startswith("#"))
    for m in _TEMPLATE.finditer(data_lines):
        if m.group(1).strip() not in _ALLOWED_TEMPLATES:
            raise ImportFailure(file, 1, f"the imported guide contains a template {m.group(0)!r}")
