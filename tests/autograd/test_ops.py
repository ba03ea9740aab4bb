"""Every op of the table against two oracles: central finite differences and PyTorch (float64).

The cases below are keyed by op name and checked against ``autograd.OPS``, so an op added to
the table without test points fails ``test_every_op_in_the_table_has_test_cases``. A case is
all the tests need to know of an op: the property tests (``test_properties.py``) build their
random expressions from these same rows, so a new op is one row here (and, for an op with a
restricted domain, its Python equivalent in ``PYTHON_MATH``).
"""

from __future__ import annotations

import ast
import inspect
import math
import operator
import re
import textwrap
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
    positive: tuple[int, ...] = ()
    """Operands the property tests make positive (``a² + ½``) to stay inside the op's domain."""
    kink: Callable[[list[float]], float] | None = None
    """The signed distance of the operands' numbers from a kink or pole (0 there), so the property
    tests can refuse a finite difference that would cross it (``relu``: the operand itself)."""

    @property
    def id(self) -> str:
        return self.name or self.op


def _F():
    return pytest.importorskip("torch").nn.functional


def _torch():
    return pytest.importorskip("torch")


def _pow_case(c: float, points: tuple[tuple[float, ...], ...]) -> Case:
    # an integer power has a pole at 0 when negative; a fractional one needs a positive base
    where = dict(kink=_first) if float(c).is_integer() else dict(positive=(0,))
    return Case("pow", lambda x: x ** c, lambda x: x ** c, points, param=float(c), name=f"pow[{c:g}]", **where)


def _first(operands: list[float]) -> float:
    return operands[0]


def _difference(operands: list[float]) -> float:
    return operands[0] - operands[1]


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
    "div": [Case("div", lambda a, b: a / b, lambda a, b: a / b, _BINARY_POINTS, kink=lambda a: a[1])],
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
                   ((1.5, 2.0), (0.7, -1.3), (2.5, 0.5), (3.0, 1.0)), positive=(0,))],
    "abs": [Case("abs", lambda a: a.abs(), lambda a: a.abs(), ((1.5,), (-0.3,), (-4.0,)), kink=_first)],
    "exp": [Case("exp", lambda a: a.exp(), lambda a: a.exp(), ((0.0,), (1.3,), (-2.5,)))],
    "log": [Case("log", lambda a: a.log(), lambda a: a.log(), ((0.3,), (1.0,), (5.0,)), positive=(0,))],
    "log1p": [Case("log1p", lambda a: a.log1p(), lambda a: a.log1p(), ((-0.5,), (1e-9,), (3.0,)), positive=(0,))],
    "sqrt": [Case("sqrt", lambda a: a.sqrt(), lambda a: a.sqrt(), ((0.3,), (2.0,), (9.0,)), positive=(0,))],
    "sin": [Case("sin", lambda a: a.sin(), lambda a: a.sin(), _SMOOTH_POINTS)],
    "cos": [Case("cos", lambda a: a.cos(), lambda a: a.cos(), _SMOOTH_POINTS)],
    "tanh": [Case("tanh", lambda a: a.tanh(), lambda a: a.tanh(), _SMOOTH_POINTS)],
    "sigmoid": [Case("sigmoid", lambda a: a.sigmoid(), lambda a: a.sigmoid(), _SMOOTH_POINTS)],
    "relu": [Case("relu", lambda a: a.relu(), lambda a: a.relu(), ((1.5,), (-0.3,), (0.01,)), kink=_first)],
    "leaky_relu": [
        Case("leaky_relu", lambda a: a.leaky_relu(), lambda a: _F().leaky_relu(a, 0.1),
             ((1.5,), (-0.3,), (-4.0,)), param=0.1, name="leaky_relu[default]", kink=_first),
        Case("leaky_relu", lambda a: a.leaky_relu(0.2), lambda a: _F().leaky_relu(a, 0.2),
             ((2.0,), (-0.7,)), param=0.2, name="leaky_relu[0.2]", kink=_first),
    ],
    "elu": [
        Case("elu", lambda a: a.elu(), lambda a: _F().elu(a, 1.0),
             ((1.5,), (-0.3,), (-2.0,)), param=1.0, name="elu[default]", kink=_first),
        Case("elu", lambda a: a.elu(0.5), lambda a: _F().elu(a, 0.5),
             ((0.8,), (-1.1,)), param=0.5, name="elu[0.5]", kink=_first),
    ],
    "softplus": [Case("softplus", lambda a: a.softplus(), lambda a: _torch().logaddexp(a, _torch().zeros_like(a)),
                      ((-3.0,), (0.0,), (2.5,), (30.0,)))],  # exact, unlike F.softplus: x itself beyond x = 20
    "max": [Case("max", lambda a, b: a.max(b), lambda a, b: _torch().maximum(a, b),
                 ((1.5, -2.0), (-0.3, 0.7), (4.0, 4.5)), kink=_difference)],
    "min": [Case("min", lambda a, b: a.min(b), lambda a, b: _torch().minimum(a, b),
                 ((1.5, -2.0), (-0.3, 0.7), (4.0, 4.5)), kink=_difference)],
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

