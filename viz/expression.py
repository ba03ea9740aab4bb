"""Safe expressions for ``valuegraph graph``: ``"max((x + y) * z, 0)"`` with x=-2, y=3, z=2.

Intermediate values may be named as the lecture names them, in statements separated by ``;``
or new lines: ``"q = x + y; f = max(q * z, 0)"`` labels the sum ``q`` and the output ``f``.

The text is parsed with Python's ``ast`` and only a whitelist is evaluated (never ``eval``):
numbers, variables, ``+ - * / **``, unary ``-``/``+`` and :data:`FUNCTIONS` (the engine's ops that
are ``Value`` methods, and ``sum``). Anything else (attribute access, subscripts, strings,
keywords, lambdas...), an unknown name or a missing variable raises :class:`ExpressionError`
with a one-line message.
"""

from __future__ import annotations

import ast
import re
import functools
import inspect
import math
from typing import Any, Callable, Mapping, NamedTuple

import autograd
from autograd import Value

__all__ = ["parse_expression", "Parsed", "Statement", "ExpressionError", "FUNCTIONS", "Function", "MAX_LENGTH"]

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


class Statement(NamedTuple):
    """One statement of an expression and the value it computed."""

    name: str | None
    """The name it assigns (``q`` of ``q = x + y``), or ``None`` for a bare expression."""
    source: str
    """The expression as written (``x + y``)."""
    value: Value


class Parsed(NamedTuple):
    """What :func:`parse_expression` returns."""

    output: Value
    """The last statement's value."""
    leaves: dict[str, Value]
    """The variables given, each a leaf labelled with its name, in the order given."""
    statements: list[Statement]
    """Every statement in order, each with its own value."""


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


def parse_expression(text: str, variables: Mapping[str, float]) -> Parsed:
    """Evaluate ``text`` into a graph: returns ``Parsed(output, {name: leaf Value}, statements)``,
    ``statements`` holding each statement's name (or ``None``), text and value.

    ``text`` is one expression, or statements separated by ``;`` or new lines that name
    intermediate values as the lecture does (``"q = x + y; f = max(q * z, 0)"``): each
    ``NAME = EXPRESSION`` labels its value ``NAME``, and the last statement's value is the output.
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
    leaves = {name: Value(float(number), name) for name, number in variables.items()}
    names: dict[str, Any] = dict(leaves)
    used: set[str] = set()
    assigned: list[str] = []
    done: list[Statement] = []
    source = text.strip()
    for target, expression in _statements(text, leaves):
        written = _segment(source, expression)
        result = _evaluate_safely(expression, names, used, source, tuple(variables))
        if target is not None:
            result = _named(target, written, result, names)
            assigned.append(target)
        elif not isinstance(result, Value):
            result = Value(result)  # a bare number: a node to show, of the statement's value
        done.append(Statement(target, written, result))
    unused = [name for name in [*variables, *assigned[:-1]] if name not in used]
    if unused:
        kind = "variable" if unused[0] in variables else "intermediate"
        raise ExpressionError(f"{kind} {unused[0]} is {'given' if kind == 'variable' else 'assigned'} "
                              f"but not used in the expression")
    return Parsed(done[-1].value, {name: leaves[name] for name in variables}, done)


def _segment(source: str, node: ast.AST) -> str:
    """The text of ``node`` as written in ``source`` (``ast.unparse`` recurses: a long chain
    would overflow Python's stack)."""
    return ast.get_source_segment(source, node) or "?"


def _statements(text: str, leaves: Mapping[str, Value]) -> list[tuple[str | None, ast.expr]]:
    """``text`` as (name assigned or None, expression) pairs, checked for their form only."""
    try:
        tree = ast.parse(text.strip(), mode="exec")
    except SyntaxError as error:
        where = f" at column {error.offset}" if error.offset else ""
        raise ExpressionError(f"syntax error{where}: {error.msg}") from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError("the expression cannot be parsed (too deeply nested?)") from None
    source = text.strip()
    statements: list[tuple[str | None, ast.expr]] = []
    seen: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Expr):
            statements.append((None, statement.value))
            continue
        if isinstance(statement, ast.AugAssign):
            raise ExpressionError("augmented assignment (+=, *=...) is not allowed: each value gets a new name, "
                                  "as in q = x + y")
        if not isinstance(statement, ast.Assign):
            raise ExpressionError("only expressions and assignments NAME = EXPRESSION are allowed, separated by "
                                  f"';' or new lines (got {_segment(source, statement)[:40]!r})")
        if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
            raise ExpressionError(f"one name per assignment, as in q = x + y (got {_segment(source, statement)[:40]!r})")
        name = statement.targets[0].id
        if name in FUNCTIONS:
            raise ExpressionError(f"{name} is a function name and cannot name a value")
        if name in leaves:
            raise ExpressionError(f"{name} is a variable given on the command line; name the result of "
                                  f"{_segment(source, statement.value)} otherwise")
        if name in seen:
            raise ExpressionError(f"{name} is assigned twice; give each value its own name")
        seen.add(name)
        statements.append((name, statement.value))
    if not statements:
        raise ExpressionError("the expression is empty")
    return statements


