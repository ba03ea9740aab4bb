"""Losses and penalties: values and gradients against torch.nn.functional (float64) when
installed, against the formulas otherwise; stability at extreme inputs."""

import math

import pytest

import nn
from autograd import Value

OUTPUTS = [0.3, -1.2, 2.5, 0.0, 4.0]
PROBABILITIES = [0.2, 0.9, 0.5, 1e-50, 1.0]
TARGETS01 = [1.0, 0.0, 1.0, 1.0, 0.0]


def values(numbers):
    return [Value(x) for x in numbers]


def check_against_torch(our_loss, torch_loss, inputs, targets):
    torch = pytest.importorskip("torch")
    ours = values(inputs)
    loss = our_loss(ours, targets)
    loss.backward()
    theirs = torch.tensor(inputs, dtype=torch.float64, requires_grad=True)
    expected = torch_loss(theirs, torch.tensor(targets, dtype=torch.float64))
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    return [v.grad for v in ours], theirs.grad.tolist()


def test_mse_matches_torch():
    torch = pytest.importorskip("torch")
    ours, theirs = check_against_torch(nn.mse, torch.nn.functional.mse_loss, OUTPUTS, TARGETS01)
    assert ours == pytest.approx(theirs, rel=1e-12)


def test_bce_with_logits_matches_torch_even_for_huge_logits():
    torch = pytest.importorskip("torch")
    logits = OUTPUTS + [800.0, -800.0, 40.0]
    targets = TARGETS01 + [0.0, 1.0, 1.0]
    ours, theirs = check_against_torch(nn.bce_with_logits, torch.nn.functional.binary_cross_entropy_with_logits,
                                       logits, targets)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=1e-300)


def test_binary_cross_entropy_matches_torch_including_its_clamp():
    torch = pytest.importorskip("torch")
    ours, theirs = check_against_torch(nn.binary_cross_entropy, torch.nn.functional.binary_cross_entropy,
                                       PROBABILITIES, TARGETS01)
    # Where the log is clamped (p = 1e-50 and 1 - p = 0) PyTorch's gradient comes from its own
    # eps formula; elsewhere the gradients agree.
    assert ours[:3] == pytest.approx(theirs[:3], rel=1e-12)


def test_binary_cross_entropy_gradient_near_0_and_1_is_the_documented_one():
    # the docstring states where the gradient differs from PyTorch's and what it is instead
    torch = pytest.importorskip("torch")
    doc = nn.binary_cross_entropy.__doc__
    assert "gradients differ from PyTorch's" in doc and "1e-12" in doc and "3.7e-44" in doc

    def gradients(p, y):
        ours = Value(p)
        nn.binary_cross_entropy([ours], [y]).backward()
        theirs = torch.tensor(p, dtype=torch.float64, requires_grad=True)
        torch.nn.functional.binary_cross_entropy(theirs, torch.tensor(y, dtype=torch.float64)).backward()
        return ours.grad, theirs.grad.item()

    assert gradients(1e-6, 1.0) == pytest.approx([-1e6, -1e6], rel=1e-9)  # p(1-p) >= 1e-12: same
    ours, theirs = gradients(1e-13, 1.0)  # exact derivative here, PyTorch's capped one
    assert ours == pytest.approx(-1e13, rel=1e-9) and theirs == pytest.approx(-1e12, rel=1e-6)
    ours, theirs = gradients(0.0, 1.0)  # log clamped at -100: a constant term here
    assert ours == 0.0 and theirs == pytest.approx(-1e12, rel=1e-6)
    z = Value(-40.0)
    nn.binary_cross_entropy([z.sigmoid()], [1.0]).backward()
    t = torch.tensor(-40.0, dtype=torch.float64, requires_grad=True)
    torch.nn.functional.binary_cross_entropy(t.sigmoid(), torch.tensor(1.0, dtype=torch.float64)).backward()
    assert z.grad == pytest.approx(-1.0, rel=1e-12) and t.grad.item() == pytest.approx(-4.25e-6, rel=1e-2)


