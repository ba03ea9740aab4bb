"""The pieces of :func:`nn.fit`'s loop that act between epochs, each small and named, as Keras'
callbacks and PyTorch Lightning's hooks are: the progress bar, the divergence check
(``max_loss``), the best epoch and its weights (``restore_best``), early stopping
(``patience``), the learning-rate schedule and the user's own functions (``callbacks``).

``fit`` makes the pieces its arguments ask for and calls, in their order:

* ``on_train_begin(run)`` once, before the first epoch;
* ``on_epoch_end(run, record)`` after each epoch (its :class:`~nn.EpochRecord` is already in
  ``run.history``); a piece that returns ``True`` asks to stop, for its ``reason``. Every piece
  runs, also after one asked to stop; when several ask, :data:`STOP_PRECEDENCE` says which
  reason the history gets;
* ``on_train_end(run, error)`` once, on any exit: ``error`` is the exception that ended the
  run, or ``None`` when it completed, stopped or was interrupted with Ctrl-C (which ``fit``
  turns into ``stop_reason == "interrupted"``).

The loop itself, and what happens inside an epoch, is :mod:`nn.training`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

__all__ = ["FitRun", "Callback", "Divergence", "BestEpoch", "EarlyStopping", "ScheduleStep", "ProgressBar",
           "FunctionCallback", "STOP_PRECEDENCE"]

STOP_PRECEDENCE = ("diverged", "callback", "early_stopping")
"""When pieces ask to stop at the same epoch for different reasons, the first of these wins
(a diverged epoch is reported as diverged, even when a callback asked to stop too)."""


@dataclass
class FitRun:
    """What the pieces of one :func:`nn.fit` run share."""

    model: Any
    history: Any
    """The run's :class:`nn.History`, filled epoch by epoch."""
    epochs: int
    """The most epochs the run may train."""
    diverged: bool = False
    """Whether the epoch just ended diverged (set by :class:`Divergence`, read by the others)."""
    stopping: list[str] = field(default_factory=list)
    """The reasons pieces gave so far, this epoch, to stop."""


class Callback:
    """A piece of the loop that acts between epochs (every hook does nothing by default)."""

    reason = "callback"
    """The ``stop_reason`` of a run this piece stops."""

    def on_train_begin(self, run: FitRun) -> None:
        """Before the first epoch."""

    def on_epoch_end(self, run: FitRun, record: Any) -> bool | None:
        """After an epoch; ``True`` asks to stop."""
        return None

    def on_train_end(self, run: FitRun, error: BaseException | None) -> None:
        """On any exit; ``error`` is the exception that ended the run, if one did."""


class Divergence(Callback):
    """``max_loss``: stop after the first epoch whose training loss is above it (PyTorch
    Lightning's ``divergence_threshold``). That epoch is marked diverged, so it is never the
    best one."""

    reason = "diverged"

    def __init__(self, max_loss: float) -> None:
        self.max_loss = max_loss

    def on_epoch_end(self, run: FitRun, record: Any) -> bool:
        run.diverged = record.train_loss > self.max_loss
        return run.diverged


class BestEpoch(Callback):
    """The best epoch so far and its weights: the lowest monitored loss (validation loss, else
    training loss) that improved by more than ``min_delta`` and did not diverge. At the end,
    ``restore`` decides whether the model goes back to it; a run that diverged in its first
    epoch, with no best epoch, goes back to the weights it started from."""

    def __init__(self, min_delta: float, restore: Callable[[FitRun], bool], roll_back_divergence: bool) -> None:
        self.min_delta = min_delta
        self.restore = restore
        self.roll_back_divergence = roll_back_divergence
        self.best_state: dict | None = None
        self.start_state: dict | None = None

    def on_train_begin(self, run: FitRun) -> None:
        if self.roll_back_divergence and hasattr(run.model, "state_dict"):
            self.start_state = run.model.state_dict()

    def on_epoch_end(self, run: FitRun, record: Any) -> bool:
        history = run.history
        monitored = record.val_loss if record.val_loss is not None else record.train_loss
        if not run.diverged and (history.best_value is None or monitored < history.best_value - self.min_delta):
            history.best_value, history.best_epoch = monitored, record.epoch
            self.best_state = run.model.state_dict() if hasattr(run.model, "state_dict") else None
        return False

    def on_train_end(self, run: FitRun, error: BaseException | None) -> None:
        if error is not None:
            return
        if self.best_state is not None and self.restore(run):
            run.model.load_state_dict(self.best_state)
            run.history.restored_best = True
        elif run.history.stop_reason == "diverged" and self.start_state is not None:
            run.model.load_state_dict(self.start_state)


class EarlyStopping(Callback):
    """``patience``: stop when the best epoch is ``patience`` epochs behind (no improvement by
    more than ``min_delta`` for that long; a diverged epoch is no improvement)."""

    reason = "early_stopping"

    def __init__(self, patience: int) -> None:
        self.patience = patience

    def on_epoch_end(self, run: FitRun, record: Any) -> bool:
        return record.epoch - (run.history.best_epoch or 0) >= self.patience


class ScheduleStep(Callback):
    """A learning-rate schedule, stepped after every epoch."""

    def __init__(self, schedule: Any) -> None:
        self.schedule = schedule

    def on_epoch_end(self, run: FitRun, record: Any) -> bool:
        self.schedule.step()
        return False


class ProgressBar(Callback):
    """A tqdm bar, one tick per epoch, whose postfix is the epoch's losses and accuracy; it ends
    with one final line (``disable=True``: no bar at all)."""

    def __init__(self, disable: bool) -> None:
        self.disable = disable
        self.bar: Any = None

    def on_train_begin(self, run: FitRun) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=run.epochs, desc="fit", unit="epoch", disable=self.disable, leave=True)

    def on_epoch_end(self, run: FitRun, record: Any) -> bool:
        shown = (("loss", record.train_loss), ("val_loss", record.val_loss), ("val_acc", record.val_acc))
        self.bar.set_postfix({k: f"{v:.4g}" for k, v in shown if v is not None}, refresh=False)
        if record.epoch == run.epochs or run.stopping:
            self.bar.n = record.epoch  # no redraw: close() draws the final line once, with these metrics
        else:
            self.bar.update(1)
        return False

    def on_train_end(self, run: FitRun, error: BaseException | None) -> None:
        if self.bar is not None:
            self.bar.close()


class FunctionCallback(Callback):
    """A function ``callback(history)`` of the user's, called after every epoch; ``True`` stops."""

    def __init__(self, function: Callable[[Any], Any]) -> None:
        self.function = function

    def on_epoch_end(self, run: FitRun, record: Any) -> bool:
        return self.function(run.history) is True
