"""Every op of the table against two oracles: central finite differences and PyTorch (float64).

The cases below are keyed by op name and checked against ``autograd.OPS``, so an op added to
the table without test points fails ``test_every_op_in_the_table_has_test_cases``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import pytest

import autograd
from autograd import OPS, Op, Value, gradients


@dataclass(frozen=True)
class Case:
    """One way to call an op: a builder on Values, the same function in torch, and points."""

    op: str
    build: Callable[..., Value]
    torch_fn: Callable[..., Any]
    points: tuple[tuple[float, ...], ...]
    param: Any = None
    """The op's constant the builder should record (``node.param``)."""
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.op


def _F():
    return pytest.importorskip("torch").nn.functional


def _torch():
    return pytest.importorskip("torch")


def _pow_case(c: float, points: tuple[tuple[float, ...], ...]) -> Case:
    return Case("pow", lambda x: x ** c, lambda x: x ** c, points, param=float(c), name=f"pow[{c:g}]")


def _dot_case(n: int, bias: bool, points: tuple[tuple[float, ...], ...]) -> Case:
    if bias:
        def build(*a):
            return autograd.dot(a[:n], a[n:2 * n], a[2 * n])

        def torch_fn(*a):
            return _torch().stack([w * x for w, x in zip(a[:n], a[n:2 * n])]).sum() + a[2 * n]
    else:
        def build(*a):
            return autograd.dot(a[:n], a[n:])

        def torch_fn(*a):
            return _torch().stack([w * x for w, x in zip(a[:n], a[n:])]).sum()
    return Case("dot", build, torch_fn, points, param=n, name=f"dot[n={n},bias={bias}]")


_BINARY_POINTS = ((1.5, -2.0), (0.3, 0.7), (-3.0, 4.5))
_SMOOTH_POINTS = ((-1.3,), (0.0,), (2.1,))

CASES: dict[str, list[Case]] = {
    "add": [Case("add", lambda a, b: a + b, lambda a, b: a + b, _BINARY_POINTS)],
    "sub": [Case("sub", lambda a, b: a - b, lambda a, b: a - b, _BINARY_POINTS)],
    "mul": [Case("mul", lambda a, b: a * b, lambda a, b: a * b, _BINARY_POINTS)],
    "div": [Case("div", lambda a, b: a / b, lambda a, b: a / b, _BINARY_POINTS)],
    "neg": [Case("neg", lambda a: -a, lambda a: -a, ((1.5,), (-0.3,), (4.0,)))],
    "pow": [
        _pow_case(2, ((1.5,), (-2.0,), (0.3,))),
        _pow_case(3, ((-1.2,), (0.7,))),
        _pow_case(-1, ((0.5,), (-2.0,))),
        _pow_case(0.5, ((0.3,), (4.0,))),
        _pow_case(-1.5, ((0.7,), (2.5,))),
        _pow_case(0, ((1.3,), (-0.4,))),
        _pow_case(1, ((-0.4,),)),
    ],
    "power": [Case("power", lambda x, y: x ** y, lambda x, y: x ** y,
                   ((1.5, 2.0), (0.7, -1.3), (2.5, 0.5), (3.0, 1.0)))],
    "abs": [Case("abs", lambda a: a.abs(), lambda a: a.abs(), ((1.5,), (-0.3,), (-4.0,)))],
    "exp": [Case("exp", lambda a: a.exp(), lambda a: a.exp(), ((0.0,), (1.3,), (-2.5,)))],
    "log": [Case("log", lambda a: a.log(), lambda a: a.log(), ((0.3,), (1.0,), (5.0,)))],
    "sqrt": [Case("sqrt", lambda a: a.sqrt(), lambda a: a.sqrt(), ((0.3,), (2.0,), (9.0,)))],
    "sin": [Case("sin", lambda a: a.sin(), lambda a: a.sin(), _SMOOTH_POINTS)],
    "cos": [Case("cos", lambda a: a.cos(), lambda a: a.cos(), _SMOOTH_POINTS)],
    "tanh": [Case("tanh", lambda a: a.tanh(), lambda a: a.tanh(), _SMOOTH_POINTS)],
    "sigmoid": [Case("sigmoid", lambda a: a.sigmoid(), lambda a: a.sigmoid(), _SMOOTH_POINTS)],
    "relu": [Case("relu", lambda a: a.relu(), lambda a: a.relu(), ((1.5,), (-0.3,), (0.01,)))],
    "leaky_relu": [
        Case("leaky_relu", lambda a: a.leaky_relu(), lambda a: _F().leaky_relu(a, 0.1),
             ((1.5,), (-0.3,), (-4.0,)), param=0.1, name="leaky_relu[default]"),
        Case("leaky_relu", lambda a: a.leaky_relu(0.2), lambda a: _F().leaky_relu(a, 0.2),
             ((2.0,), (-0.7,)), param=0.2, name="leaky_relu[0.2]"),
    ],
    "elu": [
        Case("elu", lambda a: a.elu(), lambda a: _F().elu(a, 1.0),
             ((1.5,), (-0.3,), (-2.0,)), param=1.0, name="elu[default]"),
        Case("elu", lambda a: a.elu(0.5), lambda a: _F().elu(a, 0.5),
             ((0.8,), (-1.1,)), param=0.5, name="elu[0.5]"),
    ],
    "softplus": [Case("softplus", lambda a: a.softplus(), lambda a: _F().softplus(a),
                      ((-3.0,), (0.0,), (2.5,)))],
    "max": [Case("max", lambda a, b: a.max(b), lambda a, b: _torch().maximum(a, b),
                 ((1.5, -2.0), (-0.3, 0.7), (4.0, 4.5)))],
    "min": [Case("min", lambda a, b: a.min(b), lambda a, b: _torch().minimum(a, b),
                 ((1.5, -2.0), (-0.3, 0.7), (4.0, 4.5)))],
    "sum": [
        Case("sum", lambda *a: autograd.sum(a), lambda *a: _torch().stack(a).sum(),
             ((2.0,), (1.0, -2.0, 0.5), (0.1, 0.2, 0.3, -0.4, 5.0)), name="sum"),
    ],
    "dot": [
        _dot_case(1, False, ((2.0, -3.0), (0.5, 0.25))),
        _dot_case(2, True, ((1.0, -2.0, 0.5, 3.0, 0.7),)),
        _dot_case(3, True, ((0.1, 0.2, 0.3, -1.0, 2.0, -3.0, 0.5),)),
    ],
}

