"""Measure pages: adding and changing a measure, the measure page, rebasing, and the project page's block."""

from __future__ import annotations

from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.measures.models import Measure, MeasureKind, Rebase

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form

VALID = {"name": "Falls per 1,000 bed days", "kind": "outcome", "definition": "Falls reported on Datix",
         "is_proportion": "no", "numerator_definition": "", "denominator_definition": "", "unit": "falls",
         "frequency": "weekly", "improvement_direction": "decrease", "target": "4", "chart": "xmr",
         "baseline_points": ""}
PII_WARNING = "This may identify a patient. It contains a 10-digit number that could be an NHS number."


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _measures() -> list[Measure]:
    db.session.expire_all()
    return list(db.session.query(Measure).order_by(Measure.id))


class TestAddMeasure:
    def test_anonymous_is_sent_to_sign_in(self, client, project):
        response = client.post(url_for("measures.new_measure", project_id=project.id), data=VALID)
        assert response.headers["Location"].startswith("/sign-in")
        assert _measures() == []

    def test_another_organisations_project_is_not_found(self, client, login_as, member, other_project):
        login_as(member)
        post_form(client, "measures.new_measure", VALID, project_id=other_project.id, _expected_status=404)
        assert _measures() == []

    def test_a_viewer_from_the_system_may_not_add_one(self, client, login_as, org, project):
        viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
        login_as(viewer)
        get_page(client, "measures.new_measure", project_id=project.id, _expected_status=403)

    def test_the_form_renders_with_the_three_kinds(self, client, login_as, member, project):
        login_as(member)
        soup = get_page(client, "measures.new_measure", project_id=project.id)
        assert soup.h1.get_text(strip=True) == "Add a measure"
        kinds = [i["value"] for i in soup.find_all("input", attrs={"name": "kind"})]
        assert kinds == ["outcome", "process", "balancing"]

    @pytest.mark.parametrize("changes, field, message", [
        ({"name": ""}, "name", "Enter the measure's name"),
        ({"kind": ""}, "kind", "Choose the kind of measure"),
        ({"target": "four"}, "target", "Enter a number, like 12 or 12.5"),
        ({"baseline_points": "6.5"}, "baseline_points", "Enter a whole number, like 12"),
        ({"is_proportion": "yes"}, "numerator_definition", "Say what is counted in the numerator"),
        ({"unit": "u" * 41}, "unit", "Field cannot be longer than 40 characters."),
    ])
    def test_invalid_input_is_shown_beside_the_field_and_nothing_is_added(self, client, login_as, member, project,
                                                                          changes, field, message):
        login_as(member)
        response = post_form(client, "measures.new_measure", {**VALID, **changes}, project_id=project.id)
        assert field_error(_soup(response), field) == message
        assert _measures() == []

    def test_a_valid_measure_is_added_and_its_page_shown(self, client, login_as, member, project):
        login_as(member)
        response = post_form(client, "measures.new_measure", VALID, project_id=project.id, _expected_status=302)
        [measure] = _measures()
        assert response.headers["Location"] == url_for("measures.detail", measure_id=measure.id, _external=False)
        assert (measure.name, measure.kind, measure.target, measure.unit) == (VALID["name"], MeasureKind.OUTCOME,
                                                                            4.0, "falls")

    def test_a_definition_that_looks_like_patient_data_asks_for_confirmation_first(self, client, login_as, member,
                                                                                 project):
        login_as(member)
        data = {**VALID, "definition": "Falls, e.g. patient 943 476 5919"}
        soup = _soup(post_form(client, "measures.new_measure", data, project_id=project.id))
        assert field_error(soup, "definition").startswith(PII_WARNING)
        assert "I confirm this contains no patient-identifiable information" in soup.get_text()
        assert "never details about a person" in soup.get_text()
        assert _measures() == []
        post_form(client, "measures.new_measure", {**data, "no_pii": "y"}, project_id=project.id,
                  _expected_status=302)
        assert [m.definition for m in _measures()] == ["Falls, e.g. patient 943 476 5919"]


