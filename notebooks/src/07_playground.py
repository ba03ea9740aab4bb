# %% [markdown]
# # 7. The playground: the lecture's TensorFlow Playground exercises, with every gradient in reach
#
# The lecture sends us to [TensorFlow Playground](https://playground.tensorflow.org/) to build
# intuition: pick a dataset, choose the input features, stack layers, change the activation, the
# learning rate, the regularisation, and watch the decision boundary and the loss while the
# network trains. `viz.Playground` is that playground inside the notebook, built from valuegraph's
# own pieces (`nn.datasets`, `nn.MLP`, `nn.fit`, the optimizers), plus what the web page cannot
# show: each neuron's mean gradient, dead ReLUs, the optimizer's state, and the computational graph
# of any neuron or of the loss, one click away.
#
# **Run this notebook live** to get the widget in the next cell: press ▶ play, change the dataset
# or the activation, press reset. Every other cell drives the same object from code, so each
# exercise is reproducible: the same settings and seed give the same curves.

# %%
from IPython.display import HTML, Image, display

import viz
import viz.plots
from viz import Playground

pg = Playground()   # TensorFlow Playground's defaults: circle, x1 and x2, hidden layers [4, 2], tanh, lr 0.03
pg                  # live: the widget (a static copy of the notebook shows only its text)

# %% [markdown]
# What the picture shows (drawn below without the controls, as it stands after 40 epochs):
#
# * **left, the network**: the features on the left, the output on the right. Every square is one
#   neuron's output over the whole input plane (orange negative, blue positive); every connection
#   is coloured by its weight's sign and as thick as its size. The purple number (and bar, on a log
#   scale) under a neuron is its mean $|\partial L / \partial w|$ over its weights and bias, on the
#   whole training set; a red cross marks a dead ReLU.
# * **right, the decision boundary**: the output over the plane, training points with a white rim,
#   test points with a black rim; under it the train and test loss per epoch.
# * **bottom**: the optimizer's state (steps taken, and the size of its momentum or moments).

# %%
pg.step(40)
display(HTML(pg.view_html()))

# %% [markdown]
# ## Exercise 1: a linear model underfits the circle; squared features fix it
#
# With no hidden layer the network is $\sigma(w_1 x_1 + w_2 x_2 + b)$: its boundary is a straight
# line, and no line separates a disc from the ring around it. The loss stays near
# $\log 2 \approx 0.69$, the loss of a coin toss. Giving it $x_1^2$ and $x_2^2$ as inputs makes
# $w_1 x_1^2 + w_2 x_2^2 + b = 0$ a circle (an ellipse): the same linear model now fits.

# %%
linear = Playground(hidden=[], lr=0.1)
linear.step(20)
squared = Playground(hidden=[], lr=0.1, features=["x1^2", "x2^2"])
squared.step(20)
for name, run in (("x1, x2", linear), ("x1^2, x2^2", squared)):
    train_acc, test_acc = run.accuracy()
    print(f"features {name:11}: test loss {run.history.val_loss[-1]:.3f}, test accuracy {test_acc:.0%}")
display(HTML(linear.view_html()), HTML(squared.view_html()))

# %% [markdown]
# ## Exercise 2: XOR needs a hidden layer (or the feature $x_1 x_2$)
#
# The class of an XOR point is the sign of $x_1 x_2$: again no line separates it. One hidden layer
# of four tanh neurons is enough: each neuron draws one line (see its heatmap) and the output
# combines them. The feature $x_1 x_2$ does the same job for a linear model, in one step.

# %%
runs = {
    "linear, x1 and x2": Playground(dataset="xor", hidden=[], lr=0.1),
    "hidden [4], x1 and x2": Playground(dataset="xor", hidden=[4], lr=0.3),
    "linear, x1*x2": Playground(dataset="xor", hidden=[], lr=0.1, features=["x1*x2"]),
}
for name, run in runs.items():
    run.step(40)
    print(f"{name:22}: test loss {run.history.val_loss[-1]:.3f}, test accuracy {run.accuracy()[1]:.0%}")
display(HTML(runs["hidden [4], x1 and x2"].view_html()))

