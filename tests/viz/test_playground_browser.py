"""The live Playground widget as people use it: a notebook served by Voilà (a Jupyter server that
runs the notebook and shows its widgets) and by JupyterLab, on the loopback interface, driven in
headless Chromium with real mouse clicks and key presses through the DevTools protocol (the
Browser of test_html). Screenshots go to $PLAYGROUND_SCREENSHOTS when it is set, to be looked at."""

import base64
import json
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
START_SECONDS = 90
"""How long a server may take to start and show the widget (the kernel imports numpy and nn)."""

pytest.importorskip("voila", reason="voila is not installed (pip install -e '.[test]')")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(notebook, port, app="voila"):
    """Voilà (or JupyterLab) serving ``notebook``'s folder on 127.0.0.1:``port``, its kernel importing this
    repository."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPOSITORY), os.environ.get("PYTHONPATH", "")]),
           "JUPYTER_CONFIG_DIR": str(notebook.parent / "config"), "JUPYTERLAB_WORKSPACES_DIR": str(notebook.parent)}
    if app == "voila":
        command = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}",
                   "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--token=", "--Voila.open_browser=False",
                   "--show_tracebacks=True"]
    else:
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
                   "--ServerApp.port_retries=0", "--IdentityProvider.token=", "--ServerApp.password=",
                   "--ServerApp.disable_check_xsrf=True", "--ServerApp.allow_root=True", "--LabApp.news_url=", f"--ServerApp.root_dir={notebook.parent}"]
    return subprocess.Popen(command, cwd=notebook.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def stop(server):
    """Stop the server (and its kernel, in the same process group) and wait for it."""
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


def open_page(browser, url, width, height):
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    browser._session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.send("Runtime.enable")
    browser.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": False})
    browser.send("Page.navigate", {"url": url})


def wait_until(browser, server, expression, what, seconds=START_SECONDS):
    deadline = time.monotonic() + seconds
    while not browser.js(expression):
        if server.poll() is not None:
            pytest.fail(f"the server exited: {stop(server)[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what} did not happen within {seconds} s: {stop(server)[-2000:]}")
        if (browser.js("location.href") or "").startswith("chrome-error"):  # the server was not listening yet
            time.sleep(0.5)
            browser.js("location.reload()")
        time.sleep(0.3)


def notebook_with(tmp_path, *cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(cell) for cell in cells]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "playground.ipynb"
    nbformat.write(notebook, path)
    return path


@pytest.fixture
def voila_page(tmp_path):
    """A browser at 1,280 × 800 showing a notebook served by Voilà whose output is a Playground widget."""
    path = notebook_with(tmp_path, "from viz import Playground\n"
                                   "pg = Playground(dataset='xor', hidden=[4], n=200, lr=0.1, seed=3)\npg")
    port = free_port()
    server = serve(path, port)
    browser = Browser(tmp_path / "profile")
    try:
        open_page(browser, f"http://127.0.0.1:{port}/", 1280, 800)
        wait_until(browser, server, "!!document.querySelector('.pg-epoch-counter') && "
                                    "!!document.querySelector('.pg-live .pg-neuron')", "the widget showing")
        yield browser
    finally:
        browser.close()
        stop(server)


def screenshot(browser, name):
    """Save what the page shows as ``name``.png in $PLAYGROUND_SCREENSHOTS (if set)."""
    folder = os.environ.get("PLAYGROUND_SCREENSHOTS")
    if folder:
        data = browser.send("Page.captureScreenshot", {"format": "png"})["data"]
        Path(folder, f"{name}.png").write_bytes(base64.b64decode(data))


def click(browser, selector):
    """A real click on the element, scrolled into the window first (the widget is taller than it)."""
    browser.js(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
    browser.click(selector)


def click_edge(browser, layer, neuron, source):
    """A real click on a connection, at a point on its curve (a thin line: its middle may be under another)."""
    x, y = browser.js(f"(function () {{ var p = document.querySelector(\".pg-live .pg-edge[data-layer='{layer}']"
                      f"[data-neuron='{neuron}'][data-input='{source}']\"); p.scrollIntoView({{block: 'center'}});"
                      " var at = p.getPointAtLength(p.getTotalLength() * 0.3), m = p.getScreenCTM();"
                      " return [at.x * m.a + at.y * m.c + m.e, at.x * m.b + at.y * m.d + m.f]; })()")
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})


def click_text(browser, selector, text):
    """A real click on the element matching ``selector`` whose text is ``text``."""
    browser.js(f"[].find.call(document.querySelectorAll({json.dumps(selector)}), function (e) {{"
               f" return e.textContent.trim() === {json.dumps(text)}; }}).classList.add('pg-test-target')")
    x, y = browser.js("(function () { var r = document.querySelector('.pg-test-target').getBoundingClientRect();"
                      " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
    browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})  # menus follow the mouse
    time.sleep(0.2)
    browser.click(".pg-test-target")
    browser.js("document.querySelectorAll('.pg-test-target').forEach(function (e) {"
               " e.classList.remove('pg-test-target'); })")


def epoch(browser):
    return int(browser.js("document.querySelector('.pg-epoch-counter').textContent"))


def shown_loss(browser):
    text = browser.js("(document.querySelector('.pg-train-loss') || {}).textContent")
    return float(text) if text else None


def enter(browser, modifiers=0):
    """A real Enter key press, with the character it types (as a keyboard sends it)."""
    for kind in ("keyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", {"type": kind, "key": "Enter", "code": "Enter", "modifiers": modifiers,
                                                "windowsVirtualKeyCode": 13, **({"text": "\r"} if kind == "keyDown" else {})})


def text_of(browser, selector):
    return browser.js(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")


def choose(browser, control, value):
    """Pick ``value`` in a dropdown control as a person does (the select element's change event)."""
    browser.js(f"(function () {{ var s = document.querySelector('.pg-{control} select'); s.value = "
               f"{json.dumps(value)}; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()")


def wait_for(browser, condition, what, seconds=30):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.1)


