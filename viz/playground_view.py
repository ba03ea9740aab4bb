"""What a :class:`viz.Playground` looks like: one HTML fragment (inline SVG) per moment of a run.

:func:`snapshot` reads everything a picture needs from a playground (at its current epoch or at
a recorded one); :func:`render` draws it as TensorFlow Playground does: the network from the
features on the left to the output on the right, each neuron a small heatmap of its own output
over the input plane (orange negative, blue positive), each connection coloured by its weight's
sign and as thick as its size; beside it the output over the plane, large, with the training
points (white rim) and, with ``show_test``, the test points (black rim), and the train and test
loss per epoch. Then what TensorFlow Playground cannot show: under each neuron its mean
|gradient| (a bar on a log scale), dead ReLUs crossed out in red, and the optimizer's state.

The picture is the same everywhere: in the widget (which makes its neurons and connections
clickable), in :meth:`Playground.view_html` and in the replay page of :func:`export_html`, where
every frame is such a fragment, the points drawn once and shared. Every word on it comes from
:data:`WORDS`, in the language :func:`viz.set_language` chose.
"""

from __future__ import annotations

import base64
import functools
import html
import math
import struct
import zlib
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from valuegraph.files import write_atomic

from .html import json_for_script
from .language import Catalog, language
from .palette import BLUE, NEUTRAL, ORANGE, TRAIN, VALIDATION

__all__ = ["snapshot", "picture_html", "frame", "frame_key", "write_replay", "replay_html", "RESOLUTION",
           "PLAYING_RESOLUTION", "WORDS", "layout"]

RESOLUTION = 48
"""Grid points per side of the output picture; each neuron's heatmap uses every other one
(24 × 24). The browser smooths the pictures when it scales them up."""

PLAYING_RESOLUTION = 32
"""The grid while the widget plays: a coarser picture, drawn in half the time, ten times a second."""

BOUNDARY_SIZE = 300
"""Side of the output picture, in pixels."""
SIDE_WIDTH = BOUNDARY_SIZE + 52
"""Width of the column beside the network (the output picture with its axes, the loss chart)."""
NETWORK_WIDTH = 560
"""The widest the network is drawn: with the side column, the picture fits 920 pixels (JupyterLab's
output area at 1,400 px with the file browser open is about 950)."""

def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[k:k + 2], 16) for k in (1, 3, 5)], dtype=float)


NEGATIVE, MIDDLE, POSITIVE = _rgb(ORANGE), _rgb(NEUTRAL), _rgb(BLUE)  # TensorFlow Playground's, as every viz picture
_ORANGE, _BLUE = ORANGE, BLUE

WORDS = Catalog({
    "features": {"en": "features", "es": "entradas"},
    "neurons": {"en": "{n} neurons", "es": "{n} neuronas"},
    "neuron": {"en": "1 neuron", "es": "1 neurona"},
    "output": {"en": "output", "es": "salida"},
    "layer neuron": {"en": "layer {layer}, neuron {neuron}", "es": "capa {layer}, neurona {neuron}"},
    "layer": {"en": "layer {layer}", "es": "capa {layer}"},
    "gradient legend": {"en": "purple: mean |∂loss/∂w| of each neuron (bar: log scale, 6 decades)",
                        "es": "morado: |∂pérdida/∂w| medio de cada neurona (barra: escala log., 6 décadas)"},
    "dead": {"en": "dead", "es": "muerta"},
    "epoch": {"en": "Epoch", "es": "Época"},
    "accuracy": {"en": "accuracy train {train} test {test}", "es": "acierto entrenamiento {train} prueba {test}"},
    "stopped": {"en": "stopped early (best epoch restored)", "es": "parada temprana (vuelve la mejor época)"},
    "train loss": {"en": "train loss", "es": "pérdida entrenamiento"},
    "test loss": {"en": "test loss", "es": "pérdida prueba"},
    "loss axis": {"en": "loss", "es": "pérdida"},
    "epoch axis": {"en": "epoch {n}", "es": "época {n}"},
    "optimizer state": {"en": "optimizer state", "es": "estado del optimizador"},
    "steps": {"en": "{n} steps", "es": "{n} pasos"},
    "momentum_buffer": {"en": "momentum z (RMS)", "es": "momento z (RMS)"},
    "exp_avg": {"en": "1st moment m (RMS)", "es": "1.er momento m (RMS)"},
    "exp_avg_sq": {"en": "2nd moment v (RMS)", "es": "2.º momento v (RMS)"},
    "square_avg": {"en": "mean of squares (RMS)", "es": "media de cuadrados (RMS)"},
    "grad_avg": {"en": "mean gradient (RMS)", "es": "gradiente medio (RMS)"},
    "sum": {"en": "sum of squares (RMS)", "es": "suma de cuadrados (RMS)"},
    "output of": {"en": "output of {name}", "es": "salida de {name}"},
    "neuron hint": {"en": "{name}: output {value} · mean |∂loss/∂w| {gradient}",
                    "es": "{name}: salida {value} · |∂pérdida/∂w| medio {gradient}"},
    "weight": {"en": "w({source} → {target}) = {value}", "es": "w({source} → {target}) = {value}"},
    "add layer": {"en": "+ layer", "es": "+ capa"},
    "remove layer": {"en": "− layer", "es": "− capa"},
    "invalid": {"en": "settings not valid: fix them to train", "es": "ajustes no válidos: corrígelos para entrenar"},
    "changed": {"en": "epoch {epoch}: {what}", "es": "época {epoch}: {what}"},
    "play": {"en": "play", "es": "reproducir"},
    "pause": {"en": "pause", "es": "pausa"},
    "replay hint": {"en": "drag to replay the run epoch by epoch (← → keys)",
                    "es": "arrastra para repetir el entrenamiento época a época (teclas ← →)"},
    "replay title": {"en": "Playground: the recorded run", "es": "Playground: el entrenamiento grabado"},
    "settings": {"en": "settings (Playground.from_settings)", "es": "ajustes (Playground.from_settings)"},
})
"""Every word the picture and the replay page show, in English and Spanish."""


