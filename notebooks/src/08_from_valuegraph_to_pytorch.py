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

# %% [markdown es]
# # 8. De valuegraph a PyTorch
#
# Todo lo anterior corrió sobre escalares: cada peso un `Value`, cada multiplicación un nodo que se
# podía dibujar y recorrer paso a paso. Es la manera más clara de ver back propagation, y la más
# lenta de entrenar. Los modelos más grandes, las GPU y los clusters viven en PyTorch, que es adonde
# va el propio curso de karpathy después de micrograd. Este notebook entrena la demo de micrograd en
# valuegraph, pasa la red a PyTorch en medio del entrenamiento con `model.to_torch()`, sigue
# entrenando allá con `torch.optim` y la trae de vuelta con `nn.from_torch`. Lo que cambia es cómo se
# guardan y se mueven los números (tensores, batches enteros, dispositivos); lo que no cambia es la
# regla de la cadena que viste.
# %%
import matplotlib.pyplot as plt
import torch

import autograd
import nn
import viz
from viz import plots

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
plt.rcParams.update({"figure.dpi": 90})
torch.manual_seed(0)

# %% [markdown]
# ## micrograd's demo, in valuegraph
#
# The demo of micrograd's README: 100 points of the two moons, a network `MLP(2, [16, 16, 1])`
# (two hidden ReLU layers of 16 neurons, a linear output), the max-margin (hinge) loss
# $\frac1N \sum_i \max(0, 1 - y_i s_i)$ with labels $y_i \in \{-1, +1\}$, plus
# $10^{-4}$ times the sum of the squared weights (L2), and gradient descent whose learning rate
# falls from $1$ to $0.1$ over 100 steps.

# %% [markdown es]
# ## La demo de micrograd, en valuegraph
#
# La demo del README de micrograd: 100 puntos de las dos lunas (moons), una red `MLP(2, [16, 16, 1])`
# (dos capas ocultas ReLU de 16 neuronas, una salida lineal), la pérdida de margen máximo (hinge)
# $\frac1N \sum_i \max(0, 1 - y_i s_i)$ con etiquetas $y_i \in \{-1, +1\}$, más $10^{-4}$ veces la
# suma de los pesos al cuadrado (L2), y descenso por gradiente con un learning rate que baja de $1$ a
# $0.1$ en 100 pasos.
# %%
X, labels = nn.datasets.moons(n=100, noise=0.1, seed=0)
y = [2 * label - 1 for label in labels]  # hinge labels: -1 and +1
#es: y = [2 * label - 1 for label in labels]  # etiquetas para hinge: -1 y +1
model = nn.MLP(2, [16, 16, 1], seed=0)
STEPS, SWITCH = 100, 40  # train 40 steps in valuegraph, then move to PyTorch
#es: STEPS, SWITCH = 100, 40  # 40 pasos en valuegraph, después a PyTorch


def learning_rate(step):
    return 1.0 - 0.9 * step / STEPS


def loss_of(model):
    """The demo's loss on the whole dataset, as one scalar graph."""
    #es: """La pérdida de la demo sobre todo el dataset, como un solo grafo de escalares."""
    return nn.hinge(model(X), y) + 1e-4 * nn.l2_penalty(model.parameters())


print("layers of", [len(layer.neurons) for layer in model.layers], "neurons;", len(model.parameters()), "parameters")
#es: print("capas de", [len(layer.neurons) for layer in model.layers], "neuronas;", len(model.parameters()), "parámetros")

# %% [markdown]
# Each step builds the whole graph (every multiplication of every neuron for every point), runs
# the chain rule through it with `backward()`, and moves each weight against its gradient: the
# loop of notebook 4, written out.

# %% [markdown es]
# Cada paso construye el grafo entero (cada multiplicación de cada neurona para cada punto), aplica la
# regla de la cadena sobre él con `backward()` y mueve cada peso en contra de su gradiente: el bucle
# del notebook 4, escrito a mano.
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
#es: print(f"paso 0: pérdida {valuegraph_losses[0]:.4f};  paso {SWITCH - 1}: pérdida {valuegraph_losses[-1]:.4f}")
print(f"accuracy now: {nn.accuracy(nn.predict(model, X), y, 'hinge'):.0%}")
#es: print(f"exactitud ahora: {nn.accuracy(nn.predict(model, X), y, 'hinge'):.0%}")

# %% [markdown]
# ## Moving to PyTorch
#
# `model.to_torch()` builds the same network out of PyTorch's own modules (`Linear` for a layer's
# weighted sums, `ReLU` for its activation) and copies every weight into them, in float64, as
# valuegraph computes. The `Layer` and `MLP` around them are plain `torch.nn.Sequential`s that
# remember where each of valuegraph's layers ends.

