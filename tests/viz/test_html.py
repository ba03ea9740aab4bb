"""viz.html: the offline step-through page, checked in a real headless Chromium."""

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from autograd import Value
from viz import export_html, steps

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
    """Index of the one frame not hidden, checking that exactly one is shown."""
    frames = re.findall(r'<div class="frame" data-phase="\w+"( hidden(?:="")?)?>', dom)
    shown = [i for i, hidden in enumerate(frames) if not hidden]
    assert len(shown) == 1, shown
    return shown[0]


def test_page_is_self_contained_with_one_frame_per_step(tmp_path):
    f, _ = lecture()
    path = export_html(f, tmp_path / "steps.html", backend="wasm", title="max((x + y)z, 0)")
    text = path.read_text(encoding="utf-8")
    assert text.count('<div class="frame"') == len(list(steps(f))) == 12
    assert text.count("<svg") == 12
    assert not re.search(r'(src|href)="(https?:)?//', text)  # nothing fetched from the network
    assert text.count("<script") == 1
    assert "<title>max((x + y)z, 0)</title>" in text
    assert "Backward through v4 = v2 * z = 2" in text
    # each inline SVG parses as XML, and no two frames share an element id
    svgs = re.findall(r"<svg.*?</svg>", text, flags=re.S)
    ids = []
    for svg in svgs:
        ET.fromstring(svg)
        ids += re.findall(r'\bid="([^"]+)"', svg)
    assert len(ids) == len(set(ids))


def test_labels_cannot_inject_markup_into_the_page(tmp_path):
    evil = Value(2.0, "<script>alert(1)</script><img src=x onerror=alert(2)>")
    text = export_html(evil * 3, tmp_path / "evil.html", backend="wasm").read_text()
    assert text.count("<script") == 1 and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


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


@needs_chromium
def test_console_errors_would_be_caught(tmp_path):
    """The check above can fail: a page with a script error is reported."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>undefinedFunction();</script></body></html>")
    _, console = load(page.resolve().as_uri(), tmp_path / "profile")
    assert any("undefinedFunction" in line for line in console)
