"""What code built on the engine tells :func:`autograd.compile` while it is traced.

``compile(fn)`` runs ``fn`` once on Values (a *trace*) and replays the recorded graph as array
kernels. Two things in ``fn`` need words of their own so that the replay stays exact.

**A minibatch as one sample.** A function written over a minibatch (``nn.hinge(model(X), y)``)
would record one subgraph per sample. Instead, the trace hands ``fn`` each argument that has a
row per sample as :class:`Samples`: *one* sample whose numbers stand for every row, the batch
carried as an array axis (what JAX's ``vmap`` does with a function written for one example).
Code that works sample by sample uses :func:`each_sample`; code that combines samples uses
:func:`sum_over_samples` / :func:`mean_over_samples` (a loss's mean, batch norm's statistics);
:func:`sample_count` is the batch's size. Outside a trace these take plain lists of samples
and do what their names say with ordinary Values, so ``nn``'s layers are written once for both.
A ``Samples`` is not a sequence: code that iterates over it, indexes it or takes its ``len``
works sample by sample in Python, and ``compile`` then traces ``fn`` sample by sample instead
(exact, but the trace grows with the batch).

**What the graph cannot hold.** A number read from Python state (batch norm's running
estimates), a random draw (dropout's masks) or a side effect (updating the running estimates)
happens once while tracing, and a replay would freeze it. :func:`read_on_every_call` turns such
a read into an input of the program, read again on every call; :func:`after_every_call` runs a
side effect with the numbers of every call; :func:`detach` makes a constant out of a computed
number (recomputed on every call); :func:`check_on_every_call` checks numbers (targets) on every
call; :func:`guard` names Python state the graph's shape depends on (a module's training mode),
so that a change traces ``fn`` again. Outside a trace each of these acts at once.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator, Sequence

from .ops import OPS
from .value import Constant, Value, _leaf, apply
from .value import sum as value_sum

__all__ = ["Samples", "PerSampleCode", "each_sample", "sample_count", "sum_over_samples", "mean_over_samples",
           "read_on_every_call", "draw_on_every_call", "after_every_call", "detach", "check_on_every_call", "guard",
           "is_tracing"]


class PerSampleCode(Exception):
    """Raised inside a trace when ``fn`` treats a :class:`Samples` as a sequence of samples:
    ``compile`` then traces ``fn`` sample by sample."""


class Trace:
    """What one trace recorded besides the graph (made by ``compile``, read by its program)."""

    def __init__(self) -> None:
        self.batched_leaves: set[Value] = set()
        """Leaves standing for one number per sample (a Samples argument's, a per-sample read)."""
        self.reductions: set[Value] = set()
        """Nodes that add a per-sample value over the samples (:func:`sum_over_samples`)."""
        self.reads: list[tuple[list[Value], Callable, bool]] = []
        """``(leaves, read, per_sample)``: inputs filled on every call by ``read(samples)`` (the
        call's number of samples): a list of floats, or with ``per_sample`` a list per sample."""
        self.effects: list[tuple[list[Value], Callable]] = []
        """``(values, effect)``: ``effect(numbers, samples)`` after every call."""
        self.detached: dict[Value, Value] = {}
        """Constant leaf -> the value it copies on every call."""
        self.checks: list[tuple[list[Value], Callable, Callable]] = []
        """``(values, ok, message)``: ``ok(arrays)`` must hold on every call (see check_on_every_call)."""
        self.guards: list[tuple[Callable, Any]] = []
        """``(getter, value while tracing)``: the program is valid while each getter returns its value."""

    def new_leaf(self, data: float, batched: bool) -> Value:
        leaf = Value(data)
        if batched:
            self.batched_leaves.add(leaf)
        return leaf


_active: ContextVar[Trace | None] = ContextVar("valuegraph_trace", default=None)


def is_tracing() -> bool:
    """True while ``autograd.compile`` traces a function (in this thread)."""
    return _active.get() is not None


class Samples:
    """A minibatch inside a trace: ``size`` samples carried as one, ``sample`` (a Value, or a
    list of them, standing for every row). See the module's notes; made by ``compile``."""

    __slots__ = ("sample", "size")

    def __init__(self, sample: Any, size: int) -> None:
        self.sample = sample
        self.size = size

    def _per_sample(self, what: str) -> PerSampleCode:
        return PerSampleCode(f"fn uses a minibatch as a sequence ({what}): it is traced sample by sample")

    def __len__(self) -> int:
        raise self._per_sample("len")

    def __iter__(self):
        raise self._per_sample("iteration")

    def __getitem__(self, index: Any) -> Any:
        raise self._per_sample("indexing")

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"Samples({self.size} samples)"


def each_sample(function: Callable, batch: Any, *more: Any) -> Any:
    """``[function(x, *m) for x, *m in zip(batch, *more)]``: the function applied to every
    sample (and the matching samples of ``more``); on :class:`Samples`, applied once to the
    sample that stands for them all."""
    if isinstance(batch, Samples):
        for other in more:
            if not isinstance(other, Samples):
                raise PerSampleCode("a minibatch is combined with a plain list of samples")
        return Samples(function(batch.sample, *(other.sample for other in more)), batch.size)
    if any(isinstance(other, Samples) for other in more):
        raise PerSampleCode("a plain list of samples is combined with a minibatch")
    return [function(*items) for items in zip(batch, *more)]


def sample_count(batch: Any) -> int:
    """How many samples ``batch`` holds (in a trace, the traced call's: a check on it is not run
    again when the program is replayed on another number of samples)."""
    return batch.size if isinstance(batch, Samples) else len(batch)


def sum_over_samples(values: Any) -> Value:
    """Σ over the samples of a per-sample Value (a list of Values outside a trace: one ``Σ`` node)."""
    if not isinstance(values, Samples):
        return value_sum(values)
    sample = values.sample
    if not isinstance(sample, Value):
        raise TypeError(f"sum_over_samples: expected one Value per sample, got {type(sample).__name__}")
    trace = _active.get()
    node = apply(OPS["sum"], (sample,))
    node.data = values.size * sample.data  # while tracing: as if every sample were the first
    trace.reductions.add(node)
    return node


def mean_over_samples(values: Any) -> Value:
    """The mean over the samples of a per-sample Value: ``Σ · (1/n)``, as PyTorch's ``mean``
    (in a trace ``1/n`` is an input, so that one program serves every number of samples)."""
    total = sum_over_samples(values)
    if not isinstance(values, Samples):
        return total * (1.0 / len(values))
    trace = _active.get()
    inverse = trace.new_leaf(1.0 / values.size, batched=False)
    trace.reads.append(([inverse], lambda samples: [1.0 / samples], False))
    return total * inverse


def read_on_every_call(read: Callable[[], Sequence[float]]) -> list[Value]:
    """The numbers ``read()`` returns (a list of floats read from Python state), as Values: one
    constant leaf each outside a trace; in a trace, inputs of the program that ``read()``
    refills on every call."""
    trace = _active.get()
    numbers = list(read())
    if trace is None:
        return [_leaf(Constant, float(x)) for x in numbers]
    leaves = [trace.new_leaf(float(x), batched=False) for x in numbers]
    trace.reads.append((leaves, lambda samples: read(), False))
    return leaves


def draw_on_every_call(batch: Any, width: int, draw: Callable[[int, int], list]) -> Any:
    """Per-sample numbers from ``draw(samples, width)`` (a list of ``width`` floats per sample,
    such as dropout's masks): the drawn lists outside a trace; in a trace, inputs that ``draw``
    refills on every call (with the call's number of samples), so a trace draws nothing itself."""
    trace = _active.get()
    if trace is None:
        return draw(sample_count(batch), width)
    if isinstance(batch, Samples):
        leaves = [trace.new_leaf(1.0, batched=True) for _ in range(width)]
        trace.reads.append((leaves, lambda samples: draw(samples, width), True))
        return Samples(leaves, batch.size)
    count = sample_count(batch)
    rows = [[trace.new_leaf(1.0, batched=False) for _ in range(width)] for _ in range(count)]
    trace.reads.append(([leaf for row in rows for leaf in row],
                        lambda samples: [x for row in draw(count, width) for x in row], False))
    return rows


def after_every_call(values: Sequence[Value], effect: Callable[[list[float], int], None], batch: Any) -> None:
    """Run ``effect(numbers, samples)`` with the numbers of ``values`` (Values that are the same
    for every sample, such as batch statistics) and the number of samples of ``batch``: at once
    outside a trace, after every call of the program in one (with that call's count; the call's
    reads came before it, so a read of the state it changes sees the state from before the call)."""
    trace = _active.get()
    if trace is None:
        effect([v.data for v in values], sample_count(batch))
    elif isinstance(batch, Samples):
        trace.effects.append((list(values), effect))
    else:
        count = sample_count(batch)
        trace.effects.append((list(values), lambda numbers, samples: effect(numbers, count)))


def detach(value: Value) -> Value:
    """A constant holding ``value``'s number (no gradient flows through it, as PyTorch's
    ``detach()``); in a trace, its number is recomputed from ``value`` on every call."""
    constant = _leaf(Constant, value.data)
    trace = _active.get()
    if trace is not None:
        trace.detached[constant] = value
    return constant


def check_on_every_call(values: Any, ok: Callable[[Any], Any], message: Callable[[int, float], str],
                        error: type = ValueError) -> None:
    """Check numbers given to a graph (a loss's targets): ``values`` is a list with one number or
    Value per sample, or :class:`Samples`. ``ok(x)`` must be true for each (it is given a float,
    or a numpy array in a compiled program); otherwise ``error(message(sample, number))`` for
    the first that fails. At once, and for Values that are inputs of a trace on every call."""
    trace = _active.get()
    if isinstance(values, Samples):
        if trace is None:
            raise TypeError("check_on_every_call: Samples exist only inside autograd.compile")
        trace.checks.append(([values.sample], ok, lambda sample, x: error(message(sample, x))))
        return
    registered = []
    for index, v in enumerate(values):
        if trace is not None and isinstance(v, Value):
            registered.append(v)
            continue
        x = v.data if isinstance(v, Value) else v
        if not ok(x):
            raise error(message(index, x))
    if registered:
        indices = [i for i, v in enumerate(values) if isinstance(v, Value)]  # numbers, not Values: a
        trace.checks.append((registered, ok, lambda position, x: error(message(indices[position], x))))  # program keeps no Value


def guard(getter: Callable[[], Any]) -> None:
    """The graph being traced depends on ``getter()`` (a mode, a setting): the program is
    replayed only while ``getter()`` returns what it returned while tracing (and ``fn`` is
    traced again when it does not)."""
    trace = _active.get()
    if trace is not None:
        trace.guards.append((getter, getter()))


@contextmanager
def tracing(trace: Trace) -> Iterator[Trace]:
    """Inside the block (``compile`` traces ``fn`` there), ``trace`` records what the code says."""
    token = _active.set(trace)
    try:
        yield trace
    finally:
        _active.reset(token)
