"""``autograd.compile``: write scalar code, run array kernels.

A scalar graph is the clearest way to see backpropagation and the slowest way to train: every
step the interpreter visits thousands of nodes one at a time, for a graph whose shape never
changes. ``compile(fn)`` records the graph once and replays it as a few numpy kernels
(*operation autobatching*: Neubig, Goldberg and Dyer 2017; Looks et al. 2017)::

    step = autograd.compile(lambda X, y: hinge(model(X), y))
    loss = step(X, y)          # first call: traces fn on Values and builds the program
    model.zero_grad()
    loss.backward()            # parameters get .grad exactly as on the scalar graph
    optimizer.step()
    loss = step(X2, y2)        # same structure: replayed, no Value graph is built

How the program is built:

1. **Trace.** The numbers in the arguments become input leaves, ``fn`` runs on ``Value``s,
   and the graph is walked from what ``fn`` returns. Every other leaf is either a constant
   (an ``autograd.Constant``, a number written in ``fn``: frozen) or a *parameter*, a Value
   that existed before the call: read fresh on every call, so an optimizer that changes
   ``p.data`` between calls just works.
2. **Group.** Nodes are grouped by (depth, op, param, number of inputs): every node of a
   group can be computed at once, since its inputs are all shallower. For a minibatch that
   is one group per layer and op (every neuron of a layer, across every sample).
3. **Replay.** Every node has a slot in one float64 buffer. A group gathers its inputs with
   one index array computed at build time, runs the op table's own rule
   (``op.forward(m, args, param)`` with ``m = namespaces.array_math()``), and writes its
   outputs to a contiguous range. Backward visits the groups deepest first, multiplies the
   table's ``op.local_grads`` by the upstream gradients and scatter-adds them to the inputs.
   The only special cases are in how arguments are gathered and scattered: ``dot`` groups
   run as matrix products when they form one (a layer: every neuron × every sample), a long
   ``sum`` is added as a sum of partial sums (through the same rule), and contributions that
   land on the same slot are added with one ``bincount``.

**The trace caveat** (as ``jax.jit``'s): ``fn`` runs once, on the first arguments of a
structure. A Python ``if`` on ``.data`` inside ``fn`` (``if x.data > 0: ...``), a value read
with ``float()``, a random draw, or any side effect happens at trace time only and is frozen
into the program. Ops that branch (``relu``, ``max``, ``abs``, ``where``-style rules) are not
frozen: they are evaluated on every call. Pass what changes between calls (data, dropout
masks) as arguments. Arguments of a new structure (another shape) trace again; a small cache
keeps the last few programs.

numpy is imported here only, when a function is first compiled: ``import autograd`` does not
need it.
"""

from __future__ import annotations

import bisect
import functools
import math
import numbers
from collections import OrderedDict
from itertools import chain
from typing import Any, Callable

from .ops import OPS

SUM = OPS["sum"]
from .graph import topological_order
from .value import Constant, Value, enable_grad
from .value import sum as value_sum

__all__ = ["compile", "CompiledFunction", "CompiledValue"]

LONG_SUM = 32
"""A ``sum`` of this many terms or more is added as a sum of partial sums (the rule's Python
loop would otherwise run once per term)."""

CACHE_SIZE = 8
"""How many programs (argument structures) a compiled function keeps, least recently used out."""


