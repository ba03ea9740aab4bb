# %% [markdown]
# # 7. The playground: the lecture's TensorFlow Playground exercises, with every gradient in reach
#
# The lecture sends us to [TensorFlow Playground](https://playground.tensorflow.org/) to build
# intuition: pick a dataset, choose the input features, stack layers, change the activation, the
# learning rate, the regularisation, and watch the decision boundary and the loss while the
# network trains. `viz.Playground` is that playground inside the notebook, built from valuegraph's
# own pieces (`nn.datasets`, `nn.MLP`, `nn.fit`, the optimizers), plus what the web page cannot
# show: each neuron's mean gradient, dead ReLUs, the optimizer's state, and the computational graph
# of any neuron or of the loss, one click away. The notebook ends with a summary of the whole
# lecture, section by section, with the notebook that covers each one.
#
# **Run this notebook live** to get the widget in the next cell: press ▶ play, change the dataset
# or the activation, press reset. Every other cell drives the same object from code, so each
# exercise is reproducible: the same settings and seed give the same curves.
# %% [markdown es]
# # 7. El playground: los ejercicios de TensorFlow Playground de la clase, con cada gradiente a mano
#
# La clase nos manda a [TensorFlow Playground](https://playground.tensorflow.org/) para ganar
# intuición: elegir un dataset, las características de entrada, apilar capas, cambiar la activación,
# el learning rate, la regularización, y mirar la frontera de decisión y la pérdida mientras la red se
# entrena. `viz.Playground` es ese playground dentro del notebook, hecho con las piezas de valuegraph
# (`nn.datasets`, `nn.MLP`, `nn.fit`, los optimizadores), más lo que la página web no puede mostrar:
# el gradiente medio de cada neurona, las ReLU muertas, el estado del optimizador y el grafo
# computacional de cualquier neurona o de la pérdida, a un clic. El notebook termina con un resumen de
# toda la clase, sección por sección, con el notebook que trata cada una.
#
# **Ejecuta este notebook** para tener el widget en la celda siguiente: pulsa ▶ entrenar, cambia el
# dataset o la activación, pulsa reiniciar. Todas las demás celdas manejan el mismo objeto desde el código, así que
# cada ejercicio es reproducible: los mismos ajustes y la misma semilla dan las mismas curvas.

# %%
from IPython.display import HTML, SVG, Image, display

import viz
import viz.plots
from autograd import topological_order
from viz import Playground

viz.set_language("en")      # captions and widgets in English ("es": in Spanish)
#es: viz.set_language("es")      # leyendas y widgets en español ("en": en inglés)
pg = Playground()   # TensorFlow Playground's defaults: circle, x1 and x2, hidden layers [4, 2], tanh, lr 0.03
#es: pg = Playground()   # los valores por defecto de TensorFlow Playground: circle, x1 y x2, capas ocultas [4, 2], tanh, lr 0.03
pg                  # live: the widget (a static copy of the notebook shows only its text)
#es: pg                  # en vivo: el widget (una copia estática del notebook muestra solo su texto)

# %% [markdown]
# Its controls are TensorFlow Playground's: the problem (classification, or regression with its
# plane and multi-gaussian datasets), the dataset, noise and share of training points, *show test
# data*, the input features, + and − for layers and neurons, the activation, the learning rate,
# the regularisation, and a box with the **settings text**, the whole experiment in one line, as
# TensorFlow Playground keeps it in its address. `Playground.from_settings(text)` makes the same
# experiment from code, and its `hide` setting leaves controls out of the widget, so an exercise
# shows only what the student should change. The lecture's exercises below are such lines, a
# teacher's hand-out; `Playground.from_settings(EXERCISES[1])` in a live notebook opens the first
# one with only its controls.
# %% [markdown es]
# Sus controles son los de TensorFlow Playground: el problema (clasificación, o regresión con sus
# datasets plane y multi-gaussian), el dataset, el ruido y la proporción de puntos de
# entrenamiento, *mostrar datos de prueba*, las características de entrada, + y − para capas y neuronas, la
# activación, el learning rate, la regularización, y una caja con el **texto de ajustes**, todo el
# experimento en una línea, como lo guarda TensorFlow Playground en su dirección.
# `Playground.from_settings(texto)` arma el mismo experimento desde el código, y su ajuste `hide`
# saca controles del widget, para que un ejercicio muestre solo lo que el estudiante debe cambiar. Los
# ejercicios de la clase, abajo, son líneas así, una hoja de ejercicios del docente;
# `Playground.from_settings(EXERCISES[1])` en un notebook en ejecución abre el primero solo con sus
# controles.

