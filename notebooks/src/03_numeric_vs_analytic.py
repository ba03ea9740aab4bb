# %% [markdown]
# # 3. Numeric versus analytic gradients
#
# How are gradients computed? The lecture gives two ways.
#
# **Numerically**, from the definition of the derivative:
#
# $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}
#   \quad\Longrightarrow\quad f'(x_0) \approx \frac{f(x_0 + h) - f(x_0)}{h}.$$
#
# **Analytically**: the function we want to minimise is complex, but it is nothing more than a
# composition of simple functions, so the chain rule gives the exact derivative: that is
# backpropagation.
#
# This notebook puts the two side by side: the forward difference above, the central difference
# $\frac{f(x_0 + h) - f(x_0 - h)}{2h}$, how their error depends on $h$, what each costs, how
# `gradcheck` uses them to test a network's gradients, and derivatives of higher order.
# %% [markdown es]
# # 3. Gradientes numéricos y analíticos
#
# ¿Cómo se calculan los gradientes? La clase da dos maneras.
#
# **De manera numérica**, a partir de la definición de derivada:
#
# $$f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}
#   \quad\Longrightarrow\quad f'(x_0) \approx \frac{f(x_0 + h) - f(x_0)}{h}.$$
#
# **De manera analítica**: si bien la función que queremos minimizar es compleja, no es más que la
# composición de funciones sencillas, así que la regla de la cadena da la derivada exacta: eso es
# back propagation.
#
# Este notebook pone las dos lado a lado: la diferencia hacia delante de arriba, la diferencia
# centrada $\frac{f(x_0 + h) - f(x_0 - h)}{2h}$, cómo depende su error de $h$, cuánto cuesta cada
# una, cómo las usa `gradcheck` para probar los gradientes de una red, y derivadas de orden superior.

# %%
import math

import matplotlib.pyplot as plt

import viz
from autograd import GradcheckError, Value, dot, grad, gradcheck, gradients, numeric_grad
from autograd import sum as value_sum

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
plt.rcParams.update({"figure.dpi": 90, "axes.grid": True, "grid.alpha": 0.3})


# %% [markdown]
# ## One function, three derivatives
#
# $f(x) = \sin(x)\,e^{-x^2/4} + \tanh(x)$ at $x_0 = 0.7$. Backpropagation gives $f'(x_0)$ to
# machine precision; the finite differences are approximations whose quality depends on $h$.
# %% [markdown es]
# ## Una función, tres derivadas
#
# $f(x) = \sin(x)\,e^{-x^2/4} + \tanh(x)$ en $x_0 = 0.7$. Back propagation da $f'(x_0)$ con la
# precisión de la máquina; las diferencias finitas son aproximaciones cuya calidad depende de $h$.

# %%
def f(x):
    return x.sin() * (-(x ** 2) / 4).exp() + x.tanh()


x0 = 0.7
x = Value(x0)
out = f(x)
out.backward()
analytic = x.grad
by_hand = math.cos(x0) * math.exp(-x0**2 / 4) - x0 / 2 * math.sin(x0) * math.exp(-x0**2 / 4) + 1 - math.tanh(x0) ** 2

print(f"f(x0)                          = {out.data:.15f}")
print(f"backprop      f'(x0)           = {analytic:.15f}")
print(f"by hand       f'(x0)           = {by_hand:.15f}")
#es: print(f"a mano        f'(x0)           = {by_hand:.15f}")
for h in (1e-1, 1e-3, 1e-5):
    forward = numeric_grad(f, [x0], h=h, method="forward")[0]
    central = numeric_grad(f, [x0], h=h, method="central")[0]
    print(f"h = {h:.0e}: forward {forward:.15f}   central {central:.15f}")
    #es: print(f"h = {h:.0e}: hacia delante {forward:.15f}   centrada {central:.15f}")

# %% [markdown]
# The lecture's formula, written out (it is what `numeric_grad(..., method="forward")` does):
# %% [markdown es]
# La fórmula de la clase, escrita a mano (es lo que hace `numeric_grad(..., method="forward")`):

# %%
def forward_difference(function, x, h):
    return (function(Value(x + h)).data - function(Value(x)).data) / h


def central_difference(function, x, h):
    return (function(Value(x + h)).data - function(Value(x - h)).data) / (2 * h)


print(forward_difference(f, x0, 1e-5), numeric_grad(f, [x0], h=1e-5, method="forward")[0])
print(central_difference(f, x0, 1e-5), numeric_grad(f, [x0], h=1e-5, method="central")[0])

