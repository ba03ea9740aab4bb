"""Property tests: random expressions built from the op table, differentiated by the engine and
checked against finite differences (first and second derivatives) and against PyTorch.

An expression is a recipe: input points, then steps ``(op, operand indices, variant)`` each
making one node from earlier ones with one of the op's test cases (``test_ops.CASES``: the same
row gives the Value and the torch form); the last node is the output. Operands a case marks
``positive`` are always inside the op's domain (``log(a² + ½)``), and examples are rejected when
a finite difference would cross a case's kink (``relu``, ``abs``, ``max``...), overflow, or meet
numbers too large for a finite difference to be accurate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from autograd import OPS, Value, backward_steps, gradients, topological_order

from .test_ops import CASES, Case

H = 1e-5
LIMIT = 1e4  # larger values, gradients or second derivatives are rejected: finite differences lose digits


# --------------------------------------------------------------------------------------------
# The steps of an expression: every op's test cases (test_ops.CASES), replayed in either library.
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Variant:
    """One way to make a node: a case of ``test_ops.CASES`` called with ``arity`` operands."""

    case: Case
    arity: int

    def build(self, operands: list, torch: Any = None, branches: list | None = None) -> Any:
        """The node, from Values (``torch=None``) or from torch tensors; operands the case marks
        ``positive`` are made so (``a² + ½``), and the side of the case's kink is recorded."""
        operands = [a * a + 0.5 if i in self.case.positive else a for i, a in enumerate(operands)]
        if self.case.kink is not None and branches is not None:
            distance = self.case.kink([a.data for a in operands])
            branches.append((distance > 0.0) - (distance < 0.0))
        return self.case.build(*operands) if torch is None else self.case.torch_fn(*operands)


VARIANTS: dict[str, list[Variant]] = {
    op: [Variant(case, arity) for case in cases for arity in sorted({len(point) for point in case.points})]
    for op, cases in CASES.items()
}
"""Every op's ways to make a node, derived from its test cases: nothing to add here for a new op."""


def test_every_op_in_the_table_makes_random_expressions():
    assert set(VARIANTS) == set(OPS) and all(VARIANTS.values())


# --------------------------------------------------------------------------------------------
# Expressions
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    op: str
    operands: tuple[int, ...]
    variant: int
    """Which of ``VARIANTS[op]``."""

    def __repr__(self) -> str:
        return f"{VARIANTS[self.op][self.variant].case.id}{self.operands}"


@dataclass(frozen=True)
class Expression:
    point: tuple[float, ...]
    steps: tuple[Step, ...]

    def build(self, leaves: list, torch: Any = None, branches: list | None = None) -> Any:
        nodes = list(leaves)
        for step in self.steps:
            variant = VARIANTS[step.op][step.variant]
            nodes.append(variant.build([nodes[i] for i in step.operands], torch, branches))
        return nodes[-1]

    def values(self, point=None, branches: list | None = None) -> tuple[list[Value], Value]:
        leaves = [Value(x, label=f"x{i}") for i, x in enumerate(self.point if point is None else point)]
        return leaves, self.build(leaves, branches=branches)


@st.composite
def expressions(draw, max_steps: int = 6) -> Expression:
    n_inputs = draw(st.integers(1, 3))
    point = tuple(draw(st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False)) for _ in range(n_inputs))
    steps = []
    for _ in range(draw(st.integers(1, max_steps))):
        count = n_inputs + len(steps)
        op = draw(st.sampled_from(sorted(VARIANTS)))
        variant = draw(st.integers(0, len(VARIANTS[op]) - 1))
        operands = tuple(draw(st.integers(0, count - 1)) for _ in range(VARIANTS[op][variant].arity))
        steps.append(Step(op, operands, variant))
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
    t_out = expr.build(inputs, torch)
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