# %%
FIXED = "problem,dataset,n,noise,train_ratio,seed,init,loss,batch_norm,batch_size,discretize"   # not to be changed in 1 and 2
#es: FIXED = "problem,dataset,n,noise,train_ratio,seed,init,loss,batch_norm,batch_size,discretize"   # fijos en 1 y 2
EXERCISES = {
    1: f"dataset=circle&hidden=&lr=0.1&features=x1,x2&hide={FIXED},activation,optimizer,momentum,l1,l2,dropout,patience",
    2: f"dataset=xor&hidden=&lr=0.1&features=x1,x2&hide={FIXED},optimizer,momentum,l1,l2,dropout,patience",
    3: f"dataset=xor&noise=0.3&train_ratio=0.2&n=200&hidden=8,8&optimizer=adam&lr=0.03&seed=1&show_test=true"
       f"&hide=problem,dataset,n,noise,train_ratio,seed,features,hidden,activation,init,loss,optimizer,lr,momentum",
}
for number, text in EXERCISES.items():
    exercise = Playground.from_settings(text)
    controls = [name for name in exercise.settings if name not in exercise.settings["hide"] + ("hide",)]
    print(f"exercise {number}: the widget shows {', '.join(controls)}")
    #es: print(f"ejercicio {number}: el widget muestra {', '.join(controls)}")

# %% [markdown]
# What the picture shows (drawn below without the controls, as it stands after 40 epochs):
#
# * **left, the network**: the features on the left, the output on the right. Every square is one
#   neuron's output over the whole input plane, in TensorFlow Playground's colours (orange
#   negative, blue positive); every connection is coloured by its weight's sign and as thick as its
#   size. The purple number under a neuron is its mean $|\partial L / \partial w|$ over its weights
#   and bias, on the whole training set, and the purple bar shows it on a logarithmic scale that
#   spans six powers of ten ("6 decades"), so that $10^{-6}$ and $10^{-1}$ both fit; a red cross
#   marks a dead ReLU.
# * **right, the decision boundary**: the output over the plane with the training points (and the
#   test points, with a black rim, when *show test data* is on); under it the train and test loss
#   per epoch.
# * **bottom, the optimizer's state**: the steps taken, the learning rate, and the size of what
#   the optimizer remembers between steps, as a root mean square (**RMS**, $\sqrt{\text{mean of the
#   squares}}$) over all the weights: the lecture's momentum $z$ ("momentum z"), or Adam's running
#   averages of the gradient and of the squared gradient ("1st moment m", "2nd moment v": $m$ and
#   $v$ in notebook 4; PyTorch calls them `momentum_buffer`, `exp_avg` and `exp_avg_sq`). Plain SGD
#   remembers nothing, so here there is nothing more to show.
# %% [markdown es]
# Lo que muestra la imagen (dibujada abajo sin los controles, como está después de 40 épocas):
#
# * **a la izquierda, la red**: las características a la izquierda, la salida a la derecha. Cada
#   cuadrado es la salida de una neurona en todo el plano de entrada, con los colores de TensorFlow
#   Playground (naranja negativo, azul positivo); cada conexión se colorea según el signo de su peso y
#   es tan gruesa como su tamaño. El número morado bajo una neurona es su
#   $|\partial L / \partial w|$ medio sobre sus pesos y su sesgo, en todo el conjunto de
#   entrenamiento, y la barra morada lo muestra en una escala logarítmica que abarca seis potencias de
#   diez ("6 décadas"), para que entren tanto $10^{-6}$ como $10^{-1}$; una cruz roja marca una ReLU
#   muerta.
# * **a la derecha, la frontera de decisión**: la salida sobre el plano con los puntos de
#   entrenamiento (y los de test, con borde negro, cuando *mostrar datos de prueba* está activo); debajo, la
#   pérdida de entrenamiento y de test ("prueba" en la imagen) por época.
# * **abajo, el estado del optimizador**: los pasos dados, el learning rate y el tamaño de lo que el
#   optimizador recuerda entre pasos, como una raíz de la media de los cuadrados (**RMS**,
#   $\sqrt{\text{media de los cuadrados}}$) sobre todos los pesos: la $z$ del momentum de la clase
#   ("momento z") o los promedios móviles de Adam del gradiente y del gradiente al cuadrado ("1.er
#   momento m", "2.º momento v": la $m$ y la $v$ del notebook 4; PyTorch los llama
#   `momentum_buffer`, `exp_avg` y `exp_avg_sq`). SGD simple no recuerda nada, así que acá no hay nada
#   más que mostrar.

# %%
pg.step(40)
display(HTML(pg.view_html()))

# %% [markdown]
# ## Exercise 1: a linear model underfits the circle, squared features fix it
#
# With no hidden layer the network is $\sigma(w_1 x_1 + w_2 x_2 + b)$: its boundary is a straight
# line, and no line separates a disc from the ring around it. The loss stays near
# $\log 2 \approx 0.69$, the loss of a coin toss. Giving it $x_1^2$ and $x_2^2$ as inputs makes
# $w_1 x_1^2 + w_2 x_2^2 + b = 0$ a circle (an ellipse): the same linear model now fits.
# %% [markdown es]
# ## Ejercicio 1: un modelo lineal no alcanza para el círculo (underfit), las características al cuadrado lo arreglan
#
# Sin capa oculta la red es $\sigma(w_1 x_1 + w_2 x_2 + b)$: su frontera es una recta, y ninguna recta
# separa un disco del anillo que lo rodea. La pérdida se queda cerca de $\log 2 \approx 0.69$, la
# pérdida de tirar una moneda. Darle $x_1^2$ y $x_2^2$ como entradas hace de
# $w_1 x_1^2 + w_2 x_2^2 + b = 0$ un círculo (una elipse): el mismo modelo lineal ahora ajusta.

