"""Step-through frames: the forward pass node by node, then the engine's own backward steps.

``steps(root)`` yields :class:`Frame` objects:

1. one frame per value in topological order (the forward pass: each value appears as it is
   computed; values not computed yet are drawn faint);
2. one frame seeding the output's gradient (``∂f/∂f = 1``);
3. one frame per :class:`autograd.BackwardStep`, replayed from :func:`autograd.backward_steps`
   (the same code path as ``backward()``): the active node, its upstream gradient, each edge's
   local derivative and contribution, and the running ``+=`` sum on each parent;
4. a last frame identical to ``draw(root, collapse=None)`` after ``root.backward()`` (every
   value drawn: a step-through collapses neurons only when asked).

Asked to (``collapse="neuron"``, or ``expand=[...]`` naming the neurons to open), a step-through
goes neuron by neuron where neurons are collapsed: one forward frame computes a whole collapsed
neuron, one backward frame sends its gradient through all of its values at once, and the
neurons left open, and the values outside every neuron (a loss), are stepped value by value.

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

With ``quiz=True`` ("predict first") each frame that reveals something the student can work
out, a computed value (forward) or the gradients a backward step sends (backward), is
preceded by a *question frame*: the same picture with those numbers still hidden (``data ?``,
``grad ?``, highlighted) and questions (:class:`Question`) that :func:`viz.stepper` and
:func:`viz.export_html` ask before showing the answer (see :mod:`viz.quiz`). Inputs are given,
not asked; constants are never asked about.

Captions follow :func:`viz.set_language` (English or Spanish).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Mapping, Sequence

import graphviz

from autograd import BackwardStep, Value

from .dot import GraphTooLargeError, Options, State, collapsed_groups, drawn_size, build, check_size, pick_rankdir
from .graph import GraphInfo, number_text
from .language import Catalog

__all__ = ["steps", "Frame", "Question", "STEPS_MAX_NODES", "QUESTIONS_PER_STEP"]

STEPS_MAX_NODES = 200
"""Largest graph (in values) ``steps`` accepts by default: about 1.5 frames per value."""

QUESTIONS_PER_STEP = 8
"""Most gradients a quiz asks for in one backward step (a ``dot`` over many inputs has more)."""

WORDS = Catalog({
    "input": {"en": "an input", "es": "una entrada"},
    "parameter": {"en": "a parameter", "es": "un parámetro"},
    "output": {"en": "the output", "es": "la salida"},
    "forward_leaf": {"en": "Forward: {name} = {value} ({kind}).", "es": "Hacia delante: {name} = {value} ({kind})."},
    "forward_constant": {"en": "Forward: the constant {name}.", "es": "Hacia delante: la constante {name}."},
    "forward_op": {"en": "Forward: {name} = {formula} = {numbers} = {value}.",
                   "es": "Hacia delante: {name} = {formula} = {numbers} = {value}."},
    "forward_ask": {"en": "Forward: {question}", "es": "Hacia delante: {question}"},
    "failed": {"en": "The backward pass fails here, so no gradient can be drawn: {error}.",
               "es": "La pasada hacia atrás falla aquí, así que no hay gradientes que dibujar: {error}."},
    "seed": {"en": "Backward pass: start at the output with ∂{name}/∂{name} = {value}.",
             "es": "Pasada hacia atrás: se empieza por la salida, con ∂{name}/∂{name} = {value}."},
    "seed_ask": {"en": "Backward pass: start at the output with {question}",
                 "es": "Pasada hacia atrás: se empieza por la salida, con {question}"},
    "backward": {"en": "Backward through {name} = {formula} = {value}: upstream ∂{root}/∂{name} = {upstream}.",
                 "es": "Hacia atrás por {name} = {formula} = {value}: gradiente entrante ∂{root}/∂{name} = {upstream}."},
    "edge": {"en": "  {parent}: local ∂{name}/∂{parent} = {local}; contribution {local} × {upstream} = {contribution}; "
                   "{parent}.grad = {before} + {contribution} = {after}",
             "es": "  {parent}: derivada local ∂{name}/∂{parent} = {local}; contribución {local} × {upstream} = "
                   "{contribution}; {parent}.grad = {before} + {contribution} = {after}"},
    "constant_edge": {"en": "  {parent}: a constant, it gets no gradient",
                      "es": "  {parent}: es una constante, no recibe gradiente"},
    "more_inputs": {"en": "  ... and {count} more inputs", "es": "  ... y {count} entradas más"},
    "forward_group": {"en": "Forward: {name} = {value}, its {count} values computed inside it from {inputs}.",
                      "es": "Hacia delante: {name} = {value}, sus {count} valores calculados dentro a partir de {inputs}."},
    "backward_group": {"en": "Backward through {name}, its {count} values at once: upstream ∂{root}/∂{out} = {upstream}.",
                       "es": "Hacia atrás por {name}, sus {count} valores a la vez: gradiente entrante ∂{root}/∂{out} = "
                             "{upstream}."},
    "group_edge": {"en": "  {parent}.grad = {before} + {contribution} = {after}",
                   "es": "  {parent}.grad = {before} + {contribution} = {after}"},
    "group_parameters": {"en": "  its parameters: {grads}", "es": "  sus parámetros: {grads}"},
    "done": {"en": "Done: every gradient is in place ({summary}).",
             "es": "Listo: todos los gradientes están en su sitio ({summary})."},
    "done_plain": {"en": "Done: every gradient is in place.", "es": "Listo: todos los gradientes están en su sitio."},
    # predict first (quiz=True)
    "ask_grad": {"en": "{parent}.grad = ?", "es": "{parent}.grad = ?"},
    "ask_grad_so_far": {"en": "{parent}.grad = ? (it holds {before} already: add what this step contributes)",
                        "es": "{parent}.grad = ? (ya vale {before}: súmale lo que aporta este paso)"},
    "ask_seed": {"en": "∂{name}/∂{name} = ?", "es": "∂{name}/∂{name} = ?"},
    "hint_forward": {"en": "{name} is the op applied to its inputs, {working}",
                     "es": "{name} es la operación aplicada a sus entradas, {working}"},
    "hint_backward": {"en": "by the chain rule each input gets local derivative × upstream, {working}",
                      "es": "por la regla de la cadena cada entrada recibe derivada local × gradiente entrante, {working}"},
    "term": {"en": "local ∂{name}/∂{parent} × upstream ∂{root}/∂{name}",
             "es": "derivada local ∂{name}/∂{parent} × gradiente entrante ∂{root}/∂{name}"},
    "so_far": {"en": "{before} so far", "es": "{before} que ya tenía"},
    "hint_seed": {"en": "∂{name}/∂{name} is how much {name} changes when {name} itself changes by 1",
                  "es": "∂{name}/∂{name} es cuánto cambia {name} cuando el propio {name} cambia en 1"},
})
"""Every caption a step-through shows, in English and Spanish (:func:`viz.set_language`)."""


@dataclass(frozen=True)
class Question:
    """What a quiz asks before the next frame shows it: a computed value (forward) or the
    gradient a backward step leaves on one input (backward). :mod:`viz.quiz` checks answers."""

    kind: str
    """``"value"`` (forward), ``"grad"`` (backward) or ``"seed"`` (∂f/∂f, the start of the backward pass)."""
    node: Value
    """The value asked about: the one computed (forward), or the input whose gradient is asked."""
    target: str
    """What is asked, as the answer box names it: ``n1``, ``x.grad``, ``∂f/∂f``."""
    prompt: str
    """The question as the student reads it: ``n1 = x + y = (-2) + 3 = ?``, ``x.grad = ?``."""
    answer: float
    hint: str
    """What a wrong answer is told: the rule and the arithmetic that give the answer, without
    its result (forward: the op applied to its inputs; backward: local derivative × upstream)."""
    explanation: str
    """The arithmetic with its result (``x.grad = local ∂n1/∂x × upstream ∂f/∂n1 = 1 × 2 = 2``):
    shown once the question is answered or revealed."""


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
    questions: tuple[Question, ...] = ()
    """A question frame's questions (``steps(quiz=True)``): the next frame shows their answers."""

    @property
    def source(self) -> str:
        """The frame's DOT text."""
        return self.graph.source

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict:
        return self.graph._repr_mimebundle_(include, exclude, **kwargs)


