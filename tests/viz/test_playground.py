"""viz.Playground: settings, determinism, what it shows, the lecture's exercises, saving, replay."""

import base64
import json
import math
import re
import zlib

import pytest

import nn
from autograd import topological_order
from viz import Playground
from viz.language import using_language
from viz.playground import FEATURES
from viz.playground_settings import shown
from viz.playground_view import picture_html, snapshot

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
    ("features", ["x1", "x3"], ValueError, "Playground(features) must be one of 'x1', 'x2', 'x1**2'"),
    ("features", [], ValueError, "at least one feature"),
    ("features", ["x1", "x1"], ValueError, "each once"),
    ("hidden", [4] * 7, ValueError, "Playground(hidden) may have 0 to 6 layers, got 7"),
    ("hidden", [9], ValueError, "Playground(hidden[0]) must be in [1, 8], got 9"),
    ("hidden", 4, TypeError, "Playground(hidden) must be a list, got int: 4 (hidden=[] for no hidden layer)"),
    ("activation", "swish", ValueError, "Playground(activation) must be one of 'linear', 'relu', 'leaky_relu'"),
    ("loss", "cross_entropy", ValueError, "Playground(loss) must be one of 'bce_with_logits', 'mse', 'hinge'"),
    ("optimizer", "lbfgs", ValueError, "Playground(optimizer) must be one of 'sgd', 'nesterov', 'adagrad'"),
    ("lr", 0, ValueError, "Playground(lr) must be in (0, 10]"),
    ("l2", float("nan"), ValueError, "Playground(l2) must be a finite number"),
    ("dropout", 1.0, ValueError, "Playground(dropout) must be in [0, 1)"),
    ("batch_norm", 1, TypeError, "Playground(batch_norm) must be a bool"),
    ("batch_size", 0, ValueError, "Playground(batch_size) must be in [1, 5000]"),
    ("patience", 0, ValueError, "Playground(patience) must be at least 1 (or None"),
    ("colour", "red", TypeError, "unknown setting 'colour' (the settings are problem, dataset, n,"),
    ("problem", "clustering", ValueError, "Playground(problem) must be one of 'classification', 'regression'"),
    ("show_test", "yes", TypeError, "Playground(show_test) must be a bool"),
    ("hide", ["colour"], ValueError, "Playground(hide) must be one of 'problem', 'dataset'"),
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
    expected = {"x1": lambda a, b: a, "x2": lambda a, b: b, "x1**2": lambda a, b: a ** 2, "x2**2": lambda a, b: b ** 2,
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
    squared = Playground(hidden=[], n=200, lr=0.1, features=["x1**2", "x2**2"])
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
    html = picture_html(snapshot(pg, resolution=6))
    assert html.count('data-dead="1"') == sum(map(sum, dead)) and ">dead</text>" in html
    assert Playground(activation="tanh", **SMALL).dead_neurons() == [[False] * 4, [False] * 2]


def test_the_graph_of_the_loss_for_one_point_is_that_points_loss_with_its_gradients():
    pg = Playground(**SMALL)
    pg.step(2)
    root, params = pg.graph("loss", sample=7)
    assert root.data == pytest.approx(nn.evaluate(pg.model, [pg.inputs_train[7]], [pg.y_train[7]])[0])
    assert root.grad == 1.0 and root.label == "loss"
    weight = params["w(x1 → layer 1, neuron 1)"]
    assert weight.data == pg.model.layers[0].neurons[0].w[0].data
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
    pg = Playground(features=["x1", "x2", "x1**2"], hidden=[3], **SMALL)
    pg.step(2)
    html = pg.view_html()
    assert html.count('class="pg-neuron"') == 3 + 3 + 1
    assert html.count('<path class="pg-edge"') == 3 * 3 + 3 and "pg-neurons-button" not in html  # no + off the widget
    assert html.count("<circle") == 50 and html.count('stroke="white"') == 50  # the training points only...
    both = pg.with_settings(show_test=True)
    both.step(2)
    html = both.view_html()
    assert html.count('stroke="white"') == 50 and html.count('stroke="black"') == 50  # ...unless show_test
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
    (lambda d: d.update(version=3), "unsupported version 3"),
    (lambda d: d.update(changes=[[5, {"lr": 0.1}]]), "changes must be a list of [epoch, {training setting: value}]"),
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
    assert all("<!--points-->" in frame for frame in data["frames"]) and data["points"].count("<circle") == 50
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")  # offline: nothing to fetch
    sampled = json.loads(re.search(r'type="application/json">(.*?)</script>',
                                   pg.export_html(tmp_path / "few.html", max_frames=3).read_text()).group(1))
    assert sampled["epochs"] == [0, 3, 6]


@needs_chromium
@pytest.mark.parametrize("language", ["en", "es"])
def test_every_text_of_the_loss_chart_fits_inside_it_in_either_language(tmp_path, language):
    import viz
    try:
        viz.set_language(language)
        pg = Playground(**SMALL)
        pg.step(3)
        path = pg.export_html(tmp_path / "run.html")
    finally:
        viz.set_language("en")
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(path.as_uri())
        overflowing = browser.js(
            "(function () { var chart = document.querySelector('#view .pg-loss-chart'), box = chart.getBoundingClientRect();"
            " return Array.from(chart.querySelectorAll('text')).filter(function (t) {"
            " var r = t.getBoundingClientRect(); return r.left < box.left || r.right > box.right; })"
            ".map(function (t) { return t.textContent; }); })()")
        assert overflowing == []  # "pérdida prueba" was cut off at the chart's edge
        assert browser.page_errors() == []
    finally:
        browser.close()


@needs_chromium
def test_the_replay_page_shows_each_epoch_as_the_slider_moves(tmp_path):
    pg = Playground(**SMALL)
    pg.step(4)
    path = pg.export_html(tmp_path / "run.html")
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(path.as_uri())
        shown = lambda: int(browser.js("document.querySelector('#view .pg-epoch').textContent"))  # noqa: E731
        assert shown() == 4 and browser.js("document.querySelectorAll('#view circle').length") == 50
        assert browser.js("document.querySelector('.pg-settings-text').textContent") == pg.settings_text()
        browser.press("ArrowLeft", 37)
        browser.press("ArrowLeft", 37)
        assert shown() == 2 and browser.js("document.body.getAttribute('data-epoch')") == "2"
        loss_at_2 = f"{pg.history.train_loss[1]:.3f}"
        assert browser.js("document.querySelector('#view .pg-train-value').textContent") == loss_at_2
        browser.js("(function () { var s = document.getElementById('slider'); s.value = '0';"
                   " s.dispatchEvent(new Event('input')); })()")
        assert shown() == 0 and browser.js("document.querySelector('#view .pg-train-value').textContent") == "–"
        browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": 0, "y": 0})
        browser.js("document.querySelector('#view .pg-neuron[data-layer=\"1\"] .pg-frame').scrollIntoView()")
        x, y = browser.js("(function () { var r = document.querySelector('#view .pg-neuron[data-layer=\"1\"] .pg-frame')"
                          ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})  # hover a neuron
        assert browser.js("document.querySelector('#view .pg-big-title').textContent") == "layer 1, neuron 1"
        assert browser.js("!!document.querySelector('#view .pg-big-copy')")  # its output, large
        assert browser.page_errors() == []
    finally:
        browser.close()


