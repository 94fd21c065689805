"""Projects API: list and register projects, read, change and archive one."""

from __future__ import annotations

from flask import jsonify, request, url_for

from ..core.errors import VersionConflict
from ..core.impact import ImpactComponent
from ..core.pagination import paginate, parse_page_args
from ..core.permissions import Action, get_for_user_or_404
from ..core.problems import problem
from ..orgs.queries import get_organisation_by_code
from ..projects import queries, services
from ..projects.models import Method, Project, ProjectStatus
from .blueprint import api_user, bp
from .openapi import documented, register_schema
from .parsing import Fields, json_body
from .serialisers.projects import project_to_dict

register_schema("Project", {
    "type": "object",
    "required": ["title", "aim"],
    "properties": {
        "id": {"type": "integer", "readOnly": True},
        "title": {"type": "string", "maxLength": 160},
        "problem": {"type": "string", "maxLength": 4000},
        "aim": {"type": "object", "properties": {
            "what": {"type": "string", "maxLength": 300}, "baseline": {"type": "string", "maxLength": 80},
            "target": {"type": "string", "maxLength": 80}, "by": {"type": ["string", "null"], "format": "date"},
            "for_whom": {"type": "string", "maxLength": 200}}},
        "status": {"enum": [s.value for s in ProjectStatus]},
        "unit": {"type": ["integer", "object", "null"], "description": "unit id when writing; {id, name} when read",
                 "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}},
        "impact_components": {"type": "array", "items": {"enum": [c.value for c in ImpactComponent]}},
        "start": {"type": ["string", "null"], "format": "date"},
        "expected_end": {"type": ["string", "null"], "format": "date"},
        "strategic_priority": {"type": "string", "maxLength": 200},
        "method": {"enum": [m.value for m in Method]},
        "progress_score": {"type": ["object", "null"], "readOnly": True},
        "team": {"type": "array", "readOnly": True},
        "archived_at": {"type": ["string", "null"], "format": "date-time", "readOnly": True,
                        "description": "when the project was archived (DELETE); null while it is in use"},
        "version": {"type": "integer"},
    },
})
register_schema("ProjectPage", {"type": "object", "properties": {
    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Project"}},
    "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}})


@bp.get("/projects")
@documented(response="ProjectPage", query=("status", "organisation", "page", "per_page"))
def projects_list():
    """Projects the caller may see, newest first; filter by status and organisation code."""
    user = api_user()
    fields = Fields(dict(request.args))
    status = fields.choice("status", ProjectStatus)
    page_number, per_page = parse_page_args(request.args, max_per_page=200)
    fields.check()
    query = queries.projects_query(user, queries.ProjectFilters(status=status))
    if request.args.get("organisation"):
        organisation = get_organisation_by_code(request.args["organisation"])
        query = query.where(Project.organisation_id == (organisation.id if organisation else -1))
    page = paginate(query, page_number, per_page)
    return jsonify(items=[project_to_dict(p) for p in page.items], page=page.page, per_page=page.per_page,
                   total=page.total)


@bp.post("/projects")
@documented(response="Project", request="Project", status=201)
def projects_create():
    """Register a project in the caller's organisation."""
    user = api_user()
    if user.organisation is None:
        return problem(403, "Only people in an organisation can register projects.")
    data = _project_input(json_body())
    project = services.create_project(user.organisation, data, actor=user)
    response = jsonify(project_to_dict(project))
    response.status_code, response.headers["Location"] = 201, url_for("api.projects_get", project_id=project.id)
    return response


@bp.get("/projects/<int:project_id>")
@documented(response="Project")
def projects_get(project_id: int):
    """One project, with its progress score, team and version."""
    return jsonify(project_to_dict(get_for_user_or_404(Project, project_id, api_user())))


@bp.patch("/projects/<int:project_id>")
@documented(response="Project", request="Project")
def projects_update(project_id: int):
    """Change a project; send the `version` you read (409 with the current project if it is stale)."""
    user = api_user()
    project = get_for_user_or_404(Project, project_id, user, Action.CONTRIBUTE)
    body, current = json_body(), project_to_dict(project)
    aim = {**current["aim"], **body["aim"]} if isinstance(body.get("aim"), dict) else body.get("aim", current["aim"])
    data = _project_input({**current, "unit": project.unit_id, **body, "aim": aim, "version": body.get("version")},
                          require_version=True)
    try:
        services.update_project(project, data, actor=user)
    except VersionConflict:
        return problem(409, "The project was changed by someone else since you read it.",
                       extra={"current": project_to_dict(project)})
    return jsonify(project_to_dict(project))


@bp.delete("/projects/<int:project_id>")
@documented(status=204)
def projects_delete(project_id: int):
    """Archive a project (204): it leaves every list and becomes read-only; an organisation lead can restore it."""
    user = api_user()
    project = get_for_user_or_404(Project, project_id, user, Action.CONTRIBUTE)
    if project.archived_at is None:
        services.archive_project(project, actor=user)
    return "", 204


@bp.errorhandler(services.ProjectArchived)
def _archived(err: services.ProjectArchived):
    return problem(409, err.message)


def _project_input(body: dict, *, require_version: bool = False) -> services.ProjectInput:
    fields = Fields(body)
    aim = body.get("aim") or {}
    aim_fields = Fields(aim if isinstance(aim, dict) else {}, prefix="aim.")
    data = services.ProjectInput(
        title=fields.text("title", max_length=160, required=True),
        problem=fields.text("problem", max_length=4000),
        aim_what=aim_fields.text("what", max_length=300, required=True),
        aim_baseline=aim_fields.text("baseline", max_length=80),
        aim_target=aim_fields.text("target", max_length=80),
        aim_by=aim_fields.day("by"),
        aim_for_whom=aim_fields.text("for_whom", max_length=200),
        unit_id=fields.integer("unit"),
        status=fields.choice("status", ProjectStatus, ProjectStatus.PROPOSED),
        start_date=fields.day("start"),
        expected_end_date=fields.day("expected_end"),
        components=_components(body.get("impact_components", []), fields),
        strategic_priority=fields.text("strategic_priority", max_length=200),
        method=fields.choice("method", Method, Method.MODEL_FOR_IMPROVEMENT),
        version=fields.integer("version", required=require_version),
    )
    fields.errors += aim_fields.errors
    fields.check()
    return data


def _components(values, fields: Fields) -> tuple[ImpactComponent, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v in set(ImpactComponent) for v in values):
        fields.errors.append({"field": "impact_components",
                              "message": "must be a list of: " + ", ".join(c.value for c in ImpactComponent)})
        return ()
    return tuple(ImpactComponent(v) for v in values)


