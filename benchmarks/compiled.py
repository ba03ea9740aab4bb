"""``autograd.compile`` against PyTorch, jax.jit, the scalar engine and micrograd, in one run.

    python benchmarks/compiled.py [--steps 200] [--repeats 5] [--quick] [--json FILE]

1. **micrograd's demo step**: ``MLP(2, [16, 16, 1])``, 100 moons points, mean hinge loss +
   1e-4·Σw², SGD (``lr = 1 - 0.9k/100``, the schedule restarting every 100 steps), full batch;
   every engine starts from micrograd's weights (``random.seed(1337)``). One step is forward,
   backward, zeroing the gradients and the update:

   * valuegraph compiled: the loop exactly as ``docs/compile.md`` writes it (``loss = step(X, y)``,
     ``model.zero_grad()``, ``loss.backward()``, ``optimizer.step()`` with an ``nn.SGD``);
   * the scalar graph and micrograd as the demo notebook writes them;
   * PyTorch 2.13, float64 tensors, one batched graph, ``torch.optim.SGD``, with its default
     threads and with one (the faster is compared);
   * ``jax.jit`` of the whole step (loss, ``value_and_grad``, the update) on the CPU in float64,
     where jax is installed (``pip install jax``; never needed by the tests), one thread.

   numpy is timed with its default BLAS threads and with one (``threadpoolctl``); on a shared
   2-core machine a second thread mostly waits, and the faster is compared. The engines take
   turns within each repeat, each going first in every other repeat, so they share the
   machine's noise; a repeat's figure is the median of its steps, and the tables show the median
   of the repeats and their range. The compiled and scalar losses are compared step by step.
2. **trace + build**: the first call of the compiled step (trace, build, first replay).
3. **scaling**: MLP(2, [w, w, 1]) at 100 × 16, 1,000 × 16, 100 × 64, 1,000 × 64 and 10,000 × 64
   (samples × width): compiled, PyTorch and jax.jit, each ratio, and the trace + build time.
4. **the 200×200 decision-boundary grid** for ``MLP(2, [16, 16, 1])``: ``nn.predict_grid``.
5. **what bounds the compiled step**: the numpy calls one step makes, and what a call costs.

``--json FILE`` writes ``{"w1": {"compiled_s", "torch_s", "scalar_s", "micrograd_s", "jax_s"},
"loss_rel_err", "scaling": [{"samples", "width", "compiled_s", "torch_s", "jax_s", "trace_s"}]}``
(seconds per step; ``torch_s`` is the faster PyTorch; ``jax_s`` is ``null`` without jax).
``--quick`` leaves out the 10,000-sample row.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import os
import pstats
import random
import statistics
import sys
import time
from contextlib import contextmanager

# jax reads its thread settings when it is imported: one thread, as the other engines' fastest
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))  # micrograd's topological sort recurses

import numpy as np  # noqa: E402

import autograd  # noqa: E402
import nn  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:  # pragma: no cover - reported in main()
    torch = None
try:
    import jax  # noqa: E402
    import jax.numpy as jnp  # noqa: E402

    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover - jax is optional
    jax = None
try:
    from threadpoolctl import threadpool_limits  # noqa: E402
except ImportError:  # pragma: no cover - reported in main()
    threadpool_limits = None
try:
    from micrograd.engine import Value as MicrogradValue  # noqa: E402
    from micrograd.nn import MLP as MicrogradMLP  # noqa: E402
except ImportError:  # pragma: no cover - reported in main()
    MicrogradValue = MicrogradMLP = None

ALPHA = 1e-4
SCALING = [(100, 16), (1000, 16), (100, 64), (1000, 64), (10000, 64)]


def lr_at(k: int) -> float:
    """The demo's learning rate at step k, its 100-step schedule repeated (timing runs longer)."""
    return 1.0 - 0.9 * (k % 100) / 100


# -- the workloads ------------------------------------------------------------------------------

