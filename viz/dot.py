"""Building DOT text: ``draw(root)`` returns a :class:`viz.Drawing` (a ``graphviz.Digraph``;
nothing is rendered here).

The graph is read once by :mod:`viz.graph` (the engine's public interface only); node ids come
from the traversal order (``v0``, ``v1``, ... and ``v5_op`` for the op that made ``v5``, ``v5_in0``
for the text on the edge into it from its first parent), so the same graph always gives the
same DOT text. Rendering is :mod:`viz.rendering`'s job; this module uses it, never the other way.

Every value is one record ``label | data | grad``; every op is one small node (``+``, ``*``,
``relu``, ``dot``...); a constant is a small box holding its number; edges follow parent order,
so ``a + a`` is drawn as two edges. Labels are escaped: a label such as ``<script>`` or
``R&amp;D`` is drawn as written, never as markup or a decoded entity.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Sequence

from autograd import Value, data_of

from .gradcheck import GRADCHECK_TOLERANCE, gradcheck_overlay
from .graph import GraphInfo, clean_label, neuron_names, number_text
from .language import Catalog, language
from .rendering import Drawing

__all__ = ["draw", "build", "annotation_lines", "GraphTooLargeError", "STYLES", "MODES", "RANKDIRS", "COLLAPSE", "DEFAULT_MAX_NODES", "READABLE_VALUES", "COLOURS",
           "XLABEL_ABOVE"]

MODES = ("auto", "forward", "backward", "both")
"""``forward``: values only. ``backward``: values and gradients, each edge labelled with its
local derivative and its contribution ``upstream × local``, arrows drawn the way gradients flow
(from a node back to its inputs). ``both``: the same labels with arrows the way values flow.
``auto``: ``both`` once the output has a gradient (after ``backward()``), else ``forward``."""

RANKDIRS = ("auto", "LR", "TB", "RL", "BT")
"""``LR`` (left to right), ``TB`` (top to bottom), ``RL``, ``BT``; ``auto`` (the default): ``LR``
when the drawing fits :data:`FIT_WIDTH` that way, else the narrower of ``LR`` and ``TB`` (see
:func:`pick_rankdir`)."""

FIT_WIDTH = 900
"""Width in pixels that ``rankdir="auto"`` fits a drawing into: a notebook's output area (at
96 pixels per inch, 675 of Graphviz's points)."""
COLLAPSE = ("auto", None, "neuron", "layer")
"""``auto`` (the default): the whole graph while it can be read (:data:`READABLE_VALUES`), else
neurons collapsed (then layers) when parameters are named; ``None``: the whole graph;
``neuron`` / ``layer``: each neuron / layer drawn as one node."""

READABLE_VALUES = 150
"""Most values ``draw`` lays out one by one by default (``collapse="auto"``). Beyond it a
drawing outgrows a screen: micrograd's demo network ``MLP(2, [16, 16, 1])`` drawn whole (404
values for one input) is 2159 × 15830 pt, its edge annotations piled into a black band; with its
neurons collapsed it is 35 nodes, laid out layer by layer."""

DEFAULT_MAX_NODES = 600
"""Largest number of values ``draw`` lays out one by one (``max_nodes=None`` lifts the limit).
Above it, a graph whose parameters are named (``params=model``) is drawn with its neurons, or
else its layers, collapsed into single nodes; otherwise :class:`GraphTooLargeError` says how to
get a drawing. System ``dot`` lays out 2,000 values in a few seconds (see docs/performance.md)."""

COLOURS = {
    "input": "#dbeafe",       # leaves with a label: x, y, z
    "parameter": "#fde68a",   # weights and biases (params=...)
    "constant": "#f3f4f6",    # unlabelled leaves: the 0 of max(v, 0)
    "value": "#ffffff",       # intermediate values
    "output": "#bbf7d0",      # the root
    "op": "#ede9fe",          # op nodes
    "group": "#fef3c7",       # collapsed neurons / layers
    "forward": "#2563eb",     # highlight of the active forward step
    "backward": "#dc2626",    # highlight of the active backward step
    "pending": "#cbd5e1",     # not computed yet (step-through)
    "vanishing": "#e5e7eb",   # |gradient| far below the largest one
    "changed": "#fecaca",     # a gradient this backward step just changed
    "asked": "#fef9c3",       # a value or gradient a quiz asks for (step-through, quiz=True)
    "bad": "#b91c1c",         # gradcheck overlay: numeric and analytic gradients disagree
}
"""Fill colours by role (and highlight colours), as ``#rrggbb`` strings."""

STYLES = {
    "normal": {"node": 11, "op": 11, "annotation": 10, "arrowsize": 0.7, "penwidth": 1.0, "stacked": False},
    "projector": {"node": 20, "op": 20, "annotation": 17, "arrowsize": 1.1, "penwidth": 2.0, "stacked": False},
    "compact": {"node": 10, "op": 10, "annotation": 9, "arrowsize": 0.7, "penwidth": 1.0, "stacked": True},
}
"""Type sizes (points), line widths and records of the drawing styles: ``normal`` for a screen,
``projector`` for a wall (about twice the type, lines twice as thick), ``compact`` for a narrow
column (``normal``'s type, each value's name, data and grad one above the other, and collapsed
layers closer together: a playground's loss graph by neurons, top to bottom, fits 900 pixels)."""

EXPLAINED_OPS = ("sum", "dot", "sigmoid", "relu", "leaky_relu", "elu", "softplus", "log1p")
"""Ops that a drawing explains in a key above the graph (``Σ: Σᵢ xᵢ``, ``softplus: log(1 + eˣ)``,
their forward formula from the op table), the symbols and names a student may not know at
sight; arithmetic and the usual functions (``exp``, ``log``, ``tanh``, ``max``...) explain
themselves."""

_INK = "#0f172a"          # text: near-black, legible on any fill
_PENDING_TEXT = "#94a3b8"  # text of a value not computed yet ("data ?")

XLABEL_ABOVE = 200
"""Graphs with more values than this are laid out for speed: edge annotations become Graphviz
external labels (``xlabel``, placed after the layout) and node placement runs one network-simplex
pass (``nslimit=1``). A 2,000-value graph then renders in seconds instead of minutes."""

