"""viz.steps: frames of the forward pass, then the engine's own backward steps."""

import re
import xml.etree.ElementTree as ET

import pytest

from autograd import OPS, Value, apply, backward_steps, topological_order
from viz import Frame, GraphTooLargeError, draw, steps

from .graphs import lecture, named_network, neuron_graph


def test_frame_count_and_phases():
    f, _ = lecture()
    frames = list(steps(f))
    n = len(topological_order(f))
    other, _ = lecture()
    n_steps = len(list(backward_steps(other)))
    assert len(frames) == n + 1 + n_steps + 1
    assert [fr.phase for fr in frames] == ["forward"] * n + ["backward"] * (1 + n_steps) + ["done"]
    assert [fr.index for fr in frames] == list(range(len(frames)))
    assert all(isinstance(fr, Frame) for fr in frames)


def test_forward_frames_follow_topological_order():
    f, _ = lecture()
    frames = list(steps(f))
    order = topological_order(f)
    assert [fr.node for fr in frames[:len(order)]] == order
    assert frames[2].caption == "Forward: n1 = x + y = (-2) + 3 = 1."
    assert frames[5].caption == "Forward: the constant 0."
    assert frames[6].caption == "Forward: n3 = max(n2, 0) = max(2, 0) = 2."
    # a value not computed yet is drawn faint, without its value; the frame's own value is highlighted
    first = frames[0].source
    assert re.search(r'v6 \[label="\{?n3\|data \?\|grad \?\}?"[^\]]*fontcolor="#94a3b8"', first)
    assert re.search(r'v0 \[label="\{?x\|data -2\|grad \?\}?"[^\]]*penwidth=3', first)


def test_backward_frames_replay_the_engines_steps():
    f, _ = lecture()
    frames = [fr for fr in steps(f) if fr.step is not None]
    reference, _ = lecture()
    expected = list(backward_steps(reference))
    assert len(frames) == len(expected)
    for frame, step in zip(frames, expected):
        assert frame.node is frame.step.node
        assert frame.step.upstream == step.upstream
        assert [(e.index, e.local_grad, e.contribution, e.grad_before, e.grad_after) for e in frame.step.edges] == \
               [(e.index, e.local_grad, e.contribution, e.grad_before, e.grad_after) for e in step.edges]
    assert frames[1].caption.splitlines() == [
        "Backward through n2 = n1 * z = 2: upstream ∂n3/∂n2 = 1.",
        "  n1: local ∂n2/∂n1 = 2; contribution 2 × 1 = 2; n1.grad = 0 + 2 = 2",
        "  z: local ∂n2/∂z = 1; contribution 1 × 1 = 1; z.grad = 0 + 1 = 1",
    ]


@pytest.mark.parametrize("op", [op for op in OPS.values() if op.arity in (1, 2)], ids=lambda op: op.name)
def test_forward_caption_writes_every_op_with_its_table_symbol(op):
    a, b = Value(0.5, "a"), Value(0.25, "b")
    param = {"pow": 2, "leaky_relu": 0.1, "elu": 1.0}.get(op.name)
    out = apply(op, (a, b)[:op.arity], param)
    caption = list(steps(out))[op.arity].caption
    text = op.describe(param)
    expected = {"add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b", "power": "a ** b",
                "neg": "-a", "pow": "a**2"}.get(op.name, f"{text}({', '.join('ab'[:op.arity])})")
    assert caption.startswith(f"Forward: n1 = {expected} = "), caption


def test_running_sum_on_a_reused_value():
    a = Value(3.0, "a")
    frames = list(steps(a * a))
    backward = [fr for fr in frames if fr.step is not None]
    assert backward[0].caption.splitlines()[1:] == [
        "  a: local ∂n1/∂a = 3; contribution 3 × 1 = 3; a.grad = 0 + 3 = 3",
        "  a: local ∂n1/∂a = 3; contribution 3 × 1 = 3; a.grad = 3 + 3 = 6",
    ]
    assert 'label="{a|data 3|grad 6}"' in backward[0].source


def test_gradients_appear_as_the_pass_reaches_them():
    f, _ = lecture()
    frames = list(steps(f, "LR"))  # left to right: records read {name|data|grad}
    seed = frames[7]
    assert seed.caption == "Backward pass: start at the output with ∂n3/∂n3 = 1."
    assert 'label="{n3|data 2|grad 1}"' in seed.source and 'label="{x|data -2|grad ?}"' in seed.source
    after_mul = frames[9].source
    assert 'label="{z|data 2|grad 1}"' in after_mul and 'label="{x|data -2|grad ?}"' in after_mul
    # edges already traversed show their annotation; the others an empty box
    assert re.search(r'v4_in1 \[label="local ∂n2/∂z = 1\\n× upstream ∂n3/∂n2 = 1\\n= contribution 1"[^\]]*'
                     r'fontcolor="#dc2626"', after_mul)
    assert re.search(r'v3 -> v4_in1 \[color="#dc2626"', after_mul)
    assert re.search(r'v2_in0 \[label="" ', after_mul) and "∂n1/∂x" not in after_mul