class TestEditMeasure:
    def _data(self, measure, **changes):
        return {**VALID, "name": measure.name, "version": str(measure.version), **changes}

    def test_anonymous_is_sent_to_sign_in(self, client, project):
        measure = factories.make_measure(project, name="Falls")
        response = client.post(url_for("measures.edit_measure", measure_id=measure.id), data=self._data(measure))
        assert response.headers["Location"].startswith("/sign-in")

    def test_another_organisations_measure_is_not_found(self, client, login_as, member, other_project):
        measure = factories.make_measure(other_project, name="Theirs")
        login_as(member)
        post_form(client, "measures.edit_measure", self._data(measure, name="Mine now"), measure_id=measure.id,
                  _expected_status=404)
        assert _measures()[0].name == "Theirs"

    def test_the_form_is_filled_from_the_measure(self, client, login_as, member, project):
        measure = factories.make_measure(project, name="Falls", unit="falls", target=4)
        login_as(member)
        soup = get_page(client, "measures.edit_measure", measure_id=measure.id)
        assert soup.find(id="name")["value"] == "Falls" and soup.find(id="target")["value"] == "4"
        assert soup.find(id="version")["value"] == "1"

    def test_invalid_input_is_shown_and_nothing_changes(self, client, login_as, member, project):
        measure = factories.make_measure(project, name="Falls", values=[3, 4])
        login_as(member)
        data = self._data(measure, is_proportion="yes", numerator_definition="a", denominator_definition="b")
        response = post_form(client, "measures.edit_measure", data, measure_id=measure.id)
        assert field_error(_soup(response), "is_proportion").startswith("This measure already has data")
        assert not _measures()[0].is_proportion

    def test_a_stale_version_is_refused_with_an_explanation(self, client, login_as, member, project):
        measure = factories.make_measure(project, name="Falls")
        login_as(member)
        response = post_form(client, "measures.edit_measure", self._data(measure, name="New", version="9"),
                             measure_id=measure.id)
        assert "Someone else changed this measure" in page_text(response)
        assert _measures()[0].name == "Falls"
        rows = {row.th.get_text(strip=True): [cell.get_text(strip=True) for cell in row.find_all("td")]
                for row in _soup(response).select("table.app-conflict tbody tr")}
        assert ["Falls", "New"] in rows.values()  # each field that differs: saved now, then yours
        assert _soup(response).find("input", {"name": "version"})["value"] == str(measure.version)
        post_form(client, "measures.edit_measure", self._data(measure, name="New", version=str(measure.version)),
                  measure_id=measure.id, _expected_status=302)
        assert _measures()[0].name == "New"

    def test_a_valid_change_is_saved(self, client, login_as, member, project):
        measure = factories.make_measure(project, name="Falls")
        login_as(member)
        post_form(client, "measures.edit_measure", self._data(measure, name="Inpatient falls", chart="run"),
                  measure_id=measure.id, _expected_status=302)
        assert (_measures()[0].name, _measures()[0].chart.value) == ("Inpatient falls", "run")


class TestMeasurePage:
    def test_it_shows_the_definition_the_add_form_and_recent_data(self, client, login_as, member, project):
        measure = factories.make_measure(project, name="Falls", definition="Falls on Datix", values=[3, 5],
                                         unit="falls")
        login_as(member)
        soup = get_page(client, "measures.detail", measure_id=measure.id)
        text = soup.get_text(" ")
        assert soup.h1.get_text(strip=True) == "Falls"
        assert "Falls on Datix" in text and "5 falls" in text and "The latest 2 of 2 points" in text
        assert soup.find(id="point-value").has_attr("autofocus")
        assert soup.find(id="point-period")["value"] == "2026-01-19"
        assert soup.find(id="point-period")["type"] == "date"

    def test_a_proportion_shows_the_percentage_and_asks_for_numerator_and_denominator(self, client, login_as,
                                                                                       member, project):
        measure = factories.make_measure(project, name="Hand hygiene", proportions=[(19, 20)])
        login_as(member)
        soup = get_page(client, "measures.detail", measure_id=measure.id)
        assert "95.0% (19 of 20)" in soup.get_text()
        assert soup.find(id="point-numerator") and soup.find(id="point-denominator")
        assert soup.find(id="point-value") is None

    def test_a_viewer_sees_the_data_but_no_forms(self, client, login_as, org, project):
        measure = factories.make_measure(project, name="Falls", values=[3, 5])
        login_as(factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system))
        soup = get_page(client, "measures.detail", measure_id=measure.id)
        assert soup.find(id="point-value") is None and soup.find(id="rebase-reason") is None
        assert "Delete" not in soup.get_text()

    def test_another_organisations_measure_is_not_found(self, client, login_as, member, other_project):
        measure = factories.make_measure(other_project)
        login_as(member)
        get_page(client, "measures.detail", measure_id=measure.id, _expected_status=404)

    def test_the_change_link_fills_the_form_with_that_point(self, client, login_as, member, project):
        measure = factories.make_measure(project, name="Falls", values=[3, 5])
        point = measure.points[0]
        login_as(member)
        soup = get_page(client, "measures.detail", measure_id=measure.id, change=point.id)
        assert soup.find(id="add-point-heading").get_text(strip=True) == "Change the data for 5 January 2026"
        assert (soup.find(id="point-period")["value"], soup.find(id="point-value")["value"]) == ("2026-01-05", "3")


