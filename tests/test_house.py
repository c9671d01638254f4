"""The house's shape, held by tests (docs/architecture.md): no module over 400 lines, no import
circle, and no module reaching into another package's HTTP edge (`api`, `views`, `pages`) —
only the two registries that wire the blueprints do."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "velferdslab"
MAX_LINES = 400
EDGE = re.compile(r"(^|_)(api|views|pages)$")
REGISTRIES = {"velferdslab.api.registry", "velferdslab.web.setup"}


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue  # Alembic's revisions are generated, not designed
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _module_of(name: str) -> str:
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


@cache
def imports() -> dict[str, set[str]]:
    """Module → the project's modules it imports, at the top or inside a function."""
    graph: dict[str, set[str]] = {}
    for name, path in modules().items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {_module_of(a.name) for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    targets.add(_module_of(f"{node.module}.{alias.name}"))
        graph[name] = {t for t in targets if t.startswith("velferdslab.") and t != name}
    return graph


def circles() -> set[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    graph, index, low, stack, found = imports(), {}, {}, [], set()
    counter = iter(range(10**6))

    def visit(node: str) -> None:
        index[node] = low[node] = next(counter)
        stack.append(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.add(frozenset(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _package(name: str) -> str:
    return name.split(".")[1] if name.count(".") >= 2 else ""


def edge_imports() -> set[tuple[str, str]]:
    found = set()
    for name, targets in imports().items():
        if name in REGISTRIES:
            continue
        for target in targets:
            parts = target.split(".")
            edge = len(parts) >= 3 and EDGE.search(parts[2]) is not None
            # velferdslab.api and velferdslab.web are the shared edge helpers
            elsewhere = _package(target) not in {_package(name), "api", "web"}
            if edge and elsewhere:
                found.add((name, target))
    return found


def test_no_module_is_over_400_lines() -> None:
    long = {
        name
        for name, path in modules().items()
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES
    }
    assert long == set()


def test_no_import_circle() -> None:
    assert circles() == set()


def test_no_module_reaches_into_another_packages_edge() -> None:
    assert edge_imports() == set()


def test_the_checks_see_what_they_look_for() -> None:
    # The graph is real: the factory imports its steps, a circle would be found.
    assert "velferdslab.transactions" in imports()["velferdslab.app"]
    assert ("velferdslab.web.setup", "velferdslab.families.views") not in edge_imports()
    assert any(len(p.read_text().splitlines()) > 100 for p in modules().values())