# %% [markdown]
# ## Exercise 3: few noisy points and a big network overfit; L2, dropout and early stopping help
#
# Now the circle with half its points blurred by noise (`noise=0.5`) and only 10 % of them for
# training (20 points): a network of two hidden layers of eight neurons, trained with Adam, learns
# those 20 points by heart. Its training loss keeps falling while the test loss turns and climbs:
# the lecture's picture of overfitting. Each remedy is the same run with one setting changed.

# %%
NOISY = {"dataset": "circle", "noise": 0.5, "train_ratio": 0.1, "n": 200, "hidden": [8, 8],
         "optimizer": "adam", "lr": 0.03, "seed": 1}
EPOCHS = 80
remedies = {"none": {}, "L2 (λ = 0.01)": {"l2": 0.01}, "dropout 0.3": {"dropout": 0.3},
            "early stopping (patience 10)": {"patience": 10}}
results = {}
for name, change in remedies.items():
    run = Playground(**NOISY, **change)
    run.step(EPOCHS)
    results[name] = run
    best = min(run.history.val_loss)
    print(f"{name:29}: {run.epoch:2} epochs, final train loss {run.history.train_loss[-1]:.3f}, "
          f"final test loss {run.history.val_loss[-1]:.3f} (lowest {best:.3f})")

# %% [markdown]
# The curves (the test loss is the red line, labelled validation): without regularisation it
# climbs after its lowest point while the training loss (blue) goes on falling; with L2 it stays
# far lower. Early stopping ends the run ten epochs after the lowest test loss and goes back to
# that epoch's weights (the green line).

# %%
viz.plots.plot_history(results["none"].history, "overfitting.png", title="no regularisation: overfitting")
viz.plots.plot_history(results["L2 (λ = 0.01)"].history, "l2.png", title="the same run with L2, λ = 0.01")
viz.plots.plot_history(results["early stopping (patience 10)"].history, "early.png",
                       title="the same run with early stopping")
display(Image("overfitting.png"), Image("l2.png"), Image("early.png"))

# %%
display(HTML(results["none"].view_html()), HTML(results["L2 (λ = 0.01)"].view_html()))

# %% [markdown]
# ## What TensorFlow Playground cannot show: vanishing gradients
#
# Six hidden layers of sigmoid neurons: the derivative of a sigmoid is at most 1/4, and the chain
# rule multiplies one such factor per layer, so the first layers get gradients hundreds of times
# smaller than the last. The purple numbers under the neurons show it before a single step; tanh
# (derivative up to 1) keeps them much larger.

# %%
for activation in ("sigmoid", "tanh"):
    deep = Playground(hidden=[6] * 6, activation=activation)
    layers = deep.neuron_gradients()[:-1]
    means = "  ".join(f"{sum(layer) / len(layer):.1e}" for layer in layers)
    print(f"{activation:7} mean |grad| per hidden layer, first to last: {means}")
display(HTML(Playground(hidden=[6] * 6, activation="sigmoid").view_html()))

# %% [markdown]
# ## The graph one click away
#
# In the widget, choose a neuron (or the loss) and a training point and press *show graph*. From
# code, `graph` returns the root of that computational graph with this epoch's weights, after
# `backward()`: every value and every gradient in place, drawn by `viz.draw` (and stepped through,
# node by node, by `viz.stepper`). Here the loss of training point 0 for the XOR network of
# exercise 2: the yellow leaves are its weights, named as the model names them.

# %%
xor = runs["hidden [4], x1 and x2"]
root, model = xor.graph("loss", sample=0)
print(f"loss of training point {xor.X_train[0]} (class {xor.y_train[0]}): {root.data:.4f}")
viz.draw(root, params=model)

# %% [markdown]
# ## Keep and share an experiment
#
# `save` writes the settings, the weights after every epoch, the optimizer and the history as
# JSON; `Playground.load` checks the file and goes on exactly where the run was. `export_html`
# writes one offline page that replays the run with a slider (boundary, network and loss per epoch).

# %%
xor.save("xor.json")
again = Playground.load("xor.json")
again.step(5)
xor.step(5)
print("the loaded run goes on identically:", again.history.train_loss == xor.history.train_loss)
path = xor.export_html("xor.html")
print(f"replay page: {path.name}, {path.stat().st_size // 1024} KiB")
