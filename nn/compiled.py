"""nn on ``autograd.compile``: training steps and predictions replayed as array kernels.

:func:`fit` (``compiled=True``, the default) traces one training step per minibatch shape and
replays it: the graph of ``model(X)``, the loss and the penalties is recorded once, and every
later step with the same shape runs as a few numpy kernels, with the same losses and gradients
as the scalar graph. What the trace would freeze is passed in and out instead:

* the minibatch and its targets are the compiled function's arguments;
* dropout masks are drawn every step (from the layer's own random source, in the order the
  scalar path draws them) and passed in as arguments;
* batch norm's batch means and variances are returned, and the running estimates updated from
  them after each step.

:func:`predict_grid` runs a model over many points (a decision-boundary grid) by tracing one
chunk of points and replaying it chunk after chunk.
"""

from __future__ import annotations

import weakref
from contextlib import ExitStack, contextmanager
from typing import Any, Callable, Iterator, Sequence

import autograd
from autograd import Value

from .layers import MLP, BatchNorm, Dropout, Layer, Maxout, MaxoutUnit, Neuron, Sequential
from .module import Module

__all__ = ["predict_grid", "CompiledTraining", "training_for", "compile_unsupported"]

COMPILED_LOSSES = ("mse", "hinge", "bce_with_logits", "cross_entropy")
"""Losses whose graph does not depend on the numbers it is computed on (binary_cross_entropy
clamps its logs by a Python test on ``.data``, which a trace would freeze). cross_entropy's
targets are passed as one-hot rows (a class index would pick a logit at trace time); the
shift it subtracts before ``exp`` is read at trace time, which changes no value (any shift
gives the same loss) unless the logits later move ~700 away from it (then ``exp`` overflows
and the error says so)."""


def _numpy_missing() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return True
    return False


def compile_unsupported(model: Any, loss_name: str | None) -> str | None:
    """Why a :func:`fit` run cannot be compiled (one line), or ``None`` if it can."""
    if _numpy_missing():
        return "numpy is not installed"
    if not isinstance(model, Module):
        return f"the model is a {type(model).__name__}, not an nn Module"
    if loss_name is None:
        return "the loss is a function of yours, which may branch on .data (a trace would freeze that)"
    if loss_name not in COMPILED_LOSSES:
        return f"the {loss_name} loss branches on .data (only {', '.join(COMPILED_LOSSES)} compile)"
    try:
        dropout_widths(model)
    except TypeError as error:
        return str(error)
    if loss_name == "cross_entropy" and not isinstance(model, Sequential):
        return f"cross_entropy needs the number of classes of a Sequential or MLP, not of a {type(model).__name__}"
    return None


def dropout_widths(model: Module) -> list[tuple[Dropout, int]]:
    """The model's active dropout layers in the order they run, each with its number of
    features; ``TypeError`` when a dropout's width cannot be known before running the model."""
    if not any(isinstance(m, Dropout) and m.p > 0 for m in model.modules()):
        return []
    if not isinstance(model, Sequential):
        raise TypeError(f"dropout inside a {type(model).__name__} (compiled steps need it in a Sequential or MLP)")
    found: list[tuple[Dropout, int]] = []

    def walk(layers: Sequence[Module], width: int | None) -> int | None:
        for layer in layers:
            if isinstance(layer, Layer):
                width = len(layer.neurons)
                dropout = getattr(layer, "dropout", None)
                if dropout is not None and dropout.p > 0:
                    found.append((dropout, width))
            elif isinstance(layer, Maxout):
                width = len(layer.units)
            elif isinstance(layer, BatchNorm):
                width = len(layer.weight)
            elif isinstance(layer, Sequential):
                width = walk(layer.layers, width)
            elif isinstance(layer, Dropout):
                if layer.p > 0:
                    if width is None:
                        raise TypeError("a Dropout first in a Sequential (its width is the input's)")
                    found.append((layer, width))
            else:
                raise TypeError(f"dropout beside a {type(layer).__name__} layer")
        return width

    walk(model.layers, None)
    return found


def _floats(outputs: Any) -> Any:
    """Compiled outputs (one per sample, or a list per sample) as floats."""
    return [out.data if not isinstance(out, list) else [v.data for v in out] for out in outputs]


