# %% [markdown]
# # 3. Numeric versus analytic gradients
#
# How are gradients computed (¿cómo se calculan los gradientes?)? The lecture gives two ways.
#
# **Numerically (de manera numérica)**, from the definition of the derivative:
#
# $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}
#   \quad\Longrightarrow\quad f'(x_0) \approx \frac{f(x_0 + h) - f(x_0)}{h}.$$
#
# **Analytically (de manera analítica)**: the function is a composition of simple functions,
# so the chain rule (regla de la cadena) gives the exact derivative: that is backpropagation.
#
# This notebook puts the two side by side: the forward difference above, the central difference
# $\frac{f(x_0 + h) - f(x_0 - h)}{2h}$, how their error depends on $h$, what each costs, how
# `gradcheck` uses them to test a network's gradients, and derivatives of higher order.

# %%
import math

import matplotlib.pyplot as plt

from autograd import GradcheckError, Value, dot, grad, gradcheck, gradients, numeric_grad
from autograd import sum as value_sum

plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})

# %% [markdown]
# ## One function, three derivatives
#
# $f(x) = \sin(x)\,e^{-x^2/4} + \tanh(x)$ at $x_0 = 0.7$. Backpropagation gives $f'(x_0)$ to
# machine precision; the finite differences are approximations whose quality depends on $h$.

# %%
def f(x):
    return x.sin() * (-(x ** 2) / 4).exp() + x.tanh()


x0 = 0.7
x = Value(x0)
out = f(x)
out.backward()
analytic = x.grad
by_hand = math.cos(x0) * math.exp(-x0**2 / 4) - x0 / 2 * math.sin(x0) * math.exp(-x0**2 / 4) + 1 - math.tanh(x0) ** 2

print(f"f(x0)                          = {out.data:.15f}")
print(f"backprop      f'(x0)           = {analytic:.15f}")
print(f"by hand       f'(x0)           = {by_hand:.15f}")
for h in (1e-1, 1e-3, 1e-5):
    forward = numeric_grad(f, [x0], h=h, method="forward")[0]
    central = numeric_grad(f, [x0], h=h, method="central")[0]
    print(f"h = {h:.0e}: forward {forward:.15f}   central {central:.15f}")

# %% [markdown]
# The lecture's formula, written out (it is what `numeric_grad(..., method="forward")` does):

# %%
def forward_difference(function, x, h):
    return (function(Value(x + h)).data - function(Value(x)).data) / h


def central_difference(function, x, h):
    return (function(Value(x + h)).data - function(Value(x - h)).data) / (2 * h)


print(forward_difference(f, x0, 1e-5), numeric_grad(f, [x0], h=1e-5, method="forward")[0])
print(central_difference(f, x0, 1e-5), numeric_grad(f, [x0], h=1e-5, method="central")[0])

# %% [markdown]
# ## The error as a function of h
#
# Two errors compete. **Truncation**: Taylor's theorem gives
# $\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{h}{2} f''(x) + \dots$, an error $O(h)$, while the
# central difference cancels the $h^2$ term: its error is $O(h^2)$. **Round-off**: $f$ is computed
# with about 16 significant digits, so the numerator carries an error of about
# $\varepsilon |f| \approx 10^{-16}$, divided by $h$. Small $h$ is *not* always better: the
# error is smallest near $h \approx \sqrt{\varepsilon} \approx 10^{-8}$ (forward) and
# $h \approx \varepsilon^{1/3} \approx 10^{-5}$ (central).

# %%
hs = [10 ** (-k / 4) for k in range(4, 57)]        # 1e-1 ... 1e-14
errors = {method: [abs(numeric_grad(f, [x0], h=h, method=method)[0] - analytic) for h in hs]
          for method in ("forward", "central")}

fig, ax = plt.subplots(figsize=(7.5, 4.5))
for method, marker in (("forward", "o"), ("central", "s")):
    ax.loglog(hs, [max(e, 1e-17) for e in errors[method]], marker=marker, markersize=3, label=f"{method} difference")
ax.loglog(hs[:12], [0.3 * h for h in hs[:12]], "k--", linewidth=0.8, label="slope 1: O(h)")
ax.loglog(hs[:12], [0.1 * h**2 for h in hs[:12]], "k:", linewidth=0.8, label="slope 2: O(h²)")
ax.loglog(hs[-20:], [1e-16 / h for h in hs[-20:]], "k-.", linewidth=0.8, label="round-off: ε/h")
ax.set_xlabel("h")
ax.set_ylabel("|numeric - backprop|")
ax.set_title("Finite differences against backpropagation")
ax.legend()
plt.show()

for method in ("forward", "central"):
    best = min(range(len(hs)), key=errors[method].__getitem__)
    print(f"{method:>8}: smallest error {errors[method][best]:.1e} at h = {hs[best]:.0e}")

# %% [markdown]
# Backpropagation has no $h$: its only error is the round-off of each elementary operation.
# The best finite difference keeps 8 (forward) or 10 to 11 (central) correct digits at most.

# %% [markdown]
# ## What each costs
#
# For $n$ parameters the central difference evaluates the whole function $2n$ times (the forward
# difference $n + 1$ times). Backpropagation runs one forward pass and one backward pass, whatever
# $n$. Below: a two-layer tanh network on 8 examples, with the gradient of its loss with respect to
# all parameters, counting how many times the loss is evaluated.

