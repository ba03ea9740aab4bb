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
    assert viz_imports("render") == set()
    assert viz_imports("graph") == set()
    assert viz_imports("dot") <= {"graph", "gradcheck", "render"}
