"""What a :class:`viz.Playground` looks like: one HTML fragment (inline SVG) per moment of a run.

:func:`snapshot` reads everything a picture needs from a playground (at its current epoch or at
a recorded one); :func:`render` draws it as TensorFlow Playground does: the network from the
features on the left to the output on the right, each neuron a small heatmap of its own output
over the input plane (orange negative, blue positive), each connection coloured by its weight's
sign and as thick as its size; beside it the decision boundary with the training points (white
rim) and test points (black rim), and the train and test loss per epoch. Then what TensorFlow
Playground cannot show: under each neuron its mean |gradient| (a bar on a log scale), dead ReLUs
crossed out in red, and the optimizer's state.

:func:`export_html` writes one offline page replaying a recorded run with a slider: every frame
is such a fragment, the points drawn once and shared.
"""

from __future__ import annotations

import base64
import html
import math
import struct
import zlib
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from valuegraph.files import write_atomic

from .html import json_for_script

__all__ = ["snapshot", "render", "export_html", "page", "RESOLUTION"]

RESOLUTION = 48
"""Grid points per side of the decision boundary; each neuron's heatmap uses every other one
(24 × 24). The browser smooths the pictures when it scales them up."""

BOUNDARY_SIZE = 340
"""Side of the decision-boundary picture, in pixels."""

NEGATIVE = np.array([245, 147, 34], dtype=float)   # TensorFlow Playground's orange
MIDDLE = np.array([232, 234, 235], dtype=float)
POSITIVE = np.array([8, 119, 189], dtype=float)    # and its blue
_ORANGE, _BLUE = "#f59322", "#0877bd"


def snapshot(playground: Any, epoch: int | None = None, *, resolution: int = RESOLUTION) -> dict[str, Any]:
    """Everything the picture of ``playground`` at ``epoch`` (default: now) shows, as plain data."""
    current = epoch is None or epoch == playground.epoch
    weights = None if current else playground.weights[epoch]
    epoch = playground.epoch if epoch is None else epoch
    state = playground.model.state_dict() if weights is None else weights
    settings = playground.settings
    sizes = playground.layer_sizes
    records = playground.history.epochs[:epoch]
    return {
        "epoch": epoch, "sizes": sizes, "features": list(settings["features"]), "extent": playground.extent,
        "settings": settings, "resolution": resolution,
        "outputs": playground.neuron_outputs(playground.grid(resolution), weights),
        "weights": [[[state[f"layers.{i}.neurons.{j}.w.{k}"] for k in range(sizes[i])] for j in range(sizes[i + 1])]
                    for i in range(len(sizes) - 1)],
        "gradients": playground.neuron_gradients(weights),
        "dead": playground.dead_neurons(weights),
        "train_loss": [r.train_loss for r in records], "test_loss": [r.val_loss for r in records],
        "train_acc": records[-1].train_acc if records else None, "test_acc": records[-1].val_acc if records else None,
        "optimizer": playground.optimizer_state() if current else None,
        "stopped": playground.stopped and current,
        "train": (playground.X_train, playground.y_train), "test": (playground.X_test, playground.y_test),
    }


# -- pixels ---------------------------------------------------------------------------------------

def _colours(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] as RGB: orange (-1), light grey (0), blue (+1)."""
    t = np.clip(values, -1.0, 1.0)[..., None]
    rgb = np.where(t < 0, MIDDLE + (NEGATIVE - MIDDLE) * -t, MIDDLE + (POSITIVE - MIDDLE) * t)
    return rgb.round().astype(np.uint8)


def _png(rgb: np.ndarray) -> str:
    """An RGB array (height, width, 3) as a PNG data URI."""
    height, width, _ = rgb.shape
    raw = b"".join(b"\0" + rgb[row].tobytes() for row in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _heatmap(values: Sequence[float], resolution: int, scale: float | None = None) -> str:
    """A neuron's outputs over the grid (every other point) as a PNG, divided by ``scale`` (default: the largest
    |value| when it is above 1, so a ReLU's pattern shows; tanh stays on [-1, 1])."""
    array = np.asarray(values, dtype=float).reshape(resolution, resolution)[::2, ::2]
    if scale is None:
        scale = max(1.0, float(np.abs(array).max()))
    return _png(_colours(array / scale))


def output_score(values: Sequence[float], loss: str) -> np.ndarray:
    """The network's output read as a class score in [-1, 1] (+1: surely class 1), as the loss reads it."""
    z = np.asarray(values, dtype=float)
    if loss == "bce_with_logits":
        return 2.0 / (1.0 + np.exp(-np.clip(z, -60, 60))) - 1.0
    if loss == "mse":
        return np.clip(2.0 * z - 1.0, -1.0, 1.0)
    return np.clip(z, -1.0, 1.0)


