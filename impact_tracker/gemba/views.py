"""Gemba walk pages."""

from flask import Blueprint, render_template

bp = Blueprint("gemba", __name__, url_prefix="/walks")


@bp.route("")
def index():
    return render_template("home/about.html")
