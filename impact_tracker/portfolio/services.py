"""Portfolio rules: who sees which level, small-number protection, roll-up rows, measure tiles and CSV text."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from flask import current_app

from ..assessment.queries import ComponentLevels, shared_component_levels
from ..audit.services import organisation_versions
from ..capability import queries as capability
from ..core.csv_export import csv_text
from ..core.errors import NotFound
from ..core.impact import ImpactComponent
from ..core.permissions import Role, can_view_org, role_of
from ..gemba.queries import WalkFigures, walk_figures
from ..measures.models import SummaryStatus
from ..measures.services.summary import Latest, latest_for
from ..orgs.models import ORG_TYPE_LABELS, Organisation, Region, System
from ..orgs.queries import get_region_by_code, get_system_by_code
from ..projects.models import PROJECT_STATUS_LABELS
from . import queries
from .queries import Figures, Filters, Place

DEFAULT_SUPPRESS_BELOW = 8
FIGURES_CACHE = "impact_tracker.portfolio_figures"
COMPONENT_SHORT = {
    ImpactComponent.SHARED_PURPOSE: "Purpose",
    ImpactComponent.PEOPLE_CULTURE: "People",
    ImpactComponent.LEADERSHIP: "Leadership",
    ImpactComponent.CAPABILITY: "Capability",
    ImpactComponent.MANAGEMENT_SYSTEMS: "Systems",
}
VARIATION = {
    "common_cause": ("Common cause", "common"),
    "improvement_high": ("Improvement (higher)", "improvement"),
    "improvement_low": ("Improvement (lower)", "improvement"),
    "concern_high": ("Concern (higher)", "concern"),
    "concern_low": ("Concern (lower)", "concern"),
    "neutral_high": ("Special cause (higher)", "neutral"),
    "neutral_low": ("Special cause (lower)", "neutral"),
}
ASSURANCE = {"pass": "Target met consistently", "fail": "Target missed consistently",
             "hit_and_miss": "Target hit and miss", None: "No target assurance"}

# (key, heading, counts people) for each column of a roll-up, in order; the CSV uses the same columns.
COLUMNS = (
    ("name", "Organisation", False), ("type", "Type", False), ("active", "Active projects", False),
    ("stalled", "Stalled projects", False), ("score", "Mean progress score", False),
    ("cycles", "PDSA cycles per month", False), ("engaged", "People on active projects", True),
    ("trained", "People trained", True), ("share", "Trained, % of staff", False),
    ("coaches_trained", "Coaches trained", True), ("coaches_active", "Coaches active", True),
    ("fte_dedicated", "Improvement team FTE", False), ("fte_allocated", "Allocated FTE", False),
    ("walks", "Walks", False), ("overdue", "Overdue walk actions", False), ("fed_back", "Actions fed back, %", False),
    ("assessment", "Self-assessment levels", False),
)
SORT_KEYS = frozenset(key for key, _, _ in COLUMNS) - {"type", "assessment"}


def suppress_below() -> int:
    """The small-number threshold: counts of people from 1 to this minus one are hidden above one organisation."""
    return int(current_app.config.get("IMPACT_SUPPRESS_BELOW", DEFAULT_SUPPRESS_BELOW))


def protect(count: int | None, threshold: int) -> int | str | None:
    """A count of people as it may be shown: 0 and counts at or above `threshold` as they are, 1 to
    threshold - 1 as "<threshold". The one place small numbers are suppressed."""
    if count is None or count == 0 or count >= threshold:
        return count
    return f"<{threshold}"


@dataclass
class Row:
    """One line of a roll-up: an organisation or a system, its link down, and its figures."""

    key: str
    name: str
    type_label: str
    href_code: str
    figures: Figures
    walks: WalkFigures | None = None
    levels: ComponentLevels | None = None
    system_code: str | None = None
    system_name: str | None = None
    member_count: int = 1
    cells: dict = field(default_factory=dict)


def organisation_for(user, code: str) -> Organisation:
    """The organisation with `code` if the user may see it. Raises NotFound otherwise."""
    organisation = queries.organisation_by_code(code)
    if organisation is None or not can_view_org(user, organisation):
        raise NotFound(f"organisation {code}")
    return organisation


def may_see_system(user, system: System) -> bool:
    """True for the system's viewers, its region's viewers and national administrators."""
    role = role_of(user)
    return (role is Role.NATIONAL_ADMIN
            or (role is Role.REGION_VIEWER and system.region_id == user.region_id)
            or (role is Role.SYSTEM_VIEWER and system.id == user.system_id))


def system_for(user, code: str) -> System:
    """The system with `code` if the user's role covers it (system, region or national). Raises NotFound."""
    system = get_system_by_code(code)
    if system is None or not may_see_system(user, system):
        raise NotFound(f"system {code}")
    return system


