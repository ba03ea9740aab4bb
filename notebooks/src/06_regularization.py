# %% [markdown]
# # 6. Underfitting, overfitting and regularisation
#
# A network that fits its training data perfectly is not the goal: it must do well on data it has
# not seen. This notebook measures that with examples kept out of training, and follows the
# lecture: the error curves of an underfit, an overfit and a correct model, then each remedy (early
# stopping, L1 and L2, dropout, batch normalisation, more data), each one trained on **the same
# task** with the same seed, so their effects can be compared.
#
# Three sets of examples, as in practice:
#
# * the **training set** (100 examples): the only one the weights are fitted to;
# * the **validation set** (200): watched during training, used to *choose* (when to stop, how
#   strong a penalty, which model);
# * the **test set** (200): used once, at the end, to report how well the chosen model does. A
#   number chosen by looking at a set is optimistic on that set, so only the test set gives an
#   honest estimate.
#
# The task: XOR (class 1 where $x_1 x_2 > 0$) with **10 % of the labels flipped**, on all three sets:
# label noise that no model can predict. A large network can learn the flipped training labels by
# heart; the question is what that does on new data.
# %% [markdown es]
# # 6. Underfitting, overfitting y regularización
#
# Una red que ajusta perfectamente sus datos de entrenamiento no es el objetivo: tiene que andar bien
# con datos que no vio. Este notebook lo mide con ejemplos que se dejan fuera del entrenamiento, y
# sigue la clase: las curvas de error de un modelo con underfit, uno con overfit y uno correcto, y
# después cada remedio (early stopping, L1 y L2, dropout, batch normalization, más datos), cada uno
# entrenado sobre **la misma tarea** con la misma semilla, para poder comparar sus efectos.
#
# Tres conjuntos de ejemplos, como en la práctica:
#
# * el **conjunto de entrenamiento** (100 ejemplos): el único al que se ajustan los pesos;
# * el **conjunto de validación** (200): se mira durante el entrenamiento y sirve para *elegir*
#   (cuándo parar, qué tan fuerte penalizar, qué modelo usar);
# * el **conjunto de test** (200): se usa una sola vez, al final, para informar qué tan bien anda el
#   modelo elegido. Un número elegido mirando un conjunto es optimista sobre ese conjunto, así que solo
#   el conjunto de test da una estimación honesta.
#
# La tarea: XOR (clase 1 donde $x_1 x_2 > 0$) con **el 10 % de las etiquetas invertidas**, en los tres
# conjuntos: ruido en las etiquetas que ningún modelo puede predecir. Una red grande puede aprenderse
# de memoria las etiquetas invertidas del entrenamiento; la pregunta es qué provoca eso en datos nuevos.

# %%
import random

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LinearSegmentedColormap

import nn
import viz
from viz.palette import CLASS_COLOURS, NEUTRAL, TRAIN, VALIDATION   # TensorFlow Playground's colours: class 0 orange, class 1 blue
#es: from viz.palette import CLASS_COLOURS, NEUTRAL, TRAIN, VALIDATION   # los colores de TensorFlow Playground: clase 0 naranja, clase 1 azul
import viz.plots
from autograd import Value

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
plt.rcParams.update({"figure.dpi": 90})
PLAYGROUND = LinearSegmentedColormap.from_list("playground", [CLASS_COLOURS[0], NEUTRAL, CLASS_COLOURS[1]])


def noisy_xor(n, seed):
    """n XOR points and their labels, each label flipped with probability 0.1; also which were flipped."""
    X, y = nn.datasets.xor(n=n, seed=seed)
    rng = random.Random(seed + 100)
    flipped = [rng.random() < 0.1 for _ in y]
    return X, [1 - label if flip else label for label, flip in zip(y, flipped)], flipped


X, y, flipped = noisy_xor(100, seed=1)           # training set
#es: X, y, flipped = noisy_xor(100, seed=1)           # conjunto de entrenamiento
X_val, y_val, flipped_val = noisy_xor(200, seed=2)      # validation set: watched, never trained on
#es: X_val, y_val, flipped_val = noisy_xor(200, seed=2)      # validación: se mira, nunca se entrena con él
X_test, y_test, flipped_test = noisy_xor(200, seed=3)   # test set: only for the final report
#es: X_test, y_test, flipped_test = noisy_xor(200, seed=3)   # test: solo para el informe final
print(f"flipped labels: {sum(flipped)} of {len(y)} training examples, {sum(flipped_val)} of {len(y_val)} "
      f"validation examples, {sum(flipped_test)} of {len(y_test)} test examples")
#es: print(f"etiquetas invertidas: {sum(flipped)} de {len(y)} ejemplos de entrenamiento, {sum(flipped_val)} de "
#es:       f"{len(y_val)} de validación, {sum(flipped_test)} de {len(y_test)} de test")


def scatter(ax, X, y, marked=None, size=16):
    X, y = np.asarray(X), np.asarray(y)
    for label in (0, 1):
        ax.scatter(X[y == label, 0], X[y == label, 1], color=CLASS_COLOURS[label], s=size, edgecolors="white",
                   linewidths=0.8, label=f"class {label}")
        #es: ax.scatter(X[y == label, 0], X[y == label, 1], color=CLASS_COLOURS[label], s=size, edgecolors="white",
        #es:            linewidths=0.8, label=f"clase {label}")
    if marked is not None:
        ring = np.asarray(marked)
        ax.scatter(X[ring, 0], X[ring, 1], s=size * 5, facecolors="none", edgecolors="black", linewidths=1,
                   label="flipped label")
        #es: ax.scatter(X[ring, 0], X[ring, 1], s=size * 5, facecolors="none", edgecolors="black", linewidths=1,
        #es:            label="etiqueta invertida")
    ax.set_aspect("equal")
    ax.set_xlim(-6, 6)
    ax.set_ylim(-6, 6)
    ax.set_xlabel("x₁")
    ax.set_ylabel("x₂")


