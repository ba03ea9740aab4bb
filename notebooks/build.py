"""Build the lecture notebooks, in English and in Spanish, from one source each, and execute them.

Layout: ``notebooks/src/NN_name.py`` is the source of ``notebooks/NN_name.ipynb`` (English) and
``notebooks/es/NN_name.ipynb`` (Spanish, the lecture's language). Both editions share every line
of code; only the prose, the printed words and the comments differ, so they cannot drift apart.

The source format (a plain Python file of "percent" cells, as jupytext writes them)
----------------------------------------------------------------------------------

* ``# %% [markdown]`` starts a Markdown cell in English; every line is a comment (``# text``).
  It is followed at once by ``# %% [markdown es]``, the same cell in Spanish.
* ``# %%`` starts a code cell, shared by both editions.
* ``# %% [answer]`` starts a code cell whose output answers a question the student was asked
  just before ("predict first, then run"). It is executed and checked like any other cell, but
  the committed notebook keeps it without output, so the answer stays hidden until the student
  runs it. (The explanation usually follows in a ``<details>`` block: a click opens it.)
* In a code cell, a line ``#es: <line>`` replaces the line just before it in the Spanish edition,
  and is left out of the English one; the Spanish line keeps the indentation of the line it
  replaces (indent the marker as you like). A run of ``k`` such lines replaces the ``k`` lines
  before it (a statement of several lines)::

      ax.set_xlabel("epoch")                 # the number of passes over the data
      #es: ax.set_xlabel("época")             # el número de pasadas por los datos

  The builder checks that the two versions of every code cell differ only in their strings
  and comments (their syntax trees, string contents blanked, are equal): translating cannot
  change what the code does.
* In prose, a number (or any text) that is read from an output is written in double brackets:
  ``the validation loss rises to [[0.503]]``. The brackets are removed in the notebook, and the
  text must appear in what the nearest code cell *above* printed (its printed text and its
  results' plain text; a number is not found inside a longer one: ``0.50`` is not in
  ``0.503``). The build fails when it does not, and so does the test suite
  (``tests/notebooks/``), on the committed outputs and on a fresh run: when a result changes,
  the prose that quotes it has to change with it. A decimal number in running text outside
  ``$math$`` and ``code`` must be marked so (a number in math is a given, not a result).
* Text before the first cell marker (a module docstring) is ignored.

A source with no ``[markdown es]`` cell at all is built in English only (a draft); a source with
some Spanish cells must have one after every English one.

Commands
--------

``python notebooks/build.py`` builds and executes every notebook in both languages (each one
top to bottom with nbclient, in a temporary directory: files a notebook writes never land in the
repository) and prints how long each took. ``python notebooks/build.py 02 04`` builds only the
notebooks whose names start with those prefixes, ``--language es`` only one edition,
``--no-execute`` writes them without outputs, ``--allow-errors`` goes on past a cell that raises
(its error becomes its output; the build still fails) and ``--check`` only reports which
committed notebooks no longer match their sources (exit status 1 if any).

Cell ids are derived from the notebook's name and the cell's position, and no timing metadata
is recorded, so rebuilding an unchanged source gives an unchanged file (apart from figures, if
matplotlib changes).
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
LANGUAGES = ("en", "es")
"""The editions: English (``notebooks/``) and Spanish (``notebooks/es/``)."""
FOLDERS = {"en": HERE, "es": HERE / "es"}
CELL_TIMEOUT = 300
"""Seconds any one cell may run before the build gives up on it."""

_MARKDOWN = "# %% [markdown]"
_MARKDOWN_ES = "# %% [markdown es]"
_CODE = "# %%"
_ANSWER = "# %% [answer]"
_MARKERS = {_MARKDOWN: "markdown", _MARKDOWN_ES: "markdown es", _CODE: "code", _ANSWER: "answer"}
_SPANISH_LINE = re.compile(r"^(\s*)#es:(?: (.*)|)$")
_QUOTE = re.compile(r"\[\[(.+?)\]\]")


@dataclass
class Cell:
    """One cell of a source: ``kind`` is ``"markdown"`` or ``"code"``; ``text`` maps each
    language to the cell's text in it; ``answer`` marks a code cell whose output is not kept;
    ``line`` is where it starts in the source (for error messages)."""

    kind: str
    text: dict[str, str] = field(default_factory=dict)
    answer: bool = False
    line: int = 0


def notebook_names() -> list[str]:
    """The notebooks' names (``01_computational_graph`` ...), in lecture order."""
    return sorted(path.stem for path in SOURCES.glob("[0-9][0-9]_*.py"))


def notebook_path(name: str, language: str = "en") -> Path:
    """Where the edition of notebook ``name`` in ``language`` is committed."""
    return FOLDERS[language] / f"{name}.ipynb"


