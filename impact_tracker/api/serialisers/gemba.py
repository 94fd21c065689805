"""Gemba walks to JSON, in the field names the API contract fixes."""

from __future__ import annotations

from datetime import date

from ...core.pii import find_pii
from ...gemba.models import GembaWalk, WalkAction


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def walk_to_dict(walk: GembaWalk) -> dict:
    """One walk, as GET /api/v1/gemba-walks lists it and PUT returns it."""
    return {
        "id": walk.id,
        "client_id": walk.client_id,
        "organisation": walk.organisation.code,
        "date": walk.walked_on.isoformat(),
        "time": walk.start_time.strftime("%H:%M") if walk.start_time else None,
        "type": walk.walk_type.value,
        "unit": walk.unit_id,
        "unit_name": walk.unit.name if walk.unit else None,
        "leaders": sorted(user.email for user in walk.leaders),
        "staff_roles": [{"role": row.role.value, "count": row.count} for row in walk.staff_roles],
        "observations": walk.observations,
        "went_well": walk.went_well,
        "concerns": [{"category": c.category.value, "text": c.text} for c in walk.concerns],
        "ideas": walk.ideas,
        "projects": sorted(project.id for project in walk.projects),
        "change_ideas": sorted(idea.id for idea in walk.change_ideas),
        "actions": [action_to_dict(action) for action in walk.actions],
        "version": walk.version,
    }


def action_to_dict(action: WalkAction) -> dict:
    """One action of a walk, with its own id and version."""
    return {
        "id": action.id,
        "what": action.what,
        "owner": action.owner.email,
        "due": _iso(action.due),
        "status": action.status.value,
        "fed_back_on": _iso(action.fed_back_on),
        "fed_back_how": action.fed_back_how,
        "version": action.version,
    }


def walk_warnings(body: dict) -> list[dict[str, str]]:
    """A warning for each free text of a serialised walk that looks like patient-identifiable information."""
    texts = [(name, body[name]) for name in ("observations", "went_well", "ideas")]
    texts += [(f"concerns[{i}].text", c["text"]) for i, c in enumerate(body["concerns"])]
    texts += [(f"actions[{i}].{key}", a[key]) for i, a in enumerate(body["actions"])
              for key in ("what", "fed_back_how")]
    return [{"field": name, "message": message} for name, text in texts for message in find_pii(text)]
