"""Loss functions and regularization penalties, as ``Value`` graphs.

Each loss takes the model's outputs for a minibatch (a list of Values, or one Value for one
sample) and the targets (numbers), and returns the mean over the samples (``reduction="sum"``
for the sum), as PyTorch does. The lecture's regularized objective is
``L(W) = Σᵢ Lᵢ(W) + λ R(W)``: ``loss + lam * l2_penalty(model.parameters())``.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import functools

from autograd import Value, data_of, dot
from autograd import sum as value_sum
from autograd.tracing import (PerSampleCode, Samples, check_on_every_call, detach, each_sample, is_tracing,
                              mean_over_samples, sum_over_samples)

from ._checks import as_number, as_value

__all__ = ["mse", "binary_cross_entropy", "bce_with_logits", "hinge", "cross_entropy",
           "l1_penalty", "l2_penalty", "LOSSES"]

_LOG_FLOOR = -100.0  # PyTorch clamps log(p) in binary_cross_entropy to at least -100
_SMALLEST_P = math.exp(_LOG_FLOOR)


def _pairs(name: str, outputs: Any, targets: Any) -> tuple[Any, Any]:
    """Outputs (one Value per sample) and targets, as two equally long lists (one sample may be
    given bare), or inside ``autograd.compile`` as two :class:`~autograd.tracing.Samples`."""
    if isinstance(outputs, Samples) or isinstance(targets, Samples):
        if not (isinstance(outputs, Samples) and isinstance(targets, Samples)):
            raise PerSampleCode(f"{name}: a minibatch's outputs with targets that are a plain list")
        return (each_sample(lambda out: as_value(_one(name, out, "?"), f"{name}: outputs"), outputs),
                each_sample(lambda t: _one(name, t, "?", "targets"), targets))
    if isinstance(outputs, (Value, numbers.Real)):
        outputs = [outputs]
    if isinstance(targets, (Value, numbers.Real)):
        targets = [targets]
    outputs, targets = list(outputs), list(targets)
    if len(outputs) != len(targets):
        raise ValueError(f"{name}: {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError(f"{name}: no outputs (an empty minibatch)")
    values = [as_value(_one(name, out, i), f"{name}: outputs[{i}]") for i, out in enumerate(outputs)]
    # A target given as a Value stays one (autograd.compile passes targets as inputs).
    return values, [t if isinstance(t, Value) else as_number(t, f"{name}: targets[{i}]") for i, t in enumerate(targets)]


def _one(name: str, out: Any, i: Any, what: str = "outputs") -> Any:
    """A sample's single output (a list of one is unwrapped); ``TypeError`` for several."""
    if isinstance(out, (list, tuple)) and len(out) == 1:
        out = out[0]
    if isinstance(out, (list, tuple)):
        raise TypeError(f"{name}: {what}[{i}] must be a Value (one output per sample), "
                        f"got {type(out).__name__}: {out!r}")
    return out


def _reduce(name: str, losses: Any, reduction: str) -> Value:
    if reduction == "mean":
        return mean_over_samples(losses)
    if reduction == "sum":
        return sum_over_samples(losses)
    raise ValueError(f"{name}: unknown reduction {reduction!r} (must be 'mean' or 'sum')")


def _check_targets(name: str, targets: Any, ok: Any, accepted: str, error: type = ValueError) -> None:
    """Every target must pass ``ok`` (on a number, or an array in a compiled program); the
    first that does not raises naming it."""
    check_on_every_call(targets, ok, lambda i, y: f"{name}: targets[{i}] = {y!r} {accepted}", error)


def mse(outputs: Any, targets: Any, reduction: str = "mean") -> Value:
    """Mean squared error ``mean((ŷ - y)²)``."""
    values, ys = _pairs("mse", outputs, targets)
    return _reduce("mse", each_sample(lambda v, y: (v - y) ** 2, values, ys), reduction)


def _clamped_log(p: Value) -> Value:
    # log p, clamped at -100 as PyTorch does (a constant there: no gradient through it).
    return p.log() if p.data > _SMALLEST_P else Value(_LOG_FLOOR)


