"""Measures API: a project's measures, one measure, and its data points (upserted by period, all or nothing)."""

from __future__ import annotations

from datetime import date

from flask import jsonify, request, url_for

from ..core.errors import VersionConflict
from ..core.pagination import paginate, parse_page_args
from ..core.permissions import Action, get_for_user_or_404
from ..core.problems import problem
from ..measures import queries
from ..measures.importers import MAX_ROWS
from ..measures.models import ChartType, Direction, Frequency, Measure, MeasureKind
from ..measures.services.data import InvalidPoints, PointInput, import_points
from ..measures.services.definitions import MeasureInput, create_measure, update_measure
from ..projects.models import Project
from .blueprint import api_user, bp
from .openapi import documented, register_schema
from .parsing import Fields, InvalidFields, json_body
from .serialisers.measures import measure_to_dict, point_to_dict

_NUMBER_OR_NULL = {"type": ["number", "null"]}
register_schema("Measure", {
    "type": "object",
    "required": ["name", "kind"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "project": {"type": "integer", "readOnly": True},
        "name": {"type": "string", "maxLength": 160},
        "kind": {"enum": [k.value for k in MeasureKind]},
        "definition": {"type": "string", "maxLength": 2000},
        "is_proportion": {"type": "boolean", "description": "entered as numerator and denominator"},
        "numerator_definition": {"type": "string", "maxLength": 2000},
        "denominator_definition": {"type": "string", "maxLength": 2000},
        "unit": {"type": "string", "maxLength": 40},
        "frequency": {"enum": [f.value for f in Frequency]},
        "improvement_direction": {"enum": [d.value for d in Direction]},
        "target": _NUMBER_OR_NULL,
        "chart": {"enum": [c.value for c in ChartType]},
        "baseline_points": {"type": ["integer", "null"], "minimum": 2, "maximum": 100},
        "rebase_at": {"type": "array", "readOnly": True, "items": {"type": "object", "properties": {
            "date": {"type": "string", "format": "date"}, "reason": {"type": "string"}}}},
        "version": {"type": "integer", "description": "send the version you read when changing a measure"},
    },
})
register_schema("MeasureList", {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Measure"}},
    "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}})
register_schema("DataPoint", {"type": "object", "required": ["period"], "properties": {
    "period": {"type": "string", "format": "date"}, "value": _NUMBER_OR_NULL, "numerator": _NUMBER_OR_NULL,
    "denominator": _NUMBER_OR_NULL, "percentage": {**_NUMBER_OR_NULL, "readOnly": True},
    "annotation": {"type": "string", "maxLength": 300}}})
register_schema("DataPointList", {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/DataPoint"}},
    "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}})
register_schema("DataPointUpsert", {"type": "object", "required": ["points"], "properties": {
    "points": {"type": "array", "maxItems": MAX_ROWS, "items": {"$ref": "#/components/schemas/DataPoint"}}}})
register_schema("DataPointUpsertResult", {"type": "object", "properties": {
    "added": {"type": "integer"}, "replaced": {"type": "integer"}, "unchanged": {"type": "integer"},
    "total": {"type": "integer"}}})

_MEASURE_TEXT = {"definition": 2000, "numerator_definition": 2000, "denominator_definition": 2000, "unit": 40}


@bp.get("/projects/<int:project_id>/measures")
@documented(response="MeasureList", query=("page", "per_page"))
def measures_list(project_id: int):
    """The project's measures: outcome, then process, then balancing."""
    project = get_for_user_or_404(Project, project_id, api_user())
    page_number, per_page = parse_page_args(request.args, max_per_page=200)
    page = paginate(queries.measures_query(project), page_number, per_page)
    return jsonify(items=[measure_to_dict(m) for m in page.items], page=page.page, per_page=page.per_page,
                   total=page.total)


@bp.post("/projects/<int:project_id>/measures")
@documented(request="Measure", response="Measure", status=201)
def measures_create(project_id: int):
    """Add a measure to the project."""
    user = api_user()
    project = get_for_user_or_404(Project, project_id, user, Action.CONTRIBUTE)
    measure = create_measure(project, _measure_input(json_body()), actor=user)
    response = jsonify(measure_to_dict(measure))
    response.status_code, response.headers["Location"] = 201, url_for("api.measures_get", measure_id=measure.id)
    return response


@bp.get("/measures/<int:measure_id>")
@documented(response="Measure")
def measures_get(measure_id: int):
    """One measure, with its rebases and version."""
    return jsonify(measure_to_dict(get_for_user_or_404(Measure, measure_id, api_user())))


@bp.patch("/measures/<int:measure_id>")
@documented(request="Measure", response="Measure")
def measures_update(measure_id: int):
    """Change a measure; send the `version` you read (409 with the current measure if it is stale)."""
    user = api_user()
    measure = get_for_user_or_404(Measure, measure_id, user, Action.CONTRIBUTE)
    body = json_body()
    version = Fields(body).integer("version", required=True)
    if version is None:
        raise InvalidFields([{"field": "version", "message": "is required: send the version you read"}])
    data = _measure_input({**measure_to_dict(measure), **body})
    try:
        update_measure(measure, data, expected_version=version, actor=user)
    except VersionConflict as conflict:
        return problem(409, "The measure was changed by someone else since you read it.",
                       extra={"current": measure_to_dict(conflict.current)})
    return jsonify(measure_to_dict(measure))


@bp.get("/measures/<int:measure_id>/points")
@documented(response="DataPointList", query=("page", "per_page"))
def points_list(measure_id: int):
    """The measure's data points, oldest first."""
    measure = get_for_user_or_404(Measure, measure_id, api_user())
    page_number, per_page = parse_page_args(request.args, max_per_page=200)
    page = paginate(queries.points_query(measure), page_number, per_page)
    return jsonify(items=[point_to_dict(p, measure) for p in page.items], page=page.page, per_page=page.per_page,
                   total=page.total)


@bp.put("/measures/<int:measure_id>/points")
@documented(request="DataPointUpsert", response="DataPointUpsertResult")
def points_upsert(measure_id: int):
    """Add or replace points by period, up to 10,000 at once: all are saved, or none (422 lists each bad row)."""
    user = api_user()
    measure = get_for_user_or_404(Measure, measure_id, user, Action.CONTRIBUTE)
    rows = json_body().get("points")
    if not isinstance(rows, list):
        raise InvalidFields([{"field": "points", "message": "must be a list of points"}])
    if len(rows) > MAX_ROWS:
        return problem(413, f"Send up to {MAX_ROWS:,} points at once; this request has {len(rows):,}.")
    points = _points(rows)
    try:
        summary = import_points(measure, points, actor=user)
    except InvalidPoints as err:
        raise InvalidFields([{"field": f"points[{e.index}].{e.field}", "message": e.message}
                             for e in err.errors]) from None
    return jsonify(added=summary.added, replaced=summary.replaced, unchanged=summary.unchanged,
                   total=queries.count_points(measure))


def _measure_input(body: dict) -> MeasureInput:
    """A MeasureInput from a JSON object; raises InvalidFields listing every bad field."""
    fields = Fields(body)
    text = {name: fields.text(name, max_length=limit) for name, limit in _MEASURE_TEXT.items()}
    data = MeasureInput(
        name=fields.text("name", max_length=160, required=True),
        kind=fields.choice("kind", MeasureKind) or MeasureKind.OUTCOME,
        is_proportion=_boolean(fields, "is_proportion"),
        frequency=fields.choice("frequency", Frequency, Frequency.WEEKLY),
        improvement_direction=fields.choice("improvement_direction", Direction, Direction.INCREASE),
        target=_number(fields, "target"),
        chart=fields.choice("chart", ChartType, ChartType.XMR),
        baseline_points=fields.integer("baseline_points"),
        **text,
    )
    if body.get("kind") is None:
        fields.errors.append({"field": "kind", "message": "is required: outcome, process or balancing"})
    fields.check()
    return data


def _points(rows: list) -> list[PointInput]:
    """PointInputs from the JSON rows; raises InvalidFields naming each bad row as points[i].field."""
    points, errors = [], []
    for index, row in enumerate(rows):
        fields = Fields(row if isinstance(row, dict) else {}, prefix=f"points[{index}].")
        if not isinstance(row, dict):
            fields.errors.append({"field": f"points[{index}]", "message": "must be an object"})
        period = fields.day("period")
        if isinstance(row, dict) and row.get("period") in (None, ""):
            fields.errors.append({"field": f"points[{index}].period", "message": "is required (YYYY-MM-DD)"})
        point = PointInput(period or date.min, value=_number(fields, "value"), numerator=_number(fields, "numerator"),
                           denominator=_number(fields, "denominator"),
                           annotation=fields.text("annotation", max_length=300))
        errors += fields.errors
        points.append(point)
    if errors:
        raise InvalidFields(errors)
    return points


def _number(fields: Fields, name: str) -> float | None:
    value = fields.body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        fields.errors.append({"field": fields.prefix + name, "message": "must be a number or null"})
        return None
    return float(value)


def _boolean(fields: Fields, name: str) -> bool:
    value = fields.body.get(name, False)
    if not isinstance(value, bool):
        fields.errors.append({"field": fields.prefix + name, "message": "must be true or false"})
        return False
    return value
