"""The README is the front page: its set-up commands come first and CI runs them; the op table in
docs/engine.md is the one the op table makes. (Every code block of the README and docs/ runs in
tests/test_docs.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import autograd
from valuegraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
ENGINE = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert first_block == ['pip install -e . && valuegraph demo',
                           'pip install -e ".[test]" && python -m pytest -q']


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert 'python -m pip install -q -e ".[test]" && python -m pytest -q' in ci


def test_ci_installs_only_into_its_own_virtual_environments():
    """Running .ci/run from a clone must not re-point a developer's own install (docs/testing.md, CI)."""
    lines = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    activated = lines.index('. "$venv/bin/activate"')
    assert "venv=.ci/venv" in lines[:activated]
    installs = [i for i, line in enumerate(lines) if "pip install" in line and not line.lstrip().startswith("#")]
    assert installs and all(i > activated or ".ci/venv310/bin/python -m pip" in lines[i] for i in installs)
    ignored = (Path(__file__).resolve().parents[1] / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/.ci/venv/" in ignored and "/.ci/venv310/" in ignored


def test_the_op_table_in_the_engine_docs_is_the_one_the_table_makes():
    block = re.search(r"<!-- op-table:start[^>]*-->\n(.*?)\n<!-- op-table:end -->", ENGINE, re.S).group(1)
    assert block == autograd.ops.markdown_table(), "regenerate it with: python -m autograd"
    rows = dict(re.findall(r"^\| `(\w+)` \| `[^`]+` \| (.+?) \|", block, re.M))
    assert list(rows) == list(autograd.OPS)
    for name, op in autograd.OPS.items():
        assert rows[name] == op.rule, name


def test_the_engine_example_is_ten_lines():
    """tests/test_docs.py runs it and checks what its prints say; here, that it stays ten lines."""
    block = re.search(r"## The engine in ten lines\n\n```python\n(.*?)```", README, re.S).group(1)
    assert len(block.strip().splitlines()) <= 10
    assert "print(x.grad, y.grad, z.grad)     # 2.0 2.0 1.0" in block


def test_the_readme_is_a_front_page():
    """Under 12 KB, with the set-up commands before any other code, a picture, and no history."""
    assert len(README.encode("utf-8")) < 12_000
    assert README.index("```bash\npip install -e . && valuegraph demo") == README.index("```")
    assert "![" in README and "(docs/images/lecture_graph.svg)" in README
    assert not re.search(r"\bissue \d|\bsession\b", README, re.I)


def test_the_readme_lists_every_notebook_in_order():
    notebooks = sorted(path.name for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    listed = re.findall(r"\]\(notebooks/(\d\d_\w+\.ipynb)\)", README)
    assert listed == notebooks


def test_the_readme_maps_every_docs_page():
    pages = sorted(path.name for path in (ROOT / "docs").glob("*.md") if path.name != "README.md")
    assert sorted(set(re.findall(r"\]\(docs/(\w+\.md)\)", README))) == pages


# The README's picture: committed as the DOT text valuegraph draws and the SVG that WebAssembly
# Graphviz (the backend every machine has) renders from it. System dot gives other bytes for the
# same drawing, so the SVG is compared with the WebAssembly backend's, whatever this machine has.
IMAGES = ROOT / "docs" / "images"
LECTURE = ["graph", "v = x + y; u = z * v; f = max(u, 0)", "x=-2", "y=3", "z=2"]
REGENERATE = ('regenerate the picture: valuegraph graph "v = x + y; u = z * v; f = max(u, 0)" x=-2 y=3 z=2 '
              "-o docs/images/lecture_graph.dot, then the same with --backend wasm -o docs/images/lecture_graph.svg")


def test_the_readme_picture_is_drawn_from_what_valuegraph_draws_today(tmp_path, capsys):
    assert main([*LECTURE, "-o", str(tmp_path / "lecture_graph.dot")]) == 0
    drawn = (tmp_path / "lecture_graph.dot").read_text(encoding="utf-8")
    assert drawn == (IMAGES / "lecture_graph.dot").read_text(encoding="utf-8"), REGENERATE
    assert "{f|data 2|grad 1}" in drawn and "{x|data -2|grad 2}" in drawn


@pytest.mark.needs_wasm
def test_the_readme_picture_is_that_drawing_rendered(tmp_path, capsys):
    assert main([*LECTURE, "--backend", "wasm", "-o", str(tmp_path / "lecture_graph.svg")]) == 0
    assert (tmp_path / "lecture_graph.svg").read_bytes() == (IMAGES / "lecture_graph.svg").read_bytes(), REGENERATE


def test_the_engine_examples_comment_names_the_drawings_inner_values():
    """The ten lines say their drawing names the inner values n1, n2, n3 (the picture above them
    was drawn by the command, with the names v, u, f given there)."""
    from autograd import Value
    import viz

    assert "inner values named n1, n2, n3" in README
    x, y, z = Value(-2.0, "x"), Value(3.0, "y"), Value(2.0, "z")
    f = ((x + y) * z).max(0)
    f.backward()
    source = viz.draw(f).source
    assert sorted(set(re.findall(r"\bn\d\b", source))) == ["n1", "n2", "n3"]
    assert 'label="n3|data 2|grad 1"' in source  # (x + y)·z, before the max