def moons(n: int) -> tuple[list, list]:
    X, y = nn.datasets.moons(n=n, noise=0.1, seed=1337)  # noqa: N806
    return X, [2 * t - 1 for t in y]


def demo_models() -> tuple:
    """micrograd's demo model and a valuegraph MLP holding the same weights."""
    random.seed(1337)
    theirs = MicrogradMLP(2, [16, 16, 1])
    ours = nn.MLP(2, [16, 16, 1], seed=0)
    nn.vector_to_parameters([p.data for p in theirs.parameters()], ours.parameters())
    return theirs, ours


def layer_arrays(model) -> list:
    """Each layer's weights (neurons × inputs), biases and whether a ReLU follows, as lists."""
    return [([[w.data for w in n.w] for n in layer.neurons], [n.b.data for n in layer.neurons],
             layer.activation == "relu") for layer in model.layers]


class CompiledTrainer:
    """valuegraph compiled: the loop as docs/compile.md writes it."""

    name = "compiled"

    def __init__(self, model, X, y, threads: int | None = None):  # noqa: N803
        self.model, self.threads, self.k = model, threads, 0
        self.X, self.y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
        self.optimizer = nn.SGD(model.parameters(), lr=1.0)
        self.compiled = autograd.compile(
            lambda X, y: nn.hinge(model(X), y) + ALPHA * nn.l2_penalty(model.parameters()))  # noqa: N803

    def step(self) -> float:
        self.optimizer.lr = lr_at(self.k)
        loss = self.compiled(self.X, self.y)
        self.model.zero_grad()
        loss.backward()
        self.optimizer.step()
        self.k += 1
        return loss.data


class ScalarTrainer:
    """valuegraph's scalar graph, one step as the demo notebook writes it."""

    name = "scalar"

    def __init__(self, model, X, y):  # noqa: N803
        self.model, self.params, self.X, self.y, self.k = model, model.parameters(), X, y, 0

    def step(self) -> float:
        loss = nn.hinge(self.model(self.X), self.y) + ALPHA * nn.l2_penalty(self.params)
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        lr = lr_at(self.k)
        for p in self.params:
            p.data -= lr * p.grad
        self.k += 1
        return loss.data


