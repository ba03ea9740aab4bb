"""nn on autograd.compile: fit(compiled=True) trains as the scalar graph does (losses, weights,
dropout masks, batch-norm statistics), falls back with a warning where it cannot, and
predict_grid / predict give the scalar graph's outputs over many points."""

from __future__ import annotations

import math
import warnings

import pytest

import nn

np = pytest.importorskip("numpy")

TOLERANCE = 1e-12


def close_lists(a, b, tolerance=TOLERANCE):
    return len(a) == len(b) and all(math.isclose(u, v, rel_tol=tolerance, abs_tol=tolerance) for u, v in zip(a, b))


def train_both(make_model, X, y, **options):  # noqa: N803
    """The same run, scalar then compiled: (histories, models)."""
    runs = []
    for compiled in (False, True):
        model = make_model()
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a silent fallback to the scalar path would pass unseen
            history = nn.fit(model, X, y, progress=False, compiled=compiled, **options)
        runs.append((history, model))
    return runs


# Not hinge with l1: its per-sample gradients are ±1/n, whose sum can be exactly 0 in one order
# of addition and 1e-18 in another; a bias there sits on abs's kink, where sign(0) = 0, and the
# two runs part by l1·lr. (Any kink meeting a rounding difference does this; so would PyTorch.)
@pytest.mark.parametrize("loss, l1", [("bce_with_logits", 1e-3), ("hinge", 0.0), ("mse", 1e-3)])
def test_compiled_fit_gives_the_scalar_losses_and_weights_with_a_short_last_minibatch(loss, l1):
    X, y = nn.datasets.moons(n=53, noise=0.2, seed=1)  # noqa: N806  (42 training samples: 4 x 10 + 2)
    (scalar, a), (compiled, b) = train_both(lambda: nn.MLP(2, [6, 4, 1], activation="tanh", seed=3), X, y,
                                            loss=loss, epochs=4, batch_size=10, l1=l1, l2=1e-3,
                                            validation_split=0.2)
    assert close_lists(compiled.train_loss, scalar.train_loss)
    assert close_lists(compiled.val_loss, scalar.val_loss)
    assert compiled.train_acc == scalar.train_acc and compiled.val_acc == scalar.val_acc
    assert close_lists([p.data for p in b.parameters()], [p.data for p in a.parameters()], 1e-10)


def test_compiled_dropout_draws_fresh_masks_every_step_as_the_scalar_path_does():
    X, y = nn.datasets.circle(n=40, noise=0.1, seed=2)  # noqa: N806
    (scalar, a), (compiled, b) = train_both(lambda: nn.MLP(2, [8, 8, 1], dropout=0.4, seed=5), X, y,
                                            epochs=5, batch_size=8)
    assert close_lists(compiled.train_loss, scalar.train_loss)
    assert len(set(compiled.train_loss)) == 5
    assert close_lists([p.data for p in b.parameters()], [p.data for p in a.parameters()], 1e-10)


def test_compiled_dropout_draws_as_many_masks_as_the_scalar_path_and_they_matter():
    # The same run draws the same random numbers compiled and not (the trace draws none itself),
    # and the masks change the losses: equal losses above are not a run without dropout.
    X, y = nn.datasets.circle(n=40, noise=0.1, seed=2)  # noqa: N806
    (scalar, a), (compiled, b) = train_both(lambda: nn.MLP(2, [8, 8, 1], dropout=0.4, seed=5), X, y,
                                            epochs=3, batch_size=8)
    assert a.layers[0].dropout.rng.getstate() == b.layers[0].dropout.rng.getstate()
    (without, _), _ = train_both(lambda: nn.MLP(2, [8, 8, 1], dropout=0.0, seed=5), X, y, epochs=3, batch_size=8)
    assert not close_lists(without.train_loss, compiled.train_loss, 1e-3)


def test_compiled_batch_norm_matches_the_scalar_statistics_and_running_averages():
    X, y = nn.datasets.xor(n=61, noise=0.1, seed=4)  # noqa: N806  (batches of 20: 20, 20, 21 joined)
    (scalar, a), (compiled, b) = train_both(lambda: nn.MLP(2, [5, 5, 1], batch_norm=True, seed=1), X, y,
                                            epochs=4, batch_size=20, validation_split=0.2)
    assert close_lists(compiled.train_loss, scalar.train_loss)
    assert close_lists(compiled.val_loss, scalar.val_loss)
    for norm_a, norm_b in zip([m for m in a.modules() if isinstance(m, nn.BatchNorm)],
                              [m for m in b.modules() if isinstance(m, nn.BatchNorm)]):
        assert close_lists(norm_b.running_mean, norm_a.running_mean, 1e-10)
        assert close_lists(norm_b.running_var, norm_a.running_var, 1e-10)
        assert norm_b.running_mean != [0.0] * len(norm_b.running_mean)


