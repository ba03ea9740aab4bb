"""``autograd.compile`` against PyTorch, the scalar engine and micrograd, in one run.

    python benchmarks/compiled.py [--steps 200] [--repeats 5] [--quick] [--json FILE]

1. **micrograd's demo step**: ``MLP(2, [16, 16, 1])``, 100 moons points, mean hinge loss +
   1e-4·Σw², SGD (``lr = 1 - 0.9k/100``), full batch; every engine starts from micrograd's weights
   (``random.seed(1337)``); the 100-step schedule restarts every 100 steps. One step is forward, backward, zeroing the gradients and the update,
   written as the demo notebook writes it (``p.data -= lr * p.grad``) for valuegraph and
   micrograd, and as ``torch.optim.SGD`` for PyTorch (float64 tensors, one batched graph), timed
   with PyTorch's default threads and with ``torch.set_num_threads(1)``; the faster is the one
   compared. The compiled step is likewise timed with numpy's default BLAS threads and with one
   (``threadpoolctl``): on a shared 2-core machine a second BLAS or torch thread mostly waits,
   and the faster of each is compared. The engines take turns within each repeat, so they share the machine's noise; the
   figure is the median over a repeat's steps, and the table shows the median of the repeats
   and their range. The losses of the compiled and scalar runs are compared step by step.
2. **trace + build**: the first call of a compiled step (trace on Values, group, build the
   index arrays, first replay), and after how many steps it has paid for itself against the
   scalar engine.
3. **scaling**: 100 / 1,000 / 10,000 samples × hidden width 16 / 64, compiled vs PyTorch.
4. **the 200×200 decision-boundary grid** for ``MLP(2, [16, 16, 1])``: ``nn.predict_grid``
   (compiled inference in chunks of one traced batch), without and with the first trace.

``--json FILE`` writes ``{"w1": {"compiled_s", "torch_s", "scalar_s", "micrograd_s"},
"loss_rel_err"}`` (seconds per demo step; ``torch_s`` is the faster PyTorch). ``--quick``
leaves out the 10,000-sample rows of the scaling table (their trace takes about a minute).
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import sys
import time
from contextlib import contextmanager

sys.setrecursionlimit(max(sys.getrecursionlimit(), 100_000))  # micrograd's topological sort recurses

import autograd  # noqa: E402
import nn  # noqa: E402

try:
    import torch  # noqa: E402
except ImportError:  # pragma: no cover - reported in main()
    torch = None
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


def objective(model, params, X, y):  # noqa: N803
    """The demo's loss: mean hinge + α·Σw², on valuegraph Values."""
    return nn.hinge(model(X), y) + ALPHA * nn.l2_penalty(params)


class ScalarTrainer:
    """valuegraph's scalar graph, one step as the demo writes it."""

    def __init__(self, model, X, y):  # noqa: N803
        self.model, self.params, self.X, self.y, self.k = model, model.parameters(), X, y, 0

    def loss(self):
        return objective(self.model, self.params, self.X, self.y)

    def step(self) -> float:
        loss = self.loss()
        for p in self.params:
            p.grad = 0.0
        loss.backward()
        lr = lr_at(self.k)
        for p in self.params:
            p.data -= lr * p.grad
        self.k += 1
        return loss.data


class CompiledTrainer(ScalarTrainer):
    """The same step, the loss computed by ``autograd.compile`` (X and y are its arguments)."""

    def __init__(self, model, X, y, threads: int | None = None):  # noqa: N803
        super().__init__(model, X, y)
        self.threads = threads  # numpy's BLAS threads (None: its default)
        self.compiled = autograd.compile(lambda X, y: objective(model, self.params, X, y))  # noqa: N803

    def loss(self):
        return self.compiled(self.X, self.y)


