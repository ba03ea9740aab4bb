"""The op table: every operation the engine knows, each defined in exactly one place.

An :class:`Op` record holds an op's name, the symbol drawn for it, its forward function, its
local derivatives and where it is defined. Each function is written once, with ordinary
arithmetic and a math namespace ``m`` (:mod:`autograd.namespaces`), and so runs on three kinds
of number:

* floats (``m = FLOAT_MATH``): the forward pass and a plain ``backward()``;
* :class:`~autograd.Value` nodes (``m = VALUE_MATH``): ``backward(create_graph=True)``, where
  a gradient is itself a graph that can be differentiated again;
* numpy arrays (``m = array_math()``): a whole batch at once, for :func:`autograd.compile`.

So a rule never branches with a Python ``if`` on a number: ``m.where(x > 0, 1.0, slope)`` works
on all three. Signatures::

    forward(m, args, param)           -> the output
    local_grads(m, args, out, param)  -> one local derivative ∂out/∂argᵢ per argument
    domain(m, args, param)            -> True where the op is defined (None: everywhere)

``args`` are the op's inputs in order (a sequence: a list of floats, a tuple of Values or of
arrays), ``out`` its output and ``param`` the constant that
configures it (an exponent, a slope, ...) or ``None``.

Adding an op takes: one entry in ``_TABLE``; one line on ``Value`` (:mod:`autograd.value`)
when it is written as a method (``a.log1p()``); its test cases, one row of ``CASES`` in
``tests/autograd/test_ops.py`` (and, for an op with a restricted domain, Python's own function
for it in ``PYTHON_MATH`` there); and the docs' op table printed again by ``python -m
autograd``. Everything else is derived from the table: the chain rule and the drawings, the
expression language and the command's help, the compiled kernels, the property tests. A test
holds each part of this to the code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

__all__ = ["Op", "OPS", "op_named"]


@dataclass(frozen=True, eq=False, slots=True)
class Op:
    """One primitive operation: its forward function, its local derivatives and its domain."""

    name: str
    """Identifier, also the ``Value`` method name where there is one (``"mul"``, ``"relu"``)."""
    symbol: str
    """What a drawing shows for the op node; ``{param}`` is replaced by the op's constant."""
    arity: int | None
    """Number of inputs, or ``None`` for n-ary ops (``sum``, ``dot``)."""
    forward: Callable[[Any, tuple, Any], Any]
    local_grads: Callable[[Any, tuple, Any, Any], tuple]
    rule: str
    """The math of the op and its derivatives, one line, for people."""
    domain: Callable[[Any, tuple, Any], Any] | None = None
    """Where the op is defined: ``domain(m, args, param)`` is True there; ``None`` for all reals."""
    domain_text: str = ""
    """The same, for people: quoted in the error an input outside the domain raises."""
    domain_error_type: type | Callable[[Sequence, Any], type] = ValueError
    """The exception an input outside the domain raises: Python's for the same float math
    (``ValueError`` as ``math.log(0)``, ``ZeroDivisionError`` as ``1.0 / 0``), or a function
    ``(operands, param) -> type`` where it depends on the input (``0.0 ** -1`` divides by zero,
    ``(-8.0) ** 0.5`` is a ``ValueError`` as ``math.pow`` says)."""
    usage: str = ""
    """How a user writes it: ``a + b``, ``a.exp()``, ``autograd.sum(values)``."""

    def describe(self, param: Any = None) -> str:
        """The op's symbol with its constant filled in, e.g. ``**2`` or ``leaky_relu(0.1)``."""
        return self.symbol.format(param=_format_number(param)) if "{" in self.symbol else self.symbol

    def call_text(self, operands: tuple, param: Any = None) -> str:
        """How this call reads in a message: ``log(0.0)``, ``pow(0.0; **-1)``."""
        shown = ", ".join(repr(float(x)) for x in operands[:6]) + (", ..." if len(operands) > 6 else "")
        return f"{self.name}({shown})" if param is None else f"{self.name}({shown}; {self.describe(param)})"

    def domain_error(self, operands: tuple, param: Any = None, sample: int | None = None) -> Exception:
        """The error for operands outside the op's domain, naming the op, the operands and, in a
        batch, the sample; the same words from every interpreter."""
        where = "" if sample is None else f"sample {sample}: "
        kind = self.domain_error_type
        if not isinstance(kind, type):
            kind = kind(operands, param)
        return kind(f"{where}{self.call_text(operands, param)}: outside its domain; "
                    f"{self.name} is defined for {self.domain_text}")

    def overflow_error(self, operands: tuple, param: Any = None, sample: int | None = None) -> OverflowError:
        """The error for a finite input whose result does not fit in a float."""
        where = "" if sample is None else f"sample {sample}: "
        return OverflowError(f"{where}{self.call_text(operands, param)}: the result overflows a float "
                             f"(largest is about 1.8e308)")

    def __repr__(self) -> str:
        return f"Op({self.name!r})"

    def __reduce__(self):
        # Ops are module-level singletons: pickle them by name so graphs can be pickled.
        return (op_named, (self.name,))


