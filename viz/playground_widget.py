"""The live widget of a :class:`viz.Playground` (ipywidgets): what Jupyter shows for ``pg``.

Top: play/pause, step, reset and the epoch counter. Then the settings as controls (changing
one starts again at epoch 0, as TensorFlow Playground does). Then the picture of
:func:`viz.playground_view.render`: the network with each neuron's heatmap, mean |gradient| and
dead ReLUs, the decision boundary with training and test points, the losses and the optimizer's
state. Last, the graph one click away: choose a neuron (or the loss) and a training point, press
"show graph", and the step-through of that computational graph appears, with this epoch's
values and gradients.

Playing trains in a background thread, one epoch at a time, so the buttons stay responsive;
it redraws at most every ``redraw_every`` seconds, and never spends more than a third of its
time drawing (a slow redraw waits for two redraws' worth of training). Everything that touches
the playground holds one lock.
"""

from __future__ import annotations

import html
import threading
import time
from typing import Any

import ipywidgets as widgets

from .dot import GraphTooLargeError
from .jupyter import stepper
from .playground_view import render, snapshot

__all__ = ["PlaygroundWidget", "LEARNING_RATES", "REGULARIZATION_RATES"]

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""TensorFlow Playground's learning rates."""
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""TensorFlow Playground's regularization rates (0: off)."""

_STYLE = {"description_width": "initial"}
_CSS = """<style>
.pg-widget { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px; --jp-widgets-inline-label-width: auto; }
.pg-widget .widget-label, .pg-widget .widget-readout, .pg-widget button, .pg-widget select, .pg-widget input {
  font-size: 16px; }
.pg-widget .pg-button { font-size: 19px; font-weight: 600; }
</style>"""


def _with_value(options: tuple, value: Any) -> list:
    return sorted(set(options) | {value})


