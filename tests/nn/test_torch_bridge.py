"""model.to_torch() and nn.from_torch(): the same function, weights, gradients and modes on both
sides, and a round trip that gives the model back exactly. PyTorch is the other side: these
tests skip without it, except those that check what happens without it."""

from __future__ import annotations

import copy
import math
import random
import subprocess
import sys

import pytest

import nn

X = [[0.5, -1.0, 0.25], [1.5, 2.0, -0.5], [-0.3, 0.7, 1.0], [0.0, -2.0, 0.4], [2.5, 0.1, -1.5]]


def models() -> dict[str, nn.Module]:
    """One of every model nn builds, three inputs each (built fresh: tests change them)."""
    made = {f"MLP {name}": nn.MLP(3, [4, 3, 2], activation=name, seed=1) for name in nn.ACTIVATIONS}
    made.update({
        "MLP micrograd": nn.MLP(3, [4, 4, 1]),
        "MLP maxout": nn.MLP(3, [4, 2], activation="maxout", k=3, seed=2),
        "MLP maxout dropout": nn.MLP(3, [4, 4, 1], activation="maxout", dropout=0.3, seed=3),
        "MLP batch norm": nn.MLP(3, [5, 4, 1], activation="tanh", batch_norm=True, seed=4),
        "MLP dropout batch norm": nn.MLP(3, [5, 4, 1], activation="elu", batch_norm=True, dropout=0.25, seed=5),
        "MLP per-layer activations": nn.MLP(3, [4, 4, 2], activation=["leaky_relu", "softplus", "sigmoid"], seed=6),
        "Layer dropout batch norm": nn.Layer(3, 4, activation="relu", batch_norm=True, dropout=0.5, seed=7),
        "Layer linear": nn.Layer(3, 2, nonlin=False, seed=8),
        "Maxout": nn.Maxout(3, 4, k=2, seed=9),
        "Sequential nesting": nn.Sequential(nn.Layer(3, 4, activation="tanh", seed=10),
                                            nn.Sequential(nn.Maxout(4, 3, seed=11), nn.Dropout(0.2, seed=12),
                                                          nn.BatchNorm(3, eps=1e-3, momentum=0.3)),
                                            nn.MLP(3, [2, 1], activation="sigmoid", seed=13)),
    })
    norm = made["MLP dropout batch norm"].layers[0].norm
    norm.eps, norm.momentum = 1e-4, 0.2
    for module in [made["MLP batch norm"], made["Sequential nesting"]]:  # running estimates that are not 0 and 1
        module.train()
        module(X)
    return made


NAMES = list(models())


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def tensor(torch, rows):
    return torch.tensor(rows, dtype=torch.float64)


def flat(outputs) -> list:
    """valuegraph's outputs for a minibatch (a Value or a list of Values per sample) as one list."""
    return [v for row in outputs for v in (row if isinstance(row, list) else [row])]


def values(outputs) -> list[float]:
    return [v.data for v in flat(outputs)]


def modes(model: nn.Module) -> list[bool]:
    return [m.training for m in model.modules()]


def same(a: list[float], b: list[float]) -> bool:
    return len(a) == len(b) and all(abs(x - y) <= 1e-12 * max(1.0, abs(x)) for x, y in zip(a, b))


# -- the round trip -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("mode", ["train", "eval", "mixed"])
def test_the_round_trip_gives_the_model_back(torch, name, mode):
    model = models()[name]
    model.train(mode != "eval")
    if mode == "mixed":  # (a mode per module that has one: a Linear has one mode for all its neurons)
        for module in [m for m in model.modules() if isinstance(m, (nn.Layer, nn.Maxout, nn.Dropout, nn.BatchNorm))][1::2]:
            module.eval()
        model.training = False  # the model itself, not its parts
        assert len(set(modes(model))) == 2
    back = nn.from_torch(model.to_torch())
    assert type(back) is type(model) and repr(back) == repr(model)
    assert back.state_dict() == model.state_dict()
    assert modes(back) == modes(model)


def test_the_torch_module_is_plain_torch_where_torch_has_the_module(torch):
    converted = nn.MLP(2, [16, 16, 1], seed=0).to_torch()
    assert isinstance(converted, torch.nn.Sequential)
    assert [type(m).__name__ for m in converted.modules()] == [
        "MLP", "Layer", "Linear", "ReLU", "Layer", "Linear", "ReLU", "Layer", "Linear"]
    assert all(p.dtype == torch.float64 for p in converted.parameters())
    assert sum(p.numel() for p in converted.parameters()) == len(nn.MLP(2, [16, 16, 1], seed=0).parameters())
    assert nn.MLP(2, [3], seed=0).to_torch(dtype=torch.float32)[0][0].weight.dtype == torch.float32


