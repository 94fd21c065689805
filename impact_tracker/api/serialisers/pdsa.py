"""PDSA cycles to JSON, in the field names the API contract fixes."""

from __future__ import annotations

from datetime import date

from ...pdsa.models import PDSACycle


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def cycle_to_dict(cycle: PDSACycle) -> dict:
    """One cycle, as GET /api/v1/cycles/{id} returns it."""
    return {
        "id": cycle.id,
        "project": cycle.project_id,
        "change_idea": cycle.change_idea_id,
        "number": cycle.number,
        "label": cycle.label,
        "title": cycle.title,
        "stage": cycle.stage.value,
        "objective": cycle.objective,
        "questions": [{"question": q.question, "prediction": q.prediction, "result": q.result}
                      for q in cycle.questions],
        "plan": plan_to_dict(cycle),
        "observations": cycle.observations,
        "unexpected": cycle.unexpected,
        "learning": cycle.learning,
        "decision": cycle.decision.value if cycle.decision else None,
        "next_steps": cycle.next_steps,
        "start": _iso(cycle.start),
        "end": _iso(cycle.end),
        "version": cycle.version,
    }


def plan_to_dict(cycle: PDSACycle) -> dict:
    """The cycle's plan: who, what, when, where, the data collection plan and the tasks."""
    return {
        "who": cycle.plan_who,
        "what": cycle.plan_what,
        "when": cycle.plan_when,
        "where": cycle.plan_where,
        "data_collection": cycle.data_collection,
        "tasks": [{"task": t.task, "owner": t.owner, "due": _iso(t.due)} for t in cycle.tasks],
    }
