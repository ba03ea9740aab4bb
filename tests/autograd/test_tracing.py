"""autograd.tracing and the batch axis: one function, written with each_sample and the reductions
over samples, runs on lists of samples (the scalar engine) and compiled with the batch as an
array axis; both give the same values, gradients and errors.

The property tests build random per-sample recipes over every op of the table, reduce them over
the samples, and go on computing with the reduced values and the parameters; the same function
runs on the scalar engine and compiled, and the two agree within 1e-12 (relative, with an
absolute floor of 1e-12 where a sum over the batch adds in another order).
"""

from __future__ import annotations

import math
import threading

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

import autograd
from autograd import OPS, Value
from autograd.tracing import (PerSampleCode, Samples, after_every_call, check_on_every_call, detach,
                              draw_on_every_call, each_sample, guard, is_tracing, mean_over_samples,
                              read_on_every_call, sample_count, sum_over_samples)

from .test_compile import check_replays, close, replay, steps

np = pytest.importorskip("numpy")


def batched_function(per_sample: list, after: list, params: list[Value], mean: bool):
    """Per sample: the recipe ``per_sample`` on the sample's inputs and the parameters; then
    its output reduced over the samples (mean or sum), and ``after`` on the reduced value and
    the parameters. Written with each_sample: runs on lists and on Samples alike."""
    def fn(X):  # noqa: N803
        outputs = each_sample(lambda x: replay(per_sample, list(x) + params), X)
        reduced = mean_over_samples(outputs) if mean else sum_over_samples(outputs)
        return replay(after, [reduced, *params]), outputs
    return fn


batches = st.integers(1, 6).flatmap(lambda rows: st.integers(1, 3).flatmap(lambda cols: st.lists(
    st.lists(st.floats(-2, 2), min_size=cols, max_size=cols), min_size=rows, max_size=rows)))


def check(per_sample, after, X, weights, mean):  # noqa: N803
    params = [Value(w) for w in weights]
    # another batch size (one more row) on the second call: the same program
    X2 = [[v * 0.7 - 0.3 for v in row] for row in X] + [[0.1 * (i + 1) for i in range(len(X[0]))]]  # noqa: N806
    assert check_replays(batched_function(per_sample, after, params, mean), X, X2, params).batched


@pytest.mark.parametrize("op_name", list(OPS))
@given(data=st.data())
def test_random_batched_graphs_starting_with_each_op_match_the_scalar_engine(op_name, data):
    per_sample = data.draw(steps(first_op=op_name))
    after = data.draw(steps())
    X = data.draw(batches)  # noqa: N806
    weights = data.draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=3))
    mean = data.draw(st.booleans())
    note(f"per_sample={per_sample} after={after} mean={mean}")
    check(per_sample, after, X, weights, mean)


@given(per_sample=steps(), after=steps(), X=batches, weights=st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=3),
       mean=st.booleans())
def test_random_batched_graphs_of_any_ops_match_the_scalar_engine(per_sample, after, X, weights, mean):  # noqa: N803
    check(per_sample, after, X, weights, mean)


# --------------------------------------------------------------------------------------------
# The helpers outside a trace: what their names say, on lists of samples.
# --------------------------------------------------------------------------------------------

def test_outside_a_trace_the_helpers_work_on_lists_of_samples_at_once():
    batch = [[Value(1.0), Value(2.0)], [Value(3.0), Value(5.0)]]
    assert not is_tracing()
    sums = each_sample(lambda x: x[0] + x[1], batch)
    assert [v.data for v in sums] == [3.0, 8.0] and sample_count(batch) == 2
    assert sum_over_samples(sums).data == 11.0 and mean_over_samples(sums).data == 5.5
    assert [c.data for c in read_on_every_call(lambda: [0.5, 0.25])] == [0.5, 0.25]
    assert draw_on_every_call(batch, 3, lambda rows, width: [[float(rows)] * width] * rows) == [[2.0] * 3] * 2
    seen = []
    after_every_call([sums[0]], lambda numbers, samples: seen.append((numbers, samples)), batch)
    assert seen == [([3.0], 2)]
    constant = detach(sums[1])
    assert isinstance(constant, autograd.Constant) and constant.data == 8.0 and not constant.parents
    with pytest.raises(ValueError, match="sample 1 is 8.0"):
        check_on_every_call(sums, lambda x: x < 5, lambda i, x: f"sample {i} is {x}")
    guard(lambda: 1 / 0)  # nothing to guard outside a trace: not even called


