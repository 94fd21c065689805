"""Projects to JSON."""

from __future__ import annotations

from ...projects.models import Project
from . import timestamp


def project_to_dict(project: Project) -> dict:
    """A project as the API contract names its fields."""
    score = project.current_score
    return {
        "id": project.id,
        "organisation": {"code": project.organisation.code, "name": project.organisation.name},
        "title": project.title,
        "problem": project.problem,
        "aim": {"what": project.aim_what, "baseline": project.aim_baseline, "target": project.aim_target,
                "by": project.aim_by.isoformat() if project.aim_by else None, "for_whom": project.aim_for_whom},
        "status": project.status.value,
        "unit": {"id": project.unit.id, "name": project.unit.name} if project.unit else None,
        "impact_components": [c.value for c in project.components],
        "start": project.start_date.isoformat() if project.start_date else None,
        "expected_end": project.expected_end_date.isoformat() if project.expected_end_date else None,
        "strategic_priority": project.strategic_priority,
        "method": project.method.value,
        "progress_score": None if score is None else {
            "score": float(score.score), "label": score.label, "note": score.note,
            "set_at": score.set_at.isoformat(), "set_by": score.set_by.name if score.set_by else None,
        },
        "team": [{"user_id": m.user_id, "name": m.user.name, "team_role": m.team_role.value} for m in project.team],
        "archived_at": timestamp(project.archived_at),
        "version": project.version,
    }
