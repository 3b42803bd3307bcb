"""The house rules of the package's imports: no cycle between its modules, and the core never
imports MkDocs (only the plugin glue does)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "plugins" / "guidebook"
# The MkDocs glue: the plugin, its build state, its config, the Files of the agent outputs and
# the hand-over of search sections to Material's search plugin.
GLUE = {"plugin", "building", "config", "export_files", "searchindex"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts) or "__init__"] = path
    return found


def _imports(path: Path, name: str) -> tuple[set[str], set[str]]:
    """The package modules `path` imports (at any depth, also inside functions; not under
    `if TYPE_CHECKING:`), and the outside top-level packages it imports."""
    inside: set[str] = set()
    outside: set[str] = set()
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            if isinstance(child, ast.ImportFrom) and child.level:
                base = package[:len(package) - (child.level - 1)] if child.level > 1 else package
                if child.module:
                    inside.add(".".join([*base, child.module]))
                else:
                    inside.update(".".join([*base, a.name]) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module:
                outside.add(child.module.split(".")[0])
            elif isinstance(child, ast.Import):
                outside.update(a.name.split(".")[0] for a in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return inside, outside


def test_no_module_imports_itself_through_others() -> None:
    modules = _modules()
    graph = {name: {t for t in _imports(path, name)[0] if t in modules}
             for name, path in modules.items()}
    assert len(graph) > 20 and sum(map(len, graph.values())) > 40  # it read the package

    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the path, 2: done

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                walk(target, [*path, target])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name, [name])
    assert cycles == [], "import cycles (move the shared piece down into a module both use): " \
        + "; ".join(" -> ".join(c) for c in cycles)


def test_the_core_never_imports_mkdocs() -> None:
    offenders = [name for name, path in _modules().items()
                 if name not in GLUE and {"mkdocs", "material"} & _imports(path, name)[1]]
    assert offenders == [], f"modules outside the plugin glue import MkDocs: {offenders}"
