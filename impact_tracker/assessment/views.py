"""Self-assessment pages."""

from flask import Blueprint, render_template

bp = Blueprint("assessment", __name__, url_prefix="/self-assessment")


@bp.route("")
def index():
    return render_template("home/about.html")