_VANISHING_DECADES = 6  # colour_by_grad: gradients this many decades below the largest are "vanishing"

WORDS = Catalog({
    "local": {"en": "local ∂{child}/∂{parent} = {value}", "es": "derivada local ∂{child}/∂{parent} = {value}"},
    "upstream": {"en": "× upstream ∂{root}/∂{child} = {value}", "es": "× gradiente entrante ∂{root}/∂{child} = {value}"},
    "contribution": {"en": "= contribution {value}", "es": "= contribución {value}"},
    "contribution_short": {"en": "= {value}", "es": "= {value}"},
    "local_short": {"en": "local {value}", "es": "local {value}"},
    "upstream_short": {"en": "× upstream {value}", "es": "× entrante {value}"},
    "constant": {"en": "a constant", "es": "una constante"},
    "no_local_derivatives": {"en": "no local derivatives: {error}", "es": "sin derivadas locales: {error}"},
})
"""The words a drawing shows (edge texts, tooltips), in English and Spanish (:func:`viz.set_language`)."""


class GraphTooLargeError(ValueError):
    """The graph has more values than ``max_nodes``; the message says how to get a drawing.

    ``size`` is the graph's number of values and ``max_nodes`` the limit it exceeds, so that a
    caller with other knobs (the ``valuegraph`` command's ``--max-nodes``) can word its own hint.
    """

    def __init__(self, message: str, size: int | None = None, max_nodes: int | None = None) -> None:
        super().__init__(message)
        self.size = size
        self.max_nodes = max_nodes


# --------------------------------------------------------------------------------------------
# One picture of the graph in a given state (draw() and every step-through frame).
# --------------------------------------------------------------------------------------------

@dataclass
class Options:
    """Drawing options shared by :func:`draw` and the step-through (validated once)."""

    mode: str = "both"
    rankdir: str = "auto"
    color_by_grad: bool = False
    cluster: bool = False
    collapse: str | None = None
    title: str | None = None
    node_sizes: Mapping[str, tuple[float, float]] | None = None
    """Fixed (width, height) in inches per node id, so that every frame has the same layout."""
    style: str = "normal"
    """A key of :data:`STYLES`: ``normal`` or ``projector`` (large type)."""
    expand: tuple[str, ...] = ()
    """Groups (neurons, or layers) drawn value by value, in a box, while the others are collapsed."""

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"draw: unknown mode {self.mode!r} (must be one of {', '.join(MODES)})")
        if self.rankdir not in RANKDIRS:
            raise ValueError(f"draw: unknown rankdir {self.rankdir!r} (must be one of {', '.join(RANKDIRS)})")
        if self.collapse not in COLLAPSE:
            raise ValueError(f"draw: unknown collapse {self.collapse!r} (must be one of 'auto', None, 'neuron', 'layer')")
        for name in ("color_by_grad", "cluster"):
            if not isinstance(getattr(self, name), bool):
                raise TypeError(f"draw: {name} must be True or False, got {getattr(self, name)!r}")
        if self.title is not None and not isinstance(self.title, str):
            raise TypeError(f"draw: title must be a str or None, got {type(self.title).__name__}")
        if self.style not in STYLES:
            raise ValueError(f"draw: unknown style {self.style!r} (must be one of {', '.join(STYLES)})")
        if isinstance(self.expand, str) or not all(isinstance(name, str) for name in self.expand):
            raise TypeError(f"draw: expand must be a list of neuron (or layer) names, got {self.expand!r}")
        self.expand = tuple(self.expand)
        if self.expand and self.collapse is None:
            raise ValueError("draw: expand= draws the other neurons collapsed, so it cannot go with collapse=None")


@dataclass
class State:
    """What one picture shows. ``None`` fields mean "everything final"."""

    grads: Sequence[float] | None = None
    """Gradient shown in each record (None: no gradient cells)."""
    computed: Sequence[bool] | None = None
    """Values already computed (forward step-through); others are drawn faint and empty."""
    grads_shown: Sequence[bool] | None = None
    """Gradient cells shown; others keep their final text, invisible, so the layout holds still."""
    final_grads: Sequence[float] | None = None
    edges_done: set | None = None
    """(child, position) edges whose backward label is shown (None: all)."""
    active_node: int | None = None
    active_edges: frozenset = frozenset()
    changed: frozenset = frozenset()
    """Nodes whose gradient this step changed (their gradient cell is highlighted)."""
    asked: frozenset = frozenset()
    """Nodes a quiz asks about: their data (forward) or gradient (backward) is drawn ``?``, in ink,
    highlighted."""
    phase: str = "backward"
    checks: dict | None = None
    """Leaf index -> (numeric gradient, relative error, one-sided) for the gradcheck overlay (see
    :func:`gradcheck_overlay`)."""


def _grad_colour(g: float, top: float) -> str:
    """Fill for a gradient of size |g| when the largest is ``top``: white to deep red on a log
    scale, grey when more than six decades below the largest (vanishing)."""
    if top <= 0 or g == 0 or math.log10(abs(g) / top) < -_VANISHING_DECADES:
        return COLOURS["vanishing"]
    t = 1 + math.log10(abs(g) / top) / _VANISHING_DECADES  # 0 (vanishing) .. 1 (largest)
    low, high = (255, 247, 236), (252, 141, 89)
    r, gr, b = (round(lo + (hi - lo) * t) for lo, hi in zip(low, high))
    return f"#{r:02x}{gr:02x}{b:02x}"


def _field(text: str) -> str:
    """Text for one field of a record label: backslashes and the record syntax ``{ } | < >``
    escaped, so a label is always drawn as text (quotes are escaped by ``graphviz.quote``)."""
    text = clean_label(text).replace("\\", "\\\\").replace("&", "&amp;")  # Graphviz decodes entities
    return re.sub(r"([{}|<>])", r"\\\1", text)


def _plain(text: str) -> str:
    """A plain DOT string (never an HTML-like label), lines joined by DOT's ``\\n``."""
    lines = str(text).split("\n")
    return "\\n".join(clean_label(line, 200).replace("\\", "\\\\").replace("&", "&amp;") for line in lines)


