"""See the forward and backward passes: draw graphs, step through them, render, plot.

>>> from autograd import Value
>>> import viz
>>> x, y, z = Value(-2.0, "x"), Value(3.0, "y"), Value(2.0, "z")
>>> f = ((x + y) * z).max(0)
>>> f.backward()
>>> graph = viz.draw(f)            # a graphviz.Digraph: shown as SVG in Jupyter
>>> "grad 2" in graph.source
True
"""

from .dot import COLOURS, DEFAULT_MAX_NODES, MODES, GraphTooLargeError, draw
from .render import BACKENDS, FORMATS, render, render_source

__all__ = ["draw", "render", "render_source", "GraphTooLargeError", "MODES", "COLOURS", "DEFAULT_MAX_NODES",
           "BACKENDS", "FORMATS"]
