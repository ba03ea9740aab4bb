# %% [markdown]
# # 6. Underfitting, overfitting and regularisation
#
# A network that fits its training data perfectly is not the goal: it must do well on data it has
# not seen. This notebook measures that with a **validation set** (examples kept out of
# training) and follows the lecture: the error curves of an underfit, an overfit and a correct
# model, then each remedy (early stopping, L1 and L2, dropout, batch normalisation, more data),
# each one trained on **the same task** with the same seed, so their effects can be compared.
#
# The task: a noisy XOR with only 60 training examples, so a large network can memorise the noise.
# Every run uses minibatches of 20 and Adam with $\alpha = 0.02$ for 100 epochs unless said
# otherwise.

# %%
import matplotlib.pyplot as plt
import numpy as np

import nn
import viz.plots
from autograd import Value

plt.rcParams.update({"figure.dpi": 90})

X, y = nn.datasets.xor(n=60, noise=0.2, seed=1)            # training set
X_val, y_val = nn.datasets.xor(n=100, noise=0.2, seed=2)   # validation set: never trained on
COLOURS = np.array(["#2b6cb0", "#dd6b20"])

fig, axes = plt.subplots(1, 2, figsize=(9, 4.2))
for ax, (data, labels), title in zip(axes, [(X, y), (X_val, y_val)], ["training (60)", "validation (100)"]):
    data = np.asarray(data)
    ax.scatter(data[:, 0], data[:, 1], c=COLOURS[np.asarray(labels)], s=16, edgecolors="white", linewidths=0.4)
    ax.set_title(title)
    ax.set_aspect("equal")
plt.show()

# %%
EPOCHS, BATCH, LR = 100, 20, 0.02


def run(sizes=(10, 10, 1), data=(X, y), model_options=None, epochs=EPOCHS, **fit_options):
    """Train a tanh MLP (seed 0) on `data` and return (model, history), validating on X_val."""
    model = nn.MLP(2, list(sizes), activation="tanh", seed=0, **(model_options or {}))
    history = nn.fit(model, *data, epochs=epochs, batch_size=BATCH, validation_data=(X_val, y_val),
                     optimizer=nn.Adam(model.parameters(), lr=LR), progress=False, **fit_options)
    return model, history


def plot_curves(ax, history, title):
    ax.plot(range(1, len(history) + 1), history.train_loss, label="training", color="tab:blue")
    ax.plot(range(1, len(history) + 1), history.val_loss, label="validation", color="tab:red")
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("epoch")
    ax.set_ylim(0, 1.2)
    ax.grid(alpha=0.3)


def plot_boundary(ax, model, title, points=(X, y), steps=40):
    """The model's predicted class over the plane, with `points` (the training set by default)."""
    gx, gy = np.meshgrid(np.linspace(-6, 6, steps), np.linspace(-6, 6, steps))
    logits = np.array(nn.predict(model, np.column_stack([gx.ravel(), gy.ravel()]).tolist())).reshape(gx.shape)
    probability = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
    ax.contourf(gx, gy, probability, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.55, vmin=-0.2, vmax=1.2)
    ax.contour(gx, gy, probability, levels=[0.5], colors="black", linewidths=1)
    data = np.asarray(points[0])
    ax.scatter(data[:, 0], data[:, 1], c=COLOURS[np.asarray(points[1])], s=10, edgecolors="white", linewidths=0.4)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=10)

# %% [markdown]
# ## Underfit, overfit, correct
#
# Three sizes of network. The lecture reads the error curves this way:
#
# | curves | diagnosis | what to do |
# |---|---|---|
# | training and validation error both high | **underfit** | decrease regularisation (disminuir regularización), enlarge the model (aumentar el modelo) |
# | training error falls, validation error rises | **overfit** | increase regularisation (aumentar regularización), shrink the model (achicar el modelo), add more data (agregar más datos) |
# | both low and close | **correct** | |

# %%
SIZES = {"1 hidden neuron": (1, 1), "4 hidden neurons": (4, 1), "two layers of 10": (10, 10, 1)}
fits = {name: run(sizes) for name, sizes in SIZES.items()}

fig, axes = plt.subplots(2, 3, figsize=(14, 8))
for column, (name, (model, history)) in enumerate(fits.items()):
    plot_curves(axes[0, column], history, f"{name}: final validation loss {history.val_loss[-1]:.3f}")
    plot_boundary(axes[1, column], model, f"{name}: validation accuracy {history.val_acc[-1]:.2f}")
