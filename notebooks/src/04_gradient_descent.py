# %% [markdown]
# # 4. Gradient descent and its variants
#
# How do we find the weights? Training a network is an optimisation problem: find the parameters
# $\theta$ that minimise the error, $\hat\theta = \arg\min_\theta \sum_i L(f(\mathbf{x}_i; \theta), y_i)$.
# The gradient is the "first derivative of a multidimensional function": a vector pointing where
# the function grows fastest. So we step the other way, with a learning rate $\alpha$:
#
# $$w^{k+1} = w^k - \alpha \nabla f(w^k).$$
#
# Here the "network" has only two parameters, so the loss is a surface we can draw and every step
# is a point on it. Two surfaces: a **narrow valley** (much steeper across than along it) and a
# **saddle** (a point where the gradient is zero but that is not a minimum). On them: the
# learning rate too small, right and too large; momentum with the lecture's formula; Nesterov,
# Adagrad, RMSprop and Adam; and finally stochastic minibatches. The gradients come from the
# engine, the optimizers from `nn`.
# %% [markdown es]
# # 4. Descenso por gradiente y sus variantes
#
# ¿Cómo encontrar los pesos? Entrenar una red es un problema de optimización: encontrar los
# parámetros $\theta$ que minimizan el error,
# $\hat\theta = \arg\min_\theta \sum_i L(f(\mathbf{x}_i; \theta), y_i)$. El gradiente es la "derivada
# primera para funciones multidimensionales": un vector que indica la dirección en que la función
# crece más. Así que damos un paso en sentido contrario, con un learning rate $\alpha$:
#
# $$w^{k+1} = w^k - \alpha \nabla f(w^k).$$
#
# Acá la "red" tiene solo dos parámetros, así que la pérdida es una superficie que podemos dibujar y
# cada paso es un punto sobre ella. Dos superficies: un **valle angosto** (mucho más empinado de
# través que a lo largo) y una **silla de montar** (un punto donde el gradiente es cero pero que no es
# un mínimo). Sobre ellas: el learning rate demasiado chico, correcto y demasiado grande; momentum con
# la fórmula de la clase; Nesterov, Adagrad, RMSprop y Adam; y al final minibatches estocásticos. Los
# gradientes los calcula el motor; los optimizadores vienen de `nn`.

# %%
import math
import random

import matplotlib.pyplot as plt
import numpy as np

import nn
import viz
from autograd import Value

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
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
# %% [markdown es]
# ## Dos superficies
#
# * **valle**: $f(w_1, w_2) = 0.1\,w_1^2 + 2\,w_2^2$. La curvatura de través ($w_2$) es 20 veces la
#   curvatura a lo largo ($w_1$).
# * **silla**: $f(w_1, w_2) = w_1^2 + \tfrac14 w_2^4 - w_2^2$: un punto silla en el origen y dos mínimos
#   en $w_2 = \pm\sqrt2$. Partiendo de la cresta ($w_2 \approx 0$), el gradiente que empuja hacia un
#   mínimo es minúsculo.
#
# Están escritas con aritmética de `Value`, así que el motor las deriva.

# %%
def valley(w1, w2):
    return 0.1 * w1 ** 2 + 2 * w2 ** 2


def saddle(w1, w2):
    return w1 ** 2 + 0.25 * w2 ** 4 - w2 ** 2


SURFACES = {
    "valley": dict(f=valley, start=(-4.5, 1.2), box=(-5, 5, -2, 2), levels=np.geomspace(0.02, 12, 14)),
    "saddle": dict(f=saddle, start=(-1.8, 0.01), box=(-2, 2, -2.2, 2.2), levels=np.linspace(-1, 4, 21)),
}
NAMES = {"valley": "valley", "saddle": "saddle"}
#es: NAMES = {"valley": "valle", "saddle": "silla"}


def contour(ax, name):
    """Draw surface `name` as contour lines."""
    s = SURFACES[name]
    x0, x1, y0, y1 = s["box"]
    W1, W2 = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
    Z = s["f"](W1, W2)                     # the same formula, on numpy arrays
    #es: Z = s["f"](W1, W2)                     # la misma fórmula, sobre arrays de numpy
    ax.contour(W1, W2, Z, levels=s["levels"], colors="0.6", linewidths=0.7)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel("w₁")
    ax.set_ylabel("w₂")


