# %% [markdown]
# # 5. Training multilayer networks
#
# The pieces so far (neurons, activations, backpropagation, gradient descent) now make a network
# that learns. This notebook follows the lecture: the error to minimise for binary classification
# (binary cross-entropy), a network with one hidden layer and its capacity, deep networks, the
# playground datasets with their decision boundaries, and what the loss curve says about the
# learning rate. Everything runs on `nn` (built only on the engine) and is seeded: the same
# numbers come out every time.
# %% [markdown es]
# # 5. Entrenar redes de varias capas
#
# Las piezas que vimos (neuronas, activaciones, back propagation, descenso por gradiente) ahora
# forman una red que aprende. Este notebook sigue la clase: la función de error a minimizar en
# clasificación binaria (binary cross entropy), una red con una capa oculta y su capacidad, las redes
# profundas, los datasets del playground con sus fronteras de decisión, y lo que la curva de pérdida
# dice sobre el learning rate. Todo corre sobre `nn` (construido solo sobre el motor) y con semilla
# fija: siempre salen los mismos números.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

import nn
import viz
from viz.palette import CLASS_COLOURS, NEUTRAL   # TensorFlow Playground's colours: class 0 orange, class 1 blue
#es: from viz.palette import CLASS_COLOURS, NEUTRAL   # los colores de TensorFlow Playground: clase 0 naranja, clase 1 azul
from autograd import Value, dot

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
plt.rcParams.update({"figure.dpi": 90})
PLAYGROUND = LinearSegmentedColormap.from_list("playground", [CLASS_COLOURS[0], NEUTRAL, CLASS_COLOURS[1]])

# %% [markdown]
# ## The error function: binary cross-entropy
#
# To fix ideas, take a binary classification problem (labels $y_i \in \{0, 1\}$, predicted
# probabilities $\hat y_i$). The lecture defines the error
#
# $$L(y, \hat y) = -\frac1N \sum_{i=1}^N \big(y_i \log \hat y_i + (1 - y_i) \log(1 - \hat y_i)\big),$$
#
# known as binary cross-entropy (BCE). Written with `Value`s, next to `nn.binary_cross_entropy`:
# %% [markdown es]
# ## La función de error: binary cross entropy
#
# Para fijar ideas, supongamos un problema de clasificación binario (etiquetas $y_i \in \{0, 1\}$,
# probabilidades predichas $\hat y_i$). La clase define el error
#
# $$L(y, \hat y) = -\frac1N \sum_{i=1}^N \big(y_i \log \hat y_i + (1 - y_i) \log(1 - \hat y_i)\big),$$
#
# conocido como binary cross entropy (BCE, entropía cruzada binaria). Escrito con `Value`s, junto a
# `nn.binary_cross_entropy`:

# %%
def bce(probabilities, labels):
    terms = [y * p.log() + (1 - y) * (1 - p).log() for p, y in zip(probabilities, labels)]
    return -sum(terms) / len(terms)


p = [Value(0.9), Value(0.2), Value(0.6), Value(0.05)]
labels = [1, 0, 1, 1]
print(f"by hand:                  {bce(p, labels).data:.6f}")
#es: print(f"a mano:                   {bce(p, labels).data:.6f}")
print(f"nn.binary_cross_entropy:  {nn.binary_cross_entropy(p, labels).data:.6f}")
print(f"the last example alone:   -log 0.05 = {-math.log(0.05):.2f}")
#es: print(f"el último ejemplo solo:   -log 0.05 = {-math.log(0.05):.2f}")

# %% [markdown]
# A confident right answer costs almost nothing; a confident wrong one costs a lot (the last
# example above, $\hat y = 0.05$ for a 1, contributes $-\log 0.05 \approx$ [[3.00]]). Up to here,
# everything defined is differentiable (or at least piecewise differentiable), so gradient descent
# applies.
# %% [markdown es]
# Una respuesta correcta y segura casi no cuesta nada; una equivocada y segura cuesta mucho (el último
# ejemplo de arriba, $\hat y = 0.05$ para un 1, aporta $-\log 0.05 \approx$ [[3.00]]). Hasta acá, todo
# lo definido es derivable (o al menos, derivable a trozos): ¡a usar descenso por gradiente!

