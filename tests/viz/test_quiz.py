"""Predict first: the step-through's questions (viz.steps(quiz=True)), how answers are read and
judged (viz.quiz), and the Jupyter stepper's quiz (viz.stepper(quiz=True))."""

import re

import pytest

from autograd import Value
from viz import steps
from viz.language import using_language
from viz.quiz import ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE, Quiz, is_right, read_answer

from .graphs import lecture, no_derivative


def asked(frames):
    return [(frame.index, [(q.kind, q.target, q.answer) for q in frame.questions]) for frame in frames if frame.questions]


def test_the_lecture_asks_each_computed_value_then_each_gradient_never_an_input_or_a_constant():
    f, _ = lecture()
    frames = list(steps(f, quiz=True))
    assert asked(frames) == [
        (2, [("value", "n1", 1.0)]), (5, [("value", "n2", 2.0)]), (8, [("value", "n3", 2.0)]),
        (10, [("seed", "∂n3/∂n3", 1.0)]),
        (12, [("grad", "n2.grad", 1.0)]),                      # not the constant 0 of max(n2, 0)
        (14, [("grad", "n1.grad", 2.0), ("grad", "z.grad", 1.0)]),
        (16, [("grad", "x.grad", 2.0), ("grad", "y.grad", 2.0)]),
    ]
    # each question frame comes just before the frame it asks about, which is the plain step-through's
    plain = list(steps(f))
    answers = [frame for frame in frames if not frame.questions]
    assert [(fr.phase, fr.caption, fr.source) for fr in answers] == [(fr.phase, fr.caption, fr.source) for fr in plain]
    assert [frames[index + 1].node for index, _ in asked(frames)] == [frames[index].node for index, _ in asked(frames)]


def test_a_question_frame_holds_nothing_of_its_answer():
    f, _ = lecture()
    frames = list(steps(f, "LR", quiz=True))
    forward = frames[2]
    assert forward.caption == "Forward: n1 = x + y = (-2) + 3 = ?"
    assert re.search(r'v2 \[label="\{n1\|data \?\|grad \?\}"[^\]]*fillcolor="#fef9c3"', forward.source)  # asked, in ink
    assert "data 1" not in forward.source and "dashed" not in re.search(r"v2 \[[^\]]*\]", forward.source).group(0)
    assert 'v2 [label="{n1|data 1|grad ?}"' in frames[3].source  # the answer frame shows it
    backward = frames[14]
    assert backward.caption.splitlines() == ["Backward through n2 = n1 * z = 2: upstream ∂n3/∂n2 = 1.",
                                             "  n1.grad = ?", "  z.grad = ?"]
    assert 'label="{n1|data 1|grad ?}"' in backward.source and 'label="{z|data 2|grad ?}"' in backward.source
    assert re.search(r'v4_in0 \[label="" ', backward.source) and re.search(r'v4_in1 \[label="" ', backward.source)
    assert 'label="{n2|data 2|grad 1}"' in backward.source  # the upstream gradient is known
    assert "contribution 2" in frames[15].source


def test_hints_give_the_rule_and_arithmetic_without_the_result_and_explanations_add_it():
    f, _ = lecture()
    questions = {q.target: q for frame in steps(f, quiz=True) for q in frame.questions}
    assert questions["n1"].hint == "n1 is the op applied to its inputs, n1 = x + y = (-2) + 3"
    assert questions["n1"].explanation == "n1 = x + y = (-2) + 3 = 1"
    assert questions["x.grad"].hint == ("by the chain rule each input gets local derivative × upstream, "
                                        "x.grad = local ∂n1/∂x × upstream ∂n3/∂n1 = 1 × 2")
    assert questions["x.grad"].explanation == "x.grad = local ∂n1/∂x × upstream ∂n3/∂n1 = 1 × 2 = 2"


def test_a_value_used_twice_is_asked_its_whole_gradient_with_every_contribution_in_the_hint():
    a, x = Value(3.0, "a"), Value(2.0, "x")
    frames = list(steps(a * x + a * a, quiz=True))
    through_square, through_product = [q for frame in frames for q in frame.questions if q.target == "a.grad"]
    assert through_square.prompt == "a.grad = ?" and through_square.answer == 6.0
    assert through_square.explanation.endswith("= 3 × 1 + 3 × 1 = 6")  # a * a: two edges, both added
    assert through_product.prompt == "a.grad = ? (it holds 6 already: add what this step contributes)"
    assert through_product.answer == 8.0
    assert through_product.explanation.endswith("= 6 + 2 × 1 = 8")


def test_a_graph_whose_backward_fails_asks_only_forward_questions():
    y, _ = no_derivative()
    frames = list(steps(y, quiz=True))
    assert [q.kind for frame in frames for q in frame.questions] == ["value", "value"]
    assert frames[-1].phase == "failed"


@pytest.mark.parametrize("text, number", [
    ("2", 2.0), ("-0.5", -0.5), (" .5 ", 0.5), ("0,5", 0.5), ("+3", 3.0), ("2.", 2.0), ("1e-3", 0.001),
    ("1/3", 1 / 3), (" -1 / 4 ", -0.25), ("\u22122", -2.0), ("1,5/3", 0.5),
    ("", None), ("abc", None), ("1/0", None), ("1//2", None), ("2-1", None), ("1e400", None), ("0x10", None),
    ("\u0661", None), ("nan", None), ("inf", None), ("1,000.5", None), ("?", None),
])
def test_an_answer_is_read_as_a_student_writes_it(text, number):
    assert read_answer(text) == number