def test_binary_cross_entropy_by_hand_and_errors():
    loss = nn.binary_cross_entropy(Value(0.8), 1.0)
    assert loss.data == pytest.approx(-math.log(0.8))
    assert nn.binary_cross_entropy(Value(0.0), 1.0).data == 100.0  # -log 0, clamped
    with pytest.raises(ValueError, match="not a probability"):
        nn.binary_cross_entropy([Value(1.5)], [1.0])
    with pytest.raises(ValueError, match="1 outputs but 2 targets"):
        nn.binary_cross_entropy([Value(0.5)], [1.0, 0.0])


def test_hinge_is_micrograds_max_margin_loss():
    scores, ys = [0.5, -2.0, 3.0, 0.9], [1, 1, -1, -1]
    loss = nn.hinge(values(scores), ys)
    expected = sum(max(0.0, 1 - y * s) for s, y in zip(scores, ys)) / 4
    assert loss.data == pytest.approx(expected, rel=1e-15)
    with pytest.raises(ValueError, match="must be -1 or \\+1"):
        nn.hinge(values(scores), [0, 1, 1, 0])


def test_cross_entropy_matches_torch_and_is_stable():
    torch = pytest.importorskip("torch")
    logits = [[1.0, 2.0, 0.5], [1000.0, -1000.0, 999.0], [0.0, 0.0, 0.0]]
    targets = [1, 2, 0]
    ours = [values(row) for row in logits]
    loss = nn.cross_entropy(ours, targets)
    loss.backward()
    theirs = torch.tensor(logits, dtype=torch.float64, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(theirs, torch.tensor(targets))
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    for row, grad_row in zip(ours, theirs.grad.tolist()):
        assert [v.grad for v in row] == pytest.approx(grad_row, rel=1e-12, abs=1e-300)


def test_cross_entropy_by_hand_and_errors():
    loss = nn.cross_entropy(values([0.0, math.log(3.0)]), 1)
    assert loss.data == pytest.approx(-math.log(3 / 4))
    with pytest.raises(ValueError, match="class index in 0..1"):
        nn.cross_entropy([values([0.0, 1.0])], [2])
    with pytest.raises(ValueError, match="1 samples of logits but 3 targets \\(a flat list of 3 scores is one "
                                         "sample's class scores.*one output per class"):
        nn.cross_entropy(values([0.5, -1.0, 2.0]), [0, 1, 1])  # a one-output model's minibatch


def test_sum_reduction_and_unknown_reduction():
    assert nn.mse(values([1.0, 3.0]), [0.0, 0.0], reduction="sum").data == 10.0
    with pytest.raises(ValueError, match="unknown reduction 'max'"):
        nn.mse(values([1.0]), [0.0], reduction="max")


def test_penalties():
    params = values([1.0, -2.0, 3.0])
    l1, l2 = nn.l1_penalty(params), nn.l2_penalty(params)
    assert (l1.data, l2.data) == (6.0, 14.0)
    (l1 + l2).backward()
    assert [p.grad for p in params] == [1.0 + 2.0, -1.0 - 4.0, 1.0 + 6.0]
    assert nn.l2_penalty(params).op.name == "dot"
    with pytest.raises(TypeError, match="params\\[1\\] must be a Value"):
        nn.l2_penalty([Value(1.0), 2.0])


def test_regularized_objective_is_the_lectures():
    model = nn.MLP(2, [3, 1], seed=0)
    X, y = [[1.0, 2.0], [-1.0, 0.5]], [1, 0]
    data = nn.bce_with_logits(model(X), y)
    total = data + 0.01 * nn.l2_penalty(model.parameters())
    assert total.data == pytest.approx(data.data + 0.01 * sum(p.data ** 2 for p in model.parameters()))


def test_one_sample_may_be_given_bare():
    assert nn.bce_with_logits(Value(0.0), 1).data == pytest.approx(math.log(2))
    assert nn.mse(Value(3.0), 1.0).data == 4.0
    assert nn.hinge([[Value(0.5)]], [1]).data == 0.5  # a layer's one-element output lists work too
    with pytest.raises(TypeError, match="outputs\\[0\\] must be a Value"):
        nn.mse(["a"], [1.0])