# %% [markdown es]
# ## El paso a PyTorch
#
# `model.to_torch()` construye la misma red con los módulos propios de PyTorch (`Linear` para las
# sumas ponderadas de una capa, `ReLU` para su activación) y copia cada peso en ellos, en float64,
# como calcula valuegraph. El `Layer` y el `MLP` que los rodean son `torch.nn.Sequential` comunes que
# recuerdan dónde termina cada capa de valuegraph.
# %%
net = model.to_torch()
print(net)

# %% [markdown]
# The same function: the outputs of both for all 100 points, and the loss.

# %% [markdown es]
# La misma función: las salidas de las dos para los 100 puntos, y la pérdida.
# %%
inputs = torch.tensor(X, dtype=torch.float64)     # the whole dataset: one tensor of shape (100, 2)
#es: inputs = torch.tensor(X, dtype=torch.float64)     # todo el dataset: un tensor de forma (100, 2)
targets = torch.tensor(y, dtype=torch.float64)


def torch_loss(net):
    scores = net(inputs).squeeze(1)                 # all 100 outputs in one call
    #es: scores = net(inputs).squeeze(1)                 # las 100 salidas en una sola llamada
    hinge = torch.relu(1 - targets * scores).mean()
    return hinge + 1e-4 * sum((p ** 2).sum() for p in net.parameters())


ours = [v.data for v in model(X)]
theirs = net(inputs).squeeze(1).tolist()
print("outputs equal to 1e-12:", max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-12)
#es: print("salidas iguales hasta 1e-12:", max(abs(a - b) for a, b in zip(ours, theirs)) < 1e-12)
print(f"loss: valuegraph {loss_of(model).data:.12f}, PyTorch {torch_loss(net).item():.12f}")
#es: print(f"pérdida: valuegraph {loss_of(model).data:.12f}, PyTorch {torch_loss(net).item():.12f}")

# %% [markdown]
# And the same gradients: PyTorch's `backward()` runs the chain rule on tensors, one node per
# layer operation instead of one per multiplication, and arrives at every weight's gradient as
# valuegraph's scalar graph does. `nn.from_torch` reads PyTorch's gradients back with
# valuegraph's names, so the two can be compared weight by weight.

# %% [markdown es]
# Y los mismos gradientes: el `backward()` de PyTorch aplica la regla de la cadena sobre tensores,
# un nodo por operación de capa en vez de uno por multiplicación, y llega al gradiente de cada peso
# como lo hace el grafo de escalares de valuegraph. `nn.from_torch` lee los gradientes de PyTorch de
# vuelta con los nombres de valuegraph, para compararlos peso por peso.
# %%
loss = loss_of(model)
model.zero_grad()
loss.backward()

net.zero_grad()
torch_loss(net).backward()
gradients = model.to_torch()                      # a copy of the network, to hold PyTorch's gradients
#es: gradients = model.to_torch()                      # una copia de la red, para guardar los gradientes de PyTorch
with torch.no_grad():
    for slot, p in zip(gradients.parameters(), net.parameters()):
        slot.copy_(p.grad)
theirs = nn.from_torch(gradients).state_dict()
ours = {name: p.grad for name, p in model.named_parameters()}
print("all", len(ours), "gradients equal to 1e-12:", max(abs(ours[name] - theirs[name]) for name in ours) < 1e-12)
#es: print("los", len(ours), "gradientes iguales hasta 1e-12:", max(abs(ours[name] - theirs[name]) for name in ours) < 1e-12)
print("e.g.", "layers.0.neurons.3.w.1:", f"{ours['layers.0.neurons.3.w.1']:.10f}",
      f"{theirs['layers.0.neurons.3.w.1']:.10f}")
#es: print("p. ej.", "layers.0.neurons.3.w.1:", f"{ours['layers.0.neurons.3.w.1']:.10f}",
#es:       f"{theirs['layers.0.neurons.3.w.1']:.10f}")

# %% [markdown]
# ## Training on with `torch.optim`
#
# From here it is PyTorch's loop: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.
# `torch.optim.SGD` does what the loop above did by hand, and a scheduler keeps the demo's falling
# learning rate. To see that nothing was lost in the move, the valuegraph model trains on too,
# compiled (`autograd.compile` replays the same scalar graph as array kernels), from the same
# point.

