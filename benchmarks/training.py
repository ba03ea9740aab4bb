"""Training benchmark: micrograd's demo workload, trained by micrograd and by valuegraph's
``nn`` side by side in one run.

    python benchmarks/training.py [--steps 100] [--profile]

The workload is micrograd's demo notebook: ``MLP(2, [16, 16, 1])`` on 100 moons points, mean
hinge (max-margin) loss + 1e-4·Σw², SGD with ``lr = 1.0 - 0.9·k/100``, full batch. Both models
start from the same weights (micrograd's, drawn after ``random.seed(1337)``, copied with
``nn.vector_to_parameters``). Each engine trains alone (its graphs are garbage of its own), first
with Python's garbage collector running normally, as users run it, then with the collector
disabled in both. Prints the median time per training step, the ratio, and the largest
relative difference between the two losses over all steps. ``--profile`` adds a cProfile of
valuegraph's steps.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import random
import statistics
import sys
import time

sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))  # micrograd's topological sort recurses

import nn  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue  # noqa: E402
    from micrograd.nn import MLP as MicrogradMLP  # noqa: E402
except ImportError:  # pragma: no cover - reported in main()
    MicrogradValue = MicrogradMLP = None

ALPHA = 1e-4


def data() -> tuple[list, list]:
    """100 moons points with micrograd's ±1 labels."""
    X, y = nn.datasets.moons(n=100, noise=0.1, seed=1337)
    return X, [2 * t - 1 for t in y]


def micrograd_steps(model, X, y, steps):
    """The demo notebook's loop, verbatim apart from timing: yields (seconds, loss, accuracy)."""
    Value = MicrogradValue  # noqa: N806
    for k in range(steps):
        start = time.perf_counter()
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum((p * p for p in model.parameters()))
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        yield time.perf_counter() - start, total_loss.data, sum(accuracy) / len(accuracy)


def valuegraph_steps(model, X, y, steps):
    """The same training written with nn's API: one batched call, nn.hinge, nn.l2_penalty, nn.SGD."""
    params = model.parameters()
    optimizer = nn.SGD(params, lr=1.0)
    for k in range(steps):
        start = time.perf_counter()
        scores = model(X)
        total_loss = nn.hinge(scores, y) + ALPHA * nn.l2_penalty(params)
        accuracy = nn.accuracy(scores, y, loss="hinge")
        optimizer.zero_grad()
        total_loss.backward()
        optimizer.lr = 1.0 - 0.9 * k / 100
        optimizer.step()
        yield time.perf_counter() - start, total_loss.data, accuracy


def models():
    """A micrograd model and a valuegraph model with the same weights."""
    random.seed(1337)
    theirs = MicrogradMLP(2, [16, 16, 1])
    ours = nn.MLP(2, [16, 16, 1], seed=0)
    nn.vector_to_parameters([p.data for p in theirs.parameters()], ours.parameters())
    return theirs, ours


def run(engine_steps, model, X, y, steps, collector: bool):
    gc.collect()
    was_enabled = gc.isenabled()
    (gc.enable if collector else gc.disable)()
    try:
        records = list(engine_steps(model, X, y, steps))
    finally:
        (gc.enable if was_enabled else gc.disable)()
    gc.collect()
    return records


def compare(steps: int, collector: bool) -> dict:
    X, y = data()
    theirs, ours = models()
    micrograd = run(micrograd_steps, theirs, X, y, steps, collector)
    valuegraph = run(valuegraph_steps, ours, X, y, steps, collector)
    worst = max(abs(a[1] - b[1]) / abs(a[1]) for a, b in zip(micrograd, valuegraph))
    mg_time = statistics.median(r[0] for r in micrograd)
    vg_time = statistics.median(r[0] for r in valuegraph)
    return {"collector": "on" if collector else "off", "micrograd_ms": 1000 * mg_time,
            "valuegraph_ms": 1000 * vg_time, "speedup": mg_time / vg_time, "max_rel_loss_diff": worst,
            "final_loss": valuegraph[-1][1], "final_accuracy": valuegraph[-1][2],
            "micrograd_total_s": sum(r[0] for r in micrograd), "valuegraph_total_s": sum(r[0] for r in valuegraph)}


def profile(steps: int) -> str:
    X, y = data()
    _, ours = models()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in valuegraph_steps(ours, X, y, steps):
        pass
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
    return out.getvalue()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="training steps (micrograd's demo: 100)")
    parser.add_argument("--profile", action="store_true", help="also profile valuegraph's steps")
    args = parser.parse_args(argv)
    if MicrogradMLP is None:
        sys.exit("micrograd is not installed: pip install micrograd==0.1.0")
    print(f"micrograd's demo: MLP(2, [16, 16, 1]), 100 moons points, hinge + {ALPHA:g}·L2, "
          f"SGD lr = 1 - 0.9k/100, {args.steps} steps; median time per step")
    print(f"{'gc':>4} {'micrograd':>12} {'valuegraph':>12} {'speedup':>9} {'max rel loss diff':>18} "
          f"{'final loss':>11} {'final acc':>10}")
    totals = []
    for collector in (True, False):
        r = compare(args.steps, collector)
        print(f"{r['collector']:>4} {r['micrograd_ms']:>9.1f} ms {r['valuegraph_ms']:>9.1f} ms "
              f"{r['speedup']:>8.1f}x {r['max_rel_loss_diff']:>18.2e} {r['final_loss']:>11.5f} "
              f"{r['final_accuracy']:>10.2f}")
        totals.append(f"gc {r['collector']}: micrograd {r['micrograd_total_s']:.1f} s, "
                      f"valuegraph {r['valuegraph_total_s']:.2f} s")
    print("whole runs: " + "; ".join(totals))
    if args.profile:
        print(profile(min(args.steps, 20)))


if __name__ == "__main__":
    main()
