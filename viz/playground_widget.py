"""The live widget of a :class:`viz.Playground` (ipywidgets): what Jupyter shows for ``pg``.

Top: play/pause, step, reset, regenerate and the epoch counter. Then the settings as controls,
each offering TensorFlow Playground's choices and always the value the playground has (a
control never changes a setting the user did not touch). Training settings (learning rate,
L1/L2, batch size, the optimizer) apply to the running network and training goes on; a change
of the data, the features or the network starts again at epoch 0 and says so. A setting that
cannot train greys the picture out and disables play and step until it is fixed. Then the
settings text (``Playground.from_settings`` makes the experiment again; paste one to load it).

Then the picture (:class:`PlaygroundView`, :func:`viz.playground_view.picture_html`) which answers
the mouse: hovering a neuron shows its output large, clicking one selects it (its output large,
its gradient, and the step-through of its computational graph for the chosen training point,
:class:`StepThrough`), clicking a connection edits its weight, + and − add and remove neurons
and layers. Below, the step-through, and a button for the graph of the loss.

Playing trains in a background thread, one epoch at a time, and draws between two epochs every
``redraw_every`` seconds; otherwise another thread redraws whenever the playground has changed,
however it was changed (by the buttons, by ``pg.step()`` or ``pg.configure()`` in another cell).
Both hold the playground's lock while they touch it.
"""

from __future__ import annotations

import html
import threading
import time
import weakref
from typing import Any

import anywidget
import ipywidgets as widgets
import traitlets

from .dot import GraphTooLargeError
from .html import pinned_frames
from .language import Catalog
from .playground_settings import (DATASETS, LOSSES, MAX_LAYERS, MAX_NEURONS, OPTIMIZERS, PROBLEMS, SETTINGS,
                                  check_settings, parse_settings, shown)
from .playground_view import (BOUNDARY_SIZE, PLAYING_RESOLUTION, RESOLUTION, SHOW_BIG_SCRIPT, frame, frame_key,
                              picture_html, points_svg, snapshot)
from .playground_view import WORDS as VIEW_WORDS
from .rendering import pick_backend, render_source

__all__ = ["PlaygroundWidget", "PlaygroundView", "StepThrough", "LEARNING_RATES", "REGULARIZATION_RATES", "WORDS"]

LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""TensorFlow Playground's learning rates."""
REGULARIZATION_RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
"""TensorFlow Playground's regularization rates (0: off)."""
NOISES = tuple(k / 20 for k in range(11))
"""TensorFlow Playground's noise, 0 to 50 % in steps of 5."""
TRAIN_RATIOS = tuple(k / 10 for k in range(1, 10))
BATCH_SIZES = tuple(range(1, 31))
"""TensorFlow Playground's batch sizes."""
POINTS = (10, 50, 100, 200, 300, 500, 1000, 2000, 5000)
DROPOUTS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
MOMENTA = (None, 0.5, 0.9, 0.99)
PATIENCES = (None, 5, 10, 20, 50)