def test_weights_are_where_pytorch_keeps_them(torch):
    model = nn.MLP(3, [4, 2], seed=0)
    linear = model.to_torch()[1][0]
    assert linear.weight[1, 2].item() == model.layers[1].neurons[1].w[2].data
    assert linear.bias[0].item() == model.layers[1].neurons[0].b.data
    maxout = nn.Maxout(3, 2, k=3, seed=0)
    assert maxout.to_torch().linear.weight[1 * 3 + 2, 0].item() == maxout.units[1].pieces[2].w[0].data


# -- the same function, in both modes -----------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_the_forward_pass_is_the_same_in_evaluation_mode(torch, name):
    model = models()[name].eval()
    converted = model.to_torch()
    assert not converted.training
    assert same(values(model(X)), converted(tensor(torch, X)).flatten().tolist())


def controlled_dropout(model: nn.Module, converted) -> None:
    """Make the PyTorch model drop exactly what ``model``'s next training-mode call drops: each
    of its Dropout modules multiplies by the masks the matching nn.Dropout will draw, replayed
    from a copy of that Dropout's random source (layers of one MLP share a source, drawn from in
    the order the layers run, which is the order PyTorch runs them too)."""
    ours = [m for m in model.modules() if isinstance(m, nn.Dropout)]
    theirs = [m for m in converted.modules() if type(m).__name__ == "Dropout"]
    assert len(ours) == len(theirs)
    replays: dict[int, random.Random] = {}
    for dropout, module in zip(ours, theirs):
        if id(dropout.rng) not in replays:
            replays[id(dropout.rng)] = random.Random()
            replays[id(dropout.rng)].setstate(dropout.rng.getstate())
        replay = nn.Dropout(dropout.p, rng=replays[id(dropout.rng)])

        def drop(module, inputs, output, replay=replay):
            if not module.training:
                return output
            return inputs[0] * inputs[0].new_tensor(replay.draw_masks(*inputs[0].shape))

        module.register_forward_hook(drop)


@pytest.mark.parametrize("name", NAMES)
def test_the_forward_pass_and_running_estimates_are_the_same_in_training_mode(torch, name):
    model = models()[name].train()
    converted = model.to_torch()
    controlled_dropout(model, converted)
    ours, theirs = values(model(X)), converted(tensor(torch, X)).flatten().tolist()
    assert same(ours, theirs)
    assert set(ours) != {0.0}
    running = lambda state: [value for key, value in sorted(state.items()) if "running_" in key]
    assert same(running(model.state_dict()), running(nn.from_torch(converted).state_dict()))


def test_dropout_with_p_0_is_the_identity_in_both(torch):
    model = nn.MLP(3, [4, 1], activation="tanh", dropout=0.0, seed=0).train()
    assert same(values(model(X)), model.to_torch()(tensor(torch, X)).flatten().tolist())


def test_softplus_stays_log_1_plus_e_to_the_x_where_torch_s_default_threshold_would_not(torch):
    layer = nn.Layer(1, 1, activation="softplus", seed=0)
    layer.neurons[0].w[0].data, layer.neurons[0].b.data = 1.0, 0.0
    for x in (25.0, 36.0, 38.0, 50.0):
        ours = layer([x]).data
        assert layer.to_torch()(tensor(torch, [[x]])).item() == ours
    assert torch.nn.Softplus()(tensor(torch, [25.0])).item() != layer([25.0]).data  # why the threshold is 40


# -- the same gradients ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("mode", ["train", "eval"])
def test_gradients_are_the_scalar_engines(torch, name, mode):
    model = models()[name].train(mode == "train")
    converted = model.to_torch()
    controlled_dropout(model, converted)
    outputs = flat(model(X))
    weights = [math.sin(i + 1.0) for i in range(len(outputs))]  # a loss that weighs every output
    model.zero_grad()
    sum(w * v for w, v in zip(weights, outputs)).backward()
    ours = {key: p.grad for key, p in model.named_parameters()}

    out = converted(tensor(torch, X)).flatten()
    (out * out.new_tensor(weights)).sum().backward()
    grads = copy.deepcopy(converted)  # the gradients in the weights' places, read back by nn's names
    with torch.no_grad():
        for p, trained in zip(grads.parameters(), converted.parameters()):
            p.copy_(trained.grad)
    theirs = nn.from_torch(grads).state_dict()
    assert same(list(ours.values()), [theirs[key] for key in ours])
    assert sum(g != 0.0 for g in ours.values()) > len(ours) // 3


# -- PyTorch's own models, and what cannot cross ------------------------------------------------

