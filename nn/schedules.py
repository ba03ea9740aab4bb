"""Learning-rate schedules: after each epoch, ``schedule.step()`` sets ``optimizer.lr``.

The closed forms of PyTorch's schedulers, with ``t`` the number of ``step()`` calls so far and
``lr₀`` the optimizer's learning rate when the schedule was made:

* :class:`StepLR`: ``lr₀ · γ^⌊t / step_size⌋``;
* :class:`ExponentialLR`: ``lr₀ · γᵗ``;
* :class:`CosineAnnealingLR`: ``η_min + (lr₀ - η_min)(1 + cos(π t / T_max)) / 2``.
"""

from __future__ import annotations

import math
from typing import Any

from ._checks import number
from .optim import Optimizer

__all__ = ["LRSchedule", "StepLR", "ExponentialLR", "CosineAnnealingLR"]


class LRSchedule:
    """Base class: remembers the optimizer and its initial learning rate."""

    SETTINGS: dict[str, dict[str, Any]] = {}
    """Each setting's name and its constructor check (the keyword arguments of ``number``)."""

    def __init__(self, optimizer: Optimizer) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}(optimizer) must be an nn optimizer, "
                            f"got {type(optimizer).__name__}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.last_epoch = 0

    def lr_at(self, epoch: int) -> float:
        """The learning rate after ``epoch`` calls of :meth:`step`."""
        raise NotImplementedError

    def step(self) -> float:
        """Advance one epoch and set the optimizer's learning rate; returns it."""
        self.last_epoch += 1
        self.optimizer.lr = self.lr_at(self.last_epoch)
        return self.optimizer.lr

    def get_last_lr(self) -> float:
        """The learning rate set by the last :meth:`step` (PyTorch's name)."""
        return self.optimizer.lr

    def state_dict(self) -> dict[str, Any]:
        """The schedule's type, ``base_lr``, ``last_epoch`` and its settings (``gamma``...)."""
        return {"type": type(self).__name__, "base_lr": self.base_lr, "last_epoch": self.last_epoch,
                **{key: getattr(self, key) for key in self.SETTINGS}}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Resume from what :meth:`state_dict` returned, and set the optimizer's learning rate
        to the one for ``last_epoch``.

        Every entry is checked first (``base_lr`` a positive number, ``last_epoch`` an int
        >= 0, each setting as the constructor checks it); on any problem ``ValueError``
        (``TypeError`` for a wrong type) names the key and what is accepted, and nothing
        changes.
        """
        name = type(self).__name__
        where = f"{name}.load_state_dict"
        if not isinstance(state, dict) or state.get("type") != name:
            got = state.get("type") if isinstance(state, dict) else type(state).__name__
            raise ValueError(f"{where}: expected what {name}.state_dict() returns, got type {got!r}")
        expected = ["type", "base_lr", "last_epoch", *self.SETTINGS]
        if sorted(state) != sorted(expected):
            raise ValueError(f"{where}: expected the keys {expected}, got {list(state)}")
        base_lr = number(f"{where}: base_lr", state["base_lr"], above=0)
        last_epoch = number(f"{where}: last_epoch", state["last_epoch"], integer=True, minimum=0)
        settings = {key: number(f"{where}: {key}", state[key], **checks) for key, checks in self.SETTINGS.items()}
        self.base_lr, self.last_epoch = base_lr, last_epoch
        for key, value in settings.items():
            setattr(self, key, value)
        self.optimizer.lr = self.lr_at(last_epoch)


class StepLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

    SETTINGS = {"step_size": {"integer": True, "above": 0}, "gamma": {"above": 0}}

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = number("StepLR(step_size)", step_size, **self.SETTINGS["step_size"])
        self.gamma = number("StepLR(gamma)", gamma, **self.SETTINGS["gamma"])

    def lr_at(self, epoch: int) -> float:
        """``lr₀ · γ^⌊epoch / step_size⌋``."""
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every epoch."""

    SETTINGS = {"gamma": {"above": 0}}

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = number("ExponentialLR(gamma)", gamma, **self.SETTINGS["gamma"])

    def lr_at(self, epoch: int) -> float:
        """``lr₀ · γ^epoch``."""
        return self.base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRSchedule):
    """Anneal the learning rate from ``lr₀`` to ``eta_min`` along half a cosine over ``T_max``
    epochs (then back up, as PyTorch's closed form does)."""

    SETTINGS = {"T_max": {"integer": True, "above": 0}, "eta_min": {"minimum": 0}}

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        super().__init__(optimizer)
        self.T_max = number("CosineAnnealingLR(T_max)", T_max, **self.SETTINGS["T_max"])
        self.eta_min = number("CosineAnnealingLR(eta_min)", eta_min, **self.SETTINGS["eta_min"])

    def lr_at(self, epoch: int) -> float:
        """``η_min + (lr₀ - η_min)(1 + cos(π·epoch / T_max)) / 2``."""
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2