# %%
ps = np.linspace(0.001, 0.999, 400)
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(ps, -np.log(ps), label="y = 1:  −log ŷ", color=CLASS_COLOURS[1])
ax.plot(ps, -np.log(1 - ps), label="y = 0:  −log(1 − ŷ)", color=CLASS_COLOURS[0])
ax.set_xlabel("predicted probability ŷ")
#es: ax.set_xlabel("probabilidad predicha ŷ")
ax.set_ylabel("loss")
#es: ax.set_ylabel("pérdida")
ax.set_ylim(0, 5)
ax.grid(alpha=0.3)
ax.legend()
ax.set_title("Binary cross-entropy of one example")
#es: ax.set_title("Binary cross entropy de un ejemplo")
plt.show()

# %% [markdown]
# In practice the network outputs a *logit* $z$ (any real number) and the probability is
# $\hat y = \sigma(z)$. `nn.bce_with_logits` computes the same loss from $z$ directly, as
# $\max(z, 0) - zy + \log(1 + e^{-|z|})$, which never takes the log of 0: for a confidently wrong
# logit the probability rounds to exactly `1.0` and the formula above breaks (`nn.binary_cross_entropy`
# then clamps the log at $-100$, as PyTorch does), while the logit form stays exact.
# %% [markdown es]
# En la práctica la red devuelve un *logit* $z$ (cualquier número real) y la probabilidad es
# $\hat y = \sigma(z)$. `nn.bce_with_logits` calcula la misma pérdida directamente desde $z$, como
# $\max(z, 0) - zy + \log(1 + e^{-|z|})$, que nunca toma el logaritmo de 0: con un logit equivocado y
# muy seguro, la probabilidad se redondea a exactamente `1.0` y la fórmula de arriba se rompe
# (`nn.binary_cross_entropy` entonces recorta el logaritmo en $-100$, como hace PyTorch), mientras que
# la forma con logits sigue siendo exacta.

# %%
for z in (2.0, 20.0, 40.0):
    prob = Value(z).sigmoid()
    print(f"logit {z:>4}, label 0:  σ(z) = {prob.data!r:<20}  BCE from σ(z): {nn.binary_cross_entropy(prob, 0).data:8.4f}"
          f"   bce_with_logits: {nn.bce_with_logits(Value(z), 0).data:8.4f}")
    #es: print(f"logit {z:>4}, etiqueta 0:  σ(z) = {prob.data!r:<20}  BCE desde σ(z): {nn.binary_cross_entropy(prob, 0).data:8.4f}"
    #es:       f"   bce_with_logits: {nn.bce_with_logits(Value(z), 0).data:8.4f}")

# %% [markdown]
# ## A network with one hidden layer
#
# Input $\mathbf{x}$; pre-activation $\mathbf{a} = \mathbf{W}^{(1)T}\mathbf{x} + \mathbf{b}^{(1)}$;
# hidden activation $\mathbf{h}^{(1)} = g(\mathbf{a})$; output layer
# $f(\mathbf{x}) = o(\mathbf{w}^{(2)T}\mathbf{h}^{(1)} + b^{(2)})$, with $W^{(1)}$ a matrix of shape
# (n_features, n_hidden) and $W^{(2)}$ of shape (n_hidden, 1). `nn.MLP(2, [3, 1])` is that network
# with 3 hidden neurons; below, the formula written out with its weights gives the same output.
# %% [markdown es]
# ## Una red con una capa oculta (red neuronal)
#
# Entrada $\mathbf{x}$; preactivación $\mathbf{a} = \mathbf{W}^{(1)T}\mathbf{x} + \mathbf{b}^{(1)}$;
# activación de la capa oculta $\mathbf{h}^{(1)} = g(\mathbf{a})$; capa de salida
# $f(\mathbf{x}) = o(\mathbf{w}^{(2)T}\mathbf{h}^{(1)} + b^{(2)})$, con $W^{(1)}$ una matriz de
# (n_features, n_hidden) y $W^{(2)}$ de (n_hidden, 1). `nn.MLP(2, [3, 1])` es esa red con 3 neuronas
# ocultas; abajo, la fórmula escrita con sus pesos da la misma salida.

# %%
model = nn.MLP(2, [3, 1], activation="tanh", output_activation="sigmoid", seed=0)
hidden, output = model.layers
x = [0.5, -1.0]

