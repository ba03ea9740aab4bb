"""Math namespaces: what an op's rule may call besides ``+ - * / **`` and comparisons.

Every rule in :mod:`autograd.ops` takes a namespace ``m`` and calls ``m.exp``, ``m.where``...
so that one rule runs on three kinds of number:

* :data:`FLOAT_MATH`: floats, for the forward pass and a plain ``backward()``;
* :data:`VALUE_MATH`: :class:`~autograd.Value` nodes, for ``backward(create_graph=True)``: each
  function builds graph nodes (through the Value's own method), so derivatives can be
  differentiated again. Numbers that a rule passes in (a constant branch of ``where``) are
  computed as floats;
* :func:`array_math`: numpy arrays, elementwise over a batch, for :func:`autograd.compile`
  (numpy is imported on first use: the engine itself does not need it).

A comparison (``x > 0``) gives a bool for floats and Values and a bool array for arrays;
``where(condition, a, b)`` picks between two already computed branches, so a rule must make
both branches safe to compute (see ``elu`` and ``power`` in the table). Equality of Values is
identity, so a rule tests ``m.data(x) == 0`` for a number.
"""

from __future__ import annotations

import math
import operator
from types import SimpleNamespace
from typing import Any, Callable

__all__ = ["FLOAT_MATH", "VALUE_MATH", "array_math"]


def _sigmoid(x: float) -> float:
    """Logistic function without overflow: uses exp of a non-positive number only."""
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    """log(1 + eˣ) = max(x, 0) + log1p(e^-|x|), exact for large |x|."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _sign(x: float) -> float:
    return 1.0 if x > 0.0 else -1.0 if x < 0.0 else 0.0


# The n-ary ops (sum, dot) reduce over their arguments. On numbers the sum runs left to right,
# as Python's sum; on a stack of arrays (one row per argument) it is one numpy call.

def _total(args: Any) -> Any:
    return sum(args[1:], args[0])


def _dot(weights: Any, inputs: Any, start: Any) -> Any:
    return sum(map(operator.mul, weights, inputs), start)


def _ones(args: Any) -> tuple:
    return (1.0,) * len(args)


def _joined(*parts: Any) -> tuple:
    return tuple(item for part in parts for item in part)


FLOAT_MATH = SimpleNamespace(
    exp=math.exp, log=math.log, log1p=math.log1p, expm1=math.expm1, sqrt=math.sqrt,
    sin=math.sin, cos=math.cos, tanh=math.tanh, sigmoid=_sigmoid, softplus=_softplus,
    sign=_sign,
    where=lambda condition, a, b: a if condition else b,
    minimum=min, maximum=max,
    is_integer=lambda x: float(x).is_integer(),
    data=lambda x: x,
    nan=math.nan,
    total=_total, dot=_dot, ones=_ones, joined=_joined,
)
"""The namespace for floats: the forward pass and first-order ``backward()``."""


def _through_method(name: str) -> Callable[[Any], Any]:
    """``f(x)``: the Value's own method ``name`` (a graph node), or the float function for a number."""
    on_float = getattr(FLOAT_MATH, name)

    def function(x: Any) -> Any:
        return on_float(x) if isinstance(x, (int, float)) else getattr(x, name)()

    function.__name__ = name
    return function


VALUE_MATH = SimpleNamespace(
    **{name: _through_method(name) for name in ("exp", "log", "log1p", "sqrt", "sin", "cos", "tanh",
                                               "sigmoid", "softplus")},
    sign=lambda x: _sign(VALUE_MATH.data(x)),  # a constant: the derivative of sign is 0
    where=FLOAT_MATH.where,  # the condition is a bool: Value comparisons compare .data
    is_integer=lambda x: float(VALUE_MATH.data(x)).is_integer(),
    data=lambda x: x if isinstance(x, (int, float)) else x.data,
    nan=math.nan,
    total=_total, dot=_dot, ones=_ones, joined=_joined,
)
"""The namespace for Values: ``backward(create_graph=True)``."""


_ARRAY_MATH: SimpleNamespace | None = None


def array_math() -> SimpleNamespace:
    """The namespace for numpy arrays (elementwise over a batch), made on first use."""
    global _ARRAY_MATH
    if _ARRAY_MATH is None:
        import numpy as np

        def sigmoid(x):
            e = np.exp(-np.abs(x))  # never overflows
            return np.where(x >= 0.0, 1.0 / (1.0 + e), e / (1.0 + e))

        def stacked(*parts):  # every part an array with one row per argument
            return all(isinstance(part, np.ndarray) for part in parts)

        def total(args):
            return np.add.reduce(args, axis=0) if stacked(args) else _total(args)

        def dot(weights, inputs, start):
            if stacked(weights, inputs):
                return np.add.reduce(weights * inputs, axis=0) + start
            return _dot(weights, inputs, start)

        def ones(args):
            return np.ones((len(args),) + (1,) * (args.ndim - 1)) if stacked(args) else _ones(args)

        def joined(*parts):
            if not stacked(*parts):
                return _joined(*parts)
            shape = max((part.shape[1:] for part in parts), key=len)
            return np.concatenate([np.broadcast_to(part, (len(part), *shape)) for part in parts])

        def where(condition, if_true, if_false):
            if type(if_true) is float and type(if_false) is float and (if_true, if_false) == (1.0, 0.0):
                return np.asarray(condition, dtype=np.float64)  # an indicator (relu's derivative): np.where's time / 3
            return np.where(condition, if_true, if_false)

        _ARRAY_MATH = SimpleNamespace(
            exp=np.exp, log=np.log, log1p=np.log1p, expm1=np.expm1, sqrt=np.sqrt,
            sin=np.sin, cos=np.cos, tanh=np.tanh, sigmoid=sigmoid,
            softplus=lambda x: np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x))),
            sign=np.sign, where=where, minimum=np.minimum, maximum=np.maximum,
            is_integer=lambda x: np.floor(x) == x,
            data=lambda x: x,
            nan=math.nan,
            total=total, dot=dot, ones=ones, joined=joined,
        )
    return _ARRAY_MATH