def _format_number(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


# --------------------------------------------------------------------------------------------
# Rules that need more than one expression.
# --------------------------------------------------------------------------------------------

def _power_domain(m: Any, args: tuple, constant: Any) -> Any:
    # xʸ, with y a constant (pow) or the second input (power): 0 to a negative power divides by
    # zero; a negative base needs an integer exponent.
    x, y = args[0], args[1] if constant is None else constant
    return ((x != 0.0) | (y >= 0.0)) & ((x >= 0.0) | m.is_integer(y))


def _power_error_type(operands: Sequence, constant: Any) -> type:
    # Python's: 0.0 ** -1 is a ZeroDivisionError; math.pow(-8.0, 0.5) a ValueError
    x, y = operands[0], operands[1] if constant is None else constant
    return ZeroDivisionError if x == 0.0 and y < 0.0 else ValueError


def _pow_local_grads(m: Any, args: tuple, out: Any, c: float) -> tuple:
    # d/dx xᶜ = c·xᶜ⁻¹; c is a constant, so a Python `if` on it is fine on every interpreter.
    return (c * args[0] ** (c - 1.0),) if c != 0.0 else (0.0,)


def _power_local_grads(m: Any, args: tuple, out: Any, _param: None) -> tuple:
    x, y = args
    # ∂/∂x = y·xʸ⁻¹ (0 at x = y = 0, as PyTorch); ∂/∂y = xʸ·log x (0 at x = 0, NaN for x < 0).
    # The base of the first is 1 at x = y = 0 so that 0⁻¹ is never computed, and the result
    # still depends on y there (∂²/∂x∂y is not cut).
    zero_zero = (m.data(x) == 0.0) & (m.data(y) == 0.0)
    d_x = y * m.where(zero_zero, 1.0, x) ** (y - 1.0)
    positive = x > 0.0
    d_y = m.where(positive, out * m.log(m.where(positive, x, 1.0)),
                  m.where(m.data(x) == 0.0, 0.0, m.nan))
    return (d_x, d_y)


def _max_local_grads(m: Any, args: tuple, out: Any, _param: None) -> tuple:
    # 1 to the larger input; a tie splits the gradient in halves, as torch.maximum does.
    a, b = args
    to_a = m.where(a > b, 1.0, m.where(a < b, 0.0, 0.5))
    return (to_a, 1.0 - to_a)


def _min_local_grads(m: Any, args: tuple, out: Any, _param: None) -> tuple:
    a, b = args
    to_a = m.where(a < b, 1.0, m.where(a > b, 0.0, 0.5))
    return (to_a, 1.0 - to_a)


def _dot(m: Any, args: tuple, n: int) -> Any:
    # args = (w₁..wₙ, x₁..xₙ[, b]); added left to right from b, as micrograd's neuron does.
    bias = args[2 * n] if len(args) > 2 * n else 0.0
    return m.dot(args[:n], args[n:2 * n], bias)


def _dot_local_grads(m: Any, args: tuple, out: Any, n: int) -> tuple:
    # ∂/∂wᵢ = xᵢ, ∂/∂xᵢ = wᵢ, ∂/∂b = 1
    return m.joined(args[n:2 * n], args[:n], m.ones(args[2 * n:]))


# --------------------------------------------------------------------------------------------
# The table.  One entry per op.
# --------------------------------------------------------------------------------------------

_TABLE = [
    Op("add", "+", 2, lambda m, a, p: a[0] + a[1],
       lambda m, a, out, p: (1.0, 1.0),
       "a + b;  ∂/∂a = 1,  ∂/∂b = 1",
       usage="a + b"),
    Op("sub", "-", 2, lambda m, a, p: a[0] - a[1],
       lambda m, a, out, p: (1.0, -1.0),
       "a - b;  ∂/∂a = 1,  ∂/∂b = -1",
       usage="a - b"),
    Op("mul", "*", 2, lambda m, a, p: a[0] * a[1],
       lambda m, a, out, p: (a[1], a[0]),
       "a·b;  ∂/∂a = b,  ∂/∂b = a",
       usage="a * b"),
    Op("div", "/", 2, lambda m, a, p: a[0] / a[1],
       lambda m, a, out, p: (1.0 / a[1], -out / a[1]),
       "a / b;  ∂/∂a = 1/b,  ∂/∂b = -a/b²",
       lambda m, a, p: a[1] != 0.0, "b ≠ 0", ZeroDivisionError,
       usage="a / b"),
    Op("neg", "-", 1, lambda m, a, p: -a[0],
       lambda m, a, out, p: (-1.0,),
       "-x;  d/dx = -1",
       usage="-a"),
    Op("pow", "**{param}", 1, lambda m, a, c: a[0] ** c, _pow_local_grads,
       "xᶜ for a constant c;  d/dx = c·xᶜ⁻¹ (0 for c = 0)",
       _power_domain,
       "x ≠ 0 when c < 0, and x ≥ 0 when c is not an integer", _power_error_type,
       usage="a ** 2"),
    Op("power", "**", 2, lambda m, a, p: a[0] ** a[1], _power_local_grads,
       "xʸ;  ∂/∂x = y·xʸ⁻¹ (0 at x = y = 0),  ∂/∂y = xʸ·log x (0 at x = 0)",
       _power_domain,
       "x ≠ 0 when y < 0, and x ≥ 0 when y is not an integer", _power_error_type,
       usage="a ** b"),
    Op("abs", "abs", 1, lambda m, a, p: abs(a[0]),
       lambda m, a, out, p: (m.sign(a[0]),),
       "abs(x);  d/dx = sign(x), 0 at x = 0",
       usage="abs(a)"),
    Op("exp", "exp", 1, lambda m, a, p: m.exp(a[0]),
       lambda m, a, out, p: (out,),
       "eˣ;  d/dx = eˣ",
       usage="a.exp()"),
    Op("log", "log", 1, lambda m, a, p: m.log(a[0]),
       lambda m, a, out, p: (1.0 / a[0],),
       "ln x;  d/dx = 1/x",
       lambda m, a, p: a[0] > 0.0, "x > 0",
       usage="a.log()"),
    Op("log1p", "log1p", 1, lambda m, a, p: m.log1p(a[0]),
       lambda m, a, out, p: (1.0 / (1.0 + a[0]),),
       "ln(1 + x), exact for tiny x;  d/dx = 1/(1 + x)",
       lambda m, a, p: a[0] > -1.0, "x > -1",
       usage="a.log1p()"),
    Op("sqrt", "sqrt", 1, lambda m, a, p: m.sqrt(a[0]),
       lambda m, a, out, p: (0.5 / out,),
       "√x;  d/dx = 1/(2√x)",
       lambda m, a, p: a[0] >= 0.0, "x ≥ 0",
       usage="a.sqrt()"),
    Op("sin", "sin", 1, lambda m, a, p: m.sin(a[0]),
       lambda m, a, out, p: (m.cos(a[0]),),
       "sin x;  d/dx = cos x",
       usage="a.sin()"),
    Op("cos", "cos", 1, lambda m, a, p: m.cos(a[0]),
       lambda m, a, out, p: (-m.sin(a[0]),),
       "cos x;  d/dx = -sin x",
       usage="a.cos()"),
    Op("tanh", "tanh", 1, lambda m, a, p: m.tanh(a[0]),
       lambda m, a, out, p: (1.0 - out * out,),
       "tanh x;  d/dx = 1 - tanh²x",
       usage="a.tanh()"),
    Op("sigmoid", "σ", 1, lambda m, a, p: m.sigmoid(a[0]),
       lambda m, a, out, p: (out * (1.0 - out),),
       "σ(x) = 1/(1 + e⁻ˣ);  d/dx = σ(x)(1 - σ(x))",
       usage="a.sigmoid()"),
    Op("relu", "relu", 1, lambda m, a, p: m.maximum(a[0], 0.0),
       lambda m, a, out, p: (m.where(a[0] > 0.0, 1.0, 0.0),),
       "max(0, x);  d/dx = 1{x > 0} (0 at x = 0)",
       usage="a.relu()"),
    Op("leaky_relu", "leaky_relu({param})", 1,
       lambda m, a, s: m.where(a[0] > 0.0, a[0], s * a[0]),
       lambda m, a, out, s: (m.where(a[0] > 0.0, 1.0, s),),
       "x if x > 0 else s·x, the lecture's max(0.1x, x) for s = 0.1;  d/dx = 1 if x > 0 else s",
       usage="a.leaky_relu(slope=0.1)"),
    Op("elu", "elu({param})", 1,
       lambda m, a, alpha: m.where(a[0] > 0.0, a[0], alpha * m.expm1(m.minimum(a[0], 0.0))),
       lambda m, a, out, alpha: (m.where(a[0] > 0.0, 1.0, out + alpha),),
       "x if x > 0 else α(eˣ - 1);  d/dx = 1 if x > 0 else αeˣ",
       usage="a.elu(alpha=1.0)"),
    Op("softplus", "softplus", 1, lambda m, a, p: m.softplus(a[0]),
       lambda m, a, out, p: (m.sigmoid(a[0]),),
       "log(1 + eˣ);  d/dx = σ(x)",
       usage="a.softplus()"),
    Op("max", "max", 2, lambda m, a, p: m.maximum(a[0], a[1]), _max_local_grads,
       "max(a, b);  ∂/∂a = 1{a > b},  ∂/∂b = 1{b > a}, ½ each on a tie",
       usage="a.max(b)"),
    Op("min", "min", 2, lambda m, a, p: m.minimum(a[0], a[1]), _min_local_grads,
       "min(a, b);  ∂/∂a = 1{a < b},  ∂/∂b = 1{b < a}, ½ each on a tie",
       usage="a.min(b)"),
    Op("sum", "Σ", None, lambda m, a, p: m.total(a),
       lambda m, a, out, p: m.ones(a),
       "Σᵢ xᵢ;  ∂/∂xᵢ = 1",
       usage="autograd.sum(values)"),
    Op("dot", "dot", None, _dot, _dot_local_grads,
       "Σᵢ wᵢxᵢ + b;  ∂/∂wᵢ = xᵢ,  ∂/∂xᵢ = wᵢ,  ∂/∂b = 1",
       usage="autograd.dot(w, x, bias=0)"),
]

OPS: dict[str, Op] = {op.name: op for op in _TABLE}
"""Every op the engine knows, by name, in table order."""


def markdown_table() -> str:
    """The op table of docs/engine.md, made from the table itself (``python -m autograd`` prints it)."""
    rows = ["| op | how you write it | rule | defined for |", "|---|---|---|---|"]
    rows += [f"| `{op.name}` | `{op.usage}` | {op.rule} | {op.domain_text or 'all reals'} |" for op in _TABLE]
    return "\n".join(rows)


def op_named(name: str) -> Op:
    """The op called ``name``; ``KeyError`` listing the known names otherwise."""
    try:
        return OPS[name]
    except KeyError:
        raise KeyError(f"unknown op {name!r} (must be one of {', '.join(OPS)})") from None
