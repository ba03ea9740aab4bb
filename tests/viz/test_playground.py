"""viz.Playground: settings, determinism, what it shows, the lecture's exercises, saving, replay."""

import json
import math
import re

import pytest

import nn
from autograd import topological_order
from viz import Playground
from viz.playground import DEFAULTS, FEATURES
from viz.playground_view import render, snapshot

from .test_html import Browser, needs_chromium

SMALL = {"n": 100, "seed": 1}
"""A small experiment: tests that train stay fast."""


# -- settings ----------------------------------------------------------------------------------

def test_the_defaults_are_tensorflow_playgrounds():
    pg = Playground()
    assert (pg.settings["dataset"], pg.settings["n"], pg.settings["noise"], pg.settings["train_ratio"]) == \
        ("circle", 500, 0.0, 0.5)
    assert pg.settings["features"] == ("x1", "x2") and pg.settings["hidden"] == (4, 2)
    assert (pg.settings["activation"], pg.settings["lr"], pg.settings["batch_size"]) == ("tanh", 0.03, 10)
    assert pg.layer_sizes == [2, 4, 2, 1]
    assert len(pg.X_train) == len(pg.X_test) == 250
    assert pg.extent == 6.0  # the circle's radius 5 with a margin: TensorFlow Playground's [-6, 6]


@pytest.mark.parametrize("setting, value, error, words", [
    ("dataset", "spirals", ValueError, "Playground(dataset) must be one of 'circle', 'xor'"),
    ("n", 5, ValueError, "Playground(n) must be in [10, 5000], got 5"),
    ("n", 100.0, TypeError, "Playground(n) must be an int"),
    ("noise", -0.1, ValueError, "Playground(noise) must be in [0, 1]"),
    ("train_ratio", 1.0, ValueError, "Playground(train_ratio) must be in [0.1, 0.9]"),
    ("features", "x1", TypeError, "features=['x1']"),
    ("features", ["x1", "x3"], ValueError, "Playground(features) must be one of 'x1', 'x2', 'x1^2'"),
    ("features", [], ValueError, "at least one feature"),
    ("features", ["x1", "x1"], ValueError, "each once"),
    ("hidden", [4] * 7, ValueError, "Playground(hidden) may have 0 to 6 layers, got 7"),
    ("hidden", [9], ValueError, "Playground(hidden[0]) must be in [1, 8], got 9"),
    ("hidden", 4, TypeError, "Playground(hidden) must be a list of layer sizes"),
    ("activation", "swish", ValueError, "Playground(activation) must be one of 'linear', 'relu', 'leaky_relu'"),
    ("loss", "cross_entropy", ValueError, "Playground(loss) must be one of 'bce_with_logits', 'mse', 'hinge'"),
    ("optimizer", "lbfgs", ValueError, "Playground(optimizer) must be one of 'sgd', 'nesterov', 'adagrad'"),
    ("lr", 0, ValueError, "Playground(lr) must be in (0, 10]"),
    ("l2", float("nan"), ValueError, "Playground(l2) must be a finite number"),
    ("dropout", 1.0, ValueError, "Playground(dropout) must be in [0, 1)"),
    ("batch_norm", 1, TypeError, "Playground(batch_norm) must be a bool"),
    ("batch_size", 0, ValueError, "Playground(batch_size) must be in [1, 5000]"),
    ("patience", 0, ValueError, "Playground(patience) must be at least 1 (or None"),
    ("colour", "red", TypeError, "unknown setting 'colour' (the settings are dataset, n,"),
])
def test_a_wrong_setting_names_itself_and_what_is_accepted(setting, value, error, words):
    with pytest.raises(error) as raised:
        Playground(**{setting: value})
    assert words in str(raised.value)


