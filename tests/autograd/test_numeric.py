"""numeric_grad (the lecture's finite differences), gradcheck, grad and higher-order derivatives."""

from __future__ import annotations

import math
import re

import pytest

from autograd import GradcheckError, Value, grad, gradcheck, gradients, numeric_grad

# --------------------------------------------------------------------------------------------
# numeric_grad
# --------------------------------------------------------------------------------------------


def test_numeric_grad_estimates_every_partial_derivative():
    def f(x, y):
        return x * y.sin() + x.exp()

    estimate = numeric_grad(f, [0.5, 1.2])
    assert estimate == pytest.approx([math.sin(1.2) + math.exp(0.5), 0.5 * math.cos(1.2)], rel=1e-8)


def test_forward_method_is_the_lectures_formula():
    def f(x):
        return x * x.exp()

    x, h = 0.8, 1e-3
    expected = ((x + h) * math.exp(x + h) - x * math.exp(x)) / h
    assert numeric_grad(f, [x], h=h, method="forward") == [pytest.approx(expected, rel=1e-13)]


def test_central_method_is_the_default_and_symmetric():
    def f(x):
        return x ** 3

    x, h = 1.5, 1e-3
    expected = ((x + h) ** 3 - (x - h) ** 3) / (2 * h)
    assert numeric_grad(f, [x], h=h) == [pytest.approx(expected, rel=1e-13)]
    assert numeric_grad(f, [x], h=h) == numeric_grad(f, [x], h=h, method="central")


def _error(method: str, h: float) -> float:
    return numeric_grad(lambda x: x.exp(), [1.0], h=h, method=method)[0] - math.e


def test_forward_difference_error_is_first_order_in_h():
    # f(x+h) - f(x) / h = f'(x) + h/2 f''(x) + O(h²): ten times smaller h, ten times smaller error.
    big, small = _error("forward", 1e-2), _error("forward", 1e-3)
    assert big / small == pytest.approx(10.0, rel=0.05)
    assert big / 1e-2 == pytest.approx(math.e / 2, rel=0.02)


def test_central_difference_error_is_second_order_in_h():
    # (f(x+h) - f(x-h)) / 2h = f'(x) + h²/6 f'''(x) + O(h⁴): ten times smaller h, a hundred times smaller.
    big, small = _error("central", 1e-2), _error("central", 1e-3)
    assert big / small == pytest.approx(100.0, rel=0.05)
    assert big / 1e-2 ** 2 == pytest.approx(math.e / 6, rel=0.02)
    assert abs(big) < abs(_error("forward", 1e-2)) / 100


def test_numeric_grad_accepts_values_returns_of_plain_numbers_and_leaves_inputs_alone():
    x = Value(2.0)
    x.grad = 7.0
    assert numeric_grad(lambda v: v.data ** 2, [x]) == [pytest.approx(4.0, rel=1e-8)]
    assert x.grad == 7.0 and x.is_leaf


def test_numeric_grad_builds_no_graph():
    seen = []

    def f(x):
        y = x * x
        seen.append(y.parents)
        return y

    numeric_grad(f, [1.0])
    assert seen and all(parents == () for parents in seen)


@pytest.mark.parametrize("kwargs, pattern", [
    ({"method": "backward"}, r"unknown method 'backward' \(must be one of forward, central\)"),
    ({"h": 0.0}, r"h must be a positive number, got 0\.0"),
    ({"h": -1e-3}, r"h must be a positive number"),
])
def test_numeric_grad_rejects_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        numeric_grad(lambda x: x, [1.0], **kwargs)


# --------------------------------------------------------------------------------------------
# gradcheck
# --------------------------------------------------------------------------------------------

def _failure_numbers(message: str) -> tuple[float, float, float]:
    match = re.search(r"analytic (\S+), numeric (\S+), relative error (\S+)", message)
    assert match, f"gradcheck message lacks 'analytic ..., numeric ..., relative error ...': {message}"
    return tuple(float(group.rstrip(",")) for group in match.groups())