class CompiledTraining:
    """One compiled training step for :func:`fit`: ``step(Xb, yb)`` returns the objective (call
    ``.backward()`` on it), the data loss's value and the outputs as floats."""

    def __init__(self, model: Module, loss_function: Callable, params: list[Value], l1: float, l2: float) -> None:
        from .losses import cross_entropy, l1_penalty, l2_penalty

        # cross_entropy picks a logit by class index: a trace would freeze which one
        self.classes = _layer_widths(model)[-1] if loss_function is cross_entropy else None
        self.loss_function = loss_function

        # The model is held weakly: trainers are cached per model (training_for) and must not
        # keep it alive. Its layers (dropouts, norms) are held as they are.
        model_ref = weakref.ref(model)
        self.model_ref = model_ref
        self.dropouts = dropout_widths(model)
        self.norms = _batch_norms(model)

        def training_step(X: list, y: list, *masks: list) -> tuple:  # noqa: N803
            with ExitStack() as stack:
                for (dropout, _), mask in zip(self.dropouts, masks):
                    stack.enter_context(dropout.using_masks(mask))
                collected = [stack.enter_context(norm.collecting_statistics()) for norm in self.norms]
                outputs = model_ref()(X)
            data_loss = loss_function(outputs, y)
            objective = data_loss
            if l1:
                objective = objective + l1 * l1_penalty(params)
            if l2:
                objective = objective + l2 * l2_penalty(params)
            statistics = [[(means, variances) for means, variances, _ in calls] for calls in collected]
            return objective, data_loss, outputs, statistics

        self.compiled = autograd.compile(training_step)

        def evaluation(X: list, y: list, *running: list) -> tuple:  # noqa: N803
            with _running_given(self.norms, running):
                outputs = model_ref()(X)
            return loss_function(outputs, y), outputs

        self.evaluation = autograd.compile(evaluation, cache_size=2)

    def check_targets(self, y: list) -> None:
        """Run the loss's own checks on every target once (a trace checks only its first
        minibatch's), on outputs of the right shape."""
        outputs = [[0.0] * self.classes for _ in y] if self.classes is not None else [0.0] * len(y)
        self.loss_function(outputs, y)

    def _targets(self, y: list) -> list:
        """The targets as arguments: one-hot rows for cross_entropy's class indices."""
        if self.classes is None:
            return y
        return [[1.0 if j == t else 0.0 for j in range(self.classes)] for t in y]

    def step(self, X: list, y: list) -> tuple[Any, float, list]:  # noqa: N803
        masks = [dropout.draw_masks(len(X), width) for dropout, width in self.dropouts]
        objective, data_loss, outputs, statistics = self.compiled(X, self._targets(y), *masks)
        for norm, calls in zip(self.norms, statistics):
            for means, variances in calls:
                norm.update_running([v.data for v in means], [v.data for v in variances], len(X))
        return objective, data_loss.data, _floats(outputs)

    def evaluate(self, X: list, y: list) -> tuple[float, list]:  # noqa: N803
        """The loss's value and the outputs (floats) in evaluation mode, without a graph."""
        from .modes import evaluating as _evaluating

        with _evaluating(self.model_ref()):
            loss, outputs = self.evaluation(X, self._targets(y), *_running_arguments(self.norms))
        return loss.data, _floats(outputs)


_TRAINERS: "weakref.WeakKeyDictionary[Module, tuple]" = weakref.WeakKeyDictionary()


def training_for(model: Module, loss_function: Callable, params: list[Value], l1: float, l2: float) -> CompiledTraining:
    """The model's compiled trainer for this loss and these penalties, kept between
    :func:`fit` calls (a playground calling ``fit(epochs=1)`` per frame traces once)."""
    modules = list(model.modules())
    # what a trace freezes besides the graph's shape: which dropouts are on, batch norm's eps
    settings = tuple((m.p > 0) if isinstance(m, Dropout) else m.eps if isinstance(m, BatchNorm) else None
                     for m in modules)
    key = (loss_function, l1, l2, tuple(map(id, params)), tuple(map(id, modules)), settings)
    cached = _TRAINERS.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    trainer = CompiledTraining(model, loss_function, params, l1, l2)
    _TRAINERS[model] = (key, trainer)
    return trainer


# -- predictions over many points ----------------------------------------------------------------

_PREDICTORS: "weakref.WeakKeyDictionary[Module, dict]" = weakref.WeakKeyDictionary()

GRID_CHUNK = 256
"""How many points :func:`predict_grid` traces at once (and then replays per chunk)."""


def _running_arguments(norms: list[BatchNorm]) -> list:
    """Batch norm's evaluation constants, as arguments of a compiled function: read fresh on
    every call, where a trace would freeze them."""
    return [list(norm.evaluation_constants()) for norm in norms]


@contextmanager
def _running_given(norms: list[BatchNorm], running: Sequence) -> Iterator[None]:
    with ExitStack() as stack:
        for norm, (means, inverse_stds) in zip(norms, running):
            stack.enter_context(norm.using_running(means, inverse_stds))
        yield


