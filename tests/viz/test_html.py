"""viz.html: the offline step-through page, checked in a real headless Chromium."""

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from viz import export_html, steps
from viz.html import pinned_frames
from viz.render import node_sizes

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


def shown_frame(dom):
    """Index of the frame the page shows, after checking it drew an SVG."""
    assert re.search(r'<div id="picture"><svg', dom), "no SVG in the picture"
    return int(re.search(r'<body[^>]* data-frame="(\d+)"', dom).group(1))


def frames_data(text):
    return json.loads(re.search(r'<script id="frames" type="application/json">(.*?)</script>', text, re.S).group(1))


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
    assert "Backward through v4 = v2 * z = 2" in data["captions"][9]
    svgs = ["".join(data["pieces"][k] for k in frame) for frame in data["frames"]]
    for svg in svgs:  # every frame is a whole, well-formed SVG
        assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"
    assert len(set(svgs)) == 12
    # frames share one layout: every record is at the same place in every frame
    outline = r'class="node">\s*<title>(v\d+)</title>\s*<polygon[^>]*points="([^"]*)"'
    layouts = {tuple(re.findall(outline, svg)) for svg in svgs}
    assert len(layouts) == 1 and len(layouts.pop()) == 7
    assert len(data["pieces"]) < 12 * 20 / 2  # pieces are shared between frames


def test_page_after_backward_shows_this_roots_gradients(tmp_path):
    f, (x, y, z) = lecture()
    f.backward()
    captions = frames_data(export_html(f, tmp_path / "steps.html", backend="wasm").read_text())["captions"]
    assert captions[-1] == "Done: every gradient is in place (∂v6/∂x = 2, ∂v6/∂y = 2, ∂v6/∂z = 1)."
    assert "y.grad = 0 + 2 = 2" in captions[-2]
    assert (x.grad, y.grad, z.grad) == (2.0, 2.0, 1.0)


def test_pinned_frames_share_the_last_frames_node_sizes():
    f, _ = lecture()
    frames = pinned_frames(f, "wasm")
    sizes = node_sizes(list(steps(f))[-1].source, "wasm")
    assert len(sizes) == 7 + 3
    assert [fr.source for fr in frames] == [fr.source for fr in steps(f, node_sizes=sizes)]


def test_labels_cannot_inject_markup_into_the_page(tmp_path):
    evil = Value(2.0, "<script>alert(1)</script><img src=x onerror=alert(2)></script>")
    text = export_html(evil * 3, tmp_path / "evil.html", backend="wasm").read_text()
    assert text.count("<script") == 2 and "<img" not in text and text.count("</script>") == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in "".join(frames_data(text)["pieces"])


@needs_chromium
def test_page_runs_in_headless_chromium_and_next_changes_the_frame(tmp_path):
    f, _ = lecture()
    path = export_html(f, tmp_path / "steps.html")
    url = path.resolve().as_uri()
    dom, console = load(url, tmp_path / "profile-a")
    assert 'data-ready="1"' in dom, "the page's script did not run to the end"
    assert console == []
    assert shown_frame(dom) == 0
    dom_next, console_next = load(url + "#next=1", tmp_path / "profile-b")
    assert console_next == []
    assert 'data-frame="1"' in dom_next and shown_frame(dom_next) == 1
    dom_end, _ = load(url + "#next=99", tmp_path / "profile-c")  # clamps at the last frame
    assert shown_frame(dom_end) == 11 and "Done: every gradient is in place" in dom_end
    svg_of = lambda dom: re.search(r'<div id="picture">(<svg.*?</svg>)', dom, re.S).group(1)  # noqa: E731
    assert svg_of(dom) != svg_of(dom_next) != svg_of(dom_end)


@needs_chromium
def test_console_errors_would_be_caught(tmp_path):
    """The check above can fail: a page with a script error is reported."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    _, console = load(page.resolve().as_uri(), tmp_path / "profile")
    assert any("undefinedFunction" in line for line in console)
