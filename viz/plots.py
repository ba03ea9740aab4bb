"""Matplotlib plots: training history, decision boundary, activations, optimizer paths.

Every function returns the ``matplotlib.figure.Figure`` and, given ``path``, also saves it
(PNG, SVG or PDF by the suffix). Figures are made with ``matplotlib.figure.Figure`` directly,
not ``pyplot``, so nothing opens a window and nothing depends on the global backend.

One visual language: every figure is at most :data:`FIGURE_WIDTH` inches wide (900 pixels at
matplotlib's 100 dpi, a notebook's width: nothing shrinks or scrolls), every panel names both
its axes and has its own legend, and classes have TensorFlow Playground's colours, orange for
class 0 and blue for class 1 (:mod:`viz.palette`, which the playground uses too).
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from matplotlib.colors import LinearSegmentedColormap, ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from autograd import Value, grad
from valuegraph.files import read_json, write_atomic

from .language import Catalog
from .palette import BLUE, NEUTRAL, ORANGE, TRAIN, VALIDATION, class_colour

WORDS = Catalog({
    "train": {"en": "train", "es": "entrenamiento"},
    "validation": {"en": "validation", "es": "validación"},
    "loss": {"en": "loss", "es": "pérdida"},
    "loss, log scale": {"en": "loss (log scale)", "es": "pérdida (escala log)"},
    "epoch": {"en": "epoch", "es": "época"},
    "accuracy": {"en": "accuracy", "es": "exactitud"},
    "no accuracy": {"en": "no accuracy for this loss", "es": "esta pérdida no tiene exactitud"},
    "max_loss": {"en": "max_loss {value}", "es": "max_loss {value}"},
    "best epoch": {"en": "best epoch {epoch}", "es": "mejor época {epoch}"},
    "early stop": {"en": "early stop at epoch {epoch}", "es": "parada temprana en la época {epoch}"},
    "diverged": {"en": "diverged at epoch {epoch}", "es": "divergió en la época {epoch}"},
    "P(class 1)": {"en": "P(class 1)", "es": "P(clase 1)"},
    "class": {"en": "class {label}", "es": "clase {label}"},
    "decision boundary": {"en": "decision boundary", "es": "frontera de decisión"},
    "f and f′": {"en": "f(x) and f′(x)", "es": "f(x) y f′(x)"},
    "activations": {"en": "Activation functions and their derivatives",
                    "es": "Funciones de activación y sus derivadas"},
    "minimum": {"en": "minimum ({w1}, {w2})", "es": "mínimo ({w1}, {w2})"},
    "lowest point": {"en": "lowest point drawn ({w1}, {w2}): f = {f}",
                     "es": "punto más bajo dibujado ({w1}, {w2}): f = {f}"},
    "start": {"en": "start", "es": "inicio"},
    "optimizer paths": {"en": "Optimizer paths on {function}, {steps} steps",
                        "es": "Caminos de los optimizadores sobre {function}, {steps} pasos"},
})
"""What the plots write on a figure, in English and Spanish (:func:`viz.set_language`)."""


__all__ = ["plot_history", "plot_decision_boundary", "plot_activations", "plot_optimizer_paths",
           "LECTURE_ACTIVATIONS", "ravine", "RAVINE_FORMULA", "RAVINE_MINIMUM", "LOG_LOSS_DECADES", "FIGURE_WIDTH",
           "PLAYGROUND_CMAP"]

FIGURE_WIDTH = 9.0
"""The widest figure ``viz.plots`` makes, in inches: 900 pixels at 100 dpi, a notebook's width."""

LEGEND_SIZE = 9
"""Legends' type size (points): small enough to leave the curves room, large enough to read at 900 px."""

PLAYGROUND_CMAP = LinearSegmentedColormap.from_list("playground", [ORANGE, NEUTRAL, BLUE])
"""TensorFlow Playground's colour scale: orange (class 0, negative) through grey to blue (class 1)."""

LOG_LOSS_DECADES = 3
"""``plot_history`` draws the loss on a log scale when its largest value is more than 10**3
times its smallest."""