def binary_cross_entropy(probabilities: Any, targets: Any, reduction: str = "mean") -> Value:
    """The lecture's binary cross entropy ``-[y log ŷ + (1 - y) log(1 - ŷ)]`` on probabilities
    ŷ ∈ [0, 1] (e.g. a sigmoid output), each log clamped at -100 as PyTorch does.

    Targets in [0, 1]; a term whose coefficient is 0 is left out of the graph.

    The loss values are PyTorch's everywhere; the gradients differ from PyTorch's near 0 and
    1. Where ``ŷ(1 - ŷ) ≥ 1e-12`` both are ``∂L/∂ŷ = (ŷ - y) / (ŷ(1 - ŷ))``. Beyond that
    PyTorch divides by 1e-12 instead (its gradient stays near ``(ŷ - y)·10¹²``), while here
    the gradient is the exact derivative of the graph: ``(ŷ - y) / (ŷ(1 - ŷ))`` until a log
    is clamped (``ŷ < e⁻¹⁰⁰ ≈ 3.7e-44``, or the same distance below 1), and there that term
    is the constant -100, with gradient 0. The exact derivative keeps the gradient through a
    sigmoid right (``∂L/∂z = σ(z) - y``, e.g. -1 at z = -40 with y = 1) where PyTorch's
    becomes about -4e-6. For outputs that may saturate, ``bce_with_logits`` is better still.
    """
    if isinstance(probabilities, Samples) or isinstance(targets, Samples):  # it branches on each sample's number
        raise PerSampleCode("binary_cross_entropy clamps its logs by each sample's number")
    values, ys = _pairs("binary_cross_entropy", probabilities, targets)
    losses = []
    for i, (p, y) in enumerate(zip(values, ys)):
        if not 0.0 <= p.data <= 1.0:
            raise ValueError(f"binary_cross_entropy: outputs[{i}] = {p.data!r} is not a probability in [0, 1] "
                             f"(apply sigmoid first, or use bce_with_logits)")
        if not 0.0 <= y <= 1.0:
            raise ValueError(f"binary_cross_entropy: targets[{i}] = {y!r} must be in [0, 1]")
        terms = []
        if y != 0.0:
            terms.append(_clamped_log(p) * y)
        if y != 1.0:
            terms.append(_clamped_log(1.0 - p) * (1.0 - y))
        losses.append(-(terms[0] if len(terms) == 1 else terms[0] + terms[1]))
    return _reduce("binary_cross_entropy", losses, reduction)


def bce_with_logits(logits: Any, targets: Any, reduction: str = "mean") -> Value:
    """Binary cross entropy on logits z (before the sigmoid), stable for any z:
    ``softplus(z) - y·z`` = ``-[y log σ(z) + (1 - y) log(1 - σ(z))]``."""
    values, ys = _pairs("bce_with_logits", logits, targets)
    _check_targets("bce_with_logits", ys, lambda y: (0.0 <= y) & (y <= 1.0), "must be in [0, 1]")
    return _reduce("bce_with_logits", each_sample(lambda z, y: z.softplus() - z * y if isinstance(y, Value) or y
                                                  else z.softplus(), values, ys), reduction)


def hinge(scores: Any, targets: Any, reduction: str = "mean") -> Value:
    """micrograd's max-margin loss ``max(0, 1 - y·s)`` for targets y ∈ {-1, +1}."""
    values, ys = _pairs("hinge", scores, targets)
    _check_targets("hinge", ys, lambda y: (y == -1.0) | (y == 1.0),
                   "must be -1 or +1 (from 0/1 labels use 2*y - 1)")
    return _reduce("hinge", each_sample(lambda s, y: (1 + -y * s).relu(), values, ys), reduction)


def cross_entropy(logits: Any, targets: Any, reduction: str = "mean") -> Value:
    """Softmax cross entropy for several classes: ``log Σⱼ e^{zⱼ} - z_y`` per sample, with the
    largest logit subtracted first so nothing overflows.

    ``logits``: one list of class scores per sample (or one list for one sample); ``targets``:
    class indices, or (as PyTorch accepts) one list of class probabilities per sample, giving
    ``Σⱼ tⱼ·(log Σₖ e^{zₖ} - zⱼ)`` (for a one-hot list, the same number as its class index).
    """
    if isinstance(logits, Samples) or isinstance(targets, Samples):
        if not (isinstance(logits, Samples) and isinstance(targets, Samples)):
            raise PerSampleCode("cross_entropy: a minibatch's logits with targets that are a plain list")
        classes = _class_count(logits.sample, "?")
        probabilities = isinstance(targets.sample, (list, tuple))
        if probabilities and len(targets.sample) == 1 and classes != 1:  # (N, 1) class indices
            targets = each_sample(lambda t: t[0], targets)
            probabilities = False
        _check_cross_entropy_targets(targets, classes, probabilities)
        return _reduce("cross_entropy", each_sample(lambda row, t: _cross_entropy_one(row, t, probabilities),
                                                    logits, targets), reduction)
    logits = list(logits)
    one_sample = bool(logits) and isinstance(logits[0], (Value, numbers.Real))
    if one_sample:  # one sample: a list of class scores
        logits = [logits]
    targets = [targets] if isinstance(targets, numbers.Integral) else list(targets)
    if len(logits) != len(targets):
        hint = (f" (a flat list of {len(logits[0])} scores is one sample's class scores; for a minibatch give one "
                f"list per sample, from a model with one output per class)") if one_sample else ""
        raise ValueError(f"cross_entropy: {len(logits)} samples of logits but {len(targets)} targets{hint}")
    if not logits:
        raise ValueError("cross_entropy: no outputs (an empty minibatch)")
    losses = []
    for i, (row, target) in enumerate(zip(logits, targets)):
        classes = _class_count(row, i)
        probabilities = isinstance(target, (list, tuple))
        if probabilities:
            if len(target) != classes or not all(0.0 <= data_of(t) <= 1.0 for t in target):
                raise ValueError(f"cross_entropy: targets[{i}] = {target!r} must be {classes} class probabilities "
                                 f"in [0, 1] (or a class index)")
        elif isinstance(target, Value):  # a class index given as a Value (autograd.compile passes targets so)
            _check_cross_entropy_targets([target], classes, False, first=i)
        elif isinstance(target, bool) or not isinstance(target, numbers.Integral) or not 0 <= target < classes:
            raise ValueError(f"cross_entropy: targets[{i}] = {target!r} must be a class index in 0..{classes - 1}")
        row = [as_value(z, f"cross_entropy: logits[{i}][{j}]") for j, z in enumerate(row)]
        losses.append(_cross_entropy_one(row, target, probabilities))
    return _reduce("cross_entropy", losses, reduction)