def test_compiled_batch_norm_in_training_refuses_one_sample_as_the_scalar_graph_does_and_keeps_its_estimates():
    import autograd

    model = nn.MLP(2, [3, 1], batch_norm=True, seed=0)
    X = [[0.5, -1.0], [1.5, 2.0], [-0.3, 0.2], [1.0, 1.0]]  # noqa: N806
    forward = autograd.compile(lambda X: model(X))  # noqa: N803
    forward(X)  # traced with 4 samples, replayed with any number
    state = model.state_dict()
    with pytest.raises(ValueError, match="at least 2 samples, got 1"):
        model(X[:1])
    with pytest.raises(ValueError, match="at least 2 samples, got 1"):
        forward(X[:1])
    assert model.state_dict() == state


def test_a_model_compiled_on_one_sample_given_as_a_flat_list_gives_the_scalar_output_and_gradients():
    import autograd

    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    step = autograd.compile(lambda x: nn.mse(model(x), 0.25))  # x: one sample's two features
    loss = step([0.5, -1.0])
    model.zero_grad()
    loss.backward()
    compiled = [loss.data] + [p.grad for p in model.parameters()]
    loss = nn.mse(model([0.5, -1.0]), 0.25)
    model.zero_grad()
    loss.backward()
    assert close_lists(compiled, [loss.data] + [p.grad for p in model.parameters()])


@pytest.mark.parametrize("entry", ["forward", "forward_batch"])
def test_a_model_compiled_through_its_forward_method_follows_its_mode_as_a_call_does(entry):
    import autograd

    model = nn.MLP(2, [4, 1], dropout=0.5, seed=0)
    X = [[0.5, -1.0], [1.5, 2.0], [-0.3, 0.2], [1.0, 1.0]]  # noqa: N806
    outputs = autograd.compile(lambda X: getattr(model, entry)(X))  # noqa: N803
    outputs.outputs(X)  # traced in training mode: dropout drops
    model.eval()
    assert close_lists(outputs.outputs(X).tolist(), [model(x).data for x in X])


def test_compiled_cross_entropy_with_three_classes_matches_the_scalar_path():
    X, y = nn.datasets.spiral(n=60, classes=3, seed=0)  # noqa: N806
    (scalar, a), (compiled, b) = train_both(lambda: nn.MLP(2, [8, 3], activation="tanh", seed=0), X, y,
                                            loss="cross_entropy", epochs=3, batch_size=10, validation_split=0.2)
    assert close_lists(compiled.train_loss, scalar.train_loss)
    assert close_lists(compiled.val_loss, scalar.val_loss)
    assert compiled.train_acc == scalar.train_acc
    with pytest.raises(ValueError, match=r"targets\[2\] = 3 must be a class index in 0..2"):
        nn.fit(nn.MLP(2, [4, 3], seed=0), X[:5], [0, 1, 3, 1, 0], loss="cross_entropy", progress=False)


def test_cross_entropy_takes_class_probabilities_as_pytorch_does():
    logits = [[1.0, -0.5, 2.0], [0.3, 0.2, -1.0]]
    by_index = nn.cross_entropy(logits, [2, 0]).data
    assert math.isclose(nn.cross_entropy(logits, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]).data, by_index, rel_tol=1e-15)
    soft = nn.cross_entropy(logits, [[0.2, 0.3, 0.5], [1.0, 0.0, 0.0]]).data
    lse = [math.log(sum(math.exp(z) for z in row)) for row in logits]
    first = sum(t * (lse[0] - z) for t, z in zip([0.2, 0.3, 0.5], logits[0]))  # -Σ tⱼ log softmaxⱼ
    assert math.isclose(soft, (first + lse[1] - logits[1][0]) / 2, rel_tol=1e-12)


@pytest.mark.parametrize("loss, reason", [
    ("binary_cross_entropy", "binary_cross_entropy loss branches on .data"),
    (lambda outputs, targets: nn.mse(outputs, targets), "a function of yours"),
])
def test_what_cannot_be_compiled_trains_on_the_scalar_graph_after_one_warning(loss, reason):
    X, y = nn.datasets.spiral(n=30, seed=0)  # noqa: N806
    model = nn.MLP(2, [4, 1], output_activation="sigmoid", seed=0)
    with pytest.warns(UserWarning, match=f"training on the scalar graph, not compiled: the {reason}"
                      if isinstance(loss, str) else f"not compiled: the loss is {reason}") as caught:
        history = nn.fit(model, X, y, loss=loss, epochs=2, progress=False)
    assert len(history) == 2
    assert len([w for w in caught if "not compiled" in str(w.message)]) == 1
    assert "\n" not in str(caught[0].message)


