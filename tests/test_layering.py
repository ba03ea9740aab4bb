"""How the project's packages depend on each other: no two modules import each other (counting
imports inside functions), and the layers point one way: autograd knows nothing of nn, viz or
the command; nn knows nothing of viz; valuegraph.files knows nothing of the project."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("autograd", "nn", "viz", "valuegraph")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")}


def imports(name: str) -> set[str]:
    """The project's modules that ``name`` imports anywhere in its text (also inside functions).
    ``from package import submodule`` counts as the submodule, not the package."""
    path = MODULES[name]
    base = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                package = base
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                module = f"{package}.{module}" if module else package
            submodules = [f"{module}.{alias.name}" for alias in node.names if f"{module}.{alias.name}" in MODULES]
            found.update(submodules)
            if len(submodules) < len(node.names):
                found.add(module)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imports(name) for name in MODULES}


def circles() -> list[list[str]]:
    """The groups of modules that reach each other through imports (Tarjan's strongly connected
    components, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found = []
    for start in sorted(GRAPH):
        if start in index:
            continue
        work = [(start, iter(sorted(GRAPH[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(GRAPH[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_circle_finder_finds_a_circle():
    GRAPH["nn.modes"].add("nn.training")  # what nn.compiled and nn.training did through _evaluating
    try:
        assert ["nn.compiled", "nn.modes", "nn.training"] in circles()
    finally:
        GRAPH["nn.modes"].discard("nn.training")


KNOWN_CIRCLES = [["nn.layers", "nn.module", "nn.torch_bridge"]]
"""Circles this test found and that their owners are to remove (then delete them here: the test
fails when a listed circle is gone, as when a new one appears). ``Module.to_torch`` in
nn/module.py imports nn/torch_bridge.py inside the method, and torch_bridge imports module and
layers: the PyTorch bridge (from main, not this test's author's) is reported to the lead."""


def test_no_two_modules_import_each_other():
    assert circles() == KNOWN_CIRCLES


def test_the_layers_point_one_way():
    def reaches(name: str, package: str) -> list[str]:
        return sorted(m for m in GRAPH[name] if m == package or m.startswith(package + "."))

    for name in MODULES:
        if name.startswith("autograd"):
            assert not reaches(name, "nn") and not reaches(name, "viz") and not reaches(name, "valuegraph"), name
        if name.startswith("nn"):
            assert not reaches(name, "viz") and not reaches(name, "valuegraph.cli"), name
    assert GRAPH["valuegraph.files"] == set() and GRAPH["valuegraph"] == set()


def test_every_name_a_module_exports_exists():
    """``__all__`` is what ``from module import *`` imports: a name left there after a rename
    (the playground's ``render``) makes that import fail."""
    import importlib

    for name in sorted(MODULES):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:  # an optional dependency (torch for the bridge)
            if error.name == "torch":
                continue
            raise
        missing = [exported for exported in getattr(module, "__all__", ()) if not hasattr(module, exported)]
        assert missing == [], f"{name}.__all__ names {missing}"
