"""Predict first: reading a student's answers to the step-through's questions, and the score.

``viz.stepper(f, quiz=True)`` (Jupyter) and ``viz.export_html(f, path, quiz=True)`` (the offline
page) ask, before each computed value (forward) and each gradient (backward) is shown, what it
will be (the questions come from ``viz.steps(f, quiz=True)``). This module holds what both
share:

* how an answer is read (:func:`read_answer`): ``2``, ``-0.5``, ``.5``, ``0,5`` (a decimal
  comma), ``1e-3``, ``1/3``; ``?`` asks for the answer instead;
* when it is right (:func:`is_right`): within :data:`RELATIVE_TOLERANCE` (1 %) of the answer,
  or :data:`ABSOLUTE_TOLERANCE` (0.001) of it, whichever is larger, so ``0.62`` is right for
  σ(0.5) = 0.6225 and ``0.001`` is right for 0;
* the feedback's words (English and Spanish: :func:`viz.set_language`) and :class:`Quiz`, one
  student's run: a question counts in the score when its first answer is right; a wrong
  answer is told the rule and the arithmetic that give the answer (forward: the op applied
  to its inputs; backward: local derivative × upstream), and may be tried again or revealed.

The offline page runs the same rules in JavaScript, from :data:`ANSWER_PATTERN` and the two
tolerances written into it, so both read and judge an answer alike (tested side by side).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Sequence

from .language import Catalog

__all__ = ["Quiz", "Feedback", "read_answer", "is_right", "RELATIVE_TOLERANCE", "ABSOLUTE_TOLERANCE",
           "ANSWER_PATTERN", "REVEAL"]

RELATIVE_TOLERANCE = 1e-2
"""An answer is right within 1 % of the expected number (or :data:`ABSOLUTE_TOLERANCE`)."""
ABSOLUTE_TOLERANCE = 1e-3
"""... or within 0.001 of it, which is what counts near 0."""

_NUMBER = r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)(?:[eE][+-]?[0-9]+)?"
ANSWER_PATTERN = rf"^({_NUMBER})(?:/({_NUMBER}))?$"
"""What an answer may be, once blanks are removed and a minus sign (−) read as ``-``: a number
(a decimal point or comma, an exponent) or a fraction of two. Plain ASCII regular-expression
syntax, so that the page's JavaScript uses this very pattern."""

REVEAL = "?"
"""Typed as an answer, shows the answer (as the "show answer" button does)."""

WORDS = Catalog({
    "right": {"en": "✓ Right: {explanation}", "es": "✓ ¡Correcto! {explanation}"},
    "right_later": {"en": "✓ Right, on a later try (the score counts first answers): {explanation}",
                    "es": "✓ Correcto, en otro intento (los aciertos cuentan la primera respuesta): {explanation}"},
    "wrong": {"en": "✗ Not {given}: {hint}. Try again, or show the answer.",
              "es": "✗ No es {given}: {hint}. Prueba otra vez o muestra la respuesta."},
    "unreadable": {"en": "Write a number, such as 2, -0.5, 0,5 or 1/3 ({reveal} shows the answer).",
                   "es": "Escribe un número, como 2, -0.5, 0,5 o 1/3 ({reveal} muestra la respuesta)."},
    "revealed": {"en": "Answer: {explanation}", "es": "Respuesta: {explanation}"},
    "score": {"en": "score {right} / {answered} right first time · {left} to go",
              "es": "aciertos {right} / {answered} a la primera · quedan {left}"},
    "finished": {"en": "final score {right} / {total} right first time",
                 "es": "resultado final: {right} / {total} a la primera"},
})
"""The feedback a quiz gives, in English and Spanish."""


def read_answer(text: str) -> float | None:
    """The number a student typed, or None if it is not one (see :data:`ANSWER_PATTERN`)."""
    if not isinstance(text, str):
        return None
    match = re.match(ANSWER_PATTERN, re.sub(r"\s+", "", text).replace("\u2212", "-"))
    if match is None:
        return None
    numerator, denominator = (float(part.replace(",", ".")) if part else None for part in match.groups())
    if denominator is not None:
        if denominator == 0:
            return None
        numerator /= denominator
    return numerator if math.isfinite(numerator) else None


