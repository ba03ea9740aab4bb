"""The training loop: ``fit(model, X, y, ...)`` → :class:`History`.

One epoch: the training data in (shuffled) minibatches; for each, the model's outputs for the
whole minibatch (one call, so batch norm sees the batch), the loss plus ``l1·Σ|w| + l2·Σw²``
(the lecture's ``L(W) = Σ Lᵢ(W) + λR(W)``), ``zero_grad``, ``backward``, ``step``. Then the
validation loss and accuracy in evaluation mode, early stopping, the schedule and callbacks.
"""

from __future__ import annotations

import numbers
import time
import warnings
from dataclasses import asdict, dataclass
from typing import Any, Callable, Sequence

from autograd import Value, no_grad

from ._checks import as_float, flag, number
from .callbacks import (STOP_PRECEDENCE, BestEpoch, Callback, Divergence, EarlyStopping, FitRun, FunctionCallback,
                        ProgressBar, ScheduleStep)
from .compiled import (COMPILED_PREDICT_MIN, binary_right, compile_unsupported, compiled_inference_supported,
                       predict_rows, training_for)
from .data import batches, train_test_split
from .init import make_rng
from .layers import MLP, BatchNorm, Sequential, output_width
from .losses import LOSSES, l1_penalty, l2_penalty
from .modes import evaluating
from .module import Module
from .optim import SGD, Optimizer
from .schedules import LRSchedule

__all__ = ["fit", "evaluate", "predict", "accuracy", "History", "EpochRecord", "ScalarSteps", "CompiledSteps"]


@dataclass(frozen=True)
class EpochRecord:
    """What one epoch measured. Accuracies are ``None`` for losses without classes (mse)."""

    epoch: int
    """1 for the first epoch."""
    train_loss: float
    """Mean data loss over the epoch's minibatches (without the penalty), in training mode."""
    train_acc: float | None
    """Accuracy on the training minibatches as they were trained on (training mode)."""
    val_loss: float | None
    val_acc: float | None
    lr: float
    """The learning rate used during the epoch."""
    seconds: float