def _record(fields: list[str], rankdir: str, stacked: bool = False) -> str:
    """A record label with ``fields`` side by side whatever the direction (braces flip it in LR),
    or, ``stacked``, one above the other."""
    body = "|".join(fields)
    return "{" + body + "}" if (rankdir in ("LR", "RL")) != stacked else body


_BARE_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)")
_KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


@functools.lru_cache(maxsize=8192)
def _q(text: str) -> str:
    """A DOT id: bare when it can be, else double-quoted. Texts reaching here have their
    backslashes doubled already (:func:`_field`, :func:`_plain`), so every quote is escaped."""
    if _BARE_ID.fullmatch(text) and text.lower() not in _KEYWORDS:
        return text
    return '"' + text.replace('"', '\\"') + '"'


def _attrs(attrs: dict) -> str:
    return " [" + " ".join(f"{key}={_q(value)}" for key, value in attrs.items()) + "]" if attrs else ""


def _static_fields(info: GraphInfo, i: int, stacked: bool = False) -> tuple[str, str]:
    """The record fields of node ``i`` that never change (its name and its data), made once
    per graph: a step-through draws the same records hundreds of times. ``stacked`` records
    (the compact style) break a long name in two lines."""
    fields = info.drawn.get(("static_fields", stacked))
    if fields is None:
        fields = info.drawn[("static_fields", stacked)] = [
            ("\\n".join(map(_field, _name_lines(info.display_name(j)) if stacked else [info.display_name(j)])),
             _field(f"data {number_text(node.data)}"))
            for j, node in enumerate(info.order)]
    return fields[i]


def _name_lines(name: str, longest: int = 24) -> list[str]:
    """A name in at most two lines of about ``longest`` characters: broken after an arrow
    (``w(layer 1, neuron 4 →`` / ``layer 2, neuron 1)``), else at the space nearest its middle."""
    if len(name) <= longest or " " not in name:
        return [name]
    if " → " in name:
        first, rest = name.split(" → ", 1)
        return [first + " →", rest]
    spaces = [k for k, c in enumerate(name) if c == " "]
    cut = min(spaces, key=lambda k: abs(k - len(name) / 2))
    return [name[:cut], name[cut + 1:]]


def build(info: GraphInfo, options: Options, state: State) -> Drawing:
    """The ``graphviz.Digraph`` of ``info`` as ``state`` describes it (no rendering).

    The DOT lines are written here directly (the ``graphviz`` package's per-attribute quoting
    is the slow part of drawing thousands of nodes); the Digraph only carries them.
    """
    mode = options.mode
    show_grads = state.grads is not None and mode != "forward"
    annotate = show_grads and bool(info.local_grads)
    collapsed = collapsed_groups(info, options.collapse, options.expand)
    size = drawn_size(info, options.collapse, options.expand)
    expanded = {g for g in info.group_order if g not in collapsed} if collapsed else set()
    boxed = {g for g in info.group_order if g not in collapsed} if options.cluster else set()
    style = STYLES[options.style]
    graph_attrs = {"rankdir": options.rankdir, "bgcolor": "white", "nodesep": "0.1" if style["stacked"] else "0.25",
                   "ranksep": "1.2" if collapsed and not style["stacked"] else "0.35", "fontname": "Helvetica",
                   "fontsize": str(style["node"])}
    if size > XLABEL_ABOVE:
        graph_attrs["nslimit"] = "1"  # one pass of Graphviz's x-placement: minutes -> seconds on big graphs
    body = [f"\tgraph{_attrs(graph_attrs)}\n",
            f"\tnode{_attrs({'fontname': 'Helvetica', 'fontsize': str(style['node']), 'style': 'filled', 'fontcolor': _INK, 'penwidth': str(style['penwidth'])})}\n",
            f"\tedge{_attrs({'fontname': 'Helvetica', 'fontsize': str(style['annotation']), 'arrowsize': str(style['arrowsize']), 'color': '#475569', 'fontcolor': _INK, 'penwidth': str(style['penwidth'])})}\n"]
    caption = "\n".join(([options.title] if options.title else []) + op_key(info, collapsed)) or None
    if info.replay_error and mode != "forward":
        caption = (caption + "\n" if caption else "") + info.replay_error
    if info.gradcheck_error and state.checks is not None and info.gradcheck_error != info.replay_error:
        caption = (caption + "\n" if caption else "") + info.gradcheck_error
    if caption:
        body.append(f"\tgraph{_attrs({'label': _plain(caption), 'labelloc': 't'})}\n")

    grads = list(state.grads) if show_grads else None
    top = max((abs(g) for g in grads), default=0.0) if grads else 0.0
    computed = state.computed

    # Nodes: grouped into clusters when asked, each group emitted once in order of appearance.
    node_lines: dict[str | None, list[str]] = {}
    group_nodes: dict[str, list[int]] = {}
    for i in range(len(info.order)):
        group = info.groups[i]
        if group is not None and collapsed.get(group):
            group_nodes.setdefault(collapsed[group], []).append(i)
            continue
        pending = computed is not None and not computed[i] and i not in state.asked
        active = state.active_node == i
        target = group if group in boxed else None
        lines = node_lines.setdefault(target, [])
        for name, attrs in _value_nodes(info, i, state, grads, top, options, pending, active):
            _pin_size(name, attrs, options)
            lines.append(f"{name}{_attrs(attrs)}\n")
    if group_nodes:
        consumed_by: list[set[int]] = [set() for _ in info.order]
        for j, parent_ids in enumerate(info.parents):
            for p in parent_ids:
                consumed_by[p].add(j)
        opened = {}  # an expanded neuron's output, drawn in its layer's row beside the collapsed ones
        for group in expanded:
            members = [i for i, g in enumerate(info.groups) if g == group]
            outputs = [i for i in members if info.order[i] is info.root or consumed_by[i] - set(members)]
            if len(outputs) == 1:
                opened[group] = f"v{outputs[0]}"
        body.extend(_group_lines(info, group_nodes, consumed_by, grads, options, state, opened))
    # Edges: parent value -> op node (one per parent, in order), op node -> value.
    members_of = {i: gid for gid, members in group_nodes.items() for i in members}
    seen_group_edges: set[tuple[str, str]] = set()
    edge_lines: list[str] = []
    for i, parent_ids in enumerate(info.parents):
        if not parent_ids:
            continue
        child_group = members_of.get(i)
        for position, p in enumerate(parent_ids):
            if child_group is not None or p in members_of:
                tail = members_of.get(p, f"v{p}")
                head = child_group or f"v{i}_op"
                if tail != head and (tail, head) not in seen_group_edges:
                    seen_group_edges.add((tail, head))
                    edge_lines.append(f"\t{tail} -> {head}{_attrs(_group_edge(group_nodes.get(child_group, [i]), state))}\n")
                continue
            text_node, lines = _input_edge(info, i, position, state, grads, top, options, annotate,
                                           size > XLABEL_ABOVE)
            edge_lines.extend(lines)
            if text_node is not None:  # beside its op, in the op's neuron box when clustered
                node_lines.setdefault(info.groups[i] if info.groups[i] in boxed else None, []).append(text_node)
        if child_group is None:
            attrs = {}
            if mode == "backward":
                attrs.update(dir="back", color=COLOURS["backward"])
            if computed is not None and not computed[i]:
                attrs.update(color=COLOURS["pending"])
            if state.active_node == i:
                attrs.update(color=COLOURS[state.phase], penwidth=str(2.5 * style["penwidth"]))
            edge_lines.append(f"\tv{i}_op -> v{i}{_attrs(attrs)}\n")

    cluster_no = 0
    for group, lines in node_lines.items():
        if group is None:
            body.extend("\t" + line for line in lines)
            continue
        body.append(f"\tsubgraph cluster_{cluster_no} {{\n")
        body.append(f"\t\tgraph{_attrs({'label': _plain(group), 'style': 'rounded,dashed', 'color': '#94a3b8', 'fontsize': '10'})}\n")
        body.extend("\t\t" + line for line in lines)
        body.append("\t}\n")
        cluster_no += 1

    body.extend(edge_lines)
    return Drawing(name="valuegraph", body=body)


