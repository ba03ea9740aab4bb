"""The op table: every operation the engine knows, each defined in exactly one place.

An :class:`Op` record holds an op's name, the symbol drawn for it, its forward function on
floats and its local derivatives. The derivative rules are written with ordinary arithmetic
and a small math namespace ``m`` so that one rule serves twice:

* with floats (``m = FLOAT_MATH``) for a fast first-order ``backward()``;
* with :class:`~autograd.Value` nodes (``m = VALUE_MATH``) for ``backward(create_graph=True)``,
  where the gradient is itself a graph that can be differentiated again.

Rule signatures::

    forward(args, param)              -> float
    local_grads(args, out, param, m)  -> one local derivative ∂out/∂argᵢ per argument

``args`` are the op's inputs in order, ``out`` its output and ``param`` the constant that
configures it (an exponent, a slope, ...) or ``None``. Adding an op means adding one entry to
``_TABLE`` (plus its test); the engine's chain rule and traversal never change.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable

__all__ = ["Op", "OPS", "FLOAT_MATH", "op_named"]


@dataclass(frozen=True, eq=False)
class Op:
    """One primitive operation: its forward function and its local derivatives."""

    name: str
    """Identifier, also the ``Value`` method name where there is one (``"mul"``, ``"relu"``)."""
    symbol: str
    """What a drawing shows for the op node; ``{param}`` is replaced by the op's constant."""
    arity: int | None
    """Number of inputs, or ``None`` for n-ary ops (``sum``, ``dot``)."""
    forward: Callable[[tuple, Any], float]
    local_grads: Callable[[tuple, Any, Any, Any], tuple]
    rule: str
    """The math of the op and its derivatives, one line, for people."""
    domain: str = ""
    """Where the op is defined, quoted in domain errors (empty: all finite reals)."""

    def describe(self, param: Any = None) -> str:
        """The op's symbol with its constant filled in, e.g. ``**2`` or ``leaky_relu(0.1)``."""
        return self.symbol.format(param=_format_number(param)) if "{" in self.symbol else self.symbol

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __reduce__(self):
        # Ops are module-level singletons: pickle them by name so graphs can be pickled.
        return (op_named, (self.name,))


