"""``autograd.compile``: write scalar code, run array kernels.

A scalar graph is the clearest way to see backpropagation and the slowest way to train: every
step the interpreter visits thousands of nodes one at a time, for a graph whose shape never
changes. ``compile(fn)`` records the graph once and replays it as a few numpy kernels::

    step = autograd.compile(lambda X, y: nn.hinge(model(X), y))
    loss = step(X, y)          # first call: traces fn on Values and builds the program
    model.zero_grad()
    loss.backward()            # parameters get .grad exactly as on the scalar graph
    optimizer.step()
    loss = step(X2, y2)        # replayed: no Value graph is built

**Trace once per model, not per sample** (JAX's ``vmap``; DyNet's and TensorFlow Fold's
autobatching for what is left). An argument with a row per sample reaches ``fn`` as
:class:`~autograd.tracing.Samples`: one sample whose numbers stand for every row, so ``nn``'s
layers and losses record *one sample's worth* of graph and the batch is an array axis
(see :mod:`autograd.tracing`). Code that loops over the samples itself is traced sample by
sample instead, exact but growing with the batch. Either way the graph is then *grouped*:
nodes at the same depth applying the same op (with the same constant, on inputs of the same
kind) run as one kernel, so a layer's 64 neurons are one kernel, not 64.

**The program** is a list of kernels of four kinds, each a small class in :mod:`autograd.kernels`:

* :class:`Elementwise`: an op of the table, ``op.forward(m, args, param)`` and
  ``op.local_grads`` with numpy as ``m``; the derivative rules exist only in the op table.
* :class:`MatMul`: ``dot`` nodes that form a layer (every neuron × every input row) as one
  matrix product, its weights read as a matrix straight from the parameters' array.
* :class:`SampleSum`: a sum over the batch axis (a loss's mean, batch norm's statistics).
* :class:`Detached`: a number copied from another node, with no gradient (``detach``).

Values live in two buffers: ``shared`` (one number per node: parameters, constants, whatever
does not depend on a sample) and ``batched`` (one row per sample). A kernel reads its
arguments through a :class:`Gather` (a slice where it can, an index array where it must) and
writes a contiguous range. Parameters are :class:`~autograd.Parameter`\\ s in a few arrays,
copied in with one array copy per call and given their gradients with one array addition.

**The trace caveat** (as ``jax.jit``'s): ``fn`` runs once. A Python ``if`` on ``.data``, a
``float(v)``, a random draw or any other side effect happens while tracing and is frozen
(inside a trace, values computed from a batch hold the first sample's numbers). Ops that branch
(``relu``, ``max``, ``abs``) are evaluated on every call, and code built on the engine says
what must not be frozen through :mod:`autograd.tracing` (``nn``'s dropout masks, batch norm's
statistics, the checks of a loss's targets). A new argument shape (other than the number of
samples) traces again; each compiled function keeps its last few programs.

numpy is imported here only, when a function is first compiled: ``import autograd`` does not
need it.
"""

from __future__ import annotations

import functools
import math
import numbers
import threading
from collections import OrderedDict
from typing import Any, Callable

from .graph import pass_lock
from .kernels import (BATCHED, SHARED, Buffers, Detached, Elementwise, Gather, Kernel, MatMul, ParameterReads,
                      SampleSum)
from .ops import OPS
from .parameter import Parameter
from .tracing import PerSampleCode, Samples, Trace, tracing
from .value import Constant, Value, _as_float, enable_grad, short_repr

__all__ = ["compile", "CompiledFunction", "CompiledValue"]

CACHE_SIZE = 8
"""How many programs (argument structures) a compiled function keeps, least recently used out."""

DOT = OPS["dot"]

FINITE_FOR_FINITE = frozenset({"relu", "neg", "abs", "max", "min", "tanh", "sigmoid", "sin", "cos"})
"""Ops whose result is finite whenever their operands are: a program need not look for an
infinity or a NaN in what they compute (the forward pass checks every other kernel's outputs)."""


def compile(fn: Callable | None = None, *, cache_size: int = CACHE_SIZE) -> Any:  # noqa: A001 - torch's name
    """``fn`` compiled: a callable with ``fn``'s signature that replays ``fn``'s graph as array
    kernels. Usable as ``autograd.compile(fn)`` or as the decorator ``@autograd.compile``.

    The arguments are numbers, (regular) nested lists or tuples of numbers, or numpy arrays;
    they are the inputs of the graph. ``fn`` returns a ``Value``, a number, a minibatch's
    outputs (``model(X)``), or lists, tuples and dicts of them; the call returns the same
    structure with each Value replaced by a :class:`CompiledValue` (``.data``, ``float()``,
    ``.backward()``). ``.backward()`` on one gives every parameter (a Value that existed before
    the call) the gradient ``out.backward()`` on the scalar graph gives it, accumulated into
    ``.grad``.

    Arguments with one row per sample (the same number of rows each) are carried as a batch
    axis when ``fn`` lets them (see the module's notes); then the same program serves every
    number of samples. What ``fn`` decides in Python from ``.data`` is frozen at trace time.
    Domain errors and overflow raise the scalar engine's errors, naming the op and, where the
    node belongs to one sample, which. Calls from several threads are safe: each thread has its
    own buffers.
    """
    if fn is None:
        return functools.partial(compile, cache_size=cache_size)
    if not callable(fn):
        raise TypeError(f"compile: expected a function, got {type(fn).__name__}: {fn!r}")
    if isinstance(cache_size, bool) or not isinstance(cache_size, int) or cache_size < 1:
        raise ValueError(f"compile(cache_size) must be an int of at least 1, got {cache_size!r}")
    return CompiledFunction(fn, cache_size)


