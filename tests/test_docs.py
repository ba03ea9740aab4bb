"""Every code block of README.md and docs/*.md runs here, so the documentation cannot drift from
the code. One test per block, named by its page and line (``tests/test_docs.py::test_python_block[docs/engine.md:12]``).

How a page's blocks are read (docs/testing.md says the same for writers):

* ```` ```python ```` blocks of one page run in order, in one namespace, in a temporary folder of
  their own, as a reader who pastes them one after the other would run them. A line
  ``print(...)  # text`` must print ``text``; ``...`` in it matches anything, as in doctest.
* ```` ```console ```` blocks: each ``$ valuegraph ...`` line is run and the lines after it are
  what it prints (standard output and error, in order; ``...`` matches anything).
* ```` ```bash ```` blocks whose every command is ``valuegraph ...`` run and must exit 0; other
  shell blocks (``pip install``, ``jupyter lab``, benchmarks) are instructions, not run.
* An HTML comment on the line before a block, invisible on GitHub, changes that:
  ``<!-- test: output -->`` before a ```` ```text ```` block: the whole output of the block
  before it; ``<!-- test: excerpt PATH -->``: the block is a quotation of the file PATH;
  ``<!-- test: skip REASON -->``: the block is not run, for the reason given;
  ``<!-- test: requires MODULE -->``: the block runs where MODULE imports and skips elsewhere
  (``torch``, which the suite treats as an optional tool).

Drawings are made as on a fresh machine: with WebAssembly Graphviz installed, Graphviz's ``dot``
program is hidden from the blocks (``PATH`` holds no program), so every drawing in the docs is
known to work where ``dot`` is not installed.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import io
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
import tokenize
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELLS = ("bash", "sh", "shell", "console")
MARKER = re.compile(r"<!-- test: (\w+)(?: (.*?))? -->")
KINDS = {"output": False, "excerpt": True, "skip": True, "requires": True}  # marker -> whether it needs an argument


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its language, its text, and the test marker before it."""

    page: str  # path from the repository root, with / separators
    line: int  # line number of the block's first line of code
    language: str
    text: str
    marker: str | None = None
    argument: str | None = None

    @property
    def name(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def commands(self) -> list[str]:
        """The shell commands of a bash block, continuation lines joined, comments kept."""
        return [line for line in self.text.replace("\\\n", " ").splitlines() if line.strip()]

    @property
    def runs(self) -> bool:
        """Whether this block is run: Python and console blocks, bash blocks of valuegraph commands."""
        if self.marker in ("skip", "excerpt", "output"):
            return False
        if self.language == "python" or self.language == "console":
            return True
        return self.language in SHELLS and all(c.split()[0] == "valuegraph" for c in self.commands)


def read_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, in order (fences may be indented, as in lists)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    page = path.relative_to(ROOT).as_posix()
    blocks, i = [], 0
    while i < len(lines):
        opening = re.match(r"^(\s*)(`{3,})\s*([\w+-]*)", lines[i])
        if not opening:
            i += 1
            continue
        indent, fence, language = opening.groups()
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        if end == len(lines):
            raise ValueError(f"{page}:{i + 1}: a code fence that is never closed")
        before = next((line.strip() for line in reversed(lines[:i]) if line.strip()), "")
        marker = MARKER.fullmatch(before)
        text = textwrap.dedent("\n".join(lines[i + 1:end])) + "\n"
        language = {"py": "python", "python3": "python", "sh": "bash", "shell": "bash"}.get(language.lower(), language.lower())
        blocks.append(Block(page, i + 2, language, text, *(marker.groups() if marker else (None, None))))
        i = end + 1
    return blocks


BLOCKS = {path.relative_to(ROOT).as_posix(): read_blocks(path) for path in PAGES}
ALL = [block for blocks in BLOCKS.values() for block in blocks]


def expected_output(block: Block) -> Block | None:
    """The ``<!-- test: output -->`` block that shows what ``block`` prints, if the page has one."""
    blocks = BLOCKS[block.page]
    following = blocks[blocks.index(block) + 1:]
    for later in following:
        if later.marker == "output":
            return later
        if later.runs:
            return None
    return None


def matches(expected: str, printed: str) -> bool:
    """doctest's comparison with ``...`` matching anything."""
    return doctest.OutputChecker().check_output(expected, printed, doctest.ELLIPSIS)


@pytest.fixture(scope="session")
def no_program_path(tmp_path_factory):
    """A ``PATH`` that holds no program, so that drawings cannot use system ``dot``; None when the
    WebAssembly backend is missing (then the blocks draw with ``dot``), and a skip when both are."""
    from viz.rendering import has_system_dot, has_wasm_graphviz

    if has_wasm_graphviz():
        return str(tmp_path_factory.mktemp("empty-path"))
    if has_system_dot():
        return None
    pytest.skip("the docs draw: they need WebAssembly Graphviz (Python 3.11 or newer) or the dot program")


class PageRun:
    """The Python blocks of one page, run in order in one namespace and one folder."""

    def __init__(self, page: str, folder: Path):
        self.page, self.folder = page, folder
        self.namespace: dict = {"__name__": "__main__"}
        self.done: dict[int, str] = {}  # block line -> "passed" or "failed"

    def run_until(self, block: Block, monkeypatch, path: str | None) -> None:
        for earlier in [b for b in BLOCKS[self.page] if b.language == "python" and b.runs]:
            if earlier is block:
                break
            if earlier.line not in self.done:
                try:
                    self.run(earlier, monkeypatch, path)
                except Exception:
                    pass
            if self.done[earlier.line] != "passed":
                pytest.fail(f"{earlier.name}, an earlier block of this page, failed: fix it first", pytrace=False)
        self.run(block, monkeypatch, path)

    def run(self, block: Block, monkeypatch, path: str | None) -> None:
        if block.marker == "requires":
            pytest.importorskip(block.argument)  # (and so the blocks after it on the page skip too)
        self.done[block.line] = "failed"
        with monkeypatch.context() as patch:
            patch.chdir(self.folder)
            if path is not None:
                patch.setenv("PATH", path)
            printed = run_python(block, self.namespace)
        shown = expected_output(block)
        if shown is not None and not matches(shown.text, printed):
            pytest.fail(f"{block.name} printed\n{printed}\nwhere {shown.name} shows\n{shown.text}", pytrace=False)
        self.done[block.line] = "passed"


def run_python(block: Block, namespace: dict) -> str:
    """Run a Python block statement by statement (tracebacks point at the page's lines); check each
    ``print(...)  # text`` line against its comment; return everything the block printed."""
    source = block.text
    tree = ast.parse(source, filename=block.page)
    ast.increment_lineno(tree, block.line - 1)
    comments = {token.start[0] + block.line - 1: token.string[1:].strip()
                for token in tokenize.generate_tokens(io.StringIO(source).readline) if token.type == tokenize.COMMENT}
    filename = str(ROOT / block.page)
    printed = []
    for statement in tree.body:
        code = compile(ast.Module([statement], type_ignores=[]), filename, "exec")
        buffer = io.StringIO()
        failure = None
        try:
            with contextlib.redirect_stdout(buffer):
                exec(code, namespace)
        except Exception as error:
            failure = f"{block.page}:{statement.lineno} raised\n" + "".join(page_traceback(error, filename))
        if failure:
            pytest.fail(failure, pytrace=False)
        printed.append(buffer.getvalue())
        said = comments.get(statement.end_lineno)
        is_print = (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)
                    and getattr(statement.value.func, "id", None) == "print")
        if is_print and said is not None and not matches(said + "\n", buffer.getvalue()):
            pytest.fail(f"{block.page}:{statement.lineno} printed {buffer.getvalue().rstrip()!r}; "
                        f"its comment says {said!r}", pytrace=False)
    return "".join(printed)


