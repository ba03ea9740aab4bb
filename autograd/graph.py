"""Graph traversal and the chain rule: the one module that walks a graph.

* :func:`topological_order` lists a graph's nodes, parents before children (iterative, so a
  chain of a million nodes is fine; deterministic: it follows parents in order).
* :func:`backward` applies the chain rule ``parent.grad += local · node.grad`` over that order.
* :func:`backward_steps` performs the same pass one node at a time and tells what it does, so
  a drawing can replay backpropagation exactly as :func:`backward` computes it.
* :func:`gradients` computes ∂output/∂inputs without touching any ``.grad``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from .ops import FLOAT_MATH
from .value import VALUE_MATH, Value

__all__ = [
    "topological_order",
    "backward",
    "backward_steps",
    "BackwardStep",
    "BackwardEdge",
    "gradients",
    "zero_grad",
]

_isfinite = math.isfinite


class _Visited:
    """Marks a node as reached during a walk (parked in ``.grad``; see :func:`_walk`)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<visited>"


_VISITED = _Visited()


def _walk(root: Value) -> tuple[list[Value], list[Any]]:
    """Depth-first walk: every node ``root`` depends on, parents before children, and the
    gradient each node held.

    Iterative (no recursion limit) and deterministic (parents in order). A reached node is
    marked by parking :data:`_VISITED` in its ``.grad``; its gradient is returned in the second
    list, and the caller must put it back or overwrite it. This needs no set of visited
    nodes, which would cost more memory than the graph's own edges.
    """
    order: list[Value] = []
    saved: list[Any] = []
    stack = [(root, iter(root.parents), root.grad)]
    root.grad = _VISITED
    try:
        while stack:
            node, parents, grad = stack[-1]
            for parent in parents:
                if parent.grad is not _VISITED:
                    stack.append((parent, iter(parent.parents), parent.grad))
                    parent.grad = _VISITED
                    break
            else:
                stack.pop()
                order.append(node)
                saved.append(grad)
    except BaseException:  # e.g. KeyboardInterrupt: leave every gradient as it was
        _restore(order, saved)
        _restore([entry[0] for entry in stack], [entry[2] for entry in stack])
        raise
    return order, saved