class MicrogradTrainer:
    """The demo notebook's loop, verbatim apart from timing."""

    name = "micrograd"

    def __init__(self, model, X, y):  # noqa: N803
        self.model, self.X, self.y, self.k = model, X, y, 0

    def step(self) -> float:
        Value = MicrogradValue  # noqa: N806
        inputs = [list(map(Value, xrow)) for xrow in self.X]
        scores = list(map(self.model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(self.y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum((p * p for p in self.model.parameters()))
        total_loss = data_loss + reg_loss
        self.model.zero_grad()
        total_loss.backward()
        for p in self.model.parameters():
            p.data -= lr_at(self.k) * p.grad
        self.k += 1
        return total_loss.data


class TorchTrainer:
    """The same network as float64 tensors, one batched graph per step, ``torch.optim.SGD``."""

    name = "torch"

    def __init__(self, model, X, y, threads: int | None):  # noqa: N803
        self.threads = threads
        self.X = torch.tensor(X, dtype=torch.float64)
        self.y = torch.tensor(y, dtype=torch.float64)
        self.layers = [(torch.tensor(w, dtype=torch.float64, requires_grad=True),
                        torch.tensor(b, dtype=torch.float64, requires_grad=True), relu)
                       for w, b, relu in layer_arrays(model)]
        self.params = [t for w, b, _ in self.layers for t in (w, b)]
        self.optimizer = torch.optim.SGD(self.params, lr=1.0)
        self.k = 0

    def step(self) -> float:
        h = self.X
        for weight, bias, relu in self.layers:
            h = torch.addmm(bias, h, weight.T)
            if relu:
                h = torch.relu(h)
        loss = torch.relu(1 - self.y * h[:, 0]).mean() + ALPHA * sum((p * p).sum() for p in self.params)
        self.optimizer.zero_grad()
        loss.backward()
        for group in self.optimizer.param_groups:
            group["lr"] = lr_at(self.k)
        self.optimizer.step()
        self.k += 1
        return loss.item()


class JaxTrainer:
    """``jax.jit`` of the whole step: the loss, its gradient and the SGD update, float64."""

    name = "jax.jit"

    def __init__(self, model, X, y):  # noqa: N803
        self.X, self.y = jnp.asarray(X, dtype=jnp.float64), jnp.asarray(y, dtype=jnp.float64)
        self.params = [(jnp.asarray(w), jnp.asarray(b)) for w, b, _ in layer_arrays(model)]
        relus = [relu for _, _, relu in layer_arrays(model)]

        def loss_fn(params, X, y):  # noqa: N803
            h = X
            for (weight, bias), relu in zip(params, relus):
                h = h @ weight.T + bias
                if relu:
                    h = jnp.maximum(h, 0.0)
            data = jnp.mean(jnp.maximum(1.0 - y * h[:, 0], 0.0))
            return data + ALPHA * sum(jnp.sum(w * w) + jnp.sum(b * b) for w, b in params)

        def step(params, X, y, lr):  # noqa: N803
            loss, grads = jax.value_and_grad(loss_fn)(params, X, y)
            return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads), loss

        self._step = jax.jit(step)
        self.k = 0

    def step(self) -> float:
        self.params, loss = self._step(self.params, self.X, self.y, lr_at(self.k))
        jax.block_until_ready(self.params)
        self.k += 1
        return float(loss)


# -- timing -------------------------------------------------------------------------------------

@contextmanager
def thread_limit(trainer):
    """The trainer's thread count for the block: torch's, or numpy's BLAS for compiled steps."""
    threads = getattr(trainer, "threads", None)
    if not threads:
        yield
    elif isinstance(trainer, TorchTrainer):
        saved = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            yield
        finally:
            torch.set_num_threads(saved)
    else:
        with threadpool_limits(limits=threads, user_api="blas"):
            yield


def time_steps(trainer, steps: int) -> float:
    """Median seconds per step over ``steps`` steps (the collector runs, as users run it)."""
    times = []
    with thread_limit(trainer):
        for _ in range(steps):
            start = time.perf_counter()
            trainer.step()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def race(trainers: dict, steps: dict, repeats: int) -> dict:
    """Each trainer's repeats, taking turns (each going first in every other repeat)."""
    for trainer in trainers.values():  # warm up (and trace)
        for _ in range(2):
            trainer.step()
    times = {name: [] for name in trainers}
    names = list(trainers)
    for repeat in range(repeats):
        for name in names if repeat % 2 == 0 else reversed(names):
            gc.collect()
            times[name].append(time_steps(trainers[name], steps[name]))
    return {name: summary(samples) for name, samples in times.items()}


def summary(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def fmt_ms(s: dict | None) -> str:
    if s is None:
        return f"{'(no jax)':>28}"
    return f"{1e3 * s['median']:9.3f} ms [{1e3 * s['min']:.3f}–{1e3 * s['max']:.3f}]"


def best(result: dict, prefix: str) -> float | None:
    medians = [s["median"] for name, s in result.items() if name.startswith(prefix)]
    return min(medians) if medians else None


def traced(model, X, y) -> tuple[CompiledTrainer, float]:  # noqa: N803
    """A compiled trainer and the seconds of its first step (trace + build + first replay)."""
    trainer = CompiledTrainer(model, X, y)
    started = time.perf_counter()
    trainer.step()
    return trainer, time.perf_counter() - started


def contenders(model, X, y, compiled: CompiledTrainer) -> dict:  # noqa: N803
    """The compiled trainer (default BLAS threads and one), PyTorch (default and one) and jax."""
    single = CompiledTrainer(model, X, y, threads=1)
    single.compiled, single.optimizer = compiled.compiled, compiled.optimizer  # the same program
    trainers = {"compiled (default BLAS)": compiled, "compiled (1 BLAS thread)": single,
                "torch (default threads)": TorchTrainer(model, X, y, None), "torch (1 thread)": TorchTrainer(model, X, y, 1)}
    if jax is not None:
        trainers["jax.jit (1 thread)"] = JaxTrainer(model, X, y)
    return trainers


def demo(steps: int, repeats: int) -> dict:
    X, y = moons(100)  # noqa: N806
    theirs, ours = demo_models()
    compiled, first_call = traced(demo_models()[1], X, y)
    trainers = {**contenders(ours, X, y, compiled), "scalar": ScalarTrainer(demo_models()[1], X, y),
                "micrograd": MicrogradTrainer(theirs, X, y)}
    counts = {name: steps for name in trainers}
    counts.update(micrograd=max(3, steps // 40), scalar=max(5, steps // 20))
    result = race(trainers, counts, repeats)

    # the compiled and the scalar engine's losses, step by step from the same weights
    scalar, check = ScalarTrainer(demo_models()[1], X, y), CompiledTrainer(demo_models()[1], X, y)
    worst = max(abs(a - b) / abs(a) for a, b in ((scalar.step(), check.step()) for _ in range(100)))
    return {"times": result, "loss_rel_err": worst, "first_call_s": first_call}


def scaling(sizes: list[tuple[int, int]], steps: int, repeats: int) -> list[dict]:
    rows = []
    for n, width in sizes:
        X, y = moons(n)  # noqa: N806
        model = nn.MLP(2, [width, width, 1], seed=0)
        compiled, trace_s = traced(model, X, y)
        trainers = contenders(model, X, y, compiled)
        result = race(trainers, dict.fromkeys(trainers, max(5, steps * 100 // n)), repeats)
        compiled_s, torch_s, jax_s = best(result, "compiled"), best(result, "torch"), best(result, "jax")
        rows.append({"samples": n, "width": width, "compiled_s": compiled_s, "torch_s": torch_s, "jax_s": jax_s,
                     "trace_s": trace_s, "times": result})
        del compiled, trainers
        gc.collect()
    return rows


def grid(repeats: int) -> dict:
    _, model = demo_models()
    xs = [-2.0 + 4.0 * i / 199 for i in range(200)]
    points = [[x, y] for y in xs for x in xs]
    started = time.perf_counter()
    first = nn.predict_grid(model, points)
    cold = time.perf_counter() - started
    warm = []
    for _ in range(repeats):
        started = time.perf_counter()
        nn.predict_grid(model, points)
        warm.append(time.perf_counter() - started)
    check = nn.predict(model, points[:500], compiled=False)
    worst = max(abs(a - b) / max(abs(a), 1e-12) for a, b in zip(check, first[:500, 0].tolist()))
    return {"first_s": cold, "warm": summary(warm), "rel_err_first_500": worst}


def numpy_calls() -> dict:
    """How many numpy calls one compiled demo step makes, and what one costs."""
    X, y = moons(100)  # noqa: N806
    trainer, _ = traced(demo_models()[1], X, y)
    trainer.step()
    profile = cProfile.Profile()
    profile.runcall(trainer.step)
    calls = 0
    for (filename, _, name), (_, count, *_rest) in pstats.Stats(profile).stats.items():
        if "numpy" in filename or "numpy" in name:
            calls += count
    a, b, out = np.ones((16, 100)), np.ones((16, 100)), np.empty((16, 100))
    start = time.perf_counter()
    for _ in range(20000):
        np.multiply(a, b, out=out)
    per_call = (time.perf_counter() - start) / 20000
    return {"calls": calls, "per_call_s": per_call}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="compiled / torch / jax steps per repeat (default 200)")
    parser.add_argument("--repeats", type=int, default=5, help="repeats (default 5)")
    parser.add_argument("--quick", action="store_true", help="leave out the 10,000-sample scaling row")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if torch is None or MicrogradMLP is None or threadpool_limits is None:
        sys.exit("needs torch, micrograd and threadpoolctl: pip install torch==2.13.0 micrograd==0.1.0 threadpoolctl")
    versions = f"numpy {np.__version__}, torch {torch.__version__} (default threads: {torch.get_num_threads()})"
    versions += f", jax {jax.__version__} (1 thread)" if jax is not None else ", jax not installed (pip install jax)"
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; {versions}; float64 everywhere")

    d = demo(args.steps, args.repeats)
    t = d["times"]
    torch_s, compiled_s, jax_s = best(t, "torch"), best(t, "compiled"), best(t, "jax")
    print("\n1. micrograd's demo step: MLP(2, [16, 16, 1]), 100 moons points, hinge + 1e-4·L2, SGD "
          f"(median of {args.repeats} repeats [range])")
    for name, s in t.items():
        versus_jax = f"   {s['median'] / jax_s:7.2f}x jax.jit" if jax_s else ""
        print(f"  {name:<26} {fmt_ms(s)}   {s['median'] / torch_s:7.2f}x the faster torch{versus_jax}")
    print(f"  loss, compiled vs scalar engine: largest relative difference over 100 steps {d['loss_rel_err']:.1e}")
    print(f"\n2. trace + build + first step of the demo: {1e3 * d['first_call_s']:.1f} ms")

    sizes = [size for size in SCALING if not (args.quick and size[0] >= 10000)]
    print("\n3. scaling: MLP(2, [w, w, 1]), full batch, time per step (each engine's faster thread setting)")
    print(f"  {'samples × width':>16} {'compiled':>11} {'torch':>11} {'jax.jit':>11} {'÷ torch':>8} "
          f"{'÷ jax.jit':>9} {'trace+build':>12}")
    rows = scaling(sizes, max(20, args.steps // 4), args.repeats)
    for row in rows:
        jax_text = f"{1e3 * row['jax_s']:>8.3f} ms" if row["jax_s"] else f"{'–':>11}"
        ratio_jax = f"{row['compiled_s'] / row['jax_s']:>8.2f}x" if row["jax_s"] else f"{'–':>9}"
        print(f"  {row['samples']:>7,} × {row['width']:<6} {1e3 * row['compiled_s']:>8.3f} ms "
              f"{1e3 * row['torch_s']:>8.3f} ms {jax_text} {row['compiled_s'] / row['torch_s']:>7.2f}x {ratio_jax} "
              f"{1e3 * row['trace_s']:>9.1f} ms")

    g = grid(args.repeats)
    print(f"\n4. 200×200 decision-boundary grid, MLP(2, [16, 16, 1]), nn.predict_grid: {fmt_ms(g['warm'])}; "
          f"first call (with the trace) {1e3 * g['first_s']:.1f} ms; largest relative difference from "
          f"the scalar graph on 500 points {g['rel_err_first_500']:.1e}")

    calls = numpy_calls()
    print(f"\n5. one compiled demo step makes {calls['calls']} numpy calls; one small call costs "
          f"{1e6 * calls['per_call_s']:.2f} µs here, so calls alone take about "
          f"{1e3 * calls['calls'] * calls['per_call_s']:.3f} ms of the step")

    if args.json:
        record = {"w1": {"compiled_s": compiled_s, "torch_s": torch_s, "scalar_s": t["scalar"]["median"],
                         "micrograd_s": t["micrograd"]["median"], "jax_s": jax_s},
                  "loss_rel_err": d["loss_rel_err"],
                  "scaling": [{key: row[key] for key in ("samples", "width", "compiled_s", "torch_s", "jax_s", "trace_s")}
                              for row in rows]}
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(record, file, indent=2)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