def test_save_names_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="the folder .*nowhere' does not exist"):
        Playground(**SMALL).save(tmp_path / "nowhere" / "run.json")


# -- TensorFlow Playground's features -----------------------------------------------------------------

def test_the_spiral_turns_1_75_times_as_tensorflow_playgrounds():
    pg = Playground(dataset="spiral", n=200, train_ratio=0.9)
    arm = sorted((p for p, label in zip(pg.X_train + pg.X_test, pg.y_train + pg.y_test) if label == 0),
                 key=lambda p: math.hypot(*p))  # along the arm: the radius grows with the angle
    angles = [math.atan2(a, b) for a, b in arm]
    swept = sum((later - earlier + math.pi) % (2 * math.pi) - math.pi for earlier, later in zip(angles, angles[1:]))
    assert swept / (2 * math.pi) == pytest.approx(1.75, abs=0.03)


@pytest.mark.parametrize("dataset, factor", [("plane", 0.5), ("multi_gaussian", 0.8)])  # six bumps take long
def test_regression_learns_a_number_and_the_picture_colours_it(dataset, factor):
    pg = Playground(problem="regression", dataset=dataset, hidden=[6, 6], lr=0.03, n=200, seed=2)
    assert pg.settings["loss"] == "mse" and pg.regression
    assert all(-1.25 <= t <= 1.25 for t in pg.y_train) and len(set(pg.y_train)) > 50  # numbers, not classes
    pg.step(30)
    assert pg.history.val_loss[-1] < factor * pg.history.val_loss[0]
    assert pg.accuracy() == (None, None)
    html = pg.view_html()
    colours = set(re.findall(r'<circle class="pg-train-point"[^>]* fill="(#[0-9a-f]{6})"', html))
    assert len(colours) > 20  # each point coloured by its value, orange (-1) to blue (+1)


