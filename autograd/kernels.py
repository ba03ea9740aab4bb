"""The kernels of a compiled program (:mod:`autograd.compiler`), and the buffers they run on.

A program is a list of kernels of four kinds, each a small class: :class:`Elementwise` (an op
of the table on arrays; the derivative rules exist only in the op table), :class:`MatMul` (a
layer's ``dot`` nodes as one matrix product), :class:`SampleSum` (a sum over the batch axis)
and :class:`Detached` (a number copied with no gradient). Each reads its arguments through a
:class:`Gather` and writes a contiguous range of rows of one of the two :class:`Buffers`;
:class:`ParameterReads` copies the parameters in and gives them their gradients.

numpy is imported inside the functions: ``import autograd`` does not need it.
"""

from __future__ import annotations

from typing import Any

from .ops import OPS
from .parameter import Parameter
from .value import Value

__all__ = ["Buffers", "Gather", "Kernel", "Elementwise", "MatMul", "SampleSum", "Detached", "ParameterReads"]

DOT, SUM = OPS["dot"], OPS["sum"]

SHARED, BATCHED = "shared", "batched"


class Buffers:
    """One thread's numbers for one call, a row per node: ``shared`` (``(slots, 1)``: nodes that
    are the same for every sample) and ``batched`` (``(slots, samples)``), with their gradients.
    Every array a kernel sees has the samples on its last axis (1 for shared ones), so numpy
    broadcasts the two kinds together; ``call`` counts the calls the buffers have served."""

    def __init__(self, shared_size: int, batched_size: int, samples: int) -> None:
        import numpy as np

        self.samples = samples
        self.shared = np.zeros((shared_size, 1))
        self.batched = np.zeros((batched_size, samples))
        self.shared_grad = np.zeros((shared_size, 1))
        self.batched_grad = np.zeros((batched_size, samples))
        self.call = 0
        self.state: dict = {}  # what the kernels kept from the forward pass for the backward
        self.views: dict = {}  # (values, gradients) views of the rows a Gather or Kernel reads or writes
        self.assigning: frozenset = frozenset()  # the Gathers that assign in this backward pass

    def of(self, where: str, grad: bool = False) -> Any:
        if where == SHARED:
            return self.shared_grad if grad else self.shared
        return self.batched_grad if grad else self.batched


class Gather:
    """How a kernel reads a block of rows of one buffer, shaped ``(*index.shape, samples)``, and
    gives gradients back to them. Rows that lie in a regular grid (consecutive rows, or a
    layer's weights: a neuron's inputs side by side, one neuron after the other) are read as a
    view of the buffer, no copy; others through an index array.

    In a backward pass a Gather either *adds* its contribution to the rows' gradients or, where
    it is the first to give those rows anything in that pass, *assigns* it (see
    :class:`BackwardPlan`): then the gradient buffer needs no zeroing first."""

    def __init__(self, where: str, index: Any, needs_grad: bool = False) -> None:
        import numpy as np

        self.where = where
        self.needs_grad = needs_grad
        """False where no gradient is wanted (the rows do not lead to any parameter)."""
        self.shape = index.shape
        self.rows = index.ravel()
        self.repeats = len(np.unique(self.rows)) < len(self.rows)
        self.grid = None if self.repeats else _grid(index)
        """``(first row, strides in rows)`` where the rows form a regular grid, else None."""

    def _views(self, buffers: Buffers) -> tuple | None:
        views = buffers.views.get(self)
        if views is None and self.grid is not None:
            views = buffers.views[self] = (self._view(buffers.of(self.where)),
                                           self._view(buffers.of(self.where, grad=True)))
        return views

    def _view(self, values: Any) -> Any:
        from numpy.lib.stride_tricks import as_strided

        first, strides = self.grid
        row = values.strides[0]
        return as_strided(values[first:], shape=(*self.shape, values.shape[1]),
                          strides=(*(step * row for step in strides), values.strides[1]))

    def read(self, buffers: Buffers) -> Any:
        views = self._views(buffers)
        if views is not None:
            return views[0]
        values = buffers.of(self.where)
        return values[self.rows].reshape(*self.shape, values.shape[1])

    def target(self, buffers: Buffers) -> Any:
        """The rows' gradients as a view (to be written into), or None where they are not a grid."""
        views = self._views(buffers)
        return views[1] if views is not None else None

    def give(self, buffers: Buffers, contribution: Any, assign: bool) -> None:
        """Add ``contribution`` (shaped as :meth:`read` returns, or with every sample where the
        rows are shared: then the samples' contributions add up) to the rows' gradients, or
        with ``assign`` make it their gradient."""
        import numpy as np

        if not self.needs_grad:
            return
        views = self._views(buffers)
        grads = views[1] if views is not None else buffers.of(self.where, grad=True)
        if contribution.shape[-1] != grads.shape[-1]:
            contribution = contribution.sum(axis=-1, keepdims=True)
        if views is not None:
            if assign:
                grads[...] = contribution
            else:
                grads += contribution
        elif self.repeats:
            np.add.at(grads, self.rows, contribution.reshape(-1, grads.shape[1]))
        elif assign:
            grads[self.rows] = contribution.reshape(-1, grads.shape[1])
        else:
            grads[self.rows] += contribution.reshape(-1, grads.shape[1])