# %%
linear = Playground.from_settings(EXERCISES[1])
linear.step(20)
squared = linear.with_settings(features=["x1**2", "x2**2"])
squared.step(20)
for name, run in (("x1, x2", linear), ("x1², x2²", squared)):
    train_acc, test_acc = run.accuracy()
    print(f"features {name:11}: test loss {run.history.val_loss[-1]:.3f}, test accuracy {test_acc:.0%}")
    #es: print(f"características {name:11}: pérdida de test {run.history.val_loss[-1]:.3f}, exactitud de test {test_acc:.0%}")
display(HTML(linear.view_html()), HTML(squared.view_html()))

# %% [markdown]
# ## Exercise 2: XOR needs a hidden layer (or the feature $x_1 x_2$)
#
# The class of an XOR point is the sign of $x_1 x_2$: again no line separates it. One hidden layer
# of four tanh neurons is enough: each neuron draws one line (see its heatmap) and the output
# combines them. The feature $x_1 x_2$ does the same job for a linear model, in one step.
# %% [markdown es]
# ## Ejercicio 2: el XOR necesita una capa oculta (o la característica $x_1 x_2$)
#
# La clase de un punto del XOR es el signo de $x_1 x_2$: otra vez ninguna recta lo separa. Una capa
# oculta de cuatro neuronas tanh alcanza: cada neurona traza una recta (mira su mapa de colores) y la
# salida las combina. La característica $x_1 x_2$ hace el mismo trabajo para un modelo lineal, de una
# vez.

# %%
xor_linear = Playground.from_settings(EXERCISES[2])
runs = {
    "linear, x1 and x2": xor_linear,
    "hidden [4], x1 and x2": xor_linear.with_settings(hidden=[4], lr=0.3),
    "linear, x1*x2": xor_linear.with_settings(features=["x1*x2"]),
}
for name, run in runs.items():
    run.step(40)
    print(f"{name:22}: test loss {run.history.val_loss[-1]:.3f}, test accuracy {run.accuracy()[1]:.0%}")
    #es: print(f"{name:22}: pérdida de test {run.history.val_loss[-1]:.3f}, exactitud de test {run.accuracy()[1]:.0%}")
display(HTML(runs["hidden [4], x1 and x2"].view_html()))

# %% [markdown]
# ## Exercise 3: few noisy points and a big network overfit, and L2, dropout and early stopping help
#
# Now XOR with its points blurred by noise (`noise=0.3` shifts each coordinate by up to $\pm 1.5$,
# so some points land in the other class's quadrant) and only 20 % of them for training (40
# points): a network of two hidden layers of eight neurons, trained with Adam, learns those 40
# points by heart. Each remedy is the same run with one setting changed. The playground, like
# TensorFlow Playground, has no separate validation set: its "test" points are the ones it
# validates on.
# %% [markdown es]
# ## Ejercicio 3: pocos puntos con ruido y una red grande dan overfit, y L2, dropout y early stopping ayudan
#
# Ahora el XOR con sus puntos movidos por ruido (`noise=0.3` desplaza cada coordenada hasta $\pm 1.5$,
# así que algunos puntos caen en el cuadrante de la otra clase) y solo el 20 % de ellos para entrenar
# (40 puntos): una red de dos capas ocultas de ocho neuronas, entrenada con Adam, se aprende esos 40
# puntos de memoria. Cada remedio es la misma corrida con un solo ajuste cambiado. El playground, como
# TensorFlow Playground, no tiene un conjunto de validación aparte: sus puntos de "test" son con los
# que valida.

# %%
noisy = Playground.from_settings(EXERCISES[3])
EPOCHS = 150
remedies = {"none": {}, "L2 (λ = 0.01)": {"l2": 0.01}, "dropout 0.3": {"dropout": 0.3},
            "early stopping (patience 10)": {"patience": 10}}
#es: remedies = {"ninguno": {}, "L2 (λ = 0.01)": {"l2": 0.01}, "dropout 0.3": {"dropout": 0.3},
#es:             "early stopping (patience 10)": {"patience": 10}}
results = {}
for name, change in remedies.items():
    run = noisy.with_settings(**change)
    run.step(EPOCHS)
    results[name] = run
    history = run.history
    lowest = min(history.val_loss)
    print(f"{name:29}: {run.epoch:3} epochs, train loss {history.train_loss[-1]:.3f}, test loss {history.val_loss[-1]:.3f} "
          f"(lowest {lowest:.3f}, epoch {history.val_loss.index(lowest) + 1}), test accuracy {run.accuracy()[1]:.0%}")
    #es: print(f"{name:29}: {run.epoch:3} épocas, pérdida de entrenamiento {history.train_loss[-1]:.3f}, de test {history.val_loss[-1]:.3f} "
    #es:       f"(mínima {lowest:.3f}, época {history.val_loss.index(lowest) + 1}), exactitud de test {run.accuracy()[1]:.0%}")