def is_right(answer: float, expected: float) -> bool:
    """Whether ``answer`` is within :data:`RELATIVE_TOLERANCE` or :data:`ABSOLUTE_TOLERANCE` of ``expected``."""
    return abs(answer - expected) <= max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * abs(expected))


@dataclass(frozen=True)
class Feedback:
    """What the quiz says to one answer: ``kind`` is ``"right"``, ``"wrong"``, ``"unreadable"`` or
    ``"revealed"``; ``message`` the sentence shown."""

    kind: str
    message: str


class Quiz:
    """One student's run through the questions of ``frames`` (from ``viz.steps(root, quiz=True)``).

    A question is *open* until it is answered right or revealed; its first answer decides
    whether it counts in the score. :attr:`frontier` is the first frame a student may not step
    past yet (a question frame with an open question), which the Jupyter stepper keeps its
    slider behind.
    """

    def __init__(self, frames: Sequence) -> None:
        self.frames = list(frames)
        self.attempts: dict[tuple[int, int], int] = {}
        """(frame index, question number) -> wrong answers so far."""
        self.outcome: dict[tuple[int, int], str] = {}
        """(frame index, question number) -> ``"right"`` (first answer), ``"right_later"`` or ``"revealed"``."""
        self.said: dict[int, list[Feedback]] = {}
        """Frame index -> the feedback given there, in order (what a student sees on coming back)."""

    @property
    def total(self) -> int:
        """How many questions the frames ask."""
        return sum(len(frame.questions) for frame in self.frames)

    def open_question(self, index: int) -> int | None:
        """The number of frame ``index``'s first open question, or None when it has none open."""
        for number in range(len(self.frames[index].questions)):
            if (index, number) not in self.outcome:
                return number
        return None

    @property
    def frontier(self) -> int:
        """The first frame with an open question (the last frame when every question is closed)."""
        for frame in self.frames:
            if self.open_question(frame.index) is not None:
                return frame.index
        return len(self.frames) - 1

    def answer(self, index: int, text: str) -> Feedback:
        """Check ``text`` against frame ``index``'s open question (``?`` reveals it)."""
        number = self._open(index)
        if text.strip() == REVEAL:
            return self.reveal(index)
        question = self.frames[index].questions[number]
        value = read_answer(text)
        if value is None:
            return Feedback("unreadable", WORDS("unreadable", reveal=REVEAL))
        key = (index, number)
        if is_right(value, question.answer):
            self.outcome[key] = "right_later" if self.attempts.get(key) else "right"
            return self._say(index, Feedback("right", WORDS(self.outcome[key], explanation=question.explanation)))
        self.attempts[key] = self.attempts.get(key, 0) + 1
        return self._say(index, Feedback("wrong", WORDS("wrong", given=text.strip(), hint=question.hint)))

    def reveal(self, index: int) -> Feedback:
        """Show frame ``index``'s open question's answer (it then counts as not right)."""
        number = self._open(index)
        self.outcome[(index, number)] = "revealed"
        question = self.frames[index].questions[number]
        return self._say(index, Feedback("revealed", WORDS("revealed", explanation=question.explanation)))

    @property
    def right(self) -> int:
        """Questions whose first answer was right."""
        return sum(1 for outcome in self.outcome.values() if outcome == "right")

    def score_text(self) -> str:
        """``score 3 / 4 right first time · 5 to go`` (or the final score once all are closed)."""
        answered = len(self.outcome)
        if answered == self.total:
            return WORDS("finished", right=self.right, total=self.total)
        return WORDS("score", right=self.right, answered=answered, left=self.total - answered)

    def _open(self, index: int) -> int:
        number = self.open_question(index)
        if number is None:
            raise ValueError(f"quiz: frame {index} has no open question")
        return number

    def _say(self, index: int, feedback: Feedback) -> Feedback:
        said = self.said.setdefault(index, [])
        if not said or said[-1] != feedback:  # the same wrong answer twice is told once
            said.append(feedback)
        return feedback
