"""Splitting a dataset and iterating over it in minibatches."""

from __future__ import annotations

import numbers
from typing import Any, Iterator, Sequence

from ._checks import number
from .init import make_rng

__all__ = ["train_test_split", "batches"]


def _check_pair(name: str, X: Sequence, y: Sequence) -> None:  # noqa: N803
    if len(X) != len(y):
        raise ValueError(f"{name}: X has {len(X)} samples but y has {len(y)} labels")


def train_test_split(X: Sequence, y: Sequence, test_size: float = 0.25, *, shuffle: bool = True,  # noqa: N803
                     seed: int | None = 0, rng: Any = None) -> tuple[list, list, list, list]:
    """Split ``(X, y)`` into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size``: a fraction in (0, 1) or a number of samples. The samples are shuffled
    first (reproducibly, with ``seed``, or a ``random.Random`` as ``rng``) unless ``shuffle=False``.
    """
    _check_pair("train_test_split", X, y)
    n = len(X)
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    else:
        fraction = number("train_test_split(test_size)", test_size, above=0, below=1,
                          accepted="a fraction in (0, 1) or a number of samples")
        n_test = max(1, round(n * fraction))
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: {n_test} test samples out of {n} leaves no training or test data")
    order = list(range(n))
    if shuffle:
        make_rng(seed, rng, what="train_test_split(seed)", default_seed=0).shuffle(order)
    test, train = order[:n_test], order[n_test:]
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def batches(X: Sequence, y: Sequence, batch_size: int | None = None, *, shuffle: bool = True,  # noqa: N803
            drop_last: bool = False, seed: int | None = None, rng: Any = None) -> Iterator[tuple[list, list]]:
    """Yield ``(X_batch, y_batch)`` minibatches covering the data once (one epoch).

    ``batch_size=None`` gives the whole dataset as one batch. With ``shuffle`` the order is
    drawn from ``rng`` / ``seed`` / the global ``random``; ``drop_last`` skips a final short batch.
    """
    _check_pair("batches", X, y)
    n = len(X)
    if batch_size is None:
        batch_size = n
    batch_size = number("batches(batch_size)", batch_size, integer=True, minimum=1)
    order = list(range(n))
    if shuffle:
        make_rng(seed, rng, what="batches(seed)").shuffle(order)
    for start in range(0, n, batch_size):
        chunk = order[start:start + batch_size]
        if drop_last and len(chunk) < batch_size:
            return
        yield [X[i] for i in chunk], [y[i] for i in chunk]
