"""viz.expression: the safe expression parser behind ``valuegraph graph``."""

import re

import pytest

from autograd import Value
from viz.expression import FUNCTIONS, ExpressionError, parse_expression


def test_lecture_expression_builds_the_graph():
    f, leaves, _ = parse_expression("max((x + y) * z, 0)", {"x": -2, "y": 3, "z": 2})
    assert f.data == 2.0 and f.op.name == "max"
    f.backward()
    assert [leaves[n].grad for n in "xyz"] == [2.0, 2.0, 1.0]
    assert [leaves[n].label for n in "xyz"] == ["x", "y", "z"]


@pytest.mark.parametrize("text, expected", [
    ("x ** 2 - 3 * x / 2", 4 - 3), ("-x + +x", 0.0), ("exp(log(x))", 2.0), ("sqrt(x * 8)", 4.0),
    ("leaky_relu(-x, 0.1)", -0.2), ("elu(x, 2)", 2.0), ("sum(x, x, 1)", 5.0), ("min(x, 1) + abs(-x)", 3.0),
    ("tanh(0) + sigmoid(0) + relu(-x) + softplus(0) + sin(0) + cos(0)", 0.5 + 0.6931471805599453 + 1),
    ("2 ** 3 + x", 10.0),
])
def test_whitelisted_syntax_evaluates(text, expected):
    result, _, _ = parse_expression(text, {"x": 2.0} if "x" in text else {})
    assert result.data == pytest.approx(expected)


def test_power_with_a_constant_exponent_is_one_pow_node():
    result, _, _ = parse_expression("x ** 2", {"x": 3})
    assert result.op.name == "pow" and result.param == 2.0


def test_every_function_is_callable_from_an_expression():
    for name, function in FUNCTIONS.items():
        args = ", ".join(["x"] + ["0.5"] * (function.fewest - 1))
        result, _, _ = parse_expression(f"{name}({args})", {"x": 0.7})
        assert isinstance(result, Value)


def test_functions_are_the_op_tables_value_methods_and_sum():
    from autograd import OPS

    methods = [name for name in OPS if callable(getattr(Value, name, None))]
    assert list(FUNCTIONS) == methods + ["sum"]
    assert {"exp", "log", "sqrt", "sigmoid", "relu", "leaky_relu", "elu", "softplus", "max", "min"} <= set(methods)
    assert (FUNCTIONS["leaky_relu"].fewest, FUNCTIONS["leaky_relu"].most) == (1, 2)
    assert (FUNCTIONS["max"].fewest, FUNCTIONS["max"].most) == (2, 2)
    assert FUNCTIONS["elu"].usage == "elu(x[, alpha])"
    result, _, _ = parse_expression("leaky_relu(x, 0.2)", {"x": -1.0})
    assert result.data == pytest.approx(-0.2) and result.param == 0.2


@pytest.mark.parametrize("text, message", [
    ("__import__('os').system('echo pwned')", "only the functions"),
    ("x.__class__.__bases__", "attribute access"),
    ("open('/etc/passwd')", "unknown function 'open'"),
    ("eval('1')", "unknown function 'eval'"),
    ("(lambda: 1)()", "only the functions"),
    ("[x for x in ()]", "a comprehension is not allowed"),
    ("x[0]", "a subscript ('[...]') is not allowed"),
    ("'a' * 3", "the constant 'a'"),
    ("x if x else 1", "'if ... else'"),
    ("x < 1", "a comparison is not allowed"),
    ("x // 2", "the operator FloorDiv"),
    ("exp(x=1)", "positional arguments only"),
    ("max(x)", "max() takes 2 argument(s), got 1"),
    ("leaky_relu(x, x)", "must be a number, not a variable"),
    ("q + x", "unknown name 'q'"),
    ("exp + x", "exp is a function"),
    ("x +", "syntax error"),
    ("", "empty"),
    ("1j + x", "the constant 1j"),
    ("True + x", "the constant True"),
    ("log(x - 1)", "log is defined for x > 0"),
    ("x / 0", "div is defined for b ≠ 0"),
    ("10.0 ** 400 + x", "overflows a float"),
    ("1e999 + x", "too large"),
    ("(-8) ** 0.5 + x", "not a real number"),
    ("x" + " + x" * 1200, "characters long"),
])
def test_anything_else_is_a_one_line_error(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)) as raised:
        parse_expression(text, {"x": 1.0})
    assert "\n" not in str(raised.value)