# -- the picture ----------------------------------------------------------------------------------

_CSS = """
.pg { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1e293b; font-size: 17px; }
.pg .pg-head { font-size: 22px; margin: 4px 0 8px 0; }
.pg .pg-head b { font-size: 26px; }
.pg .pg-row { display: flex; gap: 18px; align-items: flex-start; }
.pg .pg-side { display: flex; flex-direction: column; gap: 6px; }
.pg svg text { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
.pg .pg-opt { font-size: 16px; margin-top: 6px; color: #334155; }
"""


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.3f}" if 1e-3 <= abs(x) < 1e4 else f"{x:.1e}" if x else "0"


def _network_svg(s: Mapping[str, Any]) -> str:
    sizes, outputs, weights = s["sizes"], s["outputs"], s["weights"]
    gradients, dead, resolution = s["gradients"], s["dead"], s["resolution"]
    box, column, row, top = 58, 175, 100, 58
    height = top + max(sizes) * row + 10
    width = 96 + column * (len(sizes) - 1) + box + 20
    x_of = [96 + column * i for i in range(len(sizes))]

    def y_of(layer: int, index: int) -> float:
        return top + (max(sizes) - sizes[layer]) * row / 2 + index * row

    top_gradient = max([g for layer in gradients for g in layer] + [1e-12])
    parts = [f'<svg class="pg-net" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'xmlns="http://www.w3.org/2000/svg">']
    titles = ["features", *[f"{n} neuron{'s' * (n > 1)}" for n in sizes[1:-1]], "output"]
    for i, title in enumerate(titles):
        parts.append(f'<text x="{x_of[i] + box / 2}" y="22" text-anchor="middle" font-size="16" '
                     f'font-weight="600">{html.escape(title)}</text>')
    biggest = max([abs(w) for layer in weights for neuron in layer for w in neuron] + [1e-12])
    for i, layer in enumerate(weights):  # connections under the neurons
        for j, neuron in enumerate(layer):
            for k, w in enumerate(neuron):
                x0, y0 = x_of[i] + box, y_of(i, k) + box / 2
                x1, y1 = x_of[i + 1], y_of(i + 1, j) + box / 2
                width_px = 0.5 + 7.0 * min(abs(w) / max(biggest, 1.0), 1.0)
                colour = _BLUE if w >= 0 else _ORANGE
                mid = (x0 + x1) / 2
                parts.append(f'<path d="M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f}" '
                             f'fill="none" stroke="{colour}" stroke-width="{width_px:.2f}" stroke-opacity="0.8">'
                             f'<title>w = {w:.4g}</title></path>')
    for i, size in enumerate(sizes):
        for j in range(size):
            x, y = x_of[i], y_of(i, j)
            picture = _heatmap(outputs[i][j], resolution) if i < len(sizes) - 1 else _heatmap(
                output_score(outputs[i][j], s["settings"]["loss"]), resolution, 1.0)
            is_dead = 0 < i < len(sizes) - 1 and dead[i - 1][j]
            name = s["features"][j] if i == 0 else ("output" if i == len(sizes) - 1 else f"layer {i}, neuron {j + 1}")
            dead_mark = ' data-dead="1"' if is_dead else ""
            parts.append(f'<g class="pg-neuron" data-layer="{i}" data-neuron="{j}"{dead_mark}>'
                         f'<title>{html.escape(name)}</title>'
                         f'<image href="{picture}" x="{x}" y="{y}" width="{box}" height="{box}" preserveAspectRatio="none"/>'
                         f'<rect x="{x}" y="{y}" width="{box}" height="{box}" fill="none" '
                         f'stroke="{"#dc2626" if is_dead else "#475569"}" stroke-width="{3 if is_dead else 1}"/>')
            if is_dead:
                parts.append(f'<path d="M{x},{y} L{x + box},{y + box} M{x + box},{y} L{x},{y + box}" stroke="#dc2626" '
                             f'stroke-width="3"/>')
            if i == 0:
                parts.append(f'<text x="{x - 8}" y="{y + box / 2 + 6}" text-anchor="end" font-size="17">'
                             f'{html.escape(name)}</text>')
            else:
                g = gradients[i - 1][j]
                text_style = 'fill="#dc2626" font-weight="700"' if is_dead else 'fill="#6d28d9"'
                fraction = 0.0 if g <= 0 else max(0.0, 1.0 + math.log10(g / top_gradient) / 6)  # 6 decades
                parts.append(f'<rect x="{x}" y="{y + box + 4}" width="{box}" height="6" fill="#e2e8f0"/>'
                             f'<rect class="pg-grad" x="{x}" y="{y + box + 4}" width="{box * fraction:.1f}" height="6" '
                             f'fill="#7c3aed"/><text x="{x + box / 2}" y="{y + box + 25}" text-anchor="middle" '
                             f'font-size="14" {text_style}>{"dead" if is_dead else _fmt(g)}</text>')
            parts.append("</g>")
    parts.append(f'<text x="8" y="{height - 6}" font-size="14" fill="#6d28d9">purple: mean |∂loss/∂w| per neuron '
                 f'(bar: log scale, 6 decades)</text>' if len(sizes) > 1 else "")
    parts.append("</svg>")
    return "".join(parts)


def points_svg(s: Mapping[str, Any], size: int) -> str:
    """The training points (white rim) and test points (black rim) on a ``size``-pixel plane."""
    e = s["extent"]
    parts = []
    for (X, y), rim in ((s["train"], "white"), (s["test"], "black")):  # noqa: N806
        for (a, b), label in zip(X, y):
            px, py = (a + e) / (2 * e) * size, (e - b) / (2 * e) * size
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.6" fill="{_BLUE if label else _ORANGE}" '
                         f'stroke="{rim}" stroke-width="1"/>')
    return "".join(parts)