def _value_nodes(info: GraphInfo, i: int, state: State, grads: list | None, top: float, options: Options,
                 pending: bool, active: bool) -> list[tuple[str, dict]]:
    node = info.order[i]
    style = STYLES[options.style]
    if info.kinds[i] == "constant":  # its number alone: no name, no gradient, no op
        attrs = {"label": _plain(number_text(node.data)), "shape": "box", "style": "rounded,filled",
                 "fillcolor": COLOURS["constant"], "color": "#94a3b8", "fontsize": str(style["op"] - 1),
                 "margin": "0.04,0.02", "width": "0.3", "height": "0.25",
                 "tooltip": WORDS("constant")}
        if pending:  # the rule of every value: faint until the forward pass reaches it
            attrs.update(fillcolor="#ffffff", color=COLOURS["pending"], fontcolor=_PENDING_TEXT,
                         style="rounded,filled,dashed")
        if active:
            attrs.update(color=COLOURS[state.phase], penwidth=str(3 * style["penwidth"]))
        return [(f"v{i}", attrs)]
    fill = COLOURS[info.kinds[i]]
    fields = list(_static_fields(info, i, style["stacked"]))
    asked = i in state.asked
    if pending or (asked and state.phase == "forward"):  # not computed yet: its name, not its value
        fields[1] = _field("data ?")
    attrs = {"shape": "record", "fillcolor": fill, "color": "#334155"}
    if grads is not None:
        shown = (state.grads_shown is None or state.grads_shown[i]) and not (asked and state.phase == "backward")
        fields.append(_field(f"grad {number_text(grads[i])}" if shown else "grad ?"))
        if shown and options.color_by_grad:
            attrs["fillcolor"] = _grad_colour(grads[i], top)
        if shown and i in state.changed:
            attrs["fillcolor"] = COLOURS["changed"]
    if state.checks is not None and i in state.checks:
        numeric, relative, one_sided = state.checks[i]
        if numeric is None:
            text = "numeric unavailable"
        else:
            text = f"numeric {number_text(numeric)}" + (" (one-sided)" if one_sided else "")
        if relative is None:
            text += "; analytic unavailable" if numeric is not None else ""
        else:
            text += f" (rel err {relative:.1e})" + ("" if relative <= GRADCHECK_TOLERANCE else " MISMATCH")
        fields.append(_field(text))
        if relative is None or relative > GRADCHECK_TOLERANCE:
            attrs.update(color=COLOURS["bad"], penwidth="2")
    attrs = {"label": _record(fields, options.rankdir, style["stacked"]), **attrs}
    if asked:
        attrs.update(fillcolor=COLOURS["asked"], color=COLOURS[state.phase], penwidth=str(3 * style["penwidth"]))
    if pending:
        attrs.update(fillcolor="#ffffff", color=COLOURS["pending"], fontcolor=_PENDING_TEXT, style="filled,dashed")
    if active:
        attrs.update(color=COLOURS[state.phase], penwidth=str(3 * style["penwidth"]))
    nodes = [(f"v{i}", attrs)]
    if node.parents:
        op_attrs = {"label": _plain(info.op_text(i)), "shape": "ellipse", "fillcolor": COLOURS["op"],
                    "color": "#64748b", "margin": "0.03,0.01", "height": "0.3", "fontsize": str(style["op"])}
        if node.op is not None:
            op_attrs["tooltip"] = _plain(f"{node.op.name}: {node.op.rule}")
        if pending:
            op_attrs.update(fillcolor="#ffffff", color=COLOURS["pending"], fontcolor=COLOURS["pending"],
                            style="filled,dashed")
        if active:
            op_attrs.update(color=COLOURS[state.phase], penwidth=str(3 * style["penwidth"]))
        nodes.insert(0, (f"v{i}_op", op_attrs))
    return nodes