def test_last_frame_equals_draw_after_backward_and_steps_change_no_gradient():
    f, (x, y, z) = lecture()
    frames = list(steps(f))
    assert (x.grad, y.grad, z.grad, f.grad) == (0.0, 0.0, 0.0, 0.0)
    f.backward()
    assert frames[-1].source == draw(f).source
    assert frames[-1].caption == "Done: every gradient is in place (∂n3/∂x = 2, ∂n3/∂y = 2, ∂n3/∂z = 1)."


def test_frames_show_this_roots_gradients_even_after_backward():
    """An earlier backward() leaves .grad on the leaves; the step-through must not add onto it."""
    f, (x, y, z) = lecture()
    f.backward()
    frames = list(steps(f))
    assert frames[-1].caption == "Done: every gradient is in place (∂n3/∂x = 2, ∂n3/∂y = 2, ∂n3/∂z = 1)."
    assert frames[-1].source == draw(f).source
    leaf_lines = [line for frame in frames for line in frame.caption.splitlines() if line.startswith("  x:")
                  or line.startswith("  y:") or line.startswith("  z:")]
    assert [line.rsplit("; ", 1)[1] for line in leaf_lines] == [
        "z.grad = 0 + 1 = 1", "x.grad = 0 + 2 = 2", "y.grad = 0 + 2 = 2"]
    assert (x.grad, y.grad, z.grad) == (2.0, 2.0, 1.0)  # left as they were
    f.backward()  # a second backward: .grad is now 4, 4, 2, the frames still show ∂f/∂x etc.
    again = list(steps(f))
    assert again[-1].caption == frames[-1].caption
    assert [fr.caption for fr in again] == [fr.caption for fr in frames]
    assert (x.grad, y.grad, z.grad) == (4.0, 4.0, 2.0)


def test_last_frame_with_parameters_and_clusters():
    out, names = neuron_graph()
    frames = list(steps(out, "TB", params=names, cluster=True))
    out.backward()
    assert frames[-1].source == draw(out, "auto", "TB", params=names, cluster=True).source


def test_node_sizes_may_come_from_the_last_frame():
    f, _ = lecture()
    seen = []

    def sizes(source):
        seen.append(source)
        return {"v0": (1.25, 0.5)}

    frames = list(steps(f, node_sizes=sizes))
    assert seen == [list(steps(f))[-1].source]  # called once, with the unpinned last frame
    assert all(re.search(r"v0 \[[^\]]*width=1.2500 height=0.5000 fixedsize=true", fr.source) for fr in frames)
    assert [fr.source for fr in frames] == [fr.source for fr in steps(f, node_sizes={"v0": (1.25, 0.5)})]


def test_every_frame_has_the_same_nodes_and_edges():
    f, _ = lecture()
    shapes = {tuple(re.findall(r"^\s*(v\w+(?: -> \w+)?)(?: \[|$)", fr.source, flags=re.M)) for fr in steps(f)}
    assert len(shapes) == 1
    assert len(shapes.pop()) == 7 + 3 + 5 + 14  # values, ops, annotations, edges (two per annotation)


def test_size_limit_and_argument_errors():
    v = Value(1.0, "x")
    for _ in range(100):
        v = v * 1.0
    with pytest.raises(GraphTooLargeError, match="201 values, more than max_nodes=200"):
        steps(v)
    assert len(list(steps(v, max_nodes=None))) == 201 + 1 + 100 + 1
    with pytest.raises(TypeError, match="needs an autograd Value"):
        steps("x + y")
    with pytest.raises(ValueError, match="unknown rankdir"):
        steps(Value(1.0), rankdir="up")


def test_a_lone_leaf_has_a_forward_frame_a_seed_and_done():
    frames = list(steps(Value(5.0, "w")))
    assert [fr.phase for fr in frames] == ["forward", "backward", "done"]
    assert frames[0].caption == "Forward: w = 5 (the output)."


@pytest.mark.needs_wasm
def test_frame_displays_in_jupyter(monkeypatch):
    f, _ = lecture()
    frame = next(iter(steps(f)))
    monkeypatch.setenv("PATH", "/nonexistent")  # no system dot: the frame is still shown as SVG
    bundle = frame._repr_mimebundle_()
    svg = ET.fromstring(bundle["image/svg+xml"].encode("utf-8"))
    texts = ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and "data -2" in texts and "grad ?" in texts


