# %% [markdown]
# # 2. Activation functions
#
# A neuron is a linear pre-activation followed by a non-linear activation:
#
# $$a(\mathbf{x}) = \mathbf{w}^T\mathbf{x} + b, \qquad h(\mathbf{x}) = g(a(\mathbf{x})).$$
#
# Without the non-linearity $g$, a stack of layers is still one linear map. This notebook plots
# the lecture's activations (sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU) **and their derivatives
# computed by the engine** (backpropagation through one `Value`, nothing derived by hand), looks
# at where each one *saturates* (its derivative is almost 0), which is what makes deep networks
# hard to train, and trains maxout, the one activation whose shape is learned.
#
# Every cell can be changed and re-run: try another slope for leaky ReLU, another α for ELU, other
# pieces for maxout.
# %% [markdown es]
# # 2. Funciones de activación
#
# Una neurona es una preactivación lineal seguida de una activación no lineal:
#
# $$a(\mathbf{x}) = \mathbf{w}^T\mathbf{x} + b, \qquad h(\mathbf{x}) = g(a(\mathbf{x})).$$
#
# Sin la no linealidad $g$, una pila de capas sigue siendo una sola función lineal. Este notebook
# grafica las activaciones de la clase (sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU) **y sus
# derivadas calculadas por el motor** (back propagation a través de un `Value`, nada derivado a
# mano), mira dónde se *satura* cada una (su derivada es casi 0), que es lo que hace difícil
# entrenar redes profundas, y entrena maxout, la única activación cuya forma se aprende.
#
# Cada celda se puede cambiar y volver a ejecutar: prueba otra pendiente para leaky ReLU, otro α para
# ELU, otras piezas para maxout.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

import nn
import viz
from viz.palette import CLASS_COLOURS, NEUTRAL   # TensorFlow Playground's colours: class 0 orange, class 1 blue
#es: from viz.palette import CLASS_COLOURS, NEUTRAL   # los colores de TensorFlow Playground: clase 0 naranja, clase 1 azul
from viz.quiz import is_right   # how the step-through's quiz judges an answer: within 1 % or 0.001
#es: from viz.quiz import is_right   # cómo juzga una respuesta el cuestionario del paso a paso: con un error de hasta 1 % o 0.001
from autograd import OPS, Value, gradients

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})
VALUE, GRADIENT = viz.COLOURS["forward"], viz.COLOURS["backward"]   # values blue, gradients red, as in the drawings
#es: VALUE, GRADIENT = viz.COLOURS["forward"], viz.COLOURS["backward"]   # valores en azul, gradientes en rojo, como en los dibujos
PLAYGROUND = LinearSegmentedColormap.from_list("playground", [CLASS_COLOURS[0], NEUTRAL, CLASS_COLOURS[1]])


# %% [markdown]
# ## The formulas, as the engine knows them
#
# Each operation of the engine carries its rule (forward formula and local derivative) as data.
# These are the lecture's activations:
#
# | lecture | formula |
# |---|---|
# | Sigmoid | $\sigma(x) = \frac{1}{1 + e^{-x}}$ |
# | tanh | $\tanh(x)$ |
# | ReLU | $\max(0, x)$ |
# | Leaky ReLU | $\max(0.1x, x)$ |
# | Maxout | $\max(w_1^Tx + b_1,\; w_2^Tx + b_2)$ |
# | ELU | $x$ if $x \ge 0$, $\alpha(e^x - 1)$ if $x < 0$ |
# %% [markdown es]
# ## Las fórmulas, como las conoce el motor
#
# Cada operación del motor lleva su regla (la fórmula hacia delante y la derivada local) como dato.
# Estas son las activaciones de la clase:
#
# | clase | fórmula |
# |---|---|
# | Sigmoid | $\sigma(x) = \frac{1}{1 + e^{-x}}$ |
# | tanh | $\tanh(x)$ |
# | ReLU | $\max(0, x)$ |
# | Leaky ReLU | $\max(0.1x, x)$ |
# | Maxout | $\max(w_1^Tx + b_1,\; w_2^Tx + b_2)$ |
# | ELU | $x$ si $x \ge 0$, $\alpha(e^x - 1)$ si $x < 0$ |

