"""viz.dot: the DOT text of graphs (no rendering here; see test_render)."""

import re

import graphviz
import pytest

import autograd
from autograd import Value
from viz import COLOURS, GraphTooLargeError, draw, steps

from .graphs import lecture, named_network, neuron_graph


def cells(source):
    """Texts of the value records' fields, in order (labels without escaped characters)."""
    records = re.findall(r'^\s*v\d+ \[label="\{?([^"{}]*)\}?"', source, flags=re.M)  # {a|b} left to right
    return [field for record in records for field in record.split("|")]


def edges(source):
    return re.findall(r"^\s*(\w+) -> (\w+)", source, flags=re.M)


def test_lecture_example_values_and_gradients():
    f, (x, y, z) = lecture()
    f.backward()
    source = draw(f).source
    texts = cells(source)
    # values: x + y = 1, (x + y)z = 2, max(., 0) = 2; gradients: x 2, y 2, z 1, output 1
    for value in ("data 1", "data 2"):
        assert value in texts
    assert texts.count("data 2") == 3  # z, (x + y)z and the output
    assert [t for t in texts if t.startswith("grad")] == ["grad 2", "grad 2", "grad 2", "grad 1", "grad 1",
                                                          "grad 1"]  # the constant 0 has no gradient cell
    assert ["x", "data -2", "grad 2"] == texts[:3]
    assert ["n1", "data 1", "grad 2"] == texts[6:9]  # unlabelled values are numbered n1, n2, ...


def test_unlabelled_values_are_numbered_without_clashing_with_the_lectures_v_or_a_label():
    """The lecture names its values v = x + y and u = zv: a drawing's own names must not read
    as those (v2, v4, v6 did), nor as a name the user gave."""
    f, _ = lecture()
    assert [cell for cell in cells(draw(f).source) if re.fullmatch(r"[a-z]\d", cell)] == ["n1", "n2", "n3"]
    a = Value(1.0, "n2")
    b = (a * 2).exp() + a  # unlabelled: a * 2, its exp, the sum
    names = [cell for cell in cells(draw(b).source) if re.fullmatch(r"n\d", cell)]
    assert names == ["n2", "n1", "n3", "n4"]  # the label n2 keeps its name; the others skip it


def test_a_constant_is_drawn_as_its_number_alone():
    """The 0 of max(v, 0) is a small box holding 0: no name, no gradient, no annotated edge."""
    f, _ = lecture()
    f.backward()
    source = draw(f).source
    assert re.search(r'^\s*v5 \[label=0 shape=box style="rounded,filled" fillcolor="#f3f4f6"', source, flags=re.M)
    assert "v5|" not in source and "v6_in1" not in source
    assert re.search(r"^\s*v5 -> v6_op$", source, flags=re.M)


def test_same_graph_gives_same_dot_text():
    first, _ = lecture()
    second, _ = lecture()
    first.backward()
    second.backward()
    assert draw(first).source == draw(second).source
    assert draw(first).source == draw(first).source


def test_returns_digraph_with_ids_from_traversal_order():
    f, _ = lecture()
    graph = draw(f)
    assert isinstance(graph, graphviz.Digraph)
    assert edges(graph.source) == [("v0", "v2_op"), ("v1", "v2_op"), ("v2_op", "v2"), ("v2", "v4_op"),
                                   ("v3", "v4_op"), ("v4_op", "v4"), ("v4", "v6_op"), ("v5", "v6_op"),
                                   ("v6_op", "v6")]
    assert "0x" not in graph.source  # nothing named by id()


def test_a_plus_a_is_two_edges():
    a = Value(3.0, "a")
    graph = draw(a + a)
    assert edges(graph.source).count(("v0", "v1_op")) == 2


def test_edges_follow_parent_order():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    assert edges(draw(b - a).source)[:2] == [("v0", "v2_op"), ("v1", "v2_op")]
    assert edges(draw(a - b).source)[:2] == [("v0", "v2_op"), ("v1", "v2_op")]
    assert cells(draw(b - a).source)[0] == "b"