def test_a_samples_is_not_a_sequence_and_code_that_treats_it_as_one_is_traced_per_sample():
    samples = Samples([Value(1.0)], 4)
    for use in (len, iter, lambda s: s[0]):
        with pytest.raises(PerSampleCode):
            use(samples)
    w = Value(0.5)
    compiled = autograd.compile(lambda X: autograd.sum([(w * x[0]).exp() for x in X]))  # noqa: N803
    out = compiled([[1.0], [2.0], [-1.0]])
    assert not compiled.batched  # it loops over X itself: traced sample by sample, exact
    assert close(out.data, sum(math.exp(0.5 * v) for v in (1.0, 2.0, -1.0)))
    out.backward()
    assert close(w.grad, sum(v * math.exp(0.5 * v) for v in (1.0, 2.0, -1.0)))


# --------------------------------------------------------------------------------------------
# Inside a trace: what is read, drawn, done, detached and checked happens on every call.
# --------------------------------------------------------------------------------------------

def test_a_read_is_an_input_read_again_on_every_call():
    state = {"scale": 2.0}
    compiled = autograd.compile(lambda X: sum_over_samples(each_sample(  # noqa: N803
        lambda x: x[0] * read_on_every_call(lambda: [state["scale"]])[0], X)))
    assert compiled([[1.0], [2.0]]).data == 6.0
    state["scale"] = -1.0
    assert compiled([[1.0], [2.0], [4.0]]).data == -7.0
    assert compiled.traces == 1


def test_draws_happen_on_every_call_and_never_while_tracing():
    draws = []

    def draw(rows, width):
        draws.append((rows, width))
        return [[float(len(draws))] * width for _ in range(rows)]

    compiled = autograd.compile(lambda X: sum_over_samples(each_sample(  # noqa: N803
        lambda x, mask: x[0] * mask[0] + x[1] * mask[1], X, draw_on_every_call(X, 2, draw))))
    assert compiled([[1.0, 1.0], [1.0, 1.0]]).data == 4.0  # the trace drew nothing: the call drew once
    assert compiled([[1.0, 1.0]] * 3).data == 12.0
    assert draws == [(2, 2), (3, 2)]


def test_effects_run_after_every_call_with_that_calls_numbers_and_sample_count():
    seen = []

    def fn(X):  # noqa: N803
        mean = mean_over_samples(each_sample(lambda x: x[0], X))
        after_every_call([mean], lambda numbers, samples: seen.append((numbers, samples)), X)
        return mean

    compiled = autograd.compile(fn)
    compiled([[1.0], [3.0]])
    compiled([[2.0], [4.0], [9.0]])
    assert seen == [([2.0], 2), ([5.0], 3)]


def test_a_detached_value_is_recomputed_on_every_call_and_takes_no_gradient():
    w = Value(1.5)

    def fn(X):  # noqa: N803
        return sum_over_samples(each_sample(lambda x: w * x[0] - detach(w * x[0]) + detach(x[0] * x[0]), X))

    compiled = autograd.compile(fn)
    out = compiled([[2.0], [-1.0]])
    assert close(out.data, 5.0)
    out.backward()
    assert close(w.grad, 1.0)  # through w·x only: 2 + (-1)
    assert close(compiled([[3.0]]).data, 9.0)


def test_a_check_runs_on_every_call_and_names_the_sample():
    def fn(X, y):  # noqa: N803
        check_on_every_call(y, lambda t: (t == -1) | (t == 1), lambda i, t: f"y[{i}] = {t!r} must be -1 or +1")
        return sum_over_samples(each_sample(lambda x, t: x[0] * t, X, y))

    compiled = autograd.compile(fn)
    assert compiled([[1.0], [2.0]], [1, -1]).data == -1.0
    with pytest.raises(ValueError, match=r"y\[2\] = 2.0 must be -1 or \+1"):
        compiled([[1.0], [2.0], [3.0]], [1, -1, 2])