def test_settings_that_only_make_sense_together_are_checked_together():
    with pytest.raises(ValueError, match="momentum.*above 0 with optimizer='nesterov'"):
        Playground(optimizer="nesterov", momentum=0.0)
    with pytest.raises(ValueError, match="momentum\\) is a setting of optimizer 'sgd' or 'nesterov', not 'adam'"):
        Playground(optimizer="adam", momentum=0.9)
    with pytest.raises(ValueError, match="batch_size\\) must be at least 2 with batch_norm=True"):
        Playground(batch_norm=True, batch_size=1)


def test_configure_checks_everything_before_it_changes_anything():
    pg = Playground(**SMALL)
    pg.step(2)
    with pytest.raises(ValueError, match="hidden"):
        pg.configure(hidden=[4, 20], lr=1.0)
    assert pg.epoch == 2 and pg.settings["lr"] == 0.03 and pg.settings["hidden"] == (4, 2)
    pg.configure(hidden=[3])
    assert pg.epoch == 0 and pg.layer_sizes == [2, 3, 1]


# -- each setting changes what it should -----------------------------------------------------------

def test_dataset_noise_n_and_train_ratio_choose_the_points():
    xor = Playground(dataset="xor", n=200, seed=2)
    assert all((a * b > 0) == bool(label) for (a, b), label in zip(xor.X_train + xor.X_test, xor.y_train + xor.y_test))
    noisy = Playground(dataset="xor", n=200, seed=2, noise=0.3)
    assert noisy.X_train != xor.X_train and len(noisy.X_train) == len(xor.X_train)
    split = Playground(n=200, train_ratio=0.3)
    assert (len(split.X_train), len(split.X_test)) == (60, 140)
    assert sorted(map(tuple, split.X_train + split.X_test)) == sorted(map(tuple, nn.datasets.circle(200, seed=0)[0]))


@pytest.mark.parametrize("name", list(FEATURES))
def test_each_feature_is_computed_from_the_point(name):
    pg = Playground(features=[name], **SMALL)
    expected = {"x1": lambda a, b: a, "x2": lambda a, b: b, "x1^2": lambda a, b: a ** 2, "x2^2": lambda a, b: b ** 2,
                "x1*x2": lambda a, b: a * b, "sin(x1)": lambda a, b: math.sin(a),
                "sin(x2)": lambda a, b: math.sin(b)}[name]
    assert [row[0] for row in pg.inputs_train] == pytest.approx([expected(a, b) for a, b in pg.X_train])
    assert len(pg.model.layers[0].neurons[0].w) == 1


def test_features_are_kept_in_the_drawings_order():
    assert Playground(features=["sin(x2)", "x1"], **SMALL).settings["features"] == ("x1", "sin(x2)")


def test_hidden_activation_dropout_and_batch_norm_shape_the_network():
    pg = Playground(hidden=[3, 5, 2], activation="leaky_relu", dropout=0.2, batch_norm=True, **SMALL)
    layers = pg.model.layers
    assert [len(layer.neurons) for layer in layers] == [3, 5, 2, 1]
    assert [layer.activation for layer in layers] == ["leaky_relu"] * 3 + ["linear"]
    assert [layer.dropout.p for layer in layers[:3]] == [0.2] * 3 and not hasattr(layers[3], "dropout")
    assert all(isinstance(layer.norm, nn.BatchNorm) for layer in layers[:3])
    linear = Playground(hidden=[], **SMALL)
    assert len(linear.model.layers) == 1 and linear.layer_sizes == [2, 1]


@pytest.mark.parametrize("name, kind, settings", [
    ("sgd", nn.SGD, {"momentum": 0.0, "nesterov": False}),
    ("nesterov", nn.SGD, {"momentum": 0.9, "nesterov": True}),
    ("adam", nn.Adam, {}), ("adagrad", nn.Adagrad, {}), ("rmsprop", nn.RMSprop, {}), ("adamw", nn.AdamW, {}),
])
def test_optimizer_and_lr_choose_the_optimizer(name, kind, settings):
    pg = Playground(optimizer=name, lr=0.3, **SMALL)
    assert type(pg.optimizer) is kind and pg.optimizer.lr == 0.3
    for key, value in settings.items():
        assert getattr(pg.optimizer, key) == value


