"""Measure pages: each module adds its routes to the measures blueprint."""

from . import charts, data, measures  # noqa: F401  (each adds its routes)
from .blueprint import bp

__all__ = ["bp"]
