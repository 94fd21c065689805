"""Who may see and do what: the one permission module, for every role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from impact_tracker.core.errors import NotFound, PermissionDenied
from impact_tracker.core.permissions import (
    Action,
    Role,
    assignable_roles,
    can,
    can_view_org,
    get_for_user_or_404,
    visible_org_clause,
)
from impact_tracker.extensions import db
from impact_tracker.orgs.models import Organisation, Unit

from .. import factories


@pytest.fixture
def world(app):
    """Two regions; region A has systems A1 (orgs a1x, a1y) and A2 (org a2x); region B has org b1x."""
    region_a, region_b = factories.make_region(code="RA"), factories.make_region(code="RB")
    a1, a2 = factories.make_system(region_a, code="A1"), factories.make_system(region_a, code="A2")
    b1 = factories.make_system(region_b, code="B1")
    return {
        "region_a": region_a, "a1": a1,
        "a1x": factories.make_org(a1, code="A1X"), "a1y": factories.make_org(a1, code="A1Y"),
        "a2x": factories.make_org(a2, code="A2X"), "b1x": factories.make_org(b1, code="B1X"),
    }


def _visible_codes(user) -> set[str]:
    query = select(Organisation.code).where(visible_org_clause(user, Organisation.id))
    return set(db.session.scalars(query))


@pytest.mark.parametrize("role", [Role.FRONTLINE, Role.PROJECT_LEAD, Role.COACH, Role.IMPROVEMENT_LEAD,
                                  Role.EXECUTIVE])
def test_organisation_roles_see_only_their_own_organisation(world, role):
    user = factories.make_user(world["a1x"], role)
    assert _visible_codes(user) == {"A1X"}
    assert can_view_org(user, world["a1x"]) and not can_view_org(user, world["a1y"])


def test_a_system_viewer_sees_every_organisation_in_their_system_and_no_other(world):
    user = factories.make_user(None, Role.SYSTEM_VIEWER, system=world["a1"])
    assert _visible_codes(user) == {"A1X", "A1Y"}
    assert [can_view_org(user, world[k]) for k in ("a1x", "a1y", "a2x", "b1x")] == [True, True, False, False]


def test_a_region_viewer_sees_their_region_only(world):
    user = factories.make_user(None, Role.REGION_VIEWER, region=world["region_a"])
    assert _visible_codes(user) == {"A1X", "A1Y", "A2X"}
    assert not can_view_org(user, world["b1x"])


def test_a_national_administrator_sees_everything(world):
    user = factories.make_user(None, Role.NATIONAL_ADMIN)
    assert _visible_codes(user) == {"A1X", "A1Y", "A2X", "B1X"}


def test_viewers_above_an_organisation_can_look_but_not_contribute_or_manage(world):
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=world["a1"])
    assert can(viewer, Action.VIEW, world["a1x"])
    assert not can(viewer, Action.CONTRIBUTE, world["a1x"])
    assert not can(viewer, Action.MANAGE_ORGANISATION, world["a1x"])


@pytest.mark.parametrize("role, manages", [(Role.FRONTLINE, False), (Role.PROJECT_LEAD, False),
                                           (Role.COACH, False), (Role.EXECUTIVE, False),
                                           (Role.IMPROVEMENT_LEAD, True)])
def test_only_the_improvement_lead_manages_their_organisation(world, role, manages):
    user = factories.make_user(world["a1x"], role)
    assert can(user, Action.MANAGE_ORGANISATION, world["a1x"]) is manages
    assert not can(user, Action.MANAGE_ORGANISATION, world["a1y"])


def test_an_improvement_lead_can_give_organisation_roles_but_never_viewer_or_national_ones(world):
    lead = factories.make_user(world["a1x"], Role.IMPROVEMENT_LEAD)
    assert set(assignable_roles(lead)) == {Role.FRONTLINE, Role.PROJECT_LEAD, Role.COACH, Role.EXECUTIVE,
                                          Role.IMPROVEMENT_LEAD}


def test_get_for_user_or_404_hides_other_organisations_objects_as_not_found(world):
    user = factories.make_user(world["a1x"], Role.IMPROVEMENT_LEAD)
    mine, theirs = factories.make_unit(world["a1x"]), factories.make_unit(world["a1y"])
    assert get_for_user_or_404(Unit, mine.id, user) is mine
    with pytest.raises(NotFound):
        get_for_user_or_404(Unit, theirs.id, user)
    with pytest.raises(NotFound):
        get_for_user_or_404(Unit, 999_999, user)


def test_get_for_user_or_404_is_forbidden_when_the_object_is_visible_but_the_action_is_not_allowed(world):
    user = factories.make_user(world["a1x"], Role.FRONTLINE)
    unit = factories.make_unit(world["a1x"])
    with pytest.raises(PermissionDenied):
        get_for_user_or_404(Unit, unit.id, user, Action.MANAGE_ORGANISATION)