fig, axes = plt.subplots(1, 2, figsize=(9, 4.4))
scatter(axes[0], X, y, marked=flipped)
scatter(axes[1], X_val, y_val)
axes[0].set_title("training set (100), flipped labels circled", fontsize=10)
#es: axes[0].set_title("entrenamiento (100), etiquetas invertidas en círculos", fontsize=10)
axes[1].set_title("validation set (200)", fontsize=10)
#es: axes[1].set_title("validación (200)", fontsize=10)
for ax in axes:
    ax.legend(loc="upper left", fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# Every run trains a tanh network (seed 0) on the whole training set at once with Adam,
# $\alpha = 0.02$, for 200 epochs, unless said otherwise.
# %% [markdown es]
# Cada corrida entrena una red tanh (semilla 0) con todo el conjunto de entrenamiento a la vez, con
# Adam, $\alpha = 0.02$, durante 200 épocas, salvo que se diga otra cosa.

# %%
EPOCHS, LR = 200, 0.02


def run(sizes=(16, 16, 1), data=None, model_options=None, epochs=EPOCHS, **fit_options):
    """Train a tanh MLP (seed 0) on `data` (the training set by default), validating on X_val;
    return (model, history)."""
    model = nn.MLP(2, list(sizes), activation="tanh", seed=0, **(model_options or {}))
    history = nn.fit(model, *(data or (X, y)), epochs=epochs, validation_data=(X_val, y_val),
                     optimizer=nn.Adam(model.parameters(), lr=LR), progress=False, **fit_options)
    return model, history


def plot_curves(ax, history, title):
    epochs = range(1, len(history) + 1)
    ax.plot(epochs, history.train_loss, label="training", color=TRAIN)
    #es: ax.plot(epochs, history.train_loss, label="entrenamiento", color=TRAIN)
    ax.plot(epochs, history.val_loss, label="validation", color=VALIDATION)
    #es: ax.plot(epochs, history.val_loss, label="validación", color=VALIDATION)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("epoch")
    #es: ax.set_xlabel("época")
    ax.set_ylabel("loss (BCE)")
    #es: ax.set_ylabel("pérdida (BCE)")
    ax.set_ylim(0, 1.2)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper right", fontsize=8)


def plot_boundary(ax, model, title, points=None, marked=None, steps=60):
    """The model's predicted probability of class 1 over the plane, with `points` (the training set by default)."""
    #es: """La probabilidad de la clase 1 que predice el modelo en el plano, con `points` (por defecto, el entrenamiento)."""
    gx, gy = np.meshgrid(np.linspace(-6, 6, steps), np.linspace(-6, 6, steps))
    logits = np.array(nn.predict(model, np.column_stack([gx.ravel(), gy.ravel()]).tolist())).reshape(gx.shape)
    probability = 1 / (1 + np.exp(-np.clip(logits, -30, 30)))
    ax.contourf(gx, gy, probability, levels=np.linspace(0, 1, 11), cmap=PLAYGROUND, alpha=0.5)
    ax.contour(gx, gy, probability, levels=[0.5], colors="black", linewidths=1)
    scatter(ax, *(points or (X, y)), marked=marked, size=10)
    ax.set_title(title, fontsize=10)

# %% [markdown]
# ## Underfit, overfit, correct
#
# Three sizes of network. The lecture reads the error curves this way:
#
# | curves | diagnosis | what to do |
# |---|---|---|
# | training and validation error both high | **underfit** | decrease regularisation, enlarge the model |
# | training error falls, validation error rises | **overfit** | increase regularisation, shrink the model, add more data |
# | both low and close | **correct** | |
# %% [markdown es]
# ## Underfit, overfit, correcto
#
# Tres tamaños de red. La clase lee las curvas de error así:
#
# | curvas | diagnóstico | qué hacer |
# |---|---|---|
# | error de entrenamiento y de validación altos | **underfit** | disminuir regularización, aumentar el modelo |
# | el error de entrenamiento baja, el de validación sube | **overfit** | aumentar regularización, achicar el modelo, agregar más datos |
# | los dos bajos y cercanos | **correcto** | |

# %%
SIZES = {"1 hidden neuron": (1, 1), "8 hidden neurons": (8, 1), "two layers of 16": (16, 16, 1)}
#es: SIZES = {"1 neurona oculta": (1, 1), "8 neuronas ocultas": (8, 1), "dos capas de 16": (16, 16, 1)}
fits = {name: run(sizes) for name, sizes in SIZES.items()}

fig, axes = plt.subplots(2, 3, figsize=(10, 7))
for column, (name, (model, history)) in enumerate(fits.items()):
    plot_curves(axes[0, column], history, name)
    plot_boundary(axes[1, column], model, f"{name}\ntraining accuracy {history.train_acc[-1]:.2f}", marked=flipped)
    #es: plot_boundary(axes[1, column], model, f"{name}\nexactitud en entrenamiento {history.train_acc[-1]:.2f}", marked=flipped)
    best = min(range(len(history)), key=history.val_loss.__getitem__)
    print(f"{name:>18}: training loss {history.train_loss[-1]:.3f}, validation loss {history.val_loss[-1]:.3f} "
          f"(lowest {history.val_loss[best]:.3f} at epoch {best + 1}), validation accuracy {history.val_acc[-1]:.2f}")
    #es: print(f"{name:>18}: pérdida de entrenamiento {history.train_loss[-1]:.3f}, de validación {history.val_loss[-1]:.3f} "
    #es:       f"(mínima {history.val_loss[best]:.3f} en la época {best + 1}), exactitud en validación {history.val_acc[-1]:.2f}")
for ax in axes[1]:
    ax.legend(loc="upper left", fontsize=7, framealpha=0.8)
fig.tight_layout()
plt.show()

# %% [markdown]
# * **1 hidden neuron** cannot represent XOR at all: its boundary is one straight line, and
#   training and validation losses stay high together (validation accuracy [[0.66]]). Underfit.
# * **two layers of 16** drive the training loss down to [[0.147]]: the boundary grows tentacles to
#   reach most of the circled points, the training examples whose label was flipped. The validation
#   loss is lowest at epoch [[31]] ([[0.313]]) and then rises, to [[0.671]], and the validation
#   accuracy ends at [[0.79]]. Overfit.
# * **8 hidden neurons** are in between: a smoother boundary that ignores most flipped points,
#   training and validation losses close together, and the best validation accuracy, [[0.86]]. For
#   this task that is about correct.
# %% [markdown es]
# * **1 neurona oculta** no puede representar el XOR: su frontera es una sola recta, y las pérdidas de
#   entrenamiento y de validación quedan altas las dos (exactitud en validación [[0.66]]). Underfit.
# * **dos capas de 16** llevan la pérdida de entrenamiento hasta [[0.147]]: a la frontera le crecen
#   tentáculos para alcanzar la mayoría de los puntos marcados con un círculo, los ejemplos de
#   entrenamiento con la etiqueta invertida. La pérdida de validación es mínima en la época [[31]]
#   ([[0.313]]) y después sube, hasta [[0.671]], y la exactitud en validación termina en [[0.79]].
#   Overfit.
# * **8 neuronas ocultas** están en el medio: una frontera más suave que ignora la mayoría de los
#   puntos invertidos, pérdidas de entrenamiento y de validación cercanas, y la mejor exactitud en
#   validación, [[0.86]]. Para esta tarea eso es más o menos lo correcto.

# %% [markdown]
# ## Why the validation loss rises
#
# Two things happen as the large network goes on training, and the validation loss counts both.
# Below, the same run again, with the validation loss split in two at every epoch: the part that
# comes from the validation points the network classifies **wrong**, and the part from those it
# classifies right (the two add up to the validation loss).
# %% [markdown es]
# ## Por qué sube la pérdida de validación
#
# Mientras la red grande sigue entrenando pasan dos cosas, y la pérdida de validación cuenta las dos.
# Abajo, la misma corrida otra vez, con la pérdida de validación separada en dos en cada época: la
# parte que viene de los puntos de validación que la red clasifica **mal**, y la parte de los que
# clasifica bien (las dos suman la pérdida de validación).

# %%
model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
labels = np.asarray(y_val)
record = []


def split_validation_loss(history):
    """After each epoch: the validation loss from wrong and from right predictions, and how sure the wrong ones are."""
    #es: """Después de cada época: la pérdida de validación de las predicciones erradas y de las acertadas, y qué tan seguras están las erradas."""
    p = 1 / (1 + np.exp(-np.clip(nn.predict_grid(model, X_val)[:, 0], -30, 30)))   # nn.predict, as one numpy array
    #es: p = 1 / (1 + np.exp(-np.clip(nn.predict_grid(model, X_val)[:, 0], -30, 30)))   # nn.predict, como un solo array de numpy
    losses = -np.log(np.where(labels == 1, p, 1 - p))
    wrong = (p > 0.5) != (labels == 1)
    record.append((losses[wrong].sum() / len(labels), losses[~wrong].sum() / len(labels), wrong.mean(),
                   np.where(labels == 1, 1 - p, p)[wrong].mean(), losses[wrong].mean()))


nn.fit(model, X, y, epochs=EPOCHS, validation_data=(X_val, y_val), optimizer=nn.Adam(model.parameters(), lr=LR),
       progress=False, callbacks=[split_validation_loss])
from_wrong, from_right, error_rate, sureness, cost = (np.array(column) for column in zip(*record))

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
epochs = range(1, len(record) + 1)
left.plot(epochs, from_wrong + from_right, color=VALIDATION, label="validation loss")
#es: left.plot(epochs, from_wrong + from_right, color=VALIDATION, label="pérdida de validación")
left.plot(epochs, from_wrong, color="black", linestyle="--", label="from the points it gets wrong")
#es: left.plot(epochs, from_wrong, color="black", linestyle="--", label="de los puntos que clasifica mal")
left.plot(epochs, from_right, color="0.5", linestyle=":", label="from the points it gets right")
#es: left.plot(epochs, from_right, color="0.5", linestyle=":", label="de los puntos que clasifica bien")
left.set_xlabel("epoch")
#es: left.set_xlabel("época")
left.set_ylabel("loss (BCE)")
#es: left.set_ylabel("pérdida (BCE)")
left.set_title("two layers of 16: the validation loss, split", fontsize=10)
#es: left.set_title("dos capas de 16: la pérdida de validación, separada", fontsize=10)
left.legend(fontsize=8)
right.plot(epochs, error_rate, color=VALIDATION, label="share of validation points wrong")
#es: right.plot(epochs, error_rate, color=VALIDATION, label="fracción de puntos de validación errados")
right.plot(epochs, sureness, color="black", linestyle="--", label="confidence of a wrong answer (mean)")
#es: right.plot(epochs, sureness, color="black", linestyle="--", label="confianza de una respuesta errada (media)")
right.set_xlabel("epoch")
#es: right.set_xlabel("época")
right.set_ylabel("fraction")
#es: right.set_ylabel("fracción")
right.set_ylim(0, 1)
right.set_title("how often wrong, and how sure when wrong", fontsize=10)
#es: right.set_title("cuántas veces se equivoca, y con qué seguridad", fontsize=10)
right.legend(fontsize=8)
fig.tight_layout()
plt.show()

lowest = int(np.argmin(from_wrong + from_right)) + 1
for epoch in (lowest, EPOCHS):
    k = epoch - 1
    print(f"epoch {epoch:3}: {error_rate[k]:.0%} of the validation points wrong, each with confidence "
          f"{sureness[k]:.2f} on average and costing {cost[k]:.2f}; validation loss {from_wrong[k] + from_right[k]:.3f}")
    #es: print(f"época {epoch:3}: {error_rate[k]:.0%} de los puntos de validación errados, cada uno con confianza "
    #es:       f"{sureness[k]:.2f} en promedio y un costo de {cost[k]:.2f}; pérdida de validación {from_wrong[k] + from_right[k]:.3f}")

# %% [markdown]
# Between the epoch of the lowest validation loss and the end:
#
# 1. **The boundary bends around the flipped training points.** The tentacles that reach them also
#    cover validation points of the other class: the share of validation points classified wrong
#    grows from [[8%]] to [[22%]].
# 2. **The network becomes overconfident.** Its wrong answers were given with confidence [[0.76]]
#    on average at epoch [[31]], and with [[0.85]] at the end. Cross-entropy charges $-\log(1 - c)$
#    for a mistake made with confidence $c$, so each mistake now costs [[2.82]] on average instead of
#    [[1.63]]. The flipped validation labels, which no model can get right, are paid at that price
#    too.
#
# The loss from the points it gets right keeps falling (they are predicted ever more surely), but
# far less than the loss from the mistakes grows: that is why the validation loss rises, to
# [[0.671]], much more than the accuracy falls. The loss measures how wrong, not only whether.
# %% [markdown es]
# Entre la época de la menor pérdida de validación y el final:
#
# 1. **La frontera se dobla alrededor de los puntos de entrenamiento invertidos.** Los tentáculos que
#    los alcanzan también cubren puntos de validación de la otra clase: la fracción de puntos de
#    validación mal clasificados crece de [[8%]] a [[22%]].
# 2. **La red se vuelve demasiado segura.** Sus respuestas equivocadas se daban con confianza [[0.76]]
#    en promedio en la época [[31]], y con [[0.85]] al final. La entropía cruzada cobra $-\log(1 - c)$
#    por un error cometido con confianza $c$, así que cada error ahora cuesta [[2.82]] en promedio en
#    vez de [[1.63]]. Las etiquetas de validación invertidas, que ningún modelo puede acertar, también
#    se pagan a ese precio.
#
# La pérdida de los puntos que clasifica bien sigue bajando (se predicen cada vez con más seguridad),
# pero mucho menos de lo que crece la de los errores: por eso la pérdida de validación sube, hasta
# [[0.671]], mucho más de lo que baja la exactitud. La pérdida mide qué tan equivocado, no solo si se
# equivoca.

# %% [markdown]
# ## Early stopping
#
# Stop training when it stops improving: watch the validation loss, and when it has not improved
# for `patience` epochs, stop and go back to the weights of the best epoch. The best epoch is
# *chosen* on the validation set, so its validation loss is optimistic: the restored model is
# judged on the test set.
# %% [markdown es]
# ## Early stopping
#
# Detener el entrenamiento cuando para de mejorar: mirar la pérdida de validación y, cuando no mejoró
# durante `patience` épocas, parar y volver a los pesos de la mejor época. La mejor época se *elige*
# con el conjunto de validación, así que su pérdida de validación es optimista: el modelo restaurado
# se juzga con el conjunto de test.

# %%
baseline_model, baseline = fits["two layers of 16"]          # the overfit network, trained to the end
#es: baseline_model, baseline = fits["dos capas de 16"]          # la red con overfit, entrenada hasta el final
early_model, early = run(patience=30)
print(f"stopped early: {early.stopped_early}, after {len(early)} epochs; best epoch {early.best_epoch}; "
      f"weights restored: {early.restored_best}")
#es: print(f"se detuvo antes: {early.stopped_early}, después de {len(early)} épocas; mejor época {early.best_epoch}; "
#es:       f"pesos restaurados: {early.restored_best}")
for name, data in (("training", (X, y)), ("validation", (X_val, y_val)), ("test", (X_test, y_test))):
    #es: for name, data in (("entrenamiento", (X, y)), ("validación", (X_val, y_val)), ("test", (X_test, y_test))):
    loss, accuracy = nn.evaluate(early_model, *data)
    print(f"restored model, {name:>10}: loss {loss:.3f}, accuracy {accuracy:.2f}")
    #es: print(f"modelo restaurado, {name:>13}: pérdida {loss:.3f}, exactitud {accuracy:.2f}")
print(f"trained to the end,   test: loss {nn.evaluate(baseline_model, X_test, y_test)[0]:.3f}")
#es: print(f"entrenada hasta el final, test: pérdida {nn.evaluate(baseline_model, X_test, y_test)[0]:.3f}")

viz.plots.plot_history(early, title="Early stopping (patience 30)")
#es: viz.plots.plot_history(early, title="Early stopping (patience 30)")

# %% [markdown]
# Training stopped after [[61]] epochs, thirty after the best one, [[31]], and the model went back to
# that epoch's weights. The numbers printed are the restored model's, not those of the last epoch
# trained: on the test set, which played no part in the choice, its loss is [[0.325]], against
# [[0.730]] for the network trained to the end. Its validation loss, [[0.313]], is the lowest of the
# whole curve by construction: it is the number the epoch was chosen for.
# %% [markdown es]
# El entrenamiento se detuvo después de [[61]] épocas, treinta después de la mejor, la [[31]], y el
# modelo volvió a los pesos de esa época. Los números impresos son los del modelo restaurado, no los
# de la última época entrenada: en el conjunto de test, que no intervino en la elección, su pérdida es
# [[0.325]], contra [[0.730]] de la red entrenada hasta el final. Su pérdida de validación, [[0.313]],
# es la más baja de toda la curva por construcción: es el número con el que se eligió la época.

# %% [markdown]
# ## L1 and L2 regularisation
#
# A simple idea: change the loss to penalise large weights,
#
# $$L(W) = \sum_{i=1}^n L_i(W) + \lambda R(W),$$
#
# where $R$ is usually the L1 norm $\sum |w|$ or the squared L2 norm $\sum w^2$ of the weights
# (`nn.l1_penalty`, `nn.l2_penalty`; `nn.fit(..., l1=λ)` or `l2=λ` adds them). Written out for one
# minibatch:
# %% [markdown es]
# ## Regularización L1 y L2
#
# Idea sencilla: modificar la función de pérdida para penalizar pesos grandes,
#
# $$L(W) = \sum_{i=1}^n L_i(W) + \lambda R(W),$$
#
# donde $R$ usualmente es la norma L1, $\sum |w|$, o el cuadrado de la norma L2, $\sum w^2$, de los
# pesos (`nn.l1_penalty`, `nn.l2_penalty`; `nn.fit(..., l1=λ)` o `l2=λ` las agrega). Escrita a mano
# para un minibatch:

# %%
model = nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)
lam = 0.01
outputs = model(X[:20])
data_loss = nn.bce_with_logits(outputs, y[:20])                 # Σ Lᵢ(W) (as a mean)
#es: data_loss = nn.bce_with_logits(outputs, y[:20])                 # Σ Lᵢ(W) (como promedio)
weights = model.parameters()
R_by_hand = sum(w * w for w in weights)                         # R(W) = Σ w²
objective = data_loss + lam * nn.l2_penalty(weights)            # L(W) = Σ Lᵢ(W) + λ R(W)
print(f"data loss {data_loss.data:.4f}   R(W) by hand {R_by_hand.data:.4f}   nn.l2_penalty {nn.l2_penalty(weights).data:.4f}")
#es: print(f"pérdida de los datos {data_loss.data:.4f}   R(W) a mano {R_by_hand.data:.4f}   nn.l2_penalty {nn.l2_penalty(weights).data:.4f}")
print(f"objective {objective.data:.4f}")
#es: print(f"objetivo {objective.data:.4f}")

