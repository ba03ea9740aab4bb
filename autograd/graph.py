"""Graph traversal and the chain rule: the one module that walks a graph.

* :func:`topological_order` lists a graph's nodes, parents before children.
* :func:`backward` applies the chain rule ``parent.grad += local · node.grad`` over that order.
* :func:`backward_steps` tells the same pass one node at a time, so a drawing can replay
  backpropagation exactly as :func:`backward` computes it.
* :func:`gradients` computes ∂output/∂inputs without touching any ``.grad``.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from .namespaces import FLOAT_MATH, VALUE_MATH
from .value import Value

__all__ = ["topological_order", "backward", "backward_steps", "BackwardStep", "BackwardEdge",
           "gradients", "zero_grad"]

_pass_lock = threading.RLock()
"""Held by every backward pass: passes from several threads over graphs that share nodes (a
model's parameters) run one after the other instead of interleaving their sums."""


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once, parents before children, ``root`` last.

    A depth-first search that visits each node's parents in order and lists a node once all its
    parents are listed: the order of the recursive walk, with an explicit stack instead of
    recursion (a chain of a million nodes is fine). The same graph always gives the same list.
    """
    _check_value(root, "topological_order(root)")
    order: list[Value] = []
    visited: set[Value] = set()
    stack: list[Value | None] = [root]
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


def backward(root: Value, gradient: float = 1.0, create_graph: bool = False) -> None:
    """Apply the chain rule from ``root`` to every node it depends on (``root.backward()``).

    ``gradient`` seeds ``root.grad`` (∂L/∂root, 1 by default). Leaves accumulate; intermediate
    nodes are recomputed from zero; ``create_graph=True`` makes every gradient a ``Value``
    that can be differentiated again. If a gradient comes out infinite or undefined,
    ``FloatingPointError`` names the op responsible and every ``.grad`` is put back as it was.
    """
    _check_value(root, "backward(root)")
    _backward_pass(root, _check_gradient(gradient), create_graph)


def _backward_pass(root: Value, gradient: float, create_graph: bool,
                   observe: Callable[[Value, Any, tuple], None] | None = None) -> None:
    """The chain rule, written once. ``observe(node, upstream, local_grads)``, when given, sees
    each node's step before its contributions are added (that is how :func:`backward_steps`
    tells the pass)."""
    with _pass_lock:
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
            root.grad = Value(gradient) if create_graph else gradient
            for node in reversed(order):  # from the output down: node.grad is final here
                parents = node.parents
                if not parents:
                    continue
                upstream = node.grad
                local_grads = _local_grads(node, create_graph)
                if observe is not None:
                    observe(node, upstream, local_grads)
                for parent, local in zip(parents, local_grads):
                    parent.grad += local * upstream  # the chain rule
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


def _local_grads(node: Value, create_graph: bool = False) -> tuple:
    """∂node/∂parentᵢ for each parent: the op's rule on floats, or on Values (``create_graph``:
    its result is a graph too, differentiable again)."""
    if create_graph:
        return node.op.local_grads(VALUE_MATH, node.parents, node, node.param)
    return node.op.local_grads(FLOAT_MATH, [p.data for p in node.parents], node.data, node.param)


def _find_non_finite(order: Sequence[Value]) -> str:
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
        for index, local in enumerate(_local_grads(node)):
            contribution = local * upstream
            if not math.isfinite(contribution):
                return _non_finite_message(node, f"for input {index}, local derivative {local!r} × "
                                                 f"upstream gradient {upstream!r} = {contribution!r}")
    return "backward: a gradient is not finite"


def _number(x: Any) -> float:
    """A gradient's number: its ``.data`` when it is a Value (``create_graph``)."""
    return x.data if isinstance(x, Value) else x


def _describe(node: Value) -> str:
    if node.op is None:
        return f"the leaf {node.label or ''} = {node.data!r}".replace("  ", " ")
    call = node.op.call_text([p.data for p in node.parents])
    return f"'{node.op.describe(node.param)}' ({call} = {node.data!r})"