# %% [markdown]
# ## The error as a function of h
#
# Two errors compete. **Truncation**, from Taylor's theorem,
# $f(x \pm h) = f(x) \pm h f'(x) + \frac{h^2}{2} f''(x) \pm \frac{h^3}{6} f'''(x) + \dots$:
#
# $$\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{h}{2} f''(x) + O(h^2), \qquad
#   \frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4).$$
#
# The forward difference's error is $O(h)$. In the central difference the $h^2$ terms of
# $f(x+h)$ and $f(x-h)$ are equal and cancel in the subtraction, so the quotient loses its $O(h)$
# term: its error is $O(h^2)$. **Round-off**: $f$ is computed with about 16 significant digits,
# so the numerator carries an error of about $\varepsilon |f| \approx 10^{-16}$, divided by $h$.
# Small $h$ is *not* always better: the total error is smallest near
# $h \approx \sqrt{\varepsilon} \approx 10^{-8}$ (forward) and $h \approx \varepsilon^{1/3} \approx 10^{-5}$
# (central).
# %% [markdown es]
# ## El error en función de h
#
# Compiten dos errores. El de **truncamiento**, por el teorema de Taylor,
# $f(x \pm h) = f(x) \pm h f'(x) + \frac{h^2}{2} f''(x) \pm \frac{h^3}{6} f'''(x) + \dots$:
#
# $$\frac{f(x+h) - f(x)}{h} = f'(x) + \frac{h}{2} f''(x) + O(h^2), \qquad
#   \frac{f(x+h) - f(x-h)}{2h} = f'(x) + \frac{h^2}{6} f'''(x) + O(h^4).$$
#
# El error de la diferencia hacia delante es $O(h)$. En la diferencia centrada los términos en $h^2$
# de $f(x+h)$ y $f(x-h)$ son iguales y se cancelan en la resta, así que el cociente pierde su término
# $O(h)$: su error es $O(h^2)$. El de **redondeo**: $f$ se calcula con unas 16 cifras significativas,
# así que el numerador arrastra un error de aproximadamente $\varepsilon |f| \approx 10^{-16}$,
# dividido por $h$. Un $h$ más chico *no* siempre es mejor: el error total es mínimo cerca de
# $h \approx \sqrt{\varepsilon} \approx 10^{-8}$ (hacia delante) y de
# $h \approx \varepsilon^{1/3} \approx 10^{-5}$ (centrada).

# %%
hs = [10 ** (-k / 4) for k in range(4, 57)]        # 1e-1 ... 1e-14
errors = {method: [abs(numeric_grad(f, [x0], h=h, method=method)[0] - analytic) for h in hs]
          for method in ("forward", "central")}
NAMES = {"forward": "forward difference", "central": "central difference"}
#es: NAMES = {"forward": "diferencia hacia delante", "central": "diferencia centrada"}

fig, ax = plt.subplots(figsize=(8, 4.5))
for method, marker in (("forward", "o"), ("central", "s")):
    ax.loglog(hs, [max(e, 1e-17) for e in errors[method]], marker=marker, markersize=3, label=NAMES[method])
ax.loglog(hs[:12], [0.3 * h for h in hs[:12]], "k--", linewidth=0.8, label="slope 1: O(h)")
#es: ax.loglog(hs[:12], [0.3 * h for h in hs[:12]], "k--", linewidth=0.8, label="pendiente 1: O(h)")
ax.loglog(hs[:12], [0.1 * h**2 for h in hs[:12]], "k:", linewidth=0.8, label="slope 2: O(h²)")
#es: ax.loglog(hs[:12], [0.1 * h**2 for h in hs[:12]], "k:", linewidth=0.8, label="pendiente 2: O(h²)")
ax.loglog(hs[-20:], [1e-16 / h for h in hs[-20:]], "k-.", linewidth=0.8, label="round-off: ε/h")
#es: ax.loglog(hs[-20:], [1e-16 / h for h in hs[-20:]], "k-.", linewidth=0.8, label="redondeo: ε/h")
ax.set_xlabel("h")
ax.set_ylabel("|numeric - backprop|")
#es: ax.set_ylabel("|numérica - backprop|")
ax.set_title("Finite differences against backpropagation")
#es: ax.set_title("Diferencias finitas contra back propagation")
ax.legend()
plt.show()

