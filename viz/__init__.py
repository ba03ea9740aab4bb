"""See the forward and backward passes: draw graphs, step through them, render, plot.

>>> from autograd import Value
>>> import viz
>>> x, y, z = Value(-2.0, "x"), Value(3.0, "y"), Value(2.0, "z")
>>> f = ((x + y) * z).max(0)
>>> f.backward()
>>> graph = viz.draw(f)            # a graphviz.Digraph: shown as SVG in Jupyter
>>> "grad 2" in graph.source
True

* :func:`draw` -> ``graphviz.Digraph``; :func:`render` writes SVG/PNG/PDF (system ``dot`` or
  in-process WebAssembly Graphviz); :func:`show` displays or saves any graphviz object (such as
  karpathy's ``draw_dot(y)``) the same way, with or without ``dot``.
* :func:`steps` -> frames of the forward then backward pass; :func:`stepper` (Jupyter) and
  :func:`export_html` (one offline web page) step through them; with ``quiz=True`` they ask
  the student for each value and gradient first (:mod:`viz.quiz`).
* :mod:`viz.plots`: training history, decision boundary, activations, optimizer paths, in the
  colours of :mod:`viz.palette` (TensorFlow Playground's orange and blue classes).
* :class:`Playground`: the lecture's TensorFlow Playground, live in Jupyter, scriptable, saved and replayed.
* :func:`set_language`: captions, messages and labels in English (``"en"``) or Spanish (``"es"``).

The modules depend one way: :mod:`viz.graph` reads a graph through the engine's public
interface; :mod:`viz.gradcheck` computes the overlay from it; :mod:`viz.dot` builds DOT text
from both; :mod:`viz.rendering` renders DOT text (and knows nothing of how it was built);
:mod:`viz.save` joins drawing and rendering for ``render(value, path)``; :mod:`viz.steps`,
:mod:`viz.quiz`, :mod:`viz.html` and :mod:`viz.jupyter` build on those; :mod:`viz.language`
and :mod:`viz.palette` (words and colours) stand below everything; :mod:`viz.playground` (with
:mod:`viz.playground_view` drawing it and :mod:`viz.playground_widget` making it live) on ``nn``
and :mod:`viz.jupyter`.
"""

from .dot import COLOURS, DEFAULT_MAX_NODES, MODES, READABLE_VALUES, STYLES, GraphTooLargeError, draw
from .html import export_html
from .jupyter import stepper
from .language import language, set_language
from .rendering import BACKENDS, FORMATS, DotNotFoundError, Drawing, render_source, show
from .save import render
from .steps import STEPS_MAX_NODES, Frame, steps

__all__ = ["Playground", "draw", "Drawing", "DotNotFoundError", "render", "render_source", "show", "steps", "Frame", "stepper", "export_html", "GraphTooLargeError",
           "set_language", "language",
           "MODES", "COLOURS", "DEFAULT_MAX_NODES", "READABLE_VALUES", "STYLES", "STEPS_MAX_NODES", "BACKENDS", "FORMATS"]


def __getattr__(name: str):
    # viz.Playground stands on nn and numpy: import them when it is first asked for, so that
    # drawing a graph (and the valuegraph command) does not load them.
    if name == "Playground":
        from .playground import Playground

        return Playground
    raise AttributeError(f"module 'viz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), "Playground"})  # so that completion offers viz.Playground too
