"""Safe expressions for ``valuegraph graph``: ``"max((x + y) * z, 0)"`` with x=-2, y=3, z=2.

The text is parsed with Python's ``ast`` and only a whitelist is evaluated (never ``eval``):
numbers, variables, ``+ - * / **``, unary ``-``/``+`` and :data:`FUNCTIONS` (the engine's ops that
are ``Value`` methods, and ``sum``). Anything else (attribute access, subscripts, strings,
keywords, lambdas...), an unknown name or a missing variable raises :class:`ExpressionError`
with a one-line message.
"""

from __future__ import annotations

import ast
import functools
import inspect
import math
from typing import Any, Callable, Mapping, NamedTuple

import autograd
from autograd import Value

__all__ = ["parse_expression", "ExpressionError", "FUNCTIONS", "Function", "MAX_LENGTH"]

MAX_LENGTH = 2000
"""Longest expression accepted, in characters."""


def _value(x: Any) -> Value:
    return x if isinstance(x, Value) else Value(x)


class Function(NamedTuple):
    """A function an expression may call."""

    fewest: int
    most: int
    call: Callable[..., Any]
    usage: str
    """How to call it, e.g. ``leaky_relu(x[, slope])``."""


def _call_method(name: str, x: Any, *constants: Any) -> Value:
    return getattr(_value(x), name)(*constants)


def _table_functions() -> dict[str, Function]:
    """Every op of the engine's table that is a ``Value`` method (``exp``, ``leaky_relu``,
    ``max``...), taking the method's arguments, then ``sum`` (one n-ary node)."""
    functions = {}
    for name in autograd.OPS:
        method = getattr(Value, name, None)
        if name.startswith("_") or not callable(method):
            continue  # operators (+, -, *, /, **) and n-ary ops without a method
        extra = list(inspect.signature(method).parameters.values())[1:]
        required = [p.name for p in extra if p.default is inspect.Parameter.empty]
        optional = "".join(f"[, {p.name}]" for p in extra if p.default is not inspect.Parameter.empty)
        functions[name] = Function(1 + len(required), 1 + len(extra), functools.partial(_call_method, name),
                                   f"{name}({', '.join(['x', *required])}{optional})")
    functions["sum"] = Function(1, 1000, lambda *xs: autograd.sum(xs), "sum(a, b, ...)")
    return functions


FUNCTIONS: dict[str, Function] = _table_functions()
"""The functions an expression may call, derived from the engine's op table (``autograd.OPS``):
``leaky_relu(x, slope)`` and ``elu(x, alpha)`` take an optional constant second argument;
``sum(a, b, ...)`` is one n-ary node."""

_CONSTANT_ARGUMENT = {name for name in FUNCTIONS if name in autograd.OPS and "{param}" in autograd.OPS[name].symbol}
_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
           ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}
_ALLOWED = ("numbers, variables, + - * / **, unary minus and the functions " + ", ".join(FUNCTIONS))


class ExpressionError(ValueError):
    """An expression that cannot be evaluated; the message is one line saying why."""


def _describe(node: ast.AST) -> str:
    """What ``node`` is, as the singular subject of "... is not allowed"."""
    names = {ast.Attribute: "attribute access ('.')", ast.Subscript: "a subscript ('[...]')",
             ast.Lambda: "lambda", ast.Compare: "a comparison", ast.BoolOp: "'and'/'or'",
             ast.IfExp: "'if ... else'", ast.List: "a list", ast.Tuple: "a tuple", ast.Dict: "a dict",
             ast.Set: "a set", ast.JoinedStr: "an f-string", ast.NamedExpr: "':='", ast.Starred: "'*' unpacking",
             ast.ListComp: "a comprehension", ast.GeneratorExp: "a generator", ast.Await: "await"}
    for kind, text in names.items():
        if isinstance(node, kind):
            return text
    if isinstance(node, ast.BinOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.UnaryOp):
        return f"the operator {type(node.op).__name__}"
    if isinstance(node, ast.Constant):
        return f"the constant {node.value!r}"
    return type(node).__name__