def test_op_nodes_show_the_op_with_its_constant():
    x = Value(2.0, "x")
    source = draw((x ** 2).leaky_relu(0.1) + x.relu()).source
    for text in ('label="**2"', 'label="leaky_relu(0.1)"', "label=relu", 'label="+"'):
        assert text in source


def test_modes():
    f, _ = lecture()
    before = draw(f).source  # auto: no gradient yet, so forward
    assert "grad" not in before and "local" not in before
    f.backward()
    after = draw(f).source  # auto after backward: both
    assert "grad 2" in after and "local ∂n2/∂n1 = 2" in after and "dir=back" not in after
    assert "grad" not in draw(f, mode="forward").source
    backward = draw(f, mode="backward").source
    assert "grad 2" in backward and "dir=back" in backward
    assert draw(f, mode="both").source == after


def test_edge_labels_are_local_derivative_and_contribution():
    f, _ = lecture()
    f.backward()
    source = draw(f).source
    # (x + y) -> *: local ∂/∂(x + y) = z = 2, upstream 1, contribution 2, in a text node on the edge
    assert re.search(r'v4_in0 \[label="local ∂n2/∂n1 = 2\\n× upstream ∂n3/∂n2 = 1\\n= contribution 2"', source)
    assert re.search(r"^\s*v2 -> v4_in0 \[dir=none\]\n\s*v4_in0 -> v4_op\n", source, flags=re.M)
    # x -> +: local 1, upstream 2, contribution 2
    assert re.search(r'v2_in0 \[label="local ∂n1/∂x = 1\\n× upstream ∂n3/∂n1 = 2\\n= contribution 2"', source)


def test_edge_labels_name_long_values_by_their_numbers_only():
    a, b = Value(2.0, "a_long_name"), Value(3.0, "b")
    out = a * b
    out.backward()
    assert 'v2_in0 [label="local 3\\n× upstream 1\\n= contribution 3"' in draw(out).source


def test_projector_style_has_large_type_and_thick_lines():
    f, _ = lecture()
    f.backward()
    normal, large = draw(f).source, draw(f, style="projector").source
    assert "node [fontname=Helvetica fontsize=11" in normal and "fontsize=10 arrowsize=0.7" in normal
    assert "node [fontname=Helvetica fontsize=20" in large and "fontsize=17 arrowsize=1.1" in large
    assert re.sub(r"fontsize=\d+|penwidth=[\d.]+|arrowsize=[\d.]+", "", normal) == \
        re.sub(r"fontsize=\d+|penwidth=[\d.]+|arrowsize=[\d.]+", "", large)  # the same drawing otherwise
    with pytest.raises(ValueError, match="unknown style 'huge' \\(must be one of normal, projector, compact\\)"):
        draw(f, style="huge")


def test_rankdir_and_bad_options():
    f, _ = lecture()
    assert "rankdir=TB" in draw(f, rankdir="TB").source
    with pytest.raises(ValueError, match="unknown mode 'sideways'.*forward, backward, both"):
        draw(f, mode="sideways")
    with pytest.raises(ValueError, match="unknown rankdir 'XY'.*LR, TB"):
        draw(f, rankdir="XY")
    with pytest.raises(TypeError, match="needs an autograd Value, got float"):
        draw(3.0)
    with pytest.raises(TypeError, match="color_by_grad must be True or False"):
        draw(f, color_by_grad="yes")


def test_colours_tell_roles_apart():
    f, (x, _, _) = lecture()
    w = Value(0.5)
    g = f * w
    source = draw(g, params={"w": w}).source
    lines = {m.group(1): m.group(0) for m in re.finditer(r"^\s*(v\d+) \[.*$", source, flags=re.M)}
    assert COLOURS["input"] in lines["v0"]        # x
    assert COLOURS["constant"] in lines["v5"]     # the 0 of max(., 0)
    assert COLOURS["parameter"] in lines["v7"]    # w
    assert COLOURS["output"] in lines["v8"]
    assert COLOURS["op"] in source
    assert re.search(r'label="\{?w\|', lines["v7"])


