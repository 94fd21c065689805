"""Chart images for a measure: the SVG shown on its page and the PNG to download."""

from __future__ import annotations

from io import BytesIO

from flask import Response, abort, send_file
from flask_login import current_user

from ...core.permissions import get_for_user_or_404
from ..models import Measure
from ..services.charts import chart_filename
from ..services.summary import CHART_VIEW_LOAD, chart_for_view
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
    """Load and authorise the measure, then send its chart in ``fmt``."""
    measure = get_for_user_or_404(Measure, measure_id, current_user, options=CHART_VIEW_LOAD)
    data = chart_for_view(measure, fmt)
    if data is None:
        abort(404)
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=fmt == "png",
                     download_name=chart_filename(measure, fmt), max_age=0)
