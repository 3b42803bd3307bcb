"""One source file to one guide: read, scan, build, write."""

from __future__ import annotations

from pathlib import Path

from ..errors import GuideError
from ..load import DEFAULT_MAX_BYTES, display_path, read_text, slugify
from .builder import Builder
from .parser import Parser, split_frontmatter
from .report import Context, ImportFailure, ImportResult
from .writer import check_output, dump


def import_file(
    path: Path,
    *,
    connector_key: str | None = None,
    connector_name: str | None = None,
    auth_label: str | None = None,
    kind: str | None = None,
) -> ImportResult:
    """Convert one Mintlify `.mdx` guide or published `.md` export into guide YAML.

    The keyword arguments override what is inferred from the file. Raises ImportFailure when
    no guide can be produced.
    """
    path = Path(path)
    file = display_path(path)
    try:
        text = read_text(path, file, max_bytes=DEFAULT_MAX_BYTES)
    except GuideError as exc:
        problem = exc.problems[0]
        raise ImportFailure(file, problem.source.line, problem.message) from None
    result = import_text(text, file, connector_key=connector_key, connector_name=connector_name,
                         auth_label=auth_label, kind=kind, source_name=path.name)
    result.source = path
    return result


def import_text(
    text: str,
    file: str,
    *,
    connector_key: str | None = None,
    connector_name: str | None = None,
    auth_label: str | None = None,
    kind: str | None = None,
    source_name: str | None = None,
) -> ImportResult:
    """Convert guide source text; `file` names it in warnings and errors."""
    if kind is not None and kind not in ("link-account", "connector-profile"):
        raise ImportFailure(file, 1, f"kind must be link-account or connector-profile, not {kind!r}")
    ctx = Context(file)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u200b", "")
    text = text.replace("\ufeff", "").expandtabs(4)
    meta, body, body_line = split_frontmatter(text, ctx)
    blocks = Parser(ctx).parse(body, body_line, top=True)
    builder = Builder(ctx, meta, source_name or Path(file).name, text.split("\n"))
    builder.run(blocks)
    guide = builder.guide(text, connector_key=connector_key, connector_name=connector_name,
                          auth_label=auth_label, kind=kind)
    key = guide["connector"]["key"]
    slug = slugify(guide["auth"]["label"]) or "guide"
    # The same layout as the example guides and `guidebook new`.
    guide_path = f"{key}/{slug}.yaml" if kind in (None, "link-account") else (
        f"{key}/{slug}.{kind}.yaml")
    yaml_text = f"# Imported from {source_name or Path(file).name} by guidebook import\n"
    yaml_text += dump(guide)
    if ctx.comments:
        yaml_text += "\n# Comments in the source (they were not shown on the page):\n"
        for line, comment in ctx.comments:
            body = "\n#   ".join(ln.rstrip() for ln in comment.split("\n"))
            yaml_text += f"# line {line}: {body}\n"
    check_output(yaml_text, guide_path, file)
    warnings = sorted(ctx.warnings, key=lambda w: w.line)
    return ImportResult(Path(file), yaml_text, guide_path, warnings)
