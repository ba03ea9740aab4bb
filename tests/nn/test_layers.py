"""Neurons, layers, MLPs, Maxout, Dropout and BatchNorm: micrograd compatibility, graph shape,
train/eval behaviour, and BatchNorm against torch.nn.BatchNorm1d."""

import math
import random

import pytest

import nn
from autograd import Value, topological_order


@pytest.fixture
def micrograd_nn():
    """micrograd's nn module (the tests comparing with it skip when it is not installed)."""
    return pytest.importorskip("micrograd.nn")


# micrograd's demo notebook (demo.ipynb): the training cells, verbatim except for the data
# (scikit-learn's make_moons is replaced by nn.datasets.moons turned into numpy arrays) and the
# number of steps, which the test sets. Only the two imports at the top change between engines.
DEMO = '''
{imports}
import numpy as np
np.random.seed(1337)
random.seed(1337)

X, y = moons_as_numpy()
y = y*2 - 1 # make y be -1 or 1

model = MLP(2, [16, 16, 1]) # 2-layer neural network
print(model)
print("number of parameters", len(model.parameters()))

# loss function
def loss(batch_size=None):

    # inline DataLoader :)
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    inputs = [list(map(Value, xrow)) for xrow in Xb]

    # forward the model to get scores
    scores = list(map(model, inputs))

    # svm "max-margin" loss
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(yb, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    # L2 regularization
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss

    # also get accuracy
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

total_loss, acc = loss()
print(total_loss, acc)

# optimization
for k in range(STEPS):

    # forward
    total_loss, acc = loss()

    # backward
    model.zero_grad()
    total_loss.backward()

    # update (sgd)
    learning_rate = 1.0 - 0.9*k/100
    for p in model.parameters():
        p.data -= learning_rate * p.grad

    if k % 1 == 0:
        print(f"step {{k}} loss {{total_loss.data}}, accuracy {{acc*100}}%")
        trace.append((total_loss.data, acc))
'''

OURS = "from autograd import Value\nfrom nn import Neuron, Layer, MLP"
MICROGRAD = "from micrograd.engine import Value\nfrom micrograd.nn import Neuron, Layer, MLP"


def flat(rows):
    return [x for row in rows for x in row]


def run_demo(imports, steps):
    np = pytest.importorskip("numpy")

    def moons_as_numpy():
        X, y = nn.datasets.moons(n=100, noise=0.1, seed=1337)
        return np.array(X), np.array(y)

    trace = []
    namespace = {"random": random, "moons_as_numpy": moons_as_numpy, "trace": trace, "STEPS": steps,
                 "print": lambda *args, **kwargs: None}
    exec(DEMO.format(imports=imports), namespace)
    return trace, namespace["model"]


def test_micrograds_demo_runs_unchanged_and_gives_micrograds_losses(micrograd_nn):
    ours, model = run_demo(OURS, steps=2)
    theirs, _ = run_demo(MICROGRAD, steps=2)
    assert len(model.parameters()) == 337
    for (our_loss, our_acc), (their_loss, their_acc) in zip(ours, theirs):
        assert our_loss == pytest.approx(their_loss, rel=1e-9)
        assert our_acc == their_acc


def test_micrograds_demo_trains_to_full_accuracy():
    trace, _ = run_demo(OURS, steps=60)
    assert trace[-1][0] < trace[0][0] / 5
    assert trace[-1][1] == 1.0


