"""The language of what viz shows people: captions, messages and labels, in English or Spanish.

The lecture valuegraph is built from is Spanish, so everything a student reads on screen (the
step-through's captions, the playground's labels and messages) comes in both languages::

    import viz
    viz.set_language("es")      # every caption, page and widget made from now on is in Spanish

Each module keeps the words it shows in a :class:`Catalog` beside the code that uses them, one
entry per message with its text in every language; a catalog checks when it is made that no
language is missing and that every language fills the same ``{fields}``. The setting is one
for the whole process (as matplotlib's ``rcParams``), so a playground training in a thread
speaks the language its notebook chose. Errors raised for programmers stay in English, as
Python's own do.
"""

from __future__ import annotations

import string
from contextlib import contextmanager
from typing import Any, Iterator, Mapping

__all__ = ["LANGUAGES", "Catalog", "set_language", "language", "using_language"]

LANGUAGES = ("en", "es")
"""The languages every catalog has: English and Spanish."""

_current = "en"


def set_language(code: str) -> None:
    """Show captions, messages and labels in ``code``: ``"en"`` (English) or ``"es"`` (Spanish)."""
    global _current
    _current = _checked(code)


def language() -> str:
    """The language now in use (``"en"`` unless :func:`set_language` chose another)."""
    return _current


@contextmanager
def using_language(code: str) -> Iterator[None]:
    """Inside the block, use ``code``; afterwards the language before it."""
    global _current
    saved, _current = _current, _checked(code)
    try:
        yield
    finally:
        _current = saved


def _checked(code: Any) -> str:
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r} (must be one of {', '.join(map(repr, LANGUAGES))})")
    return code


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Catalog:
    """The words one module shows, by key and language: ``catalog("step", n=3)`` is the entry
    ``"step"`` in the current language with ``{n}`` filled in.

    ``Catalog({"step": {"en": "step {n}", "es": "paso {n}"}})``: every entry must have every
    language of :data:`LANGUAGES` and the same fields in each (a ``ValueError`` says which
    entry does not).
    """

    def __init__(self, entries: Mapping[str, Mapping[str, str]]) -> None:
        for key, texts in entries.items():
            missing = [code for code in LANGUAGES if code not in texts]
            if missing:
                raise ValueError(f"catalog entry {key!r} has no text in {', '.join(missing)}")
            fields = {code: _fields(texts[code]) for code in LANGUAGES}
            if any(fields[code] != fields["en"] for code in LANGUAGES):
                raise ValueError(f"catalog entry {key!r} fills different fields in different languages: {fields}")
        self.entries = {key: dict(texts) for key, texts in entries.items()}

    def __call__(self, key: str, **fields: Any) -> str:
        """Entry ``key`` in the current language, with ``fields`` filled in."""
        text = self.entries[key][_current]
        return text.format(**fields) if fields else text

    def __contains__(self, key: str) -> bool:
        return key in self.entries