def page_traceback(error: Exception, filename: str) -> list[str]:
    """The traceback of an error raised by a block, from the block's line on (this file's frames left out)."""
    frames = traceback.extract_tb(error.__traceback__)
    start = next((i for i, frame in enumerate(frames) if frame.filename == filename), 0)
    return traceback.format_list(frames[start:]) + traceback.format_exception_only(type(error), error)


_page_runs: dict[str, PageRun] = {}


@pytest.mark.parametrize("block", [pytest.param(b, id=b.name) for b in ALL if b.language == "python" and b.runs])
def test_python_block(block, monkeypatch, tmp_path_factory, no_program_path):
    if block.page not in _page_runs:
        _page_runs[block.page] = PageRun(block.page, tmp_path_factory.mktemp(block.page.replace("/", "-")))
    _page_runs[block.page].run_until(block, monkeypatch, no_program_path)


def run_command(command: str, folder: Path, path: str | None) -> subprocess.CompletedProcess:
    """Run one ``valuegraph ...`` command line as a shell would (quotes, ``# comments``), in ``folder``."""
    argv = shlex.split(command, comments=True)
    assert argv[0] == "valuegraph", f"only valuegraph commands are run, not {command!r}"
    beside_python = Path(sys.executable).parent  # the environment's scripts, also when it is not activated
    program = (shutil.which("valuegraph", path=str(beside_python)) or shutil.which("valuegraph")
               or pytest.fail("the valuegraph command is not installed: pip install -e .", pytrace=False))
    env = dict(os.environ, PYTHONUNBUFFERED="1", COLUMNS="100")
    if path is not None:
        env["PATH"] = path
    return subprocess.run([program, *argv[1:]], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)