stopped = results["early stopping (patience 10)"]
print(f"early stopping restored epoch {stopped.history.best_epoch}: its test loss {stopped.history.best.val_loss:.3f}")
#es: print(f"early stopping restauró la época {stopped.history.best_epoch}: su pérdida de test {stopped.history.best.val_loss:.3f}")

# %% [markdown]
# Without regularisation the training loss falls to [[0.001]] while the test loss, lowest at epoch
# [[16]] ([[0.244]]), climbs to [[0.799]]: the lecture's picture of overfitting. With L2 the test
# loss ends at [[0.306]], close to its lowest, and the test accuracy is higher ([[86%]] against
# [[83%]]); dropout helps less here ([[0.534]]). Early stopping ended the run at epoch [[26]], ten
# epochs after the lowest test loss, and went back to epoch [[16]]'s weights: the restored model's
# test loss is [[0.244]] and its accuracy [[90%]]. That number is optimistic, since the
# epoch was chosen by looking at the test loss itself; notebook 6 does it properly, with a
# validation set to choose and a test set to report.
# %% [markdown es]
# Sin regularización, la pérdida de entrenamiento baja a [[0.001]] mientras que la de test, mínima en
# la época [[16]] ([[0.244]]), sube hasta [[0.799]]: la imagen del overfit de la clase. Con L2 la
# pérdida de test termina en [[0.306]], cerca de su mínimo, y la exactitud de test es mayor ([[86%]]
# contra [[83%]]); dropout ayuda menos acá ([[0.534]]). Early stopping terminó la corrida en la época
# [[26]], diez épocas después de la menor pérdida de test, y volvió a los pesos de la época [[16]]: la
# pérdida de test del modelo restaurado es [[0.244]] y su exactitud, [[90%]]. Ese número es
# optimista, porque la época se eligió mirando la propia pérdida de test; el notebook 6 lo hace como
# corresponde, con un conjunto de validación para elegir y uno de test para informar.

# %%
viz.plots.plot_history(results["none"].history, "overfitting.png", title="no regularisation: overfitting")
#es: viz.plots.plot_history(results["ninguno"].history, "overfitting.png", title="sin regularización: overfitting")
viz.plots.plot_history(results["L2 (λ = 0.01)"].history, "l2.png", title="the same run with L2, λ = 0.01")
#es: viz.plots.plot_history(results["L2 (λ = 0.01)"].history, "l2.png", title="la misma corrida con L2, λ = 0.01")
viz.plots.plot_history(results["early stopping (patience 10)"].history, "early.png",
                       title="the same run with early stopping")
#es: viz.plots.plot_history(results["early stopping (patience 10)"].history, "early.png",
#es:                        title="la misma corrida con early stopping")
display(Image("overfitting.png", width=900), Image("l2.png", width=900), Image("early.png", width=900))

# %% [markdown]
# The test loss is the red line, labelled validation. Without regularisation it climbs after its
# lowest point while the training loss (blue) goes on falling; with L2 both level off. Early
# stopping's green dashes mark the epoch it went back to.
# %% [markdown es]
# La pérdida de test es la línea roja, rotulada validation. Sin regularización sube después de su
# punto más bajo mientras la de entrenamiento (azul) sigue bajando; con L2 las dos se estabilizan. Las
# rayas verdes de early stopping marcan la época a la que volvió.

# %%
display(HTML(results["none"].view_html()), HTML(results["L2 (λ = 0.01)"].view_html()))
#es: display(HTML(results["ninguno"].view_html()), HTML(results["L2 (λ = 0.01)"].view_html()))

# %% [markdown]
# In the two pictures above, neither boundary is XOR's clean cross: 40 noisy points are too few to
# show it. The difference is in the confidence. The overfit network (first) is sure everywhere:
# saturated orange and blue up to a sharp edge, bent to put each training point on its side, and
# its thick connections are large weights. With L2 (second) the colours pale near the boundary,
# where the network hesitates, and the connections are thinner: its test loss is lower mostly
# because its mistakes are made with less confidence, as notebook 6 measures.
#
# ## What TensorFlow Playground cannot show: vanishing gradients
#
# Six hidden layers of sigmoid neurons: the derivative of a sigmoid is at most 1/4, and the chain
# rule multiplies one such factor per layer, so the first layers get far smaller gradients than the
# last. The purple numbers under the neurons show it before a single step; tanh (derivative up to
# 1) keeps them much larger.
# %% [markdown es]
# En las dos imágenes de arriba, ninguna frontera es la cruz limpia del XOR: 40 puntos con ruido son
# muy pocos para mostrarla. La diferencia está en la confianza. La red con overfit (la primera) está
# segura en todas partes: naranja y azul saturados hasta un borde abrupto, doblado para dejar cada
# punto de entrenamiento de su lado, y sus conexiones gruesas son pesos grandes. Con L2 (la segunda)
# los colores palidecen cerca de la frontera, donde la red duda, y las conexiones son más finas: su
# pérdida de test es menor sobre todo porque se equivoca con menos seguridad, como mide el notebook 6.
#
# ## Lo que TensorFlow Playground no puede mostrar: gradientes que se desvanecen
#
# Seis capas ocultas de neuronas sigmoid: la derivada de una sigmoid es como mucho 1/4, y la regla de
# la cadena multiplica un factor así por capa, así que las primeras capas reciben gradientes mucho más
# chicos que las últimas. Los números morados bajo las neuronas lo muestran antes de dar un solo paso;
# tanh (derivada de hasta 1) los mantiene mucho más grandes.