axes[0, 0].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# * **1 hidden neuron** cannot represent XOR at all: training and validation losses stay high
#   together. Underfit.
# * **two layers of 10** drive the training loss to almost 0, and after about 20 epochs the
#   validation loss *rises*: the boundary bends around single noisy points. Overfit.
# * **4 hidden neurons** are in between: close curves, a simple boundary. For this task that is
#   about correct.
#
# The overfit network was at its best early on. The rest of the notebook keeps that large network
# and tries each remedy on it.

# %%
baseline_model, baseline = fits["two layers of 10"]
print(f"large network: best validation loss {min(baseline.val_loss):.3f} at epoch {baseline.best_epoch}, "
      f"{baseline.val_loss[-1]:.3f} after {EPOCHS} epochs")

# %% [markdown]
# ## Early stopping
#
# Stop training when it stops improving (detener el entrenamiento cuando para de mejorar): watch
# the validation loss, and when it has not improved for `patience` epochs, stop and go back to the
# weights of the best epoch.

# %%
early_model, early = run(patience=15)
print(f"stopped early: {early.stopped_early} after {len(early)} epochs; best epoch {early.best_epoch}; "
      f"weights restored: {early.restored_best}")
val_loss, val_acc = nn.evaluate(early_model, X_val, y_val)
print(f"restored model: validation loss {val_loss:.3f}, accuracy {val_acc:.2f}")

viz.plots.plot_history(early, title="Early stopping (patience 15)")

# %% [markdown]
# ## L1 and L2 regularisation
#
# A simple idea (idea sencilla): change the loss to penalise large weights,
#
# $$L(W) = \sum_{i=1}^n L_i(W) + \lambda R(W),$$
#
# where $R$ is usually the L1 norm $\sum |w|$ or the squared L2 norm $\sum w^2$ of the weights
# (`nn.l1_penalty`, `nn.l2_penalty`; `nn.fit(..., l1=λ)` or `l2=λ` adds them). Written out for one
# minibatch:

# %%
model = nn.MLP(2, [10, 10, 1], activation="tanh", seed=0)
lam = 0.003
outputs = model(X[:20])
data_loss = nn.bce_with_logits(outputs, y[:20])                 # Σ Lᵢ(W) (as a mean)
weights = model.parameters()
R_by_hand = sum(w * w for w in weights)                         # R(W) = Σ w²
objective = data_loss + lam * nn.l2_penalty(weights)            # L(W) = Σ Lᵢ(W) + λ R(W)
print(f"data loss {data_loss.data:.4f}   R(W) by hand {R_by_hand.data:.4f}   nn.l2_penalty {nn.l2_penalty(weights).data:.4f}")
print(f"objective {objective.data:.4f}")

# %% [markdown]
# The penalty's gradient pulls every weight towards 0: $\lambda\,\mathrm{sign}(w)$ for L1 (the same
# pull whatever the size, so small weights reach exactly 0 or hover near it) and $2\lambda w$ for L2
# (proportional, so weights shrink but rarely vanish).

# %%
l1_model, l1_run = run(l1=0.003)
l2_model, l2_run = run(l2=0.003)

fig, axes = plt.subplots(1, 3, figsize=(15, 4))
plot_curves(axes[0], l1_run, "L1, λ = 0.003")
plot_curves(axes[1], l2_run, "L2, λ = 0.003")
axes[0].legend()
bins = np.linspace(0, 3, 31)
for model, label in [(baseline_model, "no penalty"), (l1_model, "L1"), (l2_model, "L2")]:
    magnitudes = [abs(p.data) for p in model.parameters()]
    axes[2].hist(magnitudes, bins=bins, histtype="step", linewidth=1.5, label=label)
    small = sum(m < 0.05 for m in magnitudes)
    print(f"{label:>10}: Σ|w| = {sum(magnitudes):6.1f}   Σw² = {sum(m * m for m in magnitudes):6.1f}   "
          f"|w| < 0.05: {small} of {len(magnitudes)}")
axes[2].set_title("|weight| after training", fontsize=10)
axes[2].set_xlabel("|w|")
axes[2].legend()
plt.show()

# %% [markdown]
# ## Dropout
#
# In training, each hidden unit is switched off at random with probability $p$ (figure (b) of the
# lecture: a thinned network, a different one at every step), so no unit can rely on a few
# others; at evaluation time every unit is on. `nn.Dropout` is *inverted* dropout: the kept units
# are scaled by $1/(1 - p)$ in training, so evaluation needs no rescaling.

# %%
drop = nn.Dropout(0.5, seed=0)
h = [Value(1.0) for _ in range(8)]
print("training:  ", [round(v.data, 1) for v in drop(h)])
print("training:  ", [round(v.data, 1) for v in drop(h)])
drop.eval()
print("evaluation:", [round(v.data, 1) for v in drop(h)])

