"""Tests of the ``autograd`` engine, one module per engine module."""
