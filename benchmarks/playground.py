"""Playground benchmark: is it alive? Epochs per second and the time of a full redraw.

    python benchmarks/playground.py [--epochs 20] [--repeats 5]

The workload is the issue's: a 2-8-8-1 tanh network on TensorFlow Playground's circle, 500
points, half for training, batch size 10, SGD at lr 0.03. Measured in one run:

* ``Playground.step()``: seconds per epoch (one ``nn.fit`` epoch on the 250 training points plus
  the test loss on the other 250), as epochs per second; its peer is the same epoch trained by a
  bare ``nn.fit(model, ..., epochs=1)`` loop, so the ratio is the playground's own overhead;
* a full redraw: ``render(snapshot(pg))``, everything the widget shows (every neuron's output over
  a 24 × 24 grid, the mean |gradient| of every neuron on the training set, dead ReLUs, the SVG),
  split into reading the network (snapshot) and drawing (render).

Each figure is the median of ``--repeats`` measurements, with the spread (min to max). Targets
(the issue's): at least 20 epochs per second, a redraw under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nn  # noqa: E402
from viz import Playground  # noqa: E402
from viz.playground_view import render, snapshot  # noqa: E402

SETTINGS = {"dataset": "circle", "n": 500, "train_ratio": 0.5, "batch_size": 10, "hidden": [8, 8],
            "activation": "tanh", "lr": 0.03, "seed": 0}


def timed(function) -> float:
    """Seconds of one call of ``function``."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def spread(times: list[float], scale: float = 1.0, unit: str = "ms") -> str:
    return (f"{statistics.median(times) * scale:.1f} {unit} (min {min(times) * scale:.1f}, "
            f"max {max(times) * scale:.1f})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs per measurement of training speed")
    parser.add_argument("--repeats", type=int, default=5, help="measurements of each figure")
    args = parser.parse_args(argv)

    pg = Playground(**SETTINGS)
    bare = Playground(**SETTINGS)  # only for its data and a model built the same way
    model, optimizer = bare.model, bare.optimizer

    def bare_epochs() -> None:
        for _ in range(args.epochs):
            nn.fit(model, bare.inputs_train, bare.y_train, optimizer=optimizer, epochs=1, batch_size=10,
                   validation_data=(bare.inputs_test, bare.y_test), progress=False)

    playground_times, bare_times = [], []
    for _ in range(args.repeats):  # interleaved, so both see the same machine load
        playground_times.append(timed(lambda: pg.step(args.epochs)))
        bare_times.append(timed(bare_epochs))
    per_epoch = [t / args.epochs for t in playground_times]
    bare_per_epoch = [t / args.epochs for t in bare_times]
    rates = [1 / t for t in per_epoch]
    print(f"workload: {SETTINGS}")
    print(f"Playground.step: {statistics.median(rates):.1f} epochs/s (min {min(rates):.1f}, max {max(rates):.1f}); "
          f"{spread(per_epoch, 1000)} per epoch")
    print(f"bare nn.fit    : {spread(bare_per_epoch, 1000)} per epoch; playground / bare = "
          f"{statistics.median(per_epoch) / statistics.median(bare_per_epoch):.2f}")

    snapshots, renders, redraws = [], [], []
    for _ in range(args.repeats):
        started = time.perf_counter()
        picture = snapshot(pg)
        middle = time.perf_counter()
        render(picture)
        ended = time.perf_counter()
        snapshots.append(middle - started)
        renders.append(ended - middle)
        redraws.append(ended - started)
    print(f"full redraw    : {spread(redraws, 1000)} = snapshot {spread(snapshots, 1000)} + render "
          f"{spread(renders, 1000)}")
    rate_ok = statistics.median(rates) >= 20
    redraw_ok = statistics.median(redraws) < 0.1
    print(f"targets: >= 20 epochs/s {'met' if rate_ok else 'NOT met'}; redraw < 100 ms "
          f"{'met' if redraw_ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
