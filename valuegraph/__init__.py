"""valuegraph: watch backpropagation happen. The engine is ``autograd``, networks are ``nn``,
drawings are ``viz``; this package holds the ``valuegraph`` command line."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("valuegraph")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"