class History:
    """The per-epoch records of a :func:`fit` run and how it ended.

    ``history.train_loss`` (and ``val_loss``, ``train_acc``, ``val_acc``, ``lr``) are lists
    with one entry per epoch trained; ``best_epoch`` is the epoch with the best monitored value
    among those that did not diverge (see :func:`fit`'s ``max_loss``; ``None`` when none is
    left) and ``best`` its record; ``loss`` names the loss (``fit``'s ``loss`` name, or its
    function's ``__name__``; ``None`` for a lambda) and ``max_loss`` is ``fit``'s; ``stop_reason`` is
    ``"completed"``, ``"early_stopping"``, ``"diverged"`` (``fit(max_loss=...)``),
    ``"callback"`` or ``"interrupted"``.

    When ``restored_best`` is True (early stopping, ``"diverged"``, Ctrl-C, or ``patience``
    with validation data however the run ended; see :func:`fit`'s ``restore_best``) the
    model holds the weights of ``best_epoch``, not of the last epoch trained: its losses are
    ``history.best.train_loss`` / ``history.best.val_loss``, while ``history.train_loss[-1]``
    is the last epoch's.
    """

    def __init__(self, monitor: str, *, loss: str | None = None, max_loss: float | None = None) -> None:
        self.epochs: list[EpochRecord] = []
        self.monitor = monitor
        self.loss = loss
        self.max_loss = max_loss
        self.best_epoch: int | None = None
        self.best_value: float | None = None
        self.stop_reason = "completed"
        self.restored_best = False

    @property
    def stopped_early(self) -> bool:
        """True if early stopping ended the run (no improvement for ``patience`` epochs)."""
        return self.stop_reason == "early_stopping"

    @property
    def interrupted(self) -> bool:
        """True if Ctrl-C (``KeyboardInterrupt``) ended the run."""
        return self.stop_reason == "interrupted"

    @property
    def best(self) -> EpochRecord | None:
        """The record of ``best_epoch`` (the weights the model holds after ``restored_best``);
        ``None`` before the first epoch."""
        return self.epochs[self.best_epoch - 1] if self.best_epoch is not None else None

    def _column(self, name: str) -> list:
        return [getattr(record, name) for record in self.epochs]

    @property
    def train_loss(self) -> list[float]:
        """Training loss per epoch."""
        return self._column("train_loss")

    @property
    def val_loss(self) -> list[float | None]:
        """Validation loss per epoch (``None`` without validation data)."""
        return self._column("val_loss")

    @property
    def train_acc(self) -> list[float | None]:
        """Training accuracy per epoch."""
        return self._column("train_acc")

    @property
    def val_acc(self) -> list[float | None]:
        """Validation accuracy per epoch."""
        return self._column("val_acc")

    @property
    def lr(self) -> list[float]:
        """Learning rate per epoch."""
        return self._column("lr")

    def __len__(self) -> int:
        return len(self.epochs)

    def __getitem__(self, index: int) -> EpochRecord:
        return self.epochs[index]

    def __iter__(self):
        return iter(self.epochs)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain JSON-ready data: the records, one list per column, how it ended."""
        return {"epochs": [asdict(record) for record in self.epochs],
                "epoch": self._column("epoch"), "train_loss": self.train_loss, "val_loss": self.val_loss,
                "train_acc": self.train_acc, "val_acc": self.val_acc, "lr": self.lr,
                "monitor": self.monitor, "loss": self.loss, "max_loss": self.max_loss,
                "best_epoch": self.best_epoch, "best_value": self.best_value,
                "best": asdict(self.best) if self.best is not None else None,
                "stop_reason": self.stop_reason, "stopped_early": self.stopped_early,
                "interrupted": self.interrupted, "restored_best": self.restored_best}

    def __repr__(self) -> str:
        last = self.epochs[-1] if self.epochs else None
        summary = f", last train_loss={last.train_loss:.4g}" if last else ""
        return (f"History({len(self.epochs)} epochs{summary}, best_epoch={self.best_epoch}, "
                f"stop_reason={self.stop_reason!r})")


# -- accuracy ---------------------------------------------------------------------------------

def _scalar(output: Any, what: str) -> float:
    if isinstance(output, (list, tuple)) and len(output) == 1:
        output = output[0]
    if not isinstance(output, (Value, numbers.Real)):
        raise TypeError(f"{what}: expected one output per sample for this loss, got {output!r}")
    return as_float(output)


def accuracy(outputs: Sequence[Any], targets: Sequence[Any], loss: str = "bce_with_logits") -> float | None:
    """Fraction of samples classified right, reading the outputs as ``loss`` does: a logit
    (> 0 is class 1) for ``bce_with_logits`` and ``hinge``, a probability (> 0.5) for
    ``binary_cross_entropy``, the largest score for ``cross_entropy``; ``None`` for ``mse``."""
    if len(outputs) != len(targets):
        raise ValueError(f"accuracy: {len(outputs)} outputs but {len(targets)} targets")
    if not len(outputs):
        raise ValueError("accuracy: no outputs")
    if loss == "mse":
        return None
    if hasattr(outputs, "ndim"):  # a compiled minibatch's outputs, one row per sample: counted by numpy
        right = binary_right(outputs, targets, loss)
        if right is not None:
            return right / len(outputs)
        outputs = outputs.tolist()
    if loss == "cross_entropy":
        right = 0
        for row, target in zip(outputs, targets):
            scores = [as_float(v) for v in row]
            right += max(range(len(scores)), key=scores.__getitem__) == target
        return right / len(outputs)
    if loss in ("binary_cross_entropy", "bce"):
        threshold, positive = 0.5, 0.5
    elif loss in ("bce_with_logits", "hinge"):
        threshold, positive = 0.0, 0.5 if loss == "bce_with_logits" else 0.0
    else:
        raise ValueError(f"accuracy: unknown loss {loss!r} (must be one of {', '.join(map(repr, LOSSES))})")
    right = sum((_scalar(out, "accuracy") > threshold) == (float(t) > positive) for out, t in zip(outputs, targets))
    return right / len(outputs)


# -- evaluation -------------------------------------------------------------------------------

def _resolve_loss(loss: Any) -> tuple[Callable, str | None]:
    if callable(loss):
        return loss, None
    if isinstance(loss, str) and loss in LOSSES:
        return LOSSES[loss], loss
    raise ValueError(f"unknown loss {loss!r} (must be one of {', '.join(map(repr, LOSSES))} or a function "
                     f"loss(outputs, targets) -> Value)")


def _targets_for(loss_name: str | None, y: Sequence) -> list:
    """0/1 labels become ±1 for the hinge loss; other targets are passed as they are."""
    y = list(y)
    if loss_name == "hinge" and all(t in (0, 1) for t in y) and any(t == 0 for t in y):
        return [2 * t - 1 for t in y]
    return y


def predict(model: Any, X: Sequence, *, compiled: bool = True) -> list:  # noqa: N803
    """The model's outputs for ``X`` as floats (one float, or a list per sample), computed in
    evaluation mode without recording a graph; the model's modes are restored afterwards.

    For many samples (:data:`~nn.compiled.COMPILED_PREDICT_MIN` or more) of a network built from
    nn's own layers, the outputs come from :func:`predict_grid` (a compiled graph replayed
    run on every sample at once; equal to the scalar graph's within about 1e-15) unless ``compiled=False``.
    """
    flag("predict(compiled)", compiled)
    if compiled and len(X) >= COMPILED_PREDICT_MIN and compiled_inference_supported(model):
        return predict_rows(model, X)
    with evaluating(model):
        outputs = model([list(x) for x in X])
    return [out.data if isinstance(out, Value) else [v.data for v in out] for out in outputs]


def evaluate(model: Any, X: Sequence, y: Sequence, loss: Any = "bce_with_logits") -> tuple[float, float | None]:  # noqa: N803
    """``(mean loss, accuracy)`` of ``model`` on ``(X, y)`` in evaluation mode, without a graph;
    the model's modes are restored afterwards."""
    loss_function, loss_name = _resolve_loss(loss)
    targets = _targets_for(loss_name, y)
    with evaluating(model):
        outputs = model([list(x) for x in X])
        value = loss_function(outputs, targets)
    return value.data, accuracy(outputs, targets, loss_name) if loss_name else None


