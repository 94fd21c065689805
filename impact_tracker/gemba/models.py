"""Gemba walk models: the walk, who was spoken with, concerns raised, and the actions that follow."""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.mixins import TimestampMixin
from ..core.types import enum_column
from ..extensions import db


class WalkType(StrEnum):
    GEMBA = "gemba"
    SAFETY = "safety"
    HUDDLE = "huddle"
    OTHER = "other"


WALK_TYPE_LABELS = {
    WalkType.GEMBA: "Gemba walk",
    WalkType.SAFETY: "Safety walkround",
    WalkType.HUDDLE: "Huddle visit",
    WalkType.OTHER: "Other",
}


class StaffRole(StrEnum):
    """Roles of the staff spoken with: roles only, so a walk record never names anyone."""

    NURSE = "nurse"
    HEALTHCARE_ASSISTANT = "healthcare_assistant"
    DOCTOR = "doctor"
    ALLIED_HEALTH = "allied_health"
    PHARMACY = "pharmacy"
    ADMIN = "admin"
    SUPPORT = "support"
    MANAGER = "manager"
    STUDENT = "student"
    OTHER = "other"


STAFF_ROLE_LABELS = {
    StaffRole.NURSE: "Nurses and midwives",
    StaffRole.HEALTHCARE_ASSISTANT: "Healthcare assistants",
    StaffRole.DOCTOR: "Doctors",
    StaffRole.ALLIED_HEALTH: "Allied health professionals",
    StaffRole.PHARMACY: "Pharmacy staff",
    StaffRole.ADMIN: "Admin and clerical",
    StaffRole.SUPPORT: "Porters, domestics, estates",
    StaffRole.MANAGER: "Managers",
    StaffRole.STUDENT: "Students and trainees",
    StaffRole.OTHER: "Other staff",
}


class ConcernCategory(StrEnum):
    SAFETY = "safety"
    STAFFING = "staffing"
    EQUIPMENT = "equipment"
    ENVIRONMENT = "environment"
    FLOW = "flow"
    IT = "it"
    COMMUNICATION = "communication"
    CULTURE = "culture"
    OTHER = "other"


CONCERN_CATEGORY_LABELS = {
    ConcernCategory.SAFETY: "Safety",
    ConcernCategory.STAFFING: "Staffing",
    ConcernCategory.EQUIPMENT: "Equipment",
    ConcernCategory.ENVIRONMENT: "Environment",
    ConcernCategory.FLOW: "Flow",
    ConcernCategory.IT: "IT",
    ConcernCategory.COMMUNICATION: "Communication",
    ConcernCategory.CULTURE: "Culture",
    ConcernCategory.OTHER: "Other",
}


class ActionStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    ESCALATED = "escalated"
    CLOSED_NO_ACTION = "closed_no_action"


ACTION_STATUS_LABELS = {
    ActionStatus.OPEN: "Open",
    ActionStatus.IN_PROGRESS: "In progress",
    ActionStatus.DONE: "Done",
    ActionStatus.ESCALATED: "Escalated",
    ActionStatus.CLOSED_NO_ACTION: "Closed without action",
}

# Actions still waiting on someone: they count as open, and as overdue once past their due date.
UNFINISHED_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS, ActionStatus.ESCALATED)