# %%
for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "max"):
    print(f"{name:>10}: {OPS[name].rule}")

# %% [markdown]
# ## Value and derivative, from backpropagation
#
# `derivative(g, x)` builds `g(Value(x))` and asks the engine for $\partial g / \partial x$
# (with `gradients`, which leaves `.grad` untouched). Maxout is a maximum of linear pieces; on a
# scalar input we pick two, $w_1 x + b_1$ and $w_2 x + b_2$. With $(w_1, b_1) = (1, 0)$ and
# $(w_2, b_2) = (0.1, 0)$ it *is* leaky ReLU; with $(0, 0)$ as second piece it is ReLU. In a network
# the pieces are weights, learned like any other (at the end of this notebook).
# %% [markdown es]
# ## Valor y derivada, por back propagation
#
# `derivative(g, x)` construye `g(Value(x))` y le pide al motor $\partial g / \partial x$ (con
# `gradients`, que no toca `.grad`). Maxout es un máximo de piezas lineales; con una entrada escalar
# elegimos dos, $w_1 x + b_1$ y $w_2 x + b_2$. Con $(w_1, b_1) = (1, 0)$ y $(w_2, b_2) = (0.1, 0)$
# *es* leaky ReLU; con $(0, 0)$ como segunda pieza es ReLU. En una red las piezas son pesos, que se
# aprenden como cualquier otro (al final de este notebook).

# %%
def derivative(g, x):
    """g(x) and dg/dx at the number x, both from the engine."""
    v = Value(x)
    out = g(v)
    (d,) = gradients(out, [v])
    return out.data, d


ALPHA = 1.0       # ELU's α
SLOPE = 0.1       # leaky ReLU's slope: the lecture's max(0.1x, x)
#es: SLOPE = 0.1       # la pendiente de leaky ReLU: el max(0.1x, x) de la clase
PIECES = [(1.0, 0.0), (-0.5, -1.0)]   # maxout's (w, b) pieces: try [(1, 0), (0.1, 0)]
#es: PIECES = [(1.0, 0.0), (-0.5, -1.0)]   # las piezas (w, b) de maxout: prueba [(1, 0), (0.1, 0)]


def maxout(v):
    out = None
    for w, b in PIECES:
        piece = w * v + b
        out = piece if out is None else out.max(piece)
    return out


activations = {
    "sigmoid": lambda v: v.sigmoid(),
    "tanh": lambda v: v.tanh(),
    "ReLU": lambda v: v.relu(),
    f"leaky ReLU (slope {SLOPE})": lambda v: v.leaky_relu(SLOPE),
    #es: f"leaky ReLU (pendiente {SLOPE})": lambda v: v.leaky_relu(SLOPE),
    f"ELU (α = {ALPHA})": lambda v: v.elu(ALPHA),
    "maxout": maxout,
}

xs = [-6 + 12 * i / 480 for i in range(481)]
curves = {name: [derivative(g, x) for x in xs] for name, g in activations.items()}

fig, axes = plt.subplots(2, 3, figsize=(10, 6), sharex=True)
for ax, (name, points) in zip(axes.flat, curves.items()):
    ax.plot(xs, [p[0] for p in points], label="g(x)", color=VALUE)
    ax.plot(xs, [p[1] for p in points], label="g'(x) (backprop)", color=GRADIENT, linestyle="--")
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_title(name)
    ax.set_ylim(-2.2, 3.2)
    ax.legend(loc="upper left", fontsize=9)
for ax in axes[1]:
    ax.set_xlabel("x")
for ax in axes[:, 0]:
    ax.set_ylabel("g(x) and g'(x)")
    #es: ax.set_ylabel("g(x) y g'(x)")
fig.suptitle("Activations and their derivatives, computed by the engine")
#es: fig.suptitle("Activaciones y sus derivadas, calculadas por el motor")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Check: the engine against the textbook derivatives
#
# The derivatives above came from backpropagation. Here they are compared with the closed forms
# $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$, $\text{ReLU}' = 1_{\{x > 0\}}$,
# leaky ReLU' $= 1$ or $0.1$, ELU' $= 1$ or $\alpha e^x$, over the whole grid (the grid avoids
# the kink at exactly 0).
# %% [markdown es]
# ## Comprobación: el motor contra las derivadas de los libros
#
# Las derivadas de arriba salieron de back propagation. Acá se comparan con las fórmulas cerradas
# $\sigma' = \sigma(1 - \sigma)$, $\tanh' = 1 - \tanh^2$, $\text{ReLU}' = 1_{\{x > 0\}}$,
# leaky ReLU' $= 1$ o $0.1$, ELU' $= 1$ o $\alpha e^x$, en toda la grilla (que evita el quiebre en
# exactamente 0).