def test_variable_errors():
    with pytest.raises(ExpressionError, match="unknown name 'y'"):
        parse_expression("x * y", {"x": 1})
    with pytest.raises(ExpressionError, match="variable z is given but not used"):
        parse_expression("x", {"x": 1, "z": 2})
    with pytest.raises(ExpressionError, match="'exp' is a function name"):
        parse_expression("exp(1)", {"exp": 1})
    with pytest.raises(ExpressionError, match="must be a finite number"):
        parse_expression("x", {"x": float("nan")})
    with pytest.raises(ExpressionError, match="not a valid variable name"):
        parse_expression("x", {"1x": 1.0})


def test_constant_expression_becomes_a_value():
    result, leaves, _ = parse_expression("2 * 3", {})
    assert isinstance(result, Value) and result.data == 6.0 and leaves == {}


def test_a_flat_sum_of_a_thousand_terms_is_evaluated():
    """Flat chains are as long as MAX_LENGTH allows: 1,000 terms is 1,999 characters."""
    text = "+".join(["x"] * 1000)
    result, _, _ = parse_expression(text, {"x": 1.0})
    assert result.data == 1000.0
    result.backward()
    assert len(list(result.parents)) == 2


def test_a_long_chain_of_unary_minus_is_evaluated():
    result, _, _ = parse_expression("-" * 1999 + "x", {"x": 2.0})
    assert result.data == -2.0


@pytest.mark.parametrize("text, hint", [("x^2", "x ** 2"), ("(x + 1) ^ 3", "(x + 1) ** 3"),
                                        ("-x^2", "-x ** 2"), ("x ^ 2 + 1", "x ** 2 + 1")])
def test_caret_says_to_use_double_star(text, hint):
    with pytest.raises(ExpressionError, match=re.escape(f"'^' is not a power in Python: write {hint}")):
        parse_expression(text, {"x": 2.0})


def test_named_intermediates_label_their_values():
    f, leaves, _ = parse_expression("q = x + y; f = max(q * z, 0)", {"x": -2, "y": 3, "z": 2})
    assert f.label == "f" and f.data == 2.0
    q = f.parents[0].parents[0]
    assert q.label == "q" and q.data == 1.0 and q.op.name == "add"
    f.backward()
    assert [leaves[n].grad for n in "xyz"] == [2.0, 2.0, 1.0]


def test_statements_may_be_on_lines_and_end_with_a_bare_expression():
    out, _, _ = parse_expression("a = x * 2\nb = a + 1\nb * 3", {"x": 1.0})
    assert out.label == "" and out.data == 9.0
    assert out.parents[0].label == "b" and out.parents[0].parents[0].label == "a"


@pytest.mark.parametrize("text, message", [
    ("x = y + 1; x * 2", "x is a variable given on the command line; name the result of y + 1 otherwise"),
    ("q = x; q * 2", "q = x only renames x"),
    ("q = x + 1; q = q * 2; q", "q is assigned twice"),
    ("exp = x + 1; exp", "exp is a function name"),
    ("q = r = x + 1; q", "one name per assignment"),
    ("q += x", "augmented assignment"),
    ("f = q + x; q = x + 1", "unknown name 'q'"),
    ("import os", "only expressions and assignments NAME = EXPRESSION are allowed"),
])
def test_assignment_errors(text, message):
    with pytest.raises(ExpressionError, match=re.escape(message)):
        parse_expression(text, {"x": 1.0, "y": 2.0})


def test_each_statement_is_returned_with_its_own_value():
    parsed = parse_expression("x*3; q = x + y; f = q*2", {"x": 1.0, "y": 2.0})
    assert [(s.name, s.source, s.value.data) for s in parsed.statements] == [
        (None, "x*3", 3.0), ("q", "x + y", 3.0), ("f", "q*2", 6.0)]
    assert parsed.output is parsed.statements[-1].value and list(parsed.leaves) == ["x", "y"]


def test_an_unknown_name_lists_the_variables_given_not_the_named_constants():
    with pytest.raises(ExpressionError, match=r"unknown name 'z'.*\(variables given: x\)$"):
        parse_expression("c = 2; d = c * x; f = d * z", {"x": 1.0})
    with pytest.raises(ExpressionError, match=r"\(variables given: none\)$"):
        parse_expression("c = 2; f = c * z", {})
