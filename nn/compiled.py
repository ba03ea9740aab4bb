"""nn on ``autograd.compile``: training steps and predictions replayed as array kernels.

:func:`fit` (``compiled=True``, the default) compiles one training step: the model's outputs
for a minibatch, the loss and the penalties. ``nn``'s layers and losses tell the trace that the
minibatch is one axis (``autograd.tracing``), so the step is traced once, one sample's worth of
graph, and replayed for every minibatch whatever its size. What a trace would freeze is said
in the layers themselves: dropout's masks are drawn again on every call, batch norm's running
estimates are read on every call in evaluation mode and updated after every training step,
and the loss's targets are checked on every call.

A model is compiled only when the compiler can replay it exactly: one made of ``nn``'s own
modules, with one of :data:`COMPILED_LOSSES`. A module or loss of your own may decide things in
Python from ``.data`` (a trace would freeze them), so :func:`fit` trains it on the scalar graph
after a one-line warning, unless you pass ``compiled=True`` (then it is compiled as it is, and
what it decides in Python while tracing holds for every step).

:func:`predict_grid` runs a model over many points (a decision-boundary grid) in one call.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Sequence

import autograd
from autograd import Value
from autograd.tracing import guard

from .layers import MLP, BatchNorm, Dropout, Layer, Maxout, MaxoutUnit, Neuron, Sequential
from .losses import l1_penalty, l2_penalty
from .modes import evaluating
from .module import Module, structure_key

__all__ = ["predict_grid", "CompiledTraining", "training_for", "compile_unsupported", "COMPILED_LOSSES"]

COMPILED_LOSSES = ("mse", "hinge", "bce_with_logits", "cross_entropy")
"""Losses whose graph does not depend on the numbers it is computed on (binary_cross_entropy
clamps its logs by a Python test on each ``.data``, which a trace would freeze)."""

_NN_MODULES = (Sequential, MLP, Layer, Maxout, MaxoutUnit, Neuron, Dropout, BatchNorm)
"""The modules whose graphs a trace replays exactly (nothing in them branches on ``.data``)."""


def _own_modules_only(model: Any) -> bool:
    return isinstance(model, Module) and all(type(m) in _NN_MODULES for m in model.modules())


def compile_unsupported(model: Any, loss: Any, explicit: bool = False) -> str | None:
    """Why a :func:`fit` run is not compiled (one line), or ``None`` if it is. With ``explicit``
    (``fit(compiled=True)``), a model or loss function of the user's is compiled as it is."""
    loss_name = loss if isinstance(loss, str) else None
    if not isinstance(model, Module):
        return f"the model is a {type(model).__name__}, not an nn Module"
    if loss_name is not None and loss_name not in COMPILED_LOSSES:
        return f"the {loss_name} loss branches on .data (only {', '.join(COMPILED_LOSSES)} compile)"
    if explicit:
        return None
    if loss_name is None:
        return "the loss is a function of yours, which may branch on .data (a trace would freeze that)"
    if not _own_modules_only(model):
        kinds = sorted({type(m).__name__ for m in model.modules() if type(m) not in _NN_MODULES})
        return (f"the model has modules of your own ({', '.join(kinds)}), which may branch on .data (a trace "
                f"would freeze that); fit(compiled=True) compiles them anyway")
    return None


class CompiledTraining:
    """One compiled training step for :func:`fit`: ``step(Xb, yb)`` returns the objective (call
    ``.backward()`` on it), the data loss's value and the outputs (a float, or a list of
    floats, per sample); ``evaluate(X, y)`` the loss and outputs in evaluation mode."""

    def __init__(self, model: Module, loss_function: Callable, params: list[Value], l1: float, l2: float) -> None:
        # The model is held weakly: trainers are kept per model (training_for) and must not
        # keep it alive.
        model_ref = weakref.ref(model)
        self.model_ref = model_ref
        self.loss_function = loss_function

        def training_step(X: Any, y: Any) -> tuple:  # noqa: N803
            outputs = model_ref()(X)
            data_loss = loss_function(outputs, y)
            objective = data_loss
            if l1:
                objective = objective + l1 * l1_penalty(params)
            if l2:
                objective = objective + l2 * l2_penalty(params)
            return objective, data_loss, outputs

        def evaluation(X: Any, y: Any) -> tuple:  # noqa: N803
            outputs = model_ref()(X)
            return loss_function(outputs, y), outputs

        self.compiled = autograd.compile(training_step)
        self.evaluation = autograd.compile(evaluation)

    def step(self, X: Sequence, y: Sequence) -> tuple[Any, float, Any]:  # noqa: N803
        objective, data_loss, outputs = self.compiled.with_arrays(X, y)
        return objective, data_loss.data, _outputs(outputs)

    def evaluate(self, X: Sequence, y: Sequence) -> tuple[float, Any]:  # noqa: N803
        """The loss's value and the outputs in evaluation mode, without a graph."""

        with evaluating(self.model_ref()):
            loss, outputs = self.evaluation.outputs(X, y)
        return loss, _outputs(outputs)


def _outputs(outputs: Any) -> Any:
    """A minibatch's outputs as fit reads them: a numpy array with a row (or a number) per
    sample, from a program with the batch as an axis; else a float, or a list of floats, per
    sample (CompiledValues from one traced sample by sample, where a model of the user's loops
    over the samples itself)."""
    if hasattr(outputs, "tolist"):
        return outputs
    return [out.data if not isinstance(out, list) else [v.data for v in out] for out in outputs]


