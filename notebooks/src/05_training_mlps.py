# %% [markdown]
# # 5. Training multilayer networks
#
# The pieces so far (neurons, activations, backpropagation, gradient descent) now make a network
# that learns. This notebook follows the lecture: the error to minimise for binary classification
# (binary cross-entropy), a network with one hidden layer and its capacity, deep networks, the
# playground datasets with their decision boundaries, and what the loss curve says about the
# learning rate. Everything runs on `nn` (built only on the engine) and is seeded: the same
# numbers come out every time.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import nn
from autograd import Value, dot

plt.rcParams.update({"figure.dpi": 90})

# %% [markdown]
# ## The error function: binary cross-entropy
#
# For a binary classification problem (labels $y_i \in \{0, 1\}$, predicted probabilities
# $\hat y_i$) the lecture defines
#
# $$L(y, \hat y) = -\frac1N \sum_{i=1}^N \big(y_i \log \hat y_i + (1 - y_i) \log(1 - \hat y_i)\big),$$
#
# known as binary cross-entropy (BCE). Written with `Value`s, next to `nn.binary_cross_entropy`:

# %%
def bce(probabilities, labels):
    terms = [y * p.log() + (1 - y) * (1 - p).log() for p, y in zip(probabilities, labels)]
    return -sum(terms) / len(terms)


p = [Value(0.9), Value(0.2), Value(0.6), Value(0.05)]
labels = [1, 0, 1, 1]
print(f"by hand:                  {bce(p, labels).data:.6f}")
print(f"nn.binary_cross_entropy:  {nn.binary_cross_entropy(p, labels).data:.6f}")

# %% [markdown]
# A confident right answer costs almost nothing; a confident wrong one costs a lot (the last
# example above, $\hat y = 0.05$ for a 1, contributes $-\log 0.05 \approx 3$). Everything here is
# differentiable (derivable, or at least piecewise), so gradient descent applies.

# %%
ps = np.linspace(0.001, 0.999, 400)
fig, ax = plt.subplots(figsize=(6.5, 3.8))
ax.plot(ps, -np.log(ps), label="y = 1:  −log ŷ")
ax.plot(ps, -np.log(1 - ps), label="y = 0:  −log(1 − ŷ)")
ax.set_xlabel("predicted probability ŷ")
ax.set_ylabel("loss")
ax.set_ylim(0, 5)
ax.grid(alpha=0.3)
ax.legend()
ax.set_title("Binary cross-entropy of one example")
plt.show()

# %% [markdown]
# In practice the network outputs a *logit* $z$ (any real number) and the probability is
# $\hat y = \sigma(z)$. `nn.bce_with_logits` computes the same loss from $z$ directly, as
# $\max(z, 0) - zy + \log(1 + e^{-|z|})$, which never takes the log of 0: for a confidently wrong
# logit the probability rounds to exactly 1.0 and the formula above breaks (`nn.binary_cross_entropy`
# then clamps the log at $-100$, as PyTorch does), while the logit form stays exact.

# %%
for z in (2.0, 20.0, 40.0):
    prob = Value(z).sigmoid()
    print(f"logit {z:>4}, label 0:  σ(z) = {prob.data!r:<20}  BCE from σ(z): {nn.binary_cross_entropy(prob, 0).data:8.4f}"
          f"   bce_with_logits: {nn.bce_with_logits(Value(z), 0).data:8.4f}")

# %% [markdown]
# ## A network with one hidden layer (red neuronal)
#
# Input $\mathbf{x}$; pre-activation $\mathbf{a} = \mathbf{W}^{(1)T}\mathbf{x} + \mathbf{b}^{(1)}$;
# hidden activation $\mathbf{h}^{(1)} = g(\mathbf{a})$; output
# $f(\mathbf{x}) = o(\mathbf{w}^{(2)T}\mathbf{h}^{(1)} + b^{(2)})$, with $W^{(1)}$ of shape
# (n_features, n_hidden) and $W^{(2)}$ of shape (n_hidden, 1). `nn.MLP(2, [3, 1])` is that network
# with 3 hidden neurons; below, the formula written out with its weights gives the same output.