WORDS = Catalog({
    "play": {"en": "▶ play", "es": "▶ entrenar"},
    "pause": {"en": "❚❚ pause", "es": "❚❚ pausa"},
    "play tip": {"en": "train until paused", "es": "entrenar hasta la pausa"},
    "step": {"en": "step", "es": "paso"},
    "step tip": {"en": "train one epoch", "es": "entrenar una época"},
    "reset": {"en": "reset", "es": "reiniciar"},
    "reset tip": {"en": "back to epoch 0", "es": "volver a la época 0"},
    "regenerate": {"en": "regenerate", "es": "regenerar"},
    "regenerate tip": {"en": "new data (the next seed)", "es": "datos nuevos (la semilla siguiente)"},
    "epoch": {"en": "epoch", "es": "época"},
    "playing": {"en": "playing", "es": "entrenando"},
    "paused": {"en": "paused", "es": "en pausa"},
    "stopped": {"en": "stopped early", "es": "parada temprana"},
    "train loss": {"en": "train loss", "es": "pérdida entrenamiento"},
    "test loss": {"en": "test loss", "es": "pérdida prueba"},
    "problem": {"en": "problem", "es": "problema"},
    "dataset": {"en": "data", "es": "datos"},
    "noise": {"en": "noise", "es": "ruido"},
    "train_ratio": {"en": "training share", "es": "parte de entrenamiento"},
    "n": {"en": "points", "es": "puntos"},
    "seed": {"en": "seed", "es": "semilla"},
    "features": {"en": "features", "es": "entradas"},
    "show_test": {"en": "show test data", "es": "mostrar datos de prueba"},
    "discretize": {"en": "discretize output", "es": "salida discreta"},
    "activation": {"en": "activation", "es": "activación"},
    "init": {"en": "init", "es": "inicialización"},
    "batch_norm": {"en": "batch norm", "es": "batch norm"},
    "dropout": {"en": "dropout", "es": "dropout"},
    "loss": {"en": "loss", "es": "pérdida"},
    "optimizer": {"en": "optimizer", "es": "optimizador"},
    "momentum": {"en": "momentum", "es": "momento"},
    "lr": {"en": "learning rate", "es": "tasa de aprendizaje"},
    "l1": {"en": "L1", "es": "L1"},
    "l2": {"en": "L2", "es": "L2"},
    "batch_size": {"en": "batch size", "es": "tamaño de lote"},
    "patience": {"en": "early stopping", "es": "parada temprana"},
    "off": {"en": "off", "es": "no"},
    "settings text": {"en": "settings", "es": "ajustes"},
    "settings tip": {"en": "Playground.from_settings(text) makes this experiment again; paste one and press Enter",
                     "es": "Playground.from_settings(texto) repite este experimento; pega uno y pulsa Intro"},
    "restarted": {"en": "{what} changed: a new network, started again at epoch 0",
                  "es": "{what} cambió: una red nueva, de nuevo en la época 0"},
    "continued": {"en": "{what} changed at epoch {epoch}: training goes on with the same network",
                  "es": "{what} cambió en la época {epoch}: el entrenamiento sigue con la misma red"},
    "invalid": {"en": "not valid, nothing changed: {error}", "es": "no válido, nada cambió: {error}"},
    "diverged": {"en": "training stopped: {error}", "es": "entrenamiento detenido: {error}"},
    "weight set": {"en": "{name} set to {value} at epoch {epoch}", "es": "{name} vale ahora {value} (época {epoch})"},
    "max layers": {"en": "at most 6 hidden layers and 8 neurons a layer, at least 1 neuron",
                   "es": "como mucho 6 capas ocultas y 8 neuronas por capa, al menos 1 neurona"},
    "graph of": {"en": "graph of", "es": "grafo de"},
    "the loss": {"en": "the loss", "es": "la pérdida"},
    "training point": {"en": "training point", "es": "punto de entrenamiento"},
    "loss graph": {"en": "graph of the loss", "es": "grafo de la pérdida"},
    "selected": {"en": "<b>{name}</b> at training point {sample} ({x1}, {x2}), class {label}, epoch {epoch}: "
                       "output {value} · mean |∂loss/∂w| {gradient}",
                 "es": "<b>{name}</b> en el punto de entrenamiento {sample} ({x1}, {x2}), clase {label}, época "
                       "{epoch}: salida {value} · |∂pérdida/∂w| medio {gradient}"},
    "input selected": {"en": "<b>{name}</b>: an input of the network (its value is the point's {name})",
                       "es": "<b>{name}</b>: una entrada de la red (su valor es el {name} del punto)"},
    "graph hint": {"en": "Its computational graph for this point: step through the forward pass, then the backward "
                         "pass (each edge: local derivative × upstream gradient).",
                   "es": "Su grafo computacional para este punto: avanza por la pasada hacia delante y después hacia "
                         "atrás (cada arista: derivada local × gradiente que llega)."},
    "loss hint": {"en": "The loss of this point, neuron by neuron: {open} drawn value by value, every other neuron "
                        "one box (click a neuron in the picture to open it). Step through the forward pass, then the "
                        "backward pass.",
                  "es": "La pérdida de este punto, neurona a neurona: {open} con todos sus valores, cada otra neurona "
                        "en una caja (haz clic en una neurona del dibujo para abrirla). Avanza por la pasada hacia "
                        "delante y después hacia atrás."},
    "no neuron open": {"en": "no neuron", "es": "ninguna neurona"},
    "too large": {"en": "{error}. Click a neuron in the picture to see its own graph.",
                  "es": "{error}. Haz clic en una neurona del dibujo para ver su propio grafo."},
    "frame": {"en": "step {index} of {count}", "es": "paso {index} de {count}"},
})
"""Every word the widget shows, in English and Spanish (``viz.set_language("es")``)."""

_STYLE = {"description_width": "initial"}
_CSS = """<style>
.pg-widget { --jp-widgets-font-size: 15px; --jp-widgets-inline-height: 30px; --jp-widgets-inline-label-width: auto;
  max-width: 100%; }
.pg-widget .widget-label, .pg-widget .widget-readout, .pg-widget button, .pg-widget select, .pg-widget input {
  font-size: 15px; }
.pg-widget .pg-button { font-size: 17px; font-weight: 600; }
.pg-widget .pg-controls { flex-wrap: wrap; gap: 2px 10px; }
.pg-widget .pg-controls > .widget-inline-hbox, .pg-widget .pg-controls > .widget-dropdown { width: auto; }
.pg-widget .pg-settings-text input { font-family: ui-monospace, monospace; font-size: 12px; color: #334155; }
</style>"""

