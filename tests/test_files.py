"""valuegraph.files: the one writer every save in the project goes through, and its rules, held
for every writer at once (a model, a playground, both HTML pages, a drawing, a plot)."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

import nn
from autograd import Value
from valuegraph import files
from valuegraph.files import STALE_TEMPORARY_SECONDS, json_text, write_atomic

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits and symbolic links")


def _playground():
    from viz import Playground

    pg = Playground(n=40, seed=0)
    pg.step(1)
    return pg


def _history():
    X, y = nn.datasets.xor(n=20, seed=0)
    return nn.fit(nn.MLP(2, [2, 1], seed=0), X, y, epochs=2, progress=False)


def _lecture():
    x, y, z = Value(-2.0, "x"), Value(3.0, "y"), Value(2.0, "z")
    f = ((x + y) * z).max(0)
    f.backward()
    return f


WRITERS = {
    "Module.save": lambda path: nn.MLP(2, [2, 1], seed=0).save(path),
    "Playground.save": lambda path: _playground().save(path),
    "Playground.export_html": lambda path: _playground().export_html(path),
    "viz.export_html": lambda path: __import__("viz").export_html(_lecture(), path, backend="wasm"),
    "viz.render": lambda path: __import__("viz").render(_lecture(), path, format="dot"),
    "viz.show": lambda path: __import__("viz").show("digraph { a -> b }", path, format="dot"),
    "plots.plot_history": lambda path: __import__("viz.plots").plots.plot_history(_history(), path),
}
"""Every function of the project that writes a file the user names, writing ``path``."""

SUFFIXES = {"Playground.export_html": ".html", "viz.export_html": ".html", "viz.render": ".dot", "viz.show": ".dot",
            "plots.plot_history": ".png"}

writers = pytest.mark.parametrize("writer", [
    pytest.param(name, marks=[pytest.mark.needs_wasm] if name == "viz.export_html" else []) for name in WRITERS])


def target(folder: Path, writer: str) -> Path:
    return folder / f"out{SUFFIXES.get(writer, '.json')}"


def others(folder: Path, keep: str) -> list[str]:
    return sorted(name for name in os.listdir(folder) if name != keep)


@writers
def test_a_missing_folder_is_refused_naming_it_and_nothing_is_created(tmp_path, writer):
    path = target(tmp_path / "nodir" / "deeper", writer)
    with pytest.raises(FileNotFoundError) as raised:
        WRITERS[writer](path)
    message = str(raised.value)
    assert raised.value.filename == str(path) and f"the folder {str(path.parent)!r} does not exist" in message
    assert ".tmp" not in message and not (tmp_path / "nodir").exists()


@writers
def test_a_folder_in_place_of_the_file_is_refused(tmp_path, writer):
    path = target(tmp_path, writer)
    path.mkdir()
    with pytest.raises(IsADirectoryError, match="is a folder"):
        WRITERS[writer](path)
    assert os.listdir(tmp_path) == [path.name] and os.listdir(path) == []


@posix_only
@writers
@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664])
def test_an_existing_file_keeps_its_permissions(tmp_path, writer, mode):
    path = target(tmp_path, writer)
    path.write_bytes(b"old")
    path.chmod(mode)
    WRITERS[writer](path)
    assert stat.S_IMODE(path.stat().st_mode) == mode and path.read_bytes() != b"old"
    assert others(tmp_path, path.name) == []  # no temporary file left behind


@posix_only
@writers
def test_a_new_file_gets_the_mode_open_gives(tmp_path, writer):
    old = os.umask(0o027)
    try:
        path = target(tmp_path, writer)
        WRITERS[writer](path)
        (tmp_path / "plain").write_text("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 == stat.S_IMODE((tmp_path / "plain").stat().st_mode)


@posix_only
@writers
def test_writing_onto_a_symbolic_link_writes_the_file_it_points_to(tmp_path, writer):
    (tmp_path / "shared").mkdir()
    real = target(tmp_path / "shared", writer)
    real.write_bytes(b"old")
    real.chmod(0o644)
    link = target(tmp_path, writer)
    link.symlink_to(Path("shared") / real.name)
    WRITERS[writer](link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("shared", real.name)
    assert real.read_bytes() != b"old" and stat.S_IMODE(real.stat().st_mode) == 0o644
    assert os.listdir(tmp_path / "shared") == [real.name]


# -- the writer itself ---------------------------------------------------------------------------

def test_text_is_written_as_utf8_and_bytes_as_they_are(tmp_path):
    assert write_atomic(tmp_path / "a.txt", "∂f/∂x", caller="test").read_bytes() == "∂f/∂x".encode("utf-8")
    assert write_atomic(tmp_path / "b.bin", b"\x00\xff", caller="test").read_bytes() == b"\x00\xff"
    with pytest.raises(TypeError, match="test: expected text or bytes to write, got list"):
        write_atomic(tmp_path / "c", [1], caller="test")


def test_the_data_reaches_the_disk_before_the_file_is_replaced(tmp_path, monkeypatch):
    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: events.append(("fsync", stat.S_ISREG(os.fstat(fd).st_mode)))
                        or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda *a: events.append(("replace",)) or real_replace(*a))
    write_atomic(tmp_path / "model.json", "{}", caller="test")
    assert events[:2] == [("fsync", True), ("replace",)]
    if os.name == "posix":  # and the rename itself, by syncing the folder
        assert events[2:] == [("fsync", False)]


def test_an_old_leftover_of_the_same_file_is_removed_and_a_young_one_and_others_kept(tmp_path):
    old = time.time() - STALE_TEMPORARY_SECONDS - 60
    for name in (".run.json.abcd1234.tmp", ".run.json.young123.tmp", ".other.json.abcd1234.tmp", ".run.json.tmp"):
        (tmp_path / name).write_text("left by a killed save")
        if name != ".run.json.young123.tmp":
            os.utime(tmp_path / name, (old, old))
    write_atomic(tmp_path / "run.json", "{}", caller="test")
    assert others(tmp_path, "run.json") == [".other.json.abcd1234.tmp", ".run.json.tmp", ".run.json.young123.tmp"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    path.write_text("old")

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(path, "new", caller="test")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["model.json"]


def test_json_text_names_where_a_non_finite_number_is():
    document = {"weights": [{"a": 1.0}, {"b": 2.0, "c": float("nan")}], "current": {"d": float("inf")}}
    with pytest.raises(ValueError, match=r"^save\('x'\): weights\[1\]\['c'\] is nan, and a model file holds "
                                         r"finite numbers only; nothing was written"):
        json_text(document, caller="save('x')", kind="model file")
    assert json_text({"a": [1, 2.5, None]}, caller="save", kind="file") == '{"a": [1, 2.5, null]}'


# -- layering: where the helper lives ----------------------------------------------------------

def test_the_helper_needs_only_the_standard_library(tmp_path):
    import subprocess

    script = ("import sys, valuegraph.files, viz\n"
              "print(sorted(m for m in ('nn', 'numpy', 'valuegraph.cli') if m in sys.modules))")
    root = Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), *filter(None, [os.environ.get("PYTHONPATH")])]))
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr  # import viz loads neither nn nor numpy
    imported = {line.split()[1].split(".")[0] for line in Path(files.__file__).read_text().splitlines()
                if line.startswith(("import ", "from "))}
    assert imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


# -- the reader, for every file the project loads ------------------------------------------------

READERS = {
    "Module.load": lambda path: nn.MLP(2, [2, 1], seed=0).load(path),
    "Playground.load": lambda path: __import__("viz").Playground.load(path),
    "plot_history": lambda path: __import__("viz.plots").plots.plot_history(path),
}
"""Every function of the project that loads a file the user names."""


@pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="POSIX FIFOs and /dev/zero")
@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize("kind", ["folder", "named pipe", "/dev/zero", "missing", "not UTF-8", "NaN", "nested"])
def test_every_reader_refuses_what_is_not_its_file_naming_it(tmp_path, reader, kind):
    path = tmp_path / "file.json"
    if kind == "folder":
        path.mkdir()
    elif kind == "named pipe":
        os.mkfifo(path)
    elif kind == "/dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "not UTF-8":
        path.write_bytes(b'{"a": "caf\xe9"}')
    elif kind == "NaN":
        path.write_text('{"a": NaN}')
    elif kind == "nested":
        path.write_text("[" * 30_000 + "]" * 30_000)  # small enough for a model file's size limit
    expected = {"folder": IsADirectoryError, "missing": FileNotFoundError}.get(kind, ValueError)
    with pytest.raises(expected) as raised:
        READERS[reader](path)
    message = str(raised.value)
    assert str(path) in message and message.count(str(path)) <= 2, message
    words = {"folder": "is a folder", "named pipe": "named pipe (FIFO), not a regular file",
             "/dev/zero": "character device, not a regular file", "missing": "no such file",
             "not UTF-8": "not UTF-8 text", "NaN": "NaN is not a finite number", "nested": "nested too deeply"}[kind]
    assert words in message and message.startswith(("[Errno", reader, f"{reader.split('.')[-1]}(")), message