# %% [markdown]
# The penalty's gradient pulls every weight towards 0: $\lambda\,\mathrm{sign}(w)$ for L1 (the same
# pull whatever the size, so small weights reach exactly 0 or hover near it) and $2\lambda w$ for L2
# (proportional, so weights shrink but rarely vanish). Small weights keep the tanh units in their
# gentle middle part, which makes a smooth boundary and moderate confidence.
# %% [markdown es]
# El gradiente de la penalización tira de cada peso hacia 0: $\lambda\,\mathrm{sign}(w)$ para L1 (el
# mismo tirón sea cual sea el tamaño, así que los pesos chicos llegan a exactamente 0 o se quedan
# cerca) y $2\lambda w$ para L2 (proporcional, así que los pesos se achican pero rara vez desaparecen).
# Los pesos chicos mantienen las unidades tanh en su parte central, suave, lo que da una frontera suave
# y una confianza moderada.

# %%
l1_model, l1_run = run(l1=0.01)
l2_model, l2_run = run(l2=0.01)

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6))
plot_curves(axes[0], l1_run, "L1, λ = 0.01")
plot_curves(axes[1], l2_run, "L2, λ = 0.01")
bins = np.linspace(0, 3, 31)
for model, label in [(baseline_model, "no penalty"), (l1_model, "L1"), (l2_model, "L2")]:
    #es: for model, label in [(baseline_model, "sin penalización"), (l1_model, "L1"), (l2_model, "L2")]:
    magnitudes = [abs(p.data) for p in model.parameters()]
    axes[2].hist(magnitudes, bins=bins, histtype="step", linewidth=1.5, label=label)
    small = sum(m < 0.05 for m in magnitudes)
    print(f"{label:>10}: Σ|w| = {sum(magnitudes):6.1f}   Σw² = {sum(m * m for m in magnitudes):6.1f}   "
          f"|w| < 0.05: {small} of {len(magnitudes)}")
    #es: print(f"{label:>16}: Σ|w| = {sum(magnitudes):6.1f}   Σw² = {sum(m * m for m in magnitudes):6.1f}   "
    #es:       f"|w| < 0.05: {small} de {len(magnitudes)}")