def _grid(index: Any) -> tuple | None:
    """``(first, strides)`` if ``index[i, j, ...] == first + Σ strides[k]·i_k`` (all different), else None."""
    import numpy as np

    if index.size == 0:
        return None
    first = int(index.flat[0])
    strides = []
    for axis in range(index.ndim):
        step = int(np.take(index, 1, axis=axis).flat[0]) - first if index.shape[axis] > 1 else 0
        strides.append(step)
    expected = first + sum(np.arange(extent).reshape([-1 if k == axis else 1 for k in range(index.ndim)]) * step
                           for axis, (extent, step) in enumerate(zip(index.shape, strides)))
    return (first, tuple(strides)) if np.array_equal(expected, index) and min(strides) >= 0 else None


class Kernel:
    """One step of the program: computes a group of nodes, rows ``start:stop`` of buffer ``where``."""

    where: str
    start: int
    stop: int
    op: Any = None
    param: Any = None
    needs_grad = True
    """False where no gradient is wanted (nothing it computes leads to a parameter)."""

    def output(self, buffers: Buffers, grad: bool = False) -> Any:
        views = buffers.views.get(self)
        if views is None:
            rows = slice(self.start, self.stop)
            views = buffers.views[self] = (buffers.of(self.where)[rows], buffers.of(self.where, grad=True)[rows])
        return views[grad]

    def forward(self, buffers: Buffers, m: Any) -> None:
        raise NotImplementedError

    def backward(self, buffers: Buffers, m: Any) -> None:
        raise NotImplementedError

    def operands(self, buffers: Buffers, node: int, sample: int) -> tuple:
        """The inputs of one node of the group for one sample (for an error message)."""
        raise NotImplementedError


class Elementwise(Kernel):
    """Nodes applying one op of the table: the op's own ``forward`` and ``local_grads`` rules,
    run on arrays (``m`` is numpy's namespace). The arguments are read in blocks, one per
    buffer they come from; with a single block the rule gets one array with the argument axis
    first, which the table's n-ary rules (``sum``, ``dot``) reduce in one call."""

    def __init__(self, op: Any, param: Any, reads: list[tuple[Gather, list[int]]], nargs: int,
                 where: str, start: int, stop: int) -> None:
        self.op, self.param, self.reads, self.nargs = op, param, reads, nargs
        self.where, self.start, self.stop = where, start, stop

    def _arguments(self, buffers: Buffers) -> Any:
        if len(self.reads) == 1:
            return self.reads[0][0].read(buffers)  # (arguments, nodes, samples)
        args: list = [None] * self.nargs
        for gather, positions in self.reads:
            block = gather.read(buffers)
            for j, position in enumerate(positions):
                args[position] = block[j]
        return args

    def forward(self, buffers: Buffers, m: Any) -> None:
        args = self._arguments(buffers)
        self.output(buffers)[...] = self.op.forward(m, args, self.param)
        buffers.state[self] = args

    def backward(self, buffers: Buffers, m: Any) -> None:
        import numpy as np

        args = buffers.state[self]
        upstream = self.output(buffers, grad=True)
        local = self.op.local_grads(m, args, self.output(buffers), self.param)
        stacked = isinstance(local, np.ndarray)  # one row per argument already (sum, dot)
        for gather, positions in self.reads:
            if not gather.needs_grad:
                continue
            assign = gather in buffers.assigning
            if stacked:
                gather.give(buffers, (local if len(self.reads) == 1 else local[positions]) * upstream, assign)
            elif len(positions) == 1:
                target = gather.target(buffers) if assign else None
                if target is not None and target.shape[1:] == upstream.shape:  # local × upstream straight into place
                    np.multiply(local[positions[0]], upstream, out=target[0])
                else:
                    gather.give(buffers, (local[positions[0]] * upstream)[None], assign)
            else:
                gather.give(buffers, np.stack([local[p] * upstream for p in positions]), assign)

    def gradient_gathers(self) -> list[Gather]:
        return [gather for gather, _ in self.reads if gather.needs_grad]

    def operands(self, buffers: Buffers, node: int, sample: int) -> tuple:
        args = self._arguments(buffers)
        return tuple(float(a[node, sample if a.shape[-1] > 1 else 0]) for a in args)


