"""valuegraph's scalar reverse-mode automatic differentiation engine.

>>> from autograd import Value
>>> x, y, z = Value(-2.0, "x"), Value(3.0, "y"), Value(2.0, "z")
>>> f = ((x + y) * z).max(0)      # the lecture's max((x + y)z, 0)
>>> f.backward()
>>> f.data, x.grad, y.grad, z.grad
(2.0, 2.0, 2.0, 1.0)
"""

from .compiler import CompiledFunction, CompiledValue, compile
from .graph import BackwardEdge, BackwardStep, backward_steps, topological_order, zero_grad
from .numeric import GradcheckError, grad, gradcheck, gradients, numeric_grad
from .ops import OPS, Op
from .parameter import Parameter, ParameterArrays, pack
from .value import Constant, Value, apply, backward, data_of, dot, enable_grad, is_grad_enabled, no_grad, sum

__all__ = [
    "Value", "Constant", "Parameter", "ParameterArrays", "pack", "Op", "OPS", "apply", "sum", "dot",
    "no_grad", "enable_grad", "is_grad_enabled",
    "topological_order", "backward", "backward_steps", "BackwardStep", "BackwardEdge",
    "gradients", "zero_grad", "data_of",
    "grad", "numeric_grad", "gradcheck", "GradcheckError",
    "compile", "CompiledFunction", "CompiledValue",
]
