"""The README is the user's manual: what it promises must stay true."""

from __future__ import annotations

import re
from pathlib import Path

import autograd

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_setup_commands():
    first_block = re.search(r"```bash\n(.*?)```", README, re.S).group(1).strip().splitlines()
    assert first_block == ['pip install -e . && valuegraph demo',
                           'pip install -e ".[test]" && python -m pytest -q']


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert 'python -m pip install -q -e ".[test]" && python -m pytest -q' in ci


def test_ci_installs_only_into_its_own_virtual_environments():
    """Running .ci/run from a clone must not re-point a developer's own install (README, Testing)."""
    lines = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    activated = lines.index('. "$venv/bin/activate"')
    assert "venv=.ci/venv" in lines[:activated]
    installs = [i for i, line in enumerate(lines) if "pip install" in line and not line.lstrip().startswith("#")]
    assert installs and all(i > activated or ".ci/venv310/bin/python -m pip" in lines[i] for i in installs)
    ignored = (Path(__file__).resolve().parents[1] / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/.ci/venv/" in ignored and "/.ci/venv310/" in ignored


def test_the_op_table_in_the_readme_is_the_one_the_table_makes():
    block = re.search(r"<!-- op-table:start[^>]*-->\n(.*?)\n<!-- op-table:end -->", README, re.S).group(1)
    assert block == autograd.ops.markdown_table(), "regenerate it with: python -m autograd"
    rows = dict(re.findall(r"^\| `(\w+)` \| `[^`]+` \| (.+?) \|", block, re.M))
    assert list(rows) == list(autograd.OPS)
    for name, op in autograd.OPS.items():
        assert rows[name] == op.rule, name


def test_the_ten_line_example_prints_what_its_comments_say():
    block = re.search(r"## The engine in ten lines\n\n```python\n(.*?)```", README, re.S).group(1)
    assert len(block.strip().splitlines()) <= 10
    printed: list[str] = []
    exec(compile(block, "README", "exec"), {"print": lambda *a: printed.append(" ".join(map(str, a)))})
    expected = [line.split("# ")[-1].strip() for line in block.splitlines() if line.startswith("print(")]
    assert printed == expected == ["2.0", "2.0 2.0 1.0"]
