"""Writing a drawing to a file: ``render(graph, "graph.svg")``.

The one place where drawing (:mod:`viz.dot`) meets rendering (:mod:`viz.render`): a ``Value``
is drawn first, then its DOT text rendered; a ``graphviz`` object or DOT text is rendered as
it is. Building and rendering stay apart: :mod:`viz.dot` uses :mod:`viz.render`, never the
other way round.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import graphviz

from autograd import Value

from .dot import draw
from .render import FORMATS, render_source

__all__ = ["render"]


def render(graph: Any, path: str | Path, *, format: str | None = None, backend: str = "auto",
           **draw_options: Any) -> Path:
    """Write a drawing to ``path`` and return the path.

    ``graph`` is a ``Value`` (drawn with :func:`viz.draw` and ``draw_options``, e.g.
    ``mode="backward"``), a ``graphviz.Digraph`` or DOT text. The format comes from
    ``format`` or else the file's suffix (``.svg``, ``.png``, ``.pdf``, ``.dot``/``.gv``).
    ``backend``: ``auto`` (system ``dot`` if installed, else WebAssembly), ``dot`` or ``wasm``.
    """
    path = Path(path)
    if format is None:
        suffix = path.suffix.lower().lstrip(".")
        format = "dot" if suffix == "gv" else suffix
        if format not in FORMATS:
            raise ValueError(f"render: cannot tell the format from {path.name!r}; use a suffix among "
                             f".{', .'.join(FORMATS)} or pass format=")
    if isinstance(graph, Value):
        source = draw(graph, **draw_options).source
    elif draw_options:
        raise TypeError(f"render: drawing options ({', '.join(draw_options)}) only apply when graph is a Value")
    elif isinstance(graph, graphviz.Digraph):
        source = graph.source
    elif isinstance(graph, str):
        source = graph
    else:
        raise TypeError(f"render(graph) needs a Value, a graphviz.Digraph or DOT text, got {type(graph).__name__}")
    data = render_source(source, format=format, backend=backend)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