def test_a_guard_that_reads_differently_traces_again_and_both_programs_are_kept():
    mode = {"double": True}

    def fn(X):  # noqa: N803
        guard(lambda: mode["double"])
        factor = 2.0 if mode["double"] else 3.0
        return sum_over_samples(each_sample(lambda x: x[0] * factor, X))

    compiled = autograd.compile(fn)
    assert compiled([[1.0]]).data == 2.0
    mode["double"] = False
    assert compiled([[1.0]]).data == 3.0
    mode["double"] = True
    assert compiled([[1.0]]).data == 2.0
    assert compiled.traces == 2


# --------------------------------------------------------------------------------------------
# The batch axis: one trace for every size, errors naming the sample, threads.
# --------------------------------------------------------------------------------------------

def test_one_program_serves_every_number_of_samples_and_its_size_does_not_grow_with_them():
    w = Value(0.3)
    compiled = autograd.compile(lambda X, y: mean_over_samples(  # noqa: N803
        each_sample(lambda x, t: ((w * x[0] + x[1]).tanh() - t) ** 2, X, y)))
    rng = np.random.default_rng(0)
    for n in (1, 7, 100, 10_000):
        X, y = rng.normal(size=(n, 2)), rng.normal(size=n)  # noqa: N806
        expected = float(np.mean((np.tanh(0.3 * X[:, 0] + X[:, 1]) - y) ** 2))
        assert close(compiled(X, y).data, expected)
    assert compiled.traces == 1
    (program,) = next(iter(compiled._programs.values()))
    assert program.batched_size < 10 and len(program.kernels) < 10


def test_a_domain_error_in_a_batch_names_its_sample():
    compiled = autograd.compile(lambda X: mean_over_samples(each_sample(lambda x: x[0].log(), X)))  # noqa: N803
    with pytest.raises(ValueError, match=r"^sample 300: log\(-1.0\): outside its domain"):
        compiled([[1.0]] * 300 + [[-1.0]] + [[2.0]] * 299)


def test_several_outputs_are_returned_as_they_are_never_added_together():
    out = autograd.compile(lambda x: [x * 1e308, x * 1e308])(1.5)
    assert [v.data for v in out] == [1.5e308, 1.5e308]
    minibatch = autograd.compile(lambda X: each_sample(lambda x: x[0] * 1e308, X))(  # noqa: N803
        [[1.5], [1.0]])
    assert [v.data for v in minibatch] == [1.5e308, 1e308]


@pytest.mark.parametrize("argument", [10 ** 400, [1.0, -10 ** 400]])
def test_an_int_too_large_for_a_float_is_refused_as_value_refuses_it(argument):
    with pytest.raises(OverflowError, match="must be finite, got a number too large for a float"):
        autograd.compile(lambda x: x)(argument)
    with pytest.raises(OverflowError, match="must be finite, got a number too large for a float"):
        Value(10 ** 400)


def test_several_threads_calling_one_compiled_function_get_their_own_answers():
    w = Value(0.7)
    compiled = autograd.compile(lambda X: mean_over_samples(each_sample(  # noqa: N803
        lambda x: (w * x[0]).sin() * x[1], X)))
    inputs = [np.random.default_rng(i).normal(size=(50 + i, 2)) for i in range(8)]
    serial = [compiled(X).data for X in inputs]  # noqa: N806
    results: dict = {}
    arrays_agree = []

    def work(index: int) -> None:
        for _ in range(40):
            X = inputs[index]  # noqa: N806
            results.setdefault(index, set()).add(compiled(X).data)
            arrays_agree.append(compiled.outputs(X) == serial[index])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: {serial[i]} for i in range(8)}
    assert len(arrays_agree) == 320 and all(arrays_agree)


def test_gradients_added_from_several_threads_all_arrive():
    w = Value(0.0)
    compiled = autograd.compile(lambda X: sum_over_samples(each_sample(lambda x: w * x[0], X)))  # noqa: N803

    def work() -> None:
        for _ in range(50):
            compiled([[1.0], [1.0]]).backward()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert w.grad == 4 * 50 * 2.0


def test_a_number_read_from_python_that_is_not_finite_is_named_as_such():
    state = {"scale": 1.0}
    compiled = autograd.compile(lambda X: sum_over_samples(each_sample(  # noqa: N803
        lambda x: x[0] * read_on_every_call(lambda: [state["scale"]])[0], X)))
    compiled([[1.0]])
    state["scale"] = math.inf
    with pytest.raises(ValueError, match="a number fn reads from Python on every call .* is inf; it must be finite"):
        compiled([[1.0]])