LECTURE_ACTIVATIONS: dict[str, Callable[[Value], Value]] = {
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "ReLU": Value.relu,
    "leaky ReLU max(0.1x, x)": lambda x: x.leaky_relu(0.1),
    "ELU (α = 1)": lambda x: x.elu(1.0),
    "softplus": Value.softplus,
}
"""The activation functions of the lecture, drawn by :func:`plot_activations`."""


def _save(figure: Figure, path: str | Path | None) -> Figure:
    """Save ``figure`` to ``path`` (if given) in the format of its suffix, through the project's one
    file writer (:func:`valuegraph.files.write_atomic`): atomically, keeping an existing file's
    permissions; the folder must exist."""
    if path is not None:
        import matplotlib

        suffix = Path(path).suffix.lower().lstrip(".")
        buffer = io.BytesIO()
        figure.savefig(buffer, format=suffix or matplotlib.rcParams["savefig.format"], dpi=120, bbox_inches="tight")
        write_atomic(path, buffer.getvalue(), caller="savefig")
    return figure


MAX_HISTORY_BYTES = 64 * 1024 * 1024
""":func:`plot_history` refuses a history file larger than this before reading it (an epoch
takes about 200 bytes)."""


def _history_columns(history: Any) -> dict:
    """A History, its ``to_dict()`` or the path of its JSON, as a dict of columns."""
    if isinstance(history, (str, Path)):  # read by the project's one file reader: bounded and checked
        history = read_json(history, MAX_HISTORY_BYTES, caller="plot_history", kind="history file")
    if hasattr(history, "to_dict"):
        history = history.to_dict()
    if not isinstance(history, Mapping) or "train_loss" not in history:
        raise TypeError("plot_history(history) needs an nn.History, its to_dict() or the path of its JSON, "
                        f"got {type(history).__name__}")
    if not history["train_loss"]:
        raise ValueError("plot_history: the history has no epochs")
    return history


def plot_history(history: Any, path: str | Path | None = None, *, title: str | None = None) -> Figure:
    """Loss (left) and accuracy (right) per epoch, training and validation, with the best epoch
    marked (green dashes) and, when training stopped early, the epoch it stopped at (orange dots);
    when it diverged (``fit(max_loss=...)``), that epoch (black dash-dots) and the ``max_loss``
    its training loss crossed (a black dotted line on the loss).

    The loss panel's title names the loss and the learning rate (``loss: bce_with_logits, lr
    0.05``; ``lr 0.1 → 0.05`` when a schedule changed it), as far as the history records them.
    Epoch ticks are whole numbers. When the loss spans more than :data:`LOG_LOSS_DECADES`
    decades (a diverging run), its axis is logarithmic and titled "loss (log scale)"."""
    columns = _history_columns(history)
    train_loss = columns["train_loss"]
    epochs = columns.get("epoch") or list(range(1, len(train_loss) + 1))
    figure = Figure(figsize=(FIGURE_WIDTH, 3.6))
    loss_ax, acc_ax = figure.subplots(1, 2)
    _line(loss_ax, epochs, train_loss, WORDS("train"), TRAIN)
    _line(loss_ax, epochs, columns.get("val_loss"), WORDS("validation"), VALIDATION)
    losses = [v for column in ("train_loss", "val_loss") for v in (columns.get(column) or []) if v is not None]
    loss_label = WORDS("loss")
    if losses and min(losses) > 0 and max(losses) / min(losses) > 10 ** LOG_LOSS_DECADES:
        loss_ax.set_yscale("log")  # a diverging (or fast-falling) loss: linear would be one spike
        loss_label = WORDS("loss, log scale")
    produced_by = [name for name in (columns.get("loss"), _learning_rates(columns.get("lr"))) if name]
    loss_ax.set(xlabel=WORDS("epoch"), ylabel=loss_label,
                title=f"{loss_label}: {', '.join(produced_by)}" if produced_by else loss_label)
    has_acc = _line(acc_ax, epochs, columns.get("train_acc"), WORDS("train"), TRAIN)
    has_acc = _line(acc_ax, epochs, columns.get("val_acc"), WORDS("validation"), VALIDATION) or has_acc
    acc_ax.set(xlabel=WORDS("epoch"), ylabel=WORDS("accuracy"), title=WORDS("accuracy"))
    if has_acc:
        acc_ax.set_ylim(-0.02, 1.02)
    else:
        acc_ax.text(0.5, 0.5, WORDS("no accuracy"), ha="center", va="center", transform=acc_ax.transAxes)
    best = columns.get("best_epoch")
    stopped = epochs[-1] if columns.get("stopped_early") else None
    diverged = epochs[-1] if columns.get("stop_reason") == "diverged" else None
    if diverged is not None and columns.get("max_loss") is not None:
        loss_ax.axhline(columns["max_loss"], color="black", linestyle=":", linewidth=1,
                        label=WORDS("max_loss", value=f"{columns['max_loss']:g}"))
    for ax in (loss_ax, acc_ax):
        if best is not None:
            ax.axvline(best, color="#15803d", linestyle="--", linewidth=1, label=WORDS("best epoch", epoch=best))
        if stopped is not None:
            ax.axvline(stopped, color="#ea580c", linestyle=":", linewidth=1.5, label=WORDS("early stop", epoch=stopped))
        if diverged is not None:
            ax.axvline(diverged, color="black", linestyle="-.", linewidth=1.5, label=WORDS("diverged", epoch=diverged))
        ax.grid(alpha=0.3)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole: no 1.5 on short runs
        if len(epochs) == 1:  # else matplotlib spans ±5 % of the one epoch, with ticks 0.945 ... 1.05
            ax.set_xlim(epochs[0] - 1, epochs[0] + 1)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=LEGEND_SIZE)
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return _save(figure, path)


