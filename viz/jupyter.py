"""``stepper(root)``: the step-through in Jupyter, a slider with play/pause (ipywidgets).

The picture shows the current frame (rendered on demand, then cached); below it a caption
gives the chain-rule arithmetic of the step.
"""

from __future__ import annotations

import html
from typing import Any

from autograd import Value

from .rendering import pick_backend, render_source
from .html import pinned_frames
from .steps import STEPS_MAX_NODES

__all__ = ["stepper"]


def stepper(root: Value, *, backend: str = "auto", interval: int = 900, rankdir: str = "LR", params: Any = None,
            cluster: bool = False, color_by_grad: bool = False, max_nodes: int | None = STEPS_MAX_NODES,
            style: str = "normal") -> Any:
    """An ipywidgets box stepping through ``root``'s forward and backward passes.

    Widgets: play/pause (``interval`` milliseconds per frame), a slider, the frame as SVG and
    the caption of the step. ``backend`` renders the frames (see :mod:`viz.rendering`);
    ``style="projector"`` draws large type and thick lines for a wall. The
    returned ``VBox`` has attributes ``frames``, ``slider``, ``play``, ``picture`` and ``caption``.
    """
    import ipywidgets as widgets

    if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
        raise ValueError(f"stepper: interval must be a positive number of milliseconds, got {interval!r}")
    chosen = pick_backend(backend)
    frames = pinned_frames(root, chosen, rankdir=rankdir, params=params, cluster=cluster,
                           color_by_grad=color_by_grad, max_nodes=max_nodes, style=style)
    cache: dict[int, str] = {}

    def svg(index: int) -> str:
        if index not in cache:
            text = render_source(frames[index].source, "svg", chosen).decode("utf-8")
            cache[index] = text[text.find("<svg"):]
        return cache[index]

    play = widgets.Play(value=0, min=0, max=len(frames) - 1, step=1, interval=interval, description="play")
    slider = widgets.IntSlider(value=0, min=0, max=len(frames) - 1, step=1, description="step",
                               continuous_update=True, layout=widgets.Layout(width="60%"))
    widgets.jslink((play, "value"), (slider, "value"))
    picture = widgets.HTML(value=svg(0))
    caption = widgets.HTML(value=_caption_html(frames[0]))

    def on_change(change: dict) -> None:
        frame = frames[change["new"]]
        picture.value = svg(frame.index)
        caption.value = _caption_html(frame)

    slider.observe(on_change, names="value")
    box = widgets.VBox([widgets.HBox([play, slider]), caption, picture])
    box.frames, box.slider, box.play, box.picture, box.caption = frames, slider, play, picture, caption
    return box


def _caption_html(frame: Any) -> str:
    colour = {"forward": "#2563eb", "backward": "#dc2626", "done": "#15803d", "failed": "#7f1d1d"}[frame.phase]
    return (f'<pre style="white-space: pre-wrap; border-left: 4px solid {colour}; padding: 0.4em 0.7em; '
            f'margin: 0.3em 0">{html.escape(frame.caption)}</pre>')