def _boundary_svg(s: Mapping[str, Any], size: int, points: str) -> str:
    score = output_score(s["outputs"][-1][0], s["settings"]["loss"])
    picture = _png(_colours(score.reshape(s["resolution"], s["resolution"])))
    e = s["extent"]
    ticks = "".join(f'<text x="{(t + e) / (2 * e) * size:.0f}" y="{size + 18}" text-anchor="middle" font-size="14">'
                    f'{t:g}</text>' for t in (-e, 0, e))
    return (f'<svg class="pg-boundary" width="{size + 40}" height="{size + 26}" xmlns="http://www.w3.org/2000/svg">'
            f'<g transform="translate(20, 2)">'
            f'<image href="{picture}" x="0" y="0" width="{size}" height="{size}" preserveAspectRatio="none"/>'
            f'<rect x="0" y="0" width="{size}" height="{size}" fill="none" stroke="#475569"/>'
            f'{points}{ticks}</g></svg>')


def _loss_svg(s: Mapping[str, Any], width: int, height: int) -> str:
    train, test = s["train_loss"], s["test_loss"]
    left, bottom = 52, 26
    inner_w, inner_h = width - left - 10, height - bottom - 30
    values = [v for v in train + test if v is not None and math.isfinite(v)]
    top = max(values + [1e-9]) * 1.05
    count = max(len(train), 2)

    def line(column: list, colour: str, name: str) -> str:
        if not column:
            return ""
        points = " ".join(f"{left + inner_w * i / (count - 1):.1f},{30 + inner_h * (1 - min(v, top) / top):.1f}"
                          for i, v in enumerate(column))
        return f'<polyline class="pg-{name}" points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"/>'

    return (f'<svg class="pg-loss" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<text x="4" y="20" font-size="17"><tspan fill="#2563eb" font-weight="600">train loss '
            f'<tspan class="pg-train-value">{_fmt(train[-1] if train else None)}</tspan></tspan>'
            f'<tspan dx="14" fill="#dc2626" font-weight="600">test loss '
            f'<tspan class="pg-test-value">{_fmt(test[-1] if test else None)}</tspan></tspan></text>'
            f'<rect x="{left}" y="30" width="{inner_w}" height="{inner_h}" fill="#f8fafc" stroke="#cbd5e1"/>'
            f'<text x="{left - 6}" y="36" text-anchor="end" font-size="13">{_fmt(top)}</text>'
            f'<text x="{left - 6}" y="{30 + inner_h}" text-anchor="end" font-size="13">0</text>'
            f'<text x="{left + inner_w}" y="{height - 6}" text-anchor="end" font-size="13">epoch {len(train)}</text>'
            f'{line(train, "#2563eb", "train")}{line(test, "#dc2626", "test")}</svg>')


def _optimizer_text(state: Mapping[str, Any] | None) -> str:
    if not state:
        return ""
    parts = [f"<b>{html.escape(state['optimizer'])}</b>", f"{state['steps']} steps", f"lr {state['lr']:g}"]
    parts += [f"RMS {html.escape(key)} {_fmt(value)}" for key, value in state.items()
              if key not in ("optimizer", "steps", "lr")]
    return f'<div class="pg-opt">optimizer state: {" · ".join(parts)}</div>'


