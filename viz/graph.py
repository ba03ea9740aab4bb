"""What a drawing knows about a graph, read once through the engine's public interface.

:class:`GraphInfo` walks a graph with ``topological_order`` and reads each value's ``parents``,
``op`` (``op.describe(param)``), ``data``, ``grad`` and ``label``; ``backward_steps`` gives the
local derivatives. Index ``i`` in its lists is the value drawn as ``v{i}``, so node ids come
from the traversal order and the same graph always gives the same drawing. Both
:func:`viz.draw` and the step-through (:mod:`viz.steps`) start here; nothing here knows DOT.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Sequence

import autograd
from autograd import Value, backward_steps, data_of, topological_order

__all__ = ["GraphInfo", "is_constant", "module_path", "clean_label", "number_text", "neuron_names", "read_groups"]


def is_constant(node: Value) -> bool:
    """Whether ``node`` is a constant (the ``0`` of ``max(v, 0)``), drawn as its number alone:
    the engine makes every number written into an expression an ``autograd.Constant`` leaf.
    This is the one place that decides."""
    return isinstance(node, autograd.Constant)


@dataclass
class GraphInfo:
    """A graph read through the public API, in topological order (index ``i`` is node ``v{i}``)."""

    root: Value
    order: list[Value]
    index: dict[Value, int]
    parents: list[tuple[int, ...]]
    kinds: list[str]
    names: list[str | None]
    groups: list[str | None]
    """The group (a neuron) each value belongs to, or None: from dotted parameter names
    (``layers.0.neurons.1``), or from the ``groups=`` a drawing was given (see :func:`read_groups`)."""
    layers: dict[str, str | None] = field(default_factory=dict)
    """Each group's layer (``layers.0`` for ``layers.0.neurons.1``), or None."""
    group_order: list[str] = field(default_factory=list)
    """The groups in the order drawings lay them out: as given, or in numeric order (``neurons.2``
    before ``neurons.10``) for dotted names."""
    local_grads: dict[tuple[int, int], float] = field(default_factory=dict)
    """(child, position) -> ∂child/∂parent, filled by :meth:`replay`."""
    replay_error: str | None = None
    """Why the backward pass cannot be replayed (the engine's FloatingPointError), if it cannot."""
    gradcheck_error: str | None = None
    """Why the gradcheck overlay has no analytic gradients, if it has none (see :func:`gradcheck_overlay`)."""
    drawn: dict = field(default_factory=dict)
    """What a drawing computes once per graph and reuses in every frame (:mod:`viz.dot` keeps
    each record's fixed fields here)."""
    shown_names: list[str] = field(default_factory=list)
    """How drawings and captions name each value (see :meth:`display_name`)."""

    def __post_init__(self) -> None:
        if not self.shown_names:
            self.shown_names = _shown_names(self.order, self.kinds, self.names)
        named = sorted({g for g in self.groups if g is not None}, key=_natural)
        if not self.layers:
            self.layers = {group: module_path(group) for group in named}
        if not self.group_order:
            self.group_order = named

    @classmethod
    def read(cls, root: Value, params: Any = None, groups: Any = None) -> "GraphInfo":
        """Walk ``root``'s graph (parents before children) and classify every value; ``groups``
        names its neurons (see :func:`read_groups`), else dotted parameter names do."""
        if not isinstance(root, Value):
            raise TypeError(f"draw(root) needs an autograd Value, got {type(root).__name__}: {root!r}")
        order = topological_order(root)
        index = {node: i for i, node in enumerate(order)}
        named = _parameter_names(params)
        kinds, names = [], []
        for i, node in enumerate(order):
            name = named.get(node) or node.label or None  # "" is no label
            names.append(clean_label(name) if name is not None else None)
            if node is root:
                kinds.append("output")
            elif node.parents:
                kinds.append("value")
            elif node in named:
                kinds.append("parameter")
            else:
                kinds.append("constant" if is_constant(node) else "input")
        parents = [tuple(index[p] for p in node.parents) for node in order]
        if groups is not None:
            members, layers, group_order = read_groups(groups, order, parents, kinds, names)
            return cls(root, order, index, parents, kinds, names, members, layers, group_order)
        members = _neuron_groups(order, parents, [named.get(n) if n in named else None for n in order])
        return cls(root, order, index, parents, kinds, names, members)

    def display_name(self, i: int) -> str:
        """How drawings and captions name node ``i``: its label or parameter name, a constant's
        number, else ``n1``, ``n2``, ... (see :func:`_shown_names`)."""
        return self.shown_names[i]

    def op_text(self, i: int) -> str:
        """The op that made node ``i``, as drawn (``+``, ``**2``, ``leaky_relu(0.1)``)."""
        node = self.order[i]
        return node.op.describe(node.param) if node.op is not None else ""

    def replay(self) -> tuple[list, list[float]]:
        """Run the engine's backward pass step by step from zeroed gradients, then put every
        gradient back.

        Returns the engine's :class:`~autograd.BackwardStep` list and ∂root/∂node for every node
        (what ``root.backward()`` leaves on a fresh graph), whatever ``.grad`` held before (an
        earlier ``backward()`` would otherwise be added in); fills :attr:`local_grads`. The
        graph's own gradients are unchanged afterwards.
        """
        saved = [node.grad for node in self.order]
        try:
            for node in self.order:
                node.grad = 0.0
            steps = list(backward_steps(self.root))
            after = [data_of(node.grad) for node in self.order]
        finally:
            for node, grad in zip(self.order, saved):
                node.grad = grad
        for step in steps:
            child = self.index[step.node]
            for edge in step.edges:
                self.local_grads[(child, edge.index)] = data_of(edge.local_grad)
        return steps, after


