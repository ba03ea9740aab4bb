"""The lecture notebooks, in English and Spanish: built from their sources, executed, and saying
what their outputs show.

Each edition is executed from a copy in a temporary directory (nothing is written into the
repository) with nbclient; a cell that raises fails the test. The text they print must be what
the committed notebook shows (they are seeded, so a difference means a result changed or lost its
determinism), and every number the prose quotes from an output (``[[...]]`` in the source) must be
in that output, in the committed notebook and in the fresh run.
"""

import importlib.util
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
EXPECTED = ["01_computational_graph", "02_activations", "03_numeric_vs_analytic", "04_gradient_descent",
            "05_training_mlps", "06_regularization", "07_playground", "08_from_valuegraph_to_pytorch"]
EDITIONS = [(name, language) for name in EXPECTED for language in ("en", "es")]
NEEDS = {"08_from_valuegraph_to_pytorch": "torch"}
"""Notebooks that import an optional package: executing them skips without it."""
SECONDS_PER_NOTEBOOK = 120
"""A notebook that takes this long on the CI machine fails (they take well under 30 s; see docs/notebooks.md)."""


def _load_build():
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module       # (its dataclass looks its module up there)
    spec.loader.exec_module(module)
    return module


build = _load_build()


def _ids(edition):
    return f"{edition[0][:2]}-{edition[1]}"


def _code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def _is_answer(cell):
    return "answer" in cell.metadata.get("tags", [])


def _streams(nb):
    """The text each code cell printed, cell by cell, answer cells left out (the committed notebook
    keeps no output for them). The kernel may split one cell's printing into several stream
    outputs depending on timing, so they are joined."""
    return ["".join(out.get("text", "") for out in cell.get("outputs", [])
                    if out.output_type == "stream" and out.get("name") == "stdout")
            for cell in _code_cells(nb) if not _is_answer(cell)]


def _committed(name, language):
    return nbformat.read(build.notebook_path(name, language), as_version=4)


# -- the sources and the committed notebooks ----------------------------------------------------

def test_the_lecture_notebooks_have_sources():
    assert build.notebook_names() == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_every_notebook_has_both_editions(name):
    assert build.languages(build.read_source(build.SOURCES / f"{name}.py")) == ("en", "es")


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_committed_notebook_matches_its_source(edition):
    name, language = edition
    assert build.is_current(name, language), f"run: python notebooks/build.py {name[:2]} --language {language}"


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_committed_notebook_was_executed_without_errors(edition):
    nb = _committed(*edition)
    nbformat.validate(nb)
    code = _code_cells(nb)
    counts = [cell.execution_count for cell in code if not _is_answer(cell)]
    assert None not in counts and counts == sorted(counts) and len(set(counts)) == len(counts)
    errors = [out for cell in code for out in cell.outputs if out.output_type == "error"]
    assert errors == []
    assert any(out.get("data", {}).get("image/png") or out.get("data", {}).get("image/svg+xml")
               for cell in code for out in cell.outputs), "a lecture notebook without a single figure"


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_answers_stay_hidden_until_the_student_runs_them(edition):
    """Each notebook ends with predict-first exercises; the committed notebook keeps the cells that
    reveal an answer without their output."""
    nb = _committed(*edition)
    answers = [cell for cell in _code_cells(nb) if _is_answer(cell)]
    assert answers, "no predict-first exercise with a hidden answer"
    assert all(cell.outputs == [] and cell.execution_count is None for cell in answers)


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_every_notebook_asks_for_backpropagation_or_a_prediction_first(edition):
    """The exercises make the student commit to an answer: a step-through quiz, or a prediction
    written into a variable before the answer cell."""
    sources = [cell.source for cell in _code_cells(_committed(*edition))]
    assert any("quiz=True" in source or re.search(r"^my_\w+ = None", source, re.M) for source in sources)


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_the_first_code_cell_sets_the_language_of_captions_and_widgets(edition):
    name, language = edition
    first = _code_cells(_committed(name, language))[0].source
    assert f'viz.set_language("{language}")' in first


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_the_prose_quotes_what_the_committed_outputs_show(edition):
    name, language = edition
    assert build.check_quotes(name, _committed(name, language), language, skip_answers=True) == []


@pytest.mark.parametrize("name", EXPECTED)
def test_numbers_in_running_text_are_marked_as_quotes_or_written_as_math(name):
    assert build.lint(name) == []


