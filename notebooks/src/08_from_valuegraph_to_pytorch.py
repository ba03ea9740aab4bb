# %% [markdown]
# # 8. From valuegraph to PyTorch
#
# Everything so far ran on scalars: each weight a `Value`, each multiplication a node you could
# draw and step through. That is the clearest way to see backpropagation, and the slowest way to
# train. Larger models, GPUs and clusters live in PyTorch, which is where karpathy's own course
# goes after micrograd. This notebook trains micrograd's demo in valuegraph, moves the network to
# PyTorch in the middle of training with `model.to_torch()`, trains on there with `torch.optim`,
# and brings it back with `nn.from_torch`. What changes is how the numbers are stored and moved
# (tensors, whole batches, devices); what does not change is the chain rule you watched.

# %%
import matplotlib.pyplot as plt
import torch

import autograd
import nn
import viz
from viz import plots

plt.rcParams.update({"figure.dpi": 90})
torch.manual_seed(0)

# %% [markdown]
# ## micrograd's demo, in valuegraph
#
# The demo of micrograd's README: 100 points of the two moons, a network `MLP(2, [16, 16, 1])`
# (two hidden ReLU layers of 16 neurons, a linear output), the max-margin (hinge) loss
# $\frac1N \sum_i \max(0, 1 - y_i s_i)$ with labels $y_i \in \{-1, +1\}$, plus
# $10^{-4}$ times the sum of the squared weights (L2), and gradient descent whose learning rate
# falls from 1 to 0.1 over 100 steps.

# %%
X, labels = nn.datasets.moons(n=100, noise=0.1, seed=0)
y = [2 * label - 1 for label in labels]  # hinge labels: -1 and +1
model = nn.MLP(2, [16, 16, 1], seed=0)
STEPS, SWITCH = 100, 40  # train 40 steps in valuegraph, then move to PyTorch


def learning_rate(step):
    return 1.0 - 0.9 * step / STEPS


def loss_of(model):
    """The demo's loss on the whole dataset, as one scalar graph."""
    return nn.hinge(model(X), y) + 1e-4 * nn.l2_penalty(model.parameters())


print("layers of", [len(layer.neurons) for layer in model.layers], "neurons;", len(model.parameters()), "parameters")

# %% [markdown]
# Each step builds the whole graph (every multiplication of every neuron for every point), runs
# the chain rule through it with `backward()`, and moves each weight against its gradient: the
# loop of notebook 4, written out.

# %%
valuegraph_losses = []
for step in range(SWITCH):
    loss = loss_of(model)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate(step) * p.grad
    valuegraph_losses.append(loss.data)

print(f"step 0: loss {valuegraph_losses[0]:.4f};  step {SWITCH - 1}: loss {valuegraph_losses[-1]:.4f}")
print(f"accuracy now: {nn.accuracy(nn.predict(model, X), y, 'hinge'):.0%}")

# %% [markdown]
# ## Moving to PyTorch
#
# `model.to_torch()` builds the same network out of PyTorch's own modules (`Linear` for a layer's
# weighted sums, `ReLU` for its activation) and copies every weight into them, in float64, as
# valuegraph computes. The `Layer` and `MLP` around them are plain `torch.nn.Sequential`s that
# remember where each of valuegraph's layers ends.

# %%
net = model.to_torch()
print(net)

# %% [markdown]
# The same function: the outputs of both for all 100 points, and the loss.

# %%
inputs = torch.tensor(X, dtype=torch.float64)     # the whole dataset: one tensor of shape (100, 2)
targets = torch.tensor(y, dtype=torch.float64)


def torch_loss(net):
    scores = net(inputs).squeeze(1)                 # all 100 outputs in one call
    hinge = torch.relu(1 - targets * scores).mean()
    return hinge + 1e-4 * sum((p ** 2).sum() for p in net.parameters())


ours = [v.data for v in model(X)]
theirs = net(inputs).squeeze(1).tolist()
print("outputs equal to 1e-12:", max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-12)
print(f"loss: valuegraph {loss_of(model).data:.12f}, PyTorch {torch_loss(net).item():.12f}")

# %% [markdown]
# And the same gradients: PyTorch's `backward()` runs the chain rule on tensors, one node per
# layer operation instead of one per multiplication, and arrives at every weight's gradient as
# valuegraph's scalar graph does. `nn.from_torch` reads PyTorch's gradients back with
# valuegraph's names, so the two can be compared weight by weight.

# %%
loss = loss_of(model)
model.zero_grad()
loss.backward()

net.zero_grad()
torch_loss(net).backward()
gradients = model.to_torch()                      # a copy of the network, to hold PyTorch's gradients
with torch.no_grad():
    for slot, p in zip(gradients.parameters(), net.parameters()):
        slot.copy_(p.grad)
theirs = nn.from_torch(gradients).state_dict()
ours = {name: p.grad for name, p in model.named_parameters()}
print("all", len(ours), "gradients equal to 1e-12:", max(abs(ours[name] - theirs[name]) for name in ours) < 1e-12)
print("e.g.", "layers.0.neurons.3.w.1:", f"{ours['layers.0.neurons.3.w.1']:.10f}",
      f"{theirs['layers.0.neurons.3.w.1']:.10f}")