# -- the loop ---------------------------------------------------------------------------------

MIN_VALIDATION_SAMPLES = 10
""":func:`fit` warns (``UserWarning``) when the validation set is smaller than this."""


def _with_note(error: BaseException, note: str) -> BaseException:
    """``error`` itself (same type, arguments and attributes) with ``note`` added, which
    Python >= 3.11 prints under the traceback (PEP 678). Python 3.10 has no notes: there, a
    new error of the same type whose message starts with the note, caused by ``error``, when
    the type can be built from one message; otherwise ``error`` unchanged."""
    if hasattr(error, "add_note"):
        error.add_note(note)
        return error
    try:
        wrapped = type(error)(f"{note}: {error}")
    except Exception:  # e.g. UnicodeDecodeError needs five arguments
        return error
    wrapped.__cause__ = error
    return wrapped


_STEP_ERRORS = (OverflowError, FloatingPointError, ValueError, ZeroDivisionError)
"""What a step or a validation pass raises when a number cannot be computed: raised again with a
note naming the epoch and step."""


def _inputs_per_sample(row: Any) -> int:
    """How many inputs a sample gives the model (one for a bare number)."""
    return len(row) if hasattr(row, "__len__") else 1


class ScalarSteps:
    """An epoch's steps on the scalar graph, as the lecture draws it: the model's outputs for the
    minibatch, the loss and the penalties, built anew every step."""

    def __init__(self, model: Any, loss: Any, params: list[Value], l1: float, l2: float) -> None:
        self.model, self.loss, self.params, self.l1, self.l2 = model, loss, params, l1, l2
        self.loss_function, self.loss_name = _resolve_loss(loss)

    def begin_run(self) -> None:
        """Before the first epoch (nothing to do on the scalar graph)."""

    def begin_epoch(self) -> None:
        """Before an epoch's first step."""

    def step(self, Xb: list, yb: list) -> tuple[Value, float, list]:  # noqa: N803
        """``(objective, the data loss's value, the outputs)`` for one minibatch."""
        outputs = self.model(Xb)
        data_loss = self.loss_function(outputs, yb)
        if not isinstance(data_loss, Value):
            raise TypeError(f"the loss must return a Value, got {type(data_loss).__name__}")
        objective = data_loss
        if self.l1:
            objective = objective + self.l1 * l1_penalty(self.params)
        if self.l2:
            objective = objective + self.l2 * l2_penalty(self.params)
        return objective, data_loss.data, outputs

    def end_epoch(self) -> None:
        """After an epoch's last step, before validation, callbacks and snapshots."""

    def validate(self, X: list, y: list) -> tuple[float, float | None]:  # noqa: N803
        """``(loss, accuracy)`` on the validation data ``y`` as given (see :func:`evaluate`)."""
        return evaluate(self.model, X, y, self.loss)

    def end_run(self) -> None:
        """On any exit of the run, errors and Ctrl-C included."""


