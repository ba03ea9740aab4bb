"""The live Playground widget as people use it: a notebook served by Voilà (a Jupyter server
that runs the notebook and shows its widgets) on the loopback interface, driven in headless
Chromium with real mouse clicks through the DevTools protocol (the Browser of test_html)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from .test_html import CHROMIUM, Browser

REPOSITORY = Path(__file__).resolve().parents[2]
START_SECONDS = 60
"""How long Voilà may take to start and show the widget (the kernel imports matplotlib)."""

pytest.importorskip("voila", reason="voila is not installed (pip install -e '.[test]')")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(notebook, port):
    """Voilà serving ``notebook`` on 127.0.0.1:``port``, its kernel importing this repository."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPOSITORY), os.environ.get("PYTHONPATH", "")])}
    return subprocess.Popen(
        [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
         "--Voila.port_retries=0", "--token=", "--Voila.open_browser=False", "--show_tracebacks=True"],
        cwd=notebook.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def stop(server):
    """Stop the Voilà server (and its kernel, in the same process group) and wait for it."""
    try:
        os.killpg(server.pid, 15)
    except ProcessLookupError:
        return ""
    try:
        _, errors = server.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, 9)
        _, errors = server.communicate()
    return errors.decode("utf-8", "replace")


@pytest.fixture
def playground_page(tmp_path):
    """A browser showing a served notebook whose only output is a Playground widget."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from viz import Playground\n"
        "pg = Playground(dataset='xor', hidden=[4], n=200, lr=0.1, seed=3)\n"
        "pg")]
    path = tmp_path / "playground.ipynb"
    nbformat.write(notebook, path)
    port = free_port()
    server = serve(path, port)
    browser = Browser(tmp_path / "profile")
    try:
        target = browser.send("Target.createTarget", {"url": f"http://127.0.0.1:{port}/"})["targetId"]
        browser._session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Runtime.enable")
        deadline = time.monotonic() + START_SECONDS
        while not browser.js("!!document.querySelector('.pg-epoch-counter')"):
            if server.poll() is not None:
                pytest.fail(f"voila exited: {stop(server)[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"the widget did not appear within {START_SECONDS} s: {stop(server)[-2000:]}")
            if browser.js("location.href").startswith("chrome-error"):  # the server was not listening yet
                time.sleep(0.5)
                browser.js("location.reload()")
            time.sleep(0.3)
        yield browser
    finally:
        browser.close()
        stop(server)


def click(browser, selector):
    """A real click on the element, scrolled into the window first (the widget is taller than it)."""
    browser.js(f"document.querySelector('{selector}').scrollIntoView({{block: 'center'}})")
    browser.click(selector)


def epoch(browser):
    return int(browser.js("document.querySelector('.pg-epoch-counter').textContent"))


def shown_loss(browser):
    text = browser.js("(document.querySelector('.pg-train-loss') || {}).textContent")
    return float(text) if text else None


def wait_for(browser, condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.1)


@needs_chromium
def test_play_trains_and_pause_stops_then_activation_and_reset(playground_page):
    browser = playground_page
    assert epoch(browser) == 0
    assert shown_loss(browser) is None  # nothing trained: no loss shown yet
    assert browser.js("document.querySelectorAll('.pg-neuron').length") == 2 + 4 + 1

    click(browser, ".pg-play")
    wait_for(browser, lambda: epoch(browser) >= 3, "play trains: the epoch counter passes 3")
    first_loss = shown_loss(browser)
    wait_for(browser, lambda: epoch(browser) >= 8 and shown_loss(browser) != first_loss, "the loss changes")
    assert shown_loss(browser) < first_loss  # xor with lr 0.1 learns from the first epochs
    click(browser, ".pg-play")  # pause
    wait_for(browser, lambda: "(paused)" in browser.js("document.querySelector('.pg-counter').textContent"),
             "pause is shown")
    paused_at = epoch(browser)
    time.sleep(1.0)
    assert epoch(browser) == paused_at  # paused means paused

    browser.js("(function () { var s = document.querySelector('.pg-activation select'); s.value = 'relu';"
               " s.dispatchEvent(new Event('change', {bubbles: true})); })()")
    wait_for(browser, lambda: epoch(browser) == 0, "a new activation starts again at epoch 0")
    click(browser, ".pg-step")
    wait_for(browser, lambda: epoch(browser) == 1, "step trains one epoch")
    assert browser.js("document.querySelector('.pg-activation select').value") == "relu"
    hover = browser.js("document.querySelector('.pg-neuron[data-layer=\"1\"] title').textContent")
    assert hover == "layer 1, neuron 1"

    click(browser, ".pg-reset")
    wait_for(browser, lambda: epoch(browser) == 0, "reset goes back to epoch 0")
    assert shown_loss(browser) is None
    errors = [e for e in browser.page_errors() if e.get("method") == "Runtime.exceptionThrown"]
    assert errors == []


@needs_chromium
def test_the_graph_of_the_loss_is_one_click_away(playground_page):
    browser = playground_page
    click(browser, ".pg-graph")
    wait_for(browser, lambda: browser.js("!!document.querySelector('.pg-graph-area svg')"), "the graph is drawn")
    svg = browser.js("document.querySelector('.pg-graph-area svg').outerHTML")
    assert "loss" in svg and "grad" in svg  # the loss node, with gradients
    assert "layers.0.neurons.0.w.0" in svg  # weights named as the model names them
    assert "Done: every gradient is in place" in browser.js("document.querySelector('.pg-graph-area').textContent")
