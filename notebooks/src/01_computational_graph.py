# %% [markdown]
# # 1. Neurons, the computational graph and backpropagation
#
# A neural network is a composition of simple functions. To train it we need the gradient of the
# error with respect to every weight, and the chain rule gives it, one elementary function at a
# time. This notebook follows the first part of the lecture:
#
# 1. the biological motivation, and the artificial neuron it suggests: a linear pre-activation
#    and a non-linear activation function;
# 2. the chain rule;
# 3. the lecture's example $f(x, y, z) = \max((x + y)z, 0)$ at $x = -2, y = 3, z = 2$: its
#    computational graph, the forward pass and the backward pass, step by step;
# 4. the local derivative of each elementary function, from the lecture's table;
# 5. exercises: backpropagation by hand, answered before the engine shows it.
#
# Everything below is computed by the engine (`autograd`) and drawn by `viz`. Change any number
# and re-run the cell. (The last section of notebook 7 maps every section of the lecture to the
# notebook that covers it.)
# %% [markdown es]
# # 1. Neuronas, el grafo computacional y back propagation
#
# Una red neuronal es una composición de funciones sencillas. Para entrenarla necesitamos el
# gradiente del error respecto de cada peso, y la regla de la cadena lo da, una función elemental
# por vez. Este notebook sigue la primera parte de la clase:
#
# 1. la motivación biológica y la neurona artificial que sugiere: una preactivación lineal y una
#    función de activación no lineal;
# 2. la regla de la cadena;
# 3. el ejemplo de la clase, $f(x, y, z) = \max((x + y)z, 0)$ en $x = -2, y = 3, z = 2$: su grafo
#    computacional, la pasada hacia delante (forward pass) y la pasada hacia atrás (backward pass),
#    paso a paso;
# 4. la derivada local de cada función elemental, según la tabla de la clase;
# 5. ejercicios: back propagation a mano, respondiendo antes de que el motor muestre el resultado.
#
# Todo lo que sigue lo calcula el motor (`autograd`) y lo dibuja `viz`. Cambia cualquier número y
# vuelve a ejecutar la celda. (La última sección del notebook 7 relaciona cada sección de la clase
# con el notebook que la trata.)

# %%
import math

import matplotlib.pyplot as plt
from IPython.display import SVG, display

import viz
from viz.quiz import is_right   # how the step-through's quiz judges an answer: within 1 % or 0.001
#es: from viz.quiz import is_right   # cómo juzga una respuesta el cuestionario del paso a paso: con un error de hasta 1 % o 0.001
from autograd import OPS, Value, backward_steps, gradients, topological_order

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
plt.rcParams.update({"figure.dpi": 90})


def show(drawing):
    """Display a drawing (from viz.draw, or a frame from viz.steps) as SVG, scaled down to at
    most 9.3 inches (900 pixels, a notebook's width) when it is wider."""
    graph = getattr(drawing, "graph", drawing).copy()
    graph.graph_attr["size"] = "9.3,100"
    display(SVG(viz.render_source(graph.source, "svg").decode("utf-8")))


# %% [markdown]
# ## 1. Biological motivation
#
# The human nervous system has about 86,000 million neurons, joined by roughly $10^{14}$ to
# $10^{15}$ synapses. A biological neuron receives signals from other neurons through its
# dendrites, each synapse making the signal stronger or weaker; the cell body adds them up, and
# when the total passes a threshold the neuron fires a signal along its axon to the next neurons.
#
# The artificial neuron keeps only that arithmetic. Each input $x_i$ is multiplied by a weight
# $w_i$ (the synapse's strength), the products are added to a bias $b$ (the **pre-activation**,
# drawn as a node $\Sigma$, the sum), and a non-linear **activation function** $g$ decides the
# output, the neuron's "firing":
#
# $$a(\mathbf{x}) = \sum_{i=1}^n w_i x_i + b = \mathbf{w}^T\mathbf{x} + b, \qquad
#   h(\mathbf{x}) = g(a(\mathbf{x})) = g\Big(\sum_{i=1}^n w_i x_i + b\Big).$$
# %% [markdown es]
# ## 1. Motivación biológica
#
# El sistema nervioso humano tiene unos $86.000$ millones de neuronas, unidas por aproximadamente
# $10^{14}$ a $10^{15}$ sinapsis. Una neurona biológica recibe señales de otras neuronas por sus
# dendritas, y cada sinapsis hace la señal más fuerte o más débil; el cuerpo celular las suma y,
# cuando el total supera un umbral, la neurona dispara una señal por su axón hacia las neuronas
# siguientes.
#
# La neurona artificial se queda solo con esa aritmética. Cada entrada $x_i$ se multiplica por un
# peso $w_i$ (la fuerza de la sinapsis), los productos se suman a un sesgo $b$ (la
# **preactivación**, dibujada como un nodo $\Sigma$, la suma) y una **función de activación** no
# lineal $g$ decide la salida, el "disparo" de la neurona:
#
# $$a(\mathbf{x}) = \sum_{i=1}^n w_i x_i + b = \mathbf{w}^T\mathbf{x} + b, \qquad
#   h(\mathbf{x}) = g(a(\mathbf{x})) = g\Big(\sum_{i=1}^n w_i x_i + b\Big).$$