def _format_number(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


# --------------------------------------------------------------------------------------------
# Math namespaces: what a derivative rule may call besides + - * / and **.
# --------------------------------------------------------------------------------------------

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


FLOAT_MATH = SimpleNamespace(
    exp=math.exp,
    log=math.log,
    sin=math.sin,
    cos=math.cos,
    sigmoid=_sigmoid,
    sign=_sign,
    data=float,
)
"""The math namespace for rules evaluated on floats (first-order backward)."""


# --------------------------------------------------------------------------------------------
# Forward functions that need more than one expression.
# --------------------------------------------------------------------------------------------

def _pow_const(args: tuple, exponent: float) -> float:
    base = args[0]
    if base < 0.0 and not float(exponent).is_integer():
        raise ValueError("a negative base needs an integer exponent (the result would be complex)")
    return base ** exponent


def _pow(args: tuple, _param: None) -> float:
    base, exponent = args
    if base < 0.0 and not exponent.is_integer():
        raise ValueError("a negative base needs an integer exponent (the result would be complex)")
    return base ** exponent


def _pow_local_grads(args: tuple, out: Any, _param: None, m: Any) -> tuple:
    base, exponent = args
    # ∂/∂base = y·x^(y-1);  ∂/∂exponent = xʸ·log x, taken as 0 at x = 0 (as PyTorch does)
    # and undefined (NaN) for x < 0.
    b = m.data(base)
    d_exponent = out * m.log(base) if b > 0.0 else 0.0 if b == 0.0 else math.nan
    d_base = exponent * base ** (exponent - 1.0) if m.data(exponent) != 0.0 else 0.0
    return (d_base, d_exponent)


def _log(args: tuple, _param: None) -> float:
    if args[0] <= 0.0:
        raise ValueError("math domain error")
    return math.log(args[0])


def _sqrt(args: tuple, _param: None) -> float:
    if args[0] < 0.0:
        raise ValueError("math domain error")
    return math.sqrt(args[0])


def _div(args: tuple, _param: None) -> float:
    if args[1] == 0.0:
        raise ZeroDivisionError("division by zero")
    return args[0] / args[1]


def _elu(args: tuple, alpha: float) -> float:
    x = args[0]
    return x if x > 0.0 else alpha * math.expm1(x)


def _dot(args: tuple, n: int) -> float:
    # args = (w₁..wₙ, x₁..xₙ[, b])
    bias = args[2 * n] if len(args) > 2 * n else 0.0
    return sum(map(operator.mul, args, args[n:2 * n]), bias)  # map stops after the n pairs


def _dot_local_grads(args: tuple, _out: Any, n: int, _m: Any) -> tuple:
    # ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1
    return args[n:2 * n] + args[:n] + (1.0,) * (len(args) - 2 * n)


def _max(args: tuple, _param: None) -> float:
    return args[0] if args[0] >= args[1] else args[1]


def _min(args: tuple, _param: None) -> float:
    return args[0] if args[0] <= args[1] else args[1]


def _max_local_grads(args: tuple, _out: Any, _param: None, m: Any) -> tuple:
    # 1 to the larger input; a tie splits the gradient in halves, as torch.maximum does.
    a, b = m.data(args[0]), m.data(args[1])
    return (1.0, 0.0) if a > b else (0.0, 1.0) if b > a else (0.5, 0.5)


def _min_local_grads(args: tuple, _out: Any, _param: None, m: Any) -> tuple:
    a, b = m.data(args[0]), m.data(args[1])
    return (1.0, 0.0) if a < b else (0.0, 1.0) if b < a else (0.5, 0.5)


# --------------------------------------------------------------------------------------------
# The table.  One entry per op: forward on floats, local derivatives for floats and Values.
# --------------------------------------------------------------------------------------------

_TABLE = [
    Op("add", "+", 2, lambda a, p: a[0] + a[1],
       lambda a, out, p, m: (1.0, 1.0),
       "a + b;  ∂/∂a = 1,  ∂/∂b = 1"),
    Op("sub", "-", 2, lambda a, p: a[0] - a[1],
       lambda a, out, p, m: (1.0, -1.0),
       "a - b;  ∂/∂a = 1,  ∂/∂b = -1"),
    Op("mul", "*", 2, lambda a, p: a[0] * a[1],
       lambda a, out, p, m: (a[1], a[0]),
       "a·b;  ∂/∂a = b,  ∂/∂b = a"),
    Op("div", "/", 2, _div,
       lambda a, out, p, m: (1.0 / a[1], -out / a[1]),
       "a / b;  ∂/∂a = 1/b,  ∂/∂b = -a/b²", domain="b ≠ 0"),
    Op("neg", "-", 1, lambda a, p: -a[0],
       lambda a, out, p, m: (-1.0,),
       "-x;  d/dx = -1"),
    Op("pow", "**{param}", 1, _pow_const,
       lambda a, out, c, m: (c * a[0] ** (c - 1.0) if c != 0 else 0.0,),
       "xᶜ for a constant c;  d/dx = c·xᶜ⁻¹ (0 for c = 0)",
       domain="x ≠ 0 when c < 0, and x ≥ 0 when c is not an integer"),
    Op("power", "**", 2, _pow, _pow_local_grads,
       "xʸ;  ∂/∂x = y·xʸ⁻¹ (0 for y = 0),  ∂/∂y = xʸ·log x (0 at x = 0)",
       domain="x ≠ 0 when y < 0, and x ≥ 0 when y is not an integer"),
    Op("abs", "abs", 1, lambda a, p: abs(a[0]),
       lambda a, out, p, m: (m.sign(a[0]),),
       "abs(x);  d/dx = sign(x), 0 at x = 0"),
    Op("exp", "exp", 1, lambda a, p: math.exp(a[0]),
       lambda a, out, p, m: (out,),
       "eˣ;  d/dx = eˣ"),
    Op("log", "log", 1, _log,
       lambda a, out, p, m: (1.0 / a[0],),
       "ln x;  d/dx = 1/x", domain="x > 0"),
    Op("sqrt", "sqrt", 1, _sqrt,
       lambda a, out, p, m: (0.5 / out,),
       "√x;  d/dx = 1/(2√x)", domain="x ≥ 0"),
    Op("sin", "sin", 1, lambda a, p: math.sin(a[0]),
       lambda a, out, p, m: (m.cos(a[0]),),
       "sin x;  d/dx = cos x"),
    Op("cos", "cos", 1, lambda a, p: math.cos(a[0]),
       lambda a, out, p, m: (-m.sin(a[0]),),
       "cos x;  d/dx = -sin x"),
    Op("tanh", "tanh", 1, lambda a, p: math.tanh(a[0]),
       lambda a, out, p, m: (1.0 - out * out,),
       "tanh x;  d/dx = 1 - tanh²x"),
    Op("sigmoid", "σ", 1, lambda a, p: _sigmoid(a[0]),
       lambda a, out, p, m: (out * (1.0 - out),),
       "σ(x) = 1/(1 + e⁻ˣ);  d/dx = σ(x)(1 - σ(x))"),
    Op("relu", "relu", 1, lambda a, p: a[0] if a[0] > 0.0 else 0.0,
       lambda a, out, p, m: (1.0 if m.data(a[0]) > 0.0 else 0.0,),
       "max(0, x);  d/dx = 1{x > 0}"),
    Op("leaky_relu", "leaky_relu({param})", 1,
       lambda a, slope: a[0] if a[0] > 0.0 else slope * a[0],
       lambda a, out, slope, m: (1.0 if m.data(a[0]) > 0.0 else slope,),
       "x if x > 0 else s·x, the lecture's max(0.1x, x) for s = 0.1;  d/dx = 1 if x > 0 else s"),
    Op("elu", "elu({param})", 1, _elu,
       lambda a, out, alpha, m: (1.0 if m.data(a[0]) > 0.0 else out + alpha,),
       "x if x > 0 else α(eˣ - 1);  d/dx = 1 if x > 0 else αeˣ"),
    Op("softplus", "softplus", 1, lambda a, p: _softplus(a[0]),
       lambda a, out, p, m: (m.sigmoid(a[0]),),
       "log(1 + eˣ);  d/dx = σ(x)"),
    Op("max", "max", 2, _max, _max_local_grads,
       "max(a, b);  ∂/∂a = 1{a > b},  ∂/∂b = 1{b > a}, ½ each on a tie"),
    Op("min", "min", 2, _min, _min_local_grads,
       "min(a, b);  ∂/∂a = 1{a < b},  ∂/∂b = 1{b < a}, ½ each on a tie"),
    Op("sum", "Σ", None, lambda a, p: math.fsum(a),
       lambda a, out, p, m: (1.0,) * len(a),
       "Σᵢ xᵢ;  ∂/∂xᵢ = 1"),
    Op("dot", "dot", None, _dot, _dot_local_grads,
       "Σᵢ wᵢxᵢ + b;  ∂/∂wᵢ = xᵢ,  ∂/∂xᵢ = wᵢ,  ∂/∂b = 1"),
]

OPS: dict[str, Op] = {op.name: op for op in _TABLE}
"""Every op the engine knows, by name, in table order."""


def op_named(name: str) -> Op:
    """The op called ``name``; ``KeyError`` listing the known names otherwise."""
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"unknown op {name!r} (must be one of {', '.join(OPS)})") from None
