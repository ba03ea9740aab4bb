"""Training and evaluation modes: :func:`evaluating`, the one way ``nn`` runs a model for its
outputs alone (``evaluate``, ``predict``, validation in ``fit``, compiled predictions)."""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager, nullcontext
from typing import Any, Iterator

from autograd import no_grad

from .module import Module

__all__ = ["evaluating"]


@contextmanager
def evaluating(model: Any) -> Iterator[Any]:
    """Inside the block: ``model`` (and every module in it) in evaluation mode (dropout off,
    batch norm on its running estimates) and no graph recorded (``autograd.no_grad``).
    Afterwards each module is back in the mode it had, even after an error, so a model in
    training stays in training::

        with nn.evaluating(model):
            outputs = model(X_test)

    A model that is not an nn ``Module`` but has ``eval()`` and ``train()`` (another library's)
    is switched with those. Yields ``model``.

    Blocks for one model from several threads take turns (else the second would note the
    evaluation mode the first set as the mode to put back, and leave the model in it)."""
    if isinstance(model, Module):
        with _LOCKS_LOCK:
            lock = _LOCKS.setdefault(model, threading.RLock())
    else:
        lock = nullcontext()
    with lock:
        modules = list(model.modules()) if isinstance(model, Module) else []
        modes = [module.training for module in modules]
        was_training = getattr(model, "training", False)  # another library's model: train() restores it
        if hasattr(model, "eval"):
            model.eval()
        try:
            with no_grad():
                yield model
        finally:
            for module, mode in zip(modules, modes):
                module.training = mode
            if not modules and was_training:
                model.train(True)


_LOCKS: "weakref.WeakKeyDictionary[Module, threading.RLock]" = weakref.WeakKeyDictionary()
"""A lock per model, held by :func:`evaluating`."""
_LOCKS_LOCK = threading.Lock()