ALL_POINTS = [pytest.param(case, point, id=f"{case.id}-{point}")
              for cases in CASES.values() for case in cases for point in case.points]


def values_at(point: tuple[float, ...]) -> list[Value]:
    return [Value(x, label=f"x{i}") for i, x in enumerate(point)]


def central_difference(f: Callable[..., Value], point: tuple[float, ...], i: int, h: float = 1e-5) -> float:
    """(f(x + h·eᵢ) - f(x - h·eᵢ)) / 2h, computed on fresh leaves (independent of the engine's own)."""
    up, down = list(point), list(point)
    up[i] += h
    down[i] -= h
    return (f(*values_at(tuple(up))).data - f(*values_at(tuple(down))).data) / (2 * h)


def torch_value_and_grads(case: Case, point: tuple[float, ...]):
    torch = _torch()
    inputs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = case.torch_fn(*inputs)
    grads = torch.autograd.grad(out, inputs, allow_unused=True)
    return out.item(), [0.0 if g is None else g.item() for g in grads]


def torch_hessian(case: Case, point: tuple[float, ...]) -> list[list[float]]:
    torch = _torch()
    inputs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in point]
    out = case.torch_fn(*inputs)
    first = torch.autograd.grad(out, inputs, create_graph=True, allow_unused=True)
    rows = []
    for g in first:
        if g is None or not g.requires_grad:
            rows.append([0.0] * len(inputs))
            continue
        second = torch.autograd.grad(g, inputs, allow_unused=True)
        rows.append([0.0 if s is None else s.item() for s in second])
    return rows


# --------------------------------------------------------------------------------------------
# The table and the cases stay in sync.
# --------------------------------------------------------------------------------------------

def test_every_op_in_the_table_has_test_cases():
    missing = sorted(set(OPS) - set(CASES))
    stale = sorted(set(CASES) - set(OPS))
    assert not missing, f"ops without test cases in tests/autograd/test_ops.py: {missing}"
    assert not stale, f"test cases for ops that are not in autograd.OPS: {stale}"
    for name, cases in CASES.items():
        assert sum(len(c.points) for c in cases) >= 2, f"{name} needs at least two test points"


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_record_is_complete(name):
    op = OPS[name]
    assert isinstance(op, Op)
    assert op.name == name
    assert op.symbol and isinstance(op.symbol, str)
    assert op.rule and "\n" not in op.rule, "rule must be one line of math"
    assert op.arity is None or op.arity in (1, 2)
    assert isinstance(op.domain, str)


@pytest.mark.parametrize("case, point", ALL_POINTS)
def test_builder_records_the_op_its_param_and_its_parents_in_order(case, point):
    inputs = values_at(point)
    out = case.build(*inputs)
    op = OPS[case.op]
    assert out.op is op
    assert out.param == case.param
    assert out.parents == tuple(inputs)
    if op.arity is not None:
        assert len(out.parents) == op.arity
    assert not out.is_leaf
    described = op.describe(out.param)
    assert "{" not in described and described


@pytest.mark.parametrize("op, param, expected", [
    ("pow", 2.0, "**2"), ("pow", -0.5, "**-0.5"), ("leaky_relu", 0.1, "leaky_relu(0.1)"),
    ("elu", 1.0, "elu(1)"), ("mul", None, "*"), ("add", None, "+"), ("sigmoid", None, "σ"),
])
def test_describe_fills_in_the_constant(op, param, expected):
    assert OPS[op].describe(param) == expected