def _named(name: str, expression: str, result: Any, names: dict[str, Any]) -> Value:
    """``result`` labelled ``name`` and known by that name from now on."""
    if not isinstance(result, Value):
        result = Value(result, name)  # a name for a number: a constant worth a node of its own
    elif result.label:
        raise ExpressionError(f"{name} = {expression} only renames {result.label}; name a computation, "
                              f"as in {name} = {result.label} * 2")
    else:
        result.label = name
    names[name] = result
    return result


def _evaluate_safely(expression: ast.expr, names: Mapping[str, Any], used: set[str], source: str,
                     given: tuple[str, ...]) -> Any:
    """:func:`_evaluate` with the math's errors (``log(0)``, overflow) as :class:`ExpressionError`."""
    try:
        return _evaluate(expression, names, used, source, given)
    except ExpressionError:
        raise
    except RecursionError:  # the engine's own recursion, if any: the expression is already flat here
        raise ExpressionError("the expression is too deeply nested") from None
    except (ValueError, ZeroDivisionError, OverflowError, TypeError) as error:
        message = " ".join(str(error).split())
        raise ExpressionError(f"cannot evaluate the expression: {message}") from None


def _evaluate(root: ast.expr, names: Mapping[str, Any], used: set[str], source: str, given: tuple[str, ...]) -> Any:
    """The value of ``root``, computed without recursion (operands before the node that uses
    them, on an explicit stack), so a long flat chain such as a 1,000-term sum is no deeper
    for Python than ``x + y``. ``given`` names the variables the user gave (for messages)."""
    values: dict[ast.AST, Any] = {}
    stack: list[tuple[ast.AST, bool]] = [(root, False)]
    while stack:
        node, operands_done = stack.pop()
        if operands_done:
            values[node] = _combine(node, [values.pop(child) for child in _operands(node)], source)
            continue
        operands = _check(node, source)
        if operands is None:  # a number or a name: its value is known now
            values[node] = _leaf_value(node, names, used, given)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(operands))
    return values[root]


def _operands(node: ast.AST) -> list[ast.AST]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    return list(node.args)  # ast.Call


def _check(node: ast.AST, source: str) -> list[ast.AST] | None:
    """The operands of an allowed ``node`` (None for a number or a name); ExpressionError for
    anything outside the whitelist, before any operand is evaluated."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return None
    if isinstance(node, ast.Name):
        return None
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        return _operands(node)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
        raise ExpressionError(f"'^' is not a power in Python: write {_as_power(source)}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _operands(node)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise ExpressionError(f"only the functions {', '.join(FUNCTIONS)} can be called")
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExpressionError(f"unknown function {name!r} (allowed: {', '.join(FUNCTIONS)})")
        if node.keywords:
            raise ExpressionError(f"{name}() takes positional arguments only")
        fewest, most, _, _ = FUNCTIONS[name]
        if not fewest <= len(node.args) <= most:
            expected = str(fewest) if fewest == most else f"{fewest} to {most}"
            raise ExpressionError(f"{name}() takes {expected} argument(s), got {len(node.args)}")
        return _operands(node)
    raise ExpressionError(f"{_describe(node)} is not allowed in an expression (allowed: {_ALLOWED})")


def _as_power(source: str) -> str:
    """The expression with every ``^`` written as ``**``: ``-x^2`` -> ``-x ** 2``, which Python
    reads as the writer meant, -(x²), since ``**`` binds tighter than unary minus and ``+`` as
    a power does in mathematics (Python reads ``-x ^ 2`` as ``(-x) ^ 2``, so rewriting the tree
    would change the meaning). A long text gets only the operator as the hint."""
    rewritten = re.sub(r"\s*\^\s*", " ** ", source.strip())
    return rewritten if len(rewritten) <= 60 else "** for a power, as in x ** 2"


def _leaf_value(node: ast.AST, names: Mapping[str, Any], used: set[str], given: tuple[str, ...]) -> Any:
    """The value of a number or a name."""
    if isinstance(node, ast.Constant):
        number = float(node.value)
        if not math.isfinite(number):
            raise ExpressionError(f"the number {node.value!r} is too large")
        return number
    if node.id in names:
        used.add(node.id)
        return names[node.id]
    if node.id in FUNCTIONS:
        raise ExpressionError(f"{node.id} is a function: call it, as in {node.id}(x)")
    raise ExpressionError(f"unknown name {node.id!r}: give its value as {node.id}=NUMBER, or name it before "
                          f"its use as {node.id} = EXPRESSION (variables given: {', '.join(given) or 'none'})")


def _combine(node: ast.AST, operands: list[Any], source: str) -> Any:
    """The value of an operator or call node from its operands' values."""
    if isinstance(node, ast.BinOp):
        left, right = operands
        try:
            result = _BINARY[type(node.op)](left, right)
        except OverflowError as error:
            if isinstance(left, Value) or isinstance(right, Value):
                raise  # the engine's message names the op
            raise ExpressionError(f"{_segment(source, node)} overflows a float (largest is about 1.8e308)") from error
        if isinstance(result, complex):
            raise ExpressionError(f"{left!r} ** {right!r} is not a real number")
        return result
    if isinstance(node, ast.UnaryOp):
        return -operands[0] if isinstance(node.op, ast.USub) else operands[0]
    name = node.func.id
    if name in _CONSTANT_ARGUMENT and len(operands) == 2 and isinstance(operands[1], Value):
        raise ExpressionError(f"the second argument of {name}() must be a number, not a variable")
    return FUNCTIONS[name].call(*operands)
