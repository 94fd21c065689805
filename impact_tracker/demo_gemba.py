"""Demo gemba walks: several in DEMO1 and one in DEMO2, with actions in every state, some overdue, some fed back."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

from .extensions import db
from .gemba import services as gemba
from .gemba.models import ActionStatus, ConcernCategory, StaffRole, WalkType
from .gemba.services import ActionInput, ConcernInput, StaffRoleInput, WalkInput
from .orgs.models import Organisation, Unit, User

_NAMESPACE = uuid.UUID("6f1c2f1e-5d0b-4c55-9a57-2a4b8c1d0e11")  # the same client ids on every seed


def seed_demo_walks(organisations: dict[str, Organisation]) -> None:
    """Add the demo walks: four in DEMO1 over the last two months and one in DEMO2."""
    today = date.today()
    demo1 = organisations["DEMO1"]
    people = {user.role.value: user for user in db.session.query(User).filter_by(organisation_id=demo1.id)}
    executive, lead, frontline = people["executive"], people["improvement_lead"], people["frontline"]
    for number, (walk, actor) in enumerate(_demo1_walks(demo1, today, executive, lead, frontline), start=1):
        gemba.save_walk(demo1, str(uuid.uuid5(_NAMESPACE, f"DEMO1-{number}")), walk, actor=actor)
    demo2 = organisations["DEMO2"]
    lead2 = db.session.query(User).filter_by(organisation_id=demo2.id, role="improvement_lead").one()
    gemba.save_walk(demo2, str(uuid.uuid5(_NAMESPACE, "DEMO2-1")), _willow_walk(demo2, today, lead2), actor=lead2)


def _unit(organisation: Organisation, name: str) -> int | None:
    unit = db.session.query(Unit).filter_by(organisation_id=organisation.id, name=name).one_or_none()
    return unit.id if unit else None


def _demo1_walks(org: Organisation, today: date, executive: User, lead: User, frontline: User) -> list:
    day = timedelta(days=1)
    return [
        (WalkInput(
            walked_on=today - 55 * day, walk_type=WalkType.SAFETY, start_time=time(10, 0), unit_id=_unit(org, "Ward 7"),
            leaders=(executive.email, lead.email),
            staff_roles=(StaffRoleInput(StaffRole.NURSE, 4), StaffRoleInput(StaffRole.HEALTHCARE_ASSISTANT, 2)),
            observations="Safety board up to date; two bays without call bells in reach.",
            went_well="Night staff praised the new falls huddle at handover.",
            concerns=(ConcernInput(ConcernCategory.SAFETY, "Call bells out of reach in bays 2 and 4 after cleaning"),
                      ConcernInput(ConcernCategory.EQUIPMENT, "Only one working hoist for the ward")),
            ideas="Check call bells as part of the cleaning checklist\nShare a hoist with Ward 8 at night",
            actions=(ActionInput("Add call-bell check to the cleaning checklist", lead.email, today - 40 * day,
                                 ActionStatus.DONE, today - 38 * day, "At the 9am huddle and on the ward board"),
                     ActionInput("Order a second hoist", executive.email, today - 10 * day, ActionStatus.ESCALATED)),
        ), executive),
        (WalkInput(
            walked_on=today - 30 * day, walk_type=WalkType.GEMBA, start_time=time(14, 30),
            unit_id=_unit(org, "Emergency Department"), leaders=(lead.email,),
            staff_roles=(StaffRoleInput(StaffRole.DOCTOR, 2), StaffRoleInput(StaffRole.NURSE, 3),
                         StaffRoleInput(StaffRole.ADMIN, 1)),
            observations="Handover from ambulance crews takes place in the corridor at busy times.",
            went_well="Streaming nurse role is working well at the front door.",
            concerns=(ConcernInput(ConcernCategory.FLOW, "Waits for a bed on the medical wards after 4pm"),
                      ConcernInput(ConcernCategory.IT, "Slow log-in on the shared computers")),
            ideas="Discharge lounge open until 8pm",
            actions=(ActionInput("Ask IT about tap-in log-in for the department", frontline.email, today - 5 * day),
                     ActionInput("Bring the 4pm bed meeting forward a trial week", lead.email, today + 7 * day,
                                 ActionStatus.IN_PROGRESS)),
        ), lead),
        (WalkInput(
            walked_on=today - 14 * day, walk_type=WalkType.HUDDLE, start_time=time(9, 0), unit_id=_unit(org, "Ward 12"),
            leaders=(executive.email,), staff_roles=(StaffRoleInput(StaffRole.NURSE, 5),),
            observations="Huddle board shows a week without pressure ulcers.",
            went_well="Everyone spoke at the huddle, including students.",
            concerns=(ConcernInput(ConcernCategory.STAFFING, "Late shifts often one nurse short this month"),),
            actions=(ActionInput("Review late-shift rota with the matron", executive.email, today - 2 * day,
                                 ActionStatus.DONE, today - 1 * day, "Letter to the team and the ward huddle"),
                     ActionInput("Thank the ward for the pressure ulcer record", executive.email, today - 7 * day,
                                 ActionStatus.CLOSED_NO_ACTION)),
        ), executive),
        (WalkInput(
            walked_on=today - 3 * day, walk_type=WalkType.GEMBA, unit_id=_unit(org, "Theatres"), leaders=(lead.email,),
            staff_roles=(StaffRoleInput(StaffRole.DOCTOR, 1), StaffRoleInput(StaffRole.SUPPORT, 2)),
            observations="First case started 25 minutes late; the patient was ready on time.",
            concerns=(ConcernInput(ConcernCategory.COMMUNICATION, "Team brief starts before everyone has arrived"),),
            ideas="A five-minute warning call before the team brief",
            actions=(ActionInput("Agree a team brief start time with the theatre leads", lead.email,
                                 today + 11 * day),),
        ), lead),
    ]


def _willow_walk(org: Organisation, today: date, lead: User) -> WalkInput:
    return WalkInput(
        walked_on=today - 20 * timedelta(days=1), walk_type=WalkType.OTHER, unit_id=_unit(org, "Willow Ward"),
        leaders=(lead.email,), staff_roles=(StaffRoleInput(StaffRole.NURSE, 3), StaffRoleInput(StaffRole.OTHER, 1)),
        observations="A seated talkaround in the staff room rather than a walk.",
        went_well="Fewer restraints used this month.",
        concerns=(ConcernInput(ConcernCategory.ENVIRONMENT, "The de-escalation room is used for storage"),),
        actions=(ActionInput("Clear the de-escalation room", lead.email, today - 6 * timedelta(days=1)),),
    )
