"""``export_html(root, "steps.html")``: the step-through as one self-contained, offline web page.

Every frame is an inline SVG; a few lines of plain JavaScript (no library, no network) give a
slider, previous / next / play buttons and the arrow keys (Home and End jump to the ends).
Frames share one layout, and are stored as a table of SVG pieces (nodes, edges) that the
frames reuse, so the page stays small. The page's address may carry ``#frame=N`` to open at
frame N. ``export_html(root, path, quiz=True)`` writes the "predict first" page, which asks
for each value and gradient before showing it (see :func:`export_html` and :mod:`viz.quiz`).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

from autograd import Value
from valuegraph.files import write_atomic

from .language import Catalog, language
from .quiz import ABSOLUTE_TOLERANCE, ANSWER_PATTERN, RELATIVE_TOLERANCE, REVEAL
from .quiz import WORDS as QUIZ_WORDS
from .rendering import node_sizes, render_many
from .steps import STEPS_MAX_NODES, steps

__all__ = ["export_html", "page", "pinned_frames"]

WORDS = Catalog({
    "title": {"en": "Forward and backward, step by step", "es": "Hacia delante y hacia atrás, paso a paso"},
    "quiz_title": {"en": "Predict first: forward and backward, step by step",
                   "es": "Predice primero: hacia delante y hacia atrás, paso a paso"},
    "prev": {"en": "prev", "es": "anterior"},
    "next": {"en": "next", "es": "siguiente"},
    "play": {"en": "play", "es": "reproducir"},
    "pause": {"en": "pause", "es": "pausa"},
    "prev_title": {"en": "previous (←)", "es": "anterior (←)"},
    "next_title": {"en": "next (→ or Enter)", "es": "siguiente (→ o Intro)"},
    "play_title": {"en": "play / pause (space)", "es": "reproducir / pausa (barra espaciadora)"},
    "frame": {"en": "frame", "es": "paso"},
    "hint": {"en": "Forward pass in blue, backward pass in red. Arrow keys step, space plays.",
             "es": "Pasada hacia delante en azul, hacia atrás en rojo. Las flechas avanzan y retroceden; "
                   "la barra espaciadora reproduce."},
    "quiz_hint": {"en": "Predict first: type each value or gradient before it is shown and press Enter "
                        "(right within 1\u00a0% or 0.001); Esc or ? shows the answer.",
                  "es": "Predice primero: escribe cada valor o gradiente antes de verlo y pulsa Intro "
                        "(vale con un error de hasta el 1\u00a0% o 0,001); Esc o ? muestra la respuesta."},
    "check": {"en": "check (Enter)", "es": "comprobar (Intro)"},
    "reveal": {"en": "show answer (Esc)", "es": "ver respuesta (Esc)"},
})
"""The words of the page around the frames, in English and Spanish (:func:`viz.set_language`)."""

_SCRIPT = """
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("frames").textContent);
  var words = data.words;
  var quiz = data.quiz || null;
  var count = data.frames.length;
  var picture = document.getElementById("picture");
  var caption = document.getElementById("caption");
  var slider = document.getElementById("slider");
  var counter = document.getElementById("counter");
  var playButton = document.getElementById("play");
  var panel = document.getElementById("quiz");
  var prompt = document.getElementById("prompt");
  var answer = document.getElementById("answer");
  var feedback = document.getElementById("feedback");
  var score = document.getElementById("score");
  var current = 0;
  var timer = null;
  // predict first: outcome["frame:question"] is "right" (first answer), "right_later" or "revealed"
  var outcome = {}, attempts = {}, said = {}, transient = null;
  function fill(template, fields) {
    return template.replace(/\\{(\\w+)\\}/g, function (all, name) { return String(fields[name]); });
  }
  function questions(i) { return quiz ? (quiz.questions[i] || []) : []; }
  function openQuestion(i) {
    var asked = questions(i);
    for (var n = 0; n < asked.length; n++) { if (!((i + ":" + n) in outcome)) { return n; } }
    return -1;
  }
  function frontier() {
    if (!quiz) { return count - 1; }
    for (var i = 0; i < count; i++) { if (openQuestion(i) >= 0) { return i; } }
    return count - 1;
  }
  function readAnswer(text) {  // the rules of viz.quiz.read_answer
    var match = new RegExp(quiz.pattern).exec(text.replace(/\\s+/g, "").replace(/\\u2212/g, "-"));
    if (!match) { return null; }
    var value = parseFloat(match[1].replace(",", "."));
    if (match[2] !== undefined) {
      var below = parseFloat(match[2].replace(",", "."));
      if (below === 0) { return null; }
      value = value / below;
    }
    return isFinite(value) ? value : null;
  }
  function isRight(value, expected) {
    return Math.abs(value - expected) <= Math.max(quiz.absolute, quiz.relative * Math.abs(expected));
  }
  function scoreText() {
    var answered = Object.keys(outcome).length, right = 0;
    for (var key in outcome) { if (outcome[key] === "right") { right++; } }
    if (answered === quiz.total) { return fill(words.finished, {right: right, total: quiz.total}); }
    return fill(words.score, {right: right, answered: answered, left: quiz.total - answered});
  }
  function renderQuiz() {
    if (!quiz) { return; }
    // a question frame shows what was said to it; the frame after it (its answer) too
    var source = questions(current).length ? current : (current > 0 && questions(current - 1).length ? current - 1 : -1);
    feedback.textContent = "";
    var lines = (source >= 0 && said[source]) ? said[source].slice() : [];
    if (transient !== null) { lines.push(transient); }
    lines.forEach(function (line) {
      var p = document.createElement("p");
      p.className = line.kind;
      p.textContent = line.message;
      feedback.appendChild(p);
    });
    var n = openQuestion(current);
    panel.style.visibility = n < 0 ? "hidden" : "visible";  // hidden, not removed: the picture stays put
    if (n >= 0) {
      prompt.textContent = questions(current)[n].target + " =";
      answer.focus();
    } else if (document.activeElement === answer) {
      answer.blur();
    }
    score.textContent = scoreText();
  }
  function show(i) {
    i = Math.max(0, Math.min(count - 1, frontier(), i));
    if (quiz && i !== current) { transient = null; answer.value = ""; }
    current = i;
    picture.innerHTML = data.frames[i].map(function (k) { return data.pieces[k]; }).join("");
    caption.textContent = data.captions[i];
    caption.setAttribute("data-phase", data.phases[i]);
    slider.value = String(i);
    counter.textContent = (i + 1) + " / " + count;
    document.body.setAttribute("data-frame", String(i));
    renderQuiz();
  }
  function say(i, kind, message) {  // a message said twice in a row is shown once
    var lines = said[i] = said[i] || [];
    if (!lines.length || lines[lines.length - 1].message !== message) { lines.push({kind: kind, message: message}); }
    transient = null;
  }
  function closed(i) {  // the frame's last question closed: on to the frame that shows the answers
    answer.value = "";
    if (openQuestion(i) < 0) { show(i + 1); } else { renderQuiz(); }
  }
  function check() {
    var n = openQuestion(current);
    if (n < 0) { return; }
    var text = answer.value.trim();
    if (text === "") { return; }
    if (text === quiz.reveal) { reveal(); return; }
    var asked = questions(current)[n], key = current + ":" + n, value = readAnswer(text);
    if (value === null) {
      transient = {kind: "unreadable", message: fill(words.unreadable, {reveal: quiz.reveal})};
      renderQuiz();
      answer.select();
      return;
    }
    if (isRight(value, asked.answer)) {
      outcome[key] = attempts[key] ? "right_later" : "right";
      say(current, "right", fill(words[outcome[key]], {explanation: asked.explanation}));
      closed(current);
      return;
    }
    attempts[key] = (attempts[key] || 0) + 1;
    say(current, "wrong", fill(words.wrong, {given: text, hint: asked.hint}));
    renderQuiz();
    answer.select();
  }
  function reveal() {
    var n = openQuestion(current);
    if (n < 0) { return; }
    outcome[current + ":" + n] = "revealed";
    say(current, "revealed", fill(words.revealed, {explanation: questions(current)[n].explanation}));
    closed(current);
  }
  function next() {
    if (openQuestion(current) >= 0) { answer.focus(); panel.classList.remove("nudge"); void panel.offsetWidth; panel.classList.add("nudge"); return; }
    show(current + 1);
  }
  function play() {
    if (timer !== null) { clearInterval(timer); timer = null; playButton.textContent = words.play; return; }
    if (current === count - 1) { show(0); }
    playButton.textContent = words.pause;
    timer = setInterval(function () {
      if (current >= count - 1 || openQuestion(current) >= 0) { play(); } else { show(current + 1); }
    }, 900);
  }
  document.getElementById("prev").addEventListener("click", function () { show(current - 1); });
  document.getElementById("next").addEventListener("click", next);
  playButton.addEventListener("click", play);
  slider.addEventListener("input", function () { show(parseInt(slider.value, 10)); });
  if (quiz) {
    document.getElementById("check").addEventListener("click", check);
    document.getElementById("reveal").addEventListener("click", reveal);
  }
  document.addEventListener("keydown", function (event) {
    if (event.target === answer) {
      if (event.key === "Enter") { check(); event.preventDefault(); }
      else if (event.key === "Escape") { reveal(); event.preventDefault(); }
      return;
    }
    if (event.target === slider) { return; }
    var onButton = event.target.tagName === "BUTTON";
    if (event.key === "ArrowRight") { next(); event.preventDefault(); }
    else if (event.key === "ArrowLeft") { show(current - 1); event.preventDefault(); }
    else if (event.key === "Home") { show(0); event.preventDefault(); }  // not also a scroll of the page
    else if (event.key === "End") { show(count - 1); event.preventDefault(); }
    else if (event.key === " " && !onButton) { play(); event.preventDefault(); }
    else if (event.key === "Enter" && !onButton) { next(); event.preventDefault(); }
    else if (quiz && openQuestion(current) >= 0 && event.key.length === 1 && !event.ctrlKey && !event.metaKey
             && !event.altKey) { answer.focus(); }  // typing anywhere types the answer
  });
  if (quiz) { window.valuegraphQuiz = {readAnswer: readAnswer, isRight: isRight}; }  // the rules, for a console
  var start = /(?:^#|&)frame=(\\d+)/.exec(location.hash);
  show(start ? parseInt(start[1], 10) : 0);
  document.body.setAttribute("data-ready", "1");
})();
"""

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5em; color: #1e293b; }
h1 { font-size: 1.3em; margin: 0 0 0.6em 0; }
.controls { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center; margin-bottom: 0.8em; }
.controls input[type=range] { flex: 1; min-width: 8em; max-width: 40em; }
button { font: inherit; padding: 0.2em 0.8em; }
#score { font-weight: 600; color: #0f172a; margin-left: 0.5em; }
#caption { white-space: pre-wrap; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.9em;
           background: #f8fafc; border-left: 4px solid #94a3b8; padding: 0.6em 0.8em; margin: 0 0 0.8em 0; }
#caption[data-phase=forward] { border-color: #2563eb; }
#caption[data-phase=backward] { border-color: #dc2626; }
#caption[data-phase=done] { border-color: #15803d; }
#caption[data-phase=failed] { border-color: #7f1d1d; background: #fef2f2; }
#quiz { display: flex; flex-wrap: wrap; gap: 0.5em; align-items: center; margin: 0 0 0.5em 0; padding: 0.5em 0.8em;
        background: #fef9c3; border: 2px solid #ca8a04; border-radius: 6px; }
#quiz.nudge { animation: nudge 0.4s; }
@keyframes nudge { 25% { transform: translateX(-6px); } 75% { transform: translateX(6px); } }
#prompt { font-family: ui-monospace, Menlo, Consolas, monospace; font-weight: 600; }
#answer { font: inherit; font-size: 1.1em; width: 8em; padding: 0.15em 0.4em; }
#feedback { min-height: 2.2em; }
#feedback p { margin: 0.2em 0; padding: 0.3em 0.8em; border-radius: 4px; }
#feedback .right { background: #dcfce7; color: #14532d; }
#feedback .wrong { background: #fee2e2; color: #7f1d1d; }
#feedback .revealed { background: #e0e7ff; color: #1e3a8a; }
#feedback .unreadable { background: #f1f5f9; color: #334155; }
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


def page(frames: list, svgs: list[bytes], title: str | None = None, style: str = "normal") -> str:
    """The HTML text for ``frames`` (from :func:`viz.steps`) and their rendered SVGs.

    Frames are stored once as a table of SVG pieces (a node, an edge) plus, per frame, the
    list of its pieces: frames that share a layout share most pieces, which keeps the page
    small (it grows with the number of frames times the number of changed nodes, not the
    size of the graph). When frames ask questions (``steps(root, quiz=True)``) the page is a
    quiz (see :func:`export_html`). Its words follow :func:`viz.set_language`.
    """
    table: dict[str, int] = {}
    layout = []
    for svg in svgs:
        layout.append([table.setdefault(piece, len(table)) for piece in _pieces(svg)])
    data: dict[str, Any] = {"pieces": list(table), "frames": layout, "captions": [frame.caption for frame in frames],
                            "phases": [frame.phase for frame in frames],
                            "words": {key: WORDS(key) for key in ("play", "pause")}}
    asking = any(frame.questions for frame in frames)
    if asking:
        data["quiz"] = {
            "pattern": ANSWER_PATTERN, "relative": RELATIVE_TOLERANCE, "absolute": ABSOLUTE_TOLERANCE,
            "reveal": REVEAL, "total": sum(len(frame.questions) for frame in frames),
            "questions": {str(frame.index): [{"target": q.target, "answer": q.answer, "hint": q.hint,
                                              "explanation": q.explanation} for q in frame.questions]
                          for frame in frames if frame.questions}}
        data["words"].update({key: QUIZ_WORDS.entries[key][language()] for key in QUIZ_WORDS.entries})
    title = title or WORDS("quiz_title" if asking else "title")
    last = len(frames) - 1
    text = {key: html.escape(WORDS(key)) for key in WORDS.entries}
    quiz_html = f"""<div id="quiz" style="visibility: hidden">
