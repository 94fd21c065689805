"""The data the matrix runs against: two organisations in different systems and regions, one user per role.

Everything is built once per test module. The tests keep only ids and codes (never ORM objects), because each
request runs in its own application context and database session, as it does in production.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from impact_tracker.assessment import services as assessment_services
from impact_tracker.auth.services import create_token
from impact_tracker.capability import services as capability_services
from impact_tracker.core.impact import ImpactComponent
from impact_tracker.core.permissions import ORGANISATION_ROLES, Role
from impact_tracker.extensions import db
from impact_tracker.gemba import services as gemba_services
from impact_tracker.measures.models import DataPoint, Rebase
from impact_tracker.orgs.models import Organisation, User
from impact_tracker.projects.models import Driver, DriverKind, TeamMember

from .. import factories

_fresh = itertools.count(1)


@dataclass(frozen=True)
class Side:
    """One organisation's objects, by id (or code, for the portfolio's URLs)."""

    org_id: int
    org_code: str
    system_code: str
    region_code: str
    person: int  # a frontline colleague who signs in for no case: the target of people pages and the owner of tokens
    unit: int
    project: int
    idea: int
    driver: int
    measure: int  # with twelve points, so that its chart exists
    scratch_measure: int  # holds the throwaway points and rebases that delete cases remove
    cycle: int
    walk: int
    walk_uuid: str
    walk_action: int
    draft: int  # a draft self-assessment: private to its organisation
    draft_response: int
    component: int
    final: int  # a final self-assessment, shared with the organisation's system and region
    plan_item: int  # an action plan item of the final assessment
    tier: int
    post: int


@dataclass(frozen=True)
class Account:
    """A role's user: the email to sign in with, the id, and a bearer token for the API."""

    email: str
    id: int
    token: str


@dataclass(frozen=True)
class World:
    own: Side
    other: Side
    accounts: dict[Role, Account]

    def side(self, name: str) -> Side:
        return self.other if name == "other" else self.own


def build_world() -> World:
    """Create both organisations, their objects and the eight role users of the first (call in an app context)."""
    own_org = factories.make_org(name="Matrix Own Trust")
    other_org = factories.make_org(name="Matrix Other Trust")  # a new system in a new region
    accounts = _accounts(own_org)
    own = _side(own_org, db.session.get(User, accounts[Role.IMPROVEMENT_LEAD].id))
    other = _side(other_org, factories.make_user(other_org, Role.IMPROVEMENT_LEAD))
    return World(own=own, other=other, accounts=accounts)


def _accounts(organisation: Organisation) -> dict[Role, Account]:
    accounts = {}
    for role in Role:
        scope = {"organisation": organisation} if role in ORGANISATION_ROLES else {}
        if role is Role.SYSTEM_VIEWER:
            scope = {"system": organisation.system}
        if role is Role.REGION_VIEWER:
            scope = {"region": organisation.system.region}
        user = factories.make_user(email=f"{role.value}@matrix.example", role=role, **scope)
        token, _ = create_token(user, "Access matrix")
        accounts[role] = Account(user.email, user.id, token)
    return accounts