a = [dot(neuron.w, x, neuron.b) for neuron in hidden.neurons]          # a = W¹ᵀx + b¹
h = [ai.tanh() for ai in a]                                            # h = g(a)
f = dot(output.neurons[0].w, h, output.neurons[0].b).sigmoid()         # f = o(w²ᵀh + b²)

print("formula: ", f.data)
#es: print("fórmula: ", f.data)
print("nn.MLP:  ", model(x).data)
print("parameters:", len(model.parameters()), "= 2·3 + 3 (first layer) + 3 + 1 (output)")
#es: print("parámetros:", len(model.parameters()), "= 2·3 + 3 (primera capa) + 3 + 1 (salida)")
print(model)

# %% [markdown]
# ## The playground datasets
#
# Four two-dimensional problems in the style of TensorFlow Playground, drawn in its colours: class
# 1 in blue, class 0 in orange. `nn.datasets` generates them from a seed.
# %% [markdown es]
# ## Los datasets del playground
#
# Cuatro problemas en dos dimensiones al estilo de TensorFlow Playground, dibujados con sus colores:
# la clase 1 en azul, la clase 0 en naranja. `nn.datasets` los genera a partir de una semilla.

# %%
DATASETS = {name: getattr(nn.datasets, name)(n=120, noise=0.05 if name != "spiral" else 0.0, seed=0)
            for name in ("circle", "xor", "gaussian", "spiral")}


def scatter(ax, X, y, size=14):
    X, y = np.asarray(X), np.asarray(y)
    for label in (0, 1):
        ax.scatter(X[y == label, 0], X[y == label, 1], color=CLASS_COLOURS[label], s=size, edgecolors="white",
                   linewidths=0.8, label=f"class {label}")
        #es: ax.scatter(X[y == label, 0], X[y == label, 1], color=CLASS_COLOURS[label], s=size, edgecolors="white",
        #es:            linewidths=0.8, label=f"clase {label}")
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")


fig, axes = plt.subplots(1, 4, figsize=(10, 3.2))
for ax, (name, (X, y)) in zip(axes, DATASETS.items()):
    scatter(ax, X, y)
    ax.set_title(name)
for ax in axes:
    ax.legend(loc="upper left", fontsize=7, framealpha=0.8)
fig.tight_layout()
plt.show()

# %% [markdown]
# A decision boundary shows what a trained model predicts everywhere in the plane: the
# background is coloured by the predicted probability of class 1, blue where the model is sure of
# class 1, orange where it is sure of class 0, pale where it hesitates; the black line is where it
# is exactly 0.5.
# %% [markdown es]
# Una frontera de decisión muestra lo que un modelo entrenado predice en todo el plano: el fondo se
# colorea según la probabilidad predicha de la clase 1, azul donde el modelo está seguro de la clase
# 1, naranja donde está seguro de la clase 0, pálido donde duda; la línea negra es donde vale
# exactamente 0.5.

# %%
def plot_boundary(ax, model, X, y, title, steps=40):
    X = np.asarray(X)
    x0, x1 = X[:, 0].min() - 0.8, X[:, 0].max() + 0.8
    y0, y1 = X[:, 1].min() - 0.8, X[:, 1].max() + 0.8
    gx, gy = np.meshgrid(np.linspace(x0, x1, steps), np.linspace(y0, y1, steps))
    grid = np.column_stack([gx.ravel(), gy.ravel()]).tolist()
    logits = np.array(nn.predict(model, grid)).reshape(gx.shape)
    probability = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
    ax.contourf(gx, gy, probability, levels=np.linspace(0, 1, 11), cmap=PLAYGROUND, alpha=0.5)
    ax.contour(gx, gy, probability, levels=[0.5], colors="black", linewidths=1)
    scatter(ax, X, y, size=16)
    ax.legend(loc="upper left", fontsize=8, framealpha=0.8)
    ax.set_title(title, fontsize=10)


def train(model, X, y, epochs, lr=0.05, **options):
    """Train with Adam on the whole dataset (full batch) and return the History."""
    return nn.fit(model, X, y, epochs=epochs, optimizer=nn.Adam(model.parameters(), lr=lr),
                  progress=False, **options)

# %% [markdown]
# ## Capacity of the hidden layer
#
# The more neurons, the more fitting capacity the model has: capacity is related to the number of
# neurons. On the circle: with one tanh neuron the boundary is a straight line; two neurons
# bend it; with three it can close around the disc.
# %% [markdown es]
# ## Capacidad de la capa oculta
#
# Cuantas más neuronas, más capacidad de ajuste tiene el modelo: la capacidad está relacionada con la
# cantidad de neuronas. En el círculo: con una neurona tanh la frontera es una recta; dos neuronas la
# doblan; con tres puede cerrarse alrededor del disco.

