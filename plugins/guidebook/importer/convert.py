"""One source file to one guide: read, scan, build, write."""

from __future__ import annotations

from pathlib import Path

from ..errors import GuideError
from ..load import DEFAULT_MAX_BYTES, display_path, read_text
from .builder import Builder
from .parser import Parser, split_frontmatter
from .report import Context, ImportFailure, ImportResult
from .writer import write


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
    source_name = source_name or Path(file).name
    builder = Builder(ctx, meta, source_name, Path(file).parent.name, text.split("\n"))
    builder.run(blocks)
    guide = builder.guide(text, connector_key=connector_key, connector_name=connector_name,
                          auth_label=auth_label, kind=kind)
    warnings = sorted(ctx.warnings, key=lambda w: w.line)
    result = ImportResult(Path(file), "", "", warnings, guide, ctx.comments, file, source_name)
    write(result)
    return result
