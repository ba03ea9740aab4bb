"""Playground files under bad input: save, load and export_html go through the project's one
writer and one reader (valuegraph.files), and every field of a file is checked on load.

(The rules every writer shares, modes, links and folders, are tested for all writers at once in
tests/test_files.py.)"""

import json
import math
import os
import sys

import pytest

from viz import Playground

from ..child_process import load_in_a_child

SMALL = {"n": 100, "seed": 1}


def saved(tmp_path, change=None, **settings):
    """The path of a playground file after one epoch, with ``change(document)`` applied to it."""
    pg = Playground(**{**SMALL, **settings})
    pg.step(1)
    document = pg.to_dict()
    if change is not None:
        change(document)
    path = tmp_path / "run.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("change, words", [
    (lambda d: d["history"][0].update(val_acc=5.0), "history[0].val_acc must be an accuracy in [0, 1]"),
    (lambda d: d["history"][0].update(train_acc=-0.5), "history[0].train_acc must be an accuracy in [0, 1]"),
    (lambda d: d["history"][0].update(lr=-1), "history[0].lr must be a positive learning rate, got -1"),
    (lambda d: d["history"][0].update(train_loss=-3.0), "history[0].train_loss must be at least 0"),
    (lambda d: d["history"][0].update(val_loss=None), "history[0].val_loss must be a number, got NoneType"),
    (lambda d: d["history"][0].update(epoch=True), "history[0].epoch must be 1, got True"),
    (lambda d: d["dropout_rng"].__setitem__(0, {"a": 1}), "dropout_rng[0] must be a random state"),
    (lambda d: d["dropout_rng"].__setitem__(1, [3, [1, 2], None]), "dropout_rng[1]: not a random state"),
    (lambda d: d.update(dropout_rng="x"), "dropout_rng must be a list of 2 random states"),
    (lambda d: d["current"].update({"layers.0.neurons.0.b": "x"}), "current: load_state_dict"),
    (lambda d: d["optimizer"].update(lr=-1), "optimizer: SGD.load_state_dict"),
])
def test_every_field_of_a_loaded_file_is_checked_and_named_with_the_file(tmp_path, change, words):
    path = saved(tmp_path, change, dropout=0.2)
    with pytest.raises((TypeError, ValueError)) as raised:
        Playground.load(path)
    message = str(raised.value)
    assert str(path) in message and words in message, message


@pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="POSIX FIFOs and /dev/zero")
@pytest.mark.parametrize("kind, words", [
    ("fifo", "is a named pipe (FIFO), not a regular file; nothing was read"),
    ("link to /dev/zero", "is a character device, not a regular file; nothing was read"),
    ("folder", "IsADirectoryError [Errno 21] Playground.load: it is a folder, not a playground file"),
    ("nested 100000 deep", "not a valid playground file: nested too deeply"),
])
def test_what_is_not_a_playground_file_is_refused_at_once_naming_the_file(tmp_path, kind, words):
    path = tmp_path / "run.json"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    else:
        path.write_text("[" * 100_000 + "]" * 100_000)
    finished, output = load_in_a_child("from viz import Playground; Playground.load(sys.argv[1])", path,
                                       limit_bytes=2 << 30, timeout=30)
    assert finished, f"Playground.load of a {kind} did not return"
    assert words in output and str(path) in output and "Traceback" not in output, output


def test_a_file_larger_than_any_playground_is_refused_before_reading(tmp_path, monkeypatch):
    import viz.playground

    path = saved(tmp_path)
    monkeypatch.setattr(viz.playground, "MAX_FILE_BYTES", 1000)
    with pytest.raises(ValueError, match=r"run.json.*the file has [\d,]+ bytes, far more than a playground file "
                                         r"can have \(at most 1,000 bytes\)"):
        Playground.load(path)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_saving_a_non_finite_weight_names_the_weight_and_the_file_and_writes_nothing(tmp_path, bad):
    pg = Playground(**SMALL)
    pg.step(2)
    path = tmp_path / "run.json"
    pg.save(path)
    before = path.read_text()
    pg.weights[2]["layers.1.neurons.0.w.1"] = bad
    with pytest.raises(ValueError) as raised:
        pg.save(path)
    message = str(raised.value)
    assert "Playground.save(" in message and str(path) in message, message
    assert f"weights[2]['layers.1.neurons.0.w.1'] is {bad!r}" in message, message
    assert path.read_text() == before and os.listdir(tmp_path) == ["run.json"]


@pytest.mark.parametrize("argument, value, error", [
    ("title", 123, TypeError), ("title", b"bytes", TypeError), ("max_frames", 1, ValueError),
    ("max_frames", 2.5, TypeError), ("max_frames", True, TypeError),
])
def test_export_html_names_a_wrong_argument_and_writes_nothing(tmp_path, argument, value, error):
    pg = Playground(**SMALL)
    with pytest.raises(error, match=rf"export_html\({argument}\) must be"):
        pg.export_html(tmp_path / "run.html", **{argument: value})
    assert os.listdir(tmp_path) == []