# %%
X, y = DATASETS["circle"]
fig, axes = plt.subplots(2, 2, figsize=(9, 8.4))
for ax, width in zip(axes.flat, (1, 2, 3, 8)):
    model = nn.MLP(2, [width, 1], activation="tanh", seed=0)
    history = train(model, X, y, epochs=150)
    title = f"hidden layer of {width}: accuracy {history.train_acc[-1]:.2f}, loss {history.train_loss[-1]:.3f}"
    #es: title = f"capa oculta de {width}: exactitud {history.train_acc[-1]:.2f}, pérdida {history.train_loss[-1]:.3f}"
    print(title)
    plot_boundary(ax, model, X, y, title)
fig.tight_layout()
plt.show()

# %% [markdown]
# The universal approximation theorem (Cybenko 1989, Hornik 1991): a network with a single hidden
# layer and a finite number of neurons can approximate any continuous function on a bounded
# region, given enough neurons.
#
# ## Deep networks
#
# A network is a composition $f(\mathbf{x}; \theta) = f^{(n)}(f^{(n-1)}(\dots f^{(1)}(\mathbf{x})))$
# and its capacity grows exponentially with depth but only polynomially with the number of hidden
# units (Montúfar et al. 2014). Three networks with about 100 parameters each on a spiral: one
# wide hidden layer, two layers, three layers.
# %% [markdown es]
# Aproximación universal (Cybenko, 1989; Hornik, 1991): una red con una única capa oculta y una
# cantidad finita de neuronas puede aproximar cualquier función continua en una región acotada, si
# tiene suficientes neuronas.
#
# ## Redes neuronales profundas
#
# Una red es una composición $f(\mathbf{x}; \theta) = f^{(n)}(f^{(n-1)}(\dots f^{(1)}(\mathbf{x})))$, y
# su capacidad crece exponencialmente con la profundidad, pero polinomialmente con la cantidad de
# unidades ocultas (Montúfar et al., 2014). Tres redes de unos 100 parámetros cada una sobre un
# espiral: una capa oculta ancha, dos capas, tres capas.

# %%
X, y = nn.datasets.spiral(n=150, turns=1.25, seed=0)
ARCHITECTURES = {"one layer of 24": [24, 1], "two layers of 8": [8, 8, 1], "three layers of 6": [6, 6, 6, 1]}
#es: ARCHITECTURES = {"una capa de 24": [24, 1], "dos capas de 8": [8, 8, 1], "tres capas de 6": [6, 6, 6, 1]}

fig, axes = plt.subplots(2, 2, figsize=(9, 8.4))
for ax, (name, sizes) in zip(axes.flat[1:], ARCHITECTURES.items()):
    model = nn.MLP(2, sizes, activation="tanh", seed=0)
    history = train(model, X, y, epochs=100)
    axes[0, 0].semilogy(range(1, len(history) + 1), history.train_loss, label=f"{name} ({len(model.parameters())} parameters)")
    #es: axes[0, 0].semilogy(range(1, len(history) + 1), history.train_loss, label=f"{name} ({len(model.parameters())} parámetros)")
    plot_boundary(ax, model, X, y, f"{name}: accuracy {history.train_acc[-1]:.2f}")
    #es: plot_boundary(ax, model, X, y, f"{name}: exactitud {history.train_acc[-1]:.2f}")
    print(f"{name:>18}: {len(model.parameters())} parameters, training loss after 100 epochs {history.train_loss[-1]:.3f}")
    #es: print(f"{name:>18}: {len(model.parameters())} parámetros, pérdida de entrenamiento después de 100 épocas {history.train_loss[-1]:.3f}")
