"""Module: named parameters, state dicts, JSON files (atomic saves, checked loads)."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import nn
from autograd import Value

from ..child_process import child_environment, load_in_a_child


def test_named_parameters_have_stable_dotted_names_in_micrograd_order():
    model = nn.MLP(2, [3, 1], seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
                         "layers.0.neurons.1.w.0"]
    assert names[-1] == "layers.1.neurons.0.b"
    assert [p for _, p in model.named_parameters()] == model.parameters()
    assert "layers.1.neurons.0.w.2" in names


def test_batchnorm_parameters_and_buffers_are_named():
    model = nn.MLP(2, [3, 1], batch_norm=True, seed=0)
    names = [name for name, _ in model.named_parameters()]
    assert "layers.0.norm.weight.2" in names and "layers.0.norm.bias.0" in names
    state = model.state_dict()
    assert state["layers.0.norm.running_mean.1"] == 0.0
    assert state["layers.0.norm.running_var.1"] == 1.0
    assert len(state) == len(names) + 6


def test_state_dict_round_trip_restores_parameters_and_buffers():
    model = nn.MLP(2, [3, 1], batch_norm=True, seed=0)
    model([[1.0, 2.0], [2.0, 0.0], [0.0, -1.0]])  # moves the running statistics
    state = model.state_dict()
    other = nn.MLP(2, [3, 1], batch_norm=True, seed=1)
    assert other.state_dict() != state
    assert other.load_state_dict(state) is other
    assert other.state_dict() == state
    model.eval(), other.eval()
    assert other([0.5, 0.5]).data == model([0.5, 0.5]).data


def test_state_dict_is_a_copy():
    model = nn.MLP(2, [1], seed=0)
    state = model.state_dict()
    state["layers.0.neurons.0.b"] = 5.0
    assert model.parameters()[-1].data == 0.0


@pytest.mark.parametrize("change, message", [
    (lambda s: s.pop("layers.0.neurons.0.b"), "missing keys: 'layers.0.neurons.0.b'"),
    (lambda s: s.update({"layers.9.w": 1.0}), "unexpected keys: 'layers.9.w'"),
    (lambda s: s.update({"layers.0.neurons.0.b": float("nan")}), "expected a finite number, got nan"),
    (lambda s: s.update({"layers.0.neurons.0.b": "1.0"}), "expected a number, got str"),
    (lambda s: s.update({"layers.0.neurons.0.b": True}), "expected a number, got bool"),
])
def test_loading_a_bad_state_changes_nothing_and_says_why(change, message):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = nn.MLP(2, [3, 1], seed=1).state_dict()
    change(state)
    with pytest.raises((ValueError, TypeError)) as error:
        model.load_state_dict(state)
    assert message in str(error.value)
    assert "nothing was changed" in str(error.value)
    assert model.state_dict() == before


def test_loading_a_state_of_another_size_lists_what_does_not_match():
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="missing keys: .*unexpected keys|unexpected keys"):
        model.load_state_dict(nn.MLP(2, [4, 1], seed=0).state_dict())
    assert model.state_dict() == before
    with pytest.raises(TypeError, match="expected a dict"):
        model.load_state_dict([1.0, 2.0])


def test_a_negative_running_variance_is_refused():
    model = nn.MLP(2, [3, 1], batch_norm=True, seed=0)
    state = model.state_dict()
    state["layers.0.norm.running_var.0"] = -1.0
    with pytest.raises(ValueError, match="variance cannot be negative"):
        model.load_state_dict(state)


def test_save_and_load_round_trip(tmp_path):
    model = nn.MLP(2, [4, 4, 1], activation="tanh", seed=3)
    path = tmp_path / "model.json"
    model.save(path)
    document = json.loads(path.read_text())
    assert document["format"] == "valuegraph.nn.state_dict" and document["model"] == "MLP"
    other = nn.MLP(2, [4, 4, 1], activation="tanh", seed=4)
    assert other.load(path) is other
    assert other.state_dict() == model.state_dict()
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


def test_save_replaces_an_existing_file_whole(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old contents")
    nn.MLP(2, [1], seed=0).save(str(path))
    assert json.loads(path.read_text())["state"]["layers.0.neurons.0.b"] == 0.0


def test_saving_into_a_folder_that_does_not_exist_names_the_path_and_the_folder(tmp_path):
    path = tmp_path / "nodir" / "model.json"
    with pytest.raises(FileNotFoundError) as caught:
        nn.MLP(2, [2, 1], seed=0).save(path)
    message = str(caught.value)
    assert caught.value.filename == str(path) and str(tmp_path / "nodir") in message
    assert ".tmp-" not in message and "does not exist" in message
    assert not (tmp_path / "nodir").exists()


def test_saving_under_a_file_as_if_it_were_a_folder_names_the_path(tmp_path):
    (tmp_path / "plain").write_text("not a folder")
    path = tmp_path / "plain" / "model.json"
    with pytest.raises(NotADirectoryError) as caught:
        nn.MLP(2, [2, 1], seed=0).save(path)
    assert caught.value.filename == str(path) and ".tmp-" not in str(caught.value)


def test_a_failed_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "model.json"
    model = nn.MLP(2, [1], seed=0)
    model.save(path)
    before = path.read_text()
    model.parameters()[0].data = math.inf  # cannot be written as JSON
    with pytest.raises(ValueError):
        model.save(path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["model.json"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_save_gives_the_file_the_mode_open_would(tmp_path, umask):
    old = os.umask(umask)
    try:
        nn.MLP(2, [1], seed=0).save(tmp_path / "model.json")
        (tmp_path / "plain.txt").write_text("x")
    finally:
        os.umask(old)
    mode = (tmp_path / "model.json").stat().st_mode & 0o777
    assert mode == 0o666 & ~umask == (tmp_path / "plain.txt").stat().st_mode & 0o777


def test_loading_a_file_that_is_not_utf8_names_the_file_and_changes_nothing(tmp_path):
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "valuegraph.nn.state_dict", "model": "Café"}'.encode("latin-1"))
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError) as error:
        model.load(path)
    assert "latin1.json" in str(error.value) and "not UTF-8 text (byte 52 is b'\\xe9'" in str(error.value)
    assert model.state_dict() == before


@pytest.mark.parametrize("contents, message", [
    ("{not json", "not a valid model file"),
    ('{"format": "valuegraph.nn.state_dict", "version": 1, "state": {"layers.0.neurons.0.b": NaN}}',
     "NaN is not a finite number"),
    ('{"format": "something else", "state": {}}', "not a valid model file"),
    ('[1, 2]', "not a valid model file"),
    ('{"format": "valuegraph.nn.state_dict", "version": 7, "state": {}}', "unsupported version 7"),
    ('{"format": "valuegraph.nn.state_dict", "version": 1, "state": {"x": 1.0}}', "unexpected keys: 'x'"),
])
def test_loading_a_bad_file_changes_nothing_and_says_why(tmp_path, contents, message):
    path = tmp_path / "bad.json"
    path.write_text(contents)
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError) as error:
        model.load(path)
    assert message in str(error.value) and "bad.json" in str(error.value)
    assert model.state_dict() == before


def test_loading_a_file_with_wrong_sizes_changes_nothing(tmp_path):
    path = tmp_path / "small.json"
    nn.MLP(2, [2, 1], seed=0).save(path)
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    with pytest.raises(ValueError, match="missing keys"):
        model.load(path)
    assert model.state_dict() == before


def test_vector_to_parameters_and_back():
    model = nn.MLP(2, [2, 1], seed=0)
    vector = [float(i) for i in range(len(model.parameters()))]
    nn.vector_to_parameters(vector, model.parameters())
    assert nn.parameters_to_vector(model.parameters()) == vector
    with pytest.raises(ValueError, match="3 values for 9 parameters"):
        nn.vector_to_parameters([1.0, 2.0, 3.0], model.parameters())
    with pytest.raises(ValueError, match="finite"):
        nn.vector_to_parameters([math.nan] * 9, model.parameters())
    assert nn.parameters_to_vector(model.parameters()) == vector


def test_a_custom_module_finds_values_and_submodules_in_its_attributes():
    class Affine(nn.Module):
        def __init__(self):
            self.scale = Value(2.0)
            self.shift = [Value(1.0)]
            self.inner = nn.Neuron(1, nonlin=False, seed=0)

        def forward(self, x):
            return self.inner(x) * self.scale + self.shift[0]

    module = Affine()
    assert [name for name, _ in module.named_parameters()] == ["scale", "shift.0", "inner.w.0", "inner.b"]
    assert module([1.0]).data == pytest.approx(module.inner.w[0].data * 2 + 1)
    assert module.eval().inner.training is False


def test_modules_walks_parents_before_children_in_attribute_order():
    model = nn.MLP(2, [3, 1], batch_norm=True, seed=0)
    names = [type(m).__name__ for m in model.modules()]
    assert names == ["MLP", "Layer", "Neuron", "Neuron", "Neuron", "BatchNorm", "Layer", "Neuron"]


def test_an_int_too_large_for_a_float_is_refused_as_not_finite_in_a_state_and_a_file(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    before = model.state_dict()
    state = dict(before, **{"layers.0.neurons.0.b": 10 ** 400})
    with pytest.raises(ValueError, match=r"layers.0.neurons.0.b: expected a finite number, got 1000.*\(401 digits\)"):
        model.load_state_dict(state)
    path = tmp_path / "huge.json"
    model.save(path)
    path.write_text(path.read_text().replace('"layers.0.neurons.0.b": 0.0', '"layers.0.neurons.0.b": 1' + "0" * 400))
    with pytest.raises(ValueError, match="huge.json.*expected a finite number"):
        model.load(path)
    assert model.state_dict() == before


@pytest.mark.parametrize("version", [True, 1.0, "1"])
def test_a_file_version_must_be_the_int_1(tmp_path, version):
    model = nn.MLP(2, [1], seed=0)
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": "valuegraph.nn.state_dict", "version": version, "state": model.state_dict()}))
    with pytest.raises(ValueError, match="unsupported version"):
        model.load(path)


# -- files that are not model files: refused before reading ------------------------------------



@pytest.mark.skipif(not hasattr(os, "mkfifo") or sys.platform == "win32", reason="POSIX FIFOs and /dev/zero")
@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero", "folder"])
def test_load_refuses_what_is_not_a_regular_file_at_once(tmp_path, kind):
    path = tmp_path / "model.json"
    if kind == "fifo":
        os.mkfifo(path)  # opening it to read waits for a writer that never comes
    elif kind == "folder":
        path.mkdir()
    else:
        path.symlink_to("/dev/zero")  # reading it never ends
    finished, output = load_in_a_child("import nn; nn.MLP(2, [3, 1], seed=0).load(sys.argv[1])", path,
                                       limit_bytes=1 << 30, timeout=20)
    assert finished, f"load() of a {kind} did not return"
    if kind == "folder":  # Python's own error for opening a folder, in clearer words
        assert output.startswith("IsADirectoryError [Errno 21] Module.load: ") and str(path) in output, output
        assert "it is a folder, not a model file" in output, output
        return
    assert output.startswith("ValueError Module.load(") and str(path) in output, output
    kind = {"fifo": "a named pipe (FIFO)", "link to /dev/zero": "a character device"}[kind]
    assert f"is {kind}, not a regular file" in output, output


def test_load_refuses_a_file_far_larger_than_the_model_before_reading_it(tmp_path):
    model = nn.MLP(2, [3, 1], seed=0)
    path = tmp_path / "padded.json"
    model.save(path)
    text = path.read_text()
    path.write_text(text[:-1] + " " * 2_000_000 + "}")  # valid JSON, but 2 MB for 13 numbers
    other = nn.MLP(2, [3, 1], seed=1)
    before = other.state_dict()
    with pytest.raises(ValueError, match=r"padded.json.*2,000,\d{3} bytes.*at most [\d,]+ bytes"):
        other.load(path)
    assert other.state_dict() == before
    path.write_text(text[:-1] + " " * 10_000 + "}")  # some slack for hand-edited files
    assert other.load(path).state_dict() == model.state_dict()


@pytest.mark.parametrize("where", ["whole file", "inside the state"])
def test_a_file_nested_100000_levels_deep_is_a_clear_error_naming_the_file(tmp_path, where):
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(deep if where == "whole file" else
                    '{"format": "valuegraph.nn.state_dict", "version": 1, "state": {"x": ' + deep + "}}")
    model = nn.MLP(2, [64, 64, 1], seed=0)  # 4,481 entries: a 200 kB file is not too large for it
    before = model.state_dict()
    with pytest.raises(ValueError, match=r"deep.json.*not a valid model file: nested too deeply"):
        model.load(path)
    assert model.state_dict() == before


# -- saving: leftovers, links, NaN ---------------------------------------------------------------

def leftovers(folder, name="model.json"):
    return sorted(p.name for p in Path(folder).iterdir() if p.name != name and not p.is_symlink())


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="POSIX SIGKILL")
def test_a_temporary_file_left_by_a_killed_save_is_removed_by_the_next_save(tmp_path):
    path = tmp_path / "model.json"
    script = ("import os, signal, sys, nn\n"
              "os.fsync = lambda fd: os.kill(os.getpid(), signal.SIGKILL)  # killed in the middle of save()\n"
              "nn.MLP(2, [3, 1], seed=0).save(sys.argv[1])\n")
    killed = subprocess.run([sys.executable, "-c", script, str(path)], env=child_environment(), capture_output=True,
                            timeout=60)
    assert killed.returncode == -9 and not path.exists()
    [left] = leftovers(tmp_path)
    assert left.startswith(".model.json.") and left.endswith(".tmp"), left  # named after the file it was for
    hour_ago = os.stat(tmp_path / left).st_mtime - 3600
    os.utime(tmp_path / left, (hour_ago, hour_ago))
    (tmp_path / ".model.json.savingno.tmp").write_text("another save, still being written")
    (tmp_path / ".other.json.old.tmp").write_text("another file's")
    os.utime(tmp_path / ".other.json.old.tmp", (hour_ago, hour_ago))
    nn.MLP(2, [3, 1], seed=0).save(path)
    assert leftovers(tmp_path) == [".model.json.savingno.tmp", ".other.json.old.tmp"]
    assert nn.MLP(2, [3, 1], seed=1).load(path).state_dict() == nn.MLP(2, [3, 1], seed=0).state_dict()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_saving_onto_a_symbolic_link_writes_through_to_its_target(tmp_path):
    (tmp_path / "runs").mkdir()
    target = tmp_path / "runs" / "best.json"
    target.write_text("old")
    link = tmp_path / "model.json"
    link.symlink_to(Path("runs") / "best.json")  # relative, as `ln -s runs/best.json model.json` makes
    model = nn.MLP(2, [3, 1], seed=0)
    model.save(link)
    assert link.is_symlink() and os.readlink(link) == os.path.join("runs", "best.json")
    assert json.loads(target.read_text())["state"] == model.state_dict()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "runs"]
    assert os.listdir(tmp_path / "runs") == ["best.json"]
    dangling = tmp_path / "next.json"
    dangling.symlink_to(tmp_path / "runs" / "next-target.json")
    model.save(dangling)  # as open(dangling, "w") would: the target is created
    assert dangling.is_symlink() and json.loads((tmp_path / "runs" / "next-target.json").read_text())["model"] == "MLP"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_saving_a_non_finite_weight_names_the_parameter_and_the_file_and_writes_nothing(tmp_path, bad):
    path = tmp_path / "model.json"
    model = nn.MLP(2, [3, 1], seed=0)
    model.save(path)
    before = path.read_text()
    model.layers[1].neurons[0].w[2].data = bad
    with pytest.raises(ValueError) as caught:
        model.save(path)
    message = str(caught.value)
    assert "layers.1.neurons.0.w.2" in message and str(path) in message and repr(bad) in message, message
    assert path.read_text() == before and os.listdir(tmp_path) == ["model.json"]


@pytest.mark.parametrize("wrong", [list(range(10_000)), "x" * 10_000, {"deep": [[[[[[[[[[1]]]]]]]]]]}])
def test_a_long_wrong_value_in_a_file_is_quoted_short(tmp_path, wrong):
    model = nn.MLP(2, [3, 1], seed=0)
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"format": "valuegraph.nn.state_dict", "version": 1,
                                "state": dict(model.state_dict(), **{"layers.0.neurons.0.b": wrong})}))
    with pytest.raises(ValueError) as caught:
        model.load(path)
    message = str(caught.value)
    assert "model.json" in message and f"layers.0.neurons.0.b: expected a number, got {type(wrong).__name__}: " in message
    assert len(message) < 400, message


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_saving_over_a_private_file_keeps_it_private_also_through_a_link(tmp_path):
    target = tmp_path / "private.json"
    target.write_text("old")
    target.chmod(0o600)
    link = tmp_path / "model.json"
    link.symlink_to(target)
    nn.MLP(2, [1], seed=0).save(target)
    assert target.stat().st_mode & 0o777 == 0o600
    nn.MLP(2, [1], seed=0).save(link)
    assert target.stat().st_mode & 0o777 == 0o600 and link.is_symlink()


# -- parameters side by side in one array -----------------------------------------------------------

def test_a_models_parameters_lie_in_one_array_that_is_their_numbers():
    from autograd import Parameter

    model = nn.MLP(2, [3, 1], seed=0)
    params = model.parameters()
    assert all(isinstance(p, Parameter) for p in params)
    arrays = params[0].arrays
    assert arrays.owners == tuple(params) and [p.index for p in params] == list(range(len(params)))
    data, grad = arrays.numpy()
    data[0] = 0.25  # the array is the parameter's number: no copy to keep in step
    assert params[0].data == 0.25
    params[1].grad = 2.0
    assert grad[1] == 2.0
    model.zero_grad()
    assert [p.grad for p in params] == [0.0] * len(params)


def test_parameters_is_kept_until_the_model_changes_and_never_walks_the_model_meanwhile(monkeypatch):
    model = nn.MLP(2, [4, 4, 1], seed=0)
    first = model.parameters()
    walked = []
    monkeypatch.setattr(nn.Module, "named_parameters", lambda self, prefix="": walked.append(1) or iter(()))
    assert model.parameters() == first and model.parameters() is not first  # a new list each time
    assert walked == []
    monkeypatch.undo()
    model.layers[0].neurons[0].b = nn.Neuron(1, seed=1).b  # the model changed: found again
    assert model.parameters()[2] is model.layers[0].neurons[0].b


def test_a_module_that_keeps_parameters_in_a_list_is_walked_every_time_so_a_change_in_place_is_seen():
    class Listed(nn.Module):
        def __init__(self):
            self.weights = [Value(1.0), Value(2.0)]

    module = Listed()
    assert len(module.parameters()) == 2
    module.weights.append(Value(3.0))  # no attribute was set: only a walk can see it
    assert [p.data for p in module.parameters()] == [1.0, 2.0, 3.0]


def test_an_optimizer_step_that_would_make_a_weight_infinite_changes_nothing():
    model = nn.MLP(2, [2, 1], activation="linear", seed=0)
    before = [p.data for p in model.parameters()]
    X, y = [[1.0, 2.0], [3.0, -1.0]], [1e5, -1e5]  # noqa: N806
    with pytest.raises(FloatingPointError, match=r"params\[\d+\] would become"):
        nn.fit(model, X, y, loss="mse", optimizer=nn.SGD(model.parameters(), lr=1e307), epochs=3, progress=False)
    after = [p.data for p in model.parameters()]
    assert all(math.isfinite(v) for v in after)
    assert after == before


def test_a_layers_parameters_keep_their_place_in_the_models_array():
    model = nn.MLP(2, [4, 3, 1], seed=0)
    arrays = model.parameters()[0].arrays
    layer = model.layers[1]
    layer.parameters()  # fine-tuning one layer must not move its weights out of the model's array
    layer.zero_grad()
    assert all(p.arrays is arrays for p in layer.parameters()) and arrays.intact
    assert model.parameters()[0].arrays is arrays