def _strip_blank_edges(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def read_source(source: Path) -> list[Cell]:
    """The cells of a source file, each with its text in every language it has."""
    raw: list[tuple[str, int, list[str]]] = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.rstrip()
        if stripped in _MARKERS:
            raw.append((_MARKERS[stripped], number, []))
        elif stripped.startswith("# %%"):
            raise ValueError(f"{source.name}:{number}: unknown cell marker {stripped!r} "
                             f"(use one of {', '.join(repr(m) for m in _MARKERS)})")
        elif raw:
            kind, _, lines = raw[-1]
            if kind.startswith("markdown"):
                if stripped and not stripped.startswith("#"):
                    raise ValueError(f"{source.name}:{number}: a Markdown cell's lines must start with '#', "
                                     f"got {stripped!r}")
                text = stripped[1:]
                lines.append(text[1:] if text.startswith(" ") else text)
            else:
                lines.append((number, stripped))
    bilingual = any(kind == "markdown es" for kind, _, _ in raw)
    cells: list[Cell] = []
    for kind, number, lines in raw:
        if kind == "markdown es":
            if not cells or cells[-1].kind != "markdown" or "es" in cells[-1].text:
                raise ValueError(f"{source.name}:{number}: '{_MARKDOWN_ES}' must follow an English "
                                 f"'{_MARKDOWN}' cell (its translation)")
            cells[-1].text["es"] = _strip_blank_edges(lines)
            continue
        if kind == "markdown":
            if bilingual and cells and cells[-1].kind == "markdown" and "es" not in cells[-1].text:
                raise ValueError(f"{source.name}:{cells[-1].line}: this Markdown cell has no Spanish version "
                                 f"('{_MARKDOWN_ES}' right after it)")
            cells.append(Cell("markdown", {"en": _strip_blank_edges(lines)}, line=number))
            continue
        if bilingual and cells and cells[-1].kind == "markdown" and "es" not in cells[-1].text:
            raise ValueError(f"{source.name}:{cells[-1].line}: this Markdown cell has no Spanish version "
                             f"('{_MARKDOWN_ES}' right after it)")
        cells.append(_code_cell(source.name, number, lines, kind == "answer", bilingual))
    if bilingual and cells and cells[-1].kind == "markdown" and "es" not in cells[-1].text:
        raise ValueError(f"{source.name}:{cells[-1].line}: this Markdown cell has no Spanish version")
    return [cell for cell in cells if cell.text["en"]]


def _code_cell(source: str, start: int, lines: list[tuple[int, str]], answer: bool, bilingual: bool) -> Cell:
    """A code cell from its numbered lines: the English text, and the Spanish one where each run
    of ``k`` ``#es:`` lines replaces the ``k`` lines just before it."""
    english: list[str] = []
    spanish: list[str] = []
    translated: set[int] = set()   # indices (in english) of lines that already have a translation
    run: list[tuple[int, str]] = []

    def close_run() -> None:
        first = len(english) - len(run)
        if first < 0 or translated & set(range(first, len(english))):
            raise ValueError(f"{source}:{run[0][0]}: {len(run)} '#es:' line(s) must follow as many lines "
                             f"they translate (each line translated once)")
        for offset, (_, text) in enumerate(run):
            original = english[first + offset]
            spanish[first + offset] = original[:len(original) - len(original.lstrip())] + text.lstrip()
            translated.add(first + offset)
        run.clear()

    for number, line in lines:
        match = _SPANISH_LINE.match(line)
        if match is not None:
            run.append((number, match.group(2) or ""))
            continue
        if run:
            close_run()
        english.append(line)
        spanish.append(line)
    if run:
        close_run()
    cell = Cell("code", {"en": _strip_blank_edges(english)}, answer=answer, line=start)
    if bilingual:
        cell.text["es"] = _strip_blank_edges(spanish)
        _check_same_code(source, start, cell.text["en"], cell.text["es"])
    return cell


class _BlankStrings(ast.NodeTransformer):
    """Every string constant made empty, and an f-string reduced to the values it formats (in
    their order; its text may be reworded around them): what is left is what the code does."""

    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.Constant("") if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.JoinedStr:
        self.generic_visit(node)
        node.values = [value for value in node.values if not isinstance(value, ast.Constant)]
        return node


def _code_shape(text: str) -> str:
    # IPython's line magics and shell escapes are not Python; they are compared as text
    lines = [line if not line.lstrip().startswith(("%", "!")) else "pass  # " + line for line in text.splitlines()]
    return ast.dump(_BlankStrings().visit(ast.parse("\n".join(lines))))


def _check_same_code(source: str, start: int, english: str, spanish: str) -> None:
    try:
        same = _code_shape(english) == _code_shape(spanish)
    except SyntaxError as error:
        raise ValueError(f"{source}:{start}: the code cell does not parse ({error.msg}, line {error.lineno} "
                         f"of the cell)") from None
    if not same:
        differing = [f"  en: {a.strip()}\n  es: {b.strip()}" for a, b in zip(english.splitlines(), spanish.splitlines())
                     if a != b]
        raise ValueError(f"{source}:{start}: the Spanish version of this code cell does more than translate "
                         f"strings and comments (an f-string must format the same values, in the same order); "
                         f"translated lines:\n" + "\n".join(differing))


def languages(cells: list[Cell]) -> tuple[str, ...]:
    """The editions a source has: both, or English only for a draft without Spanish cells."""
    return LANGUAGES if any("es" in cell.text for cell in cells) else ("en",)


def read_cells(source: Path, language: str = "en") -> list[tuple[str, str]]:
    """``(kind, text)`` for each cell of ``source`` in ``language``, as the notebook shows it
    (quote brackets removed); ``kind`` is ``"markdown"`` or ``"code"``."""
    return [(cell.kind, shown_text(cell.text[language]) if cell.kind == "markdown" else cell.text[language])
            for cell in read_source(source)]


def shown_text(text: str) -> str:
    """A cell's text with the quote brackets ``[[...]]`` removed."""
    return _QUOTE.sub(lambda match: match.group(1), text)


def quotes(text: str) -> list[str]:
    """The texts a Markdown cell quotes from an output (written ``[[...]]``)."""
    return _QUOTE.findall(text)


_MATH_OR_CODE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|`[^`\n]*`|\[\[.+?\]\]|<[^>\n]*>|\]\([^)\n]*\)", re.S)
_DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")


def unmarked_decimals(text: str) -> list[str]:
    """Decimal numbers in a Markdown cell's running text that are not marked as quotes (a
    number in ``$math$``, ``code``, a link or an HTML tag is left alone)."""
    return _DECIMAL.findall(_MATH_OR_CODE.sub(" ", text))


def output_text(cell: nbformat.NotebookNode) -> str:
    """What a code cell printed: its stream output and the plain text of its results."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.get("text", ""))
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif output.output_type == "error":
            parts.append("\n".join(output.get("traceback", [])))
    return "\n".join(parts)


def found_in(quote: str, text: str) -> bool:
    """True when ``quote`` occurs in ``text`` as itself: not as part of a longer number
    (``0.5`` is not found in ``0.53``, ``10.5`` or ``-0.5``) or a longer word."""
    before = r"(?<![\w.\-−])" if quote[:1].isalnum() else ""
    after = r"(?!\.?\d)" if quote[-1:].isdigit() else (r"(?!\w)" if quote[-1:].isalnum() else "")
    return re.search(before + re.escape(quote) + after, text) is not None


def check_quotes(name: str, nb: nbformat.NotebookNode, language: str, *, skip_answers: bool = False) -> list[str]:
    """Every quote of every Markdown cell of the built notebook ``nb`` that is missing from the
    output of the code cell above it, as messages (empty: all found). ``nb`` must have the
    source's cells (``make_notebook``). With ``skip_answers``, quotes that refer to an answer
    cell (whose output the committed notebook does not keep) are not checked."""
    source = read_source(SOURCES / f"{name}.py")
    problems = []
    above = None
    for cell, built in zip(source, nb.cells):
        if cell.kind == "code":
            above = (cell, built)
            continue
        wanted = quotes(cell.text[language])
        if not wanted:
            continue
        if above is None:
            problems.append(f"{name} ({language}), Markdown cell at line {cell.line}: quotes {wanted} "
                            f"but no code cell comes before it")
            continue
        if skip_answers and above[0].answer:
            continue
        printed = output_text(above[1])
        for quote in wanted:
            if not found_in(quote, printed):
                problems.append(f"{name} ({language}), Markdown cell at line {cell.line}: quotes {quote!r}, "
                                f"which the code cell at line {above[0].line} did not print")
    return problems


def make_notebook(name: str, language: str = "en") -> nbformat.NotebookNode:
    """The edition in ``language`` of notebook ``name``, built from ``src/<name>.py``, without outputs."""
    nb = nbformat.v4.new_notebook()
    for index, cell in enumerate(read_source(SOURCES / f"{name}.py")):
        if cell.kind == "markdown":
            made = nbformat.v4.new_markdown_cell(shown_text(cell.text[language]))
        else:
            made = nbformat.v4.new_code_cell(cell.text[language])
        made["id"] = f"{name[:2]}-{index:03d}"
        if cell.answer:
            made.metadata["tags"] = ["answer"]
        nb.cells.append(made)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = CELL_TIMEOUT, cwd: str | Path | None = None,
            allow_errors: bool = False) -> float:
    """Run every cell of ``nb`` in place (in ``cwd``, by default a fresh temporary directory);
    return the seconds it took. A failing cell raises nbclient's ``CellExecutionError``, unless
    ``allow_errors`` (then its error is its output, and the next cells run)."""
    from nbclient import NotebookClient

    with tempfile.TemporaryDirectory(prefix="valuegraph-nb-") as scratch:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                                allow_errors=allow_errors, resources={"metadata": {"path": str(cwd or scratch)}})
        started = time.perf_counter()
        client.execute()
        return time.perf_counter() - started


def hide_answers(nb: nbformat.NotebookNode) -> None:
    """Remove the output of every answer cell (tagged ``answer``): the student runs it."""
    for cell in nb.cells:
        if "answer" in cell.metadata.get("tags", []):
            cell.outputs = []
            cell.execution_count = None


def _clean_metadata(nb: nbformat.NotebookNode) -> None:
    """Keep only what is stable from one run to the next (the kernel's language_info varies
    with the Python patch version; widget state is kept so the stepper's output is stored)."""
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        cell.metadata.pop("execution", None)


def is_current(name: str, language: str = "en") -> bool:
    """True when the committed edition exists and its cells are exactly those of ``src/<name>.py``."""
    path = notebook_path(name, language)
    if not path.exists():
        return False
    committed = nbformat.read(path, as_version=4)
    expected = read_cells(SOURCES / f"{name}.py", language)
    return [(cell.cell_type, cell.source) for cell in committed.cells] == expected


def lint(name: str) -> list[str]:
    """Decimal numbers that running text states without marking them as quoted from an output."""
    problems = []
    for cell in read_source(SOURCES / f"{name}.py"):
        if cell.kind == "markdown":
            for language, text in cell.text.items():
                for number in unmarked_decimals(text):
                    problems.append(f"{name} ({language}), Markdown cell at line {cell.line}: {number} is not "
                                    f"marked: write [[{number}]] if an output above prints it, or put it in $math$")
    return problems


def build(name: str, language: str, execute_it: bool = True,
          allow_errors: bool = False) -> tuple[float | None, list[str]]:
    """Build (and execute) one edition and write it; (seconds or None, problems found)."""
    nb = make_notebook(name, language)
    seconds, problems = None, []
    if execute_it:
        seconds = execute(nb, allow_errors=allow_errors)
        problems = check_quotes(name, nb, language)
        problems += [f"{name} ({language}): code cell {number} raised {output.ename}: {output.evalue}"
                     for number, cell in enumerate(nb.cells) for output in cell.get("outputs", [])
                     if output.output_type == "error"]
        hide_answers(nb)
        _clean_metadata(nb)
    nbformat.validate(nb)
    path = notebook_path(name, language)
    path.parent.mkdir(exist_ok=True)
    nbformat.write(nb, path)
    return seconds, problems


def main(argv: list[str] | None = None) -> int:
    """Command line: build (and execute) the chosen notebooks."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefixes", nargs="*", help="build only notebooks whose names start with these (e.g. 02)")
    parser.add_argument("--language", choices=LANGUAGES, help="build only this edition (default: every one)")
    parser.add_argument("--no-execute", action="store_true", help="write the notebooks without running them")
    parser.add_argument("--check", action="store_true", help="only check that notebooks match their sources")
    parser.add_argument("--allow-errors", action="store_true",
                        help="a cell that raises shows its error and the next cells still run (the build then fails)")
    args = parser.parse_args(argv)
    names = [n for n in notebook_names() if not args.prefixes or any(n.startswith(p) for p in args.prefixes)]
    if not names:
        parser.error(f"no notebook matches {args.prefixes} (have: {', '.join(notebook_names())})")
    editions = [(name, language) for name in names for language in languages(read_source(SOURCES / f"{name}.py"))
                if args.language in (None, language)]
    if args.check:
        stale = [(n, lang) for n, lang in editions if not is_current(n, lang)]
        for name, language in stale:
            print(f"{notebook_path(name, language).relative_to(HERE.parent)} does not match src/{name}.py: "
                  f"run python notebooks/build.py {name[:2]} --language {language}")
        return 1 if stale else 0
    failed = [problem for name in names for problem in lint(name)]
    for name, language in editions:
        seconds, problems = build(name, language, execute_it=not args.no_execute, allow_errors=args.allow_errors)
        if seconds is not None:
            print(f"{name} ({language}): executed in {seconds:.1f} s", flush=True)
        failed += problems
    for problem in failed:
        print(problem, file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