def compile(fn: Callable | None = None, *, cache_size: int = CACHE_SIZE) -> Any:  # noqa: A001 - torch's name
    """``fn`` compiled: a callable with ``fn``'s signature that replays ``fn``'s graph as array
    kernels. Usable as ``autograd.compile(fn)`` or as the decorator ``@autograd.compile``.

    The arguments are numbers, (regular) nested lists or tuples of numbers, or numpy arrays;
    they are the inputs of the graph. ``fn`` returns a ``Value``, a number, or lists, tuples
    and dicts of them; the call returns the same structure with each Value replaced by a
    :class:`CompiledValue` (``.data``, ``float()``, ``.backward()``). Calling ``.backward()``
    on one gives every parameter (a Value that existed before the call) the gradient that
    ``out.backward()`` on the scalar graph gives it, accumulated into ``.grad``.

    The first call with arguments of a new structure traces ``fn`` (runs it once on Values);
    later calls with the same structure replay the program without building any Value. What
    ``fn`` decides in Python from ``.data`` is frozen at trace time (see the module's notes).
    Domain errors and overflow raise the scalar engine's errors, naming the op and, when the
    node belongs to one row of the first argument, which sample.
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
    has been traced (one per new argument structure, and again after eviction)."""

    def __init__(self, fn: Callable, cache_size: int = CACHE_SIZE) -> None:
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.cache_size = cache_size
        self.traces = 0
        self._programs: OrderedDict = OrderedDict()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        program, flat = self._program_for(args, kwargs)
        return program.run(flat)

    def forward_array(self, *args: Any, **kwargs: Any) -> Any:
        """The values of every Value ``fn`` returns, flattened in order into one numpy array
        instead of ``CompiledValue`` objects: the fast path for inference over many samples
        (a decision-boundary grid)."""
        program, flat = self._program_for(args, kwargs)
        return program.forward(flat).copy()

    def _program_for(self, args: tuple, kwargs: dict) -> tuple[Program, Any]:
        key, flat, shapes = _flatten_arguments(args, kwargs)
        program = self._programs.get(key)
        if program is None:
            program = self._trace(args, kwargs, shapes)
            self._programs[key] = program
            if len(self._programs) > self.cache_size:
                self._programs.popitem(last=False)
        else:
            self._programs.move_to_end(key)
        return program, flat

    def _trace(self, args: tuple, kwargs: dict, shapes: list) -> Program:
        inputs: list[Value] = []
        traced_args = [_leaves_like(arg, shape, inputs) for arg, shape in zip(args, shapes)]
        traced_kwargs = {name: _leaves_like(kwargs[name], shape, inputs)
                         for name, shape in zip(sorted(kwargs), shapes[len(args):])}
        with enable_grad():
            result = self.fn(*traced_args, **traced_kwargs)
        self.traces += 1
        first = shapes[0] if shapes else ()
        batch_rows = first[0] if first else 0
        first_size = 1
        for extent in first:
            first_size *= extent
        return Program(inputs, result, batch_rows=batch_rows, first_argument_size=first_size,
                       name=getattr(self.fn, "__name__", "fn"))

    def __repr__(self) -> str:
        return f"compile({getattr(self.fn, '__qualname__', self.fn)!r}, {len(self._programs)} programs)"


class CompiledValue:
    """One value returned by a compiled function: ``.data`` (a float), ``float(v)``, comparisons
    with numbers, and ``.backward(gradient=1.0)``, which runs the program's backward pass from
    this value (valid until the compiled function is called again, as the buffers are reused)."""

    __slots__ = ("data", "_program", "_slot", "_call")

    def __init__(self, data: float, program: Program, slot: int, call: int) -> None:
        self.data = data
        self._program = program
        self._slot = slot
        self._call = call

    def backward(self, gradient: float = 1.0) -> None:
        """Add ∂self/∂p · gradient to every parameter's ``.grad``, as ``Value.backward`` does."""
        if not isinstance(gradient, numbers.Real) or isinstance(gradient, bool):
            raise TypeError(f"backward(gradient) must be a real number, got {type(gradient).__name__}: {gradient!r}")
        self._program.backward(self._slot, float(gradient), self._call)

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
# Arguments: numbers in, one flat float64 array and a structure key out.
# --------------------------------------------------------------------------------------------

def _flatten_arguments(args: tuple, kwargs: dict) -> tuple[tuple, Any, list]:
    import numpy as np

    arrays, shapes = [], []
    named = [(index, arg) for index, arg in enumerate(args)] + [(name, kwargs[name]) for name in sorted(kwargs)]
    for where, arg in named:
        array = _as_float_array(arg, where)
        arrays.append(array.ravel())
        shapes.append(array.shape)
    flat = arrays[0] if len(arrays) == 1 else np.concatenate(arrays) if arrays else np.empty(0)
    if not np.isfinite(flat).all():
        for (where, _), array, shape in zip(named, arrays, shapes):
            bad = np.flatnonzero(~np.isfinite(array))
            if len(bad):
                index = "".join(f"[{i}]" for i in np.unravel_index(int(bad[0]), shape))
                raise ValueError(f"compile: argument {where!r}{index} must be a finite number, "
                                 f"got {float(array[bad[0]])!r}")
    key = (len(args), tuple(sorted(kwargs)), tuple(shapes))
    return key, flat, shapes