def steps(root: Value, rankdir: str = "auto", *, params: Any = None, cluster: bool = False,
          color_by_grad: bool = False, max_nodes: int | None = STEPS_MAX_NODES, style: str = "normal",
          node_sizes: Mapping[str, tuple[float, float]] | Callable[[str], Mapping] | None = None,
          quiz: bool = False, groups: Any = None, collapse: str | None = None,
          expand: Sequence[str] = ()) -> Iterator[Frame]:
    """Frames of the forward pass then the backward pass of ``root``'s graph (see the module doc).

    The drawing options are those of :func:`viz.draw` (the last frame equals
    ``draw(root, rankdir=..., params=..., cluster=..., color_by_grad=..., style=..., collapse=None)`` after
    ``root.backward()``; ``rankdir="auto"`` chooses as ``draw`` does, for the frames' drawing, which
    has every edge's text). Graphs with more than ``max_nodes`` values raise
    :class:`GraphTooLargeError`: step through a smaller part (one neuron's output) instead.
    ``node_sizes`` ({node id: (width, height)}) fixes every node's size so that all frames share
    exactly one layout (what :func:`viz.export_html` and :func:`viz.stepper` do); it may also be a
    function that takes the last frame's DOT text and returns the sizes (e.g. from
    :func:`viz.rendering.node_sizes`), called once before the first frame. ``quiz=True`` adds a
    question frame before each frame that reveals a value or a gradient (see the module doc).

    ``groups``, ``collapse`` and ``expand`` are :func:`viz.draw`'s (``collapse`` defaults to
    ``None`` here, every value, or ``"neuron"`` with ``expand``); with neurons collapsed, each collapsed neuron is one forward and
    one backward frame, and ``max_nodes`` counts what is drawn (values and collapsed neurons).
    """
    if not isinstance(quiz, bool):
        raise TypeError(f"steps: quiz must be True or False, got {quiz!r}")
    info = GraphInfo.read(root, params, groups)
    sizes_of = node_sizes if callable(node_sizes) else None
    if expand and collapse is None:  # the neurons not named in expand are collapsed
        collapse = "neuron"
    options = Options("both", rankdir, color_by_grad, cluster, collapse, None, None if sizes_of else node_sizes, style,
                      expand)
    if options.collapse is not None:
        options = check_size(info, options, None)
    drawn = drawn_size(info, options.collapse, options.expand)
    if max_nodes is not None and drawn > max_nodes:
        what = "graph has" if options.collapse is None else "drawing with its neurons collapsed has"
        raise GraphTooLargeError(
            f"steps: the {what} {drawn} values, more than max_nodes={max_nodes} "
            f"(about {drawn * 3 // 2} frames); step through a smaller part of it (one neuron's "
            f"output, one example's loss) or raise the limit with max_nodes={drawn}", drawn, max_nodes)
    if options.rankdir == "auto":  # neurons collapsed are laid out layer by layer, left to right (as draw does)
        options.rankdir = pick_rankdir(info, options) if options.collapse is None else "LR"
    return _frames(info, options, sizes_of, quiz)