def test_labels_are_escaped():
    evil = Value(1.0, '<script>alert("x")</script>')
    other = Value(2.0, 'a"b\\c{d}|e\\')
    source = draw(evil * other, title="<b>title</b>").source
    assert "label=<" not in source  # never an HTML-like label
    # record syntax escaped, quotes escaped, a trailing backslash cannot swallow the closing quote
    assert 'label="{\\<script\\>alert(\\"x\\")\\</script\\>|data 1}"' in source
    assert 'label="{a\\"b\\\\c\\{d\\}\\|e\\\\|data 2}"' in source
    assert 'label="<b>title</b>"' in source  # a plain string, not an HTML-like label


def test_drawing_does_not_change_gradients():
    f, (x, y, z) = lecture()
    f.backward()
    f.backward()  # leaves accumulate: 4, 4, 2
    draw(f, mode="both", gradcheck=True)
    assert (x.grad, y.grad, z.grad) == (4.0, 4.0, 2.0)
    assert "grad 4" in draw(f).source


def test_gradcheck_overlay_shows_numeric_gradient_and_relative_error():
    x = Value(3.0, "x")
    f = x * x + x.sin()
    f.backward()
    source = draw(f, gradcheck=True).source
    match = re.search(r"numeric ([-\d.e]+) \(rel err ([\d.e+-]+)\)", source)
    assert match
    import math
    assert float(match.group(1)) == pytest.approx(6 + math.cos(3.0), rel=1e-4)
    assert float(match.group(2)) < 1e-6
    assert "MISMATCH" not in source
    assert "numeric" not in draw(f).source


def test_gradcheck_overlay_where_the_gradient_does_not_exist():
    """sqrt at 0: backpropagation fails and sqrt(0 - h) is outside the domain; the overlay shows the
    one-sided difference and says why the analytic gradient is missing, instead of raising."""
    from .graphs import no_derivative

    y, _ = no_derivative()
    source = draw(y, gradcheck=True).source
    assert "x|data 0|numeric 2000 (one-sided); analytic unavailable}" in source
    assert "gradcheck: analytic gradients unavailable (backward: non-finite gradient in 'sqrt'" in source
    assert y.grad == 0.0 and "|grad " not in source  # only read: backward was never run


def test_color_by_grad_marks_vanishing_gradients():
    x, y = Value(1.0, "x"), Value(1.0, "y")
    f = x * 1e-9 + y
    f.backward()
    source = draw(f, color_by_grad=True).source
    x_line = next(line for line in source.splitlines() if line.strip().startswith("v0 "))
    y_line = next(line for line in source.splitlines() if line.strip().startswith("v3 "))
    assert f'fillcolor="{COLOURS["vanishing"]}"' in x_line
    assert f'fillcolor="{COLOURS["input"]}"' not in y_line and f'fillcolor="{COLOURS["vanishing"]}"' not in y_line
    assert COLOURS["vanishing"] not in draw(f).source


def test_parameter_names_and_neuron_clusters():
    out, names = neuron_graph()
    out.backward()
    source = draw(out, params=names, cluster=True).source
    assert re.search(r'label="\{?layers.0.neurons.1.w.2\|', source)
    assert source.count("subgraph cluster_") == 2
    assert 'label="layers.0.neurons.0"' in source
    assert "subgraph" not in draw(out, params=names, collapse=None).source


def test_collapse_neurons_into_single_nodes():
    out, names = neuron_graph()
    out.backward()
    source = draw(out, params=names, collapse="neuron").source
    assert "g_layers_0_neurons_0" in source and "g_layers_0_neurons_1" in source
    assert 'label="neurons.0\\nout ' in source and 'layer_0_title [label="layers.0"' in source
    assert "w.1" not in source
    layer = draw(out, params=names, collapse="layer").source
    assert "g_layers_0 " in layer and "neurons" not in layer.replace("layers.0", "")


