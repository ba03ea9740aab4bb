# %% [markdown]
# # 4. Gradient descent (descenso por gradiente) and its variants
#
# Training a network is an optimisation problem: find the parameters $\theta$ that minimise the
# error, $\hat\theta = \arg\min_\theta \sum_i L(f(\mathbf{x}_i; \theta), y_i)$. The gradient is the
# "first derivative of a multidimensional function": a vector pointing where the function grows
# fastest. So we step the other way, with a learning rate $\alpha$:
#
# $$w^{k+1} = w^k - \alpha \nabla f(w^k).$$
#
# Here the "network" has only two parameters, so the loss is a surface we can draw and every step
# is a point on it. Two surfaces: a **narrow valley** (much steeper across than along it) and a
# **saddle** (a point where the gradient is zero but that is not a minimum). On them: the
# learning rate too small, right and too large; momentum with the lecture's formula; Nesterov,
# Adagrad, RMSprop and Adam; and finally stochastic minibatches. The gradients come from the
# engine, the optimizers from `nn`.

# %%
import math
import random

import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Value

plt.rcParams.update({"figure.dpi": 90})

# %% [markdown]
# ## Two surfaces
#
# * **valley**: $f(w_1, w_2) = 0.1\,w_1^2 + 2\,w_2^2$. The curvature across the valley ($w_2$) is 20
#   times the curvature along it ($w_1$).
# * **saddle**: $f(w_1, w_2) = w_1^2 + \tfrac14 w_2^4 - w_2^2$: a saddle point at the origin, and two
#   minima at $w_2 = \pm\sqrt2$. Started on the ridge ($w_2 \approx 0$), the gradient pushing
#   towards a minimum is tiny.
#
# They are written with `Value` arithmetic, so the engine differentiates them.

# %%
def valley(w1, w2):
    return 0.1 * w1 ** 2 + 2 * w2 ** 2


def saddle(w1, w2):
    return w1 ** 2 + 0.25 * w2 ** 4 - w2 ** 2


SURFACES = {
    "valley": dict(f=valley, start=(-4.5, 1.2), box=(-5, 5, -2, 2), levels=np.geomspace(0.02, 12, 14)),
    "saddle": dict(f=saddle, start=(-1.8, 0.01), box=(-2, 2, -2.2, 2.2), levels=np.linspace(-1, 4, 21)),
}


def contour(ax, name):
    """Draw surface `name` as contour lines."""
    s = SURFACES[name]
    x0, x1, y0, y1 = s["box"]
    W1, W2 = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    Z = s["f"](W1, W2)                     # the same formula, on numpy arrays
    ax.contour(W1, W2, Z, levels=s["levels"], colors="0.6", linewidths=0.7)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")


