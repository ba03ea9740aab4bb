"""The colours every viz picture shares: TensorFlow Playground's classes, and training curves.

TensorFlow Playground colours a negative value and class 0 orange, a positive value and class 1
blue, on a light grey middle (``src/playground.ts``: ``colorScale``, domain -1, 0, 1, range
``#f59322``, ``#e8eaeb``, ``#0877bd``). :mod:`viz.plots`, the playground widget and its replay
page use these constants, so a class has one colour in every picture of the course::

    from viz.palette import CLASS_COLOURS    # ("#f59322", "#0877bd"): class 0, class 1

Drawings of graphs have their own role colours (:data:`viz.COLOURS`). Nothing here imports
matplotlib or numpy.
"""

from __future__ import annotations

__all__ = ["ORANGE", "BLUE", "NEUTRAL", "CLASS_COLOURS", "MORE_CLASS_COLOURS", "TRAIN", "VALIDATION",
           "class_colour"]

ORANGE = "#f59322"
"""TensorFlow Playground's orange: class 0, a negative value (output or weight)."""
BLUE = "#0877bd"
"""TensorFlow Playground's blue: class 1, a positive value."""
NEUTRAL = "#e8eaeb"
"""TensorFlow Playground's middle grey: 0, where the output is undecided."""

CLASS_COLOURS = (ORANGE, BLUE)
"""Class 0 and class 1 of a binary problem, as TensorFlow Playground draws them."""
MORE_CLASS_COLOURS = (ORANGE, BLUE, "#2e9e4f", "#8e44ad", "#c0392b", "#6d4c41", "#d4a017")
"""Class 0, 1, 2, ... of a problem with more classes: the playground's two, then others far from both."""

TRAIN = "#2563eb"
"""Training curves (loss, accuracy) in every plot and in the playground."""
VALIDATION = "#dc2626"
"""Validation (or test) curves."""


def class_colour(label: int) -> str:
    """The colour of class ``label`` (0 orange, 1 blue, then :data:`MORE_CLASS_COLOURS`, cycling)."""
    return MORE_CLASS_COLOURS[int(label) % len(MORE_CLASS_COLOURS)]
