# %% [markdown]
# # 2. Activation functions (funciones de activación)
#
# A neuron is a linear pre-activation followed by a non-linear activation:
#
# $$a(\mathbf{x}) = \mathbf{w}^T\mathbf{x} + b, \qquad h(\mathbf{x}) = g(a(\mathbf{x})).$$
#
# Without the non-linearity $g$, a stack of layers is still one linear map. This notebook plots
# the lecture's activations (sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU) **and their derivatives
# computed by the engine** (backpropagation through one `Value`, nothing derived by hand), then
# looks at where each one *saturates* (its derivative is almost 0), which is what makes deep
# networks hard to train.
#
# Every cell can be changed and re-run: try another slope for leaky ReLU, another α for ELU, other
# pieces for maxout.

# %%
import math

import matplotlib.pyplot as plt

from autograd import OPS, Value, gradients

plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})

# %% [markdown]
# ## The formulas, as the engine knows them
#
# Each operation of the engine carries its rule (forward formula and local derivative) as data.
# These are the lecture's activations:
#
# | lecture | formula |
# |---|---|
# | Sigmoid | $\sigma(x) = \frac{1}{1 + e^{-x}}$ |
# | tanh | $\tanh(x)$ |
# | ReLU | $\max(0, x)$ |
# | Leaky ReLU | $\max(0.1x, x)$ |
# | Maxout | $\max(w_1^Tx + b_1,\; w_2^Tx + b_2)$ |
# | ELU | $x$ if $x \ge 0$, $\alpha(e^x - 1)$ if $x < 0$ |

# %%
for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "max"):
    print(f"{name:>10}: {OPS[name].rule}")

# %% [markdown]
# ## Value and derivative, from backpropagation
#
# `derivative(g, x)` builds `g(Value(x))` and asks the engine for $\partial g / \partial x$
# (with `gradients`, which leaves `.grad` untouched). For maxout on a scalar input we pick two
# pieces $w_1 x + b_1$ and $w_2 x + b_2$; with $(w_1, b_1) = (1, 0)$ and $(w_2, b_2) = (0.1, 0)$ it
# *is* leaky ReLU, with $(0, 0)$ as second piece it is ReLU: maxout learns its own shape.

# %%
def derivative(g, x):
    """g(x) and dg/dx at the number x, both from the engine."""
    v = Value(x)
    out = g(v)
    (d,) = gradients(out, [v])
    return out.data, d


ALPHA = 1.0       # ELU's α
SLOPE = 0.1       # leaky ReLU's slope: the lecture's max(0.1x, x)
PIECES = [(1.0, 0.0), (-0.5, -1.0)]   # maxout's (w, b) pieces: try [(1, 0), (0.1, 0)]


def maxout(v):
    out = None
    for w, b in PIECES:
        piece = w * v + b
        out = piece if out is None else out.max(piece)
    return out


activations = {
    "sigmoid": lambda v: v.sigmoid(),
    "tanh": lambda v: v.tanh(),
    "ReLU": lambda v: v.relu(),
    f"leaky ReLU (slope {SLOPE})": lambda v: v.leaky_relu(SLOPE),
    f"ELU (α = {ALPHA})": lambda v: v.elu(ALPHA),
    "maxout": maxout,
}

xs = [-6 + 12 * i / 480 for i in range(481)]
curves = {name: [derivative(g, x) for x in xs] for name, g in activations.items()}

fig, axes = plt.subplots(2, 3, figsize=(12, 6.5), sharex=True)
for ax, (name, points) in zip(axes.flat, curves.items()):
    ax.plot(xs, [p[0] for p in points], label="g(x)", color="tab:blue")
    ax.plot(xs, [p[1] for p in points], label="g'(x) (backprop)", color="tab:red", linestyle="--")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title(name)
    ax.set_ylim(-2.2, 3.2)
axes[0, 0].legend(loc="upper left")
for ax in axes[1]:
    ax.set_xlabel("x")
fig.suptitle("Activations and their derivatives, computed by the engine")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Check: the engine against the textbook derivatives
#
# The derivatives above came from backpropagation. Here they are compared with the closed forms
# $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$, $\text{ReLU}' = 1_{\{x > 0\}}$,
# leaky ReLU' $= 1$ or $0.1$, ELU' $= 1$ or $\alpha e^x$, over the whole grid (the grid avoids
# the kink at exactly 0).

# %%
def sigmoid(x):
    return 1 / (1 + math.exp(-x))