axes[2].set_title("|weight| after training", fontsize=10)
#es: axes[2].set_title("|peso| después de entrenar", fontsize=10)
axes[2].set_xlabel("|w|")
axes[2].set_ylabel("number of weights (log scale)")
#es: axes[2].set_ylabel("cantidad de pesos (escala log)")
axes[2].set_yscale("log")
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# With either penalty the validation loss no longer climbs as before. (It even stays below the
# training loss, which is the data loss alone, without the penalty: by chance 15 % of the training
# labels are flipped, more than the 10 % the process flips on average, and a model that ignores
# the flips pays for each of them.) L1 sets most weights to
# (almost) zero: [[313]] of the [[337]] are below $0.05$, against [[15]] without a penalty; L2
# shrinks them all, its $\sum w^2$ falling from [[460.4]] to [[13.4]].
# %% [markdown es]
# Con cualquiera de las dos penalizaciones, la pérdida de validación ya no sube como antes. (Hasta
# queda por debajo de la pérdida de entrenamiento, que es solo la de los datos, sin la penalización:
# por azar, el 15 % de las etiquetas de entrenamiento están invertidas, más que el 10 % que invierte
# el proceso en promedio, y un modelo que ignora las inversiones paga por cada una.) L1 deja
# la mayoría de los pesos en (casi) cero: [[313]] de los [[337]] quedan por debajo de $0.05$, contra
# [[15]] sin penalización; L2 los achica a todos, y su $\sum w^2$ baja de [[460.4]] a [[13.4]].