def test_momentum_is_the_lectures_and_shows_in_the_optimizer_state():
    pg = Playground(momentum=0.5, **SMALL)
    assert pg.optimizer.momentum == 0.5
    assert pg.optimizer_state()["momentum_buffer"] == 0.0
    pg.step()
    state = pg.optimizer_state()
    assert state["steps"] == 5 and state["momentum_buffer"] > 0  # 50 training points in batches of 10
    adam = Playground(optimizer="adam", **SMALL)
    adam.step()
    assert set(adam.optimizer_state()) == {"optimizer", "steps", "lr", "exp_avg", "exp_avg_sq"}


def test_batch_size_sets_the_steps_per_epoch():
    for batch_size, steps in ((10, 5), (7, 8), (50, 1)):
        pg = Playground(batch_size=batch_size, **SMALL)
        pg.step()
        assert pg.optimizer.steps == steps


def test_l1_and_l2_shrink_the_weights():
    def size(**settings):
        pg = Playground(lr=0.1, **SMALL, **settings)
        pg.step(15)
        return sum(abs(v) for k, v in pg.model.state_dict().items() if ".w." in k)

    plain = size()
    assert size(l2=0.3) < 0.7 * plain
    assert size(l1=0.3) < 0.7 * plain


def test_the_loss_setting_is_the_loss_trained_and_measured():
    pg = Playground(loss="mse", **SMALL)
    pg.step()
    outputs = nn.predict(pg.model, pg.inputs_test)
    assert pg.history.val_loss[0] == pytest.approx(sum((o - t) ** 2 for o, t in zip(outputs, pg.y_test)) / len(outputs))


def test_patience_stops_early_and_goes_back_to_the_best_epoch():
    pg = Playground(dataset="circle", noise=0.5, train_ratio=0.1, n=200, hidden=[8, 8], optimizer="adam", lr=0.03,
                    patience=5, seed=1)
    pg.step(200)
    history = pg.history
    assert pg.stopped and history.stop_reason == "early_stopping" and history.restored_best
    assert pg.epoch == history.best_epoch + 5 < 200
    assert history.best_value == min(history.val_loss)
    assert pg.model.state_dict() == pg.weights[history.best_epoch]
    pg.step(3)
    assert pg.epoch == history.best_epoch + 5  # a stopped run stays stopped


# -- determinism -----------------------------------------------------------------------------------

def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    settings = {"dataset": "spiral", "dropout": 0.2, "n": 100, "hidden": [5]}
    first, second = Playground(seed=4, **settings), Playground(seed=4, **settings)
    first.step(3)
    for _ in range(3):
        second.step()  # step(3) and three step() are the same run
    assert first.history.train_loss == second.history.train_loss and first.weights == second.weights
    third = Playground(seed=5, **settings)
    third.step(3)
    assert third.X_train != first.X_train and third.history.train_loss != first.history.train_loss


def test_reset_starts_the_same_run_again():
    pg = Playground(**SMALL)
    pg.step(3)
    losses, start = pg.history.train_loss, pg.weights[0]
    pg.reset()
    assert pg.epoch == 0 and pg.model.state_dict() == start and pg.optimizer.steps == 0
    pg.step(3)
    assert pg.history.train_loss == losses


def test_history_is_an_nn_history_whose_val_loss_is_the_test_loss():
    pg = Playground(**SMALL)
    pg.step(2)
    assert isinstance(pg.history, nn.History) and [r.epoch for r in pg.history] == [1, 2]
    assert pg.history.val_loss[-1] == pytest.approx(nn.evaluate(pg.model, pg.inputs_test, pg.y_test)[0])
    assert len(pg.weights) == 3


# -- the lecture's exercises -------------------------------------------------------------------------

