"""Measure pages: each module adds its routes to the measures blueprint."""

from .blueprint import bp

__all__ = ["bp"]