class MicrogradTrainer:
    """The demo notebook's loop, verbatim apart from timing."""

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

    def __init__(self, model, X, y, threads: int | None):  # noqa: N803
        self.threads = threads
        self.X = torch.tensor(X, dtype=torch.float64)
        self.y = torch.tensor(y, dtype=torch.float64)
        self.layers = []
        for layer in model.layers:
            weight = torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64,
                                  requires_grad=True)
            bias = torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64, requires_grad=True)
            self.layers.append((weight, bias, layer.activation == "relu"))
        self.params = [t for w, b, _ in self.layers for t in (w, b)]
        self.optimizer = torch.optim.SGD(self.params, lr=1.0)
        self.k = 0

    def step(self) -> float:
        h = self.X
        for weight, bias, relu in self.layers:
            h = torch.addmm(bias, h, weight.T)
            if relu:
                h = torch.relu(h)
        data_loss = torch.relu(1 - self.y * h[:, 0]).mean()
        loss = data_loss + ALPHA * sum((p * p).sum() for p in self.params)
        self.optimizer.zero_grad()
        loss.backward()
        for group in self.optimizer.param_groups:
            group["lr"] = lr_at(self.k)
        self.optimizer.step()
        self.k += 1
        return loss.item()

    def __enter__(self):
        self.saved = torch.get_num_threads()
        if self.threads:
            torch.set_num_threads(self.threads)
        return self

    def __exit__(self, *exc):
        torch.set_num_threads(self.saved)


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


def summary(samples: list[float]) -> dict:
    return {"median": statistics.median(samples), "min": min(samples), "max": max(samples)}


def fmt_ms(s: dict) -> str:
    return f"{1e3 * s['median']:8.3f} ms  [{1e3 * s['min']:.3f}–{1e3 * s['max']:.3f}]"


