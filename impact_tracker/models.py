"""Import every domain's models so that the metadata (and Alembic) sees every table."""

from .auth.models import ApiToken
from .orgs.models import Organisation, Region, System, Unit, User

__all__ = ["ApiToken", "Organisation", "Region", "System", "Unit", "User"]
