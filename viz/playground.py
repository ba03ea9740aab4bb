"""``Playground``: the lecture's TensorFlow Playground as one scriptable, deterministic object.

>>> from viz import Playground
>>> pg = Playground(dataset="xor", hidden=[4], activation="tanh", lr=0.1, n=100, seed=1)
>>> pg.step(epochs=3)
>>> pg.epoch, len(pg.history)
(3, 3)

One object holds a whole experiment: the data (a 2-D toy dataset split into training and test
points), the input features computed from each point, the network (an ``nn.MLP`` with one
output), the optimizer, and the history of the run (an ``nn.History`` whose ``val_loss`` is the
test loss) with the weights after every epoch, so that a run can be replayed
(:meth:`Playground.export_html`), saved and loaded. Training calls ``nn.fit`` one epoch at a
time; nothing here reimplements training.

Settings are keywords with TensorFlow Playground's defaults where it has them (circle, 500
points, no noise, half for training, features x₁ and x₂, hidden layers [4, 2], tanh, learning
rate 0.03, batch size 10). They are checked once, in the constructor; a wrong one raises
``TypeError`` / ``ValueError`` naming the setting, the value and what is accepted. Changing a
setting means making a new ``Playground`` (``pg.with_settings(lr=0.1)``); the widget does
exactly that.

Displayed in Jupyter, a Playground is a live widget (see :mod:`viz.playground_widget`).
"""

from __future__ import annotations

import dataclasses
import math
import os
import random
import reprlib
from pathlib import Path
from typing import Any, Mapping, Sequence

import autograd
import nn
from autograd import Value
from nn._checks import flag, number, type_name
from valuegraph.files import json_text, read_json, write_atomic

from .playground_view import export_html as replay_page
from .playground_view import render, settings_text, snapshot

__all__ = ["Playground", "FEATURES", "DATASETS", "ACTIVATIONS", "LOSSES", "OPTIMIZERS", "DEFAULTS",
           "FILE_FORMAT", "FILE_VERSION", "MAX_FILE_BYTES"]

FEATURES = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: math.sin(a),
    "sin(x2)": lambda a, b: math.sin(b),
}
"""The input features TensorFlow Playground offers, each a function of a point (x₁, x₂)."""