def test_a_linear_model_underfits_the_circle_and_squared_features_fix_it():
    linear = Playground(hidden=[], n=200, lr=0.1)
    linear.step(20)
    squared = Playground(hidden=[], n=200, lr=0.1, features=["x1^2", "x2^2"])
    squared.step(20)
    assert linear.history.val_loss[-1] > 0.6 and linear.accuracy()[1] < 0.8  # no line separates a disc from a ring
    assert squared.history.val_loss[-1] < 0.2 and squared.accuracy()[1] > 0.97


def test_one_hidden_layer_learns_xor_which_a_linear_model_cannot():
    linear = Playground(dataset="xor", hidden=[], n=200, lr=0.1)
    linear.step(30)
    hidden = Playground(dataset="xor", hidden=[4], n=200, lr=0.3)
    hidden.step(40)
    assert linear.accuracy()[1] < 0.65
    assert hidden.accuracy()[1] > 0.9


def test_a_big_network_on_few_noisy_points_overfits_and_l2_brings_the_test_loss_back():
    settings = {"dataset": "circle", "noise": 0.5, "train_ratio": 0.1, "n": 200, "hidden": [8, 8],
                "optimizer": "adam", "lr": 0.03, "seed": 1}
    plain = Playground(**settings)
    plain.step(80)
    regularized = Playground(l2=0.01, **settings)
    regularized.step(80)
    history = plain.history
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]  # it learns the training points...
    assert history.val_loss[-1] > 1.5 * min(history.val_loss)  # ...while the test loss climbs again
    assert regularized.history.val_loss[-1] < 0.7 * history.val_loss[-1]


def test_a_deep_sigmoid_network_shows_its_vanishing_gradient():
    pg = Playground(hidden=[6] * 6, activation="sigmoid", **SMALL)
    gradients = pg.neuron_gradients()
    first, last = sum(gradients[0]) / 6, sum(gradients[-2]) / 6
    assert first < last / 20  # each sigmoid multiplies the gradient by at most 1/4
    tanh = Playground(hidden=[6] * 6, activation="tanh", **SMALL).neuron_gradients()
    assert sum(tanh[0]) / 6 > 5 * first


# -- looking inside -------------------------------------------------------------------------------------

def test_neuron_outputs_go_from_the_features_to_the_networks_output():
    pg = Playground(features=["x1", "x1*x2"], **SMALL)
    pg.step(2)
    points = pg.grid(5)
    assert len(points) == 25 and points[0] == pytest.approx([-pg.extent * 0.8, pg.extent * 0.8])  # top left first
    outputs = pg.neuron_outputs(points)
    assert [len(layer) for layer in outputs] == [2, 4, 2, 1]
    assert outputs[0][1] == pytest.approx([a * b for a, b in points])
    assert outputs[-1][0] == pytest.approx(nn.predict(pg.model, [[a, a * b] for a, b in points]))
    assert outputs[1][0] != pg.neuron_outputs(points, pg.weights[0])[1][0]  # another epoch's weights


@pytest.mark.parametrize("batch_norm", [False, True])
def test_neuron_gradients_match_finite_differences_of_the_training_loss(batch_norm):
    pg = Playground(batch_norm=batch_norm, **SMALL)
    pg.neuron_gradients()  # an earlier network's gradients first: nothing of them may stay
    pg.step(2)
    neuron = pg.model.layers[0].neurons[1]
    h = 1e-6
    numeric = []
    for p in [*neuron.w, neuron.b]:
        p.data += h
        up = nn.evaluate(pg.model, pg.inputs_train, pg.y_train)[0]
        p.data -= 2 * h
        down = nn.evaluate(pg.model, pg.inputs_train, pg.y_train)[0]
        p.data += h
        numeric.append(abs(up - down) / (2 * h))
    assert pg.neuron_gradients()[0][1] == pytest.approx(sum(numeric) / len(numeric), rel=1e-5)


