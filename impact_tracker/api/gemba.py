"""Gemba walks over the API: the tablets' idempotent PUT by client id, and the organisation's list."""

from __future__ import annotations

from datetime import time

from flask import current_app, jsonify, request, url_for
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError, PermissionDenied, VersionConflict
from ..core.pagination import paginate, parse_page_args
from ..core.problems import problem
from ..gemba import queries, services
from ..gemba.models import ActionStatus, ConcernCategory, StaffRole, WalkType
from .blueprint import api_user, bp
from .openapi import documented, register_schema
from .parsing import Fields, InvalidFields, json_body, whole_number_problem
from .serialisers.gemba import walk_to_dict, walk_warnings

TEXT_LIMIT = 10_000
ACTION_LIMIT = 300

_STRING = {"type": "string"}
_DATE = {"type": ["string", "null"], "format": "date"}
_ACTION = {"type": "object", "required": ["what", "owner", "due"], "properties": {
    "what": {"type": "string", "maxLength": ACTION_LIMIT}, "owner": {"type": "string", "format": "email"},
    "due": _DATE, "status": {"enum": [s.value for s in ActionStatus]}, "fed_back_on": _DATE,
    "fed_back_how": {"type": "string", "maxLength": ACTION_LIMIT}}}
_WRITABLE = {
    "date": {"type": "string", "format": "date"},
    "time": {"type": ["string", "null"], "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
    "type": {"enum": [t.value for t in WalkType]},
    "unit": {"type": ["integer", "null"]},
    "leaders": {"type": "array", "items": {"type": "string", "format": "email"}},
    "staff_roles": {"type": "array", "items": {"type": "object", "required": ["role", "count"], "properties": {
        "role": {"enum": [r.value for r in StaffRole]}, "count": {"type": "integer", "minimum": 1}}}},
    "observations": _STRING, "went_well": _STRING, "ideas": _STRING,
    "concerns": {"type": "array", "items": {"type": "object", "required": ["category", "text"], "properties": {
        "category": {"enum": [c.value for c in ConcernCategory]}, "text": _STRING}}},
    "projects": {"type": "array", "items": {"type": "integer"}},
    "change_ideas": {"type": "array", "items": {"type": "integer"}},
    "actions": {"type": "array", "items": _ACTION},
    "version": {"type": ["integer", "null"], "description": "The version you last read; leave out for a new walk"},
}
register_schema("GembaWalkPut", {"type": "object", "required": ["date"], "properties": _WRITABLE})
register_schema("GembaWalk", {"type": "object", "properties": {
    **_WRITABLE, "id": {"type": "integer"}, "client_id": {"type": "string", "format": "uuid"},
    "organisation": _STRING, "unit_name": {"type": ["string", "null"]}, "version": {"type": "integer"},
    "warnings": {"type": "array", "items": {"type": "object", "properties": {"field": _STRING, "message": _STRING}}},
}})
register_schema("GembaWalkList", {"type": "object", "required": ["items", "page", "per_page", "total"],
                                  "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/GembaWalk"}},
    "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}})


@bp.get("/gemba-walks")
@documented(response="GembaWalkList", query=("page", "per_page"))
def list_walks():
    """The walks the caller may see (their organisation's), newest first, a page at a time."""
    try:
        page, per_page = parse_page_args(request.args, max_per_page=current_app.config["IMPACT_API_MAX_PER_PAGE"])
    except DomainError as err:
        raise InvalidFields([{"field": err.field, "message": err.message}]) from err
    result = paginate(queries.walks_query(api_user()), page, per_page)
    return jsonify({"items": [walk_to_dict(walk) for walk in result.items], "page": result.page,
                    "per_page": result.per_page, "total": result.total})


@bp.put("/gemba-walks/<client_uuid>")
@documented(request="GembaWalkPut", response="GembaWalk")
def put_walk(client_uuid: str):
    """Create (201) or update (200) the walk a tablet made with this UUID; the same body twice makes one walk.

    A walk changed since the `version` sent (or sent without one) is a 409 with the current walk under `current`.
    """
    user = api_user()
    if user.organisation is None:
        raise PermissionDenied("only people in an organisation record walks")
    data = read_walk(json_body())
    try:
        saved = _save(user, client_uuid, data)
    except VersionConflict as err:
        return problem(409, str(err), extra={"current": walk_to_dict(err.current)})
    body = walk_to_dict(saved.walk)
    body["warnings"] = walk_warnings(body)
    body["url"] = url_for("gemba.detail", walk_id=saved.walk.id)
    return jsonify(body), 201 if saved.created else 200


def _save(user, client_uuid: str, data: services.WalkInput) -> services.SavedWalk:
    try:
        return services.save_walk(user.organisation, client_uuid.lower(), data, actor=user)
    except IntegrityError:
        # The same walk arrived twice at once and the other request made it first: this one is a retry.
        return services.save_walk(user.organisation, client_uuid.lower(), data, actor=user)


def read_walk(body: dict) -> services.WalkInput:
    """The WalkInput in a PUT body; raises InvalidFields (a 422) listing every bad field."""
    fields = Fields(body)
    walked_on = fields.day("date")
    if walked_on is None and "date" not in {e["field"] for e in fields.errors}:
        fields.errors.append({"field": "date", "message": "is required"})
    data = services.WalkInput(
        walked_on=walked_on, walk_type=fields.choice("type", WalkType, WalkType.GEMBA),
        start_time=_time(fields, "time"), unit_id=fields.integer("unit"),
        leaders=tuple(_strings(fields, "leaders")), staff_roles=tuple(_rows(fields, "staff_roles", _staff_role)),
        observations=fields.text("observations", max_length=TEXT_LIMIT),
        went_well=fields.text("went_well", max_length=TEXT_LIMIT), ideas=fields.text("ideas", max_length=TEXT_LIMIT),
        concerns=tuple(_rows(fields, "concerns", _concern)), projects=tuple(_integers(fields, "projects")),
        change_ideas=tuple(_integers(fields, "change_ideas")), actions=tuple(_rows(fields, "actions", _action)),
        version=fields.integer("version"),
    )
    fields.check()
    return data


def _time(fields: Fields, name: str) -> time | None:
    value = fields.body.get(name)
    if value in (None, ""):
        return None
    try:
        parsed = time.fromisoformat(value)
    except (TypeError, ValueError):
        fields.errors.append({"field": name, "message": "must be a time as HH:MM"})
        return None
    return parsed.replace(second=0, microsecond=0)


def _list(fields: Fields, name: str) -> list:
    value = fields.body.get(name) or []
    if not isinstance(value, list):
        fields.errors.append({"field": name, "message": "must be a list"})
        return []
    return value


def _strings(fields: Fields, name: str) -> list[str]:
    values = _list(fields, name)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            fields.errors.append({"field": f"{name}[{i}]", "message": "must be a string"})
    return [value for value in values if isinstance(value, str)]


def _integers(fields: Fields, name: str) -> list[int]:
    values = _list(fields, name)
    for i, value in enumerate(values):
        if problem_found := whole_number_problem(value):
            fields.errors.append({"field": f"{name}[{i}]", "message": problem_found})
    return [value for value in values if whole_number_problem(value) is None]


def _rows(fields: Fields, name: str, read) -> list:
    rows = []
    for i, item in enumerate(_list(fields, name)):
        if not isinstance(item, dict):
            fields.errors.append({"field": f"{name}[{i}]", "message": "must be an object"})
            continue
        row = Fields(item, prefix=f"{name}[{i}].")
        rows.append(read(row))
        fields.errors.extend(row.errors)
    return rows


def _staff_role(row: Fields) -> services.StaffRoleInput:
    role = row.choice("role", StaffRole)
    if role is None and not row.errors:
        _required(row, "role")
    return services.StaffRoleInput(role or StaffRole.OTHER, row.integer("count", required=True) or 0)


def _concern(row: Fields) -> services.ConcernInput:
    category = row.choice("category", ConcernCategory)
    if category is None and not row.errors:
        _required(row, "category")
    return services.ConcernInput(category or ConcernCategory.OTHER, row.text("text", max_length=TEXT_LIMIT,
                                                                             required=True))


def _action(row: Fields) -> services.ActionInput:
    what = row.text("what", max_length=ACTION_LIMIT, required=True)
    owner = row.text("owner", max_length=254, required=True)
    due = row.day("due")
    if due is None and "due" not in row.body:
        _required(row, "due")
    return services.ActionInput(what, owner, due, row.choice("status", ActionStatus, ActionStatus.OPEN),
                                row.day("fed_back_on"), row.text("fed_back_how", max_length=ACTION_LIMIT))


def _required(row: Fields, name: str) -> None:
    row.errors.append({"field": row.prefix + name, "message": "is required"})
