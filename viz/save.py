"""Writing a drawing to a file: ``render(graph, "graph.svg")``.

The one place where drawing (:mod:`viz.dot`) meets rendering (:mod:`viz.rendering`): a ``Value``
is drawn first, then its DOT text rendered; a ``graphviz`` object or DOT text is rendered as
it is. Building and rendering stay apart: :mod:`viz.dot` uses :mod:`viz.rendering`, never the
other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograd import Value

from .dot import draw
from .rendering import dot_text, write

__all__ = ["render"]


def render(graph: Any, path: str | Path, *, format: str | None = None, backend: str = "auto",
           **draw_options: Any) -> Path:
    """Write a drawing to ``path`` and return the path.

    ``graph`` is a ``Value`` (drawn with :func:`viz.draw` and ``draw_options``, e.g.
    ``mode="backward"``), any graphviz object (``graphviz.Digraph``, ``Graph``, ``Source``) or
    DOT text. The format comes from ``format`` or else the file's suffix (``.svg``, ``.png``,
    ``.pdf``, ``.dot``/``.gv``). ``backend``: ``auto`` (system ``dot`` if installed, else
    WebAssembly), ``dot`` or ``wasm``.
    """
    if isinstance(graph, Value):
        source = draw(graph, **draw_options).source
    elif draw_options:
        raise TypeError(f"render: drawing options ({', '.join(draw_options)}) only apply when graph is a Value")
    else:
        source = dot_text(graph, "render")
    return write(source, path, format=format, backend=backend)