for method in ("forward", "central"):
    best = min(range(len(hs)), key=errors[method].__getitem__)
    digits = -math.log10(errors[method][best] / abs(analytic))
    print(f"{NAMES[method]:>18}: smallest error {errors[method][best]:.1e} at h = {hs[best]:.0e}, "
          f"about {digits:.0f} correct digits")
    #es: print(f"{NAMES[method]:>24}: menor error {errors[method][best]:.1e} en h = {hs[best]:.0e}, "
    #es:       f"unas {digits:.0f} cifras correctas")

# %% [markdown]
# The best $h$ are [[3e-09]] (forward) and [[6e-06]] (central), close to the estimates above.
# Backpropagation has no $h$: its only error is the round-off of each elementary operation, while
# the best finite difference keeps about [[8]] (forward) or [[12]] (central) correct digits.
# %% [markdown es]
# Los mejores $h$ son [[3e-09]] (hacia delante) y [[6e-06]] (centrada), cerca de las estimaciones de
# arriba. Back propagation no tiene $h$: su único error es el redondeo de cada operación elemental,
# mientras que la mejor diferencia finita conserva unas [[8]] (hacia delante) o [[12]] (centrada)
# cifras correctas.

# %% [markdown]
# ## What each costs
#
# For $n$ parameters the central difference evaluates the whole function $2n$ times (the forward
# difference $n + 1$ times). Backpropagation runs one forward pass and one backward pass, whatever
# $n$. Below: a two-layer tanh network on 8 examples, with the gradient of its loss with respect to
# all parameters, counting how many times the loss is evaluated.
# %% [markdown es]
# ## Cuánto cuesta cada una
#
# Con $n$ parámetros, la diferencia centrada evalúa la función entera $2n$ veces (la diferencia hacia
# delante, $n + 1$ veces). Back propagation hace una pasada hacia delante y una hacia atrás, sea cual
# sea $n$. Abajo: una red tanh de dos capas sobre 8 ejemplos, con el gradiente de su pérdida respecto
# de todos los parámetros, contando cuántas veces se evalúa la pérdida.

# %%
def tiny_net(params, X, y, hidden=4):
    """Mean squared error of a 2-`hidden`-1 tanh network whose weights are `params`."""
    nin = len(X[0])
    per_neuron = nin + 1
    out_start = hidden * per_neuron
    losses = []
    for xi, yi in zip(X, y):
        h = [dot(params[k * per_neuron:(k + 1) * per_neuron - 1], xi, params[(k + 1) * per_neuron - 1]).tanh()
             for k in range(hidden)]
        prediction = dot(params[out_start:out_start + hidden], h, params[out_start + hidden])
        losses.append((prediction - yi) ** 2)
    return value_sum(losses) / len(losses)


X = [[math.cos(k), math.sin(2 * k)] for k in range(8)]
y = [math.sin(a) * b for a, b in X]
theta = [0.3 * math.sin(7 * k + 1) for k in range(4 * 3 + 4 + 1)]

calls = 0


def counted_loss(*params):
    global calls
    calls += 1
    return tiny_net(list(params), X, y)


calls = 0
numeric = numeric_grad(counted_loss, theta, h=1e-5, method="central")
numeric_calls = calls

calls = 0
leaves = [Value(t) for t in theta]
analytic_all = gradients(counted_loss(*leaves), leaves)
backprop_calls = calls

print(f"{len(theta)} parameters")
#es: print(f"{len(theta)} parámetros")
print(f"central differences: {numeric_calls} evaluations of the loss")
#es: print(f"diferencias centradas: {numeric_calls} evaluaciones de la pérdida")
print(f"backpropagation:     {backprop_calls} evaluation + 1 backward pass")
#es: print(f"back propagation:      {backprop_calls} evaluación + 1 pasada hacia atrás")
print(f"largest difference between the two gradients: {max(abs(a - b) for a, b in zip(analytic_all, numeric)):.1e}")
#es: print(f"mayor diferencia entre los dos gradientes: {max(abs(a - b) for a, b in zip(analytic_all, numeric)):.1e}")

# %% [markdown]
# A network with a million weights would need two million evaluations per step with finite
# differences: that is why networks are trained with backpropagation, and why finite differences
# are kept for **checking** backpropagation.
# %% [markdown es]
# Una red con un millón de pesos necesitaría dos millones de evaluaciones por paso con diferencias
# finitas: por eso las redes se entrenan con back propagation, y las diferencias finitas se guardan
# para **verificar** back propagation.