class MatMul(Kernel):
    """``dot`` nodes that form a layer: every weight row (a neuron's weights and bias) with
    every input row, as one matrix product ``W @ X + b``. The weights are the same for every
    sample (parameters), read as a ``(neurons, inputs)`` matrix."""

    def __init__(self, inputs: Gather, weights: Gather, bias: Gather | None, rows: int, columns: int,
                 where: str, start: int, stop: int) -> None:
        self.op, self.param = DOT, inputs.shape[-1]
        self.inputs, self.weights, self.bias = inputs, weights, bias
        self.rows, self.columns = rows, columns
        self.where, self.start, self.stop = where, start, stop

    def forward(self, buffers: Buffers, m: Any) -> None:
        import numpy as np

        x = self.inputs.read(buffers)            # (input rows, n, samples)
        w = self.weights.read(buffers)[..., 0]   # (neurons, n)
        out = self.output(buffers)
        if self.rows == 1:                       # a layer on a batch: (neurons, samples)
            np.matmul(w, x[0], out=out)
        elif x.shape[-1] == 1:                   # every sample's own row (traced sample by sample)
            out[...] = (x[..., 0] @ w.T).reshape(-1, 1)
        else:
            out[...] = np.einsum("cj,rjb->rcb", w, x).reshape(self.rows * self.columns, -1)
        if self.bias is not None:
            bias = self.bias.read(buffers)
            out += bias if self.rows == 1 else np.tile(bias, (self.rows, 1))
        buffers.state[self] = (x, w)

    def backward(self, buffers: Buffers, m: Any) -> None:
        import numpy as np

        x, w = buffers.state[self]
        g = self.output(buffers, grad=True).reshape(self.rows, self.columns, -1)  # (rows, neurons, samples)
        inputs, weights, bias, assigning = self.inputs, self.weights, self.bias, buffers.assigning
        if self.rows == 1:
            if inputs.needs_grad:
                self._input_gradient(buffers, w, g[0], inputs in assigning)
            weights.needs_grad and weights.give(buffers, (g[0] @ x[0].T)[..., None], weights in assigning)
        elif x.shape[-1] == 1:
            g2 = g[..., 0]
            inputs.needs_grad and inputs.give(buffers, (g2 @ w)[..., None], inputs in assigning)
            weights.needs_grad and weights.give(buffers, (g2.T @ x[..., 0])[..., None], weights in assigning)
        else:
            inputs.needs_grad and inputs.give(buffers, np.einsum("cj,rcb->rjb", w, g), inputs in assigning)
            weights.needs_grad and weights.give(buffers, np.einsum("rcb,rjb->cj", g, x)[..., None],
                                                weights in assigning)
        if bias is not None and bias.needs_grad:
            bias.give(buffers, g.sum(axis=(0, 2))[:, None], bias in assigning)

    def _input_gradient(self, buffers: Buffers, w: Any, g: Any, assign: bool) -> None:
        """``Wᵀ @ G``, the inputs' gradient of a layer on a batch, written straight into place
        when it is the first to reach them (a one-neuron layer's is an outer product: a
        broadcast multiplication, which numpy does faster than a product over one column)."""
        import numpy as np

        target = self.inputs.target(buffers) if assign else None
        if target is not None and target.shape[1:] == (w.shape[1], g.shape[1]):
            if len(w) == 1:
                np.multiply(w.T, g, out=target[0])
            else:
                np.matmul(w.T, g, out=target[0])
            return
        self.inputs.give(buffers, (w.T * g if len(w) == 1 else w.T @ g)[None], assign)

    def gradient_gathers(self) -> list[Gather]:
        return [gather for gather in (self.inputs, self.weights, self.bias) if gather is not None and gather.needs_grad]

    def operands(self, buffers: Buffers, node: int, sample: int) -> tuple:
        x = self.inputs.read(buffers)
        w = self.weights.read(buffers)[..., 0]
        row, neuron = divmod(node, self.columns)
        xs = x[row, :, sample if x.shape[-1] > 1 else 0]
        bias = (float(self.bias.read(buffers)[neuron, 0]),) if self.bias is not None else ()
        return (*map(float, w[neuron]), *map(float, xs), *bias)