def descend(name, make_optimizer, steps=60):
    """Run an nn optimizer on surface `name`: the path of (w₁, w₂) and the loss at each step."""
    s = SURFACES[name]
    w = [Value(s["start"][0], "w1"), Value(s["start"][1], "w2")]
    optimizer = make_optimizer(w)
    path, losses = [tuple(p.data for p in w)], []
    for _ in range(steps):
        loss = s["f"](*w)
        losses.append(loss.data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        path.append(tuple(p.data for p in w))
        if max(abs(p.data) for p in w) > 1e3:       # diverged: stop before overflowing
            break
    return path, losses


def draw_path(ax, path, label, **style):
    ax.plot([p[0] for p in path], [p[1] for p in path], marker=".", markersize=4, linewidth=1.2,
            label=label, **style)

# %% [markdown]
# ## The update rule, written out
#
# Plain gradient descent is three lines: compute the loss, backpropagate, move each weight against
# its gradient. `nn.SGD(params, lr)` does the same; the two trajectories are identical.

# %%
def gradient_descent(f, start, lr, steps):
    w1, w2 = Value(start[0]), Value(start[1])
    path = [start]
    for _ in range(steps):
        w1.grad = w2.grad = 0.0
        f(w1, w2).backward()
        w1.data -= lr * w1.grad            # w ← w - α ∇f(w)
        w2.data -= lr * w2.grad
        path.append((w1.data, w2.data))
    return path


by_hand = gradient_descent(valley, SURFACES["valley"]["start"], lr=0.2, steps=30)
with_nn, _ = descend("valley", lambda w: nn.SGD(w, lr=0.2), steps=30)
print("largest difference between the two paths:",
      max(abs(a - b) for p, q in zip(by_hand, with_nn) for a, b in zip(p, q)))

# %% [markdown]
# ## The learning rate: too small, right, too large
#
# The learning rate is one of the most important choices (uno de los parámetros más
# importantes). On the valley, the steep direction decides: each step multiplies $w_2$ by
# $1 - 4\alpha$, so for $\alpha > 0.5$ it overshoots further every step and diverges. The gentle
# direction multiplies $w_1$ by $1 - 0.2\alpha$: a small $\alpha$ crawls.

# %%
rates = {"too small (α = 0.02)": 0.02, "right (α = 0.4)": 0.4, "too large (α = 0.51)": 0.51}
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.2))
contour(left, "valley")
for (label, lr), colour in zip(rates.items(), ["tab:blue", "tab:green", "tab:red"]):
    path, losses = descend("valley", lambda w: nn.SGD(w, lr=lr), steps=40)
    draw_path(left, path[:15] if lr > 0.5 else path, label, color=colour)   # the rest leaves the picture
    right.semilogy(losses, label=label, color=colour)
left.set_title("Gradient descent on the valley")
left.legend(loc="lower right")
right.set_title("Loss per step")
right.set_xlabel("step")
right.legend()
plt.show()

# %% [markdown]
# Too small: the loss falls steadily but slowly. Too large: the path zigzags across the valley with
# growing amplitude and the loss goes up. In between, the zigzag dies out.

# %% [markdown]
# ## Momentum: the lecture's formula
#
# Add some inertia (inercia) to the descent:
#
# $$z^{k+1} = \beta z^k + \nabla f(w^k), \qquad w^{k+1} = w^k - \alpha z^{k+1},$$
#
# with $\alpha$ the learning rate and $\beta$ the inertia. $z$ accumulates past gradients: along the
# valley they agree and add up, across it they alternate in sign and cancel. Written out, then
# compared with `nn.SGD(params, lr=α, momentum=β)`:

# %%
def momentum_descent(f, start, lr, beta, steps):
    w = [Value(start[0]), Value(start[1])]
    z = [0.0, 0.0]
    path = [start]
    for _ in range(steps):
        for p in w:
            p.grad = 0.0
        f(*w).backward()
        for i, p in enumerate(w):
            z[i] = beta * z[i] + p.grad      # z ← βz + ∇f(w)
            p.data -= lr * z[i]              # w ← w - αz
        path.append(tuple(p.data for p in w))
    return path


ALPHA, BETA = 0.1, 0.7
by_hand = momentum_descent(valley, SURFACES["valley"]["start"], ALPHA, BETA, steps=40)
with_nn, _ = descend("valley", lambda w: nn.SGD(w, lr=ALPHA, momentum=BETA), steps=40)
print("largest difference between the two paths:",
      max(abs(a - b) for p, q in zip(by_hand, with_nn) for a, b in zip(p, q)))

plain, plain_losses = descend("valley", lambda w: nn.SGD(w, lr=ALPHA), steps=40)
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.2))
contour(left, "valley")
draw_path(left, plain, f"gradient descent (α = {ALPHA})", color="tab:blue")
draw_path(left, with_nn, f"momentum (α = {ALPHA}, β = {BETA})", color="tab:orange")
left.legend(loc="lower right")
left.set_title("Momentum on the valley")
right.semilogy(plain_losses, label="gradient descent", color="tab:blue")
right.semilogy(descend("valley", lambda w: nn.SGD(w, lr=ALPHA, momentum=BETA), steps=40)[1],
               label="momentum", color="tab:orange")
