"""The JSON API, version 1 (see shared API.md): each resource module adds its routes to `bp`."""

from . import analysis, cycles, gemba, me, measures, openapi, parsing, portfolio, projects, self_assessments
from .blueprint import bp

__all__ = [
    "analysis", "bp", "cycles", "gemba", "me", "measures", "openapi", "parsing", "portfolio", "projects",
    "self_assessments",
]
