"""Engine benchmark: the same random expression graphs built and differentiated by
valuegraph's ``autograd`` and by ``micrograd==0.1.0`` in one run.

    python benchmarks/engine.py [--nodes 200000] [--repeats 3] [--chain 1000000]

Prints, per node: build time, backward time, memory (tracemalloc, a separate run so the
tracing does not distort the times) and valuegraph's ratio to micrograd. Python's garbage
collector runs normally, as users run it. Then times chains of growing length to show that
build + backward is linear in the graph size.
"""

from __future__ import annotations

import argparse
import functools
import gc
import operator
import random
import sys
import time
import tracemalloc
from collections import deque

sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000_000))  # micrograd's walk is recursive

from autograd import Value  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue  # noqa: E402
except ImportError:  # pragma: no cover - reported below
    MicrogradValue = None

OPS = ("add", "mul", "pow", "relu")
_INPUTS = 100


def _square(a, _unused):
    return a ** 2


def _relu(a, _unused):
    return a.relu()


def _scaled(a, _unused, scale):
    return a * scale


_FUNCTIONS = {"add": operator.add, "mul": operator.mul, "pow": _square, "relu": _relu}


def make_plan(nodes: int, seed: int = 0, inputs: int = _INPUTS) -> list[tuple]:
    """A random graph as a list of inputs then steps ``(function, i, j)`` over earlier nodes.

    The first operand of each step is the oldest node nobody has used yet (so every node
    feeds the output), the second is drawn from earlier nodes, mostly recent ones; what is
    left unused at the end is added up pairwise into one output. The result is a graph about
    ``inputs`` nodes wide and ``nodes / inputs`` deep, with edges across it. Ops are chosen so
    values stay within [0.1, 2] in magnitude (no overflow, no collapse to zero): where an op
    would leave that range the step multiplies by a constant instead. The
    plan is made with plain floats, so both engines run exactly the same graph.
    """
    rng = random.Random(seed)
    values = [rng.choice((-1, 1)) * rng.uniform(0.5, 1.0) for _ in range(inputs)]
    plan: list[tuple] = [("input", x) for x in values]
    unused = deque(range(inputs))
    while len(values) < nodes - inputs:
        i = unused.popleft()
        j = len(values) - 1 - min(int(rng.expovariate(1 / 200)), len(values) - 1)
        a, b = values[i], values[j]
        results = {"add": a + b, "mul": a * b, "pow": a * a, "relu": max(a, 0.0)}
        op = rng.choice(OPS)
        if 0.1 <= abs(results[op]) <= 2.0:
            values.append(results[op])
            plan.append((_FUNCTIONS[op], i, j))
        else:  # rescale instead: a * c with a constant c, so that the value is ±1
            scale = 1.0 / abs(a)
            values.append(a * scale)
            plan.append((functools.partial(_scaled, scale=scale), i, j))
        unused.append(len(values) - 1)
    while len(unused) > 1:
        i, j = unused.popleft(), unused.popleft()
        values.append(values[i] + values[j])
        plan.append((operator.add, i, j))
        unused.append(len(values) - 1)
    return plan


def build(value_class, plan):
    """Run ``plan`` in one engine: as thin a loop as possible, so the engines are compared."""
    nodes = [value_class(x) for _, x in plan[:_INPUTS]]
    append = nodes.append
    for function, i, j in plan[_INPUTS:]:
        append(function(nodes[i], nodes[j]))
    return nodes, nodes[-1]


def measure(value_classes: dict, plan, repeats: int, collector: bool = True, memory: bool = True) -> dict:
    """Build + backward time per node for each engine, best of ``repeats``, the engines taking
    turns so that a busy moment of the machine hits both; and peak memory per node.

    Times are the CPU time of this process (``time.process_time``): the machine is shared, and
    wall-clock time would count other programs' work, making the ratio noisier."""
    best = {name: {"build": float("inf"), "backward": float("inf")} for name in value_classes}
    for _ in range(repeats):
        for name, value_class in value_classes.items():
            gc.collect()
            if not collector:
                gc.disable()
            start = time.process_time()
            nodes, out = build(value_class, plan)
            built = time.process_time()
            out.backward()
            done = time.process_time()
            gc.enable()
            best[name]["build"] = min(best[name]["build"], built - start)
            best[name]["backward"] = min(best[name]["backward"], done - built)
            del nodes, out
    count = len(plan)
    results = {}
    for name, value_class in value_classes.items():
        peak = float("nan")
        if memory:
            gc.collect()
            tracemalloc.start()
            nodes, out = build(value_class, plan)
            out.backward()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            del nodes, out
            gc.collect()
        results[name] = {"build": best[name]["build"] / count, "backward": best[name]["backward"] / count,
                         "memory": peak / count}
    return results


def chain_seconds(length: int) -> float:
    gc.collect()
    start = time.process_time()
    x = Value(0.5)
    y = x
    for _ in range(length):
        y = y * 1.0000001 + 0.0
    y.backward()
    elapsed = time.process_time() - start
    assert x.grad > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--nodes", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--chain", type=int, default=1_000_000, help="longest chain (0 to skip)")
    parser.add_argument("--without-gc", action="store_true",
                        help="also time both engines with the garbage collector disabled (to see its share)")
    args = parser.parse_args()

    plan = make_plan(args.nodes)
    print(f"random graph: {len(plan):,} nodes of + * ** relu, best of {args.repeats}, gc enabled, "
          f"CPU time of this process")
    engines = {"valuegraph": Value}
    if MicrogradValue is None:
        print("micrograd is not installed (pip install micrograd==0.1.0): no ratios")
    else:
        engines["micrograd 0.1.0"] = MicrogradValue
    rows = measure(engines, plan, args.repeats)
    print(f"{'engine':<16}{'build µs/node':>15}{'backward µs/node':>18}{'total µs/node':>15}{'bytes/node':>12}")
    for name, r in rows.items():
        print(f"{name:<16}{r['build'] * 1e6:>15.3f}{r['backward'] * 1e6:>18.3f}"
              f"{(r['build'] + r['backward']) * 1e6:>15.3f}{r['memory']:>12.0f}")
    if len(rows) == 2:
        ours, peer = rows["valuegraph"], rows["micrograd 0.1.0"]
        print(f"speed-up build + backward: {(peer['build'] + peer['backward']) / (ours['build'] + ours['backward']):.2f}x "
              f"(floor >= 2.2x)")
        print(f"speed-up backward alone:   {peer['backward'] / ours['backward']:.2f}x")
        print(f"memory per node:           {ours['memory'] / peer['memory']:.3f} of micrograd's (floor <= 0.35)")
    if args.without_gc:
        print("the same with the garbage collector disabled in both (not how users run it; its share of the time):")
        for name, r in measure(engines, plan, args.repeats, collector=False, memory=False).items():
            print(f"{name:<16}{r['build'] * 1e6:>15.3f}{r['backward'] * 1e6:>18.3f}"
                  f"{(r['build'] + r['backward']) * 1e6:>15.3f}")
    if args.chain:
        print("chain y = y * c + 0 (2 op nodes per step, plus its 2 constants), build + backward:")
        length = args.chain // 8
        while length <= args.chain // 2:
            seconds = chain_seconds(length)
            print(f"  {2 * length:>9,} nodes: {seconds:7.3f} s  ({seconds / (2 * length) * 1e6:.3f} µs/node)")
            length *= 2


if __name__ == "__main__":
    main()
