"""Step-through frames: the forward pass node by node, then the engine's own backward steps.

``steps(root)`` yields :class:`Frame` objects:

1. one frame per value in topological order (the forward pass: each value appears as it is
   computed; values not computed yet are drawn faint);
2. one frame seeding the output's gradient (``∂f/∂f = 1``);
3. one frame per :class:`autograd.BackwardStep`, replayed from :func:`autograd.backward_steps`
   (the same code path as ``backward()``): the active node, its upstream gradient, each edge's
   local derivative and contribution, and the running ``+=`` sum on each parent;
4. a last frame identical to ``draw(root, collapse=None)`` after ``root.backward()`` (every
   value drawn: a step-through never collapses neurons).

When the backward pass cannot run (the engine raises ``FloatingPointError``: ``sqrt`` at 0 has
no derivative), the forward frames are followed by one ``"failed"`` frame whose caption gives
the engine's message, which names the op.

A frame holds only what its pass knows: a forward frame has no gradient, no local derivative
and no value not computed yet (``data ?``), not even as invisible text, and a backward frame
has the annotations of the edges the pass has crossed. Text not known yet is left out, so
records and annotation boxes change size between frames; with ``node_sizes`` (what
:func:`viz.export_html` and :func:`viz.stepper` pass) every box has one size and Graphviz lays
every frame out the same way, so the picture holds still while stepping.
Stepping only reads the graph: gradients are left as they were.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping

import graphviz

from autograd import BackwardStep, Value

from .dot import GraphTooLargeError, Options, State, build
from .graph import GraphInfo, number_text

__all__ = ["steps", "Frame", "STEPS_MAX_NODES"]

STEPS_MAX_NODES = 200
"""Largest graph (in values) ``steps`` accepts by default: about 1.5 frames per value."""


@dataclass(frozen=True)
class Frame:
    """One picture of the step-through, with the arithmetic it shows."""

    index: int
    phase: str
    """``"forward"``, ``"backward"`` (the seed and each backward step), ``"done"``, or ``"failed"``
    (the last frame when the backward pass raised ``FloatingPointError``)."""
    node: Value | None
    """The value computed (forward) or whose gradient is being sent back (backward)."""
    caption: str
    """The step in words and numbers: the op's forward arithmetic, or the chain rule."""
    graph: graphviz.Digraph
    step: BackwardStep | None = None
    """The engine's backward step this frame replays (backward frames after the seed)."""

    @property
    def source(self) -> str:
        """The frame's DOT text."""
        return self.graph.source

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        return self.graph._repr_mimebundle_(include, exclude, **kwargs)


def steps(root: Value, rankdir: str = "LR", *, params: Any = None, cluster: bool = False,
          color_by_grad: bool = False, max_nodes: int | None = STEPS_MAX_NODES, style: str = "normal",
          node_sizes: Mapping[str, tuple[float, float]] | Callable[[str], Mapping] | None = None
          ) -> Iterator[Frame]:
    """Frames of the forward pass then the backward pass of ``root``'s graph (see the module doc).

    The drawing options are those of :func:`viz.draw` (the last frame equals
    ``draw(root, rankdir=..., params=..., cluster=..., color_by_grad=..., style=..., collapse=None)`` after
    ``root.backward()``). Graphs with more than ``max_nodes`` values raise
    :class:`GraphTooLargeError`: step through a smaller part (one neuron's output) instead.
    ``node_sizes`` ({node id: (width, height)}) fixes every node's size so that all frames share
    exactly one layout (what :func:`viz.export_html` and :func:`viz.stepper` do); it may also be a
    function that takes the last frame's DOT text and returns the sizes (e.g. from
    :func:`viz.rendering.node_sizes`), called once before the first frame.
    """
    info = GraphInfo.read(root, params)
    sizes_of = node_sizes if callable(node_sizes) else None
    options = Options("both", rankdir, color_by_grad, cluster, None, None, None if sizes_of else node_sizes, style)
    if max_nodes is not None and len(info.order) > max_nodes:
        raise GraphTooLargeError(
            f"steps: the graph has {len(info.order)} values, more than max_nodes={max_nodes} "
            f"(about {len(info.order) * 3 // 2} frames); step through a smaller part of it (one neuron's "
            f"output, one example's loss) or raise the limit with max_nodes={len(info.order)}", len(info.order),
            max_nodes)
    return _frames(info, options, sizes_of)