def _class_count(row: Any, i: Any) -> int:
    if isinstance(row, Value) or not isinstance(row, (list, tuple)) or len(row) < 2:
        raise TypeError(f"cross_entropy: logits[{i}] must be a list of at least 2 class scores, got {row!r}")
    return len(row)


def _check_cross_entropy_targets(targets: Any, classes: int, probabilities: bool, first: int = 0) -> None:
    if probabilities:
        rows = targets.sample if isinstance(targets, Samples) else targets
        if len(rows) != classes:
            raise ValueError(f"cross_entropy: targets must be {classes} class probabilities per sample, got {len(rows)}")
        for j in range(classes):
            column = each_sample(lambda t, j=j: t[j], targets) if isinstance(targets, Samples) else [rows[j]]
            check_on_every_call(column, lambda t: (0.0 <= t) & (t <= 1.0),
                                lambda i, t, j=j: f"cross_entropy: targets[{i}][{j}] = {t!r} must be a class "
                                                  f"probability in [0, 1]")
        return
    check_on_every_call(targets, lambda t: (0.0 <= t) & (t < classes) & (t == t // 1),
                        lambda i, t: f"cross_entropy: targets[{i + first}] = {t!r} must be a class index in "
                                     f"0..{classes - 1}")


def _cross_entropy_one(row: list, target: Any, probabilities: bool) -> Value:
    """One sample's loss: ``log Σⱼ e^{zⱼ - s} + s - z_y`` with the shift ``s`` the largest logit."""
    shift = _largest(row)
    log_sum_exp = value_sum([(z - shift).exp() for z in row]).log() + shift
    if probabilities:
        return dot(list(target), [log_sum_exp - z for z in row])
    if isinstance(target, Value):  # a class index that changes from call to call: pick z_y arithmetically
        return log_sum_exp - dot([(1.0 - abs(target - j)).relu() for j in range(len(row))], row)
    return log_sum_exp - row[int(target)]


def _largest(row: list) -> Any:
    """The largest logit, as a constant (any shift gives the same loss; this one cannot overflow).
    In a compiled trace it is recomputed from the logits on every call."""
    if is_tracing():
        return detach(functools.reduce(Value.max, row))
    return max(z.data for z in row)


def _parameters(name: str, params: Any) -> list[Value]:
    if isinstance(params, Value):
        return [params]
    params = list(params)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"{name}: params[{i}] must be a Value, got {type(p).__name__}: {p!r}")
    return params


def l1_penalty(params: Any) -> Value:
    """L1 regularization ``R(W) = Σ |w|`` over the given parameters."""
    return value_sum([abs(p) for p in _parameters("l1_penalty", params)])


def l2_penalty(params: Any) -> Value:
    """L2 regularization ``R(W) = Σ w²`` over the given parameters (one ``dot`` node)."""
    params = _parameters("l2_penalty", params)
    return dot(params, params)


LOSSES = {
    "mse": mse,
    "binary_cross_entropy": binary_cross_entropy,
    "bce": binary_cross_entropy,
    "bce_with_logits": bce_with_logits,
    "hinge": hinge,
    "cross_entropy": cross_entropy,
}
"""Loss functions by name (what ``fit(loss=...)`` accepts besides a function)."""