def _frames(info: GraphInfo, options: Options, sizes_of: Callable[[str], Mapping] | None,
            quiz: bool) -> Iterator[Frame]:
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
    collapsed = collapsed_groups(info, options.collapse, options.expand)
    unit = [collapsed.get(group) if group is not None else None for group in info.groups]
    """The collapsed group each value is drawn in (its node id), or None: drawn as itself."""
    members: dict[str, list[int]] = {}
    for i, gid in enumerate(unit):
        if gid is not None:
            members.setdefault(gid, []).append(i)

    # 1. Forward: value i appears (a collapsed group with its last value).
    for i in range(n):
        if unit[i] is not None:
            if i == members[unit[i]][-1]:
                state = State(grads=final, computed=[j <= i for j in range(n)], grads_shown=[False] * n,
                              final_grads=final, edges_done=set(), active_node=i, phase="forward")
                out = _group_output(info, members[unit[i]])
                yield Frame(index, "forward", info.order[out], _group_forward_caption(info, options, members[unit[i]]),
                            build(info, options, state))
                index += 1
            continue
        active_edges = frozenset((i, pos) for pos in range(len(info.parents[i])))
        if quiz and info.parents[i]:  # first ask for it: computed, but its value still hidden
            state = State(grads=final, computed=[j < i for j in range(n)], grads_shown=[False] * n,
                          final_grads=final, edges_done=set(), active_node=i, active_edges=active_edges,
                          phase="forward", asked=frozenset([i]))
            question = _forward_question(info, i)
            yield Frame(index, "forward", info.order[i], WORDS("forward_ask", question=question.prompt),
                        build(info, options, state), questions=(question,))
            index += 1
        state = State(grads=final, computed=[j <= i for j in range(n)], grads_shown=[False] * n, final_grads=final,
                      edges_done=set(), active_node=i, active_edges=active_edges, phase="forward")
        yield Frame(index, "forward", info.order[i], _forward_caption(info, i), build(info, options, state))
        index += 1

    if failure is not None:
        caption = WORDS("failed", error=failure)
        yield Frame(index, "failed", None, caption,
                    build(info, dataclasses.replace(options, title=caption), State()))
        return

    # 2. The seed: ∂f/∂f = gradient (1).
    running = [0.0] * n
    shown = [False] * n
    seed = _seed(backward, final, root_index)
    name = info.display_name(root_index)
    if quiz:
        state = State(grads=list(running), grads_shown=list(shown), final_grads=final, edges_done=set(),
                      active_node=root_index, asked=frozenset([root_index]))
        question = Question("seed", info.root, f"∂{name}/∂{name}", WORDS("ask_seed", name=name), seed, WORDS("hint_seed", name=name),
                            f"∂{name}/∂{name} = {number_text(seed)}")
        yield Frame(index, "backward", info.root, WORDS("seed_ask", question=question.prompt),
                    build(info, options, state), questions=(question,))
        index += 1
    running[root_index] = seed
    shown[root_index] = True
    done: set = set()
    state = State(grads=list(running), grads_shown=list(shown), final_grads=final, edges_done=set(),
                  active_node=root_index, changed=frozenset([root_index]))
    yield Frame(index, "backward", info.root, WORDS("seed", name=name, value=number_text(seed)),
                build(info, options, state))
    index += 1

    # 3. The engine's backward steps, one node at a time (a collapsed group's steps at once).
    runs: list[tuple[str | None, list[BackwardStep]]] = []
    for step in backward:
        gid = unit[info.index[step.node]]
        if gid is not None and runs and runs[-1][0] == gid:
            runs[-1][1].append(step)
        else:
            runs.append((gid, [step]))
    for gid, run in runs:
        if gid is not None:
            before = list(running)
            changed = set()
            for step in run:
                child = info.index[step.node]
                for edge in _gradient_edges(info, step):
                    parent = info.index[edge.parent]
                    running[parent] = float(edge.grad_after)
                    shown[parent] = True
                    changed.add(parent)
                    done.add((child, edge.index))
            child = info.index[run[0].node]
            state = State(grads=list(running), grads_shown=list(shown), final_grads=final, edges_done=set(done),
                          active_node=child, changed=frozenset(changed))
            caption = _group_backward_caption(info, options, members[gid], run, before, running, name)
            yield Frame(index, "backward", run[0].node, caption, build(info, options, state), run[-1])
            index += 1
            continue
        step = run[0]
        child = info.index[step.node]
        edges = _gradient_edges(info, step)
        active_edges = frozenset((child, e.index) for e in edges)
        questions = _backward_questions(info, step, name) if quiz else ()
        if questions:  # first ask for the gradients this step leaves on its inputs
            asked = frozenset(info.index[q.node] for q in questions)
            state = State(grads=list(running), grads_shown=list(shown), final_grads=final, edges_done=set(done),
                          active_node=child, active_edges=active_edges, asked=asked)
            yield Frame(index, "backward", step.node, _backward_caption(info, step, name, asked=questions),
                        build(info, options, state), step, questions)
            index += 1
        changed = set()
        for edge in edges:
            parent = info.index[edge.parent]
            running[parent] = float(edge.grad_after)
            shown[parent] = True
            changed.add(parent)
            done.add((child, edge.index))
        state = State(grads=list(running), grads_shown=list(shown), final_grads=final, edges_done=set(done),
                      active_node=child, active_edges=active_edges, changed=frozenset(changed))
        yield Frame(index, "backward", step.node, _backward_caption(info, step, name), build(info, options, state),
                    step)
        index += 1

    # 4. Done: exactly draw(root) after backward().
    state = State(grads=final)
    leaves = [i for i in range(n) if not info.parents[i] and info.names[i] and info.kinds[i] != "constant"]
    summary = ", ".join(f"∂{name}/∂{info.names[i]} = {number_text(final[i])}" for i in leaves[:8])
    caption = (WORDS("done", summary=summary + (", ..." if len(leaves) > 8 else "")) if summary
               else WORDS("done_plain"))
    yield Frame(index, "done", None, caption, build(info, options, state))


