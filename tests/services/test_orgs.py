"""Rules for people and units that every caller (web, API, CLI) gets from the services."""

from __future__ import annotations

import pytest

from impact_tracker.core.errors import DomainError, PermissionDenied
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.orgs import services
from impact_tracker.orgs.models import UnitType, User

from .. import factories


def test_emails_are_unique_whatever_their_case(org):
    services.create_account(services.NewUser("Jane.Doe@Trust.example", "Jane", Role.FRONTLINE,
                                             "long-enough-password"), services.Scope(organisation=org))
    with pytest.raises(DomainError, match="already exists"):
        services.create_account(services.NewUser("jane.doe@TRUST.EXAMPLE", "Jane 2", Role.FRONTLINE,
                                                 "long-enough-password"), services.Scope(organisation=org))
    assert db.session.query(User).count() == 1


def test_passwords_are_stored_only_as_strong_hashes(org):
    user, _ = services.create_account(services.NewUser("a@trust.example", "A", Role.FRONTLINE,
                                                       "long-enough-password"), services.Scope(organisation=org))
    assert "long-enough-password" not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


def test_a_short_password_is_refused(org):
    with pytest.raises(DomainError, match="at least 12 characters") as err:
        services.create_account(services.NewUser("a@trust.example", "A", Role.FRONTLINE, "short"),
                                services.Scope(organisation=org))
    assert err.value.field == "password"


@pytest.mark.parametrize("role, scope_kind", [(Role.FRONTLINE, "organisation"), (Role.SYSTEM_VIEWER, "system"),
                                              (Role.REGION_VIEWER, "region")])
def test_each_role_needs_its_kind_of_place(app, role, scope_kind):
    with pytest.raises(DomainError, match=f"must belong to a {scope_kind}"):
        services.create_account(services.NewUser("a@trust.example", "A", role, "long-enough-password"),
                                services.Scope())


def test_a_lead_cannot_add_people_to_another_organisation(leader, other_org):
    with pytest.raises(PermissionDenied):
        services.add_member(other_org, services.NewUser("x@trust.example", "X", Role.FRONTLINE), actor=leader)


def test_a_lead_cannot_change_someone_with_more_access(org, leader):
    admin = factories.make_user(org, Role.NATIONAL_ADMIN)
    with pytest.raises(DomainError, match="more access"):
        services.update_member(admin, Role.FRONTLINE, None, actor=leader)


def test_a_national_administrator_can_manage_any_organisation(org, admin, member):
    services.update_member(member, Role.COACH, None, actor=admin)
    assert member.role is Role.COACH


def test_a_unit_cannot_be_its_own_ancestor(org, leader):
    top = factories.make_unit(org, type=UnitType.DIRECTORATE)
    middle = factories.make_unit(org, type=UnitType.SERVICE, parent=top)
    bottom = factories.make_unit(org, parent=middle)
    with pytest.raises(DomainError, match="inside itself"):
        services.update_unit(top, services.UnitInput(top.name, top.type, bottom.id), actor=leader)
    with pytest.raises(DomainError, match="inside itself"):
        services.update_unit(top, services.UnitInput(top.name, top.type, top.id), actor=leader)
    db.session.refresh(top)
    assert top.parent_id is None


def test_a_unit_cannot_be_put_under_another_organisations_unit(org, other_org, leader):
    foreign = factories.make_unit(other_org)
    with pytest.raises(DomainError, match="Choose a unit in this organisation"):
        services.create_unit(org, services.UnitInput("Ward 1", UnitType.WARD, foreign.id), actor=leader)


def test_organisation_codes_are_unique(org):
    with pytest.raises(DomainError, match="already in use"):
        services.create_organisation(org.code.lower(), "Copy", org.type, None)


@pytest.mark.parametrize("password", ["password1234", "Password1234", "aaaaaaaaaaaaaa", "ababababababab",
                                      "jane.doe-secret-words"])
def test_common_repeated_or_email_based_passwords_are_refused(org, password):
    with pytest.raises(DomainError, match="too easy to guess") as err:
        services.create_account(services.NewUser("jane.doe@trust.example", "Jane", Role.FRONTLINE, password),
                                services.Scope(organisation=org))
    assert err.value.field == "password"


def test_a_long_passphrase_is_accepted(org):
    user, _ = services.create_account(services.NewUser("jane.doe@trust.example", "Jane", Role.FRONTLINE,
                                                       "kettle river lantern orbit"), services.Scope(organisation=org))
    assert user.check_password("kettle river lantern orbit")