# %%
fig, ax = plt.subplots(figsize=(9, 3.4))
ax.set_xlim(0, 10)
ax.set_ylim(0, 4.8)
ax.axis("off")
for k, y in enumerate((3.3, 2.0, 0.7), 1):
    ax.add_patch(plt.Circle((1.0, y), 0.32, color=viz.COLOURS["input"], ec="black"))
    ax.text(1.0, y, f"$x_{k}$", ha="center", va="center", fontsize=13)
    ax.annotate("", xy=(4.35, 2.0 + (y - 2.0) * 0.25), xytext=(1.35, y), arrowprops={"arrowstyle": "->"})
    ax.text(2.6, 2.0 + (y - 2.0) * 0.62 + 0.18, f"$w_{k}$", fontsize=13, ha="center")
ax.add_patch(plt.Circle((4.9, 2.0), 0.55, color=viz.COLOURS["op"], ec="black"))
ax.text(4.9, 2.0, r"$\Sigma$", ha="center", va="center", fontsize=16)
ax.annotate("", xy=(4.9, 1.45), xytext=(4.9, 0.55), arrowprops={"arrowstyle": "->"})
ax.text(4.9, 0.3, "$b$", ha="center", fontsize=13)
ax.annotate("", xy=(6.6, 2.0), xytext=(5.45, 2.0), arrowprops={"arrowstyle": "->"})
ax.text(6.0, 2.2, "$a$", ha="center", fontsize=13)
ax.add_patch(plt.Rectangle((6.6, 1.55), 1.0, 0.9, color=viz.COLOURS["op"], ec="black"))
ax.text(7.1, 2.0, "$g$", ha="center", va="center", fontsize=15)
ax.annotate("", xy=(9.0, 2.0), xytext=(7.6, 2.0), arrowprops={"arrowstyle": "->"})
ax.text(9.3, 2.0, "$h$", ha="center", va="center", fontsize=14)
for x, words in ((1.0, "inputs\n(dendrites)"), (4.9, "weighted sum\n(cell body)"), (7.1, "activation\n(firing, axon)")):
#es: for x, words in ((1.0, "entradas\n(dendritas)"), (4.9, "suma ponderada\n(cuerpo celular)"), (7.1, "activación\n(disparo, axón)")):
    ax.text(x, 4.75, words, ha="center", va="top", fontsize=10, color="0.3")
ax.set_title("An artificial neuron: h = g(w₁x₁ + w₂x₂ + w₃x₃ + b)")
#es: ax.set_title("Una neurona artificial: h = g(w₁x₁ + w₂x₂ + w₃x₃ + b)")
plt.show()

# %%
import nn

largest = nn.MLP(2, [16, 16, 1])          # the largest networks, in notebooks 6 and 8
#es: largest = nn.MLP(2, [16, 16, 1])          # las redes más grandes, en los notebooks 6 y 8
parameters = len(largest.parameters())
print(f"{parameters} parameters; 10^14 synapses are {1e14 / parameters:.0e} times as many")
#es: print(f"{parameters} parámetros; 10^14 sinapsis son {1e14 / parameters:.0e} veces más")

# %% [markdown]
# The networks in these notebooks are tiny by comparison. The largest ones trained here (in
# notebooks 6 and 8) have [[337]] weights and biases: the brain has about [[3e+11]] times as many
# synapses. What the networks share with the brain is the idea: many simple units, each one a
# weighted sum and a non-linearity, whose strengths are learned.
# %% [markdown es]
# Las redes de estos notebooks son diminutas en comparación. Las más grandes que se entrenan acá (en
# los notebooks 6 y 8) tienen [[337]] pesos y sesgos: el cerebro tiene unas [[3e+11]] veces más sinapsis.
# Lo que las redes comparten con el cerebro es la idea: muchas unidades sencillas, cada una una suma
# ponderada y una no linealidad, cuyas fuerzas se aprenden.