def _group_output(info: GraphInfo, members: list[int]) -> int:
    """The value a collapsed group gives the rest of the graph (its last, if it gives several)."""
    inside = set(members)
    used = {p for j in range(len(info.order)) if j not in inside for p in info.parents[j]}
    outputs = [i for i in members if i in used or i == len(info.order) - 1]
    return outputs[0] if len(outputs) == 1 else members[-1]


def _group_name(info: GraphInfo, options: Options, members: list[int]) -> str:
    group = info.groups[members[0]]
    return group if options.collapse == "neuron" else (info.layers.get(group) or group)


def _group_forward_caption(info: GraphInfo, options: Options, members: list[int]) -> str:
    """What the forward frame of a collapsed group says: its output, and what it was computed from."""
    inside = set(members)
    inputs = list(dict.fromkeys(p for i in members for p in info.parents[i]
                                if p not in inside and info.kinds[p] != "constant"))
    shown = [f"{info.display_name(p)} = {number_text(info.order[p].data)}" for p in inputs[:6]]
    out = _group_output(info, members)
    return WORDS("forward_group", name=_group_name(info, options, members), value=number_text(info.order[out].data),
                 count=len(members), inputs=", ".join(shown + ["..."] * (len(inputs) > 6)))


def _group_backward_caption(info: GraphInfo, options: Options, members: list[int], run: list[BackwardStep],
                            before: list[float], after: list[float], root_name: str) -> str:
    """What the backward frame of a collapsed group says: the gradient it got, what it adds to
    each of its inputs, and its own parameters' gradients."""
    inside = set(members)
    out = info.index[run[0].node]
    lines = [WORDS("backward_group", name=_group_name(info, options, members), count=len(members), root=root_name,
                   out=info.display_name(out), upstream=number_text(run[0].upstream))]
    given = list(dict.fromkeys(info.index[edge.parent] for step in run for edge in _gradient_edges(info, step)))
    outside = [p for p in given if p not in inside]
    for p in outside[:8]:
        lines.append(WORDS("group_edge", parent=info.display_name(p), before=number_text(before[p]),
                           contribution=number_text(after[p] - before[p]), after=number_text(after[p])))
    if len(outside) > 8:
        lines.append(WORDS("more_inputs", count=len(outside) - 8))
    own = [p for p in given if p in inside and not info.parents[p] and info.kinds[p] == "parameter"]
    if own:
        grads = ", ".join(f"∂{root_name}/∂{info.display_name(p)} = {number_text(after[p])}" for p in own[:4])
        lines.append(WORDS("group_parameters", grads=grads + (", ..." if len(own) > 4 else "")))
    return "\n".join(lines)