def _frames(info: GraphInfo, options: Options, sizes_of: Callable[[str], Mapping] | None) -> Iterator[Frame]:
    try:
        backward, final = info.replay()
        failure = None
    except FloatingPointError as error:  # the forward pass can still be shown
        backward, final, failure = [], None, str(error)
    if sizes_of is not None:
        options.node_sizes = sizes_of(build(info, options, State(grads=final)).source)
    n = len(info.order)
    root_index = n - 1
    index = 0

    # 1. Forward: value i appears.
    for i in range(n):
        state = State(grads=final, computed=[j <= i for j in range(n)], grads_shown=[False] * n, final_grads=final,
                      edges_done=set(), active_node=i,
                      active_edges=frozenset((i, pos) for pos in range(len(info.parents[i]))), phase="forward")
        yield Frame(index, "forward", info.order[i], _forward_caption(info, i), build(info, options, state))
        index += 1

    if failure is not None:
        caption = f"The backward pass fails here, so no gradient can be drawn: {failure}."
        yield Frame(index, "failed", None, caption,
                    build(info, dataclasses.replace(options, title=caption), State()))
        return

    # 2. The seed: ∂f/∂f = gradient (1).
    running = [0.0] * n
    shown = [False] * n
    running[root_index] = _seed(backward, final, root_index)
    shown[root_index] = True
    done: set = set()
    name = info.display_name(root_index)
    state = State(grads=list(running), grads_shown=list(shown), final_grads=final, edges_done=set(),
                  active_node=root_index, changed=frozenset([root_index]))
    yield Frame(index, "backward", info.root,
                f"Backward pass: start at the output with ∂{name}/∂{name} = {number_text(running[root_index])}.",
                build(info, options, state))
    index += 1

    # 3. The engine's backward steps, one node at a time.
    for step in backward:
        child = info.index[step.node]
        changed = set()
        edges = _gradient_edges(info, step)
        for edge in edges:
            parent = info.index[edge.parent]
            running[parent] = float(edge.grad_after)
            shown[parent] = True
            changed.add(parent)
            done.add((child, edge.index))
        state = State(grads=list(running), grads_shown=list(shown), final_grads=final, edges_done=set(done),
                      active_node=child, active_edges=frozenset((child, e.index) for e in edges),
                      changed=frozenset(changed))
        yield Frame(index, "backward", step.node, _backward_caption(info, step, name), build(info, options, state),
                    step)
        index += 1

    # 4. Done: exactly draw(root) after backward().
    state = State(grads=final)
    leaves = [i for i in range(n) if not info.parents[i] and info.names[i] and info.kinds[i] != "constant"]
    summary = ", ".join(f"∂{name}/∂{info.names[i]} = {number_text(final[i])}" for i in leaves[:8])
    caption = "Done: every gradient is in place" + (f" ({summary}{', ...' if len(leaves) > 8 else ''})."
                                                     if summary else ".")
    yield Frame(index, "done", None, caption, build(info, options, state))


def _gradient_edges(info: GraphInfo, step: BackwardStep) -> list:
    """The edges of ``step`` that carry a gradient: not those into a constant, which has none."""
    return [edge for edge in step.edges if info.kinds[info.index[edge.parent]] != "constant"]


def _seed(backward: list[BackwardStep], final: list[float], root_index: int) -> float:
    return float(backward[0].upstream) if backward else final[root_index]


def _forward_caption(info: GraphInfo, i: int) -> str:
    node = info.order[i]
    name = info.display_name(i)
    if info.kinds[i] == "constant":
        return f"Forward: the constant {name}."
    if not node.parents:
        kind = {"input": "an input", "parameter": "a parameter", "output": "the output"}[info.kinds[i]]
        return f"Forward: {name} = {number_text(node.data)} ({kind})."
    formula, numbers = _formula(info, i)
    return f"Forward: {name} = {formula} = {numbers} = {number_text(node.data)}."


def _formula(info: GraphInfo, i: int) -> tuple[str, str]:
    """How node ``i`` was computed, with names and with numbers: ``("x + y", "(-2) + 3")``."""
    node = info.order[i]
    names = [info.display_name(p) for p in info.parents[i]]
    values = [number_text(info.order[p].data) for p in info.parents[i]]
    text = info.op_text(i)
    if not text[:1].isidentifier():  # an operator symbol (from the op table), not a function name
        if len(names) == 2:  # infix: x + y
            return f" {text} ".join(names), f" {text} ".join(_paren(v) for v in values)
        if text != node.op.symbol:  # with its constant, after the operand: x**2
            return f"{names[0]}{text}", f"{_paren(values[0])}{text}"
        return f"{text}{names[0]}", f"{text}{_paren(values[0])}"  # before the operand: -x
    if len(names) > 6:
        names, values = names[:5] + ["..."], values[:5] + ["..."]
    return f"{text}({', '.join(names)})", f"{text}({', '.join(values)})"


def _paren(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


def _backward_caption(info: GraphInfo, step: BackwardStep, root_name: str) -> str:
    child = info.index[step.node]
    name = info.display_name(child)
    lines = [f"Backward through {name} = {_formula(info, child)[0]} = {number_text(step.node.data)}: "
             f"upstream ∂{root_name}/∂{name} = {number_text(step.upstream)}."]
    for edge in step.edges[:8]:
        parent = info.display_name(info.index[edge.parent])
        if info.kinds[info.index[edge.parent]] == "constant":
            lines.append(f"  {parent}: a constant, it gets no gradient")
            continue
        lines.append(
            f"  {parent}: local ∂{name}/∂{parent} = {number_text(edge.local_grad)}; "
            f"contribution {number_text(edge.local_grad)} × {number_text(step.upstream)} = {number_text(edge.contribution)}; "
            f"{parent}.grad = {number_text(edge.grad_before)} + {number_text(edge.contribution)} = {number_text(edge.grad_after)}")
    if len(step.edges) > 8:
        lines.append(f"  ... and {len(step.edges) - 8} more inputs")
    return "\n".join(lines)