# %% [markdown]
# ## Dropout
#
# In training, each hidden unit is switched off at random with probability $p$, a different
# choice at every step: the network trained is a thinned one, as in the lecture's figure, (a) the
# standard network and (b) after applying dropout. No unit can rely on a few others being there;
# at evaluation time every unit is on. Here is (b) drawn with a real mask of `nn.Dropout(0.5)`:
# %% [markdown es]
# ## Drop out
#
# Durante el entrenamiento, cada unidad oculta se apaga al azar con probabilidad $p$, con una elección
# distinta en cada paso: la red que se entrena es una red adelgazada, como en la figura de la clase,
# (a) la red estándar y (b) después de aplicar dropout. Ninguna unidad puede contar con que unas pocas
# otras estén ahí; al evaluar, todas las unidades están encendidas. Acá está (b) dibujada con una
# máscara real de `nn.Dropout(0.5)`:

# %%
LAYERS = [2, 5, 5, 1]
drop = nn.Dropout(0.5, seed=3)
masks = [[1.0] * LAYERS[0]] + [drop.draw_masks(1, width)[0] for width in LAYERS[1:-1]] + [[1.0]]


def draw_network(ax, kept, title):
    position = {(layer, k): (layer, (width - 1) / 2 - k) for layer, width in enumerate(LAYERS) for k in range(width)}
    for layer in range(len(LAYERS) - 1):
        for a in range(LAYERS[layer]):
            for b in range(LAYERS[layer + 1]):
                on = kept[layer][a] and kept[layer + 1][b]
                (x0, y0), (x1, y1) = position[layer, a], position[layer + 1, b]
                ax.plot([x0, x1], [y0, y1], color="0.35" if on else "0.9", linewidth=1 if on else 0.6, zorder=1)
    for (layer, k), (x, y0) in position.items():
        on = kept[layer][k]
        ax.scatter([x], [y0], s=420, color="white" if on else "0.92", edgecolors="black" if on else "0.7", zorder=2)
        if not on:
            ax.plot([x - 0.12, x + 0.12], [y0 - 0.3, y0 + 0.3], color="black", linewidth=1.5, zorder=3)
            ax.plot([x - 0.12, x + 0.12], [y0 + 0.3, y0 - 0.3], color="black", linewidth=1.5, zorder=3)
    ax.set_xlim(-0.4, len(LAYERS) - 0.6)
    ax.set_ylim(-2.8, 2.8)
    ax.set_xticks(range(len(LAYERS)))
    ax.set_xticklabels(["input", "hidden 1", "hidden 2", "output"])
    #es: ax.set_xticklabels(["entrada", "oculta 1", "oculta 2", "salida"])
    ax.set_yticks([])
    ax.set_title(title)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