# %%
dropout_model, dropout_run = run(model_options={"dropout": 0.3})
fig, ax = plt.subplots(figsize=(7, 4))
plot_curves(ax, dropout_run, "Dropout p = 0.3 after each hidden layer")
ax.legend()
plt.show()

# %% [markdown]
# The training loss is now noisy and higher (the network is trained thinned) and the validation
# loss no longer climbs. With $p = 0.5$ this small network underfits: try it.
#
# ## Batch normalisation
#
# Normalise (normalizar): remove the mean and divide by the standard deviation of each unit's
# pre-activation over the minibatch,
#
# $$\hat a = \frac{a - \mu_{\text{batch}}}{\sqrt{\sigma^2_{\text{batch}} + \epsilon}}, \qquad
#   \text{output} = \gamma \hat a + \beta,$$
#
# with a learnable scale $\gamma$ and shift $\beta$. The mean and deviation must be estimated
# dynamically (hay que estimarlas dinámicamente): in training from each minibatch, while running
# averages are kept for evaluation. And it goes right before the activation function (justo antes
# de la función de activación), which is where `nn.Layer(..., batch_norm=True)` puts it:

# %%
layer = nn.Layer(2, 3, activation="tanh", batch_norm=True, seed=0)   # linear neurons, norm, then tanh
batch = X[:20]
pre = [[neuron(x) for neuron in layer.neurons] for x in batch]   # a = wᵀx + b (the neurons are linear)
normalised = layer.norm.forward_batch(pre)                       # (a - μ) / √(σ² + ε), then γ·â + β
for unit in range(3):
    a = np.array([row[unit].data for row in pre])
    n = np.array([row[unit].data for row in normalised])
    print(f"unit {unit}: pre-activation mean {a.mean():7.3f} std {a.std():6.3f}   ->   "
          f"normalised mean {n.mean():6.3f} std {n.std():6.3f}")
print("running mean after one minibatch:", [round(m, 3) for m in layer.norm.running_mean])

# %%
bn_model, bn_run = run(model_options={"batch_norm": True})
fig, ax = plt.subplots(figsize=(7, 4))
plot_curves(ax, bn_run, "Batch normalisation before each hidden activation")
ax.legend()
plt.show()

# %% [markdown]
# Normalising with minibatch statistics makes each example's output depend a little on the other
# examples of its minibatch: that noise also regularises. (Its main purpose, in deep networks, is
# faster and steadier training: every layer receives inputs on the same scale.)
#
# ## More data
#
# The remedy that needs no trick: three times as many training examples of the same task.

# %%
X_more, y_more = nn.datasets.xor(n=180, noise=0.2, seed=3)
more_model, more_run = run(data=(X_more, y_more))
fig, ax = plt.subplots(figsize=(7, 4))
plot_curves(ax, more_run, "Two layers of 10, 180 training examples")
ax.legend()
plt.show()

# %% [markdown]
# ## Each remedy, measured on the same task
#
# Validation loss and accuracy at the end of training (for early stopping: of the restored best
# weights), and the decision boundaries drawn with the validation points.

# %%
runs = {
    "no remedy": (baseline_model, baseline),
    "early stopping": (early_model, early),
    "L1 (λ = 0.003)": (l1_model, l1_run),
    "L2 (λ = 0.003)": (l2_model, l2_run),
    "dropout (p = 0.3)": (dropout_model, dropout_run),
    "batch norm": (bn_model, bn_run),
    "3× more data": (more_model, more_run),
}
print(f"{'':>18}  {'train loss':>10}  {'val loss':>8}  {'val acc':>7}")
scores = {}
for name, (model, history) in runs.items():
    val_loss, val_acc = nn.evaluate(model, X_val, y_val)
    scores[name] = val_loss
    print(f"{name:>18}  {history.train_loss[-1]:10.3f}  {val_loss:8.3f}  {val_acc:7.2f}")

fig, axes = plt.subplots(2, 4, figsize=(15, 7.6))
for ax, (name, (model, _)) in zip(axes.flat, runs.items()):
    plot_boundary(ax, model, f"{name}: val loss {scores[name]:.3f}", points=(X_val, y_val))
axes.flat[-1].barh(list(scores)[::-1], list(scores.values())[::-1], color="tab:red")
axes.flat[-1].set_title("validation loss (lower is better)", fontsize=10)
axes.flat[-1].set_aspect("auto")
fig.tight_layout()
plt.show()

# %% [markdown]
# Every remedy lowers the validation loss of the overfit network; the strengths used here
# ($\lambda$, $p$, `patience`) were not tuned, and that tuning is done the same way: by comparing
# validation curves. **Try it:** raise $\lambda$ to 0.03 (the model starts to underfit), set dropout
# to 0.5, or combine remedies (`run(l2=0.003, model_options={"dropout": 0.3})`).