@pytest.mark.parametrize("f, point", [
    (lambda x, y: x * y.sin() + (x / y).tanh(), [0.3, 1.7]),
    (lambda x: x.sigmoid().log(), [-2.0]),
    (lambda x, y, z: (x * y - z).relu() + x.max(z) + (y ** 2 + 1).sqrt(), [1.0, 2.0, -0.5]),
    (lambda a, b, c: (a.exp() + b.softplus() + c.elu()).leaky_relu(), [0.1, -0.2, -0.3]),
])
def test_gradcheck_passes_for_correct_gradients(f, point):
    assert gradcheck(f, point) is True
    assert gradcheck(f, point, second_order=True) is True


def test_gradcheck_fails_naming_the_input_both_values_and_the_relative_error():
    # Using x.data breaks the graph: backpropagation sees a constant, finite differences do not.
    def f(x, y):
        return x * y + y * y.data

    with pytest.raises(GradcheckError) as info:
        gradcheck(f, [2.0, 3.0])
    message = str(info.value)
    assert "∂f/∂x1" in message and "∂f/∂x0" not in message
    analytic, numeric, relative = _failure_numbers(message)
    assert analytic == 5.0  # x + y.data
    assert numeric == pytest.approx(8.0, rel=1e-6)  # x + 2y
    assert relative == pytest.approx(3.0 / 8.0, rel=1e-3)
    assert "[2.0, 3.0]" in message


def test_gradcheck_without_raising_returns_false():
    assert gradcheck(lambda x: x * x.data, [3.0], raise_exception=False) is False
    assert gradcheck(lambda x: x * x, [3.0], raise_exception=False) is True


def test_gradcheck_catches_a_kink_of_the_first_derivative():
    with pytest.raises(GradcheckError, match=r"∂f/∂x0") as info:
        gradcheck(lambda x: x.relu(), [0.0])
    analytic, numeric, _ = _failure_numbers(str(info.value))
    assert (analytic, numeric) == (0.0, pytest.approx(0.5))


def test_gradcheck_second_order_names_the_failing_second_derivative():
    # f = x·y·relu(y): first derivatives agree at y = 0, but ∂²f/∂y² jumps from 0 to 2x there.
    def f(x, y):
        return x * y.relu() * y

    assert gradcheck(f, [1.5, 0.0]) is True
    with pytest.raises(GradcheckError, match=r"∂²f/∂x1∂x1") as info:
        gradcheck(f, [1.5, 0.0], second_order=True)
    analytic, numeric, _ = _failure_numbers(str(info.value))
    assert analytic == 0.0 and numeric == pytest.approx(1.5, rel=1e-6)


def test_gradcheck_tolerances_are_applied():
    def slightly_off(x):  # analytic 2x + 1e-4·x, numeric 2x + 2e-4·x: 5e-5 apart, relatively
        return x * (x + 1e-4 * x.data)

    assert gradcheck(slightly_off, [2.0], rtol=1e-3) is True
    assert gradcheck(slightly_off, [2.0], atol=0.0, rtol=1e-6, raise_exception=False) is False
    assert gradcheck(lambda x: x * x, [2.0], atol=0.0, rtol=1e-6) is True


# --------------------------------------------------------------------------------------------
# grad: derivatives as functions, composing
# --------------------------------------------------------------------------------------------

def cube(x):
    return x ** 3


def test_grad_returns_a_float_derivative():
    d = grad(cube)(2.0)
    assert isinstance(d, float) and d == 12.0


def test_grad_composes_to_second_third_and_fourth_derivatives():
    assert grad(grad(cube))(2.0) == pytest.approx(12.0)
    assert grad(grad(grad(cube)))(2.0) == pytest.approx(6.0)
    assert grad(grad(grad(grad(cube))))(2.0) == 0.0


def test_fourth_derivative_of_sin_is_sin():
    def sin(x):
        return x.sin()

    d = sin
    for _ in range(4):
        d = grad(d)
    assert d(0.7) == pytest.approx(math.sin(0.7), rel=1e-14)
    assert grad(grad(grad(sin)))(0.7) == pytest.approx(-math.cos(0.7), rel=1e-14)


def test_second_derivative_of_a_composition():
    def f(x):
        return x.sin().exp()

    x = 0.4
    expected = (math.cos(x) ** 2 - math.sin(x)) * math.exp(math.sin(x))
    assert grad(grad(f))(x) == pytest.approx(expected, rel=1e-14)