def demo(steps: int, repeats: int) -> dict:
    X, y = moons(100)  # noqa: N806
    trainers = {}
    theirs, ours = demo_models()
    trainers["micrograd"] = MicrogradTrainer(theirs, X, y)
    trainers["scalar"] = ScalarTrainer(demo_models()[1], X, y)
    compiled = CompiledTrainer(demo_models()[1], X, y)
    started = time.perf_counter()
    compiled.step()  # the trace
    first_call = time.perf_counter() - started
    trainers["compiled (default BLAS)"] = compiled
    trainers["compiled (1 BLAS thread)"] = single = CompiledTrainer(demo_models()[1], X, y, threads=1)
    single.step()
    trainers["torch (default threads)"] = TorchTrainer(ours, X, y, None)
    trainers["torch (1 thread)"] = TorchTrainer(ours, X, y, 1)
    slow = {"micrograd": max(3, steps // 40), "scalar": max(5, steps // 20)}
    for trainer in trainers.values():  # warm up
        for _ in range(2):
            trainer.step()
    times = {name: [] for name in trainers}
    for _ in range(repeats):
        for name, trainer in trainers.items():
            gc.collect()
            times[name].append(time_steps(trainer, slow.get(name, steps)))
    result = {name: summary(samples) for name, samples in times.items()}

    # the compiled and the scalar engine's losses, step by step from the same weights
    scalar, compiled_check = ScalarTrainer(demo_models()[1], X, y), CompiledTrainer(demo_models()[1], X, y)
    worst = 0.0
    for _ in range(min(steps, 100)):
        a, b = scalar.step(), compiled_check.step()
        worst = max(worst, abs(a - b) / abs(a))
    return {"times": result, "loss_rel_err": worst, "first_call_s": first_call}


def scaling(sizes: list[int], widths: list[int], steps: int, repeats: int) -> list[dict]:
    rows = []
    for width in widths:
        for n in sizes:
            X, y = moons(n)  # noqa: N806
            model = nn.MLP(2, [width, width, 1], seed=0)
            compiled = CompiledTrainer(model, X, y)
            started = time.perf_counter()
            compiled.step()
            build = time.perf_counter() - started
            single = CompiledTrainer(model, X, y, threads=1)
            single.compiled = compiled.compiled  # the same program, timed with one BLAS thread
            trainers = {"compiled": compiled, "compiled (1 BLAS thread)": single,
                        "torch (default threads)": TorchTrainer(model, X, y, None),
                        "torch (1 thread)": TorchTrainer(model, X, y, 1)}
            count = max(5, steps * 100 // n)
            times = {name: [] for name in trainers}
            for trainer in trainers.values():
                trainer.step()
            for _ in range(repeats):
                for name, trainer in trainers.items():
                    times[name].append(time_steps(trainer, count))
            medians = {name: statistics.median(t) for name, t in times.items()}
            torch_best = min(medians["torch (default threads)"], medians["torch (1 thread)"])
            compiled_best = min(medians["compiled"], medians["compiled (1 BLAS thread)"])
            rows.append({"samples": n, "width": width, "compiled_default_s": medians["compiled"],
                         "compiled_1_s": medians["compiled (1 BLAS thread)"], "compiled_s": compiled_best,
                         "torch_default_s": medians["torch (default threads)"],
                         "torch_1_s": medians["torch (1 thread)"], "torch_s": torch_best,
                         "ratio": compiled_best / torch_best, "trace_build_s": build})
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
    check = nn.predict(model, points[:500])
    worst = max(abs(a - b) / max(abs(a), 1e-12) for a, b in zip(check, first[:500, 0].tolist()))
    return {"first_s": cold, "warm": summary(warm), "rel_err_first_500": worst}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="compiled / torch steps per repeat (default 200)")
    parser.add_argument("--repeats", type=int, default=5, help="repeats (default 5)")
    parser.add_argument("--quick", action="store_true", help="leave out the 10,000-sample scaling rows")
    parser.add_argument("--json", metavar="FILE", help="also write the demo figures as JSON")
    args = parser.parse_args(argv)
    if torch is None or MicrogradMLP is None or threadpool_limits is None:
        sys.exit("needs torch, micrograd and threadpoolctl: pip install torch==2.13.0 micrograd==0.1.0 threadpoolctl")
    print(f"torch {torch.__version__} (default threads: {torch.get_num_threads()}), float64")

    d = demo(args.steps, args.repeats)
    t = d["times"]
    torch_s = min(t["torch (default threads)"]["median"], t["torch (1 thread)"]["median"])
    compiled_s = min(t["compiled (default BLAS)"]["median"], t["compiled (1 BLAS thread)"]["median"])
    print("\n1. micrograd's demo step: MLP(2, [16, 16, 1]), 100 moons points, hinge + 1e-4·L2, SGD "
          f"(median of {args.repeats} repeats [range])")
    for name, s in t.items():
        print(f"  {name:<26} {fmt_ms(s)}   {s['median'] / torch_s:7.2f}x the faster torch")
    print(f"  loss, compiled vs scalar engine: largest relative difference over 100 steps {d['loss_rel_err']:.1e}")
    build = d["first_call_s"]
    saved = t["scalar"]["median"] - compiled_s
    print(f"\n2. trace + build + first step: {1e3 * build:.1f} ms; paid for itself after "
          f"{build / saved:.1f} steps (each step saves {1e3 * saved:.1f} ms against the scalar engine)")

    sizes = [100, 1000] if args.quick else [100, 1000, 10000]
    print("\n3. scaling: MLP(2, [w, w, 1]), full batch, time per step (compiled vs the faster torch)")
    print(f"  {'samples':>8} {'width':>6} {'compiled 1 thr':>15} {'compiled dflt':>14} {'torch 1 thr':>12} "
          f"{'torch dflt':>12} {'ratio':>7} {'trace+build':>12}")
    for row in scaling(sizes, [16, 64], max(20, args.steps // 4), args.repeats):
        print(f"  {row['samples']:>8} {row['width']:>6} {1e3 * row['compiled_1_s']:>12.3f} ms "
              f"{1e3 * row['compiled_default_s']:>11.3f} ms {1e3 * row['torch_1_s']:>9.3f} ms "
              f"{1e3 * row['torch_default_s']:>9.3f} ms {row['ratio']:>6.2f}x {row['trace_build_s']:>10.2f} s")
    print("  (ratio: the faster compiled over the faster torch; median of the repeats)")

    g = grid(args.repeats)
    print(f"\n4. 200×200 decision-boundary grid, MLP(2, [16, 16, 1]), nn.predict_grid: {fmt_ms(g['warm'])}; "
          f"first call (with the trace) {1e3 * g['first_s']:.1f} ms; largest relative difference from "
          f"nn.predict on 500 points {g['rel_err_first_500']:.1e}")

    if args.json:
        record = {"w1": {"compiled_s": compiled_s, "torch_s": torch_s,
                         "scalar_s": t["scalar"]["median"], "micrograd_s": t["micrograd"]["median"]},
                  "loss_rel_err": d["loss_rel_err"]}
        with open(args.json, "w", encoding="utf-8") as file:
            json.dump(record, file, indent=2)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
