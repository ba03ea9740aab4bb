"""valuegraph: watch backpropagation happen. The engine is ``autograd``, networks are ``nn``,
drawings are ``viz``; this package holds the ``valuegraph`` command line (:mod:`valuegraph.cli`)
and what every part shares: reading and writing files (:mod:`valuegraph.files`).

It imports nothing at import time (``__version__`` is read from the installed metadata on first
use), so ``nn`` and ``viz`` use :mod:`valuegraph.files` at the cost of that module alone.
"""

from typing import Any

__all__ = ["__version__"]


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("valuegraph")
        except PackageNotFoundError:  # running from a source tree that was not installed
            return "0.0.0+unknown"
    raise AttributeError(f"module 'valuegraph' has no attribute {name!r}")