def _learning_rates(rates: Sequence | None) -> str | None:
    """``lr 0.05``, or ``lr 0.1 → 0.0125`` from the first epoch's to the last's; None if unknown."""
    if not rates:
        return None
    first, last = rates[0], rates[-1]
    return f"lr {first:g}" if first == last else f"lr {first:g} → {last:g}"


def _line(ax: Any, epochs: Sequence, values: Sequence | None, label: str, colour: str) -> bool:
    if not values or all(v is None for v in values):
        return False
    points = [(e, v) for e, v in zip(epochs, values) if v is not None]
    ax.plot([e for e, _ in points], [v for _, v in points], label=label, color=colour, linewidth=1.5,
            marker="o" if len(points) == 1 else None)  # one epoch is a point, not a line
    return True


def plot_decision_boundary(model: Any, X: Sequence, y: Sequence, path: str | Path | None = None, *,  # noqa: N803
                           resolution: int = 80, padding: float = 0.5, title: str | None = None) -> Figure:
    """The regions a 2-D classifier assigns to each class, with the data on top.

    ``model`` maps a batch of 2-D points to one logit per point (binary: class 1 where the
    logit is > 0, shaded by σ(logit) from TensorFlow Playground's orange, class 0, to its blue,
    class 1) or to a list of scores per point (the class is the largest). It is evaluated with
    ``nn.predict`` (evaluation mode, no graph recorded) on a ``resolution × resolution`` grid.
    Points are drawn in their class's colour (:func:`viz.palette.class_colour`).
    """
    import nn

    points = [list(map(float, x)) for x in X]
    if not points or any(len(p) != 2 for p in points):
        raise ValueError("plot_decision_boundary needs 2-D points: X must be a list of [x1, x2] pairs")
    if len(points) != len(y):
        raise ValueError(f"plot_decision_boundary: X has {len(points)} points but y has {len(y)} labels")
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 500:
        raise ValueError(f"plot_decision_boundary: resolution must be an int from 2 to 500, got {resolution!r}")
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x_low, x_high = min(xs) - padding, max(xs) + padding
    y_low, y_high = min(ys) - padding, max(ys) + padding
    grid_x = [x_low + (x_high - x_low) * i / (resolution - 1) for i in range(resolution)]
    grid_y = [y_low + (y_high - y_low) * j / (resolution - 1) for j in range(resolution)]
    outputs = nn.predict(model, [[gx, gy] for gy in grid_y for gx in grid_x])
    multiclass = isinstance(outputs[0], list) and len(outputs[0]) > 1
    if multiclass:
        values = [max(range(len(o)), key=o.__getitem__) for o in outputs]
    else:
        values = [1.0 / (1.0 + math.exp(-max(min(o[0] if isinstance(o, list) else o, 60.0), -60.0)))
                  for o in outputs]
    surface = [values[j * resolution:(j + 1) * resolution] for j in range(resolution)]
    figure = Figure(figsize=(5.6, 4.6))
    ax = figure.subplots()
    if multiclass:
        classes = len(outputs[0])
        levels = [k - 0.5 for k in range(classes + 1)]
        tints = ListedColormap([_tint(class_colour(k), 0.6) for k in range(classes)])
        ax.contourf(grid_x, grid_y, surface, levels=levels, cmap=tints)
    else:
        filled = ax.contourf(grid_x, grid_y, surface, levels=[i / 10 for i in range(11)], cmap=PLAYGROUND_CMAP,
                             alpha=0.6)
        ax.contour(grid_x, grid_y, surface, levels=[0.5], colors="#1e293b", linewidths=1.2)
        figure.colorbar(filled, ax=ax, label=WORDS("P(class 1)"))
    labels = [int(label) for label in y]
    for label in sorted(set(labels)):
        chosen = [p for p, t in zip(points, labels) if t == label]
        ax.scatter([p[0] for p in chosen], [p[1] for p in chosen], s=16, edgecolors="white", linewidths=0.6,
                   color=class_colour(label), label=WORDS("class", label=label))
    ax.set(xlim=(x_low, x_high), ylim=(y_low, y_high), xlabel="x₁", ylabel="x₂",
           title=title or WORDS("decision boundary"))
    ax.legend(fontsize=LEGEND_SIZE, loc="upper right")
    figure.tight_layout()
    return _save(figure, path)


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """``colour`` mixed with white: ``amount`` 0 is the colour, 1 is white."""
    return tuple(c + (1 - c) * amount for c in to_rgb(colour))


