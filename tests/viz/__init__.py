"""Tests of ``viz`` and the ``valuegraph`` command, one module per module."""