class CompiledFunction:
    """What :func:`compile` returns: call it as ``fn``. ``traces`` counts how many times ``fn``
    has been traced; ``batched`` tells whether its newest program carries the batch as an axis."""

    def __init__(self, fn: Callable, cache_size: int = CACHE_SIZE) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.cache_size = cache_size
        self.traces = 0
        self.batched: bool | None = None
        self._programs: OrderedDict = OrderedDict()
        self._lock = threading.RLock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        program, arguments = self._program_for(args, kwargs)
        return program.run(arguments)

    def with_arrays(self, *args: Any, **kwargs: Any) -> Any:
        """As calling it, but a minibatch's outputs come as one numpy array (a row per sample)
        instead of a CompiledValue each: what a training loop needs of them, fast."""
        program, arguments = self._program_for(args, kwargs)
        return program.run(arguments, samples_as_arrays=True)

    def outputs(self, *args: Any, **kwargs: Any) -> Any:
        """``fn``'s result with every Value as a float and every minibatch's outputs as a numpy
        array (a row per sample): the fast path for inference, no :class:`CompiledValue` made."""
        program, arguments = self._program_for(args, kwargs)
        return program.outputs(arguments)

    def _program_for(self, args: tuple, kwargs: dict) -> tuple[Program, Arguments]:
        arguments = Arguments(args, kwargs)
        with self._lock:
            for key in arguments.keys():
                entry = self._programs.get(key)
                if entry is None or entry is _PER_SAMPLE:
                    continue
                for program in entry:
                    if program.still_valid():
                        self._programs.move_to_end(key)
                        return program, arguments
            return self._trace(arguments), arguments

    def _trace(self, arguments: Arguments) -> Program:
        if arguments.batch_size is not None and self._programs.get(arguments.batch_key) is not _PER_SAMPLE:
            try:
                program = self._traced(arguments, batched=True)
            except PerSampleCode:
                self._programs[arguments.batch_key] = _PER_SAMPLE
            else:
                self._remember(arguments.batch_key, program)
                return program
        program = self._traced(arguments, batched=False)
        self._remember(arguments.key, program)
        return program

    def _traced(self, arguments: Arguments, batched: bool) -> Program:
        trace = Trace()
        leaves = arguments.leaves(trace, batched)
        traced_args, traced_kwargs = arguments.rebuild(leaves)
        with enable_grad(), tracing(trace):
            result = self.fn(*traced_args, **traced_kwargs)
        self.traces += 1
        self.batched = batched
        return Program(trace, leaves, result, arguments, name=getattr(self.fn, "__name__", "fn"))

    def _remember(self, key: tuple, program: Program) -> None:
        """Keep ``program`` for arguments of this key, beside those whose guards differ (a model
        in training and in evaluation mode); beyond ``cache_size`` programs, the least recently
        used go."""
        entry = self._programs.get(key)
        self._programs[key] = [program, *(entry if isinstance(entry, list) else [])]
        self._programs.move_to_end(key)
        while sum(len(e) for e in self._programs.values() if isinstance(e, list)) > self.cache_size:
            oldest = next(k for k, e in self._programs.items() if isinstance(e, list))
            self._programs[oldest].pop()
            if not self._programs[oldest]:
                del self._programs[oldest]

    def __repr__(self) -> str:
        return f"compile({getattr(self.fn, '__qualname__', self.fn)!r}, {len(self._programs)} programs)"


_PER_SAMPLE = object()
"""Kept under a batch key once a function has turned out to loop over the samples itself."""