# %% [markdown]
# ## 2. One neuron as a computational graph
#
# With two inputs and $g = \sigma$ (sigmoid), every operation of the neuron becomes a node of the
# graph. The products and the sum get names so the drawing can say which is which.
# %% [markdown es]
# ## 2. Una neurona como grafo computacional
#
# Con dos entradas y $g = \sigma$ (sigmoide), cada operación de la neurona se vuelve un nodo del
# grafo. Los productos y la suma llevan nombre para que el dibujo diga cuál es cuál.

# %%
x1, x2 = Value(1.0, "x1"), Value(-2.0, "x2")      # the inputs
#es: x1, x2 = Value(1.0, "x1"), Value(-2.0, "x2")      # las entradas
w1, w2 = Value(0.5, "w1"), Value(0.25, "w2")      # the weights
#es: w1, w2 = Value(0.5, "w1"), Value(0.25, "w2")      # los pesos
b = Value(0.1, "b")                               # the bias
#es: b = Value(0.1, "b")                               # el sesgo (bias)

w1x1 = w1 * x1
w1x1.label = "w1·x1"
w2x2 = w2 * x2
w2x2.label = "w2·x2"
a = w1x1 + w2x2 + b            # the pre-activation, Σ wᵢxᵢ + b
#es: a = w1x1 + w2x2 + b            # la preactivación, Σ wᵢxᵢ + b
a.label = "a"
h = a.sigmoid()                # the activation
#es: h = a.sigmoid()                # la activación
h.label = "h"
print(f"a = {a.data:.4f}   h = σ(a) = {h.data:.4f}")
show(viz.draw(h, rankdir="TB"))

# %% [markdown]
# The graph is drawn top to bottom, from the inputs to the output. Blue boxes are inputs
# (leaves: values nobody computed), the green box is the output, ellipses are operations, and
# the white boxes are intermediate values. The sum of the products ($w_1x_1 + w_2x_2$) got no
# name, so the drawing numbers it (`n1`). Each box shows the value (`data`) computed in the
# forward pass. Now the backward pass: `h.backward()` fills every `grad` with
# $\partial h / \partial(\text{that value})$.
# %% [markdown es]
# El grafo se dibuja de arriba hacia abajo, de las entradas a la salida. Las cajas azules son
# entradas (hojas: valores que nadie calculó), la caja verde es la salida, las elipses son
# operaciones y las cajas blancas son valores intermedios. La suma de los productos
# ($w_1x_1 + w_2x_2$) no tiene nombre, así que el dibujo la numera (`n1`). Cada caja muestra el valor
# (`data`) calculado en la pasada hacia delante. Ahora la pasada hacia atrás: `h.backward()` llena
# cada `grad` con $\partial h / \partial(\text{ese valor})$.

# %%
h.backward()
for v in (w1, w2, b, x1, x2):
    print(f"∂h/∂{v.label} = {v.grad: .4f}")
show(viz.draw(h, mode="backward", rankdir="TB"))

# %% [markdown]
# The red arrows now point up, the way the gradient travels. Next to each one, the arithmetic of
# the chain rule: the **local** derivative of the operation below with respect to the value
# above, times the gradient that arrives from below (**upstream**), gives the contribution added
# to that value's `grad`. By the chain rule
# $\partial h / \partial w_1 = \sigma'(a) \cdot x_1 = \sigma(a)(1 - \sigma(a))\,x_1$. Check it
# against the engine:
# %% [markdown es]
# Las flechas rojas ahora apuntan hacia arriba, en el sentido en que viaja el gradiente. Junto a
# cada una, la cuenta de la regla de la cadena: la derivada **local** de la operación de abajo
# respecto del valor de arriba, por el gradiente que llega desde abajo (*upstream*), da la
# contribución que se suma al `grad` de ese valor. Por la regla de la cadena
# $\partial h / \partial w_1 = \sigma'(a) \cdot x_1 = \sigma(a)(1 - \sigma(a))\,x_1$. Lo comprobamos
# con el motor:

