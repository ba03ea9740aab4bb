"""``Module``: the base of every model, with PyTorch's conventions.

A module's parameters are the :class:`~autograd.Value` objects held in its attributes
(directly or in lists), followed by those of the modules it holds (directly or in lists), in
the order the attributes were set. Their dotted names (``layers.0.neurons.3.w.1``) come from
that path, so they are stable and the drawing code can group nodes by them. A module may also
hold *buffers*: lists of floats that are state but not parameters (BatchNorm's running
estimates), named in the class attribute ``buffers``.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

import weakref
from contextvars import ContextVar

from autograd import Parameter, Value
from autograd.parameter import pack, packed_arrays
from autograd.value import short_repr
from autograd.tracing import PerSampleCode, Samples, each_sample, guard, is_tracing
from valuegraph.files import json_text, read_json, write_atomic

from ._checks import as_number, flag, type_name

__all__ = ["Module", "parameters_to_vector", "vector_to_parameters", "is_batch"]

FILE_FORMAT = "valuegraph.nn.state_dict"
FILE_VERSION = 1

MAX_FILE_BYTES = 64 * 1024
MAX_BYTES_PER_ENTRY = 1024
""":meth:`Module.load` refuses, before reading it, a file of more than ``MAX_FILE_BYTES +
MAX_BYTES_PER_ENTRY`` bytes per entry of the model's ``state_dict`` (``save`` writes about 40)."""


_structure_version = 0
"""Counts the changes of any module's attributes but its mode: what a module holds can only have
changed where this moved, so what is worked out from it can be kept until then."""

_mode_version = 0
"""Counts the changes of any module's mode (``training``)."""

_parameter_lists: "weakref.WeakKeyDictionary[Module, tuple]" = weakref.WeakKeyDictionary()
_named_parameter_lists: "weakref.WeakKeyDictionary[Module, tuple]" = weakref.WeakKeyDictionary()
_inside_a_module: ContextVar[bool] = ContextVar("valuegraph_inside_a_module", default=False)
_structure_keys: "weakref.WeakKeyDictionary[Module, tuple]" = weakref.WeakKeyDictionary()
_module_lists: "weakref.WeakKeyDictionary[Module, tuple]" = weakref.WeakKeyDictionary()
_named_buffer_lists: "weakref.WeakKeyDictionary[Module, tuple]" = weakref.WeakKeyDictionary()