def region_for(user, code: str) -> Region:
    """The region with `code` if the user is its region viewer or a national administrator. Raises NotFound."""
    region = get_region_by_code(code)
    role = role_of(user)
    if region is None or not (role is Role.NATIONAL_ADMIN or (role is Role.REGION_VIEWER
                                                              and region.id == user.region_id)):
        raise NotFound(f"region {code}")
    return region


def require_national(user) -> None:
    """Raise NotFound unless the user is a national administrator."""
    if role_of(user) is not Role.NATIONAL_ADMIN:
        raise NotFound("national portfolio")


def home_for(user) -> tuple[str, dict]:
    """The portfolio page that is the user's natural level: (endpoint, URL values)."""
    role = role_of(user)
    if role is Role.NATIONAL_ADMIN:
        return "portfolio.national", {}
    if role is Role.REGION_VIEWER and user.region is not None:
        return "portfolio.region", {"code": user.region.code}
    if role is Role.SYSTEM_VIEWER and user.system is not None:
        return "portfolio.system", {"code": user.system.code}
    if user.organisation is None:
        raise NotFound("no portfolio for this account")
    return "portfolio.organisation", {"code": user.organisation.code}


class FiguresCache:
    """Organisations' figures kept by (organisation, version, filters, day): an organisation's version rises
    with every change to its records, so an entry is never stale, and a roll-up only works out again the
    organisations that changed. Each server process holds its own (at most `max_items` entries)."""

    def __init__(self, max_items: int = 20_000):
        self.max_items = max_items
        self._items: OrderedDict[tuple, Figures] = OrderedDict()
        self._lock = threading.Lock()

    def figures(self, org_ids: list[int], filters: Filters, today: date) -> dict[int, Figures]:
        """Each organisation's figures: from memory, or from the aggregate queries for those not held."""
        versions = organisation_versions(org_ids)
        keys = {org_id: (org_id, versions[org_id], filters, today) for org_id in org_ids}
        with self._lock:
            found = {org_id: self._items.get(key) for org_id, key in keys.items()}
        missing = [org_id for org_id, figures in found.items() if figures is None]
        if missing:
            fresh = queries.figures(missing, filters, today)
            with self._lock:
                for org_id in missing:
                    self._items[keys[org_id]] = found[org_id] = fresh[org_id]
                while len(self._items) > self.max_items:
                    self._items.popitem(last=False)
        return {org_id: replace(figures, statuses=dict(figures.statuses)) for org_id, figures in found.items()}


def cached_figures(org_ids: list[int], filters: Filters) -> dict[int, Figures]:
    """queries.figures through this app's FiguresCache (copies, so callers may add them up)."""
    cache = current_app.extensions.setdefault(FIGURES_CACHE, FiguresCache())
    return cache.figures(org_ids, filters, date.today())


def organisation_rows(user, places: list[Place], filters: Filters) -> list[Row]:
    """A row per organisation with its figures, walks and shared self-assessment levels."""
    ids = [place.id for place in places]
    figures = cached_figures(ids, filters)
    walks = walk_figures(ids)
    levels = shared_component_levels(ids, include_private_for=user.organisation_id)
    return [Row(key=place.code, name=place.name, type_label=_type_label(place), href_code=place.code,
                figures=figures[place.id], walks=walks.get(place.id), levels=levels.get(place.id),
                system_code=place.system_code, system_name=place.system_name) for place in places]


def system_rows(rows: list[Row], months: int) -> list[Row]:
    """Organisation rows added up into one row per system (for the national roll-up)."""
    systems: dict[str, Row] = {}
    for row in rows:
        code = row.system_code or "-"
        if code not in systems:
            systems[code] = Row(key=code, name=row.system_name or "No system", type_label="System",
                                href_code=code, figures=Figures(months=months), walks=WalkFigures(0, 0, 0, 0, None),
                                member_count=0)
        total = systems[code]
        total.figures.add(row.figures)
        total.walks = _add_walks(total.walks, row.walks)
        total.member_count += 1
    return list(systems.values())


def _add_walks(total: WalkFigures, other: WalkFigures | None) -> WalkFigures:
    if other is None:
        return total
    fed_back = (total.fed_back_share or 0) * total.actions + (other.fed_back_share or 0) * other.actions
    actions = total.actions + other.actions
    return WalkFigures(total.walks + other.walks, actions, total.open_actions + other.open_actions,
                       total.overdue_actions + other.overdue_actions, fed_back / actions if actions else None)


def _type_label(place: Place) -> str:
    return ORG_TYPE_LABELS[place.type]