# %% [markdown es]
# ## Seguir entrenando con `torch.optim`
#
# Desde acá es el bucle de PyTorch: `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()`.
# `torch.optim.SGD` hace lo que el bucle de arriba hacía a mano, y un scheduler mantiene el learning
# rate decreciente de la demo. Para ver que no se perdió nada en el paso, el modelo de valuegraph
# también sigue entrenando, compilado (`autograd.compile` repite el mismo grafo de escalares como
# kernels sobre arrays), desde el mismo punto.
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
#es: print(f"paso {STEPS - 1}: PyTorch {pytorch_losses[-1]:.6f}, valuegraph {continued_losses[-1]:.6f}")
print("largest difference between the two runs:",
      "below 1e-9" if max(abs(a - b) for a, b in zip(pytorch_losses, continued_losses)) < 1e-9 else "LARGER")
#es: print("mayor diferencia entre las dos corridas:",
#es:       "menor que 1e-9" if max(abs(a - b) for a, b in zip(pytorch_losses, continued_losses)) < 1e-9 else "MAYOR")

# %%
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(range(SWITCH), valuegraph_losses, color="tab:blue", label="valuegraph (scalar graph)")
ax.plot(range(SWITCH, STEPS), pytorch_losses, color="tab:orange", linewidth=3, alpha=0.7,
        label="PyTorch (torch.optim.SGD)")
ax.plot(range(SWITCH, STEPS), continued_losses, color="tab:blue", linestyle="--",
        label="valuegraph, had it stayed (compiled)")
#es: ax.plot(range(SWITCH, STEPS), continued_losses, color="tab:blue", linestyle="--",
#es:         label="valuegraph, si se hubiera quedado (compilado)")
ax.axvline(SWITCH - 0.5, color="grey", linewidth=1)
ax.annotate("model.to_torch()", (SWITCH, max(valuegraph_losses) * 0.8), color="grey")
ax.set_xlabel("training step")
#es: ax.set_xlabel("paso de entrenamiento")
ax.set_ylabel("loss (hinge + L2)")
#es: ax.set_ylabel("pérdida (hinge + L2)")
ax.set_yscale("log")
ax.set_title("micrograd's demo: trained in valuegraph, then in PyTorch")
#es: ax.set_title("la demo de micrograd: entrenada en valuegraph, después en PyTorch")
ax.grid(alpha=0.3)
ax.legend(loc="upper right")
plt.show()

# %% [markdown]
# The orange curve (PyTorch) carries on exactly where the blue one (valuegraph) stopped, and lies
# on the dashed one: the model valuegraph would have trained had it stayed. Two libraries, one
# function, one gradient.

# %% [markdown es]
# La curva naranja (PyTorch) sigue exactamente donde se detuvo la azul (valuegraph), y queda encima
# de la de trazos: el modelo que valuegraph habría entrenado si se hubiera quedado. Dos bibliotecas,
# una función, un gradiente.
# %% [markdown]
# ## What changes
#
# - **Tensors.** A weight is no longer a `Value` node but one entry of a `Linear` layer's weight
#   matrix (`Linear.weight[i, j]` is `neurons[i].w[j]`); an input is a row of a tensor.
# - **Batches.** `net(inputs)` computes all 100 outputs in one call of a few matrix products; the
#   scalar graph had one node per multiplication, per point. PyTorch's graph has one node per
#   *layer operation*:

# %% [markdown es]
# ## Lo que cambia
#
# - **Tensores.** Un peso ya no es un nodo `Value` sino una entrada de la matriz de pesos de una capa
#   `Linear` (`Linear.weight[i, j]` es `neurons[i].w[j]`); una entrada es una fila de un tensor.
# - **Batches.** `net(inputs)` calcula las 100 salidas en una sola llamada de unos pocos productos de
#   matrices; el grafo de escalares tenía un nodo por multiplicación, por punto. El grafo de PyTorch
#   tiene un nodo por *operación de capa*:
# %%
hinge = torch.relu(1 - targets * net(inputs).squeeze(1)).mean()
order, stack, seen = [], [hinge.grad_fn], set()
while stack:                                   # walk PyTorch's backward graph from the loss, depth first
    #es: while stack:                                   # recorre el grafo hacia atrás de PyTorch desde la pérdida, en profundidad
    node = stack.pop()
    if node is None or node in seen:
        continue
    seen.add(node)
    order.append(type(node).__name__)
    stack.extend(parent for parent, _ in node.next_functions)
print(len(order), "backward nodes for", len(model.parameters()), "weights and", len(X), "points;",
      order.count("AccumulateGrad"), "of them add into a weight tensor's .grad")
