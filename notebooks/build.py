"""Build the lecture notebooks from their Python sources and execute them, so outputs are committed.

Each notebook is written as a plain Python file in ``notebooks/src/`` ("percent" cells):

* a line ``# %% [markdown]`` starts a Markdown cell; its lines are comments (``# text``);
* a line ``# %%`` starts a code cell.

``python notebooks/build.py`` turns every source into ``notebooks/<name>.ipynb`` and executes it
top to bottom with nbclient in a temporary directory (files a notebook writes never land in the
repository). ``python notebooks/build.py 02 04`` builds only the notebooks whose names start with
those prefixes; ``--no-execute`` writes them without outputs; ``--check`` only reports which
committed notebooks no longer match their sources (exit status 1 if any).

Cell ids are derived from the notebook name and the cell's position and timing metadata is not
recorded, so rebuilding an unchanged source gives an unchanged file (apart from figures, if
matplotlib changes).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
CELL_TIMEOUT = 300
"""Seconds any one cell may run before the build gives up on it."""

_MARKDOWN = "# %% [markdown]"
_CODE = "# %%"


def notebook_names() -> list[str]:
    """The notebooks' names (``01_computational_graph`` ...), in lecture order."""
    return sorted(path.stem for path in SOURCES.glob("[0-9][0-9]_*.py"))


def read_cells(source: Path) -> list[tuple[str, str]]:
    """``(kind, text)`` for each cell of a percent-format source, ``kind`` being
    ``"markdown"`` or ``"code"``. Text before the first marker is ignored (a module docstring)."""
    cells: list[tuple[str, list[str]]] = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.rstrip()
        if stripped == _MARKDOWN:
            cells.append(("markdown", []))
        elif stripped == _CODE:
            cells.append(("code", []))
        elif stripped.startswith("# %%"):
            raise ValueError(f"{source.name}:{number}: unknown cell marker {stripped!r} "
                             f"(use '{_CODE}' or '{_MARKDOWN}')")
        elif cells:
            kind, lines = cells[-1]
            if kind == "markdown":
                if stripped and not stripped.startswith("#"):
                    raise ValueError(f"{source.name}:{number}: a Markdown cell's lines must start with '#', "
                                     f"got {stripped!r}")
                text = stripped[1:]
                lines.append(text[1:] if text.startswith(" ") else text)
            else:
                lines.append(line.rstrip())
    result = []
    for kind, lines in cells:
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines:
            result.append((kind, "\n".join(lines)))
    return result


def make_notebook(name: str) -> nbformat.NotebookNode:
    """The notebook ``name`` built from ``src/<name>.py``, without outputs."""
    nb = nbformat.v4.new_notebook()
    for index, (kind, text) in enumerate(read_cells(SOURCES / f"{name}.py")):
        cell = nbformat.v4.new_markdown_cell(text) if kind == "markdown" else nbformat.v4.new_code_cell(text)
        cell["id"] = f"{name[:2]}-{index:03d}"
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = CELL_TIMEOUT, cwd: str | Path | None = None) -> float:
    """Run every cell of ``nb`` in place (in ``cwd``, by default a fresh temporary directory);
    return the seconds it took. A failing cell raises nbclient's ``CellExecutionError``."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="valuegraph-nb-") as scratch:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(cwd or scratch)}})
        started = time.perf_counter()
        client.execute()
        return time.perf_counter() - started


def _clean_metadata(nb: nbformat.NotebookNode) -> None:
    """Keep only what is stable from one run to the next (the kernel's language_info varies
    with the Python patch version; widget state is kept so the stepper's output is stored)."""
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def is_current(name: str) -> bool:
    """True when ``<name>.ipynb`` exists and its cells are exactly those of ``src/<name>.py``."""
    path = HERE / f"{name}.ipynb"
    if not path.exists():
        return False
    committed = nbformat.read(path, as_version=4)
    expected = read_cells(SOURCES / f"{name}.py")
    return [(cell.cell_type, cell.source) for cell in committed.cells] == expected


def main(argv: list[str] | None = None) -> int:
    """Command line: build (and execute) the chosen notebooks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="*", help="build only notebooks whose names start with these (e.g. 02)")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    parser.add_argument("--check", action="store_true", help="only check that notebooks match their sources")
    args = parser.parse_args(argv)
    names = [n for n in notebook_names() if not args.prefixes or any(n.startswith(p) for p in args.prefixes)]
    if not names:
        parser.error(f"no notebook matches {args.prefixes} (have: {', '.join(notebook_names())})")
    if args.check:
        stale = [n for n in names if not is_current(n)]
        for name in stale:
            print(f"{name}.ipynb does not match src/{name}.py: run python notebooks/build.py {name[:2]}")
        return 1 if stale else 0
    for name in names:
        nb = make_notebook(name)
        if not args.no_execute:
            seconds = execute(nb)
            _clean_metadata(nb)
            print(f"{name}: executed in {seconds:.1f} s", flush=True)
        nbformat.validate(nb)
        nbformat.write(nb, HERE / f"{name}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main())
