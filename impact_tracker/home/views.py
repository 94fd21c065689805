"""Home, about and health-check routes."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_login import current_user

from ..core.database import database_is_reachable
from ..core.permissions import Action, can
from ..projects.queries import my_projects

bp = Blueprint("home", __name__)


@bp.route("/")
def index():
    organisation = current_user.organisation
    return render_template(
        "home/index.html", user=current_user, projects=my_projects(current_user),
        can_manage=can(current_user, Action.MANAGE_ORGANISATION, organisation),
        can_contribute=can(current_user, Action.CONTRIBUTE, organisation),
    )


@bp.route("/about")
def about():
    return render_template("home/about.html")


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not (for load balancers and uptime checks)."""
    if not database_is_reachable():
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