def _shown_names(order: Sequence[Value], kinds: Sequence[str], names: Sequence[str | None]) -> list[str]:
    """Names for drawings and captions: a value's label (or parameter name), a constant's
    number, and ``n1``, ``n2``, ... for the others in the order they are computed, skipping
    any that a label already uses. Not ``v1``: the lecture calls its own values ``v`` and ``u``."""
    taken = {name for name in names if name}
    shown, count = [], 0
    for node, kind, name in zip(order, kinds, names):
        if name:
            shown.append(name)
        elif kind == "constant":
            shown.append(number_text(node.data))
        else:
            count += 1
            while f"n{count}" in taken:
                count += 1
            shown.append(f"n{count}")
    return shown


def number_text(x: float) -> str:
    """A number as drawn and written in captions: 4 significant digits, ``-0`` shown as ``0``."""
    return "0" if x == 0 else f"{x:.4g}"


def clean_label(text: str, limit: int = 60) -> str:
    """A label made safe to show: no control characters, at most ``limit`` characters."""
    text = re.sub(r"[\x00-\x1f\x7f]", " ", str(text))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _parameter_names(params: Any) -> dict[Value, str | None]:
    """``params`` as {Value: name}: a Module (``named_parameters()``), a mapping name -> Value
    or an iterable of Values (unnamed parameters)."""
    if params is None:
        return {}
    if hasattr(params, "named_parameters"):
        pairs = list(params.named_parameters())
    elif isinstance(params, Mapping):
        pairs = list(params.items())
    elif isinstance(params, Iterable) and not isinstance(params, (str, bytes, Value)):
        pairs = [(None, p) for p in params]
    else:
        raise TypeError("draw(params) must be an nn.Module, a mapping name -> Value or an iterable of "
                        f"Values, got {type(params).__name__}: {params!r}")
    named: dict[Value, str | None] = {}
    for name, value in pairs:
        if not isinstance(value, Value):
            raise TypeError(f"draw(params): {name or 'an entry'} is not a Value, got {type(value).__name__}")
        if name is not None and not isinstance(name, str):
            raise TypeError(f"draw(params): parameter names must be strings, got {type(name).__name__}: {name!r}")
        named[value] = name
    return named


def neuron_names(order: Sequence[Value]) -> dict[str, Value]:
    """Names, as ``nn`` gives them, for the weights and biases of every neuron of a graph (its
    ``topological_order``)
    that no one named: a neuron is a ``dot`` node whose weights are leaves (``autograd.dot(w, x,
    b)``, as ``nn``'s neurons are built). ``layers.L.neurons.j.w.i`` and ``layers.L.neurons.j.b``:
    L counts the neurons on the longest way from an input, j numbers layer L's neurons in the
    order the graph first uses them (the same neuron applied to several samples is one). This
    lets ``draw`` collapse a network it was not given (``params=None``) when it is too big."""
    depth: dict[Value, int] = {}  # neurons on the longest way up to and including the node
    names: dict[Value, str] = {}
    count: dict[int, int] = {}
    for node in order:
        below = max((depth[p] for p in node.parents), default=0)
        weights = node.parents[:node.param] if node.op is not None and node.op.name == "dot" else ()
        is_neuron = bool(weights) and all(not w.parents for w in weights)
        depth[node] = below + is_neuron
        if not is_neuron or weights[0] in names:  # not a neuron, or one already named (another sample)
            continue
        layer = depth[node] - 1
        j = count[layer] = count.get(layer, -1) + 1
        for i, w in enumerate(weights):
            names.setdefault(w, f"layers.{layer}.neurons.{j}.w.{i}")
        bias = node.parents[-1] if len(node.parents) == 2 * node.param + 1 else None
        if bias is not None and not bias.parents:
            names.setdefault(bias, f"layers.{layer}.neurons.{j}.b")
    return {name: value for value, name in names.items()}


