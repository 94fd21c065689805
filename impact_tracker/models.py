"""Import every domain's models so that the metadata (and Alembic) sees every table."""

from .assessment import models as assessment_models
from .audit.models import AuditEvent
from .auth.models import ApiToken
from .capability.models import ImprovementPost, TrainingRecord, TrainingTier, WorkforceHeadcount
from .gemba import models as gemba_models
from .measures.models import DataPoint, Measure, MeasureSummary, Rebase
from .orgs.models import Organisation, Region, System, Unit, User
from .pdsa.models import CycleQuestion, CycleTask, PDSACycle
from .projects.models import ChangeIdea, Driver, ProgressScore, Project, ProjectComponent, TeamMember

__all__ = [
    "ApiToken", "assessment_models", "AuditEvent", "ChangeIdea", "CycleQuestion", "CycleTask", "DataPoint", "Driver",
    "gemba_models", "ImprovementPost", "Measure", "MeasureSummary", "Organisation", "PDSACycle", "ProgressScore",
    "Project", "ProjectComponent", "Rebase", "Region", "System", "TeamMember", "TrainingRecord", "TrainingTier", "Unit",
    "User", "WorkforceHeadcount",
]
