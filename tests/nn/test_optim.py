"""Optimizers: step-by-step trajectories against torch.optim in float64 (same start, same
gradients, to 1e-12) and hand-computed steps (which run without torch too)."""

import math

import pytest

import nn
from autograd import Value

START = [0.5, -1.5, 2.0, 0.1]


def objective(w):
    """A small non-quadratic function of the parameters, so gradients change every step."""
    return (w[0] - 1) ** 2 + 3 * (w[1] + 0.5) ** 2 + (w[2] * w[3]).sin() + 0.5 * w[3] ** 4


CASES = [
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("SGD", dict(lr=0.02, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.05, initial_accumulator_value=0.1)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.01, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.1, amsgrad=True)),
]


@pytest.mark.parametrize("name, settings", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_trajectory_matches_torch(name, settings):
    torch = pytest.importorskip("torch")
    ours = [Value(x) for x in START]
    theirs = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in START]
    our_optimizer = getattr(nn, name)(ours, **settings)
    their_optimizer = getattr(torch.optim, name)(theirs, **settings)
    for _ in range(25):
        our_optimizer.zero_grad()
        objective(ours).backward()
        for mine, tensor in zip(ours, theirs):
            tensor.grad = torch.tensor(mine.grad, dtype=torch.float64)
        our_optimizer.step()
        their_optimizer.step()
        assert [p.data for p in ours] == pytest.approx([t.item() for t in theirs], abs=1e-12, rel=1e-12)
    assert objective(ours).data < objective([Value(x) for x in START]).data


def test_sgd_is_plain_gradient_descent_by_hand():
    w = Value(3.0)
    optimizer = nn.SGD([w], lr=0.1)
    (w * w).backward()          # ∇ = 6
    optimizer.step()
    assert w.data == pytest.approx(3.0 - 0.1 * 6.0)


def test_sgd_momentum_is_the_lectures_rule_by_hand():
    # z = βz + ∇f(w), w = w − αz with f(w) = w², α = 0.1, β = 0.9
    w = Value(1.0)
    optimizer = nn.SGD([w], lr=0.1, momentum=0.9)
    expected_w, z = 1.0, 0.0
    for _ in range(5):
        optimizer.zero_grad()
        (w * w).backward()
        z = 0.9 * z + 2 * expected_w
        expected_w = expected_w - 0.1 * z
        optimizer.step()
        assert w.data == pytest.approx(expected_w, rel=1e-15)


