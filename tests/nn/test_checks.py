"""The shared argument checks (nn/_checks.py), through the public names that use them: a
non-finite number is a ValueError (right type, value not accepted), a wrong type a TypeError,
and each message names the argument, the value and what is accepted."""

import math

import pytest

import nn
from autograd import Value

NAN, INF = math.nan, math.inf


def sgd(**settings):
    return nn.SGD([Value(1.0)], **{"lr": 0.1, **settings})


CALLS = {
    "SGD(lr)": lambda bad: sgd(lr=bad),
    "SGD(momentum)": lambda bad: sgd(momentum=bad),
    "Adam(betas[0])": lambda bad: nn.Adam([Value(1.0)], betas=(bad, 0.9)),
    "RMSprop(alpha)": lambda bad: nn.RMSprop([Value(1.0)], alpha=bad),
    "BatchNorm(eps)": lambda bad: nn.BatchNorm(2, eps=bad),
    "BatchNorm(momentum)": lambda bad: nn.BatchNorm(2, momentum=bad),
    "Dropout(p)": lambda bad: nn.Dropout(bad),
    "StepLR(gamma)": lambda bad: nn.StepLR(sgd(), step_size=1, gamma=bad),
    "ExponentialLR(gamma)": lambda bad: nn.ExponentialLR(sgd(), gamma=bad),
    "CosineAnnealingLR(eta_min)": lambda bad: nn.CosineAnnealingLR(sgd(), T_max=3, eta_min=bad),
    "moons(noise)": lambda bad: nn.datasets.moons(n=10, noise=bad),
    "spiral(turns)": lambda bad: nn.datasets.spiral(n=10, turns=bad),
    "mse: targets[0]": lambda bad: nn.mse([Value(1.0)], [bad]),
    "mse: outputs[0]": lambda bad: nn.mse([bad], [1.0]),
    "fit(l2)": lambda bad: nn.fit(nn.MLP(2, [1], seed=0), [[0.0, 1.0]], [1], l2=bad, progress=False),
    "vector_to_parameters: values[0]": lambda bad: nn.vector_to_parameters([bad], [Value(1.0)]),
}


@pytest.mark.parametrize("what", sorted(CALLS))
@pytest.mark.parametrize("bad", [NAN, INF, -INF], ids=["nan", "inf", "-inf"])
def test_a_non_finite_number_is_a_value_error_naming_the_argument(what, bad):
    with pytest.raises(ValueError) as error:
        CALLS[what](bad)
    assert f"{what} must be a finite number, got {bad!r}" in str(error.value)


@pytest.mark.parametrize("what", sorted(CALLS))
@pytest.mark.parametrize("bad", ["0.5", True, None], ids=["str", "bool", "None"])
def test_a_wrong_type_is_a_type_error_naming_the_argument(what, bad):
    with pytest.raises(TypeError) as error:
        CALLS[what](bad)
    assert what in str(error.value) and repr(bad) in str(error.value)


@pytest.mark.parametrize("call, message", [
    (lambda: sgd(lr=-1), "SGD(lr) must be at least 0, got -1"),
    (lambda: nn.Adam([Value(1.0)], betas=(0.9, 1.0)), "Adam(betas[1]) must be in [0, 1), got 1.0"),
    (lambda: nn.BatchNorm(2, eps=0), "BatchNorm(eps) must be positive, got 0"),
    (lambda: nn.Dropout(1.5), "Dropout(p) must be in [0, 1], got 1.5"),
    (lambda: nn.Layer(0, 2), "Layer(nin) must be at least 1, got 0"),
    (lambda: nn.datasets.spiral(n=10, classes=1), "spiral(classes) must be at least 2, got 1"),
    (lambda: nn.train_test_split([[1]] * 4, [1] * 4, test_size=-0.5),
     "train_test_split(test_size) must be a fraction in (0, 1) or a number of samples, got -0.5"),
    (lambda: list(nn.batches([[1]], [1], batch_size=0)), "batches(batch_size) must be at least 1, got 0"),
    (lambda: nn.fit(nn.MLP(2, [1], seed=0), [[0.0, 1.0]], [1], patience=0, progress=False),
     "fit(patience) must be at least 1 (or None), got 0"),
])
def test_out_of_range_values_say_what_is_accepted(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


@pytest.mark.parametrize("call, message", [
    (lambda: nn.Layer(2.0, 2), "Layer(nin) must be an int, got float: 2.0"),
    (lambda: nn.Layer(2, 2, batch_norm=1), "Layer(batch_norm) must be a bool, got int: 1"),
    (lambda: nn.mse([[Value(1.0), Value(2.0)]], [1.0]), "mse: outputs[0] must be a Value (one output per sample)"),
])
def test_wrong_types_say_what_is_accepted(call, message):
    with pytest.raises(TypeError) as error:
        call()
    assert message in str(error.value)


def test_a_huge_int_where_a_float_is_wanted_is_not_finite():
    with pytest.raises(ValueError, match=r"SGD\(lr\) must be a finite number"):
        sgd(lr=10 ** 400)


def test_a_numpy_bool_is_not_a_flag_and_the_message_says_whose_bool_it_is():
    numpy = pytest.importorskip("numpy")
    with pytest.raises(TypeError, match=r"train\(mode\) must be a bool, got numpy\.bool_?: "):
        nn.MLP(2, [1]).train(numpy.True_)
    with pytest.raises(TypeError, match=r"must be a number, got Value: "):
        sgd(lr=Value(0.1))
