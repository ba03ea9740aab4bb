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

Settings are keywords with TensorFlow Playground's defaults where it has them (classification
of the circle, 500 points, no noise, half for training, features x1 and x2, hidden layers
[4, 2], tanh, learning rate 0.03, batch size 10). Each is described once, in :data:`SETTINGS`,
and checked once, in the constructor: a wrong one raises ``TypeError`` / ``ValueError`` naming
the setting, the value and what is accepted, and so does a combination that could never train.

The whole experiment is also one line of text, as TensorFlow Playground's address is:
``pg.settings_text()`` gives it, ``Playground.from_settings(text)`` makes the same experiment
again (``hide=`` in it hides controls from the widget, as the web page's ``_hide``).

Displayed in Jupyter, a Playground is a live widget (see :mod:`viz.playground_widget`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import random
import reprlib
import threading
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

import autograd
import nn
from autograd import Value
from valuegraph.files import json_text, read_json, write_atomic

from .playground_settings import (ACTIVATIONS, DATASETS, DEFAULTS, FEATURES, LOSSES, MAX_LAYERS, MAX_NEURONS,
                                  OPTIMIZERS, PROBLEMS, SETTINGS, SPIRAL_TURNS, TRAINING_SETTINGS, VIEW_SETTINGS,
                                  Setting, _dependent_changes, check_settings, feature_row, parse_settings, refused,
                                  settings_text)
from .playground_view import WORDS, neuron_name, picture_html, snapshot, write_replay

__all__ = ["Playground", "Setting", "SETTINGS", "check_settings", "parse_settings", "DEFAULTS", "FEATURES", "PROBLEMS", "DATASETS", "ACTIVATIONS",
           "LOSSES", "OPTIMIZERS", "TRAINING_SETTINGS", "VIEW_SETTINGS", "MAX_LAYERS", "MAX_NEURONS", "FILE_FORMAT",
           "FILE_VERSION", "MAX_FILE_BYTES"]


FILE_FORMAT = "valuegraph.viz.playground"
FILE_VERSION = 2
"""Version 2 added the changes made during a run (``changes``); version 1 files load too."""



def _locked(method: Any) -> Any:
    """The method holds the playground's lock: a widget may be training the same playground in a thread."""
    @functools.wraps(method)
    def locked(self: "Playground", *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            return method(self, *args, **kwargs)

    return locked


class Playground:
    """One experiment: data, features, network, optimizer, and its recorded run.

    Settings (keywords, see :data:`SETTINGS` and :data:`DEFAULTS`):

    * data: ``problem`` (``"classification"`` or ``"regression"``), ``dataset`` (the problem's
      :data:`DATASETS`), ``n`` points, ``noise`` (0 to 1; TensorFlow Playground's 0-50 % is
      0-0.5), ``train_ratio`` (0.1 to 0.9), ``seed`` (data, split, weights, shuffling and
      dropout all follow from it);
    * ``features``: names from :data:`FEATURES` (``"x1"``, ``"x2"``, ``"x1**2"``, ``"x2**2"``,
      ``"x1*x2"``, ``"sin(x1)"``, ``"sin(x2)"``);
    * network: ``hidden`` (0 to 6 layer sizes of 1 to 8 neurons), ``activation``
      (:data:`ACTIVATIONS`), ``init`` (``nn.init.INITS``), ``batch_norm``, ``dropout``;
    * training (:data:`TRAINING_SETTINGS`): ``loss`` (the problem's :data:`LOSSES`),
      ``optimizer`` (:data:`OPTIMIZERS`), ``lr``, ``momentum``, ``l1``, ``l2``, ``batch_size``,
      ``patience`` (early stopping on the test loss: stop and go back to the best epoch's
      weights after ``patience`` epochs without improvement);
    * the picture (:data:`VIEW_SETTINGS`): ``show_test`` (draw the test points too),
      ``discretize`` (the output as two classes), ``hide`` (setting names whose controls the
      widget leaves out, for an exercise).

    State: ``model`` (``nn.MLP``), ``optimizer``, ``X_train``/``y_train``/``X_test``/``y_test``
    (the points), ``epoch``, ``history`` (``nn.History``; ``val_loss`` is the test loss),
    ``weights`` (the model's ``state_dict`` after each epoch, index 0 before training),
    ``changes`` (the training settings changed during the run: ``(epoch, {setting: value})``).
    """

    CHOICES = {"problem": PROBLEMS, "dataset": DATASETS, "features": tuple(FEATURES), "activation": ACTIVATIONS,
               "loss": LOSSES, "optimizer": OPTIMIZERS}
    """The names each choice setting accepts (what the widget's menus offer)."""

    def __init__(self, **settings: Any) -> None:
        self.lock = threading.RLock()
        """Held while the playground changes (an epoch, a setting, a reset) and while a view
        reads it: the widget draws from one thread while another trains."""
        self.version = 0
        """Counts every change of state (a trained epoch, a setting, a reset, a loaded run), so
        that a view can tell it has something new to show."""
        self._build(check_settings(settings))

    @classmethod
    def from_settings(cls, text: str) -> "Playground":
        """The experiment a settings text describes (what :meth:`settings_text` gives, or a
        teacher's shorter one: settings left out keep their defaults), at epoch 0."""
        return cls(**parse_settings(text))

    def settings_text(self) -> str:
        """Every setting, the seed included, as one line of ``setting=value`` joined by ``&``
        (as TensorFlow Playground's address): ``Playground.from_settings(text)`` makes the same
        experiment again."""
        return settings_text(self.settings)

    def _build(self, settings: dict[str, Any]) -> None:
        self.settings = s = settings
        make = nn.datasets.DATASETS.get(s["dataset"]) or nn.datasets.REGRESSION_DATASETS[s["dataset"]]
        extra = {"turns": SPIRAL_TURNS} if s["dataset"] == "spiral" else {}
        X, y = make(n=s["n"], noise=s["noise"], seed=s["seed"], **extra)  # noqa: N806
        self.X_train, self.X_test, self.y_train, self.y_test = nn.train_test_split(
            X, y, test_size=1.0 - s["train_ratio"], seed=s["seed"])
        largest = max(abs(c) for point in X for c in point)
        self.extent = math.ceil(largest * 1.2 * 2) / 2
        """Half the width of the input plane drawn: points and heatmaps cover [-extent, extent]²."""
        self.inputs_train = [feature_row(p, s["features"]) for p in self.X_train]
        self.inputs_test = [feature_row(p, s["features"]) for p in self.X_test]
        self._grids: dict[int, np.ndarray] = {}
        self._reset()

    # -- settings ------------------------------------------------------------------------------

    def with_settings(self, **changes: Any) -> "Playground":
        """A new Playground with these settings changed (this one is left as it is)."""
        return Playground(**{**self.settings, **_dependent_changes(self.settings, changes), **changes})

    def configure(self, **changes: Any) -> bool:
        """Change settings. The training settings (:data:`TRAINING_SETTINGS`: learning rate,
        L1/L2, batch size, the optimizer and its momentum, patience) apply to the running network
        and training goes on from this epoch; a change of the data, the features, the network or
        the loss starts again at epoch 0 (as TensorFlow Playground does). Returns True when it
        started again. All settings are checked first: on an error nothing changes.

        A setting follows another when it is not given: a new ``problem`` brings its own
        dataset and loss, an optimizer without momentum drops ``momentum``."""
        with self.lock:
            return self._configure(changes)

    def _configure(self, changes: Mapping[str, Any]) -> bool:
        new = check_settings({**self.settings, **_dependent_changes(self.settings, changes), **changes})
        changed = {key for key in new if new[key] != self.settings[key]}
        if changed - set(TRAINING_SETTINGS) - set(VIEW_SETTINGS):
            self._build(new)
            return True
        self.settings = new
        if changed & {"optimizer", "momentum", "lr"}:
            self._apply_optimizer()
        if "patience" in changed and self.stopped:
            patience, best = new["patience"], self.history.best_epoch
            self.stopped = patience is not None and best is not None and self.epoch - best >= patience
        training = sorted(changed & set(TRAINING_SETTINGS), key=list(SETTINGS).index)
        if training:
            self.changes.append((self.epoch, {key: new[key] for key in training}))
        self.version += 1
        return False

    def _apply_optimizer(self) -> None:
        """The new optimizer settings on the running optimizer: the same kind keeps its state (its
        steps, its momentum buffer); another kind starts with a fresh state."""
        replacement = self._make_optimizer(self.model.parameters())
        state = self.optimizer.state_dict()
        if state["type"] == replacement.state_dict()["type"]:
            mine = replacement.state_dict()
            replacement.load_state_dict({**state, **{k: mine[k] for k in mine if k not in ("state", "steps")}})
        self.optimizer = replacement

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.settings.items() if v != DEFAULTS[k]}  # settings are normalised
        text = ", ".join(f"{k}={list(v) if isinstance(v, tuple) else v!r}" for k, v in changed.items())
        return f"Playground({text}) at epoch {self.epoch}"

    @property
    def layer_sizes(self) -> list[int]:
        """Neurons per layer, inputs first: ``[len(features), *hidden, 1]``."""
        return [len(self.settings["features"]), *self.settings["hidden"], 1]

    @property
    def regression(self) -> bool:
        """True for a regression problem (the output is a number, not a class)."""
        return self.settings["problem"] == "regression"

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
        with self.lock:
            self._reset()

    def _reset(self) -> None:
        self.model = self._make_model()
        self.optimizer = self._make_optimizer(self.model.parameters())
        self.history = nn.History("val_loss")
        self.weights: list[dict[str, float]] = [self.model.state_dict()]
        self.changes: list[tuple[int, dict[str, Any]]] = []
        self._probe = self._make_model().eval()
        """A second network, kept in evaluation mode, that reads other epochs' weights (and
        computes gradients on the side); kept so that its compiled programs are reused."""
        self._parameters, self._probe_parameters = self.model.parameters(), self._probe.parameters()
        self._training_loss = autograd.compile(self._loss_of_probe)
        self.stopped = False
        """True once early stopping (``patience``) ended the run; ``step`` then does nothing."""
        self.version += 1

    @property
    def epoch(self) -> int:
        """Epochs trained so far."""
        return len(self.history)

    def _targets(self, labels: Sequence[float]) -> list[float]:
        return [2 * t - 1 for t in labels] if self.settings["loss"] == "hinge" else list(labels)

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` more epochs (each one ``nn.fit`` call on the training points, with
        the test points as validation data), unless early stopping has ended the run.

        An epoch either completes and is recorded, or leaves nothing behind: when it is
        interrupted (Ctrl-C) or diverges (a number overflows), the network and the optimizer go
        back to the last recorded epoch, and the error says which epoch failed."""
        epochs = Setting("epochs", 1, "int", 1).number("Playground.step(epochs)", epochs)
        for _ in range(epochs):
            with self.lock:  # one epoch at a time: a view may draw between two
                if self.stopped:
                    return
                self._step()

    def _step(self) -> None:
        s = self.settings
        optimizer_state = self.optimizer.state_dict()
        dropouts = [m.rng.getstate() for m in self.model.modules() if isinstance(m, nn.Dropout)]
        trying = self.epoch + 1
        try:
            run = nn.fit(self.model, self.inputs_train, self.y_train, loss=s["loss"], optimizer=self.optimizer,
                         epochs=1, batch_size=s["batch_size"], validation_data=(self.inputs_test, self.y_test),
                         l1=s["l1"], l2=s["l2"], seed=s["seed"] * 100_003 + self.epoch, progress=False,
                         compiled=True)  # nn keeps the compiled trainer between calls: traced once
            if run.interrupted or len(run) != 1:  # fit caught a Ctrl-C inside the epoch
                raise KeyboardInterrupt
            record = run[0]
            if not all(math.isfinite(v) for v in (record.train_loss, record.val_loss)):
                raise OverflowError(f"the loss is {record.train_loss!r} (test {record.val_loss!r})")
            self._record(record)
        except BaseException as error:
            if len(self.history) < trying or len(self.weights) <= trying:  # this epoch is not (fully) recorded
                self._back_to_last_epoch(optimizer_state, dropouts)
            if isinstance(error, (OverflowError, FloatingPointError, ZeroDivisionError)):
                raise refused(type(error), "diverged", epoch=trying, error=error, back=self.epoch) from None
            raise

    @_locked
    def set_weight(self, layer: int, neuron: int, source: int, value: float) -> None:
        """Set one weight of the network as it is now (the connection from neuron ``source`` of
        layer ``layer - 1`` to neuron ``neuron`` of ``layer``; layers from 1, neurons from 0, as
        :meth:`graph` counts them): what clicking a connection in the widget does. The epoch's
        recorded weights change with it, so that saving and replaying show the edited network."""
        sizes = self.layer_sizes
        for what, index, size in (("layer", layer, len(sizes)), ("neuron", neuron, None), ("source", source, None)):
            if isinstance(index, bool) or not isinstance(index, int):
                raise TypeError(f"Playground.set_weight({what}) must be an int, got {index!r}")
        if not 1 <= layer < len(sizes) or not 0 <= neuron < sizes[layer] or not 0 <= source < sizes[layer - 1]:
            raise ValueError(f"Playground.set_weight: no connection to neuron {neuron} of layer {layer} from neuron "
                             f"{source}; the layers are {sizes} (layer 0 the features)")
        value = Setting("weight", 0.0, "float").number("Playground.set_weight(value)", value)
        key = f"layers.{layer - 1}.neurons.{neuron}.w.{source}"
        self.model.layers[layer - 1].neurons[neuron].w[source].data = value
        self.weights[-1] = {**self.weights[-1], key: value}
        self.version += 1

    def _back_to_last_epoch(self, optimizer_state: dict, dropouts: list) -> None:
        """The network, the optimizer and dropout's random state as they were after the last
        recorded epoch (the history and the weights cut to the same length first, should the
        interruption have come between recording one and the other)."""
        history = self.history
        recorded = min(len(history), len(self.weights) - 1)
        del history.epochs[recorded:], self.weights[recorded + 1:]
        history.best_epoch = history.best_value = None
        for record in history:
            if history.best_value is None or record.val_loss < history.best_value:
                history.best_value, history.best_epoch = record.val_loss, record.epoch
        self.model.load_state_dict(self.weights[-1])
        self.optimizer.load_state_dict(optimizer_state)
        for module, state in zip((m for m in self.model.modules() if isinstance(m, nn.Dropout)), dropouts):
            module.rng.setstate(state)
        self.version += 1

    def _record(self, record: nn.EpochRecord) -> None:
        history = self.history
        weights = self.model.state_dict()
        history.epochs.append(dataclasses.replace(record, epoch=self.epoch + 1))
        self.weights.append(weights)
        if history.best_value is None or record.val_loss < history.best_value:
            history.best_value, history.best_epoch = record.val_loss, self.epoch
        patience = self.settings["patience"]
        if patience is not None and self.epoch - history.best_epoch >= patience:
            self.model.load_state_dict(self.weights[history.best_epoch])
            history.stop_reason, history.restored_best, self.stopped = "early_stopping", True, True
        self.version += 1

    # -- looking inside ------------------------------------------------------------------------

    def grid(self, resolution: int) -> list[list[float]]:
        """``resolution²`` points covering the input plane, row by row from the top (x2 = extent)."""
        e = self.extent
        axis = [-e + 2 * e * (i + 0.5) / resolution for i in range(resolution)]
        return [[a, b] for b in reversed(axis) for a in axis]

    def _grid_inputs(self, resolution: int) -> np.ndarray:
        """The features of :meth:`grid`'s points, as one array (computed once per network)."""
        if resolution not in self._grids:
            points = np.asarray(self.grid(resolution))
            a, b = points[:, 0], points[:, 1]
            self._grids[resolution] = np.stack([FEATURES[name](a, b) for name in self.settings["features"]], axis=1)
        return self._grids[resolution]

    @_locked
    def neuron_outputs(self, points: Sequence[Sequence[float]] | int, weights: Mapping[str, float] | None = None
                       ) -> list[Any]:
        """Every neuron's output at each point, layer by layer: ``[layer][neuron][point]``, the
        inputs (the features) first and the network's output last. ``points`` may be a
        resolution (an int): :meth:`grid`'s points, then each layer is a numpy array. Evaluation
        mode (no dropout, batch norm's running estimates), no graph recorded; ``weights`` (a
        ``state_dict``, e.g. ``pg.weights[k]``) evaluates another epoch's network."""
        model = self.model if weights is None else self._probe.load_state_dict(weights)
        if isinstance(points, int):
            rows = self._grid_inputs(points)
            outputs = nn.predict_grid(model, rows, per_layer=True)  # compiled, in evaluation mode
            return [rows.T] + [layer.T for layer in outputs]
        rows = [feature_row(p, self.settings["features"]) for p in points]
        outputs = nn.predict_grid(model, rows, per_layer=True)
        return [[list(column) for column in zip(*rows)]] + [layer.T.tolist() for layer in outputs]

    @_locked
    def neuron_gradients(self, weights: Mapping[str, float] | None = None) -> list[list[float]]:
        """Each neuron's mean |∂L/∂w| over its weights and bias, ``[hidden or output layer][neuron]``,
        where L is the data loss on the whole training set in evaluation mode. Near 0 in the first
        layers of a deep sigmoid network: the vanishing gradient, made visible."""
        if weights is not None or self.settings["batch_norm"]:  # (batch norm's running estimates are no parameters)
            model = self._probe.load_state_dict(weights if weights is not None else self.model.state_dict())
        else:  # this epoch's network: its parameters' values are all there is to copy
            model = self._probe
            for source, target in zip(self._parameters, self._probe_parameters):
                target.data = source.data
        targets = self._targets(self.y_train)
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

    @_locked
    def dead_neurons(self, weights: Mapping[str, float] | None = None) -> list[list[bool]]:
        """``[hidden layer][neuron]``: True for a ReLU neuron whose output is 0 on every training
        point (it gets no gradient from any of them, so it can never come back)."""
        if self.settings["activation"] != "relu":
            return [[False] * size for size in self.settings["hidden"]]
        outputs = self.neuron_outputs(self.X_train, weights)[1:-1]
        return [[all(v == 0.0 for v in neuron) for neuron in layer] for layer in outputs]

    @_locked
    def optimizer_state(self) -> dict[str, Any]:
        """The optimizer in numbers: its name, step count, learning rate and, for each state it
        keeps and uses (momentum buffer, Adam's moments...), the root mean square over the
        parameters (plain SGD keeps none)."""
        state = self.optimizer.state_dict()
        summary = {"optimizer": self.settings["optimizer"], "steps": state["steps"], "lr": state["lr"]}
        for key, values in state["state"].items():
            if key == "max_exp_avg_sq" or not values or (key == "momentum_buffer" and not state.get("momentum")):
                continue
            summary[key] = math.sqrt(sum(v * v for v in values) / len(values))
        return summary

    @_locked
    def accuracy(self) -> tuple[float | None, float | None]:
        """(training accuracy, test accuracy) of the current model, in evaluation mode (the share
        of points on the right side of the boundary); ``(None, None)`` for regression."""
        if self.regression:
            return None, None

        def share(inputs: list, labels: list) -> float:
            outputs = nn.predict_grid(self.model, inputs)[:, 0]
            middle = 0.5 if self.settings["loss"] == "mse" else 0.0
            return float(np.mean((outputs > middle) == (np.asarray(labels) > 0.5)))

        return share(self.inputs_train, self.y_train), share(self.inputs_test, self.y_test)

    # -- the graph -----------------------------------------------------------------------------

    def neuron_name(self, layer: int, index: int) -> str:
        """The picture's name of a neuron: ``"x1"`` for an input, ``"layer 1, neuron 2"`` (both
        counted from 1) for a hidden one, ``"output"``."""
        return neuron_name(self.layer_sizes, self.settings["features"], layer, index)

    def neuron_groups(self) -> dict[str, list[str]]:
        """The network's neurons by layer, in the picture's words: ``{"layer 1": ["layer 1, neuron 1",
        ...], ..., "output": ["output"]}``. In :meth:`graph`'s drawings each neuron's output is
        the value of that name, so ``viz.draw(root, params=params, groups=pg.neuron_groups())``
        draws the graph by neurons, and ``expand=["layer 1, neuron 2"]`` opens one of them."""
        sizes = self.layer_sizes
        return {self.neuron_name(layer, 0) if layer == len(sizes) - 1 else WORDS("layer", layer=layer):
                [self.neuron_name(layer, k) for k in range(sizes[layer])] for layer in range(1, len(sizes))}

    def parameter_names(self, model: nn.MLP | None = None) -> dict[str, Value]:
        """The network's weights and biases by the picture's names: ``"w(x1 → layer 1, neuron 2)"``,
        ``"b(layer 1, neuron 2)"`` (what the graph drawings call them)."""
        model = model or self.model
        names = {}
        for i, layer in enumerate(model.layers, 1):
            for j, neuron in enumerate(layer.neurons):
                target = self.neuron_name(i, j)
                for k, w in enumerate(neuron.w):
                    names[f"w({self.neuron_name(i - 1, k)} → {target})"] = w
                names[f"b({target})"] = neuron.b
        return names

    @_locked
    def graph(self, neuron: Any = "loss", sample: int = 0, *, inputs: str = "network") -> tuple[Value, dict]:
        """The computational graph of one neuron's output (``(layer, index)``, layers counted
        from 1 for the first hidden layer, neurons from 0) or of the loss (``"loss"``) for
        training point ``sample``, with this epoch's weights, after ``backward()``: every value
        and gradient in place. ``inputs="neuron"`` draws only that neuron: its inputs (the
        previous layer's outputs, with their values for this point) are leaves.

        Returns ``(root, params)``, ``params`` naming every weight and bias as the picture does
        (``"w(x1 → layer 1, neuron 2)"``): ``viz.draw(root, params=params)`` or
        ``viz.stepper(root, params=params)`` draws it. Built on a copy of the model (evaluation
        mode), so the playground's own gradients are not touched."""
        sizes = self.layer_sizes
        if isinstance(sample, bool) or not isinstance(sample, int) or not 0 <= sample < len(self.X_train):
            raise ValueError(f"Playground.graph(sample) must be an int in [0, {len(self.X_train) - 1}], got {sample!r}")
        if inputs not in ("network", "neuron"):
            raise ValueError(f"Playground.graph(inputs) must be 'network' or 'neuron', got {inputs!r}")
        if neuron == "loss":
            layer_index, neuron_index = len(sizes) - 1, 0
        else:
            if (not isinstance(neuron, (tuple, list)) or len(neuron) != 2
                    or not all(isinstance(k, int) and not isinstance(k, bool) for k in neuron)):
                raise TypeError(f"Playground.graph(neuron) must be 'loss' or a pair (layer, index), got {neuron!r}")
            layer_index, neuron_index = neuron
            if not 1 <= layer_index < len(sizes) or not 0 <= neuron_index < sizes[layer_index]:
                raise ValueError(f"Playground.graph(neuron): no neuron {tuple(neuron)!r}; layers are 1 to "
                                 f"{len(sizes) - 1} with {sizes[1:]} neurons (indices from 0)")
        model = self._make_model().load_state_dict(self.model.state_dict())
        model.eval()
        features = self.settings["features"]
        row = [Value(v, name) for v, name in zip(self.inputs_train[sample], features)]
        batch: Any = [row]
        first = layer_index - 1 if inputs == "neuron" and neuron != "loss" else 0
        if first:
            values = self.neuron_outputs([self.X_train[sample]])[first]
            batch = [[Value(v[0], self.neuron_name(first, k)) for k, v in enumerate(values)]]
        for i, layer in enumerate(model.layers[first:layer_index], first + 1):
            batch = layer.forward_rows(batch)
            for k, value in enumerate(batch[0]):
                _name_inside(value, self.neuron_name(i, k))
        root = batch[0][neuron_index]
        if neuron == "loss":
            root = nn.LOSSES[self.settings["loss"]]([root], self._targets([self.y_train[sample]]))
            root.label = "loss"
        root.backward()
        params = self.parameter_names(model)
        if inputs == "neuron" and neuron != "loss":  # only the weights this neuron's graph holds
            own = {id(p) for p in model.layers[layer_index - 1].neurons[neuron_index].parameters()}
            params = {name: p for name, p in params.items() if id(p) in own}
        return root, params

    # -- saving --------------------------------------------------------------------------------

    @_locked
    def to_dict(self) -> dict[str, Any]:
        """Settings, weights after every epoch, the optimizer, the history, the changes made
        during the run and the random state of dropout: everything needed to go on exactly
        where this run is."""
        dropouts = [m.rng.getstate() for m in self.model.modules() if isinstance(m, nn.Dropout)]
        return {"format": FILE_FORMAT, "version": FILE_VERSION,
                "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in self.settings.items()},
                "weights": self.weights, "current": self.model.state_dict(), "optimizer": self.optimizer.state_dict(),
                "history": [dataclasses.asdict(r) for r in self.history], "stopped": self.stopped,
                "changes": [[epoch, {k: list(v) if isinstance(v, tuple) else v for k, v in change.items()}]
                            for epoch, change in self.changes],
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
        if type(document.get("version")) is not int or document["version"] not in (1, FILE_VERSION):
            raise ValueError(f"{where}: unsupported version {document.get('version')!r} "
                             f"(this code reads versions 1 to {FILE_VERSION})")
        document.setdefault("changes", [])  # version 1 had no changes during a run
        missing = [k for k in ("settings", "weights", "current", "optimizer", "history", "stopped", "dropout_rng")
                   if k not in document]
        if missing:
            raise ValueError(f"{where}: not a valid playground file: missing {', '.join(missing)}")
        try:
            if not isinstance(document["settings"], dict):
                raise TypeError(f"settings must be an object, got {type(document['settings']).__name__}")
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
        if type(document["stopped"]) is not bool:
            raise TypeError(f"stopped must be true or false, got {_SHORT.repr(document['stopped'])}")
        changes = document["changes"]
        if not isinstance(changes, list) or not all(
                isinstance(c, list) and len(c) == 2 and type(c[0]) is int and 0 <= c[0] <= len(records)
                and isinstance(c[1], dict) and set(c[1]) <= set(TRAINING_SETTINGS) for c in changes):
            raise ValueError(f"changes must be a list of [epoch, {{training setting: value}}] pairs, epochs "
                             f"0 to {len(records)}")
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
        self.changes = [(epoch, dict(change)) for epoch, change in changes]
        self.version += 1

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
        """The whole picture (network, output, losses) as one HTML fragment, as the widget shows it."""
        return picture_html(snapshot(self))

    def export_html(self, path: str | os.PathLike, *, max_frames: int = 150, title: str | None = None) -> Path:
        """One offline page replaying the recorded run with a slider (see :mod:`viz.playground_view`)."""
        return write_replay(self, path, max_frames=max_frames, title=title)


def _name_inside(output: Value, name: str) -> None:
    """Label a neuron's output with the picture's name, and the values inside the neuron that have
    no name (its weighted sum z before the activation, the sum w·x before the bias) after it, so
    that a drawing says "z (layer 1, neuron 2)" where it would say ``v6``."""
    output.label = name
    inner = [parent for parent in output.parents if not parent.label and parent.parents]
    for parent, word in zip(inner, ("z",)):
        parent.label = f"{word} ({name})"
        for grandparent in parent.parents:
            if not grandparent.label and grandparent.parents:
                grandparent.label = f"w·x ({name})"


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
        checked[key] = _number(f"{where}.{key}", record[key], 0)
    for key in ("train_acc", "val_acc"):
        value = record[key]
        checked[key] = None if value is None else _number(f"{where}.{key}", value, 0, 1,
                                                          accepted="an accuracy in [0, 1] (or null)")
    checked["lr"] = _number(f"{where}.lr", record["lr"], 0, low_open=True, accepted="a positive learning rate")
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


def _number(where: str, value: Any, low: float, high: float | None = None, low_open: bool = False,
            accepted: str | None = None) -> float:
    """``value`` of a file's field, checked as a setting's number is (a finite number within the
    bounds); ``accepted`` says what the bounds mean."""
    try:
        return Setting(where, 0.0, "float", low, high, low_open=low_open).number(where, value)
    except ValueError:
        if accepted is None or not math.isfinite(value):
            raise
        raise ValueError(f"{where} must be {accepted}, got {_SHORT.repr(value)}") from None
