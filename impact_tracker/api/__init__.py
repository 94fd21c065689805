"""The JSON API, version 1 (see shared API.md): each resource module adds its routes to `bp`."""

from . import me, openapi
from .blueprint import bp

__all__ = ["bp", "me", "openapi"]
