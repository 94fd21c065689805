"""Measure pages: add and change a measure, the measure page, rebasing, and the block on the project page."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...core.errors import DomainError, NotFound, VersionConflict
from ...core.forms import apply_domain_error, choices, show_conflict
from ...core.permissions import Action, can, get_for_user_or_404
from ...core.pii import WHY_NOT_STORED
from ...core.templating import format_date
from ...projects.models import Project
from ...projects.views import add_project_section
from .. import queries
from ..forms import ConfirmForm, MeasureForm, PointForm, RebaseForm, measure_form_data
from ..models import Measure, Rebase
from ..services import charts
from ..services.data import next_period
from ..services.definitions import add_rebase, create_measure, remove_rebase, update_measure
from .blueprint import bp


def _project_section(project: Project, user) -> dict:
    return {"project": project, "groups": queries.project_measures(project),
            "can_contribute": can(user, Action.CONTRIBUTE, project.organisation)}


add_project_section("measures", 20, "measures/_project_measures.html", _project_section)


@bp.app_template_filter("point_value")
def point_value(point, measure: Measure) -> str:
    """A point as people read it: '45.2% (19 of 42)' for a proportion, else the value and unit."""
    if point is None:
        return "No data yet"
    if measure.is_proportion:
        if point.numerator is None or not point.denominator:
            return "–"
        return f"{100 * point.numerator / point.denominator:.1f}% ({point.numerator:g} of {point.denominator:g})"
    unit = f" {measure.unit}" if measure.unit and measure.unit != "%" else measure.unit
    return f"{point.value:g}{unit}" if point.value is not None else "–"


@bp.route("/projects/<int:project_id>/measures/new", methods=["GET", "POST"])
def new_measure(project_id: int):
    project = get_for_user_or_404(Project, project_id, current_user, Action.CONTRIBUTE)
    form = MeasureForm()
    if form.validate_on_submit():
        try:
            measure = create_measure(project, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"{measure.name} has been added. Enter its first data below.", "success")
            return redirect(url_for("measures.detail", measure_id=measure.id))
    return render_template("measures/form.html", form=form, project=project, measure=None, why=WHY_NOT_STORED)


@bp.route("/measures/<int:measure_id>/edit", methods=["GET", "POST"])
def edit_measure(measure_id: int):
    measure = get_for_user_or_404(Measure, measure_id, current_user, Action.CONTRIBUTE)
    form = MeasureForm(data=measure_form_data(measure))
    if form.validate_on_submit():
        try:
            update_measure(measure, form.to_input(), expected_version=form.expected_version(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        except VersionConflict:
            show_conflict(form, MeasureForm(formdata=None, data=measure_form_data(measure)), "Someone else changed "
                          "this measure while you were editing it. Both versions are shown below; save again to keep "
                          "yours.")
        else:
            flash(f"{measure.name} has been updated.", "success")
            return redirect(url_for("measures.detail", measure_id=measure.id))
    return render_template("measures/form.html", form=form, project=measure.project, measure=measure,
                           why=WHY_NOT_STORED)


@bp.route("/measures/<int:measure_id>")
def detail(measure_id: int):
    measure = get_for_user_or_404(Measure, measure_id, current_user)
    return measure_page(measure)


@bp.route("/measures/<int:measure_id>/rebases", methods=["POST"])
def rebase(measure_id: int):
    measure = get_for_user_or_404(Measure, measure_id, current_user, Action.CONTRIBUTE)
    form = rebase_form(measure)
    if form.validate_on_submit():
        try:
            added = add_rebase(measure, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"The centre line and limits now start again from {format_date(added.period)}.", "success")
            return redirect(url_for("measures.detail", measure_id=measure.id, _anchor="rebases"))
    return measure_page(measure, rebase=form)


@bp.route("/measures/<int:measure_id>/rebases/<int:rebase_id>/delete", methods=["GET", "POST"])
def delete_rebase(measure_id: int, rebase_id: int):
    found = get_for_user_or_404(Rebase, rebase_id, current_user, Action.CONTRIBUTE)
    if found.measure_id != measure_id:
        raise NotFound(f"rebase {rebase_id} of measure {measure_id}")
    form = ConfirmForm()
    if form.validate_on_submit():
        remove_rebase(found, actor=current_user)
        flash(f"The limits no longer start again from {format_date(found.period)}.", "success")
        return redirect(url_for("measures.detail", measure_id=measure_id, _anchor="rebases"))
    return render_template("measures/delete_rebase.html", form=form, rebase=found, measure=found.measure)


def rebase_form(measure: Measure, **kwargs) -> RebaseForm:
    """The add-a-rebase form, offering the periods with data after the first."""
    form = RebaseForm(prefix="rebase", **kwargs)
    form.period.choices = choices((p.isoformat(), format_date(p)) for p in queries.rebase_periods(measure))
    return form


def point_form(measure: Measure, **kwargs) -> PointForm:
    """The add-one-point form, its period set to the next one after the latest point."""
    latest = queries.latest_points([measure.id]).get(measure.id)
    period = next_period(measure.frequency, latest.period if latest else None, date.today())
    return PointForm(prefix="point", proportion=measure.is_proportion, data={"period": period}, **kwargs)


def measure_page(measure: Measure, *, point: PointForm | None = None, rebase: RebaseForm | None = None,
                 changing=None):
    """Render the measure page, with the given forms (showing their errors) or fresh ones."""
    contributor = can(current_user, Action.CONTRIBUTE, measure.organisation)
    if point is None and contributor:
        changing = queries.point_of(measure, request.args.get("change", type=int))
        point = point_form(measure, formdata=None, obj=changing)
    if rebase is None and contributor:
        rebase = rebase_form(measure, formdata=None)
    return render_template(
        "measures/detail.html", measure=measure, panel=charts.chart_panel(measure),
        recent=queries.recent_points(measure), total=queries.count_points(measure), can_contribute=contributor,
        point_form=point, rebase_form=rebase,
        changing=changing, why=WHY_NOT_STORED,
    )
