"""From ``nn`` to PyTorch and back: ``model.to_torch()`` and ``nn.from_torch(module)``.

Each part of an ``nn`` model becomes the PyTorch module that computes the same function, with the
same weights, in float64 by default:

==============================================  ===============================================
``nn``                                          PyTorch
==============================================  ===============================================
``Layer(nin, nout, activation, batch_norm,      ``torch_modules.Layer`` (a ``torch.nn.Sequential``):
dropout)``                                      ``Linear(nin, nout)``, ``BatchNorm1d(nout)``,
                                                the activation, ``Dropout(p)``, each when the
                                                layer has it
``MLP``                                         ``torch_modules.MLP`` (a ``Sequential``) of its layers
``Sequential``                                  ``torch.nn.Sequential``
``Maxout(nin, nout, k)``                        ``torch_modules.Maxout``
``BatchNorm(n, eps, momentum)``                 ``torch.nn.BatchNorm1d(n, eps, momentum)``
``Dropout(p)``                                  ``torch.nn.Dropout(p)``
==============================================  ===============================================

``Linear.weight[i, j]`` is ``neurons[i].w[j]`` and ``Linear.bias[i]`` is ``neurons[i].b``;
``BatchNorm1d``'s ``weight``, ``bias``, ``running_mean`` and ``running_var`` are BatchNorm's;
every module's training mode is carried over. :func:`from_torch` reads these modules back, and
also a plain ``torch.nn.Sequential`` of ``Linear``, ``BatchNorm1d``, activations and ``Dropout``
(a ``Linear`` starts a layer, which takes the ``BatchNorm1d``, activation and ``Dropout`` that
directly follow it). What has no ``nn`` counterpart is refused with an error that names it.

torch is imported only when a conversion is asked for: ``import nn`` never imports it.
"""

from __future__ import annotations

import math
import random
from typing import Any

from .layers import MLP, BatchNorm, Dropout, Layer, Maxout, Sequential
from .module import Module

__all__ = ["to_torch", "from_torch", "LEAKY_RELU_SLOPE", "ELU_ALPHA", "SOFTPLUS_THRESHOLD"]

LEAKY_RELU_SLOPE = 0.1
"""The slope of ``nn``'s leaky ReLU for negative inputs, the lecture's ``max(0.1x, x)``."""
ELU_ALPHA = 1.0
"""``nn``'s ELU: ``α(eˣ - 1)`` for negative inputs."""
SOFTPLUS_THRESHOLD = 40.0
"""``torch.nn.Softplus`` returns ``x`` above its threshold (20 by default, where ``log(1 + eˣ)``
is still ``x + 2e-9``); from 37 on, the two are the same float, so with this threshold it is
``nn``'s ``log(1 + eˣ)`` for every x. :func:`from_torch` accepts any threshold from 37 up."""
_SOFTPLUS_EXACT_FROM = 37.0


def _import_torch():
    """torch and :mod:`nn.torch_modules`, or an ImportError that says how to install torch."""
    try:
        import torch
    except ImportError as error:
        raise ImportError("moving models between nn and PyTorch needs PyTorch, which is not installed: "
                          "pip install torch") from error
    from . import torch_modules

    return torch, torch_modules


# -- to PyTorch ---------------------------------------------------------------------------------