def test_an_answer_is_right_within_one_percent_or_a_thousandth():
    assert (RELATIVE_TOLERANCE, ABSOLUTE_TOLERANCE) == (1e-2, 1e-3)
    assert is_right(0.62, 0.6225) and not is_right(0.6, 0.6225)  # sigma(0.5) to two digits is right
    assert is_right(99.1, 100) and not is_right(98.9, 100)
    assert is_right(0.0009, 0) and not is_right(0.0011, 0) and is_right(-0.0005, 0.0004)
    assert not is_right(-2, 2)


def test_a_quiz_keeps_score_of_first_answers_and_explains_wrong_ones():
    f, _ = lecture()
    quiz = Quiz(list(steps(f, quiz=True)))
    assert (quiz.total, quiz.frontier, quiz.score_text()) == (9, 2, "score 0 / 0 right first time · 9 to go")
    wrong = quiz.answer(2, "3")
    assert wrong.kind == "wrong"
    assert wrong.message == ("✗ Not 3: n1 is the op applied to its inputs, n1 = x + y = (-2) + 3. "
                             "Try again, or show the answer.")
    assert quiz.answer(2, "one").kind == "unreadable" and quiz.frontier == 2  # not counted, still open
    assert quiz.answer(2, "1").message == ("✓ Right, on a later try (the score counts first answers): "
                                           "n1 = x + y = (-2) + 3 = 1")
    assert quiz.frontier == 5 and quiz.right == 0
    assert quiz.answer(5, "2").message == "✓ Right: n2 = n1 * z = 1 * 2 = 2"
    assert quiz.answer(8, "?").message == "Answer: n3 = max(n2, 0) = max(2, 0) = 2"
    assert quiz.score_text() == "score 1 / 3 right first time · 6 to go"
    for index, text in ((10, "1"), (12, "1"), (14, "2"), (14, "1"), (16, "2")):
        assert quiz.answer(index, text).kind == "right"
    assert quiz.reveal(16).kind == "revealed"
    assert quiz.score_text() == "final score 6 / 9 right first time" and quiz.frontier == 18
    assert [item.kind for item in quiz.said[2]] == ["wrong", "right"]  # what the student sees on coming back
    with pytest.raises(ValueError, match="frame 2 has no open question"):
        quiz.answer(2, "1")


def test_the_quiz_speaks_spanish():
    f, _ = lecture()
    with using_language("es"):
        frames = list(steps(f, quiz=True))
        quiz = Quiz(frames)
        assert frames[2].caption == "Hacia delante: n1 = x + y = (-2) + 3 = ?"
        assert quiz.answer(2, "3").message == ("✗ No es 3: n1 es la operación aplicada a sus entradas, "
                                               "n1 = x + y = (-2) + 3. Prueba otra vez o muestra la respuesta.")
        assert quiz.answer(2, "1").message.startswith("✓ Correcto, en otro intento")
        assert quiz.score_text() == "aciertos 0 / 1 a la primera · quedan 8"
        hint = [q for q in frames[16].questions][0].hint
        assert hint.startswith("por la regla de la cadena cada entrada recibe derivada local × gradiente entrante")


def test_quiz_must_be_a_bool():
    f, _ = lecture()
    with pytest.raises(TypeError, match="quiz must be True or False"):
        steps(f, quiz="yes")


# -- the Jupyter stepper's quiz -----------------------------------------------------------------

@pytest.mark.needs_wasm
def test_the_stepper_quiz_asks_checks_and_moves_on():
    pytest.importorskip("ipywidgets")
    from viz import stepper

    f, _ = lecture()
    box = stepper(f, backend="wasm", quiz=True)
    assert not hasattr(box, "play") and box.quiz.total == 9
    box.next.click()
    box.next.click()
    box.next.click()  # frame 2 asks for n1: next and the slider stop there
    assert box.slider.value == 2 and "= ?" in box.caption.value
    box.slider.value = 10
    assert box.slider.value == 2
    assert "n1 =" in box.prompt.value and box.asking.layout.visibility == "visible"
    box.answer.value = "3"  # as the student types 3 and presses Enter
    assert box.slider.value == 2 and "✗ Not 3" in box.feedback.value and box.answer.value == ""
    box.answer.value = "1"
    assert box.slider.value == 3 and "data 1" in box.picture.value  # on to the frame that shows it
    assert box.asking.layout.visibility == "hidden"
    assert "Right, on a later try" in box.feedback.value
    assert "score 0 / 1 right first time" in box.score.value
    box.next.click()
    box.next.click()
    box.reveal.click()
    assert box.slider.value == 6 and "Answer: n2 = n1 * z = 1 * 2 = 2" in box.feedback.value
    box.prev.click()
    assert box.slider.value == 5 and "Answer:" in box.feedback.value  # what was said is still there


@pytest.mark.needs_wasm
def test_the_stepper_speaks_spanish():
    pytest.importorskip("ipywidgets")
    from viz import stepper

    f, _ = lecture()
    with using_language("es"):
        box = stepper(f, backend="wasm", quiz=True)
        plain = stepper(f, backend="wasm")
    assert box.reveal.description == "ver respuesta" and box.slider.description == "paso"
    assert "Hacia delante: x = -2 (una entrada)." in box.caption.value
    assert plain.play.description == "reproducir"