def parse_expression(text: str, variables: Mapping[str, float]) -> tuple[Value, dict[str, Value]]:
    """Evaluate ``text`` into a graph: returns ``(output, {name: leaf Value})``.

    Every variable becomes a leaf ``Value`` labelled with its name; numbers stay constants.
    Raises :class:`ExpressionError` (a ``ValueError``) for a syntax error, anything outside
    the whitelist, an unknown function or name, a missing or unused variable, or a value that
    the math does not allow (``log(0)``, division by zero, overflow).
    """
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"the expression is {len(text)} characters long; at most {MAX_LENGTH} are accepted")
    if not text.strip():
        raise ExpressionError("the expression is empty")
    for name, number in variables.items():
        if not name.isidentifier():
            raise ExpressionError(f"{name!r} is not a valid variable name")
        if name in FUNCTIONS:
            raise ExpressionError(f"{name!r} is a function name and cannot be a variable")
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
            raise ExpressionError(f"the value of {name} must be a finite number, got {number!r}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        where = f" at column {error.offset}" if error.offset else ""
        raise ExpressionError(f"syntax error{where}: {error.msg}") from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError("the expression cannot be parsed (too deeply nested?)") from None
    leaves = {name: Value(float(number), name) for name, number in variables.items()}
    used: set[str] = set()
    try:
        result = _evaluate(tree.body, leaves, used)
    except RecursionError:
        raise ExpressionError("the expression is too deeply nested") from None
    except ExpressionError:
        raise
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
        message = " ".join(str(error).split())
        raise ExpressionError(f"cannot evaluate the expression: {message}") from None
    unused = [name for name in variables if name not in used]
    if unused:
        raise ExpressionError(f"variable {unused[0]} is given but not used in the expression")
    if not isinstance(result, Value):
        result = Value(result)
    return result, {name: leaves[name] for name in variables}


def _evaluate(node: ast.AST, leaves: dict[str, Value], used: set[str]) -> Any:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        number = float(node.value)
        if not math.isfinite(number):
            raise ExpressionError(f"the number {node.value!r} is too large")
        return number
    if isinstance(node, ast.Name):
        if node.id in leaves:
            used.add(node.id)
            return leaves[node.id]
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
        raise ExpressionError(f"unknown name {node.id!r}: give its value as {node.id}=NUMBER "
                              f"(variables given: {', '.join(leaves) or 'none'})")
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = _evaluate(node.left, leaves, used)
        right = _evaluate(node.right, leaves, used)
        try:
            result = _BINARY[type(node.op)](left, right)
        except OverflowError as error:
            if isinstance(left, Value) or isinstance(right, Value):
                raise  # the engine's message names the op
            raise ExpressionError(f"{ast.unparse(node)} overflows a float (largest is about 1.8e308)") from error
        if isinstance(result, complex):
            raise ExpressionError(f"{left!r} ** {right!r} is not a real number")
        return result
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _evaluate(node.operand, leaves, used)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"only the functions {', '.join(FUNCTIONS)} can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name!r} (allowed: {', '.join(FUNCTIONS)})")
        if node.keywords:
            raise ExpressionError(f"{name}() takes positional arguments only")
        fewest, most, function, _ = FUNCTIONS[name]
        if not fewest <= len(node.args) <= most:
            expected = str(fewest) if fewest == most else f"{fewest} to {most}"
            raise ExpressionError(f"{name}() takes {expected} argument(s), got {len(node.args)}")
        args = [_evaluate(arg, leaves, used) for arg in node.args]
        if name in _CONSTANT_ARGUMENT and len(args) == 2 and isinstance(args[1], Value):
            raise ExpressionError(f"the second argument of {name}() must be a number, not a variable")
        return function(*args)
    raise ExpressionError(f"{_describe(node)} is not allowed in an expression (allowed: {_ALLOWED})")