def neuron_name(sizes: Sequence[int], features: Sequence[str], layer: int, index: int) -> str:
    """The picture's name of a neuron: the feature's name, "layer 1, neuron 2" or "output"."""
    if layer == 0:
        return features[index]
    if layer == len(sizes) - 1:
        return WORDS("output")
    return WORDS("layer neuron", layer=layer, neuron=index + 1)


def snapshot(playground: Any, epoch: int | None = None, *, resolution: int = RESOLUTION) -> dict[str, Any]:
    """Everything the picture of ``playground`` at ``epoch`` (default: now) shows, as plain data."""
    with playground.lock:  # a consistent moment, while another thread may be training
        return _snapshot(playground, epoch, resolution)


def _snapshot(playground: Any, epoch: int | None, resolution: int) -> dict[str, Any]:
    current = epoch is None or epoch == playground.epoch
    weights = None if current else playground.weights[epoch]
    epoch = playground.epoch if epoch is None else epoch
    settings = playground.settings
    sizes = playground.layer_sizes
    records = playground.history.epochs[:epoch]
    try:
        gradients = playground.neuron_gradients(weights)
    except (OverflowError, FloatingPointError, ValueError, ZeroDivisionError):  # a huge network: no gradients
        gradients = None
    accuracy = (records[-1].train_acc, records[-1].val_acc) if records else (None, None)
    if records and accuracy[0] is None and not playground.regression and current:
        accuracy = playground.accuracy()  # the loss has no accuracy of its own (mse)
    return {
        "version": playground.version, "epoch": epoch, "sizes": sizes, "features": list(settings["features"]), "extent": playground.extent,
        "settings": settings, "resolution": resolution, "regression": playground.regression,
        "outputs": playground.neuron_outputs(resolution, weights),
        "weights": ([[[w.data for w in neuron.w] for neuron in layer.neurons] for layer in playground.model.layers]
                    if weights is None else
                    [[[weights[f"layers.{i}.neurons.{j}.w.{k}"] for k in range(sizes[i])] for j in range(sizes[i + 1])]
                     for i in range(len(sizes) - 1)]),
        "gradients": gradients,
        "dead": playground.dead_neurons(weights),
        "train_loss": [r.train_loss for r in records], "test_loss": [r.val_loss for r in records],
        "train_acc": accuracy[0], "test_acc": accuracy[1],
        "optimizer": playground.optimizer_state() if current else None,
        "stopped": playground.stopped and current,
        "changes": [(e, c) for e, c in playground.changes if e <= epoch],
        "train": (playground.X_train, playground.y_train), "test": (playground.X_test, playground.y_test),
    }


# -- pixels ---------------------------------------------------------------------------------------

def _palette() -> np.ndarray:
    t = np.linspace(-1.0, 1.0, 511)[:, None]
    rgb = np.where(t < 0, MIDDLE + (NEGATIVE - MIDDLE) * -t, MIDDLE + (POSITIVE - MIDDLE) * t)
    return rgb.round().astype(np.uint8)


_PALETTE = _palette()
"""511 colours from orange (-1) through light grey (0) to blue (+1): a value's colour is looked up."""


def _colours(values: np.ndarray) -> np.ndarray:
    """Values in [-1, 1] as RGB: orange (-1), light grey (0), blue (+1)."""
    index = np.rint((np.clip(values, -1.0, 1.0) + 1.0) * 255.0).astype(np.intp)
    return _PALETTE[index]


def _hex(value: float) -> str:
    return "#%02x%02x%02x" % tuple(_colours(np.asarray([value]))[0])