class CompiledSteps:
    """An epoch's steps replayed by the compiled trainer of :mod:`nn.compiled`
    (:func:`~nn.compiled.training_for`): the same losses as :class:`ScalarSteps`.

    The hooks around the steps are where a trainer that keeps state outside the model's Values
    (parameters in arrays) hands it back: ``end_epoch`` before validation, callbacks and
    best-weights snapshots read the weights; ``end_run`` on any exit, errors and Ctrl-C
    included. Today's trainer works on the Values themselves, so they have nothing to do."""

    def __init__(self, trainer: Any, loss_name: str) -> None:
        self.trainer, self.loss_name = trainer, loss_name

    def begin_run(self) -> None:
        """Before the first epoch."""

    def begin_epoch(self) -> None:
        """Before an epoch's first step."""

    def step(self, Xb: list, yb: list) -> tuple[Any, float, list]:  # noqa: N803
        """``(objective, the data loss's value, the outputs)`` for one minibatch."""
        return self.trainer.step(Xb, yb)

    def end_epoch(self) -> None:
        """After an epoch's last step: the model's Values must hold the weights from here on."""

    def validate(self, X: list, y: list) -> tuple[float, float | None]:  # noqa: N803
        """``(loss, accuracy)`` on the validation data ``y`` as given."""
        targets = _targets_for(self.loss_name, y)
        loss, outputs = self.trainer.evaluate(X, targets)
        return loss, accuracy(outputs, targets, self.loss_name) if self.loss_name != "mse" else None

    def end_run(self) -> None:
        """On any exit of the run, errors and Ctrl-C included: the Values hold the weights."""