def module_path(name: str | None) -> str | None:
    """The module a dotted parameter name belongs to: ``layers.0.neurons.3.w.1`` ->
    ``layers.0.neurons.3`` (trailing indices and the attribute name dropped); None at the top."""
    if not name:
        return None
    parts = name.split(".")
    while parts and parts[-1].isdigit():
        parts.pop()
    parts = parts[:-1]
    return ".".join(parts) or None


def _natural(name: str | None) -> list:
    """Sort key that reads numbers as numbers: ``neurons.2`` before ``neurons.10``."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", name or "")]


def read_groups(groups: Any, order: Sequence[Value], parents: Sequence[tuple[int, ...]], kinds: Sequence[str],
                names: Sequence[str | None]) -> tuple[list[str | None], dict[str, str | None], list[str]]:
    """The neurons of a graph as the caller names them: ``(group of each value, layer of each
    group, the groups in order)``.

    ``groups`` lists the values that neurons output, by name (a label or a parameter name, as
    drawn) or as Values: ``["layer 1, neuron 1", "layer 1, neuron 2"]``, or by layer,
    ``{"layer 1": ["layer 1, neuron 1", ...], "output": ["output"]}``. A group is named after its
    output and holds the values that output is computed from, back to the inputs of the graph
    and the outputs of the other groups (which it does not hold): its weights, its bias, its
    weighted sum, its activation. A value that several groups are computed from belongs to none,
    and the values computed after a group's output (a loss) to none either."""
    layered = isinstance(groups, Mapping)
    if layered:
        by_layer = list(groups.items())
    elif isinstance(groups, Iterable) and not isinstance(groups, (str, bytes, Value)):
        by_layer = [(None, groups)]
    else:
        raise TypeError("draw(groups) must be a list of the values neurons output (names or Values) or a mapping "
                        f"layer name -> such a list, got {type(groups).__name__}: {groups!r}")
    index = {node: i for i, node in enumerate(order)}
    by_name: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        if name:
            by_name.setdefault(name, []).append(i)
    outputs: dict[int, str] = {}
    layers: dict[str, str | None] = {}
    for layer, members in by_layer:
        if layered and not isinstance(layer, str):
            raise TypeError(f"draw(groups): layer names must be strings, got {type(layer).__name__}: {layer!r}")
        if isinstance(members, (str, bytes, Value)) or not isinstance(members, Iterable):
            raise TypeError(f"draw(groups): layer {layer!r} must list the values its neurons output, got "
                            f"{type(members).__name__}: {members!r}")
        for member in members:
            if isinstance(member, Value):
                if member not in index:
                    raise ValueError(f"draw(groups): {member!r} is not a value of the graph")
                found, name = [index[member]], names[index[member]] or f"group {len(layers) + 1}"
            elif isinstance(member, str):
                found, name = by_name.get(clean_label(member), []), clean_label(member)
                if not found:
                    some = ", ".join(repr(n) for n in list(by_name)[:8]) + (", ..." if len(by_name) > 8 else "")
                    raise ValueError(f"draw(groups): no value of the graph is named {member!r} (named values: {some})")
                if len(found) > 1:
                    raise ValueError(f"draw(groups): {len(found)} values are named {member!r}; pass the Value itself")
            else:
                raise TypeError(f"draw(groups): a group is the name of the value it outputs or that Value, got "
                                f"{type(member).__name__}: {member!r}")
            if name in layers or found[0] in outputs:
                raise ValueError(f"draw(groups): {name!r} is given twice")
            outputs[found[0]] = name
            layers[name] = layer
    owner: list[str | None] = [None] * len(order)
    shared: set[int] = set()
    for out, name in outputs.items():
        stack, seen = [out], set()
        while stack:
            i = stack.pop()
            if i in seen or (i != out and (i in outputs or kinds[i] == "input")):
                continue
            seen.add(i)
            if owner[i] is not None and owner[i] != name:
                shared.add(i)
            owner[i] = name
            stack.extend(parents[i])
    for i in shared:
        owner[i] = None
    return owner, layers, list(layers)


def _neuron_groups(order: list[Value], parents: list[tuple[int, ...]], names: list[str | None]) -> list[str | None]:
    """Which neuron (module path) each node belongs to, or None.

    A parameter belongs to its module; an op node belongs to the module of its parameter
    parents if they agree, else to the one module all its grouped parents share.
    """
    groups: list[str | None] = []
    for i, node in enumerate(order):
        if not parents[i]:
            groups.append(module_path(names[i]))
            continue
        from_params = {groups[p] for p in parents[i] if not order[p].parents and groups[p] is not None}
        if len(from_params) == 1:
            groups.append(from_params.pop())
            continue
        if from_params:
            groups.append(None)
            continue
        shared = {groups[p] for p in parents[i] if groups[p] is not None}
        groups.append(shared.pop() if len(shared) == 1 else None)
    return groups