def active_node_in_view(browser):
    """True when the node the step-through's frame works on lies inside the visible part of its box."""
    return browser.js("(function () { var a = document.querySelector('.pg-steps').getAttribute('data-active');"
                      " var box = document.querySelector('.pg-steps-picture').getBoundingClientRect();"
                      " var node = [].find.call(document.querySelectorAll('.pg-steps g.node'), function (g) {"
                      "   return g.querySelector('title').textContent === a; });"
                      " if (!node) { return false; } var r = node.getBoundingClientRect();"
                      " return r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1"
                      "   && r.bottom <= box.bottom + 1; })()")


def fits(browser):
    """True when nothing of the widget sticks out to the right of its output area."""
    return browser.js("(function () { var w = document.querySelector('.pg-widget');"
                      " var r = w.getBoundingClientRect(), right = r.right;"
                      " w.querySelectorAll('.pg-live svg, .pg-controls').forEach(function (e) {"
                      "   right = Math.max(right, e.getBoundingClientRect().right); });"
                      " return right <= w.parentElement.getBoundingClientRect().right + 1"
                      "   && right <= window.innerWidth; })()")


@needs_chromium
def test_the_widget_in_voila_by_clicks(voila_page):
    browser = voila_page
    assert epoch(browser) == 0 and shown_loss(browser) is None
    assert browser.js("document.querySelectorAll('.pg-live .pg-neuron').length") == 2 + 4 + 1
    assert "dataset=xor" in browser.js("document.querySelector('.pg-settings-text input').value")
    screenshot(browser, "voila-start")

    click(browser, ".pg-play")  # play: the counter and the picture move many times a second
    wait_for(browser, lambda: epoch(browser) >= 3, "play trains: the epoch counter passes 3")
    updates, started = browser.js("+document.querySelector('.pg-view').getAttribute('data-updates')"), time.monotonic()
    first_loss = shown_loss(browser)
    time.sleep(2)
    rate = (browser.js("+document.querySelector('.pg-view').getAttribute('data-updates')") - updates) / (
        time.monotonic() - started)
    assert rate >= 4, f"the picture changed only {rate:.1f} times a second while playing"
    in_picture = lambda: int(text_of(browser, ".pg-live .pg-epoch"))  # noqa: E731  (changed in place while playing)
    seen = in_picture()
    wait_for(browser, lambda: in_picture() > seen, "the picture's epoch moving while playing")
    assert browser.js("document.querySelectorAll('.pg-live .pg-edge').length") == 2 * 4 + 4
    screenshot(browser, "voila-playing")
    choose(browser, "lr", "0.3")  # a training setting: the run goes on
    wait_for(browser, lambda: "training goes on" in text_of(browser, ".pg-message"), "the message about the change")
    at_change = epoch(browser)
    wait_for(browser, lambda: epoch(browser) > at_change + 2, "training goes on after the learning rate")
    assert shown_loss(browser) < first_loss
    click(browser, ".pg-play")  # pause
    wait_for(browser, lambda: "(paused)" in text_of(browser, ".pg-counter"), "pause is shown")
    paused_at = epoch(browser)
    time.sleep(0.6)
    assert epoch(browser) == paused_at > at_change
    screenshot(browser, "voila-trained")

    click(browser, ".pg-live .pg-neuron[data-layer='1'][data-neuron='1'] .pg-frame")  # the graph one click away
    wait_for(browser, lambda: browser.js("!!document.querySelector('.pg-steps svg')"), "the neuron's graph")
    assert "layer 1, neuron 2" in text_of(browser, ".pg-selection")
    assert browser.js("document.querySelector('.pg-live .pg-big-title').textContent") == "layer 1, neuron 2"
    svg = browser.js("document.querySelector('.pg-steps svg').outerHTML")
    assert ">w(x1 →</text>" in svg and ">layer 1, neuron 2)</text>" in svg and "layers.0" not in svg  # in two lines
    click(browser, ".pg-steps-first")
    for _ in range(4):
        click(browser, ".pg-steps-next")
    wait_for(browser, lambda: browser.js("document.querySelector('.pg-steps').getAttribute('data-index')") == "4",
             "stepping")
    assert active_node_in_view(browser), "the active node is in view"
    screenshot(browser, "voila-graph")

    click(browser, ".pg-loss-graph")  # the loss, neuron by neuron, the clicked neuron open
    wait_for(browser, lambda: "w(x1 →" in text_of(browser, ".pg-steps svg") and "layer 1, neuron 1" in text_of(
        browser, ".pg-steps svg") and "w(x1 → layer 1, neuron 1)" not in text_of(browser, ".pg-steps svg")
             and "(5 values)" in text_of(browser, ".pg-steps svg"), "the loss graph by neurons")
    assert browser.js("document.querySelector('.pg-steps svg').getBoundingClientRect().width") <= 1000
    click(browser, ".pg-steps-first")
    for _ in range(14):  # down the picture, to the loss: the box scrolls after the step's node
        click(browser, ".pg-steps-next")
    wait_for(browser, lambda: browser.js("document.querySelector('.pg-steps').getAttribute('data-index')") == "14",
             "stepping through the loss graph")
    assert active_node_in_view(browser), "the active node of the loss graph is in view"
    assert browser.js("document.querySelector('.pg-steps-picture').scrollTop") > 0
    screenshot(browser, "voila-loss-graph")

    click_edge(browser, 1, 0, 0)  # edit a weight
    wait_for(browser, lambda: browser.js("!!document.querySelector('.pg-weight-input')"), "the weight editor")
    browser.js("document.querySelector('.pg-weight-input').value = '-2.5'")
    browser.press("Enter", 13)
    wait_for(browser, lambda: "set to -2.5" in text_of(browser, ".pg-message"), "the weight is set")
    wait_for(browser, lambda: browser.js("document.querySelector(\".pg-live .pg-edge[data-layer='1'][data-neuron='0']"
                                         "[data-input='0']\").getAttribute('data-weight')") == "-2.5", "redrawn")

    click(browser, ".pg-live .pg-neurons-button[data-layer='1'][data-delta='1']")  # + a neuron: a new network
    wait_for(browser, lambda: browser.js("document.querySelectorAll('.pg-live .pg-neuron').length") == 2 + 5 + 1,
             "a fifth neuron")
    assert epoch(browser) == 0 and "epoch 0" in text_of(browser, ".pg-message")
    click(browser, ".pg-live .pg-layers-button[data-delta='1']")
    wait_for(browser, lambda: browser.js("document.querySelectorAll('.pg-live .pg-neuron').length") == 2 + 5 + 2 + 1,
             "a second layer")

    click(browser, ".pg-show-test input")  # show test data
    wait_for(browser, lambda: browser.js("document.querySelectorAll('.pg-live .pg-test-point').length") == 100,
             "the test points")
    click(browser, ".pg-regenerate")
    wait_for(browser, lambda: "seed=4" in browser.js("document.querySelector('.pg-settings-text input').value"),
             "regenerate takes the next seed")

    for name in ("x1", "x2"):  # no feature: the picture is marked and play waits
        browser.js(f"[].find.call(document.querySelectorAll('.pg-feature'), function (b) {{"
                   f" return b.textContent.trim() === '{name}'; }}).classList.add('pg-target')")
        click(browser, ".pg-target")
        browser.js("document.querySelector('.pg-target').classList.remove('pg-target')")
    wait_for(browser, lambda: browser.js("!!document.querySelector('.pg-live .pg-invalid')"), "the picture marked")
    assert browser.js("document.querySelector('.pg-play').disabled") is True
    screenshot(browser, "voila-invalid")
    browser.js("[].find.call(document.querySelectorAll('.pg-feature'), function (b) {"
               " return b.textContent.trim() === 'x1*x2'; }).classList.add('pg-target')")
    click(browser, ".pg-target")
    wait_for(browser, lambda: not browser.js("!!document.querySelector('.pg-live .pg-invalid')"), "fixed")
    assert browser.js("document.querySelector('.pg-play').disabled") is False

    choose(browser, "problem", "regression")  # regression, and the largest network still fits
    wait_for(browser, lambda: "problem=regression" in browser.js("document.querySelector('.pg-settings-text input')"
                                                                  ".value"), "regression")
    assert browser.js("document.querySelector('.pg-dataset select').value") == "plane"
    click(browser, ".pg-settings-text input")  # a teacher's settings text, typed in
    browser.js("document.querySelector('.pg-settings-text input').select()")
    browser.send("Input.insertText", {"text": "problem=regression&dataset=multi_gaussian&hidden=8,8,8,8,8,8&show_test=true"})
    enter(browser)
    wait_for(browser, lambda: browser.js("document.querySelectorAll('.pg-live .pg-neuron').length") == 2 + 48 + 1,
             "the 6 × 8 network from a settings text")
    assert fits(browser)
    screenshot(browser, "voila-6x8-regression")
    errors = [e for e in browser.page_errors() if e.get("method") == "Runtime.exceptionThrown"]
    assert errors == []