def op_key(info: GraphInfo, collapsed: Mapping[str, str] | None = None) -> list[str]:
    """One line per op of :data:`EXPLAINED_OPS` drawn in the graph (not hidden in a collapsed
    group), in the order they first appear: its symbol and its forward formula."""
    seen: dict[str, str] = {}
    for i, node in enumerate(info.order):
        op = node.op
        if op is None or op.name not in EXPLAINED_OPS or op.name in seen:
            continue
        if collapsed and info.groups[i] is not None and collapsed.get(info.groups[i]):
            continue
        name = op.name if "{param}" in op.symbol else op.symbol
        seen[op.name] = f"{name}: {op.rule.split(';')[0].strip()}"
    return list(seen.values())


def annotation_lines(info: GraphInfo, child: int, position: int, local: float, upstream: float,
                     named: bool = True, narrow: bool = False) -> list[str]:
    """What the edge from a parent into ``child``'s op says once the backward pass has crossed
    it, in words a student reads without a legend: the local derivative, the upstream gradient
    and their product, the contribution added to the parent's gradient. Derivatives are named
    (``∂q/∂x``) when the names are short and ``named`` (big graphs' external labels are not:
    Graphviz places those one by one, and shorter texts are placed faster). ``narrow`` (the
    compact style) writes the product without its name when the derivatives are not named."""
    parent = info.parents[child][position]
    names = [info.display_name(k) for k in (child, parent, len(info.order) - 1)]
    c, p, r = names
    contribution = WORDS("contribution", value=number_text(local * upstream))
    if named and max(len(name) for name in names) <= 8:
        return [WORDS("local", child=c, parent=p, value=number_text(local)),
                WORDS("upstream", root=r, child=c, value=number_text(upstream)), contribution]
    if narrow:
        contribution = WORDS("contribution_short", value=number_text(local * upstream))
    return [WORDS("local_short", value=number_text(local)), WORDS("upstream_short", value=number_text(upstream)),
            contribution]


def _input_edge(info: GraphInfo, child: int, position: int, state: State, grads: list | None, top: float,
                options: Options, annotate: bool, external_labels: bool) -> tuple[str | None, list[str]]:
    """DOT lines for the edge from a parent value into ``child``'s op node: (the line of the
    node holding its annotation, or None; the edge lines).

    With backward annotations (see :func:`annotation_lines`), a graph of up to
    :data:`XLABEL_ABOVE` values routes the edge through a small text node that holds them, so
    that a frame whose pass has not crossed the edge yet can draw that node empty, its size
    pinned by ``node_sizes``: the layout holds still and the page holds no number the pass has
    not computed. Bigger graphs put them in external labels (``xlabel``, placed after layout).
    """
    parent = info.parents[child][position]
    style = STYLES[options.style]
    attrs: dict[str, str] = {}
    backward = options.mode == "backward"
    if backward:
        attrs["color"] = COLOURS["backward"]
    if info.kinds[parent] == "constant" and backward:  # no gradient flows back to a constant
        attrs.update(color="#94a3b8", dir="none")
        return None, [f"\tv{parent} -> v{child}_op{_attrs(attrs)}\n"]
    lines = None
    done = state.edges_done is None or (child, position) in state.edges_done
    if annotate and (child, position) in info.local_grads and info.kinds[parent] != "constant":
        local = info.local_grads[(child, position)]
        upstream = grads[child] if state.final_grads is None else state.final_grads[child]
        narrow = style["stacked"]
        key = (child, position, upstream, not external_labels, narrow, language())  # the same text in every frame
        cache = info.drawn.setdefault("annotations", {})
        lines = cache.get(key)
        if lines is None:
            lines = cache[key] = annotation_lines(info, child, position, local, upstream, named=not external_labels,
                                                  narrow=narrow)
        if options.color_by_grad and done:
            contribution = abs(local * upstream)
            attrs["color"] = _grad_colour(contribution, top)
            attrs["penwidth"] = "0.6" if top == 0 or contribution == 0 else \
                f"{max(0.6, 3.0 * (1 + math.log10(max(contribution / top, 1e-6)) / _VANISHING_DECADES)):.2f}"
    if state.computed is not None and not state.computed[child]:
        attrs["color"] = COLOURS["pending"]
    active = (child, position) in state.active_edges
    if active:
        attrs.update(color=COLOURS[state.phase], penwidth=str(2.5 * style["penwidth"]))
    if lines is None or external_labels:
        if lines is not None and done:
            attrs["xlabel"] = "\\n".join(_plain(line) for line in lines)
            if active:
                attrs["fontcolor"] = COLOURS[state.phase]
        if backward:
            attrs["dir"] = "back"
        return None, [f"\tv{parent} -> v{child}_op{_attrs(attrs)}\n"]
    label_id = f"v{child}_in{position}"
    label = {"label": "\\n".join(_plain(line) for line in lines) if done else "", "shape": "plaintext",
             "margin": "0.02,0.02" if style["stacked"] else "0.06,0.03", "fillcolor": "#ffffff",
             "fontsize": str(style["annotation"])}
    if active:
        label["fontcolor"] = COLOURS[state.phase]
    _pin_size(label_id, label, options)
    into_label = dict(attrs, dir="back" if backward else "none")
    into_op = dict(attrs, dir="none") if backward else dict(attrs)
    if not done:  # an empty box: the two halves of the edge meet in its middle, one unbroken line
        into_label["headclip"] = into_op["tailclip"] = "false"
    return f"{label_id}{_attrs(label)}\n", [f"\tv{parent} -> {label_id}{_attrs(into_label)}\n",
                                            f"\t{label_id} -> v{child}_op{_attrs(into_op)}\n"]


def _pin_size(name: str, attrs: dict, options: Options) -> None:
    """Fix the size of node ``name`` to ``options.node_sizes[name]``, if given."""
    if options.node_sizes and name in options.node_sizes:
        width, height = options.node_sizes[name]
        attrs.update(width=f"{width:.4f}", height=f"{height:.4f}", fixedsize="true")