# %%
for activation in ("sigmoid", "tanh"):
    deep = Playground(hidden=[6] * 6, activation=activation)
    layers = deep.neuron_gradients()[:-1]
    means = [sum(layer) / len(layer) for layer in layers]
    print(f"{activation:7} mean |grad| per hidden layer, first to last: {'  '.join(f'{m:.1e}' for m in means)}; "
          f"last / first = {means[-1] / means[0]:,.0f}")
    #es: print(f"{activation:7} |grad| medio por capa oculta, de la primera a la última: {'  '.join(f'{m:.1e}' for m in means)}; "
    #es:       f"última / primera = {means[-1] / means[0]:,.0f}")
display(HTML(Playground(hidden=[6] * 6, activation="sigmoid").view_html()))

# %% [markdown]
# With sigmoid the last hidden layer's gradients are [[11,901]] times the first's: four powers of
# ten over six layers, more than the factor $4^5 \approx 1000$ that the derivative's bound alone
# gives, because most sigmoids work away from 0, where their slope is below 1/4. With tanh the
# ratio is [[1]]: no vanishing at this depth.
# %% [markdown es]
# Con sigmoid, los gradientes de la última capa oculta son [[11,901]] veces los de la primera: cuatro
# potencias de diez en seis capas, más que el factor $4^5 \approx 1000$ que da la cota de la derivada
# sola, porque la mayoría de las sigmoid trabajan lejos del 0, donde su pendiente es menor que 1/4. Con
# tanh la razón es [[1]]: a esta profundidad no hay desvanecimiento.

# %% [markdown]
# ## The graph one click away
#
# In the widget, click a neuron (or *graph of the loss*): it steps through that computational graph
# for the chosen training point, forward and then backward. From code, `graph` returns the root of that computational graph with this epoch's weights, after
# `backward()`: every value and every gradient in place, drawn by `viz.draw` (and stepped through,
# node by node, by `viz.stepper`). First one hidden neuron of the XOR network of exercise 2, for
# training point 0: its two weights and its bias (yellow, named as the playground names them,
# `w(x1 → layer 1, neuron 1)`), the weighted sum (`dot`, drawn with its formula
# $\Sigma\, w_i x_i + b$: notebook 1's $\Sigma$ node and the bias in one node) and its tanh. The
# drawing shows the forward values; the gradients are printed beside it (`viz.stepper(neuron,
# params=params)` shows both, node by node).
# %% [markdown es]
# ## El grafo a un clic
#
# En el widget, haz clic en una neurona (o en *grafo de la pérdida*): recorre ese grafo computacional
# para el punto de entrenamiento elegido, hacia delante y después hacia atrás. Desde el código, `graph` devuelve la raíz de ese grafo computacional con los pesos de esta época,
# después de `backward()`: cada valor y cada gradiente en su lugar, dibujados por `viz.draw` (y
# recorridos, nodo por nodo, por `viz.stepper`). Primero una neurona oculta de la red del XOR del
# ejercicio 2, para el punto de entrenamiento 0: sus dos pesos y su sesgo (en amarillo, con los nombres
# que les da el playground, `w(x1 → layer 1, neuron 1)`), la suma ponderada (`dot`, dibujada con su
# fórmula $\Sigma\, w_i x_i + b$: el nodo $\Sigma$ del notebook 1 y el sesgo en un solo nodo) y su
# tanh. El dibujo muestra los valores de la pasada hacia delante; los gradientes se imprimen al lado
# (`viz.stepper(neuron, params=params)` muestra las dos cosas, nodo por nodo).

# %%
def show(drawing):
    """Display a drawing as SVG, scaled down to at most 9.3 inches (900 pixels) when wider."""
    #es: """Muestra un dibujo como SVG, achicado a 9.3 pulgadas (900 píxeles) como máximo si es más ancho."""
    graph = drawing.copy()
    graph.graph_attr["size"] = "9.3,100"
    display(SVG(viz.render_source(graph.source, "svg").decode("utf-8")))


xor = runs["hidden [4], x1 and x2"]
neuron, params = xor.graph((1, 0), sample=0)
print(f"training point 0: {xor.X_train[0]} (class {xor.y_train[0]}); neuron (1, 0), the picture's "
      f"'layer 1, neuron 1' (indices count from 0, names from 1), outputs {neuron.data:.4f}")