# %% [markdown]
# ## gradcheck: testing gradients on a small network
#
# `gradcheck(f, inputs)` compares backpropagation's gradient with central differences and passes
# when $|\text{analytic} - \text{numeric}| \le \text{atol} + \text{rtol}\,|\text{numeric}|$ for
# every input. It is how one tests a new operation or a hand-written layer.
# %% [markdown es]
# ## gradcheck: probar los gradientes de una red pequeña
#
# `gradcheck(f, inputs)` compara el gradiente de back propagation con diferencias centradas y pasa
# cuando $|\text{analítico} - \text{numérico}| \le \text{atol} + \text{rtol}\,|\text{numérico}|$ para
# cada entrada. Es la manera de probar una operación nueva o una capa escrita a mano.

# %%
print("gradcheck on the network's loss:", gradcheck(counted_loss, theta))
#es: print("gradcheck sobre la pérdida de la red:", gradcheck(counted_loss, theta))

# %% [markdown]
# It also catches mistakes. Here a "layer" whose author wrote the derivative of $x^3$ by hand and
# got it wrong: the forward value is right, but the gradient it sends back is $2x^2$ instead of
# $3x^2$: one factor was taken as a constant (`x.data`, a plain number) instead of a `Value`,
# so backpropagation cannot see it. A classic.
# %% [markdown es]
# También atrapa errores. Acá, una "capa" cuyo autor escribió a mano la derivada de $x^3$ y se
# equivocó: el valor hacia delante es correcto, pero el gradiente que devuelve es $2x^2$ en vez de
# $3x^2$: uno de los factores se tomó como constante (`x.data`, un número común) en vez de un
# `Value`, así que back propagation no lo ve. Un clásico.

# %%
def buggy_cube(x):
    return x * x * x.data          # x.data is a constant: d/dx gives 2x·x, not 3x²
    #es: return x * x * x.data          # x.data es una constante: d/dx da 2x·x, no 3x²


def network_with_buggy_layer(*params):
    return buggy_cube(tiny_net(list(params), X, y))


try:
    gradcheck(network_with_buggy_layer, theta)
except GradcheckError as error:
    message = str(error)           # (it also lists the 17 inputs, left out here)
    #es: message = str(error)           # (también lista las 17 entradas, que acá se omiten)
    print("GradcheckError:", message[:message.index(" at inputs")] + message[message.index(": analytic"):])

# %% [markdown]
# Finite differences have a blind spot of their own: **kinks**. The lecture says everything is
# "derivable, or at least piecewise derivable". At a kink the two methods disagree by design: ReLU
# at exactly 0 has derivative 0 by convention (the engine's choice, as PyTorch's), while the
# central difference averages both sides and gives $0.5$.
# %% [markdown es]
# Las diferencias finitas tienen su propio punto ciego: los **quiebres**. La clase dice que todo es
# "derivable (o al menos, derivable a trozos)". En un quiebre los dos métodos no coinciden, por
# construcción: ReLU en exactamente 0 tiene derivada 0 por convención (la elección del motor, como la
# de PyTorch), mientras que la diferencia centrada promedia los dos lados y da $0.5$.

# %%
print("backprop at the kink:", grad(lambda v: v.relu())(0.0))
#es: print("backprop en el quiebre:", grad(lambda v: v.relu())(0.0))
print("central difference:  ", numeric_grad(lambda v: v.relu(), [0.0])[0])
#es: print("diferencia centrada:   ", numeric_grad(lambda v: v.relu(), [0.0])[0])
print("gradcheck passes?    ", gradcheck(lambda v: v.relu(), [0.0], raise_exception=False))
#es: print("¿pasa gradcheck?      ", gradcheck(lambda v: v.relu(), [0.0], raise_exception=False))
print("a bit away from it:  ", gradcheck(lambda v: v.relu(), [0.1], raise_exception=False))
#es: print("un poco más allá:      ", gradcheck(lambda v: v.relu(), [0.1], raise_exception=False))

# %% [markdown]
# ## Higher-order derivatives
#
# The engine's derivative rules are written with the same operations as the forward pass, so a
# gradient can itself be a graph (`create_graph=True`) and be differentiated again. `grad(f)` is
# the derivative of `f` as a function; `grad(grad(f))` the second derivative, and so on.
# %% [markdown es]
# ## Derivadas de orden superior
#
# Las reglas de derivación del motor están escritas con las mismas operaciones que la pasada hacia
# delante, así que un gradiente puede ser a su vez un grafo (`create_graph=True`) y derivarse otra
# vez. `grad(f)` es la derivada de `f` como función; `grad(grad(f))` la derivada segunda, y así.