# %%
def sigmoid(x):
    return 1 / (1 + math.exp(-x))


closed_forms = {
    "sigmoid": lambda x: sigmoid(x) * (1 - sigmoid(x)),
    "tanh": lambda x: 1 - math.tanh(x) ** 2,
    "ReLU": lambda x: 1.0 if x > 0 else 0.0,
    f"leaky ReLU (slope {SLOPE})": lambda x: 1.0 if x > 0 else SLOPE,
    #es: f"leaky ReLU (pendiente {SLOPE})": lambda x: 1.0 if x > 0 else SLOPE,
    f"ELU (α = {ALPHA})": lambda x: 1.0 if x > 0 else ALPHA * math.exp(x),
}
grid = [x for x in xs if abs(x) > 1e-9]
for name, exact in closed_forms.items():
    worst = max(abs(derivative(activations[name], x)[1] - exact(x)) for x in grid)
    print(f"{name:>24}: largest |backprop - closed form| = {worst:.1e}")
    #es: print(f"{name:>28}: mayor |backprop - fórmula cerrada| = {worst:.1e}")

# %% [markdown]
# ## Where each activation saturates
#
# An activation *saturates* where its derivative is close to 0: the gradient that flows back
# through it (chain rule: multiplied by $g'(a)$) almost vanishes and the weights before it stop
# learning. Below: the part of $[-6, 6]$ where $|g'(x)| < 0.01$, and the largest $|g'(x)|$.
# %% [markdown es]
# ## Dónde se satura cada activación
#
# Una activación se *satura* donde su derivada es casi 0: el gradiente que vuelve a través de ella
# (regla de la cadena: multiplicado por $g'(a)$) casi desaparece, y los pesos anteriores dejan de
# aprender. Abajo: la parte de $[-6, 6]$ donde $|g'(x)| < 0.01$, y el mayor $|g'(x)|$.

# %%
def intervals(mask):
    """Runs of consecutive grid points where mask is True, as (first x, last x) pairs."""
    runs = []
    for x, m in zip(xs, mask):
        if m and runs and runs[-1][1] == previous:
            runs[-1] = (runs[-1][0], x)
        elif m:
            runs.append((x, x))
        previous = x
    return runs


for name, points in curves.items():
    slopes = [abs(p[1]) for p in points]
    flat = intervals([s < 0.01 for s in slopes])
    where = "on " + ", ".join(f"[{a:.2f}, {b:.2f}]" for a, b in flat) if flat else "nowhere"
    #es: where = "en " + ", ".join(f"[{a:.2f}, {b:.2f}]" for a, b in flat) if flat else "en ninguna parte"
    print(f"{name:>24}: max |g'| = {max(slopes):.3f};  |g'| < 0.01 {where}")
    #es: print(f"{name:>28}: máx |g'| = {max(slopes):.3f};  |g'| < 0.01 {where}")