#es: print(f"punto de entrenamiento 0: {xor.X_train[0]} (clase {xor.y_train[0]}); la neurona (1, 0), la "
#es:       f"'layer 1, neuron 1' de la imagen (los índices cuentan desde 0, los nombres desde 1), da {neuron.data:.4f}")
in_graph = {id(value) for value in topological_order(neuron)}
for name, value in params.items():
    if id(value) in in_graph:
        print(f"{name:>26}: data {value.data: .4f}   grad {value.grad: .5f}")
show(viz.draw(neuron, params=params, mode="forward"))

# %% [markdown]
# The loss of the same point involves every weight of the network, in a graph of dozens of values
# (counted below): too many to read one by one, so `viz.draw` groups them by neuron by itself (its `collapse="auto"`):
# each neuron is one node with its output, its gradient and how many values it groups. The names
# are `nn`'s, counted from 0: `layers.0` is the playground's layer 1.
# %% [markdown es]
# La pérdida del mismo punto involucra todos los pesos de la red, en un grafo de decenas de valores
# (contados abajo): demasiados para leerlos uno por uno, así que `viz.draw` los agrupa por neurona por su cuenta (su
# `collapse="auto"`): cada neurona es un nodo con su salida, su gradiente y cuántos valores agrupa.
# Los nombres son los de `nn`, contados desde 0: `layers.0` es la capa 1 del playground.

# %%
root, params = xor.graph("loss", sample=0)
print(f"loss of training point 0: {root.data:.4f}, a graph of {len(topological_order(root))} values")
#es: print(f"pérdida del punto de entrenamiento 0: {root.data:.4f}, un grafo de {len(topological_order(root))} valores")
show(viz.draw(root))

# %% [markdown]
# ## Keep and share an experiment
#
# `save` writes the settings, the weights after every epoch, the optimizer and the history as
# JSON; `Playground.load` checks the file and goes on exactly where the run was. `export_html`
# writes one offline page that replays the run with a slider (boundary, network and loss per epoch).
# %% [markdown es]
# ## Guardar y compartir un experimento
#
# `save` escribe los ajustes, los pesos después de cada época, el optimizador y la historia como JSON;
# `Playground.load` verifica el archivo y sigue exactamente donde estaba la corrida. `export_html`
# escribe una página sin conexión que reproduce la corrida con un deslizador (frontera, red y pérdida
# por época).

# %%
xor.save("xor.json")
again = Playground.load("xor.json")
again.step(5)
xor.step(5)
print("the loaded run goes on identically:", again.history.train_loss == xor.history.train_loss)
#es: print("la corrida cargada sigue igual:", again.history.train_loss == xor.history.train_loss)
path = xor.export_html("xor.html")
print(f"replay page: {path.name}, {path.stat().st_size // 1024} KiB")
#es: print(f"página de repetición: {path.name}, {path.stat().st_size // 1024} KiB")

# %% [markdown]
# ## Exercises: predict first
#
# **Exercise 4: the learning rate in the playground.** With the default settings (circle, hidden
# layers [4, 2], tanh, plain SGD) and $\alpha = 0.03$, 30 epochs classify nearly every test point
# right. With $\alpha = 3$, will the run after 30 epochs (a) be as good, only faster, (b) be a bit
# worse, or (c) fail, near a coin toss? Write your letter, then run the cell after.
# %% [markdown es]
# ## Ejercicios: primero predecir
#
# **Ejercicio 4: el learning rate en el playground.** Con los ajustes por defecto (circle, capas
# ocultas [4, 2], tanh, SGD simple) y $\alpha = 0.03$, 30 épocas clasifican bien casi todos los
# puntos de test. Con $\alpha = 3$, ¿la corrida después de 30 épocas (a) será igual de buena, solo
# que más rápida, (b) será un poco peor, o (c) fallará, cerca de tirar una moneda? Escribe tu letra y
# ejecuta la celda siguiente.

# %%
my_letter = None      # "a", "b" or "c"
#es: my_letter = None      # "a", "b" o "c"

# %% [answer]
for lr in (0.03, 3.0):
    run = Playground(lr=lr)
    run.step(30)
    print(f"lr {lr}: train loss {run.history.train_loss[-1]:.3f}, test accuracy {run.accuracy()[1]:.0%}")
    #es: print(f"lr {lr}: pérdida de entrenamiento {run.history.train_loss[-1]:.3f}, exactitud de test {run.accuracy()[1]:.0%}")
print(f"your answer: {my_letter}; the answer: c")
#es: print(f"tu respuesta: {my_letter}; la respuesta: c")
display(HTML(run.view_html()))

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# Each step moves the weights by $\alpha$ times the gradient. With $\alpha = 3$ the first steps throw
# them so far that the tanh neurons saturate (their squares turn all orange or all blue): their
# derivative is then almost 0 (see the purple numbers, down to $10^{-9}$), no gradient gets through, and the network is stuck predicting one
# class. The loss curve of notebook 5's "very high" learning rate, in the playground.
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# Cada paso mueve los pesos $\alpha$ veces el gradiente. Con $\alpha = 3$ los primeros pasos los tiran
# tan lejos que las neuronas tanh se saturan (sus cuadrados quedan todos naranjas o todos azules): su
# derivada es entonces casi 0 (mira los números morados, hasta $10^{-9}$), ningún gradiente pasa, y la red queda trabada prediciendo una sola
# clase. La curva de pérdida del learning rate "muy alto" del notebook 5, en el playground.
# </details>