# %%
s = h.data
print(f"σ(a)(1 - σ(a)) x1 = {s * (1 - s) * x1.data:.6f}    engine: {w1.grad:.6f}")
#es: print(f"σ(a)(1 - σ(a)) x1 = {s * (1 - s) * x1.data:.6f}    motor: {w1.grad:.6f}")

# %% [markdown]
# ## 3. The chain rule
#
# If $y = g(x)$ and $z = f(g(x)) = f(y)$, then
#
# $$z'(x) = f'(g(x))\,g'(x), \qquad \text{i.e.} \qquad \frac{dz}{dx} = \frac{dz}{dy}\cdot\frac{dy}{dx}.$$
#
# For example $y = x^2$, $z = \sin(y)$: $\frac{dz}{dx} = \cos(x^2)\cdot 2x$.
# %% [markdown es]
# ## 3. La regla de la cadena
#
# Supongamos que $x$ es un real, y $f$ y $g$ funciones reales. Si $y = g(x)$ y
# $z = f(g(x)) = f(y)$, la regla de la cadena dice
#
# $$z'(x) = f'(g(x))\,g'(x), \qquad \text{es decir} \qquad \frac{dz}{dx} = \frac{dz}{dy}\cdot\frac{dy}{dx}.$$
#
# Por ejemplo $y = x^2$, $z = \sin(y)$: $\frac{dz}{dx} = \cos(x^2)\cdot 2x$.

# %%
x = Value(1.3, "x")
y = x ** 2
z = y.sin()
dz_dy, dz_dx = gradients(z, [y, x])
print(f"dz/dy = cos(y)      = {dz_dy:.6f}   (by hand {math.cos(1.3 ** 2):.6f})")
#es: print(f"dz/dy = cos(y)      = {dz_dy:.6f}   (a mano {math.cos(1.3 ** 2):.6f})")
print(f"dy/dx = 2x          = {2 * 1.3:.6f}")
print(f"dz/dx = dz/dy·dy/dx = {dz_dx:.6f}   (by hand {math.cos(1.3 ** 2) * 2 * 1.3:.6f})")
#es: print(f"dz/dx = dz/dy·dy/dx = {dz_dx:.6f}   (a mano {math.cos(1.3 ** 2) * 2 * 1.3:.6f})")

# %% [markdown]
# When a value is used more than once, the contributions of every path are **added**
# (the multivariable chain rule). In $q = x \cdot y + x$ the input $x$ reaches $q$ by two paths,
# and $\partial q / \partial x = y + 1$:
# %% [markdown es]
# Cuando un valor se usa más de una vez, las contribuciones de todos los caminos se **suman**
# (la regla de la cadena en varias variables). En $q = x \cdot y + x$ la entrada $x$ llega a $q$ por
# dos caminos, y $\partial q / \partial x = y + 1$:

# %%
x, y = Value(2.0, "x"), Value(-3.0, "y")
xy = x * y
xy.label = "x·y"
q = xy + x
q.label = "q"
q.backward()
print(f"∂q/∂x = y + 1 = {x.grad}")
show(viz.draw(q, rankdir="TB"))

# %% [markdown]
# ## 4. The lecture's example: $f(x, y, z) = \max((x + y)z, 0)$
#
# Written as a composition of elementary functions:
#
# $$v(x, y) = x + y, \qquad u(z, v) = zv, \qquad f(u) = \max(u, 0)$$
#
# at $x = -2$, $y = 3$, $z = 2$. ($\max(u, 0)$ is the activation ReLU; `u.max(0)` would build the
# same function with the 0 as an extra constant node.)
# %% [markdown es]
# ## 4. El ejemplo de la clase: $f(x, y, z) = \max((x + y)z, 0)$
#
# Escrita como composición de funciones elementales:
#
# $$v(x, y) = x + y, \qquad u(z, v) = zv, \qquad f(u) = \max(u, 0)$$
#
# en $x = -2$, $y = 3$, $z = 2$. ($\max(u, 0)$ es la activación ReLU; `u.max(0)` construiría la
# misma función con el 0 como un nodo constante más.)

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
# ### Forward pass
#
# Values are computed from the inputs towards the output, in topological order (every node after
# the nodes it is computed from):
# %% [markdown es]
# ### Pasada hacia delante (forward pass)
#
# Los valores se calculan desde las entradas hacia la salida, en orden topológico (cada nodo
# después de los nodos a partir de los que se calcula):