def test_a_relu_that_is_0_on_every_training_point_is_dead():
    pg = Playground(activation="relu", **SMALL)
    before = pg.dead_neurons()
    assert before[0][2] is False
    state = pg.model.state_dict()
    state.update({"layers.0.neurons.2.w.0": 0.0, "layers.0.neurons.2.w.1": 0.0, "layers.0.neurons.2.b": -1.0})
    pg.model.load_state_dict(state)
    before[0][2] = True
    dead = pg.dead_neurons()
    assert dead[0] == before[0]  # (what it fed in the next layer may die with it)
    assert pg.neuron_gradients()[0][2] == 0.0
    html = render(snapshot(pg, resolution=6))
    assert html.count('data-dead="1"') == sum(map(sum, dead)) and ">dead</text>" in html
    assert Playground(activation="tanh", **SMALL).dead_neurons() == [[False] * 4, [False] * 2]


def test_the_graph_of_the_loss_for_one_point_is_that_points_loss_with_its_gradients():
    pg = Playground(**SMALL)
    pg.step(2)
    root, model = pg.graph("loss", sample=7)
    assert root.data == pytest.approx(nn.evaluate(pg.model, [pg.inputs_train[7]], [pg.y_train[7]])[0])
    assert root.grad == 1.0 and root.label == "loss"
    weight = model.layers[0].neurons[0].w[0]
    assert weight.grad != 0.0 and weight in topological_order(root)
    before = [p.grad for p in pg.model.parameters()]
    pg.graph((1, 2), sample=3)
    assert [p.grad for p in pg.model.parameters()] == before  # the playground's own gradients are untouched
    neuron, _ = pg.graph((1, 2), sample=3)
    assert neuron.data == pytest.approx(pg.neuron_outputs([pg.X_train[3]])[1][2][0])


@pytest.mark.parametrize("neuron, error, words", [
    ((0, 0), ValueError, "no neuron (0, 0); layers are 1 to 3 with [4, 2, 1] neurons"),
    ((2, 2), ValueError, "no neuron (2, 2)"),
    ("output", TypeError, "must be 'loss' or a pair (layer, index)"),
])
def test_asking_for_the_graph_of_no_neuron_says_which_there_are(neuron, error, words):
    with pytest.raises(error) as raised:
        Playground(**SMALL).graph(neuron)
    assert words in str(raised.value)


def test_the_picture_has_a_heatmap_per_neuron_a_path_per_weight_and_the_points():
    pg = Playground(features=["x1", "x2", "x1^2"], hidden=[3], **SMALL)
    pg.step(2)
    html = pg.view_html()
    assert html.count('class="pg-neuron"') == 3 + 3 + 1
    assert html.count("<path d=\"M") == 3 * 3 + 3
    assert html.count("<circle") == 100
    assert html.count('stroke="white"') == 50 and html.count('stroke="black"') == 50  # train and test points
    assert 'class="pg-epoch">2<' in html and "optimizer state" in html


# -- saving and replaying ---------------------------------------------------------------------------------

def test_save_and_load_go_on_exactly_where_the_run_was(tmp_path):
    pg = Playground(dropout=0.3, optimizer="adam", **SMALL)
    pg.step(3)
    pg.save(tmp_path / "run.json")
    loaded = Playground.load(tmp_path / "run.json")
    assert loaded.settings == pg.settings and loaded.weights == pg.weights
    assert loaded.history.train_loss == pg.history.train_loss and loaded.history.best_epoch == pg.history.best_epoch
    pg.step(2)
    loaded.step(2)
    assert loaded.history.train_loss == pg.history.train_loss  # the same dropout masks and optimizer moments


def corrupt(tmp_path, change):
    pg = Playground(**SMALL)
    pg.step(1)
    document = pg.to_dict()
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(format="something else"), "not a valid playground file: expected a JSON object with"),
    (lambda d: d.update(version=2), "unsupported version 2"),
    (lambda d: d.pop("history"), "missing history"),
    (lambda d: d["settings"].update(hidden=[12]), "Playground(hidden[0]) must be in [1, 8], got 12"),
    (lambda d: d["weights"][1].update({"layers.0.neurons.0.w.0": "x"}), "weights[1]: load_state_dict"),
    (lambda d: d["weights"].pop(), "one state per epoch"),
    (lambda d: d["history"][0].update(epoch=3), "history[0].epoch must be 1, got 3"),
    (lambda d: d["optimizer"].update(steps=-1), "steps must be at least 0"),
])
def test_load_checks_the_whole_file_and_names_it(tmp_path, change, words):
    path = corrupt(tmp_path, change)
    with pytest.raises((TypeError, ValueError)) as raised:
        Playground.load(path)
    assert str(path) in str(raised.value) and words in str(raised.value)


