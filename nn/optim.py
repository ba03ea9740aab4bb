"""Optimizers: how parameters move along their gradients, with PyTorch's update rules.

Each optimizer holds a list of parameters (``Value`` leaves), a learning rate ``lr`` (which a
schedule may change), and per-parameter state. ``step()`` applies one update from the
gradients in ``p.grad``; ``zero_grad()`` sets them to 0. The rules are PyTorch's, operation
for operation, so trajectories match ``torch.optim`` in float64.
"""

from __future__ import annotations

import math
from typing import Any, Iterable

from autograd import Value

from ._checks import flag, number

__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW"]


class Optimizer:
    """Base class: the parameters, the learning rate and the per-parameter state."""

    hyperparameters: tuple[str, ...] = ()
    state_names: tuple[str, ...] = ()
    """Names of the per-parameter state entries (lists of floats, one per parameter)."""

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        if isinstance(params, Value):
            raise TypeError(f"{name}(params) must be a list of Values (e.g. model.parameters()), got one Value")
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{name}(params) is empty: there is nothing to optimize")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}(params[{i}]) must be a Value, got {type(p).__name__}: {p!r}")
        self.lr = number(f"{name}(lr)", lr, minimum=0)
        self.steps = 0
        self.state: dict[str, list[float]] = {key: [0.0] * len(self.params) for key in self.state_names}

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0."""
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        self.steps += 1
        self._update(self.steps)

    def _update(self, step: int) -> None:
        raise NotImplementedError

    def _grads(self) -> list[float]:
        grads = []
        for i, p in enumerate(self.params):
            g = p.grad
            if isinstance(g, Value):
                g = g.data
            if not math.isfinite(g):
                raise FloatingPointError(f"{type(self).__name__}.step: params[{i}].grad is {g!r}")
            grads.append(float(g))
        return grads

    def state_dict(self) -> dict[str, Any]:
        """The optimizer's settings, step count and per-parameter state (a copy)."""
        return {"type": type(self).__name__, "lr": self.lr, "steps": self.steps,
                **{name: getattr(self, name) for name in self.hyperparameters},
                "state": {key: list(values) for key, values in self.state.items()}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what :meth:`state_dict` returned (checked in full before anything changes)."""
        name = type(self).__name__
        if not isinstance(state, dict) or state.get("type") != name:
            raise ValueError(f"{name}.load_state_dict: expected the state_dict of a {name}")
        saved = state.get("state")
        if not isinstance(saved, dict) or set(saved) != set(self.state_names):
            raise ValueError(f"{name}.load_state_dict: expected state entries {list(self.state_names)}")
        for key, values in saved.items():
            if len(values) != len(self.params):
                raise ValueError(f"{name}.load_state_dict: state {key!r} has {len(values)} entries "
                                 f"for {len(self.params)} parameters")
        lr = number(f"{name}(lr)", state.get("lr"), minimum=0)
        steps = state.get("steps")
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
            raise ValueError(f"{name}.load_state_dict: steps must be an int >= 0, got {steps!r}")
        self.lr, self.steps = lr, steps
        for key in self.hyperparameters:
            if key in state:
                setattr(self, key, state[key])
        self.state = {key: [float(v) for v in values] for key, values in saved.items()}

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
        super().__init__(params, lr)
        self.momentum = number("SGD(momentum)", momentum, minimum=0)
        self.weight_decay = number("SGD(weight_decay)", weight_decay, minimum=0)
        if flag("SGD(nesterov)", nesterov) and self.momentum == 0:
            raise ValueError("SGD(nesterov=True) needs momentum > 0")
        self.nesterov = nesterov

    def _update(self, step: int) -> None:
        lr, beta, decay = self.lr, self.momentum, self.weight_decay
        z = self.state["momentum_buffer"]
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            if decay:
                g = g + decay * p.data
            if beta:
                z[i] = g if step == 1 else beta * z[i] + g
                g = g + beta * z[i] if self.nesterov else z[i]
            p.data -= lr * g


class Adagrad(Optimizer):
    """Adagrad: ``s ← s + g²``, ``w ← w - α g / (√s + eps)`` (with PyTorch's ``lr_decay``)."""

    hyperparameters = ("lr_decay", "weight_decay", "eps")
    state_names = ("sum",)

    def __init__(self, params: Iterable[Value], lr: float = 0.01, lr_decay: float = 0.0,
                 weight_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        self.lr_decay = number("Adagrad(lr_decay)", lr_decay, minimum=0)
        self.weight_decay = number("Adagrad(weight_decay)", weight_decay, minimum=0)
        self.eps = number("Adagrad(eps)", eps, minimum=0)
        initial = number("Adagrad(initial_accumulator_value)", initial_accumulator_value, minimum=0)
        self.state["sum"] = [initial] * len(self.params)

    def _update(self, step: int) -> None:
        clr = self.lr / (1 + (step - 1) * self.lr_decay)
        s = self.state["sum"]
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            s[i] = s[i] + g * g
            p.data = p.data - clr * (g / (math.sqrt(s[i]) + self.eps))


class RMSprop(Optimizer):
    """RMSprop: ``v ← αv + (1 - α)g²``, ``w ← w - lr·g / (√v + eps)`` (optionally centred,
    with momentum, as PyTorch)."""

    hyperparameters = ("alpha", "eps", "weight_decay", "momentum", "centered")
    state_names = ("square_avg", "grad_avg", "momentum_buffer")

    def __init__(self, params: Iterable[Value], lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False) -> None:
        super().__init__(params, lr)
        self.alpha = number("RMSprop(alpha)", alpha, minimum=0)
        self.eps = number("RMSprop(eps)", eps, minimum=0)
        self.weight_decay = number("RMSprop(weight_decay)", weight_decay, minimum=0)
        self.momentum = number("RMSprop(momentum)", momentum, minimum=0)
        self.centered = flag("RMSprop(centered)", centered)

    def _update(self, step: int) -> None:
        a, state = self.alpha, self.state
        v, m, buf = state["square_avg"], state["grad_avg"], state["momentum_buffer"]
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            if self.weight_decay:
                g = g + self.weight_decay * p.data
            v[i] = v[i] * a + (1 - a) * g * g
            if self.centered:
                m[i] = m[i] + (1 - a) * (g - m[i]) if (1 - a) < 0.5 else g - (g - m[i]) * a
                avg = math.sqrt(v[i] - m[i] * m[i]) + self.eps
            else:
                avg = math.sqrt(v[i]) + self.eps
            if self.momentum > 0:
                buf[i] = buf[i] * self.momentum + g / avg
                p.data = p.data - self.lr * buf[i]
            else:
                p.data = p.data - self.lr * (g / avg)


class Adam(Optimizer):
    """Adam: ``m ← β₁m + (1 - β₁)g``, ``v ← β₂v + (1 - β₂)g²``,
    ``w ← w - lr·m̂ / (√v̂ + eps)`` with bias corrections ``m̂ = m/(1 - β₁ᵗ)``,
    ``v̂ = v/(1 - β₂ᵗ)``; ``weight_decay`` adds ``λw`` to the gradient (L2, as PyTorch's Adam)."""

    hyperparameters = ("betas", "eps", "weight_decay", "amsgrad")
    state_names = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    decoupled = False

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0, amsgrad: bool = False) -> None:
        super().__init__(params, lr)
        name = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise TypeError(f"{name}(betas) must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (number(f"{name}(betas[0])", betas[0], minimum=0, below=1),
                      number(f"{name}(betas[1])", betas[1], minimum=0, below=1))
        self.eps = number(f"{name}(eps)", eps, minimum=0)
        self.weight_decay = number(f"{name}(weight_decay)", weight_decay, minimum=0)
        self.amsgrad = flag(f"{name}(amsgrad)", amsgrad)

    def _update(self, step: int) -> None:
        beta1, beta2 = self.betas
        lr, decay = self.lr, self.weight_decay
        m, v, v_max = self.state["exp_avg"], self.state["exp_avg_sq"], self.state["max_exp_avg_sq"]
        bias_correction1 = 1 - beta1 ** step
        bias_correction2_sqrt = (1 - beta2 ** step) ** 0.5
        step_size = lr / bias_correction1
        weight = 1 - beta1
        for i, (p, g) in enumerate(zip(self.params, self._grads())):
            if decay and self.decoupled:
                p.data = p.data * (1 - lr * decay)
            elif decay:
                g = g + decay * p.data
            # torch's lerp: m + w(g - m) for w < 0.5, else g - (g - m)(1 - w)
            m[i] = m[i] + weight * (g - m[i]) if weight < 0.5 else g - (g - m[i]) * (1 - weight)
            v[i] = v[i] * beta2 + (1 - beta2) * g * g
            if self.amsgrad:
                v_max[i] = max(v_max[i], v[i])
                denom = math.sqrt(v_max[i]) / bias_correction2_sqrt + self.eps
            else:
                denom = math.sqrt(v[i]) / bias_correction2_sqrt + self.eps
            p.data = p.data + (-step_size) * (m[i] / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay: ``w ← w(1 - lr·λ)`` before the Adam step."""

    decoupled = True

    def __init__(self, params: Iterable[Value], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 1e-2, amsgrad: bool = False) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)