# %%
def tanh(v):
    return v.tanh()


derivatives = [tanh]
for _ in range(3):
    derivatives.append(grad(derivatives[-1]))

xs = [-3 + 6 * i / 300 for i in range(301)]
fig, ax = plt.subplots(figsize=(8, 4.5))
for order, d in enumerate(derivatives):
    values = [d(Value(x)).data for x in xs]
    ax.plot(xs, values, label=["tanh", "tanh'", "tanh''", "tanh'''"][order])
ax.set_xlabel("x")
ax.set_ylabel("value")
#es: ax.set_ylabel("valor")
ax.set_title("tanh and three derivatives, by composing grad")
#es: ax.set_title("tanh y tres derivadas, componiendo grad")
ax.legend()
plt.show()

x1 = 0.5
t = math.tanh(x1)
print(f"tanh''(0.5):  engine {grad(grad(tanh))(x1): .12f}   closed form -2 tanh (1 - tanh²) = {-2 * t * (1 - t * t): .12f}")
#es: print(f"tanh''(0.5):  motor {grad(grad(tanh))(x1): .12f}   fórmula cerrada -2 tanh (1 - tanh²) = {-2 * t * (1 - t * t): .12f}")

# %% [markdown]
# Second derivatives are checked the same way: `gradcheck(..., second_order=True)` compares every
# $\partial^2 f / \partial x_i \partial x_j$ with central differences of the gradient.
# %% [markdown es]
# Las derivadas segundas se verifican igual: `gradcheck(..., second_order=True)` compara cada
# $\partial^2 f / \partial x_i \partial x_j$ con diferencias centradas del gradiente.

# %%
def g(a, b):
    return (a * b).sin() + a.exp() * b ** 2


print("first and second order:", gradcheck(g, [0.3, -1.2], second_order=True))
#es: print("primer y segundo orden:", gradcheck(g, [0.3, -1.2], second_order=True))

# %% [markdown]
# A use of the second derivative: **Newton's method** minimises $f$ with steps
# $x \leftarrow x - f'(x) / f''(x)$, using curvature where gradient descent (next notebook) uses a
# fixed learning rate. On $f(x) = x^4 - 3x^2 + x$ from $x = 2$:
# %% [markdown es]
# Un uso de la derivada segunda: el **método de Newton** minimiza $f$ con pasos
# $x \leftarrow x - f'(x) / f''(x)$, usando la curvatura donde el descenso por gradiente (próximo
# notebook) usa un learning rate fijo. Sobre $f(x) = x^4 - 3x^2 + x$ desde $x = 2$:

# %%
def quartic(v):
    return v ** 4 - 3 * v ** 2 + v


d1, d2 = grad(quartic), grad(grad(quartic))
xk = 2.0
for k in range(6):
    print(f"step {k}: x = {xk:.12f}   f'(x) = {d1(xk): .3e}")
    #es: print(f"paso {k}: x = {xk:.12f}   f'(x) = {d1(xk): .3e}")
    xk = xk - d1(xk) / d2(xk)

# %% [markdown]
# Near the minimum the number of correct digits roughly doubles every step: $f'$ goes from
# [[1.275e-01]] to [[2.356e-03]] to [[8.611e-07]].
#
# ## Exercises: predict first
#
# **Exercise 1.** With $h = 10^{-2}$ the forward difference's error for our $f$ at $x_0 = 0.7$ is
# some number $E$. If $h$ is divided by 10, by what factor does the forward difference's error
# shrink? And the central difference's? Write the two factors, then run the cell after.
# %% [markdown es]
# Cerca del mínimo, la cantidad de cifras correctas más o menos se duplica en cada paso: $f'$ pasa de
# [[1.275e-01]] a [[2.356e-03]] y a [[8.611e-07]].
#
# ## Ejercicios: primero predecir
#
# **Ejercicio 1.** Con $h = 10^{-2}$ el error de la diferencia hacia delante para nuestra $f$ en
# $x_0 = 0.7$ es un número $E$. Si $h$ se divide por 10, ¿por qué factor se achica el error de la
# diferencia hacia delante? ¿Y el de la centrada? Escribe los dos factores y después ejecuta la celda
# siguiente.