def test_grad_argnums():
    def f(x, y):
        return x * x * y + y.exp()

    assert grad(f)(2.0, 3.0) == 12.0
    assert grad(f, argnums=1)(2.0, 3.0) == pytest.approx(4.0 + math.exp(3.0))
    assert grad(f, argnums=-1)(2.0, 3.0) == grad(f, argnums=1)(2.0, 3.0)
    both = grad(f, argnums=(0, 1))(2.0, 3.0)
    assert isinstance(both, tuple) and both == pytest.approx((12.0, 4.0 + math.exp(3.0)))
    assert grad(grad(f, 0), 1)(2.0, 3.0) == pytest.approx(4.0)  # ∂²f/∂y∂x = 2x


def test_grad_of_a_function_that_ignores_its_input_is_zero():
    assert grad(lambda x, y: y * 2)(1.0, 5.0) == 0.0
    assert grad(lambda x: 3.0)(1.0) == 0.0


def test_grad_called_with_values_returns_a_differentiable_value():
    x = Value(2.0)
    d = grad(cube)(x)
    assert isinstance(d, Value) and d.data == 12.0
    assert gradients(d, [x]) == [12.0]


def test_grad_checks_its_arguments():
    with pytest.raises(TypeError, match=r"grad\(f\) needs a function, got int"):
        grad(3)
    with pytest.raises(ValueError, match=r"argnums 2 is out of range for 2 argument"):
        grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


# --------------------------------------------------------------------------------------------
# backward(create_graph=True): gradients that are graphs
# --------------------------------------------------------------------------------------------

def test_create_graph_leaves_a_differentiable_gradient():
    x = Value(2.0)
    y = x ** 3 + x.sin() * x
    y.backward(create_graph=True)
    first = 3 * 4.0 + math.cos(2.0) * 2.0 + math.sin(2.0)
    second = 6 * 2.0 - math.sin(2.0) * 2.0 + 2 * math.cos(2.0)
    third = 6.0 - math.cos(2.0) * 2.0 - 3 * math.sin(2.0)
    g = x.grad
    assert isinstance(g, Value) and g.data == pytest.approx(first, rel=1e-14)
    (h,) = gradients(g, [x], create_graph=True)
    assert h.data == pytest.approx(second, rel=1e-14)
    assert gradients(h, [x]) == [pytest.approx(third, rel=1e-13)]


def test_backward_through_a_gradient_accumulates_into_the_leaf_like_torch():
    x = Value(2.0)
    (x ** 3).backward(create_graph=True)
    g = x.grad
    g.backward()  # x.grad = 3x² + 6x, as torch's x.grad after the same two calls
    assert x.grad.data == 12.0 + 12.0


def _torch_function(x, y, z, lib):
    """The same expression for Values (lib=None) and torch tensors."""
    if lib is None:
        return (x * y * z + (x * y).sin() + z.exp() * x ** 2 + (y / z).tanh() + (x * x + 1).log()
                + (x - y).softplus() + (z * y).sigmoid() + x.sqrt() * y ** z)
    F = lib.nn.functional
    return (x * y * z + (x * y).sin() + z.exp() * x ** 2 + (y / z).tanh() + (x * x + 1).log()
            + F.softplus(x - y) + (z * y).sigmoid() + x.sqrt() * y ** z)


def test_hessian_and_a_third_derivative_match_torch_autograd_with_create_graph():
    torch = pytest.importorskip("torch")
    point = (0.7, 1.3, -0.4)
    tx = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point]
    t_first = torch.autograd.grad(_torch_function(*tx, torch), tx, create_graph=True)
    t_hessian = [[g.item() for g in torch.autograd.grad(row, tx, retain_graph=True, create_graph=True)]
                 for row in t_first]
    t_dxx = torch.autograd.grad(t_first[0], tx[0], create_graph=True)[0]
    t_dxxx = torch.autograd.grad(t_dxx, tx[0])[0].item()

    vx = [Value(v) for v in point]
    first = gradients(_torch_function(*vx, None), vx, create_graph=True)
    assert [g.data for g in first] == pytest.approx([g.item() for g in t_first], rel=1e-12)
    hessian = [gradients(row, vx) for row in first]
    for row, expected in zip(hessian, t_hessian):
        assert row == pytest.approx(expected, rel=1e-11, abs=1e-13)
    (dxx,) = gradients(first[0], [vx[0]], create_graph=True)
    assert gradients(dxx, [vx[0]])[0] == pytest.approx(t_dxxx, rel=1e-10)
