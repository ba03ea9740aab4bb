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
        """``base_lr`` and ``last_epoch``."""
        return {"base_lr": self.base_lr, "last_epoch": self.last_epoch}


class StepLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs."""

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1) -> None:
        super().__init__(optimizer)
        self.step_size = number("StepLR(step_size)", step_size, integer=True, above=0)
        self.gamma = number("StepLR(gamma)", gamma, above=0)

    def lr_at(self, epoch: int) -> float:
        """``lr₀ · γ^⌊epoch / step_size⌋``."""
        return self.base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every epoch."""

    def __init__(self, optimizer: Optimizer, gamma: float) -> None:
        super().__init__(optimizer)
        self.gamma = number("ExponentialLR(gamma)", gamma, above=0)

    def lr_at(self, epoch: int) -> float:
        """``lr₀ · γ^epoch``."""
        return self.base_lr * self.gamma ** epoch


class CosineAnnealingLR(LRSchedule):
    """Anneal the learning rate from ``lr₀`` to ``eta_min`` along half a cosine over ``T_max``
    epochs (then back up, as PyTorch's closed form does)."""

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0) -> None:  # noqa: N803
        super().__init__(optimizer)
        self.T_max = number("CosineAnnealingLR(T_max)", T_max, integer=True, above=0)
        self.eta_min = number("CosineAnnealingLR(eta_min)", eta_min, minimum=0)

    def lr_at(self, epoch: int) -> float:
        """``η_min + (lr₀ - η_min)(1 + cos(π·epoch / T_max)) / 2``."""
        return self.eta_min + (self.base_lr - self.eta_min) * (1 + math.cos(math.pi * epoch / self.T_max)) / 2