# %%
model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0)
hidden, output = model.layers
x = [0.5, -1.0]

a = [dot(neuron.w, x, neuron.b) for neuron in hidden.neurons]          # a = W¹ᵀx + b¹
h = [ai.tanh() for ai in a]                                            # h = g(a)
f = dot(output.neurons[0].w, h, output.neurons[0].b).sigmoid()         # f = o(w²ᵀh + b²)

print("formula: ", f.data)
print("nn.MLP:  ", model(x).data)
print("parameters:", len(model.parameters()), "= 2·3 + 3 (first layer) + 3 + 1 (output)")
print(model)

# %% [markdown]
# ## The playground datasets
#
# Four two-dimensional problems in the style of the TensorFlow playground (points of class 1 in
# orange, class 0 in blue). `nn.datasets` generates them from a seed.

# %%
DATASETS = {name: getattr(nn.datasets, name)(n=120, noise=0.05 if name != "spiral" else 0.0, seed=0)
            for name in ("circle", "xor", "gaussian", "spiral")}
COLOURS = np.array(["#2b6cb0", "#dd6b20"])


def scatter(ax, X, y, size=14):
    X, y = np.asarray(X), np.asarray(y)
    ax.scatter(X[:, 0], X[:, 1], c=COLOURS[y], s=size, edgecolors="white", linewidths=0.4)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


fig, axes = plt.subplots(1, 4, figsize=(14, 3.6))
for ax, (name, (X, y)) in zip(axes, DATASETS.items()):
    scatter(ax, X, y)
    ax.set_title(name)
plt.show()

# %% [markdown]
# A decision boundary shows what a trained model predicts everywhere in the plane: the
# background is coloured by the predicted class, stronger where the model is confident.

# %%
def plot_boundary(ax, model, X, y, title, steps=40):
    X = np.asarray(X)
    x0, x1 = X[:, 0].min() - 0.8, X[:, 0].max() + 0.8
    y0, y1 = X[:, 1].min() - 0.8, X[:, 1].max() + 0.8
    gx, gy = np.meshgrid(np.linspace(x0, x1, steps), np.linspace(y0, y1, steps))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).tolist()
    logits = np.array(nn.predict(model, grid)).reshape(gx.shape)
    probability = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
    ax.contourf(gx, gy, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55, vmin=-0.2, vmax=1.2)
    ax.contour(gx, gy, probability, levels=[0.5], colors="black", linewidths=1)
    scatter(ax, X, y, size=10)
    ax.set_title(title, fontsize=10)


def train(model, X, y, epochs, lr=0.05, **options):
    """Train with Adam on the whole dataset (full batch) and return the History."""
    return nn.fit(model, X, y, epochs=epochs, optimizer=nn.Adam(model.parameters(), lr=lr),
                  progress=False, **options)

# %% [markdown]
# ## Capacity of the hidden layer (capacidad de la capa oculta)
#
# The more neurons, the more fitting capacity the model has (cuantas más neuronas, más capacidad
# de ajuste). On the circle: with one tanh neuron the boundary is a straight line; two neurons
# bend it; with three it can close around the disc.

# %%
X, y = DATASETS["circle"]
fig, axes = plt.subplots(1, 4, figsize=(14, 3.8))
for ax, width in zip(axes, (1, 2, 3, 8)):
    model = nn.MLP(2, [width, 1], activation="tanh", seed=0)
    history = train(model, X, y, epochs=150)
    plot_boundary(ax, model, X, y, f"{width} hidden neuron{'s' if width > 1 else ''}: "
                                   f"accuracy {history.train_acc[-1]:.2f}\nloss {history.train_loss[-1]:.3f}")
plt.show()

# %% [markdown]
# The universal approximation theorem (aproximación universal; Cybenko 1989, Hornik 1991): a
# network with a single hidden layer and a finite number of neurons can approximate any
# continuous function on a bounded region, given enough neurons.
#
# ## Deep networks (redes neuronales profundas)
#
# A network is a composition $f(\mathbf{x}; \theta) = f^{(n)}(f^{(n-1)}(\dots f^{(1)}(\mathbf{x})))$
# and its capacity grows exponentially with depth but only polynomially with the number of hidden
# units (Montúfar et al. 2014). Three networks with about 100 parameters each on a spiral: one
# wide hidden layer, two layers, three layers.