def test_adam_first_steps_by_hand():
    w = Value(1.0)
    optimizer = nn.Adam([w], lr=0.01)
    m = v = 0.0
    expected = 1.0
    for t in range(1, 4):
        optimizer.zero_grad()
        (w * w).backward()
        g = 2 * expected
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        expected -= 0.01 * (m / (1 - 0.9 ** t)) / (math.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
        optimizer.step()
        assert w.data == pytest.approx(expected, rel=1e-12)


def test_adamw_decays_weights_without_a_gradient():
    w = Value(2.0)
    optimizer = nn.AdamW([w], lr=0.1, weight_decay=0.5)
    optimizer.step()  # gradient 0: only the decoupled decay acts
    assert w.data == pytest.approx(2.0 * (1 - 0.1 * 0.5))


def test_adagrad_and_rmsprop_first_step_by_hand():
    w = Value(1.0)
    optimizer = nn.Adagrad([w], lr=0.5)
    (w * 3).backward()
    optimizer.step()
    assert w.data == pytest.approx(1.0 - 0.5 * 3 / (3 + 1e-10))
    u = Value(1.0)
    optimizer = nn.RMSprop([u], lr=0.01, alpha=0.9)
    (u * 3).backward()
    optimizer.step()
    assert u.data == pytest.approx(1.0 - 0.01 * 3 / (math.sqrt(0.1 * 9) + 1e-8))


def test_zero_grad_and_state_dict_round_trip():
    params = [Value(x) for x in START]
    optimizer = nn.Adam(params, lr=0.05)
    for _ in range(3):
        optimizer.zero_grad()
        objective(params).backward()
        optimizer.step()
    state = optimizer.state_dict()
    assert state["steps"] == 3 and state["type"] == "Adam" and len(state["state"]["exp_avg"]) == 4
    copy = [Value(p.data) for p in params]
    restored = nn.Adam(copy, lr=0.05)
    restored.load_state_dict(state)
    for optim, group in ((optimizer, params), (restored, copy)):
        optim.zero_grad()
        assert all(p.grad == 0.0 for p in group)
        objective(group).backward()
        optim.step()
    assert [p.data for p in copy] == [p.data for p in params]
    with pytest.raises(ValueError, match="state_dict of a SGD"):
        nn.SGD(copy, lr=0.1).load_state_dict(state)


def test_bad_settings_are_named():
    w = [Value(1.0)]
    with pytest.raises(ValueError, match="SGD\\(lr\\) must be at least 0"):
        nn.SGD(w, lr=-1)
    with pytest.raises(ValueError, match="nesterov=True\\) needs momentum"):
        nn.SGD(w, lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="is empty"):
        nn.Adam([], lr=0.1)
    with pytest.raises(TypeError, match="params\\[0\\]\\) must be a Value"):
        nn.Adam([1.0])
    with pytest.raises(ValueError, match="betas\\[1\\]"):
        nn.Adam(w, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="RMSprop\\(alpha\\) must be in \\[0, 1\\], got 2"):
        nn.RMSprop(w, alpha=2)  # a decay rate: above 1 the average of squares could turn negative
    with pytest.raises(TypeError, match="SGD\\(params\\) must be a list of Values, got MLP .*model.parameters\\(\\)"):
        nn.SGD(nn.MLP(2, [1], seed=0), lr=0.1)


def run_steps(optimizer, params, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        objective(params).backward()
        optimizer.step()


def snapshot(optimizer):
    return optimizer.state_dict(), [p.data for p in optimizer.params]


@pytest.mark.parametrize("name, settings", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_a_non_finite_gradient_changes_nothing_not_even_the_step_count(name, settings):
    params = [Value(x) for x in START]
    optimizer = getattr(nn, name)(params, **settings)
    run_steps(optimizer, params, 2)
    before = snapshot(optimizer)
    objective(params).backward()
    params[-1].grad = math.nan
    with pytest.raises(FloatingPointError, match=r"params\[3\]\.grad is nan; nothing was changed"):
        optimizer.step()
    assert snapshot(optimizer) == before and optimizer.steps == 2
    # the failed step leaves no trace: training goes on exactly as if it never happened
    run_steps(optimizer, params, 3)
    clean = [Value(x) for x in START]
    reference = getattr(nn, name)(clean, **settings)
    run_steps(reference, clean, 5)
    assert snapshot(optimizer) == snapshot(reference)


@pytest.mark.parametrize("name, settings", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_a_step_too_large_for_a_float_changes_nothing_so_infinity_never_reaches_the_weights(name, settings):
    params = [Value(x) for x in START]
    optimizer = getattr(nn, name)(params, **{**settings, "lr": 1e307})
    before = snapshot(optimizer)
    for p in params:
        p.grad = 1e200  # finite, but lr·g, g² or the Adam step overflow a float
    with pytest.raises(FloatingPointError, match=r"(params\[0\]|state\[.*\] of params\[0\]) would become "
                                                 r"(-?inf|nan).*nothing was changed"):
        optimizer.step()
    assert snapshot(optimizer) == before and optimizer.steps == 0
    assert all(math.isfinite(p.data) for p in params)


def test_centered_rmsprop_survives_a_variance_rounded_below_zero_and_follows_torch():
    # A constant gradient makes v - m² exactly 0 in real numbers; in floats it lands a hair
    # below 0 at step 54 (it used to raise "math domain error" there, half-way through a step).
    torch = pytest.importorskip("torch")
    settings = dict(lr=0.01, alpha=0.5, centered=True)
    w = Value(1.0)
    optimizer = nn.RMSprop([w], **settings)
    tensor = torch.tensor(1.0, dtype=torch.float64, requires_grad=True)
    reference = torch.optim.RMSprop([tensor], **settings)
    clamped = torch.tensor(1.0, dtype=torch.float64)  # torch's arithmetic, with the clamp at 0
    square_avg = grad_avg = torch.tensor(0.0, dtype=torch.float64)
    gradient = torch.tensor(0.7, dtype=torch.float64)
    torch_went_nan = False
    for step in range(1, 81):
        w.grad = 0.7
        optimizer.step()
        assert math.isfinite(w.data) and optimizer.steps == step
        tensor.grad = gradient.clone()
        reference.step()
        square_avg = square_avg * 0.5 + 0.5 * gradient * gradient
        grad_avg = grad_avg.lerp(gradient, 0.5)
        avg = (square_avg - grad_avg * grad_avg).clamp_min(0).sqrt() + 1e-8
        clamped = clamped - 0.01 * (gradient / avg)
        assert w.data == pytest.approx(clamped.item(), rel=1e-12)
        if math.isfinite(tensor.item()):
            # v - m² cancels catastrophically as it tends to 0, so torch's fused multiply-add
            # (one rounding fewer) drifts from plain float arithmetic: 1e-9 for 20 steps, then
            # a few percent by step 53.
            assert w.data == pytest.approx(tensor.item(), rel=1e-9 if step <= 20 else 0.05)
        else:
            torch_went_nan = True
    assert torch_went_nan  # the scenario does reach the rounding that torch.optim turns into NaN


def test_load_state_dict_round_trips_through_json():
    import json
    params = [Value(x) for x in START]
    optimizer = nn.Adam(params, lr=0.05, betas=(0.8, 0.99))
    run_steps(optimizer, params, 2)
    restored = nn.Adam([Value(x) for x in START])
    restored.load_state_dict(json.loads(json.dumps(optimizer.state_dict())))
    assert restored.state_dict() == optimizer.state_dict() and restored.betas == (0.8, 0.99)


@pytest.mark.parametrize("key, value, error, message", [
    ("momentum", -0.5, ValueError, "SGD.load_state_dict: momentum must be at least 0, got -0.5"),
    ("momentum", "0.9", TypeError, "SGD.load_state_dict: momentum must be a number, got str: '0.9'"),
    ("momentum", math.nan, ValueError, "SGD.load_state_dict: momentum must be a finite number, got nan"),
    ("nesterov", 1, TypeError, "SGD.load_state_dict: nesterov must be a bool, got int: 1"),
    ("weight_decay", math.inf, ValueError, "SGD.load_state_dict: weight_decay must be a finite number, got inf"),
    ("steps", -1, ValueError, "SGD.load_state_dict: steps must be at least 0, got -1"),
    ("steps", 2.5, TypeError, "SGD.load_state_dict: steps must be an int, got float: 2.5"),
    ("lr", math.nan, ValueError, "SGD.load_state_dict: lr must be a finite number, got nan"),
    ("state", {"momentum_buffer": [0.1, math.nan, 0.0, 0.0]}, ValueError,
     "SGD.load_state_dict: state['momentum_buffer'][1] must be a finite number, got nan"),
    ("state", {"momentum_buffer": [0.1]}, ValueError,
     "state['momentum_buffer'] must be a list of 4 numbers (one per parameter), got 1 entries"),
    ("state", {"buffer": [0.0] * 4}, ValueError, "state must be a dict with the entries ['momentum_buffer']"),
])
def test_load_state_dict_checks_everything_before_changing_anything(key, value, error, message):
    params = [Value(x) for x in START]
    optimizer = nn.SGD(params, lr=0.05, momentum=0.9, weight_decay=0.01)
    run_steps(optimizer, params, 2)
    before = snapshot(optimizer)
    state = nn.SGD([Value(x) for x in START], lr=0.5, momentum=0.5, nesterov=True).state_dict()
    state["steps"] = 7  # every other entry differs from the optimizer's and is valid
    state[key] = value
    with pytest.raises(error) as raised:
        optimizer.load_state_dict(state)
    assert message in str(raised.value)
    assert snapshot(optimizer) == before


@pytest.mark.parametrize("name, key", [("Adagrad", "sum"), ("RMSprop", "square_avg"), ("Adam", "exp_avg_sq")])
def test_load_state_dict_refuses_a_negative_sum_of_squares(name, key):
    optimizer = getattr(nn, name)([Value(1.0)])
    state = optimizer.state_dict()
    state["state"][key] = [-1e-3]
    with pytest.raises(ValueError, match=rf"state\['{key}'\]\[0\] must be at least 0, got -0.001"):
        optimizer.load_state_dict(state)
    assert optimizer.state_dict()["state"][key] == [0.0]


def test_load_state_dict_applies_the_constructors_cross_checks():
    optimizer = nn.SGD([Value(1.0)], lr=0.1, momentum=0.9, nesterov=True)
    state = optimizer.state_dict()
    state["momentum"] = 0.0
    with pytest.raises(ValueError, match="nesterov=True needs momentum > 0"):
        optimizer.load_state_dict(state)
    assert optimizer.momentum == 0.9
    state = optimizer.state_dict()
    del state["nesterov"]
    with pytest.raises(ValueError, match=r"missing keys \['nesterov'\]"):
        optimizer.load_state_dict(state)
