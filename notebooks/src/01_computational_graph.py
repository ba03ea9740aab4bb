# %% [markdown]
# # 1. The computational graph (grafo computacional) and backpropagation
#
# A neural network is a composition of simple functions. To train it we need the gradient of the
# error with respect to every weight, and the chain rule (regla de la cadena) gives it, one
# elementary function at a time. This notebook follows the lecture:
#
# 1. a neuron: a linear pre-activation (preactivación) and a non-linear activation;
# 2. the chain rule;
# 3. the lecture's example $f(x, y, z) = \max((x + y)z, 0)$ at $x = -2, y = 3, z = 2$: its graph,
#    the forward pass (pasada hacia delante), the backward pass (pasada hacia atrás) step by step;
# 4. the local derivative of each elementary function, from the lecture's table.
#
# Everything below is computed by the engine (`autograd`) and drawn by `viz`. Change any number
# and re-run the cell.

# %%
import math

from IPython.display import SVG, HTML, display

import viz
from autograd import OPS, Value, backward_steps, gradients, topological_order


def show(graph):
    """Display a drawing (a graphviz.Digraph or a viz frame) as SVG. Works with the system `dot`
    program or, without it, with the WebAssembly Graphviz that ships with valuegraph."""
    display(SVG(viz.render_source(graph.source, "svg").decode("utf-8")))

# %% [markdown]
# ## 1. A neuron
#
# The lecture's mathematical formulation (formulación matemática): a linear pre-activation
#
# $$a(\mathbf{x}) = \sum_{i=1}^n w_i x_i + b = \mathbf{w}^T\mathbf{x} + b$$
#
# followed by a non-linear activation $h(\mathbf{x}) = g(a(\mathbf{x}))$. With two inputs and
# $g = \sigma$ (sigmoid), every operation becomes a node of the graph:

# %%
x1, x2 = Value(1.0, "x1"), Value(-2.0, "x2")      # the inputs (entrada)
w1, w2 = Value(0.5, "w1"), Value(0.25, "w2")      # the weights (pesos)
b = Value(0.1, "b")                               # the bias

a = w1 * x1 + w2 * x2 + b
a.label = "a"
h = a.sigmoid()
h.label = "h"
print(f"a = {a.data:.4f}   h = σ(a) = {h.data:.4f}")
show(viz.draw(h))

# %% [markdown]
# Blue boxes are inputs, the green box is the output, ellipses are operations. Each box shows the
# value (`data`) computed in the forward pass. Now the backward pass: `h.backward()` fills every
# `grad` with $\partial h / \partial(\text{that value})$.

# %%
h.backward()
for v in (w1, w2, b, x1, x2):
    print(f"∂h/∂{v.label} = {v.grad: .4f}")
show(viz.draw(h))

# %% [markdown]
# By the chain rule $\partial h / \partial w_1 = \sigma'(a) \cdot x_1 = \sigma(a)(1 - \sigma(a))\,x_1$.
# Check it against the engine:

# %%
s = h.data
print(f"σ(a)(1 - σ(a)) x1 = {s * (1 - s) * x1.data:.6f}    engine: {w1.grad:.6f}")

# %% [markdown]
# ## 2. The chain rule (regla de la cadena)
#
# If $y = g(x)$ and $z = f(g(x)) = f(y)$, then
#
# $$z'(x) = f'(g(x))\,g'(x), \qquad \text{i.e.} \qquad \frac{dz}{dx} = \frac{dz}{dy}\cdot\frac{dy}{dx}.$$
#
# For example $y = x^2$, $z = \sin(y)$: $\frac{dz}{dx} = \cos(x^2)\cdot 2x$.

# %%
x = Value(1.3, "x")
y = x ** 2
z = y.sin()
dz_dy, dz_dx = gradients(z, [y, x])
print(f"dz/dy = cos(y)      = {dz_dy:.6f}   (by hand {math.cos(1.3 ** 2):.6f})")
print(f"dy/dx = 2x          = {2 * 1.3:.6f}")
print(f"dz/dx = dz/dy·dy/dx = {dz_dx:.6f}   (by hand {math.cos(1.3 ** 2) * 2 * 1.3:.6f})")

# %% [markdown]
# When a value is used more than once, the contributions of every path are **added**
# (the multivariable chain rule). In $q = x \cdot y + x$ the input $x$ reaches $q$ by two paths,
# and $\partial q / \partial x = y + 1$:

# %%
x, y = Value(2.0, "x"), Value(-3.0, "y")
q = x * y + x
q.label = "q"
q.backward()
print(f"∂q/∂x = y + 1 = {x.grad}")
show(viz.draw(q))

# %% [markdown]
# ## 3. The lecture's example: $f(x, y, z) = \max((x + y)z, 0)$
#
# Written as a composition of elementary functions:
#
# $$v(x, y) = x + y, \qquad u(z, v) = zv, \qquad f(u) = \max(u, 0)$$
#
# at $x = -2$, $y = 3$, $z = 2$. ($\max(u, 0)$ is ReLU; `u.max(0)` would build the same
# function with the 0 as an extra constant node.)

# %%
def lecture_example(x0=-2.0, y0=3.0, z0=2.0):
    x, y, z = Value(x0, "x"), Value(y0, "y"), Value(z0, "z")
    v = x + y
    v.label = "v"
    u = v * z
    u.label = "u"
    f = u.relu()
    f.label = "f"
    return x, y, z, v, u, f


x, y, z, v, u, f = lecture_example()

