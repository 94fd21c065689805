"""Entering a measure's data: one point, pasted rows, an uploaded file; deleting a point; downloading as CSV."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from ...audit.services import record_export
from ...core.csv_export import csv_download
from ...core.errors import DomainError, NotFound
from ...core.forms import apply_domain_error
from ...core.permissions import Action, get_for_user_or_404
from ...core.templating import format_date
from .. import queries
from ..forms import ConfirmForm, ImportConfirmForm, PasteForm, PointForm, UploadForm
from ..importers import parse_csv, parse_text, parse_xlsx, to_text
from ..models import DataPoint, Measure
from ..services.data import delete_data_point as delete_point_service
from ..services.data import import_points, points_from_rows, preview_import, record_data_point
from .blueprint import bp
from .measures import measure_page, point_value


@bp.route("/measures/<int:measure_id>/points", methods=["POST"])
def add_point(measure_id: int):
    measure = get_for_user_or_404(Measure, measure_id, current_user, Action.CONTRIBUTE)
    form = PointForm(prefix="point", proportion=measure.is_proportion)
    if form.validate_on_submit():
        try:
            saved = record_data_point(measure, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            verb = "Replaced the value for" if saved.replaced else "Added"
            flash(f"{verb} {format_date(saved.point.period)}: {point_value(saved.point, measure)}.", "success")
            return redirect(url_for("measures.detail", measure_id=measure.id, _anchor="add-point"))
    return measure_page(measure, point=form)


@bp.route("/measures/<int:measure_id>/points/<int:point_id>/delete", methods=["GET", "POST"])
def delete_point(measure_id: int, point_id: int):
    point = get_for_user_or_404(DataPoint, point_id, current_user, Action.CONTRIBUTE)
    if point.measure_id != measure_id:
        raise NotFound(f"point {point_id} of measure {measure_id}")
    form = ConfirmForm()
    if form.validate_on_submit():
        described = f"{format_date(point.period)} ({point_value(point, point.measure)})"
        delete_point_service(point, actor=current_user)
        flash(f"The data for {described} has been deleted.", "success")
        return redirect(url_for("measures.detail", measure_id=measure_id, _anchor="recent-data"))
    return render_template("measures/delete_point.html", form=form, point=point, measure=point.measure)


@bp.route("/measures/<int:measure_id>/points/paste", methods=["GET", "POST"])
def paste(measure_id: int):
    measure = get_for_user_or_404(Measure, measure_id, current_user, Action.CONTRIBUTE)
    form, preview = PasteForm(), None
    if form.validate_on_submit():
        parsed = parse_text(form.pasted.data, proportion=measure.is_proportion)
        preview = preview_import(measure, parsed)
        if not preview.ok:
            form.pasted.errors.append(_problem_summary(preview))
        elif form.is_confirmed:
            return _save(measure, form, parsed)
        else:
            return _confirm_page(measure, preview, to_text(parsed.rows, proportion=measure.is_proportion))
    return render_template("measures/paste.html", form=form, measure=measure, preview=preview)


@bp.route("/measures/<int:measure_id>/points/upload", methods=["GET", "POST"])
def upload(measure_id: int):
    measure = get_for_user_or_404(Measure, measure_id, current_user, Action.CONTRIBUTE)
    form, preview = UploadForm(), None
    if form.validate_on_submit():
        reader = parse_xlsx if form.is_excel else parse_csv
        parsed = reader(form.file.data.read(), proportion=measure.is_proportion)
        preview = preview_import(measure, parsed)
        if preview.ok:
            return _confirm_page(measure, preview, to_text(parsed.rows, proportion=measure.is_proportion),
                                 source=form.file.data.filename)
        form.file.errors.append(_problem_summary(preview))
    return render_template("measures/upload.html", form=form, measure=measure, preview=preview)


@bp.route("/measures/<int:measure_id>/points/download")
def download(measure_id: int):
    measure = get_for_user_or_404(Measure, measure_id, current_user)
    record_export(measure.organisation.id, f"Data of measure {measure.id}, {measure.name} (CSV)")
    return csv_download(measure.name, *queries.points_table(measure))


def _problem_summary(preview) -> str:
    count = len(preview.errors)
    if count == 0:
        return "There is no data to add."
    rows = "1 problem was" if count == 1 else f"{count} problems were"
    return f"{rows} found, listed below. Nothing has been saved. Correct the data and try again."


def _confirm_page(measure: Measure, preview, text: str, source: str | None = None):
    form = ImportConfirmForm(formdata=None, data={"pasted": text, "confirmed": "yes"})
    return render_template("measures/preview.html", form=form, measure=measure, preview=preview, source=source)


def _save(measure: Measure, form: PasteForm, parsed):
    try:
        summary = import_points(measure, points_from_rows(parsed.rows), actor=current_user)
    except DomainError as err:
        form.pasted.errors.append(err.message)
        return render_template("measures/paste.html", form=form, measure=measure, preview=None)
    flash(f"Saved: {summary.added} new, {summary.replaced} replaced, {summary.unchanged} unchanged.", "success")
    return redirect(url_for("measures.detail", measure_id=measure.id))