@pytest.mark.parametrize("block", [pytest.param(b, id=b.name) for b in ALL if b.language in SHELLS and b.runs])
def test_shell_block(block, tmp_path, no_program_path):
    if block.language == "console":
        # "$ command" lines, each followed by what it prints
        steps = re.split(r"^\$ ", block.text, flags=re.M)
        assert steps[0].strip() == "", f"{block.name}: a console block starts with '$ '"
        for step in steps[1:]:
            command, _, expected = step.partition("\n")
            result = run_command(command, tmp_path, no_program_path)
            if not matches(expected, result.stdout):
                pytest.fail(f"{block.name}: `{command}` printed (exit code {result.returncode})\n{result.stdout}\n"
                            f"where the page shows\n{expected}", pytrace=False)
    else:
        for command in block.commands:
            result = run_command(command, tmp_path, no_program_path)
            if result.returncode != 0:
                pytest.fail(f"{block.name}: `{command}` exited {result.returncode}:\n{result.stdout}", pytrace=False)


@pytest.mark.parametrize("block", [pytest.param(b, id=b.name) for b in ALL if b.marker == "excerpt"])
def test_excerpt_is_in_its_file(block):
    quoted = ROOT / block.argument
    words = lambda text: " ".join(text.split())
    assert words(block.text) in words(quoted.read_text(encoding="utf-8")), (
        f"{block.name} quotes {block.argument}, which no longer holds that text")


def test_every_marker_is_understood():
    for path in PAGES:
        page = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip().startswith("<!-- test:"):
                marker = MARKER.fullmatch(line.strip())
                assert marker and marker.group(1) in KINDS, f"{page}:{number}: unknown marker {line.strip()!r}"
                assert bool(marker.group(2)) == KINDS[marker.group(1)], f"{page}:{number}: {line.strip()!r}"
    for block in ALL:
        if block.marker == "excerpt":
            assert (ROOT / block.argument).is_file(), f"{block.name}: no file {block.argument}"
        if block.marker == "output":
            blocks = BLOCKS[block.page]
            assert any(b.runs for b in blocks[:blocks.index(block)]), f"{block.name}: output of no block"


def test_a_block_that_prints_something_else_fails(tmp_path):
    """The checks above can fail: a wrong comment, a wrong output block and a failing command."""
    wrong = Block("README.md", 1, "python", "print(1 + 1)  # 3\n")
    with pytest.raises(pytest.fail.Exception, match="printed '2'; its comment says '3'"):
        run_python(wrong, {})
    assert run_python(Block("README.md", 1, "python", "print(2 ** 10)  # 10...\n"), {}) == "1024\n"
    assert not matches("wrote a.svg (both, ...)\n", "wrote a.svg\n")
    assert run_command("valuegraph graph 'x +' x=1", tmp_path, None).returncode == 2


# -- links between the pages --------------------------------------------------------------------

def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return {slug(heading) for heading in re.findall(r"^#+ (.+)$", text, flags=re.M)}


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_between_pages_leads_somewhere(path):
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"\w+:", target):
            continue  # https:, mailto:
        file, _, anchor = target.partition("#")
        linked = (path.parent / file).resolve() if file else path
        assert linked.exists(), f"{path.name}: link to {target}: no such file"
        if anchor and linked.suffix == ".md":
            assert anchor in anchors(linked), f"{path.name}: link to {target}: no such heading"
