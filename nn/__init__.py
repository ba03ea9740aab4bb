"""Neural networks on valuegraph's ``autograd``: modules, losses, optimizers, data and training.

>>> import nn
>>> X, y = nn.datasets.moons(n=100, noise=0.1, seed=0)
>>> model = nn.MLP(2, [16, 16, 1], seed=0)
>>> history = nn.fit(model, X, y, loss="bce_with_logits", epochs=5, progress=False)
>>> len(history)
5

Everything is built only on ``autograd``'s public API; names and conventions are PyTorch's,
and ``Neuron``/``Layer``/``MLP`` run micrograd's code unchanged.
"""

from . import datasets, init
from .data import batches, train_test_split
from .layers import (ACTIVATIONS, MLP, BatchNorm, Dropout, Layer, Maxout, MaxoutUnit, Neuron, RowModule,
                     Sequential)
from .losses import (LOSSES, bce_with_logits, binary_cross_entropy, cross_entropy, hinge, l1_penalty,
                     l2_penalty, mse)
from .modes import evaluating
from .module import Module, parameters_to_vector, vector_to_parameters
from .optim import SGD, Adagrad, Adam, AdamW, Optimizer, RMSprop
from .schedules import CosineAnnealingLR, ExponentialLR, LRSchedule, StepLR
from .training import EpochRecord, History, accuracy, evaluate, fit, predict
from .compiled import predict_grid
from .torch_bridge import from_torch

__all__ = [
    "Module", "RowModule", "Neuron", "Layer", "MLP", "Sequential", "Maxout", "MaxoutUnit", "Dropout", "BatchNorm",
    "ACTIVATIONS", "parameters_to_vector", "vector_to_parameters",
    "mse", "binary_cross_entropy", "bce_with_logits", "hinge", "cross_entropy", "l1_penalty", "l2_penalty",
    "LOSSES",
    "Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW",
    "LRSchedule", "StepLR", "ExponentialLR", "CosineAnnealingLR",
    "datasets", "init", "train_test_split", "batches",
    "fit", "evaluate", "predict", "predict_grid", "accuracy", "History", "EpochRecord", "evaluating",
    "from_torch",
]
