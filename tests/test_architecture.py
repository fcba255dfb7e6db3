"""The import graph stays a one-way street: no cycle between the top-level packages (``config``,
the composition root that wires them all, left out), none between the modules of a package,
and no framework in a ``domain.py``. Read from the source (an AST walk), so that an import
inside a function counts as much as one at the top."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOT_PACKAGES = {"tests", "bench", "scripts", "config"}
FRAMEWORKS = {"litestar", "piccolo"}


def packages() -> list[str]:
    return sorted(
        path.name
        for path in ROOT.iterdir()
        if (path / "__init__.py").exists() and path.name not in NOT_PACKAGES
    )


def modules(package: str) -> Iterator[tuple[str, Path]]:
    """``(dotted name, path)`` of every module of ``package``, migrations aside."""
    for path in sorted((ROOT / package).rglob("*.py")):
        relative = path.relative_to(ROOT).with_suffix("")
        if "piccolo_migrations" not in relative.parts:
            parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
            yield ".".join(parts), path


def _for_type_checkers(tree: ast.AST) -> set[int]:
    """The nodes under ``if TYPE_CHECKING:``: imports for annotations only, never run."""
    return {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for statement in node.body
        for inner in ast.walk(statement)
    }


def imported(path: Path) -> Iterator[tuple[str, int]]:
    """Every absolute module name ``path`` imports (``from a import b`` also as ``a.b``, which
    may be a module), with its line; imports for type checkers only are left out."""
    tree = ast.parse(path.read_text(), str(path))
    skipped = _for_type_checkers(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module, node.lineno
            yield from ((f"{node.module}.{alias.name}", node.lineno) for alias in node.names)


Graph = Mapping[str, Mapping[str, str]]  # importer -> imported -> where ("path:line")


def package_graph() -> Graph:
    names = set(packages())
    graph: dict[str, dict[str, str]] = {name: {} for name in names}
    for package in names:
        for _, path in modules(package):
            for module, line in imported(path):
                target = module.split(".")[0]
                if target in names and target != package:
                    graph[package].setdefault(target, f"{path.relative_to(ROOT)}:{line}")
    return graph


def module_graph(package: str) -> Graph:
    names = dict(modules(package))
    graph: dict[str, dict[str, str]] = {name: {} for name in names}
    for name, path in names.items():
        for module, line in imported(path):
            if module in names and module != name and not name.startswith(module + "."):
                graph[name].setdefault(module, f"{path.relative_to(ROOT)}:{line}")
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Each cycle once, as the path that goes round it (Tarjan's strongly connected
    components, then one loop through each)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component: set[str] = set()
            while node not in component:
                component.add(stack.pop())
            if len(component) > 1:
                found.append(_loop(graph, min(component), component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _loop(graph: Graph, start: str, within: set[str]) -> list[str]:
    """A shortest way from ``start`` round to itself inside ``within`` (breadth first)."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph.get(node, {})):
            if target == start:
                return [*paths[node], start]
            if target in within and target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no loop through {start}")


def told(graph: Graph, loop: list[str]) -> str:
    return (
        " -> ".join(loop)
        + "\n"
        + "\n".join(f"    {a} -> {b}: {graph[a][b]}" for a, b in pairwise(loop))
    )


def test_no_cycle_between_packages() -> None:
    graph = package_graph()
    found = cycles(graph)
    assert not found, "Package cycles:\n" + "\n".join(told(graph, loop) for loop in found)


def test_no_cycle_between_the_modules_of_a_package() -> None:
    told_cycles = []
    for package in [*packages(), "config"]:
        graph = module_graph(package)
        told_cycles += [told(graph, loop) for loop in cycles(graph)]
    assert not told_cycles, "Module cycles:\n" + "\n".join(told_cycles)


def test_domain_modules_use_no_framework() -> None:
    leaks = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for package in packages()
        for name, path in modules(package)
        if name.rsplit(".", 1)[-1] == "domain"
        for module, line in imported(path)
        if module.split(".")[0] in FRAMEWORKS
    ]
    assert not leaks, "\n".join(leaks)


def test_the_check_finds_a_cycle_and_tells_its_way() -> None:
    graph = {"a": {"b": "a.py:1"}, "b": {"c": "b.py:2"}, "c": {"a": "c.py:3"}, "d": {"a": "d.py:4"}}
    assert cycles(graph) == [["a", "b", "c", "a"]]
    assert "b -> c: b.py:2" in told(graph, ["a", "b", "c", "a"])
    assert cycles({"a": {"b": "x"}, "b": {}}) == []