def predict_grid(model: Module, points: Any, *, per_layer: bool = False, chunk: int = GRID_CHUNK) -> Any:
    """The model's outputs at many points, in evaluation mode, as a numpy array of shape
    ``(len(points), outputs)``, without building a scalar graph per point: one chunk of points
    is traced once (per model, kept while the model lives) and replayed for every chunk.

    ``per_layer=True`` returns a list with one array per layer of a ``Sequential`` / ``MLP``
    instead, each ``(len(points), width)``: every neuron's output (after its activation), as
    the heatmaps of a playground show. Parameters are read fresh on every call, so this can
    follow a model while it trains; so are batch norm's running estimates.
    """
    import numpy as np

    from .modes import evaluating as _evaluating

    if not isinstance(model, Module):
        raise TypeError(f"predict_grid: expected an nn Module, got {type(model).__name__}")
    if per_layer and not isinstance(model, Sequential):
        raise TypeError(f"predict_grid(per_layer=True) needs a Sequential or MLP, got {type(model).__name__}")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise ValueError(f"predict_grid(chunk) must be a positive int, got {chunk!r}")
    X = np.asarray(points, dtype=np.float64)  # noqa: N806
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"predict_grid: points must be a non-empty list of samples (rows), got shape {X.shape}")
    size = min(chunk, len(X))
    key = (per_layer, size, X.shape[1])
    predictors = _PREDICTORS.setdefault(model, {})
    compiled = predictors.get(key)
    if compiled is None:
        predictors.clear()  # only the newest trace of a model is kept
        compiled = predictors[key] = autograd.compile(_traced_outputs(weakref.ref(model), per_layer), cache_size=1)
    pieces = []
    running = _running_arguments(_batch_norms(model))
    with _evaluating(model):
        for start in range(0, len(X), size):
            block = X[start:start + size]
            if len(block) < size:  # the same traced shape: pad, then drop the padding
                block = np.concatenate([block, np.zeros((size - len(block), X.shape[1]))])
            flat = compiled.forward_array(block, *running)
            pieces.append(flat.reshape(size, -1) if not per_layer else flat)
    if not per_layer:
        return np.concatenate(pieces)[:len(X)]
    widths = _layer_widths(model)
    layers = []
    offset = 0
    for width in widths:  # each chunk's output is layer 1 (size × w1), then layer 2, ...
        layers.append(np.concatenate([p[offset:offset + size * width].reshape(size, width) for p in pieces])[:len(X)])
        offset += size * width
    return layers


def _batch_norms(model: Any) -> list:
    """The model's BatchNorm layers, in order: their running statistics are the compiled graph's
    extra arguments."""
    return [m for m in model.modules() if isinstance(m, BatchNorm)]


COMPILED_PREDICT_MIN = 512
""":func:`nn.predict` compiles from this many samples on (below, the scalar graph is as fast)."""

_TRACEABLE = (Sequential, Layer, Maxout, MaxoutUnit, Neuron, Dropout, BatchNorm)


def compiled_inference_supported(model: Any) -> bool:
    """True for a ``Sequential`` / ``MLP`` made only of nn's own layers (whose evaluation-mode
    graph never branches on ``.data`` in Python), when numpy is installed."""
    return (isinstance(model, Sequential) and all(type(m) in _TRACEABLE or type(m) is MLP for m in model.modules())
            and not _numpy_missing())


def predict_rows(model: Sequential, X: Sequence) -> list:  # noqa: N803
    """:func:`predict_grid`'s outputs as :func:`nn.predict` gives them: one float per sample
    for a one-output network, else a list per sample."""
    outputs = predict_grid(model, X)
    if model.unwrap_single and outputs.shape[1] == 1:
        return outputs[:, 0].tolist()
    return outputs.tolist()


def _traced_outputs(model_ref: Callable, per_layer: bool) -> Callable:
    """The function to compile: the model's outputs per sample, or every layer's (the model is
    held weakly, so that the cache of predictors does not keep it alive)."""
    def outputs(rows: list, *running: list) -> list:
        model = model_ref()
        with _running_given(_batch_norms(model), running):
            if not per_layer:
                return [out if isinstance(out, list) else [out] for out in model(rows)]
            layers, batch = [], rows
            for layer in model.layers:
                batch = layer.forward_rows(batch)
                layers.append(batch)
            return layers
    return outputs


def _layer_widths(model: Sequential) -> list[int]:
    widths, width = [], None
    for layer in model.layers:
        if isinstance(layer, Layer):
            width = len(layer.neurons)
        elif isinstance(layer, Maxout):
            width = len(layer.units)
        elif isinstance(layer, BatchNorm):
            width = len(layer.weight)
        elif isinstance(layer, Sequential):
            width = _layer_widths(layer)[-1]
        widths.append(width)
    return widths