# %% [markdown]
# * **sigmoid** saturates on both sides ($|x| \gtrsim$ [[4.60]]) and its derivative is never more
#   than [[0.250]]: every sigmoid layer divides the gradient by at least 4.
# * **tanh** is centred at 0 with slope 1 there, but saturates too ($|x| \gtrsim$ [[3.00]]).
# * **ReLU** never saturates for $x > 0$ (slope 1) and is exactly flat for $x < 0$: a neuron whose
#   pre-activation is negative for every example gets no gradient at all ("dead ReLU").
# * **leaky ReLU** keeps a slope of $0.1$ on the left, so it never dies.
# * **ELU** is smooth; for negative inputs it saturates softly towards $-\alpha$.
# * **maxout** is piecewise linear with the slope of whichever piece wins: it never saturates.
# %% [markdown es]
# * **sigmoid** se satura a ambos lados ($|x| \gtrsim$ [[4.60]]) y su derivada nunca pasa de
#   [[0.250]]: cada capa sigmoid divide el gradiente por 4 como mínimo.
# * **tanh** está centrada en 0 con pendiente 1 ahí, pero también se satura ($|x| \gtrsim$ [[3.00]]).
# * **ReLU** nunca se satura para $x > 0$ (pendiente 1) y es exactamente plana para $x < 0$: una
#   neurona cuya preactivación es negativa para todos los ejemplos no recibe ningún gradiente
#   ("ReLU muerta").
# * **leaky ReLU** conserva una pendiente de $0.1$ a la izquierda, así que nunca muere.
# * **ELU** es suave; para entradas negativas se satura suavemente hacia $-\alpha$.
# * **maxout** es lineal a trozos, con la pendiente de la pieza que gana: nunca se satura.

# %% [markdown]
# ## Why saturation matters: gradients through depth
#
# Stack $L$ layers of one neuron each, $h_{k+1} = g(w\,h_k + b)$, and ask the engine for
# $\partial h_L / \partial h_0$. By the chain rule it is a product of $L$ factors $w\,g'(a_k)$: with
# sigmoid each factor is at most $0.25\,w$, so the gradient shrinks geometrically with depth
# (the *vanishing gradient*). Weight $w = 1$, bias $b = 0.1$, input $h_0 = 0.5$.
# %% [markdown es]
# ## Por qué importa la saturación: gradientes a través de la profundidad
#
# Apilamos $L$ capas de una neurona cada una, $h_{k+1} = g(w\,h_k + b)$, y le pedimos al motor
# $\partial h_L / \partial h_0$. Por la regla de la cadena es un producto de $L$ factores
# $w\,g'(a_k)$: con sigmoid cada factor es como mucho $0.25\,w$, así que el gradiente se achica
# geométricamente con la profundidad (el *gradiente que se desvanece*, vanishing gradient). Peso
# $w = 1$, sesgo $b = 0.1$, entrada $h_0 = 0.5$.

# %%
W, B, DEPTHS = 1.0, 0.1, range(1, 31)


def input_gradient(g, depth):
    x = Value(0.5)
    h = x
    for _ in range(depth):
        h = g(W * h + B)
    (d,) = gradients(h, [x])
    return abs(d)


fig, ax = plt.subplots(figsize=(8, 4.5))
styles = ["-", "-", "-", "--", ":"]
for (name, g), style in zip(list(activations.items())[:5], styles):
    gradient_by_depth = [input_gradient(g, d) for d in DEPTHS]
    ax.semilogy(list(DEPTHS), [max(v, 1e-30) for v in gradient_by_depth], style, marker=".", label=name)
    factor = (gradient_by_depth[-1] / gradient_by_depth[0]) ** (1 / (len(gradient_by_depth) - 1))
    print(f"{name:>24}: |∂h_30/∂h_0| = {gradient_by_depth[-1]:.1e}, a factor {factor:.3f} per layer")
    #es: print(f"{name:>28}: |∂h_30/∂h_0| = {gradient_by_depth[-1]:.1e}, un factor {factor:.3f} por capa")
ax.set_xlabel("depth L (layers)")
#es: ax.set_xlabel("profundidad L (capas)")
ax.set_ylabel("|∂h_L / ∂h_0|")
ax.set_title("The gradient reaching the input, by depth")
#es: ax.set_title("El gradiente que llega a la entrada, según la profundidad")
ax.legend()
plt.show()

