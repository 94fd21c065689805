"""Import every domain's models so that the metadata (and Alembic) sees every table."""

from .auth.models import ApiToken
from .measures.models import DataPoint, Measure, Rebase
from .orgs.models import Organisation, Region, System, Unit, User
from .pdsa.models import CycleQuestion, CycleTask, PDSACycle
from .projects.models import ChangeIdea, Driver, ProgressScore, Project, ProjectComponent, TeamMember

__all__ = [
    "ApiToken", "ChangeIdea", "CycleQuestion", "CycleTask", "DataPoint", "Driver", "Measure", "Organisation",
    "PDSACycle", "ProgressScore", "Project", "ProjectComponent", "Rebase", "Region", "System", "TeamMember",
    "Unit", "User",
]