def to_torch(model: Module, dtype: Any = None) -> Any:
    """``model`` as a ``torch.nn.Module`` with the same architecture, weights, running estimates
    and training modes (``dtype`` default ``torch.float64``, on the CPU; ``.to(device)`` moves it)."""
    torch, modules = _import_torch()
    dtype = torch.float64 if dtype is None else dtype

    def linear(neurons: list, training: bool):
        out = torch.nn.utils.skip_init(torch.nn.Linear, len(neurons[0].w), len(neurons), dtype=dtype)
        with torch.no_grad():
            out.weight.copy_(torch.tensor([[w.data for w in n.w] for n in neurons], dtype=dtype))
            out.bias.copy_(torch.tensor([n.b.data for n in neurons], dtype=dtype))
        out.train(training)
        return out

    def batch_norm(norm: BatchNorm):
        out = torch.nn.BatchNorm1d(len(norm.weight), eps=norm.eps, momentum=norm.momentum, dtype=dtype)
        with torch.no_grad():
            for name in ("weight", "bias"):
                getattr(out, name).copy_(torch.tensor([p.data for p in getattr(norm, name)], dtype=dtype))
            for name in ("running_mean", "running_var"):
                getattr(out, name).copy_(torch.tensor(getattr(norm, name), dtype=dtype))
        return out.train(norm.training)

    def convert(part: Module):
        kind = type(part)
        if kind is MLP or kind is Sequential:
            container = modules.MLP if kind is MLP else torch.nn.Sequential
            out = container(*[convert(layer) for layer in part.layers])
        elif kind is Layer:
            pieces = [linear(part.neurons, part.neurons[0].training)]
            if hasattr(part, "norm"):
                pieces.append(batch_norm(part.norm))
            if part.activation != "linear":
                pieces.append(_torch_activation(torch, part.activation).train(part.training))
            if hasattr(part, "dropout"):
                pieces.append(torch.nn.Dropout(part.dropout.p).train(part.dropout.training))
            out = modules.Layer(*pieces)
        elif kind is Maxout:
            units = part.units
            out = torch.nn.utils.skip_init(modules.Maxout, len(units[0].pieces[0].w), len(units),
                                           len(units[0].pieces), dtype=dtype)
            out.linear = linear([piece for unit in units for piece in unit.pieces], units[0].training)
        elif kind is BatchNorm:
            return batch_norm(part)
        elif kind is Dropout:
            out = torch.nn.Dropout(part.p)
        else:
            raise TypeError(f"to_torch: {kind.__name__} has no PyTorch counterpart here; nn's Layer, Maxout, "
                            f"BatchNorm, Dropout, Sequential and MLP have (a single Neuron is a Layer(nin, 1))")
        out.training = part.training
        return out

    if not isinstance(model, Module):
        raise TypeError(f"to_torch: expected an nn model, got {type(model).__name__}")
    return convert(model)


def _torch_activation(torch, name: str):
    """The PyTorch module for ``nn``'s activation ``name``."""
    return {
        "relu": lambda: torch.nn.ReLU(),
        "leaky_relu": lambda: torch.nn.LeakyReLU(LEAKY_RELU_SLOPE),
        "sigmoid": lambda: torch.nn.Sigmoid(),
        "tanh": lambda: torch.nn.Tanh(),
        "elu": lambda: torch.nn.ELU(alpha=ELU_ALPHA),
        "softplus": lambda: torch.nn.Softplus(beta=1.0, threshold=SOFTPLUS_THRESHOLD),
    }[name]()


# -- from PyTorch -------------------------------------------------------------------------------

