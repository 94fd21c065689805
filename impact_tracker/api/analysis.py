"""GET /api/v1/measures/{id}/analysis: the run chart or XmR analysis of a measure's points."""

from __future__ import annotations

from flask import jsonify

from ..core.errors import DomainError
from ..core.permissions import get_for_user_or_404
from ..core.problems import problem
from ..measures.models import Measure
from ..measures.services.charts import TOO_FEW_POINTS, analyse_measure
from .blueprint import api_user, bp
from .openapi import documented, register_schema
from .serialisers.analysis import analysis_to_dict, empty_analysis

_NUMBERS = {"type": "array", "items": {"type": "number"}}
_OPTIONAL_NUMBERS = {"type": ["array", "null"], "items": {"type": ["number", "null"]}}
_STRINGS = {"type": "array", "items": {"type": "string"}}

register_schema("Analysis", {
    "type": "object",
    "required": ["measure_id", "chart", "periods", "values", "centre", "mean", "upper", "lower", "signals",
                 "variation_icon", "assurance", "summary"],
    "properties": {
        "measure_id": {"type": "integer"},
        "chart": {"enum": ["run", "xmr"]},
        "as_percentage": {"type": "boolean"},
        "periods": {"type": "array", "items": {"type": "string", "format": "date"}},
        "values": _NUMBERS,
        "period": {"type": "array", "items": {"type": "integer"}, "description": "0-based period per point"},
        "rebases": {"type": "array", "items": {"type": "object", "properties": {
            "period": {"type": "string", "format": "date"}, "reason": {"type": "string"}}}},
        "target": {"type": ["number", "null"]},
        "centre": _NUMBERS,
        "mean": _OPTIONAL_NUMBERS,
        "upper": _OPTIONAL_NUMBERS,
        "lower": _OPTIONAL_NUMBERS,
        "signals": {"type": "array", "items": _STRINGS,
                    "description": "per point: shift/trend (run) or the Making Data Count rule (xmr)"},
        "signal_text": _STRINGS,
        "point_type": _STRINGS,
        "rule": {"type": "array", "items": {"type": ["string", "null"]}},
        "trial_limits": {"type": "array", "items": {"type": "boolean"}},
        "runs": {"type": "array", "items": {"type": "object"}},
        "improvement_direction": {"enum": ["increase", "decrease", "neutral"]},
        "variation_icon": {"type": ["string", "null"]},
        "assurance": {"enum": ["pass", "fail", "hit_and_miss", None]},
        "summary": {"type": "string"},
        "warnings": _STRINGS,
    },
})


@bp.get("/measures/<int:measure_id>/analysis")
@documented(response="Analysis")
def measure_analysis(measure_id: int):
    """The analysis of a measure's points: centre, limits, per-point signals, icons and a plain summary."""
    measure = get_for_user_or_404(Measure, measure_id, api_user())
    try:
        analysis = analyse_measure(measure)
    except DomainError as error:
        return problem(422, error.message, errors=[{"field": error.field, "message": error.message}])
    if analysis is None:
        return jsonify(empty_analysis(measure.id, measure.chart.value, TOO_FEW_POINTS))
    return jsonify(analysis_to_dict(analysis))