def fit(model: Any, X: Sequence, y: Sequence, *, loss: Any = "bce_with_logits",  # noqa: N803
        optimizer: Optimizer | None = None, epochs: int = 100, batch_size: int | None = None,
        validation_data: tuple[Sequence, Sequence] | None = None, validation_split: float = 0.0,
        l1: float = 0.0, l2: float = 0.0, patience: int | None = None, min_delta: float = 0.0,
        restore_best: bool = True, max_loss: float | None = None, schedule: Any = None, callbacks: Sequence[Callable] = (),
        shuffle: bool = True, drop_last: bool = False, seed: int | None = 0, progress: bool = True,
        compiled: bool | None = None) -> History:
    """Train ``model`` on ``(X, y)`` and return the :class:`History`.

    * ``loss``: a name (``"bce_with_logits"``, ``"binary_cross_entropy"``, ``"hinge"``,
      ``"cross_entropy"``, ``"mse"``) or ``loss(outputs, targets) -> Value``. With ``"hinge"``,
      0/1 labels are turned into -1/+1.
    * ``optimizer``: default ``SGD(model.parameters(), lr=0.1, momentum=0.9)``; ``schedule``:
      an ``nn`` learning-rate schedule made for ``optimizer``, stepped after every epoch.
    * ``batch_size``: minibatch size (``None``: the whole training set); ``shuffle`` / ``seed``.
      ``drop_last=True`` skips a final minibatch shorter than ``batch_size``, as PyTorch's
      ``DataLoader`` does. By default every sample is trained on in every epoch; but batch norm
      cannot normalise one sample, so when the model has a :class:`BatchNorm` a final
      minibatch of a single sample joins the one before it (151 samples in batches of 50:
      50, 50, 51). Where batch norm would only ever see one sample (``batch_size=1``, one
      training sample) ``fit`` raises ``ValueError`` before training.
    * ``l1``, ``l2``: the λ of the L1 / L2 penalties over all parameters.
    * ``validation_data=(X_val, y_val)`` or ``validation_split`` (a fraction of ``X`` in [0, 1)). A
      validation set of fewer than :data:`MIN_VALIDATION_SAMPLES` (10) samples gets a
      ``UserWarning``: one sample's accuracy is 0 or 1.
    * Early stopping: stop when the validation loss (the training loss without validation)
      has not improved by more than ``min_delta`` for ``patience`` epochs. ``restore_best``
      (default ``True``) then loads the weights of the best epoch; with ``patience`` and
      validation data it does so at the end of training however the run ended, also when
      all ``epochs`` ran without stopping early (the model is always the best one seen, as
      Keras' ``restore_best_weights``). Ctrl-C also restores the best epoch.
      ``history.restored_best`` says whether the model holds ``history.best_epoch``'s
      weights; ``restore_best=False`` keeps the last epoch's.
    * ``max_loss``: stop (``stop_reason == "diverged"``) after the first epoch whose training
      loss is above it, as PyTorch Lightning's ``divergence_threshold``, even when a callback
      asked to stop too. That diverged epoch is never the best one, however low its validation
      loss (a diverging run's can dip by chance); ``restore_best`` then rolls back to the best
      epoch, or, when the first epoch already diverged (no best epoch: ``best_epoch`` is
      ``None``), to the weights training started from. By default (``None``) a finite loss
      never stops training, however large (an lr that is far too high can give losses like
      5e50 and return normally).
    * ``callbacks``: functions ``callback(history)`` called after every epoch; returning
      ``True`` stops training. An :class:`nn.callbacks.Callback` is called at the run's start
      and end too (``on_train_begin``, ``on_epoch_end``, ``on_train_end``).
    * ``progress``: show a tqdm progress bar (``False`` for none), whose postfix is the loss
      and validation metrics of the epoch just finished; it ends with one final line.

    * ``compiled``: train with :func:`autograd.compile` (``None``, the default, where it can be
      proved exact): one training step is traced once, the minibatch an array axis, and
      replayed for every minibatch, with the same losses and gradients as the scalar graph
      (dropout's masks drawn every step, batch norm's running estimates updated from each
      step's statistics, the targets checked every step). ``compiled=False`` builds the scalar
      graph every step, as the lecture draws it. A model with modules of your own or a loss
      function of your own may decide things in Python from ``.data``, which a trace would
      freeze: by default those train on the scalar graph after a one-line ``UserWarning``
      saying why; ``compiled=True`` compiles them anyway (what they decide in Python while
      tracing then holds for every step). ``binary_cross_entropy`` (it clamps its logs by each
      sample's number) always trains on the scalar graph.

    Every target, of the training and of the validation data, is checked with the loss's own
    checks before the first step (for nn's losses), so a NaN, a string or a class out of range
    is an error that names the sample before any weight changes.

    The loop's parts have names and homes: the steps of an epoch (compiled or on the scalar
    graph) are :class:`CompiledSteps` / :class:`ScalarSteps` here; the progress bar, ``max_loss``,
    the best epoch, ``patience``, the schedule and ``callbacks`` are the small pieces of
    :mod:`nn.callbacks`, called between epochs.

    Ctrl-C stops cleanly and returns the history so far. A loss that cannot be computed
    (overflow, a domain error, a non-finite gradient: NaN or infinity never reach the weights)
    raises the engine's error itself, with a note (PEP 678, shown under the traceback) saying
    the epoch and step where it happened (or ``validation``, for the validation set); that,
    ``max_loss``, early stopping, a callback and Ctrl-C are the only things that end training
    before ``epochs``.
    """

    loss_function, loss_name = _resolve_loss(loss)
    X, y = list(X), list(y)  # noqa: N806
    _check_fit_arguments(X, y, epochs=epochs, l1=l1, l2=l2, min_delta=min_delta, validation_split=validation_split,
                         patience=patience, batch_size=batch_size, seed=seed, callbacks=callbacks,
                         flags=dict(shuffle=shuffle, drop_last=drop_last, restore_best=restore_best,
                                    progress=progress), compiled=compiled)
    if max_loss is not None:
        max_loss = number("fit(max_loss)", max_loss, above=0, accepted="a positive finite number (or None)")
    params = model.parameters()
    optimizer = _checked_optimizer(optimizer, schedule, params)
    X, y, X_val, y_val = _split_validation(X, y, validation_data, validation_split, seed)  # noqa: N806
    batch_norm = isinstance(model, Module) and any(isinstance(m, BatchNorm) for m in model.modules())
    _check_batch_size(len(X), batch_size, drop_last, batch_norm)
    targets = _targets_for(loss_name, y)
    if loss_name is not None:  # every target, training and validation, before any weight changes
        _check_targets(model, loss_function, X[0], targets, "y")
        if X_val is not None:
            _check_targets(model, loss_function, X[0], _targets_for(loss_name, y_val), "validation_data")
    steps = _steps_for(model, loss, loss_function, loss_name, params, l1, l2, compiled)

    function_name = getattr(loss_function, "__name__", "")
    history = History("val_loss" if X_val is not None else "train_loss", max_loss=max_loss,
                      loss=loss_name or (function_name if function_name.isidentifier() else None))
    run = FitRun(model, history, epochs)
    # With early stopping and validation data the model always ends on its best epoch (as Keras'
    # restore_best_weights); otherwise only a run cut short is rolled back.
    keep_best = lambda run: restore_best and (  # noqa: E731
        run.history.stop_reason in ("early_stopping", "diverged", "interrupted") or (patience is not None
                                                                                    and X_val is not None))
    pieces: list[Callback] = [
        *([Divergence(max_loss)] if max_loss is not None else []),
        BestEpoch(min_delta, keep_best, roll_back_divergence=restore_best and max_loss is not None),
        *([ScheduleStep(schedule)] if schedule is not None else []),
        *([EarlyStopping(patience)] if patience is not None else []),
        ProgressBar(disable=not progress),
        *[callback if isinstance(callback, Callback) else FunctionCallback(callback) for callback in callbacks],
    ]
    shuffler = make_rng(seed) if shuffle else None
    for piece in pieces:
        piece.on_train_begin(run)
    if hasattr(model, "train"):
        model.train(True)
    error = None
    steps.begin_run()
    try:
        for epoch in range(1, epochs + 1):
            started, lr = time.perf_counter(), optimizer.lr
            minibatches = _minibatches(X, targets, batch_size, shuffle, drop_last, shuffler, batch_norm)
            train_loss, train_acc = _train_epoch(steps, optimizer, minibatches, loss_name, epoch)
            val_loss = val_acc = None
            if X_val is not None:
                try:
                    val_loss, val_acc = steps.validate(X_val, y_val)
                except _STEP_ERRORS as failure:
                    raise _with_note(failure, f"fit: epoch {epoch}, validation")
            record = EpochRecord(epoch, train_loss, train_acc, val_loss, val_acc, lr, time.perf_counter() - started)
            history.epochs.append(record)
            run.stopping = []
            for piece in pieces:  # every piece runs, also after one asked to stop
                if piece.on_epoch_end(run, record) is True:
                    run.stopping.append(piece.reason)
            if run.stopping:
                history.stop_reason = min(run.stopping, key=STOP_PRECEDENCE.index)
                break
    except KeyboardInterrupt:
        history.stop_reason = "interrupted"
    except BaseException as failure:
        error = failure
        raise
    finally:
        steps.end_run()
        for piece in pieces:
            piece.on_train_end(run, error)
    return history


