"""The JSON API, version 1 (see shared API.md): each resource module adds its routes to `bp`."""

from . import cycles, me, measures, openapi, projects
from .blueprint import bp

__all__ = ["bp", "cycles", "me", "measures", "openapi", "projects"]