# %% [markdown]
# ## Training on with `torch.optim`
#
# From here it is PyTorch's loop: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.
# `torch.optim.SGD` does what the loop above did by hand, and a scheduler keeps the demo's falling
# learning rate. To see that nothing was lost in the move, the valuegraph model trains on too,
# compiled (`autograd.compile` replays the same scalar graph as array kernels), from the same
# point.

# %%
optimizer = torch.optim.SGD(net.parameters(), lr=1.0)
schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda k: learning_rate(SWITCH + k))
pytorch_losses = []
for step in range(SWITCH, STEPS):
    loss = torch_loss(net)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    schedule.step()
    pytorch_losses.append(loss.item())

step_compiled = autograd.compile(lambda X, y: loss_of(model))
continued_losses = []
for step in range(SWITCH, STEPS):
    loss = step_compiled(X, y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= learning_rate(step) * p.grad
    continued_losses.append(loss.data)

print(f"step {STEPS - 1}: PyTorch {pytorch_losses[-1]:.6f}, valuegraph {continued_losses[-1]:.6f}")
print("largest difference between the two runs:",
      "below 1e-9" if max(abs(a - b) for a, b in zip(pytorch_losses, continued_losses)) < 1e-9 else "LARGER")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(range(SWITCH), valuegraph_losses, color="tab:blue", label="valuegraph (scalar graph)")
ax.plot(range(SWITCH, STEPS), pytorch_losses, color="tab:orange", linewidth=3, alpha=0.7,
        label="PyTorch (torch.optim.SGD)")
ax.plot(range(SWITCH, STEPS), continued_losses, color="tab:blue", linestyle="--",
        label="valuegraph, had it stayed (compiled)")
ax.axvline(SWITCH - 0.5, color="grey", linewidth=1)
ax.annotate("model.to_torch()", (SWITCH, max(valuegraph_losses) * 0.8), color="grey")
ax.set_xlabel("training step")
ax.set_ylabel("loss (hinge + L2)")
ax.set_yscale("log")
ax.set_title("micrograd's demo: trained in valuegraph, then in PyTorch")
ax.grid(alpha=0.3)
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# The orange curve (PyTorch) carries on exactly where the blue one (valuegraph) stopped, and lies
# on the dashed one: the model valuegraph would have trained had it stayed. Two libraries, one
# function, one gradient.

# %% [markdown]
# ## What changes
#
# - **Tensors.** A weight is no longer a `Value` node but one entry of a `Linear` layer's weight
#   matrix (`Linear.weight[i, j]` is `neurons[i].w[j]`); an input is a row of a tensor.
# - **Batches.** `net(inputs)` computes all 100 outputs in one call of a few matrix products; the
#   scalar graph had one node per multiplication, per point. PyTorch's graph has one node per
#   *layer operation*:

# %%
hinge = torch.relu(1 - targets * net(inputs).squeeze(1)).mean()
order, stack, seen = [], [hinge.grad_fn], set()
while stack:                                   # walk PyTorch's backward graph from the loss, depth first
    node = stack.pop()
    if node is None or node in seen:
        continue
    seen.add(node)
    order.append(type(node).__name__)
    stack.extend(parent for parent, _ in node.next_functions)
print(len(order), "backward nodes for", len(model.parameters()), "weights and", len(X), "points;",
      order.count("AccumulateGrad"), "of them add into a weight tensor's .grad")
print(" ← ".join(name for name in order if name not in ("AccumulateGrad", "TBackward0")))

# %% [markdown]
# - **Devices.** The same module moves to a GPU with `net.to("cuda")` (and the tensors with it);
#   nothing else in the loop changes. A valuegraph graph lives in Python objects and stays on
#   the CPU.

# %%
device = "cuda" if torch.cuda.is_available() else "cpu"
on_device = model.to_torch().to(device)
scores = on_device(inputs.to(device))
print(tuple(scores.shape), scores.dtype)

# %% [markdown]
# ## What does not change
#
# The chain rule. Read the path above from the left: the mean, the hinge's $\max(0, \cdot)$
# (`ReluBackward0`), $1 - y s$, then the three layers, each an `AddmmBackward0` (a layer's
# $\mathbf{W}^T\mathbf{x} + \mathbf{b}$ for the whole batch) after the `ReluBackward0` of the
# activation below it, whose local derivative is the lecture's $1_{\{x > 0\}}$. The same local
# derivatives, multiplied by the same upstream gradients, added into the same `.grad`s, only a
# matrix at a time. And the way back is open: `nn.from_torch` turns PyTorch's trained network into
# a valuegraph model again, whose graph for one point can be drawn with every gradient, as in
# notebook 1.

# %%
back = nn.from_torch(net)
print(type(back).__name__, "with the weights PyTorch trained; accuracy",
      f"{nn.accuracy(nn.predict(back, X), y, 'hinge'):.0%}")
point = back(X[0])
point.backward()
viz.draw(point, params=back, title="one point through the trained network (neurons collapsed)")

# %%
plots.plot_decision_boundary(back, X, labels)
