"""``Value``: one float in a computational graph, and the function that records every op."""

from __future__ import annotations

import math
import numbers
import threading
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any, Iterable, Iterator

from .ops import OPS, Op, _sign

__all__ = ["Value", "apply", "sum", "dot", "no_grad", "enable_grad", "is_grad_enabled", "VALUE_MATH"]

_isfinite = math.isfinite


class Value:
    """A node of the computational graph holding one float.

    ``Value(data, label=None)`` makes a leaf (an input or a parameter). Arithmetic on values
    (``+ - * / **``, and the methods below) makes new nodes that remember their ``parents``
    in order and the ``op`` that produced them, so that :meth:`backward` can apply the chain
    rule. Values hash and compare equal by identity: they are graph nodes, not numbers.
    """

    # Parents live in two slots rather than a tuple: a tuple per node would be a second object
    # for Python's cyclic garbage collector to track, which costs more time than anything else
    # in building a graph. ``_first``/``_second`` hold the parents of unary and binary ops;
    # n-ary ops (sum, dot) keep their tuple in ``_first``. Read them through ``parents``.
    __slots__ = ("data", "grad", "op", "param", "label", "_first", "_second")

    def __init__(self, data: float, label: str | None = None) -> None:
        self.data = _to_finite_float(data, "Value(data)")
        self.grad: Any = 0.0
        self.op: Op | None = None
        self._first = self._second = None
        self.param: Any = None
        self.label = _check_label(label)

    # -- the graph ---------------------------------------------------------------------------

    @property
    def parents(self) -> tuple:
        """The values this one was computed from, in order (``a + a`` lists ``a`` twice)."""
        op = self.op
        if op is None:
            return ()
        arity = op.arity
        if arity == 2:
            return (self._first, self._second)
        if arity == 1:
            return (self._first,)
        return self._first

    @property
    def _prev(self) -> set:
        """micrograd's name for the parents (a set there), so code written for micrograd, such
        as its ``draw_dot``, runs unchanged. Prefer ``parents``: ordered, and ``a + a`` has two."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's name for the op's symbol ('' for a leaf). Prefer ``op``."""
        return "" if self.op is None else self.op.describe(self.param)

    @property
    def is_leaf(self) -> bool:
        """True for a value made by ``Value(...)`` (or inside ``no_grad``): it has no parents."""
        return not self.parents

    def backward(self, gradient: float = 1.0, create_graph: bool = False) -> None:
        """Apply the chain rule from this value down to every value it was computed from.

        Leaves *accumulate* (``leaf.grad += ∂self/∂leaf · gradient``) until zeroed, as in
        PyTorch; intermediate nodes get their gradient recomputed from zero on every pass. With
        ``create_graph=True`` the gradients are themselves ``Value`` graphs that can be
        differentiated again (higher-order derivatives).
        """
        from .graph import backward

        backward(self, gradient=gradient, create_graph=create_graph)

    def zero_grad(self) -> None:
        """Set the gradient of this value and of every value it was computed from to 0."""
        from .graph import zero_grad

        zero_grad(self)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        # math.exp(v), float(v): a Value would silently become a number and leave the graph,
        # so its gradient would be wrong without any error.
        raise TypeError(f"a Value is a node of the graph, not a number: use its methods (v.exp(), "
                        f"v.log(), ...) to stay in the graph, or v.data ({self.data!r}) for the number")

    # -- arithmetic: + - * / ** and their mirrored forms -------------------------------------

    def __add__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "add")) is None:
            return NotImplemented
        return apply(ADD, (self, other))

    def __radd__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "add")) is None:
            return NotImplemented
        return apply(ADD, (other, self))

    def __sub__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "sub")) is None:
            return NotImplemented
        return apply(SUB, (self, other))

    def __rsub__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "sub")) is None:
            return NotImplemented
        return apply(SUB, (other, self))

    def __mul__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "mul")) is None:
            return NotImplemented
        return apply(MUL, (self, other))

    def __rmul__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "mul")) is None:
            return NotImplemented
        return apply(MUL, (other, self))

    def __truediv__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "div")) is None:
            return NotImplemented
        return apply(DIV, (self, other))

    def __rtruediv__(self, other: Any) -> Value:
        if other.__class__ is not Value and (other := _as_value(other, "div")) is None:
            return NotImplemented
        return apply(DIV, (other, self))

    def __pow__(self, exponent: Any) -> Value:
        """``x ** c`` with a number ``c`` (one parent) or ``x ** y`` with a Value ``y``."""
        if _is_plain_constant(exponent):  # the common case, checked fast
            return apply(POW, (self,), exponent)
        if isinstance(exponent, Value):
            return apply(POWER, (self, exponent))
        if not _is_real_number(exponent):
            return NotImplemented
        return apply(POW, (self,), _to_finite_float(exponent, "the exponent of **"))

    def __rpow__(self, base: Any) -> Value:
        base = _as_value(base, "power")
        return NotImplemented if base is None else apply(POWER, (base, self))

    def __neg__(self) -> Value:
        return apply(NEG, (self,))

    def __pos__(self) -> Value:
        return self

    def __abs__(self) -> Value:
        return apply(ABS, (self,))

    # -- elementary functions ----------------------------------------------------------------

    def abs(self) -> Value:
        """|x|."""
        return apply(ABS, (self,))

    def exp(self) -> Value:
        """eˣ (``OverflowError`` beyond about x = 709)."""
        return apply(EXP, (self,))

    def log(self) -> Value:
        """Natural logarithm, defined for x > 0."""
        return apply(LOG, (self,))

    def sqrt(self) -> Value:
        """Square root, defined for x ≥ 0 (its derivative only for x > 0)."""
        return apply(SQRT, (self,))

    def sin(self) -> Value:
        """sin x."""
        return apply(SIN, (self,))

    def cos(self) -> Value:
        """cos x."""
        return apply(COS, (self,))

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        return apply(TANH, (self,))

    def sigmoid(self) -> Value:
        """Logistic function 1/(1 + e⁻ˣ), stable for any x."""
        return apply(SIGMOID, (self,))

    def relu(self) -> Value:
        """max(0, x)."""
        return apply(RELU, (self,))

    def leaky_relu(self, slope: float = 0.1) -> Value:
        """The lecture's leaky ReLU ``max(0.1x, x)``: x for x > 0, ``slope·x`` otherwise."""
        return apply(LEAKY_RELU, (self,), _to_finite_float(slope, "leaky_relu(slope)"))

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, α(eˣ - 1) otherwise."""
        return apply(ELU, (self,), _to_finite_float(alpha, "elu(alpha)"))

    def softplus(self) -> Value:
        """log(1 + eˣ), stable for any x."""
        return apply(SOFTPLUS, (self,))

    def max(self, other: Any) -> Value:
        """The larger of this value and ``other`` (``x.max(0)`` is the lecture's ``max(x, 0)``)."""
        return apply(MAX, (self, _as_value_or_raise(other, "max")))

    def min(self, other: Any) -> Value:
        """The smaller of this value and ``other``."""
        return apply(MIN, (self, _as_value_or_raise(other, "min")))


ADD, SUB, MUL, DIV, NEG = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"], OPS["neg"]
POW, POWER, ABS, EXP, LOG, SQRT = OPS["pow"], OPS["power"], OPS["abs"], OPS["exp"], OPS["log"], OPS["sqrt"]
SIN, COS, TANH, SIGMOID, RELU = OPS["sin"], OPS["cos"], OPS["tanh"], OPS["sigmoid"], OPS["relu"]
LEAKY_RELU, ELU, SOFTPLUS, MAX, MIN = OPS["leaky_relu"], OPS["elu"], OPS["softplus"], OPS["max"], OPS["min"]
SUM, DOT = OPS["sum"], OPS["dot"]

_new_value = Value.__new__


# --------------------------------------------------------------------------------------------
# Recording ops: the only place where op nodes are made (leaves come from Value() and _as_value).
# --------------------------------------------------------------------------------------------

def apply(op: Op, parents: tuple[Value, ...], param: Any = None) -> Value:
    """Run ``op`` forward on the parents' data and record the result as a new node.

    ``parents`` are Values; an n-ary op's (``sum``, ``dot``) may also hold numbers, which
    become constant leaves (anything else is a ``TypeError`` naming the op). Domain errors
    (``log(0)``, division by zero...) and overflow are raised here, at the op that caused
    them, naming the op and its operands; nothing is recorded then.
    """
    arity = op.arity
    if arity == 2:
        first, second = parents
        args = (first.data, second.data)
    elif arity == 1:
        first, second = parents[0], None
        args = (first.data,)
    else:  # n-ary ops keep their parents' tuple in the first slot
        # The Values' data, checking their class on the way: anything else (a number, a
        # subclass of Value, a wrong type) makes the counts differ; _as_parents converts or raises.
        args = tuple([p.data for p in parents if p.__class__ is Value])
        if len(args) != len(parents):
            parents = _as_parents(parents, op.name)
            args = tuple([p.data for p in parents])
        first, second = parents, None
    try:
        data = op.forward(args, param)
    except (ValueError, ZeroDivisionError, OverflowError) as error:
        raise type(error)(_forward_error_message(op, parents, param, error)) from None
    if data - data != 0.0:  # inf or nan: the finite inputs overflowed
        raise OverflowError(_forward_error_message(op, parents, param, None))
    node = _new_value(Value)
    node.data = data
    node.grad = 0.0
    node.label = None
    if _grad_mode_blocks and not _grad_state.enabled:  # inside no_grad: record no parents
        node.op = node.param = node._first = node._second = None
    else:
        node.op = op
        node.param = param
        node._first = first
        node._second = second
    return node


def format_operands(parents: tuple) -> str:
    """The parents' data for an error message: ``1.0, 2.0`` (the first six, then ``...``)."""
    return ", ".join(f"{p.data!r}" for p in parents[:6]) + (", ..." if len(parents) > 6 else "")


def _forward_error_message(op: Op, parents: tuple, param: Any, error: Exception | None) -> str:
    operands = format_operands(parents)
    call = f"{op.name}({operands})" if param is None else f"{op.name}({operands}; {op.describe(param)})"
    if error is None or isinstance(error, OverflowError):
        return f"{call}: the result overflows a float (largest is about 1.8e308)"
    domain = f"; {op.name} is defined for {op.domain}" if op.domain else ""
    return f"{call}: {error}{domain}"


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
    w = weights if weights.__class__ in (list, tuple) else list(weights)
    x = inputs if inputs.__class__ in (list, tuple) else list(inputs)
    if len(w) != len(x):
        raise ValueError(f"dot: {len(w)} weights but {len(x)} inputs (they must have the same length)")
    if bias.__class__ is Value or not (isinstance(bias, (int, float)) and bias == 0):
        parents = (*w, *x, bias)
    else:
        parents = (*w, *x)
    return apply(DOT, parents, len(w))


def _as_parents(items: tuple, op_name: str) -> tuple[Value, ...]:
    """``items`` as a tuple of Values: numbers become constant leaves; anything else is a
    ``TypeError`` naming the op."""
    return tuple([_as_value_or_raise(item, op_name) for item in items])


# --------------------------------------------------------------------------------------------
# no_grad: a thread-local switch.
# --------------------------------------------------------------------------------------------

class _GradState(threading.local):
    enabled = True


_grad_state = _GradState()
_grad_mode_blocks = 0
"""How many ``no_grad``/``enable_grad`` blocks are open in all threads: while none is, recording
an op skips the (slower) thread-local look-up."""
_grad_mode_lock = threading.Lock()


def is_grad_enabled() -> bool:
    """True unless inside :func:`no_grad` (in this thread)."""
    return _grad_state.enabled


@contextmanager
def _grad_mode(enabled: bool) -> Iterator[None]:
    global _grad_mode_blocks
    previous = _grad_state.enabled
    with _grad_mode_lock:
        _grad_mode_blocks += 1
    _grad_state.enabled = enabled
    try:
        yield
    finally:
        _grad_state.enabled = previous
        with _grad_mode_lock:
            _grad_mode_blocks -= 1


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
    return type(x) in (float, int, bool) or isinstance(x, numbers.Real)


def _to_finite_float(x: Any, what: str) -> float:
    if not _is_real_number(x):
        raise TypeError(f"{what} must be a real number (an int, float, bool or other numbers.Real), "
                        f"got {type(x).__name__}: {x!r}")
    try:
        result = float(x)
    except OverflowError:
        result = math.inf
    if not _isfinite(result):
        raise ValueError(f"{what} must be finite, got {result!r}")
    return result


def _is_plain_constant(x: Any) -> bool:
    """A finite float, or an int that a float holds exactly: the numbers code writes most."""
    if x.__class__ is float:
        return x - x == 0.0  # False for inf and nan
    return x.__class__ is int and -_EXACT_INT <= x <= _EXACT_INT


_EXACT_INT = 2 ** 53


def _as_value(x: Any, op_name: str) -> Value | None:
    """``x`` as a Value (numbers become constant leaves), or None if it is not a number; a
    number that is not finite is a ``ValueError`` naming the op it was given to."""
    if isinstance(x, Value):
        return x
    if _is_plain_constant(x):  # skip Value()'s slower checks
        node = _new_value(Value)
        node.data = float(x)
        node.grad = 0.0
        node.op = node.param = node.label = node._first = node._second = None
        return node
    if _is_real_number(x):
        return Value(_to_finite_float(x, f"{op_name}: an operand"))
    return None


def _as_value_or_raise(x: Any, op_name: str) -> Value:
    value = _as_value(x, op_name)
    if value is None:
        raise TypeError(f"{op_name}: expected a Value or a real number, got {type(x).__name__}: {x!r}")
    return value


def _check_label(label: Any) -> str | None:
    if label is not None and not isinstance(label, str):
        raise TypeError(f"Value(label) must be a str or None, got {type(label).__name__}: {label!r}")
    return label


VALUE_MATH = SimpleNamespace(
    exp=Value.exp,
    log=Value.log,
    sin=Value.sin,
    cos=Value.cos,
    sigmoid=Value.sigmoid,
    sign=lambda x: _sign(x.data),  # a constant: the derivative of sign is 0
    data=lambda x: x.data,
)
"""The math namespace for rules evaluated on Values (``backward(create_graph=True)``)."""