def chain(n):
    v = Value(0.5, "x")
    for _ in range(n):
        v = v * 1.0
    return v


def test_size_limit_raises_a_clear_error():
    v = chain(400)  # 801 values
    with pytest.raises(GraphTooLargeError, match=r"801 values, more than max_nodes=600.*max_nodes=801"):
        draw(v)
    assert isinstance(draw(v, max_nodes=None), graphviz.Digraph)
    with pytest.raises(GraphTooLargeError, match="max_nodes=10"):
        draw(chain(10), max_nodes=10)
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        draw(chain(1), max_nodes=0)


def test_size_limit_collapses_named_neurons():
    out, names = neuron_graph(n_inputs=6, n_neurons=3)
    with pytest.raises(GraphTooLargeError):
        draw(out, max_nodes=20)  # unnamed: cannot collapse
    source = draw(out, params=names, max_nodes=20).source
    assert "g_layers_0_neurons_2" in source


def test_params_of_the_wrong_type():
    f, _ = lecture()
    with pytest.raises(TypeError, match="params"):
        draw(f, params=3)
    with pytest.raises(TypeError, match="not a Value"):
        draw(f, params={"w": 1.0})


def test_an_nn_model_names_its_parameters_and_clusters_its_neurons():
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [3, 1], activation="tanh", seed=0)
    out = model([0.5, -1.0])
    out.backward()
    source = draw(out, params=model, cluster=True).source
    for name, _ in model.named_parameters():
        assert re.search(rf'label="\{{?{re.escape(name)}\|', source)
    assert source.count("subgraph cluster_") == 4  # three hidden neurons and the output neuron
    collapsed = draw(out, params=model, collapse="neuron").source
    assert collapsed.count("label=\"neurons.") == 4 and "layers.0.neurons.0.w.0" not in collapsed


def test_a_graph_whose_backward_fails_is_still_drawn_with_the_reason():
    x = Value(0.0, "x")
    f = x.sqrt()  # defined at 0, its derivative is not
    source = draw(f, mode="both").source
    assert "no local derivatives: backward: non-finite gradient in 'sqrt'" in source
    assert "local 0" not in source and "label=\"local" not in source  # no edge annotations


@pytest.mark.needs_wasm
def test_drawing_pipes_and_renders_svg_and_png_without_system_dot(tmp_path, monkeypatch):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no dot: WebAssembly Graphviz, through viz's backend choice
    f, _ = lecture()
    f.backward()
    drawing = draw(f)
    assert drawing.pipe(format="svg").startswith(b"<?xml") and "grad 2" in drawing.pipe(format="svg", encoding="utf-8")
    assert drawing._repr_mimebundle_(include=["image/png"])["image/png"][:4] == b"\x89PNG"
    written = drawing.render(str(tmp_path / "graph"), format="svg")
    assert written == str(tmp_path / "graph.svg") and (tmp_path / "graph").read_text() == drawing.source
    assert "grad 2" in (tmp_path / "graph.svg").read_text()
    assert drawing.render(outfile=tmp_path / "out.png") == str(tmp_path / "out.png")
    assert (tmp_path / "out.png").read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(graphviz.ExecutableNotFound, match=r"Drawing.pipe\(format='pdf'\) needs Graphviz's dot.*viz.render"):
        drawing.pipe()  # graphviz's default format is PDF
    with pytest.raises(graphviz.ExecutableNotFound, match="viz.render"):
        drawing.render(str(tmp_path / "graph"), format="svg", engine="neato")


