"""viz.jupyter: the ipywidgets stepper."""

import pytest

pytest.importorskip("ipywidgets")

from viz import stepper  # noqa: E402

from .graphs import lecture  # noqa: E402


@pytest.mark.needs_wasm
def test_slider_walks_the_frames_and_caption_follows():
    f, _ = lecture()
    box = stepper(f, backend="wasm", interval=500)
    assert box.slider.max == len(box.frames) - 1 == 11
    assert box.play.max == box.slider.max and box.play.interval == 500
    first_picture = box.picture.value
    assert first_picture.startswith("<svg") and "Forward: x = -2" in box.caption.value
    box.slider.value = 9
    assert box.picture.value != first_picture
    assert "contribution 2 × 1 = 2" in box.caption.value
    box.slider.value = 11
    assert "Done" in box.caption.value


@pytest.mark.needs_wasm
def test_caption_is_escaped_and_bad_arguments_are_refused():
    from autograd import Value
    box = stepper(Value(1.0, "<b>x</b>") * 2, backend="wasm")
    box.slider.value = 0
    assert "&lt;b&gt;x&lt;/b&gt;" in box.caption.value and "<b>x</b>" not in box.caption.value
    f, _ = lecture()
    with pytest.raises(ValueError, match="interval must be a positive number"):
        stepper(f, interval=0)
    with pytest.raises(ValueError, match="unknown backend"):
        stepper(f, backend="png")


@pytest.mark.needs_wasm
def test_forward_frames_of_the_stepper_show_no_backward_number():
    import re

    f, _ = lecture()
    box = stepper(f, backend="wasm", style="projector")
    texts = []
    for index in range(len(box.frames)):
        box.slider.value = index
        texts.append(" ".join(re.findall(r"<text[^>]*>([^<]*)</text>", box.picture.value)))
    for index, frame in enumerate(box.frames):
        if frame.phase == "forward":
            assert "local" not in texts[index] and "contribution" not in texts[index], index
    assert "= contribution 2" in texts[-1]  # the check can fail
    assert 'font-size="17.00"' in box.picture.value  # the projector style's annotations