def _gradient_edges(info: GraphInfo, step: BackwardStep) -> list:
    """The edges of ``step`` that carry a gradient: not those into a constant, which has none."""
    return [edge for edge in step.edges if info.kinds[info.index[edge.parent]] != "constant"]


def _seed(backward: list[BackwardStep], final: list[float], root_index: int) -> float:
    return float(backward[0].upstream) if backward else final[root_index]


def _forward_caption(info: GraphInfo, i: int) -> str:
    """What forward frame ``i`` says."""
    node = info.order[i]
    name = info.display_name(i)
    if info.kinds[i] == "constant":
        return WORDS("forward_constant", name=name)
    if not node.parents:
        return WORDS("forward_leaf", name=name, value=number_text(node.data), kind=WORDS(info.kinds[i]))
    formula, numbers = _formula(info, i)
    return WORDS("forward_op", name=name, formula=formula, numbers=numbers, value=number_text(node.data))


def _forward_question(info: GraphInfo, i: int) -> Question:
    name = info.display_name(i)
    formula, numbers = _formula(info, i)
    value = info.order[i].data
    working = f"{name} = {formula} = {numbers}"
    return Question("value", info.order[i], name, f"{working} = ?", value, WORDS("hint_forward", name=name, working=working),
                    f"{working} = {number_text(value)}")