def collapsed_groups(info: GraphInfo, collapse: str | None, expand: Sequence[str] = ()) -> dict[str, str]:
    """{group name: node id} of the groups drawn as single nodes (those named in ``expand``, or
    whose layer is, are drawn value by value)."""
    if collapse not in ("neuron", "layer"):
        return {}
    result: dict[str, str] = {}
    ids: dict[str, str] = {}  # key -> node id, one id per key even when two keys read alike
    for group in info.groups:
        if group is None or group in result:
            continue
        layer = info.layers.get(group)
        if group in expand or (layer is not None and layer in expand):
            continue
        key = group if collapse == "neuron" else (layer or group)
        if key not in ids:
            ids[key] = _unique_id(f"g_{re.sub(r'[^A-Za-z0-9_]', '_', key)}", set(ids.values()))
        result[group] = ids[key]
    return result


def _unique_id(wanted: str, taken: set[str]) -> str:
    """``wanted``, or ``wanted_2``, ``wanted_3``... if taken: ``a.b`` and ``a_b`` stay two nodes."""
    candidate, n = wanted, 1
    while candidate in taken:
        n += 1
        candidate = f"{wanted}_{n}"
    return candidate


_GROUP_EDGE = {"color": "#94a3b8", "penwidth": "0.6", "arrowsize": "0.5"}
"""Edges between collapsed groups: thin and light, so that two fully connected layers read as a
mesh, not as a black band."""


def _group_edge(head_members: list[int], state: State) -> dict:
    """An edge into a collapsed group (or into a value from one): faint until the forward pass
    computes its head, in the pass's colour while its head is the step's node."""
    attrs = dict(_GROUP_EDGE)
    if state.computed is not None and not all(state.computed[i] for i in head_members):
        attrs["color"] = COLOURS["pending"]
    if state.active_node in head_members:
        attrs.update(color=COLOURS[state.phase], penwidth="2")
    return attrs


def _group_lines(info: GraphInfo, group_nodes: dict[str, list[int]], consumed_by: list[set[int]],
                 grads: list | None, options: Options, state: State, opened: Mapping[str, str]) -> list[str]:
    """DOT lines of the collapsed groups, laid out layer by layer: with neurons collapsed, each
    layer is one rank headed by its name, its neurons in order (0, 1, ..., 15), an expanded
    neuron's output (``opened``: group -> node id) in its place among them."""
    def name(gid: str) -> str:
        return info.groups[group_nodes[gid][0]]

    place = {group: k for k, group in enumerate(info.group_order)}
    gid_of = {name(gid): gid for gid in group_nodes}
    layers: dict[str | None, list[str]] = {}
    for group in sorted([*gid_of, *opened], key=place.__getitem__):
        layers.setdefault(info.layers.get(group) if options.collapse == "neuron" else None, []).append(group)
    lines = []
    for number, layer in enumerate(layers):
        ids = [gid_of.get(group) or opened[group] for group in layers[layer]]
        nodes = [f"{gid}{_attrs(_group_node(info, group_nodes[gid], consumed_by, grads, options, state, layer))}\n"
                 for gid in ids if gid in group_nodes]
        if layer is None:
            lines.extend("\t" + line for line in nodes)
            continue
        # One rank per layer, headed by the layer's name (unless its neurons' names say it: "layer 1,
        # neuron 2"); invisible edges along the rank keep the order (Graphviz keeps such an order in a
        # plain subgraph, not in a cluster box; and not beside a record, so an open neuron's output
        # is only put in the rank).
        lines.append(f"\tsubgraph layer_{number} {{\n\t\trank=same\n")
        chain = [gid for gid in ids if gid in group_nodes]
        if not all(group.startswith(layer) and not group.startswith(layer + ".") for group in layers[layer]):
            chain.insert(0, f"layer_{number}_title")
            lines.append(f"\t\t{chain[0]}{_attrs({'label': _plain(layer), 'shape': 'plaintext', 'style': '', 'fontcolor': '#92400e'})}\n")
        lines.extend("\t\t" + line for line in nodes)
        lines.extend(f"\t\t{node_id}\n" for node_id in ids if node_id not in group_nodes)
        if len(chain) > 1:
            lines.append(f"\t\t{' -> '.join(chain)} [style=invis]\n")
        lines.append("\t}\n")
    return lines


def _group_node(info: GraphInfo, members: list[int], consumed_by: list[set[int]], grads: list | None,
                options: Options, state: State, layer: str | None = None) -> dict:
    """A collapsed group: its name, its output and the output's gradient, its size; in a
    step-through faint until computed and outlined in the pass's colour while it is the step's."""
    inside = set(members)
    used_outside = [i for i in members if info.order[i] is info.root or consumed_by[i] - inside]
    group = info.groups[members[0]]
    name = group if options.collapse == "neuron" else (info.layers.get(group) or group)
    if layer and name and name.startswith(layer + "."):
        name = name[len(layer) + 1:]  # inside its layer's box: neurons.3
    lines = [name or "group"]
    pending = state.computed is not None and not all(state.computed[i] for i in members)
    if len(used_outside) == 1:
        out = used_outside[0]
        shown = grads is not None and (state.grads_shown is None or state.grads_shown[out])
        numbers = ["out ?" if pending else f"out {number_text(info.order[out].data)}"]
        numbers += [f"grad {number_text(grads[out])}"] if shown else []
        lines.extend(numbers if STYLES[options.style]["stacked"] else ["   ".join(numbers)])
    lines.append(f"({len(members)} values)")
    # a box, not a record: Graphviz cannot keep a rank's order with records (flat edges)
    attrs = {"label": _plain("\n".join(lines)), "shape": "box", "style": "filled,rounded",
             "fillcolor": COLOURS["group"], "color": "#92400e", "penwidth": "1.5"}
    if pending:
        attrs.update(fillcolor="#ffffff", color=COLOURS["pending"], fontcolor=_PENDING_TEXT, style="filled,rounded,dashed")
    if inside & state.changed:
        attrs["fillcolor"] = COLOURS["changed"]
    if state.active_node in inside:
        attrs.update(color=COLOURS[state.phase], penwidth=str(3 * STYLES[options.style]["penwidth"]))
    return attrs


# --------------------------------------------------------------------------------------------
# The public entry point.
# --------------------------------------------------------------------------------------------