DATASETS = ("circle", "xor", "gaussian", "spiral", "moons")
ACTIVATIONS = tuple(nn.ACTIVATIONS)
"""``linear`` and the lecture's six: relu, leaky_relu (max(0.1x, x)), sigmoid, tanh, elu, softplus."""
LOSSES = ("bce_with_logits", "mse", "hinge")
"""Losses for one output and 0/1 labels (``hinge`` reads them as -1/+1)."""
OPTIMIZERS = ("sgd", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
"""``sgd`` is the lecture's momentum (z = βz + ∇f(w), w = w − αz, β = ``momentum``, 0 by
default: plain SGD); ``nesterov`` the same with Nesterov's look-ahead (β 0.9 unless given)."""

MAX_LAYERS = 6
MAX_NEURONS = 8

DEFAULTS: dict[str, Any] = {
    "dataset": "circle", "n": 500, "noise": 0.0, "train_ratio": 0.5, "seed": 0,
    "features": ("x1", "x2"), "hidden": (4, 2), "activation": "tanh", "init": "xavier",
    "loss": "bce_with_logits", "optimizer": "sgd", "lr": 0.03, "momentum": None,
    "l1": 0.0, "l2": 0.0, "dropout": 0.0, "batch_norm": False, "batch_size": 10, "patience": None,
}
"""Every setting and its default (TensorFlow Playground's where it has one)."""

FILE_FORMAT = "valuegraph.viz.playground"
FILE_VERSION = 1


def _choice(what: str, value: Any, choices: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"Playground({what}) must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _check_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every setting checked and normalised (lists become tuples); the one place they are checked."""
    unknown = [key for key in settings if key not in DEFAULTS]
    if unknown:
        raise TypeError(f"Playground: unknown setting{'s' * (len(unknown) > 1)} {', '.join(map(repr, unknown))} "
                        f"(the settings are {', '.join(DEFAULTS)})")
    s = {**DEFAULTS, **settings}
    s["dataset"] = _choice("dataset", s["dataset"], DATASETS)
    s["n"] = number("Playground(n)", s["n"], integer=True, minimum=10, maximum=5000)
    s["noise"] = number("Playground(noise)", s["noise"], minimum=0, maximum=1)
    s["train_ratio"] = number("Playground(train_ratio)", s["train_ratio"], minimum=0.1, maximum=0.9)
    s["seed"] = number("Playground(seed)", s["seed"], integer=True, minimum=0)
    features = s["features"]
    if isinstance(features, str) or not isinstance(features, (list, tuple)):
        raise TypeError(f"Playground(features) must be a list of feature names, got {type_name(features)}: "
                        f"{features!r} (for one feature: features=['x1'])")
    for name in features:
        _choice("features", name, tuple(FEATURES))
    if not features or len(set(features)) != len(features):
        raise ValueError(f"Playground(features) must name at least one feature, each once, got {list(features)!r}")
    s["features"] = tuple(name for name in FEATURES if name in features)  # the drawing's order
    hidden = s["hidden"]
    if isinstance(hidden, str) or not isinstance(hidden, (list, tuple)):
        raise TypeError(f"Playground(hidden) must be a list of layer sizes, got {type_name(hidden)}: {hidden!r} "
                        f"(for no hidden layer: hidden=[])")
    if len(hidden) > MAX_LAYERS:
        raise ValueError(f"Playground(hidden) may have 0 to {MAX_LAYERS} layers, got {len(hidden)}: {list(hidden)!r}")
    s["hidden"] = tuple(number(f"Playground(hidden[{i}])", size, integer=True, minimum=1, maximum=MAX_NEURONS)
                        for i, size in enumerate(hidden))
    s["activation"] = _choice("activation", s["activation"], ACTIVATIONS)
    s["init"] = _choice("init", s["init"], nn.init.INITS)
    s["loss"] = _choice("loss", s["loss"], LOSSES)
    s["optimizer"] = _choice("optimizer", s["optimizer"], OPTIMIZERS)
    s["lr"] = number("Playground(lr)", s["lr"], above=0, maximum=10)
    if s["momentum"] is not None:
        s["momentum"] = number("Playground(momentum)", s["momentum"], minimum=0, below=1,
                               accepted="in [0, 1) (or None)")
        if s["optimizer"] not in ("sgd", "nesterov"):
            raise ValueError(f"Playground(momentum) is a setting of optimizer 'sgd' or 'nesterov', not "
                             f"{s['optimizer']!r}: leave it None")
        if s["optimizer"] == "nesterov" and s["momentum"] == 0:
            raise ValueError("Playground(momentum) must be above 0 with optimizer='nesterov' (Nesterov's look-ahead "
                             "needs momentum), got 0; use optimizer='sgd' for plain SGD")
    for key in ("l1", "l2"):
        s[key] = number(f"Playground({key})", s[key], minimum=0, maximum=10)
    s["dropout"] = number("Playground(dropout)", s["dropout"], minimum=0, below=1, accepted="in [0, 1)")
    flag("Playground(batch_norm)", s["batch_norm"])
    s["batch_size"] = number("Playground(batch_size)", s["batch_size"], integer=True, minimum=1, maximum=5000)
    if s["batch_norm"] and s["batch_size"] < 2:
        raise ValueError(f"Playground(batch_size) must be at least 2 with batch_norm=True (batch norm normalises "
                         f"over the minibatch), got {s['batch_size']}")
    if s["patience"] is not None:
        s["patience"] = number("Playground(patience)", s["patience"], integer=True, minimum=1,
                               accepted="at least 1 (or None: no early stopping)")
    return s


def feature_row(point: Sequence[float], features: Sequence[str]) -> list[float]:
    """The network's inputs for one point (x₁, x₂): the chosen features, in order."""
    a, b = point
    return [FEATURES[name](a, b) for name in features]


class Playground:
    """One experiment: data, features, network, optimizer, and its recorded run.

    Settings (keywords, checked once here; see :data:`DEFAULTS`):

    * data: ``dataset`` (:data:`DATASETS`), ``n`` points, ``noise`` (0 to 1; TensorFlow
      Playground's 0-50 % is 0-0.5), ``train_ratio`` (0.1 to 0.9), ``seed`` (data, split,
      weights, shuffling and dropout all follow from it);
    * ``features``: names from :data:`FEATURES` (``"x1"``, ``"x2"``, ``"x1^2"``, ``"x2^2"``,
      ``"x1*x2"``, ``"sin(x1)"``, ``"sin(x2)"``);
    * network: ``hidden`` (0 to 6 layer sizes of 1 to 8 neurons), ``activation``
      (:data:`ACTIVATIONS`), ``init`` (``nn.init.INITS``), ``batch_norm``, ``dropout``;
    * training: ``loss`` (:data:`LOSSES`), ``optimizer`` (:data:`OPTIMIZERS`), ``lr``,
      ``momentum``, ``l1``, ``l2``, ``batch_size``, ``patience`` (early stopping on the test
      loss: stop and go back to the best epoch's weights after ``patience`` epochs without
      improvement).

    State: ``model`` (``nn.MLP``), ``optimizer``, ``X_train``/``y_train``/``X_test``/``y_test``
    (the points), ``epoch``, ``history`` (``nn.History``; ``val_loss`` is the test loss),
    ``weights`` (the model's ``state_dict`` after each epoch, index 0 before training).
    """

    CHOICES = {"dataset": DATASETS, "features": tuple(FEATURES), "activation": ACTIVATIONS, "loss": LOSSES,
               "optimizer": OPTIMIZERS}
    """The names each choice setting accepts (what the widget's menus offer)."""

    def __init__(self, **settings: Any) -> None:
        self._build(_check_settings(settings))

    def _build(self, settings: dict[str, Any]) -> None:
        self.settings = s = settings
        X, y = nn.datasets.DATASETS[s["dataset"]](n=s["n"], noise=s["noise"], seed=s["seed"])  # noqa: N806
        self.X_train, self.X_test, self.y_train, self.y_test = nn.train_test_split(
            X, y, test_size=1.0 - s["train_ratio"], seed=s["seed"])
        largest = max(abs(c) for point in X for c in point)
        self.extent = math.ceil(largest * 1.2 * 2) / 2
        """Half the width of the input plane drawn: points and heatmaps cover [-extent, extent]²."""
        self.inputs_train = [feature_row(p, s["features"]) for p in self.X_train]
        self.inputs_test = [feature_row(p, s["features"]) for p in self.X_test]
        self.reset()

    # -- settings ------------------------------------------------------------------------------

    def with_settings(self, **changes: Any) -> "Playground":
        """A new Playground with these settings changed (this one is left as it is)."""
        return Playground(**{**self.settings, **changes})

    def configure(self, **changes: Any) -> None:
        """Change settings here, then start again at epoch 0 (new data, network and history, as
        TensorFlow Playground does). All settings are checked first: on an error nothing changes."""
        self._build(_check_settings({**self.settings, **changes}))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.settings.items() if v != DEFAULTS[k]}  # settings are normalised
        return f"Playground({settings_text(changed)}) at epoch {self.epoch}"

    @property
    def layer_sizes(self) -> list[int]:
        """Neurons per layer, inputs first: ``[len(features), *hidden, 1]``."""
        return [len(self.settings["features"]), *self.settings["hidden"], 1]

    # -- the run -------------------------------------------------------------------------------

    def _make_model(self) -> nn.MLP:
        s = self.settings
        return nn.MLP(len(s["features"]), [*s["hidden"], 1], activation=s["activation"], init=s["init"],
                      batch_norm=s["batch_norm"], dropout=s["dropout"], seed=s["seed"])

    def _make_optimizer(self, params: list[Value]) -> nn.Optimizer:
        s = self.settings
        kind, lr = s["optimizer"], s["lr"]
        if kind in ("sgd", "nesterov"):
            momentum = s["momentum"] if s["momentum"] is not None else (0.9 if kind == "nesterov" else 0.0)
            return nn.SGD(params, lr=lr, momentum=momentum, nesterov=kind == "nesterov")
        return {"adagrad": nn.Adagrad, "rmsprop": nn.RMSprop, "adam": nn.Adam, "adamw": nn.AdamW}[kind](params, lr=lr)

    def reset(self) -> None:
        """Back to epoch 0: fresh weights from the seed, a fresh optimizer, an empty history."""
        self.model = self._make_model()
        self.optimizer = self._make_optimizer(self.model.parameters())
        self.history = nn.History("val_loss")
        self.weights: list[dict[str, float]] = [self.model.state_dict()]
        self._probe = self._make_model().eval()
        """A second network, kept in evaluation mode, that reads other epochs' weights (and
        computes gradients on the side); kept so that its compiled programs are reused."""
        self._training_loss = autograd.compile(self._loss_of_probe)
        self.stopped = False
        """True once early stopping (``patience``) ended the run; ``step`` then does nothing."""

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return len(self.history)

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs (each one ``nn.fit`` call on the training points, with
        the test points as validation data), unless early stopping has ended the run."""
        epochs = number("Playground.step(epochs)", epochs, integer=True, minimum=1)
        s = self.settings
        for _ in range(epochs):
            if self.stopped:
                return
            run = nn.fit(self.model, self.inputs_train, self.y_train, loss=s["loss"], optimizer=self.optimizer,
                         epochs=1, batch_size=s["batch_size"], validation_data=(self.inputs_test, self.y_test),
                         l1=s["l1"], l2=s["l2"], seed=s["seed"] * 100_003 + self.epoch, progress=False,
                         compiled=True)  # nn keeps the compiled trainer between calls: traced once
            self._record(run[0])

    def _record(self, record: nn.EpochRecord) -> None:
        history = self.history
        history.epochs.append(dataclasses.replace(record, epoch=self.epoch + 1))
        self.weights.append(self.model.state_dict())
        if history.best_value is None or record.val_loss < history.best_value:
            history.best_value, history.best_epoch = record.val_loss, self.epoch
        patience = self.settings["patience"]
        if patience is not None and self.epoch - history.best_epoch >= patience:
            self.model.load_state_dict(self.weights[history.best_epoch])
            history.stop_reason, history.restored_best, self.stopped = "early_stopping", True, True

    # -- looking inside ------------------------------------------------------------------------

    def grid(self, resolution: int) -> list[list[float]]:
        """``resolution²`` points covering the input plane, row by row from the top (x₂ = extent)."""
        e = self.extent
        axis = [-e + 2 * e * (i + 0.5) / resolution for i in range(resolution)]
        return [[a, b] for b in reversed(axis) for a in axis]

    def neuron_outputs(self, points: Sequence[Sequence[float]], weights: Mapping[str, float] | None = None
                       ) -> list[list[list[float]]]:
        """Every neuron's output at each point, layer by layer: ``[layer][neuron][point]``, the
        inputs (the features) first and the network's output last. Evaluation mode (no dropout,
        batch norm's running estimates), no graph recorded; ``weights`` (a ``state_dict``, e.g.
        ``pg.weights[k]``) evaluates another epoch's network."""
        model = self.model if weights is None else self._probe.load_state_dict(weights)
        rows = [feature_row(p, self.settings["features"]) for p in points]
        outputs = nn.predict_grid(model, rows, per_layer=True)  # compiled, in evaluation mode
        return [[list(column) for column in zip(*rows)]] + [layer.T.tolist() for layer in outputs]

    def neuron_gradients(self, weights: Mapping[str, float] | None = None) -> list[list[float]]:
        """Each neuron's mean |∂L/∂w| over its weights and bias, ``[hidden or output layer][neuron]``,
        where L is the data loss on the whole training set in evaluation mode. Near 0 in the first
        layers of a deep sigmoid network: the vanishing gradient, made visible."""
        model = self._probe.load_state_dict(weights if weights is not None else self.model.state_dict())
        targets = self.y_train if self.settings["loss"] != "hinge" else [2 * t - 1 for t in self.y_train]
        if self.settings["batch_norm"]:  # a trace would freeze batch norm's running estimates: scalar graph
            loss = self._loss_of_probe(self.inputs_train, targets)
        else:
            loss = self._training_loss(self.inputs_train, targets)  # compiled: traced once, then replayed
        model.zero_grad()
        loss.backward()
        return [[sum(abs(p.grad) for p in [*neuron.w, neuron.b]) / (len(neuron.w) + 1) for neuron in layer.neurons]
                for layer in model.layers]

    def _loss_of_probe(self, inputs: list, targets: list) -> Value:
        return nn.LOSSES[self.settings["loss"]](self._probe(inputs), targets)

    def dead_neurons(self, weights: Mapping[str, float] | None = None) -> list[list[bool]]:
        """``[hidden layer][neuron]``: True for a ReLU neuron whose output is 0 on every training
        point (it gets no gradient from any of them, so it can never come back)."""
        if self.settings["activation"] != "relu":
            return [[False] * size for size in self.settings["hidden"]]
        outputs = self.neuron_outputs(self.X_train, weights)[1:-1]
        return [[all(v == 0.0 for v in neuron) for neuron in layer] for layer in outputs]

    def optimizer_state(self) -> dict[str, Any]:
        """The optimizer in numbers: its name, step count, learning rate and, for each state it
        keeps (momentum buffer, Adam's moments...), the root mean square over the parameters."""
        state = self.optimizer.state_dict()
        summary = {"optimizer": self.settings["optimizer"], "steps": state["steps"], "lr": state["lr"]}
        for key, values in state["state"].items():
            if key == "max_exp_avg_sq" or not values:
                continue
            summary[key] = math.sqrt(sum(v * v for v in values) / len(values))
        return summary

    def accuracy(self) -> tuple[float, float]:
        """(training accuracy, test accuracy) of the current model, in evaluation mode."""
        loss = self.settings["loss"]
        return (nn.evaluate(self.model, self.inputs_train, self.y_train, loss)[1],
                nn.evaluate(self.model, self.inputs_test, self.y_test, loss)[1])

    def graph(self, neuron: Any = "loss", sample: int = 0) -> tuple[Value, nn.MLP]:
        """The computational graph of one neuron's output (``(layer, index)``, layers counted
        from 1 for the first hidden layer) or of the loss (``"loss"``) for training point
        ``sample``, with this epoch's weights, after ``backward()``: every value and gradient
        in place. Returns ``(root, model)``: ``viz.draw(root, params=model)`` or
        ``viz.stepper(root, params=model)`` draws it with the weights' names. Built on a copy of
        the model (evaluation mode), so the playground's own gradients are not touched."""
        sizes = self.layer_sizes
        sample = number("Playground.graph(sample)", sample, integer=True, minimum=0,
                        maximum=len(self.X_train) - 1)
        if neuron == "loss":
            layer_index, neuron_index = len(sizes) - 1, 0
        else:
            if (not isinstance(neuron, (tuple, list)) or len(neuron) != 2
                    or not all(isinstance(k, int) and not isinstance(k, bool) for k in neuron)):
                raise TypeError(f"Playground.graph(neuron) must be 'loss' or a pair (layer, index), got {neuron!r}")
            layer_index, neuron_index = neuron
            if not 1 <= layer_index < len(sizes) or not 0 <= neuron_index < sizes[layer_index]:
                raise ValueError(f"Playground.graph(neuron): no neuron {neuron!r}; layers are 1 to {len(sizes) - 1} "
                                 f"with {sizes[1:]} neurons (indices from 0)")
        model = self._make_model().load_state_dict(self.model.state_dict())
        model.eval()
        names = self.settings["features"]
        batch: Any = [[Value(v, name) for v, name in zip(self.inputs_train[sample], names)]]
        for layer in model.layers[:layer_index]:
            batch = layer.forward_rows(batch)
        root = batch[0][neuron_index]
        if neuron == "loss":
            target = self.y_train[sample] if self.settings["loss"] != "hinge" else 2 * self.y_train[sample] - 1
            root = nn.LOSSES[self.settings["loss"]]([root], [target])
            root.label = "loss"
        root.backward()
        return root, model

    # -- saving --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """Settings, weights after every epoch, the optimizer, the history and the random state
        of dropout: everything needed to go on exactly where this run is."""
        dropouts = [m.rng.getstate() for m in self.model.modules() if isinstance(m, nn.Dropout)]
        return {"format": FILE_FORMAT, "version": FILE_VERSION,
                "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in self.settings.items()},
                "weights": self.weights, "current": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "history": [dataclasses.asdict(r) for r in self.history], "stopped": self.stopped,
                "dropout_rng": [[state[0], list(state[1]), state[2]] for state in dropouts]}

    def save(self, path: str | os.PathLike) -> Path:
        """Write the experiment (see :meth:`to_dict`) as JSON to ``path`` and return the path.

        Written by the project's one file writer (:func:`valuegraph.files.write_atomic`):
        atomically, keeping an existing file's permissions (a shared 644 file stays readable
        by colleagues; a new file gets ``open()``'s mode), writing through a symbolic link to
        the file it points to. The folder must exist (``FileNotFoundError`` naming it). A NaN
        or infinite number (a weight after training diverged) is a ``ValueError`` naming it and
        the file; nothing is written then."""
        text = json_text(self.to_dict(), caller=f"Playground.save({os.fspath(path)!r})", kind="playground file")
        return write_atomic(path, text, caller="Playground.save")

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Playground":
        """A Playground saved by :meth:`save`, ready to go on training.

        Read by the project's one file reader (:func:`valuegraph.files.read_json`): a named
        pipe, a device or a file larger than :data:`MAX_FILE_BYTES` is refused before anything
        is read, a folder is an ``IsADirectoryError``, and JSON nested thousands of levels deep
        a ``ValueError``. Then the file is checked in full (format and version, every setting
        as the constructor checks it, every weight as ``Module.load_state_dict`` does, the
        optimizer's state, the history's values and dropout's random states); on any problem
        ``ValueError`` (or ``TypeError``) names the file and the field."""
        where = f"Playground.load({os.fspath(path)!r})"
        document = read_json(path, MAX_FILE_BYTES, caller="Playground.load", kind="playground file",
                             shape="a playground file is a JSON object of settings, weights and history")
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
            raise ValueError(f"{where}: not a valid playground file: expected a JSON object with "
                             f"\"format\": \"{FILE_FORMAT}\"")
        if type(document.get("version")) is not int or document["version"] != FILE_VERSION:
            raise ValueError(f"{where}: unsupported version {document.get('version')!r} "
                             f"(this code reads version {FILE_VERSION})")
        missing = [k for k in ("settings", "weights", "current", "optimizer", "history", "stopped", "dropout_rng")
                   if k not in document]
        if missing:
            raise ValueError(f"{where}: not a valid playground file: missing {', '.join(missing)}")
        try:
            if not isinstance(document["settings"], dict):
                raise TypeError(f"settings must be an object, got {type_name(document['settings'])}")
            playground = cls(**document["settings"])
            playground._restore(document)
        except (TypeError, ValueError) as error:
            raise type(error)(f"{where}: {error}") from None
        return playground

    def _restore(self, document: dict[str, Any]) -> None:
        """Set the run from a loaded file's ``document``: everything is checked before the
        playground's history, weights and random states are replaced."""
        weights, records = document["weights"], document["history"]
        if not isinstance(weights, list) or not isinstance(records, list) or len(weights) != len(records) + 1:
            raise ValueError("weights must be a list with one state per epoch and one before training "
                             f"({len(records) + 1 if isinstance(records, list) else '?'} states)")
        history = nn.History("val_loss")
        for index, record in enumerate(records):
            history.epochs.append(_epoch_record(record, index))
        for index, state in enumerate(weights):
            try:
                self.model.load_state_dict(state)
            except (TypeError, ValueError) as error:
                raise type(error)(f"weights[{index}]: {error}") from None
        try:
            self.model.load_state_dict(document["current"])
        except (TypeError, ValueError) as error:
            raise type(error)(f"current: {error}") from None
        try:
            self.optimizer.load_state_dict(document["optimizer"])
        except (TypeError, ValueError) as error:
            raise type(error)(f"optimizer: {error}") from None
        flag("stopped", document["stopped"])
        dropouts = [m for m in self.model.modules() if isinstance(m, nn.Dropout)]
        states = document["dropout_rng"]
        if not isinstance(states, list) or len(states) != len(dropouts):
            raise ValueError(f"dropout_rng must be a list of {len(dropouts)} random states (one per dropout "
                             f"layer), got {_SHORT.repr(states)}")
        random_states = [_random_state(state, index) for index, state in enumerate(states)]
        for module, state in zip(dropouts, random_states):
            module.rng.setstate(state)
        for record in history:
            if history.best_value is None or record.val_loss < history.best_value:
                history.best_value, history.best_epoch = record.val_loss, record.epoch
        if document["stopped"]:
            history.stop_reason, history.restored_best = "early_stopping", True
        self.history, self.weights, self.stopped = history, [dict(w) for w in weights], document["stopped"]

    # -- showing -------------------------------------------------------------------------------

    def widget(self) -> Any:
        """The live ipywidgets widget for this playground (one per playground, made on first use)."""
        if getattr(self, "_widget", None) is None:
            from .playground_widget import PlaygroundWidget

            self._widget = PlaygroundWidget(self)
        return self._widget

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        return self.widget()._repr_mimebundle_(include=include, exclude=exclude, **kwargs)

    def view_html(self) -> str:
        """The whole picture (network, boundary, losses) as one HTML fragment, as the widget shows it."""
        return render(snapshot(self))

    def export_html(self, path: str | os.PathLike, *, max_frames: int = 150, title: str | None = None) -> Path:
        """One offline page replaying the recorded run with a slider (see :mod:`viz.playground_view`)."""
        return replay_page(self, path, max_frames=max_frames, title=title)


MAX_FILE_BYTES = 256 * 1024 * 1024
""":meth:`Playground.load` refuses a larger file before reading it. The largest network (6 hidden
layers of 8 neurons, every feature, batch norm) saves about 30 kB per epoch, so this holds
thousands of epochs of it, and far more of a usual one."""

_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40


def _epoch_record(record: Any, index: int) -> nn.EpochRecord:
    """``history[index]`` of a file as an ``nn.EpochRecord``, every field checked: an epoch
    ``index + 1``, losses and times finite and not negative, accuracies in [0, 1] (or None), a
    positive learning rate."""
    where = f"history[{index}]"
    fields = [f.name for f in dataclasses.fields(nn.EpochRecord)]
    if not isinstance(record, dict) or sorted(record) != sorted(fields):
        raise ValueError(f"{where} must be an object with the keys {fields}")
    if record["epoch"] != index + 1 or type(record["epoch"]) is not int:
        raise ValueError(f"{where}.epoch must be {index + 1}, got {_SHORT.repr(record['epoch'])}")
    checked = {"epoch": index + 1}
    for key in ("train_loss", "val_loss", "seconds"):
        checked[key] = number(f"{where}.{key}", record[key], minimum=0)
    for key in ("train_acc", "val_acc"):
        value = record[key]
        checked[key] = None if value is None else number(f"{where}.{key}", value, minimum=0, maximum=1,
                                                         accepted="an accuracy in [0, 1] (or null)")
    checked["lr"] = number(f"{where}.lr", record["lr"], above=0, accepted="a positive learning rate")
    return nn.EpochRecord(**checked)


def _random_state(state: Any, index: int) -> tuple:
    """``dropout_rng[index]`` of a file as a state for ``random.Random.setstate``: checked in
    full, so a wrong one is a ValueError naming the field, before any state is set."""
    where = f"dropout_rng[{index}]"
    if (not isinstance(state, list) or len(state) != 3 or type(state[0]) is not int
            or not isinstance(state[1], list) or not all(type(word) is int for word in state[1])
            or not (state[2] is None or type(state[2]) is float)):
        raise ValueError(f"{where} must be a random state [version, [625 ints], null or a float] as save() "
                         f"writes it, got {_SHORT.repr(state)}")
    try:
        random.Random().setstate((state[0], tuple(state[1]), state[2]))
    except (TypeError, ValueError, OverflowError) as error:
        raise ValueError(f"{where}: not a random state ({error})") from None
    return state[0], tuple(state[1]), state[2]
