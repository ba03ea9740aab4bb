"""Graphs shared by the viz tests (import them: ``from .graphs import lecture``)."""

from autograd import Value, dot


def lecture():
    """The lecture's f(x, y, z) = max((x + y)z, 0) at x = -2, y = 3, z = 2."""
    x, y, z = Value(-2.0, "x"), Value(3.0, "y"), Value(2.0, "z")
    return ((x + y) * z).max(0), (x, y, z)


def neuron_graph(n_inputs=3, n_neurons=2):
    """A tiny layer: out = Σ_j tanh(Σ_i w_ji·x_i + b_j), with nn-style parameter names."""
    xs = [Value(0.5 * (i + 1), f"x{i}") for i in range(n_inputs)]
    names = {}
    outs = []
    for j in range(n_neurons):
        act = Value(0.1 * j, None)
        names[f"layers.0.neurons.{j}.b"] = act
        for i, x in enumerate(xs):
            w = Value(0.3 - 0.2 * i + 0.1 * j)
            names[f"layers.0.neurons.{j}.w.{i}"] = w
            act = act + w * x
        outs.append(act.tanh())
    total = outs[0]
    for out in outs[1:]:
        total = total + out
    return total, names


def no_derivative():
    """y = 2·sqrt(x) at x = 0: the forward pass is fine, backward raises FloatingPointError."""
    x = Value(0.0, "x")
    return x.sqrt() * 2, x


def named_network():
    """A 2-2-1 tanh network's loss (output - 1)² for one point, named as a playground names it:
    features ``x1``, ``x2``, neurons ``layer 1, neuron 1`` ... ``output``, weights
    ``w(x1 → layer 1, neuron 1)``, biases ``b(output)``; returns (loss, params, groups), groups
    listing each layer's neurons by the names of their outputs."""
    inputs = [Value(0.5, "x1"), Value(-1.0, "x2")]
    params, groups = {}, {}
    for layer, (size, title) in enumerate([(2, "layer 1"), (1, "output")], 1):
        names = [f"layer {layer}, neuron {j + 1}" if title != "output" else "output" for j in range(size)]
        outputs = []
        for j, name in enumerate(names):
            weights = [Value(0.4 - 0.3 * k + 0.2 * j) for k in range(len(inputs))]
            params.update({f"w({source.label} → {name})": w for source, w in zip(inputs, weights)})
            bias = params[f"b({name})"] = Value(0.1 * j - 0.05)
            total = dot(weights, inputs, bias)  # as nn's neurons: Σ wᵢxᵢ + b, one node
            out = total.tanh() if title != "output" else total
            out.label = name
            outputs.append(out)
        groups[title], inputs = names, outputs
    loss = (inputs[0] - 1.0) ** 2
    loss.label = "loss"
    return loss, params, groups
