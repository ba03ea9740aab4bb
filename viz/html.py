"""``export_html(root, "steps.html")``: the step-through as one self-contained, offline web page.

Every frame is an inline SVG; a few lines of plain JavaScript (no library, no network) give a
slider, previous / next / play buttons and the arrow keys (Home and End jump to the ends).
The page's address may carry ``#frame=N`` (open at frame N) or ``#next=N`` (press "next" N
times after loading, which is how the headless-browser test drives it).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from autograd import Value

from .render import render_many
from .steps import STEPS_MAX_NODES, steps

__all__ = ["export_html", "page"]

_SCRIPT = """
(function () {
  "use strict";
  var frames = document.querySelectorAll(".frame");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var playButton = document.getElementById("play");
  var current = 0;
  var timer = null;
  function show(i) {
    i = Math.max(0, Math.min(frames.length - 1, i));
    frames[current].hidden = true;
    frames[i].hidden = false;
    current = i;
    slider.value = String(i);
    counter.textContent = (i + 1) + " / " + frames.length;
    document.body.setAttribute("data-frame", String(i));
  }
  function play() {
    if (timer !== null) { clearInterval(timer); timer = null; playButton.textContent = "play"; return; }
    if (current === frames.length - 1) { show(0); }
    playButton.textContent = "pause";
    timer = setInterval(function () {
      if (current >= frames.length - 1) { play(); } else { show(current + 1); }
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
    else if (event.key === "End") { show(frames.length - 1); }
    else if (event.key === " ") { play(); event.preventDefault(); }
  });
  var start = /(?:^#|&)frame=(\\d+)/.exec(location.hash);
  show(start ? parseInt(start[1], 10) : 0);
  var presses = /(?:^#|&)next=(\\d+)/.exec(location.hash);
  for (var k = 0; presses && k < parseInt(presses[1], 10); k++) {
    document.getElementById("next").click();
  }
  document.body.setAttribute("data-ready", "1");
})();
"""

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5em; color: #1e293b; }
h1 { font-size: 1.3em; margin: 0 0 0.6em 0; }
.controls { display: flex; gap: 0.5em; align-items: center; margin-bottom: 0.8em; }
.controls input[type=range] { flex: 1; max-width: 40em; }
button { font: inherit; padding: 0.2em 0.8em; }
.caption { white-space: pre-wrap; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em;
           background: #f8fafc; border-left: 4px solid #94a3b8; padding: 0.6em 0.8em; margin: 0 0 0.8em 0; }
.frame[data-phase=forward] .caption { border-color: #2563eb; }
.frame[data-phase=backward] .caption { border-color: #dc2626; }
.frame[data-phase=done] .caption { border-color: #15803d; }
.picture svg { max-width: 100%; height: auto; }
.hint { color: #64748b; font-size: 0.85em; }
"""


def _inline_svg(svg: bytes, prefix: str) -> str:
    """An SVG document as an element to put inside HTML (XML prolog, doctype and comments
    dropped; element ids prefixed so that frames do not share ids)."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    if start < 0:
        raise RuntimeError("the renderer returned something that is not SVG")
    text = text[start:]
    text = re.sub(r"<!--.*?-->\n?", "", text, flags=re.S)
    return re.sub(r'\bid="', f'id="{prefix}', text)


def page(frames: list, svgs: list[bytes], title: str) -> str:
    """The HTML text for ``frames`` (from :func:`viz.steps`) and their rendered SVGs."""
    parts = []
    for number, (frame, svg) in enumerate(zip(frames, svgs)):
        parts.append(
            f'<div class="frame" data-phase="{frame.phase}" hidden>'
            f'<p class="caption">{html.escape(frame.caption)}</p>'
            f'<div class="picture">{_inline_svg(svg, f"f{number}_")}</div></div>')
    last = len(frames) - 1
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body data-frame="0">
<h1>{html.escape(title)}</h1>
<div class="controls">
<button id="prev" type="button" title="previous (←)">&larr; prev</button>
<button id="play" type="button" title="play / pause (space)">play</button>
<button id="next" type="button" title="next (→)">next &rarr;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="frame">
<span id="counter">1 / {len(frames)}</span>
</div>
<p class="hint">Forward pass in blue, backward pass in red. Arrow keys step, space plays.</p>
{''.join(parts)}
<script>{_SCRIPT}</script>
</body>
</html>
"""


def export_html(root: Value, path: str | Path, *, backend: str = "auto", title: str | None = None,
                rankdir: str = "LR", params: Any = None, cluster: bool = False, color_by_grad: bool = False,
                max_nodes: int | None = STEPS_MAX_NODES) -> Path:
    """Write the step-through of ``root`` (see :func:`viz.steps`) as one offline HTML file.

    ``backend`` renders the SVG frames (``auto``, ``dot`` or ``wasm``; see :mod:`viz.render`).
    Returns the path written.
    """
    frames = list(steps(root, rankdir, params=params, cluster=cluster, color_by_grad=color_by_grad,
                        max_nodes=max_nodes))
    svgs = render_many([frame.source for frame in frames], format="svg", backend=backend)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page(frames, svgs, title or "Forward and backward, step by step"), encoding="utf-8")
    return path
