"""Self-assessments to JSON: per-component levels for everyone allowed, answers and evidence only for insiders."""

from __future__ import annotations

from ...assessment.models import SelfAssessment
from . import timestamp


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def assessment_to_dict(assessment: SelfAssessment, levels: dict[str, int | None]) -> dict:
    """One assessment as the list shows it: organisation, period, status, sharing and a level per component."""
    labels = assessment.framework.level_labels()
    return {
        "id": assessment.id,
        "organisation": {"code": assessment.organisation.code, "name": assessment.organisation.name},
        "period": assessment.period_label,
        "period_start": _iso(assessment.period_start),
        "period_end": _iso(assessment.period_end),
        "status": assessment.status.value,
        "shared_with_system": assessment.shared_with_system,
        "finalised_at": timestamp(assessment.finalised_at),
        "framework": {"name": assessment.framework.name, "version": assessment.framework.version},
        "components": [{"component": component.slug.value, "name": component.name,
                        "level": levels.get(component.slug.value),
                        "level_label": labels.get(levels.get(component.slug.value))}
                       for component in assessment.framework.components],
        "version": assessment.version,
    }


def assessment_detail_to_dict(assessment: SelfAssessment, levels: dict[str, int | None], *, insider: bool) -> dict:
    """One assessment; the organisation's own users also get participants, answers with evidence and actions."""
    body = assessment_to_dict(assessment, levels)
    body["scale"] = [{"level": level.ordinal, "label": level.label, "descriptor": level.descriptor}
                     for level in assessment.framework.levels]
    if insider:
        body["participants"] = assessment.participant_labels
        body["participants_note"] = assessment.participants_note
        body["responses"] = [_response(response) for response in
                             sorted(assessment.responses, key=lambda r: (r.statement.component.position,
                                                                         r.statement.position))]
        body["actions"] = [_action(item) for item in assessment.actions]
    return body


def _response(response) -> dict:
    return {"id": response.id, "component": response.statement.component.slug.value,
            "statement": response.statement.key, "text": response.statement.text, "level": response.level,
            "evidence": response.evidence, "version": response.version}


def _action(item) -> dict:
    return {"id": item.id, "component": item.component.value, "action": item.action, "owner": item.owner,
            "due": _iso(item.due), "status": item.status.value, "project": item.project_id,
            "version": item.version}