right.set_xlabel("step")
right.set_title("Loss per step")
right.legend()
plt.show()

# %% [markdown]
# ## Other variants (otras variantes)
#
# With $g = \nabla f(w)$, each operation elementwise:
#
# | optimizer | update |
# |---|---|
# | **Nesterov** | $z \leftarrow \beta z + g$, $\;w \leftarrow w - \alpha(g + \beta z)$: looks one step ahead |
# | **Adagrad** | $s \leftarrow s + g^2$, $\;w \leftarrow w - \alpha\, g / (\sqrt{s} + \epsilon)$: a learning rate per parameter, shrinking |
# | **RMSprop** | $v \leftarrow \rho v + (1 - \rho) g^2$, $\;w \leftarrow w - \alpha\, g / (\sqrt{v} + \epsilon)$: Adagrad that forgets |
# | **Adam** | $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $\;v \leftarrow \beta_2 v + (1 - \beta_2) g^2$, $\;w \leftarrow w - \alpha\, \hat m / (\sqrt{\hat v} + \epsilon)$ (bias-corrected $\hat m, \hat v$): momentum + RMSprop |
#
# Adagrad, RMSprop and Adam divide by the size of recent gradients, so every parameter moves at
# a similar speed whatever the steepness: that helps on the valley (both directions progress) and
# on the saddle (a tiny gradient still gives a full-size step).

# %%
OPTIMIZERS = {
    "gradient descent": lambda w: nn.SGD(w, lr=0.1),
    "momentum": lambda w: nn.SGD(w, lr=0.1, momentum=0.7),
    "Nesterov": lambda w: nn.SGD(w, lr=0.1, momentum=0.7, nesterov=True),
    "Adagrad": lambda w: nn.Adagrad(w, lr=0.8),
    "RMSprop": lambda w: nn.RMSprop(w, lr=0.05),
    "Adam": lambda w: nn.Adam(w, lr=0.2),
}
STEPS = 60

fig, axes = plt.subplots(2, 2, figsize=(13, 8.5), gridspec_kw={"width_ratios": [1.25, 1]})
results = {}
for row, name in enumerate(SURFACES):
    contour(axes[row, 0], name)
    for optimizer, make in OPTIMIZERS.items():
        path, losses = descend(name, make, steps=STEPS)
        results[name, optimizer] = (path, losses)
        draw_path(axes[row, 0], path, optimizer)
        axes[row, 1].plot(losses, label=optimizer)
    axes[row, 0].set_title(f"{name}: paths from {SURFACES[name]['start']}")
    axes[row, 1].set_title(f"{name}: loss per step")
    axes[row, 1].set_xlabel("step")
axes[0, 1].set_yscale("log")
axes[0, 0].legend(loc="lower right", fontsize=8)
fig.tight_layout()
plt.show()

# %%
print(f"{'':>18}  {'valley loss':>12}  {'saddle loss':>12}   (after {STEPS} steps; saddle minimum is -1)")
for optimizer in OPTIMIZERS:
    print(f"{optimizer:>18}  {results['valley', optimizer][1][-1]:12.2e}  {results['saddle', optimizer][1][-1]:12.4f}")

# %% [markdown]
# On the saddle, plain gradient descent first slides down to the saddle point along $w_1$ and
# then waits: $w_2$ grows only by a factor $1 + 2\alpha$ per step from $0.01$. Momentum and
# Nesterov build up speed and leave sooner; Adam and RMSprop, which rescale the tiny $w_2$
# gradient, leave almost at once. **Try it:** start exactly on the ridge (`start=(-1.8, 0.0)`):
# the gradient along $w_2$ is then exactly 0 and *no* gradient method leaves the saddle.