def test_load_refuses_a_file_that_is_not_json(tmp_path):
    path = tmp_path / "nan.json"
    path.write_text('{"format": "valuegraph.viz.playground", "weights": [NaN]}')
    with pytest.raises(ValueError, match="NaN is not a finite number"):
        Playground.load(path)


def test_export_html_keeps_a_frame_per_epoch_up_to_max_frames(tmp_path):
    pg = Playground(**SMALL)
    pg.step(6)
    text = pg.export_html(tmp_path / "run.html").read_text()
    data = json.loads(re.search(r'<script id="frames" type="application/json">(.*?)</script>', text).group(1))
    assert data["epochs"] == list(range(7)) and len(data["frames"]) == 7
    assert all("<!--points-->" in frame for frame in data["frames"]) and data["points"].count("<circle") == 100
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")  # offline: nothing to fetch
    sampled = json.loads(re.search(r'type="application/json">(.*?)</script>',
                                   pg.export_html(tmp_path / "few.html", max_frames=3).read_text()).group(1))
    assert sampled["epochs"] == [0, 3, 6]


@needs_chromium
def test_the_replay_page_shows_each_epoch_as_the_slider_moves(tmp_path):
    pg = Playground(**SMALL)
    pg.step(4)
    path = pg.export_html(tmp_path / "run.html")
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(path.as_uri())
        shown = lambda: int(browser.js("document.querySelector('#view .pg-epoch').textContent"))  # noqa: E731
        assert shown() == 4 and browser.js("document.querySelectorAll('#view circle').length") == 100
        browser.press("ArrowLeft", 37)
        browser.press("ArrowLeft", 37)
        assert shown() == 2 and browser.js("document.body.getAttribute('data-epoch')") == "2"
        loss_at_2 = f"{pg.history.train_loss[1]:.3f}"
        assert browser.js("document.querySelector('#view .pg-train-value').textContent") == loss_at_2
        browser.js("(function () { var s = document.getElementById('slider'); s.value = '0';"
                   " s.dispatchEvent(new Event('input')); })()")
        assert shown() == 0 and browser.js("document.querySelector('#view .pg-train-value').textContent") == "–"
        assert browser.page_errors() == []
    finally:
        browser.close()


# -- the widget, from Python ---------------------------------------------------------------------------

def test_the_widget_steps_resets_and_rebuilds_on_a_setting():
    pg = Playground(**SMALL)
    widget = pg.widget()
    assert pg.widget() is widget
    widget.step_button.click()
    assert pg.epoch == 1 and 'pg-epoch-counter\'>1<' in widget.counter.value
    widget.controls["activation"].value = "relu"
    assert pg.settings["activation"] == "relu" and pg.epoch == 0
    widget.controls["hidden"].value = "3, 9"
    assert "Playground(hidden[1]) must be in [1, 8], got 9" in widget.message.value
    assert pg.settings["hidden"] == (4, 2)  # unchanged
    widget.controls["hidden"].value = "3"
    assert widget.message.value == "" and pg.layer_sizes == [2, 3, 1]
    assert [label for label, _ in widget.neuron_choice.options] == [
        "the loss", "layer 1, neuron 1", "layer 1, neuron 2", "layer 1, neuron 3", "the output"]
    widget.step(2)
    widget.reset_button.click()
    assert pg.epoch == 0
    widget.show_graph()
    assert len(widget.graph_area.children[1].frames) > 20


def test_save_names_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="the folder .*nowhere' does not exist"):
        Playground(**SMALL).save(tmp_path / "nowhere" / "run.json")
