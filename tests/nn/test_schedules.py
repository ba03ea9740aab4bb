"""Learning-rate schedules against torch.optim.lr_scheduler and their closed forms."""

import math

import pytest

import nn
from autograd import Value


def lrs(schedule, epochs=12):
    out = []
    for _ in range(epochs):
        out.append(schedule.step())
    return out


CASES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.01)),
]


@pytest.mark.parametrize("name, settings", CASES, ids=[c[0] for c in CASES])
def test_schedules_match_torch(name, settings):
    torch = pytest.importorskip("torch")
    optimizer = nn.SGD([Value(1.0)], lr=0.2)
    ours = lrs(getattr(nn, name)(optimizer, **settings))
    tensor = torch.zeros(1, requires_grad=True)
    their_optimizer = torch.optim.SGD([tensor], lr=0.2)
    scheduler = getattr(torch.optim.lr_scheduler, name)(their_optimizer, **settings)
    theirs = []
    for _ in range(12):
        their_optimizer.step()
        scheduler.step()
        theirs.append(scheduler.get_last_lr()[0])
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-15)
    assert optimizer.lr == ours[-1]


def test_closed_forms():
    optimizer = nn.SGD([Value(1.0)], lr=1.0)
    assert lrs(nn.StepLR(optimizer, step_size=2, gamma=0.1), 4) == pytest.approx([1.0, 0.1, 0.1, 0.01])
    optimizer.lr = 1.0
    cosine = nn.CosineAnnealingLR(optimizer, T_max=4)
    assert lrs(cosine, 4) == pytest.approx([(1 + math.cos(math.pi * t / 4)) / 2 for t in range(1, 5)])
    assert cosine.get_last_lr() == pytest.approx(0.0, abs=1e-15)


def test_bad_settings():
    optimizer = nn.SGD([Value(1.0)], lr=1.0)
    with pytest.raises(ValueError, match="step_size\\) must be positive"):
        nn.StepLR(optimizer, step_size=0)
    with pytest.raises(TypeError, match="must be an nn optimizer"):
        nn.ExponentialLR("sgd", gamma=0.5)


@pytest.mark.parametrize("name, settings", CASES, ids=[c[0] for c in CASES])
def test_a_resumed_schedule_continues_where_it_stopped(name, settings):
    optimizer = nn.SGD([Value(1.0)], lr=0.2)
    whole_run = lrs(getattr(nn, name)(optimizer, **settings), 12)
    first = nn.SGD([Value(1.0)], lr=0.2)
    stopped = getattr(nn, name)(first, **settings)
    lrs(stopped, 5)
    resumed_optimizer = nn.SGD([Value(1.0)], lr=0.2)
    resumed = getattr(nn, name)(resumed_optimizer, **{key: value * 2 for key, value in settings.items()})
    resumed.load_state_dict(stopped.state_dict())
    assert resumed_optimizer.lr == pytest.approx(whole_run[4], rel=1e-15)
    assert lrs(resumed, 7) == pytest.approx(whole_run[5:], rel=1e-15)


@pytest.mark.parametrize("change, error, message", [
    ({"type": "StepLR"}, ValueError, "expected what ExponentialLR.state_dict.. returns, got type 'StepLR'"),
    ({"last_epoch": -1}, ValueError, "last_epoch must be at least 0, got -1"),
    ({"last_epoch": 2.5}, TypeError, "last_epoch must be an int, got float: 2.5"),
    ({"base_lr": 0.0}, ValueError, "base_lr must be positive, got 0.0"),
    ({"gamma": float("nan")}, ValueError, "gamma must be a finite number, got nan"),
    ({"surprise": 1}, ValueError, "expected the keys"),
])
def test_loading_a_bad_schedule_state_changes_nothing_and_says_why(change, error, message):
    optimizer = nn.SGD([Value(1.0)], lr=0.2)
    schedule = nn.ExponentialLR(optimizer, gamma=0.5)
    schedule.step()
    before = (schedule.state_dict(), optimizer.lr)
    state = {**schedule.state_dict(), **change}
    with pytest.raises(error, match=message.replace("(", "\\(")):
        schedule.load_state_dict(state)
    assert (schedule.state_dict(), optimizer.lr) == before
