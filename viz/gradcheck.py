"""The gradcheck overlay: each leaf's finite-difference gradient beside backpropagation's.

:func:`gradcheck_overlay` rebuilds the graph op by op with one leaf moved (``autograd.apply``)
and compares the central difference with ``autograd.gradients``; :func:`viz.draw` shows the
result on each leaf (``draw(f, gradcheck=True)``, ``valuegraph graph --gradcheck``).
"""

from __future__ import annotations

from typing import Callable

from autograd import Value, apply, data_of, gradients, no_grad, numeric_grad

from .graph import GraphInfo

__all__ = ["gradcheck_overlay", "GRADCHECK_TOLERANCE"]

GRADCHECK_TOLERANCE = 1e-4
"""The gradcheck overlay flags a leaf (MISMATCH, red border) above this relative error."""


def gradcheck_overlay(info: GraphInfo, h: float = 1e-6) -> dict[int, tuple[float | None, float | None, bool]]:
    """{leaf index: (finite-difference gradient, relative error against backpropagation, one-sided)}.

    The graph is re-evaluated with one leaf moved by ±h, rebuilt op by op with
    :func:`autograd.apply`; the analytic gradient comes from :func:`autograd.gradients`, so
    no ``.grad`` changes. Where a gradient does not exist the overlay says so instead of
    failing, since that is what a drawing of such a graph is for:

    * backpropagation raises ``FloatingPointError`` (``sqrt`` at 0): every relative error is
      None, and :attr:`GraphInfo.gradcheck_error` holds the engine's message (the caption);
    * ``x ± h`` leaves an op's domain (``sqrt(-h)``): the one-sided difference
      ``(f(x + h) - f(x)) / h`` is used instead (``one_sided`` True); if that fails too the
      numeric gradient is None.
    """
    leaves = [i for i, node in enumerate(info.order) if not node.parents]

    def moved(leaf: int) -> Callable[[Value], Value]:
        def rebuilt(value: Value) -> Value:
            built: list[Value] = []
            for i, node in enumerate(info.order):
                if not node.parents:
                    built.append(value if i == leaf else node)
                else:
                    built.append(apply(node.op, tuple(built[p] for p in info.parents[i]), node.param))
            return built[-1]
        return rebuilt

    try:
        analytic: list[float | None] = [data_of(g) for g in gradients(info.root, [info.order[i] for i in leaves])]
    except FloatingPointError as error:
        analytic = [None] * len(leaves)
        info.gradcheck_error = f"gradcheck: analytic gradients unavailable ({error})"
    checks = {}
    with no_grad():
        for i, a in zip(leaves, analytic):
            n, one_sided = None, False
            for method in ("central", "forward"):
                try:
                    n = numeric_grad(moved(i), [info.order[i].data], h=h, method=method)[0]
                except (ValueError, ZeroDivisionError, OverflowError):
                    continue
                one_sided = method == "forward"
                break
            relative = None
            if a is not None and n is not None:
                scale = max(abs(a), abs(n))
                relative = abs(a - n) / scale if scale > 0 else 0.0
            checks[i] = (n, relative, one_sided)
    return checks
