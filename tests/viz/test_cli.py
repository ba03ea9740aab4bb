"""valuegraph.cli: the demo, graph and train subcommands, their help and their errors."""

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from valuegraph.cli import build_parser, main, run_demo, run_train

from .test_html import frames_data

ROOT = Path(__file__).resolve().parents[2]


def run(args, cwd, path_env=None):
    """The installed ``valuegraph`` command (or ``python -m valuegraph.cli``) in a subprocess."""
    script = Path(sys.executable).parent / "valuegraph"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "valuegraph.cli"]
    env = dict(os.environ, MPLBACKEND="Agg")
    # the checkout under test, whichever copy of the project is installed
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    if path_env is not None:
        env["PATH"] = path_env
    return subprocess.run(command + args, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.needs_wasm
def test_demo_without_arguments_and_without_system_dot(tmp_path):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = run(["demo"], cwd=tmp_path, path_env=str(empty))  # no dot on PATH: WebAssembly Graphviz
    assert result.returncode == 0, result.stderr
    out = tmp_path / "valuegraph-demo"
    assert "WebAssembly Graphviz" in result.stdout
    assert f"Everything is in {out.resolve()}/" in result.stdout
    for name in ("lecture_forward.svg", "lecture_backward.svg", "lecture_steps.html", "history.png",
                 "decision_boundary.png", "history.json", "history.csv", "model.json", "activations.png",
                 "optimizer_paths.png"):
        assert (out / name).stat().st_size > 0, name
    ET.parse(out / "lecture_backward.svg")
    assert "∂f/∂x = 2, ∂f/∂y = 2, ∂f/∂z = 1" in result.stdout
    assert "on the circle dataset" in result.stdout  # one of TensorFlow Playground's datasets
    assert json.loads((out / "history.json").read_text())["val_acc"][-1] >= 0.9
    captions = frames_data((out / "lecture_steps.html").read_text())["captions"]
    assert captions[-1] == "Done: every gradient is in place (∂f/∂x = 2, ∂f/∂y = 2, ∂f/∂z = 1)."
    assert "fit" in result.stderr  # the progress bar


@pytest.mark.needs_wasm
def test_graph_writes_svg_and_html(tmp_path, capsys):
    code = main(["graph", "max((x + y) * z, 0)", "x=-2", "y=3", "z=2", "-o", str(tmp_path / "g.svg"),
                 "--html", str(tmp_path / "steps.html"), "--mode", "backward", "--backend", "wasm"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[:2] == ["f = max((x + y) * z, 0) = 2", "∂f/∂x = 2   ∂f/∂y = 2   ∂f/∂z = 1"]
    texts = ["".join(t.itertext()) for t in ET.parse(tmp_path / "g.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert "grad 2" in texts and "f" in texts
    assert (tmp_path / "steps.html").read_text().count('"Forward: ') == 7  # one caption per forward frame


@pytest.mark.needs_wasm
def test_graph_html_shows_the_same_gradients_as_the_drawing(tmp_path, capsys):
    """The command runs backward() before the step-through: its frames must not add onto it."""
    code = main(["graph", "max((x + y) * z, 0)", "x=-2", "y=3", "z=2", "-o", str(tmp_path / "g.svg"),
                 "--html", str(tmp_path / "steps.html"), "--backend", "wasm"])
    assert code == 0, capsys.readouterr().err
    captions = frames_data((tmp_path / "steps.html").read_text())["captions"]
    assert captions[-1] == "Done: every gradient is in place (∂f/∂x = 2, ∂f/∂y = 2, ∂f/∂z = 1)."
    assert "y.grad = 0 + 2 = 2" in "\n".join(captions)
    texts = ["".join(t.itertext()) for t in ET.parse(tmp_path / "g.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert texts.count("grad 2") == 3  # x, y and x + y: the drawing agrees


def test_graph_help_lists_every_function(capsys):
    from viz.expression import FUNCTIONS

    assert main(["graph", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for function in FUNCTIONS.values():
        assert function.usage in text


def test_graph_dot_output_and_gradcheck(tmp_path, capsys):
    assert main(["graph", "x * x", "x=3", "-o", str(tmp_path / "g.dot"), "--gradcheck", "--rankdir", "TB"]) == 0
    text = (tmp_path / "g.dot").read_text()
    assert "rankdir=TB" in text and "numeric 6" in text


@pytest.mark.parametrize("args, message", [
    (["__import__('os').system('touch pwned')"], "only the functions"),
    (["x.__class__", "x=1"], "attribute access"),
    (["open('f').read()"], "only the functions"),
    (["x + y", "x=1"], "unknown name 'y'"),
    (["x", "x=1", "z=2"], "variable z is given but not used"),
    (["x", "x"], "expected NAME=VALUE"),
    (["x", "x=abc"], "the value of x must be a number"),
    (["x", "x=1", "x=2"], "variable x is given twice"),
    (["log(x)", "x=0"], "log is defined for x > 0"),
    (["x +", "x=1"], "syntax error"),
])
def test_graph_errors_are_one_line_with_exit_code_2(args, message, tmp_path, capsys):
    code = main(["graph", *args, "-o", str(tmp_path / "g.svg")])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("valuegraph graph: error: ") and message in lines[0]
    assert not (tmp_path / "g.svg").exists() and not Path("pwned").exists()


@pytest.mark.needs_wasm
def test_graph_pdf_with_the_wasm_backend_is_a_usage_error(tmp_path, capsys):
    assert main(["graph", "x", "x=1", "-o", str(tmp_path / "g.pdf"), "--backend", "wasm"]) == 2
    err = capsys.readouterr().err
    assert "use --backend dot (or auto), or write .svg or .png" in err and "backend=" not in err


def test_graph_unknown_suffix_names_the_option(tmp_path, capsys):
    assert main(["graph", "x", "x=1", "-o", str(tmp_path / "g.txt")]) == 2
    err = capsys.readouterr().err
    assert "cannot tell the format from -o " in err and "use a file name ending in .svg" in err
    assert "format=" not in err


def test_graph_too_large_names_max_nodes_and_the_option_lifts_it(tmp_path, capsys):
    expression = "+".join(["x"] * 700)  # 700 values: the leaf and 699 additions
    assert main(["graph", expression, "x=1", "-o", str(tmp_path / "g.dot")]) == 2
    err = capsys.readouterr().err
    assert err.endswith("the graph has 700 values, more than the drawing accepts (--max-nodes 600); draw a smaller "
                        "expression, or raise the limit with --max-nodes 700\n")
    assert "params=" not in err and "max_nodes=" not in err
    assert main(["graph", expression, "x=1", "-o", str(tmp_path / "g.dot"), "--max-nodes", "700"]) == 0
    assert (tmp_path / "g.dot").read_text().count("_op ->") == 699
    expression = "+".join(["x"] * 201)
    assert main(["graph", expression, "x=1", "-o", str(tmp_path / "g.dot"), "--html", str(tmp_path / "s.html")]) == 2
    assert "more than the --html step-through accepts (--max-nodes 200)" in capsys.readouterr().err


def test_backend_dot_without_dot_names_the_option(tmp_path):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = run(["graph", "x", "x=1", "--backend", "dot"], cwd=tmp_path, path_env=str(empty))
    assert result.returncode == 1
    assert "--backend dot needs Graphviz's dot program" in result.stderr and "backend '" not in result.stderr


@pytest.mark.needs_wasm
def test_graph_png_without_system_dot(tmp_path):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    result = run(["graph", "max((x + y) * z, 0)", "x=-2", "y=3", "z=2", "-o", "g.png"], cwd=tmp_path,
                 path_env=str(empty))
    assert result.returncode == 0, result.stderr
    assert "wrote g.png (both, WebAssembly Graphviz)" in result.stdout
    assert (tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.needs_wasm
@pytest.mark.parametrize("mode", ["forward", "both"])
def test_graph_whose_backward_fails_is_drawn_forward_with_exit_code_1(mode, tmp_path, capsys):
    # sqrt at 0: the value exists, its derivative does not
    code = main(["graph", "sqrt(x)", "x=0", "-o", str(tmp_path / "g.svg"), "--mode", mode, "--backend", "wasm",
                 "--html", str(tmp_path / "steps.html")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err == ("valuegraph graph: error: backward: non-finite gradient in 'sqrt' (sqrt(0.0) = 0.0): its "
                            "local derivative is undefined there (float division by zero); the drawing shows the "
                            "forward pass only\n")
    assert "∂f" not in captured.out and "wrote" in captured.out
    texts = ["".join(t.itertext()) for t in ET.parse(tmp_path / "g.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert "data 0" in texts and not any(text.startswith("grad") for text in texts)
    assert frames_data((tmp_path / "steps.html").read_text())["phases"][-1] == "failed"


def ctrl_c_after(epochs):
    """An ``nn.fit`` callback that presses Ctrl-C (raises KeyboardInterrupt) after ``epochs`` epochs."""
    def callback(history):
        if len(history) >= epochs:
            raise KeyboardInterrupt
    return callback


@pytest.mark.needs_wasm
def test_demo_ctrl_c_during_training_writes_what_it_has_and_exits_130(tmp_path, capsys):
    args = build_parser().parse_args(["demo", "--out", str(tmp_path), "--no-progress", "--backend", "wasm"])
    assert run_demo(args, callbacks=[ctrl_c_after(3)]) == 130
    captured = capsys.readouterr()
    assert "interrupted after 3 of 60 epochs" in captured.out
    assert "Done" not in captured.out
    assert captured.err.startswith("valuegraph demo: interrupted (Ctrl-C) after 3 of 60 epochs; wrote history.png")
    assert len(json.loads((tmp_path / "history.json").read_text())["train_loss"]) == 3
    assert (tmp_path / "history.png").stat().st_size > 0 and (tmp_path / "model.json").stat().st_size > 0
    assert not (tmp_path / "activations.png").exists()  # the rest of the demo is skipped


def test_train_ctrl_c_writes_what_it_has_and_exits_130(tmp_path, capsys):
    args = build_parser().parse_args(["train", "--dataset", "xor", "--samples", "40", "--layers", "3",
                                      "--epochs", "5", "--no-progress", "--out", str(tmp_path)])
    assert run_train(args, callbacks=[ctrl_c_after(1)]) == 130
    captured = capsys.readouterr()
    assert "interrupted after 1 of 5 epochs" in captured.out
    assert "valuegraph train: interrupted (Ctrl-C) after 1 of 5 epochs" in captured.err
    assert (tmp_path / "config.json").exists() and (tmp_path / "decision_boundary.png").exists()


def test_ctrl_c_sent_to_a_training_run_exits_130_with_its_files(tmp_path):
    import signal
    import time

    script = Path(sys.executable).parent / "valuegraph"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "valuegraph.cli"]
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    process = subprocess.Popen(command + ["train", "--dataset", "xor", "--samples", "40", "--layers", "3",
                                          "--epochs", "1000000", "--no-progress", "--out", "run"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr.readline().startswith("training MLP")  # fit starts right after this line
        time.sleep(1.0)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "interrupted after" in out and "valuegraph train: interrupted (Ctrl-C)" in err
    for name in ("history.json", "history.png", "model.json", "config.json"):
        assert (tmp_path / "run" / name).stat().st_size > 0, name


def test_train_writes_history_plots_and_a_loadable_model(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "xor", "--samples", "40", "--layers", "4", "--activation", "tanh",
                 "--optimizer", "adam", "--lr", "0.05", "--epochs", "8", "--dropout", "--batchnorm", "--l2",
                 "--early-stopping", "3", "--no-progress", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    for name in ("history.json", "history.csv", "history.png", "decision_boundary.png", "model.json", "config.json"):
        assert (out / name).stat().st_size > 0, name
    history = json.loads((out / "history.json").read_text())
    assert 1 <= len(history["train_loss"]) <= 8
    assert (out / "history.csv").read_text().splitlines()[0] == "epoch,train_loss,train_acc,val_loss,val_acc,lr"
    config = json.loads((out / "config.json").read_text())
    assert (config["dropout"], config["batchnorm"], config["l2"], config["early_stopping"]) == (0.2, True, 0.001, 3)
    from valuegraph.cli import build_model
    model = build_model(config)
    model.load(out / "model.json")
    saved = json.loads((out / "model.json").read_text())["state"]
    assert model.state_dict() == saved


def _offered(option):
    """The choices ``valuegraph train --help`` offers for ``option``."""
    with pytest.raises(SystemExit):
        with contextlib.redirect_stdout(io.StringIO()) as help_text:
            build_parser().parse_args(["train", "--help"])
    return re.search(rf"{option} {{([^}}]*)}}", help_text.getvalue()).group(1).split(",")


def _every_choice():
    """Runs that together use every offered dataset, activation and optimizer at least once."""
    lists = [list(_offered(option)) for option in ("--dataset", "--activation", "--optimizer")]
    return [tuple(choices[i % len(choices)] for choices in lists) for i in range(max(map(len, lists)))]


def test_offered_choices_come_from_nn():
    import nn

    assert list(_offered("--dataset")) == list(nn.datasets.DATASETS)
    assert set(_offered("--activation")) == set(nn.ACTIVATIONS) | {"maxout"}
    assert {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"} <= set(_offered("--optimizer"))


@pytest.mark.parametrize("dataset, activation, optimizer", _every_choice())
def test_every_offered_choice_trains(dataset, activation, optimizer, tmp_path, capsys):
    code = main(["train", "--dataset", dataset, "--activation", activation, "--optimizer", optimizer,
                 "--samples", "48", "--layers", "3", "--epochs", "2", "--no-progress", "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    config = json.loads((tmp_path / "config.json").read_text())
    assert (config["dataset"], config["activation"], config["optimizer"]) == (dataset, activation, optimizer)
    assert len(json.loads((tmp_path / "history.json").read_text())["train_loss"]) == 2


@pytest.mark.parametrize("args, message", [
    (["--dataset", "mnist"], "invalid choice: 'mnist'"),
    (["--layers", "16,x"], "expected sizes like 16,16"),
    (["--lr", "-1"], "must be a positive number"),
    (["--epochs", "0"], "must be a positive integer"),
    (["--samples", "1"], "--samples: must be at least 2"),
    (["--dropout", "1.5"], "must be in [0, 1)"),
])
def test_train_usage_errors(args, message, capsys):
    assert main(["train", *args]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("args, line", [
    (["grpah", "x", "x=1"], "valuegraph: error: argument COMMAND: invalid choice: 'grpah' (choose from 'demo', "
                            "'graph', 'train'); did you mean graph?"),
    (["train", "--dataset", "circles"], "valuegraph train: error: argument --dataset: invalid choice: 'circles' "
                                        "(choose from 'circle', 'xor', 'gaussian', 'spiral', 'moons'); did you "
                                        "mean circle?"),
    (["train", "--activation", "sigmod"], "did you mean sigmoid?"),
    (["train", "--datset", "circle"], "valuegraph train: error: unrecognized arguments: --datset circle; did you "
                                      "mean --dataset?"),
    (["graph", "x", "x=1", "--rankdri", "TB"], "valuegraph graph: error: unrecognized arguments: --rankdri TB; "
                                                "did you mean --rankdir?"),
    (["graph", "x", "x=1", "--mode", "forwards"], "did you mean forward?"),
    (["paint"], "valuegraph: error: argument COMMAND: invalid choice: 'paint' (choose from 'demo', 'graph', "
                "'train')"),
    (["train", "--epochs"], "valuegraph train: error: argument --epochs: expected one argument"),
])
def test_a_usage_error_is_one_line_and_suggests_the_nearest_word(args, line, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.splitlines()) == 1, captured.err  # no usage block first
    assert line in captured.err
    if args == ["paint"]:
        assert "did you mean" not in captured.err  # nothing is near enough


def test_the_command_offers_maxout_beside_nns_activations():
    import nn
    from valuegraph.cli import activations

    assert activations() == (*nn.ACTIVATIONS, "maxout")


def test_train_option_conflicts(tmp_path, capsys):
    assert main(["train", "--early-stopping", "--val-split", "0", "--out", str(tmp_path)]) == 2
    assert "--early-stopping needs validation data" in capsys.readouterr().err
    assert main(["train", "--activation", "maxout", "--batchnorm", "--out", str(tmp_path)]) == 2


@pytest.mark.parametrize("command", [[], ["demo"], ["graph"], ["train"]])
def test_help_for_each_command_lists_exit_codes(command, capsys):
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: valuegraph" in out and "exit codes:" in out


@pytest.mark.parametrize("command", ["demo", "graph", "train"])
def test_help_shows_every_options_default(command, capsys):
    """docs/drawing.md promises that COMMAND --help shows every option with its default."""
    import argparse

    subcommands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    options = [a for a in subcommands.choices[command]._actions
               if a.option_strings and not isinstance(a, argparse._HelpAction)]
    assert main([command, "--help"]) == 0
    text = "".join(capsys.readouterr().out.split())  # argparse wraps lines (and breaks at hyphens)
    for action in options:
        help_text = action.help % vars(action) if "%(" in action.help else action.help
        assert "".join(help_text.split()) in text and "(default: " in help_text, action.option_strings


def test_no_command_prints_help_and_unknown_command_is_2(capsys):
    assert main([]) == 0
    assert "COMMAND" in capsys.readouterr().out
    assert main(["paint"]) == 2
    assert "invalid choice: 'paint'" in capsys.readouterr().err


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("valuegraph ")


def test_train_max_loss_stops_a_diverging_run_with_exit_code_1_and_its_files(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--dataset", "xor", "--samples", "40", "--layers", "4", "--optimizer", "sgd",
                 "--lr", "50", "--epochs", "30", "--max-loss", "5", "--no-progress", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    history = json.loads((out / "history.json").read_text())
    epochs = len(history["train_loss"])
    assert epochs < 30 and history["train_loss"][-1] > 5 and all(loss <= 5 for loss in history["train_loss"][:-1])
    assert f"diverged at epoch {epochs}" in captured.out
    assert captured.err.splitlines()[-1].startswith(f"valuegraph train: error: training diverged: the training loss of epoch {epochs} is")
    assert json.loads((out / "config.json").read_text())["max_loss"] == 5
    assert (out / "model.json").stat().st_size > 0


def test_train_max_loss_must_be_positive(capsys):
    assert main(["train", "--max-loss", "0"]) == 2
    assert "must be a positive number" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["graph", "-x * y", "x=2", "y=3"],
    ["graph", "-(x + y)", "x=2", "y=3"],
    ["graph", "-x*y", "x=2", "y=3"],
    ["graph", "-o", "OUT", "-x*y", "x=2", "y=3"],
    ["graph", "-x*y", "x=2", "--mode", "forward", "y=3", "-o", "OUT"],
    ["graph", "-o", "OUT", "--", "-x*y", "x=2", "y=3"],
])
def test_graph_accepts_an_expression_that_starts_with_a_minus(tmp_path, capsys, argv):
    out = str(tmp_path / "g.dot")
    argv = [out if arg == "OUT" else arg for arg in argv] + ([] if "OUT" in argv else ["-o", out])
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert re.match(r"f = -\(?x ?\*? ?\+? ?y\)? = -(6|5)$", captured.out.splitlines()[0])
    assert (tmp_path / "g.dot").exists()


def test_graph_with_a_minus_option_it_does_not_know_still_says_so(tmp_path, capsys):
    assert main(["graph", "x", "x=1", "--colour", "red", "-o", str(tmp_path / "g.dot")]) == 2
    assert "unrecognized arguments: --colour" in capsys.readouterr().err


@pytest.mark.needs_wasm
def test_graph_draws_named_intermediates(tmp_path, capsys):
    code = main(["graph", "q = x + y; f = max(q * z, 0)", "x=-2", "y=3", "z=2", "-o", str(tmp_path / "g.svg"),
                 "--backend", "wasm"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.splitlines()[:3] == ["q = x + y = 1", "f = max(q * z, 0) = 2", "∂f/∂x = 2   ∂f/∂y = 2   ∂f/∂z = 1"]
    texts = ["".join(t.itertext()) for t in ET.parse(tmp_path / "g.svg").iter("{http://www.w3.org/2000/svg}text")]
    assert "q" in texts and "f" in texts


def test_each_statement_is_reported_with_its_own_value(tmp_path, capsys):
    assert main(["graph", "x*3; q = x + y; f = q*2", "x=1", "y=2", "-o", str(tmp_path / "g.dot")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == ["x*3 = 3", "q = x + y = 3", "f = q*2 = 6", "∂f/∂x = 2   ∂f/∂y = 2"]


def test_an_unknown_name_lists_only_the_variables_the_user_gave(tmp_path, capsys):
    assert main(["graph", "c = 2; d = c * 3; f = d * z", "x=1", "-o", str(tmp_path / "g.dot")]) == 2
    error = capsys.readouterr().err
    assert "unknown name 'z'" in error and error.rstrip().endswith("(variables given: x)"), error


def test_graph_caret_says_to_use_double_star(tmp_path, capsys):
    assert main(["graph", "x^2", "x=3", "-o", str(tmp_path / "g.dot")]) == 2
    assert "'^' is not a power in Python: write x ** 2" in capsys.readouterr().err


@pytest.mark.needs_wasm
def test_graph_projector_style_draws_large_type(tmp_path, capsys):
    assert main(["graph", "x * y", "x=2", "y=3", "-o", str(tmp_path / "g.dot"), "--style", "projector",
                 "--html", str(tmp_path / "s.html"), "--backend", "wasm"]) == 0
    assert "node [fontname=Helvetica fontsize=20" in (tmp_path / "g.dot").read_text()
    page = (tmp_path / "s.html").read_text()
    assert '<body data-frame="0" class="projector">' in page
    assert 'font-size="17.00"' in "".join(frames_data(page)["pieces"])


def test_train_never_reports_or_saves_a_diverged_epoch_as_best(tmp_path, capsys):
    """The issue's run: epoch 4 diverges (training loss 117) while its validation loss dips below
    every earlier epoch's; the best epoch, its line and model.json are an earlier epoch's."""
    import nn

    out = tmp_path / "run"
    code = main(["train", "--dataset", "moons", "--optimizer", "sgd", "--lr", "50", "--max-loss", "100",
                 "--no-progress", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    history = json.loads((out / "history.json").read_text())
    epochs, best = len(history["train_loss"]), history["best_epoch"]
    assert history["stop_reason"] == "diverged" and history["val_loss"][-1] == min(history["val_loss"])
    assert best < epochs and history["best"]["train_loss"] <= 100 and history["restored_best"]
    line = captured.out.splitlines()[0]
    assert line.startswith(f"diverged at epoch {epochs} ") and f"best epoch {best}, " in line, line
    assert f"train loss {history['best']['train_loss']:.4g}" in line, line
    from valuegraph.cli import build_model
    model = build_model(json.loads((out / "config.json").read_text())).load(out / "model.json")
    X, y = nn.datasets.moons(n=200, noise=0.1, seed=0)
    _, X_val, _, y_val = nn.train_test_split(X, y, 0.25, seed=0)
    assert nn.evaluate(model, X_val, y_val)[0] == pytest.approx(history["best"]["val_loss"], rel=1e-12)


def test_train_says_when_no_epoch_stayed_below_max_loss(tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", "--dataset", "moons", "--optimizer", "sgd", "--lr", "50", "--max-loss", "0.01",
                 "--no-progress", "--out", str(out)]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith("diverged at epoch 1 ") and "best epoch" not in line, line
    assert "model.json holds the untrained starting weights" in line, line
    from valuegraph.cli import build_model
    config = json.loads((out / "config.json").read_text())
    assert build_model(config).load(out / "model.json").state_dict() == build_model(config).state_dict()


def test_train_with_a_tiny_validation_set_warns_in_one_plain_line(tmp_path):
    result = run(["train", "--samples", "5", "--epochs", "2", "--no-progress", "--out", "run"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("training MLP") and len(lines) == 2, result.stderr
    assert re.fullmatch(r"valuegraph train: warning: fit: the validation set has only 1 sample, .*at least 10 samples",
                        lines[1]), lines[1]