# %% [markdown]
# With sigmoid the gradient at the input is multiplied by about [[0.215]] per layer: after 30
# layers it is [[1.0e-20]]. tanh does better (its slope near its fixed point is larger, a factor
# [[0.631]]) but still vanishes. ReLU, leaky ReLU and ELU see only positive pre-activations here,
# where their slope is exactly 1: their three lines coincide at $|\partial h_L / \partial h_0| = 1$
# for every depth. **Try it:** `W = 1.5` (ReLU's gradient explodes as $1.5^L$) or `B = -1` (ReLU's
# gradient drops to exactly 0, leaky ReLU's to $0.1^L$).
# %% [markdown es]
# Con sigmoid, el gradiente en la entrada se multiplica por aproximadamente [[0.215]] en cada capa:
# después de 30 capas vale [[1.0e-20]]. tanh se porta mejor (su pendiente cerca de su punto fijo es
# mayor, un factor [[0.631]]) pero igual se desvanece. ReLU, leaky ReLU y ELU solo ven
# preactivaciones positivas acá, donde su pendiente es exactamente 1: sus tres líneas coinciden en
# $|\partial h_L / \partial h_0| = 1$ para toda profundidad. **Pruébalo:** `W = 1.5` (el gradiente de
# ReLU explota como $1.5^L$) o `B = -1` (el gradiente de ReLU cae a exactamente 0, el de leaky ReLU a
# $0.1^L$).

# %% [markdown]
# ## Maxout learns its own shape
#
# The lecture's maxout, $\max(w_1^Tx + b_1, w_2^Tx + b_2)$, has no fixed shape: its pieces are
# weights. `nn.Maxout(nin, nout, k)` is a layer of `nout` maxout units with `k` pieces each. One
# unit with one input and two pieces, trained (mean squared error, Adam) to imitate three targets:
# ReLU, the lecture's leaky ReLU and the absolute value $|x|$. Each run starts from the same
# random pieces; the figure shows the target (dashed), the trained unit (solid) and its two learned
# pieces (thin dotted lines).
# %% [markdown es]
# ## Maxout aprende su propia forma
#
# El maxout de la clase, $\max(w_1^Tx + b_1, w_2^Tx + b_2)$, no tiene una forma fija: sus piezas son
# pesos. `nn.Maxout(nin, nout, k)` es una capa de `nout` unidades maxout de `k` piezas cada una. Una
# unidad con una entrada y dos piezas, entrenada (error cuadrático medio, Adam) para imitar tres
# funciones: ReLU, la leaky ReLU de la clase y el valor absoluto $|x|$. Cada entrenamiento parte de
# las mismas piezas al azar; la figura muestra la función buscada (a trazos), la unidad entrenada
# (línea continua) y sus dos piezas aprendidas (líneas finas punteadas).

# %%
inputs = [[-3 + 6 * i / 40] for i in range(41)]
targets = {"ReLU": lambda x: max(0.0, x), "leaky ReLU": lambda x: max(0.1 * x, x), "|x|": abs}
line = np.linspace(-3, 3, 61)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), sharey=True)
for ax, (name, target) in zip(axes, targets.items()):
    unit = nn.Maxout(1, 1, k=2, seed=0)
    history = nn.fit(unit, inputs, [target(x[0]) for x in inputs], loss="mse", epochs=300,
                     optimizer=nn.Adam(unit.parameters(), lr=0.05), progress=False)
    pieces = [(piece.w[0].data, piece.b.data) for piece in unit.units[0].pieces]
    ax.plot(line, [target(x) for x in line], color="black", linestyle="--", label="target")
    #es: ax.plot(line, [target(x) for x in line], color="black", linestyle="--", label="buscada")
    ax.plot(line, [unit([x]).data for x in line], color=VALUE, linewidth=2.5, alpha=0.7, label="maxout unit")
    #es: ax.plot(line, [unit([x]).data for x in line], color=VALUE, linewidth=2.5, alpha=0.7, label="unidad maxout")
    for k, (w, b) in enumerate(pieces, 1):
        ax.plot(line, w * line + b, linestyle=":", linewidth=1, color="0.4", label="pieces" if k == 1 else None)
        #es: ax.plot(line, w * line + b, linestyle=":", linewidth=1, color="0.4", label="piezas" if k == 1 else None)
    w1, b1, w2, b2 = (round(number, 2) + 0.0 for piece in pieces for number in piece)   # + 0.0: no "-0.00"
    learned = f"{w1:.2f}x {'+' if b1 >= 0 else '-'} {abs(b1):.2f}, {w2:.2f}x {'+' if b2 >= 0 else '-'} {abs(b2):.2f}"
    print(f"{name:>10}: learned max({learned}), loss {history.train_loss[-1]:.1e}")
    #es: print(f"{name:>10}: aprendió max({learned}), pérdida {history.train_loss[-1]:.1e}")
    ax.set_title(f"learns {name}")
    #es: ax.set_title(f"aprende {name}")
    ax.set_xlabel("input x")
    #es: ax.set_xlabel("entrada x")
    ax.set_ylim(-1.5, 3.2)
    ax.legend(loc="upper center", fontsize=9)
