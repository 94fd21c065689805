"""Reads for capability and capacity, grouped by organisation in SQL so roll-ups cost the same for any number."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from ..assessment.queries import Figure, add_evidence_source
from ..core.impact import ImpactComponent
from ..extensions import db
from ..orgs.models import Organisation, User
from ..projects.models import Project, ProjectStatus, TeamMember, TeamRole
from .models import ImprovementPost, TrainingRecord, TrainingTier, WorkforceHeadcount


@dataclass(frozen=True)
class CoachCounts:
    """People who completed a coach tier, and those of them coaching an active project now."""

    trained: int = 0
    active: int = 0


@dataclass(frozen=True)
class PostFte:
    """Whole-time equivalents of improvement posts: the dedicated team and time allocated elsewhere."""

    dedicated: Decimal = Decimal("0")
    allocated: Decimal = Decimal("0")

    @property
    def total(self) -> Decimal:
        return self.dedicated + self.allocated


@dataclass(frozen=True)
class TierCount:
    """A tier with the number of different people who completed it."""

    tier: TrainingTier
    people: int


def trained_people(org_ids) -> dict[int, int]:
    """Different people with at least one training record, per organisation (`org_ids`: a list or a select)."""
    query = (select(TrainingRecord.organisation_id, func.count(func.distinct(TrainingRecord.person_key)))
             .where(TrainingRecord.organisation_id.in_(org_ids)).group_by(TrainingRecord.organisation_id))
    return dict(db.session.execute(query).all())


def coach_counts(org_ids) -> dict[int, CoachCounts]:
    """Coaches trained (a record in a coach tier) and active (coach on an active project's team), per
    organisation, in one query."""
    coaching = (select(TeamMember.user_id).join(Project, TeamMember.project_id == Project.id)
                .where(TeamMember.team_role == TeamRole.COACH, Project.status == ProjectStatus.ACTIVE,
                       Project.archived_at.is_(None)))
    active = case((TrainingRecord.user_id.in_(coaching), TrainingRecord.user_id))
    query = (select(TrainingRecord.organisation_id, func.count(func.distinct(TrainingRecord.person_key)),
                    func.count(func.distinct(active)))
             .join(TrainingTier, TrainingRecord.tier_id == TrainingTier.id)
             .where(TrainingRecord.organisation_id.in_(org_ids), TrainingTier.is_coach_tier.is_(True))
             .group_by(TrainingRecord.organisation_id))
    return {org_id: CoachCounts(trained, active) for org_id, trained, active in db.session.execute(query)}


def latest_headcount(org_ids) -> dict[int, int]:
    """Each organisation's most recent workforce headcount."""
    newest = (select(WorkforceHeadcount.organisation_id, func.max(WorkforceHeadcount.period).label("period"))
              .where(WorkforceHeadcount.organisation_id.in_(org_ids))
              .group_by(WorkforceHeadcount.organisation_id).subquery())
    query = select(WorkforceHeadcount.organisation_id, WorkforceHeadcount.headcount).join(
        newest, (WorkforceHeadcount.organisation_id == newest.c.organisation_id)
        & (WorkforceHeadcount.period == newest.c.period))
    return dict(db.session.execute(query).all())


def post_fte(org_ids) -> dict[int, PostFte]:
    """Improvement posts' FTE per organisation, dedicated and allocated."""
    dedicated = func.sum(case((ImprovementPost.dedicated.is_(True), ImprovementPost.fte), else_=0))
    allocated = func.sum(case((ImprovementPost.dedicated.is_(False), ImprovementPost.fte), else_=0))
    query = (select(ImprovementPost.organisation_id, dedicated, allocated)
             .where(ImprovementPost.organisation_id.in_(org_ids)).group_by(ImprovementPost.organisation_id))
    return {org_id: PostFte(Decimal(str(d or 0)), Decimal(str(a or 0))) for org_id, d, a in db.session.execute(query)}


def tier_counts(organisation: Organisation) -> list[TierCount]:
    """The organisation's tiers, lowest first, each with how many different people completed it."""
    people = func.count(func.distinct(TrainingRecord.person_key))
    query = (select(TrainingTier, people).outerjoin(TrainingRecord, TrainingRecord.tier_id == TrainingTier.id)
             .where(TrainingTier.organisation_id == organisation.id)
             .group_by(TrainingTier.id).order_by(TrainingTier.position, TrainingTier.id))
    return [TierCount(tier, count) for tier, count in db.session.execute(query)]


def tiers(organisation: Organisation) -> list[TrainingTier]:
    """The organisation's tiers, lowest first."""
    query = select(TrainingTier).where(TrainingTier.organisation_id == organisation.id)
    return list(db.session.scalars(query.order_by(TrainingTier.position, TrainingTier.id)))


def records_query(organisation: Organisation) -> Select:
    """The organisation's training records, most recent first, with person and tier loaded (for a page)."""
    return (select(TrainingRecord).where(TrainingRecord.organisation_id == organisation.id)
            .options(selectinload(TrainingRecord.user), selectinload(TrainingRecord.tier))
            .order_by(TrainingRecord.completed_on.desc(), TrainingRecord.id.desc()))


def headcounts(organisation: Organisation, limit: int = 24) -> list[WorkforceHeadcount]:
    """The organisation's recorded headcounts, newest month first."""
    query = (select(WorkforceHeadcount).where(WorkforceHeadcount.organisation_id == organisation.id)
             .order_by(WorkforceHeadcount.period.desc()).limit(limit))
    return list(db.session.scalars(query))


def posts(organisation: Organisation) -> list[ImprovementPost]:
    """The organisation's improvement posts, dedicated first, then by title."""
    query = (select(ImprovementPost).where(ImprovementPost.organisation_id == organisation.id)
             .options(selectinload(ImprovementPost.unit))
             .order_by(ImprovementPost.dedicated.desc(), ImprovementPost.title))
    return list(db.session.scalars(query))


def people_choices(organisation: Organisation) -> list[tuple[str, str]]:
    """(id, name) of the organisation's active people, with a blank for 'use a staff reference'."""
    people = db.session.scalars(select(User).where(User.organisation_id == organisation.id,
                                                   User.active.is_(True)).order_by(User.name))
    return [("", "Not a user: enter a staff reference")] + [(str(p.id), p.name) for p in people]


def assessment_evidence(organisation_id: int) -> list[Figure]:
    """Training and team figures shown beside 'capability and capacity' on the self-assessment results."""
    trained = trained_people([organisation_id]).get(organisation_id, 0)
    headcount = latest_headcount([organisation_id]).get(organisation_id)
    coaches = coach_counts([organisation_id]).get(organisation_id, CoachCounts())
    fte = post_fte([organisation_id]).get(organisation_id, PostFte())
    share = f" ({100 * trained / headcount:.1f}% of {headcount:,} staff)" if headcount else ""
    return [Figure("People with improvement training", f"{trained:,}{share}"),
            Figure("Trained coaches coaching an active project", f"{coaches.active} of {coaches.trained}"),
            Figure("Improvement team posts (FTE)", f"{fte.dedicated} dedicated, {fte.allocated} allocated")]


add_evidence_source(ImpactComponent.CAPABILITY, assessment_evidence)
