"""How long drawing takes: a 2,000-value graph to SVG with each backend, and the step-through
of a 100-value graph (frames, then the HTML page with each backend).

    python benchmarks/viz.py            # the figures of docs/performance.md
    python benchmarks/viz.py --repeat 1 # quicker

Each figure is the best of ``--repeat`` runs (wall clock). Backends that are not available
(no system ``dot``) are reported as skipped.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograd import Value, topological_order  # noqa: E402
from viz import draw, export_html, render_source, steps  # noqa: E402


def graph_of_size(values: int) -> Value:
    """A graph of ``values`` values (±1): tanh neurons w·x + b over 8 inputs, summed, then
    padded with ``× 1`` ops up to the size."""
    xs = [Value(0.1 * (i + 1), f"x{i}") for i in range(8)]
    neurons = max(1, round((values - 7) / 27))  # 8 inputs + 27 values per neuron (with its + to the total)
    result = None
    for k in range(neurons):
        total = Value(0.05)
        for i, x in enumerate(xs):
            total = total + Value(((k * 7 + i * 3) % 11 - 5) / 10) * x
        result = total.tanh() if result is None else result + total.tanh()
    while len(topological_order(result)) < values - 1:
        result = result * 1.0
    return result


def best_of(repeat: int, function) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    backends = ["dot", "wasm"] if shutil.which("dot") else ["wasm"]
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"backends: {', '.join(backends)}")
    render_source("digraph { a -> b }", "svg", "wasm")  # compile the WebAssembly module once, outside timings

    big = graph_of_size(2000)
    big.backward()
    n_big = len(topological_order(big))
    source = draw(big, max_nodes=None).source
    print(f"\nGraph of {n_big} values ({source.count(' -> ')} edges)")
    print(f"  draw (DOT text, mode both):       {best_of(args.repeat, lambda: draw(big, max_nodes=None)):8.3f} s")
    for backend in backends:
        seconds = best_of(args.repeat, lambda: render_source(source, "svg", backend))
        size = len(render_source(source, "svg", backend))
        print(f"  render to SVG, {backend:4}:              {seconds:8.3f} s   ({size / 1e6:.1f} MB)")

    small = graph_of_size(100)
    n_small = len(topological_order(small))
    frames = list(steps(small))
    print(f"\nStep-through of a {n_small}-value graph ({len(frames)} frames)")
    print(f"  steps (all frames' DOT text):     {best_of(args.repeat, lambda: list(steps(small))):8.3f} s")
    with tempfile.TemporaryDirectory() as folder:
        for backend in backends:
            page = Path(folder) / f"{backend}.html"
            seconds = best_of(args.repeat, lambda: export_html(small, page, backend=backend))
            print(f"  export_html, {backend:4}:                {seconds:8.3f} s   "
                  f"({page.stat().st_size / 1e6:.1f} MB page)")


if __name__ == "__main__":
    main()