def test_a_graph_whose_backward_fails_steps_forward_then_explains_the_failure():
    from .graphs import no_derivative

    y, _ = no_derivative()
    frames = list(steps(y))
    assert [frame.phase for frame in frames] == ["forward"] * 4 + ["failed"]
    assert frames[-1].caption.startswith("The backward pass fails here, so no gradient can be drawn: ")
    assert "non-finite gradient in 'sqrt'" in frames[-1].caption
    assert "non-finite gradient in 'sqrt'" in frames[-1].source  # the picture says it too
    assert "grad" not in frames[1].source


def test_forward_frames_hold_only_what_the_forward_pass_knows():
    """No local derivative, upstream gradient or contribution, not even invisible, and no value
    that is not computed yet."""
    f, _ = lecture()
    frames = [fr for fr in steps(f, "LR") if fr.phase == "forward"]
    for frame in frames:
        for word in ("local", "upstream", "contribution", "transparent"):
            assert word not in frame.source, (frame.index, word)
    first = frames[0].source
    assert 'v0 [label="{x|data -2|grad ?}"' in first
    assert 'v2 [label="{n1|data ?|grad ?}"' in first and "data 1" not in first  # x + y is not computed yet
    assert 'v2 [label="{n1|data 1|grad ?}"' in frames[2].source


def test_pinned_frames_keep_one_layout_with_placeholders_that_hold_nothing():
    f, _ = lecture()
    sizes = {f"v{i}": (1.5, 0.5) for i in range(7)} | {f"v{i}_op": (0.5, 0.3) for i in range(7)}
    frames = list(steps(f, node_sizes=sizes))
    sizes |= {f"v{i}_in{k}": (1.25, 0.5) for i in (2, 4, 6) for k in (0, 1)}
    frames = list(steps(f, node_sizes=sizes))
    boxes = [re.findall(r"(v\d+_in\d) \[label=\"[^\"]*\"[^\]]* width=1.2500 height=0.5000 fixedsize=true", fr.source)
             for fr in frames]
    assert boxes[0] == ["v2_in0", "v2_in1", "v4_in0", "v4_in1", "v6_in0"]  # not the constant's edge
    assert all(found == boxes[0] for found in boxes)  # the same boxes in every frame
    assert 'v2_in0 [label=""' in frames[6].source and 'v2_in0 [label="local' in frames[-1].source


def test_a_step_through_draws_every_value_where_draw_would_collapse_neurons():
    out, names = neuron_graph(n_inputs=10, n_neurons=5)  # 174 values: draw collapses its neurons
    frames = list(steps(out, params=names))
    out.backward()
    assert frames[-1].source == draw(out, params=names, collapse=None).source
    assert "g_layers_0_neurons_0" in draw(out, params=names).source


def test_a_constant_gets_no_gradient_in_any_caption_or_frame():
    """The 0 of max((x + y)z, 0): no local derivative, no contribution, no 0.grad, no highlighted
    edge; the caption says why it is left out."""
    f, _ = lecture()
    frames = list(steps(f))
    through_max = frames[8]
    assert through_max.caption.splitlines() == [
        "Backward through n3 = max(n2, 0) = 2: upstream ∂n3/∂n3 = 1.",
        "  n2: local ∂n3/∂n2 = 1; contribution 1 × 1 = 1; n2.grad = 0 + 1 = 1",
        "  0: a constant, it gets no gradient",
    ]
    for frame in frames:
        assert "0.grad" not in frame.caption and "∂n3/∂0" not in frame.caption, frame.index
        if frame.phase != "forward":  # its edge is never drawn as a step of the backward pass
            assert re.search(r"^\s*v5 -> v6_op$", frame.source, flags=re.M), frame.index
    assert re.search(r"^\s*v4 -> v6_in0 \[color=\"#dc2626\"", through_max.source, flags=re.M)  # the check can fail


def test_a_constant_is_inked_by_the_rule_of_every_value_in_the_forward_frames():
    """Faint until the forward pass reaches it, highlighted when it does, in ink afterwards."""
    f, _ = lecture()
    frames = list(steps(f))

    def line(frame, node):
        return next(l for l in frame.source.splitlines() if l.strip().startswith(node + " ["))

    for node, reached in (("v3", 3), ("v5", 5)):  # the input z, the constant 0
        assert all('fontcolor="#94a3b8"' in line(fr, node) and "dashed" in line(fr, node)
                   for fr in frames[:reached]), node
        assert "penwidth=3" in line(frames[reached], node) and "dashed" not in line(frames[reached], node)
        assert all("dashed" not in line(fr, node) and 'fontcolor="#94a3b8"' not in line(fr, node)
                   for fr in frames[reached + 1:]), node