def fill_cells(rows: Iterable[Row], *, suppress: bool) -> None:
    """Work out each row's displayed values, with people counts protected when `suppress` is set."""
    threshold = suppress_below()
    for row in rows:
        row.cells = row_cells(row, threshold if suppress else 0)


def row_cells(row: Row, threshold: int) -> dict:
    """The displayed value of every column for one row (threshold 0: nothing suppressed)."""
    figures, walks = row.figures, row.walks
    trained = protect(figures.trained, threshold) if threshold else figures.trained
    people = {key: (protect(value, threshold) if threshold else value) for key, value in (
        ("engaged", figures.engaged), ("coaches_trained", figures.coaches_trained),
        ("coaches_active", figures.coaches_active))}
    return {
        "name": row.name, "type": row.type_label, "active": figures.active, "stalled": figures.stalled,
        "score": figures.mean_score, "cycles": figures.cycles_per_month, "trained": trained,
        "share": figures.trained_share if isinstance(trained, int) else None, **people,
        "fte_dedicated": figures.fte_dedicated, "fte_allocated": figures.fte_allocated,
        "walks": walks.walks if walks else None, "overdue": walks.overdue_actions if walks else None,
        "fed_back": _percent(walks.fed_back_share) if walks else None, "assessment": assessment_text(row.levels),
    }


def _percent(share: float | None) -> Decimal | None:
    return None if share is None else (Decimal(str(share)) * 100).quantize(Decimal("1"))


def assessment_text(levels: ComponentLevels | None) -> str:
    """'Purpose 3 (+1), People 2, …' for a roll-up cell, or '' when nothing is shared."""
    if levels is None:
        return ""
    parts = []
    for component, short in COMPONENT_SHORT.items():
        level, change = levels.levels.get(component.value), levels.changes.get(component.value)
        if level is not None:
            parts.append(f"{short} {level}" + (f" ({change:+d})" if change else ""))
    return ", ".join(parts)


def table_columns(*, by_system: bool, sort: str, descending: bool, href) -> list[dict]:
    """The roll-up's column headings, each sortable one with its link (`href(sort=, dir=)` builds it)."""
    columns = []
    for key, heading, _ in COLUMNS:
        if by_system and key in ("type", "assessment"):
            continue
        current = key == sort
        direction = "asc" if (current and descending) or (not current and key == "name") else "desc"
        columns.append({
            "key": key, "heading": "System" if by_system and key == "name" else heading,
            "href": href(sort=key, dir=direction) if key in SORT_KEYS else None,
            "aria_sort": ("descending" if descending else "ascending") if current else None,
        })
    return columns


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Rows ordered by a column (by name for an unknown key); suppressed counts sort as one value."""
    key = key if key in SORT_KEYS else "name"

    def value(row: Row):
        cell = row.cells.get(key)
        if key == "name":
            return (0, row.name.lower())
        if cell is None:
            return (1, Decimal("-1"))
        return (1, Decimal("0.5") if isinstance(cell, str) else Decimal(str(cell)))

    return sorted(rows, key=value, reverse=descending)


@dataclass(frozen=True)
class Tile:
    """A measure on the board grid: its latest variation and assurance in words, with a colour class."""

    measure_id: int
    name: str
    project_title: str
    variation: str
    colour: str
    assurance: str


def measure_tiles(rows: list[Row]) -> list[Tile]:
    """A tile per measure from its stored latest analysis (XmR with Making Data Count rules, or run chart);
    a measure not yet summarised is worked out now (see measures.services.summary.latest_for)."""
    missing = latest_for([row.id for row in rows if row.status is None])
    return [_tile(row.id, row.name, row.title, missing.get(row.id) or Latest(*row[3:])) for row in rows]


def _tile(measure_id: int, name: str, project_title: str, latest: Latest) -> Tile:
    base = {"measure_id": measure_id, "name": name, "project_title": project_title}
    if latest.status is SummaryStatus.TOO_FEW_POINTS:
        return Tile(**base, variation="Not enough data yet", colour="none", assurance="")
    if latest.status is SummaryStatus.UNUSABLE:
        return Tile(**base, variation="Cannot be analysed: open the chart", colour="none", assurance="")
    if latest.variation_icon is None:
        signal = latest.run_signal or "none"
        return Tile(**base, variation=f"Run chart: {'no signal' if signal == 'none' else signal}",
                    colour="common" if signal == "none" else "neutral", assurance="")
    label, colour = VARIATION[latest.variation_icon]
    return Tile(**base, variation=label, colour=colour, assurance=ASSURANCE[latest.assurance])


def to_csv(header: list[str], rows: Iterable[Iterable]) -> str:
    """CSV text for a download (byte-order mark, every cell made safe): the one helper every export uses."""
    return csv_text(header, [[str(cell) if cell is not None else "" for cell in row] for row in rows])


def rollup_csv(rows: list[Row], *, by_system: bool = False) -> str:
    """A roll-up's rows as CSV, in the page's columns (cells already protected)."""
    keys = [(key, heading) for key, heading, _ in COLUMNS if not (by_system and key in ("type", "assessment"))]
    headings = ["System" if by_system and key == "name" else heading for key, heading in keys]
    return to_csv(headings, ([row.cells[key] for key, _ in keys] for row in rows))


def rollup(user, places_of: dict, filters: Filters, *, by_system: bool = False) -> list[Row]:
    """The roll-up rows for the organisations the user may see in a system or region (or everywhere),
    as a row per organisation or, `by_system`, per system; people counts protected."""
    places = queries.places(user, org_type=filters.org_type, **places_of)
    rows = organisation_rows(user, places, filters)
    if by_system:
        rows = system_rows(rows, filters.months)
    fill_cells(rows, suppress=True)
    return rows


@dataclass(frozen=True)
class TierLine:
    """A tier with how many people completed it and what share of the workforce that is."""

    name: str
    is_coach_tier: bool
    people: int
    share: Decimal | None


@dataclass
class OrganisationPage:
    """Everything the organisation's portfolio page (and its API and CSV exports) shows."""

    organisation: Organisation
    figures: Figures
    statuses: list[tuple[str, int]]
    scores: list[tuple[Decimal, int]]
    stalled: list
    cycles_by_month: list
    tiles: list[Tile]
    tiers: list[TierLine]
    posts: list
    levels: ComponentLevels | None
    walks: WalkFigures | None

    @property
    def busiest_month(self) -> int:
        return max((count for _, count in self.cycles_by_month), default=0)