def _as_float_array(arg: Any, where: Any) -> Any:
    import numpy as np

    what = f"argument {where!r}" if isinstance(where, str) else f"argument {where}"
    if isinstance(arg, Value) or isinstance(arg, (str, bytes, dict, set)) or arg is None:
        raise TypeError(f"compile: {what} must be a number or a nested list of numbers, got "
                        f"{type(arg).__name__}: {arg!r} (to use other objects in fn, close over them)")
    try:
        array = np.asarray(arg)
    except ValueError:
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise TypeError(f"compile: {what} must be a number or a regular nested list of numbers (every row of "
                        f"the same length), got {_short(arg)}")
    return array.astype(np.float64, copy=False)


def _short(x: Any) -> str:
    text = repr(x)
    return f"{type(x).__name__}: {text if len(text) <= 60 else text[:57] + '...'}"


def _leaves_like(arg: Any, shape: tuple, inputs: list) -> Any:
    """A structure like ``arg``'s (lists for every level) of new input leaves, appended to
    ``inputs`` in the flattening order."""
    import numpy as np

    array = np.asarray(arg, dtype=np.float64)
    if not shape:
        leaf = Value(float(array))
        inputs.append(leaf)
        return leaf

    def build(a: Any) -> Any:
        if a.ndim == 1:
            row = [Value(x) for x in a.tolist()]
            inputs.extend(row)
            return row
        return [build(sub) for sub in a]

    return build(array)


# --------------------------------------------------------------------------------------------
# The program.
# --------------------------------------------------------------------------------------------

def _graph_nodes(roots: list[Value]) -> list[Value]:
    """Every node reachable from ``roots``, parents before children: the engine's own
    ``topological_order``, from one extra node that lists every root."""
    if len(roots) == 1:
        return topological_order(roots[0])
    with enable_grad():
        return topological_order(value_sum(roots))[:-1]


def _output_structure(result: Any, found: list) -> Any:
    """``result`` with each Value replaced by its index in ``found`` (appended), numbers kept."""
    if isinstance(result, Value):
        found.append(result)
        return ("value", len(found) - 1)
    if isinstance(result, numbers.Real):
        return ("number", result)
    if isinstance(result, (list, tuple)):
        return (type(result), [_output_structure(item, found) for item in result])
    if isinstance(result, dict):
        return (dict, [(key, _output_structure(item, found)) for key, item in result.items()])
    raise TypeError(f"compile: fn must return Values, numbers, or lists, tuples and dicts of them; got "
                    f"{type(result).__name__}: {result!r}")


class _Group:
    """Nodes applying one op (with one param and one number of inputs) at one depth."""

    __slots__ = ("op", "param", "start", "stop", "index", "kind", "scatter", "gathered", "out",
                 "rows", "cols", "n", "has_bias", "w_index", "x_index", "b_index",
                 "w_scatter", "x_scatter", "b_scatter", "w", "x", "depth", "contributions")


