"""The ``valuegraph`` command line: ``demo``, ``graph`` and ``train``.

Exit codes: 0 success; 1 the command failed while running (rendering, writing files,
training that diverged); 2 a usage error (unknown option, bad expression, unknown or missing
variable, impossible option combination); 130 interrupted with Ctrl-C. Errors go to stderr
as one line.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import io
import json
import math
import re
import sys
import time
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn, Sequence

from . import __version__
from .files import json_text, write_atomic

EXIT_OK, EXIT_FAILURE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

EXIT_CODES = """exit codes:
  0    success
  1    the command failed while running (rendering, writing files, a gradient that does not
       exist, diverging training)
  2    usage error (unknown option, bad expression, unknown or missing variable)
  130  interrupted (Ctrl-C)"""

SGD_PRESETS = {"momentum": {"momentum": 0.9}, "nesterov": {"momentum": 0.9, "nesterov": True}}
"""Optimizer choices that are ``nn.SGD`` with settings (the lecture's z = βz + ∇f(w), β = 0.9)."""


def datasets() -> tuple[str, ...]:
    """The ``--dataset`` choices: nn's dataset registry (``nn.datasets.DATASETS``)."""
    import nn

    return tuple(nn.datasets.DATASETS)


def activations() -> tuple[str, ...]:
    """The ``--activation`` choices: ``nn.ACTIVATIONS``, plus ``maxout`` (``nn.Maxout`` layers)."""
    import nn

    return (*nn.ACTIVATIONS, "maxout")


def optimizers() -> dict[str, tuple[type, dict]]:
    """The ``--optimizer`` choices: every optimizer class nn exports (lower-cased name), then the
    :data:`SGD_PRESETS`, as {choice: (class, keyword arguments)}."""
    import nn

    exported = [getattr(nn, name) for name in nn.__all__]
    classes = [c for c in exported if isinstance(c, type) and issubclass(c, nn.Optimizer) and c is not nn.Optimizer]
    choices = {c.__name__.lower(): (c, {}) for c in classes}
    choices.update({name: (nn.SGD, settings) for name, settings in SGD_PRESETS.items()})
    return choices


class UsageError(Exception):
    """A mistake in the command line found after parsing (exit code 2)."""


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are one line (``valuegraph train: error: ...``, no
    usage block first: ``--help`` shows it) and suggest the nearest choice, subcommand or option
    for a mistyped one (``valuegraph grpah`` -> ``did you mean graph?``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: error: {' '.join(message.split())}{self._suggestion(message)}\n")

    def _suggestion(self, message: str) -> str:
        """``; did you mean X?`` for the nearest of the valid words, or ``""``."""
        choice = re.search(r"invalid choice: '?(.*?)'? \(choose from (.*)\)$", message)
        if choice:
            typed, offered = choice.group(1), [word.strip(" '\"") for word in choice.group(2).split(",")]
        else:
            unknown = re.search(r"unrecognized arguments: (.*)$", message)
            typed = next((word for word in (unknown.group(1).split() if unknown else []) if word.startswith("-")), "")
            offered = [option for action in self._actions for option in action.option_strings
                       if option.startswith("--")]
            typed = typed.split("=", 1)[0]
        nearest = difflib.get_close_matches(typed, offered, n=1, cutoff=0.75) if typed else []
        return f"; did you mean {nearest[0]}?" if nearest else ""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``valuegraph`` and its subcommands."""
    parser = _Parser(
        prog="valuegraph", formatter_class=_formatter,
        description="Watch backpropagation: draw a computational graph, step through it, train a tiny network.",
        epilog="examples:\n  valuegraph demo\n  valuegraph graph \"max((x + y) * z, 0)\" x=-2 y=3 z=2 -o graph.svg "
               "--html steps.html\n  valuegraph train --dataset spiral --layers 16,16 --activation tanh "
               "--optimizer adam --lr 0.01 --epochs 100 --out runs/spiral\n\n" + EXIT_CODES)
    parser.add_argument("--version", action="version", version=f"valuegraph {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", formatter_class=_formatter, help="the lecture's example drawn and stepped through, and a tiny "
                                                 "network trained; everything in one folder",
        description="Render the lecture's f = max((x + y)z, 0) forward and backward to SVG with its "
                    "step-through page, then train a tiny MLP on TensorFlow Playground's circle dataset and "
                    "plot its loss and decision boundary. Everything goes to one folder, named at the end.",
        epilog=EXIT_CODES)
    demo.add_argument("--out", default="valuegraph-demo", metavar="DIR", help="output folder (default: %(default)s)")
    demo.add_argument("--backend", choices=("auto", "dot", "wasm"), default="auto",
                      help="Graphviz backend (default: auto = system dot if installed, else WebAssembly)")
    demo.add_argument("--epochs", type=_positive_int, default=60, help="training epochs (default: %(default)s)")
    demo.add_argument("--no-progress", action="store_true", help="no progress bar (default: a progress bar on stderr)")

    from viz import DEFAULT_MAX_NODES, STEPS_MAX_NODES
    from viz.expression import FUNCTIONS

    graph = commands.add_parser(
        "graph", formatter_class=_formatter, help="draw any expression's graph, forward and backward",
        description="Build the graph of an expression, run backpropagation and draw it. The expression may use "
                    "numbers, variables, + - * / **, unary minus and the functions "
                    f"{', '.join(function.usage for function in FUNCTIONS.values())}. It is parsed safely "
                    "(a whitelist of Python's ast; never eval).",
        epilog="examples:\n  valuegraph graph \"max((x + y) * z, 0)\" x=-2 y=3 z=2 -o graph.svg --html steps.html\n"
               "  valuegraph graph \"q = x + y; f = max(q * z, 0)\" x=-2 y=3 z=2 -o graph.svg\n\n" + EXIT_CODES)
    parser.graph_parser = graph  # for _expression_may_start_with_minus
    parser.subcommands = commands.choices
    graph.add_argument("expression", help='the expression, quoted: "max((x + y) * z, 0)"; name intermediate '
                                          'values with statements: "q = x + y; f = max(q * z, 0)"; it may '
                                          'start with a minus: "-x * y"')
    graph.add_argument("variables", nargs="*", metavar="NAME=VALUE", help="the value of each variable")
    graph.add_argument("-o", "--output", default="graph.svg", metavar="FILE",
                       help="drawing to write: .svg, .png, .pdf (needs system dot) or .dot; missing folders "
                            "are created (default: %(default)s)")
    graph.add_argument("--html", metavar="FILE",
                       help="also write the step-through page (offline HTML); missing folders are created "
                            "(default: no page)")
    graph.add_argument("--mode", choices=("forward", "backward", "both"), default="both",
                       help="forward: values only; backward: gradients flowing back; both: values and gradients "
                            "(default: %(default)s)")
    graph.add_argument("--rankdir", choices=("LR", "TB"), default="LR", help="left to right (LR) or top to bottom (TB) (default: %(default)s)")
    graph.add_argument("--backend", choices=("auto", "dot", "wasm"), default="auto",
                       help="Graphviz backend (default: auto = system dot if installed, else WebAssembly)")
    graph.add_argument("--style", choices=("normal", "projector"), default="normal",
                       help="projector: large type and thick lines, for a wall (default: %(default)s)")
    graph.add_argument("--gradcheck", action="store_true",
                       help="show each input's central-difference gradient and relative error (default: off)")
    graph.add_argument("--max-nodes", type=_positive_int, default=None, metavar="N",
                       help=f"draw graphs of up to N values (default: {DEFAULT_MAX_NODES} for the drawing, "
                            f"{STEPS_MAX_NODES} for the --html step-through)")

    train = commands.add_parser(
        "train", formatter_class=_formatter, help="train an MLP on a playground dataset; write history, plots, model",
        description="Train an MLP on a 2-D playground dataset. Writes history.json, history.csv, history.png "
                    "(loss and accuracy per epoch), decision_boundary.png, model.json (load it with "
                    "Module.load on the model that config.json describes) and config.json.",
        epilog="example:\n  valuegraph train --dataset spiral --layers 16,16 --activation tanh --optimizer adam "
               "--lr 0.01 --epochs 100 --early-stopping --out runs/spiral\n\n" + EXIT_CODES)
    train.add_argument("--dataset", choices=datasets(), default="circle", help="(default: %(default)s)")
    train.add_argument("--samples", type=_sample_count, default=200, metavar="N", help="(default: %(default)s)")
    train.add_argument("--noise", type=_non_negative_float, default=0.1, help="(default: %(default)s)")
    train.add_argument("--layers", type=_layer_sizes, default=[16, 16], metavar="SIZES",
                       help="hidden layer sizes, comma-separated (default: 16,16)")
    train.add_argument("--activation", choices=activations(), default="tanh", help="(default: %(default)s)")
    train.add_argument("--optimizer", choices=tuple(optimizers()), default="adam", help="(default: %(default)s)")
    train.add_argument("--lr", type=_positive_float, default=0.01, help="learning rate α (default: %(default)s)")
    train.add_argument("--epochs", type=_positive_int, default=100, help="(default: %(default)s)")
    train.add_argument("--batch-size", type=_positive_int, default=None, metavar="N",
                       help="minibatch size (default: the whole training set)")
    train.add_argument("--dropout", type=_fraction, nargs="?", const=0.2, default=0.0, metavar="P",
                       help="dropout on hidden layers (default: off; P defaults to 0.2)")
    train.add_argument("--batchnorm", action="store_true",
                       help="batch norm right before each hidden activation (default: off)")
    train.add_argument("--l2", type=_non_negative_float, nargs="?", const=1e-3, default=0.0, metavar="LAMBDA",
                       help="L2 penalty λ·R(W) (default: off; LAMBDA defaults to 0.001)")
    train.add_argument("--early-stopping", type=_positive_int, nargs="?", const=10, default=None,
                       metavar="PATIENCE",
                       help="stop when the validation loss stalls (default: off; PATIENCE defaults to 10)")
    train.add_argument("--max-loss", type=_positive_float, default=None, metavar="LOSS",
                       help="stop as diverged, writing what the run has, after an epoch whose training loss "
                            "exceeds LOSS; exit code 1 (default: off)")
    train.add_argument("--val-split", type=_fraction, default=0.25, metavar="F",
                       help="fraction held out for validation (default: %(default)s)")
    train.add_argument("--seed", type=int, default=0, help="(default: %(default)s)")
    train.add_argument("--out", default=None, metavar="DIR", help="output folder (default: runs/DATASET)")
    train.add_argument("--no-progress", action="store_true", help="no progress bar (default: a progress bar on stderr)")
    return parser


# -- argument types: each raises ArgumentTypeError, which argparse reports with exit code 2 ---

def _number(text: str, kind: type) -> Any:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a{'n integer' if kind is int else ' number'}") from None
    if kind is float and not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _number_where(kind: type, accepts: Callable[[Any], bool], requirement: str) -> Callable[[str], Any]:
    """An argparse ``type=``: a number of ``kind`` that ``accepts``, else an error saying ``requirement``."""
    def parse(text: str) -> Any:
        value = _number(text, kind)
        if not accepts(value):
            raise argparse.ArgumentTypeError(f"must be {requirement}, got {text}")
        return value

    return parse


_positive_int = _number_where(int, lambda v: v >= 1, "a positive integer")
_sample_count = _number_where(int, lambda v: v >= 2, "at least 2 (every dataset needs two points)")
_positive_float = _number_where(float, lambda v: v > 0, "a positive number")
_non_negative_float = _number_where(float, lambda v: v >= 0, "a number >= 0")
_fraction = _number_where(float, lambda v: 0 <= v < 1, "in [0, 1)")
"""A number in [0, 1): a dropout probability, a validation fraction."""


def _layer_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected sizes like 16,16, got {text!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(f"layer sizes must be positive, got {text!r}")
    return sizes


def _assignments(items: Sequence[str]) -> dict[str, float]:
    variables: dict[str, float] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"expected NAME=VALUE, got {item!r}")
        if name in variables:
            raise UsageError(f"variable {name} is given twice")
        try:
            value = float(text)
        except ValueError:
            raise UsageError(f"the value of {name} must be a number, got {text!r}") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise UsageError(f"the value of {name} must be finite, got {text!r}")
        variables[name] = value
    return variables


# -- the commands --------------------------------------------------------------------------------

def _backend(backend: str) -> str:
    """The ``--backend`` choice resolved to ``dot`` or ``wasm``; RuntimeError (exit 1) in the
    command line's words when ``--backend dot`` has no ``dot`` program."""
    from viz.rendering import has_system_dot, has_wasm_graphviz, pick_backend

    if backend == "dot" and not has_system_dot():
        also = ("; --backend wasm (or auto) needs nothing more" if has_wasm_graphviz()
                else "; WebAssembly Graphviz, the other backend, is not installed either")
        raise RuntimeError("--backend dot needs Graphviz's dot program on PATH (apt install graphviz, "
                           "brew install graphviz, winget install graphviz)" + also)
    return pick_backend(backend)


def _backend_name(backend: str) -> str:
    return {"dot": "system dot", "wasm": "WebAssembly Graphviz"}[_backend(backend)]


def _output_format(output: str, backend: str) -> str:
    """The format ``-o FILE`` asks for (by its suffix), or UsageError naming the options to use."""
    from viz.rendering import FORMATS, backend_formats

    suffix = Path(output).suffix.lower().lstrip(".")
    format = "dot" if suffix == "gv" else suffix
    if format not in FORMATS:
        raise UsageError(f"cannot tell the format from -o {output}: use a file name ending in "
                         f".{', .'.join(FORMATS)}")
    if format != "dot" and format not in backend_formats(_backend(backend)):
        raise UsageError(f"the WebAssembly backend cannot write {format.upper()}: install Graphviz's dot program "
                         f"(apt install graphviz) and use --backend dot (or auto), or write .svg or .png")
    return format


def _too_large(error: Any, what: str) -> UsageError:
    """A GraphTooLargeError in the command line's words (``--max-nodes``)."""
    return UsageError(f"the graph has {error.size} values, more than {what} accepts (--max-nodes "
                      f"{error.max_nodes}); draw a smaller expression, or raise the limit with "
                      f"--max-nodes {error.size}")


def run_graph(args: argparse.Namespace) -> int:
    """``valuegraph graph``: parse, backpropagate, draw (and the step-through page)."""
    import viz
    from viz.expression import parse_expression

    variables = _assignments(args.variables)
    _output_format(args.output, args.backend)
    try:
        output, leaves, statements = parse_expression(args.expression, variables)
    except ValueError as error:  # ExpressionError
        raise UsageError(str(error)) from None
    assigned = {statement.name for statement in statements if statement.name is not None}
    if not output.label and output.parents:
        output.label = "f" if "f" not in assigned else "out"
    try:
        output.backward()
        failure = None
    except FloatingPointError as error:  # sqrt(0): the value exists, its derivative does not
        failure = " ".join(str(error).split())
    name = output.label or "f"
    for statement in statements:  # each with its own value: q = x + y = 1, then f = max(q * z, 0) = 2
        text = " ".join(statement.source.split())
        label = statement.name or (name if statement.value is output and output.parents else None)
        print(f"{label} = {text} = {statement.value.data:.6g}" if label else f"{text} = {statement.value.data:.6g}")
    if leaves and failure is None:  # fresh leaves, so .grad is ∂output/∂leaf
        print("   ".join(f"∂{name}/∂{var} = {leaf.grad:.6g}" for var, leaf in leaves.items()))
    mode = args.mode if failure is None else "forward"
    _make_folder(Path(args.output).parent)
    try:  # a format the backend cannot write, a graph too large to draw: the user's choice
        path = viz.render(output, args.output, backend=args.backend, mode=mode, rankdir=args.rankdir,
                          gradcheck=args.gradcheck, max_nodes=args.max_nodes or viz.DEFAULT_MAX_NODES,
                          style=args.style)
    except viz.GraphTooLargeError as error:
        raise _too_large(error, "the drawing") from None
    except ValueError as error:
        raise UsageError(str(error)) from None
    suffix = "" if path.suffix == ".dot" else f", {_backend_name(args.backend)}"
    print(f"wrote {path} ({mode}{' only: the backward pass failed' if mode != args.mode else ''}{suffix})")
    if args.html:
        _make_folder(Path(args.html).parent)
        try:
            page = viz.export_html(output, args.html, backend=args.backend, rankdir=args.rankdir,
                                   title=args.expression if assigned else f"{name} = {args.expression}",
                                   style=args.style,
                                   max_nodes=args.max_nodes or viz.STEPS_MAX_NODES)
        except viz.GraphTooLargeError as error:
            raise _too_large(error, "the --html step-through") from None
        print(f"wrote {page} (step-through)")
    if failure is not None:
        print(f"valuegraph graph: error: {failure}; the drawing shows the forward pass only", file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def _lecture() -> Any:
    from autograd import Value

    x, y, z = Value(-2.0, "x"), Value(3.0, "y"), Value(2.0, "z")
    q = x + y
    q.label = "q"
    f = (q * z).max(0)
    f.label = "f"
    return f, (x, y, z)


def _interrupted(command: str, history: Any, epochs: int, out: Path, wrote: str) -> int:
    """Say on stderr that Ctrl-C stopped training (``nn.fit`` returns what it has) and what was
    written anyway; the exit code is 130 (:data:`EXIT_INTERRUPTED`)."""
    print(f"valuegraph {command}: interrupted (Ctrl-C) after {len(history)} of {epochs} epochs; "
          f"wrote {wrote} to {out}/", file=sys.stderr)
    return EXIT_INTERRUPTED


def run_demo(args: argparse.Namespace, callbacks: Sequence = ()) -> int:
    """``valuegraph demo``: the lecture's example and a tiny trained network, in one folder.

    ``callbacks`` are passed to ``nn.fit`` (``callback(history)`` after every epoch). Ctrl-C
    during training writes what the run has, skips the rest and returns 130."""
    import nn
    import viz
    from viz import plots

    out = Path(args.out)
    _make_folder(out)
    started = time.perf_counter()
    backend = _backend_name(args.backend)
    print(f"1. The lecture's f = max((x + y)z, 0) at x = -2, y = 3, z = 2 (drawn with {backend})")
    f, (x, y, z) = _lecture()
    viz.render(f, out / "lecture_forward.svg", backend=args.backend, mode="forward")
    f.backward()
    viz.render(f, out / "lecture_backward.svg", backend=args.backend, mode="backward")
    viz.export_html(f, out / "lecture_steps.html", backend=args.backend, title="f = max((x + y)z, 0), step by step")
    print(f"   f = {f.data:g}; ∂f/∂x = {x.grad:g}, ∂f/∂y = {y.grad:g}, ∂f/∂z = {z.grad:g}")
    print("   lecture_forward.svg, lecture_backward.svg, lecture_steps.html")

    print(f"2. A tiny MLP 2-8-8-1 (tanh, Adam) on the circle dataset (TensorFlow Playground's), {args.epochs} epochs")
    X, labels = nn.datasets.circle(n=120, noise=0.1, seed=0)  # noqa: N806
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    history = nn.fit(model, X, labels, loss="bce_with_logits", optimizer=nn.Adam(model.parameters(), lr=0.05),
                     epochs=args.epochs, validation_split=0.25, patience=15, seed=0, progress=not args.no_progress,
                     callbacks=callbacks)
    wrote = _write_training(history, model, X, labels, out, "circle, MLP 2-8-8-1", "circle: decision boundary")
    if history.interrupted:
        print(f"   interrupted after {len(history)} of {args.epochs} epochs; {wrote}")
        return _interrupted("demo", history, args.epochs, out, wrote)
    last = history[-1]
    print(f"   final train loss {last.train_loss:.3f}, validation accuracy {last.val_acc:.0%}"
          f" (best epoch {history.best_epoch})")
    print(f"   {wrote}")

    print("3. The lecture's activation functions and optimizer paths on a ravine")
    plots.plot_activations(out / "activations.png")
    plots.plot_optimizer_paths(out / "optimizer_paths.png")
    print("   activations.png, optimizer_paths.png")
    print(f"Done in {time.perf_counter() - started:.1f} s. Everything is in {out.resolve()}/ "
          f"(open lecture_steps.html in a browser).")
    return EXIT_OK


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and the folders above it: the command makes the folders of the paths it
    is given (``--out``, ``-o``, ``--html``), where the library's writers create none."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(f"cannot write into {str(folder)!r}: it is a file, not a folder") from None


def _write_training(history: Any, model: Any, X: Any, labels: Any, out: Path, title: str,  # noqa: N803
                    boundary_title: str) -> str:
    """Write history.json/.csv, model.json and (when there is at least one epoch) history.png and
    decision_boundary.png to ``out``; returns the names written, comma-separated."""
    from viz import plots

    _write_history(history, out)
    model.save(out / "model.json")
    names = ["history.json", "history.csv", "model.json"]
    if len(history):
        plots.plot_history(history, out / "history.png", title=title)
        plots.plot_decision_boundary(model, X, labels, out / "decision_boundary.png", resolution=60,
                                     title=boundary_title)
        names[:0] = ["history.png", "decision_boundary.png"]
    return ", ".join(names)


def _write_history(history: Any, out: Path) -> None:
    path = out / "history.json"
    write_atomic(path, json_text(history.to_dict(), caller=f"write {path}", kind="history file", indent=1),
                 caller="valuegraph")
    columns = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr")
    table = io.StringIO(newline="")
    writer = csv.writer(table)
    writer.writerow(columns)
    for record in history:
        writer.writerow(["" if getattr(record, c) is None else getattr(record, c) for c in columns])
    write_atomic(out / "history.csv", table.getvalue(), caller="valuegraph")


def _optimizer(name: str, params: list, lr: float) -> Any:
    kind, settings = optimizers()[name]
    return kind(params, lr=lr, **settings)


def build_model(config: dict) -> Any:
    """The MLP that ``config.json`` (written by ``valuegraph train``) describes, ready for
    ``Module.load(model.json)``."""
    import nn

    classes = config["classes"]
    return nn.MLP(2, config["layers"] + [1 if classes == 2 else classes], activation=config["activation"],
                  batch_norm=config["batchnorm"], dropout=config["dropout"], seed=config["seed"])


def _ending(history: Any, args: argparse.Namespace) -> str:
    """How a ``train`` run ended, in words: ``diverged at epoch 4 (training loss 117.4 above --max-loss 100)``."""
    epochs = len(history)
    if history.stop_reason == "diverged":
        return (f"diverged at epoch {epochs} (training loss {history[-1].train_loss:.4g} above --max-loss "
                f"{args.max_loss:g})")
    return {"early_stopping": f"stopped early at epoch {epochs}",
            "interrupted": f"interrupted after {epochs} of {args.epochs} epochs"}.get(history.stop_reason,
                                                                                   f"{epochs} epochs")


def _kept(history: Any) -> str:
    """Which weights ``model.json`` holds and what they measured: the best epoch's when ``fit``
    restored them, else the last epoch's; a run whose first epoch diverged has no best epoch
    and is saved as it started."""
    if history.best_epoch is None:  # fit(max_loss=...) rolled back to the starting weights
        return "no epoch stayed below --max-loss, so model.json holds the untrained starting weights"
    record = history.best if history.restored_best else history[-1]
    measured = f"train loss {record.train_loss:.4g}"
    if record.val_acc is not None:
        measured += f", validation accuracy {record.val_acc:.1%}"
    if history.restored_best:
        return f"best epoch {history.best_epoch}, saved in model.json: {measured}"
    return f"best epoch {history.best_epoch}; last epoch, saved in model.json: {measured}"


def run_train(args: argparse.Namespace, callbacks: Sequence = ()) -> int:
    """``valuegraph train``: fit an MLP, then write history, plots, model and config.

    ``callbacks`` are passed to ``nn.fit``. Ctrl-C during training still writes what the run
    has (the best epoch's weights so far) and returns 130; a run stopped by ``--max-loss`` writes
    its files too, then raises ``RuntimeError`` (``main`` reports it: exit code 1)."""
    import nn

    if args.activation == "maxout" and args.batchnorm:
        raise UsageError("--batchnorm cannot be combined with --activation maxout")
    if args.early_stopping is not None and args.val_split == 0:
        raise UsageError("--early-stopping needs validation data: use --val-split > 0")
    out = Path(args.out or f"runs/{args.dataset}")
    make = getattr(nn.datasets, args.dataset)
    X, labels = make(n=args.samples, noise=args.noise, seed=args.seed)  # noqa: N806
    classes = len(set(labels))
    config = {"dataset": args.dataset, "samples": args.samples, "noise": args.noise, "layers": args.layers,
              "activation": args.activation, "optimizer": args.optimizer, "lr": args.lr, "epochs": args.epochs,
              "batch_size": args.batch_size, "dropout": args.dropout, "batchnorm": args.batchnorm, "l2": args.l2,
              "early_stopping": args.early_stopping, "max_loss": args.max_loss, "val_split": args.val_split,
              "seed": args.seed,
              "classes": classes, "loss": "bce_with_logits" if classes == 2 else "cross_entropy"}
    model = build_model(config)
    print(f"training MLP {'-'.join(map(str, [2] + args.layers))}-{1 if classes == 2 else classes} "
          f"({args.activation}, {args.optimizer}, lr {args.lr:g}) on {args.dataset} ({args.samples} samples)",
          file=sys.stderr)
    history = nn.fit(model, X, labels, loss=config["loss"],
                     optimizer=_optimizer(args.optimizer, model.parameters(), args.lr), epochs=args.epochs,
                     batch_size=args.batch_size, validation_split=args.val_split, l2=args.l2,
                     patience=args.early_stopping, max_loss=args.max_loss, seed=args.seed,
                     progress=not args.no_progress, callbacks=callbacks)
    _make_folder(out)
    write_atomic(out / "config.json", json.dumps(config, indent=1), caller="valuegraph")
    wrote = _write_training(history, model, X, labels, out, f"{args.dataset}: {args.activation}, {args.optimizer}",
                            f"{args.dataset}: decision boundary") + ", config.json"
    if len(history):
        print(f"{_ending(history, args)}; {_kept(history)}")
    print(f"wrote {wrote} to {out}/")
    if history.interrupted:
        return _interrupted("train", history, args.epochs, out, wrote)
    if history.stop_reason == "diverged":  # reported by main() like every other failure: exit code 1
        raise RuntimeError(f"training diverged: the training loss of epoch {len(history)} is "
                           f"{history[-1].train_loss:.4g}, above --max-loss {args.max_loss:g} (try a smaller --lr)")
    return EXIT_OK


# -- entry point ---------------------------------------------------------------------------------

def _expression_may_start_with_minus(argv: list[str], graph: argparse.ArgumentParser) -> list[str]:
    """``argv`` with a ``graph`` expression that starts with a minus (``-x*y``, ``-(x + y)``)
    moved behind ``--``, where argparse reads it as the expression instead of an unknown option.

    The graph command's own options (``-o FILE``, ``--mode=both``, abbreviations such as
    ``--out``) keep their meaning; anything else is left for argparse to report.
    """
    if not argv or argv[0] != "graph" or "--" in argv:
        return argv
    takes_value = {option: action.nargs != 0 for action in graph._actions for option in action.option_strings}
    options, positionals, i = [], [], 1
    while i < len(argv):
        token = argv[i]
        name = token.split("=", 1)[0]
        if token.startswith("--"):
            matches = [option for option in takes_value if option.startswith(name) and option.startswith("--")]
            if name not in takes_value and len(matches) != 1:
                return argv  # an unknown or ambiguous option: argparse says so
            option = name if name in takes_value else matches[0]
            value_follows = takes_value[option] and "=" not in token
            options.extend(argv[i:i + 1 + value_follows])
            i += 1 + value_follows
        elif token[:2] in takes_value:  # -o FILE, -oFILE, -h
            value_follows = takes_value[token[:2]] and len(token) == 2
            options.extend(argv[i:i + 1 + value_follows])
            i += 1 + value_follows
        else:
            positionals.append(token)
            i += 1
    if not any(token.startswith("-") for token in positionals):
        return argv
    return ["graph", *options, "--", *positionals]


@contextmanager
def _warnings_as_lines(prefix: str) -> Iterator[None]:
    """Inside the block, each warning is shown on stderr as one line, ``prefix`` and its message
    (not Python's two lines naming our source file); the usual display comes back afterwards."""
    with warnings.catch_warnings():  # restores warnings.showwarning on leaving
        warnings.showwarning = lambda message, *rest, **named: print(
            f"{prefix} {' '.join(str(message).split())}", file=sys.stderr)
        yield


def main(argv: list[str] | None = None) -> int:
    """Run ``valuegraph`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    parser = build_parser()
    argv = _expression_may_start_with_minus(list(sys.argv[1:] if argv is None else argv), parser.graph_parser)
    try:
        args, unknown = parser.parse_known_args(argv)
        if unknown:  # said by the subcommand's parser: its name, and its options to suggest from
            (parser.subcommands.get(args.command) or parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    except SystemExit as exit_:  # argparse: --help/--version (0) or a usage error (2, already printed)
        return int(exit_.code or 0)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    run = {"demo": run_demo, "graph": run_graph, "train": run_train}[args.command]
    prefix = f"valuegraph {args.command}: error:"
    try:
        with _warnings_as_lines(f"valuegraph {args.command}: warning:"):
            return run(args)
    except KeyboardInterrupt:
        print(f"valuegraph {args.command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UsageError as error:
        print(f"{prefix} {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, RuntimeError, ArithmeticError, ValueError, TypeError) as error:
        print(f"{prefix} {' '.join(str(error).split())}", file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