def plot_activations(path: str | Path | None = None, *, low: float = -4.0, high: float = 4.0,
                     points: int = 161) -> Figure:
    """The lecture's activation functions (solid) and their derivatives (dashed), the
    derivatives computed by valuegraph's own backpropagation (``autograd.grad``)."""
    if not low < high:
        raise ValueError(f"plot_activations: low must be below high, got {low!r} and {high!r}")
    xs = [low + (high - low) * i / (points - 1) for i in range(points)]
    figure = Figure(figsize=(FIGURE_WIDTH, 5.8))
    axes = figure.subplots(2, 3)
    for ax, (name, function) in zip(axes.flat, LECTURE_ACTIVATIONS.items()):
        derivative = grad(function)
        ax.plot(xs, [function(Value(x)).data for x in xs], color="#2563eb", linewidth=2, label="f(x)")
        ax.plot(xs, [derivative(x) for x in xs], color="#dc2626", linewidth=1.5, linestyle="--", label="f′(x)")
        ax.axhline(0, color="#94a3b8", linewidth=0.8)
        ax.axvline(0, color="#94a3b8", linewidth=0.8)
        ax.set_title(name, fontsize=10)
        ax.set(xlabel="x", ylabel=WORDS("f and f′"))  # every panel names its axes
        ax.grid(alpha=0.3)
        ax.legend(fontsize=LEGEND_SIZE, loc="upper left")
    figure.suptitle(WORDS("activations"))
    figure.tight_layout()
    return _save(figure, path)


def ravine(w1: Any, w2: Any) -> Any:
    """A narrow valley, f(w₁, w₂) = 0.05·w₁² + w₂²: steep across, shallow along (minimum at 0)."""
    return 0.05 * w1 * w1 + w2 * w2


RAVINE_FORMULA = "0.05·w₁² + w₂²"
""":func:`ravine`'s formula, as :func:`plot_optimizer_paths` writes it in its title."""
RAVINE_MINIMUM = (0.0, 0.0)
""":func:`ravine`'s minimum, marked by :func:`plot_optimizer_paths`."""


def _default_optimizers() -> dict[str, Callable[[list[Value]], Any]]:
    import nn

    return {
        "SGD (α = 0.1)": lambda p: nn.SGD(p, lr=0.1),
        "momentum (β = 0.9)": lambda p: nn.SGD(p, lr=0.1, momentum=0.9),
        "Nesterov (β = 0.9)": lambda p: nn.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
        "RMSprop": lambda p: nn.RMSprop(p, lr=0.1),
        "Adam": lambda p: nn.Adam(p, lr=0.3),
    }