def from_torch(module: Any, *, seed: int | None = None, rng: random.Random | None = None) -> Module:
    """An ``nn`` model equal to the PyTorch ``module``: the inverse of :func:`to_torch`
    (``from_torch(model.to_torch())`` has the model's architecture, ``state_dict`` and modes).

    Also reads a plain ``torch.nn.Sequential`` of ``Linear``, ``BatchNorm1d``, activations
    (``ReLU``, ``LeakyReLU(0.1)``, ``Sigmoid``, ``Tanh``, ``ELU(alpha=1.0)``, ``Softplus`` with a
    threshold of at least 37) and ``Dropout``, in any dtype (the weights become Python floats
    exactly). A ``Linear`` without bias comes back with biases 0. ``seed``/``rng`` seed the
    dropout masks of the new model (by default a fresh random source). Anything else raises
    ``TypeError`` or ``ValueError`` naming the module and what would be accepted.
    """
    torch, modules = _import_torch()
    source = rng if rng is not None else random.Random(seed)

    def floats(tensor, where: str) -> list:
        values = tensor.detach().to("cpu", torch.float64).tolist()
        flat = values if not values or not isinstance(values[0], list) else [v for row in values for v in row]
        bad = next((v for v in flat if not math.isfinite(v)), None)
        if bad is not None:
            raise ValueError(f"from_torch: {where} holds {bad}; nn's weights are finite numbers")
        return values

    def set_linear(neurons: list, linear, where: str) -> None:
        weights = floats(linear.weight, f"{where}.weight")
        biases = floats(linear.bias, f"{where}.bias") if linear.bias is not None else [0.0] * len(neurons)
        for neuron, row, bias in zip(neurons, weights, biases):
            for w, value in zip(neuron.w, row):
                w.data = value
            neuron.b.data = bias
            neuron.training = linear.training

    def layer(group: list, where: str) -> Layer:
        linear, norm, activation, dropout = _split_group(torch, group, where)
        made = Layer(linear.in_features, linear.out_features, activation=_nn_activation(torch, activation, where),
                     batch_norm=norm is not None, dropout=dropout.p if dropout is not None else 0.0, rng=source)
        set_linear(made.neurons, linear, f"{where} Linear")
        if norm is not None:
            set_batch_norm(made.norm, norm, f"{where} BatchNorm1d")
        if dropout is not None and hasattr(made, "dropout"):
            made.dropout.training = dropout.training
        made.training = linear.training
        return made

    def set_batch_norm(made: BatchNorm, norm, where: str) -> None:
        if not norm.affine or not norm.track_running_stats or norm.momentum is None:
            raise ValueError(f"from_torch: {where} ({norm}) is not nn's BatchNorm, which has a weight and a bias "
                             f"(affine=True) and running estimates with a momentum (track_running_stats=True, "
                             f"momentum a number)")
        made.eps, made.momentum = float(norm.eps), float(norm.momentum)
        for name in ("weight", "bias"):
            for p, value in zip(getattr(made, name), floats(getattr(norm, name), f"{where}.{name}")):
                p.data = value
        made.running_mean[:] = floats(norm.running_mean, f"{where}.running_mean")
        made.running_var[:] = floats(norm.running_var, f"{where}.running_var")
        made.training = norm.training

    def convert(part, where: str) -> Module:
        kind = type(part)
        if kind is modules.Layer:
            made = layer(list(part), where)
            made.training = part.training
            return made
        if kind is modules.MLP:
            return mlp(part, where)
        if kind is torch.nn.Sequential:
            made = Sequential(*sequence(list(part), where))
        elif kind is modules.Maxout:
            made = Maxout(part.in_features, part.out_features, part.k, rng=source)
            set_linear([piece for unit in made.units for piece in unit.pieces], part.linear, f"{where}.linear")
            for unit in made.units:
                unit.training = part.linear.training
        elif kind is torch.nn.Linear:
            return layer([part], where)
        elif kind is torch.nn.BatchNorm1d:
            made = BatchNorm(part.num_features)
            set_batch_norm(made, part, where)
        elif kind is torch.nn.Dropout:
            made = Dropout(part.p, rng=source)
        else:
            raise TypeError(f"from_torch: {where} is {kind.__module__}.{kind.__name__}, which nn has no counterpart "
                            f"for (nn reads Linear, BatchNorm1d, Dropout, ReLU, LeakyReLU, Sigmoid, Tanh, ELU, "
                            f"Softplus, Sequential and the modules of nn.torch_modules)")
        made.training = part.training
        return made

    def sequence(children: list, where: str) -> list[Module]:
        """A Sequential's children as nn modules: a Linear and the BatchNorm1d, activation and
        Dropout right after it make one Layer; Identity only separates."""
        made, index = [], 0
        while index < len(children):
            child = children[index]
            if isinstance(child, torch.nn.Linear):
                end = index + 1
                for expected in (torch.nn.BatchNorm1d, "activation", torch.nn.Dropout):
                    if end < len(children) and (isinstance(children[end], expected) if expected != "activation"
                                                else _is_activation(torch, children[end])):
                        end += 1
                made.append(layer(children[index:end], f"{where}[{index}]"))
                index = end
            elif isinstance(child, torch.nn.Identity):
                index += 1
            elif _is_activation(torch, child):
                raise ValueError(f"from_torch: {where}[{index}] ({child}) follows no Linear; in nn an activation "
                                 f"belongs to a layer")
            else:
                made.append(convert(child, f"{where}[{index}]"))
                index += 1
        return made

    def mlp(part, where: str) -> MLP:
        layers = [convert(child, f"{where}[{index}]") for index, child in enumerate(part)]
        built = Sequential(*layers)
        sized = [m for m in layers if isinstance(m, (Layer, Maxout))]
        if not sized:
            raise ValueError(f"from_torch: {where} has no layer")
        first = sized[0]
        nin = len(first.neurons[0].w) if isinstance(first, Layer) else len(first.units[0].pieces[0].w)
        nouts = [len(m.neurons) if isinstance(m, Layer) else len(m.units) for m in sized]
        activations = [m.activation if isinstance(m, Layer) else "maxout" for m in sized]
        dropouts = [m.p for m in built.modules() if isinstance(m, Dropout)]
        maxouts = [m for m in sized if isinstance(m, Maxout)]
        made = MLP(nin, nouts, activation=activations, batch_norm=any(hasattr(m, "norm") for m in sized),
                   dropout=dropouts[0] if dropouts else 0.0, k=len(maxouts[0].units[0].pieces) if maxouts else 2,
                   rng=source)
        norms = [m for m in built.modules() if isinstance(m, BatchNorm)]
        for norm, given in zip([m for m in made.modules() if isinstance(m, BatchNorm)], norms):
            norm.eps, norm.momentum = given.eps, given.momentum
        expected = "MLP" + repr(built)[len("Sequential"):]
        if repr(made) != expected:
            raise ValueError(f"from_torch: {where} is not an MLP that nn.MLP builds (nn.MLP would be {made!r}, "
                             f"this is {expected}); put its modules in a torch.nn.Sequential to get an nn.Sequential")
        made.load_state_dict(built.state_dict())
        for ours, theirs in zip(made.modules(), built.modules()):
            ours.training = theirs.training
        made.training = part.training
        return made

    return convert(module, type(module).__name__)


