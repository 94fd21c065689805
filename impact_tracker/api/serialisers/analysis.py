"""A measure's analysis as JSON, with the names ANALYSIS.md uses."""

from __future__ import annotations

from dataclasses import asdict

from ...analysis import RunChart
from ...measures.services.charts import MeasureAnalysis, point_signal

_SIGNAL_NAMES = {(True, True): ["shift", "trend"], (True, False): ["shift"], (False, True): ["trend"]}


def analysis_to_dict(analysis: MeasureAnalysis) -> dict:
    """GET /api/v1/measures/{id}/analysis for a measure with at least two points."""
    result = analysis.result
    body = {
        "measure_id": analysis.measure_id,
        "chart": analysis.chart,
        "as_percentage": result.as_percentage,
        "periods": [when.isoformat() for when in analysis.dates],
        "values": list(result.values),
        "period": list(result.period),
        "rebases": [{"period": note.when.isoformat(), "reason": note.label} for note in analysis.rebases],
        "target": analysis.target,
        "summary": analysis.summary,
        "warnings": list(analysis.warnings),
    }
    body |= _run_fields(result) if isinstance(result, RunChart) else _spc_fields(result)
    body["signal_text"] = [point_signal(result, i) for i in range(len(result.values))]
    return body


def empty_analysis(measure_id: int, chart: str, summary: str) -> dict:
    """The same shape for a measure with too few points (or unusable data): empty lists, no icons."""
    return {
        "measure_id": measure_id, "chart": chart, "as_percentage": False, "periods": [], "values": [],
        "period": [], "rebases": [], "target": None, "summary": summary, "warnings": [], "centre": [],
        "mean": None, "upper": None, "lower": None, "signals": [], "signal_text": [], "variation_icon": None,
        "assurance": None,
    }


def _run_fields(result) -> dict:
    """Run chart: the median per point, IHI signals per point, the runs analysis per period."""
    return {
        "centre": list(result.centre),
        "mean": None,
        "upper": None,
        "lower": None,
        "signals": [_SIGNAL_NAMES.get(flags, []) for flags in zip(result.shift, result.trend, strict=True)],
        "runs": [asdict(summary) for summary in result.periods],
        "variation_icon": None,
        "assurance": None,
    }


def _spc_fields(result) -> dict:
    """XmR chart: mean and limits per point, Making Data Count rule and point type, icons."""
    return {
        "centre": list(result.mean),
        "mean": list(result.mean),
        "upper": list(result.upper),
        "lower": list(result.lower),
        "signals": [[rule] if rule else [] for rule in result.rule],
        "point_type": list(result.point_type),
        "rule": list(result.rule),
        "trial_limits": list(result.trial_limits),
        "improvement_direction": result.improvement_direction,
        "variation_icon": result.variation_icon,
        "assurance": result.assurance,
    }