@pytest.mark.parametrize("backend", [pytest.param("wasm", marks=pytest.mark.needs_wasm), "dot"])
def test_labels_holding_html_entities_are_drawn_as_written(backend):
    import xml.etree.ElementTree as ET

    from viz.rendering import has_system_dot, render_source

    if backend == "dot" and not has_system_dot():
        pytest.skip("system dot is not installed")
    out = Value(2.0, "R&amp;D") * Value(3.0, "a & b")
    out.label = "x &lt; 1"
    svg = render_source(draw(out, title="&copy; me").source, "svg", backend)
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert {"R&amp;D", "a & b", "x &lt; 1", "&copy; me"} <= set(texts)


def test_collapsed_groups_whose_names_differ_only_in_punctuation_stay_apart():
    x = Value(1.0, "x")
    names = {}
    total = None
    for prefix in ("a.b", "a_b", "n-1", "n_1"):
        w = Value(0.5)
        names[f"{prefix}.w"] = w
        term = (w * x).tanh()
        total = term if total is None else total + term
    source = draw(total, params=names, collapse="neuron").source
    groups = re.findall(r"^\s*(g_\w+) \[label=\"([^\\]*)\\n", source, flags=re.M)
    # a.b sits in layer a's rank, named b there; the other three are top-level groups
    assert sorted(groups) == [("g_a_b", "b"), ("g_a_b_2", "a_b"), ("g_n_1", "n-1"), ("g_n_1_2", "n_1")]


def test_only_the_engines_constants_are_drawn_as_constants():
    """An unlabelled leaf made by the user (a weight) is a value with a gradient; the 3 written
    into the expression is an autograd.Constant."""
    from autograd import Constant

    w, x = Value(0.5), Value(2.0, "x")
    out = w * x + 3
    out.backward()
    source = draw(out).source
    assert re.search(r'v0 \[label="\{?n1\|data 0.5\|grad 2\}?"', source)
    assert [type(n) for n in __import__("autograd").topological_order(out)].count(Constant) == 1
    assert re.search(r"^\s*v3 \[label=3 shape=box", source, flags=re.M)



def test_a_big_network_is_drawn_neuron_by_neuron_layer_by_layer_by_default():
    """micrograd's demo network MLP(2, [16, 16, 1]): 404 values for one input, too many to read
    drawn whole (2159 x 15830 pt); by default its neurons are collapsed, each layer one rank in
    numeric order (0, 1, ..., 15, not 10-15 first)."""
    nn = pytest.importorskip("nn")
    from viz import READABLE_VALUES
    from autograd import topological_order

    model = nn.MLP(2, [16, 16, 1], seed=0)
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    out.backward()
    assert len(topological_order(out)) == 404 > READABLE_VALUES
    source = draw(out, params=model).source
    nodes = re.findall(r"^\s*(\w+) \[label=", source, flags=re.M)
    assert len(nodes) == 2 + 33 + 3  # the inputs, 33 neurons and the 3 layers' names
    for layer, size in ((0, 16), (1, 16), (2, 1)):
        chain = " -> ".join([f"layer_{layer}_title"] + [f"g_layers_{layer}_neurons_{k}" for k in range(size)])
        assert f"\t\t{chain} [style=invis]" in source
        assert f"subgraph layer_{layer} {{\n\t\trank=same" in source
    assert len(re.findall(r"^\s*v\d+ \[label=", draw(out, params=model, collapse=None).source, flags=re.M)) == 404
    one = nn.MLP(2, [1], seed=0)  # one neuron: drawn whole, there is nothing to collapse it into
    assert "g_layers" not in draw(one([0.5, -1.0]), params=one).source