axes[0, 0].set_xlabel("epoch")
#es: axes[0, 0].set_xlabel("época")
axes[0, 0].set_ylabel("training loss (log scale)")
#es: axes[0, 0].set_ylabel("pérdida de entrenamiento (escala log)")
axes[0, 0].set_title("training loss", fontsize=10)
#es: axes[0, 0].set_title("pérdida de entrenamiento", fontsize=10)
axes[0, 0].legend(fontsize=9)
axes[0, 0].grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# With about the same number of parameters and the same 100 epochs, the deeper networks fit the
# spiral better: the training loss ends at [[0.166]] with one layer, [[0.026]] with two and
# [[0.012]] with three. Each layer folds the plane that the next layer cuts.
#
# ## The playground
#
# One architecture (two hidden layers of 8 tanh neurons, Adam, full batch) on all four datasets.
# **Try it:** change the activation (`"relu"`, `"leaky_relu"`, `"sigmoid"`, `"elu"`), the sizes, or
# add `noise=` to the datasets above.
# %% [markdown es]
# Con más o menos la misma cantidad de parámetros y las mismas 100 épocas, las redes más profundas
# ajustan mejor el espiral: la pérdida de entrenamiento termina en [[0.166]] con una capa, [[0.026]]
# con dos y [[0.012]] con tres. Cada capa dobla el plano que la capa siguiente corta.
#
# ## El playground
#
# Una arquitectura (dos capas ocultas de 8 neuronas tanh, Adam, batch completo) en los cuatro
# datasets. **Pruébalo:** cambia la activación (`"relu"`, `"leaky_relu"`, `"sigmoid"`, `"elu"`), los
# tamaños, o agrega `noise=` a los datasets de arriba.

# %%
fig, axes = plt.subplots(2, 2, figsize=(9, 8.4))
for ax, (name, (X, y)) in zip(axes.flat, DATASETS.items()):
    model = nn.MLP(2, [8, 8, 1], activation="tanh", seed=1)
    history = train(model, X, y, epochs=100)
    plot_boundary(ax, model, X, y, f"{name}: accuracy {history.train_acc[-1]:.2f}")
    #es: plot_boundary(ax, model, X, y, f"{name}: exactitud {history.train_acc[-1]:.2f}")
fig.tight_layout()
plt.show()

# %% [markdown]
# For a single model, `viz.plots.plot_decision_boundary(model, X, y)` draws the same kind of
# picture (here the spiral network just trained):
# %% [markdown es]
# Para un solo modelo, `viz.plots.plot_decision_boundary(model, X, y)` dibuja el mismo tipo de imagen
# (acá, la red del espiral que se acaba de entrenar):

# %%
import viz.plots

viz.plots.plot_decision_boundary(model, X, y, title="spiral, two layers of 8", resolution=60)
#es: viz.plots.plot_decision_boundary(model, X, y, title="espiral, dos capas de 8", resolution=60)

# %% [markdown]
# ## Training: the evolution of the error, and the learning rate
#
# The learning rate is one of the most important parameters, and the loss function gives hints
# for choosing it. Same network, same data, plain minibatch SGD, four learning rates:
# %% [markdown es]
# ## Entrenamiento: evolución del error, y el learning rate
#
# El learning rate es uno de los parámetros más importantes, y la función de error arroja pistas a la
# hora de elegirlo. La misma red, los mismos datos, SGD simple con minibatches, cuatro learning rates:

# %%
X, y = DATASETS["circle"]
RATES = {"very high (α = 30)": 30.0, "high (α = 10)": 10.0, "good (α = 1)": 1.0, "low (α = 0.03)": 0.03}
#es: RATES = {"muy alto (α = 30)": 30.0, "alto (α = 10)": 10.0, "bueno (α = 1)": 1.0, "bajo (α = 0.03)": 0.03}


def sgd_run(lr, momentum=0.0):
    model = nn.MLP(2, [8, 1], activation="tanh", seed=0)
    return nn.fit(model, X, y, epochs=60, batch_size=20, optimizer=nn.SGD(model.parameters(), lr=lr, momentum=momentum),
                  progress=False)


fig, ax = plt.subplots(figsize=(8, 4.5))
for (label, lr), colour in zip(RATES.items(), ["tab:red", "tab:orange", "tab:green", "tab:blue"]):
    history = sgd_run(lr)
    ax.semilogy(range(1, len(history) + 1), history.train_loss, label=label, color=colour)
    losses = history.train_loss
    ending = f", epoch 60: {losses[-1]:.3f}" if lr <= 1 else ""
    #es: ending = f", época 60: {losses[-1]:.3f}" if lr <= 1 else ""
    print(f"{label:>18}: loss at epoch 1: {losses[0]:.3f}, epoch 3: {losses[2]:.3f}{ending}")
    #es: print(f"{label:>18}: pérdida en la época 1: {losses[0]:.3f}, época 3: {losses[2]:.3f}{ending}")