class TestRebase:
    def _measure(self, project):
        return factories.make_measure(project, name="Falls", values=[3, 5, 4, 6])

    def test_anonymous_is_sent_to_sign_in(self, client, project):
        measure = self._measure(project)
        response = client.post(url_for("measures.rebase", measure_id=measure.id),
                               data={"rebase-period": "2026-01-12", "rebase-reason": "New bundle"})
        assert response.headers["Location"].startswith("/sign-in")
        assert db.session.query(Rebase).count() == 0

    def test_another_organisations_measure_is_not_found(self, client, login_as, member, other_project):
        measure = self._measure(other_project)
        login_as(member)
        post_form(client, "measures.rebase", {"rebase-period": "2026-01-12", "rebase-reason": "x"},
                  measure_id=measure.id, _expected_status=404)
        assert db.session.query(Rebase).count() == 0

    def test_the_form_offers_every_period_but_the_first(self, client, login_as, member, project):
        measure = self._measure(project)
        login_as(member)
        soup = get_page(client, "measures.detail", measure_id=measure.id)
        offered = [o["value"] for o in soup.find(id="rebase-period").find_all("option")]
        assert offered == ["2026-01-26", "2026-01-19", "2026-01-12"]

    @pytest.mark.parametrize("data, field, message", [
        ({"rebase-period": "2026-01-12", "rebase-reason": ""}, "rebase-reason",
         "Say why the process changed at this point"),
        ({"rebase-period": "2026-01-05", "rebase-reason": "New bundle"}, "rebase-period", "Not a valid choice."),
        ({"rebase-period": "2026-01-12", "rebase-reason": "Moved DOB 01/02/1950"}, "rebase-reason",
         "This may identify a patient. It contains what looks like a date of birth."),
    ])
    def test_invalid_input_is_shown_on_the_measure_page_and_nothing_saved(self, client, login_as, member, project,
                                                                         data, field, message):
        measure = self._measure(project)
        login_as(member)
        response = post_form(client, "measures.rebase", data, measure_id=measure.id)
        assert field_error(_soup(response), field).startswith(message)
        assert db.session.query(Rebase).count() == 0

    def test_a_valid_rebase_is_saved_and_listed(self, client, login_as, member, project):
        measure = self._measure(project)
        login_as(member)
        post_form(client, "measures.rebase", {"rebase-period": "2026-01-19", "rebase-reason": "Bundle adopted"},
                  measure_id=measure.id, _expected_status=302)
        assert [(r.period, r.reason) for r in db.session.query(Rebase)] == [(date(2026, 1, 19), "Bundle adopted")]
        page = page_text(client.get(url_for("measures.detail", measure_id=measure.id)))
        assert "From 19 January 2026 : Bundle adopted" in page

    def test_a_rebase_can_be_removed_after_confirming(self, client, login_as, member, project, other_project):
        measure = self._measure(project)
        rebase = Rebase(measure=measure, period=date(2026, 1, 19), reason="Bundle adopted")
        db.session.add(rebase)
        db.session.commit()
        login_as(member)
        assert "Remove the rebase from 19 January 2026?" in get_page(
            client, "measures.delete_rebase", measure_id=measure.id, rebase_id=rebase.id).get_text()
        other = factories.make_measure(project, name="Other")
        post_form(client, "measures.delete_rebase", {}, measure_id=other.id, rebase_id=rebase.id,
                  _expected_status=404)
        post_form(client, "measures.delete_rebase", {}, measure_id=measure.id, rebase_id=rebase.id,
                  _expected_status=302)
        assert db.session.query(Rebase).count() == 0


class TestProjectPage:
    def test_measures_are_listed_by_kind_with_their_latest_value(self, client, login_as, member, project):
        factories.make_measure(project, name="Falls", values=[3, 2], unit="falls")
        factories.make_measure(project, name="Rounding done", kind=MeasureKind.PROCESS, proportions=[(9, 10)])
        login_as(member)
        soup = get_page(client, "projects.detail", project_id=project.id)
        section = soup.find(id="measures")
        headings = [h.get_text(strip=True) for h in section.find_all("h3")]
        assert headings == ["Outcome measures", "Process measures", "Balancing measures"]
        text = re_space(section.get_text(" "))
        assert "Falls Latest: 2 falls for 12 January 2026" in text
        assert "Rounding done Latest: 90.0% (9 of 10) for 5 January 2026" in text
        [add] = [a for a in section.find_all("a") if a.get_text(strip=True) == "Add a measure"]
        assert add["href"] == url_for("measures.new_measure", project_id=project.id, _external=False)

    def test_viewers_are_not_offered_to_add_a_measure(self, client, login_as, org, project):
        login_as(factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system))
        section = get_page(client, "projects.detail", project_id=project.id).find(id="measures")
        assert "Add a measure" not in section.get_text()


def re_space(text: str) -> str:
    return " ".join(text.split())