def binary_right(outputs: Any, targets: Sequence, loss: str) -> int | None:
    """How many of a minibatch's outputs (an array: one number, or one row of one number, per
    sample) are on the right side for a binary loss, read as :func:`nn.accuracy` reads them
    (a logit > 0 is class 1 for ``bce_with_logits`` and ``hinge``, a probability > 0.5 for
    ``binary_cross_entropy``); None for other losses and shapes."""
    import numpy as np

    if loss not in ("bce_with_logits", "hinge", "binary_cross_entropy", "bce") or outputs.size != len(outputs):
        return None
    threshold, positive = (0.5, 0.5) if loss in ("binary_cross_entropy", "bce") else (
        0.0, 0.5 if loss == "bce_with_logits" else 0.0)
    labels = np.asarray(targets, dtype=float)
    return int(np.count_nonzero((outputs.reshape(-1) > threshold) == (labels > positive)))


_TRAINERS: "weakref.WeakKeyDictionary[Module, tuple]" = weakref.WeakKeyDictionary()


def training_for(model: Module, loss_function: Callable, params: list[Value], l1: float, l2: float) -> CompiledTraining:
    """The model's compiled trainer for this loss and these penalties, kept between
    :func:`fit` calls (a playground calling ``fit(epochs=1)`` per frame traces once)."""
    key = (loss_function, l1, l2, tuple(map(id, params)))
    cached = _TRAINERS.get(model)
    if cached is not None and cached[0] == key:
        return cached[1]
    trainer = CompiledTraining(model, loss_function, params, l1, l2)
    _TRAINERS[model] = (key, trainer)
    return trainer


# -- predictions over many points ----------------------------------------------------------------

_PREDICTORS: "weakref.WeakKeyDictionary[Module, dict]" = weakref.WeakKeyDictionary()
_PREDICTORS_LOCK = threading.Lock()


def predict_grid(model: Module, points: Any, *, per_layer: bool = False) -> Any:
    """The model's outputs at many points, in evaluation mode, as a numpy array of shape
    ``(len(points), outputs)``, without building a scalar graph per point: the model is traced
    once (kept while it lives) and run on every point at once.

    ``per_layer=True`` returns a list with one array per layer of a ``Sequential`` / ``MLP``
    instead, each ``(len(points), width)``: every neuron's output (after its activation), as
    the heatmaps of a playground show. Parameters and batch norm's running estimates are read
    on every call, so this can follow a model while it trains. From another thread, take turns
    with the training steps (the playground holds one lock for both): while this runs the model
    is in evaluation mode, so a step taken meanwhile would train without dropout and with batch
    norm's running estimates. Predictions from several threads at once take turns by themselves.
    """
    import numpy as np

    if not isinstance(model, Module):
        raise TypeError(f"predict_grid: expected an nn Module, got {type(model).__name__}")
    if per_layer and not isinstance(model, Sequential):
        raise TypeError(f"predict_grid(per_layer=True) needs a Sequential or MLP, got {type(model).__name__}")
    X = np.asarray(points, dtype=np.float64)  # noqa: N806
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"predict_grid: points must be a non-empty list of samples (rows), got shape {X.shape}")
    with _PREDICTORS_LOCK:
        predictors = _PREDICTORS.setdefault(model, {})
        compiled = predictors.get(per_layer)
        if compiled is None:
            compiled = predictors[per_layer] = autograd.compile(_traced_outputs(weakref.ref(model), per_layer))
    with evaluating(model):
        result = compiled.outputs(X)
    if not per_layer:
        return result.reshape(len(X), -1)
    return [layer.reshape(len(X), -1) for layer in result]


def _traced_outputs(model_ref: Callable, per_layer: bool) -> Callable:
    """The function to compile: the model's outputs per sample, or every layer's (the model is
    held weakly, so that the cache of predictors does not keep it alive)."""
    def outputs(rows: Any) -> Any:
        model = model_ref()
        if not per_layer:
            return model(rows)
        # the layers are run one by one, not through model(rows), which would guard the trace
        # with the model's structure: guard it here, so a changed setting or layer traces again
        guard(lambda: structure_key(model_ref()) if model_ref() is not None else None)
        layers, batch = [], rows
        for layer in model.layers:
            batch = layer.forward_rows(batch)
            layers.append(batch)
        return layers
    return outputs


COMPILED_PREDICT_MIN = 512
""":func:`nn.predict` compiles from this many samples on (below, the scalar graph is as fast)."""


def compiled_inference_supported(model: Any) -> bool:
    """True for a ``Sequential`` / ``MLP`` made only of nn's own layers (whose evaluation-mode
    graph never branches on ``.data`` in Python)."""
    return isinstance(model, Sequential) and _own_modules_only(model)


def predict_rows(model: Sequential, X: Sequence) -> list:  # noqa: N803
    """:func:`predict_grid`'s outputs as :func:`nn.predict` gives them: one float per sample
    for a one-output network, else a list per sample."""
    outputs = predict_grid(model, X)
    if model.unwrap_single and outputs.shape[1] == 1:
        return outputs[:, 0].tolist()
    return outputs.tolist()