# %% [markdown]
# **Exercise 5: ReLU through six layers.** The six-layer network above, with ReLU instead of
# sigmoid. Will the last hidden layer's gradients be (a) thousands of times larger than the first's,
# as with sigmoid, or (b) of the same order? Write your letter, then run the cell after.
# %% [markdown es]
# **Ejercicio 5: ReLU a través de seis capas.** La red de seis capas de arriba, con ReLU en vez de
# sigmoid. ¿Los gradientes de la última capa oculta serán (a) miles de veces más grandes que los de la
# primera, como con sigmoid, o (b) del mismo orden? Escribe tu letra y ejecuta la celda siguiente.

# %%
my_letter = None      # "a" or "b"
#es: my_letter = None      # "a" o "b"

# %% [answer]
deep = Playground(hidden=[6] * 6, activation="relu")
means = [sum(layer) / len(layer) for layer in deep.neuron_gradients()[:-1]]
print(f"relu mean |grad| per hidden layer, first to last: {'  '.join(f'{m:.1e}' for m in means)}; "
      f"last / first = {means[-1] / means[0]:,.0f}")
#es: print(f"relu |grad| medio por capa oculta, de la primera a la última: {'  '.join(f'{m:.1e}' for m in means)}; "
#es:       f"última / primera = {means[-1] / means[0]:,.0f}")
print(f"your answer: {my_letter}; the answer: b")
#es: print(f"tu respuesta: {my_letter}; la respuesta: b")

# %% [markdown]
# <details><summary><b>Why</b> (open after running the cell above)</summary>
#
# A ReLU's derivative is 1 wherever its input is positive, so a layer passes the gradient on
# multiplied by its weights, not shrunk by a factor of at most 1/4. Where a ReLU's input is negative
# its derivative is 0: that neuron passes nothing back (a red cross in the picture when it is so for
# every training point, a dead ReLU).
# </details>
# %% [markdown es]
# <details><summary><b>Por qué</b> (ábrelo después de ejecutar la celda de arriba)</summary>
#
# La derivada de una ReLU es 1 donde su entrada es positiva, así que una capa pasa el gradiente
# multiplicado por sus pesos, no achicado por un factor de 1/4 como mucho. Donde la entrada de una ReLU
# es negativa su derivada es 0: esa neurona no devuelve nada (una cruz roja en la imagen cuando pasa
# para todos los puntos de entrenamiento, una ReLU muerta).
# </details>