class PlaygroundWidget(widgets.VBox):
    """The controls, the picture and the graph of one playground (``self.playground``)."""

    def __init__(self, playground: Any, *, redraw_every: float = 0.25) -> None:
        self.playground = playground
        self.redraw_every = redraw_every
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        s, choices = playground.settings, playground.CHOICES

        self.play_button = widgets.ToggleButton(value=False, description="▶ play", tooltip="train until paused",
                                                layout=widgets.Layout(width="130px", height="44px"))
        self.step_button = widgets.Button(description="step", tooltip="train one epoch",
                                          layout=widgets.Layout(width="100px", height="44px"))
        self.reset_button = widgets.Button(description="reset", tooltip="back to epoch 0",
                                           layout=widgets.Layout(width="100px", height="44px"))
        for button, name in ((self.play_button, "pg-play"), (self.step_button, "pg-step"),
                             (self.reset_button, "pg-reset")):
            button.add_class(name)
            button.add_class("pg-button")
        self.counter = widgets.HTML()
        self.counter.add_class("pg-counter")
        self.message = widgets.HTML()
        self.message.add_class("pg-message")

        self.controls: dict[str, widgets.Widget] = {
            "dataset": widgets.Dropdown(options=choices["dataset"], value=s["dataset"], description="data"),
            "noise": widgets.FloatSlider(value=s["noise"], min=0, max=0.5, step=0.05, description="noise"),
            "train_ratio": widgets.FloatSlider(value=s["train_ratio"], min=0.1, max=0.9, step=0.1,
                                               description="train ratio"),
            "n": widgets.IntSlider(value=s["n"], min=100, max=1000, step=100, description="points"),
            "seed": widgets.BoundedIntText(value=s["seed"], min=0, max=10**9, description="seed"),
            "hidden": widgets.Text(value=", ".join(map(str, s["hidden"])), description="hidden layers",
                                   placeholder="e.g. 4, 2 (empty: none)", continuous_update=False),
            "activation": widgets.Dropdown(options=choices["activation"], value=s["activation"], description="activation"),
            "batch_norm": widgets.Checkbox(value=s["batch_norm"], description="batch norm"),
            "dropout": widgets.FloatSlider(value=s["dropout"], min=0, max=0.9, step=0.1, description="dropout"),
            "loss": widgets.Dropdown(options=choices["loss"], value=s["loss"], description="loss"),
            "optimizer": widgets.Dropdown(options=choices["optimizer"], value=s["optimizer"], description="optimizer"),
            "lr": widgets.Dropdown(options=_with_value(LEARNING_RATES, s["lr"]), value=s["lr"],
                                   description="learning rate"),
            "l1": widgets.Dropdown(options=_with_value(REGULARIZATION_RATES, s["l1"]), value=s["l1"], description="L1"),
            "l2": widgets.Dropdown(options=_with_value(REGULARIZATION_RATES, s["l2"]), value=s["l2"], description="L2"),
            "batch_size": widgets.IntSlider(value=s["batch_size"], min=1, max=50, description="batch size"),
        }
        self.feature_buttons = {name: widgets.ToggleButton(value=name in s["features"], description=name,
                                                           layout=widgets.Layout(width="88px"))
                                for name in choices["features"]}
        for name, control in self.controls.items():
            control.style = _STYLE
            control.add_class(f"pg-{name.replace('_', '-')}")
            control.observe(self._on_setting, names="value")
        for button in self.feature_buttons.values():
            button.observe(self._on_setting, names="value")

        self.view = widgets.HTML()
        self.view.add_class("pg-view")

        self.neuron_choice = widgets.Dropdown(description="graph of", style=_STYLE)
        self.sample_choice = widgets.BoundedIntText(value=0, min=0, description="training point", style=_STYLE,
                                                    layout=widgets.Layout(width="220px"))
        self.graph_button = widgets.Button(description="show graph", layout=widgets.Layout(height="40px"))
        self.graph_button.add_class("pg-graph")
        self.graph_area = widgets.VBox()
        self.graph_area.add_class("pg-graph-area")

        self.play_button.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.graph_button.on_click(lambda _: self.show_graph())

        c = self.controls
        rows = [
            widgets.HTML(_CSS),
            widgets.HBox([self.play_button, self.step_button, self.reset_button, self.counter]),
            widgets.HBox([c["dataset"], c["noise"], c["train_ratio"], c["n"], c["seed"]]),
            widgets.HBox([widgets.HTML("<b>features</b>&nbsp;"), *self.feature_buttons.values()]),
            widgets.HBox([c["hidden"], c["activation"], c["batch_norm"], c["dropout"]]),
            widgets.HBox([c["loss"], c["optimizer"], c["lr"], c["l1"], c["l2"], c["batch_size"]]),
            self.message, self.view,
            widgets.HBox([self.neuron_choice, self.sample_choice, self.graph_button]), self.graph_area,
        ]
        super().__init__(rows)
        self.add_class("pg-widget")
        self._refresh_choices()
        self.redraw()

    # -- actions -------------------------------------------------------------------------------

    def redraw(self) -> float:
        """Draw the playground as it is now; returns the seconds it took."""
        started = time.perf_counter()
        with self._lock:
            pg = self.playground
            picture = render(snapshot(pg))
            state = "stopped early" if pg.stopped else "playing" if self.play_button.value else "paused"
            last = pg.history.epochs[-1] if pg.epoch else None
        loss = (f" · train loss <span class='pg-train-loss'>{last.train_loss:.4f}</span> · test loss "
                f"<span class='pg-test-loss'>{last.val_loss:.4f}</span>" if last else "")
        self.counter.value = (f"<div style='font-size: 24px; padding: 6px 14px'>epoch <b class='pg-epoch-counter'>"
                              f"{pg.epoch}</b> <span style='color:#64748b; font-size: 18px'>({state}){loss}</span></div>")
        self.view.value = picture
        return time.perf_counter() - started

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs and redraw."""
        with self._lock:
            self.playground.step(epochs)
        self.redraw()

    def reset(self) -> None:
        """Pause, go back to epoch 0 and redraw."""
        self.pause()
        with self._lock:
            self.playground.reset()
        self.graph_area.children = []
        self.redraw()

    def pause(self) -> None:
        """Stop playing and wait for the training thread to finish its epoch."""
        self.play_button.value = False
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _on_play(self, change: dict) -> None:
        self.play_button.description = "❚❚ pause" if change["new"] else "▶ play"
        if change["new"] and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._train, name="playground", daemon=True)
            self._thread.start()

    def _train(self) -> None:
        drawn, drawing = 0.0, 0.0
        try:
            while self.play_button.value and not self.playground.stopped:
                with self._lock:
                    self.playground.step(1)
                if time.perf_counter() - drawn >= max(self.redraw_every, 2 * drawing):
                    drawing = self.redraw()
                    drawn = time.perf_counter()
        except Exception as error:  # shown to the user, never lost in a thread
            self.message.value = f"<b style='color:#b91c1c'>training stopped: {html.escape(str(error))}</b>"
        finally:
            self.play_button.value = False
            self.redraw()

    def _settings_from_controls(self) -> dict[str, Any]:
        values = {name: control.value for name, control in self.controls.items()}
        text = values["hidden"].replace(",", " ").split()
        try:
            values["hidden"] = [int(size) for size in text]
        except ValueError:
            raise ValueError(f"hidden layers: write layer sizes separated by commas, like 4, 2 (got {values['hidden']!r})")
        values["features"] = [name for name, button in self.feature_buttons.items() if button.value]
        if values["optimizer"] not in ("sgd", "nesterov"):
            values["momentum"] = None
        return values

    def _on_setting(self, change: dict) -> None:
        self.pause()
        try:
            with self._lock:
                self.playground.configure(**self._settings_from_controls())
        except (TypeError, ValueError) as error:
            self.message.value = f"<b style='color:#b91c1c; font-size: 18px'>{html.escape(str(error))}</b>"
            return
        self.message.value = ""
        self.graph_area.children = []
        self._refresh_choices()
        self.redraw()

    def _refresh_choices(self) -> None:
        sizes = self.playground.layer_sizes
        options = [("the loss", "loss")]
        options += [(f"layer {i}, neuron {j + 1}", (i, j)) for i in range(1, len(sizes) - 1) for j in range(sizes[i])]
        options.append(("the output", (len(sizes) - 1, 0)))
        self.neuron_choice.options = options
        self.neuron_choice.value = "loss"
        self.sample_choice.max = len(self.playground.X_train) - 1

    def show_graph(self) -> None:
        """Show the step-through of the chosen neuron's (or the loss's) graph for the chosen point."""
        with self._lock:
            pg = self.playground
            root, model = pg.graph(self.neuron_choice.value, self.sample_choice.value)
            point = pg.X_train[self.sample_choice.value]
            label = pg.y_train[self.sample_choice.value]
        title = widgets.HTML(f"<div style='font-size: 19px; margin-top: 8px'><b>{html.escape(self.neuron_choice.label)}"
                             f"</b> at training point ({point[0]:.2f}, {point[1]:.2f}), class {label}, epoch {pg.epoch}: "
                             f"value {root.data:.4g}. Step through the forward and backward pass; the last step has "
                             f"every gradient.</div>")
        try:
            box = stepper(root, params=model, style="projector")  # type readable on a wall
        except GraphTooLargeError as error:
            self.graph_area.children = [title, widgets.HTML(f"<b>{html.escape(str(error))}</b>")]
            return
        box.slider.value = box.slider.max  # open on the finished picture: all values and gradients
        self.graph_area.children = [title, box]
