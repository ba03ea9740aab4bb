"""``stepper(root)``: the step-through in Jupyter, a slider with play/pause (ipywidgets).

The picture shows the current frame (rendered on demand, then cached); below it a caption
gives the chain-rule arithmetic of the step. ``stepper(root, quiz=True)`` is the "predict
first" mode: before each computed value and each gradient is shown, the student types it (see
:func:`stepper` and :mod:`viz.quiz`). Its words follow :func:`viz.set_language`.
"""

from __future__ import annotations

import html
from typing import Any

from autograd import Value

from .html import pinned_frames
from .language import Catalog
from .quiz import Feedback, Quiz
from .rendering import pick_backend, render_source
from .steps import STEPS_MAX_NODES

__all__ = ["stepper"]

WORDS = Catalog({
    "play": {"en": "play", "es": "reproducir"},
    "step": {"en": "step", "es": "paso"},
    "prev": {"en": "← prev", "es": "← anterior"},
    "next": {"en": "next →", "es": "siguiente →"},
    "check": {"en": "check", "es": "comprobar"},
    "reveal": {"en": "show answer", "es": "ver respuesta"},
    "placeholder": {"en": "your answer, then Enter", "es": "tu respuesta, e Intro"},
})
"""The stepper's own words (the captions are :mod:`viz.steps`'s), in English and Spanish."""

_PHASE_COLOURS = {"forward": "#2563eb", "backward": "#dc2626", "done": "#15803d", "failed": "#7f1d1d"}
_FEEDBACK_COLOURS = {"right": ("#dcfce7", "#14532d"), "wrong": ("#fee2e2", "#7f1d1d"),
                     "revealed": ("#e0e7ff", "#1e3a8a"), "unreadable": ("#f1f5f9", "#334155")}


def stepper(root: Value, *, backend: str = "auto", interval: int = 900, rankdir: str = "auto", params: Any = None,
            cluster: bool = False, color_by_grad: bool = False, max_nodes: int | None = STEPS_MAX_NODES,
            style: str = "normal", quiz: bool = False) -> Any:
    """An ipywidgets box stepping through ``root``'s forward and backward passes.

    Widgets: play/pause (``interval`` milliseconds per frame), a slider, the frame as SVG and
    the caption of the step. ``backend`` renders the frames (see :mod:`viz.rendering`);
    ``style="projector"`` draws large type and thick lines for a wall. The
    returned ``VBox`` has attributes ``frames``, ``slider``, ``play``, ``picture`` and ``caption``.

    ``quiz=True`` ("predict first"): before each computed value (forward) and each gradient
    (backward) is shown, a question frame asks for it. Type the number in the answer box and
    press Enter (or "check"): a right answer (within 1 %, or 0.001) moves on to the frame that
    shows it; a wrong one is told the rule and the arithmetic that give it (the op applied to
    its inputs; local derivative × upstream) and may be tried again; ``?`` or "show answer"
    reveals it. The score counts the questions whose first answer was right; the slider and
    "next →" do not go past an open question. Then the box also has ``quiz`` (a
    :class:`viz.quiz.Quiz`), ``prompt``, ``answer``, ``check``, ``reveal`` (in the row ``asking``,
    hidden when nothing is asked), ``feedback``, ``score``, ``prev`` and ``next`` (and no
    ``play``: a quiz goes at the student's pace).
    """
    import ipywidgets as widgets

    if isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0:
        raise ValueError(f"stepper: interval must be a positive number of milliseconds, got {interval!r}")
    chosen = pick_backend(backend)
    frames = pinned_frames(root, chosen, rankdir=rankdir, params=params, cluster=cluster,
                           color_by_grad=color_by_grad, max_nodes=max_nodes, style=style, quiz=quiz)
    cache: dict[int, str] = {}

    def svg(index: int) -> str:
        if index not in cache:
            text = render_source(frames[index].source, "svg", chosen).decode("utf-8")
            cache[index] = text[text.find("<svg"):]
        return cache[index]

    slider = widgets.IntSlider(value=0, min=0, max=len(frames) - 1, step=1, description=WORDS("step"),
                               continuous_update=True, layout=widgets.Layout(width="60%"))
    picture = widgets.HTML(value=svg(0))
    caption = widgets.HTML(value=_caption_html(frames[0]))
    if quiz:
        return _quiz_box(frames, slider, picture, caption, svg)

    play = widgets.Play(value=0, min=0, max=len(frames) - 1, step=1, interval=interval, description=WORDS("play"))
    widgets.jslink((play, "value"), (slider, "value"))

    def on_change(change: dict) -> None:
        frame = frames[change["new"]]
        picture.value = svg(frame.index)
        caption.value = _caption_html(frame)

    slider.observe(on_change, names="value")
    box = widgets.VBox([widgets.HBox([play, slider]), caption, picture])
    box.frames, box.slider, box.play, box.picture, box.caption = frames, slider, play, picture, caption
    return box