class CompiledValue:
    """One value returned by a compiled function: ``.data`` (a float), ``float(v)``, comparisons
    with numbers, and ``.backward(gradient=1.0)``, which runs the program's backward pass from
    this value (valid until the compiled function is called again in this thread, as the
    buffers are reused)."""

    __slots__ = ("data", "_program", "_buffers", "_call", "_where")

    def __init__(self, data: float, program: Program, buffers: Buffers, where: tuple) -> None:
        self.data = data
        self._program = program
        self._buffers = buffers
        self._call = buffers.call
        self._where = where

    def backward(self, gradient: float = 1.0) -> None:
        """Add ∂self/∂p · gradient to every parameter's ``.grad``, as ``Value.backward`` does."""
        if not isinstance(gradient, numbers.Real) or isinstance(gradient, bool):
            raise TypeError(f"backward(gradient) must be a real number, got {type(gradient).__name__}: {gradient!r}")
        if self._call != self._buffers.call:
            raise RuntimeError("backward: the compiled function has been called again (in this thread) since this "
                               "value was computed, and its buffers now hold the newer call; call backward() before "
                               "the next call")
        self._program.backward(self._buffers, self._where, float(gradient))

    def __float__(self) -> float:
        return self.data

    def __lt__(self, other: Any) -> bool:
        return self.data < float(other)

    def __le__(self, other: Any) -> bool:
        return self.data <= float(other)

    def __gt__(self, other: Any) -> bool:
        return self.data > float(other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= float(other)

    def __repr__(self) -> str:
        return f"CompiledValue(data={self.data!r})"


# --------------------------------------------------------------------------------------------
# Arguments: numbers in, float64 arrays and the keys of the programs that may take them out.
# --------------------------------------------------------------------------------------------

class Arguments:
    """A call's arguments as float64 arrays, and which of them have a row per sample."""

    def __init__(self, args: tuple, kwargs: dict) -> None:
        import numpy as np

        self.count, self.names = len(args), tuple(sorted(kwargs))
        named = [(index, arg) for index, arg in enumerate(args)] + [(name, kwargs[name]) for name in self.names]
        self.arrays = [_as_float_array(arg, where) for where, arg in named]
        with np.errstate(over="ignore", invalid="ignore"):
            finite = [_all_finite(array) for array in self.arrays]
        for (where, _), array, ok in zip(named, self.arrays, finite):
            if not ok:
                bad = np.flatnonzero(~np.isfinite(array))[0]
                index = "".join(f"[{i}]" for i in np.unravel_index(int(bad), array.shape))
                raise ValueError(f"compile: argument {where!r}{index} must be a finite number, "
                                 f"got {float(array.flat[bad])!r}")
        shapes = tuple(array.shape for array in self.arrays)
        self.key = ("per sample", self.count, self.names, shapes)
        rows = {shape[0] for shape in shapes if shape}
        self.batch_size = rows.pop() if len(rows) == 1 and min(rows, default=0) > 0 else None
        self.batch_key = ("batched", self.count, self.names,
                          tuple((None,) + shape[1:] if shape else shape for shape in shapes))

    def keys(self) -> list[tuple]:
        """The keys of the programs that can run these arguments, the batched one first."""
        return [self.batch_key, self.key] if self.batch_size is not None else [self.key]

    def leaves(self, trace: Trace, batched: bool) -> list:
        """For each argument, its input leaves (a nested list like the array, or one leaf): of
        the first row only for an argument carried as a batch, of every number otherwise."""
        import numpy as np

        def build(array: Any, is_batched: bool) -> Any:
            if array.ndim == 0:
                return trace.new_leaf(float(array), is_batched)
            return [build(sub, is_batched) for sub in array]

        self.batched = [batched and array.ndim > 0 for array in self.arrays]
        return [build(np.asarray(array[0]), True) if is_batched else build(array, False)
                for array, is_batched in zip(self.arrays, self.batched)]

    def rebuild(self, leaves: list) -> tuple[list, dict]:
        """The arguments ``fn`` is traced with: Samples for batched ones, the leaves otherwise."""
        values = [Samples(leaf, len(array)) if is_batched else leaf
                  for array, leaf, is_batched in zip(self.arrays, leaves, self.batched)]
        return values[:self.count], dict(zip(self.names, values[self.count:]))


def _as_float_array(arg: Any, where: Any) -> Any:
    import numpy as np

    what = f"argument {where!r}" if isinstance(where, str) else f"argument {where}"
    if isinstance(arg, (Value, Samples)) or isinstance(arg, (str, bytes, dict, set)) or arg is None:
        raise TypeError(f"compile: {what} must be a number or a nested list of numbers, got "
                        f"{type(arg).__name__}: {_short(arg)} (to use other objects in fn, close over them)")
    try:
        array = np.asarray(arg)
    except ValueError:
        array = None
    if array is not None and array.dtype == object:  # ints too large for int64, mixed kinds
        try:
            array = np.vectorize(lambda x: _real_number(x, what), otypes=[np.float64])(array)
        except (TypeError, ValueError):
            array = None
    if array is None or array.dtype.kind not in "biuf":
        raise TypeError(f"compile: {what} must be a number or a regular nested list of numbers (every row of "
                        f"the same length), got {_short(arg)}")
    return array.astype(np.float64, copy=False)


def _real_number(x: Any, what: str) -> float:
    """A number of an argument given as Python objects (an int too large for a float is
    Python's ``OverflowError``, in the words ``Value()`` uses)."""
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise TypeError
    return _as_float(x, f"compile: {what}")


def _short(x: Any) -> str:
    return f"{type(x).__name__}: {short_repr(x)}"


# --------------------------------------------------------------------------------------------
# The program: slots in two buffers, and the kernels that fill them.
# --------------------------------------------------------------------------------------------

class Program:
    """A traced graph as kernels over two buffers (built by :func:`compile`)."""

    def __init__(self, trace: Trace, leaves: list, result: Any, arguments: Arguments, name: str = "fn") -> None:
        import numpy as np

        from . import namespaces

        self.m = namespaces.array_math()
        self.name = name
        self.guards = trace.guards
        self.batched_arguments = list(arguments.batched)
        batched_run = any(arguments.batched)
        outputs: list[Value] = []
        self.structure = _output_structure(result, outputs, trace, batched_run)
        escaped = _values_outside_samples(self.structure)

        input_leaves = [leaf for structure in leaves for leaf in _flatten(structure)]
        read_leaves = [leaf for read_leaves_, _, _ in trace.reads for leaf in read_leaves_]
        extra_roots = [v for values, _ in trace.effects for v in values]
        extra_roots += [v for values, _, _ in trace.checks for v in values]
        nodes = _nodes(outputs + extra_roots + input_leaves + read_leaves, trace.detached)

        batched = set(trace.batched_leaves)
        for node in nodes:
            if node.parents and node not in trace.reductions and any(p in batched for p in node.parents):
                batched.add(node)
            elif node in trace.detached and trace.detached[node] in batched:
                batched.add(node)
        if any(outputs[i] in batched for i in escaped):
            raise PerSampleCode("fn returned a value of one sample outside its minibatch")
        inputs = set(input_leaves) | set(read_leaves)
        parameters = [n for n in nodes if not n.parents and n not in inputs and not isinstance(n, Constant)]
        constants = [n for n in nodes if isinstance(n, Constant) and n not in trace.detached]
        parameters = _parameter_order(parameters)
        needs_grad = set(parameters)  # a gradient is worked out only where it can reach a parameter
        for node in nodes:
            if node.parents and node not in trace.detached and any(p in needs_grad for p in node.parents):
                needs_grad.add(node)
        self.needs_grad = needs_grad

        # Slots. Shared: unbatched inputs, parameters, constants, then groups; batched likewise.
        slot: dict[Value, tuple[str, int]] = {}
        sizes = {SHARED: 0, BATCHED: 0}

        def place(node: Value) -> None:
            where = BATCHED if node in batched else SHARED
            slot[node] = (where, sizes[where])
            sizes[where] += 1

        for node in [*input_leaves, *read_leaves]:
            if node not in slot:
                place(node)
        self.shared_inputs = sizes[SHARED]
        self.parameter_reads = ParameterReads(parameters, sizes[SHARED])
        for node in [*parameters, *constants]:
            place(node)
        self.fixed_stop = sizes[SHARED]  # what precedes the groups' outputs in the shared buffer
        self.argument_slots = [[slot[leaf] for leaf in _flatten(structure)] for structure in leaves]
        self.reads = [([slot[leaf] for leaf in leaves_], read, per_sample) for leaves_, read, per_sample in trace.reads]

        # Groups: nodes at one depth doing the same thing on the same kinds of input.
        depth: dict[Value, int] = {}
        groups: dict[tuple, list[Value]] = {}
        for node in nodes:
            if node in slot:
                depth[node] = 0
                continue
            sources = (trace.detached[node],) if node in trace.detached else node.parents
            depth[node] = 1 + max(depth[s] for s in sources)
            kind = "detached" if node in trace.detached else "sample sum" if node in trace.reductions else "op"
            key = (depth[node], kind, node.op.name if node.op else "", _param_key(node.param), len(sources),
                   tuple((s in batched, s in needs_grad) for s in sources), node in batched)
            groups.setdefault(key, []).append(node)
        self.kernels: list[Kernel] = []
        for key in sorted(groups, key=lambda k: (k[0], k[1], k[2], repr(k[3]), k[4], k[5], k[6])):
            self.kernels.append(self._kernel(groups[key], key[1], slot, sizes, batched, trace))
        self.backward_kernels = [kernel for kernel in reversed(self.kernels) if kernel.needs_grad]
        self.shared_size, self.batched_size = sizes[SHARED], sizes[BATCHED]
        self.constant_values = np.array([c.data for c in constants])
        self.constant_slots = slice(self.parameter_reads.start + len(parameters), self.fixed_stop)
        self.output_slots = [slot[v] for v in outputs]
        self.effects = [([slot[v] for v in values], effect) for values, effect in trace.effects]
        self.checks = [([slot[v] for v in values], ok, error) for values, ok, error in trace.checks]
        self.sample_of = _samples_of(nodes, slot, leaves, arguments) if not batched_run else {}
        self.parameter_count = len(parameters)
        self.parameter_slots = slice(self.parameter_reads.start, self.parameter_reads.start + len(parameters))
        # What the forward pass must find finite: the numbers read from Python, the parameters
        # and every kernel's outputs, but those of ops that give finite numbers for finite ones
        # (the arguments are checked when they come in, the constants when they were written).
        checked: dict[str, list[int]] = {SHARED: list(range(self.parameter_slots.start, self.parameter_slots.stop)),
                                         BATCHED: []}
        for leaf in read_leaves:
            checked[slot[leaf][0]].append(slot[leaf][1])
        for kernel in self.kernels:
            if getattr(kernel.op, "name", None) not in FINITE_FOR_FINITE or isinstance(kernel, MatMul):
                checked[kernel.where] += range(kernel.start, kernel.stop)
        self.checked_rows = [(where, rows) for where in (SHARED, BATCHED) for rows in _runs(sorted(set(checked[where])))]
        self._local = threading.local()
        self._plans: dict[tuple, BackwardPlan] = {}

    # -- building ---------------------------------------------------------------------------

    def _kernel(self, members: list[Value], kind: str, slot: dict, sizes: dict, batched: set, trace: Trace) -> Kernel:
        import numpy as np

        where = BATCHED if members[0] in batched else SHARED
        if kind in ("detached", "sample sum"):
            sources = [trace.detached[n] if kind == "detached" else n.parents[0] for n in members]
            source_where = slot[sources[0]][0]
            index = np.array([slot[s][1] for s in sources], dtype=np.intp)
            start = self._place(members, where, slot, sizes)
            if kind == "detached":
                kernel: Kernel = Detached(Gather(source_where, index), where, start, sizes[where])
            else:
                kernel = SampleSum(Gather(source_where, index, sources[0] in self.needs_grad), start, sizes[where])
        else:
            first = members[0]
            kernel = self._matmul(members, where, slot, sizes) if first.op is DOT else None
            if kernel is None:
                members.sort(key=lambda node: slot[node.parents[0]][1])  # follow the inputs' layout
                reads = []
                for source_where in (SHARED, BATCHED):
                    for needs in (False, True):
                        positions = [j for j, p in enumerate(first.parents)
                                     if slot[p][0] == source_where and (p in self.needs_grad) == needs]
                        if positions:
                            index = np.array([[slot[node.parents[j]][1] for node in members] for j in positions],
                                             dtype=np.intp)
                            reads.append((Gather(source_where, index, needs), positions))
                start = self._place(members, where, slot, sizes)
                kernel = Elementwise(first.op, first.param, reads, len(first.parents), where, start, sizes[where])
        kernel.needs_grad = members[0] in self.needs_grad
        return kernel

    def _matmul(self, members: list[Value], where: str, slot: dict, sizes: dict) -> MatMul | None:
        """A MatMul for these dot nodes if they are every (input row, weight row) pair once
        with weights that are the same for every sample; None otherwise."""
        import numpy as np

        n = members[0].param
        weight_rows: dict[tuple, int] = {}
        input_rows: dict[tuple, int] = {}
        cells = {}
        for node in members:
            parents = node.parents
            weights = tuple(slot[p] for p in parents[:n]) + tuple(slot[p] for p in parents[2 * n:])
            inputs = tuple(slot[p] for p in parents[n:2 * n])
            if any(w[0] != SHARED for w in weights) or len({x[0] for x in inputs}) != 1:
                return None
            cell = (input_rows.setdefault(inputs, len(input_rows)), weight_rows.setdefault(weights, len(weight_rows)))
            if cell in cells:
                return None
            cells[cell] = node
        rows, columns = len(input_rows), len(weight_rows)
        if rows * columns != len(members):
            return None
        ordered = [cells[(r, c)] for r in range(rows) for c in range(columns)]
        first = members[0].parents
        has_bias = len(first) > 2 * n
        inputs_where = next(iter(input_rows))[0][0]
        x_index = np.array([[s for _, s in key] for key in input_rows], dtype=np.intp)
        w_index = np.array([[s for _, s in key[:n]] for key in weight_rows], dtype=np.intp)
        b_index = np.array([key[n][1] for key in weight_rows], dtype=np.intp) if has_bias else None
        start = self._place(ordered, where, slot, sizes)
        def needs(parents: tuple) -> bool:  # the group's members agree (it is part of their key)
            return any(p in self.needs_grad for p in parents)

        return MatMul(Gather(inputs_where, x_index, needs(first[n:2 * n])), Gather(SHARED, w_index, needs(first[:n])),
                      Gather(SHARED, b_index, needs(first[2 * n:])) if has_bias else None,
                      rows, columns, where, start, sizes[where])

    @staticmethod
    def _place(members: list[Value], where: str, slot: dict, sizes: dict) -> int:
        start = sizes[where]
        for i, node in enumerate(members):
            slot[node] = (where, start + i)
        sizes[where] = start + len(members)
        return start

    def still_valid(self) -> bool:
        """False once a guard of the trace (a module's mode, a setting) reads differently."""
        return all(getter() == value for getter, value in self.guards)

    # -- running ----------------------------------------------------------------------------

    def _buffers(self, samples: int) -> Buffers:
        buffers = getattr(self._local, "buffers", None)
        if buffers is None or buffers.samples != samples:
            buffers = Buffers(self.shared_size, self.batched_size, samples)
            buffers.shared[self.constant_slots, 0] = self.constant_values
            self._local.buffers = buffers
        return buffers

    def forward(self, arguments: Arguments) -> Buffers:
        """Fill the buffers from the arguments and the parameters and run every kernel."""
        import numpy as np

        samples = arguments.batch_size if any(self.batched_arguments) else 1
        buffers = self._buffers(samples)
        buffers.call += 1
        buffers.state = {}
        shared, rows = buffers.shared, buffers.batched
        for array, slots, is_batched in zip(arguments.arrays, self.argument_slots, self.batched_arguments):
            if not slots:
                continue
            if is_batched:
                rows[slots[0][1]:slots[-1][1] + 1] = array.reshape(samples, -1).T
            else:
                shared[slots[0][1]:slots[-1][1] + 1, 0] = array.reshape(-1)
        for slots, read, per_sample in self.reads:
            first, last = slots[0][1], slots[-1][1] + 1
            numbers = np.asarray(read(samples), dtype=np.float64)
            if per_sample:
                rows[first:last] = numbers.reshape(samples, -1).T
            else:
                shared[first:last, 0] = numbers.reshape(-1)
        self.parameter_reads.read(shared)
        for slots, ok, error in self.checks:
            self._check(buffers, slots, ok, error)
        m = self.m
        with np.errstate(all="ignore"):
            for kernel in self.kernels:
                kernel.forward(buffers, m)
            finite = all(_all_finite(buffers.of(where)[run]) for where, run in self.checked_rows)
        if not finite:
            self._raise_forward_error(buffers)
        for slots, effect in self.effects:
            effect([float(shared[s, 0]) for _, s in slots], samples)
        return buffers

    def _check(self, buffers: Buffers, slots: list, ok: Callable, error: Callable) -> None:
        """A check of the trace on this call's numbers: the first that fails raises, naming its
        sample (its column, or its place among the values checked)."""
        import numpy as np

        for position, (where, s) in enumerate(slots):
            values = buffers.of(where)[s]
            good = ok(values)
            if np.all(good):
                continue
            good = np.broadcast_to(np.asarray(good, dtype=bool), values.shape)
            if not good.all():
                if where == SHARED:
                    raise error(position, float(values[0]))
                sample = int(np.flatnonzero(~good)[0])
                raise error(sample, float(values[sample]))

    def run(self, arguments: Arguments, samples_as_arrays: bool = False) -> Any:
        """Forward on new arguments; ``fn``'s result with CompiledValues (a minibatch's outputs
        as numpy arrays with ``samples_as_arrays``)."""
        buffers = self.forward(arguments)

        def value(where: tuple, row: int | None) -> CompiledValue:
            kind, s = where
            number = buffers.shared[s, 0] if kind == SHARED else buffers.batched[s, row]
            return CompiledValue(float(number), self, buffers, (kind, s, row))

        arrays = (lambda structure: _rebuild_numbers(structure, self.output_slots, buffers)) if samples_as_arrays else None
        return _rebuild(self.structure, self.output_slots, value, buffers.samples, arrays=arrays)

    def outputs(self, arguments: Arguments) -> Any:
        """Forward on new arguments; ``fn``'s result as floats and arrays (no CompiledValue)."""
        buffers = self.forward(arguments)
        return _rebuild_numbers(self.structure, self.output_slots, buffers)

    def backward(self, buffers: Buffers, where: tuple, gradient: float) -> None:
        """Chain rule over the kernels, last first; the parameters' ``.grad`` accumulate."""
        import numpy as np

        kind, s, row = where
        plan = self._plans.get((kind, s))
        if plan is None:
            plan = self._plans[(kind, s)] = BackwardPlan(self, kind, s)
        with pass_lock:
            buffers.assigning = plan.assigning
            for grad_where, rows in plan.zeroed:
                buffers.of(grad_where, grad=True)[rows] = 0.0
            if kind == SHARED:
                buffers.shared_grad[s, 0] = gradient
            else:
                buffers.batched_grad[s] = 0.0
                buffers.batched_grad[s, row] = gradient
            m = self.m
            with np.errstate(all="ignore"):
                for kernel in plan.kernels:
                    kernel.backward(buffers, m)
            if not np.isfinite(buffers.shared_grad[self.parameter_slots]).all():
                self._raise_backward_error(buffers)
            self.parameter_reads.add_grads(buffers.shared_grad)

    # -- errors -----------------------------------------------------------------------------

    def _raise_forward_error(self, buffers: Buffers) -> None:
        import numpy as np

        from .namespaces import FLOAT_MATH

        fixed = buffers.shared[:self.fixed_stop, 0]
        if not np.isfinite(fixed).all():  # a parameter's data, or a number read from Python, is nan or inf
            slot = int(np.flatnonzero(~np.isfinite(fixed))[0])
            if slot < self.parameter_reads.start:  # the arguments were checked: a read_on_every_call
                raise ValueError(f"compile: a number fn reads from Python on every call (such as batch norm's "
                                 f"running estimates) is {float(fixed[slot])!r}; it must be finite")
            index = slot - self.parameter_reads.start
            raise ValueError(f"compile: a parameter's data is {float(fixed[slot])!r} (parameter {index} of "
                             f"{self.parameter_count}, in the order fn first used them); it must be finite")
        for kernel in self.kernels:
            finite = np.isfinite(kernel.output(buffers))
            if finite.all():
                continue
            node, column = (int(i) for i in np.argwhere(~finite)[0])
            sample = column if kernel.where == BATCHED else self.sample_of.get(kernel.start + node)
            operands = kernel.operands(buffers, node, column)
            op = kernel.op
            if op.domain is not None and not op.domain(FLOAT_MATH, operands, kernel.param):
                raise op.domain_error(operands, kernel.param, sample=sample)
            raise op.overflow_error(operands, kernel.param, sample=sample)

    def _raise_backward_error(self, buffers: Buffers) -> None:
        raise FloatingPointError(f"backward: a gradient of the compiled function {self.name!r} is not finite "
                                 f"(run it uncompiled to see which op)")


class BackwardPlan:
    """How a backward pass from one output runs: only the kernels it reaches (those between the
    output and the parameters, last first), with the gradient rows that nothing gives anything
    zeroed first and each Gather that is the first to give its rows something assigning
    instead of adding (so the buffer is not cleared and read again every pass)."""

    def __init__(self, program: Program, where: str, slot: int) -> None:
        producer = {}
        for kernel in program.kernels:
            for row in range(kernel.start, kernel.stop):
                producer[(kernel.where, row)] = kernel
        reached, stack = set(), [(where, slot)]
        while stack:
            kernel = producer.get(stack.pop())
            if kernel is None or kernel in reached or not kernel.needs_grad:
                continue
            reached.add(kernel)
            stack.extend((gather.where, int(row)) for gather in kernel.gradient_gathers() for row in gather.rows)
        self.kernels = [kernel for kernel in program.backward_kernels if kernel in reached]
        given = {(where, slot)}  # the output's gradient is seeded
        zeroed, assigning = set(), set()
        for kernel in self.kernels:
            zeroed.update(row for row in ((kernel.where, r) for r in range(kernel.start, kernel.stop)) if row not in given)
            for gather in kernel.gradient_gathers():
                rows = [(gather.where, int(r)) for r in gather.rows]
                if not gather.repeats and not any(row in given for row in rows):
                    assigning.add(gather)
                else:
                    zeroed.update(row for row in rows if row not in given)
                given.update(rows)
        parameters = range(program.parameter_slots.start, program.parameter_slots.stop)
        zeroed.update((SHARED, r) for r in parameters if (SHARED, r) not in given)
        zeroed -= {(where, slot)}
        self.assigning = frozenset(assigning)
        self.zeroed = [(kind, _runs(sorted(r for w, r in zeroed if w == kind))) for kind in (SHARED, BATCHED)]
        self.zeroed = [(kind, runs) for kind, runs in self.zeroed for runs in runs]


def _runs(rows: list[int]) -> list[Any]:
    """Sorted row numbers as a few slices of consecutive rows (an index array if there are many)."""
    import numpy as np

    if not rows:
        return []
    runs, first, last = [], rows[0], rows[0]
    for row in rows[1:]:
        if row != last + 1:
            runs.append(slice(first, last + 1))
            first = row
        last = row
    runs.append(slice(first, last + 1))
    return runs if len(runs) <= 8 else [np.array(rows, dtype=np.intp)]


def _all_finite(values: Any) -> bool:
    """True if no number of ``values`` is infinite or NaN: one sum (a NaN or an infinity makes
    it non-finite), and only if the sum itself overflowed the precise test. (Called where
    numpy's overflow warnings are off: a sum of large finite numbers may overflow.)"""
    import numpy as np

    return math.isfinite(np.add.reduce(values, axis=None)) or bool(np.isfinite(values).all())


def _nodes(roots: list[Value], detached: dict) -> list[Value]:
    """Every node reachable from ``roots`` (through parents, and from a detached constant to the
    value it copies), each once, everything a node needs before it: the order of the engine's
    ``topological_order``, for several roots at once."""
    order: list[Value] = []
    visited: set[Value] = set()
    for root in roots:
        stack: list[Value | None] = [root]
        while stack:
            node = stack.pop()
            if node is None:
                order.append(stack.pop())
            elif node not in visited:
                visited.add(node)
                stack.append(node)
                stack.append(None)
                sources = (detached[node],) if node in detached else node.parents
                for parent in reversed(sources):
                    if parent not in visited:
                        stack.append(parent)
    return order


def _parameter_order(parameters: list[Value]) -> list[Value]:
    """Parameters side by side as they lie in their arrays (so that a layer's weights are a
    grid of the buffer), the arrays in the order ``fn`` first used them; plain Values last."""
    first_use: dict[Any, int] = {}
    for p in parameters:
        if isinstance(p, Parameter):
            first_use.setdefault(id(p.arrays), len(first_use))
    return sorted(parameters, key=lambda p: (first_use[id(p.arrays)], p.index) if isinstance(p, Parameter)
                  else (len(first_use), 0))


def _flatten(structure: Any) -> list[Value]:
    if isinstance(structure, list):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _samples_of(nodes: list[Value], slot: dict, leaves: list, arguments: Arguments) -> dict[int, int]:
    """For a program traced sample by sample: the shared slot of each node that depends on
    exactly one row of the first argument, and that row."""
    sample: dict[Value, int | None] = {}
    if leaves and arguments.arrays[0].ndim:
        for row, structure in enumerate(leaves[0]):
            for leaf in _flatten(structure):
                sample[leaf] = row
    result = {}
    for node in nodes:
        if node.parents:
            found = {sample.get(p) for p in node.parents} - {None}
            sample[node] = found.pop() if len(found) == 1 else (-1 if found else None)
        s = sample.get(node)
        if s is not None and s >= 0 and node in slot and slot[node][0] == SHARED:
            result[slot[node][1]] = s
    return result


def _param_key(param: Any) -> Any:
    return param if param is None or isinstance(param, (int, float, str)) else repr(param)


def _output_structure(result: Any, found: list, trace: Trace, batched_run: bool) -> Any:
    """``result`` with each Value replaced by its index in ``found`` (appended), numbers kept,
    a minibatch's outputs marked."""
    if isinstance(result, Samples):
        return ("samples", _output_structure(result.sample, found, trace, batched_run))
    if isinstance(result, Value):
        found.append(result)
        return ("value", len(found) - 1)
    if isinstance(result, numbers.Real):
        return ("number", result)
    if isinstance(result, (list, tuple)):
        return (type(result), [_output_structure(item, found, trace, batched_run) for item in result])
    if isinstance(result, dict):
        return (dict, [(key, _output_structure(item, found, trace, batched_run)) for key, item in result.items()])
    raise TypeError(f"compile: fn must return Values, numbers, or lists, tuples and dicts of them; got "
                    f"{type(result).__name__}: {result!r}")


def _values_outside_samples(structure: Any) -> list[int]:
    kind, content = structure
    if kind == "value":
        return [content]
    if kind in ("number", "samples"):
        return []
    items = [item for _, item in content] if kind is dict else content
    return [i for item in items for i in _values_outside_samples(item)]


def _rebuild(structure: Any, slots: list, value: Callable, samples: int, row: int | None = None,
             arrays: Callable | None = None) -> Any:
    kind, content = structure
    if kind == "value":
        return value(slots[content], row)
    if kind == "number":
        return content
    if kind == "samples":
        if arrays is not None:
            return arrays(structure)
        return [_rebuild(content, slots, value, samples, r) for r in range(samples)]
    if kind is dict:
        return {key: _rebuild(item, slots, value, samples, row, arrays) for key, item in content}
    items = [_rebuild(item, slots, value, samples, row, arrays) for item in content]
    return items if kind is list else kind(items) if kind is tuple else kind(*items)


def _rebuild_numbers(structure: Any, slots: list, buffers: Buffers) -> Any:
    import numpy as np

    kind, content = structure
    if kind == "value":
        where, s = slots[content]
        return float(buffers.shared[s, 0]) if where == SHARED else buffers.batched[s].copy()
    if kind == "number":
        return content
    if kind == "samples":
        columns = _leaf_slots(content, slots)
        table = np.empty((buffers.samples, len(columns)))
        for j, (where, s) in enumerate(columns):
            table[:, j] = buffers.shared[s, 0] if where == SHARED else buffers.batched[s]
        return table[:, 0] if content[0] == "value" else table
    if kind is dict:
        return {key: _rebuild_numbers(item, slots, buffers) for key, item in content}
    items = [_rebuild_numbers(item, slots, buffers) for item in content]
    return items if kind is list else kind(items) if kind is tuple else kind(*items)


def _leaf_slots(structure: Any, slots: list) -> list:
    kind, content = structure
    if kind == "value":
        return [slots[content]]
    if kind in (list, tuple):
        return [s for item in content for s in _leaf_slots(item, slots)]
    raise TypeError("compile: a minibatch's outputs must be Values or lists of Values per sample")