ax.set_xlabel("epoch")
#es: ax.set_xlabel("época")
ax.set_ylabel("training loss (BCE, log scale)")
#es: ax.set_ylabel("pérdida de entrenamiento (BCE, escala log)")
ax.grid(alpha=0.3)
ax.legend()
plt.show()

# %% [markdown]
# * **low**: the loss falls, but almost linearly and slowly (from [[0.788]] to [[0.462]]): more
#   epochs or a larger α.
# * **good**: a fast fall, then a slow approach to 0 (down to [[0.034]]).
# * **high**: a fast start, then the loss jumps up and down around 1 and never settles (in the
#   figure it ends above the low α's): the steps overshoot.
# * **very high**: the first steps throw the weights far away, where the tanh units saturate: the
#   first epoch's loss is already [[7.132]], ten times that of a coin toss ($\log 2 \approx 0.69$),
#   and it stays high, jumping between about 2 and 10. Reduce α.
#
# These two runs are chaotic: the smallest difference (the order in which a minibatch's losses are
# added, say) sends them elsewhere after a few epochs, so only their first epochs are printed; their
# shape is the lesson.
#
# ($\alpha = 1$ is large compared with the $0.001$ to $0.1$ usual for Adam: plain SGD's good range depends
# on the scale of the gradients, which is why the curve, not a rule, decides.)
# %% [markdown es]
# * **bajo**: la pérdida baja, pero casi en línea recta y despacio (de [[0.788]] a [[0.462]]): más
#   épocas o un α más grande.
# * **bueno**: una caída rápida, y después un acercamiento lento a 0 (hasta [[0.034]]).
# * **alto**: un comienzo rápido, y después la pérdida salta arriba y abajo alrededor de 1 sin
#   asentarse nunca (en la figura termina por encima de la del α bajo): los pasos se pasan de largo.
# * **muy alto**: los primeros pasos tiran los pesos lejos, donde las unidades tanh se saturan: la
#   pérdida de la primera época ya es [[7.132]], diez veces la de tirar una moneda
#   ($\log 2 \approx 0.69$), y se queda alta, saltando entre 2 y 10 más o menos. Hay que bajar α.
#
# Estas dos corridas son caóticas: la menor diferencia (el orden en que se suman las pérdidas de un
# minibatch, por ejemplo) las manda a otro lado tras unas pocas épocas, así que solo se imprimen sus
# primeras épocas; su forma es la lección.
#
# ($\alpha = 1$ es grande comparado con los $0.001$ a $0.1$ habituales para Adam: el buen rango de SGD simple
# depende de la escala de los gradientes, y por eso decide la curva, no una regla.)

# %% [markdown]
# Next: when training fits *too* well (overfitting), and what regularisation does about it.
#
# ## Exercises: predict first
#
# **Exercise 1: a neuron and its loss, backpropagated by you.** One neuron with one input,
# $z = wx + b$, its probability $\hat y = \sigma(z)$ and the cross-entropy of a positive example,
# $L = -\log \hat y$, at $w = 2$, $x = 0.5$, $b = -1$. The step-through asks for every value and
# gradient. (Useful: $\sigma(0) = 1/2$, $\frac{d}{du}\log u = 1/u$; at the end, compare
# $\partial L/\partial z$ with $\hat y - y$.)
# %% [markdown es]
# Próximo notebook: cuando el entrenamiento ajusta *demasiado* bien (overfitting), y qué hace la
# regularización al respecto.
#
# ## Ejercicios: primero predecir
#
# **Ejercicio 1: una neurona y su pérdida, con back propagation hecho por ti.** Una neurona con una
# entrada, $z = wx + b$, su probabilidad $\hat y = \sigma(z)$ y la entropía cruzada de un ejemplo
# positivo, $L = -\log \hat y$, en $w = 2$, $x = 0.5$, $b = -1$. El paso a paso te pide cada valor y cada
# gradiente. (Sirve: $\sigma(0) = 1/2$, $\frac{d}{du}\log u = 1/u$; al final, compara
# $\partial L/\partial z$ con $\hat y - y$.)