def test_same_seed_gives_micrograds_weights_in_micrograds_order(micrograd_nn):
    random.seed(7)
    theirs = micrograd_nn.MLP(3, [4, 4, 1])
    random.seed(7)
    ours = nn.MLP(3, [4, 4, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    assert str(ours) == str(theirs)
    x = [0.5, -1.0, 2.0]
    assert ours(x).data == pytest.approx(theirs(x).data, rel=1e-12)


def test_neuron_and_layer_match_micrograd(micrograd_nn):
    random.seed(3)
    their_neuron, their_layer = micrograd_nn.Neuron(3, nonlin=False), micrograd_nn.Layer(3, 2)
    random.seed(3)
    our_neuron, our_layer = nn.Neuron(3, nonlin=False), nn.Layer(3, 2)
    x = [1.0, -2.0, 0.25]
    assert our_neuron(x).data == pytest.approx(their_neuron(x).data, rel=1e-12)
    assert [v.data for v in our_layer(x)] == pytest.approx([v.data for v in their_layer(x)], rel=1e-12)
    assert repr(our_neuron) == repr(their_neuron) == "LinearNeuron(3)"
    assert len(our_layer.parameters()) == len(their_layer.parameters()) == 8


def test_zero_grad_sets_every_gradient_to_zero():
    model = nn.MLP(2, [3, 1], seed=0)
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0 for p in model.parameters())


@pytest.mark.parametrize("nin, nouts, count", [(2, [16, 16, 1], 337), (3, [4, 4, 1], 41), (1, [1], 2)])
def test_parameter_counts(nin, nouts, count):
    assert len(nn.MLP(nin, nouts, seed=0).parameters()) == count


def test_parameter_counts_with_batch_norm_and_maxout():
    assert len(nn.MLP(2, [4, 1], batch_norm=True, seed=0).parameters()) == 3 * 4 + 5 + 2 * 4
    assert len(nn.MLP(2, [4, 1], activation="maxout", k=3, seed=0).parameters()) == 4 * 3 * 3 + 5


def test_one_neuron_is_one_dot_node_plus_its_activation():
    neuron = nn.Neuron(3, seed=0)
    out = neuron([1.0, 2.0, 3.0])
    assert out.op.name == "relu"
    (pre,) = out.parents
    assert pre.op.name == "dot" and pre.param == 3
    assert pre.parents[:3] == neuron.w and pre.parents[-1] is neuron.b
    assert len(topological_order(out)) == 3 + 3 + 1 + 2


def test_a_layer_shares_one_leaf_per_input_between_its_neurons():
    layer = nn.Layer(2, 3, seed=0)
    outs = layer([1.0, 2.0])
    inputs = [out.parents[0].parents[2:4] for out in outs]
    assert inputs[0] == inputs[1] == inputs[2]


@pytest.mark.parametrize("activation, function", [
    ("relu", lambda a: max(a, 0.0)),
    ("leaky_relu", lambda a: max(0.1 * a, a)),
    ("sigmoid", lambda a: 1 / (1 + math.exp(-a))),
    ("tanh", math.tanh),
    ("elu", lambda a: a if a > 0 else math.expm1(a)),
    ("softplus", lambda a: math.log1p(math.exp(a))),
    ("linear", lambda a: a),
])
def test_activations(activation, function):
    neuron = nn.Neuron(2, activation=activation, seed=1)
    for x in ([1.0, -2.0], [-1.5, 0.5], [3.0, 3.0]):
        pre = sum(w.data * xi for w, xi in zip(neuron.w, x)) + neuron.b.data
        assert neuron(x).data == pytest.approx(function(pre), rel=1e-12, abs=1e-15)


def test_a_softplus_layer_computes_log_1_plus_e_x_and_its_gradient_is_the_sigmoid():
    assert "softplus" in nn.ACTIVATIONS
    layer = nn.Layer(2, 3, activation="softplus", seed=0)
    x = [0.5, -1.5]
    outs = layer(x)
    sum(outs).backward()
    for neuron, out in zip(layer.neurons, outs):
        pre = sum(w.data * xi for w, xi in zip(neuron.w, x)) + neuron.b.data
        assert out.data == pytest.approx(math.log1p(math.exp(pre)), rel=1e-12)
        assert neuron.b.grad == pytest.approx(1 / (1 + math.exp(-pre)), rel=1e-12)
    assert "Softplus" in repr(layer) and "softplus" in repr(nn.MLP(2, [3, 1], activation="softplus", seed=0)).lower()


def test_mlp_activation_per_layer_and_output_activation():
    model = nn.MLP(2, [3, 3, 1], activation=["tanh", "elu", "sigmoid"], seed=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "elu", "sigmoid"]
    model = nn.MLP(2, [3, 1], activation="leaky_relu", output_activation="sigmoid", seed=0)
    assert [layer.activation for layer in model.layers] == ["leaky_relu", "sigmoid"]
    assert 0.0 < model([1.0, 2.0]).data < 1.0


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        nn.MLP(2, [3, 1], activation="swish")
    with pytest.raises(ValueError, match="unknown init 'glorot'"):
        nn.Neuron(2, init="glorot")
    with pytest.raises(TypeError, match="MLP\\(nouts\\)"):
        nn.MLP(2, 3)
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        nn.MLP(2, [3, 1], seed=0)([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="seed must be an int"):
        nn.MLP(2, [3, 1], seed=1.5)
    with pytest.raises(ValueError, match="MLP\\(dropout\\) must be in \\[0, 1\\], got 2"):
        nn.MLP(2, [1], dropout=2)  # checked even when no layer is hidden
    with pytest.raises(TypeError, match="MLP\\(batch_norm\\) must be a bool, got int: 1"):
        nn.MLP(2, [3, 1], batch_norm=1)
    with pytest.raises(ValueError, match="Layer\\(dropout\\) must be in \\[0, 1\\], got -0.5"):
        nn.Layer(2, 3, dropout=-0.5)


def test_seeds_make_weights_reproducible_and_rng_is_accepted():
    a, b = nn.MLP(2, [4, 1], seed=5), nn.MLP(2, [4, 1], seed=5)
    assert a.state_dict() == b.state_dict()
    assert a.state_dict() != nn.MLP(2, [4, 1], seed=6).state_dict()
    c = nn.MLP(2, [4, 1], rng=random.Random(5))
    assert c.state_dict() == a.state_dict()


@pytest.mark.parametrize("init, bound", [("uniform", 1.0), ("xavier", math.sqrt(6 / (50 + 20))),
                                         ("he_uniform", math.sqrt(6 / 50))])
def test_uniform_initialisations_stay_in_their_bounds(init, bound):
    layer = nn.Layer(50, 20, init=init, seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    assert max(map(abs, weights)) <= bound
    assert max(map(abs, weights)) > 0.9 * bound
    assert all(n.b.data == 0.0 for n in layer.neurons)


@pytest.mark.parametrize("init, std", [("he", math.sqrt(2 / 50)), ("xavier_normal", math.sqrt(2 / 70))])
def test_normal_initialisations_have_their_spread(init, std):
    layer = nn.Layer(50, 20, init=init, seed=0)
    weights = [w.data for n in layer.neurons for w in n.w]
    measured = math.sqrt(sum(w * w for w in weights) / len(weights))
    assert measured == pytest.approx(std, rel=0.1)


def test_a_batch_call_equals_one_call_per_sample():
    model = nn.MLP(2, [5, 3], activation="tanh", seed=0)
    X = [[0.1, 0.2], [-1.0, 2.0], [3.0, -0.5]]
    batched = model(X)
    for x, out in zip(X, batched):
        assert [v.data for v in out] == [v.data for v in model(x)]
    single = nn.MLP(2, [5, 1], seed=0)
    assert all(isinstance(out, Value) for out in single(X))


def test_maxout_is_the_largest_piece():
    layer = nn.Maxout(2, 3, k=3, seed=0)
    x = [0.7, -1.2]
    outs = layer(x)
    for unit, out in zip(layer.units, outs):
        pieces = [sum(w.data * xi for w, xi in zip(p.w, x)) + p.b.data for p in unit.pieces]
        assert out.data == pytest.approx(max(pieces), rel=1e-12)
    names = [name for name, _ in layer.named_parameters()]
    assert names[:3] == ["units.0.pieces.0.w.0", "units.0.pieces.0.w.1", "units.0.pieces.0.b"]
    with pytest.raises(ValueError, match="k"):
        nn.Maxout(2, 3, k=1)


def test_maxout_mlp_trains_gradients_into_the_winning_piece_only():
    layer = nn.Maxout(1, 1, k=2, seed=0)
    out = layer([1.0])
    out.backward()
    grads = [p.w[0].grad for p in layer.units[0].pieces]
    assert sorted(grads) == [0.0, 1.0]


def test_dropout_in_train_mode_drops_and_scales_and_is_identity_in_eval():
    dropout = nn.Dropout(0.25, seed=0)
    x = [Value(1.0) for _ in range(4000)]
    out = dropout(x)
    kept = [v.data for v in out if v.data != 0.0]
    assert set(kept) == {1.0 / 0.75}
    assert len(kept) / len(x) == pytest.approx(0.75, abs=0.03)
    dropout.eval()
    assert [v.data for v in dropout(x)] == [1.0] * 4000
    assert [v.data for v in nn.Dropout(0.0)(x)] == [1.0] * 4000
    assert all(v.data == 0.0 for v in nn.Dropout(1.0)(x))
    with pytest.raises(ValueError, match="Dropout\\(p\\)"):
        nn.Dropout(1.5)


def test_dropout_in_an_mlp_is_reproducible_and_off_in_eval():
    model = nn.MLP(2, [50, 1], dropout=0.5, seed=1)
    x = [0.3, 0.4]
    first = model(x).data
    assert any(model(x).data != first for _ in range(5))
    model.eval()
    assert model(x).data == model(x).data


def test_train_and_eval_recurse_validate_and_return_self():
    model = nn.MLP(2, [3, 1], batch_norm=True, dropout=0.5, seed=0)
    assert model.eval() is model
    assert not model.layers[0].norm.training and not model.layers[0].dropout.training
    assert model.train() is model and model.layers[0].dropout.training
    with pytest.raises(TypeError, match="must be a bool"):
        model.train("no")


def test_batchnorm_in_training_needs_a_batch():
    model = nn.MLP(2, [3, 1], batch_norm=True, seed=0)
    with pytest.raises(ValueError, match="at least 2 samples"):
        model([1.0, 2.0])
    model.eval()
    assert isinstance(model([1.0, 2.0]), Value)


def test_batchnorm_normalises_each_feature_over_the_batch():
    norm = nn.BatchNorm(2)
    batch = [[1.0, 10.0], [2.0, 20.0], [3.0, 60.0], [6.0, 30.0]]
    out = norm(batch)
    for f in range(2):
        column = [row[f].data for row in out]
        assert sum(column) / 4 == pytest.approx(0.0, abs=1e-12)
        assert sum(c * c for c in column) / 4 == pytest.approx(1.0, rel=1e-4)


def test_batchnorm_matches_torch_batchnorm1d_with_running_statistics():
    torch = pytest.importorskip("torch")
    rng = random.Random(0)
    ours = nn.BatchNorm(3, eps=1e-5, momentum=0.1)
    theirs = torch.nn.BatchNorm1d(3, eps=1e-5, momentum=0.1, dtype=torch.float64)
    for f in range(3):
        ours.weight[f].data, ours.bias[f].data = 1.0 + 0.5 * f, -0.25 * f
    with torch.no_grad():
        theirs.weight.copy_(torch.tensor([p.data for p in ours.weight], dtype=torch.float64))
        theirs.bias.copy_(torch.tensor([p.data for p in ours.bias], dtype=torch.float64))
    for _ in range(3):
        batch = [[rng.gauss(f, 1 + f) for f in range(3)] for _ in range(5)]
        upstream = [[rng.uniform(-1, 1) for _ in range(3)] for _ in range(5)]
        values = [[Value(x) for x in row] for row in batch]
        out = ours(values)
        loss = sum(o * u for row, urow in zip(out, upstream) for o, u in zip(row, urow))
        ours.zero_grad()
        loss.backward()
        inputs = torch.tensor(batch, dtype=torch.float64, requires_grad=True)
        expected = theirs(inputs)
        theirs.zero_grad()
        expected.backward(torch.tensor(upstream, dtype=torch.float64))
        assert flat([[v.data for v in row] for row in out]) == pytest.approx(flat(expected.detach().tolist()), abs=1e-12)
        assert flat([[v.grad for v in row] for row in values]) == pytest.approx(flat(inputs.grad.tolist()), abs=1e-12)
        assert [p.grad for p in ours.weight] == pytest.approx(theirs.weight.grad.tolist(), abs=1e-12)
        assert [p.grad for p in ours.bias] == pytest.approx(theirs.bias.grad.tolist(), abs=1e-12)
        assert ours.running_mean == pytest.approx(theirs.running_mean.tolist(), abs=1e-12)
        assert ours.running_var == pytest.approx(theirs.running_var.tolist(), abs=1e-12)
    ours.eval()
    theirs.eval()
    batch = [[rng.gauss(0, 2) for _ in range(3)] for _ in range(4)]
    with torch.no_grad():
        expected = theirs(torch.tensor(batch, dtype=torch.float64)).tolist()
    assert flat([[v.data for v in row] for row in ours(batch)]) == pytest.approx(flat(expected), abs=1e-12)


def test_batchnorm_sits_before_the_activation():
    model = nn.MLP(2, [4, 1], batch_norm=True, seed=0)
    outs = model.layers[0]([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]])
    for row in outs:
        for out in row:
            assert out.op.name == "relu"
            assert out.parents[0].op.name == "dot"  # γ·x̂ + β, the normalised pre-activation
    assert model.layers[0].neurons[0].activation == "linear"


def test_a_row_module_gets_one_sample_and_minibatch_calls_and_chains():
    class Double(nn.RowModule):
        def forward_rows(self, batch):
            return [[2 * v for v in row] for row in batch]

    layer = Double()
    assert [v.data for v in layer.forward_rows([[Value(1.0), Value(2.0)]])[0]] == [2.0, 4.0]
    assert layer([Value(3.0)]).data == 6.0  # one output: unwrapped, as micrograd's layers
    assert [out.data for out in layer([[Value(1.0)], [Value(2.0)]])] == [2.0, 4.0]
    model = nn.Sequential(nn.Layer(2, 1, nonlin=False, seed=0), Double())
    x = [0.5, -1.0]
    assert model(x).data == pytest.approx(2 * model.layers[0](x).data, rel=1e-15)
    assert isinstance(nn.Dropout(0.5)([Value(1.0)]), list)  # dropout and batch norm keep lists


def test_a_batch_norm_layers_repr_shows_the_norm_and_the_activation_after_it():
    assert repr(nn.Layer(2, 2, batch_norm=True, seed=0)) == (
        "Layer of [LinearNeuron(2), LinearNeuron(2), BatchNorm(2, eps=1e-05, momentum=0.1), ReLU]")
    assert repr(nn.Layer(2, 1, activation="tanh", batch_norm=True, dropout=0.5, seed=0)) == (
        "Layer of [LinearNeuron(2), BatchNorm(1, eps=1e-05, momentum=0.1), Tanh, Dropout(p=0.5)]")
    assert repr(nn.Layer(2, 1, activation="tanh", seed=0)) == "Layer of [TanhNeuron(2)]"  # micrograd's