def _check_fit_arguments(X: list, y: list, *, epochs: Any, l1: Any, l2: Any, min_delta: Any,  # noqa: N803
                         validation_split: Any, patience: Any, batch_size: Any, seed: Any, callbacks: Any,
                         flags: dict[str, Any], compiled: Any) -> None:
    """:func:`fit`'s arguments that need no model or data checked, each naming itself."""
    if len(X) != len(y):
        raise ValueError(f"fit: X has {len(X)} samples but y has {len(y)} labels")
    if not X:
        raise ValueError("fit: X is empty")
    number("fit(epochs)", epochs, integer=True, minimum=1)
    for name, value in (("l1", l1), ("l2", l2), ("min_delta", min_delta)):
        number(f"fit({name})", value, minimum=0)
    number("fit(validation_split)", validation_split, minimum=0, below=1, accepted="a fraction in [0, 1)")
    if patience is not None:
        number("fit(patience)", patience, integer=True, minimum=1, accepted="at least 1 (or None)")
    if batch_size is not None:
        number("fit(batch_size)", batch_size, integer=True, minimum=1, accepted="at least 1 (or None)")
    for name, value in flags.items():
        flag(f"fit({name})", value)
    if compiled is not None:
        flag("fit(compiled)", compiled)
    make_rng(seed, what="fit(seed)")  # checked now, not after the split
    if callable(callbacks) or isinstance(callbacks, (str, bytes)):
        raise TypeError(f"fit(callbacks) must be a list of functions, got {callbacks!r} (for one: callbacks=[f])")
    for index, callback in enumerate(callbacks):
        if not callable(callback) and not isinstance(callback, Callback):
            raise TypeError(f"fit(callbacks[{index}]) must be a function or an nn.callbacks.Callback, "
                            f"got {callback!r}")


