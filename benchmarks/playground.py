"""Playground benchmark: is it smooth? Epochs per second and redraws per second, alone and as a
student sees them in the browser.

    python benchmarks/playground.py [--epochs 20] [--repeats 5] [--browser-seconds 5] [--no-browser]

The workload is the issue's: a 6 × 8 tanh network (six hidden layers of eight) on TensorFlow
Playground's circle, 500 points, half for training, batch size 10, SGD at lr 0.03. Measured in
one run:

* ``Playground.step()`` alone: epochs per second (one ``nn.fit`` epoch on the 250 training
  points plus the test loss on the other 250); its peer is the same epoch trained by a bare
  ``nn.fit(model, ..., epochs=1)`` loop, so the ratio is the playground's own overhead;
* a full redraw: ``picture_html(snapshot(pg))``, everything the widget shows (every neuron's output over
  the grid, the mean |gradient| of every neuron on the training set, dead ReLUs, the SVG), split
  into reading the network (snapshot) and drawing (render); and what the widget sends while it
  plays instead, the numbers that changed (``frame``, on the playing grid), with its size;
* the widget playing in this process, as in the browser but with nothing to show it: epochs per
  second, redraws per second and the CPU time one epoch costs, redraws included;
* in the browser (unless ``--no-browser``, or without Chromium or Voilà): a notebook showing the
  widget is served by Voilà on 127.0.0.1 and opened in headless Chromium; ▶ is clicked and, in
  windows of ``--browser-seconds``, the epochs per second read off the counter on the page and the
  updates per second of the picture (the page counts them), and the CPU each process used: the
  kernel's CPU time per epoch is what an epoch costs whatever else the machine runs.

Each figure is the median of its measurements, with the spread (min to max). Targets (issue 18):
at least 60 epochs/s while the widget redraws, and the picture and counter updating at least 10
times a second in the browser.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import json  # noqa: E402

import nn  # noqa: E402
from viz import Playground  # noqa: E402
from viz.playground_view import PLAYING_RESOLUTION, frame, picture_html, snapshot  # noqa: E402

SETTINGS = {"dataset": "circle", "n": 500, "train_ratio": 0.5, "batch_size": 10, "hidden": [8] * 6,
            "activation": "tanh", "lr": 0.03, "seed": 0}


def timed(function) -> float:
    """Seconds of one call of ``function``."""
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def spread(times: list[float], scale: float = 1.0, unit: str = "ms") -> str:
    return (f"{statistics.median(times) * scale:.1f} {unit} (min {min(times) * scale:.1f}, "
            f"max {max(times) * scale:.1f})")


def in_process(args: argparse.Namespace) -> None:
    pg = Playground(**SETTINGS)
    bare = Playground(**SETTINGS)  # only for its data and a model built the same way
    model, optimizer = bare.model, bare.optimizer
    pg.step()
    picture_html(snapshot(pg))  # the first redraw of a network traces its programs

    def bare_epochs() -> None:
        for _ in range(args.epochs):
            nn.fit(model, bare.inputs_train, bare.y_train, optimizer=optimizer, epochs=1, batch_size=10,
                   validation_data=(bare.inputs_test, bare.y_test), progress=False)

    bare_epochs()
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
        html = picture_html(picture, interactive=True)
        ended = time.perf_counter()
        snapshots.append(middle - started)
        renders.append(ended - middle)
        redraws.append(ended - started)
    print(f"full redraw    : {spread(redraws, 1000)} = snapshot {spread(snapshots, 1000)} + render "
          f"{spread(renders, 1000)}; {len(html) // 1024} KiB of HTML")
    frames, sizes = [], []
    for _ in range(args.repeats):
        frames.append(timed(lambda: sizes.append(len(json.dumps(frame(snapshot(pg, resolution=PLAYING_RESOLUTION)))))))
    playing_html = len(picture_html(snapshot(pg, resolution=PLAYING_RESOLUTION), interactive=True, points=""))
    print(f"while playing  : {spread(frames, 1000)} a redraw (snapshot on the {PLAYING_RESOLUTION}-point grid + frame), "
          f"{sizes[-1] // 1024} KiB sent, not the {playing_html // 1024} KiB of the whole picture")
    playing(pg, args)


def playing(pg: Playground, args: argparse.Namespace) -> None:
    """The widget playing in this process: training and redrawing as in the browser, nothing shown."""
    widget = pg.widget()
    rates, redraw_rates, costs = [], [], []
    redraws = [0]
    real_redraw = widget.redraw

    def counted() -> float:
        redraws[0] += 1
        return real_redraw()

    widget.redraw = counted
    for _ in range(args.repeats):
        first, started, cpu, redraws[0] = pg.epoch, time.perf_counter(), time.process_time(), 0
        widget.play_button.value = True
        time.sleep(args.browser_seconds)
        widget.pause()
        seconds, epochs = time.perf_counter() - started, pg.epoch - first
        rates.append(epochs / seconds)
        redraw_rates.append(redraws[0] / seconds)
        costs.append((time.process_time() - cpu) / epochs)
    widget.close()
    print(f"playing here   : {statistics.median(rates):.1f} epochs/s (min {min(rates):.1f}, max {max(rates):.1f}) with "
          f"{statistics.median(redraw_rates):.1f} redraws/s; an epoch costs {spread(costs, 1000)} of CPU, redraws "
          f"included: {1 / statistics.median(costs):.0f} epochs/s on a core of its own")


def cpu_seconds(roots: list[int]) -> dict[str, float]:
    """CPU seconds used so far by the processes under ``roots`` (themselves and their descendants),
    by kind: the kernel, the Jupyter server, Chromium (Linux /proc)."""
    parent, used_by, commands = {}, {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            commands[int(stat.parent.name)] = Path(stat.parent, "cmdline").read_bytes().decode("utf-8", "replace")
        except OSError:
            continue
        pid = int(stat.parent.name)
        parent[pid] = int(fields[1])
        used_by[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    used: dict[str, float] = {}
    for pid in used_by:
        ancestor = pid
        while ancestor not in roots and ancestor > 1:
            ancestor = parent.get(ancestor, 1)
        if ancestor in roots:
            command = commands[pid]
            kind = "kernel" if "ipykernel" in command else "chromium" if "chrom" in command else "server"
            used[kind] = used.get(kind, 0.0) + used_by[pid]
    return used


def in_browser(args: argparse.Namespace) -> bool:
    """The widget served by Voilà and played in headless Chromium; False when either is missing."""
    try:
        from tests.viz.test_html import CHROMIUM, Browser
        from tests.viz.test_playground_browser import (click, epoch, free_port, notebook_with, open_page, serve,
                                                        stop, wait_until)
    except Exception as error:  # pytest's importorskip: voila missing
        print(f"in the browser : not measured ({error})")
        return False
    if CHROMIUM is None:
        print("in the browser : not measured (no Chromium)")
        return False
    folder = Path(tempfile.mkdtemp(prefix="playground-benchmark-"))
    settings = ", ".join(f"{k}={v!r}" for k, v in SETTINGS.items())
    path = notebook_with(folder, f"from viz import Playground\npg = Playground({settings})\npg")
    server = serve(path, free_port_number := free_port())
    browser = Browser(folder / "profile")
    try:
        open_page(browser, f"http://127.0.0.1:{free_port_number}/", 1280, 800)
        wait_until(browser, server, "!!document.querySelector('.pg-live .pg-neuron')", "the widget showing")
        click(browser, ".pg-play")

        def now() -> tuple[float, int, int]:
            return (time.monotonic(), epoch(browser),
                    int(browser.js("+document.querySelector('.pg-view').getAttribute('data-updates')")))

        start = now()
        while now()[1] < 5:  # the first epochs trace the programs
            assert time.monotonic() - start[0] < 60, "play did not start"
            time.sleep(0.2)
        epoch_rates, update_rates, shares = [], [], []
        for _ in range(args.repeats):
            roots = [server.pid, browser._process.pid]
            first, cpu_first = now(), cpu_seconds(roots)
            time.sleep(args.browser_seconds)
            last, cpu_last = now(), cpu_seconds(roots)
            shares.append({kind: (cpu_last[kind] - cpu_first.get(kind, 0.0)) / (last[0] - first[0]) for kind in cpu_last})
            seconds = last[0] - first[0]
            epoch_rates.append((last[1] - first[1]) / seconds)
            update_rates.append((last[2] - first[2]) / seconds)
        click(browser, ".pg-play")
        share = {kind: statistics.median(s.get(kind, 0.0) for s in shares) for kind in ("kernel", "server", "chromium")}
        print("CPU used while playing, in cores: " + ", ".join(f"{kind} {value:.2f}" for kind, value in share.items())
              + f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
        print(f"                 the kernel spends {share['kernel'] / statistics.median(epoch_rates) * 1000:.1f} ms of CPU "
              f"an epoch, Chromium {share['chromium'] / statistics.median(update_rates) * 1000:.0f} ms an update")
        print(f"in the browser : {statistics.median(epoch_rates):.1f} epochs/s (min {min(epoch_rates):.1f}, max "
              f"{max(epoch_rates):.1f}) while the picture and counter update {statistics.median(update_rates):.1f} "
              f"times/s (min {min(update_rates):.1f}, max {max(update_rates):.1f}); {args.repeats} windows of "
              f"{args.browser_seconds:g} s, Voilà and headless Chromium at 1,280 x 800")
        met = statistics.median(epoch_rates) >= 60 and statistics.median(update_rates) >= 10
        print(f"targets (>= 60 epochs/s while redrawing, >= 10 updates/s): {'met' if met else 'NOT met'}")
    finally:
        browser.close()
        stop(server)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=20, help="epochs per measurement of training speed")
    parser.add_argument("--repeats", type=int, default=5, help="measurements of each figure")
    parser.add_argument("--browser-seconds", type=float, default=5.0, help="length of one window in the browser")
    parser.add_argument("--no-browser", action="store_true", help="skip the measurement in Voilà and Chromium")
    args = parser.parse_args(argv)
    in_process(args)
    if not args.no_browser:
        in_browser(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