@pytest.mark.parametrize("name", list(OPS))
def test_an_op_is_one_table_entry_one_method_line_and_its_test_cases(name):
    """What the docs promise about adding an op ("Adding an op"): its entry in the table, one
    line on ``Value`` when it is written as a method, and its test cases here; everything else
    (drawings, the expression language and the command's help, the compiled kernels, the property
    tests, the docs' table printed by ``python -m autograd``) is derived from the table. Here: the
    way the table says the op is written records that op, and its method is one line."""
    op = OPS[name]
    written = {"a": Value(0.5), "b": Value(2.0), "values": [Value(1.0), Value(2.0)], "w": [Value(1.0)],
               "x": [Value(3.0)], "autograd": autograd}
    assert eval(op.usage, written).op is op, op.usage  # noqa: S307 - the table's own text
    method = re.fullmatch(r"a\.(\w+)\(.*\)", op.usage)
    if method:
        source = textwrap.dedent(inspect.getsource(getattr(Value, method.group(1))))
        body = ast.parse(source).body[0].body
        code = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
        assert len(code) == 1, f"Value.{method.group(1)} should be one line under its docstring"
    assert name in CASES and (op.domain is None or name in PYTHON_MATH)


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
    assert (op.domain is None) == (op.domain_text == ""), "a domain and its words come together"


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


# --------------------------------------------------------------------------------------------
# One table, three interpreters: the same entry on floats, Values and numpy arrays.
# --------------------------------------------------------------------------------------------

def _table_call(case: Case, point: tuple[float, ...]) -> tuple[Any, tuple]:
    """The op's args and param as the case records them (a dot's n, a pow's exponent)."""
    node = case.build(*values_at(point))
    return tuple(p.data for p in node.parents), node.param


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_rule_runs_on_arrays_elementwise_and_matches_floats(name):
    np = pytest.importorskip("numpy")
    from autograd.namespaces import FLOAT_MATH, array_math

    m = array_math()
    for case in CASES[name]:
        calls = [_table_call(case, point) for point in case.points]
        by_arity: dict = {}
        for args, param in calls:  # a batch holds calls of one arity and one param
            by_arity.setdefault((len(args), param), []).append(args)
        for (arity, param), rows in by_arity.items():
            op = OPS[case.op]
            columns = tuple(np.array(column) for column in zip(*rows))
            out = op.forward(m, columns, param)
            grads = op.local_grads(m, columns, out, param)
            assert op.domain is None or np.all(op.domain(m, columns, param))
            for k, args in enumerate(rows):
                float_out = op.forward(FLOAT_MATH, args, param)
                float_grads = op.local_grads(FLOAT_MATH, args, float_out, param)
                assert out[k] == pytest.approx(float_out, rel=1e-14, abs=1e-300)
                for g_array, g_float in zip(grads, float_grads):
                    g = np.broadcast_to(g_array, out.shape)[k]
                    assert g == pytest.approx(g_float, rel=1e-14, abs=1e-300), (case.id, args)


@pytest.mark.parametrize("name, outside", [
    ("log", (0.0,)), ("log1p", (-1.0,)), ("sqrt", (-4.0,)), ("div", (1.0, 0.0)),
    ("pow", (0.0,)), ("power", (-8.0, 0.5)),
])
def test_a_domain_reads_the_same_on_floats_and_arrays_and_names_the_sample(name, outside):
    np = pytest.importorskip("numpy")
    from autograd.namespaces import FLOAT_MATH, array_math

    op = OPS[name]
    param = -1.0 if name == "pow" else None
    assert not op.domain(FLOAT_MATH, outside, param)
    inside = tuple(2.0 for _ in outside)
    columns = tuple(np.array([a, b, a]) for a, b in zip(inside, outside))
    assert op.domain(array_math(), columns, param).tolist() == [True, False, True]
    on_floats = str(op.domain_error(outside, param))
    on_arrays = str(op.domain_error(outside, param, sample=1))
    assert on_arrays == f"sample 1: {on_floats}"
    assert f"{name}(" in on_floats and repr(float(outside[0])) in on_floats and op.domain_text in on_floats


PYTHON_MATH = {  # the same float math in Python: the operator where it raises, else math's function
    "div": (operator.truediv, [(1.0, 0.0), (-2.5, 0.0), (0.0, 0.0)]),
    "pow": (operator.pow, [(0.0, -1.0), (0.0, -0.5), (0.0, -2.0)]),
    "power": (operator.pow, [(0.0, -1.0), (0.0, -3.5)]),
    "log": (math.log, [(0.0,), (-1.0,)]),
    "log1p": (math.log1p, [(-1.0,), (-2.0,)]),
    "sqrt": (math.sqrt, [(-4.0,), (-1e-300,)]),
}
"""For each op with a domain, Python's own function for it and inputs outside the domain."""
NEGATIVE_BASE = [(-8.0, 0.5), (-1.0, -1.5)]
"""``(-8.0) ** 0.5`` is a complex number in Python; ``math.pow``, the float function, raises."""


