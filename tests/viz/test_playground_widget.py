"""The Playground widget from Python: its controls, what it does with a change, the picture's
messages (a click on + or an edited weight arrives as one), following the playground when code
changes it, and its words in Spanish. The same widget in a real browser: test_playground_browser."""

import time

import pytest

from viz import Playground
from viz.playground import DEFAULTS

pytest.importorskip("anywidget", reason="anywidget is not installed (pip install -e .)")

SMALL = {"n": 100, "seed": 1}


def wait_for(condition, what, seconds=30, state=lambda: ""):
    """Wait for ``condition``; a failure says what was awaited and, from ``state()``, where things stood."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s ({state()})"
        time.sleep(0.02)


def test_controls_show_every_setting_as_given_and_never_change_one_the_user_did_not():
    pg = Playground(n=20, batch_size=100, noise=0.8, lr=0.07, l2=0.002, train_ratio=0.35, momentum=0.3, patience=7)
    given = dict(pg.settings)
    widget = pg.widget()
    for name, control in widget.controls.items():
        assert control.value == given[name], name  # no control clamps or rounds what it was given (issue 21)
    assert Playground().widget().controls["momentum"].label == "off"  # None is shown as "off", not as a blank
    widget.controls["activation"].value = "relu"  # the user changes one setting...
    assert {k: v for k, v in pg.settings.items() if v != given[k]} == {"activation": "relu"}  # ...and only it changes


def test_a_training_setting_goes_on_and_a_network_setting_starts_again_and_says_so():
    pg = Playground(**SMALL)
    widget = pg.widget()
    widget.step_button.click()
    widget.step_button.click()
    widget.controls["lr"].value = 0.3
    assert pg.epoch == 2 and pg.settings["lr"] == 0.3
    assert "learning rate changed at epoch 2: training goes on with the same network" in widget.message.value
    widget.controls["momentum"].value = 0.9
    widget.controls["momentum"].value = "off"
    assert pg.settings["momentum"] is None and pg.epoch == 2
    widget.controls["activation"].value = "relu"
    assert pg.epoch == 0 and "activation changed: a new network, started again at epoch 0" in widget.message.value


def test_an_invalid_setting_disables_play_and_marks_the_picture_until_it_is_fixed():
    pg = Playground(**SMALL)
    widget = pg.widget()
    widget.feature_buttons["x1"].value = False
    widget.step_button.click()
    widget.feature_buttons["x2"].value = False
    assert "must name at least one feature" in widget.message.value
    assert widget.play_button.disabled and widget.step_button.disabled
    assert 'class="pg pg-invalid"' in widget.view.html and "settings not valid" in widget.view.html
    assert pg.settings["features"] == ("x2",) and pg.epoch == 1  # the playground is as it was
    widget.step()
    assert pg.epoch == 1  # nothing trains with the settings on display not valid
    widget.feature_buttons["x1*x2"].value = True
    assert not widget.play_button.disabled and 'class="pg pg-invalid"' not in widget.view.html
    assert pg.settings["features"] == ("x1*x2",) and pg.epoch == 0


def test_plus_and_minus_add_and_remove_neurons_and_layers_within_6_by_8():
    pg = Playground(hidden=[7], **SMALL)
    widget = pg.widget()
    click = widget._on_message
    click(widget.view, {"kind": "neurons", "layer": 1, "delta": 1}, [])
    assert pg.settings["hidden"] == (8,)
    click(widget.view, {"kind": "neurons", "layer": 1, "delta": 1}, [])
    assert pg.settings["hidden"] == (8,) and "at most 6 hidden layers and 8 neurons" in widget.message.value
    for _ in range(6):
        click(widget.view, {"kind": "layers", "delta": 1}, [])
    assert pg.settings["hidden"] == (8, 2, 2, 2, 2, 2)
    click(widget.view, {"kind": "layers", "delta": -1}, [])
    click(widget.view, {"kind": "neurons", "layer": 2, "delta": -1}, [])
    assert pg.settings["hidden"] == (8, 1, 2, 2, 2)
    assert widget.view.html.count('class="pg-neurons-button"') == 0  # they are <g class="pg-button pg-neurons-button">
    assert widget.view.html.count("pg-neurons-button") == 2 * 5 and widget.view.html.count("pg-layers-button") == 2


def test_an_edited_weight_is_the_networks_and_the_graph_follows():
    pg = Playground(**SMALL)
    widget = pg.widget()
    widget.view.selected = [1, 0]
    widget._on_message(widget.view, {"kind": "weight", "layer": 1, "neuron": 0, "input": 1, "value": 2.25}, [])
    assert pg.model.layers[0].neurons[0].w[1].data == 2.25
    assert "w(x2 → layer 1, neuron 1) set to 2.25 at epoch 0" in widget.message.value
    steps = widget.graph_area.children[1]
    assert "2.25" in steps.frames[-1].source


def test_clicking_a_neuron_shows_its_output_gradient_and_graph_for_the_chosen_point():
    pg = Playground(**SMALL)
    pg.step(2)
    widget = pg.widget()
    widget.view.selected = [2, 1]
    text = widget.selection.value
    assert "layer 2, neuron 2" in text and "training point 0" in text and "epoch 2" in text
    value = pg.neuron_outputs([pg.X_train[0]])[2][1][0]
    assert f"output {value:.4g}" in text and f"mean |∂loss/∂w| {pg.neuron_gradients()[1][1]:.3g}" in text
    steps = widget.graph_area.children[1]
    assert steps.index == steps.count - 1 and "grad" in steps.svg  # open on the finished picture
    steps.index = 0
    assert steps.phase == "forward" and steps.counter == f"step 1 of {steps.count}"
    widget.sample_choice.value = 7
    assert "training point 7" in widget.selection.value
    widget.show_graph("loss")
    assert "loss" in {frame.node.label for frame in widget.graph_area.children[1].frames if frame.node}
    widget.view.selected = [0, 1]
    assert "x2</b>: an input of the network" in widget.selection.value and widget.graph_area.children == ()


def test_the_widget_follows_the_playground_however_it_changes():
    pg = Playground(**SMALL)
    widget = pg.widget()
    pg.step(3)  # from code, in another cell
    wait_for(lambda: "pg-epoch-counter'>3<" in widget.counter.value, "the widget showing epoch 3")
    pg.configure(lr=0.3, hidden=[3])
    wait_for(lambda: widget.controls["lr"].value == 0.3 and widget.view.html.count('class="pg-neuron') == 2 + 3 + 1,
             "the controls and the picture following configure()")
    assert "lr=0.3" in widget.settings_text.value
    widget.close()


def test_play_trains_in_a_thread_and_the_view_keeps_up():
    pg = Playground(**SMALL)
    widget = pg.widget()
    widget.play_button.value = True
    wait_for(lambda: pg.epoch >= 20, "20 epochs while playing",
             state=lambda: f"epoch {pg.epoch}, playing {widget.play_button.value}, message {widget.message.value!r}")
    wait_for(lambda: widget.view.frame.get("epoch", 0) > 0, "while playing, the picture changes in place")
    widget.pause()
    # the last epoch played may already be drawn when pause() returns: wait for the whole paused picture
    wait_for(lambda: f'class="pg-epoch">{pg.epoch}<' in widget.view.html and "(paused)" in widget.counter.value,
             "the whole picture of the last epoch, paused")  # drawn finely again, as a whole
    assert widget.view.version == pg.version and widget.view.frame == {}
    widget.close()


def test_a_settings_text_typed_into_the_widget_is_the_experiment():
    pg = Playground(**SMALL)
    widget = pg.widget()
    widget.settings_text.value = "problem=regression&hidden=3&hide=noise,features"
    assert pg.settings["problem"] == "regression" and pg.settings["hidden"] == (3,) and pg.settings["n"] == 500
    assert widget.controls["noise"].layout.display == "none" and widget._feature_row.layout.display == "none"
    assert widget.controls["lr"].layout.display is None
    widget.settings_text.value = "lr=fast"
    assert "lr must be a number" in widget.message.value and pg.settings["problem"] == "regression"


def test_hide_leaves_out_a_teachers_controls():
    widget = Playground(hide=["hidden", "dataset", "lr"], **SMALL).widget()
    assert [name for name, control in widget.controls.items() if control.layout.display == "none"] == ["dataset", "lr"]
    assert "pg-neurons-button" not in widget.view.html and "pg-layers-button" not in widget.view.html


def test_regenerate_takes_the_next_seed():
    pg = Playground(**SMALL)
    before = pg.X_train
    pg.widget().regenerate_button.click()
    assert pg.settings["seed"] == 2 and pg.X_train != before and pg.epoch == 0


def test_the_widget_speaks_spanish():
    import viz
    try:
        viz.set_language("es")
        widget = Playground(**SMALL).widget()
        assert widget.play_button.description == "▶ entrenar" and widget.controls["lr"].description == "tasa de aprendizaje"
        widget.controls["activation"].value = "relu"
        assert "una red nueva, de nuevo en la época 0" in widget.message.value
        assert "Época" in widget.view.html
        widget.feature_buttons["x1"].value = widget.feature_buttons["x2"].value = False  # refused, in Spanish
        assert ("no válido, nada cambió: Playground(features) debe nombrar al menos una entrada, cada una una vez, "
                "no []") in widget.message.value and "must" not in widget.message.value
        widget.settings_text.value = "lr=20&momentum=0.9&patience=0"
        assert "Playground(lr) debe estar en (0, 10], no 20.0" in widget.message.value
        widget.settings_text.value = "patience=0"
        assert "Playground(patience) debe ser al menos 1 (o None: sin parada temprana), no 0" in widget.message.value
        widget.settings_text.value = "lr=rápido"
        assert "Playground.from_settings: &#x27;lr=rápido&#x27;: lr debe ser un número" in widget.message.value
        with pytest.raises(ValueError, match=r"Playground\(lr\) must be in \(0, 10\], got 20"):  # for programmers
            Playground(lr=20)
    finally:
        viz.set_language("en")


def test_defaults_are_the_widgets_starting_point():
    widget = Playground().widget()
    assert widget.settings_text.value == Playground(**DEFAULTS).settings_text()


def test_the_loss_graph_goes_neuron_by_neuron_with_the_clicked_neuron_open_in_a_column():
    """Issue 18: the loss graph of a small network drawn by neurons, the clicked neuron's own
    values open, in the picture's words, readable at its natural size in a notebook's column."""
    import re

    pg = Playground(**SMALL)  # 2-4-2-1
    pg.step(2)
    assert pg.neuron_groups() == {"layer 1": [f"layer 1, neuron {k}" for k in (1, 2, 3, 4)],
                                  "layer 2": ["layer 2, neuron 1", "layer 2, neuron 2"], "output": ["output"]}
    widget = pg.widget()
    widget.view.selected = [1, 1]
    widget.show_graph("loss")
    hint, steps = widget.graph_area.children
    assert "layer 1, neuron 2 drawn value by value" in hint.value
    last = steps.frames[-1].source
    assert "w(x1 →\\nlayer 1, neuron 2)" in last and "w(x1 → layer 1, neuron 1)" not in last  # open, collapsed
    assert 'label="layer 1, neuron 1\\nout ' in last and "layers." not in last and "rankdir=TB" in last
    captions = [frame.caption for frame in steps.frames]
    assert any(c.startswith("Forward: layer 2, neuron 1 = ") and "computed inside it from layer 1, neuron 1 = " in c
               for c in captions)
    assert any(c.startswith("Backward through layer 1, neuron 1, its 5 values at once") for c in captions)
    width = float(re.search(r'<svg width="([\d.]+)pt"', steps.svg).group(1)) * 4 / 3
    assert width <= 1000, f"the loss graph with one neuron open is {width:.0f} px wide"
    widget.view.selected = []
    widget.show_graph("loss")
    assert float(re.search(r'<svg width="([\d.]+)pt"', widget.graph_area.children[1].svg).group(1)) * 4 / 3 <= 700
    big = Playground(hidden=[8] * 6, n=100, seed=1).widget()  # 577 values: drawn by neurons, no longer refused
    big.show_graph("loss")
    assert len(big.graph_area.children[1].frames) < 150


def test_while_playing_the_picture_changes_in_place_into_the_later_epochs_picture(tmp_path):
    """Issue 18 (smooth while playing): the widget sends the numbers that change (a frame), not
    the whole picture, and its browser code changes the picture in place. Run in Chromium, with
    the view's own module: the picture of epoch 3 with epoch 8's frame applied is epoch 8's."""
    import json

    from viz.playground_view import frame, frame_key, picture_html, snapshot
    from viz.playground_widget import _VIEW_JS

    from .test_html import CHROMIUM, Browser

    if CHROMIUM is None:
        pytest.skip("chromium is not installed")
    pg = Playground(hidden=[3, 2], activation="relu", **SMALL)
    pg.step(3)
    before = snapshot(pg, resolution=32)
    pg.configure(lr=0.1)  # a change during the run: the notes below the picture change too
    pg.step(5)
    after = snapshot(pg, resolution=32)
    options = {"interactive": True, "selected": None, "invalid": None}
    assert frame_key(before, **options) == frame_key(after, **options)
    assert frame_key(before, **options) != frame_key(snapshot(pg, resolution=48), **options)
    changes = frame(after)
    assert len(json.dumps(changes)) < len(picture_html(after, points="", **options)) / 2
    page = tmp_path / "view.html"
    page.write_text("<html><body><div id='live'></div><div id='reference'></div><script type='module'>\n"
                    f"const code = {json.dumps(_VIEW_JS)};\n"
                    f"const data = {{html: {json.dumps(picture_html(before, points='', **options))}, points: '', frame: {{}}, "
                    "selected: [], version: 1, weight_word: 'w({source} → {target})'};\n"
                    "const handlers = {};\n"
                    "const model = {get: (k) => data[k], set: (k, v) => { data[k] = v; }, save_changes() {}, send() {},"
                    " on(event, f) { (handlers[event] = handlers[event] || []).push(f); }};\n"
                    "const module = await import(URL.createObjectURL(new Blob([code], {type: 'text/javascript'})));\n"
                    "module.default.render({model, el: document.getElementById('live')});\n"
                    f"data.frame = {json.dumps(changes)};\n"
                    "handlers['change:frame'].forEach((f) => f());\n"
                    f"document.getElementById('reference').innerHTML = {json.dumps(picture_html(after, points='', **options))};\n"
                    "document.body.setAttribute('data-ready', '1');\n</script></body></html>")
    browser = Browser(tmp_path / "profile")
    try:
        browser.open(page.as_uri())  # waits for the page's module to have run
        same = ("(function (id) { return document.querySelector('#' + id + ' .pg').outerHTML"
                ".replace(/pg-sprite-[0-9a-f]+/g, 'SPRITE'); })")
        live, reference = browser.js(f"{same}('live')"), browser.js(f"{same}('reference')")
        assert 'class="pg-epoch">8<' in live and "epoch 3: lr 0.1" in live
        assert live.replace(' style="visibility: visible;"', "") == reference  # (what showing a neuron large sets)
        assert browser.js("document.querySelector('#live').getAttribute('data-updates')") == "2"
    finally:
        browser.close()


def test_two_threads_wanting_to_draw_at_once_take_turns():
    """When play starts, the watcher may still be drawing what it saw while the training thread
    draws its first epoch: one drawing at a time (two at once can mix their updates)."""
    import threading

    widget = Playground(**SMALL).widget()
    drawing, most = [0], [0]
    real = widget._redraw

    def counting_redraw():
        drawing[0] += 1
        most[0] = max(most[0], drawing[0])
        try:
            time.sleep(0.05)
            return real()
        finally:
            drawing[0] -= 1

    widget._redraw = counting_redraw
    threads = [threading.Thread(target=widget.redraw) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1 and 'class="pg-epoch">0<' in widget.view.html
    widget.close()