# %%
X, y = nn.datasets.spiral(n=150, turns=1.25, seed=0)
ARCHITECTURES = {"one layer of 24": [24, 1], "two layers of 8": [8, 8, 1], "three layers of 6": [6, 6, 6, 1]}

fig, axes = plt.subplots(1, 4, figsize=(15, 3.8))
for ax, (name, sizes) in zip(axes[1:], ARCHITECTURES.items()):
    model = nn.MLP(2, sizes, activation="tanh", seed=0)
    history = train(model, X, y, epochs=100)
    axes[0].semilogy(history.train_loss, label=f"{name} ({len(model.parameters())} parameters)")
    plot_boundary(ax, model, X, y, f"{name}: accuracy {history.train_acc[-1]:.2f}")
axes[0].set_xlabel("epoch")
axes[0].set_title("training loss", fontsize=10)
axes[0].legend(fontsize=8)
axes[0].grid(alpha=0.3)
plt.show()

# %% [markdown]
# With the same number of parameters and the same 100 epochs, the deeper networks fit the spiral
# sooner: each layer folds the plane that the next layer cuts.
#
# ## The playground
#
# One architecture (two hidden layers of 8 tanh neurons, Adam, full batch) on all four datasets.
# **Try it:** change the activation (`"relu"`, `"leaky_relu"`, `"sigmoid"`, `"elu"`), the sizes, or
# add `noise=` to the datasets above.

# %%
fig, axes = plt.subplots(1, 4, figsize=(15, 3.8))
for ax, (name, (X, y)) in zip(axes, DATASETS.items()):
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=1)
    history = train(model, X, y, epochs=100)
    plot_boundary(ax, model, X, y, f"{name}: accuracy {history.train_acc[-1]:.2f}")
plt.show()

# %% [markdown]
# For a single model, `viz.plots.plot_decision_boundary(model, X, y)` draws the same kind of
# picture (here the spiral network just trained):

# %%
import viz.plots

viz.plots.plot_decision_boundary(model, X, y, title="spiral, two layers of 8", resolution=60)

# %% [markdown]
# ## The loss curve and the learning rate
#
# Training: the evolution of the error (evolución del error). The learning rate is one of the most
# important parameters, and the loss curve gives hints for choosing it (la función de error
# arroja pistas). Same network, same data, plain minibatch SGD, four learning rates:

# %%
X, y = DATASETS["circle"]
RATES = {"very high (α = 30)": 30.0, "high (α = 10)": 10.0, "good (α = 1)": 1.0, "low (α = 0.03)": 0.03}
fig, ax = plt.subplots(figsize=(7.5, 4.5))
for (label, lr), colour in zip(RATES.items(), ["tab:red", "tab:orange", "tab:green", "tab:blue"]):
    model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    history = nn.fit(model, X, y, epochs=60, batch_size=20, optimizer=nn.SGD(model.parameters(), lr=lr),
                     progress=False)
    ax.semilogy(history.train_loss, label=label, color=colour)
    print(f"{label:>18}: loss {history.train_loss[0]:.3f} -> {history.train_loss[-1]:.3f}")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (BCE)")
ax.grid(alpha=0.3)
ax.legend()
plt.show()

# %% [markdown]
# * **low**: the loss falls, but almost linearly and slowly: more epochs or a larger α.
# * **good**: a fast fall, then a slow approach to 0.
# * **high**: a fast start that stalls at a worse level, with bumps: steps overshoot.
# * **very high**: the first steps throw the weights far away, where the tanh units saturate; the
#   loss jumps *up* and stays high. Reduce α.
#
# (α = 1 is large compared with the 0.001 to 0.1 usual for Adam: plain SGD's good range depends
# on the scale of the gradients, which is why the curve, not a rule, decides.)
#
# Next: when training fits *too* well (overfitting), and what regularisation does about it.