def _restore(nodes: Sequence[Value], grads: Sequence[Any]) -> None:
    for node, grad in zip(nodes, grads):
        node.grad = grad


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once, parents before children, ``root`` last.

    Iterative depth-first search in parent order: the same graph always gives the same list.
    """
    _check_value(root, "topological_order(root)")
    order, saved = _walk(root)
    _restore(order, saved)
    return order


def _chain_rule(order: Sequence[Value], math_namespace: Any, observe: Callable | None = None) -> None:
    """The chain rule over ``order`` (gradients already seeded): the engine's only copy of it.

    For each node with parents, from the output down, add ``local · upstream`` to each
    parent's gradient. ``observe(node, upstream, local_grads)``, when given, is called before a
    node's contributions are added (that is how :func:`backward_steps` sees the pass).
    """
    on_floats = math_namespace is FLOAT_MATH
    for node in reversed(order):
        parents = node.parents
        if not parents:
            continue
        upstream = node.grad
        try:
            if on_floats:
                args = ((parents[0].data, parents[1].data) if len(parents) == 2
                        else tuple([p.data for p in parents]))
                local_grads = node.op.local_grads(args, node.data, node.param, math_namespace)
            else:
                local_grads = node.op.local_grads(parents, node, node.param, math_namespace)
        except (ZeroDivisionError, OverflowError, ValueError) as error:
            raise FloatingPointError(_non_finite_message(
                node, f"its local derivative is undefined there ({error})")) from None
        if observe is not None:
            observe(node, upstream, local_grads)
        for parent, local in zip(parents, local_grads):
            parent.grad += local * upstream


def _find_non_finite(order: Sequence[Value]) -> str:
    """After a pass: why some gradient is not finite, naming the op responsible, or None.

    Each intermediate node's gradient is final once the pass is over, so the first node (in
    the pass's order) whose gradient is finite but whose contribution to a parent is not is
    the op that produced the non-finite gradient. Only run when something is not finite.
    """
    for node in reversed(order):
        upstream = node.grad
        if not _isfinite(upstream):
            return (f"backward: the gradient of {_describe(node)} overflowed to {float(upstream)!r} "
                    f"while adding up the contributions of the nodes that use it")
        if not node.parents:
            continue
        args = tuple(float(p.data) for p in node.parents)
        local_grads = node.op.local_grads(args, node.data, node.param, FLOAT_MATH)
        for index, local in enumerate(local_grads):
            contribution = float(local) * float(upstream)
            if not _isfinite(contribution):
                return _non_finite_message(node, f"for input {index}, local derivative {float(local)!r} × "
                                                 f"upstream gradient {float(upstream)!r} = {contribution!r}")
    return "backward: a gradient is not finite"  # unreachable: a non-finite leaf has a cause above


def _describe(node: Value) -> str:
    if node.op is None:
        return f"the leaf {node.label or ''} = {node.data!r}".replace("  ", " ")
    operands = ", ".join(f"{p.data!r}" for p in node.parents[:6]) + (", ..." if len(node.parents) > 6 else "")
    return f"'{node.op.describe(node.param)}' ({node.op.name}({operands}) = {node.data!r})"


def _non_finite_message(node: Value, detail: str) -> str:
    return f"backward: non-finite gradient in {_describe(node)}: {detail}"


def _backward_pass(root: Value, gradient: Any, create_graph: bool, observe: Callable | None = None) -> None:
    """A whole backward pass.

    Intermediate gradients are recomputed from zero; leaves get this pass's gradient added to
    what they held. If anything fails (an undefined local derivative, a non-finite gradient,
    an exception from ``observe``) every gradient is put back as it was: nothing is left
    half-updated, and ``FloatingPointError`` names the op responsible.
    """
    order, saved = _walk(root)
    for node in order:
        node.grad = 0.0
    root.grad = Value(gradient) if create_graph else gradient
    try:
        _chain_rule(order, VALUE_MATH if create_graph else FLOAT_MATH, observe)
        for node, previous in zip(order, saved):
            if not node.parents:
                grad = node.grad
                if not _isfinite(grad):
                    raise FloatingPointError(_find_non_finite(order))
                if create_graph and not isinstance(grad, Value):
                    grad = Value(grad)
                if isinstance(previous, Value) or previous != 0.0:
                    grad = previous + grad
                node.grad = grad
    except BaseException:
        _restore(order, saved)
        raise


def backward(root: Value, gradient: float = 1.0, create_graph: bool = False) -> None:
    """Apply the chain rule from ``root`` to every node it depends on (``root.backward()``).

    ``gradient`` seeds ``root.grad`` (∂L/∂root, 1 by default). Leaves accumulate; intermediate
    nodes are recomputed from zero; ``create_graph=True`` makes every gradient a ``Value``
    that can be differentiated again.
    """
    _check_value(root, "backward(root)")
    gradient = _check_gradient(gradient)
    _backward_pass(root, gradient, create_graph)


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
    """Perform ``root.backward(gradient)`` one node at a time, yielding what each step does.

    Exhausting the generator leaves every gradient exactly as :func:`backward` would (it is
    the same pass); closing it early restores all gradients. ``grad_before``/``grad_after``
    are this pass's running sums (a leaf's earlier gradient is added back after the last step).
    """
    _check_value(root, "backward_steps(root)")
    gradient = _check_gradient(gradient)
    steps: list[BackwardStep] = []

    def record(node: Value, upstream: float, local_grads: tuple) -> None:
        running: dict[int, float] = {}
        edges = []
        for index, (parent, local) in enumerate(zip(node.parents, local_grads)):
            before = running.get(id(parent), parent.grad)
            contribution = local * upstream
            running[id(parent)] = after = before + contribution
            edges.append(BackwardEdge(parent, index, local, contribution, before, after))
        steps.append(BackwardStep(node, upstream, tuple(edges)))

    _backward_pass(root, gradient, create_graph=False, observe=record)
    yield from steps


def gradients(output: Any, inputs: Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂input for each input, leaving every ``.grad`` in the graph untouched.

    An input the output does not depend on gets 0. With ``create_graph=True`` the results
    are Values (differentiable again), which is how :func:`autograd.grad` composes.
    """
    for position, value in enumerate(inputs):
        _check_value(value, f"gradients(inputs[{position}])")
    if not isinstance(output, Value):
        return [Value(0.0) if create_graph else 0.0 for _ in inputs]
    order = topological_order(output)
    touched = order + list(inputs)
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
    if not _isfinite(gradient):
        raise ValueError(f"backward(gradient) must be finite, got {gradient!r}")
    return float(gradient)