def _backward_questions(info: GraphInfo, step: BackwardStep, root_name: str) -> tuple[Question, ...]:
    """One question per input that this step sends a gradient to (constants have none): its
    ``.grad`` after the step, every contribution of the step added to what it held."""
    child = info.index[step.node]
    name = info.display_name(child)
    by_parent: dict[int, list] = {}
    for edge in _gradient_edges(info, step):
        by_parent.setdefault(info.index[edge.parent], []).append(edge)
    questions = []
    for parent, edges in list(by_parent.items())[:QUESTIONS_PER_STEP]:
        shown = info.display_name(parent)
        before = float(edges[0].grad_before)
        terms = [WORDS("term", name=name, parent=shown, root=root_name) for _ in edges]
        numbers = [f"{number_text(e.local_grad)} × {number_text(step.upstream)}" for e in edges]
        if before != 0:
            terms.insert(0, WORDS("so_far", before=number_text(before)))
            numbers.insert(0, number_text(before))
        answer = float(edges[-1].grad_after)
        working = f"{shown}.grad = {' + '.join(terms)} = {' + '.join(numbers)}"
        prompt = (WORDS("ask_grad_so_far", parent=shown, before=number_text(before)) if before != 0
                  else WORDS("ask_grad", parent=shown))
        questions.append(Question("grad", info.order[parent], f"{shown}.grad", prompt, answer, WORDS("hint_backward", working=working),
                                  f"{working} = {number_text(answer)}"))
    return tuple(questions)


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


def _backward_caption(info: GraphInfo, step: BackwardStep, root_name: str,
                      asked: tuple[Question, ...] = ()) -> str:
    """What a backward frame says: the chain rule on each edge; ``asked``: its question frame's,
    which asks for the gradients instead."""
    child = info.index[step.node]
    name = info.display_name(child)
    lines = [WORDS("backward", name=name, formula=_formula(info, child)[0], value=number_text(step.node.data),
                   root=root_name, upstream=number_text(step.upstream))]
    if asked:
        return "\n".join(lines + [f"  {question.prompt}" for question in asked])
    for edge in step.edges[:8]:
        parent = info.display_name(info.index[edge.parent])
        if info.kinds[info.index[edge.parent]] == "constant":
            lines.append(WORDS("constant_edge", parent=parent))
            continue
        lines.append(WORDS("edge", parent=parent, name=name, local=number_text(edge.local_grad),
                           upstream=number_text(step.upstream), contribution=number_text(edge.contribution),
                           before=number_text(edge.grad_before), after=number_text(edge.grad_after)))
    if len(step.edges) > 8:
        lines.append(WORDS("more_inputs", count=len(step.edges) - 8))
    return "\n".join(lines)
