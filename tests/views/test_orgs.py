"""The improvement lead's people and units pages: the five cases for each route that changes data."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.orgs.models import Unit, UnitType, User

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _user_count() -> int:
    return db.session.query(User).count()


def test_people_page_lists_only_the_leads_own_organisation(client, login_as, leader, member, other_org):
    outsider = factories.make_user(other_org, name="Olive Outsider")
    login_as(leader)
    text = get_page(client, "orgs.people").get_text()
    assert member.name in text and leader.name in text
    assert outsider.name not in text


@pytest.mark.parametrize("endpoint", ["orgs.people", "orgs.people_new", "orgs.units", "orgs.units_new"])
def test_frontline_staff_cannot_manage_the_organisation(client, login_as, member, endpoint):
    login_as(member)
    get_page(client, endpoint, _expected_status=403)


class TestAddPerson:
    VALID = {"name": "Ravi Shah", "email": "Ravi.Shah@Trust.example", "role": "coach", "unit_id": ""}

    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.post(url_for("orgs.people_new"), data=self.VALID)
        assert response.headers["Location"].startswith("/sign-in")
        assert _user_count() == 0

    def test_the_form_offers_only_roles_up_to_the_leads_own(self, client, login_as, leader):
        login_as(leader)
        soup = get_page(client, "orgs.people_new")
        roles = [option["value"] for option in soup.find(id="role").find_all("option")]
        assert roles == ["frontline", "project_lead", "coach", "improvement_lead", "executive"]

    @pytest.mark.parametrize("changes, field, message", [
        ({"name": ""}, "name", "Enter the person's name"),
        ({"email": "not-an-email"}, "email", "Enter an email address like name@nhs.net"),
        ({"role": "national_admin"}, "role", "Not a valid choice."),
        ({"name": "x" * 121}, "name", "Field cannot be longer than 120 characters."),
    ])
    def test_invalid_input_is_shown_beside_the_field_and_nobody_is_added(self, client, login_as, leader,
                                                                          changes, field, message):
        login_as(leader)
        before = _user_count()
        response = post_form(client, "orgs.people_new", {**self.VALID, **changes})
        assert field_error(_soup(response), field) == message
        assert _user_count() == before

    def test_an_email_already_in_use_anywhere_is_refused(self, client, login_as, leader, other_org):
        factories.make_user(other_org, email="ravi.shah@trust.example")
        login_as(leader)
        response = post_form(client, "orgs.people_new", self.VALID)
        assert field_error(_soup(response), "email") == "An account with this email address already exists"

    def test_a_unit_from_another_organisation_is_refused(self, client, login_as, leader, other_org):
        foreign = factories.make_unit(other_org)
        login_as(leader)
        response = post_form(client, "orgs.people_new", {**self.VALID, "unit_id": str(foreign.id)})
        assert field_error(_soup(response), "unit_id") == "Not a valid choice."

    def test_a_valid_person_is_added_with_a_temporary_password_shown_once(self, client, login_as, leader, org):
        ward = factories.make_unit(org, name="Ward 9")
        login_as(leader)
        response = post_form(client, "orgs.people_new", {**self.VALID, "unit_id": str(ward.id)})
        password = _soup(response).find(id="temporary-password").get_text()
        person = db.session.query(User).filter_by(email="ravi.shah@trust.example").one()
        assert (person.role, person.organisation_id, person.unit_id) == (Role.COACH, org.id, ward.id)
        assert person.must_change_password and person.check_password(password)


class TestEditPerson:
    def test_anonymous_is_sent_to_sign_in(self, client, member):
        response = client.post(url_for("orgs.people_edit", user_id=member.id), data={"role": "coach"})
        assert response.headers["Location"].startswith("/sign-in")

    def test_someone_in_another_organisation_is_not_found(self, client, login_as, leader, other_org):
        outsider = factories.make_user(other_org)
        login_as(leader)
        post_form(client, "orgs.people_edit", {"role": "coach", "unit_id": ""}, user_id=outsider.id,
                  _expected_status=404)
        db.session.refresh(outsider)
        assert outsider.role is Role.FRONTLINE

    def test_the_form_shows_the_current_role(self, client, login_as, leader, member):
        login_as(leader)
        soup = get_page(client, "orgs.people_edit", user_id=member.id)
        assert soup.find(id="role").find("option", selected=True)["value"] == "frontline"

    def test_a_lead_cannot_raise_their_own_role_or_change_it_at_all(self, client, login_as, leader):
        login_as(leader)
        response = post_form(client, "orgs.people_edit", {"role": "frontline", "unit_id": ""}, user_id=leader.id)
        assert "You cannot change your own role" in field_error(_soup(response), "role")
        db.session.refresh(leader)
        assert leader.role is Role.IMPROVEMENT_LEAD

    def test_a_role_above_the_leads_own_is_not_offered_or_accepted(self, client, login_as, leader, member):
        login_as(leader)
        response = post_form(client, "orgs.people_edit", {"role": "national_admin", "unit_id": ""},
                             user_id=member.id)
        assert field_error(_soup(response), "role") == "Not a valid choice."
        db.session.refresh(member)
        assert member.role is Role.FRONTLINE

    def test_a_valid_change_updates_role_and_unit(self, client, login_as, leader, member, org):
        ward = factories.make_unit(org)
        login_as(leader)
        post_form(client, "orgs.people_edit", {"role": "project_lead", "unit_id": str(ward.id)},
                  user_id=member.id, _expected_status=302)
        db.session.refresh(member)
        assert (member.role, member.unit_id) == (Role.PROJECT_LEAD, ward.id)


class TestDeactivate:
    def test_anonymous_is_sent_to_sign_in(self, client, member):
        response = client.post(url_for("orgs.people_active", user_id=member.id))
        assert response.headers["Location"].startswith("/sign-in")

    def test_someone_in_another_organisation_is_not_found(self, client, login_as, leader, other_org):
        outsider = factories.make_user(other_org)
        login_as(leader)
        post_form(client, "orgs.people_active", {}, user_id=outsider.id, _expected_status=404)
        db.session.refresh(outsider)
        assert outsider.active

    def test_the_people_page_offers_deactivation(self, client, login_as, leader, member):
        login_as(leader)
        soup = get_page(client, "orgs.people")
        assert soup.find("form", action=url_for("orgs.people_active", user_id=member.id, _external=False))

    def test_a_lead_cannot_deactivate_themselves(self, client, login_as, leader):
        login_as(leader)
        response = client.post(url_for("orgs.people_active", user_id=leader.id), follow_redirects=True)
        assert "You cannot deactivate your own account" in page_text(response)
        db.session.refresh(leader)
        assert leader.active

    def test_deactivating_and_reactivating_a_member(self, client, login_as, leader, member):
        login_as(leader)
        post_form(client, "orgs.people_active", {}, user_id=member.id, _expected_status=302)
        db.session.refresh(member)
        assert not member.active
        post_form(client, "orgs.people_active", {}, user_id=member.id, _expected_status=302)
        db.session.refresh(member)
        assert member.active


class TestAddUnit:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.post(url_for("orgs.units_new"), data={"name": "Ward 1", "type": "ward"})
        assert response.headers["Location"].startswith("/sign-in")

    def test_the_form_renders(self, client, login_as, leader):
        login_as(leader)
        assert get_page(client, "orgs.units_new").h1.get_text(strip=True) == "Add a unit"

    @pytest.mark.parametrize("data, field, message", [
        ({"name": "", "type": "ward", "parent_id": ""}, "name", "Enter the unit's name"),
        ({"name": "Ward 1", "type": "castle", "parent_id": ""}, "type", "Not a valid choice."),
    ])
    def test_invalid_input_is_shown_and_nothing_is_saved(self, client, login_as, leader, data, field, message):
        login_as(leader)
        response = post_form(client, "orgs.units_new", data)
        assert field_error(_soup(response), field) == message
        assert db.session.query(Unit).count() == 0

    def test_a_unit_is_added_inside_its_parent(self, client, login_as, leader, org):
        medicine = factories.make_unit(org, name="Medicine", type=UnitType.DIRECTORATE)
        login_as(leader)
        post_form(client, "orgs.units_new", {"name": "Ward 4", "type": "ward", "parent_id": str(medicine.id)},
                  _expected_status=302)
        ward = db.session.query(Unit).filter_by(name="Ward 4").one()
        assert ward.parent_id == medicine.id and ward.organisation_id == org.id
        assert ward.path == "Medicine › Ward 4"


class TestEditUnit:
    def test_anonymous_is_sent_to_sign_in(self, client, org):
        unit = factories.make_unit(org)
        response = client.post(url_for("orgs.units_edit", unit_id=unit.id), data={"name": "X", "type": "ward"})
        assert response.headers["Location"].startswith("/sign-in")

    def test_another_organisations_unit_is_not_found(self, client, login_as, leader, other_org):
        foreign = factories.make_unit(other_org, name="Their ward")
        login_as(leader)
        post_form(client, "orgs.units_edit", {"name": "Mine now", "type": "ward", "parent_id": ""},
                  unit_id=foreign.id, _expected_status=404)
        db.session.refresh(foreign)
        assert foreign.name == "Their ward"

    def test_the_form_is_prefilled(self, client, login_as, leader, org):
        unit = factories.make_unit(org, name="Ward 3")
        login_as(leader)
        assert get_page(client, "orgs.units_edit", unit_id=unit.id).find(id="name")["value"] == "Ward 3"

    def test_a_unit_cannot_be_moved_inside_its_own_child(self, client, login_as, leader, org):
        top = factories.make_unit(org, name="Medicine", type=UnitType.DIRECTORATE)
        child = factories.make_unit(org, name="Respiratory", type=UnitType.SERVICE, parent=top)
        login_as(leader)
        response = post_form(client, "orgs.units_edit",
                             {"name": "Medicine", "type": "directorate", "parent_id": str(child.id)},
                             unit_id=top.id)
        assert "cannot sit inside itself" in field_error(_soup(response), "parent_id")
        db.session.refresh(top)
        assert top.parent_id is None

    def test_a_valid_edit_renames_the_unit(self, client, login_as, leader, org):
        unit = factories.make_unit(org, name="Ward 3")
        login_as(leader)
        post_form(client, "orgs.units_edit", {"name": "Ward 3 (Acute Medical Unit)", "type": "ward",
                                              "parent_id": ""}, unit_id=unit.id, _expected_status=302)
        db.session.refresh(unit)
        assert unit.name == "Ward 3 (Acute Medical Unit)"