#es: print(len(order), "nodos hacia atrás para", len(model.parameters()), "pesos y", len(X), "puntos;",
#es:       order.count("AccumulateGrad"), "de ellos suman en el .grad de un tensor de pesos")
print(" ← ".join(name for name in order if name not in ("AccumulateGrad", "TBackward0")))

# %% [markdown]
# - **Devices.** The same module moves to a GPU with `net.to("cuda")` (and the tensors with it);
#   nothing else in the loop changes. A valuegraph graph lives in Python objects and stays on
#   the CPU.

# %% [markdown es]
# - **Dispositivos.** El mismo módulo pasa a una GPU con `net.to("cuda")` (y los tensores con él); nada
#   más cambia en el bucle. Un grafo de valuegraph vive en objetos de Python y se queda en la CPU.
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

# %% [markdown es]
# ## Lo que no cambia
#
# La regla de la cadena. Lee el camino de arriba desde la izquierda: la media, el $\max(0, \cdot)$ de
# hinge (`ReluBackward0`), $1 - y s$, después las tres capas, cada una un `AddmmBackward0` (el
# $\mathbf{W}^T\mathbf{x} + \mathbf{b}$ de una capa para todo el batch) después del `ReluBackward0` de
# la activación de abajo, cuya derivada local es el $1_{\{x > 0\}}$ de la clase. Las mismas derivadas
# locales, multiplicadas por los mismos gradientes upstream, sumadas en los mismos `.grad`, solo que
# una matriz por vez. Y el camino de vuelta está abierto: `nn.from_torch` convierte la red entrenada
# por PyTorch otra vez en un modelo de valuegraph, cuyo grafo para un punto se puede dibujar con cada
# gradiente, como en el notebook 1.
# %%
back = nn.from_torch(net)
print(type(back).__name__, "with the weights PyTorch trained; accuracy",
      f"{nn.accuracy(nn.predict(back, X), y, 'hinge'):.0%}")
#es: print(type(back).__name__, "con los pesos que entrenó PyTorch; exactitud",
#es:       f"{nn.accuracy(nn.predict(back, X), y, 'hinge'):.0%}")
point = back(X[0])
point.backward()
viz.draw(point, params=back, title="one point through the trained network (neurons collapsed)")
#es: viz.draw(point, params=back, title="un punto a través de la red entrenada (neuronas agrupadas)")

# %%
plots.plot_decision_boundary(back, X, labels)

# %% [markdown]
# ## Exercise: predict first
#
# The network has 337 weights and biases (the valuegraph model's `parameters()`). In PyTorch they
# are not 337 objects but a few tensors, one per `Linear` layer's weight matrix and one per bias
# vector. How many tensors does `net.parameters()` give, and what is the shape of the first one?
# Write your answers, then run the cell after.
# %% [markdown es]
# ## Ejercicio: primero predecir
#
# La red tiene 337 pesos y sesgos (los `parameters()` del modelo de valuegraph). En PyTorch no son 337
# objetos sino unos pocos tensores, uno por matriz de pesos de cada capa `Linear` y uno por vector de
# sesgos. ¿Cuántos tensores da `net.parameters()`, y qué forma tiene el primero? Escribe tus respuestas
# y ejecuta la celda siguiente.

# %%
my_count = None          # a number
#es: my_count = None          # un número
my_first_shape = None    # a pair, such as (2, 16)
#es: my_first_shape = None    # un par, como (2, 16)

# %% [answer]
shapes = [tuple(p.shape) for p in net.parameters()]
print(f"{len(shapes)} tensors: {shapes}, {sum(p.numel() for p in net.parameters())} numbers in all   "
      f"your answers: {my_count}, {my_first_shape}")
#es: print(f"{len(shapes)} tensores: {shapes}, {sum(p.numel() for p in net.parameters())} números en total   "
#es:       f"tus respuestas: {my_count}, {my_first_shape}")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# Three `Linear` layers, each a weight matrix and a bias vector: six tensors. PyTorch stores a
# layer's weights as (outputs, inputs), so the first is (16, 2): row $i$ holds neuron $i$'s weights,
# `neurons[i].w`. The lecture writes $W^{(1)}$ as (n_features, n_hidden), the transpose: the same
# numbers, read the other way.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# Tres capas `Linear`, cada una una matriz de pesos y un vector de sesgos: seis tensores. PyTorch
# guarda los pesos de una capa como (salidas, entradas), así que el primero es (16, 2): la fila $i$
# tiene los pesos de la neurona $i$, `neurons[i].w`. La clase escribe $W^{(1)}$ como
# (n_features, n_hidden), la traspuesta: los mismos números, leídos al revés.
# </details>