def test_every_op_with_a_domain_states_its_python_equivalent():
    assert set(PYTHON_MATH) == {name for name, op in OPS.items() if op.domain is not None}


@pytest.mark.parametrize("name, operands", [pytest.param(name, operands, id=f"{name}{operands}")
                                            for name, (_, points) in PYTHON_MATH.items() for operands in points]
                         + [pytest.param(name, operands, id=f"{name}{operands}")
                            for name in ("pow", "power") for operands in NEGATIVE_BASE])
def test_a_domain_error_has_the_type_python_raises_for_the_same_floats(name, operands):
    function = PYTHON_MATH[name][0] if operands not in NEGATIVE_BASE else math.pow
    with pytest.raises(Exception) as python:
        function(*operands)
    op = OPS[name]
    values = [Value(x) for x in operands]
    with pytest.raises(Exception) as ours:
        if name == "pow":
            values[0] ** operands[1]
        else:
            autograd.apply(op, values)
    assert type(ours.value) is type(python.value), (python.value, ours.value)
    assert str(ours.value).startswith(f"{name}(") and "outside its domain" in str(ours.value)
    param = operands[1] if name == "pow" else None
    args = operands[:1] if name == "pow" else operands
    assert type(op.domain_error(args, param, sample=3)) is type(python.value)  # the compiled kernels' too


def test_domain_errors_from_values_use_the_same_words():
    with pytest.raises(ValueError) as info:
        Value(-4.0).sqrt()
    assert str(info.value) == str(OPS["sqrt"].domain_error((-4.0,)))
    with pytest.raises(ZeroDivisionError) as info:
        Value(1.0) / 0
    assert str(info.value) == str(OPS["div"].domain_error((1.0, 0.0)))


def test_the_engine_imports_without_numpy():
    import subprocess
    import sys

    code = ("import sys; sys.modules['numpy'] = None\n"
            "import autograd\n"
            "x = autograd.Value(2.0); (x * x).backward(); print(x.grad)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "4.0"


# --------------------------------------------------------------------------------------------
# Rules that branch: each branch keeps the dependence the math has (second derivatives).
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("f, point", [
    (lambda a, b: a ** b, [0.5, 0.0]),  # ∂²(xʸ)/∂x∂y at y = 0 is 1/x = 2: a constant 0 branch cut it
    (lambda a, b: a ** b, [2.0, 0.0]),
    (lambda a, b: a ** b, [1.5, 1.0]),
    (lambda a: a.elu(0.7), [-0.4]),
    (lambda a: a.leaky_relu() * a, [-0.4]),
    (lambda a, b: a.max(b) * a, [0.3, -0.2]),
    (lambda a, b: a.min(b) * b, [0.3, -0.2]),
    (lambda a: abs(a) * a, [-0.7]),
])
def test_second_derivatives_on_every_branch_match_finite_differences(f, point):
    assert autograd.gradcheck(f, point, second_order=True)


def test_the_mixed_second_derivative_of_x_to_the_y_at_y_zero():
    x, y = Value(0.5), Value(0.0)
    dx, dy = autograd.gradients(x ** y, [x, y], create_graph=True)
    (dxdy,) = autograd.gradients(dx, [y])
    assert dxdy == pytest.approx(1 / 0.5, rel=1e-12)


def test_relu_and_max_with_zero_differ_only_at_zero():
    # The lecture's max(0, x) has two spellings: relu sends 0 back at x = 0, max splits ½/½.
    for x0, relu_grad, max_grad in [(1.5, 1.0, 1.0), (-1.5, 0.0, 0.0), (0.0, 0.0, 0.5)]:
        a, b = Value(x0), Value(x0)
        a.relu().backward()
        b.max(0).backward()
        assert (a.grad, b.grad) == (relu_grad, max_grad)


def test_the_array_where_of_an_indicator_is_np_where_in_a_third_of_the_time():
    """``m.where(x > 0, 1.0, 0.0)`` (relu's derivative) is made from the condition's bools;
    every other call is numpy's ``where``. Both give the same float64 array."""
    np = pytest.importorskip("numpy")
    from autograd.namespaces import array_math

    where = array_math().where
    x = np.array([[-1.0, 0.0, 2.0], [3.0, -0.0, np.inf]])
    indicator = where(x > 0.0, 1.0, 0.0)
    assert indicator.dtype == np.float64 and indicator.tolist() == np.where(x > 0.0, 1.0, 0.0).tolist()
    assert where(x > 0.0, 1.0, 0.5).tolist() == [[0.5, 0.5, 1.0], [1.0, 0.5, 1.0]]
    assert where(x > 0.0, 1.0, x).tolist() == [[-1.0, 0.0, 1.0], [1.0, -0.0, 1.0]]