def _is_activation(torch, module) -> bool:
    return isinstance(module, (torch.nn.ReLU, torch.nn.LeakyReLU, torch.nn.Sigmoid, torch.nn.Tanh, torch.nn.ELU,
                               torch.nn.Softplus))


def _nn_activation(torch, module, where: str) -> str:
    """nn's name for a PyTorch activation module (``"linear"`` for None), or ValueError when it
    is not exactly one of nn's activations."""
    if module is None:
        return "linear"
    exact = {torch.nn.ReLU: ("relu", True), torch.nn.Sigmoid: ("sigmoid", True), torch.nn.Tanh: ("tanh", True),
             torch.nn.LeakyReLU: ("leaky_relu", getattr(module, "negative_slope", None) == LEAKY_RELU_SLOPE),
             torch.nn.ELU: ("elu", getattr(module, "alpha", None) == ELU_ALPHA),
             torch.nn.Softplus: ("softplus", getattr(module, "beta", None) == 1.0
                                 and getattr(module, "threshold", 0.0) >= _SOFTPLUS_EXACT_FROM)}
    name, same = exact[type(module)]
    if not same:
        raise ValueError(f"from_torch: {where}: {module} is not nn's {name} (nn has LeakyReLU({LEAKY_RELU_SLOPE}), "
                         f"ELU(alpha={ELU_ALPHA}), and Softplus(beta=1) with threshold >= {_SOFTPLUS_EXACT_FROM:g}, "
                         f"where it is log(1 + eˣ) to the last bit)")
    return name


def _split_group(torch, group: list, where: str) -> tuple:
    """``(Linear, BatchNorm1d or None, activation or None, Dropout or None)`` of one layer's modules."""
    parts = list(group)
    if not parts or not isinstance(parts[0], torch.nn.Linear):
        raise ValueError(f"from_torch: {where} does not start with a Linear: {group}")
    linear, norm, activation, dropout = parts.pop(0), None, None, None
    if parts and isinstance(parts[0], torch.nn.BatchNorm1d):
        norm = parts.pop(0)
    if parts and _is_activation(torch, parts[0]):
        activation = parts.pop(0)
    if parts and isinstance(parts[0], torch.nn.Dropout):
        dropout = parts.pop(0)
    if parts:
        raise ValueError(f"from_torch: {where}: a layer is Linear, then BatchNorm1d, an activation and Dropout, "
                         f"each at most once and in that order; {parts[0]} does not fit")
    return linear, norm, activation, dropout
