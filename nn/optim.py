"""Optimizers: how parameters move along their gradients, with PyTorch's update rules.

Each optimizer holds a list of parameters (``Value`` leaves), a learning rate ``lr`` (which a
schedule may change), and per-parameter state. ``step()`` applies one update from the
gradients in ``p.grad``; ``zero_grad()`` sets them to 0. The rules are PyTorch's, operation
for operation, so trajectories match ``torch.optim`` in float64.

A rule is written once, on whole arrays: ``data``, ``grads`` and each state entry hold one
number per parameter (numpy arrays). For a model's parameters, which lie side by side in one
array (:class:`autograd.Parameter`), those arrays *are* the parameters' numbers, so a step is a
few array operations however many parameters there are; other Values are read into arrays and
written back.

Everything that can be checked is checked before anything changes: ``step()`` checks every
gradient, then computes the update on copies, checks that every new number is finite, and only
then writes the parameters, the state and the step count; ``load_state_dict`` checks every
entry (with the constructor's checks) before it sets any. A failed call leaves the optimizer and
the parameters as they were: no infinity or NaN ever reaches a weight.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from autograd import Value
from autograd.parameter import packed_arrays

from ._checks import as_float, flag, number

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW"]


def _zeros(count: int) -> Any:
    import numpy as np

    return np.zeros(count)


def _array(values: list[float]) -> Any:
    import numpy as np

    return np.array(values, dtype=np.float64)


class Optimizer:
    """Base class: the parameters, the learning rate and the per-parameter state.

    A subclass names its ``hyperparameters`` and ``state_names``, checks its settings in
    ``_checked_settings`` (used by the constructor and by ``load_state_dict`` alike) and
    computes one update in ``_update``.
    """

    hyperparameters: tuple[str, ...] = ()
    state_names: tuple[str, ...] = ()
    """Names of the per-parameter state entries (lists of floats, one per parameter)."""
    squared_state: tuple[str, ...] = ()
    """State entries that are sums or averages of squares (never negative)."""

    def __init__(self, params: Iterable[Value], lr: float, **settings: Any) -> None:
        name = type(self).__name__
        if isinstance(params, Value):
            raise TypeError(f"{name}(params) must be a list of Values (e.g. model.parameters()), got one Value")
        try:
            self.params = list(params)
        except TypeError:
            raise TypeError(f"{name}(params) must be a list of Values, got {type(params).__name__} "
                            f"(for a model, pass model.parameters())") from None
        if not self.params:
            raise ValueError(f"{name}(params) is empty: there is nothing to optimize")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}(params[{i}]) must be a Value, got {type(p).__name__}: {p!r}")
        self.lr = number(f"{name}(lr)", lr, minimum=0)
        checked = self._checked_settings(settings, lambda key: f"{name}({key})")
        for key in self.hyperparameters:
            setattr(self, key, checked[key])
        self.steps = 0
        self.state: dict[str, Any] = {key: _zeros(len(self.params)) for key in self.state_names}
        """Per-parameter state, one numpy array per entry (``state_dict()`` gives lists)."""

    def _checked_settings(self, settings: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
        """``settings`` (one value per hyperparameter) checked and converted; ``label(key)``
        names a setting in error messages."""
        return {}

    def _arrays(self) -> Any:
        """The arrays holding exactly this optimizer's parameters, in order (None if there are
        none): found once, and again only after a parameter has been moved to other arrays."""
        arrays = getattr(self, "_packed", None)
        if arrays is None or not arrays.intact:
            arrays = self._packed = packed_arrays(self.params)
        return arrays

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0."""
        arrays = self._arrays()
        if arrays is not None:
            arrays.zero_grad()
            return
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current gradient.

        A non-finite gradient, or an update that would make a parameter or the optimizer's
        state infinite or NaN (a learning rate far too large: ``SGD(lr=1e307)``), raises
        ``FloatingPointError`` naming the parameter before anything changes: the parameters,
        the state and ``steps`` stay as they were, so infinity never reaches the weights.
        """
        import numpy as np

        arrays = self._arrays()
        if arrays is not None and not arrays.graph_grads:
            data, grads = arrays.numpy()
        else:
            data = np.fromiter((p.data for p in self.params), dtype=np.float64, count=len(self.params))
            grads = np.array([as_float(p.grad) for p in self.params], dtype=np.float64)
        name = type(self).__name__
        if not np.isfinite(grads).all():
            i = int(np.flatnonzero(~np.isfinite(grads))[0])
            raise FloatingPointError(f"{name}.step: params[{i}].grad is {float(grads[i])!r}; nothing was changed")
        step = self.steps + 1
        new = data.copy()
        state = {key: values.copy() for key, values in self.state.items()}
        with np.errstate(all="ignore"):
            self._update(new, grads.copy(), state, step)
        if not np.isfinite(new).all():
            i = int(np.flatnonzero(~np.isfinite(new))[0])
            raise FloatingPointError(f"{name}.step: params[{i}] would become {float(new[i])!r} (it is "
                                     f"{float(data[i])!r}, its gradient {float(grads[i])!r}, lr {self.lr!r}): the step "
                                     f"is too large for a float; nothing was changed (try a smaller learning rate)")
        for key, values in state.items():
            if not np.isfinite(values).all():
                i = int(np.flatnonzero(~np.isfinite(values))[0])
                raise FloatingPointError(f"{name}.step: state[{key!r}] of params[{i}] would become "
                                         f"{float(values[i])!r} (its gradient is {float(grads[i])!r}); nothing was changed")
        if arrays is not None and not arrays.graph_grads:
            data[:] = new
        else:
            for p, value in zip(self.params, new.tolist()):
                p.data = value
        self.state, self.steps = state, step

    def _update(self, data: Any, grads: Any, state: dict[str, Any], step: int) -> None:
        """Apply update number ``step`` to ``data`` (the parameters' values) and ``state``,
        numpy arrays with one number per parameter (copies, written back by :meth:`step`)."""
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's settings, step count and per-parameter state (a copy)."""
        return {"type": type(self).__name__, "lr": self.lr, "steps": self.steps,
                **{name: getattr(self, name) for name in self.hyperparameters},
                "state": {key: values.tolist() for key, values in self.state.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned.

        Every entry is checked first, with the constructor's checks (``lr``, ``steps`` an
        int >= 0, every hyperparameter, one finite number per parameter in each state list,
        sums of squares not negative); on any problem ``ValueError`` (``TypeError`` for a
        wrong type) names the key, the value and what is accepted, and nothing changes.
        """
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(state, dict) or state.get("type") != name:
            raise ValueError(f"{where}: expected the state_dict of a {name}, got "
                             f"{state.get('type') if isinstance(state, dict) else type(state).__name__!r}")
        missing = [key for key in ("lr", "steps", *self.hyperparameters, "state") if key not in state]
        if missing:
            raise ValueError(f"{where}: missing keys {missing} (expected the keys of state_dict())")
        lr = number(f"{where}: lr", state["lr"], minimum=0)
        steps = number(f"{where}: steps", state["steps"], integer=True, minimum=0)
        settings = self._checked_settings({key: state[key] for key in self.hyperparameters},
                                          lambda key: f"{where}: {key}")
        saved = state["state"]
        if not isinstance(saved, dict) or set(saved) != set(self.state_names):
            raise ValueError(f"{where}: state must be a dict with the entries {list(self.state_names)}, "
                             f"got {list(saved) if isinstance(saved, dict) else type(saved).__name__}")
        lists = {}
        for key in self.state_names:
            values = saved[key]
            if not isinstance(values, (list, tuple)) or len(values) != len(self.params):
                size = f"{len(values)} entries" if isinstance(values, (list, tuple)) else type(values).__name__
                raise ValueError(f"{where}: state[{key!r}] must be a list of {len(self.params)} numbers "
                                 f"(one per parameter), got {size}")
            minimum = 0 if key in self.squared_state else None
            lists[key] = [number(f"{where}: state[{key!r}][{i}]", v, minimum=minimum) for i, v in enumerate(values)]
        self.lr, self.steps, self.state = lr, steps, {key: _array(values) for key, values in lists.items()}
        for key, value in settings.items():
            setattr(self, key, value)

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={getattr(self, k)!r}" for k in ("lr",) + self.hyperparameters)
        return f"{type(self).__name__}({len(self.params)} parameters, {settings})"


class SGD(Optimizer):
    """Gradient descent ``w ← w - α∇f(w)``, with the lecture's momentum
    ``z ← βz + ∇f(w)``, ``w ← w - αz`` (``momentum=β``; PyTorch's rule with no dampening),
    Nesterov momentum (``w ← w - α(∇f(w) + βz)``) and weight decay (``∇f + λw``)."""

    hyperparameters = ("momentum", "nesterov", "weight_decay")
    state_names = ("momentum_buffer",)

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0, nesterov: bool = False,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay)

    def _checked_settings(self, settings: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
        checked = {"momentum": number(label("momentum"), settings["momentum"], minimum=0),
                   "nesterov": flag(label("nesterov"), settings["nesterov"]),
                   "weight_decay": number(label("weight_decay"), settings["weight_decay"], minimum=0)}
        if checked["nesterov"] and checked["momentum"] == 0:
            raise ValueError(f"{label('nesterov=True')} needs momentum > 0, got momentum={settings['momentum']!r}")
        return checked

    def _update(self, data: Any, grads: Any, state: dict[str, Any], step: int) -> None:
        lr, beta, decay = self.lr, self.momentum, self.weight_decay
        g = grads + decay * data if decay else grads
        if beta:
            z = state["momentum_buffer"]
            z[:] = g if step == 1 else beta * z + g
            g = g + beta * z if self.nesterov else z
        data -= lr * g


class Adagrad(Optimizer):
    """Adagrad: ``s ← s + g²``, ``w ← w - α g / (√s + eps)`` (with PyTorch's ``lr_decay``)."""

    hyperparameters = ("lr_decay", "weight_decay", "eps")
    state_names = ("sum",)
    squared_state = ("sum",)

    def __init__(self, params: Iterable[Value], lr: float = 0.01, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, lr, lr_decay=lr_decay, weight_decay=weight_decay, eps=eps)
        initial = number("Adagrad(initial_accumulator_value)", initial_accumulator_value, minimum=0)
        self.state["sum"] = _array([initial] * len(self.params))

    def _checked_settings(self, settings: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
        return {key: number(label(key), settings[key], minimum=0) for key in self.hyperparameters}

    def _update(self, data: Any, grads: Any, state: dict[str, Any], step: int) -> None:
        import numpy as np

        clr = self.lr / (1 + (step - 1) * self.lr_decay)
        s = state["sum"]
        g = grads + self.weight_decay * data if self.weight_decay else grads
        s[:] = s + g * g
        data[:] = data - clr * (g / (np.sqrt(s) + self.eps))


class RMSprop(Optimizer):
    """RMSprop: ``v ← αv + (1 - α)g²``, ``w ← w - lr·g / (√v + eps)`` (optionally centred,
    with momentum, as PyTorch).

    Centred, the denominator is ``√(v - m²) + eps`` with ``m`` the running mean of the
    gradient. ``v - m²`` is a variance, but rounding can make it a tiny negative number (a
    constant gradient does); it is clamped at 0 there, where PyTorch's ``sqrt`` gives NaN and
    every later step NaN. Elsewhere the two agree operation for operation.
    """

    hyperparameters = ("alpha", "eps", "weight_decay", "momentum", "centered")
    state_names = ("square_avg", "grad_avg", "momentum_buffer")
    squared_state = ("square_avg",)

    def __init__(self, params: Iterable[Value], lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, lr, alpha=alpha, eps=eps, weight_decay=weight_decay, momentum=momentum,
                         centered=centered)

    def _checked_settings(self, settings: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
        checked = {key: number(label(key), settings[key], minimum=0)
                   for key in ("eps", "weight_decay", "momentum")}
        checked["alpha"] = number(label("alpha"), settings["alpha"], minimum=0, maximum=1)  # a decay rate
        checked["centered"] = flag(label("centered"), settings["centered"])
        return checked

    def _update(self, data: Any, grads: Any, state: dict[str, Any], step: int) -> None:
        import numpy as np

        a = self.alpha
        v, m, buf = state["square_avg"], state["grad_avg"], state["momentum_buffer"]
        g = grads + self.weight_decay * data if self.weight_decay else grads
        v[:] = v * a + (1 - a) * g * g
        if self.centered:
            m[:] = m + (1 - a) * (g - m) if (1 - a) < 0.5 else g - (g - m) * a
            avg = np.sqrt(np.maximum(v - m * m, 0.0)) + self.eps  # √variance, rounding clamped
        else:
            avg = np.sqrt(v) + self.eps
        if self.momentum > 0:
            buf[:] = buf * self.momentum + g / avg
            data[:] = data - self.lr * buf
        else:
            data[:] = data - self.lr * (g / avg)


class Adam(Optimizer):
    """Adam: ``m ← β₁m + (1 - β₁)g``, ``v ← β₂v + (1 - β₂)g²``,
    ``w ← w - lr·m̂ / (√v̂ + eps)`` with bias corrections ``m̂ = m/(1 - β₁ᵗ)``,
    ``v̂ = v/(1 - β₂ᵗ)``; ``weight_decay`` adds ``λw`` to the gradient (L2, as PyTorch's Adam)."""

    hyperparameters = ("betas", "eps", "weight_decay", "amsgrad")
    state_names = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    squared_state = ("exp_avg_sq", "max_exp_avg_sq")
    decoupled = False

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad)

    def _checked_settings(self, settings: dict[str, Any], label: Callable[[str], str]) -> dict[str, Any]:
        betas = settings["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{label('betas')} must be a pair (beta1, beta2) of numbers in [0, 1), got {betas!r}")
        return {"betas": tuple(number(label(f"betas[{i}]"), beta, minimum=0, below=1) for i, beta in enumerate(betas)),
                "eps": number(label("eps"), settings["eps"], minimum=0),
                "weight_decay": number(label("weight_decay"), settings["weight_decay"], minimum=0),
                "amsgrad": flag(label("amsgrad"), settings["amsgrad"])}

    def _update(self, data: Any, grads: Any, state: dict[str, Any], step: int) -> None:
        import numpy as np

        beta1, beta2 = self.betas
        lr, decay = self.lr, self.weight_decay
        m, v, v_max = state["exp_avg"], state["exp_avg_sq"], state["max_exp_avg_sq"]
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        step_size = lr / bias_correction1
        weight = 1 - beta1
        g = grads
        if decay and self.decoupled:
            data[:] = data * (1 - lr * decay)
        elif decay:
            g = g + decay * data
        # torch's lerp: m + w(g - m) for w < 0.5, else g - (g - m)(1 - w)
        m[:] = m + weight * (g - m) if weight < 0.5 else g - (g - m) * (1 - weight)
        v[:] = v * beta2 + (1 - beta2) * g * g
        if self.amsgrad:
            v_max[:] = np.maximum(v_max, v)
            denom = np.sqrt(v_max) / bias_correction2_sqrt + self.eps
        else:
            denom = np.sqrt(v) / bias_correction2_sqrt + self.eps
        data[:] = data + (-step_size) * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: ``w ← w(1 - lr·λ)`` before the Adam step."""

    decoupled = True

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