def _quiz_box(frames: list, slider: Any, picture: Any, caption: Any, svg: Any) -> Any:
    """The stepper's predict-first box: the frames' questions asked through :class:`Quiz`."""
    import ipywidgets as widgets

    quiz = Quiz(frames)
    prev = widgets.Button(description=WORDS("prev"), layout=widgets.Layout(width="auto"))
    next_ = widgets.Button(description=WORDS("next"), layout=widgets.Layout(width="auto"))
    score = widgets.HTML()
    prompt = widgets.HTML()
    answer = widgets.Text(placeholder=WORDS("placeholder"), continuous_update=False,
                          layout=widgets.Layout(width="12em"))
    check = widgets.Button(description=WORDS("check"), button_style="primary", layout=widgets.Layout(width="auto"))
    reveal = widgets.Button(description=WORDS("reveal"), layout=widgets.Layout(width="auto"))
    asking = widgets.HBox([prompt, answer, check, reveal], layout=widgets.Layout(align_items="center"))
    feedback = widgets.HTML()
    transient: list[Feedback] = []

    def refresh() -> None:
        index = slider.value
        frame = frames[index]
        picture.value = svg(index)
        caption.value = _caption_html(frame)
        number = quiz.open_question(index)
        asking.layout.visibility = "hidden" if number is None else "visible"
        if number is not None:
            prompt.value = f"<b style='font-family: monospace'>{html.escape(frame.questions[number].target)} =</b>"
        shown_for = index if frame.questions else index - 1 if index > 0 and frames[index - 1].questions else None
        said = quiz.said.get(shown_for, []) if shown_for is not None else []
        feedback.value = "".join(_feedback_html(item) for item in said + transient)
        score.value = f"<b>{html.escape(quiz.score_text())}</b>"

    def on_slide(change: dict) -> None:
        if change["new"] > quiz.frontier:  # not past an open question
            slider.value = quiz.frontier
            return
        transient.clear()
        refresh()

    def submit(text: str) -> None:
        index = slider.value
        if quiz.open_question(index) is None or not text.strip():
            return
        result = quiz.answer(index, text)
        transient[:] = [result] if result.kind == "unreadable" else []
        if quiz.open_question(index) is None and index + 1 < len(frames):
            slider.value = index + 1  # refreshes
        else:
            refresh()

    def on_answer(change: dict) -> None:
        if change["new"]:
            text = change["new"]
            answer.value = ""  # ready for the next answer (this change is ignored: it is empty)
            submit(text)

    def on_reveal(_: Any) -> None:
        if quiz.open_question(slider.value) is not None:
            submit("?")

    slider.observe(on_slide, names="value")
    answer.observe(on_answer, names="value")
    check.on_click(lambda _: on_answer({"new": answer.value}))
    reveal.on_click(on_reveal)
    prev.on_click(lambda _: setattr(slider, "value", max(0, slider.value - 1)))
    next_.on_click(lambda _: setattr(slider, "value", min(len(frames) - 1, slider.value + 1)))
    refresh()
    box = widgets.VBox([widgets.HBox([prev, next_, slider, score], layout=widgets.Layout(align_items="center")),
                        caption, asking, feedback, picture])
    box.frames, box.slider, box.picture, box.caption = frames, slider, picture, caption
    box.quiz, box.answer, box.check, box.reveal, box.feedback, box.score = quiz, answer, check, reveal, feedback, score
    box.prev, box.next, box.prompt, box.asking = prev, next_, prompt, asking
    return box


def _caption_html(frame: Any) -> str:
    colour = _PHASE_COLOURS[frame.phase]
    return (f'<pre style="white-space: pre-wrap; border-left: 4px solid {colour}; padding: 0.4em 0.7em; '
            f'margin: 0.3em 0">{html.escape(frame.caption)}</pre>')


def _feedback_html(feedback: Feedback) -> str:
    background, ink = _FEEDBACK_COLOURS[feedback.kind]
    return (f'<div style="background: {background}; color: {ink}; padding: 0.3em 0.7em; margin: 0.2em 0; '
            f'border-radius: 4px">{html.escape(feedback.message)}</div>')
