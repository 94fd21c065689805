"""Gemba walk pages: the organisation's walks, capturing a walk (offline on a tablet), a walk and its actions,
following an action up, a leader's own actions, and taking an idea or concern forward."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user

from ..core.errors import DomainError, PermissionDenied, VersionConflict
from ..core.forms import apply_domain_error, show_stale
from ..core.pagination import paginate
from ..core.permissions import Action, can, get_for_user_or_404
from ..projects.models import ChangeIdea
from . import forms, queries, services
from .models import GembaWalk, WalkAction

bp = Blueprint("gemba", __name__, url_prefix="/walks")

WALKS_PER_PAGE = 25


@bp.route("")
def index():
    page_number = request.args.get("page", "1")
    page = paginate(queries.walks_query(current_user), int(page_number) if page_number.isdecimal() else 1,
                    WALKS_PER_PAGE)
    return render_template("gemba/index.html", page=page, figures=queries.total_figures(current_user),
                           today=date.today(), can_record=_can_record())


@bp.route("/new", methods=["GET", "POST"])
def new():
    organisation = _own_organisation()
    form = forms.walk_form(queries.unit_choices(organisation), queries.people_choices(organisation),
                           queries.project_choices(organisation))
    warnings: list[dict] = []
    if form.validate_on_submit() and not (warnings := form.pii_warnings()):
        try:
            saved = services.save_walk(organisation, form.client_id.data, form.to_input(), actor=current_user)
        except DomainError as err:
            form.show_error(err)
        except VersionConflict:
            form.form_errors.append("This walk has already been saved and changed since. Open it from the list.")
        else:
            flash("The walk has been saved.", "success")
            return redirect(url_for("gemba.detail", walk_id=saved.walk.id))
    return render_template("gemba/new.html", form=form, warnings=warnings, new_client_id=services.new_client_id())


@bp.route("/<int:walk_id>")
def detail(walk_id: int):
    walk = get_for_user_or_404(GembaWalk, walk_id, current_user)
    return render_template("gemba/detail.html", walk=walk, today=date.today(),
                           forward_sources=services.forward_sources(walk),
                           can_contribute=can(current_user, Action.CONTRIBUTE, walk.organisation))


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
def action(action_id: int):
    item = get_for_user_or_404(WalkAction, action_id, current_user, Action.CONTRIBUTE)
    form = forms.action_form(item) if request.method == "GET" else forms.ActionForm()
    warnings: list[dict] = []
    if form.validate_on_submit() and not (warnings := form.pii_warnings()):
        try:
            services.update_action(item, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        except VersionConflict as err:
            show_stale(form, err)
        else:
            flash("The action has been updated.", "success")
            return redirect(url_for("gemba.detail", walk_id=item.walk_id, _anchor="actions"))
    return render_template("gemba/action.html", form=form, action=item, warnings=warnings)


@bp.route("/my-actions")
def my_actions():
    return render_template("gemba/my_actions.html", actions=queries.my_actions(current_user), today=date.today())


@bp.route("/<int:walk_id>/take-forward", methods=["GET", "POST"])
def take_forward(walk_id: int):
    walk = get_for_user_or_404(GembaWalk, walk_id, current_user, Action.CONTRIBUTE)
    form = forms.TakeForwardForm(source=request.args.get("source"))
    form.set_choices(services.forward_sources(walk), queries.project_choices(walk.organisation))
    if form.validate_on_submit():
        try:
            made = services.take_forward(walk, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            return _after_taking_forward(made)
    return render_template("gemba/take_forward.html", form=form, walk=walk)


@bp.route("/service-worker")
def service_worker():
    """The offline service worker, served from /walks so that it may look after the walk pages."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = url_for("gemba.index")
    return response


def _after_taking_forward(made):
    if isinstance(made, ChangeIdea):
        flash(f"“{made.text}” is now a change idea on this project.", "success")
        return redirect(url_for("projects.detail", project_id=made.project_id, _anchor="driver-diagram"))
    flash("The project has been proposed. Add its aim and team when you are ready.", "success")
    return redirect(url_for("projects.detail", project_id=made.id))


def _can_record() -> bool:
    return can(current_user, Action.CONTRIBUTE, current_user.organisation)


def _own_organisation():
    if not _can_record():
        raise PermissionDenied("record walks")
    return current_user.organisation
