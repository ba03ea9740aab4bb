"""viz.html: the offline step-through page, checked in a real headless Chromium."""

import json
import os
import re
import select
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from viz import export_html, steps
from viz.html import pinned_frames
from viz.rendering import node_sizes

from .graphs import lecture

CHROMIUM = next((path for path in ("/usr/bin/chromium", shutil.which("chromium") or "",
                                   shutil.which("chromium-browser") or "") if path and os.path.exists(path)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")


def load(url, profile):
    """Load ``url`` in headless Chromium: (the DOM after scripts ran, console messages)."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0", "--dump-dom", url]
    result = subprocess.run(command, capture_output=True, text=True, timeout=90)
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console


class Browser:
    """Headless Chromium driven through the DevTools protocol on a pipe (``--remote-debugging-pipe``:
    the browser reads JSON commands on fd 3 and writes replies and events on fd 4, each ended by a
    NUL byte), so a test can send real mouse clicks and key presses to a page."""

    def __init__(self, profile):
        to_browser, self._commands = os.pipe()
        self._replies, from_browser = os.pipe()

        def on_fds_3_and_4():  # in the child, before exec: fds 3 and 4 survive the exec
            read_end, write_end = os.dup(to_browser), os.dup(from_browser)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self._process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe", "--no-first-run",
             "--disable-extensions", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", "about:blank"],
            preexec_fn=on_fds_3_and_4, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self._buffer, self._last_id, self._session = b"", 0, None
        self.events = []

    def send(self, method, params=None, timeout=30):
        """Send one command (to the attached page, once there is one) and return its result."""
        self._last_id += 1
        message = {"id": self._last_id, "method": method, "params": params or {}}
        if self._session and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self._session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") != self._last_id:
                    self.events.append(reply)
                    continue
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply["result"]
            ready, _, _ = select.select([self._replies], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError(f"chromium did not answer {method} within {timeout} s")
            chunk = os.read(self._replies, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk

    def open(self, url):
        """Open ``url`` in a new page, attach to it and wait until its script has run to the end."""
        target = self.send("Target.createTarget", {"url": url})["targetId"]
        self._session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Runtime.enable")  # console messages and uncaught exceptions arrive as events
        deadline = time.monotonic() + 30
        while self.js("document.body && document.body.getAttribute('data-ready')") != "1":
            assert time.monotonic() < deadline, "the page's script did not run to the end"
            time.sleep(0.05)

    def js(self, expression):
        """The value of a JavaScript expression in the page (retried while the page is between two
        documents, as while it loads or redirects: it has no JavaScript context for a moment)."""
        deadline = time.monotonic() + 10
        while True:
            try:
                return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})["result"].get("value")
            except RuntimeError as error:
                if "Cannot find default execution context" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def click(self, selector):
        """A real left click (press and release) at the middle of the element."""
        x, y = self.js(f"(function () {{ var r = document.querySelector({json.dumps(selector)})"
                       ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def press(self, key, code):
        """A real key press (down and up), e.g. ``press("ArrowRight", 39)``."""
        for kind in ("keyDown", "keyUp"):
            self.send("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": key,
                                                 "windowsVirtualKeyCode": code})

    def page_errors(self):
        """Console messages and uncaught exceptions the page produced so far."""
        return [e for e in self.events if e.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown")]

    def shown(self):
        """(frame index, caption, SVG) the page shows now."""
        return (int(self.js("document.body.getAttribute('data-frame')")),
                self.js("document.getElementById('caption').textContent"),
                self.js("document.getElementById('picture').innerHTML"))

    def close(self):
        try:
            self.send("Browser.close", timeout=10)
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._commands)
        os.close(self._replies)


@pytest.fixture
def browser(tmp_path):
    chromium = Browser(tmp_path / "profile-cdp")
    yield chromium
    chromium.close()


def shown_frame(dom):
    """Index of the frame the page shows, after checking it drew an SVG."""
    assert re.search(r'<div id="picture"><svg', dom), "no SVG in the picture"
    return int(re.search(r'<body[^>]* data-frame="(\d+)"', dom).group(1))


def frames_data(text):
    return json.loads(re.search(r'<script id="frames" type="application/json">(.*?)</script>', text, re.S).group(1))


@pytest.mark.needs_wasm
def test_page_is_self_contained_with_one_frame_per_step(tmp_path):
    f, _ = lecture()
    path = export_html(f, tmp_path / "steps.html", backend="wasm", title="max((x + y)z, 0)")
    text = path.read_text(encoding="utf-8")
    data = frames_data(text)
    assert len(data["frames"]) == len(data["captions"]) == len(list(steps(f))) == 12
    assert data["phases"] == ["forward"] * 7 + ["backward"] * 4 + ["done"]
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing fetched from the network
    assert text.count("<script") == 2  # the frames (JSON data) and the player
    assert "<title>max((x + y)z, 0)</title>" in text
    assert "Backward through n2 = n1 * z = 2" in data["captions"][9]
    svgs = ["".join(data["pieces"][k] for k in frame) for frame in data["frames"]]
    for svg in svgs:  # every frame is a whole, well-formed SVG
        assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
    assert len(set(svgs)) == 12
    # frames share one layout: every record is at the same place in every frame
    outline = r'class="node">\s*<title>(v\d+)</title>\s*<polygon[^>]*points="([^"]*)"'
    layouts = {tuple(re.findall(outline, svg)) for svg in svgs}
    assert len(layouts) == 1 and len(layouts.pop()) == 6  # the records (the constant 0 is a rounded box)
    assert len(data["pieces"]) < 12 * 29 / 2  # pieces are shared between frames (29 nodes and edges each)


@pytest.mark.needs_wasm
def test_page_after_backward_shows_this_roots_gradients(tmp_path):
    f, (x, y, z) = lecture()
    f.backward()
    captions = frames_data(export_html(f, tmp_path / "steps.html", backend="wasm").read_text())["captions"]
    assert captions[-1] == "Done: every gradient is in place (∂n3/∂x = 2, ∂n3/∂y = 2, ∂n3/∂z = 1)."
    assert "y.grad = 0 + 2 = 2" in captions[-2]
    assert (x.grad, y.grad, z.grad) == (2.0, 2.0, 1.0)


@pytest.mark.needs_wasm
def test_pinned_frames_share_the_last_frames_node_sizes():
    f, _ = lecture()
    frames = pinned_frames(f, "wasm")
    sizes = node_sizes(list(steps(f))[-1].source, "wasm")
    assert len(sizes) == 7 + 3 + 5  # values, ops, edge annotations
    assert [fr.source for fr in frames] == [fr.source for fr in steps(f, node_sizes=sizes)]


@pytest.mark.needs_wasm
def test_labels_cannot_inject_markup_into_the_page(tmp_path):
    evil = Value(2.0, "<script>alert(1)</script><img src=x onerror=alert(2)></script>")
    text = export_html(evil * 3, tmp_path / "evil.html", backend="wasm").read_text()
    assert text.count("<script") == 2 and "<img" not in text and text.count("</script>") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in "".join(frames_data(text)["pieces"])


@needs_chromium
def test_page_runs_in_headless_chromium_and_next_changes_the_frame(tmp_path, browser):
    f, _ = lecture()
    path = export_html(f, tmp_path / "steps.html")
    url = path.resolve().as_uri()
    dom, console = load(url, tmp_path / "profile-a")
    assert 'data-ready="1"' in dom, "the page's script did not run to the end"
    assert console == []
    assert shown_frame(dom) == 0
    browser.open(url)
    first = browser.shown()
    browser.click("#next")
    after_next = browser.shown()
    assert browser.page_errors() == []
    assert after_next[0] == 1
    for _ in range(99):  # clamps at the last frame
        browser.click("#next")
    at_end = browser.shown()
    assert at_end[0] == 11 and "Done: every gradient is in place" in at_end[1]
    assert first[2] != after_next[2] != at_end[2]
    dom_at, _ = load(url + "#frame=3", tmp_path / "profile-b")  # the page may open at any frame
    assert shown_frame(dom_at) == 3


@needs_chromium
def test_next_button_and_arrow_keys_step_through_the_page(tmp_path, browser):
    f, _ = lecture()
    browser.open(export_html(f, tmp_path / "steps.html").resolve().as_uri())
    frame, caption, svg = browser.shown()
    assert frame == 0 and caption.startswith("Forward: x = -2") and svg.startswith("<svg")
    seen = [svg]

    browser.click("#next")
    frame, caption, svg = browser.shown()
    assert frame == 1 and caption.startswith("Forward: y = 3") and svg not in seen
    seen.append(svg)

    browser.press("ArrowRight", 39)
    frame, caption, svg = browser.shown()
    assert frame == 2 and caption == "Forward: n1 = x + y = (-2) + 3 = 1." and svg not in seen
    assert browser.js("document.getElementById('slider').value") == "2"
    assert browser.js("document.getElementById('counter').textContent") == "3 / 12"

    browser.press("ArrowLeft", 37)
    assert browser.shown() == (1, "Forward: y = 3 (an input).", seen[1])
    browser.press("End", 35)
    assert browser.shown()[0] == 11 and "Done: every gradient is in place" in browser.shown()[1]
    browser.click("#next")  # clamps at the last frame
    assert browser.shown()[0] == 11
    browser.click("#prev")
    assert browser.shown()[0] == 10
    browser.press("Home", 36)
    assert browser.shown() == (0, "Forward: x = -2 (an input).", seen[0])
    assert browser.page_errors() == []


@needs_chromium
def test_clicks_and_keys_reach_a_page_only_through_its_handlers(tmp_path, browser):
    """The driver above can fail: on a page whose buttons do nothing the frame stays put."""
    f, _ = lecture()
    text = export_html(f, tmp_path / "steps.html").read_text(encoding="utf-8")
    inert = tmp_path / "inert.html"
    inert.write_text(text.replace('addEventListener("click"', 'addEventListener("dblclick"')
                     .replace('addEventListener("keydown"', 'addEventListener("keyup-never"'), encoding="utf-8")
    browser.open(inert.resolve().as_uri())
    browser.click("#next")
    browser.press("ArrowRight", 39)
    assert browser.shown()[0] == 0


@needs_chromium
def test_console_errors_would_be_caught(tmp_path):
    """The check above can fail: a page with a script error is reported."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    _, console = load(page.resolve().as_uri(), tmp_path / "profile")
    assert any("undefinedFunction" in line for line in console)


@pytest.mark.needs_wasm
def test_page_of_a_graph_whose_backward_fails(tmp_path):
    from .graphs import no_derivative

    y, _ = no_derivative()
    data = frames_data(export_html(y, tmp_path / "steps.html", backend="wasm").read_text())
    assert data["phases"] == ["forward"] * 4 + ["failed"]
    assert "non-finite gradient in 'sqrt'" in data["captions"][-1]


@needs_chromium
def test_select_all_on_a_forward_frame_reveals_no_backward_number(tmp_path, browser):
    """What a student copies from a forward frame is what the forward pass knows: no local
    derivative, upstream gradient or contribution, and no value computed later."""
    f, _ = lecture()
    url = export_html(f, tmp_path / "steps.html").resolve().as_uri()
    browser.open(url + "#frame=2")  # Forward: n1 = x + y = (-2) + 3 = 1
    assert browser.shown()[0] == 2
    selected = browser.js("document.execCommand('selectAll'), window.getSelection().toString()")
    assert "Forward: n1 = x + y = (-2) + 3 = 1." in selected and "data 1" in selected  # the check can succeed
    for word in ("local", "upstream", "contribution", "∂", "data 2", "grad 1", "grad 2"):
        assert word not in selected, word
    browser.press("End", 35)
    selected = browser.js("document.execCommand('selectAll'), window.getSelection().toString()")
    assert "local ∂n1/∂x = 1" in selected and "= contribution 2" in selected  # ... and can fail


# -- predict first: export_html(root, path, quiz=True) ---------------------------------------------

def type_text(browser, text):
    """Type ``text`` into whatever has the keyboard's focus, one character at a time."""
    for character in text:
        browser.send("Input.insertText", {"text": character})


def quiz_state(browser):
    """(frame index, the answer box's label or None when nothing is asked, feedback lines, score)."""
    visible = browser.js("document.getElementById('quiz').style.visibility") == "visible"
    return (int(browser.js("document.body.getAttribute('data-frame')")),
            browser.js("document.getElementById('prompt').textContent") if visible else None,
            browser.js("Array.from(document.querySelectorAll('#feedback p')).map(p => p.className + ': ' + p.textContent)"),
            browser.js("document.getElementById('score').textContent"))


@needs_chromium
def test_the_quiz_page_asks_before_it_shows_explains_wrong_answers_and_keeps_score(tmp_path, browser):
    """A whole class's run through the lecture's example with the keyboard only: arrows to step,
    typing an answer and Enter, Esc to reveal."""
    f, _ = lecture()
    path = export_html(f, tmp_path / "quiz.html", quiz=True)
    data = frames_data(path.read_text(encoding="utf-8"))
    assert len(data["frames"]) == 19 and data["quiz"]["total"] == 9
    browser.open(path.resolve().as_uri())
    assert quiz_state(browser) == (0, None, [], "score 0 / 0 right first time · 9 to go")
    browser.press("ArrowRight", 39)
    browser.press("ArrowRight", 39)
    frame, prompt, said, _ = quiz_state(browser)
    assert (frame, prompt, said) == (2, "n1 =", [])
    assert browser.shown()[1] == "Forward: n1 = x + y = (-2) + 3 = ?"
    assert browser.js("document.activeElement.id") == "answer"  # ready to type
    assert "data 1" not in browser.shown()[2]
    browser.click("#next")  # a question is not skipped: next, End and the slider stop at it
    browser.press("End", 35)
    assert quiz_state(browser)[0] == 2

    type_text(browser, "3")
    browser.press("Enter", 13)
    frame, prompt, said, score = quiz_state(browser)
    assert (frame, prompt, score) == (2, "n1 =", "score 0 / 0 right first time · 9 to go")
    assert said == ["wrong: ✗ Not 3: n1 is the op applied to its inputs, n1 = x + y = (-2) + 3. "
                    "Try again, or show the answer."]
    type_text(browser, "one")
    browser.press("Enter", 13)
    assert quiz_state(browser)[2][-1].startswith("unreadable: Write a number")
    type_text(browser, "1")  # the page selected what was typed: the new answer replaces it
    browser.press("Enter", 13)
    frame, prompt, said, score = quiz_state(browser)
    assert (frame, prompt, score) == (3, None, "score 0 / 1 right first time · 8 to go")  # on to the answer
    assert said[-1] == "right: ✓ Right, on a later try (the score counts first answers): n1 = x + y = (-2) + 3 = 1"
    assert "data 1" in browser.shown()[2]

    browser.press("ArrowRight", 39)
    browser.press("ArrowRight", 39)  # z is an input: given, not asked
    assert quiz_state(browser)[:2] == (5, "n2 =")
    type_text(browser, "2,0")  # a decimal comma
    browser.press("Enter", 13)
    assert quiz_state(browser)[0] == 6 and quiz_state(browser)[3] == "score 1 / 2 right first time · 7 to go"
    browser.press("ArrowRight", 39)  # the constant 0: never asked
    browser.press("ArrowRight", 39)
    assert quiz_state(browser)[:2] == (8, "n3 =")
    browser.press("Escape", 27)
    assert quiz_state(browser)[0] == 9 and quiz_state(browser)[2] == ["revealed: Answer: n3 = max(n2, 0) = max(2, 0) = 2"]

    browser.press("ArrowRight", 39)
    for expected_frame, prompt, answer in ((10, "∂n3/∂n3 =", "1"), (12, "n2.grad =", "1"), (14, "n1.grad =", "2"),
                                           (14, "z.grad =", "1"), (16, "x.grad =", "2"), (16, "y.grad =", "?")):
        frame, shown_prompt, _, _ = quiz_state(browser)
        if shown_prompt is None:
            browser.press("Enter", 13)  # Enter steps on too
            frame, shown_prompt, _, _ = quiz_state(browser)
        assert (frame, shown_prompt) == (expected_frame, prompt)
        type_text(browser, answer)
        browser.press("Enter", 13)
    frame, prompt, said, score = quiz_state(browser)
    assert (frame, score) == (17, "final score 6 / 9 right first time")
    assert said == ["right: ✓ Right: x.grad = local ∂n1/∂x × upstream ∂n3/∂n1 = 1 × 2 = 2",
                    "revealed: Answer: y.grad = local ∂n1/∂y × upstream ∂n3/∂n1 = 1 × 2 = 2"]
    browser.press("Home", 36)  # every frame is open once its questions are closed
    browser.press("End", 35)
    assert quiz_state(browser)[0] == 18 and "Done" in browser.shown()[1]
    browser.press("ArrowLeft", 37)
    browser.press("ArrowLeft", 37)
    assert quiz_state(browser)[1:3] == (None, said)  # a closed question shows what it was told
    assert browser.page_errors() == []


@needs_chromium
def test_the_quiz_pages_javascript_reads_and_judges_answers_as_python_does(tmp_path, browser):
    from viz.quiz import is_right, read_answer

    f, _ = lecture()
    browser.open(export_html(f, tmp_path / "quiz.html", quiz=True).resolve().as_uri())
    texts = [
        "2", "-0.5", " .5 ", "0,5", "+3", "2.", "1e-3", "1/3", " -1 / 4 ", "\u22122", "1,5/3", "", "abc", "1/0",
        "1//2", "2-1", "1e400", "0x10", "\u0661", "nan", "inf", "1,000.5", "?", "3e2", "-0"]
    in_page = browser.js(f"{json.dumps(texts)}.map(t => valuegraphQuiz.readAnswer(t))")
    assert in_page == [read_answer(text) for text in texts]
    pairs = [(0.62, 0.6225), (0.6, 0.6225), (99.1, 100), (98.9, 100), (0.0009, 0), (0.0011, 0), (-2, 2), (1e-3, 0)]
    assert browser.js(f"{json.dumps(pairs)}.map(p => valuegraphQuiz.isRight(p[0], p[1]))") == \
        [is_right(a, b) for a, b in pairs]


@needs_chromium
def test_the_quiz_page_speaks_spanish(tmp_path, browser):
    from viz.language import using_language

    f, _ = lecture()
    with using_language("es"):
        path = export_html(f, tmp_path / "quiz.html", quiz=True)
    text = path.read_text(encoding="utf-8")
    assert '<html lang="es">' in text and "<title>Predice primero: hacia delante y hacia atrás, paso a paso</title>" in text
    assert ">ver respuesta (Esc)<" in text and "&larr; anterior<" in text
    browser.open(path.resolve().as_uri() + "#frame=2")
    assert browser.shown()[1] == "Hacia delante: n1 = x + y = (-2) + 3 = ?"
    type_text(browser, "3")
    browser.press("Enter", 13)
    assert quiz_state(browser)[2] == ["wrong: ✗ No es 3: n1 es la operación aplicada a sus entradas, "
                                      "n1 = x + y = (-2) + 3. Prueba otra vez o muestra la respuesta."]
    assert quiz_state(browser)[3] == "aciertos 0 / 0 a la primera · quedan 9"


@pytest.mark.needs_wasm
def test_the_plain_page_speaks_spanish_too(tmp_path):
    from viz.language import using_language

    f, _ = lecture()
    with using_language("es"):
        text = export_html(f, tmp_path / "pasos.html", backend="wasm").read_text(encoding="utf-8")
    assert '<html lang="es">' in text and "<title>Hacia delante y hacia atrás, paso a paso</title>" in text
    assert "siguiente &rarr;" in text and "Pasada hacia delante en azul" in text and 'id="quiz"' not in text
    data = frames_data(text)
    assert data["captions"][0] == "Hacia delante: x = -2 (una entrada)." and data["words"]["pause"] == "pausa"
    assert "derivada local" in "".join(data["pieces"])