# %%
w, x, b = Value(2.0, "w"), Value(0.5, "x"), Value(-1.0, "b")
wx = w * x
wx.label = "w·x"
z = wx + b
z.label = "z"
y_hat = z.sigmoid()
y_hat.label = "ŷ"
log_y_hat = y_hat.log()
log_y_hat.label = "log ŷ"
L = -log_y_hat
L.label = "L"
viz.stepper(L, quiz=True, rankdir="TB")

# %% [markdown]
# **Exercise 2: counting parameters.** How many parameters (weights and biases) does
# `nn.MLP(2, [8, 8, 1])`, the network of the playground section, have? Use the shapes of
# $W^{(1)}$ and $W^{(2)}$ above.
# %% [markdown es]
# **Ejercicio 2: contar parámetros.** ¿Cuántos parámetros (pesos y sesgos) tiene `nn.MLP(2, [8, 8, 1])`,
# la red de la sección del playground? Usa las dimensiones de $W^{(1)}$ y $W^{(2)}$ de arriba.

# %%
my_count = None

# %% [answer]
count = len(nn.MLP(2, [8, 8, 1]).parameters())
print(f"{count} parameters = (2·8 + 8) + (8·8 + 8) + (8·1 + 1)   your answer: {my_count}")
#es: print(f"{count} parámetros = (2·8 + 8) + (8·8 + 8) + (8·1 + 1)   tu respuesta: {my_count}")

# %% [markdown]
# **Exercise 3: momentum and the learning rate.** The "good" run used plain SGD with $\alpha = 1$.
# Add the lecture's momentum, $\beta = 0.9$, and keep $\alpha = 1$. Will the loss curve be (a) faster
# and lower, (b) about the same, or (c) bumpy and worse, like a higher learning rate? Write your
# letter, then run the cell after.
# %% [markdown es]
# **Ejercicio 3: momentum y el learning rate.** La corrida "buena" usó SGD simple con $\alpha = 1$.
# Agrega el momentum de la clase, $\beta = 0.9$, y deja $\alpha = 1$. ¿La curva de pérdida será (a) más
# rápida y más baja, (b) más o menos igual, o (c) con saltos y peor, como un learning rate más alto?
# Escribe tu letra y ejecuta la celda siguiente.

# %%
my_letter = None      # "a", "b" or "c"
#es: my_letter = None      # "a", "b" o "c"

# %% [answer]
RUNS = {"α = 1": (1.0, 0.0), "α = 1, β = 0.9": (1.0, 0.9), "α = 10": (10.0, 0.0), "α = 0.1, β = 0.9": (0.1, 0.9)}
fig, ax = plt.subplots(figsize=(8, 4.5))
for label, (lr, beta) in RUNS.items():
    history = sgd_run(lr, momentum=beta)
    ax.semilogy(range(1, len(history) + 1), history.train_loss, label=label)
    print(f"{label:>16}: final loss {history.train_loss[-1]:.3f}, worst after epoch 5: {max(history.train_loss[5:]):.3f}")
    #es: print(f"{label:>16}: pérdida final {history.train_loss[-1]:.3f}, la peor después de la época 5: {max(history.train_loss[5:]):.3f}")
print(f"your answer: {my_letter}; the answer: c")
#es: print(f"tu respuesta: {my_letter}; la respuesta: c")
ax.set_xlabel("epoch")
#es: ax.set_xlabel("época")
ax.set_ylabel("training loss (log scale)")
#es: ax.set_ylabel("pérdida de entrenamiento (escala log)")
ax.legend()
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# With $z = \beta z + \nabla f$, a gradient that keeps its direction is added up step after step:
# $z$ grows to $\nabla f / (1 - \beta)$, ten times the gradient for $\beta = 0.9$. The step
# $\alpha z$ is then that of a learning rate up to ten times larger, and the curve turns bumpy and
# ends higher, like the high learning rates' curves. Momentum and learning rate go together: with
# momentum $0.9$, $\alpha = 0.1$ gives back the good curve.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# Con $z = \beta z + \nabla f$, un gradiente que mantiene su dirección se va sumando paso tras paso:
# $z$ crece hasta $\nabla f / (1 - \beta)$, diez veces el gradiente para $\beta = 0.9$. El paso
# $\alpha z$ es entonces el de un learning rate hasta diez veces más grande, y la curva se llena de
# saltos y termina más arriba, como las de los learning rates altos. Momentum y learning rate van
# juntos: con momentum $0.9$, $\alpha = 0.1$ devuelve la curva buena.
# </details>
