"""Random numbers for weights: where they come from (``seed`` / ``rng``) and how they are drawn.

Every random choice in ``nn`` takes a ``seed`` or a ``random.Random``; with neither it uses
Python's global ``random`` module, exactly as micrograd does (so ``random.seed(1337)`` before
building a model gives micrograd's weights).

Initialisations (``init=``), for a neuron with ``fan_in`` inputs in a layer of ``fan_out``:

* ``"uniform"``: micrograd's ``U(-1, 1)``;
* ``"xavier"`` (Glorot uniform): ``U(-a, a)`` with ``a = √(6 / (fan_in + fan_out))``;
* ``"xavier_normal"``: ``N(0, √(2 / (fan_in + fan_out)))``;
* ``"he"`` (Kaiming normal, for ReLU): ``N(0, √(2 / fan_in))``;
* ``"he_uniform"``: ``U(-a, a)`` with ``a = √(6 / fan_in)``.

Biases start at 0.
"""

from __future__ import annotations

import math
import random
from typing import Any

__all__ = ["INITS", "make_rng", "sample_weights"]

INITS = ("uniform", "xavier", "xavier_normal", "he", "he_uniform")
"""The names accepted by ``init=``."""


def make_rng(seed: Any = None, rng: Any = None, what: str = "seed", default_seed: int | None = None) -> Any:
    """The random source to use: ``rng`` if given, else ``random.Random(seed)``, else the
    global ``random`` module (micrograd's behaviour).

    ``seed`` must be an int (or None); ``rng`` a ``random.Random`` (or the ``random`` module).
    ``what`` names the seed in messages (``"moons(seed)"``). ``default_seed`` is the caller's
    default seed (``moons(seed=0)``): an ``rng`` given with ``seed`` left at it is used, so
    ``moons(rng=r)`` works; any other ``seed`` given with an ``rng`` is an error.
    """
    if rng is not None and default_seed is not None and type(seed) is int and seed == default_seed:
        seed = None
    if rng is not None and seed is not None:
        raise ValueError(f"give either {what} or rng, not both (got {what}={seed!r} and rng={rng!r})")
    if rng is not None:
        if not (isinstance(rng, random.Random) or rng is random):
            raise TypeError(f"rng must be a random.Random (or the random module), got {type(rng).__name__}: {rng!r}")
        return rng
    if seed is None:
        return random
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"{what} must be an int or None, got {type(seed).__name__}: {seed!r}")
    return random.Random(seed)


def sample_weights(init: str, fan_in: int, fan_out: int, rng: Any) -> list[float]:
    """``fan_in`` weights for one neuron drawn by the initialisation named ``init``."""
    if init == "uniform":
        return [rng.uniform(-1, 1) for _ in range(fan_in)]
    if init == "xavier":
        a = math.sqrt(6.0 / (fan_in + fan_out))
        return [rng.uniform(-a, a) for _ in range(fan_in)]
    if init == "xavier_normal":
        std = math.sqrt(2.0 / (fan_in + fan_out))
        return [rng.gauss(0.0, std) for _ in range(fan_in)]
    if init == "he":
        std = math.sqrt(2.0 / fan_in)
        return [rng.gauss(0.0, std) for _ in range(fan_in)]
    if init == "he_uniform":
        a = math.sqrt(6.0 / fan_in)
        return [rng.uniform(-a, a) for _ in range(fan_in)]
    raise ValueError(f"unknown init {init!r} (must be one of {', '.join(map(repr, INITS))})")


def check_init(init: Any) -> str:
    """``init`` if it names an initialisation, else ``ValueError`` listing the names."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r} (must be one of {', '.join(map(repr, INITS))})")
    return init