def _non_finite_message(node: Value, detail: str) -> str:
    return f"backward: non-finite gradient in {_describe(node)}: {detail}"


@dataclass(frozen=True)
class BackwardEdge:
    """What one edge of a backward step does: ``parent.grad += local_grad · upstream``."""

    parent: Value
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

    node: Value
    upstream: float
    """``node.grad`` when the pass reaches it: ∂root/∂node."""
    edges: tuple[BackwardEdge, ...]


def backward_steps(root: Value, gradient: float = 1.0) -> Iterator[BackwardStep]:
    """``root.backward(gradient)``, told one node at a time: what each step of the chain rule did.

    The steps come from the same pass as :func:`backward` (it runs when iteration starts), in
    its order. Exhausting the generator leaves every gradient exactly as :func:`backward` does;
    closing it early puts every gradient back as it was before. ``grad_before``/``grad_after``
    are a parent's gradient around the edge's contribution (a leaf's includes what it held).
    """
    _check_value(root, "backward_steps(root)")
    gradient = _check_gradient(gradient)
    steps: list[BackwardStep] = []

    def record(node: Value, upstream: float, local_grads: tuple) -> None:
        running: dict[int, float] = {}  # a + a: the second edge starts where the first ended
        edges = []
        for index, (parent, local) in enumerate(zip(node.parents, local_grads)):
            grad_before = running.get(id(parent), parent.grad)
            contribution = local * upstream
            running[id(parent)] = grad_after = grad_before + contribution
            edges.append(BackwardEdge(parent, index, local, contribution, grad_before, grad_after))
        steps.append(BackwardStep(node, upstream, tuple(edges)))

    with _pass_lock:
        nodes = topological_order(root)
        grads_before = [node.grad for node in nodes]
        _backward_pass(root, gradient, create_graph=False, observe=record)
    finished = False
    try:
        yield from steps
        finished = True
    finally:
        if not finished:  # closed early: the replay leaves no trace
            for node, grad in zip(nodes, grads_before):
                node.grad = grad


def gradients(output: Any, inputs: Value | Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂input for each input (a list, also for one input), leaving every ``.grad`` in the
    graph untouched.

    An input the output does not depend on gets 0. With ``create_graph=True`` the results
    are Values (differentiable again), which is how :func:`autograd.grad` composes.
    """
    if isinstance(inputs, Value):
        inputs = [inputs]
    for position, value in enumerate(inputs):
        _check_value(value, f"gradients(inputs[{position}])")
    if not isinstance(output, Value):
        return [Value(0.0) if create_graph else 0.0 for _ in inputs]
    with _pass_lock:
        touched = topological_order(output) + list(inputs)
        saved = [node.grad for node in touched]
        try:
            for node in inputs:
                node.grad = 0.0
            _backward_pass(output, 1.0, create_graph)
            results = [node.grad for node in inputs]
        finally:
            for node, grad in zip(touched, saved):
                node.grad = grad
    if create_graph:
        results = [g if isinstance(g, Value) else Value(g) for g in results]
    return results


def zero_grad(values: Value | Iterable[Value]) -> None:
    """Set gradients to 0: of every node of a graph (given its root), or of a list of values."""
    nodes = topological_order(values) if isinstance(values, Value) else list(values)
    for position, node in enumerate(nodes):
        _check_value(node, f"zero_grad(values[{position}])")
    for node in nodes:
        node.grad = 0.0


def _check_value(x: Any, what: str) -> None:
    if not isinstance(x, Value):
        raise TypeError(f"{what} must be a Value, got {type(x).__name__}: {x!r}")


def _check_gradient(gradient: Any) -> float:
    if isinstance(gradient, bool) or not isinstance(gradient, (int, float)):
        raise TypeError(f"backward(gradient) must be a number, got {type(gradient).__name__}: {gradient!r}")
    if not math.isfinite(gradient):
        raise ValueError(f"backward(gradient) must be finite, got {gradient!r}")
    return float(gradient)
