"""``export_html(root, "steps.html")``: the step-through as one self-contained, offline web page.

Every frame is an inline SVG; a few lines of plain JavaScript (no library, no network) give a
slider, previous / next / play buttons and the arrow keys (Home and End jump to the ends).
Frames share one layout, and are stored as a table of SVG pieces (nodes, edges) that the
frames reuse, so the page stays small. The page's address may carry ``#frame=N`` to open at
frame N.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from autograd import Value
from valuegraph.files import write_atomic

from .render import node_sizes, render_many
from .steps import STEPS_MAX_NODES, steps

__all__ = ["export_html", "page", "pinned_frames"]

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("frames").textContent);
  var count = data.frames.length;
  var picture = document.getElementById("picture");
  var caption = document.getElementById("caption");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var playButton = document.getElementById("play");
  var current = 0;
  var timer = null;
  function show(i) {
    i = Math.max(0, Math.min(count - 1, i));
    current = i;
    picture.innerHTML = data.frames[i].map(function (k) { return data.pieces[k]; }).join("");
    caption.textContent = data.captions[i];
    caption.setAttribute("data-phase", data.phases[i]);
    slider.value = String(i);
    counter.textContent = (i + 1) + " / " + count;
    document.body.setAttribute("data-frame", String(i));
  }
  function play() {
    if (timer !== null) { clearInterval(timer); timer = null; playButton.textContent = "play"; return; }
    if (current === count - 1) { show(0); }
    playButton.textContent = "pause";
    timer = setInterval(function () {
      if (current >= count - 1) { play(); } else { show(current + 1); }
    }, 900);
  }
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", function () { show(current + 1); });
  playButton.addEventListener("click", play);
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  document.addEventListener("keydown", function (event) {
    if (event.target === slider) { return; }
    if (event.key === "ArrowRight") { show(current + 1); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
    else if (event.key === "Home") { show(0); }
    else if (event.key === "End") { show(count - 1); }
    else if (event.key === " ") { play(); event.preventDefault(); }
  });
  var start = /(?:^#|&)frame=(\\d+)/.exec(location.hash);
  show(start ? parseInt(start[1], 10) : 0);
  document.body.setAttribute("data-ready", "1");
})();
"""

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5em; color: #1e293b; }
h1 { font-size: 1.3em; margin: 0 0 0.6em 0; }
.controls { display: flex; gap: 0.5em; align-items: center; margin-bottom: 0.8em; }
.controls input[type=range] { flex: 1; max-width: 40em; }
button { font: inherit; padding: 0.2em 0.8em; }
#caption { white-space: pre-wrap; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em;
           background: #f8fafc; border-left: 4px solid #94a3b8; padding: 0.6em 0.8em; margin: 0 0 0.8em 0; }
#caption[data-phase=forward] { border-color: #2563eb; }
#caption[data-phase=backward] { border-color: #dc2626; }
#caption[data-phase=done] { border-color: #15803d; }
#caption[data-phase=failed] { border-color: #7f1d1d; background: #fef2f2; }
#picture svg { max-width: 100%; height: auto; }
.hint { color: #64748b; font-size: 0.85em; }
body.projector { font-size: 1.5em; }
body.projector #caption { font-size: 1em; }
"""

_GROUP_START = re.compile(r'(?=<g id="(?:node|edge|clust)\d+" class="(?:node|edge|cluster)">)')
_FOOTER = "</g>\n</svg>"


def _pieces(svg: bytes) -> list[str]:
    """An SVG from Graphviz cut into its opening, one piece per node / edge / cluster, and its
    closing (XML prolog, doctype and comments dropped), so that frames can share pieces."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    if start < 0:
        raise RuntimeError("the renderer returned something that is not SVG")
    text = re.sub(r"<!--.*?-->\n?", "", text[start:], flags=re.S).rstrip()
    if not text.endswith(_FOOTER):
        return [text]
    return [piece for piece in _GROUP_START.split(text[:-len(_FOOTER)]) if piece] + [_FOOTER]


def json_for_script(data: Any) -> str:
    """JSON that can sit inside <script>: every "<" is written as the JSON escape \\u003c, so
    the HTML parser never sees a tag ("</script>", "<!--") in it."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def page(frames: list, svgs: list[bytes], title: str, style: str = "normal") -> str:
    """The HTML text for ``frames`` (from :func:`viz.steps`) and their rendered SVGs.

    Frames are stored once as a table of SVG pieces (a node, an edge) plus, per frame, the
    list of its pieces: frames that share a layout share most pieces, which keeps the page
    small (it grows with the number of frames times the number of changed nodes, not the
    size of the graph).
    """
    table: dict[str, int] = {}
    layout = []
    for svg in svgs:
        layout.append([table.setdefault(piece, len(table)) for piece in _pieces(svg)])
    data = {"pieces": list(table), "frames": layout, "captions": [frame.caption for frame in frames],
            "phases": [frame.phase for frame in frames]}
    last = len(frames) - 1
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body data-frame="0"{' class="projector"' if style == "projector" else ""}>
<h1>{html.escape(title)}</h1>
<div class="controls">
<button id="prev" type="button" title="previous (←)">&larr; prev</button>
<button id="play" type="button" title="play / pause (space)">play</button>
<button id="next" type="button" title="next (→)">next &rarr;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="frame">
<span id="counter">1 / {len(frames)}</span>
</div>
<p class="hint">Forward pass in blue, backward pass in red. Arrow keys step, space plays.</p>
<p id="caption"></p>
<div id="picture"></div>
<script id="frames" type="application/json">{json_for_script(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def export_html(root: Value, path: str | Path, *, backend: str = "auto", title: str | None = None,
                rankdir: str = "LR", params: Any = None, cluster: bool = False, color_by_grad: bool = False,
                max_nodes: int | None = STEPS_MAX_NODES, style: str = "normal") -> Path:
    """Write the step-through of ``root`` (see :func:`viz.steps`) as one offline HTML file.

    ``backend`` renders the SVG frames (``auto``, ``dot`` or ``wasm``; see :mod:`viz.render`).
    ``style="projector"`` draws large type and thick lines, and sets the page's text large, for
    a wall (see :data:`viz.dot.STYLES`).
    Every frame gets the same layout (node sizes are fixed from the last frame), so the
    picture holds still while stepping. Written by the project's one file writer
    (:func:`valuegraph.files.write_atomic`): atomically, keeping an existing file's permissions;
    the folder must exist. Returns the path written.
    """
    if title is not None and not isinstance(title, str):
        raise TypeError(f"export_html(title) must be a str or None, got {type(title).__name__}: {title!r}")
    frames = pinned_frames(root, backend, rankdir=rankdir, params=params, cluster=cluster,
                           color_by_grad=color_by_grad, max_nodes=max_nodes, style=style)
    svgs = render_many([frame.source for frame in frames], format="svg", backend=backend)
    return write_atomic(path, page(frames, svgs, title or "Forward and backward, step by step", style),
                        caller="export_html")


def pinned_frames(root: Value, backend: str = "auto", **options: Any) -> list:
    """:func:`viz.steps` frames with every node's size fixed from a layout of the last frame,
    so that all frames share one layout (each frame is built once)."""
    return list(steps(root, node_sizes=lambda source: node_sizes(source, backend), **options))