def test_a_problem_takes_its_datasets_and_losses_and_refuses_the_others():
    assert Playground(problem="regression").settings["dataset"] == "plane"
    with pytest.raises(ValueError, match="Playground\\(dataset\\) must be one of 'plane', 'multi_gaussian', got 'circle'"):
        Playground(problem="regression", dataset="circle")
    with pytest.raises(ValueError, match="Playground\\(loss\\) must be one of 'mse', got 'hinge'"):
        Playground(problem="regression", loss="hinge")
    pg = Playground(**SMALL)
    assert pg.configure(problem="regression") is True  # the dataset and the loss follow the problem
    assert (pg.settings["dataset"], pg.settings["loss"]) == ("plane", "mse")


def test_discretize_draws_the_output_in_two_colours_only():
    def output_colours(pg):
        picture = snapshot(pg)
        from viz.playground_view import _output_picture
        png = base64.b64decode(_output_picture(picture).split(",")[1])
        raw = zlib.decompress(png[png.index(b"IDAT") + 4:png.index(b"IEND") - 8])
        side = picture["resolution"]
        rows = [raw[r * (3 * side + 1) + 1:(r + 1) * (3 * side + 1)] for r in range(side)]
        return {bytes(row[i:i + 3]) for row in rows for i in range(0, len(row), 3)}

    assert len(output_colours(Playground(**SMALL))) > 20
    assert len(output_colours(Playground(discretize=True, **SMALL))) == 2


def test_features_are_spelled_as_python_and_the_command_spell_them():
    assert Playground(features=["x1 ** 2", "x1*x2"], **SMALL).settings["features"] == ("x1**2", "x1*x2")
    with pytest.raises(ValueError, match="Playground\\(features\\): write 'x2\\*\\*2', not 'x2\\^2': '\\^' is not a power"):
        Playground(features=["x2^2"], **SMALL)
    with pytest.raises(ValueError, match="write 'x1\\*\\*2'"):  # a settings text, as a teacher hands it out
        Playground.from_settings("features=x1^2,x2")
    import viz
    from viz.playground_settings import shown
    try:
        viz.set_language("es")
        with pytest.raises(ValueError) as refusal:
            Playground(features=["x2^2"], **SMALL)
        assert shown(refusal.value) == "Playground(features): escribe 'x2**2', no 'x2^2': '^' no es una potencia en Python"
    finally:
        viz.set_language("en")


def test_viz_uses_nns_public_interface_only():
    import ast
    import viz
    from pathlib import Path
    for path in Path(viz.__file__).parent.glob("playground*.py"):
        modules = [node.module for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, ast.ImportFrom)]
        assert not [m for m in modules if m and m.startswith("nn.")], path.name


# -- changes as a student expects them ------------------------------------------------------------------