def test_a_plain_torch_sequential_comes_in_as_layers(torch):
    torch.manual_seed(0)
    written = torch.nn.Sequential(torch.nn.Linear(3, 8), torch.nn.BatchNorm1d(8), torch.nn.Tanh(), torch.nn.Dropout(0.1),
                                  torch.nn.Identity(), torch.nn.Linear(8, 4), torch.nn.LeakyReLU(0.1),
                                  torch.nn.Linear(4, 1, bias=False)).eval()  # float32, as PyTorch makes it
    model = nn.from_torch(written)
    assert repr(model) == ("Sequential of [Layer of [" + ", ".join(["LinearNeuron(3)"] * 8) + ", BatchNorm(8, eps=1e-05, "
                           "momentum=0.1), Tanh, Dropout(p=0.1)], Layer of [" + ", ".join(["LeakyReLUNeuron(8)"] * 4)
                           + "], Layer of [LinearNeuron(4)]]")
    assert not model.training and model.layers[2].neurons[0].b.data == 0.0
    assert model.layers[0].neurons[5].w[1].data == written[0].weight[5, 1].item()  # float32 to float, exactly
    assert same(values(model(X)), written.double()(tensor(torch, X)).flatten().tolist())


def test_converting_leaves_every_random_source_as_it_was(torch):
    torch.manual_seed(0)
    random.seed(0)
    torch_state, python_state = torch.get_rng_state(), random.getstate()
    nn.from_torch(nn.MLP(3, [8, 8, 1], activation="maxout", dropout=0.5, seed=0).to_torch())
    assert torch.equal(torch.get_rng_state(), torch_state) and random.getstate() == python_state


def test_from_torch_seeds_the_dropout_masks_it_is_given(torch):
    converted = nn.MLP(3, [6, 1], dropout=0.5, seed=0).to_torch()
    run = lambda seed: values(nn.from_torch(converted, seed=seed).train()(X))
    assert run(1) == run(1) != run(2)


def torch_modules():
    from nn import torch_modules

    return torch_modules


@pytest.mark.parametrize("module, error, words", [
    (lambda t: t.nn.Conv1d(1, 1, 3), TypeError, "Conv1d, which nn has no counterpart for"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 2), t.nn.LeakyReLU(0.2)), ValueError, "is not nn's leaky_relu"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 2), t.nn.ELU(alpha=0.5)), ValueError, "is not nn's elu"),
    (lambda t: t.nn.Sequential(t.nn.Linear(2, 2), t.nn.Softplus()), ValueError, "threshold >= 37"),
    (lambda t: t.nn.Sequential(t.nn.ReLU(), t.nn.Linear(2, 2)), ValueError, "follows no Linear"),
    (lambda t: t.nn.BatchNorm1d(3, affine=False), ValueError, "affine=True"),
    (lambda t: t.nn.BatchNorm1d(3, momentum=None), ValueError, "momentum a number"),
    (lambda t: torch_modules().Layer(t.nn.Linear(2, 2), t.nn.ReLU(), t.nn.ReLU()), ValueError, "does not fit"),
    (lambda t: torch_modules().MLP(t.nn.Linear(2, 2), t.nn.Dropout(0.5)), ValueError, "not an MLP that nn.MLP builds"),
])
def test_what_nn_cannot_hold_is_refused_by_name(torch, module, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        nn.from_torch(module(torch))


def test_a_weight_that_is_not_finite_is_refused(torch):
    linear = torch.nn.Linear(2, 1)
    with torch.no_grad():
        linear.weight[0, 1] = float("nan")
    with pytest.raises(ValueError, match=r"Linear.weight holds nan; nn's weights are finite"):
        nn.from_torch(linear)


def test_to_torch_refuses_what_it_would_get_wrong(torch):
    with pytest.raises(TypeError, match=r"Neuron has no PyTorch counterpart here.*Layer\(nin, 1\)"):
        nn.Neuron(3).to_torch()

    class Doubled(nn.Sequential):  # a forward of its own, which to_torch cannot see
        def forward_rows(self, batch):
            return [[2 * v for v in row] for row in super().forward_rows(batch)]

    with pytest.raises(TypeError, match="Doubled has no PyTorch counterpart"):
        Doubled(nn.Layer(2, 2)).to_torch()


# -- PyTorch stays optional ---------------------------------------------------------------------

def test_importing_nn_does_not_import_torch():
    code = "import sys, nn; nn.MLP(2, [3, 1]); assert sys.modules.get('torch') is None, 'torch was imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_without_torch_converting_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)  # what Python does for a module that is not there
    monkeypatch.delitem(sys.modules, "nn.torch_modules", raising=False)
    with pytest.raises(ImportError, match=r"needs PyTorch, which is not installed: pip install torch"):
        nn.MLP(2, [3, 1], seed=0).to_torch()
    with pytest.raises(ImportError, match=r"pip install torch"):
        nn.from_torch(object())