def _side(organisation: Organisation, lead: User) -> Side:
    person = factories.make_user(organisation, Role.FRONTLINE)
    project = factories.make_project(organisation, created_by=lead)
    idea = factories.make_change_idea(project)
    driver = Driver(project=project, kind=DriverKind.PRIMARY, text="Staff know who is at risk of falling")
    db.session.add(driver)
    scratch = factories.make_measure(project, name="Scratch measure")
    walk_uuid = str(uuid.uuid4())
    walk = _walk(organisation, lead, walk_uuid)
    final, draft = _assessments(organisation, lead)
    plan_item = assessment_services.add_action(
        final, assessment_services.ActionInput(ImpactComponent.CAPABILITY, "Train ten coaches"), actor=lead)
    tier = capability_services.ensure_tiers(organisation)[0]
    post = capability_services.save_post(organisation, capability_services.PostInput("Improvement advisor",
                                                                                     Decimal("1")), actor=None)
    db.session.commit()
    return Side(
        org_id=organisation.id, org_code=organisation.code, system_code=organisation.system.code,
        region_code=organisation.system.region.code, person=person.id,
        unit=factories.make_unit(organisation).id, project=project.id, idea=idea.id, driver=driver.id,
        measure=factories.make_measure(project, values=[5, 7, 6, 8, 5, 6, 7, 9, 4, 6, 7, 5]).id,
        scratch_measure=scratch.id, cycle=factories.make_cycle(project, idea).id, walk=walk.id, walk_uuid=walk_uuid,
        walk_action=walk.actions[0].id, draft=draft.id, draft_response=draft.responses[0].id,
        component=draft.framework.components[0].id, final=final.id, plan_item=plan_item.id, tier=tier.id,
        post=post.id,
    )


def _walk(organisation: Organisation, lead: User, walk_uuid: str):
    action = gemba_services.ActionInput("Order a second hoist", lead.email, date.today() + timedelta(days=14))
    data = gemba_services.WalkInput(walked_on=date.today() - timedelta(days=2), observations="Board up to date",
                                    ideas="Label the spare hoist batteries", actions=(action,))
    return gemba_services.save_walk(organisation, walk_uuid, data, actor=lead).walk


def _assessments(organisation: Organisation, lead: User):
    final = assessment_services.start_assessment(organisation, assessment_services.NewAssessment("2024/25"),
                                                 actor=lead)
    for response in final.responses:
        assessment_services.save_response(response, assessment_services.ResponseInput(3, "Board paper"), actor=lead)
    assessment_services.finalise(final, actor=lead)
    assessment_services.set_sharing(final, True, actor=lead)
    draft = assessment_services.start_assessment(organisation, assessment_services.NewAssessment("2025/26"),
                                                 actor=lead)
    return final, draft


class Fresh:
    """Throwaway objects for cases that delete or revoke, so that no case depends on another having run first.

    Call inside an app context; each method commits and returns the new row's id.
    """

    def __init__(self, world: World, actor: int | None):
        self.world, self.actor = world, actor

    def point(self, side: Side) -> int:
        return self._add(DataPoint(measure_id=side.scratch_measure, period=_period(), value=3))

    def rebase(self, side: Side) -> int:
        return self._add(Rebase(measure_id=side.scratch_measure, period=_period(), reason="New rota"))

    def driver(self, side: Side) -> int:
        return self._add(Driver(project_id=side.project, kind=DriverKind.PRIMARY, text="A throwaway driver"))

    def team_member(self, side: Side) -> int:
        colleague = factories.make_user(db.session.get(Organisation, side.org_id), Role.FRONTLINE)
        return self._add(TeamMember(project_id=side.project, user_id=colleague.id))

    def project(self, side: Side, *, archived: bool = False) -> int:
        archived_at = {"archived_at": datetime.now(UTC)} if archived else {}
        return factories.make_project(db.session.get(Organisation, side.org_id), **archived_at).id

    def record(self, side: Side) -> int:
        data = capability_services.RecordInput(side.tier, "Improvement essentials", date(2026, 1, 5),
                                               staff_reference=f"ESR{next(_fresh)}")
        record = capability_services.add_record(db.session.get(Organisation, side.org_id), data, actor=None)
        db.session.commit()
        return record.id

    def token(self, side: Side) -> int:
        """A token of the signed-in user on their own side; of the other organisation's colleague otherwise."""
        owner = self.actor if side is self.world.own and self.actor is not None else side.person
        _, token = create_token(db.session.get(User, owner), "Throwaway")
        return token.id

    @staticmethod
    def _add(row) -> int:
        db.session.add(row)
        db.session.commit()
        return row.id


def _period() -> date:
    return date(2020, 1, 6) + timedelta(weeks=next(_fresh))