def test_training_settings_apply_to_the_running_network_and_training_goes_on():
    pg = Playground(momentum=0.9, **SMALL)
    pg.step(3)
    weights, steps = pg.model.state_dict(), pg.optimizer.steps
    for change in ({"lr": 0.3}, {"l2": 0.01}, {"l1": 0.001}, {"batch_size": 25}, {"momentum": 0.5}, {"patience": 5}):
        assert pg.configure(**change) is False
        assert pg.epoch == 3 and pg.model.state_dict() == weights
    assert pg.optimizer.lr == 0.3 and pg.optimizer.momentum == 0.5 and pg.optimizer.steps == steps  # kept its state
    pg.step()
    assert pg.epoch == 4 and pg.history.epochs[-1].lr == 0.3 and pg.optimizer.steps == steps + 2  # 50 points, batch 25
    assert pg.changes == [(3, {"lr": 0.3}), (3, {"l2": 0.01}), (3, {"l1": 0.001}), (3, {"batch_size": 25}),
                          (3, {"momentum": 0.5}), (3, {"patience": 5})]
    assert pg.configure(optimizer="adam") is False and pg.settings["momentum"] is None  # adam has no momentum
    assert type(pg.optimizer) is nn.Adam and pg.optimizer.steps == 0 and pg.epoch == 4
    for change in ({"activation": "relu"}, {"features": ["x1"]}, {"hidden": [3]}, {"noise": 0.1}, {"loss": "mse"}):
        pg.step()
        assert pg.configure(**change) is True and pg.epoch == 0 and pg.changes == []


def test_the_same_change_made_at_the_same_epoch_gives_the_same_run_and_survives_saving(tmp_path):
    def run():
        pg = Playground(**SMALL)
        pg.step(2)
        pg.configure(lr=0.3)
        pg.step(2)
        return pg

    first, second = run(), run()
    assert first.history.train_loss == second.history.train_loss
    first.save(tmp_path / "run.json")
    loaded = Playground.load(tmp_path / "run.json")
    assert loaded.changes == [(2, {"lr": 0.3})] and loaded.settings["lr"] == 0.3
    assert "epoch 2: lr 0.3" in loaded.view_html()


def test_a_longer_patience_lets_a_stopped_run_go_on():
    pg = Playground(dataset="circle", noise=0.5, train_ratio=0.1, n=200, hidden=[8, 8], optimizer="adam", lr=0.03,
                    patience=5, seed=1)
    pg.step(200)
    assert pg.stopped
    pg.configure(patience=None)
    assert not pg.stopped
    stopped_at = pg.epoch
    pg.step(2)
    assert pg.epoch == stopped_at + 2


@pytest.mark.parametrize("settings, words", [
    ({"n": 10, "train_ratio": 0.1, "batch_norm": True, "batch_size": 2},
     "batch_norm=True) needs at least 2 training points, but n=10 and train_ratio=0.1 give 1"),
    ({"optimizer": "adam", "momentum": 0.9}, "momentum) is a setting of optimizer 'sgd' or 'nesterov'"),
    ({"features": []}, "at least one feature"),
])
def test_settings_that_could_never_train_are_refused_when_given(settings, words):
    with pytest.raises(ValueError) as raised:
        Playground(**settings)
    assert words in str(raised.value)


# -- one text for the whole experiment --------------------------------------------------------------------

def test_the_settings_text_makes_the_same_experiment_again():
    pg = Playground(problem="regression", dataset="multi_gaussian", n=300, noise=0.15, seed=7,
                    features=["x1", "sin(x2)", "x1**2"], hidden=[5, 3], activation="elu", optimizer="nesterov",
                    momentum=0.95, lr=0.003, l2=0.001, batch_size=17, patience=9, show_test=True, hide=["lr", "noise"])
    text = pg.settings_text()
    assert text.startswith("problem=regression&dataset=multi_gaussian&n=300&noise=0.15&train_ratio=0.5&seed=7&")
    assert "&hide=noise,lr" in text and " " not in text
    again = Playground.from_settings(text)
    assert again.settings == pg.settings and again.X_train == pg.X_train
    pg.step(2)
    again.step(2)
    assert again.history.train_loss == pg.history.train_loss
    assert Playground.from_settings(Playground().settings_text()).settings == Playground().settings