# %% [markdown]
# ### Forward pass (pasada hacia delante)
#
# Values are computed from the inputs towards the output, in topological order (every node after
# the nodes it is computed from):

# %%
for node in topological_order(f):
    if node.is_leaf:
        print(f"{node.label} = {node.data:g}  (input)")
    else:
        args = ", ".join(p.label for p in node.parents)
        print(f"{node.label} = {node.op.name}({args}) = {node.data:g}")
show(viz.draw(f, mode="forward"))

# %% [markdown]
# ### Backward pass (pasada hacia atrás), step by step
#
# Backpropagation starts at the output with $\partial f/\partial f = 1$ and walks the graph in
# reverse topological order. At each node it multiplies the gradient arriving from above (the
# *upstream* gradient) by the node's **local** derivative with respect to each parent, and adds
# the result to the parent's gradient (gradiente hacia abajo: regla de la cadena):
#
# $$\texttt{parent.grad} \mathrel{+}= \frac{\partial\, \text{node}}{\partial\, \text{parent}} \cdot \texttt{node.grad}$$
#
# `backward_steps(f)` runs exactly `f.backward()` and reports each step as it happens:

# %%
for step in backward_steps(f):
    print(f"node {step.node.label} (upstream ∂f/∂{step.node.label} = {step.upstream:g}):")
    for edge in step.edges:
        print(f"    ∂{step.node.label}/∂{edge.parent.label} = {edge.local_grad:g}   "
              f"{edge.parent.label}.grad += {edge.local_grad:g} × {step.upstream:g}  ->  {edge.grad_after:g}")
print()
print(f"∂f/∂x = {x.grad:g}   ∂f/∂y = {y.grad:g}   ∂f/∂z = {z.grad:g}")

# %% [markdown]
# The same steps as pictures: `viz.steps(f)` yields one frame per forward value, the seed
# $\partial f/\partial f = 1$, one frame per backward step and a final frame. The active node and
# edges are highlighted. A frame shows only what its pass knows: forward frames have no gradient
# and no edge text; once the backward pass crosses an edge, its text says the local derivative,
# the upstream gradient and their product, the contribution added to the parent's `.grad`.

# %%
x, y, z, v, u, f = lecture_example()
frames = list(viz.steps(f))
print(f"{len(frames)} frames")
for frame in frames:
    if frame.index in (2, 4, 5) or frame.phase != "forward":
        print(f"[{frame.index}] {frame.caption}")
        show(frame)

# %% [markdown]
# In a live notebook the stepper is a slider with play/pause over the same frames (this output
# needs a running kernel; the frames above are the static version). `viz.export_html` writes the
# same step-through as a single offline web page.

# %%
viz.stepper(f)

# %%
page = viz.export_html(f, "lecture_example.html", title="f(x, y, z) = max((x + y)z, 0)")
print(f"wrote {page.name}: open it in any browser, no kernel needed")

# %% [markdown]
# ## 4. Local derivatives of the elementary functions
#
# The lecture's table:
#
# | function | local derivatives |
# |---|---|
# | $f_{\text{sum}}(x, y) = x + y$ | $\partial f/\partial x = 1$, $\partial f/\partial y = 1$ |
# | $f_{\text{prod}}(x, y) = xy$ | $\partial f/\partial x = y$, $\partial f/\partial y = x$ |
# | $f_{\max}(x) = \max(x, 0)$ | $\partial f/\partial x = 1_{\{x > 0\}}$ |
#
# Each operation of the engine carries its rule as data (the table *is* the documentation):

# %%
for name in ("add", "mul", "relu", "max"):
    op = OPS[name]
    print(f"{name:>5} ({op.symbol}): {op.rule}")

# %% [markdown]
# And the local derivatives the engine used in our example, read from its backward steps, next to
# the lecture's formulas ($\partial v/\partial x = 1$, $\partial u/\partial z = v$,
# $\partial u/\partial v = z$, $\partial f/\partial u = 1_{\{u > 0\}}$):

# %%
def local_derivatives(x0, y0, z0):
    x, y, z, v, u, f = lecture_example(x0, y0, z0)
    found = {}
    for step in backward_steps(f):
        for edge in step.edges:
            found[f"∂{step.node.label}/∂{edge.parent.label}"] = edge.local_grad
    expected = {"∂v/∂x": 1.0, "∂v/∂y": 1.0, "∂u/∂z": v.data, "∂u/∂v": z.data,
                "∂f/∂u": 1.0 if u.data > 0 else 0.0}
    print(f"x = {x0:g}, y = {y0:g}, z = {z0:g}:  v = {v.data:g}, u = {u.data:g}, f = {f.data:g}")
    for name, value in expected.items():
        print(f"    {name} = {found[name]:g}   (lecture: {value:g})")
    print(f"    gradient: ∂f/∂x = {x.grad:g}, ∂f/∂y = {y.grad:g}, ∂f/∂z = {z.grad:g}")


local_derivatives(-2.0, 3.0, 2.0)

# %% [markdown]
# **Try it.** With $x = -4$ the product $u = (x + y)z$ is negative: $\max(u, 0)$ is flat there,
# $1_{\{u > 0\}} = 0$ and *no* gradient flows back to $x$, $y$ or $z$. This is the "dead ReLU" of
# the next notebook.

# %%
local_derivatives(-4.0, 3.0, 2.0)
x, y, z, v, u, f = lecture_example(-4.0, 3.0, 2.0)
f.backward()
show(viz.draw(f))
