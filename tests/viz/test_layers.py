"""viz's modules depend one way: reading a graph, then building DOT, then rendering, never back."""

import ast
from pathlib import Path

VIZ = Path(__file__).resolve().parents[2] / "viz"


def viz_imports(module):
    """The viz modules ``module`` imports anywhere in its text (function-level imports too)."""
    tree = ast.parse((VIZ / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found.add(node.module or "")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("viz."):
            found.add(node.module.split(".")[1])
    return found - {""}


def test_no_two_viz_modules_import_each_other_even_through_others():
    modules = sorted(path.stem for path in VIZ.glob("*.py") if path.stem != "__init__")
    imports = {module: viz_imports(module) & set(modules) for module in modules}
    for start in modules:  # depth-first search for a path back to the start
        stack, seen = list(imports[start]), set()
        while stack:
            module = stack.pop()
            assert module != start, f"viz/{start}.py imports itself through {sorted(seen)}"
            if module not in seen:
                seen.add(module)
                stack.extend(imports[module])


def test_rendering_knows_nothing_of_drawing_and_building_nothing_of_files():
    assert viz_imports("rendering") == set()
    assert viz_imports("graph") == set()
    assert viz_imports("dot") <= {"graph", "gradcheck", "rendering", "language"}


def test_one_name_one_thing_the_render_function_is_not_hiding_a_module():
    import importlib

    import pytest

    import viz

    assert callable(viz.render) and viz.render.__module__ == "viz.save"  # the function ...
    assert importlib.import_module("viz.rendering").render_source is viz.render_source
    with pytest.raises(ModuleNotFoundError):  # ... and no module answers to the same name
        importlib.import_module("viz.render")


def test_each_public_function_is_defined_in_one_viz_module():
    """``render``, ``page``, ``export_html``...: one viz module defines each top-level name."""
    defined = {}
    for path in sorted(VIZ.glob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                defined.setdefault(node.name, []).append(path.stem)
    twice = {name: modules for name, modules in defined.items() if len(modules) > 1}
    assert twice == {}


def test_the_number_in_a_value_or_a_number_is_read_by_one_helper():
    """``x.data if isinstance(x, Value) else float(x)`` was written in five places; it is
    ``autograd.data_of`` now, the lowest layer that every package may use."""
    import re

    import autograd

    root = VIZ.parent
    copies = re.compile(r"(\w+)\.data if isinstance\(\1, Value\) else (?:float\(\1\)|\1\b)")
    for path in [*sorted(VIZ.glob("*.py")), root / "autograd" / "numeric.py", root / "nn" / "_checks.py"]:
        assert not copies.search(path.read_text(encoding="utf-8")), path.name
    assert copies.search((root / "autograd" / "value.py").read_text(encoding="utf-8"))  # the one left: data_of
    assert autograd.data_of(autograd.Value(2.5)) == 2.5 == autograd.data_of(2.5) and autograd.data_of(2) == 2.0