draw_network(axes[0], [[1.0] * width for width in LAYERS], "(a) Standard Neural Net")
#es: draw_network(axes[0], [[1.0] * width for width in LAYERS], "(a) Red neuronal estándar")
draw_network(axes[1], masks, "(b) After applying dropout")
#es: draw_network(axes[1], masks, "(b) Después de aplicar dropout")
fig.tight_layout()
plt.show()
print("masks of the hidden layers:", masks[1:-1])
#es: print("máscaras de las capas ocultas:", masks[1:-1])

# %% [markdown]
# `nn.Dropout` is *inverted* dropout: the kept units are scaled by $1/(1 - p)$ in training (the $2.0$
# in the masks above, for $p = 0.5$), so that each unit's expected output is unchanged and evaluation
# needs no rescaling:
# %% [markdown es]
# `nn.Dropout` es dropout *invertido*: las unidades que quedan se multiplican por $1/(1 - p)$ durante
# el entrenamiento (el $2.0$ de las máscaras de arriba, para $p = 0.5$), así la salida esperada de cada
# unidad no cambia y al evaluar no hace falta reescalar:

# %%
drop = nn.Dropout(0.5, seed=0)
h = [Value(1.0) for _ in range(8)]
print("training:  ", [round(v.data, 1) for v in drop(h)])
#es: print("entrenamiento:", [round(v.data, 1) for v in drop(h)])
print("training:  ", [round(v.data, 1) for v in drop(h)])
#es: print("entrenamiento:", [round(v.data, 1) for v in drop(h)])
drop.eval()
print("evaluation:", [round(v.data, 1) for v in drop(h)])
#es: print("evaluación:   ", [round(v.data, 1) for v in drop(h)])

# %%
dropout_model, dropout_run = run(model_options={"dropout": 0.3})
fig, ax = plt.subplots(figsize=(7, 3.8))
plot_curves(ax, dropout_run, "Dropout p = 0.3 after each hidden layer")
#es: plot_curves(ax, dropout_run, "Dropout p = 0.3 después de cada capa oculta")
plt.show()

# %% [markdown]
# The training loss is now noisy and higher (the network is trained thinned, a different one every
# epoch) and the validation loss no longer climbs. **Try it:** $p = 0.5$.
#
# ## Batch normalisation
#
# Normalise: remove the mean and divide by the standard deviation of each unit's pre-activation
# over the minibatch,
#
# $$\hat a = \frac{a - \mu_{\text{batch}}}{\sqrt{\sigma^2_{\text{batch}} + \epsilon}}, \qquad
#   \text{output} = \gamma \hat a + \beta,$$
#
# with a learnable scale $\gamma$ and shift $\beta$. The mean and deviation have to be estimated
# dynamically: in training from each minibatch, while running averages are kept for evaluation. And
# it must be done right before the activation function, which is where
# `nn.Layer(..., batch_norm=True)` puts it:
# %% [markdown es]
# La pérdida de entrenamiento ahora tiene ruido y es más alta (la red se entrena adelgazada, una
# distinta en cada época) y la pérdida de validación ya no sube. **Pruébalo:** $p = 0.5$.
#
# ## Batch Normalization
#
# Normalizar: quitar la media y dividir entre la desviación estándar de la preactivación de cada
# unidad sobre el minibatch,
#
# $$\hat a = \frac{a - \mu_{\text{batch}}}{\sqrt{\sigma^2_{\text{batch}} + \epsilon}}, \qquad
#   \text{salida} = \gamma \hat a + \beta,$$
#
# con una escala $\gamma$ y un desplazamiento $\beta$ que se aprenden. Hay que estimar la media y la
# desviación dinámicamente: durante el entrenamiento, a partir de cada minibatch, mientras se guardan
# promedios móviles para evaluar. Y se debe realizar justo antes de la función de activación, que es
# donde la pone `nn.Layer(..., batch_norm=True)`:

