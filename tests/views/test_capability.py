"""The improvement lead's capability pages: the five cases for every route that changes data."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.capability import services
from impact_tracker.capability.models import ImprovementPost, TrainingRecord, TrainingTier, WorkforceHeadcount
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _count(model) -> int:
    return db.session.query(model).count()


def _record(organisation, reference="ESR1") -> TrainingRecord:
    tier = services.ensure_tiers(organisation)[0]
    return services.add_record(organisation, services.RecordInput(tier.id, "Essentials", date(2026, 1, 5),
                                                                  staff_reference=reference), actor=None)


def _post(organisation, title="Improvement advisor") -> ImprovementPost:
    return services.save_post(organisation, services.PostInput(title, Decimal("1")), actor=None)


@pytest.fixture
def other_lead(other_org):
    return factories.make_user(other_org, Role.IMPROVEMENT_LEAD)


@pytest.mark.parametrize("endpoint", ["capability.index", "capability.tiers", "capability.tiers_new",
                                      "capability.records", "capability.records_new", "capability.records_upload",
                                      "capability.headcount", "capability.posts", "capability.posts_new"])
def test_every_page_renders_for_the_lead_and_is_refused_to_frontline_staff(client, login_as, leader, member,
                                                                           endpoint):
    login_as(member)
    get_page(client, endpoint, _expected_status=403)
    client.post(url_for("auth.logout"))
    login_as(leader)
    assert get_page(client, endpoint).find("h1")


@pytest.mark.parametrize("endpoint, values", [
    ("capability.tiers_new", {}), ("capability.records_new", {}), ("capability.records_upload", {}),
    ("capability.headcount", {}), ("capability.posts_new", {}), ("capability.tiers_edit", {"tier_id": 1}),
    ("capability.tiers_move", {"tier_id": 1}), ("capability.records_delete", {"record_id": 1}),
    ("capability.posts_edit", {"post_id": 1}),
])
def test_anonymous_is_sent_to_sign_in_and_nothing_changes(client, org, endpoint, values):
    services.ensure_tiers(org)
    before = [_count(m) for m in (TrainingTier, TrainingRecord, WorkforceHeadcount, ImprovementPost)]
    response = client.post(url_for(endpoint, **values), data={"name": "Gold", "course": "x"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    assert [_count(m) for m in (TrainingTier, TrainingRecord, WorkforceHeadcount, ImprovementPost)] == before


class TestTiers:
    def test_the_tiers_page_lists_the_defaults_in_order(self, client, login_as, leader):
        login_as(leader)
        soup = get_page(client, "capability.tiers")
        names = [a.get_text(" ", strip=True).replace(" (change)", "") for a in soup.select("tbody td a")]
        assert names == ["Awareness", "Foundation", "Practitioner", "Coach", "Expert"]

    def test_a_blank_name_is_shown_beside_the_field_and_nothing_is_added(self, client, login_as, leader, org):
        services.ensure_tiers(org)
        login_as(leader)
        response = post_form(client, "capability.tiers_new", {"name": ""})
        assert field_error(_soup(response), "name") == "Enter the tier's name"
        assert _count(TrainingTier) == 5

    def test_a_new_tier_is_added_after_the_others(self, client, login_as, leader, org):
        login_as(leader)
        get_page(client, "capability.tiers")
        response = post_form(client, "capability.tiers_new", {"name": "Board", "is_coach_tier": ""},
                             _expected_status=302)
        assert response.headers["Location"] == url_for("capability.tiers", _external=False)
        assert [t.name for t in services.ensure_tiers(org)][-1] == "Board"

    def test_renaming_to_a_name_in_use_is_refused_beside_the_field(self, client, login_as, leader, org):
        tier = services.ensure_tiers(org)[0]
        login_as(leader)
        response = post_form(client, "capability.tiers_edit", {"name": "COACH"}, tier_id=tier.id)
        assert field_error(_soup(response), "name") == "Another tier already has this name"
        assert db.session.get(TrainingTier, tier.id).name == "Awareness"

    def test_renaming_a_tier(self, client, login_as, leader, org):
        tier = services.ensure_tiers(org)[0]
        login_as(leader)
        assert get_page(client, "capability.tiers_edit", tier_id=tier.id).find(id="name")["value"] == "Awareness"
        post_form(client, "capability.tiers_edit", {"name": "Bronze"}, _expected_status=302, tier_id=tier.id)
        assert db.session.get(TrainingTier, tier.id).name == "Bronze"

    def test_moving_a_tier_later(self, client, login_as, leader, org):
        tier = services.ensure_tiers(org)[0]
        login_as(leader)
        post_form(client, "capability.tiers_move", {"direction": "up"}, _expected_status=302, tier_id=tier.id)
        assert [t.name for t in services.ensure_tiers(org)][:2] == ["Foundation", "Awareness"]

    @pytest.mark.parametrize("endpoint", ["capability.tiers_edit", "capability.tiers_move"])
    def test_another_organisations_tier_is_not_found(self, client, login_as, leader, other_org, endpoint):
        tier = services.ensure_tiers(other_org)[0]
        login_as(leader)
        post_form(client, endpoint, {"name": "Mine now", "direction": "up"}, _expected_status=404, tier_id=tier.id)
        assert db.session.get(TrainingTier, tier.id).name == "Awareness" and tier.position == 0


class TestRecords:
    def _valid(self, org, **changes):
        tier = services.ensure_tiers(org)[1]
        return {"user_id": "", "staff_reference": "ESR42", "tier_id": str(tier.id), "course": "QI foundations",
                "completed_on": "2026-02-03", **changes}

    @pytest.mark.parametrize("changes, field, message", [
        ({"course": ""}, "course", "Enter the course name"),
        ({"completed_on": ""}, "completed_on", "Enter the date the course was completed"),
        ({"staff_reference": ""}, "staff_reference", "Choose a colleague or enter a staff reference"),
        ({"completed_on": "2099-01-01"}, "completed_on", "The completion date must be today or in the past"),
        ({"tier_id": "999"}, "tier_id", "Not a valid choice."),
    ])
    def test_invalid_input_is_shown_beside_the_field_and_nothing_is_saved(self, client, login_as, leader, org,
                                                                          changes, field, message):
        login_as(leader)
        response = post_form(client, "capability.records_new", self._valid(org, **changes))
        assert field_error(_soup(response), field) == message
        assert _count(TrainingRecord) == 0

    def test_a_record_for_a_colleague_is_added(self, client, login_as, leader, member, org):
        login_as(leader)
        post_form(client, "capability.records_new", self._valid(org, user_id=str(member.id), staff_reference=""),
                  _expected_status=302)
        record = db.session.query(TrainingRecord).one()
        assert (record.user_id, record.tier.name, record.completed_on) == (member.id, "Foundation", date(2026, 2, 3))
        assert "Fran Frontline" in page_text(client.get(url_for("capability.records")))

    def test_a_record_in_another_organisation_cannot_be_added_or_deleted(self, client, login_as, other_lead,
                                                                         org):
        record = _record(org)
        login_as(other_lead)
        get_page(client, "capability.records_delete", _expected_status=404, record_id=record.id)
        post_form(client, "capability.records_delete", {}, _expected_status=404, record_id=record.id)
        post_form(client, "capability.records_new", self._valid(org), _expected_status=200)
        assert db.session.query(TrainingRecord).filter_by(organisation_id=org.id).count() == 1

    def test_deleting_a_record_asks_first_then_removes_it(self, client, login_as, leader, org):
        record = _record(org)
        login_as(leader)
        assert "Delete this training record?" in get_page(client, "capability.records_delete",
                                                          record_id=record.id).get_text()
        post_form(client, "capability.records_delete", {}, _expected_status=302, record_id=record.id)
        assert _count(TrainingRecord) == 0


class TestUpload:
    def _upload(self, client, text: str, name: str = "records.csv"):
        return client.post(url_for("capability.records_upload"),
                           data={"file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data")

    def test_no_file_is_shown_beside_the_field(self, client, login_as, leader):
        login_as(leader)
        response = client.post(url_for("capability.records_upload"), data={}, content_type="multipart/form-data")
        assert field_error(_soup(response), "file") == "Choose a file to upload"

    def test_row_problems_are_listed_and_nothing_is_saved(self, client, login_as, leader, org):
        login_as(leader)
        response = self._upload(client, "ESR1,Awareness,Course,2026-01-01\nESR2,Platinum,Course,2026-01-01\n")
        assert response.status_code == 200
        soup = _soup(response)
        assert "1 problem(s) found" in field_error(soup, "file")
        assert "“Platinum” is not one of your tiers" in soup.find(id="import-errors").get_text()
        assert _count(TrainingRecord) == 0

    def test_a_good_file_is_previewed_then_saved_in_full(self, client, login_as, leader, member, org):
        login_as(leader)
        response = self._upload(client, f"Person,Tier,Course,Date\n{member.email},Coach,Coaching,01/02/2026\n"
                                        "ESR7,Expert,Advisor programme,2025-11-30\n")
        soup = _soup(response)
        assert "2 records will be added" in soup.get_text() and _count(TrainingRecord) == 0
        content = soup.find(id="content").get_text()
        response = post_form(client, "capability.records_upload", {"content": content, "confirmed": "yes"},
                             _expected_status=302)
        assert sorted(r.person for r in db.session.query(TrainingRecord)) == ["ESR7", "Fran Frontline"]

    def test_a_tampered_confirmation_saves_nothing(self, client, login_as, leader, org):
        login_as(leader)
        content = "ESR1,Awareness,Course,2026-01-01\nESR2,Nope,C,2026-01-01"
        response = post_form(client, "capability.records_upload", {"content": content, "confirmed": "yes"})
        assert "could not be saved" in field_error(_soup(response), "file")
        assert _count(TrainingRecord) == 0

    def test_a_lead_elsewhere_uploads_into_their_own_organisation_only(self, client, login_as, other_lead, org,
                                                                       other_org):
        login_as(other_lead)
        services.ensure_tiers(other_org)
        post_form(client, "capability.records_upload", {"content": "ESR1,Awareness,Course,2026-01-01",
                                                        "confirmed": "yes"}, _expected_status=302)
        assert db.session.query(TrainingRecord).one().organisation_id == other_org.id


class TestHeadcount:
    @pytest.mark.parametrize("changes, field, message", [
        ({"headcount": ""}, "headcount", "Enter the headcount as a whole number"),
        ({"headcount": "0"}, "headcount", "Number must be between 1 and 2000000."),
        ({"period": ""}, "period", "Enter the month, like 2026-04"),
        ({"period": "2099-01"}, "period", "Enter a month that has started"),
    ])
    def test_invalid_input_is_shown_beside_the_field(self, client, login_as, leader, changes, field, message):
        login_as(leader)
        response = post_form(client, "capability.headcount", {"period": "2026-01", "headcount": "4200", **changes})
        assert field_error(_soup(response), field) == message
        assert _count(WorkforceHeadcount) == 0

    def test_a_headcount_is_saved_for_the_month_and_listed(self, client, login_as, leader, org):
        login_as(leader)
        post_form(client, "capability.headcount", {"period": "2026-01", "headcount": "4200"}, _expected_status=302)
        entry = db.session.query(WorkforceHeadcount).one()
        assert (entry.organisation_id, entry.period, entry.headcount) == (org.id, date(2026, 1, 1), 4200)
        assert "January 2026" in get_page(client, "capability.headcount").get_text()

    def test_a_lead_elsewhere_changes_only_their_own_organisation(self, client, login_as, other_lead, other_org):
        login_as(other_lead)
        post_form(client, "capability.headcount", {"period": "2026-01", "headcount": "10"}, _expected_status=302)
        assert db.session.query(WorkforceHeadcount).one().organisation_id == other_org.id


class TestPosts:
    VALID = {"title": "Improvement advisor", "fte": "0.8", "kind": "allocated", "unit_id": ""}

    @pytest.mark.parametrize("changes, field, message", [
        ({"title": ""}, "title", "Enter the job title"),
        ({"fte": "lots"}, "fte", "Not a valid decimal value."),
        ({"fte": "12"}, "fte", "The FTE must be between 0.01 and 10, for example 0.4"),
    ])
    def test_invalid_input_is_shown_beside_the_field(self, client, login_as, leader, changes, field, message):
        login_as(leader)
        response = post_form(client, "capability.posts_new", {**self.VALID, **changes})
        assert field_error(_soup(response), field) == message
        assert _count(ImprovementPost) == 0

    def test_a_post_is_added_and_changed(self, client, login_as, leader, org):
        ward = factories.make_unit(org, name="Ward 7")
        login_as(leader)
        post_form(client, "capability.posts_new", {**self.VALID, "unit_id": str(ward.id)}, _expected_status=302)
        post = db.session.query(ImprovementPost).one()
        assert (post.fte, post.dedicated, post.unit_id) == (Decimal("0.80"), False, ward.id)
        assert get_page(client, "capability.posts_edit", post_id=post.id).find(id="title")["value"] == post.title
        post_form(client, "capability.posts_edit", {**self.VALID, "fte": "1", "kind": "dedicated"},
                  _expected_status=302, post_id=post.id)
        db.session.refresh(post)
        assert (post.fte, post.dedicated, post.unit_id) == (Decimal("1.00"), True, None)

    def test_another_organisations_post_is_not_found(self, client, login_as, other_lead, org):
        post = _post(org)
        login_as(other_lead)
        post_form(client, "capability.posts_edit", {**self.VALID, "title": "Taken"}, _expected_status=404,
                  post_id=post.id)
        assert db.session.get(ImprovementPost, post.id).title == "Improvement advisor"