class Module:
    r"""Base class of layers and models (``Neuron``, ``Layer``, ``MLP``, ``BatchNorm``...).

    Subclasses set their parameters and sub-modules as attributes and define ``forward(x)``
    for one sample; calling the module on a minibatch (a list of samples) calls
    ``forward_batch``, which by default runs ``forward`` on each sample.

    Parameters are :class:`~autograd.Parameter`\ s where ``nn`` makes them; a model's
    :meth:`parameters` lie side by side in one array, so that an optimizer, ``zero_grad`` and
    ``autograd.compile`` work on all of them at once. Parameters, sub-modules and their
    containers are held in attributes, as tuples in ``nn``'s own modules (a list works too,
    but then ``parameters()`` walks the model on every call, since a list can change
    without the model knowing).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        global _structure_version, _mode_version
        if name == "training":
            if value != getattr(self, "training", None):  # a mode set again as it was changes nothing
                _mode_version += 1
            object.__setattr__(self, name, value)
            return
        object.__setattr__(self, name, value)
        _structure_version += 1

    def __delattr__(self, name: str) -> None:
        global _structure_version
        object.__delattr__(self, name)
        _structure_version += 1

    training = True
    """True in training mode (dropout drops, batch norm uses batch statistics)."""

    buffers: tuple[str, ...] = ()
    """Names of attributes holding lists of floats saved in ``state_dict`` (not trained)."""

    def __call__(self, x: Any) -> Any:
        """``forward(x)`` for one sample, ``forward_batch(x)`` for a list of samples."""
        if is_tracing() and not _inside_a_module.get():
            # autograd.compile: replay only while the model is what it traced (its structure
            # key covers every module inside it, so the modules it calls need no guard of their own)
            model = weakref.ref(self)
            guard(lambda: structure_key(model()) if model() is not None else None)
            token = _inside_a_module.set(True)
            try:
                return self.forward_batch(x) if is_batch(x) else self.forward(x)
            finally:
                _inside_a_module.reset(token)
        if is_batch(x):
            return self.forward_batch(x)
        return self.forward(x)

    def forward(self, x: Any) -> Any:
        """The module's output for one sample (subclasses define it)."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def forward_batch(self, batch: Sequence[Any]) -> list:
        """The outputs for a minibatch, one per sample (``forward`` on each)."""
        if traced_outside_a_call():
            return Module.__call__(self, batch)
        return each_sample(self.forward, batch)

    # -- parameters and children -----------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, "Module"]]:
        """The modules held directly by this one, with their attribute names (``layers.0``)."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{index}", item

    def modules(self) -> Iterator["Module"]:
        """This module and every module inside it, each parent before its children, in
        attribute order (PyTorch's ``modules()``); the list is kept until the model changes (as
        :meth:`parameters`), so that switching modes or checking what a model holds does not
        walk it every time."""
        cached = _module_lists.get(self)
        if cached is not None and cached[0] == _structure_version:
            return iter((self, *cached[1]))
        found = list(_walk(self))
        if _no_lists(found):
            _module_lists[self] = (_structure_version, tuple(found[1:]))  # not self: the cache must not keep it alive
        return iter(found)

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """``(dotted name, Value)`` for every parameter, in micrograd's order."""
        for name, value in vars(self).items():
            if isinstance(value, Value):
                yield prefix + name, value
            elif isinstance(value, Module):
                yield from value.named_parameters(f"{prefix}{name}.")
            elif isinstance(value, (list, tuple)):
                for index, item in enumerate(value):
                    if isinstance(item, Value):
                        yield f"{prefix}{name}.{index}", item
                    elif isinstance(item, Module):
                        yield from item.named_parameters(f"{prefix}{name}.{index}.")

    def _named_parameters_kept(self) -> list[tuple[str, Value]]:
        """:meth:`named_parameters` as a list, kept until the model changes (as :meth:`parameters`)."""
        return _kept(_named_parameter_lists, self, lambda: list(self.named_parameters()))

    def _named_buffers_kept(self) -> list[tuple[str, list, int]]:
        """:meth:`named_buffers` as a list, kept until the model changes (the numbers are read
        from the buffers when used)."""
        return _kept(_named_buffer_lists, self, lambda: list(self.named_buffers()))

    def parameters(self) -> list[Value]:
        r"""Every parameter as one flat list (micrograd's ``model.parameters()``), each once.

        The first call packs the model's :class:`~autograd.Parameter`\ s side by side into one
        array, in this order, unless they already share one (a layer of a model keeps its place
        in the model's); later calls return the list kept from it until the model changes
        (microseconds, not a walk over the model)."""
        return list(self._kept_parameters()[0])

    def _kept_parameters(self) -> tuple[tuple, Any]:
        """The parameters (packed if need be), and the arrays that hold exactly them in this
        order (or None), kept until the model changes."""
        return _kept(_parameter_lists, self, self._packed_parameters)

    def _packed_parameters(self) -> tuple[tuple, Any]:
        found = tuple(dict.fromkeys(p for _, p in self.named_parameters()))
        if found and all(isinstance(p, Parameter) for p in found) and not _in_one_array(found):
            pack(found)
        return found, packed_arrays(found)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, list, int]]:
        """``(dotted name, list, index)`` for every buffer entry (``norm.running_mean.0``)."""
        for name in self.buffers:
            values = getattr(self, name)
            for index in range(len(values)):
                yield f"{prefix}{name}.{index}", values, index
        for name, child in self.named_children():
            yield from child.named_buffers(f"{prefix}{name}.")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0 (gradients accumulate until zeroed)."""
        params, arrays = self._kept_parameters()
        if arrays is not None and arrays.intact:  # one fill for all of them
            arrays.zero_grad()
            return
        for p in params:
            p.grad = 0.0

    # -- modes -----------------------------------------------------------------------------

    def train(self, mode: bool = True) -> "Module":
        """Set training mode (``True``) or evaluation mode (``False``) here and in every
        sub-module; returns ``self``."""
        self.training = flag("train(mode)", mode)
        for _, child in self.named_children():
            child.train(mode)
        return self

    def eval(self) -> "Module":
        """Evaluation mode (``train(False)``): dropout off, batch norm uses its running
        estimates. Returns ``self``."""
        return self.train(False)

    # -- PyTorch ---------------------------------------------------------------------------

    def to_torch(self, dtype: Any = None) -> Any:
        """This model as a ``torch.nn.Module``: the same architecture, weights, running estimates
        and modes, in float64 unless ``dtype`` says otherwise; ``nn.from_torch`` brings it back.
        Needs PyTorch (an ``ImportError`` says how to install it); see :mod:`nn.torch_bridge`."""
        from .torch_bridge import to_torch

        return to_torch(self, dtype)

    # -- state -----------------------------------------------------------------------------

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value and every buffer entry, by dotted name (a copy)."""
        state = {name: p.data for name, p in self._named_parameters_kept()}
        for name, values, index in self._named_buffers_kept():
            state[name] = values[index]
        return state

    def load_state_dict(self, state: Mapping[str, Any]) -> "Module":
        """Set parameters and buffers from ``state`` (as made by :meth:`state_dict`).

        Everything is checked first (a mapping; exactly this model's keys; every value a
        finite real number, a variance not negative); on any mismatch ``ValueError`` (or
        ``TypeError``) says exactly what is wrong and the model is left unchanged.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"load_state_dict: expected a dict of name -> number, got {type(state).__name__}")
        params = dict(self.named_parameters())
        buffers = {name: (values, index) for name, values, index in self.named_buffers()}
        expected = list(params) + list(buffers)
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in params and k not in buffers]
        problems = []
        if missing:
            problems.append(f"missing keys: {_some(missing)}")
        if unexpected:
            problems.append(f"unexpected keys: {_some(unexpected)}")
        for key in expected:
            if key not in state:
                continue
            value = state[key]
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                problems.append(f"{key}: expected a number, got {type_name(value)}: {short_repr(value)}")
            elif not _is_finite(value):
                problems.append(f"{key}: expected a finite number, got {short_repr(value)}")
            elif ".running_var." in f".{key}" and value < 0:
                problems.append(f"{key}: a variance cannot be negative, got {value!r}")
        if problems:
            raise ValueError(f"load_state_dict: the state does not fit {type(self).__name__} "
                             f"({len(expected)} entries); nothing was changed. " + "; ".join(problems))
        for name, p in params.items():
            p.data = float(state[name])
        for name, (values, index) in buffers.items():
            values[index] = float(state[name])
        return self

    def save(self, path: str | os.PathLike) -> None:
        """Write :meth:`state_dict` to ``path`` as JSON, by the project's one file writer
        (:func:`valuegraph.files.write_atomic`): atomically (a crash never leaves a truncated
        file), keeping an existing file's permissions (a new file gets ``open()``'s), writing
        through a symbolic link to the file it points to, and cleaning up what a killed save
        left behind. The folder must exist, as for ``open(path, "w")``: a missing one raises
        ``FileNotFoundError`` naming ``path`` and the folder. A weight that is NaN or infinite
        raises ``ValueError`` naming it and ``path``; nothing is written then."""
        document = {"format": FILE_FORMAT, "version": FILE_VERSION, "model": type(self).__name__,
                    "state": self.state_dict()}
        text = json_text(document, caller=f"Module.save({os.fspath(path)!r})", kind="model file", indent=1)
        write_atomic(path, text, caller="Module.save")

    def load(self, path: str | os.PathLike) -> "Module":
        """Load parameters saved by :meth:`save`. The file is fully checked first (valid
        JSON, the right format, the right keys and sizes, finite numbers); on any problem
        ``ValueError`` names the file and what is wrong, and the model is left unchanged.
        It is read by the project's one file reader (:func:`valuegraph.files.read_json`): before
        anything is read, ``path`` must be a regular file (a named pipe or a device such as
        ``/dev/zero`` is a ``ValueError`` at once, a folder an ``IsADirectoryError``) of at most
        ``MAX_FILE_BYTES + MAX_BYTES_PER_ENTRY × len(state_dict())`` bytes, far more than
        :meth:`save` writes (about 40 bytes an entry)."""
        caller = f"Module.load({os.fspath(path)!r})"
        limit = MAX_FILE_BYTES + MAX_BYTES_PER_ENTRY * len(self.state_dict())
        document = read_json(path, limit, caller="Module.load", kind="model file",
                             shape="a model file is a JSON object holding an object of numbers")
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT or "state" not in document:
            raise ValueError(f"{caller}: not a valid model file: expected a JSON object with "
                             f"\"format\": \"{FILE_FORMAT}\" and a \"state\"")
        if type(document.get("version")) is not int or document["version"] != FILE_VERSION:  # not True, not 1.0
            raise ValueError(f"{caller}: unsupported version {document.get('version')!r} "
                             f"(this code reads version {FILE_VERSION})")
        try:
            return self.load_state_dict(document["state"])
        except (TypeError, ValueError) as error:
            raise type(error)(f"{caller}: {error}") from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _is_finite(value: numbers.Real) -> bool:
    """True if ``value`` is a finite float (an int too large for a float is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:  # math.isfinite(10**400)
        return False


def _some(keys: list[str], limit: int = 5) -> str:
    shown = ", ".join(map(repr, keys[:limit]))
    return shown + (f" and {len(keys) - limit} more" if len(keys) > limit else "")


def _in_one_array(parameters: tuple) -> bool:
    """True if the parameters all lie in one intact ParameterArrays (in any order)."""
    arrays = parameters[0].arrays
    return arrays.intact and all(p.arrays is arrays for p in parameters)


def _kept(store: "weakref.WeakKeyDictionary[Module, tuple]", module: Module, make: Callable[[], Any]) -> Any:
    """What ``make()`` works out from ``module``, kept in ``store`` until some module's attributes
    change (never kept where a module holds parameters or modules in a list, which could change
    in place, unseen)."""
    cached = store.get(module)
    if cached is not None and cached[0] == _structure_version:
        return cached[1]
    made = make()
    if _holds_no_list(module):
        store[module] = (_structure_version, made)
    return made


def _holds_no_list(module: Module) -> bool:
    """True if no module in ``module`` keeps parameters or modules in a list (which could
    change in place, unseen)."""
    return _no_lists(module.modules())


def _no_lists(modules: Iterable[Module]) -> bool:
    return not any(isinstance(value, list) and any(isinstance(item, (Value, Module)) for item in value)
                   for m in modules for value in vars(m).values())


def _walk(module: Module) -> Iterator[Module]:
    """``module`` and every module inside it, each parent before its children, in attribute order."""
    stack: list[Module] = [module]
    while stack:
        module = stack.pop()
        yield module
        stack.extend(reversed([child for _, child in module.named_children()]))


def structure_key(module: Module) -> tuple:
    """Everything about ``module`` that decides the graph it builds: each module's type, mode and
    settings, and which parameters it holds. A compiled function replays a trace only while
    the key is unchanged. It is worked out again only after some module's attributes changed
    (only the modes, a walk over the modules kept, after a change of mode)."""
    cached = _structure_keys.get(module)
    if cached is None or cached[0] != _structure_version:
        modules = list(module.modules())
        structure = tuple((type(m), id(m),
                           tuple((name, value) for name, value in vars(m).items()
                                 if name != "training" and isinstance(value, (str, int, float, bool, type(None)))),
                           tuple(id(v) for value in vars(m).values()
                                 for v in (value if isinstance(value, (list, tuple)) else (value,))
                                 if isinstance(v, Value)))
                          for m in modules)
        cached = [_structure_version, structure, None, None]  # (no module kept: the cache must not keep them alive)
        if _holds_no_list(module):
            _structure_keys[module] = cached
    if cached[2] != _mode_version:
        cached[2], cached[3] = _mode_version, tuple(m.training for m in module.modules())
    return cached[1], cached[3]


def traced_outside_a_call() -> bool:
    """True while ``autograd.compile`` traces code that reached a module's ``forward`` or
    ``forward_batch`` directly (``model.forward(X)``), not through a call of a module: such a
    method then calls its module instead (``Module.__call__``, whatever a subclass makes of
    ``__call__``), so that the trace is guarded by the module's structure and mode as
    ``model(X)``'s is (else ``model.eval()`` would not trace it again)."""
    return is_tracing() and not _inside_a_module.get()


def is_batch(x: Any) -> bool:
    """True if ``x`` is a minibatch (a sequence of samples, or the one that stands for them
    all inside ``autograd.compile``), False for one sample (a sequence of numbers or Values)."""
    if isinstance(x, Samples):
        if isinstance(x.sample, Value):  # a number per "sample": a flat list, which is one sample
            raise PerSampleCode("a model is given one sample (a flat list of numbers), not a minibatch")
        return True
    if isinstance(x, (Value, numbers.Real)):
        return False
    try:
        first = x[0]
    except (TypeError, KeyError):
        raise TypeError(f"expected a sample (a list of numbers or Values) or a minibatch "
                        f"(a list of samples), got {type(x).__name__}: {x!r}") from None
    except IndexError:
        raise ValueError("expected a sample or a minibatch, got an empty sequence") from None
    return not isinstance(first, (Value, numbers.Real))


def parameters_to_vector(parameters: Sequence[Value]) -> list[float]:
    """The parameters' values as a flat list of floats (PyTorch's name)."""
    return [p.data for p in parameters]


def vector_to_parameters(vector: Sequence[Any], parameters: Sequence[Value]) -> None:
    """Set each parameter's value from ``vector`` in order, e.g. to start from the same
    weights as a micrograd model: ``vector_to_parameters([p.data for p in mg.parameters()],
    model.parameters())``. Checked in full before anything changes."""
    values = list(vector)
    parameters = list(parameters)
    if len(values) != len(parameters):
        raise ValueError(f"vector_to_parameters: {len(values)} values for {len(parameters)} parameters")
    for index, value in enumerate(values):
        values[index] = as_number(value, f"vector_to_parameters: values[{index}]")
    for index, p in enumerate(parameters):
        if not isinstance(p, Value):
            raise TypeError(f"vector_to_parameters: parameters[{index}] must be a Value, got {type(p).__name__}")
    for p, value in zip(parameters, values):
        p.data = value
