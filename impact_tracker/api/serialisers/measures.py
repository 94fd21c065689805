"""Measures and their data points to JSON, in the field names the API contract fixes."""

from __future__ import annotations

from ...measures.models import DataPoint, Measure


def measure_to_dict(measure: Measure) -> dict:
    """One measure with its definition, rebases and version."""
    return {
        "id": measure.id,
        "project": measure.project_id,
        "name": measure.name,
        "kind": measure.kind.value,
        "definition": measure.definition,
        "is_proportion": measure.is_proportion,
        "numerator_definition": measure.numerator_definition,
        "denominator_definition": measure.denominator_definition,
        "unit": measure.unit,
        "frequency": measure.frequency.value,
        "improvement_direction": measure.improvement_direction.value,
        "target": measure.target,
        "chart": measure.chart.value,
        "baseline_points": measure.baseline_points,
        "rebase_at": [{"date": r.period.isoformat(), "reason": r.reason} for r in measure.rebases],
        "version": measure.version,
        "created_at": measure.created_at.isoformat() if measure.created_at else None,
        "updated_at": measure.updated_at.isoformat() if measure.updated_at else None,
    }


def point_to_dict(point: DataPoint, measure: Measure) -> dict:
    """One period's data: `value`, or `numerator`, `denominator` and the `percentage` they make."""
    if measure.is_proportion:
        numbers = {"numerator": point.numerator, "denominator": point.denominator,
                   "percentage": point.plotted_value}
    else:
        numbers = {"value": point.value}
    return {"period": point.period.isoformat(), **numbers, "annotation": point.annotation}