@pytest.mark.parametrize("name", EXPECTED)
def test_the_spanish_edition_runs_the_same_code(name):
    """Only strings and comments differ (the builder checks each cell's syntax tree); here, also
    that the Spanish text is really translated where the English has prose."""
    cells = build.read_source(build.SOURCES / f"{name}.py")
    markdown = [cell for cell in cells if cell.kind == "markdown"]
    assert all(cell.text["es"] != cell.text["en"] for cell in markdown if len(cell.text["en"]) > 80)
    assert any(cell.kind == "code" and cell.text["es"] != cell.text["en"] for cell in cells)


def test_the_summary_maps_every_section_to_a_heading_that_exists():
    """Notebook 7's summary table: each link names a notebook, and each section after it is one
    of that notebook's headings, in each language."""
    for language in ("en", "es"):
        summary = next(cell.text[language] for cell in build.read_source(build.SOURCES / "07_playground.py")
                       if cell.kind == "markdown" and "](01_computational_graph.ipynb)" in cell.text[language])
        rows = re.findall(r"^\| (.+?) \| \[\d\]\((\d\d_\w+)\.ipynb\): (.+) \|$", summary, re.M)
        assert len(rows) >= 20
        for lecture, notebook, sections in rows:
            headings = {line.lstrip("#").strip() for _, text in build.read_cells(build.SOURCES / f"{notebook}.py", language)
                        for line in text.splitlines() if line.startswith("## ") or line.startswith("### ")}
            for section in sections.split("; "):
                assert section in headings, f"{language}: {lecture!r} points to {notebook} § {section!r}, not a heading"
        assert {lecture for lecture, _, _ in rows} >= {"Motivación biológica", "Momentum", "Early stopping", "Drop out",
                                                       "Batch Normalization", "Regla de la cadena"}


# -- the source format --------------------------------------------------------------------------

def _source(tmp_path, text):
    path = tmp_path / "99_example.py"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_spanish_line_replaces_the_line_before_it_keeping_its_indentation(tmp_path):
    cells = build.read_source(_source(tmp_path, '''# %% [markdown]
# Hello
# %% [markdown es]
# Hola
# %%
for k in range(2):
    print("step", k)   # a comment
    #es: print("paso", k)   # un comentario
# %% [answer]
print("two", "lines",
      "joined")
#es: print("dos", "líneas",
#es:       "unidas")
'''))
    assert [cell.kind for cell in cells] == ["markdown", "code", "code"]
    assert cells[0].text == {"en": "Hello", "es": "Hola"}
    assert cells[1].text["en"] == 'for k in range(2):\n    print("step", k)   # a comment'
    assert cells[1].text["es"] == 'for k in range(2):\n    print("paso", k)   # un comentario'
    assert cells[2].answer and cells[2].text["es"] == 'print("dos", "líneas",\n      "unidas")'


@pytest.mark.parametrize("english, spanish", [
    ('print(len(x))', 'print(len(y))'),                            # another variable
    ('label = f"{n} points"', 'label = f"{n + 1} puntos"'),        # another value formatted
    ('ax.plot(x, y, label="loss")', 'ax.plot(x, label="pérdida")'),
])
def test_a_translation_that_changes_the_code_is_refused(tmp_path, english, spanish):
    with pytest.raises(ValueError, match="does more than translate"):
        build.read_source(_source(tmp_path, f"# %% [markdown]\n# a\n# %% [markdown es]\n# b\n# %%\n{english}\n#es: {spanish}\n"))


def test_an_f_string_may_be_reworded_around_the_same_values(tmp_path):
    cells = build.read_source(_source(tmp_path, '# %% [markdown]\n# a\n# %% [markdown es]\n# b\n# %%\n'
                                                'print(f"{n} epochs, loss {x:.3f}")\n'
                                                '#es: print(f"épocas: {n}; pérdida {x:.3f}")\n'))
    assert cells[1].text["es"] == 'print(f"épocas: {n}; pérdida {x:.3f}")'


def test_an_english_cell_without_its_spanish_one_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no Spanish version"):
        build.read_source(_source(tmp_path, "# %% [markdown]\n# a\n# %% [markdown es]\n# b\n"
                                            "# %% [markdown]\n# c\n# %%\nx = 1\n"))