def plot_optimizer_paths(path: str | Path | None = None, *, loss: Callable[[Any, Any], Any] = ravine,
                         optimizers: Mapping[str, Callable[[list[Value]], Any]] | None = None,
                         start: tuple[float, float] = (-4.0, 1.5), steps: int = 50,
                         extent: tuple[float, float, float, float] = (-4.5, 1.5, -2.0, 2.0),
                         formula: str | None = None, minimum: tuple[float, float] | None = None) -> Figure:
    """Paths of optimizers on a 2-D loss surface (default :func:`ravine`) from ``start``.

    ``optimizers`` maps a name to a factory ``make(params) -> optimizer`` (an ``nn``
    optimizer: ``zero_grad()`` and ``step()``); the default compares SGD, momentum,
    Nesterov, RMSprop and Adam. Each path is ``steps`` steps of
    ``zero_grad(); loss(w₁, w₂).backward(); step()``.

    The title names the function: ``f(w₁, w₂) = formula`` (:data:`RAVINE_FORMULA` for the
    ravine), else the function's name. ``minimum`` is marked with a green cross (the ravine's
    is :data:`RAVINE_MINIMUM`); for another function without one, the lowest point of the
    drawn grid is marked as such.
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"plot_optimizer_paths: steps must be a positive int, got {steps!r}")
    factories = _default_optimizers() if optimizers is None else dict(optimizers)
    x_low, x_high, y_low, y_high = extent
    grid_x = [x_low + (x_high - x_low) * i / 119 for i in range(120)]
    grid_y = [y_low + (y_high - y_low) * j / 119 for j in range(120)]
    surface = [[float(loss(gx, gy)) for gx in grid_x] for gy in grid_y]
    if loss is ravine:
        formula = RAVINE_FORMULA if formula is None else formula
        minimum = RAVINE_MINIMUM if minimum is None else minimum
    name = getattr(loss, "__name__", "f")
    function = f"f(w₁, w₂) = {formula}" if formula else f"{name if name.isidentifier() else 'f'}(w₁, w₂)"
    if minimum is not None:
        marked, marked_label = (float(minimum[0]), float(minimum[1])), WORDS("minimum", w1=f"{minimum[0]:g}", w2=f"{minimum[1]:g}")
    else:
        value, j, i = min((value, j, i) for j, row in enumerate(surface) for i, value in enumerate(row))
        marked = (grid_x[i], grid_y[j])
        marked_label = WORDS("lowest point", w1=f"{marked[0]:.2g}", w2=f"{marked[1]:.2g}", f=f"{value:.2g}")
    figure = Figure(figsize=(8.4, 5.2))
    ax = figure.subplots()
    top = max(max(row) for row in surface)
    levels = sorted({top * (k / 24) ** 2 for k in range(1, 25)})
    ax.contour(grid_x, grid_y, surface, levels=levels, cmap="Greys", linewidths=0.7)
    colours = ["#64748b", "#2563eb", "#7c3aed", "#ea580c", "#dc2626", "#15803d", "#0891b2"]
    for k, (name, make) in enumerate(factories.items()):
        w1, w2 = Value(start[0], "w1"), Value(start[1], "w2")
        optimizer = make([w1, w2])
        trail = [(w1.data, w2.data)]
        for _ in range(steps):
            optimizer.zero_grad()
            loss(w1, w2).backward()
            optimizer.step()
            trail.append((w1.data, w2.data))
        final = float(loss(w1.data, w2.data))
        ax.plot([p[0] for p in trail], [p[1] for p in trail], marker="o", markersize=2.5, linewidth=1.3,
                color=colours[k % len(colours)], label=f"{name}: f = {final:.2g}")
    ax.plot([start[0]], [start[1]], marker="*", markersize=12, color="black", linestyle="none", label=WORDS("start"))
    ax.plot([marked[0]], [marked[1]], marker="X", markersize=11, color="#15803d", markeredgecolor="white",
            linestyle="none", label=marked_label, zorder=5)
    ax.set(xlim=(x_low, x_high), ylim=(y_low, y_high), xlabel="w₁", ylabel="w₂",
           title=WORDS("optimizer paths", function=function, steps=steps))
    ax.legend(fontsize=LEGEND_SIZE, loc="lower right")
    figure.tight_layout()
    return _save(figure, path)