def test_a_teachers_short_settings_text_keeps_the_defaults():
    pg = Playground.from_settings("dataset=xor & hidden=4 & lr=0.1 & hide=features,hidden")
    assert pg.settings == Playground(dataset="xor", hidden=[4], lr=0.1, hide=["features", "hidden"]).settings
    assert Playground.from_settings("#problem=regression").settings["dataset"] == "plane"


@pytest.mark.parametrize("text, error, words", [
    ("colour=red", ValueError, "cannot read 'colour=red': expected setting=value with a setting of problem, dataset"),
    ("lr", ValueError, "cannot read 'lr'"),
    ("lr=fast", ValueError, "'lr=fast': lr must be a number"),
    ("hidden=4,x", ValueError, "'hidden=4,x': hidden must be an int"),
    ("show_test=yes", ValueError, "show_test is true or false"),
    ("lr=0.1&lr=0.3", ValueError, "lr is given twice"),
    ("lr=20", ValueError, "Playground(lr) must be in (0, 10], got 20.0"),
    (None, TypeError, "expected the settings text (a str), got NoneType"),
])
def test_a_wrong_settings_text_says_which_part(text, error, words):
    with pytest.raises(error) as raised:
        Playground.from_settings(text)
    assert words in str(raised.value)


# -- nothing left half done ------------------------------------------------------------------------------

def test_a_diverging_epoch_leaves_the_last_recorded_one_and_names_itself():
    pg = Playground(n=100, hidden=[8] * 4, activation="relu", loss="mse", lr=10, batch_size=1, seed=0)  # issue 21
    with pytest.raises(OverflowError) as raised:
        pg.step(30)
    failed = pg.epoch + 1
    assert f"Playground: epoch {failed} diverged" in str(raised.value)
    assert f"the network is back at epoch {pg.epoch}" in str(raised.value) and "lower learning rate" in str(raised.value)
    with using_language("es"):  # what the widget shows a student in Spanish
        assert shown(raised.value).startswith(f"Playground: la época {failed} divergió (")
        assert shown(raised.value).endswith(f"la red vuelve a la época {pg.epoch}: prueba una tasa de aprendizaje menor")
    assert pg.model.state_dict() == pg.weights[-1] and len(pg.weights) == pg.epoch + 1
    assert 'class="pg-epoch">' in pg.view_html()  # the picture still draws
    pg.configure(lr=0.001)  # and, with a learning rate that suits, training goes on from there
    pg.step()
    assert pg.epoch == failed


@pytest.mark.skipif(not hasattr(__import__("signal"), "setitimer"), reason="needs signal.setitimer (POSIX)")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ctrl_c_at_any_moment_of_a_step_leaves_the_last_recorded_epoch():
    """A real interruption (KeyboardInterrupt from a signal handler, as Ctrl-C) at random moments
    of step(10**9): each leaves the network, the optimizer, the history and the weights of the last
    recorded epoch, so that going on gives exactly the run nobody interrupted."""
    import random
    import signal

    settings = {"dropout": 0.2, "optimizer": "adam", **SMALL}
    pg = Playground(**settings)
    armed = False

    def interrupt(signum, frame):
        if armed:  # again every 50 ms until caught (one may land where Python reports it as "unraisable")
            raise KeyboardInterrupt

    rng = random.Random(3)
    previous = signal.signal(signal.SIGALRM, interrupt)
    interrupted = 0
    try:
        for _ in range(12):
            try:
                armed = True
                signal.setitimer(signal.ITIMER_REAL, rng.uniform(0.001, 0.03), 0.05)
                pg.step(10**9)
            except KeyboardInterrupt:
                armed = False
                interrupted += 1
            finally:
                armed = False
                signal.setitimer(signal.ITIMER_REAL, 0)
            assert len(pg.weights) == pg.epoch + 1 and pg.model.state_dict() == pg.weights[-1]
            assert pg.optimizer.steps == 5 * pg.epoch  # 50 training points in batches of 10
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert interrupted >= 10
    total = pg.epoch + 2
    pg.step(2)
    reference = Playground(**settings)
    reference.step(total)
    assert pg.history.train_loss == reference.history.train_loss and pg.weights == reference.weights
    assert f'class="pg-epoch">{total}<' in pg.view_html()


