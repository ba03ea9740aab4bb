"""Coming from micrograd: its lecture's manual backpropagation and its drawing code run on
valuegraph's Value and give micrograd's numbers, checked against micrograd 0.1.0 itself.

The lecture (karpathy's "spelled-out intro to neural networks and backpropagation") builds a
neuron by hand, then calls one node's backward step at a time (``o.grad = 1.0; o._backward();
n._backward()``...), then all of them in reversed topological order from its own recursive walk
over ``_prev``, then draws the graph with records ``"{ label | data | grad }"``. Each step is
written here as a student types it.
"""

from __future__ import annotations

import math

import pytest

from autograd import Value


def micrograd_value():
    return pytest.importorskip("micrograd.engine").Value


def neuron(Value, activation="tanh", **labels):  # noqa: N803 - the class under test
    """The lecture's neuron: o = tanh(x1·w1 + x2·w2 + b), the bias chosen so that o ≈ 0.7071
    (micrograd 0.1.0 has no tanh: ``activation="relu"`` for it)."""
    x1, x2, w1, w2 = Value(2.0, **labels), Value(0.0, **labels), Value(-3.0, **labels), Value(1.0, **labels)
    b = Value(6.8813735870195432, **labels)
    x1w1 = x1 * w1
    x2w2 = x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = getattr(n, activation)()
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n, o=o)


def by_hand(v):
    """The lecture's manual pass: one ``_backward()`` per node, from the output down."""
    v["o"].grad = 1.0
    v["o"]._backward()
    v["n"]._backward()
    v["b"]._backward()  # a leaf: nothing to pass on
    v["x1w1x2w2"]._backward()
    v["x2w2"]._backward()
    v["x1w1"]._backward()


def build_topo(root):
    """A topological order as the lecture builds it: recursive, over ``_prev``."""
    topo, visited = [], set()

    def visit(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                visit(child)
            topo.append(v)

    visit(root)
    return topo


def test_the_lectures_backpropagation_one_node_at_a_time():
    v = neuron(Value)
    by_hand(v)
    assert v["n"].grad == pytest.approx(1 - v["o"].data ** 2) == pytest.approx(0.5)
    assert v["b"].grad == v["x1w1x2w2"].grad == v["x1w1"].grad == v["x2w2"].grad == v["n"].grad
    assert (v["x1"].grad, v["w1"].grad, v["x2"].grad, v["w2"].grad) == pytest.approx((-1.5, 1.0, 0.5, 0.0))


def test_one_node_at_a_time_gives_micrograds_gradients_exactly():
    ours, theirs = neuron(Value, "relu"), neuron(micrograd_value(), "relu")
    by_hand(ours)
    by_hand(theirs)
    assert {k: v.grad for k, v in ours.items()} == {k: v.grad for k, v in theirs.items()}


def test_a_leaf_step_does_nothing_and_a_step_adds_to_what_the_parents_hold():
    a, b = Value(2.0), Value(-3.0)
    a._backward()
    assert a.grad == 0.0
    c = a * b
    c.grad = 1.0
    c._backward()
    c._backward()  # as micrograd's closure: it adds each time
    assert (a.grad, b.grad) == (-6.0, 4.0)


def expression(Value):  # noqa: N803 - the class under test
    """An expression with every operator both libraries share, ``a + a`` (one parent, two edges)
    and a value used twice (micrograd's README example, plus ``/``)."""
    a, b = Value(-4.0), Value(2.0)
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    h = (a * a).relu() + (b / 4) ** 3 - a / b
    return [a, b], g + h


def test_reversed_topological_order_from_a_walk_over_prev_gives_backwards_gradients():
    leaves, out = expression(Value)
    out.grad = 1.0
    for node in reversed(build_topo(out)):
        node._backward()
    by_steps = [leaf.grad for leaf in leaves]
    leaves, out = expression(Value)
    out.backward()
    assert by_steps == pytest.approx([leaf.grad for leaf in leaves], rel=1e-12)


def test_reversed_topological_order_gives_micrograds_gradients():
    # micrograd draws - as + (-1)·, / as ** -1, so its graph has more nodes; the leaves agree
    leaves, out = expression(Value)
    their_leaves, their_out = expression(micrograd_value())
    for root in (out, their_out):
        root.grad = 1.0
        for node in reversed(build_topo(root)):
            node._backward()
    assert out.data == pytest.approx(their_out.data, rel=1e-12)
    assert [leaf.grad for leaf in leaves] == pytest.approx([leaf.grad for leaf in their_leaves], rel=1e-12)


def test_a_step_on_gradients_that_are_values_builds_a_graph_of_them():
    x = Value(3.0)
    y = x * x * x
    y.grad = Value(1.0)  # as backward(create_graph=True) seeds it
    for node in reversed(build_topo(y)):
        node._backward()
    assert isinstance(x.grad, Value) and x.grad.data == 27.0  # 3x²
    second = x.grad
    x.grad = 0.0
    second.backward()
    assert x.grad == 18.0  # 6x


def draw_dot_records(root):
    """The record labels the lecture's ``draw_dot`` writes: ``"{ %s | data %.4f | grad %.4f }"``
    for every value found by a walk over ``_prev``, and one op node per ``_op``."""
    records, ops = [], []
    for n in build_topo(root):
        records.append("{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad))
        if n._op:
            ops.append(n._op)
    return records, ops


def test_the_lectures_drawing_shows_an_empty_field_for_unlabelled_values():
    v = neuron(Value)
    v["o"].label = "o"
    v["o"].backward()
    records, ops = draw_dot_records(v["o"])
    assert "{ o | data 0.7071 | grad 1.0000 }" in records
    assert "{  | data 2.0000 | grad -1.5000 }" in records  # x1: no label, an empty field
    assert not any("None" in record for record in records)
    assert sorted(ops) == ["*", "*", "+", "+", "tanh"]


def test_an_unlabelled_value_has_the_empty_label_of_the_lectures_value():
    e = (2 * Value(0.5, label="n")).exp()
    o = (e - 1) / (e + 1)  # the lecture's tanh, written out
    assert o.label == e.label == "" and "%s" % o.label == ""
    assert o._op == "/" and o.parents[0]._op == "-"  # ops of their own here, as the docs say
    assert o.data == pytest.approx(math.tanh(0.5))