def test_a_draft_without_spanish_is_english_only(tmp_path):
    cells = build.read_source(_source(tmp_path, "# %% [markdown]\n# a\n# %%\nx = 1\n"))
    assert build.languages(cells) == ("en",)


@pytest.mark.parametrize("quote, text, found", [
    ("0.50", "loss 0.503", False),
    ("0.5", "loss -0.5", False),
    ("0.5", "loss 10.5", False),
    ("0.5", "a loss of 0.5.", True),
    ("1", "last / first = 1\n", True),
    ("1", "took 12 s", False),
    ("14%", "wrong: 14% of them", True),
    ("max(1.00x + 0.00, 0.10x + 0.00)", "learned max(1.00x + 0.00, 0.10x + 0.00), loss 2e-15", True),
])
def test_a_quoted_number_is_found_only_as_itself(quote, text, found):
    assert build.found_in(quote, text) is found


def test_quotes_are_marked_and_shown_without_their_brackets():
    text = "the loss rises to [[0.671]] while $0.25$ and `lr=0.1` are givens; 0.37 is not marked"
    assert build.quotes(text) == ["0.671"]
    assert build.shown_text(text).startswith("the loss rises to 0.671 while")
    assert build.unmarked_decimals(text) == ["0.37"]


# -- running them -------------------------------------------------------------------------------

_executed = {}
_folders = {}


def _execute(edition, tmp_path_factory):
    """Execute a copy of the committed edition once per test session; (notebook, seconds)."""
    if edition[0] in NEEDS:
        pytest.importorskip(NEEDS[edition[0]])
    if edition not in _executed:
        name, language = edition
        folder = tmp_path_factory.mktemp(f"{name}-{language}")
        copy = folder / f"{name}.ipynb"
        shutil.copyfile(build.notebook_path(name, language), copy)
        nb = nbformat.read(copy, as_version=4)
        started = time.perf_counter()
        build.execute(nb, timeout=SECONDS_PER_NOTEBOOK, cwd=folder)
        _executed[edition] = nb, time.perf_counter() - started
        _folders[edition] = folder
    return _executed[edition]


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_notebook_runs_top_to_bottom_in_time(edition, tmp_path_factory):
    nb, seconds = _execute(edition, tmp_path_factory)
    assert seconds < SECONDS_PER_NOTEBOOK, f"{edition} took {seconds:.0f} s (limit {SECONDS_PER_NOTEBOOK} s)"
    assert all(cell.execution_count is not None for cell in _code_cells(nb))


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_notebook_prints_what_its_committed_outputs_show(edition, tmp_path_factory):
    name, language = edition
    nb, _ = _execute(edition, tmp_path_factory)
    fresh, shown = _streams(nb), _streams(_committed(name, language))
    changed = [i for i, (a, b) in enumerate(zip(fresh, shown)) if a != b]
    assert fresh == shown, (f"{name} ({language}): code cells {changed} print something else than the committed "
                            f"notebook shows (a result changed, or lost its determinism); if the change is intended, "
                            f"rebuild it: python notebooks/build.py {name[:2]}, and check the prose")


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_the_prose_quotes_what_a_fresh_run_prints(edition, tmp_path_factory):
    """Also the answers, which the committed notebook does not show."""
    name, language = edition
    nb, _ = _execute(edition, tmp_path_factory)
    assert build.check_quotes(name, nb, language) == []


@pytest.mark.parametrize("edition", EDITIONS, ids=_ids)
def test_running_a_notebook_leaves_no_file_that_git_would_show(edition, tmp_path_factory):
    """What a notebook writes beside itself (run from its folder, as a student does) is git-ignored."""
    _execute(edition, tmp_path_factory)
    folder = _folders[edition]
    name, language = edition
    where = build.notebook_path(name, language).parent.relative_to(NOTEBOOKS.parent).as_posix()
    written = sorted(f"{where}/{path.relative_to(folder).as_posix()}" for path in folder.rglob("*")
                     if path.is_file() and path.name != f"{name}.ipynb")
    if name == "01_computational_graph":
        assert f"{where}/lecture_example.html" in written  # the check below has something to judge
    root = NOTEBOOKS.parent
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("needs git and a git checkout")
    ignored = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", "--stdin"], input="\n".join(written),
                             capture_output=True, text=True).stdout.splitlines()
    assert [path for path in written if path not in ignored] == []