def test_a_domain_error_in_a_compiled_step_names_the_op_epoch_and_step():
    X, y = [[1.0, 2.0], [3.0, 4.0]], [1, 0]  # noqa: N806
    model = nn.MLP(2, [1], seed=0)
    for p in model.parameters():
        p.data = 1e200
    with pytest.raises(OverflowError, match="overflows") as caught:
        nn.fit(model, X, y, loss="mse", epochs=1, progress=False)
    assert caught.value.__notes__ == ["fit: epoch 1, step 1"]


def test_predict_grid_gives_the_scalar_outputs_and_every_layers_outputs():
    model = nn.MLP(2, [5, 3, 2], activation="tanh", seed=0)
    points = [[x / 7.0, (x * x) % 5 - 2.0] for x in range(-40, 43)]
    outputs = nn.predict_grid(model, points)
    expected = nn.predict(model, points, compiled=False)
    assert outputs.shape == (83, 2)
    assert close_lists(outputs.ravel().tolist(), [v for row in expected for v in row], 1e-13)
    layers = nn.predict_grid(model, points, per_layer=True)
    assert [layer.shape for layer in layers] == [(83, 5), (83, 3), (83, 2)]
    assert np.array_equal(layers[-1], outputs)
    hidden = [[v.data for v in row] for row in model.layers[0].forward_rows(points)]
    assert close_lists(layers[0].ravel().tolist(), [v for row in hidden for v in row], 1e-13)


def test_predict_grid_of_every_layer_follows_a_changed_setting_and_a_replaced_layer():
    model = nn.MLP(2, [3, 2], seed=0)
    points = [[i / 10.0, 1.0 - i / 7.0] for i in range(20)]

    def scalar_layers():
        rows, layers = points, []
        for layer in model.layers:
            rows = layer.forward_rows(rows)
            layers.append([v.data for row in rows for v in row])
        return layers

    nn.predict_grid(model, points, per_layer=True)
    model.layers[0].activation = "tanh"
    model.layers = (model.layers[0], nn.Layer(3, 2, seed=5))
    layers = nn.predict_grid(model, points, per_layer=True)
    assert all(close_lists(got.ravel().tolist(), expected, 1e-13) for got, expected in zip(layers, scalar_layers()))


def test_predict_grid_follows_the_weights_and_batch_norm_running_estimates():
    model = nn.MLP(2, [4, 1], batch_norm=True, seed=0)
    points = [[i / 10.0, -i / 20.0] for i in range(50)]
    before = nn.predict_grid(model, points)
    for p in model.parameters():
        p.data *= 1.5
    model.layers[0].norm.running_mean[0] = 0.7
    after = nn.predict_grid(model, points)
    assert close_lists(after[:, 0].tolist(), nn.predict(model, points, compiled=False), 1e-13)
    assert not np.allclose(before, after)


def test_predict_compiles_many_points_with_the_scalar_outputs():
    model = nn.MLP(2, [6, 1], seed=1)
    points = [[i / 100.0, 1.0 - i / 50.0] for i in range(400)]
    compiled = nn.predict(model, points)
    assert all(isinstance(v, float) for v in compiled)
    assert close_lists(compiled, nn.predict(model, points, compiled=False), 1e-13)


def test_fit_called_again_on_the_same_model_reuses_its_trace_and_the_model_can_be_freed():
    import gc
    import weakref

    from nn.compiled import _TRAINERS

    X, y = nn.datasets.xor(n=30, seed=1)  # noqa: N806
    model = nn.MLP(2, [4, 1], seed=0)
    nn.fit(model, X, y, epochs=1, batch_size=10, progress=False)
    trainer = _TRAINERS[model][1]
    nn.fit(model, X, y, epochs=1, batch_size=10, progress=False)
    assert _TRAINERS[model][1] is trainer and trainer.compiled.traces == 1
    nn.fit(model, X, y, epochs=1, batch_size=10, l2=1e-3, progress=False)  # another objective: a new trace
    assert _TRAINERS[model][1] is not trainer
    alive = weakref.ref(model)
    del model, trainer
    gc.collect()
    assert alive() is None


def test_turning_dropout_on_between_fit_calls_traces_a_step_with_masks():
    import random

    X, y = nn.datasets.xor(n=30, seed=1)  # noqa: N806
    model = nn.MLP(2, [6, 1], dropout=0.5, seed=0)
    dropout = model.layers[0].dropout
    start = [p.data for p in model.parameters()]
    dropout.p = 0.0
    nn.fit(model, X, y, epochs=1, batch_size=10, progress=False)  # traced without dropout
    dropout.p = 0.5
    losses = []
    for compiled in (True, False):
        nn.vector_to_parameters(start, model.parameters())
        dropout.rng = random.Random(3)
        losses.append(nn.fit(model, X, y, epochs=2, batch_size=10, progress=False, compiled=compiled).train_loss)
    assert close_lists(losses[0], losses[1])