def descend(name, make_optimizer, steps=60):
    """Run an nn optimizer on surface `name`: the path of (w₁, w₂) and the loss at each point of it."""
    s = SURFACES[name]
    w = [Value(s["start"][0], "w1"), Value(s["start"][1], "w2")]
    optimizer = make_optimizer(w)
    path = [tuple(p.data for p in w)]
    for _ in range(steps):
        loss = s["f"](*w)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        path.append(tuple(p.data for p in w))
        if max(abs(p.data) for p in w) > 1e3:       # diverged: stop before overflowing
            #es: if max(abs(p.data) for p in w) > 1e3:       # divergió: parar antes de desbordar
            break
    return path, [s["f"](*point) for point in path]


def draw_path(ax, path, label, **style):
    ax.plot([p[0] for p in path], [p[1] for p in path], marker=".", markersize=4, linewidth=1.2,
            label=label, **style)

# %% [markdown]
# ## The update rule, written out
#
# Plain gradient descent is three lines: compute the loss, backpropagate, move each weight against
# its gradient. `nn.SGD(params, lr)` does the same; the two trajectories are identical.
# %% [markdown es]
# ## La regla de actualización, escrita a mano
#
# El descenso por gradiente simple son tres líneas: calcular la pérdida, hacer back propagation,
# mover cada peso en contra de su gradiente. `nn.SGD(params, lr)` hace lo mismo; las dos trayectorias
# son idénticas.

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
#es: print("mayor diferencia entre los dos caminos:",
#es:       max(abs(a - b) for p, q in zip(by_hand, with_nn) for a, b in zip(p, q)))

# %% [markdown]
# ## The learning rate: too small, right, too large
#
# The learning rate is one of the most important parameters. On the valley, the steep direction
# decides: each step multiplies $w_2$ by $1 - 4\alpha$, so for $\alpha > 0.5$ it overshoots further
# every step and diverges. The gentle direction multiplies $w_1$ by $1 - 0.2\alpha$: a small
# $\alpha$ crawls.
# %% [markdown es]
# ## El learning rate: demasiado chico, correcto, demasiado grande
#
# El learning rate es uno de los parámetros más importantes. En el valle decide la dirección
# empinada: cada paso multiplica $w_2$ por $1 - 4\alpha$, así que con $\alpha > 0.5$ se pasa cada vez
# más lejos y diverge. La dirección suave multiplica $w_1$ por $1 - 0.2\alpha$: un $\alpha$ chico
# avanza arrastrándose.

# %%
rates = {"too small (α = 0.02)": 0.02, "right (α = 0.4)": 0.4, "too large (α = 0.51)": 0.51}
#es: rates = {"demasiado chico (α = 0.02)": 0.02, "correcto (α = 0.4)": 0.4, "demasiado grande (α = 0.51)": 0.51}
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
contour(left, "valley")
for (label, lr), colour in zip(rates.items(), ["tab:blue", "tab:green", "tab:red"]):
    path, losses = descend("valley", lambda w: nn.SGD(w, lr=lr), steps=40)
    draw_path(left, path[:15] if lr > 0.5 else path, label, color=colour)   # the rest leaves the picture
    #es: draw_path(left, path[:15] if lr > 0.5 else path, label, color=colour)   # el resto sale del dibujo
    right.semilogy(losses, label=label, color=colour)
    print(f"{label:>22}: loss {losses[0]:.3f} -> {losses[-1]:.3g} after 40 steps")
    #es: print(f"{label:>28}: pérdida {losses[0]:.3f} -> {losses[-1]:.3g} después de 40 pasos")
