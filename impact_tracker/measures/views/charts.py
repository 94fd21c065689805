"""Chart images for a measure: the SVG shown on its page and the PNG to download."""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user

from ...core.permissions import get_for_user_or_404
from ..models import Measure
from ..services.summary import StoredChart, drawn_chart, stored_chart
from .blueprint import bp


@bp.get("/measures/<int:measure_id>/chart/svg")
def chart_svg(measure_id: int):
    """The measure's chart as SVG (404 until it has two points)."""
    return _image(measure_id, "svg", mimetype="image/svg+xml")


@bp.get("/measures/<int:measure_id>/chart/png")
def chart_png(measure_id: int):
    """The measure's chart as a PNG download named after the measure (404 until it has two points)."""
    return _image(measure_id, "png", mimetype="image/png")


def _image(measure_id: int, fmt: str, *, mimetype: str) -> Response:
    """The chart drawn when the data changed if there is one; else load, authorise and draw it now."""
    chart = stored_chart(measure_id, fmt, current_user)
    if chart is None:
        chart = drawn_chart(get_for_user_or_404(Measure, measure_id, current_user), fmt)
    if chart is None:
        abort(404)
    return _send(chart, fmt, mimetype)


def _send(chart: StoredChart, fmt: str, mimetype: str) -> Response:
    response = Response(chart.data, mimetype=mimetype)
    response.headers["Cache-Control"] = "no-cache"  # the picture changes with the data: always ask again
    if fmt == "png":
        response.headers["Content-Disposition"] = f'attachment; filename="{chart.filename}"'
    return response
