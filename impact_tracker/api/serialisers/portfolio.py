"""Portfolio figures to JSON: one organisation's page, or a roll-up's rows (with people counts protected)."""

from __future__ import annotations

from decimal import Decimal

from ...portfolio.queries import Figures
from ...portfolio.services import OrganisationPage, Row


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def figures_to_dict(figures: Figures) -> dict:
    """The figures every portfolio level shares, unprotected (for one organisation's own page)."""
    return {
        "projects_by_status": dict(figures.statuses), "active_projects": figures.active,
        "stalled_projects": figures.stalled, "mean_progress_score": _number(figures.mean_score),
        "projects_scored_3_or_more": figures.scored_3_plus, "pdsa_cycles": figures.cycles,
        "months": figures.months, "pdsa_cycles_per_month": _number(figures.cycles_per_month),
        "people_engaged": figures.engaged, "people_trained": figures.trained, "headcount": figures.headcount,
        "trained_share_percent": _number(figures.trained_share),
        "coaches": {"trained": figures.coaches_trained, "active": figures.coaches_active},
        "improvement_fte": {"dedicated": _number(figures.fte_dedicated), "allocated": _number(figures.fte_allocated)},
    }


def levels_to_dict(levels) -> dict | None:
    """The latest shared self-assessment: level and change per component."""
    if levels is None:
        return None
    return {"period": levels.period_label, "components": {
        slug: {"level": level, "label": levels.level_labels.get(level) if level is not None else None,
               "change": levels.changes.get(slug)} for slug, level in levels.levels.items()}}


def organisation_page_to_dict(page: OrganisationPage) -> dict:
    """GET /organisations/{code}/portfolio: the organisation's portfolio."""
    return {
        "organisation": {"code": page.organisation.code, "name": page.organisation.name},
        **figures_to_dict(page.figures),
        "progress_scores": [{"score": float(score), "projects": count} for score, count in page.scores],
        "cycles_by_month": [{"month": month.strftime("%Y-%m"), "cycles": count}
                            for month, count in page.cycles_by_month],
        "capability_by_tier": [{"tier": tier.name, "coach_tier": tier.is_coach_tier, "people": tier.people,
                                "share_percent": _number(tier.share)} for tier in page.tiers],
        "measures": [{"id": tile.measure_id, "name": tile.name, "project": tile.project_title,
                      "variation": tile.variation, "assurance": tile.assurance} for tile in page.tiles],
        "self_assessment": levels_to_dict(page.levels),
    }


def rollup_row_to_dict(row: Row) -> dict:
    """One organisation's row of a system roll-up; `cells` already hold protected counts ("<8")."""
    cells = row.cells
    return {
        "organisation": {"code": row.href_code, "name": row.name}, "type": row.type_label,
        "projects_by_status": dict(row.figures.statuses), "active_projects": cells["active"],
        "stalled_projects": cells["stalled"], "mean_progress_score": _number(cells["score"]),
        "pdsa_cycles_per_month": _number(cells["cycles"]), "people_engaged": cells["engaged"],
        "people_trained": cells["trained"], "trained_share_percent": _number(cells["share"]),
        "coaches": {"trained": cells["coaches_trained"], "active": cells["coaches_active"]},
        "improvement_fte": {"dedicated": _number(cells["fte_dedicated"]),
                            "allocated": _number(cells["fte_allocated"])},
        "self_assessment": levels_to_dict(row.levels),
    }