def organisation_page(user, organisation: Organisation, filters: Filters) -> OrganisationPage:
    """The organisation's portfolio: projects, stalled work, cycles, measure tiles, capability and capacity."""
    figures = cached_figures([organisation.id], filters)[organisation.id]
    headcount = figures.headcount
    tiers = [TierLine(line.tier.name, line.tier.is_coach_tier, line.people,
                      (Decimal(100 * line.people) / headcount).quantize(Decimal("0.1")) if headcount else None)
             for line in capability.tier_counts(organisation)]
    return OrganisationPage(
        organisation=organisation, figures=figures,
        statuses=[(label, figures.statuses.get(status.value, 0)) for status, label in PROJECT_STATUS_LABELS.items()],
        scores=queries.score_distribution(organisation, filters),
        stalled=queries.stalled_projects(organisation, filters),
        cycles_by_month=queries.cycles_by_month(organisation, filters),
        tiles=measure_tiles(queries.measure_tile_rows(organisation, filters)), tiers=tiers,
        posts=capability.posts(organisation),
        levels=shared_component_levels([organisation.id], include_private_for=user.organisation_id).get(
            organisation.id),
        walks=walk_figures([organisation.id]).get(organisation.id),
    )


def _tier_rows(page: OrganisationPage) -> list[list]:
    threshold = suppress_below()
    rows = []
    for tier in page.tiers:
        people = protect(tier.people, threshold)
        rows.append([tier.name, people, tier.share if isinstance(people, int) else ""])
    return rows


# The organisation page's tables as CSV: name -> (header, rows from the page). Counts of people are protected.
ORGANISATION_TABLES = {
    "projects": (["Status", "Projects"], lambda page: page.statuses),
    "scores": (["Progress score", "Open projects"], lambda page: page.scores),
    "stalled": (["Project", "Unit"], lambda page: [[p.title, p.unit.name if p.unit else ""] for p in page.stalled]),
    "cycles": (["Month", "PDSA cycles started"],
               lambda page: [[month.strftime("%Y-%m"), count] for month, count in page.cycles_by_month]),
    "measures": (["Measure", "Project", "Latest variation", "Assurance"],
                 lambda page: [[t.name, t.project_title, t.variation, t.assurance] for t in page.tiles]),
    "tiers": (["Tier", "People trained", "% of staff"], _tier_rows),
    "posts": (["Job title", "Kind", "Unit", "FTE"],
              lambda page: [[p.title, p.kind_label, p.unit.name if p.unit else "", p.fte] for p in page.posts]),
}


def organisation_csv(page: OrganisationPage, table: str) -> str:
    """One of the organisation page's tables as CSV. Raises KeyError for an unknown table."""
    header, rows = ORGANISATION_TABLES[table]
    return to_csv(header, rows(page))