def _checked_optimizer(optimizer: Any, schedule: Any, params: list[Value]) -> Optimizer:
    """The optimizer ``fit`` uses (SGD with momentum 0.9 by default) after checking it and the
    schedule that must drive it."""
    if optimizer is None:
        optimizer = SGD(params, lr=0.1, momentum=0.9)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"fit(optimizer) must be an nn optimizer (SGD, Adam, ...), got {type(optimizer).__name__}")
    if schedule is not None:
        if not isinstance(schedule, LRSchedule):
            raise TypeError(f"fit(schedule) must be an nn schedule (StepLR, ExponentialLR, CosineAnnealingLR) "
                            f"or None, got {type(schedule).__name__}: {schedule!r}")
        if schedule.optimizer is not optimizer:
            raise ValueError("fit(schedule) was made for another optimizer than the one fit uses, so it would "
                             "not change fit's learning rate: pass that optimizer too, fit(..., optimizer=opt, "
                             "schedule=nn.StepLR(opt, ...))")
    return optimizer


def _split_validation(X: list, y: list, validation_data: Any, validation_split: float,  # noqa: N803
                      seed: Any) -> tuple[list, list, list | None, list | None]:
    """``(X, y, X_val, y_val)``: the validation data given, or split off ``X``, or none; checked
    against the training data, with a warning for fewer than :data:`MIN_VALIDATION_SAMPLES`."""
    if validation_data is not None:
        if validation_split:
            raise ValueError("fit: give validation_data or validation_split, not both")
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            size = f" of length {len(validation_data)}" if isinstance(validation_data, (tuple, list)) else ""
            raise TypeError(f"fit(validation_data) must be a pair (X_val, y_val), "
                            f"got a {type(validation_data).__name__}{size}")
        X_val, y_val = list(validation_data[0]), list(validation_data[1])  # noqa: N806
    elif validation_split:
        X, X_val, y, y_val = train_test_split(X, y, validation_split, seed=seed)  # noqa: N806
    else:
        return X, y, None, None
    if not X_val:
        raise ValueError("fit(validation_data): the validation set has no samples")
    if len(X_val) != len(y_val):
        raise ValueError(f"fit(validation_data): {len(X_val)} samples but {len(y_val)} labels")
    width = _inputs_per_sample(X[0])
    for index, row in enumerate(X_val):
        if _inputs_per_sample(row) != width:
            raise ValueError(f"fit(validation_data): sample {index} has {_inputs_per_sample(row)} inputs but the "
                             f"training samples have {width}")
    if len(X_val) < MIN_VALIDATION_SAMPLES:
        warnings.warn(f"fit: the validation set has only {len(X_val)} sample{'s' * (len(X_val) != 1)}, so its "
                      f"accuracy moves in steps of {1 / len(X_val):.2g} and its loss is noise; use at least "
                      f"{MIN_VALIDATION_SAMPLES} samples", UserWarning, stacklevel=3)
    return X, y, X_val, y_val


def _check_batch_size(samples: int, batch_size: int | None, drop_last: bool, batch_norm: bool) -> None:
    """A minibatch size that trains on something, and on at least 2 samples with batch norm."""
    size = samples if batch_size is None else min(batch_size, samples)
    if drop_last and size < (batch_size or 0):
        raise ValueError(f"fit(drop_last=True): batch_size={batch_size} is more than the {samples} training "
                         f"samples, so every minibatch would be dropped")
    if batch_norm and size < 2:
        raise ValueError(f"fit: the model has batch norm, which needs minibatches of at least 2 samples in "
                         f"training, but batch_size={batch_size} and {samples} training samples give minibatches "
                         f"of {size}")