# %% [markdown]
# ## Stochastic gradient descent (descenso por gradiente estocástico)
#
# The real loss is a sum over the training examples, $\sum_{i=1}^n L(f(\mathbf{x}_i;\theta), y_i)$:
# its exact gradient needs every example. The solution (solución): estimate it on a *minibatch*
# of examples. Each estimate is noisy, but much cheaper, so in the same time we take many more
# steps.
#
# A model with two parameters again, so we can draw it: a line $\hat y = w x + b$ fitted to 64
# noisy points of $y = 2x - 1$ with the mean squared error. Every run below sees the data the same
# number of times (8 epochs); full batch makes 8 steps, minibatches of 8 make 64, single examples
# make 512.

# %%
rng = random.Random(0)
X = [[rng.uniform(-2, 2)] for _ in range(64)]
Y = [2 * x[0] - 1 + rng.gauss(0, 0.8) for x in X]


def mse(w, b, X, Y):
    return sum((w * x[0] + b - y) ** 2 for x, y in zip(X, Y)) / len(X)


def sgd_path(batch_size, lr, epochs=8, seed=0, decay=None):
    w, b = Value(-1.0, "w"), Value(2.0, "b")
    optimizer = nn.SGD([w, b], lr=lr)
    schedule = nn.ExponentialLR(optimizer, gamma=decay) if decay else None
    order = random.Random(seed)
    path = [(w.data, b.data)]
    for _ in range(epochs):
        for Xb, Yb in nn.batches(X, Y, batch_size, rng=order):
            loss = mse(w, b, Xb, Yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            path.append((w.data, b.data))
        if schedule:
            schedule.step()              # after each epoch: lr ← lr · γ
    return path


W, B = np.meshgrid(np.linspace(-1.5, 3.5, 160), np.linspace(-2.5, 2.5, 160))
Xa, Ya = np.array([x[0] for x in X]), np.array(Y)
Z = ((W[..., None] * Xa + B[..., None] - Ya) ** 2).mean(axis=-1)

RUNS = [(None, 0.3, None, "full batch (64)"), (8, 0.1, None, "minibatches of 8"),
        (1, 0.05, None, "one example at a time"), (1, 0.05, 0.6, "one at a time, α × 0.6 per epoch")]
fig, axes = plt.subplots(1, 4, figsize=(16, 4.3), sharey=True)
for ax, (batch_size, lr, decay, title) in zip(axes, RUNS):
    ax.contour(W, B, Z, levels=np.geomspace(0.7, 30, 12), colors="0.6", linewidths=0.7)
    path = sgd_path(batch_size, lr, decay=decay)
    draw_path(ax, path, None, color="tab:purple")
    final = mse(*path[-1], X, Y)
    ax.set_title(f"{title}\n{len(path) - 1} steps, α = {lr}, final loss {final:.4f}", fontsize=10)
    ax.set_xlabel("w")
axes[0].set_ylabel("b")
fig.tight_layout()
plt.show()
w_best, b_best = np.polyfit(Xa, Ya, 1)
print(f"least squares: w = {w_best:.3f}, b = {b_best:.3f}, loss {mse(w_best, b_best, X, Y):.4f}")

# %% [markdown]
# The full-batch path is smooth; minibatch paths wander because each minibatch has its own
# slightly different loss surface, yet they reach the bottom in the same number of passes over the
# data. Near the minimum the noise keeps single-example SGD jittering around it: the usual remedy
# is to **decrease the learning rate** over time, here with `nn.ExponentialLR` (`nn.StepLR` and
# `nn.CosineAnnealingLR` are other schedules): the last panel settles. **Try it:** change the
# batch sizes, learning rates and decay above.
#
# For a quick comparison on another surface, `viz.plots.plot_optimizer_paths` runs the same loop
# (its default surface is a ravine, $0.05\,w_1^2 + w_2^2$; pass `loss=`, `optimizers=`, `start=`, and
# `formula=` and `minimum=` for the title and the marked minimum):

# %%
import viz.plots

viz.plots.plot_optimizer_paths(loss=valley, formula="0.1·w₁² + 2·w₂²", minimum=(0, 0), start=SURFACES["valley"]["start"],
                               extent=(-5, 5, -2, 2), steps=STEPS)
