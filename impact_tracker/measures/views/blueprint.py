"""The measures blueprint (routes sit under /projects/<id>/measures and /measures/<id>)."""

from flask import Blueprint

bp = Blueprint("measures", __name__)
