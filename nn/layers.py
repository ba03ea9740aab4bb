"""Neurons, layers and networks, built only from ``autograd``'s public operations.

``Neuron``, ``Layer`` and ``MLP`` behave as micrograd's (``MLP(nin, nouts)``: ReLU on every
layer but the last, weights ``U(-1, 1)``, biases 0, the same parameter order, a size-1 output
returns a single ``Value``), with more choices: an activation per layer, ``Maxout``,
initialisations, ``BatchNorm`` before the activation and ``Dropout`` after it.

Layers work on *rows*: ``forward_rows(batch)`` takes a minibatch (a list of samples) and
returns a list of lists of Values, so that batch norm sees the whole minibatch. Calling a
module on one sample or on a minibatch is built on it. Inside ``autograd.compile`` the
minibatch is one sample standing for every row (:class:`autograd.tracing.Samples`), so each
layer says what it does to *a* sample with ``each_sample`` and what it does across samples
with ``mean_over_samples``; what a trace must not freeze (dropout's masks, batch norm's running
estimates) goes through :mod:`autograd.tracing` too.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from autograd import Parameter, Value, dot
from autograd.tracing import (Samples, after_every_call, draw_on_every_call, each_sample, mean_over_samples,
                              read_on_every_call, sample_count)

from ._checks import as_value, flag, number
from .init import check_init, make_rng, sample_weights
from .module import Module, is_batch, traced_outside_a_call

__all__ = ["ACTIVATIONS", "activate", "RowModule", "Neuron", "Layer", "Maxout", "Dropout", "BatchNorm",
           "Sequential", "MLP"]

ACTIVATIONS = {
    "linear": None,
    "relu": Value.relu,
    "leaky_relu": Value.leaky_relu,   # the lecture's max(0.1x, x)
    "sigmoid": Value.sigmoid,
    "tanh": Value.tanh,
    "elu": Value.elu,
    "softplus": Value.softplus,       # log(1 + eˣ), a smooth ReLU
}
"""Activation names and the ``Value`` method each applies (``linear``: none)."""

_DISPLAY = {"linear": "Linear", "relu": "ReLU", "leaky_relu": "LeakyReLU", "sigmoid": "Sigmoid",
            "tanh": "Tanh", "elu": "ELU", "softplus": "Softplus"}


def check_activation(activation: Any) -> str:
    """``activation`` if it is a known name (``None`` means ``"linear"``); ``ValueError`` otherwise."""
    if activation is None:
        return "linear"
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r} "
                         f"(must be one of {', '.join(map(repr, ACTIVATIONS))} or None)")
    return activation


def _first_sample(batch: Any) -> Any:
    return batch.sample if isinstance(batch, Samples) else batch[0]


def activate(values: list[Value], activation: str) -> list[Value]:
    """``values`` passed through the activation named ``activation``."""
    function = ACTIVATIONS[activation]
    return values if function is None else [function(v) for v in values]


class RowModule(Module):
    """A module computed a minibatch at a time: ``forward_rows(batch)`` takes a list of samples
    and returns one list of Values per sample, so that batch norm sees the whole minibatch.
    ``forward`` (one sample) and ``forward_batch`` (a minibatch) are built on it; with
    ``unwrap_single`` (micrograd's layers) a one-value output is returned as that Value."""

    unwrap_single = True

    def forward_rows(self, batch: list) -> list[list[Value]]:
        """The outputs for every sample of ``batch`` (subclasses define it)."""
        raise NotImplementedError(f"{type(self).__name__} does not define forward_rows()")

    def _unwrap(self, row: list) -> Any:
        return row[0] if self.unwrap_single and len(row) == 1 else row

    def forward(self, x: Sequence[Any]) -> Any:
        """Outputs for one sample (a minibatch is accepted too, as in ``forward_batch``)."""
        if traced_outside_a_call():
            return Module.__call__(self, x)
        if is_batch(x):
            return self.forward_batch(x)
        return self._unwrap(self.forward_rows([x])[0])

    def forward_batch(self, batch: Sequence[Any]) -> list:
        """Outputs for every sample of a minibatch."""
        if traced_outside_a_call():
            return Module.__call__(self, batch)
        if not is_batch(batch):
            return self.forward(batch)
        return each_sample(self._unwrap, self.forward_rows(batch if isinstance(batch, Samples) else list(batch)))


class Neuron(Module):
    """One neuron: ``activation(Σᵢ wᵢxᵢ + b)`` with the weighted sum as one ``dot`` node.

    ``Neuron(nin, nonlin=True)`` is micrograd's (ReLU, or linear with ``nonlin=False``);
    ``activation=`` picks any of :data:`ACTIVATIONS` instead. Weights come from ``init`` (see
    :mod:`nn.init`), drawn from ``rng`` / ``seed`` / the global ``random`` module; bias 0.
    """

    def __init__(self, nin: int, nonlin: bool = True, *, activation: str | None = None,
                 init: str = "uniform", seed: int | None = None, rng: Any = None, fan_out: int = 1) -> None:
        nin = number("Neuron(nin)", nin, integer=True, minimum=1)
        init = check_init(init)
        random_source = make_rng(seed, rng)
        if activation is None:
            activation = "relu" if nonlin else "linear"
        self.w = tuple(Parameter(w) for w in sample_weights(init, nin, fan_out, random_source))
        self.b = Parameter(0.0)
        self.parameters()  # side by side in one array (a layer or model made of it packs them again)
        self.activation = check_activation(activation)
        self.nonlin = self.activation != "linear"

    def forward(self, x: Sequence[Any]) -> Value:
        """The neuron's output for one sample ``x`` (a list of ``nin`` numbers or Values)."""
        if len(x) != len(self.w):
            raise ValueError(f"{self!r} expects {len(self.w)} inputs, got {len(x)}")
        out = dot(self.w, x, self.b)
        function = ACTIVATIONS[self.activation]
        return out if function is None else function(out)

    def __repr__(self) -> str:
        return f"{_DISPLAY[self.activation]}Neuron({len(self.w)})"


class Layer(RowModule):
    """``nout`` neurons reading the same ``nin`` inputs.

    ``Layer(nin, nout, **kwargs)`` passes ``nonlin`` / ``activation`` / ``init`` to its
    neurons as micrograd does. With ``batch_norm=True`` the neurons are linear and a
    :class:`BatchNorm` (``self.norm``) normalises their outputs *before* the activation, as
    the lecture says; with ``dropout=p`` a :class:`Dropout` follows the activation.
    """

    def __init__(self, nin: int, nout: int, nonlin: bool = True, *, activation: str | None = None,
                 init: str = "uniform", seed: int | None = None, rng: Any = None,
                 batch_norm: bool = False, dropout: float = 0.0) -> None:
        nin = number("Layer(nin)", nin, integer=True, minimum=1)
        nout = number("Layer(nout)", nout, integer=True, minimum=1)
        random_source = make_rng(seed, rng)
        flag("Layer(batch_norm)", batch_norm)
        dropout = number("Layer(dropout)", dropout, minimum=0, maximum=1)
        if activation is None:
            activation = "relu" if nonlin else "linear"
        self.activation = check_activation(activation)
        neuron_activation = "linear" if batch_norm else self.activation
        self.neurons = tuple(Neuron(nin, activation=neuron_activation, init=init, rng=random_source, fan_out=nout)
                             for _ in range(nout))
        if batch_norm:
            self.norm = BatchNorm(nout)
        if dropout:
            self.dropout = Dropout(dropout, rng=random_source)
        self.parameters()

    def forward_rows(self, batch: list) -> list[list[Value]]:
        """The layer's outputs (a list of ``nout`` Values) for every sample of ``batch``."""
        nin = len(self.neurons[0].w)
        weights = [(n.w, n.b) for n in self.neurons]

        def weighted_sums(x: Sequence[Any]) -> list[Value]:
            if len(x) != nin:
                raise ValueError(f"{type(self).__name__}({nin}, {len(self.neurons)}) expects {nin} inputs, got {len(x)}")
            x = [v if type(v) is Value else as_value(v, "a layer's input") for v in x]  # one leaf per input, shared
            return [dot(w, x, b) for w, b in weights]

        rows = each_sample(weighted_sums, batch)
        norm = getattr(self, "norm", None)
        if norm is not None:
            rows = norm.forward_rows(rows)
        function = ACTIVATIONS[self.activation]
        if function is not None:
            rows = each_sample(lambda row: [function(v) for v in row], rows)
        dropout = getattr(self, "dropout", None)
        if dropout is not None:
            rows = dropout.forward_rows(rows)
        return rows

    def __repr__(self) -> str:
        """micrograd's ``Layer of [ReLUNeuron(2), ...]``; with batch norm the neurons are linear
        and the norm and then the activation follow them, in the order they are applied."""
        parts = [str(n) for n in self.neurons]
        if hasattr(self, "norm"):
            parts.append(repr(self.norm))
            if self.activation != "linear":
                parts.append(_DISPLAY[self.activation])
        if hasattr(self, "dropout"):
            parts.append(repr(self.dropout))
        return f"Layer of [{', '.join(parts)}]"


class MaxoutUnit(Module):
    """One maxout unit: ``max(w₁·x + b₁, …, w_k·x + b_k)`` over ``k`` linear pieces."""

    def __init__(self, nin: int, k: int = 2, *, init: str = "uniform", rng: Any = None, fan_out: int = 1) -> None:
        k = number("Maxout(k)", k, integer=True, minimum=2)
        self.pieces = tuple(Neuron(nin, activation="linear", init=init, rng=rng, fan_out=fan_out) for _ in range(k))

    def forward(self, x: Sequence[Any]) -> Value:
        """The largest of the pieces' values for one sample."""
        out = self.pieces[0](x)
        for piece in self.pieces[1:]:
            out = out.max(piece(x))
        return out

    def __repr__(self) -> str:
        return f"MaxoutUnit({len(self.pieces[0].w)}, k={len(self.pieces)})"


class Maxout(RowModule):
    """A layer of ``nout`` maxout units, the lecture's ``max(w₁ᵀx + b₁, w₂ᵀx + b₂)`` (k pieces)."""

    def __init__(self, nin: int, nout: int, k: int = 2, *, init: str = "uniform",
                 seed: int | None = None, rng: Any = None) -> None:
        nin = number("Maxout(nin)", nin, integer=True, minimum=1)
        nout = number("Maxout(nout)", nout, integer=True, minimum=1)
        random_source = make_rng(seed, rng)
        init = check_init(init)
        self.units = tuple(MaxoutUnit(nin, k, init=init, rng=random_source, fan_out=nout) for _ in range(nout))
        self.parameters()

    def forward_rows(self, batch: list) -> list[list[Value]]:
        """The units' outputs for every sample."""
        return each_sample(lambda x: [unit.forward(x) for unit in self.units], batch)

    def __repr__(self) -> str:
        return f"Maxout({len(self.units[0].pieces[0].w)}, {len(self.units)}, k={len(self.units[0].pieces)})"


class Dropout(RowModule):
    """Inverted dropout: in training mode each value is kept with probability ``1 - p`` and
    scaled by ``1 / (1 - p)`` (dropped values are multiplied by 0); in evaluation mode it is
    the identity. The random mask comes from ``rng`` / ``seed`` / the global ``random``."""

    unwrap_single = False

    def __init__(self, p: float = 0.5, *, seed: int | None = None, rng: Any = None) -> None:
        self.p = number("Dropout(p)", p, minimum=0, maximum=1)
        self.rng = make_rng(seed, rng)

    def forward_rows(self, batch: list) -> list[list[Value]]:
        """Each sample with its own random mask (training) or unchanged (evaluation). Compiled,
        the masks are drawn again on every call, in the order the scalar graph draws them."""
        if not self.training or self.p == 0.0:
            return each_sample(list, batch)
        width = len(_first_sample(batch))
        masks = draw_on_every_call(batch, width, self.draw_masks)
        return each_sample(lambda row, mask: [v * factor for v, factor in zip(row, mask)], batch, masks)

    def draw_masks(self, rows: int, features: int) -> list[list[float]]:
        """``rows`` masks of ``features`` factors, each ``1 / (1 - p)`` (kept, with probability
        ``1 - p``) or 0, drawn from the layer's random source in row-major order."""
        keep = 1.0 - self.p
        scale = 1.0 / keep if keep > 0.0 else 0.0
        random = self.rng.random
        return [[scale if random() < keep else 0.0 for _ in range(features)] for _ in range(rows)]

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"


class BatchNorm(RowModule):
    """Batch normalisation of ``num_features`` values, placed before the activation.

    Training mode, for each feature over the minibatch: ``x̂ = (x - μ) / √(σ² + eps)`` with the
    batch mean μ and biased variance σ², then ``γ·x̂ + β`` with learnable ``weight`` γ (1) and
    ``bias`` β (0). The running estimates are updated as PyTorch's ``BatchNorm1d`` does:
    ``running = (1 - momentum)·running + momentum·batch`` (the running variance uses the
    unbiased batch variance). Evaluation mode uses the running estimates instead.
    """

    buffers = ("running_mean", "running_var")
    unwrap_single = False

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        num_features = number("BatchNorm(num_features)", num_features, integer=True, minimum=1)
        eps = number("BatchNorm(eps)", eps, above=0)
        momentum = number("BatchNorm(momentum)", momentum, minimum=0, maximum=1)
        self.weight = tuple(Parameter(1.0) for _ in range(num_features))
        self.bias = tuple(Parameter(0.0) for _ in range(num_features))
        self.eps = eps
        self.momentum = momentum
        self.running_mean = [0.0] * num_features
        self.running_var = [1.0] * num_features
        self.parameters()

    def forward_rows(self, batch: list) -> list[list[Value]]:
        """Normalise every feature over the minibatch (training) or with the running
        estimates (evaluation)."""
        features = len(self.weight)

        def checked(row: Sequence[Any]) -> list[Value]:
            if len(row) != features:
                raise ValueError(f"BatchNorm({features}) expects {features} values per sample, got {len(row)}")
            return [as_value(x, "BatchNorm's input") for x in row]

        batch = each_sample(checked, batch)
        if not self.training:
            running = read_on_every_call(lambda: [x for pair in zip(*self.evaluation_constants()) for x in pair])
            means, inverse_stds = running[0::2], running[1::2]
            return each_sample(lambda row: [dot([self.weight[f]], [(row[f] - means[f]) * inverse_stds[f]], self.bias[f])
                                            for f in range(features)], batch)
        _check_batch_size(sample_count(batch))
        means = [mean_over_samples(each_sample(lambda row, f=f: row[f], batch)) for f in range(features)]
        centred = each_sample(lambda row: [x - mean for x, mean in zip(row, means)], batch)
        variances = [mean_over_samples(each_sample(lambda row, f=f: row[f] * row[f], centred)) for f in range(features)]
        inverse_stds = [(variance + self.eps) ** -0.5 for variance in variances]
        after_every_call([*means, *variances], lambda numbers, samples: self.update_running(
            numbers[:features], numbers[features:], samples), batch)
        return each_sample(lambda row: [dot([self.weight[f]], [row[f] * inverse_stds[f]], self.bias[f])
                                        for f in range(features)], centred)

    def evaluation_constants(self) -> tuple[list[float], list[float]]:
        """What evaluation mode applies per feature: the running means and
        ``1 / √(running variance + eps)``."""
        return list(self.running_mean), [1.0 / math.sqrt(v + self.eps) for v in self.running_var]

    def update_running(self, means: Sequence[float], variances: Sequence[float], size: int) -> None:
        """Move the running estimates towards one minibatch's ``means`` and biased
        ``variances`` of ``size`` samples (the running variance takes the unbiased one)."""
        _check_batch_size(size)  # compiled, after every call: a program traced on more samples runs on 1 too
        m = self.momentum
        for f, (mean, variance) in enumerate(zip(means, variances)):
            self.running_mean[f] = (1.0 - m) * self.running_mean[f] + m * mean
            self.running_var[f] = (1.0 - m) * self.running_var[f] + m * variance * size / (size - 1)

    def __repr__(self) -> str:
        return f"BatchNorm({len(self.weight)}, eps={self.eps:g}, momentum={self.momentum:g})"


def _check_batch_size(size: int) -> None:
    if size < 2:
        raise ValueError(f"BatchNorm in training mode needs a minibatch of at least 2 samples, got {size} "
                         f"(call the model on a list of samples, or call model.eval() first)")


class Sequential(RowModule):
    """Layers applied one after another (``self.layers``); each must have ``forward_rows``
    (``Layer``, ``Maxout``, ``Dropout``, ``BatchNorm``, another ``Sequential``)."""

    def __init__(self, *layers: Module) -> None:
        for index, layer in enumerate(layers):
            if not hasattr(layer, "forward_rows"):
                raise TypeError(f"Sequential: layers[{index}] ({type(layer).__name__}) cannot be chained "
                                f"(expected Layer, Maxout, Dropout, BatchNorm or Sequential)")
        self.layers = tuple(layers)
        self.parameters()  # the model's parameters side by side in one array, in this order

    def forward_rows(self, batch: list) -> list[list[Value]]:
        """Every sample through every layer."""
        for layer in self.layers:
            batch = layer.forward_rows(batch)
        return batch

    def __repr__(self) -> str:
        return f"{type(self).__name__} of [{', '.join(str(layer) for layer in self.layers)}]"


def output_width(module: Module) -> int | None:
    """How many outputs a sample gets from one of nn's layers or networks, read from its
    structure (``None`` where only running it would tell: a module of the user's)."""
    if isinstance(module, Layer):
        return len(module.neurons)
    if isinstance(module, Maxout):
        return len(module.units)
    if isinstance(module, BatchNorm):
        return len(module.weight)
    if isinstance(module, (Neuron, MaxoutUnit)):
        return 1
    if isinstance(module, Sequential):
        for layer in reversed(module.layers):
            if not isinstance(layer, Dropout):
                return output_width(layer)
    return None


class MLP(Sequential):
    """A multilayer perceptron: ``MLP(nin, nouts)`` is micrograd's (ReLU hidden layers,
    linear output layer, weights ``U(-1, 1)`` from the global ``random``).

    ``activation`` names the hidden layers' activation (any of :data:`ACTIVATIONS`, or
    ``"maxout"`` for :class:`Maxout` hidden layers with ``k`` pieces) and
    ``output_activation`` the last layer's (``None``: linear); or give ``activation`` a list
    with one name per layer. ``batch_norm`` and ``dropout`` apply to hidden layers. ``init``
    and ``seed`` / ``rng`` choose the initial weights.
    """

    def __init__(self, nin: int, nouts: Sequence[int], activation: Any = "relu", *,
                 output_activation: str | None = None, init: str = "uniform", k: int = 2,
                 batch_norm: bool = False, dropout: float = 0.0,
                 seed: int | None = None, rng: Any = None) -> None:
        nin = number("MLP(nin)", nin, integer=True, minimum=1)
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise TypeError(f"MLP(nouts) must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [nin] + [number(f"MLP(nouts[{i}])", n, integer=True, minimum=1) for i, n in enumerate(nouts)]
        flag("MLP(batch_norm)", batch_norm)
        dropout = number("MLP(dropout)", dropout, minimum=0, maximum=1)
        if isinstance(activation, (list, tuple)):
            if len(activation) != len(nouts):
                raise ValueError(f"MLP(activation) as a list needs one name per layer ({len(nouts)}), "
                                 f"got {len(activation)}")
            if output_activation is not None:
                raise ValueError("MLP: give output_activation only when activation is a single name")
            activations = list(activation)
        else:
            activations = [activation] * (len(nouts) - 1) + [output_activation]
        random_source = make_rng(seed, rng)
        check_init(init)
        layers: list[Module] = []
        last = len(nouts) - 1
        for i, act in enumerate(activations):
            hidden = i != last
            if act == "maxout":
                if batch_norm:
                    raise ValueError("MLP: batch_norm is not available with maxout layers")
                layers.append(Maxout(sizes[i], sizes[i + 1], k, init=init, rng=random_source))
                if hidden and dropout:
                    layers.append(Dropout(dropout, rng=random_source))
            else:
                layers.append(Layer(sizes[i], sizes[i + 1], activation=check_activation(act), init=init,
                                    rng=random_source, batch_norm=batch_norm and hidden,
                                    dropout=dropout if hidden else 0.0))
        super().__init__(*layers)
