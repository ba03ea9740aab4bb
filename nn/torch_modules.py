"""The PyTorch modules an ``nn`` model becomes (``model.to_torch()``), for the parts PyTorch has no
module of its own. Importing this module imports torch: ``nn`` imports it only when asked to
convert (see :mod:`nn.torch_bridge`).

* :class:`Layer` groups what one ``nn.Layer`` computes, ``Linear``, then ``BatchNorm1d``, the
  activation and ``Dropout`` when the layer has them, as torchvision's ``Conv2dNormActivation``
  groups a convolution, its norm and its activation: a ``torch.nn.Sequential``, nothing more.
* :class:`MLP` is an ``nn.MLP``'s layers in order: a ``torch.nn.Sequential`` too, as
  torchvision's ``MLP``.
* :class:`Maxout` is the lecture's ``max(w₁ᵀx + b₁, w₂ᵀx + b₂)``, which PyTorch has no module for.

Everything else is PyTorch's own module: ``Linear``, ``BatchNorm1d``, ``Dropout``, and the
activations ``ReLU``, ``LeakyReLU(0.1)`` (the lecture's ``max(0.1x, x)``), ``Sigmoid``, ``Tanh``,
``ELU(alpha=1.0)`` and ``Softplus`` (with ``threshold=40``, where ``log(1 + eˣ)`` and ``x`` are the
same float, so that it is ``log(1 + eˣ)`` for every x, as valuegraph's).
"""

from __future__ import annotations

import torch

__all__ = ["Layer", "MLP", "Maxout"]


class Layer(torch.nn.Sequential):
    """An ``nn.Layer``: ``Linear``, then ``BatchNorm1d``, the activation and ``Dropout``, each
    only when the layer has it."""


class MLP(torch.nn.Sequential):
    """An ``nn.MLP``: its layers (:class:`Layer`, :class:`Maxout`, ``Dropout``) in order."""


class Maxout(torch.nn.Module):
    """``out_features`` maxout units over ``in_features`` inputs, each the largest of ``k``
    linear pieces: ``max(w₁ᵀx + b₁, …, w_kᵀx + b_k)``.

    The pieces are one ``Linear(in_features, out_features · k)``, unit after unit: row
    ``u · k + j`` is piece ``j`` of unit ``u``. On a tie the gradient is shared evenly between
    the largest pieces (``torch.amax``), as valuegraph's ``max`` shares it in halves.
    """

    def __init__(self, in_features: int, out_features: int, k: int = 2, *,
                 dtype: torch.dtype | None = None, device: torch.device | str | None = None) -> None:
        super().__init__()
        self.in_features, self.out_features, self.k = in_features, out_features, k
        self.linear = torch.nn.Linear(in_features, out_features * k, dtype=dtype, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x).unflatten(-1, (self.out_features, self.k)).amax(-1)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, k={self.k}"