def render(s: Mapping[str, Any], *, points: str | None = None, boundary_size: int = BOUNDARY_SIZE) -> str:
    """The picture of snapshot ``s`` as one HTML fragment (inline SVG, no script). ``points``
    replaces the points' SVG (the replay page draws them once and refers to them)."""
    if points is None:
        points = points_svg(s, boundary_size)
    accuracy = (f" · accuracy train {s['train_acc']:.0%} test {s['test_acc']:.0%}"
                if s["train_acc"] is not None and s["test_acc"] is not None else "")
    stopped = " · <span style='color:#b45309'>stopped early (best epoch restored)</span>" if s["stopped"] else ""
    return (f'<div class="pg" data-epoch="{s["epoch"]}"><style>{_CSS}</style>'
            f'<div class="pg-head">Epoch <b class="pg-epoch">{s["epoch"]}</b>{accuracy}{stopped}</div>'
            f'<div class="pg-row"><div>{_network_svg(s)}</div>'
            f'<div class="pg-side">{_boundary_svg(s, boundary_size, points)}{_loss_svg(s, boundary_size + 40, 190)}</div></div>'
            f'{_optimizer_text(s["optimizer"])}</div>')


# -- the replay page ------------------------------------------------------------------------------

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("frames").textContent);
  var view = document.getElementById("view"), slider = document.getElementById("slider");
  var playButton = document.getElementById("play"), timer = null, current = 0;
  function show(i) {
    current = Math.max(0, Math.min(data.frames.length - 1, i));
    view.innerHTML = data.frames[current].replace("<!--points-->", data.points);
    slider.value = String(current);
    document.body.setAttribute("data-frame", String(current));
    document.body.setAttribute("data-epoch", String(data.epochs[current]));
  }
  function play() {
    if (timer !== null) { clearInterval(timer); timer = null; playButton.textContent = "play"; return; }
    if (current === data.frames.length - 1) { show(0); }
    playButton.textContent = "pause";
    timer = setInterval(function () { if (current >= data.frames.length - 1) { play(); } else { show(current + 1); } }, 120);
  }
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  playButton.addEventListener("click", play);
  document.addEventListener("keydown", function (event) {
    if (event.target === slider) { return; }
    if (event.key === "ArrowRight") { show(current + 1); } else if (event.key === "ArrowLeft") { show(current - 1); }
  });
  show(data.frames.length - 1);
  document.body.setAttribute("data-ready", "1");
})();
"""


def page(frames: list[str], epochs: list[int], points: str, title: str, settings_text: str) -> str:
    """The replay page for rendered ``frames`` (each with a ``<!--points-->`` mark) at ``epochs``."""
    data = {"frames": frames, "epochs": epochs, "points": points}
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.2em; color: #1e293b; font-size: 17px; }}
h1 {{ font-size: 24px; margin: 0 0 0.3em 0; }}
.controls {{ display: flex; gap: 0.6em; align-items: center; margin: 0.4em 0 0.8em 0; }}
.controls input[type=range] {{ flex: 1; max-width: 46em; }}
button {{ font: inherit; padding: 0.2em 1em; }}
.settings {{ color: #475569; font-size: 15px; }}
</style>
</head>
<body data-frame="0">
<h1>{html.escape(title)}</h1>
<div class="settings">{html.escape(settings_text)}</div>
<div class="controls"><button id="play" type="button">play</button>
<input id="slider" type="range" min="0" max="{len(frames) - 1}" value="{len(frames) - 1}" aria-label="epoch">
<span>drag to replay the run epoch by epoch (← → keys)</span></div>
<div id="view"></div>
<script id="frames" type="application/json">{json_for_script(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def settings_text(settings: Mapping[str, Any]) -> str:
    """The settings in one line, as keywords."""
    return ", ".join(f"{k}={list(v) if isinstance(v, tuple) else v!r}" for k, v in settings.items())


def export_html(playground: Any, path: str | Path, *, max_frames: int = 150, title: str | None = None) -> Path:
    """Write one offline page replaying ``playground``'s recorded run: a frame per epoch (at
    most ``max_frames``, evenly spread, always the first and the last), with a slider and a
    play button. Written by the project's one file writer (:func:`valuegraph.files.write_atomic`):
    atomically, keeping an existing file's permissions; the folder must exist. Returns the path
    written."""
    if isinstance(max_frames, bool) or not isinstance(max_frames, int):
        raise TypeError(f"export_html(max_frames) must be an int, got {type(max_frames).__name__}: {max_frames!r}")
    if max_frames < 2:
        raise ValueError(f"export_html(max_frames) must be at least 2, got {max_frames!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"export_html(title) must be a str or None, got {type(title).__name__}: {title!r}")
    last = playground.epoch
    count = min(last + 1, max_frames)
    epochs = sorted({round(last * k / (count - 1)) for k in range(count)}) if count > 1 else [0]
    snapshots = [snapshot(playground, epoch) for epoch in epochs]  # epochs[0] is 0
    points = points_svg(snapshots[0], BOUNDARY_SIZE)  # the data, the same in every frame
    frames = [render(s, points="<!--points-->") for s in snapshots]
    text = page(frames, epochs, points, title or "Playground: the recorded run", settings_text(playground.settings))
    return write_atomic(path, text, caller="export_html")
