"""The kg package imports as a tree of layers: no module imports (directly or through
others) a module that imports it back.

The graph is built from the source, not from ``sys.modules``: every ``import`` and
``from … import …`` of a ``kg`` module counts, at module level AND inside functions (a
function-level import only hides a cycle until the function runs), except those under
``if TYPE_CHECKING:`` (never executed). ``from kg.x import y`` is an edge to ``kg.x.y`` when
``y`` is a submodule, else to ``kg.x``; relative imports are resolved against the package.
Importing a submodule also runs its package's ``__init__``; those implicit edges are not
counted (a package that re-exports its submodules would otherwise always be a cycle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kg"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import node, at any depth, outside ``if TYPE_CHECKING:`` blocks."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_targets(name: str, path: Path, known: set[str]) -> set[str]:
    """The kg modules that module ``name`` (file ``path``) imports."""
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names if alias.name in known)
            continue
        if node.level:
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            source = ".".join(base + ([node.module] if node.module else []))
        else:
            source = node.module or ""
        if source not in known:
            continue
        for alias in node.names:
            submodule = f"{source}.{alias.name}"
            targets.add(submodule if submodule in known else source)
    targets.discard(name)
    return targets


def import_graph() -> nx.DiGraph:
    found = modules()
    graph = nx.DiGraph()
    graph.add_nodes_from(found)
    for name, path in found.items():
        graph.add_edges_from((name, target) for target in import_targets(name, path, set(found)))
    return graph


def test_graph_sees_the_package() -> None:
    """The graph is not vacuous: the builder imports the mapping, the CLI the builder."""
    graph = import_graph()
    assert graph.has_edge("kg.rdf.mapping", "kg.rdf.terms")
    assert nx.has_path(graph, "kg.cli", "kg.rdf.mapping")
    assert graph.number_of_edges() > 100


def test_relative_and_function_level_imports_are_edges(tmp_path: Path) -> None:
    package = tmp_path / "kg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from .sub import b\n")
    (package / "sub" / "__init__.py").write_text("from . import b\n")
    (package / "sub" / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kg import a\nfrom ..a import f\n")
    known = {"kg", "kg.a", "kg.sub", "kg.sub.b"}
    assert import_targets("kg.a", package / "a.py", known) == {"kg.sub.b"}
    assert import_targets("kg.sub", package / "sub" / "__init__.py", known) == {"kg.sub.b"}
    assert import_targets("kg.sub.b", package / "sub" / "b.py", known) == {"kg.a"}


def test_no_import_cycle() -> None:
    graph = import_graph()
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    components = [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]
    pytest.fail("import cycle: " + " -> ".join(a for a, _b in cycle) + f" -> {cycle[0][0]}\n"
                f"strongly connected modules: {components}")