left.set_title("Gradient descent on the valley")
#es: left.set_title("Descenso por gradiente en el valle")
left.legend(loc="lower right", fontsize=9)
right.set_title("Loss per step")
#es: right.set_title("Pérdida en cada paso")
right.set_xlabel("step")
#es: right.set_xlabel("paso")
right.set_ylabel("f(w₁, w₂) (log scale)")
#es: right.set_ylabel("f(w₁, w₂) (escala log)")
right.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# Too small: the loss falls steadily but slowly ([[1.47]] after 40 steps). Too large: the path
# zigzags across the valley with growing amplitude and the loss goes up, to [[66.4]]. In between,
# the zigzag dies out and the loss reaches [[0.00257]].
# %% [markdown es]
# Demasiado chico: la pérdida baja sin pausa pero despacio ([[1.47]] después de 40 pasos).
# Demasiado grande: el camino zigzaguea de un lado al otro del valle con amplitud creciente y la
# pérdida sube, hasta [[66.4]]. En el medio, el zigzag se apaga y la pérdida llega a [[0.00257]].

# %% [markdown]
# ## Momentum: the lecture's formula
#
# One way to speed things up is to add a little inertia (momentum) to the algorithm:
#
# $$z^{k+1} = \beta z^k + \nabla f(w^k), \qquad w^{k+1} = w^k - \alpha z^{k+1},$$
#
# with $\alpha$ the learning rate and $\beta$ the inertia. $z$ accumulates past gradients: along the
# valley they agree and add up, across it they alternate in sign and cancel. Written out, then
# compared with `nn.SGD(params, lr=α, momentum=β)`:
# %% [markdown es]
# ## Momentum: la fórmula de la clase
#
# Una forma en que podemos acelerar las cosas es agregar un poco de inercia (momentum) al algoritmo:
#
# $$z^{k+1} = \beta z^k + \nabla f(w^k), \qquad w^{k+1} = w^k - \alpha z^{k+1},$$
#
# donde $\alpha$ es el learning rate y $\beta$ la inercia (*inertia*). $z$ acumula los gradientes
# pasados: a lo largo del valle coinciden y se suman; de través alternan de signo y se cancelan.
# Escrito a mano, y comparado después con `nn.SGD(params, lr=α, momentum=β)`:

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
with_nn, momentum_losses = descend("valley", lambda w: nn.SGD(w, lr=ALPHA, momentum=BETA), steps=40)
print("largest difference between the two paths:",
      max(abs(a - b) for p, q in zip(by_hand, with_nn) for a, b in zip(p, q)))
#es: print("mayor diferencia entre los dos caminos:",
#es:       max(abs(a - b) for p, q in zip(by_hand, with_nn) for a, b in zip(p, q)))

