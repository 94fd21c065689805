"""Portfolio API: one organisation's portfolio, and a system's roll-up with a row per organisation."""

from __future__ import annotations

from flask import jsonify, request

from ..portfolio import services
from ..portfolio.queries import PERIODS, Filters
from .blueprint import api_user, bp
from .openapi import documented, register_schema
from .parsing import Fields
from .serialisers.portfolio import organisation_page_to_dict, rollup_row_to_dict

_COUNT = {"oneOf": [{"type": "integer"}, {"type": "string", "description": "a suppressed count, e.g. \"<8\""}]}
register_schema("OrganisationPortfolio", {"type": "object", "properties": {
    "organisation": {"$ref": "#/components/schemas/Organisation"},
    "projects_by_status": {"type": "object", "additionalProperties": {"type": "integer"}},
    "active_projects": {"type": "integer"}, "stalled_projects": {"type": "integer"},
    "mean_progress_score": {"type": ["number", "null"]}, "pdsa_cycles_per_month": {"type": "number"},
    "people_engaged": {"type": "integer"}, "people_trained": {"type": "integer"},
    "headcount": {"type": ["integer", "null"]}, "trained_share_percent": {"type": ["number", "null"]},
    "coaches": {"type": "object"}, "improvement_fte": {"type": "object"},
    "progress_scores": {"type": "array"}, "cycles_by_month": {"type": "array"},
    "capability_by_tier": {"type": "array"}, "measures": {"type": "array"},
    "self_assessment": {"type": ["object", "null"]},
}})
register_schema("SystemPortfolio", {"type": "object", "properties": {
    "system": {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
    "months": {"type": "integer"}, "suppressed_below": {"type": "integer"},
    "organisations": {"type": "array", "items": {"type": "object", "properties": {
        "organisation": {"$ref": "#/components/schemas/Organisation"}, "people_engaged": _COUNT,
        "people_trained": _COUNT, "coaches": {"type": "object", "properties": {"trained": _COUNT,
                                                                               "active": _COUNT}}}}},
}})


def _filters() -> Filters:
    fields = Fields({})
    months = request.args.get("months", "12")
    if months not in {str(period) for period in PERIODS}:
        fields.errors.append({"field": "months", "message": f"must be one of {', '.join(map(str, PERIODS))}"})
    fields.check()
    return Filters(months=int(months))


@bp.get("/organisations/<code>/portfolio")
@documented(response="OrganisationPortfolio", query=("months",))
def organisation_portfolio(code: str):
    """One organisation's portfolio: projects, progress scores, cycles per month, capability, capacity."""
    user = api_user()
    organisation = services.organisation_for(user, code)
    return jsonify(organisation_page_to_dict(services.organisation_page(user, organisation, _filters())))


@bp.get("/systems/<code>/portfolio")
@documented(response="SystemPortfolio", query=("months",))
def system_portfolio(code: str):
    """A system's roll-up: the same figures, one row per organisation, small counts of people suppressed."""
    user = api_user()
    system = services.system_for(user, code)
    filters = _filters()
    rows = services.rollup(user, {"system_id": system.id}, filters)
    return jsonify(system={"code": system.code, "name": system.name}, months=filters.months,
                   suppressed_below=services.suppress_below(),
                   organisations=[rollup_row_to_dict(row) for row in rows])