# %%
layer = nn.Layer(2, 3, activation="tanh", batch_norm=True, seed=0)   # linear neurons, norm, then tanh
#es: layer = nn.Layer(2, 3, activation="tanh", batch_norm=True, seed=0)   # neuronas lineales, normalización, después tanh
batch = X[:20]
pre = [[neuron(x) for neuron in layer.neurons] for x in batch]   # a = wᵀx + b (the neurons are linear)
#es: pre = [[neuron(x) for neuron in layer.neurons] for x in batch]   # a = wᵀx + b (las neuronas son lineales)
normalised = layer.norm.forward_batch(pre)                       # (a - μ) / √(σ² + ε), then γ·â + β
#es: normalised = layer.norm.forward_batch(pre)                       # (a - μ) / √(σ² + ε), después γ·â + β
for unit in range(3):
    a = np.array([row[unit].data for row in pre])
    n = np.array([row[unit].data for row in normalised])
    print(f"unit {unit}: pre-activation mean {a.mean():7.3f} std {a.std():6.3f}   ->   "
          f"normalised mean {n.mean():6.3f} std {n.std():6.3f}")
    #es: print(f"unidad {unit}: preactivación media {a.mean():7.3f} desvío {a.std():6.3f}   ->   "
    #es:       f"normalizada media {n.mean():6.3f} desvío {n.std():6.3f}")
print("running mean after one minibatch:", [round(m, 3) for m in layer.norm.running_mean])
#es: print("media móvil después de un minibatch:", [round(m, 3) for m in layer.norm.running_mean])

# %% [markdown]
# Batch normalisation is trained with minibatches of 20 (for 100 epochs, the same 500 steps): it
# normalises over each minibatch, and with the whole training set as one batch there is nothing
# random in it. **Try it:** `batch_size=None`.
# %% [markdown es]
# Batch normalization se entrena con minibatches de 20 (durante 100 épocas, los mismos 500 pasos):
# normaliza sobre cada minibatch, y con todo el conjunto de entrenamiento como un solo batch no hay
# nada al azar en ella. **Pruébalo:** `batch_size=None`.

# %%
bn_model, bn_run = run(model_options={"batch_norm": True}, batch_size=20, epochs=100)
fig, ax = plt.subplots(figsize=(7, 3.8))
plot_curves(ax, bn_run, "Batch normalisation before each hidden activation")
#es: plot_curves(ax, bn_run, "Batch normalization antes de cada activación oculta")
plt.show()

# %% [markdown]
# Normalising with minibatch statistics makes each example's output depend a little on the other
# examples of its minibatch: that noise also regularises. (Its main purpose, in deep networks, is
# faster and steadier training: every layer receives inputs on the same scale.)
#
# ## More data
#
# The remedy that needs no trick: three times as many training examples of the same task, with
# the same share of flipped labels.
# %% [markdown es]
# Normalizar con las estadísticas del minibatch hace que la salida de cada ejemplo dependa un poco de
# los otros ejemplos de su minibatch: ese ruido también regulariza. (Su propósito principal, en redes
# profundas, es un entrenamiento más rápido y estable: cada capa recibe entradas en la misma escala.)
#
# ## Más datos
#
# El remedio que no necesita trucos: tres veces más ejemplos de entrenamiento de la misma tarea, con la
# misma proporción de etiquetas invertidas.

# %%
X_more, y_more, flipped_more = noisy_xor(300, seed=4)
more_model, more_run = run(data=(X_more, y_more))
print(f"{sum(flipped_more)} flipped labels among {len(y_more)} training examples")
#es: print(f"{sum(flipped_more)} etiquetas invertidas entre {len(y_more)} ejemplos de entrenamiento")
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
plot_curves(axes[0], more_run, "Two layers of 16, 300 training examples")
#es: plot_curves(axes[0], more_run, "Dos capas de 16, 300 ejemplos de entrenamiento")
plot_boundary(axes[1], more_model, "its boundary, with its training set", points=(X_more, y_more), marked=flipped_more)
#es: plot_boundary(axes[1], more_model, "su frontera, con su conjunto de entrenamiento", points=(X_more, y_more), marked=flipped_more)
axes[1].legend(loc="upper left", fontsize=7)
fig.tight_layout()
plt.show()

# %% [markdown]
# With [[36]] flipped points among 300 the network still bends around some of them, but each one is
# outnumbered by correctly labelled neighbours, and its validation loss rises less.
#
# ## Each remedy, measured on the test set
#
# Every model as it ended training (for early stopping: the restored best weights), evaluated with
# `nn.evaluate` on each set. The test set was used by nothing before this cell.
# %% [markdown es]
# Con [[36]] puntos invertidos entre 300, la red todavía se dobla alrededor de algunos, pero cada uno
# queda en minoría frente a sus vecinos bien etiquetados, y su pérdida de validación sube menos.
#
# ## Cada remedio, medido en el conjunto de test
#
# Cada modelo tal como terminó su entrenamiento (para early stopping: los mejores pesos, restaurados),
# evaluado con `nn.evaluate` en cada conjunto. Nada usó el conjunto de test antes de esta celda.

# %%
runs = {
    "no remedy": baseline_model,
    "early stopping": early_model,
    "L1 (λ = 0.01)": l1_model,
    "L2 (λ = 0.01)": l2_model,
    "dropout (p = 0.3)": dropout_model,
    "batch norm": bn_model,
    "3× more data": more_model,
}
#es: runs = {
#es:     "sin remedio": baseline_model,
#es:     "early stopping": early_model,
#es:     "L1 (λ = 0.01)": l1_model,
#es:     "L2 (λ = 0.01)": l2_model,
#es:     "dropout (p = 0.3)": dropout_model,
#es:     "batch norm": bn_model,
#es:     "3× más datos": more_model,
#es: }
print(f"{'':>18}  {'train loss':>10}  {'val loss':>8}  {'test loss':>9}  {'test acc':>8}   (train: its own training set)")
#es: print(f"{'':>18}  {'pérd. entr.':>11}  {'pérd. val.':>10}  {'pérd. test':>10}  {'exact. test':>11}   (entr.: su propio conjunto)")
test_losses = {}
for name, model in runs.items():
    train_loss, _ = nn.evaluate(model, *((X_more, y_more) if model is more_model else (X, y)))
    val_loss, _ = nn.evaluate(model, X_val, y_val)
    test_losses[name], test_acc = nn.evaluate(model, X_test, y_test)
    print(f"{name:>18}  {train_loss:10.3f}  {val_loss:8.3f}  {test_losses[name]:9.3f}  {test_acc:8.2f}")
    #es: print(f"{name:>18}  {train_loss:11.3f}  {val_loss:10.3f}  {test_losses[name]:10.3f}  {test_acc:11.2f}")