def _check_targets(model: Any, loss_function: Callable, sample: Any, targets: list, what: str) -> None:
    """Run nn's loss on every target, on an output of the model's shape (its output for one
    training ``sample``, in evaluation mode), so a bad target (NaN, a string, a class out of
    range) is an error naming the sample before training starts. Each distinct target is
    checked once, at its first place (labels take a few values: two for 0/1 labels). A model
    that fails on the sample is left for training to report, with the epoch and step."""
    width = output_width(model) if type(model) in (MLP, Sequential) else None  # nn's: no need to run it
    if width is None:
        try:
            with evaluating(model):
                first = model([list(sample) if hasattr(sample, "__len__") else sample])[0]
        except Exception:
            return
        width = len(first) if isinstance(first, (list, tuple)) else 1
    neutral = 0.5  # a probability, a logit, a score: within every loss's outputs
    output = [neutral] * width if width > 1 else neutral
    places: dict[Any, int] = {}
    for index, target in enumerate(targets):
        places.setdefault(_target_key(target), index)
    with no_grad():
        for index in places.values():  # in the order of the targets: the first bad one is named
            try:
                loss_function([output], [targets[index]])
            except (TypeError, ValueError) as error:  # the loss names targets[0], the one target it saw
                message = str(error).replace("targets[0]", f"targets[{index}]", 1)
                raise type(error)(f"fit({what}): {message}") from None


def _target_key(target: Any) -> Any:
    """What makes two targets the same for a loss's checks: their types and values (``True`` is
    not ``1``; a list of class probabilities by its entries); an unhashable target is its own."""
    if isinstance(target, (list, tuple)):
        return type(target), tuple(_target_key(entry) if not isinstance(entry, (list, tuple)) else id(entry)
                                   for entry in target)
    try:
        hash(target)
    except TypeError:
        return "unhashable", id(target)
    return type(target), target


def _steps_for(model: Any, loss: Any, loss_function: Callable, loss_name: str | None, params: list[Value],
               l1: float, l2: float, compiled: bool | None) -> ScalarSteps | CompiledSteps:
    """The steps of an epoch: compiled unless ``compiled=False`` or the model or loss cannot be
    proved to compile exactly (then on the scalar graph, after a one-line warning saying why),
    unless ``compiled=True`` asks for it anyway."""
    if compiled is not False:
        reason = compile_unsupported(model, loss_name if loss_name is not None else loss_function,
                                     explicit=compiled is True)
        if reason is None:
            trainer = training_for(model, loss_function, params, l1, l2)
            return CompiledSteps(trainer, loss_name)
        warnings.warn(f"fit: training on the scalar graph, not compiled: {reason}", UserWarning, stacklevel=3)
    return ScalarSteps(model, loss, params, l1, l2)


def _minibatches(X: list, targets: list, batch_size: int | None, shuffle: bool, drop_last: bool,  # noqa: N803
                 rng: Any, batch_norm: bool) -> list[tuple[list, list]]:
    """One epoch's minibatches; with batch norm, a last minibatch of one sample (which batch norm
    cannot normalise) joins the one before it."""
    minibatches = list(batches(X, targets, batch_size, shuffle=shuffle, drop_last=drop_last, rng=rng))
    if batch_norm and len(minibatches) > 1 and len(minibatches[-1][0]) == 1:
        X_last, y_last = minibatches.pop()  # noqa: N806
        minibatches[-1] = (minibatches[-1][0] + X_last, minibatches[-1][1] + y_last)
    return minibatches


def _train_epoch(steps: ScalarSteps | CompiledSteps, optimizer: Optimizer, minibatches: list, loss_name: str | None,
                 epoch: int) -> tuple[float, float | None]:
    """Train on every minibatch once: ``(mean data loss, accuracy)`` over the epoch, measured
    on each minibatch as it was trained on."""
    total_loss, right, counted, seen = 0.0, 0.0, 0, 0
    steps.begin_epoch()
    for step, (Xb, yb) in enumerate(minibatches, 1):  # noqa: N806
        try:
            objective, data_value, outputs = steps.step(Xb, yb)
            optimizer.zero_grad()
            objective.backward()
            optimizer.step()
        except _STEP_ERRORS as error:
            raise _with_note(error, f"fit: epoch {epoch}, step {step}")
        total_loss += data_value * len(Xb)
        seen += len(Xb)
        if loss_name is not None and loss_name != "mse":
            right += accuracy(outputs, yb, loss_name) * len(Xb)
            counted += len(Xb)
    steps.end_epoch()
    return total_loss / seen, right / counted if counted else None