@needs_chromium
def test_jupyterlab_shows_the_playground_as_code_left_it_and_it_fits(tmp_path):
    pytest.importorskip("jupyterlab", reason="jupyterlab is not installed (pip install -e '.[test]')")
    path = notebook_with(tmp_path, "from viz import Playground\n"
                                   "pg = Playground(hidden=[8] * 6, n=200, seed=1)\npg.step(40)\npg",
                         "pg.configure(lr=0.1)\npg.step(5)")
    port = free_port()
    server = serve(path, port, app="lab")
    browser = Browser(tmp_path / "profile")
    try:
        open_page(browser, f"http://127.0.0.1:{port}/lab/tree/playground.ipynb", 1400, 1000)
        wait_until(browser, server, "document.querySelectorAll('.jp-Notebook .jp-Cell').length === 2 && "
                                    "!!document.querySelector('.jp-Notebook-ExecutionIndicator[data-status=\"idle\"]')",
                   "the notebook opening with its kernel idle")
        click_text(browser, ".lm-MenuBar-itemLabel", "Run")  # Run > Run All Cells, as the issue's student did
        wait_for(browser, lambda: browser.js("!!document.querySelector('.lm-Menu')"), "the Run menu")
        click_text(browser, ".lm-Menu-itemLabel", "Run All Cells")
        wait_until(browser, server, "!!document.querySelector('.pg-epoch-counter')", "the widget showing")
        wait_for(browser, lambda: epoch(browser) == 45, "the widget showing the 45 epochs trained from code", 60)
        assert "lr=0.1" in browser.js("document.querySelector('.pg-settings-text input').value")
        assert fits(browser)  # the 6 × 8 network in JupyterLab's output area, file browser open
        assert browser.js("!!document.querySelector('.jp-FileBrowser') && "
                          "document.querySelector('.jp-FileBrowser').getBoundingClientRect().width > 100")
        screenshot(browser, "jupyterlab-6x8")
        errors = [e for e in browser.page_errors() if e.get("method") == "Runtime.exceptionThrown"]
        assert errors == []
    finally:
        browser.close()
        stop(server)