# %% [markdown]
# ## Summary of the lecture
#
# The lecture's own summary:
#
# * a neural network is a composition of linear functions with non-linear ones;
# * the problem is finding the network's weights;
# * for that, stochastic gradient descent is used, minimising a given error;
# * the gradients are computed with backpropagation.
#
# Each section of the lecture, and where the notebooks take it up:
#
# | lecture | notebook: sections |
# |---|---|
# | Motivación biológica | [1](01_computational_graph.ipynb): 1. Biological motivation |
# | Formulación matemática | [1](01_computational_graph.ipynb): 1. Biological motivation; 2. One neuron as a computational graph |
# | Funciones de activación (sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU) | [2](02_activations.ipynb): The formulas, as the engine knows them; Value and derivative, from backpropagation; Where each activation saturates; Why saturation matters: gradients through depth; Maxout learns its own shape |
# | Red neuronal | [5](05_training_mlps.ipynb): A network with one hidden layer |
# | Capacidad de la capa oculta | [5](05_training_mlps.ipynb): Capacity of the hidden layer |
# | Capacidad de las redes neuronales; redes neuronales profundas | [5](05_training_mlps.ipynb): Deep networks |
# | ¿Cómo encontrar los pesos? | [4](04_gradient_descent.ipynb): Two surfaces |
# | Función de error a minimizar (binary cross entropy) | [5](05_training_mlps.ipynb): The error function: binary cross-entropy |
# | Descenso por gradientes | [4](04_gradient_descent.ipynb): The update rule, written out; The learning rate: too small, right, too large |
# | Momentum | [4](04_gradient_descent.ipynb): Momentum: the lecture's formula |
# | Otras variantes | [4](04_gradient_descent.ipynb): Other variants |
# | Descenso por gradientes estocástico | [4](04_gradient_descent.ipynb): Stochastic gradient descent |
# | ¿Cómo se calculan los gradientes? (numérica, analítica) | [3](03_numeric_vs_analytic.ipynb): One function, three derivatives; The error as a function of h; What each costs; gradcheck: testing gradients on a small network |
# | Regla de la cadena | [1](01_computational_graph.ipynb): 3. The chain rule |
# | Grafo computacional | [1](01_computational_graph.ipynb): 4. The lecture's example: $f(x, y, z) = \max((x + y)z, 0)$; 5. Local derivatives of the elementary functions |
# | Backpropagation: forward, backward | [1](01_computational_graph.ipynb): Forward pass; Backward pass, step by step; 6. Exercises: predict first |
# | Resumen | [7](07_playground.ipynb): Summary of the lecture |
# | Entrenamiento: evolución del error (learning rate) | [5](05_training_mlps.ipynb): Training: the evolution of the error, and the learning rate |
# | Underfit, overfit, correcto | [6](06_regularization.ipynb): Underfit, overfit, correct; Why the validation loss rises |
# | Early stopping | [6](06_regularization.ipynb): Early stopping |
# | Regularización L1 y L2 | [6](06_regularization.ipynb): L1 and L2 regularisation |
# | Drop out | [6](06_regularization.ipynb): Dropout |
# | Batch Normalization | [6](06_regularization.ipynb): Batch normalisation |
# | playground (bibliografía) | [7](07_playground.ipynb): Exercise 1: a linear model underfits the circle, squared features fix it; Exercise 3: few noisy points and a big network overfit, and L2, dropout and early stopping help |
#
# Every notebook ends with exercises that ask for an answer before showing it.
# %% [markdown es]
# ## Resumen de la clase
#
# El resumen de la propia clase:
#
# * una red neuronal consiste en la composición de funciones lineales con no lineales;
# * el problema está en encontrar los pesos correspondientes a la red;
# * para esto, se utiliza descenso por gradiente estocástico, minimizando un error dado;
# * para calcular los gradientes se utiliza back propagation.
#
# Cada sección de la clase, y dónde la retoman los notebooks:
#
# | clase | notebook: secciones |
# |---|---|
# | Motivación biológica | [1](01_computational_graph.ipynb): 1. Motivación biológica |
# | Formulación matemática | [1](01_computational_graph.ipynb): 1. Motivación biológica; 2. Una neurona como grafo computacional |
# | Funciones de activación (sigmoid, tanh, ReLU, leaky ReLU, maxout, ELU) | [2](02_activations.ipynb): Las fórmulas, como las conoce el motor; Valor y derivada, por back propagation; Dónde se satura cada activación; Por qué importa la saturación: gradientes a través de la profundidad; Maxout aprende su propia forma |
# | Red neuronal | [5](05_training_mlps.ipynb): Una red con una capa oculta (red neuronal) |
# | Capacidad de la capa oculta | [5](05_training_mlps.ipynb): Capacidad de la capa oculta |
# | Capacidad de las redes neuronales; redes neuronales profundas | [5](05_training_mlps.ipynb): Redes neuronales profundas |
# | ¿Cómo encontrar los pesos? | [4](04_gradient_descent.ipynb): Dos superficies |
# | Función de error a minimizar (binary cross entropy) | [5](05_training_mlps.ipynb): La función de error: binary cross entropy |
# | Descenso por gradientes | [4](04_gradient_descent.ipynb): La regla de actualización, escrita a mano; El learning rate: demasiado chico, correcto, demasiado grande |
# | Momentum | [4](04_gradient_descent.ipynb): Momentum: la fórmula de la clase |
# | Otras variantes | [4](04_gradient_descent.ipynb): Otras variantes |
# | Descenso por gradientes estocástico | [4](04_gradient_descent.ipynb): Descenso por gradiente estocástico |
# | ¿Cómo se calculan los gradientes? (numérica, analítica) | [3](03_numeric_vs_analytic.ipynb): Una función, tres derivadas; El error en función de h; Cuánto cuesta cada una; gradcheck: probar los gradientes de una red pequeña |
# | Regla de la cadena | [1](01_computational_graph.ipynb): 3. La regla de la cadena |
# | Grafo computacional | [1](01_computational_graph.ipynb): 4. El ejemplo de la clase: $f(x, y, z) = \max((x + y)z, 0)$; 5. Derivadas locales de las funciones elementales |
# | Backpropagation: forward, backward | [1](01_computational_graph.ipynb): Pasada hacia delante (forward pass); Pasada hacia atrás (backward pass), paso a paso; 6. Ejercicios: primero predecir |
# | Resumen | [7](07_playground.ipynb): Resumen de la clase |
# | Entrenamiento: evolución del error (learning rate) | [5](05_training_mlps.ipynb): Entrenamiento: evolución del error, y el learning rate |
# | Underfit, overfit, correcto | [6](06_regularization.ipynb): Underfit, overfit, correcto; Por qué sube la pérdida de validación |
# | Early stopping | [6](06_regularization.ipynb): Early stopping |
# | Regularización L1 y L2 | [6](06_regularization.ipynb): Regularización L1 y L2 |
# | Drop out | [6](06_regularization.ipynb): Drop out |
# | Batch Normalization | [6](06_regularization.ipynb): Batch Normalization |
# | playground (bibliografía) | [7](07_playground.ipynb): Ejercicio 1: un modelo lineal no alcanza para el círculo (underfit), las características al cuadrado lo arreglan; Ejercicio 3: pocos puntos con ruido y una red grande dan overfit, y L2, dropout y early stopping ayudan |
#
# Cada notebook termina con ejercicios que piden una respuesta antes de mostrarla.