_VIEW_JS = SHOW_BIG_SCRIPT + """
function render({ model, el }) {
  const view = document.createElement("div");
  view.className = "pg-live";
  el.appendChild(view);
  let updates = 0, hovered = null, editor = null;
  const picked = () => model.get("selected");
  function neuronAt(target) { return target.closest ? target.closest(".pg-neuron") : null; }
  function find(layer, index) {
    return view.querySelector('.pg-neuron[data-layer="' + layer + '"][data-neuron="' + index + '"]');
  }
  function showSelection() {
    const s = picked();
    view.querySelectorAll(".pg-neuron.pg-selected").forEach((n) => n.classList.remove("pg-selected"));
    const neuron = s && s.length === 2 ? find(s[0], s[1]) : null;
    if (neuron) { neuron.classList.add("pg-selected"); }
    showBig(view, hovered ? find(hovered[0], hovered[1]) : neuron);
  }
  let points = null, pointsText = null;  // the data's points: parsed once, moved into each new picture
  function draw() {
    view.innerHTML = model.get("html");
    const holder = view.querySelector(".pg-points");
    if (holder && model.get("points")) {
      if (pointsText !== model.get("points")) {
        pointsText = model.get("points");
        points = document.createElementNS("http://www.w3.org/2000/svg", "g");
        points.innerHTML = pointsText;
      }
      holder.appendChild(points);
    }
    updates += 1;
    el.setAttribute("data-updates", String(updates));
    el.setAttribute("data-version", String(model.get("version")));
    showSelection();
  }
  function update() {  // a frame of numbers while playing: the picture changed in place, not drawn again
    const f = model.get("frame"), pg = view.querySelector(".pg");
    if (!f || f.epoch === undefined || !pg) { return; }
    pg.setAttribute("data-epoch", String(f.epoch));
    view.querySelector(".pg-epoch").textContent = String(f.epoch);
    view.querySelector(".pg-info").innerHTML = f.info;
    const sprite = view.querySelector(".pg-net defs image");
    if (sprite) { sprite.setAttribute("href", f.sprite); }
    view.querySelectorAll(".pg-output-picture, .pg-big").forEach((image) => image.setAttribute("href", f.output));
    view.querySelectorAll(".pg-edge").forEach((edge, k) => {
      edge.setAttribute("data-weight", f.edges[3 * k]);
      edge.setAttribute("stroke-width", f.edges[3 * k + 1]);
      edge.setAttribute("stroke", f.edges[3 * k + 2]);
      const title = edge.querySelector("title");
      if (title) { title.remove(); }  // written again, with the new weight, when the mouse comes
    });
    view.querySelectorAll(".pg-neuron > title").forEach((title, k) => { title.textContent = f.hints[k]; });
    view.querySelectorAll(".pg-grad").forEach((bar, k) => bar.setAttribute("width", f.bars[k]));
    view.querySelectorAll(".pg-grad-text").forEach((text, k) => { text.textContent = f.gradients[k]; });
    const chart = view.querySelector(".pg-loss-chart");
    for (const name of ["train", "test"]) {
      const line = chart.querySelector(".pg-" + name);
      if (line) { line.setAttribute("points", f.loss[name]); }
      chart.querySelector(".pg-" + name + "-value").textContent = f.loss[name + "_value"];
    }
    chart.querySelector(".pg-loss-top").textContent = f.loss.top;
    chart.querySelector(".pg-loss-epochs").textContent = f.loss.epochs;
    view.querySelector(".pg-notes").innerHTML = f.notes;
    updates += 1;
    el.setAttribute("data-updates", String(updates));
    el.setAttribute("data-version", String(model.get("version")));
  }
  function closeEditor() { if (editor) { editor.remove(); editor = null; } }
  function nearestEdge(event) {  // a connection within a few pixels of the click: thin ones are hard to hit
    const svg = view.querySelector(".pg-net");
    if (!svg || !svg.contains(event.target)) { return null; }
    const matrix = svg.getScreenCTM();
    if (!matrix) { return null; }
    const point = svg.createSVGPoint();
    point.x = event.clientX; point.y = event.clientY;
    const local = point.matrixTransform(matrix.inverse());
    for (const path of svg.querySelectorAll(".pg-edge")) {
      const width = path.getAttribute("stroke-width");
      path.setAttribute("stroke-width", "10");
      const hit = path.isPointInStroke(local);
      path.setAttribute("stroke-width", width);
      if (hit) { return path; }
    }
    return null;
  }
  function edgeName(edge) {  // w(source → target), in the picture's words
    const layer = parseInt(edge.getAttribute("data-layer"), 10);
    const source = find(layer - 1, edge.getAttribute("data-input")), target = find(layer, edge.getAttribute("data-neuron"));
    return model.get("weight_word").replace("{source}", source.getAttribute("data-name"))
      .replace("{target}", target.getAttribute("data-name"));
  }
  view.addEventListener("mouseover", (event) => {
    const edge = event.target.closest ? event.target.closest(".pg-edge") : null;
    if (edge && !edge.querySelector("title")) {
      const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
      title.textContent = edgeName(edge) + " = " + Number(edge.getAttribute("data-weight")).toPrecision(4);
      edge.appendChild(title);
    }
    const neuron = neuronAt(event.target);
    if (!neuron) { return; }
    hovered = [neuron.getAttribute("data-layer"), neuron.getAttribute("data-neuron")];
    showSelection();
  });
  view.addEventListener("mouseout", (event) => {
    const neuron = neuronAt(event.target);
    if (!neuron || (event.relatedTarget && neuron.contains(event.relatedTarget))) { return; }
    hovered = null;
    showSelection();
  });
  view.addEventListener("click", (event) => {
    const target = event.target;
    const button = target.closest(".pg-button");
    if (button) {
      const delta = parseInt(button.getAttribute("data-delta"), 10);
      if (button.classList.contains("pg-layers-button")) { model.send({ kind: "layers", delta: delta }); }
      else { model.send({ kind: "neurons", layer: parseInt(button.getAttribute("data-layer"), 10), delta: delta }); }
      return;
    }
    const neuron = neuronAt(target);
    if (neuron) {
      const layer = parseInt(neuron.getAttribute("data-layer"), 10), index = parseInt(neuron.getAttribute("data-neuron"), 10);
      model.set("selected", [layer, index]);
      model.save_changes();
      showSelection();
      return;
    }
    const edge = target.closest(".pg-edge") || nearestEdge(event);
    if (edge) {
      closeEditor();
      editor = document.createElement("div");
      editor.className = "pg-weight-editor";
      editor.style.cssText = "position: fixed; z-index: 1000; background: white; border: 1px solid #64748b; " +
        "padding: 6px 8px; border-radius: 6px; box-shadow: 0 2px 8px rgba(0,0,0,0.25); font-size: 15px;";
      editor.style.left = (event.clientX + 8) + "px";
      editor.style.top = (event.clientY + 8) + "px";
      const label = document.createElement("div");
      label.textContent = edgeName(edge) + " =";
      const input = document.createElement("input");
      input.type = "number"; input.step = "any"; input.style.width = "9em"; input.style.fontSize = "15px";
      input.value = String(Number(edge.getAttribute("data-weight")));
      input.className = "pg-weight-input";
      editor.appendChild(label); editor.appendChild(input);
      document.body.appendChild(editor);
      input.focus(); input.select();
      const layer = parseInt(edge.getAttribute("data-layer"), 10);
      const index = parseInt(edge.getAttribute("data-neuron"), 10);
      const source = parseInt(edge.getAttribute("data-input"), 10);
      input.addEventListener("keydown", (key) => {
        if (key.key === "Enter") {
          const value = Number(input.value);
          if (input.value.trim() !== "" && isFinite(value)) {
            model.send({ kind: "weight", layer: layer, neuron: index, input: source, value: value });
          }
          closeEditor();
        } else if (key.key === "Escape") { closeEditor(); }
      });
      return;
    }
  });
  model.on("change:html", draw);
  model.on("change:points", draw);
  model.on("change:frame", update);
  model.on("change:selected", showSelection);
  draw();
  update();
  return () => closeEditor();
}
export default { render };
"""