# %%
for node in topological_order(f):
    if node.is_leaf:
        print(f"{node.label} = {node.data:g}  (input)")
        #es: print(f"{node.label} = {node.data:g}  (entrada)")
    else:
        args = ", ".join(p.label for p in node.parents)
        print(f"{node.label} = {node.op.name}({args}) = {node.data:g}")
show(viz.draw(f, mode="forward", rankdir="TB"))

# %% [markdown]
# ### Backward pass, step by step
#
# Backpropagation starts at the output with $\partial f/\partial f = 1$ and walks the graph in
# reverse topological order. At each node it multiplies the gradient arriving from the output's
# side (the *upstream* gradient) by the node's **local** derivative with respect to each parent,
# and adds the result to the parent's gradient (the gradient flows down the graph: the chain
# rule):
#
# $$\texttt{parent.grad} \mathrel{+}= \frac{\partial\, \text{node}}{\partial\, \text{parent}} \cdot \texttt{node.grad}$$
#
# `backward_steps(f)` runs exactly `f.backward()` and reports each step as it happens:
# %% [markdown es]
# ### Pasada hacia atrás (backward pass), paso a paso
#
# Back propagation empieza en la salida con $\partial f/\partial f = 1$ y recorre el grafo en
# orden topológico inverso. En cada nodo multiplica el gradiente que llega del lado de la salida
# (el gradiente *upstream*) por la derivada **local** del nodo respecto de cada padre, y suma el
# resultado al gradiente del padre (gradiente hacia abajo: regla de la cadena):
#
# $$\texttt{parent.grad} \mathrel{+}= \frac{\partial\, \text{nodo}}{\partial\, \text{padre}} \cdot \texttt{node.grad}$$
#
# `backward_steps(f)` ejecuta exactamente `f.backward()` e informa cada paso a medida que ocurre:

# %%
for step in backward_steps(f):
    print(f"node {step.node.label} (upstream ∂f/∂{step.node.label} = {step.upstream:g}):")
    #es: print(f"nodo {step.node.label} (upstream ∂f/∂{step.node.label} = {step.upstream:g}):")
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
# %% [markdown es]
# Los mismos pasos como imágenes: `viz.steps(f)` produce un cuadro por cada valor de la pasada hacia
# delante, la semilla $\partial f/\partial f = 1$, un cuadro por cada paso hacia atrás y un cuadro
# final. El nodo y las aristas activos se resaltan. Cada cuadro muestra solo lo que su pasada sabe:
# los cuadros de la pasada hacia delante no tienen gradientes ni texto en las aristas; cuando la
# pasada hacia atrás cruza una arista, su texto dice la derivada local, el gradiente upstream y su
# producto, la contribución que se suma al `.grad` del padre.

# %%
x, y, z, v, u, f = lecture_example()
frames = list(viz.steps(f, rankdir="TB"))
print(f"{len(frames)} frames")
#es: print(f"{len(frames)} cuadros")
for frame in frames:
    if frame.index in (4, 5) or frame.phase != "forward":
        print(f"[{frame.index}] {frame.caption}")
        show(frame)

# %% [markdown]
# In a live notebook the stepper is a slider with play/pause over the same frames (this output
# needs a running kernel; the frames above are the static version). `viz.export_html` writes the
# same step-through as a single offline web page.
# %% [markdown es]
# En un notebook en ejecución, el stepper es un deslizador con reproducir/pausa sobre los mismos
# cuadros (esta salida necesita un kernel en marcha; los cuadros de arriba son la versión estática).
# `viz.export_html` escribe el mismo paso a paso como una sola página web que funciona sin conexión.

# %%
viz.stepper(f, rankdir="TB")

# %%
page = viz.export_html(f, "lecture_example.html", title="f(x, y, z) = max((x + y)z, 0)", rankdir="TB")
print(f"wrote {page.name}: open it in any browser, no kernel needed")
#es: print(f"escrito {page.name}: se abre en cualquier navegador, sin kernel")

# %% [markdown]
# ## 5. Local derivatives of the elementary functions
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
# %% [markdown es]
# ## 5. Derivadas locales de las funciones elementales
#
# La tabla de la clase:
#
# | función | derivadas locales |
# |---|---|
# | $f_{\text{sum}}(x, y) = x + y$ | $\partial f/\partial x = 1$, $\partial f/\partial y = 1$ |
# | $f_{\text{prod}}(x, y) = xy$ | $\partial f/\partial x = y$, $\partial f/\partial y = x$ |
# | $f_{\max}(x) = \max(x, 0)$ | $\partial f/\partial x = 1_{\{x > 0\}}$ |
#
# Cada operación del motor lleva su regla como dato (la tabla *es* la documentación):

