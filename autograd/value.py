"""``Value``: one float in a computational graph, and :func:`apply`, which records every op.

Walking a graph (the backward pass, its order) is :mod:`autograd.graph`'s job: a Value's
``backward()`` calls it, and it never imports this module back."""

from __future__ import annotations

import math
import numbers
import reprlib
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Iterable, Iterator

from . import graph
from .namespaces import FLOAT_MATH
from .ops import OPS, Op

__all__ = ["Value", "Constant", "apply", "sum", "dot", "backward", "no_grad", "enable_grad", "is_grad_enabled"]


class Value:
    """A node of the computational graph holding one float.

    ``Value(data, label="")`` makes a leaf (an input or a parameter). Arithmetic on values
    (``+ - * / **``, and the methods below) makes new nodes that remember their ``parents``
    in order and the ``op`` that produced them, so that :meth:`backward` can apply the chain
    rule.

    ``<``, ``<=``, ``>`` and ``>=`` compare the numbers and give a ``bool``, so
    ``if loss < 1e-3: break`` works. ``==`` is identity, as for every graph node: values live
    in sets and dicts (a pass's visited set, a model's parameters), where two nodes that happen
    to hold the same number must stay two. Compare ``a.data == b.data`` for the numbers.
    """

    # Slots keep a node small; "__dict__" lets code written for micrograd's descendants set
    # attributes of its own (an optimizer's p.m, a drawing's colour), at one pointer per node.
    __slots__ = ("data", "grad", "op", "param", "parents", "label", "__dict__")

    def __init__(self, data: float, label: str = "") -> None:
        self.data = _to_finite_float(data, "Value(data)")
        self.grad: Any = 0.0
        self.op: Op | None = None
        self.param: Any = None
        self.parents: tuple[Value, ...] = ()
        self.label = _check_label(label)
        """A name for drawings and messages; ``""`` (none) unless given, as in micrograd's lecture."""

    # -- the graph ---------------------------------------------------------------------------

    @property
    def is_leaf(self) -> bool:
        """True for a value made by ``Value(...)`` (or inside ``no_grad``): it has no parents."""
        return not self.parents

    @property
    def _prev(self) -> set:
        """micrograd's name for the parents (a set there), so code written for micrograd, such
        as its ``draw_dot``, runs unchanged. Prefer ``parents``: ordered, and ``a + a`` has two."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's name for the op's symbol ('' for a leaf). Prefer ``op``."""
        return "" if self.op is None else self.op.describe(self.param)

    def backward(self, gradient: float = 1.0, create_graph: bool = False) -> None:
        """Apply the chain rule from this value down to every value it was computed from.

        Leaves *accumulate* (``leaf.grad += ∂self/∂leaf · gradient``) until zeroed, as in
        PyTorch; intermediate nodes get their gradient recomputed from zero on every pass. With
        ``create_graph=True`` the gradients are themselves ``Value`` graphs that can be
        differentiated again (higher-order derivatives).
        """
        gradient = graph.check_gradient(gradient)
        graph.backward_pass(self, Value(gradient) if create_graph else gradient, create_graph)

    def _backward(self) -> None:
        """micrograd's step of the chain rule at this one node: each parent's gradient grows by
        the local derivative (from the op table) times this node's gradient,
        ``parent.grad += ∂self/∂parent · self.grad``; a leaf has nothing to pass on.

        :meth:`backward` runs it for every node, from the output down, with its checks; micrograd's
        lecture runs it by hand (``o.grad = 1.0; o._backward(); n._backward()``, then ``for node in
        reversed(topo): node._backward()``), and so can you. Unlike ``backward()``, it adds to
        gradients as they are: set ``.grad`` to 0 first where a value was already used."""
        graph.chain_rule_step(self)

    def zero_grad(self) -> None:
        """Set the gradient of this value and of every value it was computed from to 0."""
        graph.zero_grad(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"{type(self).__name__}(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        # math.exp(v), float(v): a Value would silently become a number and leave the graph,
        # so its gradient would be wrong without any error.
        raise TypeError(f"a Value is a node of the graph, not a number: use its methods (v.exp(), "
                        f"v.log(), ...) to stay in the graph, or v.data ({self.data!r}) for the number")

    # -- comparisons: of the numbers, giving a bool (== stays identity, see the class doc) -----

    def __lt__(self, other: Any) -> bool:
        return self.data < _number(other, "<")

    def __le__(self, other: Any) -> bool:
        return self.data <= _number(other, "<=")

    def __gt__(self, other: Any) -> bool:
        return self.data > _number(other, ">")

    def __ge__(self, other: Any) -> bool:
        return self.data >= _number(other, ">=")

    # -- arithmetic: + - * / ** and their mirrored forms -------------------------------------

    def __add__(self, other: Any) -> Value:
        return _record(ADD, (self, _as_value(other, "add")))

    def __radd__(self, other: Any) -> Value:
        return _record(ADD, (_as_value(other, "add"), self))

    def __sub__(self, other: Any) -> Value:
        return _record(SUB, (self, _as_value(other, "sub")))

    def __rsub__(self, other: Any) -> Value:
        return _record(SUB, (_as_value(other, "sub"), self))

    def __mul__(self, other: Any) -> Value:
        return _record(MUL, (self, _as_value(other, "mul")))

    def __rmul__(self, other: Any) -> Value:
        return _record(MUL, (_as_value(other, "mul"), self))

    def __truediv__(self, other: Any) -> Value:
        return _record(DIV, (self, _as_value(other, "div")))

    def __rtruediv__(self, other: Any) -> Value:
        return _record(DIV, (_as_value(other, "div"), self))

    def __pow__(self, exponent: Any) -> Value:
        """``x ** c`` with a number ``c`` (one parent, ``c`` its param) or ``x ** y`` with a Value."""
        if isinstance(exponent, Value):
            return _record(POWER, (self, exponent))
        return _record(POW, (self,), _to_finite_float(exponent, "the exponent of **"))

    def __rpow__(self, base: Any) -> Value:
        return _record(POWER, (_as_value(base, "power"), self))

    def __neg__(self) -> Value:
        return _record(NEG, (self,))

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return _record(ABS, (self,))

    # -- elementary functions: one line each, the math is in the op table --------------------

    def abs(self) -> Value:
        """|x|."""
        return _record(ABS, (self,))

    def exp(self) -> Value:
        """eˣ (``OverflowError`` beyond about x = 709)."""
        return _record(EXP, (self,))

    def log(self) -> Value:
        """Natural logarithm, defined for x > 0."""
        return _record(LOG, (self,))

    def log1p(self) -> Value:
        """ln(1 + x), exact where ``(1 + x).log()`` loses digits (tiny x); defined for x > -1."""
        return _record(LOG1P, (self,))

    def sqrt(self) -> Value:
        """Square root, defined for x ≥ 0 (its derivative only for x > 0)."""
        return _record(SQRT, (self,))

    def sin(self) -> Value:
        """sin x."""
        return _record(SIN, (self,))

    def cos(self) -> Value:
        """cos x."""
        return _record(COS, (self,))

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return _record(TANH, (self,))

    def sigmoid(self) -> Value:
        """Logistic function 1/(1 + e⁻ˣ), stable for any x."""
        return _record(SIGMOID, (self,))

    def relu(self) -> Value:
        """max(0, x), with derivative 0 at x = 0 (``x.max(0)`` splits it: ½ to each side)."""
        return _record(RELU, (self,))

    def leaky_relu(self, slope: float = 0.1) -> Value:
        """The lecture's leaky ReLU ``max(0.1x, x)``: x for x > 0, ``slope·x`` otherwise."""
        return _record(LEAKY_RELU, (self,), _to_finite_float(slope, "leaky_relu(slope)"))

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, α(eˣ - 1) otherwise."""
        return _record(ELU, (self,), _to_finite_float(alpha, "elu(alpha)"))

    def softplus(self) -> Value:
        """log(1 + eˣ), stable for any x."""
        return _record(SOFTPLUS, (self,))

    def max(self, other: Any) -> Value:
        """The larger of this value and ``other`` (``x.max(0)`` is the lecture's ``max(x, 0)``;
        at a tie each side gets ½ of the gradient, as ``torch.maximum``)."""
        return _record(MAX, (self, _as_value(other, "max")))

    def min(self, other: Any) -> Value:
        """The smaller of this value and ``other`` (½ of the gradient to each side at a tie)."""
        return _record(MIN, (self, _as_value(other, "min")))


class Constant(Value):
    """A number written into an expression, such as the 0 of ``x.max(0)`` or the 2 of ``2 * x``:
    a leaf that :func:`apply` makes for it. It behaves as any leaf; drawings show it as a
    constant, and :func:`autograd.compile` may treat it as fixed."""

    __slots__ = ()


def data_of(x: Any) -> float:
    """The number in ``x``: its ``.data`` for a :class:`Value`, else ``float(x)`` (a gradient,
    a float or an int). Unchecked: use it on numbers your code made, not on a user's input."""
    return x.data if isinstance(x, Value) else float(x)


ADD, SUB, MUL, DIV, NEG = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"], OPS["neg"]
POW, POWER, ABS, EXP, LOG, LOG1P = OPS["pow"], OPS["power"], OPS["abs"], OPS["exp"], OPS["log"], OPS["log1p"]
SQRT, SIN, COS, TANH, SIGMOID, RELU = OPS["sqrt"], OPS["sin"], OPS["cos"], OPS["tanh"], OPS["sigmoid"], OPS["relu"]
LEAKY_RELU, ELU, SOFTPLUS, MAX, MIN = OPS["leaky_relu"], OPS["elu"], OPS["softplus"], OPS["max"], OPS["min"]
SUM, DOT = OPS["sum"], OPS["dot"]


# --------------------------------------------------------------------------------------------
# Recording ops: the only place where op nodes are made.
# --------------------------------------------------------------------------------------------

def apply(op: Op, parents: tuple, param: Any = None) -> Value:
    """Run ``op`` forward on the parents' data and record the result as a new node.

    Numbers among ``parents`` become :class:`Constant` leaves; anything else that is not a
    ``Value`` is a ``TypeError`` naming the op. An input outside the op's domain (``log(0)``,
    ``x / 0``...) and a result too large for a float raise here, at the op that caused them,
    naming the op and its operands; nothing is recorded then.
    """
    return _record(op, tuple([_as_value(p, op.name) for p in parents]), param)


def _record(op: Op, parents: tuple[Value, ...], param: Any = None) -> Value:
    """:func:`apply` for parents already known to be Values: the one place op nodes are made."""
    args = [p.data for p in parents]
    if op.domain is not None and not op.domain(FLOAT_MATH, args, param):
        raise op.domain_error(args, param)
    try:
        data = op.forward(FLOAT_MATH, args, param)
    except OverflowError:
        raise op.overflow_error(args, param) from None
    if not math.isfinite(data):
        raise op.overflow_error(args, param)
    if not _grad_enabled.get():  # inside no_grad: a leaf
        return _leaf(Value, data)
    node = Value.__new__(Value)  # skips Value()'s checks of user input: data is a finite float
    node.data, node.grad, node.label = data, 0.0, ""
    node.op, node.param, node.parents = op, param, parents
    return node


def _leaf(cls: type[Value], data: float) -> Value:
    """A leaf holding ``data``, a finite float already checked (``Value()`` checks user input)."""
    leaf = cls.__new__(cls)
    leaf.data, leaf.grad, leaf.label = data, 0.0, ""
    leaf.op, leaf.param, leaf.parents = None, None, ()
    return leaf


def sum(values: Iterable[Any], start: Any = 0.0) -> Value:
    """Σ values as one n-ary node (``start`` is added when it is not zero).

    Faster and shallower than chaining ``+``: the gradient of every term is 1.
    """
    parents = list(values)
    if not (isinstance(start, (int, float)) and start == 0):
        parents.append(start)
    if not parents:
        return Value(0.0)
    return apply(SUM, tuple(parents))


def dot(weights: Iterable[Any], inputs: Iterable[Any], bias: Any = 0.0) -> Value:
    """``Σᵢ wᵢxᵢ + b`` as one node: a neuron's pre-activation in the lecture's notation.

    Numbers among the weights, inputs or bias become constant leaves. ``ValueError`` if the
    two sequences differ in length.
    """
    w, x = list(weights), list(inputs)
    if len(w) != len(x):
        raise ValueError(f"dot: {len(w)} weights but {len(x)} inputs (they must have the same length)")
    no_bias = not isinstance(bias, Value) and isinstance(bias, (int, float)) and bias == 0
    return apply(DOT, (*w, *x) if no_bias else (*w, *x, bias), len(w))


def backward(root: Value, gradient: float = 1.0, create_graph: bool = False) -> None:
    """``root.backward(gradient, create_graph)`` as a function (``torch.autograd.backward``)."""
    if not isinstance(root, Value):
        raise TypeError(f"backward(root) must be a Value, got {type(root).__name__}: {root!r}")
    root.backward(gradient, create_graph)


# --------------------------------------------------------------------------------------------
# no_grad: a switch local to the thread (a context variable: also to an asyncio task).
# --------------------------------------------------------------------------------------------

_grad_enabled: ContextVar[bool] = ContextVar("valuegraph_grad_enabled", default=True)


def is_grad_enabled() -> bool:
    """True unless inside :func:`no_grad` (in this thread)."""
    return _grad_enabled.get()


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    previous = _grad_enabled.get()
    _grad_enabled.set(enabled)
    try:
        yield
    finally:
        _grad_enabled.set(previous)


def no_grad():
    """Context manager: values computed inside record no parents (evaluation only).

    Thread-local, nestable; the previous mode is restored on exit even after an error.
    """
    return _grad_mode(False)


def enable_grad():
    """Context manager: record the graph again inside a :func:`no_grad` block."""
    return _grad_mode(True)


# --------------------------------------------------------------------------------------------
# Conversions and checks of user input.
# --------------------------------------------------------------------------------------------

def _is_real_number(x: Any) -> bool:
    return isinstance(x, (float, int)) or isinstance(x, numbers.Real)  # the common types first


def _to_finite_float(x: Any, what: str) -> float:
    if not _is_real_number(x):
        raise TypeError(f"{what} must be a real number (an int, float, bool or other numbers.Real), "
                        f"got {type(x).__name__}: {x!r}")
    result = _as_float(x, what)
    if not math.isfinite(result):
        raise ValueError(f"{what} must be finite, got {result!r}")
    return result


def _as_float(x: Any, what: str) -> float:
    """``float(x)`` for a real number; for one too large for a float (``10 ** 400``), Python's
    ``OverflowError`` in words that say what was given."""
    try:
        return float(x)
    except OverflowError:
        try:
            size = f" (about 10^{math.log10(abs(x)):.0f})"
        except (OverflowError, TypeError, ValueError):
            size = ""
        raise OverflowError(f"{what} must be finite, got a number too large for a float{size}; the "
                            f"largest float is about 1.8e308") from None


def _as_value(x: Any, op_name: str) -> Value:
    """``x`` itself if it is a Value, a number as a :class:`Constant` leaf; a ``TypeError`` naming
    the op otherwise, a ``ValueError`` for NaN or an infinity and Python's ``OverflowError`` for a
    number too large for a float."""
    if isinstance(x, Value):
        return x
    if not _is_real_number(x):
        raise TypeError(f"{op_name}: expected a Value or a real number, got {type(x).__name__}: {x!r}")
    data = _as_float(x, f"{op_name}: an operand")
    if not math.isfinite(data):
        raise ValueError(f"{op_name}: an operand must be finite, got {data!r}")
    return _leaf(Constant, data)


def _number(x: Any, comparison: str) -> float:
    """The number a Value is compared with: its data, or ``x`` itself."""
    if isinstance(x, Value):
        return x.data
    if not _is_real_number(x):
        raise TypeError(f"'{comparison}' compares a Value with a Value or a real number, "
                        f"got {type(x).__name__}: {x!r}")
    return x


def short_repr(value: Any) -> str:
    """``repr(value)`` for a message, shortened: an int of hundreds of digits to its ends and
    its length, anything else to a few items and levels (``reprlib``, which never recurses deep)."""
    if isinstance(value, int):
        text = repr(value)
        return text if len(text) <= 40 else f"{text[:12]}...{text[-4:]} ({len(text)} digits)"
    return _SHORT_REPR.repr(value)


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxstring = _SHORT_REPR.maxother = 40


def _check_label(label: Any) -> str:
    """The label as given, ``""`` for ``None`` (no label)."""
    if label is None:
        return ""
    if not isinstance(label, str):
        raise TypeError(f"Value(label) must be a str, got {type(label).__name__}: {label!r}")
    return label
