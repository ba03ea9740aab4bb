"""Graphs shared by the viz tests (import them: ``from .graphs import lecture``)."""

from autograd import Value


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