# --------------------------------------------------------------------------------------------
# Oracle 1: central finite differences.
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case, point", ALL_POINTS)
def test_derivative_matches_central_difference(case, point):
    inputs = values_at(point)
    out = case.build(*inputs)
    out.backward()
    for i, x in enumerate(inputs):
        numeric = central_difference(case.build, point, i)
        assert math.isclose(x.grad, numeric, rel_tol=1e-6, abs_tol=1e-7), \
            f"{case.id} at {point}: d/dx{i} analytic {x.grad} vs numeric {numeric}"


@pytest.mark.parametrize("case, point", ALL_POINTS)
def test_create_graph_gives_the_same_first_derivative_as_floats(case, point):
    inputs = values_at(point)
    on_floats = gradients(case.build(*inputs), inputs)
    on_values = gradients(case.build(*inputs), inputs, create_graph=True)
    assert all(isinstance(g, Value) for g in on_values)
    assert [g.data for g in on_values] == pytest.approx(on_floats, rel=1e-14, abs=1e-15)


@pytest.mark.parametrize("case, point", ALL_POINTS)
def test_second_derivative_matches_central_difference_of_the_gradient(case, point):
    inputs = values_at(point)
    first = gradients(case.build(*inputs), inputs, create_graph=True)
    for i, g in enumerate(first):
        second = gradients(g, inputs)
        for j in range(len(inputs)):
            def partial_i(*xs, i=i):
                return Value(gradients(case.build(*xs), list(xs))[i])
            numeric = central_difference(partial_i, point, j)
            assert math.isclose(second[j], numeric, rel_tol=1e-5, abs_tol=1e-6), \
                f"{case.id} at {point}: d2/dx{i}dx{j} analytic {second[j]} vs numeric {numeric}"


# --------------------------------------------------------------------------------------------
# Oracle 2: PyTorch in float64.
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case, point", ALL_POINTS)
def test_value_and_gradient_match_torch(case, point):
    expected_value, expected_grads = torch_value_and_grads(case, point)
    inputs = values_at(point)
    out = case.build(*inputs)
    out.backward()
    assert out.data == pytest.approx(expected_value, rel=1e-12, abs=1e-14)
    assert [x.grad for x in inputs] == pytest.approx(expected_grads, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("case, point", ALL_POINTS)
def test_second_derivatives_match_torch(case, point):
    expected = torch_hessian(case, point)
    inputs = values_at(point)
    first = gradients(case.build(*inputs), inputs, create_graph=True)
    hessian = [gradients(g, inputs) for g in first]
    for row, expected_row in zip(hessian, expected):
        assert row == pytest.approx(expected_row, rel=1e-12, abs=1e-14)


# At kinks and ties the engine follows PyTorch's conventions (a subgradient) so that the two
# oracles agree everywhere a user can land.
KINKS = [
    pytest.param("abs", lambda a: a.abs(), lambda a: a.abs(), (0.0,), id="abs(0)"),
    pytest.param("relu", lambda a: a.relu(), lambda a: a.relu(), (0.0,), id="relu(0)"),
    pytest.param("leaky_relu", lambda a: a.leaky_relu(), lambda a: _F().leaky_relu(a, 0.1), (0.0,),
                 id="leaky_relu(0)"),
    pytest.param("elu", lambda a: a.elu(0.5), lambda a: _F().elu(a, 0.5), (0.0,), id="elu(0)"),
    pytest.param("max", lambda a, b: a.max(b), lambda a, b: _torch().maximum(a, b), (1.0, 1.0), id="max-tie"),
    pytest.param("min", lambda a, b: a.min(b), lambda a, b: _torch().minimum(a, b), (1.0, 1.0), id="min-tie"),
    pytest.param("pow", lambda a: a ** 2, lambda a: a ** 2, (0.0,), id="0**2"),
    pytest.param("pow", lambda a: a ** 0, lambda a: a ** 0, (0.0,), id="0**0"),
    pytest.param("power", lambda a, b: a ** b, lambda a, b: a ** b, (0.0, 2.0), id="0**Value(2)"),
    pytest.param("power", lambda a, b: a ** b, lambda a, b: a ** b, (0.0, 0.0), id="0**Value(0)"),
]


@pytest.mark.parametrize("op, build, torch_fn, point", KINKS)
def test_kinks_and_ties_follow_torch(op, build, torch_fn, point):
    case = Case(op, build, torch_fn, (point,))
    expected_value, expected_grads = torch_value_and_grads(case, point)
    inputs = values_at(point)
    out = build(*inputs)
    assert out.op is OPS[op]
    out.backward()
    assert out.data == expected_value
    assert [x.grad for x in inputs] == expected_grads


def test_leaky_relu_is_the_lectures_max_of_a_tenth_x_and_x():
    for x in (-3.0, -0.5, 0.0, 0.25, 4.0):
        assert Value(x).leaky_relu().data == max(0.1 * x, x)