_STEPS_JS = """
function render({ model, el }) {
  el.innerHTML = '<div class="pg-steps-bar" style="display:flex; gap:6px; align-items:center; margin:4px 0">' +
    '<button class="pg-steps-first">|◀</button><button class="pg-steps-previous">◀</button>' +
    '<input class="pg-steps-slider" type="range" min="0" step="1" style="flex: 1; max-width: 520px">' +
    '<button class="pg-steps-next">▶</button><button class="pg-steps-last">▶|</button>' +
    '<span class="pg-steps-count" style="font-size: 15px"></span></div>' +
    '<pre class="pg-steps-caption" style="white-space: pre-wrap; padding: 0.4em 0.7em; margin: 0.3em 0; ' +
    'font-size: 15px"></pre>' +
    '<div class="pg-steps-picture" style="max-height: 460px; max-width: 100%; overflow: auto; ' +
    'border: 1px solid #e2e8f0; position: relative"></div>';
  const slider = el.querySelector(".pg-steps-slider"), picture = el.querySelector(".pg-steps-picture");
  const caption = el.querySelector(".pg-steps-caption"), count = el.querySelector(".pg-steps-count");
  const colours = { forward: "#2563eb", backward: "#dc2626", done: "#15803d", failed: "#7f1d1d" };
  function go(index) {
    index = Math.max(0, Math.min(model.get("count") - 1, index));
    model.set("index", index);
    model.save_changes();
  }
  function activeNode() {  // the node the step works on: drawn with its phase's colour and a thick line
    const colour = colours[model.get("phase")];
    for (const node of picture.querySelectorAll("g.node")) {
      for (const shape of node.querySelectorAll("polygon, ellipse, path")) {
        if ((shape.getAttribute("stroke") || "").toLowerCase() === colour &&
            parseFloat(shape.getAttribute("stroke-width") || "1") > 2) { return node; }
      }
    }
    return null;
  }
  function keepInView() {
    const node = activeNode();
    el.setAttribute("data-active", node ? node.querySelector("title").textContent : "");
    if (!node) { return; }
    const box = picture.getBoundingClientRect(), r = node.getBoundingClientRect();
    const left = r.left - box.left + picture.scrollLeft, top = r.top - box.top + picture.scrollTop;
    if (r.left < box.left || r.right > box.right) { picture.scrollLeft = left - (box.width - r.width) / 2; }
    if (r.top < box.top || r.bottom > box.bottom) { picture.scrollTop = top - (box.height - r.height) / 2; }
  }
  function draw() {
    picture.innerHTML = model.get("svg");
    caption.textContent = model.get("caption");
    caption.style.borderLeft = "4px solid " + (colours[model.get("phase")] || "#64748b");
    slider.max = String(Math.max(0, model.get("count") - 1));
    slider.value = String(model.get("index"));
    count.textContent = model.get("counter");
    el.setAttribute("data-index", String(model.get("index")));
    keepInView();
  }
  slider.addEventListener("input", () => go(parseInt(slider.value, 10)));
  el.querySelector(".pg-steps-first").addEventListener("click", () => go(0));
  el.querySelector(".pg-steps-previous").addEventListener("click", () => go(model.get("index") - 1));
  el.querySelector(".pg-steps-next").addEventListener("click", () => go(model.get("index") + 1));
  el.querySelector(".pg-steps-last").addEventListener("click", () => go(model.get("count") - 1));
  model.on("change:svg", draw);
  draw();
}
export default { render };
"""


class PlaygroundView(anywidget.AnyWidget):
    """The picture of a playground, answering the mouse (see the module doc). ``html`` is what it
    shows; ``selected`` the clicked neuron ``[layer, index]`` (``[]``: none); the browser sends
    the clicks on + / − and the edited weights as messages."""

    _esm = _VIEW_JS
    html = traitlets.Unicode("").tag(sync=True)
    version = traitlets.Int(0).tag(sync=True)
    points = traitlets.Unicode("").tag(sync=True)
    """The data's points (SVG), sent when they change: the picture has a place for them."""
    frame = traitlets.Dict({}).tag(sync=True)
    """While playing, what changed since ``html`` (:func:`viz.playground_view.frame`): the browser
    changes the picture in place; ``{}`` when ``html`` is the picture as it is."""
    weight_word = traitlets.Unicode("").tag(sync=True)
    """How a connection is named ("w({source} → {target})"), in the language in use."""
    selected = traitlets.List([]).tag(sync=True)