axes[0].set_ylabel("output")
#es: axes[0].set_ylabel("salida")
fig.tight_layout()
plt.show()

# %% [markdown]
# From the same start the unit became ReLU, [[max(1.00x + 0.00, 0.00x + 0.00)]] (the second piece
# learned slope and bias 0), leaky ReLU, [[max(1.00x + 0.00, 0.10x + 0.00)]], and the absolute
# value, [[max(1.00x + 0.00, -1.00x + 0.00)]]. In a network each hidden unit learns its own
# pieces over all its inputs: a maxout unit with two inputs is a "roof" of two planes, folded
# along the line where they meet. A layer of three such units is enough to enclose the
# playground's circle, and since everything is made of planes the boundary is made of straight
# segments, a polygon:
# %% [markdown es]
# Desde el mismo punto de partida, la unidad se volvió ReLU, [[max(1.00x + 0.00, 0.00x + 0.00)]]
# (la segunda pieza aprendió pendiente y sesgo 0), leaky ReLU, [[max(1.00x + 0.00, 0.10x + 0.00)]],
# y valor absoluto, [[max(1.00x + 0.00, -1.00x + 0.00)]]. En una red, cada unidad oculta aprende
# sus propias piezas sobre todas sus entradas: una unidad maxout con dos entradas es un "techo" de
# dos planos, doblado a lo largo de la recta donde se cortan. Una capa de tres de esas unidades
# alcanza para encerrar el círculo del playground y, como todo está hecho de planos, la frontera
# está hecha de segmentos rectos: un polígono.

# %%
X, y = nn.datasets.circle(n=200, seed=0)
model = nn.MLP(2, [3, 1], activation="maxout", k=2, seed=0)
history = nn.fit(model, X, y, epochs=100, optimizer=nn.Adam(model.parameters(), lr=0.05), progress=False)
print(model)
print(f"training accuracy {history.train_acc[-1]:.2f}")
#es: print(f"exactitud en entrenamiento {history.train_acc[-1]:.2f}")

gx, gy = np.meshgrid(np.linspace(-6, 6, 121), np.linspace(-6, 6, 121))
plane = np.column_stack([gx.ravel(), gy.ravel()]).tolist()
maxout_layer = model.layers[0]
units = np.array(nn.predict(maxout_layer, plane))      # each hidden unit's output at every point
logits = np.array(nn.predict(model, plane)).reshape(gx.shape)

fig, axes = plt.subplots(1, 4, figsize=(10, 2.9))
for k, ax in enumerate(axes[:3]):
    surface = units[:, k].reshape(gx.shape)
    limit = np.abs(surface).max()
    ax.contourf(gx, gy, surface, levels=20, cmap=PLAYGROUND, vmin=-limit, vmax=limit)
    ax.contour(gx, gy, surface, levels=10, colors="white", linewidths=0.4)
    ax.set_title(f"hidden unit {k + 1}", fontsize=10)
    #es: ax.set_title(f"unidad oculta {k + 1}", fontsize=10)
axes[3].contourf(gx, gy, 1 / (1 + np.exp(-np.clip(logits, -30, 30))), levels=np.linspace(0, 1, 11), cmap=PLAYGROUND, alpha=0.8)
axes[3].contour(gx, gy, logits, levels=[0], colors="black", linewidths=1)
points = np.asarray(X)
axes[3].scatter(points[:, 0], points[:, 1], c=[CLASS_COLOURS[t] for t in y], s=8, edgecolors="white", linewidths=0.3)
axes[3].set_title("the network's output", fontsize=10)
#es: axes[3].set_title("la salida de la red", fontsize=10)
for ax in axes:
    ax.set_aspect("equal")
    ax.set_xlabel("x₁")
    ax.set_xticks([-5, 0, 5])
    ax.set_yticks([-5, 0, 5])
axes[0].set_ylabel("x₂")
fig.tight_layout()
plt.show()

