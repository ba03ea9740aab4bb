"""The argument checks and conversions every part of ``nn`` shares, so a user reads one kind
of message: ``TypeError`` when a value has the wrong type (a str, a bool, a list...),
``ValueError`` when it has the right type but is not accepted (NaN, infinite, out of range).
Each message names the argument, the value given and what is accepted.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from autograd import Value, data_of


def type_name(value: Any) -> str:
    """The name of ``value``'s type for a message: ``int`` or ``Value``, but ``numpy.bool``
    rather than a bare ``bool`` that would contradict "must be a bool"."""
    kind = type(value)
    if kind.__module__ == "builtins" or kind.__module__.partition(".")[0] in ("autograd", "nn"):
        return kind.__qualname__
    return f"{kind.__module__}.{kind.__qualname__}"


def _bounds_text(minimum: Any, maximum: Any, above: Any, below: Any) -> str:
    low = f"[{minimum:g}" if minimum is not None else f"({above:g}" if above is not None else None
    high = f"{maximum:g}]" if maximum is not None else f"{below:g})" if below is not None else None
    if low and high:
        return f"in {low}, {high}"
    if minimum is not None:
        return f"at least {minimum:g}"
    if above is not None:
        return "positive" if above == 0 else f"greater than {above:g}"
    return f"at most {maximum:g}" if maximum is not None else f"below {below:g}"


def number(what: str, value: Any, *, integer: bool = False, minimum: Any = None, maximum: Any = None,
           above: Any = None, below: Any = None, accepted: str | None = None) -> Any:
    """``value`` as a float (an int with ``integer=True``) after checking that it is a finite
    real number (not a bool) with ``minimum <= value <= maximum``, ``above < value < below``
    (each bound optional). ``what`` names the argument in messages (``"SGD(lr)"``);
    ``accepted`` replaces the description of the bounds."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{what} must be {'an int' if integer else 'a number'}, got {type_name(value)}: {value!r}")
    if integer:
        converted: Any = int(value)
    else:
        try:
            converted = float(value)
        except OverflowError:
            converted = math.inf
        if not math.isfinite(converted):
            raise ValueError(f"{what} must be a finite number, got {value!r}")
    if ((minimum is not None and converted < minimum) or (maximum is not None and converted > maximum)
            or (above is not None and converted <= above) or (below is not None and converted >= below)):
        text = accepted or _bounds_text(minimum, maximum, above, below)
        raise ValueError(f"{what} must be {text}, got {value!r}")
    return converted


def flag(what: str, value: Any) -> bool:
    """``value`` if it is a bool, else ``TypeError`` (``1`` or ``"yes"`` are not flags)."""
    if not isinstance(value, bool):
        raise TypeError(f"{what} must be a bool, got {type_name(value)}: {value!r}")
    return value


def as_value(x: Any, what: str) -> Value:
    """``x`` if it is a ``Value``, else a new leaf ``Value(x)`` for a finite number;
    ``TypeError`` / ``ValueError`` naming ``what`` otherwise."""
    if isinstance(x, Value):
        return x
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError(f"{what} must be a Value or a number, got {type_name(x)}: {x!r}")
    return Value(number(what, x))


def as_number(x: Any, what: str) -> float:
    """The number a user gave as ``x``: its ``.data`` for a ``Value``, else ``x`` checked by
    :func:`number` (a finite real number)."""
    return x.data if isinstance(x, Value) else number(what, x)


as_float = data_of
"""The number in ``x`` (a ``Value`` or a number our own code made): :func:`autograd.data_of`.
Unchecked: a gradient may be NaN and is reported by its user."""
