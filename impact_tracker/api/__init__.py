"""The JSON API, version 1 (see shared API.md): each resource module adds its routes to `bp`."""

from . import analysis, cycles, me, measures, openapi, parsing, projects
from .blueprint import bp

__all__ = ["analysis", "bp", "cycles", "me", "measures", "openapi", "parsing", "projects"]