# -- nothing silently different from the scalar graph ------------------------------------------------

@pytest.mark.parametrize("targets", ["probabilities", "one-hot"])
def test_compiled_cross_entropy_with_rows_of_targets_matches_the_scalar_path(targets):
    X, labels = nn.datasets.spiral(n=40, classes=3, seed=1)  # noqa: N806
    y = ([[0.2, 0.3, 0.5]] * len(X) if targets == "probabilities"
         else [[1.0 if j == t else 0.0 for j in range(3)] for t in labels])
    (scalar, a), (compiled, b) = train_both(lambda: nn.MLP(2, [4, 3], seed=0), X, y, loss="cross_entropy",
                                            epochs=2, batch_size=10)
    assert close_lists(compiled.train_loss, scalar.train_loss)
    assert min(compiled.train_loss) > 0.5  # trained on: not the zeros rows compared with indices gave
    assert close_lists([p.data for p in b.parameters()], [p.data for p in a.parameters()], 1e-10)


class Branching(nn.RowModule):
    """A layer of the user's that decides in Python from each sample's number."""

    def __init__(self) -> None:
        self.inner = nn.Layer(2, 1, activation="linear", seed=0)

    def forward_rows(self, batch):
        rows = self.inner.forward_rows(batch)
        return [[v * 2.0 if v.data > 0 else v * -1.0 for v in row] for row in rows]


def test_a_module_of_the_users_trains_on_the_scalar_graph_after_one_warning_unless_compiled_is_asked_for():
    X, y = nn.datasets.moons(n=30, noise=0.1, seed=0)  # noqa: N806
    scalar_model, default_model = nn.Sequential(Branching()), nn.Sequential(Branching())
    expected = nn.fit(scalar_model, X, y, loss="mse", epochs=3, progress=False, compiled=False).train_loss
    with pytest.warns(UserWarning, match=r"not compiled: the model has modules of your own \(Branching\)"):
        got = nn.fit(default_model, X, y, loss="mse", epochs=3, progress=False).train_loss
    assert close_lists(got, expected)
    asked = nn.fit(nn.Sequential(Branching()), X, y, loss="mse", epochs=3, progress=False, compiled=True).train_loss
    assert not close_lists(asked, expected, 1e-6)  # compiled as asked: its Python branch is frozen


def test_predict_numbers_the_sample_of_an_error_among_all_points():
    model = nn.MLP(1, [1], activation="linear", seed=0)
    model.layers[0].neurons[0].w[0].data = 1e300
    points = [[1.0]] * 300 + [[1e10]] + [[1.0]] * 299
    with pytest.raises(OverflowError, match="^sample 300: "):
        nn.predict(model, points)


def test_predict_grid_from_two_threads_gives_every_grid_right():
    import threading

    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=0)
    grids = [np.random.default_rng(i).uniform(-2, 2, size=(300 + 7 * i, 2)) for i in range(4)]
    expected = [nn.predict_grid(model, grid) for grid in grids]
    wrong = []

    def work(index):
        for _ in range(10):
            if not np.array_equal(nn.predict_grid(model, grids[index]), expected[index]):
                wrong.append(index)

    threads = [threading.Thread(target=work, args=(i % 4,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_predictions_from_two_threads_at_once_leave_the_model_in_the_mode_it_was_in():
    import threading

    tracing, go_on = threading.Event(), threading.Event()

    class Slow(nn.RowModule):
        """Pauses the first trace while another thread asks for predictions."""

        def __init__(self) -> None:
            self.inner = nn.Layer(2, 1, seed=0)

        def forward_rows(self, batch):
            tracing.set()
            go_on.wait(10)
            return self.inner.forward_rows(batch)

    model = nn.Sequential(Slow(), nn.Dropout(0.5, seed=0))
    first = threading.Thread(target=nn.predict_grid, args=(model, [[0.0, 1.0], [1.0, 0.0]]))
    first.start()
    assert tracing.wait(10)
    second = threading.Thread(target=nn.predict_grid, args=(model, [[1.0, 0.0], [0.5, 0.5]]))
    second.start()
    second.join(0.3)  # it now waits for the first to finish
    go_on.set()
    first.join()
    second.join()
    assert all(m.training for m in model.modules())  # not left in evaluation mode


def test_a_model_is_traced_once_whatever_the_minibatch_size():
    X, y = nn.datasets.moons(n=73, noise=0.1, seed=0)  # noqa: N806
    model = nn.MLP(2, [8, 8, 1], seed=0)
    nn.fit(model, X, y, epochs=2, batch_size=10, validation_split=0.2, progress=False)  # 58 training: 5 x 10 + 8
    from nn.compiled import _TRAINERS

    trainer = _TRAINERS[model][1]
    assert trainer.compiled.traces == 1 and trainer.compiled.batched
    assert trainer.evaluation.traces == 1