class StepThrough(anywidget.AnyWidget):
    """The step-through of one computational graph: buttons, a slider, the caption and the frame,
    in a box that scrolls so that the node of the step stays in view. Frames are drawn when
    first shown. ``frames`` is the list of :class:`viz.Frame`."""

    _esm = _STEPS_JS
    index = traitlets.Int(0).tag(sync=True)
    count = traitlets.Int(0).tag(sync=True)
    svg = traitlets.Unicode("").tag(sync=True)
    caption = traitlets.Unicode("").tag(sync=True)
    phase = traitlets.Unicode("").tag(sync=True)
    counter = traitlets.Unicode("").tag(sync=True)

    def __init__(self, frames: list, backend: str = "auto", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.frames, self._backend, self._svgs = frames, pick_backend(backend), {}
        self.count = len(frames)
        self.observe(lambda change: self._show(change["new"]), names="index")
        self._show(len(frames) - 1)

    def _show(self, index: int) -> None:
        index = max(0, min(len(self.frames) - 1, index))
        if index not in self._svgs:
            text = render_source(self.frames[index].source, "svg", self._backend).decode("utf-8")
            self._svgs[index] = text[text.find("<svg"):]
        frame = self.frames[index]
        with self.hold_sync():
            self.index, self.caption, self.phase = index, frame.caption, frame.phase
            self.counter = WORDS("frame", index=index + 1, count=len(self.frames))
            self.svg = self._svgs[index]


OFF = "off"
"""What a menu holds for a setting that is None (ipywidgets reads a None value as "nothing chosen")."""


def _options(choices: tuple, value: Any) -> list:
    """A menu's choices with the playground's own value among them (never replaced by a near one)."""
    values = list(choices) + ([value] if value not in choices else [])
    ordered = sorted(v for v in values if v is not None)
    return ([(WORDS("off"), OFF)] if None in values else []) + [
        (f"{v:g}" if isinstance(v, float) else str(v), v) for v in ordered]


def _shown(value: Any) -> Any:
    return OFF if value is None else value


class PlaygroundWidget(widgets.VBox):
    """The controls, the picture and the graph of one playground (``self.playground``)."""

    def __init__(self, playground: Any, *, redraw_every: float = 0.08) -> None:
        self.playground = playground
        self.redraw_every = redraw_every
        self._thread: threading.Thread | None = None
        self._drawing = threading.RLock()  # one drawing at a time: the watcher or the training thread
        self._pending: dict[str, Any] = {}
        self._invalid: str | None = None
        self._syncing = False
        self.sample = 0
        s = playground.settings

        def button(kind: type, name: str, words: str, tip: str, width: str) -> Any:
            made = kind(description=WORDS(words), tooltip=WORDS(tip), layout=widgets.Layout(width=width, height="40px"))
            made.add_class(name)
            made.add_class("pg-button")
            return made

        self.play_button = button(widgets.ToggleButton, "pg-play", "play", "play tip", "130px")
        self.step_button = button(widgets.Button, "pg-step", "step", "step tip", "90px")
        self.reset_button = button(widgets.Button, "pg-reset", "reset", "reset tip", "100px")
        self.regenerate_button = button(widgets.Button, "pg-regenerate", "regenerate", "regenerate tip", "130px")
        self.counter = widgets.HTML()
        self.counter.add_class("pg-counter")
        self.message = widgets.HTML()
        self.message.add_class("pg-message")

        self.controls: dict[str, widgets.Widget] = {
            "problem": widgets.Dropdown(options=PROBLEMS),
            "dataset": widgets.Dropdown(options=DATASETS[s["problem"]]),
            "noise": widgets.SelectionSlider(options=_options(NOISES, s["noise"]), continuous_update=False),
            "train_ratio": widgets.SelectionSlider(options=_options(TRAIN_RATIOS, s["train_ratio"]),
                                                   continuous_update=False),
            "n": widgets.Dropdown(options=_options(POINTS, s["n"])),
            "seed": widgets.BoundedIntText(min=SETTINGS["seed"].low, max=SETTINGS["seed"].high,
                                           layout=widgets.Layout(width="170px")),
            "show_test": widgets.Checkbox(indent=False),
            "discretize": widgets.Checkbox(indent=False),
            "activation": widgets.Dropdown(options=playground.CHOICES["activation"]),
            "init": widgets.Dropdown(options=_init_choices()),
            "batch_norm": widgets.Checkbox(indent=False),
            "dropout": widgets.Dropdown(options=_options(DROPOUTS, s["dropout"])),
            "loss": widgets.Dropdown(options=LOSSES[s["problem"]]),
            "optimizer": widgets.Dropdown(options=OPTIMIZERS),
            "momentum": widgets.Dropdown(options=_options(MOMENTA, s["momentum"])),
            "lr": widgets.Dropdown(options=_options(LEARNING_RATES, s["lr"])),
            "l1": widgets.Dropdown(options=_options(REGULARIZATION_RATES, s["l1"])),
            "l2": widgets.Dropdown(options=_options(REGULARIZATION_RATES, s["l2"])),
            "batch_size": widgets.SelectionSlider(options=_options(BATCH_SIZES, s["batch_size"]),
                                                  continuous_update=False),
            "patience": widgets.Dropdown(options=_options(PATIENCES, s["patience"])),
        }
        for name, control in self.controls.items():
            control.description = WORDS(name)
            control.style = _STYLE
            control.layout.width = control.layout.width or (
                "300px" if isinstance(control, widgets.SelectionSlider) else "auto")
            control.add_class(f"pg-{name.replace('_', '-')}")
        self.feature_buttons = {name: widgets.ToggleButton(description=name, layout=widgets.Layout(width="82px"))
                                for name in playground.CHOICES["features"]}
        for name, feature in self.feature_buttons.items():
            feature.add_class("pg-feature")
        self.settings_text = widgets.Text(description=WORDS("settings text"), tooltip=WORDS("settings tip"),
                                          style=_STYLE, continuous_update=False,
                                          layout=widgets.Layout(width="100%"))
        self.settings_text.add_class("pg-settings-text")

        self.view = PlaygroundView(weight_word=VIEW_WORDS("weight", source="{source}", target="{target}",
                                                          value="").rsplit(" =", 1)[0])
        self.view.add_class("pg-view")
        self.view.on_msg(self._on_message)
        self.view.observe(lambda change: self._on_select(), names="selected")

        self.sample_choice = widgets.BoundedIntText(value=0, min=0, description=WORDS("training point"),
                                                    style=_STYLE, layout=widgets.Layout(width="200px"))
        self.sample_choice.add_class("pg-sample")
        self.loss_graph_button = widgets.Button(description=WORDS("loss graph"), layout=widgets.Layout(height="36px"))
        self.loss_graph_button.add_class("pg-loss-graph")
        self.selection = widgets.HTML()
        self.selection.add_class("pg-selection")
        self.graph_area = widgets.VBox()
        self.graph_area.add_class("pg-graph-area")

        self._sync_controls()
        for name, control in self.controls.items():
            control.observe(lambda change, name=name: self._on_control(name, change["new"]), names="value")
        for feature in self.feature_buttons.values():
            feature.observe(lambda change: self._on_control("features", self._features()), names="value")
        self.settings_text.observe(lambda change: self._on_settings_text(change["new"]), names="value")
        self.play_button.observe(self._on_play, names="value")
        self.step_button.on_click(lambda _: self.step())
        self.reset_button.on_click(lambda _: self.reset())
        self.regenerate_button.on_click(lambda _: self.regenerate())
        self.sample_choice.observe(lambda change: self._on_sample(change["new"]), names="value")
        self.loss_graph_button.on_click(lambda _: self.show_graph("loss"))

        c = self.controls

        def row(*children: widgets.Widget) -> widgets.HBox:
            box = widgets.HBox(list(children))
            box.add_class("pg-controls")
            return box

        self._feature_row = row(widgets.HTML(f"<b>{WORDS('features')}</b>&nbsp;"), *self.feature_buttons.values())
        super().__init__([
            widgets.HTML(_CSS),
            row(self.play_button, self.step_button, self.reset_button, self.regenerate_button, self.counter),
            row(c["problem"], c["dataset"], c["noise"], c["train_ratio"], c["n"], c["seed"]),
            self._feature_row,
            row(c["activation"], c["init"], c["batch_norm"], c["dropout"], c["show_test"], c["discretize"]),
            row(c["loss"], c["optimizer"], c["momentum"], c["lr"], c["l1"], c["l2"], c["batch_size"], c["patience"]),
            self.message, self.settings_text, self.view,
            row(self.selection), row(self.sample_choice, self.loss_graph_button), self.graph_area,
        ])
        self.add_class("pg-widget")
        self._shown_version = -1
        self._points_key: Any = None
        self._frame_key: Any = None
        self.redraw()
        self._watcher = threading.Thread(target=_watch, args=(weakref.ref(self),), name="playground-view", daemon=True)
        self._watcher.start()

    # -- showing ---------------------------------------------------------------------------------

    def redraw(self) -> float:
        """Draw the playground as it is now; returns the seconds it took. The watcher and the
        training thread may both want to draw at the moment play starts: they take turns."""
        with self._drawing:
            return self._redraw()

    def _redraw(self) -> float:
        started = time.perf_counter()
        pg = self.playground
        playing = self.play_button.value
        picture = snapshot(pg, resolution=PLAYING_RESOLUTION if playing else RESOLUTION)
        if picture["settings"] != self._shown_settings:  # changed from code (configure, a loaded file)
            self._sync_controls()
        selected = tuple(self.view.selected) if len(self.view.selected) == 2 else None
        key = (id(pg.X_train), pg.settings["show_test"])  # the points change with the data only
        if key != self._points_key:
            self._points_key, self._points = key, points_svg(picture, BOUNDARY_SIZE)
        points = self._points
        options = {"interactive": "hidden" not in pg.settings["hide"], "selected": selected, "invalid": self._invalid}
        key = frame_key(picture, **options)
        in_place = playing and key == self._frame_key  # the same picture with other numbers: change them in place
        html_text = None if in_place else picture_html(picture, points="", **options)
        self._frame_key = key
        state = "stopped" if picture["stopped"] else "playing" if playing else "paused"
        train, test = picture["train_loss"], picture["test_loss"]
        loss = (f" · {WORDS('train loss')} <span class='pg-train-loss'>{train[-1]:.4f}</span> · {WORDS('test loss')} "
                f"<span class='pg-test-loss'>{test[-1]:.4f}</span>" if train else "")
        with self.hold_sync():
            self.counter.value = (f"<div style='font-size: 22px; padding: 4px 10px'>{WORDS('epoch')} "
                                  f"<b class='pg-epoch-counter'>{picture['epoch']}</b> <span style='color:#64748b; "
                                  f"font-size: 16px'>({WORDS(state)}){loss}</span></div>")
            if self.view.points != points:
                self.view.points = points
            if in_place:
                self.view.frame = frame(picture)
            else:
                self.view.html, self.view.frame = html_text, {}
            self.view.version = picture["version"]
        self._shown_version = picture["version"]
        return time.perf_counter() - started

    def _sync_controls(self) -> None:
        """Every control shows the playground's setting (and offers it), without acting on it."""
        s = self.playground.settings
        self._shown_settings = dict(s)
        self._syncing = True
        try:
            c = self.controls
            c["dataset"].options = DATASETS[s["problem"]]
            c["loss"].options = LOSSES[s["problem"]]
            menus = {"noise": NOISES, "train_ratio": TRAIN_RATIOS, "n": POINTS, "dropout": DROPOUTS,
                     "momentum": MOMENTA, "lr": LEARNING_RATES, "l1": REGULARIZATION_RATES,
                     "l2": REGULARIZATION_RATES, "batch_size": BATCH_SIZES, "patience": PATIENCES}
            for name, choices in menus.items():
                options = _options(choices, s[name])
                if list(c[name].options) != options:
                    c[name].options = options
            for name, control in c.items():
                if control.value != _shown(s[name]):
                    control.value = _shown(s[name])
            for name, feature in self.feature_buttons.items():
                feature.value = name in s["features"]
            c["momentum"].disabled = s["optimizer"] not in ("sgd", "nesterov")
            hidden = set(s["hide"])
            for name, control in c.items():
                control.layout.display = "none" if name in hidden else None
            if hasattr(self, "_feature_row"):
                self._feature_row.layout.display = "none" if "features" in hidden else None
            self.settings_text.value = self.playground.settings_text()
            self.sample_choice.max = len(self.playground.X_train) - 1
        finally:
            self._syncing = False

    def _features(self) -> list[str]:
        return [name for name, feature in self.feature_buttons.items() if feature.value]

    # -- actions -------------------------------------------------------------------------------

    def step(self, epochs: int = 1) -> None:
        """Train ``epochs`` epochs and redraw."""
        if self._invalid:
            return
        try:
            self.playground.step(epochs)
        except (OverflowError, FloatingPointError, ZeroDivisionError) as error:
            self._say(WORDS("diverged", error=shown(error)), error=True)
        self.redraw()

    def reset(self) -> None:
        """Pause, go back to epoch 0 and redraw."""
        self.pause()
        self.playground.reset()
        self.graph_area.children = []
        self.redraw()

    def regenerate(self) -> None:
        """New data: the next seed (TensorFlow Playground's "regenerate")."""
        self._apply({"seed": (self.playground.settings["seed"] + 1) % (SETTINGS["seed"].high + 1)})

    def pause(self) -> None:
        """Stop playing and wait for the training thread to finish its epoch."""
        self.play_button.value = False
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def _on_play(self, change: dict) -> None:
        self.play_button.description = WORDS("pause") if change["new"] else WORDS("play")
        if change["new"] and (self._thread is None or not self._thread.is_alive()):
            self._thread = threading.Thread(target=self._train, name="playground", daemon=True)
            self._thread.start()

    def _train(self) -> None:
        """Train until paused; this thread also draws, every ``redraw_every`` seconds, between two
        epochs (one thread doing both runs faster than two taking turns at Python's lock), and
        never spends more than 40 % of its time drawing."""
        due = 0.0
        try:
            while self.play_button.value and not self.playground.stopped and not self._invalid:
                self.playground.step(1)
                now = time.perf_counter()
                if now >= due:  # keep the cadence (a late drawing does not push the next ones back), but
                    took = self.redraw()  # never spend more than 40 % of the time drawing
                    due = max(due + self.redraw_every, now + 2.5 * took)
        except (OverflowError, FloatingPointError, ZeroDivisionError) as error:  # shown, never lost in a thread
            self._say(WORDS("diverged", error=shown(error)), error=True)
        except Exception as error:
            self._say(WORDS("diverged", error=f"{type(error).__name__}: {error}"), error=True)
        finally:
            self.play_button.value = False
            self._shown_version = -1  # the counter says "paused" now, the picture is drawn finely again

    def _say(self, text: str, error: bool = False) -> None:
        colour = "#b91c1c" if error else "#0f766e"
        self.message.value = f"<div style='color:{colour}; font-size: 16px; font-weight: 600'>{html.escape(text)}</div>"

    # -- settings ------------------------------------------------------------------------------

    def _on_control(self, name: str, value: Any) -> None:
        if self._syncing:
            return
        self._apply({name: None if value == OFF else value})

    def _on_settings_text(self, text: str) -> None:
        if self._syncing or text == self.playground.settings_text():
            return
        try:
            settings = check_settings(parse_settings(text))  # every setting: those left out take their defaults
        except (TypeError, ValueError) as error:
            self._say(WORDS("invalid", error=shown(error)), error=True)
            return
        self._apply(settings, replace=True)

    def _apply(self, changes: dict[str, Any], replace: bool = False) -> None:
        """Apply the user's change (with any earlier change that was not valid yet); on an error
        nothing changes, play and step wait, and the picture says why."""
        pending = dict(changes) if replace else {**self._pending, **changes}
        before = dict(self.playground.settings)
        try:
            restarted = self.playground.configure(**pending)
        except (TypeError, ValueError) as error:
            self._pending, self._invalid = pending, str(error)
            self._say(WORDS("invalid", error=shown(error)), error=True)
            self.step_button.disabled = True
            if self.play_button.value:
                self.play_button.value = False
            self.play_button.disabled = True
            self.redraw()
            return
        self._pending, self._invalid = {}, None
        self.play_button.disabled = self.step_button.disabled = False
        changed = [k for k in self.playground.settings if self.playground.settings[k] != before[k]]
        what = ", ".join(WORDS(k) for k in changed if k in WORDS) or "–"
        if restarted:
            self._say(WORDS("restarted", what=what))
            self.graph_area.children = []
            self.selection.value = ""
            self.view.selected = []
        elif changed and set(changed) - {"show_test", "discretize", "hide"}:
            self._say(WORDS("continued", what=what, epoch=self.playground.epoch))
        else:
            self.message.value = ""
        self._sync_controls()
        self.redraw()

    def _on_message(self, widget: Any, content: dict, buffers: list) -> None:
        kind = content.get("kind")
        hidden = list(self.playground.settings["hidden"])
        if kind == "neurons":
            layer, delta = content["layer"], content["delta"]
            if 1 <= layer <= len(hidden) and 1 <= hidden[layer - 1] + delta <= MAX_NEURONS:
                hidden[layer - 1] += delta
                self._apply({"hidden": hidden})
            else:
                self._say(WORDS("max layers"), error=True)
        elif kind == "layers":
            if content["delta"] > 0 and len(hidden) < MAX_LAYERS:
                self._apply({"hidden": hidden + [2]})  # TensorFlow Playground adds a layer of two
            elif content["delta"] < 0 and hidden:
                self._apply({"hidden": hidden[:-1]})
            else:
                self._say(WORDS("max layers"), error=True)
        elif kind == "weight":
            pg = self.playground
            try:
                pg.set_weight(content["layer"], content["neuron"], content["input"], content["value"])
            except (TypeError, ValueError) as error:
                self._say(shown(error), error=True)
                return
            name = f"w({pg.neuron_name(content['layer'] - 1, content['input'])} → " \
                   f"{pg.neuron_name(content['layer'], content['neuron'])})"
            self._say(WORDS("weight set", name=name, value=f"{content['value']:g}", epoch=pg.epoch))
            if len(self.view.selected) == 2:
                self._on_select()

    # -- the graph -----------------------------------------------------------------------------

    def _on_sample(self, sample: int) -> None:
        self.sample = sample
        if len(self.view.selected) == 2:
            self._on_select()

    def _on_select(self) -> None:
        """A neuron was clicked: say what it is, and show its graph for the chosen training point."""
        if len(self.view.selected) != 2:
            return
        layer, index = self.view.selected
        pg = self.playground
        with pg.lock:
            if not (0 <= layer < len(pg.layer_sizes) and 0 <= index < pg.layer_sizes[layer]):
                return
            name = pg.neuron_name(layer, index)
            if layer == 0:
                self.selection.value = f"<div style='font-size: 17px'>{WORDS('input selected', name=html.escape(name))}</div>"
                self.graph_area.children = []
                return
            sample = min(self.sample, len(pg.X_train) - 1)
            value = pg.neuron_outputs([pg.X_train[sample]])[layer][index][0]
            gradients = pg.neuron_gradients()
            x1, x2 = pg.X_train[sample]
            label = pg.y_train[sample]
        self.selection.value = ("<div style='font-size: 17px'>" + WORDS(
            "selected", name=html.escape(name), sample=sample, x1=f"{x1:.2f}", x2=f"{x2:.2f}",
            label=f"{label:.3g}" if pg.regression else label, epoch=pg.epoch, value=f"{value:.4g}",
            gradient=f"{gradients[layer - 1][index]:.3g}") + "</div>")
        self.show_graph((layer, index))

    def show_graph(self, neuron: Any = "loss") -> None:
        """The step-through of ``neuron``'s own graph (its inputs as leaves) or of the loss's
        graph by neurons (the selected neuron drawn value by value, every other one collapsed),
        for the chosen training point, open on its last frame. Drawn in the compact style, so that
        it reads at its natural size in a notebook's column."""
        pg = self.playground
        with pg.lock:
            root, params = pg.graph(neuron, self.sample, inputs="network" if neuron == "loss" else "neuron")
            by_neurons: dict[str, Any] = {}
            # top to bottom is narrower for a few inputs, left to right (the inputs one under the other) for more
            rankdir = "TB" if neuron == "loss" or pg.layer_sizes[neuron[0] - 1] <= 3 else "LR"
            if neuron == "loss":
                layer, index = self.view.selected if len(self.view.selected) == 2 else (0, 0)
                opened = [pg.neuron_name(layer, index)] if 1 <= layer < len(pg.layer_sizes) else []
                by_neurons = {"groups": pg.neuron_groups(), "collapse": "neuron", "expand": opened}
        words = (WORDS("loss hint", open=", ".join(by_neurons["expand"]) or WORDS("no neuron open")) if by_neurons
                 else WORDS("graph hint"))
        hint = widgets.HTML(f"<div style='font-size: 16px; margin-top: 4px'>{html.escape(words)}</div>")
        try:
            frames = pinned_frames(root, params=params, rankdir=rankdir, style="compact", **by_neurons)
        except GraphTooLargeError as error:
            self.graph_area.children = [widgets.HTML(f"<b>{html.escape(WORDS('too large', error=str(error)))}</b>")]
            return
        steps = StepThrough(frames)
        steps.add_class("pg-steps")
        self.graph_area.children = [hint, steps]


def _init_choices() -> tuple:
    import nn

    return tuple(nn.init.INITS)


def _watch(reference: Any) -> None:
    """Redraw the widget whenever its playground has changed (at most every ``redraw_every``
    seconds), until the widget is gone or closed."""
    while True:
        widget = reference()
        if widget is None or widget.comm is None:
            return
        wait = widget.redraw_every
        playing = widget._thread is not None and widget._thread.is_alive()  # then the training thread draws
        try:
            if not playing and widget.playground.version != widget._shown_version:
                took = widget.redraw()
                wait = max(wait - took, 0.2 * took, 0.005)
        except Exception:  # never let the drawing thread die: the next change draws again
            wait = 0.5
        del widget
        time.sleep(wait)