def _png(rgb: np.ndarray, level: int = 6) -> str:
    """An RGB array (height, width, 3) as a PNG data URI (``level``: zlib's compression, 1 fastest)."""
    height, width, _ = rgb.shape
    raw = np.concatenate([np.zeros((height, 1), np.uint8), rgb.reshape(height, width * 3)], axis=1).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, level)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _sprite(s: Mapping[str, Any]) -> tuple[str, int]:
    """Every neuron's heatmap but the output's in one PNG, one tile under the other (every other grid
    point, each tile with a 1-pixel border copied from its edge so that the browser's smoothing does
    not bleed between tiles); returns (PNG data URI, tile side with its border). A neuron's values
    are divided by their largest size when it is above 1, so a ReLU's pattern shows; tanh stays on
    [-1, 1]."""
    resolution = s["resolution"]
    tiles = [np.asarray(values, dtype=float).reshape(resolution, resolution)[::2, ::2]
             for layer in s["outputs"][:-1] for values in layer]
    tiles = [tile / max(1.0, float(np.abs(tile).max())) for tile in tiles]
    padded = np.pad(np.stack(tiles), ((0, 0), (1, 1), (1, 1)), mode="edge")
    side = padded.shape[1]
    return _png(_colours(padded.reshape(-1, side)), _level(s)), side


def _level(s: Mapping[str, Any]) -> int:
    """zlib's level for the snapshot's pictures: fastest while playing (the coarse grid), smallest otherwise."""
    return 1 if s["resolution"] < RESOLUTION else 6


def output_score(values: Any, loss: str, regression: bool = False) -> np.ndarray:
    """The network's output as the picture colours it, in [-1, 1]: for classification a class
    score as the loss reads it (+1: surely class 1), for regression the value itself."""
    z = np.asarray(values, dtype=float)
    if regression:
        return np.clip(z, -1.0, 1.0)
    if loss == "bce_with_logits":
        return 2.0 / (1.0 + np.exp(-np.clip(z, -60, 60))) - 1.0
    if loss == "mse":
        return np.clip(2.0 * z - 1.0, -1.0, 1.0)
    return np.clip(z, -1.0, 1.0)


def _output_picture(s: Mapping[str, Any]) -> str:
    score = output_score(s["outputs"][-1][0], s["settings"]["loss"], s["regression"])
    if s["settings"]["discretize"]:
        score = np.where(score >= 0, 1.0, -1.0)
    return _png(_colours(score.reshape(s["resolution"], s["resolution"])), _level(s))


# -- the picture ----------------------------------------------------------------------------------

_CSS = """
.pg { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1e293b; font-size: 16px;
  max-width: 100%; }
.pg .pg-head { font-size: 20px; margin: 2px 0 6px 0; }
.pg .pg-head b { font-size: 24px; }
.pg .pg-row { display: flex; gap: 12px; align-items: flex-start; flex-wrap: wrap; }
.pg .pg-netbox { flex: 1 1 360px; min-width: 0; max-width: NETWORKpx; }
.pg .pg-net { width: 100%; height: auto; display: block; }
.pg .pg-side { display: flex; flex-direction: column; gap: 4px; flex: 0 0 SIDEpx; }
.pg svg text { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
.pg .pg-opt, .pg .pg-changes { font-size: 15px; margin-top: 4px; color: #334155; }
.pg .pg-invalid-mark { color: #b91c1c; font-weight: 700; font-size: 18px; }
.pg.pg-invalid .pg-row { opacity: 0.35; filter: grayscale(0.8); }
.pg .pg-neuron, .pg .pg-edge, .pg .pg-button { cursor: pointer; }
.pg .pg-edge { fill: none; stroke-opacity: 0.75; }
.pg .pg-neuron.pg-selected > rect.pg-frame { stroke: #111827; stroke-width: 4; }
.pg .pg-edge:hover, .pg .pg-edge.pg-near { stroke-opacity: 1; }
""".replace("NETWORK", str(NETWORK_WIDTH)).replace("SIDE", str(SIDE_WIDTH))


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:.3f}" if 1e-3 <= abs(x) < 1e4 else f"{x:.1e}" if x else "0"


def layout(sizes: Sequence[int]) -> dict[str, Any]:
    """Where the network's neurons go: box size, column x, row pitch, the picture's size. The
    natural width stays within :data:`NETWORK_WIDTH`, so every network up to 6 × 8 fits."""
    columns = len(sizes)
    tallest = max(sizes)
    box = 56 if tallest <= 4 else 48 if tallest <= 6 else 42
    left, right = 74, 16
    gap = min(150.0, (NETWORK_WIDTH - left - right - box) / max(columns - 1, 1))
    row = box + 30
    top = 64
    width = left + gap * (columns - 1) + box + right
    height = top + tallest * row + 26
    return {"box": box, "left": left, "gap": gap, "row": row, "top": top, "width": width, "height": height}