plain, plain_losses = descend("valley", lambda w: nn.SGD(w, lr=ALPHA), steps=40)
print(f"after 40 steps: gradient descent {plain_losses[-1]:.3g}, momentum {momentum_losses[-1]:.3g}")
#es: print(f"después de 40 pasos: descenso por gradiente {plain_losses[-1]:.3g}, momentum {momentum_losses[-1]:.3g}")
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
contour(left, "valley")
draw_path(left, plain, f"gradient descent (α = {ALPHA})", color="tab:blue")
#es: draw_path(left, plain, f"descenso por gradiente (α = {ALPHA})", color="tab:blue")
draw_path(left, with_nn, f"momentum (α = {ALPHA}, β = {BETA})", color="tab:orange")
left.legend(loc="lower right", fontsize=9)
left.set_title("Momentum on the valley")
#es: left.set_title("Momentum en el valle")
right.semilogy(plain_losses, label="gradient descent", color="tab:blue")
#es: right.semilogy(plain_losses, label="descenso por gradiente", color="tab:blue")
right.semilogy(momentum_losses, label="momentum", color="tab:orange")
right.set_xlabel("step")
#es: right.set_xlabel("paso")
right.set_ylabel("f(w₁, w₂) (log scale)")
#es: right.set_ylabel("f(w₁, w₂) (escala log)")
right.set_title("Loss per step")
#es: right.set_title("Pérdida en cada paso")
right.legend(fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# With the same $\alpha$, momentum reaches a loss of [[0.00337]] in 40 steps, where plain gradient
# descent is still at [[0.402]].
# %% [markdown es]
# Con el mismo $\alpha$, momentum llega a una pérdida de [[0.00337]] en 40 pasos, cuando el descenso
# por gradiente simple sigue en [[0.402]].

# %% [markdown]
# ## Other variants
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
# Adagrad, RMSprop and Adam divide by the size of recent gradients ($\sqrt{v}$ is a root mean
# square, **RMS**, of the last gradients), so every parameter moves at a similar speed whatever the
# steepness: that helps on the valley (both directions progress) and on the saddle (a tiny
# gradient still gives a full-size step). `nn`'s optimizers keep these running averages under
# PyTorch's names, which you will meet in an optimizer's state: `momentum_buffer` ($z$), `sum` ($s$),
# `square_avg` (RMSprop's $v$), `exp_avg` and `exp_avg_sq` (Adam's $m$ and $v$). The playground of
# notebook 7 shows their size.
#
# Each optimizer below has **its own learning rate**, chosen so that it does well on these
# surfaces: the comparison is of the methods each at a good setting, not at one shared $\alpha$
# (the adaptive ones take steps of size about $\alpha$ whatever the gradient, so their good
# $\alpha$ is on another scale). They are listed with the optimizer's name in the legends.
# %% [markdown es]
# ## Otras variantes
#
# Con $g = \nabla f(w)$, cada operación elemento a elemento:
#
# | optimizador | actualización |
# |---|---|
# | **Nesterov** | $z \leftarrow \beta z + g$, $\;w \leftarrow w - \alpha(g + \beta z)$: mira un paso adelante |
# | **Adagrad** | $s \leftarrow s + g^2$, $\;w \leftarrow w - \alpha\, g / (\sqrt{s} + \epsilon)$: un learning rate por parámetro, que se achica |
# | **RMSprop** | $v \leftarrow \rho v + (1 - \rho) g^2$, $\;w \leftarrow w - \alpha\, g / (\sqrt{v} + \epsilon)$: Adagrad que olvida |
# | **Adam** | $m \leftarrow \beta_1 m + (1 - \beta_1) g$, $\;v \leftarrow \beta_2 v + (1 - \beta_2) g^2$, $\;w \leftarrow w - \alpha\, \hat m / (\sqrt{\hat v} + \epsilon)$ ($\hat m, \hat v$ con corrección de sesgo): momentum + RMSprop |
#
# Adagrad, RMSprop y Adam dividen por el tamaño de los gradientes recientes ($\sqrt{v}$ es una raíz de
# la media de los cuadrados, **RMS** por su sigla en inglés, de los últimos gradientes), así que cada
# parámetro avanza a una velocidad parecida sea cual sea la pendiente: eso ayuda en el valle (las dos
# direcciones progresan) y en la silla (un gradiente minúsculo igual da un paso de tamaño normal).
# Los optimizadores de `nn` guardan estos promedios con los nombres de PyTorch, que vas a encontrar en
# el estado de un optimizador: `momentum_buffer` ($z$), `sum` ($s$), `square_avg` (la $v$ de RMSprop),
# `exp_avg` y `exp_avg_sq` (la $m$ y la $v$ de Adam). El playground del notebook 7 muestra su tamaño.
#
# Cada optimizador de abajo tiene **su propio learning rate**, elegido para que le vaya bien en estas
# superficies: se comparan los métodos cada uno en un buen ajuste, no con un $\alpha$ común (los
# adaptativos dan pasos de tamaño aproximadamente $\alpha$ sea cual sea el gradiente, así que su buen
# $\alpha$ está en otra escala). Figuran junto al nombre del optimizador en las leyendas.

# %%
OPTIMIZERS = {
    "gradient descent (α = 0.1)": lambda w: nn.SGD(w, lr=0.1),
    #es: "descenso por gradiente (α = 0.1)": lambda w: nn.SGD(w, lr=0.1),
    "momentum (α = 0.1, β = 0.7)": lambda w: nn.SGD(w, lr=0.1, momentum=0.7),
    "Nesterov (α = 0.1, β = 0.7)": lambda w: nn.SGD(w, lr=0.1, momentum=0.7, nesterov=True),
    "Adagrad (α = 0.8)": lambda w: nn.Adagrad(w, lr=0.8),
    "RMSprop (α = 0.05)": lambda w: nn.RMSprop(w, lr=0.05),
    "Adam (α = 0.2)": lambda w: nn.Adam(w, lr=0.2),
}
STEPS = 60

fig, axes = plt.subplots(2, 2, figsize=(10, 8.4), gridspec_kw={"width_ratios": [1.2, 1]})
results = {}
for row, name in enumerate(SURFACES):
    contour(axes[row, 0], name)
    for optimizer, make in OPTIMIZERS.items():
        path, losses = descend(name, make, steps=STEPS)
        results[name, optimizer] = (path, losses)
        draw_path(axes[row, 0], path, optimizer.split(" (")[0])
        axes[row, 1].plot(losses, label=optimizer)
    axes[row, 0].set_title(f"{NAMES[name]}: paths from {SURFACES[name]['start']}", fontsize=10)
    #es: axes[row, 0].set_title(f"{NAMES[name]}: caminos desde {SURFACES[name]['start']}", fontsize=10)
    axes[row, 1].set_title(f"{NAMES[name]}: loss per step", fontsize=10)
    #es: axes[row, 1].set_title(f"{NAMES[name]}: pérdida en cada paso", fontsize=10)
    axes[row, 1].set_xlabel("step")
    #es: axes[row, 1].set_xlabel("paso")
    axes[row, 1].set_ylabel("f(w₁, w₂)")
    axes[row, 0].legend(loc="lower right", fontsize=8)
    axes[row, 1].legend(loc="upper right", fontsize=8)
axes[0, 1].set_yscale("log")
axes[0, 1].set_ylabel("f(w₁, w₂) (log scale)")
#es: axes[0, 1].set_ylabel("f(w₁, w₂) (escala log)")
fig.tight_layout()
plt.show()

# %%
print(f"{'':>32}  {'valley':>9}  {'saddle':>8}   (loss after {STEPS} steps; the saddle's minimum is -1)")
#es: print(f"{'':>34}  {'valle':>9}  {'silla':>8}   (pérdida después de {STEPS} pasos; el mínimo de la silla es -1)")
for optimizer in OPTIMIZERS:
    print(f"{optimizer:>32}  {results['valley', optimizer][1][-1]:9.2e}  {results['saddle', optimizer][1][-1]:8.4f}")
    #es: print(f"{optimizer:>34}  {results['valley', optimizer][1][-1]:9.2e}  {results['saddle', optimizer][1][-1]:8.4f}")

# %% [markdown]
# On the saddle, plain gradient descent first slides down to the saddle point along $w_1$ and
# then waits: $w_2$ grows only by a factor $1 + 2\alpha$ per step from $0.01$. Momentum and
# Nesterov build up speed and leave sooner; Adam and RMSprop, which rescale the tiny $w_2$
# gradient, leave almost at once. After 60 steps all of them reach the minimum $-1$ except Adam
# ([[-0.9993]]), still oscillating around it. **Try it:** start exactly on the ridge
# (`start=(-1.8, 0.0)`): the gradient along $w_2$ is then exactly 0 and *no* gradient method leaves
# the saddle.
# %% [markdown es]
# En la silla, el descenso por gradiente simple primero baja hasta el punto silla a lo largo de $w_1$
# y después espera: $w_2$ crece solo por un factor $1 + 2\alpha$ en cada paso, desde $0.01$. Momentum
# y Nesterov toman velocidad y se van antes; Adam y RMSprop, que reescalan el gradiente minúsculo de
# $w_2$, se van casi enseguida. Después de 60 pasos todos llegan al mínimo $-1$ salvo Adam
# ([[-0.9993]]), que todavía oscila a su alrededor. **Pruébalo:** arranca exactamente sobre la cresta
# (`start=(-1.8, 0.0)`): el gradiente en $w_2$ es entonces exactamente 0 y *ningún* método de gradiente
# sale de la silla.

# %% [markdown]
# ## Stochastic gradient descent
#
# The real loss is a sum over the training examples, $\sum_{i=1}^n L(f(\mathbf{x}_i;\theta), y_i)$:
# its exact gradient needs every example. The solution: minimise the function on a batch of data, a
# *minibatch*. Each estimate is noisy, but much cheaper, so in the same time we take many more
# steps.
#
# A model with two parameters again, so we can draw it: a line $\hat y = w x + b$ fitted to 64
# noisy points of $y = 2x - 1$ with the mean squared error. Every run below sees the data the same
# number of times (8 epochs); full batch makes 8 steps, minibatches of 8 make 64, single examples
# make 512.
# %% [markdown es]
# ## Descenso por gradiente estocástico
#
# La pérdida real es una suma sobre los ejemplos de entrenamiento,
# $\sum_{i=1}^n L(f(\mathbf{x}_i;\theta), y_i)$: su gradiente exacto implica calcular el gradiente para
# cada uno de los ejemplos. La solución: minimizar la función en un batch de datos, un *minibatch*.
# Cada estimación tiene ruido, pero es mucho más barata, así que en el mismo tiempo damos muchos más
# pasos.
#
# Otra vez un modelo de dos parámetros, para poder dibujarlo: una recta $\hat y = w x + b$ ajustada a
# 64 puntos con ruido de $y = 2x - 1$, con el error cuadrático medio. Cada corrida de abajo ve los
# datos la misma cantidad de veces (8 épocas); el batch completo da 8 pasos, los minibatches de 8 dan
# 64 y los ejemplos de a uno dan 512.

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
            #es: schedule.step()              # después de cada época: lr ← lr · γ
    return path


W, B = np.meshgrid(np.linspace(-1.5, 3.5, 160), np.linspace(-2.5, 2.5, 160))
Xa, Ya = np.array([x[0] for x in X]), np.array(Y)
Z = ((W[..., None] * Xa + B[..., None] - Ya) ** 2).mean(axis=-1)

RUNS = [(None, 0.3, None, "full batch (64)"), (8, 0.1, None, "minibatches of 8"),
        (1, 0.05, None, "one example at a time"), (1, 0.05, 0.6, "one at a time, α × 0.6 per epoch")]
#es: RUNS = [(None, 0.3, None, "batch completo (64)"), (8, 0.1, None, "minibatches de 8"),
#es:         (1, 0.05, None, "un ejemplo por vez"), (1, 0.05, 0.6, "de a uno, α × 0.6 por época")]
fig, axes = plt.subplots(2, 2, figsize=(10, 8), sharex=True, sharey=True)
for ax, (batch_size, lr, decay, title) in zip(axes.flat, RUNS):
    ax.contour(W, B, Z, levels=np.geomspace(0.7, 30, 12), colors="0.6", linewidths=0.7)
    path = sgd_path(batch_size, lr, decay=decay)
    draw_path(ax, path, None, color="tab:purple")
    final = mse(*path[-1], X, Y)
    ax.set_title(f"{title}\n{len(path) - 1} steps, α = {lr}, final loss {final:.4f}", fontsize=10)
    #es: ax.set_title(f"{title}\n{len(path) - 1} pasos, α = {lr}, pérdida final {final:.4f}", fontsize=10)
    print(f"{title:>34}: {len(path) - 1:3} steps, final loss {final:.4f}")
    #es: print(f"{title:>34}: {len(path) - 1:3} pasos, pérdida final {final:.4f}")
for ax in axes[1]:
    ax.set_xlabel("w")
for ax in axes[:, 0]:
    ax.set_ylabel("b")
fig.tight_layout()
plt.show()
w_best, b_best = np.polyfit(Xa, Ya, 1)
print(f"least squares: w = {w_best:.3f}, b = {b_best:.3f}, loss {mse(w_best, b_best, X, Y):.4f}")
#es: print(f"mínimos cuadrados: w = {w_best:.3f}, b = {b_best:.3f}, pérdida {mse(w_best, b_best, X, Y):.4f}")

# %% [markdown]
# The full-batch path is smooth; minibatch paths wander because each minibatch has its own
# slightly different loss surface, yet they reach the bottom (the least-squares loss is
# [[0.5968]]) in the same number of passes over the data. Near the minimum the noise keeps
# single-example SGD jittering around it: the usual remedy is to **decrease the learning rate**
# over time, here with `nn.ExponentialLR` (`nn.StepLR` and `nn.CosineAnnealingLR` are other
# schedules): the last panel settles. **Try it:** change the batch sizes, learning rates and decay
# above.
#
# For a quick comparison on another surface, `viz.plots.plot_optimizer_paths` runs the same loop.
# Given the same optimizers (`optimizers=OPTIMIZERS`, with their own learning rates) on the valley,
# it draws the paths of the table above and writes each final loss in its legend:
# %% [markdown es]
# El camino del batch completo es suave; los de minibatches deambulan porque cada minibatch tiene su
# propia superficie de pérdida, un poco distinta, y aun así llegan al fondo (la pérdida de mínimos
# cuadrados es [[0.5968]]) con la misma cantidad de pasadas por los datos. Cerca del mínimo, el ruido
# mantiene al SGD de a un ejemplo temblando a su alrededor: el remedio habitual es **bajar el learning
# rate** con el tiempo, acá con `nn.ExponentialLR` (`nn.StepLR` y `nn.CosineAnnealingLR` son otros
# calendarios): el último panel se asienta. **Pruébalo:** cambia los tamaños de batch, los learning
# rates y el decaimiento de arriba.
#
# Para comparar rápido sobre otra superficie, `viz.plots.plot_optimizer_paths` hace el mismo bucle.
# Con los mismos optimizadores (`optimizers=OPTIMIZERS`, con sus propios learning rates) sobre el
# valle, dibuja los caminos de la tabla de arriba y escribe la pérdida final de cada uno en la leyenda:

# %%
import viz.plots

viz.plots.plot_optimizer_paths(loss=valley, formula="0.1·w₁² + 2·w₂²", minimum=(0, 0), start=SURFACES["valley"]["start"],
                               extent=(-5, 5, -2, 2), steps=STEPS, optimizers=OPTIMIZERS)

# %% [markdown]
# ## Exercises: predict first
#
# **Exercise 1: one step, by hand.** On the valley at the starting point $(-4.5, 1.2)$, the
# step-through asks you for the loss and for both partial derivatives, which are the gradient
# descent uses. (Then, on paper: where does one step with $\alpha = 0.1$ take the point?)
# %% [markdown es]
# ## Ejercicios: primero predecir
#
# **Ejercicio 1: un paso, a mano.** En el valle, en el punto de partida $(-4.5, 1.2)$, el paso a paso
# te pide la pérdida y las dos derivadas parciales, que son el gradiente que usa el descenso. (Después,
# en papel: ¿adónde lleva el punto un paso con $\alpha = 0.1$?)

# %%
w1, w2 = Value(-4.5, "w1"), Value(1.2, "w2")
loss = valley(w1, w2)
loss.label = "f"
viz.stepper(loss, quiz=True, rankdir="TB")

# %% [markdown]
# **Exercise 2: a larger learning rate.** On the valley, $\alpha = 0.4$ reached a loss of about
# $0.0026$ in 40 steps. With $\alpha = 0.49$ (still below the $0.5$ where it diverges), will the
# loss after 40 steps be (a) smaller, since the steps are larger, (b) about the same, or (c)
# larger? Write your letter, then run the cell after.
# %% [markdown es]
# **Ejercicio 2: un learning rate más grande.** En el valle, $\alpha = 0.4$ llegó a una pérdida de
# aproximadamente $0.0026$ en 40 pasos. Con $\alpha = 0.49$ (todavía por debajo del $0.5$ donde
# diverge), ¿la pérdida después de 40 pasos será (a) más chica, porque los pasos son más grandes, (b)
# más o menos igual, o (c) más grande? Escribe tu letra y ejecuta la celda siguiente.

# %%
my_letter = None      # "a", "b" or "c"
#es: my_letter = None      # "a", "b" o "c"

# %% [answer]
for lr in (0.4, 0.49):
    path, losses = descend("valley", lambda w: nn.SGD(w, lr=lr), steps=40)
    print(f"α = {lr}: loss after 40 steps {losses[-1]:.4f}; w₂ is multiplied by 1 - 4α = {1 - 4 * lr:+.2f} per step")
    #es: print(f"α = {lr}: pérdida después de 40 pasos {losses[-1]:.4f}; w₂ se multiplica por 1 - 4α = {1 - 4 * lr:+.2f} en cada paso")
print(f"your answer: {my_letter}; the answer: c")
#es: print(f"tu respuesta: {my_letter}; la respuesta: c")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# A larger step helps along the gentle direction, but the steep one decides: each step multiplies
# $w_2$ by $1 - 4\alpha$, which is $-0.6$ for $\alpha = 0.4$ (the zigzag shrinks fast) and $-0.96$ for
# $\alpha = 0.49$: the path jumps from one wall of the valley to the other, losing only 4 % of its
# height each time. The best $\alpha$ is not the largest that does not diverge.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# Un paso más grande ayuda en la dirección suave, pero decide la empinada: cada paso multiplica $w_2$
# por $1 - 4\alpha$, que es $-0.6$ con $\alpha = 0.4$ (el zigzag se achica rápido) y $-0.96$ con
# $\alpha = 0.49$: el camino salta de una pared del valle a la otra, perdiendo solo un 4 % de altura
# cada vez. El mejor $\alpha$ no es el más grande que no diverge.
# </details>

# %% [markdown]
# **Exercise 3: more inertia.** Momentum with $\beta = 0.7$ reached about $0.0034$ in 40 steps.
# With $\beta = 0.95$ (and the same $\alpha = 0.1$), will it be (a) faster, (b) about the same or (c)
# slower? Write your letter, then run the cell after.
# %% [markdown es]
# **Ejercicio 3: más inercia.** Momentum con $\beta = 0.7$ llegó a aproximadamente $0.0034$ en 40
# pasos. Con $\beta = 0.95$ (y el mismo $\alpha = 0.1$), ¿será (a) más rápido, (b) más o menos igual o
# (c) más lento? Escribe tu letra y ejecuta la celda siguiente.

# %%
my_letter = None      # "a", "b" or "c"
#es: my_letter = None      # "a", "b" o "c"

# %% [answer]
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
contour(left, "valley")
for beta, colour in ((0.7, "tab:orange"), (0.95, "tab:purple")):
    path, losses = descend("valley", lambda w: nn.SGD(w, lr=0.1, momentum=beta), steps=40)
    draw_path(left, path, f"β = {beta}", color=colour)
    right.semilogy(losses, label=f"β = {beta}", color=colour)
    print(f"β = {beta}: loss after 40 steps {losses[-1]:.4f}")
    #es: print(f"β = {beta}: pérdida después de 40 pasos {losses[-1]:.4f}")
print(f"your answer: {my_letter}; the answer: c")
#es: print(f"tu respuesta: {my_letter}; la respuesta: c")
left.legend(loc="lower right")
left.set_title("Momentum, α = 0.1")
right.set_xlabel("step")
#es: right.set_xlabel("paso")
right.set_ylabel("f(w₁, w₂) (log scale)")
#es: right.set_ylabel("f(w₁, w₂) (escala log)")
right.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# $z$ remembers past gradients with weight $\beta^k$: with $\beta = 0.95$ it remembers them for
# about 20 steps. The point keeps rolling past the bottom of the valley, in both directions, and
# spirals in slowly, like a heavy ball with little friction. Some inertia smooths the zigzag;
# too much overshoots. (*Why Momentum Really Works*, in the lecture's references, draws this.)
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# $z$ recuerda los gradientes pasados con peso $\beta^k$: con $\beta = 0.95$ los recuerda unos 20
# pasos. El punto sigue rodando más allá del fondo del valle, en las dos direcciones, y se acerca en
# espiral lentamente, como una bola pesada con poco rozamiento. Un poco de inercia suaviza el zigzag;
# demasiada se pasa de largo. (*Why Momentum Really Works*, en la bibliografía de la clase, lo dibuja.)
# </details>