def check_size(info: GraphInfo, options: Options, max_nodes: int | None) -> Options:
    """Options whose ``collapse`` gives a drawing that can be read and fits ``max_nodes`` values,
    or GraphTooLargeError.

    ``collapse="auto"`` draws the whole graph up to :data:`READABLE_VALUES` values if it fits
    :data:`FIT_WIDTH` (left to right or top to bottom, or as ``rankdir`` asks), and otherwise
    (when parameters are named, there are at least two neurons and ``cluster`` does not ask to
    box them) the first of neurons, then layers, collapsed that brings it within; ``None`` draws the whole graph unless it exceeds
    ``max_nodes``; ``"neuron"`` and ``"layer"`` are taken as asked. Whatever the choice, more
    than ``max_nodes`` drawn values collapse further or raise.
    """
    if max_nodes is not None and (isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1):
        raise ValueError(f"draw: max_nodes must be a positive int or None, got {max_nodes!r}")
    named = any(g is not None for g in info.groups)
    if options.expand:
        known = {*info.group_order, *(layer for layer in info.layers.values() if layer is not None)}
        unknown = [name for name in options.expand if name not in known]
        if unknown:
            some = ", ".join(map(repr, info.group_order[:8])) + (", ..." if len(info.group_order) > 8 else "")
            raise ValueError(f"draw(expand): {', '.join(map(repr, unknown))} is not a neuron or layer of the graph "
                             f"(its neurons: {some or 'none; name them with params=model or groups='})")
        if options.collapse == "auto":  # the others collapsed: the point of expanding one
            options = dataclasses.replace(options, collapse="neuron")
    choices = [None, "neuron", "layer"] if named else [None]
    if options.collapse in ("neuron", "layer"):
        choices = choices[choices.index(options.collapse):] if named else [None]
    limit = max_nodes if max_nodes is not None else math.inf
    sizes = {collapse: drawn_size(info, collapse, options.expand) for collapse in choices}
    fitting = [collapse for collapse in choices if sizes[collapse] <= limit]
    if fitting and options.collapse == "auto":
        readable = [collapse for collapse in fitting if sizes[collapse] <= READABLE_VALUES]
        if readable[:2] == [None, "neuron"] and not options.cluster and not fits_width(info, options) and \
                len(set(collapsed_groups(info, "neuron").values())) >= 2:
            readable = readable[1:]  # a network too wide to read value by value: by neurons
        return dataclasses.replace(options, collapse=(readable or fitting)[-1 if not readable else 0])
    if fitting:
        return dataclasses.replace(options, collapse=fitting[0])
    hint = ("" if named else "pass params=model so that neurons or layers can be collapsed into single nodes, ")
    raise GraphTooLargeError(
        f"draw: the graph has {len(info.order)} values, more than max_nodes={max_nodes}"
        + (" even with its layers collapsed" if named else "")
        + f"; to get a drawing, {hint}draw a smaller part of it (one neuron's output, one example's loss), "
          f"or raise the limit with max_nodes={len(info.order)} (or None)", len(info.order), max_nodes)


def drawn_size(info: GraphInfo, collapse: str | None, expand: Sequence[str] = ()) -> int:
    """How many values, and collapsed groups, a drawing lays out."""
    if collapse is None:
        return len(info.order)
    groups = collapsed_groups(info, collapse, expand)
    return sum(1 for g in info.groups if g is None or g not in groups) + len(set(groups.values()))


def draw(root: Value, mode: str = "auto", rankdir: str = "auto", *, params: Any = None, cluster: bool = False,
         collapse: str | None = "auto", color_by_grad: bool = False, gradcheck: bool = False,
         max_nodes: int | None = DEFAULT_MAX_NODES, title: str | None = None, style: str = "normal",
         groups: Any = None, expand: Sequence[str] = ()) -> Drawing:
    """Draw ``root``'s computational graph: a ``graphviz.Digraph`` (shown inline as SVG in Jupyter).

    One record per value (label, data, grad), one node per op, edges in parent order.
    ``mode``: see :data:`MODES`. ``rankdir``: ``LR`` (left to right) or ``TB`` (top to bottom);
    the default ``auto`` draws left to right when that fits a notebook's width
    (:data:`FIT_WIDTH`), else the narrower way (:func:`pick_rankdir`).
    Colours tell inputs, parameters, constants, ops and the output apart (:data:`COLOURS`).
    ``params``: an ``nn.Module`` (or a mapping name -> Value, or a list of Values) whose
    parameters are coloured as parameters and labelled with their dotted names;
    ``cluster=True`` boxes each neuron's nodes together; ``collapse='neuron'|'layer'`` draws
    each neuron (or layer) as one node, laid out layer by layer in numeric order; the default
    ``collapse='auto'`` does so by itself when the whole graph would be too big to read
    (:data:`READABLE_VALUES`) or too wide for a notebook either way (:data:`COLLAPSE`); ``collapse=None`` draws every value. ``color_by_grad=True`` colours gradient cells and edges
    by |gradient| on a log scale (vanishing gradients show grey). ``gradcheck=True`` adds to each
    leaf the central-difference gradient and its relative error. ``style="projector"`` draws
    large type and thick lines for a wall (:data:`STYLES`). Graphs with more than
    ``max_nodes`` values are collapsed (named parameters) or refused with
    :class:`GraphTooLargeError`. Gradients are only read: drawing never changes ``.grad``.

    ``groups`` names the neurons in words of your own, where parameter names do not say them:
    the values the neurons output, by name (or as Values), listed by layer
    (``{"layer 1": ["layer 1, neuron 1", ...], "output": ["output"]}``, what
    ``Playground.neuron_groups()`` gives) or in one list; each neuron holds what its output is
    computed from, back to the graph's inputs and the other neurons (see
    :func:`viz.graph.read_groups`). ``expand=["layer 1, neuron 2"]`` draws those neurons (or
    layers) value by value, in a box named after them, and every other one collapsed.
    """
    options = Options("both" if mode == "auto" else mode, rankdir, color_by_grad, cluster, collapse, title,
                      style=style, expand=expand)
    info = GraphInfo.read(root, params, groups)
    if mode == "auto":
        options.mode = "both" if data_of(root.grad) != 0.0 else "forward"
    if params is None and groups is None and collapse == "auto" and (
            len(info.order) > READABLE_VALUES or not fits_width(info, options)):
        found = neuron_names(info.order)  # a network no one named: find its neurons
        if found:
            info = GraphInfo.read(root, found)
    options = check_size(info, options, max_nodes)
    if options.rankdir == "auto":  # neurons collapsed are laid out layer by layer, left to right
        options.rankdir = pick_rankdir(info, options) if options.collapse is None else "LR"
    if not isinstance(gradcheck, bool):
        raise TypeError(f"draw: gradcheck must be True or False, got {gradcheck!r}")
    if options.mode != "forward":
        try:
            info.replay()
        except FloatingPointError as error:
            info.replay_error = WORDS("no_local_derivatives", error=error)
    grads = [data_of(node.grad) for node in info.order] if options.mode != "forward" else None
    checks = gradcheck_overlay(info) if gradcheck else None
    return build(info, options, State(grads=grads, checks=checks))