# %%
for name in ("add", "mul", "relu", "max"):
    op = OPS[name]
    print(f"{name:>5} ({op.symbol}): {op.rule}")

# %% [markdown]
# And the local derivatives the engine used in our example, read from its backward steps, next to
# the lecture's formulas ($\partial v/\partial x = 1$, $\partial u/\partial z = v$,
# $\partial u/\partial v = z$, $\partial f/\partial u = 1_{\{u > 0\}}$):
# %% [markdown es]
# Y las derivadas locales que usó el motor en nuestro ejemplo, leídas de sus pasos hacia atrás,
# junto a las fórmulas de la clase ($\partial v/\partial x = 1$, $\partial u/\partial z = v$,
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
        #es: print(f"    {name} = {found[name]:g}   (clase: {value:g})")
    print(f"    gradient: ∂f/∂x = {x.grad:g}, ∂f/∂y = {y.grad:g}, ∂f/∂z = {z.grad:g}")
    #es: print(f"    gradiente: ∂f/∂x = {x.grad:g}, ∂f/∂y = {y.grad:g}, ∂f/∂z = {z.grad:g}")


local_derivatives(-2.0, 3.0, 2.0)

# %% [markdown]
# **Try it.** With $x = -4$ the product $u = (x + y)z$ is negative: $\max(u, 0)$ is flat there,
# $1_{\{u > 0\}} = 0$ and *no* gradient flows back to $x$, $y$ or $z$. This is the "dead ReLU" of
# the next notebook.
# %% [markdown es]
# **Pruébalo.** Con $x = -4$ el producto $u = (x + y)z$ es negativo: $\max(u, 0)$ es plana ahí,
# $1_{\{u > 0\}} = 0$ y *ningún* gradiente vuelve hacia $x$, $y$ o $z$. Es la "ReLU muerta" del
# próximo notebook.

# %%
local_derivatives(-4.0, 3.0, 2.0)
x, y, z, v, u, f = lecture_example(-4.0, 3.0, 2.0)
f.backward()
show(viz.draw(f, rankdir="TB"))

# %% [markdown]
# ## 6. Exercises: predict first
#
# Backpropagation is learned by doing it by hand. In each exercise, write your answer *before*
# running the cell that shows the result: the cell then says whether you were right.
#
# **Exercise 1.** The lecture's function at $x = 3$, $y = -1$, $z = 4$. Compute by hand the
# forward values $v$, $u$, $f$ and the gradients $\partial f/\partial x$, $\partial f/\partial y$,
# $\partial f/\partial z$ (use the table of local derivatives above), and write them here:
# %% [markdown es]
# ## 6. Ejercicios: primero predecir
#
# Back propagation se aprende haciéndolo a mano. En cada ejercicio, escribe tu respuesta *antes* de
# ejecutar la celda que muestra el resultado: la celda te dice después si acertaste.
#
# **Ejercicio 1.** La función de la clase en $x = 3$, $y = -1$, $z = 4$. Calcula a mano los valores de
# la pasada hacia delante $v$, $u$, $f$ y los gradientes $\partial f/\partial x$,
# $\partial f/\partial y$, $\partial f/\partial z$ (con la tabla de derivadas locales de arriba), y
# escríbelos acá:

# %%
my_answers = {"v": None, "u": None, "f": None, "∂f/∂x": None, "∂f/∂y": None, "∂f/∂z": None}   # replace each None by your number
#es: my_answers = {"v": None, "u": None, "f": None, "∂f/∂x": None, "∂f/∂y": None, "∂f/∂z": None}   # cambia cada None por tu número

# %% [markdown]
# Now run the next cell.
# %% [markdown es]
# Ahora ejecuta la celda siguiente.