def _network_svg(s: Mapping[str, Any], interactive: bool, selected: tuple[int, int] | None, output: str) -> str:
    sizes, weights = s["sizes"], s["weights"]
    gradients, dead = s["gradients"], s["dead"]
    g = layout(sizes)
    box, row, top, width, height = g["box"], g["row"], g["top"], g["width"], g["height"]
    x_of = [g["left"] + g["gap"] * i for i in range(len(sizes))]

    tallest = max(sizes)

    def y_of(layer: int, index: int) -> float:
        return top + (tallest - sizes[layer]) * row / 2 + index * row

    def name(layer: int, index: int) -> str:
        return neuron_name(sizes, s["features"], layer, index)

    sprite, side = _sprite(s)
    inner = side - 2
    sprite_id = f"pg-sprite-{zlib.crc32(sprite.encode('ascii')):08x}"  # one per picture in a notebook's page
    names = [[name(i, j) for j in range(size)] for i, size in enumerate(sizes)]
    facts = iter(_neuron_facts(s, names))
    styles = iter(_edge_styles(weights))
    hook = functools.partial(_hook, interactive)
    parts = [f'<svg class="pg-net" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
             f'xmlns="http://www.w3.org/2000/svg"><defs><image id="{sprite_id}" href="{sprite}" width="{side}" '
             f'height="{side * sum(sizes[:-1])}" preserveAspectRatio="none"/></defs>']
    wide = g["gap"] >= 110  # room for "8 neurons" over each layer; else just "8"
    titles = [WORDS("features"), *[(WORDS("neurons", n=n) if n > 1 else WORDS("neuron")) if wide else str(n)
                                   for n in sizes[1:-1]], WORDS("output")]
    for i, title in enumerate(titles):
        parts.append(f'<text x="{x_of[i] + box / 2:.1f}" y="{18 if interactive and 0 < i < len(sizes) - 1 else 22}" '
                     f'text-anchor="middle" font-size="14" font-weight="600">{html.escape(title)}</text>')
        if interactive and 0 < i < len(sizes) - 1:  # + and − for the neurons of each hidden layer
            for sign, dx, label in ((1, -13, "+"), (-1, 13, "−")):
                cx = x_of[i] + box / 2 + dx
                parts.append(f'<g class="pg-button pg-neurons-button" data-layer="{i}" data-delta="{sign}">'
                             f'<circle cx="{cx:.1f}" cy="38" r="10" fill="#e2e8f0" stroke="#64748b"/>'
                             f'<text x="{cx:.1f}" y="43.5" text-anchor="middle" font-size="17" '
                             f'font-weight="700">{label}</text></g>')
    for i, layer in enumerate(weights):  # connections under the neurons
        for j, neuron in enumerate(layer):
            for k, w in enumerate(neuron):
                x0, y0 = x_of[i] + box, y_of(i, k) + box / 2
                x1, y1 = x_of[i + 1], y_of(i + 1, j) + box / 2
                weight, width_px, colour = next(styles)
                mid = (x0 + x1) / 2
                tip = ("" if interactive else  # the widget writes it when the mouse comes: less to send 10 times a second
                       f'<title>{html.escape(WORDS("weight", source=names[i][k], target=names[i + 1][j], value=f"{w:.4g}"))}'
                       f'</title>')
                parts.append(f'<path class="pg-edge" data-layer="{i + 1}" data-neuron="{j}" data-input="{k}" '
                             f'data-weight="{weight}" d="M{x0:.0f},{y0:.0f}C{mid:.0f},{y0:.0f} {mid:.0f},{y1:.0f} '
                             f'{x1:.0f},{y1:.0f}" stroke="{colour}" stroke-width="{width_px}">{tip}</path>')
    last = len(sizes) - 1
    tile = 0
    for i, size in enumerate(sizes):
        for j in range(size):
            x, y = x_of[i], y_of(i, j)
            if i == last:
                picture = (f'<image{hook("pg-output-picture")} href="{output}" x="{x:.1f}" y="{y:.1f}" width="{box}" '
                           f'height="{box}" preserveAspectRatio="none"/>')
            else:  # this neuron's tile of the sprite
                picture = (f'<svg x="{x:.1f}" y="{y:.1f}" width="{box}" height="{box}" '
                           f'viewBox="1 {tile * side + 1} {inner} {inner}" preserveAspectRatio="none">'
                           f'<use href="#{sprite_id}"/></svg>')
                tile += 1
            is_dead = 0 < i < last and dead[i - 1][j]
            hint, fraction, gradient_text = next(facts)
            dead_mark = ' data-dead="1"' if is_dead else ""
            parts.append(f'<g class="pg-neuron{" pg-selected" if (i, j) == selected else ""}" data-layer="{i}" '
                         f'data-neuron="{j}" data-name="{html.escape(names[i][j])}"'
                         f'{dead_mark}>'
                         f'<title>{html.escape(hint)}</title>{picture}'
                         f'<rect class="pg-frame" x="{x:.1f}" y="{y:.1f}" width="{box}" height="{box}" fill="none" pointer-events="all" '
                         f'stroke="{"#dc2626" if is_dead else "#475569"}" stroke-width="{3 if is_dead else 1}"/>')
            if is_dead:
                parts.append(f'<path d="M{x:.1f},{y:.1f} l{box},{box} m0,-{box} l-{box},{box}" stroke="#dc2626" '
                             f'stroke-width="3"/>')
            if i == 0:
                parts.append(f'<text x="{x - 6:.1f}" y="{y + box / 2 + 5:.1f}" text-anchor="end" font-size="15">'
                             f'{html.escape(names[i][j])}</text>')
            elif gradients is not None:
                text_style = 'fill="#dc2626" font-weight="700"' if is_dead else 'fill="#6d28d9"'
                parts.append(f'<rect x="{x:.1f}" y="{y + box + 3:.1f}" width="{box}" height="5" fill="#e2e8f0"/>'
                             f'<rect class="pg-grad" x="{x:.1f}" y="{y + box + 3:.1f}" width="{box * fraction:.1f}" '
                             f'height="5" fill="#7c3aed"/><text{hook("pg-grad-text")} x="{x + box / 2:.1f}" '
                             f'y="{y + box + 21:.1f}" text-anchor="middle" font-size="13" {text_style}>'
                             f'{WORDS("dead") if is_dead else gradient_text}</text>')
            parts.append("</g>")
    if len(sizes) > 1:
        parts.append(f'<text x="6" y="{height - 6:.0f}" font-size="13" fill="#6d28d9">'
                     f'{html.escape(WORDS("gradient legend"))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _hook(live: bool, name: str) -> str:
    """`` class="name"`` on an element the live widget changes in place (see :func:`frame`);
    nothing in a picture that is not live, such as the replay page's 150 frames."""
    return f' class="{name}"' if live else ""


def _edge_styles(weights: Sequence) -> list[tuple[str, str, str]]:
    """Each connection's (weight, line width, colour) as drawn, in drawing order: blue for a
    positive weight, orange for a negative one, as thick as its size (relative to the largest
    above 1)."""
    biggest = max([abs(w) for layer in weights for neuron in layer for w in neuron] + [1e-12])
    return [(f"{w:.6g}", f"{0.5 + 6.0 * min(abs(w) / max(biggest, 1.0), 1.0):.1f}", _BLUE if w >= 0 else _ORANGE)
            for layer in weights for neuron in layer for w in neuron]


def _neuron_facts(s: Mapping[str, Any], names: Sequence[Sequence[str]]) -> list[tuple[str, float, str]]:
    """Each neuron's (hint under the mouse, length of its gradient bar from 0 to 1, gradient as
    written), in drawing order, inputs first."""
    gradients = s["gradients"]
    top_gradient = max([x for layer in (gradients or []) for x in layer] + [1e-12])
    facts = []
    for i, layer in enumerate(np.asarray(values, dtype=float) for values in s["outputs"]):
        for j, (low, high) in enumerate(zip(np.min(layer, axis=1), np.max(layer, axis=1))):
            gradient = gradients[i - 1][j] if gradients is not None and i > 0 else None
            fraction = 0.0 if not gradient else max(0.0, 1.0 + math.log10(gradient / top_gradient) / 6)
            hint = WORDS("neuron hint", name=names[i][j], value=f"{_fmt(float(low))} … {_fmt(float(high))}",
                         gradient=_fmt(gradient))
            facts.append((hint, fraction, _fmt(gradient)))
    return facts


def points_svg(s: Mapping[str, Any], size: int) -> str:
    """The training points (white rim) and, with ``show_test``, the test points (black rim) on a
    ``size``-pixel plane; coloured by class, or by value for regression."""
    e = s["extent"]
    parts = []
    sets = [(s["train"], "white", "pg-train-point")]
    if s["settings"]["show_test"]:
        sets.append((s["test"], "black", "pg-test-point"))
    for (X, y), rim, kind in sets:  # noqa: N806
        for (a, b), label in zip(X, y):
            px, py = (a + e) / (2 * e) * size, (e - b) / (2 * e) * size
            colour = _hex(label) if s["regression"] else _BLUE if label else _ORANGE
            parts.append(f'<circle class="{kind}" cx="{px:.1f}" cy="{py:.1f}" r="3.4" fill="{colour}" '
                         f'stroke="{rim}" stroke-width="1"/>')
    return "".join(parts)


def _boundary_svg(s: Mapping[str, Any], size: int, points: str, output: str) -> str:
    e = s["extent"]
    x_ticks = "".join(f'<text x="{(t + e) / (2 * e) * size:.0f}" y="{size + 16}" text-anchor="middle" '
                      f'font-size="13">{t:g}</text>' for t in (-e, 0, e))
    y_ticks = "".join(f'<text class="pg-ytick" x="-5" y="{(e - t) / (2 * e) * size + 4:.0f}" text-anchor="end" '
                      f'font-size="13">{t:g}</text>' for t in (-e, 0, e))
    names = (f'<text x="{size * 0.75:.0f}" y="{size + 16}" text-anchor="middle" font-size="13" '
             f'font-style="italic">x1</text><text x="-5" y="{size * 0.25 + 4:.0f}" text-anchor="end" font-size="13" '
             f'font-style="italic">x2</text>')
    return (f'<svg class="pg-boundary" width="{size + 44}" height="{size + 36}" xmlns="http://www.w3.org/2000/svg">'
            f'<g transform="translate(36, 12)">'
            f'<image class="pg-big" href="{output}" x="0" y="0" width="{size}" height="{size}" '
            f'preserveAspectRatio="none"/>'
            f'<rect x="0" y="0" width="{size}" height="{size}" fill="none" stroke="#475569"/>'
            f'<g class="pg-points">{points}</g>{x_ticks}{y_ticks}{names}'
            f'<text class="pg-big-title" x="{size / 2}" y="-2" text-anchor="middle" font-size="13"></text></g></svg>')


LOSS_HEIGHT = 184
"""Height of the loss chart, in pixels."""
_LOSS_LEFT, _LOSS_TOP, _LOSS_BOTTOM = 52, 44, 22


def _loss_parts(s: Mapping[str, Any], width: int, height: int) -> dict[str, str]:
    """What the loss chart shows that changes with every epoch: the two lines (at most two points
    per pixel column, the lowest and the highest, however long the run), the last losses, the
    top of the scale and the epoch count."""
    train, test = s["train_loss"], s["test_loss"]
    inner_w, inner_h = width - _LOSS_LEFT - 8, height - _LOSS_BOTTOM - _LOSS_TOP
    values = [v for v in train + test if v is not None and math.isfinite(v)]
    top = max(values) * 1.05 if values else 1.0
    count = max(len(train), 2)

    def line(column: list) -> str:
        kept = _decimated(column, inner_w)
        return " ".join(f"{_LOSS_LEFT + inner_w * i / (count - 1):.1f},{_LOSS_TOP + inner_h * (1 - min(v, top) / top):.1f}"
                        for i, v in kept)

    return {"train": line(train), "test": line(test), "train_value": _fmt(train[-1] if train else None),
            "test_value": _fmt(test[-1] if test else None), "top": _fmt(top) if values else "",
            "epochs": WORDS("epoch axis", n=len(train))}


def _decimated(column: Sequence[float], columns: int) -> list[tuple[int, float]]:
    """``(index, value)`` of a line to draw ``columns`` pixels wide: every point, or, for a longer
    line, each pixel column's lowest and highest in their order (what the eye would see)."""
    if len(column) <= 2 * columns:
        return list(enumerate(column))
    kept: list[tuple[int, float]] = []
    for c in range(columns):
        start, stop = c * len(column) // columns, (c + 1) * len(column) // columns
        part = column[start:stop]
        low = start + min(range(len(part)), key=part.__getitem__)
        high = start + max(range(len(part)), key=part.__getitem__)
        kept.extend((k, column[k]) for k in sorted({low, high}))
    return kept


def _loss_svg(s: Mapping[str, Any], width: int, height: int, live: bool = False) -> str:
    parts = _loss_parts(s, width, height)
    hook = functools.partial(_hook, live)
    left, inner_w, inner_h = _LOSS_LEFT, width - _LOSS_LEFT - 8, height - _LOSS_BOTTOM - _LOSS_TOP

    def line(name: str, colour: str) -> str:
        if not parts[name]:
            return ""
        return f'<polyline class="pg-{name}" points="{parts[name]}" fill="none" stroke="{colour}" stroke-width="2.5"/>'

    return (f'<svg class="pg-loss-chart" width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
            # the two losses on two lines, as TensorFlow Playground has them: in Spanish one line is too long
            f'<text x="4" y="16" font-size="15" fill="{TRAIN}" font-weight="600">{WORDS("train loss")} '
            f'<tspan class="pg-train-value">{parts["train_value"]}</tspan></text>'
            f'<text x="4" y="35" font-size="15" fill="{VALIDATION}" font-weight="600">{WORDS("test loss")} '
            f'<tspan class="pg-test-value">{parts["test_value"]}</tspan></text>'
            f'<rect x="{left}" y="{_LOSS_TOP}" width="{inner_w}" height="{inner_h}" fill="#f8fafc" stroke="#cbd5e1"/>'
            f'<text{hook("pg-loss-top")} x="{left - 5}" y="{_LOSS_TOP + 10}" text-anchor="end" font-size="12">'
            f'{parts["top"]}</text>'
            f'<text x="{left - 5}" y="{_LOSS_TOP + inner_h}" text-anchor="end" font-size="12">0</text>'
            f'<text x="{left - 5}" y="{_LOSS_TOP + inner_h / 2 + 4:.0f}" text-anchor="end" font-size="12" '
            f'font-style="italic">{WORDS("loss axis")}</text>'
            f'<text{hook("pg-loss-epochs")} x="{left + inner_w}" y="{height - 5}" text-anchor="end" font-size="12">'
            f'{parts["epochs"]}</text>'
            f'{line("train", TRAIN)}{line("test", VALIDATION)}</svg>')


def _optimizer_text(state: Mapping[str, Any] | None) -> str:
    if not state:
        return ""
    parts = [f"<b>{html.escape(state['optimizer'])}</b>", WORDS("steps", n=state["steps"]), f"lr {state['lr']:g}"]
    parts += [f"{html.escape(WORDS(key) if key in WORDS else key)} {_fmt(value)}" for key, value in state.items()
              if key not in ("optimizer", "steps", "lr")]
    return f'<div class="pg-opt">{WORDS("optimizer state")}: {" · ".join(parts)}</div>'


def _changes_text(changes: Sequence[tuple[int, Mapping[str, Any]]]) -> str:
    if not changes:
        return ""
    shown = [WORDS("changed", epoch=epoch, what=", ".join(f"{k} {_setting(v)}" for k, v in change.items()))
             for epoch, change in changes[-3:]]
    return f'<div class="pg-changes">{html.escape(" · ".join(shown))}</div>'


def _setting(value: Any) -> str:
    return "–" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def picture_html(s: Mapping[str, Any], *, points: str | None = None, boundary_size: int = BOUNDARY_SIZE,
           interactive: bool = False, selected: tuple[int, int] | None = None, invalid: str | None = None) -> str:
    """The picture of snapshot ``s`` as one HTML fragment (inline SVG, no script). ``points``
    replaces the points' SVG (the replay page draws them once and refers to them);
    ``interactive`` adds the widget's + and − buttons; ``selected`` frames one neuron;
    ``invalid`` (a message) greys the picture out and says why."""
    if points is None:
        points = points_svg(s, boundary_size)
    output = _output_picture(s)
    info, notes = _head_info(s), _optimizer_text(s["optimizer"]) + _changes_text(s["changes"])
    if interactive:  # what the live widget changes in place while it plays (see frame)
        info, notes = f'<span class="pg-info">{info}</span>', f'<div class="pg-notes">{notes}</div>'
    mark = (f'<div class="pg-invalid-mark">⚠ {html.escape(WORDS("invalid"))}: {html.escape(invalid)}</div>'
            if invalid else "")
    layers = ""
    if interactive:
        layers = "".join(f'<button class="pg-button pg-layers-button" data-delta="{d}" type="button" '
                         f'style="font-size: 16px; margin-left: 10px">{WORDS(key)}</button>'
                         for d, key in ((1, "add layer"), (-1, "remove layer")))
    return (f'<div class="pg{" pg-invalid" if invalid else ""}" data-epoch="{s["epoch"]}"><style>{_CSS}</style>{mark}'
            f'<div class="pg-head">{WORDS("epoch")} <b class="pg-epoch">{s["epoch"]}</b>{info}{layers}</div>'
            f'<div class="pg-row"><div class="pg-netbox">{_network_svg(s, interactive, selected, output)}</div>'
            f'<div class="pg-side">{_boundary_svg(s, boundary_size, points, output)}'
            f'{_loss_svg(s, SIDE_WIDTH, LOSS_HEIGHT, interactive)}</div></div>{notes}</div>')


def _head_info(s: Mapping[str, Any]) -> str:
    accuracy = (" · " + WORDS("accuracy", train=f"{s['train_acc']:.0%}", test=f"{s['test_acc']:.0%}")
                if s["train_acc"] is not None and s["test_acc"] is not None else "")
    stopped = f" · <span style='color:#b45309'>{WORDS('stopped')}</span>" if s["stopped"] else ""
    return accuracy + stopped


def frame_key(s: Mapping[str, Any], **options: Any) -> tuple:
    """Everything that decides the picture of snapshot ``s`` but what :func:`frame` carries: two
    snapshots with the same key (drawn with the same ``options`` of :func:`render`) differ only
    in the frame's numbers, so the picture of one becomes the other's by changing those."""
    settings = s["settings"]
    return (tuple(s["sizes"]), tuple(s["features"]), s["extent"], s["resolution"], s["regression"],
            settings["loss"], settings["discretize"], settings["show_test"], tuple(settings["hide"]),
            s["gradients"] is None, tuple(map(tuple, s["dead"])), bool(s["train_loss"]), language(),
            tuple(sorted(options.items())))


def frame(s: Mapping[str, Any]) -> dict[str, Any]:
    """What changes in the picture of a playground from one epoch to the next (the network's
    weights and pictures, the gradients, the losses, the optimizer): what the widget sends while
    it plays, to change the picture in place, instead of the whole picture (see :func:`frame_key`)."""
    sizes = s["sizes"]
    names = [[neuron_name(sizes, s["features"], i, j) for j in range(size)] for i, size in enumerate(sizes)]
    facts = _neuron_facts(s, names)
    box = layout(sizes)["box"]
    return {"epoch": s["epoch"], "info": _head_info(s), "sprite": _sprite(s)[0], "output": _output_picture(s),
            "edges": [value for style in _edge_styles(s["weights"]) for value in style],
            "hints": [hint for hint, _, _ in facts],
            "bars": [f"{box * fraction:.1f}" for _, fraction, _ in facts[sizes[0]:]],
            "gradients": [WORDS("dead") if 0 < i < len(sizes) - 1 and s["dead"][i - 1][j] else facts[k][2]
                          for k, (i, j) in enumerate(((i, j) for i, size in enumerate(sizes) for j in range(size)))
                          if i > 0],
            "loss": _loss_parts(s, SIDE_WIDTH, LOSS_HEIGHT),
            "notes": _optimizer_text(s["optimizer"]) + _changes_text(s["changes"])}


# -- the replay page ------------------------------------------------------------------------------

SHOW_BIG_SCRIPT = """
function showBig(view, neuron) {  // a neuron's output, large, in place of the network's output (no neuron: the output)
  const big = view.querySelector(".pg-big"), title = view.querySelector(".pg-big-title");
  const old = view.querySelector(".pg-big-copy");
  if (old) { old.remove(); }
  if (!big) { return; }
  const isOutput = !neuron || !neuron.querySelector("svg");
  big.style.visibility = isOutput ? "visible" : "hidden";
  if (title) { title.textContent = neuron ? neuron.getAttribute("data-name") : ""; }
  if (isOutput) { return; }
  const copy = neuron.querySelector("svg").cloneNode(true);
  copy.setAttribute("class", "pg-big-copy");
  for (const k of ["x", "y", "width", "height"]) { copy.setAttribute(k, big.getAttribute(k)); }
  big.parentNode.insertBefore(copy, big.nextSibling);
}
"""
"""Shows a hovered neuron's output large: the same in the widget and in the replay page."""

_SCRIPT = SHOW_BIG_SCRIPT + """
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
    if (timer !== null) { clearInterval(timer); timer = null; playButton.textContent = data.words.play; return; }
    if (current === data.frames.length - 1) { show(0); }
    playButton.textContent = data.words.pause;
    timer = setInterval(function () { if (current >= data.frames.length - 1) { play(); } else { show(current + 1); } }, 120);
  }
  view.addEventListener("mouseover", function (event) { showBig(view, event.target.closest(".pg-neuron")); });
  view.addEventListener("mouseout", function () { showBig(view, null); });
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


def replay_html(frames: list[str], epochs: list[int], points: str, title: str, settings_text: str) -> str:
    """The replay page for rendered ``frames`` (each with a ``<!--points-->`` mark) at ``epochs``."""
    data = {"frames": frames, "epochs": epochs, "points": points,
            "words": {"play": WORDS("play"), "pause": WORDS("pause")}}
    return f"""<!DOCTYPE html>
<html lang="{'es' if WORDS('play') != 'play' else 'en'}">
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
.settings {{ color: #475569; font-size: 14px; }}
.settings code {{ display: block; word-break: break-all; background: #f1f5f9; padding: 0.3em 0.5em; user-select: all; }}
</style>
</head>
<body data-frame="0">
<h1>{html.escape(title)}</h1>
<div class="settings">{html.escape(WORDS("settings"))}: <code class="pg-settings-text">{html.escape(settings_text)}</code></div>
<div class="controls"><button id="play" type="button">{html.escape(WORDS("play"))}</button>
<input id="slider" type="range" min="0" max="{len(frames) - 1}" value="{len(frames) - 1}" aria-label="epoch">
<span>{html.escape(WORDS("replay hint"))}</span></div>
<div id="view"></div>
<script id="frames" type="application/json">{json_for_script(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def write_replay(playground: Any, path: str | Path, *, max_frames: int = 150, title: str | None = None) -> Path:
    """Write one offline page replaying ``playground``'s recorded run: a frame per epoch (at
    most ``max_frames``, evenly spread, always the first and the last), with a slider and a
    play button, and the settings text that makes the experiment again. Written by the project's
    one file writer (:func:`valuegraph.files.write_atomic`): atomically, keeping an existing
    file's permissions; the folder must exist. Returns the path written."""
    if isinstance(max_frames, bool) or not isinstance(max_frames, int):
        raise TypeError(f"Playground.export_html(max_frames) must be an int, got {type(max_frames).__name__}: {max_frames!r}")
    if max_frames < 2:
        raise ValueError(f"Playground.export_html(max_frames) must be at least 2, got {max_frames!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"Playground.export_html(title) must be a str or None, got {type(title).__name__}: {title!r}")
    last = playground.epoch
    count = min(last + 1, max_frames)
    epochs = sorted({round(last * k / (count - 1)) for k in range(count)}) if count > 1 else [0]
    snapshots = [snapshot(playground, epoch) for epoch in epochs]  # epochs[0] is 0
    points = points_svg(snapshots[0], BOUNDARY_SIZE)  # the data, the same in every frame
    frames = [picture_html(s, points="<!--points-->") for s in snapshots]
    text = replay_html(frames, epochs, points, title or WORDS("replay title"), playground.settings_text())
    return write_atomic(path, text, caller="export_html")