class Program:
    """A traced graph as groups of array kernels over one buffer (built by :func:`compile`)."""

    def __init__(self, inputs: list[Value], result: Any, *, batch_rows: int = 0, first_argument_size: int = 0,
                 name: str = "fn") -> None:
        import numpy as np

        from . import namespaces

        self.m = namespaces.array_math()
        self.name = name
        outputs: list[Value] = []
        self.structure = _output_structure(result, outputs)
        self.batch_rows = batch_rows
        self.first_argument_size = first_argument_size
        nodes = _graph_nodes(outputs)
        input_set = set(inputs)
        parameters, constants, computed = [], [], []
        for node in nodes:
            if node.op is not None:
                computed.append(node)
            elif node in input_set:
                continue
            elif isinstance(node, Constant):
                constants.append(node)
            else:
                parameters.append(node)
        self.parameters = parameters
        # Slots: inputs, parameters, constants, then each group's outputs, contiguous.
        slot: dict[Value, int] = {}
        for node in [*inputs, *parameters, *constants]:
            slot.setdefault(node, len(slot))
        self.input_stop = len(inputs)
        self.parameter_stop = self.input_stop + len(parameters)
        depth: dict[Value, int] = dict.fromkeys(slot, 0)
        groups: dict[tuple, list[Value]] = {}
        for node in computed:
            d = depth[node] = 1 + max(map(depth.__getitem__, node.parents))
            groups.setdefault((d, node.op.name, _param_key(node.param), len(node.parents)), []).append(node)
        self.groups: list[_Group] = []
        for key in sorted(groups, key=lambda k: (k[0], k[1], repr(k[2]), k[3])):
            members = groups[key]
            members.sort(key=lambda node: slot[node.parents[0]])  # follow the input layout
            self.groups.append(self._build_group(members, slot, key[0]))
        self.size = len(slot)
        self.values = np.zeros(self.size)
        self.grads = np.zeros(self.size)
        for node in constants:
            self.values[slot[node]] = node.data
        self.output_slots = [slot[v] for v in outputs]
        self.group_starts = [group.start for group in self.groups]
        # No Value of the trace is kept (the collector would walk them all, every full collection):
        # the index arrays say everything the errors need.
        self.calls = 0
        self._read_parameter_data = _attribute_reader(np, parameters, "data")

    # -- building ---------------------------------------------------------------------------

    def _build_group(self, members: list[Value], slot: dict[Value, int], depth: int) -> _Group:
        import numpy as np

        group = _Group()
        group.depth = depth
        first = members[0]
        group.op, group.param = first.op, first.param
        group.kind = "elementwise"
        nargs = len(first.parents)
        lookup = slot.__getitem__
        index = np.fromiter(chain.from_iterable(map(lookup, node.parents) for node in members), dtype=np.intp,
                            count=len(members) * nargs).reshape(-1, nargs)
        if first.op.name == "dot":
            order = self._try_matrix_product(group, index, first.param)
            if order is not None:
                members = [members[i] for i in order.tolist()]
                index = index[order]
        group.start = len(slot)
        slot.update(zip(members, range(group.start, group.start + len(members))))
        group.stop = len(slot)
        if group.kind == "matmul":
            cols, n = group.cols, group.n
            group.x_index = index[::cols, n:2 * n]          # one row of inputs per output row
            group.w_index = index[:cols, :n]                # one row of weights per output column
            group.b_index = index[:cols, 2 * n] if group.has_bias else None
            group.x_scatter = _scatter_plan(np, group.x_index.ravel())
            group.w_scatter = _scatter_plan(np, group.w_index.ravel())
            group.b_scatter = _scatter_plan(np, group.b_index) if group.has_bias else None
        else:
            group.index = np.ascontiguousarray(index.T)     # (nargs, k): one row per argument
            group.contributions = np.empty(group.index.shape)
            group.scatter = _scatter_plan(np, group.index.ravel())
            if first.op.name == "sum" and nargs >= LONG_SUM:  # associative: may be added in blocks
                group.kind = "blocked_sum"
                group.cols = math.isqrt(nargs)
                group.rows = nargs // group.cols
        return group

    def _try_matrix_product(self, group: _Group, index: Any, n: int) -> Any:
        """If the dot nodes (their input slots in ``index``, one row per node) are every (input
        row, weight row) pair once, mark the group a matrix product and return the order that
        lays the nodes out as the product's cells, row-major; else None."""
        import numpy as np

        k, nargs = index.shape
        has_bias = nargs > 2 * n
        weight_row, cols = _row_ids(np, index[:, :n])
        input_row, rows = _row_ids(np, index[:, n:2 * n])
        if rows * cols != k or k == 1 and n < 4:
            return None
        cell = input_row * cols + weight_row
        order = np.empty(k, dtype=np.intp)
        order[cell] = np.arange(k)
        if not np.array_equal(np.sort(cell), np.arange(k)):
            return None
        if has_bias:  # one bias per weight row
            bias = np.full(cols, -1, dtype=np.intp)
            bias[weight_row] = index[:, 2 * n]
            if not np.array_equal(bias[weight_row], index[:, 2 * n]):
                return None
        group.kind, group.rows, group.cols, group.n, group.has_bias = "matmul", rows, cols, n, has_bias
        return order

    # -- running ----------------------------------------------------------------------------

    def run(self, flat: Any) -> Any:
        """Forward on new inputs; the outputs in ``fn``'s structure, as CompiledValues."""
        values = self.forward(flat)
        call = self.calls
        outputs = [CompiledValue(x, self, slot, call) for x, slot in zip(values.tolist(), self.output_slots)]
        return _rebuild(self.structure, outputs)

    def forward(self, flat: Any) -> Any:
        """Fill the buffer from the inputs and the parameters' current data; the outputs' values."""
        import numpy as np

        self.calls += 1
        values = self.values
        values[:self.input_stop] = flat
        if self.parameters:
            values[self.input_stop:self.parameter_stop] = self._read_parameter_data()
        m = self.m
        with np.errstate(all="ignore"):
            for group in self.groups:
                kind = group.kind
                if kind == "matmul":
                    x = group.x = values[group.x_index]
                    w = group.w = values[group.w_index]
                    out = values[group.start:group.stop].reshape(group.rows, group.cols)
                    np.matmul(x, w.T, out=out)
                    if group.has_bias:
                        out += values[group.b_index]
                else:
                    gathered = values[group.index]
                    if group.kind == "blocked_sum":
                        # a long sum as a sum of √n partial sums: the rule's loop runs 2√n times, not n
                        rows, block = group.rows, group.cols
                        partial = group.op.forward(m, gathered[:rows * block].reshape(rows, -1), None)
                        args = np.concatenate([partial.reshape(block, -1), gathered[rows * block:]])
                        group.out = group.op.forward(m, args, None)
                        group.gathered = gathered
                    else:
                        # a sum takes the (nargs, k) array as its sequence of arguments; every other
                        # rule (dot slices and joins its arguments) a tuple of rows
                        args = group.gathered = gathered if group.op is SUM else tuple(gathered)
                        group.out = group.op.forward(m, args, group.param)
                    values[group.start:group.stop] = group.out
        if not np.isfinite(values).all():
            self._raise_forward_error()
        return values[self.output_slots]

    def backward(self, root_slot: int, gradient: float, call: int) -> None:
        """Chain rule over the groups, deepest first; the parameters' ``.grad`` accumulate."""
        import numpy as np

        if call != self.calls:
            raise RuntimeError("backward: the compiled function has been called again since this value was "
                               "computed, and its buffers now hold the newer call; call backward() before the "
                               "next call")
        grads = self.grads
        grads.fill(0.0)
        grads[root_slot] = gradient
        m = self.m
        with np.errstate(all="ignore"):
            for group in reversed(self.groups):
                upstream = grads[group.start:group.stop]
                kind = group.kind
                if kind == "matmul":
                    g = upstream.reshape(group.rows, group.cols)
                    _scatter(grads, group.x_scatter, (g @ group.w).ravel())
                    _scatter(grads, group.w_scatter, (g.T @ group.x).ravel())
                    if group.has_bias:
                        _scatter(grads, group.b_scatter, g.sum(axis=0))
                else:
                    local = group.op.local_grads(m, group.gathered, group.out, group.param)
                    contributions = group.contributions
                    if group.op is SUM and all(type(item) is float for item in local):
                        np.multiply(np.array(local)[:, None], upstream, out=contributions)
                    else:
                        for item, row in zip(local, contributions):
                            np.multiply(item, upstream, out=row)
                    _scatter(grads, group.scatter, contributions.reshape(-1))
        parameter_grads = grads[self.input_stop:self.parameter_stop]
        if not (np.isfinite(parameter_grads).all() and np.isfinite(grads[:self.input_stop]).all()):
            self._raise_backward_error()
        for parameter, grad in zip(self.parameters, parameter_grads.tolist()):
            parameter.grad += grad

    @property
    def input_grads(self) -> Any:
        """The inputs' gradients from the last backward pass, flattened in argument order."""
        return self.grads[:self.input_stop].copy()

    # -- errors -----------------------------------------------------------------------------

    def _parent_slots(self, slot: int) -> list[int]:
        """The slots of the inputs of the node in ``slot`` (none for a leaf)."""
        if slot < (self.groups[0].start if self.groups else self.size):
            return []
        group = self.groups[bisect.bisect_right(self.group_starts, slot) - 1]
        j = slot - group.start
        if group.kind == "matmul":
            row, col = divmod(j, group.cols)
            parents = [*group.w_index[col], *group.x_index[row]]
            return parents + [group.b_index[col]] if group.has_bias else parents
        return list(group.index[:, j])

    def _sample_of(self, slot: int) -> int | None:
        """The row of the first argument that the node in ``slot`` depends on, if only one."""
        if not self.batch_rows:
            return None
        per_row = max(1, self.first_argument_size // self.batch_rows)
        rows: set[int] = set()
        stack, seen = [slot], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            if current < self.first_argument_size:
                rows.add(current // per_row)
            stack.extend(int(p) for p in self._parent_slots(current))
        return rows.pop() if len(rows) == 1 else None

    def _raise_forward_error(self) -> None:
        import numpy as np

        values, m = self.values, self.m
        bad_input = ~np.isfinite(values[:self.parameter_stop])
        if bad_input.any():  # a parameter's data was set to nan or inf between calls
            slot = int(np.flatnonzero(bad_input)[0])
            raise ValueError(f"compile: a parameter's data is {values[slot]!r} (parameter {slot - self.input_stop} "
                             f"of {len(self.parameters)}, in the order fn first used them); it must be finite")
        for group in self.groups:
            outputs = values[group.start:group.stop]
            if group.kind == "elementwise" and group.op.domain is not None:
                args = group.gathered
                defined = group.op.domain(m, args, group.param)
                if not np.all(defined):
                    j = int(np.flatnonzero(~np.broadcast_to(defined, outputs.shape))[0])
                    raise group.op.domain_error(tuple(float(a[j]) for a in args), group.param,
                                                sample=self._sample_of(group.start + j))
            finite = np.isfinite(outputs)
            if not finite.all():
                j = int(np.flatnonzero(~finite)[0])
                operands = tuple(float(values[p]) for p in self._parent_slots(group.start + j))
                raise group.op.overflow_error(operands, group.param, sample=self._sample_of(group.start + j))

    def _raise_backward_error(self) -> None:
        raise FloatingPointError(f"backward: a gradient of the compiled function {self.name!r} is not finite "
                                 f"(run it uncompiled to see which op)")


def _row_ids(np: Any, rows: Any) -> tuple[Any, int]:
    """For each row of an int matrix, the number of its distinct value (rows equal ⇔ same
    number), and how many distinct rows there are."""
    contiguous = np.ascontiguousarray(rows)
    as_bytes = contiguous.view(np.dtype((np.void, contiguous.dtype.itemsize * contiguous.shape[1]))).ravel()
    _, first, ids = np.unique(as_bytes, return_index=True, return_inverse=True)
    return ids.ravel(), len(first)


def _param_key(param: Any) -> Any:
    return param if param is None or isinstance(param, (int, float, str)) else repr(param)


def _attribute_reader(np: Any, objects: list, name: str) -> Callable:
    import operator

    getter = operator.attrgetter(name)
    count = len(objects)
    return lambda: np.fromiter(map(getter, objects), dtype=np.float64, count=count)


def _scatter_plan(np: Any, index: Any) -> tuple:
    """How to add an array of contributions to ``grads`` at ``index`` (slots may repeat)."""
    if len(index) and index[-1] - index[0] == len(index) - 1 and np.all(np.diff(index) == 1):
        return ("slice", slice(int(index[0]), int(index[-1]) + 1))
    unique, inverse = np.unique(index, return_inverse=True)
    if len(unique) == len(index):
        return ("unique", index)
    return ("repeated", unique, inverse.ravel(), len(unique))


def _scatter(grads: Any, plan: tuple, contributions: Any) -> None:
    import numpy as np

    kind = plan[0]
    if kind == "slice":
        grads[plan[1]] += contributions
    elif kind == "unique":
        grads[plan[1]] += contributions
    else:
        grads[plan[1]] += np.bincount(plan[2], weights=contributions, minlength=plan[3])


def _rebuild(structure: Any, outputs: list) -> Any:
    kind, content = structure
    if kind == "value":
        return outputs[content]
    if kind == "number":
        return content
    if kind is dict:
        return {key: _rebuild(item, outputs) for key, item in content}
    items = [_rebuild(item, outputs) for item in content]
    return items if kind is list else kind(items) if kind is tuple else kind(*items)