class SampleSum(Kernel):
    """Σ over the samples of per-sample nodes (a loss's mean, batch norm's statistics): the
    batch axis reduced; backward gives every sample the upstream gradient (∂Σ/∂xᵢ = 1)."""

    def __init__(self, source: Gather, start: int, stop: int) -> None:
        self.op = SUM
        self.source = source
        self.where, self.start, self.stop = SHARED, start, stop

    def forward(self, buffers: Buffers, m: Any) -> None:
        values = self.source.read(buffers)
        if self.source.where == SHARED:  # the same number for every sample: n times it
            self.output(buffers)[...] = values * buffers.samples
        else:
            self.output(buffers)[...] = values.sum(axis=-1, keepdims=True)

    def backward(self, buffers: Buffers, m: Any) -> None:
        import numpy as np

        upstream = self.output(buffers, grad=True)
        self.source.give(buffers, np.broadcast_to(upstream, (len(upstream), buffers.samples)),
                         self.source in buffers.assigning)

    def gradient_gathers(self) -> list[Gather]:
        return [self.source] if self.source.needs_grad else []

    def operands(self, buffers: Buffers, node: int, sample: int) -> tuple:
        return tuple(map(float, self.source.read(buffers)[node, :6]))


class Detached(Kernel):
    """Numbers copied from other nodes, through which no gradient flows (``detach``)."""

    def __init__(self, source: Gather, where: str, start: int, stop: int) -> None:
        self.source = source
        self.where, self.start, self.stop = where, start, stop

    def forward(self, buffers: Buffers, m: Any) -> None:
        self.output(buffers)[...] = self.source.read(buffers)

    def backward(self, buffers: Buffers, m: Any) -> None:
        pass

    def gradient_gathers(self) -> list[Gather]:
        return []

    def operands(self, buffers: Buffers, node: int, sample: int) -> tuple:
        return ()


class ParameterReads:
    """How a program reads its parameters on every call and gives them their gradients: for
    each run of parameters sharing one :class:`~autograd.ParameterArrays`, one array copy in
    and one array addition out; plain Value leaves one by one."""

    def __init__(self, parameters: list[Value], start: int) -> None:
        self.parameters, self.start = parameters, start
        self._plan()

    def _plan(self) -> None:
        import numpy as np

        runs: list[tuple[Any, Any, slice]] = []
        plain: list[tuple[int, Value]] = []
        i, count = 0, len(self.parameters)
        while i < count:
            p = self.parameters[i]
            if not isinstance(p, Parameter):
                plain.append((self.start + i, p))
                i += 1
                continue
            j = i
            while j < count and isinstance(self.parameters[j], Parameter) and self.parameters[j].arrays is p.arrays:
                j += 1
            index = np.array([q.index for q in self.parameters[i:j]], dtype=np.intp)
            if len(index) and bool(np.all(np.diff(index) == 1)):
                index = slice(int(index[0]), int(index[-1]) + 1)
            runs.append((p.arrays, index, slice(self.start + i, self.start + j)))
            i = j
        # replaced whole, never seen half built (by another thread, or after a Ctrl-C here)
        self.runs, self.plain = runs, plain

    def _find_moved(self) -> None:
        if any(not arrays.intact for arrays, _, _ in self.runs):
            self._plan()  # a parameter was packed into other arrays since: find them there

    def read(self, shared: Any) -> None:
        self._find_moved()
        for arrays, index, slots in self.runs:
            shared[slots, 0] = arrays.numpy()[0][index]
        for slot, p in self.plain:
            shared[slot, 0] = p.data

    def add_grads(self, grads: Any) -> None:
        self._find_moved()  # since the call that read them (a gradient left in old arrays is lost)
        for arrays, index, slots in self.runs:
            arrays.numpy()[1][index] += grads[slots, 0]
            if arrays.graph_grads:  # gradients that are graphs (create_graph=True): graph + number
                for slot in range(slots.start, slots.stop):
                    graph = arrays.graph_grads.get(self.parameters[slot - self.start].index)
                    if graph is not None:
                        self.parameters[slot - self.start].grad = graph + float(grads[slot, 0])
        for slot, p in self.plain:
            p.grad += float(grads[slot, 0])
