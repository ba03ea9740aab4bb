"""Property tests: random expressions built from the op table, differentiated by the engine and
checked against finite differences (first and second derivatives) and against PyTorch.

An expression is a recipe: input points, then steps ``(op, operand indices, param)`` each
making one node from earlier ones; the last node is the output. Ops with a restricted domain
get an argument that is always inside it (``log(a² + ½)``), and examples are rejected when a
finite difference would cross a kink (``relu``, ``abs``, ``max``...), overflow, or meet
numbers too large for a finite difference to be accurate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value, backward_steps, gradients, topological_order

H = 1e-5
LIMIT = 1e4  # larger values, gradients or second derivatives are rejected: finite differences lose digits


# --------------------------------------------------------------------------------------------
# The two libraries an expression can be replayed in.
# --------------------------------------------------------------------------------------------

class ValueLib:
    """Builds expressions from ``autograd.Value`` and records which side of each kink it is on."""

    def __init__(self, branches: list | None = None):
        self.branches = branches

    def branch(self, distance: float) -> None:
        """Record on which side of a kink (or pole) at 0 the argument ``distance`` lies."""
        if self.branches is not None:
            self.branches.append((distance > 0.0) - (distance < 0.0))

    @staticmethod
    def data(x: Value) -> float:
        return x.data

    leaky_relu = staticmethod(lambda a, slope: a.leaky_relu(slope))
    elu = staticmethod(lambda a, alpha: a.elu(alpha))
    softplus = staticmethod(lambda a: a.softplus())
    maximum = staticmethod(lambda a, b: a.max(b))
    minimum = staticmethod(lambda a, b: a.min(b))
    sum = staticmethod(lambda xs: autograd.sum(xs))
    dot = staticmethod(lambda w, x, b: autograd.dot(w, x) if b is None else autograd.dot(w, x, b))


class TorchLib:
    """The same expressions in PyTorch float64."""

    def __init__(self, torch: Any):
        self.torch = torch
        self.F = torch.nn.functional

    def branch(self, distance: float) -> None:
        pass

    @staticmethod
    def data(x: Any) -> float:
        return x.item()

    def leaky_relu(self, a, slope):
        return self.F.leaky_relu(a, slope)

    def elu(self, a, alpha):
        return self.F.elu(a, alpha)

    def softplus(self, a):  # exact, unlike F.softplus, which returns x itself beyond x = 20
        return self.torch.logaddexp(a, self.torch.zeros_like(a))

    def maximum(self, a, b):
        return self.torch.maximum(a, b)

    def minimum(self, a, b):
        return self.torch.minimum(a, b)

    def sum(self, xs):
        return self.torch.stack(list(xs)).sum()

    def dot(self, w, x, b):
        total = self.torch.stack([wi * xi for wi, xi in zip(w, x)]).sum()
        return total if b is None else total + b


# --------------------------------------------------------------------------------------------
# One builder per op of the table: (lib, operands, param) -> node, staying inside the op's domain.
# --------------------------------------------------------------------------------------------

def _positive(lib, a):
    return a * a + 0.5


def _pow(lib, args, c):
    (a,) = args
    if float(c).is_integer():
        lib.branch(lib.data(a))  # a pole at 0 for c < 0
        return a ** c
    return _positive(lib, a) ** c


def _kinked(make: Callable, kink: Callable = lambda lib, args: lib.data(args[0])):
    def build(lib, args, param):
        lib.branch(kink(lib, args))
        return make(lib, args, param)
    return build


def _dot(lib, args, param):
    n, has_bias = param
    return lib.dot(args[:n], args[n:2 * n], args[2 * n] if has_bias else None)


@dataclass(frozen=True)
class Builder:
    build: Callable
    arity: int | None  # operands; None: decided by the param (sum, dot)
    params: tuple = (None,)


BUILDERS: dict[str, Builder] = {
    "add": Builder(lambda lib, a, p: a[0] + a[1], 2),
    "sub": Builder(lambda lib, a, p: a[0] - a[1], 2),
    "mul": Builder(lambda lib, a, p: a[0] * a[1], 2),
    "div": Builder(_kinked(lambda lib, a, p: a[0] / a[1], lambda lib, a: lib.data(a[1])), 2),
    "neg": Builder(lambda lib, a, p: -a[0], 1),
    "pow": Builder(_pow, 1, (2, 3, -1, -2, 0.5, 1.5, -0.5)),
    "power": Builder(lambda lib, a, p: _positive(lib, a[0]) ** a[1], 2),
    "abs": Builder(_kinked(lambda lib, a, p: abs(a[0])), 1),
    "exp": Builder(lambda lib, a, p: a[0].exp(), 1),
    "log": Builder(lambda lib, a, p: _positive(lib, a[0]).log(), 1),
    "log1p": Builder(lambda lib, a, p: _positive(lib, a[0]).log1p(), 1),
    "sqrt": Builder(lambda lib, a, p: _positive(lib, a[0]).sqrt(), 1),
    "sin": Builder(lambda lib, a, p: a[0].sin(), 1),
    "cos": Builder(lambda lib, a, p: a[0].cos(), 1),
    "tanh": Builder(lambda lib, a, p: a[0].tanh(), 1),
    "sigmoid": Builder(lambda lib, a, p: a[0].sigmoid(), 1),
    "relu": Builder(_kinked(lambda lib, a, p: a[0].relu()), 1),
    "leaky_relu": Builder(_kinked(lambda lib, a, p: lib.leaky_relu(a[0], p)), 1, (0.1, 0.2, 0.01)),
    "elu": Builder(_kinked(lambda lib, a, p: lib.elu(a[0], p)), 1, (1.0, 0.5)),
    "softplus": Builder(lambda lib, a, p: lib.softplus(a[0]), 1),
    "max": Builder(_kinked(lambda lib, a, p: lib.maximum(a[0], a[1]),
                           lambda lib, a: lib.data(a[0]) - lib.data(a[1])), 2),
    "min": Builder(_kinked(lambda lib, a, p: lib.minimum(a[0], a[1]),
                           lambda lib, a: lib.data(a[0]) - lib.data(a[1])), 2),
    "sum": Builder(lambda lib, a, p: lib.sum(a), None, (1, 2, 3)),
    "dot": Builder(_dot, None, ((1, False), (1, True), (2, False), (2, True))),
}


def _operand_count(op: str, param: Any) -> int:
    arity = BUILDERS[op].arity
    if arity is not None:
        return arity
    if op == "sum":
        return param
    n, has_bias = param
    return 2 * n + has_bias


def test_every_op_in_the_table_has_a_builder():
    assert set(BUILDERS) == set(OPS), f"add a builder to test_properties.py for: {sorted(set(OPS) ^ set(BUILDERS))}"


# --------------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    op: str
    operands: tuple[int, ...]
    param: Any

    def __repr__(self) -> str:
        param = "" if self.param is None else f"; {self.param}"
        return f"{self.op}{self.operands}{param}"


@dataclass(frozen=True)
class Expression:
    point: tuple[float, ...]
    steps: tuple[Step, ...]

    def build(self, leaves: list, lib: Any) -> Any:
        nodes = list(leaves)
        for step in self.steps:
            nodes.append(BUILDERS[step.op].build(lib, [nodes[i] for i in step.operands], step.param))
        return nodes[-1]

    def values(self, point=None, branches: list | None = None) -> tuple[list[Value], Value]:
        leaves = [Value(x, label=f"x{i}") for i, x in enumerate(self.point if point is None else point)]
        return leaves, self.build(leaves, ValueLib(branches))


@st.composite
def expressions(draw, max_steps: int = 6) -> Expression:
    n_inputs = draw(st.integers(1, 3))
    point = tuple(draw(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)) for _ in range(n_inputs))
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        count = n_inputs + len(steps)
        op = draw(st.sampled_from(sorted(BUILDERS)))
        param = draw(st.sampled_from(BUILDERS[op].params))
        operands = tuple(draw(st.integers(0, count - 1)) for _ in range(_operand_count(op, param)))
        steps.append(Step(op, operands, param))
    return Expression(point, tuple(steps))


def _shifted(point: tuple[float, ...], i: int, delta: float) -> tuple[float, ...]:
    shifted = list(point)
    shifted[i] += delta
    return tuple(shifted)


def smooth_around(expr: Expression) -> tuple[list[Value], Value]:
    """The expression at its point, rejecting the example unless it is finite, moderate and on
    the same side of every kink at each point a finite difference will evaluate."""
    try:
        branches: list = []
        leaves, out = expr.values(branches=branches)
        for i in range(len(expr.point)):
            for delta in (H, -H):
                other: list = []
                expr.values(_shifted(expr.point, i, delta), branches=other)
                assume(other == branches)
    except (OverflowError, ValueError, ZeroDivisionError):
        assume(False)
    assume(abs(out.data) < LIMIT)
    note(f"{expr}")
    return leaves, out


def analytic_gradient(expr: Expression, point: tuple[float, ...]) -> list[float]:
    leaves, out = expr.values(point)
    return gradients(out, leaves)


def gradients_or_reject(out, leaves, create_graph=False):
    """``gradients(out, leaves)``, rejecting the example where a derivative is undefined (a kink)."""
    try:
        return gradients(out, leaves, create_graph=create_graph)
    except FloatingPointError:
        assume(False)


def close(analytic: float, numeric: float, tolerance: float) -> bool:
    return abs(analytic - numeric) <= tolerance * (1.0 + abs(numeric))


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

@given(expressions())
def test_first_derivatives_match_central_differences(expr):
    leaves, out = smooth_around(expr)
    analytic = gradients_or_reject(out, leaves)
    assume(all(abs(g) < LIMIT for g in analytic))
    for i, g in enumerate(analytic):
        up = expr.values(_shifted(expr.point, i, H))[1].data
        down = expr.values(_shifted(expr.point, i, -H))[1].data
        numeric = (up - down) / (2 * H)
        assert close(g, numeric, 1e-5), f"d/dx{i}: analytic {g}, numeric {numeric}"


@given(expressions())
def test_second_derivatives_match_central_differences_of_the_gradient(expr):
    leaves, out = smooth_around(expr)
    try:
        first = gradients(out, leaves, create_graph=True)
        hessian = [gradients(g, leaves) for g in first]
        assume(all(abs(g.data) < LIMIT for g in first))
        assume(all(abs(h) < LIMIT for row in hessian for h in row))
        for j in range(len(leaves)):
            up = analytic_gradient(expr, _shifted(expr.point, j, H))
            down = analytic_gradient(expr, _shifted(expr.point, j, -H))
            for i in range(len(leaves)):
                numeric = (up[i] - down[i]) / (2 * H)
                assert close(hessian[i][j], numeric, 1e-4), \
                    f"d2/dx{i}dx{j}: analytic {hessian[i][j]}, numeric {numeric}"
    except FloatingPointError:
        assume(False)


@given(expressions())
def test_create_graph_gradient_equals_the_float_gradient(expr):
    leaves, out = smooth_around(expr)
    on_floats = gradients_or_reject(out, leaves)
    on_values = gradients(out, leaves, create_graph=True)
    assert [g.data for g in on_values] == pytest.approx(on_floats, rel=1e-12, abs=1e-12)


@given(expressions())
def test_first_and_second_derivatives_match_torch(expr):
    torch = pytest.importorskip("torch")
    leaves, out = smooth_around(expr)
    try:
        first = gradients(out, leaves, create_graph=True)
        hessian = [gradients(g, leaves) for g in first]
    except FloatingPointError:
        assume(False)
    assume(all(abs(g.data) < LIMIT for g in first))
    inputs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in expr.point]
    t_out = expr.build(inputs, TorchLib(torch))
    assert out.data == pytest.approx(t_out.item(), rel=1e-12, abs=1e-12)
    if not t_out.requires_grad:  # the output does not depend on any input
        assert all(g.data == 0.0 for g in first)
        return
    t_first = torch.autograd.grad(t_out, inputs, create_graph=True, allow_unused=True)
    t_first = [torch.zeros((), dtype=torch.float64) if g is None else g for g in t_first]
    assert [g.data for g in first] == pytest.approx([g.item() for g in t_first], rel=1e-10, abs=1e-10)
    for row, t_g in zip(hessian, t_first):
        if not t_g.requires_grad:
            expected = [0.0] * len(inputs)
        else:
            expected = [0.0 if s is None else s.item()
                        for s in torch.autograd.grad(t_g, inputs, retain_graph=True, allow_unused=True)]
        assert row == pytest.approx(expected, rel=1e-9, abs=1e-9)


@given(expressions(max_steps=10))
def test_backward_steps_replays_backward_and_a_second_pass_adds_the_same(expr):
    leaves, out = smooth_around(expr)
    twin_leaves, twin = expr.values()
    try:
        steps = list(backward_steps(out))
    except FloatingPointError:
        assume(False)
    twin.backward()
    order = topological_order(out)
    assert [v.grad for v in order] == [v.grad for v in topological_order(twin)]
    assert [s.node for s in steps] == [v for v in reversed(order) if not v.is_leaf]
    for step in steps:
        for edge in step.edges:
            assert edge.contribution == edge.local_grad * step.upstream
    first_pass = [v.grad for v in order]
    out.backward()
    for v, g in zip(order, first_pass):
        assert v.grad == (g + g if v.is_leaf else g)


@given(expressions())
def test_gradients_touches_no_grad(expr):
    leaves, out = smooth_around(expr)
    order = topological_order(out)
    for k, v in enumerate(order):
        v.grad = k * 0.5 - 1.0
    before = [v.grad for v in order]
    try:
        gradients(out, leaves)
    except FloatingPointError:
        pass
    assert [v.grad for v in order] == before