# %%
def tiny_net(params, X, y, hidden=4):
    """Mean squared error of a 2-`hidden`-1 tanh network whose weights are `params`."""
    nin = len(X[0])
    per_neuron = nin + 1
    out_start = hidden * per_neuron
    losses = []
    for xi, yi in zip(X, y):
        h = [dot(params[k * per_neuron:(k + 1) * per_neuron - 1], xi, params[(k + 1) * per_neuron - 1]).tanh()
             for k in range(hidden)]
        prediction = dot(params[out_start:out_start + hidden], h, params[out_start + hidden])
        losses.append((prediction - yi) ** 2)
    return value_sum(losses) / len(losses)


X = [[math.cos(k), math.sin(2 * k)] for k in range(8)]
y = [math.sin(a) * b for a, b in X]
theta = [0.3 * math.sin(7 * k + 1) for k in range(4 * 3 + 4 + 1)]

calls = 0


def counted_loss(*params):
    global calls
    calls += 1
    return tiny_net(list(params), X, y)


calls = 0
numeric = numeric_grad(counted_loss, theta, h=1e-5, method="central")
numeric_calls = calls

calls = 0
leaves = [Value(t) for t in theta]
analytic_all = gradients(counted_loss(*leaves), leaves)
backprop_calls = calls

print(f"{len(theta)} parameters")
print(f"central differences: {numeric_calls} evaluations of the loss")
print(f"backpropagation:     {backprop_calls} evaluation + 1 backward pass")
print(f"largest difference between the two gradients: {max(abs(a - b) for a, b in zip(analytic_all, numeric)):.1e}")

# %% [markdown]
# A network with a million weights would need two million evaluations per step with finite
# differences: that is why networks are trained with backpropagation, and why finite differences
# are kept for **checking** backpropagation.

# %% [markdown]
# ## gradcheck: testing gradients on a small network
#
# `gradcheck(f, inputs)` compares backpropagation's gradient with central differences and passes
# when $|\text{analytic} - \text{numeric}| \le \text{atol} + \text{rtol}\,|\text{numeric}|$ for
# every input. It is how one tests a new operation or a hand-written layer.

# %%
print("gradcheck on the network's loss:", gradcheck(counted_loss, theta))

# %% [markdown]
# It also catches mistakes. Here a "layer" whose author wrote the derivative of $x^3$ by hand and
# got it wrong: the forward value is right, but the gradient it sends back is $2x^2$ instead of
# $3x^2$: one factor was taken as a constant (`x.data`, a plain number) instead of a `Value`,
# so backpropagation cannot see it. A classic.

# %%
def buggy_cube(x):
    return x * x * x.data          # x.data is a constant: d/dx gives 2x·x, not 3x²


def network_with_buggy_layer(*params):
    return buggy_cube(tiny_net(list(params), X, y))


try:
    gradcheck(network_with_buggy_layer, theta)
except GradcheckError as error:
    print("GradcheckError:", error)

# %% [markdown]
# Finite differences have a blind spot of their own: **kinks**. The lecture says everything is
# "derivable, or at least piecewise derivable" (derivable a trozos). At a kink the two methods
# disagree by design: ReLU at exactly 0 has derivative 0 by convention (the engine's choice, as
# PyTorch's), while the central difference averages both sides and gives 0.5.

# %%
print("backprop at the kink:", grad(lambda v: v.relu())(0.0))
print("central difference:  ", numeric_grad(lambda v: v.relu(), [0.0])[0])
print("gradcheck passes?    ", gradcheck(lambda v: v.relu(), [0.0], raise_exception=False))
print("a bit away from it:  ", gradcheck(lambda v: v.relu(), [0.1], raise_exception=False))

# %% [markdown]
# ## Higher-order derivatives
#
# The engine's derivative rules are written with the same operations as the forward pass, so a
# gradient can itself be a graph (`create_graph=True`) and be differentiated again. `grad(f)` is
# the derivative of `f` as a function; `grad(grad(f))` the second derivative, and so on.

# %%
def tanh(v):
    return v.tanh()


derivatives = [tanh]
for _ in range(3):
    derivatives.append(grad(derivatives[-1]))

xs = [-3 + 6 * i / 300 for i in range(301)]
fig, ax = plt.subplots(figsize=(7.5, 4.5))
for order, d in enumerate(derivatives):
    values = [d(Value(x)).data for x in xs]
    ax.plot(xs, values, label=["tanh", "tanh'", "tanh''", "tanh'''"][order])
ax.set_xlabel("x")
ax.set_title("tanh and three derivatives, by composing grad")
ax.legend()
plt.show()

x1 = 0.5
t = math.tanh(x1)
print(f"tanh''(0.5):  engine {grad(grad(tanh))(x1): .12f}   closed form -2 tanh (1 - tanh²) = {-2 * t * (1 - t * t): .12f}")

# %% [markdown]
# Second derivatives are checked the same way: `gradcheck(..., second_order=True)` compares every
# $\partial^2 f / \partial x_i \partial x_j$ with central differences of the gradient.

# %%
def g(a, b):
    return (a * b).sin() + a.exp() * b ** 2


print("first and second order:", gradcheck(g, [0.3, -1.2], second_order=True))

# %% [markdown]
# A use of the second derivative: **Newton's method** minimises $f$ with steps
# $x \leftarrow x - f'(x) / f''(x)$, using curvature where gradient descent (next notebook) uses a
# fixed learning rate. On $f(x) = x^4 - 3x^2 + x$ from $x = 2$:

# %%
def quartic(v):
    return v ** 4 - 3 * v ** 2 + v


d1, d2 = grad(quartic), grad(grad(quartic))
xk = 2.0
for k in range(6):
    print(f"step {k}: x = {xk:.12f}   f'(x) = {d1(xk): .3e}")
    xk = xk - d1(xk) / d2(xk)