walk_leader = Table(
    "gemba_walk_leader",
    db.metadata,
    Column("walk_id", ForeignKey("gemba_walk.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
)

walk_project = Table(
    "gemba_walk_project",
    db.metadata,
    Column("walk_id", ForeignKey("gemba_walk.id", ondelete="CASCADE"), primary_key=True),
    Column("project_id", ForeignKey("project.id", ondelete="CASCADE"), primary_key=True),
)

walk_change_idea = Table(
    "gemba_walk_change_idea",
    db.metadata,
    Column("walk_id", ForeignKey("gemba_walk.id", ondelete="CASCADE"), primary_key=True),
    Column("change_idea_id", ForeignKey("change_idea.id", ondelete="CASCADE"), primary_key=True),
)


class GembaWalk(TimestampMixin, db.Model):
    """One walk (or walkround, or huddle visit) by leaders to where the work happens.

    `client_id` is the UUID the tablet made when the walk was first saved, so that sending it again makes
    no second walk.
    """

    __tablename__ = "gemba_walk"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(36), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    walked_on: Mapped[date] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    walk_type: Mapped[WalkType] = mapped_column(enum_column(WalkType), default=WalkType.GEMBA)
    observations: Mapped[str] = mapped_column(Text, default="")
    went_well: Mapped[str] = mapped_column(Text, default="")
    ideas: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    organisation = relationship("Organisation")
    unit = relationship("Unit")
    created_by = relationship("User", foreign_keys=[created_by_id])
    leaders = relationship("User", secondary=walk_leader, order_by="User.name")
    projects = relationship("Project", secondary=walk_project, order_by="Project.title")
    change_ideas = relationship("ChangeIdea", secondary=walk_change_idea, order_by="ChangeIdea.id")
    staff_roles: Mapped[list[WalkStaffRole]] = relationship(
        back_populates="walk", cascade="all, delete-orphan", order_by="WalkStaffRole.position"
    )
    concerns: Mapped[list[WalkConcern]] = relationship(
        back_populates="walk", cascade="all, delete-orphan", order_by="WalkConcern.position"
    )
    actions: Mapped[list[WalkAction]] = relationship(
        back_populates="walk", cascade="all, delete-orphan", order_by="WalkAction.position"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def type_label(self) -> str:
        return WALK_TYPE_LABELS[self.walk_type]

    @property
    def staff_spoken_with(self) -> int:
        """How many staff the leaders spoke with, over every role."""
        return sum(row.count for row in self.staff_roles)

    def __repr__(self) -> str:
        return f"<GembaWalk {self.id} {self.walked_on}>"


class WalkStaffRole(db.Model):
    """How many staff in one role the leaders spoke with (a role and a count, never a name)."""

    __tablename__ = "gemba_walk_staff_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("gemba_walk.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[StaffRole] = mapped_column(enum_column(StaffRole))
    count: Mapped[int] = mapped_column(Integer, default=1)

    walk: Mapped[GembaWalk] = relationship(back_populates="staff_roles")

    @property
    def label(self) -> str:
        return STAFF_ROLE_LABELS[self.role]


class WalkConcern(db.Model):
    """A concern staff raised on the walk, with its category."""

    __tablename__ = "gemba_walk_concern"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("gemba_walk.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    category: Mapped[ConcernCategory] = mapped_column(enum_column(ConcernCategory))
    text: Mapped[str] = mapped_column(Text)

    walk: Mapped[GembaWalk] = relationship(back_populates="concerns")

    @property
    def category_label(self) -> str:
        return CONCERN_CATEGORY_LABELS[self.category]


class WalkAction(TimestampMixin, db.Model):
    """Something a leader agreed to do after a walk, and how the outcome was fed back ("you said, we did")."""

    __tablename__ = "gemba_walk_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    walk_id: Mapped[int] = mapped_column(ForeignKey("gemba_walk.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    what: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    due: Mapped[date] = mapped_column(Date, index=True)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus), default=ActionStatus.OPEN, index=True)
    fed_back_on: Mapped[date | None] = mapped_column(Date)
    fed_back_how: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    walk: Mapped[GembaWalk] = relationship(back_populates="actions")
    owner = relationship("User")

    __mapper_args__ = {"version_id_col": version}

    @property
    def organisation(self):
        return self.walk.organisation

    @property
    def status_label(self) -> str:
        return ACTION_STATUS_LABELS[self.status]

    @property
    def is_unfinished(self) -> bool:
        return self.status in UNFINISHED_STATUSES

    def is_overdue(self, today: date) -> bool:
        """Unfinished and past its due date."""
        return self.is_unfinished and self.due < today
