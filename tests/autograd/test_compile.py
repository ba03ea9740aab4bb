"""autograd.compile: replaying a traced graph as array kernels gives the scalar engine's values,
gradients and errors.

The property tests build random recipes over every op of the table (the same recipe for each
sample of a batch, with fan-out, an operand used twice, parameters shared by every sample and
constants), run them on the scalar engine and compiled, and compare within 1e-12 (relative,
with an absolute floor of 1e-12 for results near zero, where a batched sum adds in another
order than ``dot``'s left-to-right loop).
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

import autograd
from autograd import OPS, Parameter, Value, pack

np = pytest.importorskip("numpy")

TOLERANCE = 1e-12
PARAMS = {"pow": [2.0, 3.0, -1.0, 0.5, -1.5, 0.0], "leaky_relu": [0.1, 0.01], "elu": [1.0, 0.5]}
CONSTANT = -1  # an operand index meaning "the number 0.75", a Constant leaf


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


# --------------------------------------------------------------------------------------------
# Random recipes: steps (op name, operand indices, param), replayed on one sample's leaves.
# --------------------------------------------------------------------------------------------

@st.composite
def steps(draw, first_op: str | None = None):
    count = draw(st.integers(1, 7))
    names = [first_op] if first_op else []
    names += draw(st.lists(st.sampled_from(list(OPS)), min_size=count - len(names), max_size=count - len(names)))
    recipe = []
    for name in names:
        op = OPS[name]
        if name == "dot":
            n = draw(st.integers(1, 3))
            operands = draw(st.lists(st.integers(-1, 50), min_size=2 * n, max_size=2 * n + 1))
            param = n
        elif op.arity is None:
            operands = draw(st.lists(st.integers(-1, 50), min_size=1, max_size=4))
            param = None
        else:
            operands = draw(st.lists(st.integers(-1, 50), min_size=op.arity, max_size=op.arity))
            param = draw(st.sampled_from(PARAMS[name])) if name in PARAMS else None
        recipe.append((name, operands, param))
    return recipe


def replay(recipe: list, leaves: list[Value]) -> Value:
    """The recipe's last node, built from ``leaves`` (a sample's inputs, then the parameters)."""
    pool = list(leaves)
    for name, operands, param in recipe:
        op = OPS[name]
        args = [0.75 if i == CONSTANT else pool[i % len(pool)] for i in operands]
        if op.domain is not None:  # keep every operand inside the domain: a² + ½ > 0
            args = [a * a + 0.5 for a in args]
        pool.append(autograd.apply(op, tuple(args), param))
    return pool[-1]


def batch_function(recipe: list, params: list[Value]):
    def fn(X):  # noqa: N803
        outputs = [replay(recipe, list(x) + params) for x in X]
        return autograd.sum(outputs), outputs
    return fn


def scalar_run(fn, X, params):  # noqa: N803
    """Values and parameter gradients on the scalar engine (None if a sample fails there)."""
    for p in params:
        p.grad = 0.0
    try:
        root, outputs = fn([[Value(v) for v in x] for x in X])
        root.backward()
    except (ValueError, ZeroDivisionError, OverflowError, FloatingPointError):
        return None
    return [o.data for o in outputs], root.data, [p.grad for p in params]


def compiled_run(compiled, X, params):  # noqa: N803
    for p in params:
        p.grad = 0.0
    root, outputs = compiled(X)
    root.backward()
    return [o.data for o in outputs], root.data, [p.grad for p in params]


def assert_same(expected, got):
    (values, root, grads), (values2, root2, grads2) = expected, got
    assert len(values) == len(values2)
    assert all(close(a, b) for a, b in zip(values2, values)), (values, values2)
    assert close(root2, root), (root, root2)
    assert all(close(a, b) for a, b in zip(grads2, grads)), (grads, grads2)


batches = st.integers(1, 5).flatmap(lambda rows: st.integers(1, 3).flatmap(lambda cols: st.lists(
    st.lists(st.floats(-2, 2), min_size=cols, max_size=cols), min_size=rows, max_size=rows)))


def check_recipe(recipe, X, X2, weights):  # noqa: N803
    params = [Value(w) for w in weights]
    check_replays(batch_function(recipe, params), X, X2, params)


def check_replays(fn, X, X2, params):  # noqa: N803
    """``fn`` compiled gives the scalar engine's values and gradients on ``X``, and then, with new
    numbers ``X2`` and the parameters moved, again from the same program; returns it compiled."""
    expected = scalar_run(fn, X, params)
    assume(expected is not None)
    compiled = autograd.compile(fn)
    assert_same(expected, compiled_run(compiled, X, params))
    for p in params:
        p.data = p.data * 0.5 + 0.25
    expected2 = scalar_run(fn, X2, params)
    assume(expected2 is not None)
    assert_same(expected2, compiled_run(compiled, X2, params))
    assert compiled.traces == 1
    return compiled


@pytest.mark.parametrize("op_name", list(OPS))
@given(data=st.data())
def test_random_graphs_starting_with_each_op_match_the_scalar_engine(op_name, data):
    recipe = data.draw(steps(first_op=op_name))
    X = data.draw(batches)  # noqa: N806
    X2 = [[v * 0.7 - 0.3 for v in row] for row in X]  # noqa: N806
    weights = data.draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=3))
    note(f"recipe={recipe}")
    check_recipe(recipe, X, X2, weights)


@given(recipe=steps(), X=batches, weights=st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=3))
def test_random_graphs_of_any_ops_match_the_scalar_engine(recipe, X, weights):  # noqa: N803
    X2 = [[-v for v in row] for row in X]  # noqa: N806
    check_recipe(recipe, X, X2, weights)


# --------------------------------------------------------------------------------------------
# A network: dot layers become matrix products.
# --------------------------------------------------------------------------------------------

def test_an_mlp_with_an_l2_penalty_matches_the_scalar_engine_step_after_step():
    import nn

    X, y = nn.datasets.moons(n=30, noise=0.1, seed=3)  # noqa: N806
    targets = [2 * t - 1 for t in y]
    model = nn.MLP(2, [6, 5, 1], seed=2)
    params = model.parameters()

    def objective(X, y):  # noqa: N803
        return nn.hinge(model(X), y) + 1e-3 * nn.l2_penalty(params)

    compiled = autograd.compile(objective)
    for step in range(4):
        model.zero_grad()
        loss = objective(X, targets)
        loss.backward()
        expected = (loss.data, [p.grad for p in params])
        model.zero_grad()
        got = compiled(X, targets)
        got.backward()
        assert close(got.data, expected[0])
        assert all(close(g, e) for g, e in zip([p.grad for p in params], expected[1]))
        for p in params:
            p.data -= 0.5 * p.grad
    (program,) = next(iter(compiled._programs.values()))
    kinds = {type(kernel).__name__ for kernel in program.kernels if kernel.op is OPS["dot"]}
    assert kinds == {"MatMul"}  # every layer, and the penalty's dot, is a matrix product
    assert compiled.batched  # one sample's worth of graph, the batch an axis


@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4), rows=st.integers(1, 6), seed=st.integers(0, 99),
       activation=st.sampled_from(["relu", "tanh", "elu", "leaky_relu", "sigmoid"]))
def test_random_networks_as_matrix_products_match_the_scalar_engine(sizes, rows, seed, activation):
    import random

    import nn

    rng = random.Random(seed)
    X = [[rng.uniform(-2, 2) for _ in range(sizes[0])] for _ in range(rows)]  # noqa: N806
    model = nn.MLP(sizes[0], sizes[1:], activation=activation, seed=seed)
    params = model.parameters()

    def fn(X):  # noqa: N803
        outputs = [out if isinstance(out, Value) else autograd.sum(out) for out in model(X)]
        return autograd.sum(outputs) + 0.1 * autograd.dot(params, params), outputs

    assert_same(scalar_run(fn, X, params), compiled_run(autograd.compile(fn), X, params))


@pytest.mark.parametrize("terms", [31, 32, 100, 1001])
def test_a_long_sum_added_in_blocks_matches_the_scalar_engine(terms):
    w = Value(0.3)
    X = [[math.sin(i) * 3.0, math.cos(i * 0.7)] for i in range(terms)]  # noqa: N806

    def fn(X):  # noqa: N803
        return autograd.sum([(w * x[0] + x[1]).tanh() * x[0] for x in X]) * w

    expected = scalar_run(lambda X: (fn(X), []), X, [w])  # noqa: N803
    got = compiled_run(autograd.compile(lambda X: (fn(X), [])), X, [w])  # noqa: N803
    assert_same(expected, got)


# --------------------------------------------------------------------------------------------
# Tracing, the cache, parameters and constants.
# --------------------------------------------------------------------------------------------

def test_a_new_structure_traces_again_and_the_cache_is_bounded():
    compiled = autograd.compile(lambda xs: autograd.sum([x * x for x in xs]), cache_size=2)
    assert compiled([1.0, 2.0]).data == 5.0
    assert compiled([3.0, 4.0]).data == 25.0
    assert compiled.traces == 1
    assert compiled([1.0, 2.0, 3.0]).data == 14.0
    assert compiled.traces == 2
    assert compiled([4.0]).data == 16.0
    assert compiled.traces == 3
    compiled([5.0, 6.0])  # evicted by the third structure: traced again
    assert compiled.traces == 4


def test_parameters_are_read_fresh_and_their_gradients_accumulate_as_leaves_do():
    w = Value(2.0)
    compiled = autograd.compile(lambda x: w * x + w)
    out = compiled(3.0)
    assert out.data == 8.0
    out.backward()
    assert w.grad == 4.0
    out.backward()  # a second pass from the same output adds again, as Value.backward does
    assert w.grad == 8.0
    w.data = -1.0
    w.grad = 0.0
    out = compiled(3.0)
    assert out.data == -4.0
    out.backward(gradient=2.0)
    assert w.grad == 8.0


def test_gradients_reach_parameters_packed_into_new_arrays_between_the_call_and_backward():
    w = [Parameter(0.5), Parameter(-1.5)]
    pack(w)
    compiled = autograd.compile(lambda x: w[0] * x + w[1] * w[1])
    out = compiled(2.0)
    pack(w[::-1])  # moved, as a larger model's parameters() moves the weights it shares
    out.backward()
    assert [p.grad for p in w] == [2.0, -3.0]


def test_a_gradient_that_is_a_graph_gets_the_compiled_gradient_added_as_the_scalar_engine_adds_it():
    def gradients(compiled):
        w = [Parameter(0.5), Parameter(-1.5), Value(0.25)]
        pack(w[:2])
        (w[0] * w[1] * w[1] * w[2]).backward(create_graph=True)  # every .grad is a graph now
        fn = lambda x: (w[0] * x + w[1] * w[2]).tanh()  # noqa: E731
        out = autograd.compile(fn)(0.7) if compiled else fn(Value(0.7))
        out.backward()
        assert all(isinstance(p.grad, Value) for p in w)
        return [p.grad.data for p in w]

    assert all(close(a, b) for a, b in zip(gradients(True), gradients(False)))


def test_a_function_of_parameters_only_takes_no_arguments():
    w = Value(3.0)
    compiled = autograd.compile(lambda: w * w)
    out = compiled()
    out.backward()
    assert (out.data, w.grad) == (9.0, 6.0)


def test_numbers_written_in_fn_are_constants_and_a_python_if_on_data_is_frozen_at_trace():
    def fn(x):
        if x.data > 0:  # a Python branch: decided once, when tracing
            return x * 2.0
        return x * -3.0

    compiled = autograd.compile(fn)
    assert compiled(1.0).data == 2.0
    assert compiled(-1.0).data == -2.0  # frozen: the scalar engine would give 3.0
    relu = autograd.compile(lambda x: x.relu() + x.max(0.5))
    assert relu(-1.0).data == 0.5  # ops that branch are evaluated on every call
    assert relu(2.0).data == 4.0


def test_outputs_keep_the_structure_of_what_fn_returns():
    compiled = autograd.compile(lambda x, y: {"sum": x + y, "pair": (x * y, 7.0), "list": [x, [y]]})
    out = compiled(2.0, y=3.0)
    assert out["sum"].data == 5.0
    assert out["pair"][0].data == 6.0 and out["pair"][1] == 7.0
    assert float(out["list"][1][0]) == 3.0
    assert out["sum"] > 4.5 and out["sum"] < 5.5


def test_outputs_gives_numbers_in_fns_structure_without_compiled_values():
    w = Value(0.5)
    compiled = autograd.compile(lambda X: [[(w * x[0]).tanh(), x[1] - w] for x in X])  # noqa: N803
    result = compiled.outputs(np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert all(close(a, b) for a, b in zip(sum(result, []), [math.tanh(0.5), 1.5, math.tanh(1.5), 3.5]))
    assert all(type(x) is float for row in result for x in row)


def test_backward_after_a_newer_call_is_refused():
    w = Value(1.0)
    compiled = autograd.compile(lambda x: w * x)
    first = compiled(1.0)
    compiled(2.0)
    with pytest.raises(RuntimeError, match="called again"):
        first.backward()


@pytest.mark.parametrize("argument, message", [
    ("text", "number or a nested list"),
    ([[1.0, 2.0], [3.0]], "regular nested list"),
    ([1.0, float("nan")], "finite"),
])
def test_arguments_that_are_not_numbers_are_refused(argument, message):
    compiled = autograd.compile(lambda x: x)
    with pytest.raises((TypeError, ValueError), match=message):
        compiled(argument)


def test_a_value_argument_is_refused_with_the_way_to_use_it():
    with pytest.raises(TypeError, match="close over"):
        autograd.compile(lambda x: x)(Value(1.0))


# --------------------------------------------------------------------------------------------
# Errors: the scalar engine's types and words, naming the op and the sample.
# --------------------------------------------------------------------------------------------

def scalar_error(fn, *args):
    with pytest.raises(Exception) as info:
        fn(*args)
    return info.value


@pytest.mark.parametrize("function, bad", [
    (lambda x: x.log(), -1.0),
    (lambda x: x.sqrt(), -4.0),
    (lambda x: 1.0 / x, 0.0),
    (lambda x: x ** -1, 0.0),
    (lambda x: x ** 0.5, -2.0),
    (lambda x: x.log1p(), -3.0),
    (lambda x: x.exp(), 1000.0),
    (lambda x: x * 1e300 * 1e5, 1e4),
])
def test_domain_errors_and_overflow_raise_the_scalar_engines_error_naming_the_op_and_sample(function, bad):
    expected = scalar_error(function, Value(bad))
    compiled = autograd.compile(lambda X: [function(x[0]) + 1.0 for x in X])  # noqa: N803
    compiled([[0.5], [0.6], [0.7]])
    with pytest.raises(type(expected)) as info:
        compiled([[0.5], [0.6], [bad]])
    assert str(info.value) == f"sample 2: {expected}"


def test_numbers_near_the_largest_float_give_their_values_without_a_numpy_warning():
    compiled = autograd.compile(lambda X: [x[0] * 2.0 for x in X])  # noqa: N803
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as under python -W error: a warning would be an exception
        outputs = compiled([[8e307], [-8e307], [8e307]])
    assert [out.data for out in outputs] == [1.6e308, -1.6e308, 1.6e308]


def test_a_non_finite_gradient_raises_floating_point_error_and_changes_no_grad():
    w = Value(0.0)
    expected = scalar_error(lambda: (w * 1.0).sqrt().backward())
    w.grad = 0.5
    compiled = autograd.compile(lambda x: (w * x).sqrt())
    out = compiled(1.0)
    with pytest.raises(type(expected), match="backward"):
        out.backward()
    assert w.grad == 0.5


def test_autograd_imports_without_numpy():
    code = "import sys; sys.modules['numpy'] = None; import autograd; print(autograd.compile.__name__)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "compile"
