"""``Parameter``: a trainable leaf whose number and gradient live in an array shared with others.

A model's weights are read and written far more often than anything else: by every forward
pass, every backward pass and every optimizer step. A :class:`Parameter` behaves exactly as a
:class:`~autograd.Value` leaf (``p.data``, ``p.grad``, arithmetic, ``backward``), but its two
numbers are one entry of a :class:`ParameterArrays`, two ``float64`` arrays that a whole model's
parameters can share side by side. Then the numbers are one array to the code that works on
all of them at once: a compiled training step reads a layer's weights as a matrix,
``loss.backward()`` adds every gradient with one array operation, an optimizer updates every
weight with a few, and ``model.zero_grad()`` fills one array with zeros, with no Python loop
over thousands of Values, while ``p.data`` and ``p.grad`` always show the current numbers (as
a ``torch.nn.Parameter`` is a view of its tensor's storage).

The arrays are ``array.array('d')`` (the standard library: ``import autograd`` needs no
numpy); :meth:`ParameterArrays.numpy` gives numpy views of the same memory. A new Parameter
has arrays of its own, one entry long; :func:`pack` moves parameters into one new
``ParameterArrays`` (``nn`` packs a model's parameters, in ``model.parameters()`` order). The
arrays a parameter leaves behind are no longer :attr:`~ParameterArrays.intact`, which tells
code that kept them (a compiled program, an optimizer) to look again.

A gradient that is itself a graph (``backward(create_graph=True)``) is not a number, so it is
kept beside the arrays, in :attr:`ParameterArrays.graph_grads`, until a number replaces it.
"""

from __future__ import annotations

from array import array
from typing import Any, Iterable

from .value import Value

__all__ = ["Parameter", "ParameterArrays", "pack"]


class ParameterArrays:
    """The numbers (``data``) and gradients (``grad``) of several :class:`Parameter`\\ s, entry
    ``i`` belonging to ``owners[i]``."""

    __slots__ = ("data", "grad", "owners", "intact", "graph_grads", "_views")

    def __init__(self, data: Iterable[float], grad: Iterable[float]) -> None:
        self.data = array("d", data)
        self.grad = array("d", grad)
        self.owners: tuple[Parameter, ...] = ()
        self.intact = True
        """False once a parameter has been moved to other arrays (by :func:`pack`)."""
        self.graph_grads: dict[int, Value] = {}
        """Gradients that are graphs (``create_graph=True``), by entry; usually empty."""
        self._views = None

    def __len__(self) -> int:
        return len(self.data)

    def numpy(self) -> tuple[Any, Any]:
        """``(data, grad)`` as numpy arrays sharing this memory: writing them writes the
        parameters."""
        if self._views is None:
            import numpy as np

            self._views = (np.frombuffer(self.data, dtype=np.float64), np.frombuffer(self.grad, dtype=np.float64))
        return self._views

    def zero_grad(self) -> None:
        """Every gradient to 0 (graphs included)."""
        if self._views is not None:
            self._views[1].fill(0.0)
        else:
            self.grad[:] = array("d", bytes(8 * len(self.grad)))
        self.graph_grads.clear()

    def __getstate__(self) -> dict:
        return {"data": self.data, "grad": self.grad, "owners": self.owners, "intact": self.intact,
                "graph_grads": self.graph_grads}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self._views = None

    def __repr__(self) -> str:
        return f"ParameterArrays({len(self)} parameters{'' if self.intact else ', not intact'})"


class Parameter(Value):
    """A leaf to be trained, whose number and gradient are entry ``index`` of ``arrays``.

    ``Parameter(data, label=None)`` is made as ``Value(data, label)`` and used in the same way.
    ``nn``'s layers make their weights and biases Parameters, so that a model's numbers are
    arrays for the code that needs them so (see the module's notes).
    """

    __slots__ = ("arrays", "index")

    def __init__(self, data: float, label: str | None = None) -> None:
        self.arrays = ParameterArrays([0.0], [0.0])
        self.index = 0
        self.arrays.owners = (self,)
        super().__init__(data, label)

    @property
    def data(self) -> float:
        """The parameter's number (entry ``index`` of ``arrays.data``)."""
        return self.arrays.data[self.index]

    @data.setter
    def data(self, value: float) -> None:
        self.arrays.data[self.index] = value

    @property
    def grad(self) -> Any:
        """The gradient: a number, or a Value after ``backward(create_graph=True)``."""
        arrays = self.arrays
        if arrays.graph_grads:
            graph = arrays.graph_grads.get(self.index)
            if graph is not None:
                return graph
        return arrays.grad[self.index]

    @grad.setter
    def grad(self, value: Any) -> None:
        arrays = self.arrays
        if isinstance(value, Value):
            arrays.graph_grads[self.index] = value
            return
        arrays.grad[self.index] = value
        if arrays.graph_grads:
            arrays.graph_grads.pop(self.index, None)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # Made empty, then given its arrays, entry and label: the arrays list their owners, so
        # a parameter must exist (and be remembered by pickle) before its arrays are restored.
        return (_empty_parameter, (), {"arrays": self.arrays, "index": self.index, "label": self.label,
                                       "attributes": vars(self)})

    def __setstate__(self, state: dict) -> None:
        self.arrays, self.index, self.label = state["arrays"], state["index"], state["label"]
        vars(self).update(state["attributes"])


def _empty_parameter() -> Parameter:
    parameter = Parameter.__new__(Parameter)
    parameter.op, parameter.param, parameter.parents = None, None, ()
    return parameter


def pack(parameters: Iterable[Parameter]) -> ParameterArrays:
    """Move ``parameters`` (in this order, each once) into one new :class:`ParameterArrays`,
    keeping their numbers and gradients; return it. Arrays that held any of them before are
    marked not :attr:`~ParameterArrays.intact`."""
    members = list(dict.fromkeys(parameters))
    for i, p in enumerate(members):
        if not isinstance(p, Parameter):
            raise TypeError(f"pack: parameters[{i}] must be a Parameter, got {type(p).__name__}: {p!r}")
    packed = ParameterArrays([p.data for p in members], [0.0] * len(members))
    graphs = {}
    for i, p in enumerate(members):
        gradient = p.grad
        if isinstance(gradient, Value):
            graphs[i] = gradient
        else:
            packed.grad[i] = gradient
    for i, p in enumerate(members):
        if p.arrays is not packed:
            p.arrays.intact = False
        p.arrays, p.index = packed, i
    packed.owners = tuple(members)
    packed.graph_grads = graphs
    return packed


def packed_arrays(parameters: Iterable[Value]) -> ParameterArrays | None:
    """The intact arrays holding exactly ``parameters`` in this order, or None if there are none
    (plain Values among them, or the parameters spread over several arrays)."""
    members = tuple(parameters)
    if not members or not isinstance(members[0], Parameter):
        return None
    arrays = members[0].arrays
    return arrays if arrays.intact and arrays.owners == members else None
