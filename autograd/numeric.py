"""Derivatives as functions, and numeric derivatives to check them against.

* :func:`gradients` computes ∂output/∂inputs without touching any ``.grad``.
* :func:`grad` turns ``f`` into its derivative function; it composes (``grad(grad(f))``).
* :func:`numeric_grad` is the lecture's finite difference, ``(f(x + h) - f(x)) / h``, or the
  central difference ``(f(x + h) - f(x - h)) / 2h``.
* :func:`gradcheck` compares the two and says which input disagrees and by how much.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .graph import backward_pass, pass_lock, topological_order
from .value import Value, data_of, enable_grad, no_grad

__all__ = ["gradients", "grad", "numeric_grad", "gradcheck", "GradcheckError"]

_METHODS = ("forward", "central")


def gradients(output: Any, inputs: Value | Sequence[Value], create_graph: bool = False) -> list[Any]:
    """∂output/∂input for each input (a list, also for one input), leaving every ``.grad`` in the
    graph untouched.

    An input the output does not depend on gets 0. With ``create_graph=True`` the results
    are Values (differentiable again), which is how :func:`grad` composes.
    """
    if isinstance(inputs, Value):
        inputs = [inputs]
    for position, value in enumerate(inputs):
        if not isinstance(value, Value):
            raise TypeError(f"gradients(inputs[{position}]) must be a Value, got {type(value).__name__}: {value!r}")
    if not isinstance(output, Value):
        return [Value(0.0) if create_graph else 0.0 for _ in inputs]
    with pass_lock:
        touched = topological_order(output) + list(inputs)
        saved = [node.grad for node in touched]
        try:
            for node in inputs:
                node.grad = 0.0
            backward_pass(output, Value(1.0) if create_graph else 1.0, create_graph)
            results = [node.grad for node in inputs]
        finally:
            for node, grad_before in zip(touched, saved):
                node.grad = grad_before
    if create_graph:
        results = [g if isinstance(g, Value) else Value(g) for g in results]
    return results


def grad(f: Callable[..., Any], argnums: int | Sequence[int] = 0) -> Callable[..., Any]:
    """The derivative of ``f`` with respect to argument ``argnums`` (an index or a tuple of them).

    ``grad(f)(2.0)`` returns a float. Called with Values, as an outer ``grad`` does, it returns
    a Value built on them, so ``grad(grad(f))`` is the second derivative.
    """
    if not callable(f):
        raise TypeError(f"grad(f) needs a function, got {type(f).__name__}: {f!r}")
    several = not isinstance(argnums, int)
    positions = tuple(argnums) if several else (argnums,)

    def derivative(*args: Any) -> Any:
        for position in positions:
            if not -len(args) <= position < len(args):
                raise ValueError(f"grad: argnums {position} is out of range for {len(args)} argument(s)")
        nested = any(isinstance(a, Value) for a in args)
        values = [a if isinstance(a, Value) else Value(a) for a in args]
        results = gradients(f(*values), [values[p] for p in positions], create_graph=nested)
        return tuple(results) if several else results[0]

    derivative.__name__ = f"grad_{getattr(f, '__name__', 'f')}"
    derivative.__doc__ = f"Derivative of {getattr(f, '__name__', 'f')} with respect to argument(s) {argnums}."
    return derivative


def _evaluate(f: Callable[..., Any], point: Sequence[float]) -> float:
    with no_grad():
        result = f(*[Value(x) for x in point])
    return data_of(result)


def numeric_grad(f: Callable[..., Any], inputs: Sequence[float], h: float = 1e-6,
                 method: str = "central") -> list[float]:
    """Finite-difference estimate of ∂f/∂xᵢ at ``inputs``, one per input.

    ``f`` takes one argument per input (it is called with Values, so it may use any Value
    method) and returns a Value or a number. ``method="forward"`` is the lecture's
    ``(f(x + h) - f(x)) / h`` (error O(h)); ``"central"`` is ``(f(x + h) - f(x - h)) / 2h``
    (error O(h²)).
    """
    if method not in _METHODS:
        raise ValueError(f"numeric_grad: unknown method {method!r} (must be one of {', '.join(_METHODS)})")
    if not (isinstance(h, (int, float)) and h > 0):
        raise ValueError(f"numeric_grad: h must be a positive number, got {h!r}")
    point = [data_of(x) for x in inputs]
    base = _evaluate(f, point) if method == "forward" else None
    estimates = []
    for i in range(len(point)):
        up = point.copy()
        up[i] += h
        if method == "forward":
            estimates.append((_evaluate(f, up) - base) / h)
        else:
            down = point.copy()
            down[i] -= h
            estimates.append((_evaluate(f, up) - _evaluate(f, down)) / (2 * h))
    return estimates


class GradcheckError(AssertionError):
    """Analytic and numeric derivatives disagree; the message says where and by how much."""


def _analytic_grad(f: Callable[..., Any], point: Sequence[float]) -> list[float]:
    values = [Value(x) for x in point]
    return gradients(f(*values), values)


def gradcheck(f: Callable[..., Any], inputs: Sequence[float], h: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, second_order: bool = False, raise_exception: bool = True) -> bool:
    """Check backpropagation's gradient of ``f`` at ``inputs`` against central differences.

    Passes when ``|analytic - numeric| <= atol + rtol·|numeric|`` for every input (the
    tolerances of ``torch.autograd.gradcheck``'s style). With ``second_order=True`` also checks
    every second derivative ∂²f/∂xᵢ∂xⱼ (from ``create_graph``) against central differences of
    the analytic gradient. Raises :class:`GradcheckError` naming the input, both values and
    the relative error, or returns False if ``raise_exception=False``; True when all agree.
    """
    point = [data_of(x) for x in inputs]
    analytic = _analytic_grad(f, point)
    numeric = numeric_grad(f, point, h=h, method="central")
    checks = [(f"∂f/∂x{i}", a, n) for i, (a, n) in enumerate(zip(analytic, numeric))]
    if second_order:
        for i in range(len(point)):
            def partial(*values: Value, i: int = i) -> Any:
                with enable_grad():  # numeric_grad evaluates under no_grad
                    return gradients(f(*values), [values[i]], create_graph=True)[0]

            second = _analytic_grad(partial, point)
            second_numeric = numeric_grad(partial, point, h=h, method="central")
            checks += [(f"∂²f/∂x{i}∂x{j}", a, n) for j, (a, n) in enumerate(zip(second, second_numeric))]
    for name, a, n in checks:
        a = data_of(a)
        if not abs(a - n) <= atol + rtol * abs(n):
            if not raise_exception:
                return False
            relative = abs(a - n) / max(abs(n), 1e-300)
            raise GradcheckError(
                f"gradcheck failed for {name} at inputs {point}: analytic {a!r}, numeric {n!r}, "
                f"relative error {relative:.3g} (allowed: |analytic - numeric| <= {atol:g} + {rtol:g}·|numeric|)")
    return True
