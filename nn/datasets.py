"""Toy 2-D datasets generated in code, like TensorFlow Playground's.

Each function returns ``(X, y)``: ``X`` a list of ``[x₁, x₂]`` points and ``y`` a list of
labels 0/1 (``spiral`` can make more classes); the regression datasets (``plane``,
``multi_gaussian``, in :data:`REGRESSION_DATASETS`) give a number in about [-1, 1] instead. ``n`` is the number of points, ``noise`` how
much they are blurred (0: clean), ``seed`` makes the draw reproducible (an int, or pass a
``random.Random`` as ``rng``). For micrograd's ±1 labels use ``[2 * t - 1 for t in y]``.
"""

from __future__ import annotations

import math
from typing import Any

from ._checks import number
from .init import make_rng

__all__ = ["circle", "xor", "gaussian", "spiral", "moons", "plane", "multi_gaussian", "DATASETS",
           "REGRESSION_DATASETS"]


def _check(name: str, n: Any, noise: Any) -> None:
    number(f"{name}(n)", n, integer=True, minimum=2)
    number(f"{name}(noise)", noise, minimum=0, accepted=">= 0")


def _split(n: int, classes: int = 2) -> list[int]:
    """How many points each class gets (as equal as possible)."""
    return [n // classes + (1 if c < n % classes else 0) for c in range(classes)]


def circle(n: int = 200, noise: float = 0.0, seed: int | None = 0, rng: Any = None) -> tuple[list, list]:
    """A disc of class 1 (radius < 2.5) inside a ring of class 0 (radius 3.5 to 5);
    ``noise`` shifts each coordinate by up to ``±5·noise``."""
    _check("circle", n, noise)
    rng = make_rng(seed, rng, what="circle(seed)", default_seed=0)
    X, y = [], []
    inside, outside = _split(n)
    for label, count, (low, high) in ((1, inside, (0.0, 2.5)), (0, outside, (3.5, 5.0))):
        for _ in range(count):
            r, angle = rng.uniform(low, high), rng.uniform(0.0, 2 * math.pi)
            X.append([r * math.sin(angle) + rng.uniform(-5, 5) * noise,
                      r * math.cos(angle) + rng.uniform(-5, 5) * noise])
            y.append(label)
    return X, y


def xor(n: int = 200, noise: float = 0.0, seed: int | None = 0, rng: Any = None) -> tuple[list, list]:
    """Points in the square [-5, 5]² (kept 0.3 away from the axes), class 1 where x₁·x₂ > 0
    (first and third quadrants); ``noise`` shifts each coordinate by up to ``±5·noise``
    after the label is chosen."""
    _check("xor", n, noise)
    rng = make_rng(seed, rng, what="xor(seed)", default_seed=0)
    X, y = [], []
    for _ in range(n):
        a, b = rng.uniform(-5, 5), rng.uniform(-5, 5)
        a += 0.3 if a > 0 else -0.3
        b += 0.3 if b > 0 else -0.3
        y.append(1 if a * b > 0 else 0)
        X.append([a + rng.uniform(-5, 5) * noise, b + rng.uniform(-5, 5) * noise])
    return X, y


def gaussian(n: int = 200, noise: float = 0.0, seed: int | None = 0, rng: Any = None) -> tuple[list, list]:
    """Two round Gaussian clouds, class 1 around (2, 2) and class 0 around (-2, -2); the
    standard deviation grows from 0.7 (``noise=0``) to 2 (``noise=0.5``)."""
    _check("gaussian", n, noise)
    rng = make_rng(seed, rng, what="gaussian(seed)", default_seed=0)
    std = math.sqrt(0.5 + 7.0 * noise)
    X, y = [], []
    positive, negative = _split(n)
    for label, count, centre in ((1, positive, 2.0), (0, negative, -2.0)):
        for _ in range(count):
            X.append([rng.gauss(centre, std), rng.gauss(centre, std)])
            y.append(label)
    return X, y


def spiral(n: int = 200, noise: float = 0.0, seed: int | None = 0, rng: Any = None,
           classes: int = 2, turns: float = 0.875) -> tuple[list, list]:
    """Interleaved spiral arms, one per class (label = arm), radius 0 to 5 over ``turns``
    turns (TensorFlow Playground's spiral has ``turns=1.75``); ``noise`` shifts each coordinate
    by up to ``±noise``."""
    _check("spiral", n, noise)
    number("spiral(classes)", classes, integer=True, minimum=2)
    number("spiral(turns)", turns, above=0, maximum=10)
    rng = make_rng(seed, rng, what="spiral(seed)", default_seed=0)
    X, y = [], []
    for label, count in enumerate(_split(n, classes)):
        offset = 2 * math.pi * label / classes
        for i in range(count):
            fraction = i / count
            r, t = 5 * fraction, 2 * math.pi * turns * fraction + offset
            X.append([r * math.sin(t) + rng.uniform(-1, 1) * noise, r * math.cos(t) + rng.uniform(-1, 1) * noise])
            y.append(label)
    return X, y


def moons(n: int = 200, noise: float = 0.1, seed: int | None = 0, rng: Any = None) -> tuple[list, list]:
    """Two interleaving half circles (as scikit-learn's ``make_moons``): class 0 on
    ``(cos t, sin t)``, class 1 on ``(1 - cos t, 0.5 - sin t)``, t ∈ [0, π]; ``noise`` is
    the standard deviation of the Gaussian added to each coordinate."""
    _check("moons", n, noise)
    rng = make_rng(seed, rng, what="moons(seed)", default_seed=0)
    X, y = [], []
    outer, inner = _split(n)
    for label, count in ((0, outer), (1, inner)):
        for i in range(count):
            t = math.pi * i / (count - 1) if count > 1 else 0.0
            a, b = (math.cos(t), math.sin(t)) if label == 0 else (1 - math.cos(t), 0.5 - math.sin(t))
            X.append([a + rng.gauss(0.0, noise) if noise else a, b + rng.gauss(0.0, noise) if noise else b])
            y.append(label)
    return X, y


def plane(n: int = 200, noise: float = 0.0, seed: int | None = 0, rng: Any = None) -> tuple[list, list]:
    """Regression (TensorFlow Playground's "plane"): points uniform in [-6, 6]², target
    ``(x₁ + x₂) / 10`` (in [-1.2, 1.2]); ``noise`` shifts the point the target is computed
    at by up to ``±6·noise`` in each coordinate."""
    _check("plane", n, noise)
    rng = make_rng(seed, rng, what="plane(seed)", default_seed=0)
    X, y = [], []
    for _ in range(n):
        a, b = rng.uniform(-6, 6), rng.uniform(-6, 6)
        shift_a, shift_b = rng.uniform(-6, 6) * noise, rng.uniform(-6, 6) * noise
        X.append([a, b])
        y.append((a + shift_a + b + shift_b) / 10)
    return X, y


_BUMPS = ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1))
"""multi_gaussian's six bumps: centre (x₁, x₂) and sign."""