<label for="answer" id="prompt"></label>
<input id="answer" type="text" autocomplete="off" spellcheck="false" aria-describedby="feedback">
<button id="check" type="button">{text["check"]}</button>
<button id="reveal" type="button">{text["reveal"]}</button>
</div>
<div id="feedback" aria-live="polite"></div>
""" if asking else ""
    return f"""<!DOCTYPE html>
<html lang="{language()}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body data-frame="0"{' class="projector"' if style == "projector" else ""}>
<h1>{html.escape(title)}</h1>
<div class="controls">
<button id="prev" type="button" title="{text["prev_title"]}">&larr; {text["prev"]}</button>
<button id="play" type="button" title="{text["play_title"]}">{text["play"]}</button>
<button id="next" type="button" title="{text["next_title"]}">{text["next"]} &rarr;</button>
<input id="slider" type="range" min="0" max="{last}" value="0" aria-label="{text["frame"]}">
<span id="counter">1 / {len(frames)}</span>{'<span id="score"></span>' if asking else ""}
</div>
<p class="hint">{text["hint"]}{" " + text["quiz_hint"] if asking else ""}</p>
<p id="caption"></p>
{quiz_html}<div id="picture"></div>
<script id="frames" type="application/json">{json_for_script(data)}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def export_html(root: Value, path: str | Path, *, backend: str = "auto", title: str | None = None,
                rankdir: str = "auto", params: Any = None, cluster: bool = False, color_by_grad: bool = False,
                max_nodes: int | None = STEPS_MAX_NODES, style: str = "normal", quiz: bool = False) -> Path:
    """Write the step-through of ``root`` (see :func:`viz.steps`) as one offline HTML file.

    ``backend`` renders the SVG frames (``auto``, ``dot`` or ``wasm``; see :mod:`viz.rendering`).
    ``style="projector"`` draws large type and thick lines, and sets the page's text large, for
    a wall (see :data:`viz.dot.STYLES`).
    Every frame gets the same layout (node sizes are fixed from the last frame), so the
    picture holds still while stepping. Written by the project's one file writer
    (:func:`valuegraph.files.write_atomic`): atomically, keeping an existing file's permissions;
    the folder must exist. Returns the path written.

    ``quiz=True`` ("predict first") makes the page ask, before it shows each computed value
    and each gradient, what it will be: the student types a number and presses Enter (or
    "check"); a right answer (within 1 %, or 0.001: :mod:`viz.quiz`) shows the next frame, a
    wrong one is told the rule and the arithmetic that give it (forward: the op applied to its
    inputs; backward: local derivative × upstream) and may try again; Esc, ``?`` or "show
    answer" reveals it. The score counts the questions whose first answer was right. The page
    does not step past an open question (prev, and frames already reached, stay open). The
    page's words follow :func:`viz.set_language`.
    """
    if title is not None and not isinstance(title, str):
        raise TypeError(f"export_html(title) must be a str or None, got {type(title).__name__}: {title!r}")
    frames = pinned_frames(root, backend, rankdir=rankdir, params=params, cluster=cluster,
                           color_by_grad=color_by_grad, max_nodes=max_nodes, style=style, quiz=quiz)
    svgs = render_many([frame.source for frame in frames], format="svg", backend=backend)
    return write_atomic(path, page(frames, svgs, title, style), caller="export_html")


def pinned_frames(root: Value, backend: str = "auto", **options: Any) -> list:
    """:func:`viz.steps` frames with every node's size fixed from a layout of the last frame,
    so that all frames share one layout (each frame is built once)."""
    return list(steps(root, node_sizes=lambda source: node_sizes(source, backend), **options))
