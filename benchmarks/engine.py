"""Engine benchmark: the same random expression graphs built and differentiated by
valuegraph's ``autograd`` and by ``micrograd==0.1.0`` in one run.

    python benchmarks/engine.py [--nodes 200000] [--repeats 5] [--heap 250000] [--chain 1000000]

Prints, per node: build time, backward time, memory (tracemalloc, a separate run so the
tracing does not distort the times) and valuegraph's ratio to micrograd. Python's garbage
collector runs normally, as users run it. Then times chains of growing length to show that
build + backward is linear in the graph size.

The graph is built by straight-line Python, one line per node written as a user writes it
(``n[7] = n[3] * n[5]``, ``n[8] = n[2].relu()``), so that what is timed is the engines' work
and not a harness calling functions for them. The garbage collector's cost depends on how many
other objects the process holds (its full collections visit all of them): ``--heap`` keeps that
many alive during the measurement. The default, 250,000, is about a notebook session's heap with
numpy, matplotlib, ipywidgets and torch imported (231,000), and is the harder case for
valuegraph; without torch a session holds about 93,000, a bare script about 13,000 (``--heap 0``).
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import random
import sys
import time
import tracemalloc
from collections import deque
from typing import Callable

sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000_000))  # micrograd's walk is recursive

from autograd import Value  # noqa: E402

try:
    from micrograd.engine import Value as MicrogradValue  # noqa: E402
except ImportError:  # pragma: no cover - reported below
    MicrogradValue = None

OPS = ("add", "mul", "pow", "relu")
_INPUTS = 100
_TEMPLATES = {"add": "{a} + {b}", "mul": "{a} * {b}", "pow": "{a} ** 2", "relu": "{a}.relu()"}


def make_plan(nodes: int, seed: int = 0, inputs: int = _INPUTS) -> list[tuple]:
    """A random graph as a list of steps ``(expression, i, j)``: the inputs (``Value(0.73)``), then
    expressions over earlier nodes, ``{a}`` standing for node i and ``{b}`` for node j.

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
    plan: list[tuple] = [(f"Value({x!r})", None, None) for x in values]
    unused = deque(range(inputs))
    while len(values) < nodes - inputs:
        i = unused.popleft()
        j = len(values) - 1 - min(int(rng.expovariate(1 / 200)), len(values) - 1)
        a, b = values[i], values[j]
        results = {"add": a + b, "mul": a * b, "pow": a * a, "relu": max(a, 0.0)}
        op = rng.choice(OPS)
        if 0.1 <= abs(results[op]) <= 2.0:
            values.append(results[op])
            plan.append((_TEMPLATES[op], i, j))
        else:  # rescale instead: a * c with a constant c, so that the value is ±1
            scale = 1.0 / abs(a)
            values.append(a * scale)
            plan.append((f"{{a}} * {scale!r}", i, j))
        unused.append(len(values) - 1)
    while len(unused) > 1:
        i, j = unused.popleft(), unused.popleft()
        values.append(values[i] + values[j])
        plan.append((_TEMPLATES["add"], i, j))
        unused.append(len(values) - 1)
    return plan


def compile_plan(plan: list[tuple], lines_per_function: int = 1000) -> Callable:
    """``build(value_class) -> (nodes, output)``: the plan as straight-line Python, one line per
    node, in functions of ``lines_per_function`` lines (Python finds a line number by scanning
    its function's table from the start, and tracemalloc asks for one at every allocation)."""
    source = []
    for first in range(0, len(plan), lines_per_function):
        source.append(f"def part_{first}(n, Value):")
        for k in range(first, min(first + lines_per_function, len(plan))):
            expression, i, j = plan[k]
            source.append(f"    n[{k}] = " + expression.format(a=f"n[{i}]", b=f"n[{j}]"))
    namespace: dict = {}
    exec(compile("\n".join(source), "<benchmark plan>", "exec"), namespace)
    parts = [namespace[f"part_{first}"] for first in range(0, len(plan), lines_per_function)]
    count = len(plan)

    def build(value_class: type) -> tuple[list, object]:
        nodes = [None] * count
        for part in parts:
            part(nodes, value_class)
        return nodes, nodes[-1]

    return build