def multi_gaussian(n: int = 200, noise: float = 0.0, seed: int | None = 0, rng: Any = None) -> tuple[list, list]:
    """Regression (TensorFlow Playground's "multi gaussian"): points uniform in [-6, 6]²; six
    bumps of alternating sign on a 3 × 2 grid, each ``±max(0, 1 - d/2)`` at distance ``d``
    from its centre, and the target is the bump largest in size there; ``noise`` shifts the
    point the target is computed at by up to ``±6·noise`` in each coordinate."""
    _check("multi_gaussian", n, noise)
    rng = make_rng(seed, rng, what="multi_gaussian(seed)", default_seed=0)
    X, y = [], []
    for _ in range(n):
        a, b = rng.uniform(-6, 6), rng.uniform(-6, 6)
        at_a, at_b = a + rng.uniform(-6, 6) * noise, b + rng.uniform(-6, 6) * noise
        target = 0.0
        for cx, cy, sign in _BUMPS:
            bump = sign * max(0.0, 1.0 - math.hypot(at_a - cx, at_b - cy) / 2)
            if abs(bump) > abs(target):
                target = bump
        X.append([a, b])
        y.append(target)
    return X, y


DATASETS = {"circle": circle, "xor": xor, "gaussian": gaussian, "spiral": spiral, "moons": moons}
"""The classification dataset generators by name."""
REGRESSION_DATASETS = {"plane": plane, "multi_gaussian": multi_gaussian}
"""The regression dataset generators by name (targets are numbers, not classes)."""
