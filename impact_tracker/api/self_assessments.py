"""Self-assessments over the API: the ones the caller may see, with per-component levels (evidence for insiders)."""

from __future__ import annotations

from flask import current_app, jsonify, request

from ..assessment import queries
from ..assessment.models import SelfAssessment
from ..core.errors import DomainError
from ..core.pagination import paginate, parse_page_args
from ..core.problems import problem
from .blueprint import api_user, bp
from .openapi import documented, register_schema
from .serialisers.assessment import assessment_detail_to_dict, assessment_to_dict

_STRING = {"type": "string"}
_NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}
register_schema("SelfAssessment", {"type": "object", "properties": {
    "id": {"type": "integer"},
    "organisation": {"$ref": "#/components/schemas/Organisation"},
    "period": _STRING, "period_start": _NULLABLE_DATE, "period_end": _NULLABLE_DATE,
    "status": {"enum": ["draft", "final"]}, "shared_with_system": {"type": "boolean"},
    "finalised_at": {"type": ["string", "null"], "format": "date-time"},
    "framework": {"type": "object", "properties": {"name": _STRING, "version": _STRING}},
    "components": {"type": "array", "items": {"type": "object", "properties": {
        "component": _STRING, "name": _STRING, "level": {"type": ["integer", "null"]},
        "level_label": {"type": ["string", "null"]}}}},
    "scale": {"type": "array", "items": {"type": "object", "properties": {
        "level": {"type": "integer"}, "label": _STRING, "descriptor": _STRING}}},
    "participants": {"type": "array", "items": _STRING},
    "responses": {"type": "array", "description": "Only for the organisation's own users.", "items": {
        "type": "object", "properties": {"id": {"type": "integer"}, "component": _STRING, "statement": _STRING,
                                         "text": _STRING, "level": {"type": ["integer", "null"]},
                                         "evidence": _STRING, "version": {"type": "integer"}}}},
    "actions": {"type": "array", "description": "Only for the organisation's own users.", "items": {
        "type": "object", "properties": {"id": {"type": "integer"}, "component": _STRING, "action": _STRING,
                                         "owner": _STRING, "due": _NULLABLE_DATE, "status": _STRING,
                                         "project": {"type": ["integer", "null"]}}}},
    "version": {"type": "integer"},
}})
register_schema("SelfAssessmentList", {"type": "object", "required": ["items", "page", "per_page", "total"],
                                       "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/SelfAssessment"}},
    "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}})


def _levels(assessment: SelfAssessment) -> dict[str, int | None]:
    return queries.stored_levels(assessment) if assessment.is_final else queries.live_levels(assessment)


@bp.get("/self-assessments")
@documented(response="SelfAssessmentList", query=("page", "per_page"))
def list_self_assessments():
    """Self-assessments the caller may see: all of their own organisation's, and shared final ones elsewhere."""
    try:
        page, per_page = parse_page_args(request.args, max_per_page=current_app.config["IMPACT_API_MAX_PER_PAGE"])
    except DomainError as err:
        return problem(422, err.message, errors=[{"field": err.field, "message": err.message}])
    result = paginate(queries.visible_assessments_query(api_user()), page, per_page)
    return jsonify({"items": [assessment_to_dict(item, _levels(item)) for item in result.items],
                    "page": result.page, "per_page": result.per_page, "total": result.total})


@bp.get("/self-assessments/<int:assessment_id>")
@documented(response="SelfAssessment")
def get_self_assessment(assessment_id: int):
    """One self-assessment with per-component levels; answers, evidence and actions only for its own organisation."""
    assessment = queries.get_assessment_or_404(assessment_id, api_user())
    return jsonify(assessment_detail_to_dict(assessment, _levels(assessment),
                                             insider=queries.is_insider(api_user(), assessment)))