# %%
my_forward_factor = None
my_central_factor = None

# %% [answer]
for method, answer in (("forward", my_forward_factor), ("central", my_central_factor)):
    before, after = (abs(numeric_grad(f, [x0], h=h, method=method)[0] - analytic) for h in (1e-2, 1e-3))
    verdict = "no answer yet" if answer is None else ("right" if abs(answer - before / after) <= 0.1 * before / after else "not quite")
    #es: verdict = "sin respuesta" if answer is None else ("correcto" if abs(answer - before / after) <= 0.1 * before / after else "no exactamente")
    print(f"{NAMES[method]:>18}: error {before:.2e} -> {after:.2e}, {before / after:.1f} times smaller   "
          f"your answer: {answer} ({verdict})")
    #es: print(f"{NAMES[method]:>24}: error {before:.2e} -> {after:.2e}, {before / after:.1f} veces menor   "
    #es:       f"tu respuesta: {answer} ({verdict})")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# The forward difference's error is about $\frac{h}{2} f''(x_0)$: ten times smaller $h$, ten times
# smaller error. The central difference's is about $\frac{h^2}{6} f'''(x_0)$: a hundred times
# smaller. (With $h$ much smaller than this, round-off takes over and the factors break down.)
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# El error de la diferencia hacia delante es aproximadamente $\frac{h}{2} f''(x_0)$: un $h$ diez
# veces menor da un error diez veces menor. El de la centrada es aproximadamente
# $\frac{h^2}{6} f'''(x_0)$: cien veces menor. (Con $h$ mucho más chicos, el redondeo toma el control
# y los factores dejan de valer.)
# </details>

# %% [markdown]
# **Exercise 2.** `tiny_net` with `hidden=8` instead of 4: how many parameters does it have
# (two inputs, one output, a bias per neuron)? How many evaluations of the loss does one gradient
# by central differences need, and how many by backpropagation? Write the three numbers, then
# run the cell after: it counts.
# %% [markdown es]
# **Ejercicio 2.** `tiny_net` con `hidden=8` en vez de 4: ¿cuántos parámetros tiene (dos entradas,
# una salida, un sesgo por neurona)? ¿Cuántas evaluaciones de la pérdida necesita un gradiente por
# diferencias centradas, y cuántas por back propagation? Escribe los tres números y ejecuta la celda
# siguiente: ella cuenta.

# %%
my_parameters = None
my_central_evaluations = None
my_backprop_evaluations = None

# %% [answer]
def wider_loss(*params):
    global calls
    calls += 1
    return tiny_net(list(params), X, y, hidden=8)


wider = [0.3 * math.sin(7 * k + 1) for k in range(8 * 3 + 8 + 1)]
calls = 0
numeric_grad(wider_loss, wider, h=1e-5, method="central")
central_calls, calls = calls, 0
leaves = [Value(t) for t in wider]
gradients(wider_loss(*leaves), leaves)
for name, value, answer in (("parameters", len(wider), my_parameters),
                            ("central differences", central_calls, my_central_evaluations),
                            ("backpropagation", calls, my_backprop_evaluations)):
    #es: for name, value, answer in (("parámetros", len(wider), my_parameters),
    #es:                             ("diferencias centradas", central_calls, my_central_evaluations),
    #es:                             ("back propagation", calls, my_backprop_evaluations)):
    verdict = "no answer yet" if answer is None else ("right" if answer == value else "not this one")
    #es: verdict = "sin respuesta" if answer is None else ("correcto" if answer == value else "no es esta")
    print(f"{name:>20}: {value}   your answer: {answer} ({verdict})")
    #es: print(f"{name:>22}: {value}   tu respuesta: {answer} ({verdict})")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# Each of the 8 hidden neurons has 2 weights and a bias (24), the output neuron 8 weights and a
# bias (9): 33 parameters. The central difference evaluates the loss twice per parameter, 66
# times; backpropagation once, plus one backward pass that costs about as much as the forward one.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# Cada una de las 8 neuronas ocultas tiene 2 pesos y un sesgo (24), la neurona de salida 8 pesos y
# un sesgo (9): 33 parámetros. La diferencia centrada evalúa la pérdida dos veces por parámetro, 66
# veces; back propagation una vez, más una pasada hacia atrás que cuesta más o menos lo mismo que la
# pasada hacia delante.
# </details>
