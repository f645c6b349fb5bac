"""The shape of the code as specifications: no import circle, imports only point down the layers, and every
package says what it exports.

The import graph is read from the source (``ast``), function-level imports included, so a circle cannot
hide behind an import inside a function. A module named in a string (a lazy registry's ``"module:Class"``,
a lazy package's export table) is imported later by that code, so it counts as an edge too. Imports under
``if TYPE_CHECKING:`` are left out: they never run. Importing ``a.b.c`` runs ``a/__init__.py`` and
``a/b/__init__.py`` too, so those count as edges as well.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("config", "crawlers", "evidence", "monitor")

LAYERS: tuple[tuple[str, ...], ...] = (
    ("config",),
    ("crawlers",),
    ("evidence",),
    (
        "monitor.errors",
        "monitor.records",
        "monitor.counters",
        "monitor.cards",
        "monitor.usernames",
        "monitor.temp_media",
    ),
    ("monitor.signals",),
    ("monitor.fingerprint", "monitor.store"),
    ("monitor.matching", "monitor.packets", "monitor.spread", "monitor.spread_rendering"),
    ("monitor.pipeline",),
    ("monitor.context",),
    ("monitor.runner",),
    ("monitor.operations", "monitor.decisions", "monitor.takedown"),
    ("monitor.review",),
    ("monitor.demo",),
    ("monitor.cli",),
)
"""Lowest first. A module may import its own layer and the layers below it, never one above."""


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def product_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))}


LAZY_NAME = re.compile(r"((?:config|crawlers|evidence|monitor)(?:\.\w+)+)(?::\w+)?")


def _runtime_imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom | str]:
    """Every import statement that can run (not the ones under ``if TYPE_CHECKING:``), and every module
    named in a string that looks like one (``"monitor.store.sqlite:SqliteStore"``, ``"monitor.matching.retro"``)."""
    started = set()  # ``[python, "-m", "crawlers.scrapy_worker"]`` starts another process: not an import
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
        items = node.elts if isinstance(node, ast.List | ast.Tuple) else node.args if isinstance(node, ast.Call) else []
        started |= {id(after) for before, after in zip(items, items[1:], strict=False) if _is(before, "-m")}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in started:
            named = LAZY_NAME.fullmatch(node.value)
            if named:
                yield named.group(1)


def _is(node: ast.expr, text: str) -> bool:
    return isinstance(node, ast.Constant) and node.value == text


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The product modules that importing ``name`` runs directly (with the packages on the way)."""
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _runtime_imports(ast.parse(path.read_text(), str(path))):
        if isinstance(node, str):
            targets = [node]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif node.level:
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            targets = [f"{base}.{node.module}" if node.module else base]
        else:
            assert node.module is not None
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for target in targets:
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                prefix = ".".join(parts[:end])
                if prefix in known and not (name == prefix or name.startswith(prefix + ".")):
                    found.add(prefix)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = product_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layer_of(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                if best is None or len(prefix) > best[1]:
                    best = (number, len(prefix))
    return None if best is None else best[0]


def test_no_module_takes_part_in_an_import_circle() -> None:
    assert circles(import_graph()) == []


def test_imports_only_point_down_the_layers() -> None:
    upward = []
    for module, targets in import_graph().items():
        own = layer_of(module)
        for target in targets:
            theirs = layer_of(target)
            if own is not None and theirs is not None and theirs > own:
                upward.append(f"{module} -> {target}")
    assert upward == []


def test_every_product_module_has_a_layer() -> None:
    roots = {"config", "crawlers", "evidence", "monitor"}
    assert [name for name in product_modules() if name not in roots and layer_of(name) is None] == []


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("name", sorted(n for n, p in product_modules().items() if p.name == "__init__.py"))
def test_each_package_exports_exactly_the_names_in_its_all(name: str) -> None:
    package = importlib.import_module(name)
    exported = package.__all__
    assert len(exported) == len(set(exported))
    for item in exported:
        assert hasattr(package, item), item