# %% [answer]
x, y, z, v, u, f = lecture_example(3.0, -1.0, 4.0)
f.backward()
engine = {"v": v.data, "u": u.data, "f": f.data, "∂f/∂x": x.grad, "∂f/∂y": y.grad, "∂f/∂z": z.grad}
for name, value in engine.items():
    answer = my_answers[name]
    verdict = "no answer yet" if answer is None else ("right" if is_right(answer, value) else "not this one")
    #es: verdict = "sin respuesta" if answer is None else ("correcto" if is_right(answer, value) else "no es esta")
    print(f"{name:>6} = {value:g}    your answer: {answer}  ({verdict})")
    #es: print(f"{name:>6} = {value:g}    tu respuesta: {answer}  ({verdict})")
show(viz.draw(f, rankdir="TB"))

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# Forward: $v = x + y = 2$, $u = zv = 8$, $f = \max(8, 0) = 8$. Backward: $\partial f/\partial u = 1$
# because $u > 0$; $\partial f/\partial z = v \cdot 1 = 2$ and $\partial f/\partial v = z \cdot 1 = 4$;
# the sum passes its upstream gradient unchanged to both inputs:
# $\partial f/\partial x = \partial f/\partial y = 1 \cdot 4 = 4$.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# Hacia delante: $v = x + y = 2$, $u = zv = 8$, $f = \max(8, 0) = 8$. Hacia atrás:
# $\partial f/\partial u = 1$ porque $u > 0$; $\partial f/\partial z = v \cdot 1 = 2$ y
# $\partial f/\partial v = z \cdot 1 = 4$; la suma pasa su gradiente upstream sin cambios a sus dos
# entradas: $\partial f/\partial x = \partial f/\partial y = 1 \cdot 4 = 4$.
# </details>

# %% [markdown]
# **Exercise 2: the step-through asks.** `viz.stepper(f, quiz=True)` goes through the same graph,
# but before it shows a value or a gradient it asks you for it. Type a number (`2`, `-0.5`,
# `1/3`), press Enter: a right answer is confirmed with its rule; a wrong one is explained (the
# operation on its inputs, forward; the local derivative times the upstream gradient, backward)
# and you may try again or ask for the answer. It keeps your score. Here, the lecture's graph at
# $x = 1$, $y = -3$, $z = 2$, where $u$ is negative: watch what the ReLU does to the gradients.
# %% [markdown es]
# **Ejercicio 2: el paso a paso pregunta.** `viz.stepper(f, quiz=True)` recorre el mismo grafo,
# pero antes de mostrar un valor o un gradiente te lo pregunta. Escribe un número (`2`, `-0.5`,
# `1/3`) y pulsa Enter: una respuesta correcta se confirma con su regla; una incorrecta se explica
# (la operación sobre sus entradas, hacia delante; la derivada local por el gradiente upstream, hacia
# atrás) y puedes volver a intentar o pedir la respuesta. Lleva la cuenta de tus aciertos. Acá, el
# grafo de la clase en $x = 1$, $y = -3$, $z = 2$, donde $u$ es negativo: mira qué le hace la ReLU a
# los gradientes.

# %%
x, y, z, v, u, f = lecture_example(1.0, -3.0, 2.0)
viz.stepper(f, quiz=True, rankdir="TB")

# %% [markdown]
# **Exercise 3: one neuron.** The neuron of section 2, $h = \sigma(w_1x_1 + w_2x_2 + b)$, with
# other numbers. Useful: $\sigma'(a) = \sigma(a)(1 - \sigma(a))$, and $\sigma(0) = 1/2$. The same
# quiz is also written as an offline page (`neuron_quiz.html`) for students without Python.
# %% [markdown es]
# **Ejercicio 3: una neurona.** La neurona de la sección 2, $h = \sigma(w_1x_1 + w_2x_2 + b)$, con
# otros números. Sirve recordar: $\sigma'(a) = \sigma(a)(1 - \sigma(a))$ y $\sigma(0) = 1/2$. El mismo
# cuestionario se escribe también como página sin conexión (`neuron_quiz.html`), para quien no tenga
# Python.

# %%
x1, x2 = Value(2.0, "x1"), Value(-1.0, "x2")
w1, w2 = Value(0.5, "w1"), Value(1.5, "w2")
b = Value(0.5, "b")
w1x1 = w1 * x1
w1x1.label = "w1·x1"
w2x2 = w2 * x2
w2x2.label = "w2·x2"
a = w1x1 + w2x2 + b
a.label = "a"
h = a.sigmoid()
h.label = "h"
viz.export_html(h, "neuron_quiz.html", quiz=True, rankdir="TB", title="h = σ(w1·x1 + w2·x2 + b)")
viz.stepper(h, quiz=True, rankdir="TB")
