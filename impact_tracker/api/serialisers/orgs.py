"""Models to JSON, in the field names the API contract fixes."""

from __future__ import annotations

from ...orgs.models import Organisation, User


def organisation_ref(organisation: Organisation | None) -> dict | None:
    """{code, name} of an organisation, or None."""
    if organisation is None:
        return None
    return {"code": organisation.code, "name": organisation.name}


def me_to_dict(user: User) -> dict:
    """The caller, as GET /api/v1/me returns it."""
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "organisation": organisation_ref(user.organisation),
        "roles": [user.role.value],
    }