# %% [markdown]
# Each hidden unit's output over the plane (blue positive, orange negative, as the playground
# colours a neuron) is two planes meeting at a fold, where the white contour lines bend. The
# output layer adds the three roofs (with its own weights and bias), and where the sum crosses 0
# (the black line) is a quadrilateral around the disc.
#
# The lecture's figure of the activations is also one call in `viz.plots`, handy for slides
# (derivatives again from the engine). It draws softplus, $\log(1 + e^x)$, a smooth version of
# ReLU, in the place of maxout, whose shape is not fixed; the range is $\pm 4$ unless asked:
# %% [markdown es]
# La salida de cada unidad oculta sobre el plano (azul positivo, naranja negativo, como el playground
# colorea una neurona) son dos planos que se juntan en un doblez, donde se quiebran las curvas de
# nivel blancas. La capa de salida suma los tres techos (con sus propios pesos y sesgo), y donde la
# suma cruza el 0 (la línea negra) queda un cuadrilátero alrededor del disco.
#
# La figura de las activaciones de la clase también está en `viz.plots`, en una sola llamada, útil
# para diapositivas (las derivadas, de nuevo, las calcula el motor). Dibuja softplus,
# $\log(1 + e^x)$, una versión suave de ReLU, en el lugar de maxout, cuya forma no es fija; el rango es
# $\pm 4$ salvo que se pida otro:

# %%
import viz.plots

viz.plots.plot_activations(low=-6, high=6)

# %% [markdown]
# ## Exercises: predict first
#
# **Exercise 1.** Without running anything: what are the derivatives $\sigma'(0)$, $\tanh'(0)$,
# $\text{ReLU}'(-1)$, leaky ReLU$'(-1)$ (the lecture's, slope $0.1$) and ELU$'(-1)$ with
# $\alpha = 1$? Write them below, then run the cell after.
# %% [markdown es]
# ## Ejercicios: primero predecir
#
# **Ejercicio 1.** Sin ejecutar nada: ¿cuánto valen las derivadas $\sigma'(0)$, $\tanh'(0)$,
# $\text{ReLU}'(-1)$, leaky ReLU$'(-1)$ (la de la clase, pendiente $0.1$) y ELU$'(-1)$ con
# $\alpha = 1$? Escríbelas abajo y después ejecuta la celda siguiente.

# %%
my_answers = {"sigmoid'(0)": None, "tanh'(0)": None, "ReLU'(-1)": None, "leaky ReLU'(-1)": None, "ELU'(-1)": None}

# %% [answer]
engine = {"sigmoid'(0)": derivative(lambda v: v.sigmoid(), 0.0)[1],
          "tanh'(0)": derivative(lambda v: v.tanh(), 0.0)[1],
          "ReLU'(-1)": derivative(lambda v: v.relu(), -1.0)[1],
          "leaky ReLU'(-1)": derivative(lambda v: v.leaky_relu(0.1), -1.0)[1],
          "ELU'(-1)": derivative(lambda v: v.elu(1.0), -1.0)[1]}
for name, value in engine.items():
    answer = my_answers[name]
    verdict = "no answer yet" if answer is None else ("right" if is_right(answer, value) else "not this one")
    #es: verdict = "sin respuesta" if answer is None else ("correcto" if is_right(answer, value) else "no es esta")
    print(f"{name:>16} = {value:.4f}    your answer: {answer}  ({verdict})")
    #es: print(f"{name:>16} = {value:.4f}    tu respuesta: {answer}  ({verdict})")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# $\sigma'(0) = \sigma(0)(1 - \sigma(0)) = \frac12 \cdot \frac12 = 0.25$, the largest a sigmoid's
# slope ever is; $\tanh'(0) = 1 - \tanh^2 0 = 1$; ReLU is flat left of 0, so $0$; leaky ReLU keeps
# its slope $0.1$; ELU's is $\alpha e^{-1} \approx 0.368$.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# $\sigma'(0) = \sigma(0)(1 - \sigma(0)) = \frac12 \cdot \frac12 = 0.25$, la mayor pendiente que
# llega a tener una sigmoid; $\tanh'(0) = 1 - \tanh^2 0 = 1$; ReLU es plana a la izquierda del 0, así
# que $0$; leaky ReLU conserva su pendiente $0.1$; la de ELU es $\alpha e^{-1} \approx 0.368$.
# </details>