def test_a_big_network_drawn_without_params_finds_its_neurons_by_itself():
    """``draw(model(x))`` as a micrograd user writes it, no params=: the neurons (dot nodes over
    leaf weights) are found and named as nn names them, so the drawing is the same as with
    params=model; over a minibatch the same neuron on every sample is one neuron."""
    nn = pytest.importorskip("nn")
    from autograd import topological_order
    from viz.graph import neuron_names

    model = nn.MLP(2, [16, 16, 1], seed=0)
    out = model([Value(0.5, "x0"), Value(-1.0, "x1")])
    out.backward()
    assert draw(out).source == draw(out, params=model).source
    assert neuron_names(topological_order(out)) == dict(model.named_parameters())
    batch = autograd.sum([model([x0, x1]) for x0, x1 in ((0.5, -1.0), (0.2, 0.3), (-0.7, 0.1))])
    assert neuron_names(topological_order(batch)) == dict(model.named_parameters())
    one = nn.MLP(2, [1], seed=0)
    assert "layers." not in draw(one([0.5, -1.0])).source  # one neuron: drawn whole, weights unnamed


def test_edge_texts_sit_in_their_ops_neuron_box_and_constants_get_no_gradient_arrow():
    out, names = neuron_graph()
    out.backward()
    source = draw(out, params=names, cluster=True).source
    clusters = re.findall(r"subgraph cluster_\d+ \{(.*?)\n\t\}", source, flags=re.S)
    inside = [set(re.findall(r"^\s*(v\d+_in\d+) \[", body, flags=re.M)) for body in clusters]
    assert all(inside) and not set().union(*inside) & set(re.findall(r"^\t(v\d+_in\d+) \[", source, flags=re.M))
    f, _ = lecture()
    f.backward()
    assert re.search(r'^\s*v5 -> v6_op \[color="#94a3b8" dir=none\]', draw(f, mode="backward").source, flags=re.M)


def width_pt(source):
    """The width Graphviz lays a drawing out to, in points."""
    from viz.rendering import render_source

    return float(re.search(r'<svg width="([\d.]+)pt"', render_source(source, "svg").decode()).group(1))


@pytest.mark.needs_wasm
def test_a_drawing_fits_a_notebooks_width_left_to_right_or_else_top_to_bottom():
    """900 px (675 pt) wide: the lecture's forward graph left to right; after backward() its edge
    texts make it 1,300 pt that way, so it is drawn top to bottom. rankdir= still decides."""
    from viz.dot import FIT_WIDTH

    f, _ = lecture()
    forward = draw(f).source
    assert "rankdir=LR" in forward and width_pt(forward) <= FIT_WIDTH * 0.75
    f.backward()
    both = draw(f).source
    assert "rankdir=TB" in both and width_pt(both) <= FIT_WIDTH * 0.75
    assert width_pt(draw(f, rankdir="LR").source) > FIT_WIDTH * 0.75  # what rankdir="auto" avoided
    assert "rankdir=LR" in draw(f, rankdir="LR").source
    assert all("rankdir=TB" in frame.source for frame in steps(f))  # the step-through chooses alike


@pytest.mark.needs_wasm
def test_a_network_too_wide_either_way_is_drawn_by_neurons_unless_asked_otherwise():
    """An MLP's loss, drawn value by value, is thousands of points wide both ways: by default
    its neurons are collapsed (and it fits); collapse=None, or cluster=True, draw every value."""
    nn = pytest.importorskip("nn")
    from viz.dot import FIT_WIDTH

    model = nn.MLP(2, [4, 1], seed=0)
    loss = (model([0.5, -0.2]) - 1.0) ** 2
    loss.backward()
    whole = draw(loss, params=model, collapse=None).source
    assert min(width_pt(whole), width_pt(draw(loss, params=model, collapse=None, rankdir="TB").source)) > 1500
    collapsed = draw(loss, params=model).source
    assert collapsed.count("[label=\"neurons.") == 5 and width_pt(collapsed) <= FIT_WIDTH * 0.75
    assert draw(loss).source == collapsed  # without params= the neurons are found, as nn names them
    assert "neurons.0\\nout" not in draw(loss, params=model, cluster=True).source


