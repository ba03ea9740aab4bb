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
import threading
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Sequence

from .ops import FLOAT_MATH
from .value import VALUE_MATH, Value, format_operands

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


class _Visited(float):
    """The mark of a node reached by :func:`_walk`, parked in its ``.grad``.

    It is a zero (a ``float`` subclass equal to 0.0, and ``_VISITED + x`` is a plain float),
    so marking a node during the walk also zeroes its gradient for the backward pass that
    follows: every node but the root then receives at least one contribution, which replaces
    the mark with an ordinary float.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "0.0"


_VISITED = _Visited(0.0)

_graph_lock = threading.RLock()
"""Held by every walk and backward pass: they park marks and partial sums in ``.grad``, so
two passes over graphs that share nodes (a model's parameters, say) must not interleave.
Passes from several threads are safe; they run one after the other."""


def _walk(root: Value, order: list[Value], saved: list[Any], leaves: list[int]) -> None:
    """Depth-first walk: appends to ``order`` every node ``root`` depends on, parents before
    children; to ``saved`` the gradient each node held; and to ``leaves`` the positions of the
    leaves in ``order``.

    Iterative (no recursion limit) and deterministic: the order of a recursive walk that
    looks at each node's parents in order. A reached node is marked by parking
    :data:`_VISITED` (a zero) in its ``.grad``, which needs no set of visited nodes (it would
    cost more memory than the graph's own edges). The caller owns the lists, so whenever the
    walk is interrupted (Ctrl-C), ``_restore(order, saved)`` puts back every gradient it
    changed: the walk puts back itself those of the nodes it had not finished.
    """
    path: list[Value] = []
    path_grads: list[Any] = []
    try:  # the loop runs in a frame of its own: see _visit_all
        _visit_all(root, order, saved, leaves, path, path_grads)
    except BaseException:
        _restore(path, path_grads)
        raise


def _visit_all(root: Value, order: list[Value], saved: list[Any], leaves: list[int],
               path: list[Value], path_grads: list[Any]) -> None:
    """The loop of :func:`_walk`.

    ``to_visit`` is a stack of nodes still to look at, where ``None`` means "every parent of
    the node on top of ``path`` is done": the stack a recursive walk would keep, written out.
    A node's parents are pushed in reverse, so they come off in order, and only if not yet
    visited then (they are checked again when they come off: an earlier parent's walk may have
    reached them). Nothing the garbage collector tracks is made per node, so a path a million
    nodes deep gives it nothing to scan.

    Each gradient is saved before its node is listed and marked, so an interruption between
    any two statements leaves ``zip(order, saved)`` and ``zip(path, path_grads)`` right. (The
    loop is not in :func:`_walk`'s ``try``: CPython 3.11 can raise a Ctrl-C met on a loop's
    ``continue`` just outside a ``try`` that starts with the loop; a call is always inside.)
    """
    to_visit: list[Value | None] = [root]
    while to_visit:
        node = to_visit.pop()
        if node is None:  # every parent of the node on top of the path is in the order
            saved.append(path_grads[-1])
            order.append(path[-1])
            path.pop()
            path_grads.pop()
            continue
        if node.grad is _VISITED:
            continue
        op = node.op
        if op is None:  # a leaf is finished as soon as it is reached
            saved.append(node.grad)
            leaves.append(len(order))
            order.append(node)
            node.grad = _VISITED
            continue
        path_grads.append(node.grad)
        path.append(node)
        node.grad = _VISITED
        to_visit.append(None)
        arity = op.arity  # Value.parents, inlined: this is the hot loop
        if arity == 2:
            if node._second.grad is not _VISITED:
                to_visit.append(node._second)
            if node._first.grad is not _VISITED:
                to_visit.append(node._first)
        elif arity == 1:
            if node._first.grad is not _VISITED:
                to_visit.append(node._first)
        else:  # n-ary: in a batch's loss most of a neuron's dot parents are weights already reached
            to_visit += [parent for parent in reversed(node._first) if parent.grad is not _VISITED]


_parents = Value.parents.fget


def _restore(nodes: Sequence[Value], grads: Sequence[Any]) -> None:
    """Give ``nodes[i]`` back the gradient ``grads[i]``, for as many as both lists have.

    Where gradients must be put back also after a successful pass, callers do it inside their
    ``try`` and again in its ``except``: a Ctrl-C met on entering this function (CPython checks
    for signals there) is then raised where the ``except`` catches it.
    """
    for node, grad in zip(nodes, grads):
        node.grad = grad


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each once, parents before children, ``root`` last.

    Iterative depth-first search in parent order: the same graph always gives the same list.
    """
    _check_value(root, "topological_order(root)")
    order: list[Value] = []
    saved: list[Any] = []
    with _graph_lock:
        try:
            _walk(root, order, saved, [])
            _restore(order, saved)
        except BaseException:  # e.g. Ctrl-C, also while restoring: leave every gradient as it was
            _restore(order, saved)
            raise
    return order


def _chain_rule(order: Sequence[Value], math_namespace: Any, observe: Callable | None = None) -> None:
    """The chain rule over ``order`` (gradients already seeded): for every node with parents,
    from the output down, ``parent.grad += ∂node/∂parent · node.grad`` for each parent.

    ``math_namespace`` is ``FLOAT_MATH`` (derivatives as floats) or ``VALUE_MATH``
    (derivatives as Values, for ``create_graph``). ``observe(node, upstream, local_grads)``,
    when given, is called before a node's contributions are added: that is how
    :func:`backward_steps` sees the pass. Parents are read from ``Value``'s own slots, and
    the sum is unrolled for one and two parents (nearly every node): this loop is the hot
    path of every backward pass.
    """
    on_floats = math_namespace is FLOAT_MATH
    node = None
    try:
        for node in reversed(order):
            op = node.op
            if op is None:
                continue
            upstream = node.grad
            arity = op.arity
            if arity == 2:
                first, second = node._first, node._second
                args = (first.data, second.data) if on_floats else (first, second)
            elif arity == 1:
                first = node._first
                args = (first.data,) if on_floats else (first,)
            else:
                parents = node._first
                args = tuple([p.data for p in parents]) if on_floats else parents
            local_grads = op.local_grads(args, node.data if on_floats else node, node.param, math_namespace)
            if observe is not None:
                observe(node, upstream, local_grads)
            if arity == 2:
                first.grad += local_grads[0] * upstream
                second.grad += local_grads[1] * upstream
            elif arity == 1:
                first.grad += local_grads[0] * upstream
            else:
                for parent, local in zip(parents, local_grads):
                    parent.grad += local * upstream
    except (ZeroDivisionError, OverflowError, ValueError) as error:
        raise FloatingPointError(_non_finite_message(
            node, f"its local derivative is undefined there ({error})")) from None


def _find_non_finite(order: Sequence[Value]) -> str:
    """After a pass in which some gradient came out non-finite: why, naming the op responsible.

    Each intermediate node's gradient is final once the pass is over, so the first node (in
    the pass's order) whose gradient is finite but whose contribution to a parent is not is
    the op that produced the non-finite gradient. Only run when something is not finite.
    """
    for node in reversed(order):
        upstream = _number(node.grad)
        if not _isfinite(upstream):
            return (f"backward: the gradient of {_describe(node)} overflowed to {upstream!r} "
                    f"while adding up the contributions of the nodes that use it")
        if node.op is None:
            continue
        args = tuple(p.data for p in node.parents)
        local_grads = node.op.local_grads(args, node.data, node.param, FLOAT_MATH)
        for index, local in enumerate(local_grads):
            contribution = local * upstream
            if not _isfinite(contribution):
                return _non_finite_message(node, f"for input {index}, local derivative {local!r} × "
                                                 f"upstream gradient {upstream!r} = {contribution!r}")
    return "backward: a gradient is not finite"  # unreachable: a non-finite leaf has a cause above


def _number(x: Any) -> float:
    """A gradient's number: its ``.data`` when it is a Value (``create_graph``)."""
    return x.data if isinstance(x, Value) else x


def _describe(node: Value) -> str:
    if node.op is None:
        return f"the leaf {node.label or ''} = {node.data!r}".replace("  ", " ")
    return f"'{node.op.describe(node.param)}' ({node.op.name}({format_operands(node.parents)}) = {node.data!r})"


def _non_finite_message(node: Value, detail: str) -> str:
    return f"backward: non-finite gradient in {_describe(node)}: {detail}"


def _backward_pass(root: Value, gradient: Any, create_graph: bool, observe: Callable | None = None) -> None:
    """A whole backward pass.

    Intermediate gradients are recomputed from zero; leaves get this pass's gradient added to
    what they held. If anything fails (an undefined local derivative, a non-finite gradient,
    an exception from ``observe``) every gradient is put back as it was: nothing is left
    half-updated, and ``FloatingPointError`` names the op responsible.
    """
    order: list[Value] = []
    saved: list[Any] = []
    leaves: list[int] = []
    with _graph_lock:
        try:
            _walk(root, order, saved, leaves)  # every node's gradient is now a zero
            root.grad = Value(gradient) if create_graph else gradient
            _chain_rule(order, VALUE_MATH if create_graph else FLOAT_MATH, observe)
            _add_to_leaves(order, saved, leaves, create_graph)
        except BaseException:
            _restore(order, saved)
            raise


def _add_to_leaves(order: list[Value], saved: list[Any], leaves: list[int], create_graph: bool) -> None:
    """Add this pass's gradient to what each leaf held before it, after checking that it is
    finite (``FloatingPointError`` naming the op responsible otherwise); with
    ``create_graph`` every leaf's gradient becomes a Value.

    Every leaf in ``order`` has received at least one contribution in this pass, so its
    ``.grad`` is a number (a Value with ``create_graph``), no longer the walk's mark."""
    if create_graph:
        for position in leaves:
            node, previous = order[position], saved[position]
            grad = node.grad
            if not _isfinite(_number(grad)):
                raise FloatingPointError(_find_non_finite(order))
            if not isinstance(grad, Value):
                grad = Value(grad)
            if isinstance(previous, Value) or previous != 0.0:
                grad = previous + grad
            node.grad = grad
        return
    for position in leaves:  # the same for floats, in the fewest steps: there are many leaves
        node = order[position]
        grad = node.grad
        if grad - grad != 0.0:  # inf or nan
            raise FloatingPointError(_find_non_finite(order))
        previous = saved[position]
        if previous.__class__ is Value or previous != 0.0:  # a Value: from an earlier create_graph pass
            node.grad = previous + grad


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
    """``root.backward(gradient)``, told one node at a time: what each step of the chain rule did.

    The steps come in the order :func:`backward` takes them, from the same pass (the engine
    records them as it runs the chain rule, when iteration starts). Exhausting the generator
    leaves every gradient exactly as :func:`backward` does; closing it early puts every
    gradient back as it was before. ``grad_before``/``grad_after`` are this pass's running
    sums, starting from 0 (a leaf's earlier gradient is added to it at the end of the pass).
    """
    _check_value(root, "backward_steps(root)")
    gradient = _check_gradient(gradient)
    steps: list[BackwardStep] = []

    def record(node: Value, upstream: float, local_grads: tuple) -> None:
        running: dict[int, float] = {}
        edges = []
        for index, (parent, local) in enumerate(zip(_parents(node), local_grads)):
            grad_before = running.get(id(parent), float(parent.grad))
            contribution = local * upstream
            running[id(parent)] = grad_after = grad_before + contribution
            edges.append(BackwardEdge(parent, index, local, contribution, grad_before, grad_after))
        steps.append(BackwardStep(node, float(upstream), tuple(edges)))

    with _graph_lock:
        nodes = topological_order(root)
        grads_before = [node.grad for node in nodes]
        _backward_pass(root, gradient, create_graph=False, observe=record)
    finished = False
    try:
        yield from steps
        finished = True
    finally:
        if not finished:  # closed early: the replay leaves no trace
            with _graph_lock:
                _restore(nodes, grads_before)


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
    with _graph_lock:
        order = topological_order(output)
        touched = order + list(inputs)
        saved = [node.grad for node in touched]
        try:
            for node in inputs:
                node.grad = 0.0
            _backward_pass(output, 1.0, create_graph)
            results = [node.grad for node in inputs]
            _restore(touched, saved)
        except BaseException:
            _restore(touched, saved)
            raise
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