def pick_rankdir(info: GraphInfo, options: Options) -> str:
    """What ``rankdir="auto"`` draws ``info`` with: ``LR`` when the drawing fits :data:`FIT_WIDTH`
    left to right, else whichever of ``LR`` and ``TB`` is narrower (a wide graph, such as an
    MLP's loss, is usually narrower top to bottom; a drawing too wide either way is collapsed by
    neurons where it can be, see :func:`check_size`).

    Widths are estimated from the drawing's records and edge texts placed in Graphviz's ranks
    (the longest path to each node), without running Graphviz."""
    widths = estimated_widths(info, options)
    if widths["LR"] <= FIT_WIDTH * 0.75:
        return "LR"
    return "TB" if widths["TB"] < widths["LR"] else "LR"


def fits_width(info: GraphInfo, options: Options) -> bool:
    """Whether the whole graph, drawn as ``options.rankdir`` asks (``auto``: either way), is
    estimated to fit :data:`FIT_WIDTH` (``RL`` and ``BT`` are as wide as ``LR`` and ``TB``)."""
    widths = estimated_widths(info, options)
    if options.rankdir == "auto":
        return min(widths.values()) <= FIT_WIDTH * 0.75
    return widths["LR" if options.rankdir in ("LR", "RL") else "TB"] <= FIT_WIDTH * 0.75


class _Widths(dict):
    def __missing__(self, character: str) -> float:
        return 0.667


_CHAR_WIDTH = _Widths({**dict.fromkeys("0123456789abcdeghknopqsuvxyz", 0.556), **dict.fromkeys("fijlrt", 0.3),
                       **dict.fromkeys(" .,:;|()[]-/'", 0.3), "m": 0.833, "w": 0.722})
"""Helvetica's advance widths (in ems) of common characters; others count 0.667."""


def _text_width(text: str, size: float) -> float:
    return size * sum(map(_CHAR_WIDTH.__getitem__, text))


def estimated_widths(info: GraphInfo, options: Options) -> dict[str, float]:
    """The drawing's estimated width in points (as Graphviz's SVG states it), drawn ``LR`` and ``TB``.

    Each DOT node's width comes from its text (Helvetica's widths); each node sits in the last
    rank before the first node that uses it (Graphviz pulls a subexpression next to its
    consumer). Left to right, the width is the sum of each rank's widest node; top to bottom,
    the widest rank's nodes side by side. Against Graphviz 2.43 on the lecture's graph, neurons,
    chains, sums and small networks the estimate is within about 15 % left to right, and
    within a factor of 1.5 top to bottom (where edges spread the ranks)."""
    key = ("widths", options.mode, options.style)  # asked by collapse="auto", then by rankdir="auto"
    if key not in info.drawn:
        info.drawn[key] = _estimated_widths(info, options)
    return info.drawn[key]


def _estimated_widths(info: GraphInfo, options: Options) -> dict[str, float]:
    style = STYLES[options.style]
    node_size, note_size = style["node"], style["annotation"]
    annotate = options.mode != "forward" and len(info.order) <= XLABEL_ABOVE
    grads = options.mode != "forward"
    root = info.display_name(len(info.order) - 1)
    widths: dict[str, float] = {}
    consumers: dict[str, list[str]] = {}
    for i, node in enumerate(info.order):  # DOT nodes, each after every node it comes from
        if node.parents:
            op = f"v{i}_op"
            for position, p in enumerate(info.parents[i]):
                if annotate and info.kinds[p] != "constant":
                    note = f"v{i}_in{position}"
                    widths[note] = _text_width(f"× upstream ∂{root}/∂{info.display_name(i)} = -0.0000",
                                               note_size) + 9
                    consumers.setdefault(f"v{p}", []).append(note)
                    consumers[note] = [op]
                else:
                    consumers.setdefault(f"v{p}", []).append(op)
            widths[op] = max(54.0, _text_width(info.op_text(i), node_size) + 10)
            consumers[op] = [f"v{i}"]
        if info.kinds[i] == "constant":
            widths[f"v{i}"] = max(22.0, _text_width(number_text(node.data), node_size - 1) + 6)
        else:
            name = _name_lines(info.display_name(i)) if style["stacked"] else [info.display_name(i)]
            fields = [*name, f"data {number_text(node.data)}"] + (["grad -0.000"] if grads else [])
            cells = [_text_width(field, node_size) + 18 for field in fields]
            widths[f"v{i}"] = max(cells) if style["stacked"] else sum(cells)
    names = list(widths)
    rank: dict[str, int] = {}
    for name in reversed(names):  # as late as its first consumer allows
        rank[name] = min((rank[c] - 1 for c in consumers.get(name, ())), default=0)
    columns: dict[int, list[float]] = {}
    for name in names:
        columns.setdefault(rank[name], []).append(widths[name])
    ranksep, nodesep, margin = 0.35 * 72, 0.25 * 72, 8.0
    left_right = sum(max(column) for column in columns.values()) + ranksep * (len(columns) - 1) + margin
    top_bottom = max(sum(column) + nodesep * (len(column) - 1) for column in columns.values()) + margin
    key = max((_text_width(line, node_size) + margin for line in op_key(info)), default=0.0)  # the key above
    return {"LR": max(left_right, key), "TB": max(top_bottom, key)}