def notebook_heap(size: int) -> list:
    """Objects for the garbage collector to track during the measurement, as a session's modules
    give it: functions, held in tuples and dicts, so that the process tracks about ``size``
    objects in all. (``--import`` measures a real session's instead; docs/performance.md compares them.)"""
    gc.collect()
    held = []
    for k in range(max(0, size - len(gc.get_objects())) // 3):
        function = lambda: None  # a new function object each time
        held += [(function, k), {"function": function}]
    gc.collect()
    return held


def measure(value_classes: dict, build: Callable, count: int, repeats: int, collector: bool = True,
            memory: bool = True) -> dict:
    """Build + backward time per node for each engine, best of ``repeats``, the engines taking
    turns so that a busy moment of the machine hits both; and peak memory per node.

    Times are the CPU time of this process (``time.process_time``): the machine is shared, and
    wall-clock time would count other programs' work, making the ratio noisier."""
    best = {name: {"build": float("inf"), "backward": float("inf")} for name in value_classes}
    results_of = {}  # each engine's output and first input's gradient, to check they agree
    for repeat in range(repeats):
        order = list(value_classes.items())
        for name, value_class in order if repeat % 2 == 0 else order[::-1]:  # each goes first in turn
            gc.collect()
            if not collector:
                gc.disable()
            start = time.process_time()
            nodes, out = build(value_class)
            built = time.process_time()
            out.backward()
            done = time.process_time()
            gc.enable()
            best[name]["build"] = min(best[name]["build"], built - start)
            best[name]["backward"] = min(best[name]["backward"], done - built)
            results_of[name] = (out.data, nodes[0].grad)
            del nodes, out
    (first, (data, grad)), *others = results_of.items()
    for name, (other_data, other_grad) in others:
        assert data == other_data and math.isclose(grad, other_grad, rel_tol=1e-9), (
            f"the engines disagree: {first} gives output {data!r} and gradient {grad!r}, "
            f"{name} {other_data!r} and {other_grad!r}")
    results = {}
    for name, value_class in value_classes.items():
        peak = float("nan")
        if memory:
            gc.collect()
            tracemalloc.start()
            nodes, out = build(value_class)
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
    parser.add_argument("--nodes", type=int, default=200_000,
                        help="graph size; gradients grow with depth (about 1e267 at 200,000) and overflow "
                             "a float beyond about 250,000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--heap", type=int, default=250_000,
                        help="objects the garbage collector tracks during the measurement, in all "
                             "(default: about a notebook's with torch imported)")
    parser.add_argument("--import", dest="modules", default="",
                        help="modules to import first, comma-separated, to measure with a real session's "
                             "objects (e.g. numpy,matplotlib.pyplot,ipywidgets,torch with --heap 0)")
    parser.add_argument("--chain", type=int, default=1_000_000, help="longest chain (0 to skip)")
    parser.add_argument("--without-gc", action="store_true",
                        help="also time both engines with the garbage collector disabled (to see its share)")
    args = parser.parse_args()

    for module in filter(None, args.modules.split(",")):
        importlib.import_module(module)
    plan = make_plan(args.nodes)
    build, count = compile_plan(plan), len(plan)
    del plan
    heap = notebook_heap(args.heap)  # noqa: F841 (kept alive during the measurement)
    print(f"random graph: {count:,} nodes of + * ** relu, best of {args.repeats}, gc enabled with "
          f"{len(gc.get_objects()):,} objects tracked in all, CPU time of this process")
    engines = {"valuegraph": Value}
    if MicrogradValue is None:
        print("micrograd is not installed (pip install micrograd==0.1.0): no ratios")
    else:
        engines["micrograd 0.1.0"] = MicrogradValue
    rows = measure(engines, build, count, args.repeats)
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
        for name, r in measure(engines, build, count, args.repeats, collector=False, memory=False).items():
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