fig, axes = plt.subplots(2, 4, figsize=(9.6, 5.6))
for ax, (name, model) in zip(axes.flat, runs.items()):
    plot_boundary(ax, model, name, points=(X_test, y_test), steps=40)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.xaxis.label.set_fontsize(8)
    ax.yaxis.label.set_fontsize(8)
axes[0, 0].legend(loc="upper left", fontsize=6, framealpha=0.8)
bars = axes.flat[-1]
bars.barh(list(test_losses)[::-1], list(test_losses.values())[::-1], color=VALIDATION)
bars.set_title("test loss (lower is better)", fontsize=10)
#es: bars.set_title("pérdida de test (menor es mejor)", fontsize=10)
bars.set_xlabel("loss (BCE)")
#es: bars.set_xlabel("pérdida (BCE)")
bars.tick_params(axis="y", labelsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# The boundaries are drawn with the test points. Every remedy lowers the test loss of the overfit
# network, from [[0.730]]. The strengths used here ($\lambda$, $p$, `patience`) were not tuned on the
# test set; that tuning is done on the validation set, by comparing validation curves as above, and
# the test set is looked at once, at the end.
# %% [markdown es]
# Las fronteras se dibujan con los puntos de test. Todos los remedios bajan la pérdida de test de la
# red con overfit, desde [[0.730]]. Las intensidades usadas ($\lambda$, $p$, `patience`) no se ajustaron
# con el conjunto de test; ese ajuste se hace con el de validación, comparando curvas de validación
# como arriba, y el de test se mira una sola vez, al final.

# %% [markdown]
# ## Exercises: predict first
#
# **Exercise 1: what L2 does to one weight.** A single weight $w$ fitted to one example,
# $L = (wx - t)^2 + \lambda w^2$ with $x = 2$, $t = 1$, $w = 1.5$ and $\lambda = 0.1$. The step-through
# asks for every value and gradient; the gradient reaching $w$ is the data's pull plus the
# penalty's pull $2\lambda w$.
# %% [markdown es]
# ## Ejercicios: primero predecir
#
# **Ejercicio 1: qué le hace L2 a un peso.** Un solo peso $w$ ajustado a un ejemplo,
# $L = (wx - t)^2 + \lambda w^2$ con $x = 2$, $t = 1$, $w = 1.5$ y $\lambda = 0.1$. El paso a paso te pide
# cada valor y cada gradiente; el gradiente que llega a $w$ es el tirón de los datos más el tirón de
# la penalización, $2\lambda w$.

# %%
w, x, t, lam = Value(1.5, "w"), Value(2.0, "x"), Value(1.0, "t"), Value(0.1, "λ")
wx = w * x
wx.label = "w·x"
error = wx - t
error.label = "e"
fit_term = error ** 2
fit_term.label = "e²"
w_squared = w ** 2
w_squared.label = "w²"
penalty = lam * w_squared
penalty.label = "λw²"
L = fit_term + penalty
L.label = "L"
viz.stepper(L, quiz=True, rankdir="TB")

# %% [markdown]
# **Exercise 2: too much L2.** The large network with $\lambda = 0.01$ did well. With ten times
# more, $\lambda = 0.1$, will its validation loss be (a) lower still, (b) about the same or (c)
# higher, and will its boundary look like the overfit network's, the correct one's or the underfit
# one's? Write your answers, then run the cell after.
# %% [markdown es]
# **Ejercicio 2: demasiado L2.** La red grande con $\lambda = 0.01$ anduvo bien. Con diez veces más,
# $\lambda = 0.1$, ¿su pérdida de validación será (a) todavía más baja, (b) más o menos igual o (c) más
# alta, y su frontera se parecerá a la de la red con overfit, a la correcta o a la que tiene underfit?
# Escribe tus respuestas y ejecuta la celda siguiente.

# %%
my_letter = None          # "a", "b" or "c"
#es: my_letter = None          # "a", "b" o "c"
my_boundary = None        # "overfit", "correct" or "underfit"
#es: my_boundary = None        # "overfit", "correcta" o "underfit"

# %% [answer]
strong_model, strong_run = run(l2=0.1)
fig, axes = plt.subplots(1, 2, figsize=(10, 4))
plot_curves(axes[0], strong_run, "L2, λ = 0.1")
plot_boundary(axes[1], strong_model, "L2, λ = 0.1", marked=flipped)
axes[1].legend(loc="upper left", fontsize=7)
fig.tight_layout()
plt.show()
print(f"validation loss {strong_run.val_loss[-1]:.3f} (λ = 0.01: {l2_run.val_loss[-1]:.3f}), "
      f"training loss {strong_run.train_loss[-1]:.3f}   your answers: {my_letter}, {my_boundary}")
#es: print(f"pérdida de validación {strong_run.val_loss[-1]:.3f} (λ = 0.01: {l2_run.val_loss[-1]:.3f}), "
#es:       f"de entrenamiento {strong_run.train_loss[-1]:.3f}   tus respuestas: {my_letter}, {my_boundary}")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# With $\lambda = 0.1$ the penalty outweighs the data: the weights are held so small that the
# network can no longer bend its boundary into XOR's cross, and both the training and the
# validation loss stay high, close together: the lecture's underfit, and its remedy, "decrease
# regularisation". The right $\lambda$ is found by trying several and comparing validation losses.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# Con $\lambda = 0.1$ la penalización pesa más que los datos: los pesos quedan tan chicos que la red ya
# no puede doblar su frontera en la cruz del XOR, y las pérdidas de entrenamiento y de validación
# quedan altas, cerca una de la otra: el underfit de la clase, con su remedio, "disminuir
# regularización". El $\lambda$ correcto se encuentra probando varios y comparando las pérdidas de
# validación.
# </details>