def test_every_caption_and_edge_text_of_the_step_through_speaks_the_lectures_spanish():
    from viz.language import using_language

    f, _ = lecture()
    with using_language("es"):
        frames = list(steps(f, "LR"))
    assert [frame.caption for frame in frames] == [
        "Hacia delante: x = -2 (una entrada).",
        "Hacia delante: y = 3 (una entrada).",
        "Hacia delante: n1 = x + y = (-2) + 3 = 1.",
        "Hacia delante: z = 2 (una entrada).",
        "Hacia delante: n2 = n1 * z = 1 * 2 = 2.",
        "Hacia delante: la constante 0.",
        "Hacia delante: n3 = max(n2, 0) = max(2, 0) = 2.",
        "Pasada hacia atrás: se empieza por la salida, con ∂n3/∂n3 = 1.",
        "Hacia atrás por n3 = max(n2, 0) = 2: gradiente entrante ∂n3/∂n3 = 1.\n"
        "  n2: derivada local ∂n3/∂n2 = 1; contribución 1 × 1 = 1; n2.grad = 0 + 1 = 1\n"
        "  0: es una constante, no recibe gradiente",
        "Hacia atrás por n2 = n1 * z = 2: gradiente entrante ∂n3/∂n2 = 1.\n"
        "  n1: derivada local ∂n2/∂n1 = 2; contribución 2 × 1 = 2; n1.grad = 0 + 2 = 2\n"
        "  z: derivada local ∂n2/∂z = 1; contribución 1 × 1 = 1; z.grad = 0 + 1 = 1",
        "Hacia atrás por n1 = x + y = 1: gradiente entrante ∂n3/∂n1 = 2.\n"
        "  x: derivada local ∂n1/∂x = 1; contribución 1 × 2 = 2; x.grad = 0 + 2 = 2\n"
        "  y: derivada local ∂n1/∂y = 1; contribución 1 × 2 = 2; y.grad = 0 + 2 = 2",
        "Listo: todos los gradientes están en su sitio (∂n3/∂x = 2, ∂n3/∂y = 2, ∂n3/∂z = 1).",
    ]
    assert 'v2_in0 [label="derivada local ∂n1/∂x = 1\\n× gradiente entrante ∂n3/∂n1 = 2\\n= contribución 2"' \
        in frames[-1].source
    assert "upstream" not in frames[-1].source and 'tooltip="una constante"' in frames[-1].source
    assert list(steps(f, "LR"))[-1].source.count("upstream") == 5  # and English again outside the block


def test_a_step_through_by_neurons_computes_a_collapsed_neuron_in_one_frame_each_way():
    """Asked to (expand=, or collapse="neuron"), a step-through goes neuron by neuron where
    neurons are collapsed: one forward frame computes a collapsed neuron, one backward frame sends
    its gradient through all of its values; the open neuron and the loss go value by value."""
    loss, params, groups = named_network()
    loss.backward()
    frames = list(steps(loss, params=params, groups=groups, expand=["layer 1, neuron 2"]))
    collapsed = [f for f in frames if "values computed inside it" in f.caption or "values at once" in f.caption]
    assert [f.caption.split(",")[0] for f in collapsed] == [
        "Forward: layer 1", "Forward: output = -0.02502", "Backward through output", "Backward through layer 1"]
    assert "its 5 values computed inside it from x1 = 0.5, x2 = -1" in collapsed[0].caption
    assert "  layer 1, neuron 2.grad = 0 + " in collapsed[2].caption  # what the output sends to the open neuron
    assert "its parameters: ∂loss/∂w(layer 1, neuron 1 → output) = -0.1024, " in collapsed[2].caption
    backward = collapsed[3]
    assert re.search(r'g_layer_1__neuron_1 \[label="[^"]*" [^\]]*color="#dc2626" penwidth="?3', backward.source)
    assert "w(x2 → layer 1, neuron 2)" in frames[0].source and "w(x2 → layer 1, neuron 1)" not in frames[0].source
    assert frames[-1].source == draw(loss, params=params, groups=groups, expand=["layer 1, neuron 2"]).source
    whole = list(steps(loss, params=params))
    assert len(frames) == len(whole) - 8  # the collapsed neurons: 9 values in 2 forward frames, 3 steps in 2
    assert len(list(steps(loss, params=params, groups=groups, collapse="neuron"))) < len(frames)