closed_forms = {
    "sigmoid": lambda x: sigmoid(x) * (1 - sigmoid(x)),
    "tanh": lambda x: 1 - math.tanh(x) ** 2,
    "ReLU": lambda x: 1.0 if x > 0 else 0.0,
    f"leaky ReLU (slope {SLOPE})": lambda x: 1.0 if x > 0 else SLOPE,
    f"ELU (α = {ALPHA})": lambda x: 1.0 if x > 0 else ALPHA * math.exp(x),
}
grid = [x for x in xs if abs(x) > 1e-9]
for name, exact in closed_forms.items():
    worst = max(abs(derivative(activations[name], x)[1] - exact(x)) for x in grid)
    print(f"{name:>24}: largest |backprop - closed form| = {worst:.1e}")

# %% [markdown]
# ## Where each activation saturates
#
# An activation *saturates* where its derivative is close to 0: the gradient that flows back
# through it (chain rule: multiplied by $g'(a)$) almost vanishes and the weights before it stop
# learning. Below: the part of $[-6, 6]$ where $|g'(x)| < 0.01$, and the largest $|g'(x)|$.

# %%
def intervals(mask):
    """Runs of consecutive grid points where mask is True, as (first x, last x) pairs."""
    runs = []
    for x, m in zip(xs, mask):
        if m and runs and runs[-1][1] == previous:
            runs[-1] = (runs[-1][0], x)
        elif m:
            runs.append((x, x))
        previous = x
    return runs


for name, points in curves.items():
    slopes = [abs(p[1]) for p in points]
    flat = intervals([s < 0.01 for s in slopes])
    where = "on " + ", ".join(f"[{a:.2f}, {b:.2f}]" for a, b in flat) if flat else "nowhere"
    print(f"{name:>24}: max |g'| = {max(slopes):.3f};  |g'| < 0.01 {where}")

# %% [markdown]
# * **sigmoid** saturates on both sides ($|x| \gtrsim 4.6$) and its derivative is never more than
#   $0.25$: every sigmoid layer divides the gradient by at least 4.
# * **tanh** is centred at 0 with slope 1 there, but saturates too ($|x| \gtrsim 3$).
# * **ReLU** never saturates for $x > 0$ (slope 1) and is exactly flat for $x < 0$: a neuron whose
#   pre-activation is negative for every example gets no gradient at all ("dead ReLU").
# * **leaky ReLU** keeps a slope of 0.1 on the left, so it never dies.
# * **ELU** is smooth, negative values saturate softly towards $-\alpha$.
# * **maxout** is piecewise linear with the slope of whichever piece wins: it never saturates.

# %% [markdown]
# ## Why saturation matters: gradients through depth
#
# Stack $L$ layers of one neuron each, $h_{k+1} = g(w\,h_k + b)$, and ask the engine for
# $\partial h_L / \partial h_0$. By the chain rule it is a product of $L$ factors $w\,g'(a_k)$: with
# sigmoid each factor is at most $0.25\,w$, so the gradient shrinks geometrically with depth
# (the *vanishing gradient*). Weight $w = 1$, bias $b = 0.1$, input $h_0 = 0.5$.

# %%
W, B, DEPTHS = 1.0, 0.1, range(1, 31)


def input_gradient(g, depth):
    x = Value(0.5)
    h = x
    for _ in range(depth):
        h = g(W * h + B)
    (d,) = gradients(h, [x])
    return abs(d)


fig, ax = plt.subplots(figsize=(7, 4))
styles = ["-", "-", "-", "--", ":"]
for (name, g), style in zip(list(activations.items())[:5], styles):
    ax.semilogy(list(DEPTHS), [max(input_gradient(g, d), 1e-30) for d in DEPTHS], style, marker=".", label=name)
ax.set_xlabel("depth L (layers)")
ax.set_ylabel("|∂h_L / ∂h_0|")
ax.set_title("The gradient reaching the input, by depth")
ax.legend()
plt.show()

# %% [markdown]
# With sigmoid the gradient at the input falls by more than half an order of magnitude per
# layer. tanh does better (its slope near its fixed point is larger) but still vanishes. ReLU,
# leaky ReLU and ELU see only positive pre-activations here, where their slope is exactly 1: their
# three lines coincide at $|\partial h_L / \partial h_0| = 1$ for every depth. Try `W = 1.5` (ReLU's
# gradient explodes as $1.5^L$) or `B = -1` (ReLU's gradient drops to exactly 0, leaky ReLU's to
# $0.1^L$).
#
# **Try it:** change `PIECES` to `[(1, 0), (0.1, 0)]` and re-run the plots: maxout becomes leaky
# ReLU. Change `ALPHA` and watch where ELU saturates.
#
# The first figure of this notebook is also one call in `viz.plots` (derivatives again from the
# engine), handy for slides:

# %%
import viz.plots

viz.plots.plot_activations()