# -- the picture and its words ----------------------------------------------------------------------------

def test_every_architecture_up_to_6_by_8_fits_950_pixels():
    from viz.playground_view import NETWORK_WIDTH, SIDE_WIDTH, layout
    for layers in range(7):
        for neurons in (1, 4, 8):
            box = layout([7, *[neurons] * layers, 1])
            assert box["width"] <= NETWORK_WIDTH and box["height"] <= 760
    assert NETWORK_WIDTH + 12 + SIDE_WIDTH <= 940


def test_the_output_picture_has_both_axes_labelled_and_plain_sgd_shows_no_momentum():
    pg = Playground(**SMALL)
    pg.step()
    html = pg.view_html()
    assert html.count('class="pg-ytick"') == 3 and ">x2</text>" in html and ">x1</text>" in html
    assert "momentum" not in html and "momentum_buffer" not in pg.optimizer_state()
    with_momentum = Playground(momentum=0.9, **SMALL)
    with_momentum.step()
    assert "momentum z (RMS)" in with_momentum.view_html()


def test_one_naming_everywhere_the_pictures_words():
    pg = Playground(hidden=[3, 2], **SMALL)
    assert pg.neuron_name(0, 1) == "x2" and pg.neuron_name(1, 1) == "layer 1, neuron 2" and pg.neuron_name(3, 0) == "output"
    root, params = pg.graph((2, 1), sample=4, inputs="neuron")
    order = topological_order(root)
    assert root.label == "layer 2, neuron 2" and root.data == pytest.approx(pg.neuron_outputs([pg.X_train[4]])[2][1][0])
    assert {v.label for v in order if v.label} == {"layer 1, neuron 1", "layer 1, neuron 2", "layer 1, neuron 3",
                                                   "z (layer 2, neuron 2)", "layer 2, neuron 2"}
    assert sorted(params) == ["b(layer 2, neuron 2)", "w(layer 1, neuron 1 → layer 2, neuron 2)",
                              "w(layer 1, neuron 2 → layer 2, neuron 2)", "w(layer 1, neuron 3 → layer 2, neuron 2)"]
    assert sorted(pg.graph((1, 0), sample=0, inputs="neuron")[1]) == [
        "b(layer 1, neuron 1)", "w(x1 → layer 1, neuron 1)", "w(x2 → layer 1, neuron 1)"]
    html = pg.view_html()
    assert 'data-name="layer 1, neuron 2"' in html and "w(x1 → layer 1, neuron 1) = " in html
    assert "layers.0" not in html


def test_set_weight_changes_the_network_and_its_record():
    pg = Playground(**SMALL)
    pg.step()
    pg.set_weight(2, 1, 3, -1.5)
    assert pg.model.layers[1].neurons[1].w[3].data == -1.5 == pg.weights[-1]["layers.1.neurons.1.w.3"]
    assert 'data-weight="-1.5"' in pg.view_html()
    with pytest.raises(ValueError, match="no connection to neuron 0 of layer 2 from neuron 4"):
        pg.set_weight(2, 0, 4, 1.0)
    with pytest.raises(ValueError, match="must be a finite number"):
        pg.set_weight(1, 0, 0, float("inf"))


def test_the_picture_and_the_replay_page_speak_spanish():
    import viz
    pg = Playground(**SMALL)
    pg.step()
    try:
        viz.set_language("es")
        html = pg.view_html()
        assert "Época" in html and "capa 1, neurona 1" in html and "pérdida prueba" in html
    finally:
        viz.set_language("en")
    assert "Época" not in pg.view_html()


def test_export_html_refuses_a_title_that_is_not_text(tmp_path):
    with pytest.raises(TypeError, match="export_html\\(title\\) must be a str or None, got int: 123"):
        Playground(**SMALL).export_html(tmp_path / "run.html", title=123)


def test_a_version_1_file_still_loads(tmp_path):
    pg = Playground(**SMALL)
    pg.step()
    document = pg.to_dict()
    document["version"] = 1
    del document["changes"]
    (tmp_path / "old.json").write_text(json.dumps(document))
    assert Playground.load(tmp_path / "old.json").weights == pg.weights
