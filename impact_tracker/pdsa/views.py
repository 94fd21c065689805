"""PDSA cycle pages."""

from flask import Blueprint

bp = Blueprint("pdsa", __name__)
