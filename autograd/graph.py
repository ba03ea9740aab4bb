"""Graph traversal and the chain rule: the one module that walks a graph.

* :func:`topological_order` lists a graph's nodes, parents before children.
* :func:`chain_rule_step` is one node's step of the chain rule, ``parent.grad += local ·
  node.grad`` for each parent: written once, here.
* :func:`backward_pass` runs that step for every node, from the output down, in that order.
* :func:`backward_steps` tells the same pass one node at a time, so a drawing can replay
  backpropagation exactly as ``backward()`` computes it.

It reads a node only through its fields (``parents``, ``op``, ``param``, ``data``, ``grad``) and
never imports the class :class:`~autograd.Value`: :mod:`autograd.value` builds the nodes and
calls this module (``v.backward()``), and nothing here calls back, so the two do not import each
other. What needs to make new Values (the gradient seed of ``create_graph``,
:func:`autograd.gradients`) lives with the Values.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from .namespaces import FLOAT_MATH, VALUE_MATH

__all__ = ["topological_order", "chain_rule_step", "backward_steps", "BackwardStep", "BackwardEdge", "zero_grad"]

pass_lock = threading.RLock()
"""Held by every backward pass: passes from several threads over graphs that share nodes (a
model's parameters) run one after the other instead of interleaving their sums."""


def topological_order(root: Any) -> list[Any]:
    """Every node ``root`` depends on, each once, parents before children, ``root`` last.

    A depth-first search that visits each node's parents in order and lists a node once all its
    parents are listed: the order of the recursive walk, with an explicit stack instead of
    recursion (a chain of a million nodes is fine). The same graph always gives the same list.
    """
    _check_node(root, "topological_order(root)")
    order: list[Any] = []
    visited: set[Any] = set()
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        if node is None:  # every parent of the node below the marker is listed: list it
            order.append(stack.pop())
        elif node not in visited:
            visited.add(node)
            stack.append(node)
            stack.append(None)
            for parent in reversed(node.parents):  # reversed: the first parent comes off first
                if parent not in visited:
                    stack.append(parent)
    return order


def chain_rule_step(node: Any, local_grads: Sequence[Any] | None = None) -> None:
    """One node's step of the chain rule: ``parent.grad += ∂node/∂parent · node.grad`` for each
    parent, in order (``a + a`` adds twice). The local derivatives ``local_grads`` are the op's
    rule from the table (:func:`local_derivatives`), computed here when not given: on floats,
    or on Values when ``node.grad`` is a Value (``create_graph``). A leaf has nothing to pass on.

    :func:`backward_pass` runs it for every node, from the output down; micrograd's lecture
    calls it by hand, one node at a time, as ``node._backward()``."""
    parents = node.parents
    if not parents:
        return
    if local_grads is None:
        local_grads = local_derivatives(node, create_graph=not isinstance(node.grad, (int, float)))
    upstream = node.grad
    for parent, local in zip(parents, local_grads):
        parent.grad += local * upstream  # the chain rule


def backward_pass(root: Any, seed: Any, create_graph: bool = False,
                  observe: Callable[[Any, Any, Sequence[Any]], None] | None = None) -> None:
    """The backward pass from ``root``: its gradient set to ``seed`` (∂L/∂root: a float, or a
    Value for ``create_graph``), then :func:`chain_rule_step` for every node it depends on,
    from the output down, so that each node's gradient is complete before it is passed on.

    Leaves accumulate (what they held plus this pass's gradient); intermediate nodes are
    recomputed from zero. If a gradient comes out infinite or undefined, ``FloatingPointError``
    names the op responsible and every ``.grad`` is put back as it was (so after any exception,
    a Ctrl-C too in practice). ``observe(node, upstream, local_grads)``, when given, sees each
    node's step before its contributions are added (that is how :func:`backward_steps` tells
    the pass)."""
    with pass_lock:
        order = topological_order(root)
        saved = []  # each node's gradient before the pass, put back if the pass fails
        leaves, held = [], []  # the leaves and what they held: they add this pass's gradient to it
        node = root
        try:
            for node in order:  # the pass starts from zero everywhere
                saved.append(node.grad)
                if not node.parents:
                    leaves.append(node)
                    held.append(node.grad)
                node.grad = 0.0
            root.grad = seed
            for node in reversed(order):  # from the output down: node.grad is final here
                if not node.parents:
                    continue
                local_grads = local_derivatives(node, create_graph)
                if observe is not None:
                    observe(node, node.grad, local_grads)
                chain_rule_step(node, local_grads)
            for node, before in zip(leaves, held):  # leaves accumulate across passes
                if not math.isfinite(_number(node.grad)):  # every non-finite gradient reaches a leaf
                    raise FloatingPointError(_find_non_finite(order))
                node.grad = before + node.grad
        except BaseException as error:  # an undefined derivative, an observer's error, Ctrl-C...
            for restored, grad in zip(order, saved):
                restored.grad = grad
            if isinstance(error, OverflowError):  # a local derivative or (create_graph) a product
                raise FloatingPointError(_non_finite_message(node, f"it overflows ({error})")) from None
            if isinstance(error, (ZeroDivisionError, ValueError)):
                raise FloatingPointError(_non_finite_message(
                    node, f"its local derivative is undefined there ({error})")) from None
            raise


def local_derivatives(node: Any, create_graph: bool = False) -> tuple:
    """∂node/∂parentᵢ for each parent: the op's rule on floats, or on Values (``create_graph``:
    its result is a graph too, differentiable again)."""
    if create_graph:
        return node.op.local_grads(VALUE_MATH, node.parents, node, node.param)
    return node.op.local_grads(FLOAT_MATH, [p.data for p in node.parents], node.data, node.param)


def _find_non_finite(order: Sequence[Any]) -> str:
    """After a pass in which some gradient came out non-finite: why, naming the op responsible.

    Each intermediate node's gradient is final once the pass is over, so the first node (in
    the pass's order) whose gradient is finite but whose contribution to a parent is not is
    the op that produced the non-finite gradient.
    """
    for node in reversed(order):
        upstream = _number(node.grad)
        if not math.isfinite(upstream):
            return (f"backward: the gradient of {_describe(node)} overflowed to {upstream!r} "
                    f"while adding up the contributions of the nodes that use it")
        if not node.parents:
            continue
        for index, local in enumerate(local_derivatives(node)):
            contribution = local * upstream
            if not math.isfinite(contribution):
                return _non_finite_message(node, f"for input {index}, local derivative {local!r} × "
                                                 f"upstream gradient {upstream!r} = {contribution!r}")
    return "backward: a gradient is not finite"


_number = VALUE_MATH.data
"""A gradient's number: its ``.data`` when it is a Value (``create_graph``)."""


def _describe(node: Any) -> str:
    if node.op is None:
        return f"the leaf {node.label or ''} = {node.data!r}".replace("  ", " ")
    call = node.op.call_text([p.data for p in node.parents])
    return f"'{node.op.describe(node.param)}' ({call} = {node.data!r})"


def _non_finite_message(node: Any, detail: str) -> str:
    return f"backward: non-finite gradient in {_describe(node)}: {detail}"


@dataclass(frozen=True)
class BackwardEdge:
    """What one edge of a backward step does: ``parent.grad += local_grad · upstream``."""

    parent: Any
    """The parent, a ``Value``."""
    index: int
    """Position of ``parent`` among the node's parents (``a + a`` has edges 0 and 1)."""
    local_grad: float
    """∂node/∂parent at the forward values."""
    contribution: float
    """``local_grad × upstream``: what this edge adds to ``parent.grad``."""
    grad_before: float
    grad_after: float


@dataclass(frozen=True)
class BackwardStep:
    """One node of the backward pass: its upstream gradient sent to each of its parents."""

    node: Any
    """The node, a ``Value``."""
    upstream: float
    """``node.grad`` when the pass reaches it: ∂root/∂node."""
    edges: tuple[BackwardEdge, ...]


def backward_steps(root: Any, gradient: float = 1.0) -> Iterator[BackwardStep]:
    """``root.backward(gradient)``, told one node at a time: what each step of the chain rule did.

    The steps come from the same pass as :func:`backward` (it runs when iteration starts), in
    its order. Exhausting the generator leaves every gradient exactly as :func:`backward` does;
    closing it early puts every gradient back as it was before. ``grad_before``/``grad_after``
    are a parent's gradient around the edge's contribution (a leaf's includes what it held).
    """
    _check_node(root, "backward_steps(root)")
    gradient = check_gradient(gradient, "backward_steps(gradient)")
    steps: list[BackwardStep] = []

    def record(node: Any, upstream: float, local_grads: Sequence[Any]) -> None:
        running: dict[int, float] = {}  # a + a: the second edge starts where the first ended
        edges = []
        for index, (parent, local) in enumerate(zip(node.parents, local_grads)):
            grad_before = running.get(id(parent), parent.grad)
            contribution = local * upstream
            running[id(parent)] = grad_after = grad_before + contribution
            edges.append(BackwardEdge(parent, index, local, contribution, grad_before, grad_after))
        steps.append(BackwardStep(node, upstream, tuple(edges)))

    with pass_lock:
        nodes = topological_order(root)
        grads_before = [node.grad for node in nodes]
        backward_pass(root, gradient, create_graph=False, observe=record)
    finished = False
    try:
        yield from steps
        finished = True
    finally:
        if not finished:  # closed early: the replay leaves no trace
            for node, grad in zip(nodes, grads_before):
                node.grad = grad


def zero_grad(values: Any | Iterable[Any]) -> None:
    """Set gradients to 0: of every node of a graph (given its root), or of a list of values."""
    nodes = topological_order(values) if _is_node(values) else list(values)
    for position, node in enumerate(nodes):
        _check_node(node, f"zero_grad(values[{position}])")
    for node in nodes:
        node.grad = 0.0


def _is_node(x: Any) -> bool:
    """True for a node of a graph (a ``Value``): what has a tuple of ``parents``."""
    return isinstance(getattr(x, "parents", None), tuple)


def _check_node(x: Any, what: str) -> None:
    if not _is_node(x):
        raise TypeError(f"{what} must be a Value, got {type(x).__name__}: {x!r}")


def check_gradient(gradient: Any, what: str = "backward(gradient)") -> float:
    """The seed of a backward pass as a float: a finite number (not a bool), else an error
    naming ``what``."""
    if isinstance(gradient, bool) or not isinstance(gradient, (int, float)):
        raise TypeError(f"{what} must be a number, got {type(gradient).__name__}: {gradient!r}")
    if not math.isfinite(gradient):
        raise ValueError(f"{what} must be finite, got {gradient!r}")
    return float(gradient)
