"""PDSA cycle pages: start a cycle, one page per stage, the whole worksheet, and the timeline on the project page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from ..core.errors import DomainError, VersionConflict
from ..core.forms import apply_domain_error, show_stale
from ..core.permissions import Action, can, get_for_user_or_404
from ..projects.models import Project
from ..projects.views import add_project_section
from . import forms, queries, services
from .models import PDSACycle, Stage
from .services import stage_label

bp = Blueprint("pdsa", __name__)

STAGE_ENDPOINTS = {Stage.PLAN: "pdsa.plan", Stage.DO: "pdsa.do", Stage.STUDY: "pdsa.study", Stage.ACT: "pdsa.act",
                   Stage.DONE: "pdsa.detail"}
ADVANCE_TEXT = {Stage.PLAN: "Save and move to Do", Stage.DO: "Save and move to Study",
                Stage.STUDY: "Save and move to Act", Stage.ACT: "Save and finish the cycle"}


def _timeline(project: Project, user) -> dict:
    return {"ramps": queries.ramps(project), "project": project,
            "can_start": can(user, Action.CONTRIBUTE, project.organisation)}


add_project_section("cycles", 30, "pdsa/_timeline.html", _timeline)


@bp.route("/projects/<int:project_id>/cycles/new", methods=["GET", "POST"])
def new_cycle(project_id: int):
    project = get_for_user_or_404(Project, project_id, current_user, Action.CONTRIBUTE)
    form = forms.NewCycleForm()
    form.set_change_ideas(queries.change_idea_choices(project))
    if form.validate_on_submit():
        try:
            cycle = services.start_cycle(project, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"{cycle.label} has started. Plan it below.", "success")
            return redirect(url_for("pdsa.plan", cycle_id=cycle.id))
    return render_template("pdsa/new_cycle.html", form=form, project=project)


@bp.route("/cycles/<int:cycle_id>")
def detail(cycle_id: int):
    cycle = queries.load_worksheet(get_for_user_or_404(PDSACycle, cycle_id, current_user))
    return render_template("pdsa/detail.html", cycle=cycle, stages=list(Stage), stage_label=stage_label,
                           can_contribute=can(current_user, Action.CONTRIBUTE, cycle.organisation),
                           continue_endpoint=STAGE_ENDPOINTS[cycle.stage])


@bp.route("/cycles/<int:cycle_id>/plan", methods=["GET", "POST"])
def plan(cycle_id: int):
    cycle = get_for_user_or_404(PDSACycle, cycle_id, current_user, Action.CONTRIBUTE)
    return _stage_page(cycle, Stage.PLAN, forms.plan_form(cycle), services.save_plan)


@bp.route("/cycles/<int:cycle_id>/do", methods=["GET", "POST"])
def do(cycle_id: int):
    cycle = get_for_user_or_404(PDSACycle, cycle_id, current_user, Action.CONTRIBUTE)
    return _stage_page(cycle, Stage.DO, forms.do_form(cycle), services.save_do)


@bp.route("/cycles/<int:cycle_id>/study", methods=["GET", "POST"])
def study(cycle_id: int):
    cycle = get_for_user_or_404(PDSACycle, cycle_id, current_user, Action.CONTRIBUTE)
    return _stage_page(cycle, Stage.STUDY, forms.study_form(cycle), services.save_study)


@bp.route("/cycles/<int:cycle_id>/act", methods=["GET", "POST"])
def act(cycle_id: int):
    cycle = get_for_user_or_404(PDSACycle, cycle_id, current_user, Action.CONTRIBUTE)
    return _stage_page(cycle, Stage.ACT, forms.act_form(cycle), services.save_act)


@bp.route("/cycles/<int:cycle_id>/next", methods=["POST"])
def next_cycle(cycle_id: int):
    cycle = get_for_user_or_404(PDSACycle, cycle_id, current_user, Action.CONTRIBUTE)
    try:
        following = services.start_next_cycle(cycle, actor=current_user)
    except DomainError as err:
        flash(err.message, "error")
        return redirect(url_for("pdsa.detail", cycle_id=cycle.id))
    flash(f"{following.label} has started with the same objective and questions. Add your predictions.",
          "success")
    return redirect(url_for("pdsa.plan", cycle_id=following.id))


def _stage_page(cycle: PDSACycle, stage: Stage, form: forms.StageForm, save: Callable):
    """Show a stage's form; on a valid post with no unseen patient-data warnings, save and move on."""
    if cycle.stage is not stage:
        flash(f"This cycle is at the {stage_label(cycle.stage)} stage.", "info")
        return redirect(url_for(STAGE_ENDPOINTS[cycle.stage], cycle_id=cycle.id))
    warnings: list[dict] = []
    if not form.adding_row and form.validate_on_submit() and not (warnings := form.pii_warnings()):
        try:
            save(cycle, form.to_input(), actor=current_user, advance=form.advancing)
        except DomainError as err:
            form.show_error(err)
        except VersionConflict as err:
            show_stale(form, err)
        else:
            return _after_save(cycle, stage)
    return render_template(f"pdsa/{stage.value}.html", form=form, cycle=cycle, warnings=warnings,
                           advance_text=ADVANCE_TEXT[stage])


def _after_save(cycle: PDSACycle, stage: Stage):
    if cycle.stage is stage:
        flash("Your changes have been saved.", "success")
    elif cycle.stage is Stage.DONE:
        flash(f"{cycle.label} is finished. The change idea is now marked '{cycle.change_idea.status.value}'.",
              "success")
    else:
        flash(f"Saved. {cycle.label} has moved to {stage_label(cycle.stage)}.", "success")
    return redirect(url_for(STAGE_ENDPOINTS[cycle.stage], cycle_id=cycle.id))