def test_ops_a_student_may_not_know_at_sight_are_explained_in_a_key():
    """A loss drawn whole shows Σ, softplus, dot and relu nodes: the key above the graph gives
    each one's formula from the op table; +, * and max need none."""
    nn = pytest.importorskip("nn")
    model = nn.MLP(2, [2, 1], seed=0)
    loss = nn.losses.bce_with_logits([model([0.5, -1.0])], [1.0])
    source = draw(loss, params=model, collapse=None).source
    key = re.search(r'graph \[label="([^"]*)" labelloc=t\]', source).group(1).split("\\n")
    assert key == ["dot: Σᵢ wᵢxᵢ + b", "relu: max(0, x)", "softplus: log(1 + eˣ)", "Σ: Σᵢ xᵢ"]
    f, _ = lecture()
    assert "labelloc" not in draw(f).source
    assert draw(loss, params=model, collapse=None, title="one sample").source.count('labelloc=t') == 1


def test_groups_name_neurons_in_the_callers_words_and_expand_opens_one():
    """A playground names its neurons "layer 1, neuron 2" (no dotted paths): groups= lists them by
    the values they output; collapse="neuron" draws each as one box named so, and the loss after
    the output stays value by value; expand= opens the named neuron, every other one collapsed."""
    loss, params, groups = named_network()
    loss.backward()
    source = draw(loss, params=params, groups=groups, collapse="neuron").source
    boxes = re.findall(r'^\s*(g_\w+) \[label="([^"]*)"', source, flags=re.M)
    assert [label.split("\\n")[0] for _, label in boxes] == ["layer 1, neuron 1", "layer 1, neuron 2", "output"]
    assert "(5 values)" in boxes[0][1] and "(4 values)" in boxes[2][1]  # w, w, b, their dot and tanh; no tanh out
    assert "layers." not in source and "layer_0_title" not in source  # the names say the layer: no title
    assert re.search(r'label="\{?loss\|', source) and "w(x1" not in source  # the loss value by value, weights hidden
    opened = draw(loss, params=params, groups=groups, expand=["layer 1, neuron 2"]).source  # collapse follows
    assert "w(x1 → layer 1, neuron 2)" in opened and "w(x1 → layer 1, neuron 1)" not in opened
    assert [label.split("\\n")[0] for _, label in re.findall(r'^\s*(g_\w+) \[label="([^"]*)"', opened, flags=re.M)] \
        == ["layer 1, neuron 1", "output"]
    assert re.search(r"rank=same\n(\s*g_\w+ \[.*\n)*\s*v\d+\n", opened)  # the open neuron's output in its layer's row
    layers = draw(loss, params=params, groups=groups, collapse="layer").source
    assert [label.split("\\n")[0] for _, label in re.findall(r'^\s*(g_\w+) \[label="([^"]*)"', layers, flags=re.M)] \
        == ["layer 1", "output"]
    assert draw(loss, params=params, groups=groups, collapse=None).source == draw(loss, params=params, collapse=None).source
    with pytest.raises(ValueError, match=r"expand\): 'layer 3' is not a neuron or layer .*'layer 1, neuron 1'"):
        draw(loss, params=params, groups=groups, expand=["layer 3"])
    with pytest.raises(ValueError, match=r"groups\): no value of the graph is named 'neuron 9'"):
        draw(loss, params=params, groups=["neuron 9"])
    with pytest.raises(ValueError, match="cannot go with collapse=None"):
        draw(loss, params=params, groups=groups, collapse=None, expand=["output"])


def test_the_compact_style_puts_each_name_above_its_numbers():
    loss, params, groups = named_network()
    loss.backward()
    compact = draw(loss, params=params, groups=groups, collapse=None, rankdir="TB", style="compact").source
    assert 'label="{w(x1 →\\nlayer 1, neuron 2)|data 0.6|grad ' in compact  # a long name in two lines, then its numbers
    assert 'label="{loss|data ' in compact
    wide = draw(loss, params=params, groups=groups, collapse=None, rankdir="TB").source
    assert 'label="w(x1 → layer 1, neuron 2)|data 0.6|grad ' in wide
    assert width_pt(compact) < 0.7 * width_pt(wide)