# %% [markdown]
# **Exercise 2: two sigmoid layers, backpropagated by you.** $h = \sigma(\sigma(x))$ at $x = 0$.
# The step-through asks for every value and every gradient before showing it; $\sigma(0.5)$ is
# about $0.6225$. At the end, compare $\partial h/\partial x$ with the $0.25$ of one layer: this is
# the vanishing gradient of the plot above, one layer at a time.
# %% [markdown es]
# **Ejercicio 2: dos capas sigmoid, con back propagation hecho por ti.** $h = \sigma(\sigma(x))$ en
# $x = 0$. El paso a paso te pide cada valor y cada gradiente antes de mostrarlo; $\sigma(0.5)$ vale
# aproximadamente $0.6225$. Al final, compara $\partial h/\partial x$ con el $0.25$ de una sola capa:
# es el gradiente que se desvanece de la figura de arriba, capa por capa.

# %%
x = Value(0.0, "x")
s1 = x.sigmoid()
s1.label = "s1"
h = s1.sigmoid()
h.label = "h"
viz.stepper(h, quiz=True, rankdir="TB")

# %% [markdown]
# **Exercise 3.** In the depth experiment, set the weight to $w = 1.5$ instead of 1. Predict
# $|\partial h_{30}/\partial h_0|$ for ReLU (a number) and say whether sigmoid's gets larger or
# smaller than with $w = 1$. Then run the next cell.
# %% [markdown es]
# **Ejercicio 3.** En el experimento de profundidad, pon el peso en $w = 1.5$ en vez de 1. Predice
# $|\partial h_{30}/\partial h_0|$ para ReLU (un número) y di si el de sigmoid se vuelve más grande o
# más chico que con $w = 1$. Después ejecuta la celda siguiente.

# %%
my_relu_gradient = None          # a number
#es: my_relu_gradient = None          # un número
my_sigmoid_change = None         # "larger" or "smaller"
#es: my_sigmoid_change = None         # "más grande" o "más chico"

# %% [answer]
W = 1.5
relu_gradient = input_gradient(lambda v: v.relu(), 30)
sigmoid_gradient = input_gradient(lambda v: v.sigmoid(), 30)
W = 1.0
print(f"ReLU:    |∂h_30/∂h_0| = {relu_gradient:.4g}   (1.5^30 = {1.5 ** 30:.4g})   your answer: {my_relu_gradient}")
#es: print(f"ReLU:    |∂h_30/∂h_0| = {relu_gradient:.4g}   (1.5^30 = {1.5 ** 30:.4g})   tu respuesta: {my_relu_gradient}")
print(f"sigmoid: |∂h_30/∂h_0| = {sigmoid_gradient:.2e} with w = 1.5, {input_gradient(lambda v: v.sigmoid(), 30):.2e} "
      f"with w = 1   your answer: {my_sigmoid_change}")
#es: print(f"sigmoid: |∂h_30/∂h_0| = {sigmoid_gradient:.2e} con w = 1.5, {input_gradient(lambda v: v.sigmoid(), 30):.2e} "
#es:       f"con w = 1   tu respuesta: {my_sigmoid_change}")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# ReLU's slope is 1 wherever its input is positive, so each layer multiplies the gradient by
# exactly $w$: $1.5^{30} \approx 1.9 \cdot 10^5$, an *exploding* gradient. Sigmoid's factor per
# layer is $w\,\sigma'(a_k)$: a larger $w$ helps a little, but $\sigma'$ is at most $0.25$, and
# $1.5 \cdot 0.25 < 1$: the gradient still vanishes, only more slowly.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# La pendiente de ReLU es 1 donde su entrada es positiva, así que cada capa multiplica el gradiente
# por exactamente $w$: $1.5^{30} \approx 1.9 \cdot 10^5$, un gradiente que *explota*. El factor de
# sigmoid por capa es $w\,\sigma'(a_k)$: un $w$ más grande ayuda un poco, pero $\sigma'$ vale como
# mucho $0.25$, y $1.5 \cdot 0.25 < 1$: el gradiente igual se desvanece, solo que más despacio.
# </details>
