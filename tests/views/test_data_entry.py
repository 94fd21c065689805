"""Entering data: one point in two taps, pasting, uploading CSV or Excel, deleting, downloading as CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import url_for

from impact_tracker.extensions import db
from impact_tracker.measures import queries
from impact_tracker.measures.models import DataPoint

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "import-samples"
EXPECTED = json.loads((SAMPLES / "expected.json").read_text())
JAN = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _saved(measure) -> list[tuple]:
    db.session.expire_all()
    return [(p.period, p.value, p.numerator, p.denominator) for p in queries.all_points(measure)]


def _error_rows(soup) -> list[list[str]]:
    """The cells of each row of the import problems table: row number, column, problem."""
    table = soup.find(id="import-errors")
    return [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.tbody.find_all("tr")]


def _upload(client, measure, name: str, data: bytes):
    return client.post(url_for("measures.upload", measure_id=measure.id), data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _confirm(client, measure, preview_response):
    """Press 'Save' on a preview page: post back exactly what it carries."""
    soup = _soup(preview_response)
    carried = {"pasted": soup.find("textarea", attrs={"name": "pasted"}).get_text(),
               "confirmed": soup.find("input", attrs={"name": "confirmed"})["value"]}
    return client.post(url_for("measures.paste", measure_id=measure.id), data=carried)


class TestAddOnePoint:
    def test_anonymous_is_sent_to_sign_in(self, client, project):
        measure = factories.make_measure(project)
        response = client.post(url_for("measures.add_point", measure_id=measure.id),
                               data={"point-period": "2026-01-05", "point-value": "3"})
        assert response.headers["Location"].startswith("/sign-in")
        assert _saved(measure) == []

    def test_another_organisations_measure_is_not_found(self, client, login_as, member, other_project):
        measure = factories.make_measure(other_project)
        login_as(member)
        post_form(client, "measures.add_point", {"point-period": "2026-01-05", "point-value": "3"},
                  measure_id=measure.id, _expected_status=404)
        assert _saved(measure) == []

    def test_the_form_has_the_next_period_filled_in_and_the_value_focused(self, client, login_as, member, project):
        measure = factories.make_measure(project, values=[3, 4])
        login_as(member)
        soup = get_page(client, "measures.detail", measure_id=measure.id)
        form = soup.find(id="point-value").find_parent("form")
        assert form["action"] == url_for("measures.add_point", measure_id=measure.id, _external=False)
        assert soup.find(id="point-period")["value"] == "2026-01-19"
        assert soup.find(id="point-value").has_attr("autofocus")
        assert soup.find(id="point-value")["inputmode"] == "decimal"

    @pytest.mark.parametrize("data, field, message", [
        ({"point-period": "", "point-value": "3"}, "point-period", "Enter the date the period starts"),
        ({"point-period": "31/02/2026", "point-value": "3"}, "point-period", "Enter a real date, like 06/01/2025"),
        ({"point-period": "2026-01-19", "point-value": ""}, "point-value", "Enter the value"),
        ({"point-period": "2026-01-19", "point-value": "lots"}, "point-value", "Enter a number, like 12 or 12.5"),
        ({"point-period": "2026-01-19", "point-value": "3", "point-annotation": "Fall, bed 4, LS1 4AP"},
         "point-annotation", "This may identify a patient. It contains what looks like a postcode."),
    ])
    def test_invalid_input_is_shown_beside_the_field_and_nothing_saved(self, client, login_as, member, project,
                                                                      data, field, message):
        measure = factories.make_measure(project, values=[3, 4])
        login_as(member)
        response = post_form(client, "measures.add_point", data, measure_id=measure.id)
        assert field_error(_soup(response), field).startswith(message)
        assert len(_saved(measure)) == 2

    def test_a_proportion_refuses_a_numerator_above_the_denominator(self, client, login_as, member, project):
        measure = factories.make_measure(project, proportions=[])
        login_as(member)
        data = {"point-period": "2026-01-05", "point-numerator": "12", "point-denominator": "10"}
        response = post_form(client, "measures.add_point", data, measure_id=measure.id)
        assert field_error(_soup(response), "point-numerator") == (
            "The numerator (12) is more than the denominator (10).")
        assert _saved(measure) == []

    def test_a_valid_point_is_added_and_the_page_is_ready_for_the_next(self, client, login_as, member, project):
        measure = factories.make_measure(project, values=[3, 4], unit="falls")
        login_as(member)
        response = post_form(client, "measures.add_point", {"point-period": "19/01/2026", "point-value": "5"},
                             measure_id=measure.id, _expected_status=302)
        assert response.headers["Location"].endswith(f"/measures/{measure.id}#add-point")
        assert _saved(measure)[-1] == (JAN[2], 5.0, None, None)
        page = client.get(response.headers["Location"])
        assert "Added 19 January 2026: 5 falls." in page_text(page)
        assert _soup(page).find(id="point-period")["value"] == "2026-01-26"

    def test_a_period_that_has_data_is_replaced_and_says_so(self, client, login_as, member, project):
        measure = factories.make_measure(project, values=[3, 4])
        login_as(member)
        response = post_form(client, "measures.add_point", {"point-period": "2026-01-05", "point-value": "7"},
                             measure_id=measure.id, _expected_status=302)
        assert "Replaced the value for 5 January 2026: 7." in page_text(client.get(response.headers["Location"]))
        assert [row[1] for row in _saved(measure)] == [7.0, 4.0]

    def test_patient_like_text_is_saved_once_confirmed(self, client, login_as, member, project):
        measure = factories.make_measure(project)
        login_as(member)
        data = {"point-period": "2026-01-05", "point-value": "3", "point-annotation": "Mr X 9434765919",
                "point-no_pii": "y"}
        post_form(client, "measures.add_point", data, measure_id=measure.id, _expected_status=302)
        assert [p.annotation for p in queries.all_points(measure)] == ["Mr X 9434765919"]


class TestDeletePoint:
    def _point(self, project):
        measure = factories.make_measure(project, values=[3, 4])
        return measure, measure.points[0]

    def test_anonymous_is_sent_to_sign_in(self, client, project):
        measure, point = self._point(project)
        response = client.post(url_for("measures.delete_point", measure_id=measure.id, point_id=point.id))
        assert response.headers["Location"].startswith("/sign-in")
        assert len(_saved(measure)) == 2

    def test_another_organisations_point_is_not_found(self, client, login_as, member, other_project):
        measure, point = self._point(other_project)
        login_as(member)
        post_form(client, "measures.delete_point", {}, measure_id=measure.id, point_id=point.id,
                  _expected_status=404)
        assert len(_saved(measure)) == 2

    def test_the_confirmation_page_names_the_period(self, client, login_as, member, project):
        measure, point = self._point(project)
        login_as(member)
        soup = get_page(client, "measures.delete_point", measure_id=measure.id, point_id=point.id)
        assert soup.h1.get_text(strip=True) == "Delete the data for 5 January 2026?"

    def test_a_point_of_a_different_measure_is_not_found_and_kept(self, client, login_as, member, project):
        measure, point = self._point(project)
        other = factories.make_measure(project, name="Other")
        login_as(member)
        post_form(client, "measures.delete_point", {}, measure_id=other.id, point_id=point.id,
                  _expected_status=404)
        assert len(_saved(measure)) == 2

    def test_confirming_deletes_the_point(self, client, login_as, member, project):
        measure, point = self._point(project)
        login_as(member)
        post_form(client, "measures.delete_point", {}, measure_id=measure.id, point_id=point.id,
                  _expected_status=302)
        assert _saved(measure) == [(JAN[1], 4.0, None, None)]


class TestPaste:
    def test_anonymous_is_sent_to_sign_in(self, client, project):
        measure = factories.make_measure(project)
        response = client.post(url_for("measures.paste", measure_id=measure.id),
                               data={"pasted": "05/01/2026\t3", "confirmed": "yes"})
        assert response.headers["Location"].startswith("/sign-in")
        assert _saved(measure) == []

    def test_another_organisations_measure_is_not_found(self, client, login_as, member, other_project):
        measure = factories.make_measure(other_project)
        login_as(member)
        post_form(client, "measures.paste", {"pasted": "05/01/2026\t3", "confirmed": "yes"}, measure_id=measure.id,
                  _expected_status=404)
        assert _saved(measure) == []

    def test_the_page_renders_with_what_the_data_should_look_like(self, client, login_as, member, project):
        measure = factories.make_measure(project)
        login_as(member)
        soup = get_page(client, "measures.paste", measure_id=measure.id)
        assert soup.h1.get_text(strip=True) == "Paste data from a spreadsheet"
        assert "with the date and value in that order" in soup.get_text()

    def test_bad_rows_are_listed_and_nothing_is_saved_even_when_confirmed(self, client, login_as, member, project):
        measure = factories.make_measure(project)
        login_as(member)
        data = {"pasted": "Week\tFalls\n05/01/2026\t3\n12/01/2026\tnone\n40/01/2026\t2\n", "confirmed": "yes"}
        soup = _soup(post_form(client, "measures.paste", data, measure_id=measure.id))
        assert field_error(soup, "pasted").startswith("2 problems were found, listed below. Nothing has been saved.")
        rows = _error_rows(soup)
        assert [row[:2] for row in rows if row] == [["2", "value"], ["3", "date"]]
        assert _saved(measure) == []

    def test_an_empty_paste_is_refused(self, client, login_as, member, project):
        measure = factories.make_measure(project)
        login_as(member)
        soup = _soup(post_form(client, "measures.paste", {"pasted": "  "}, measure_id=measure.id))
        assert field_error(soup, "pasted") == "Paste at least one row of data"

    def test_a_preview_says_what_is_new_and_what_is_replaced_then_saving_upserts(self, client, login_as, member,
                                                                                 project):
        measure = factories.make_measure(project, values=[3, 4])
        login_as(member)
        preview = post_form(client, "measures.paste", {"pasted": "05/01/2026\t3\n12/01/2026\t6\n19/01/2026\t1"},
                            measure_id=measure.id)
        text = page_text(preview)
        assert "3 rows. 1 new , 1 replaces a saved value , 1 unchanged." in text
        assert "Replaces 4" in text and "No change" in text
        assert len(_saved(measure)) == 2
        response = _confirm(client, measure, preview)
        assert response.status_code == 302
        assert [row[1] for row in _saved(measure)] == [3.0, 6.0, 1.0]
        assert "Saved: 1 new, 1 replaced, 1 unchanged." in page_text(client.get(response.headers["Location"]))


class TestUpload:
    def test_anonymous_is_sent_to_sign_in(self, client, project):
        measure = factories.make_measure(project)
        response = _upload(client, measure, "falls.csv", b"05/01/2026,3\n")
        assert response.headers["Location"].startswith("/sign-in")

    def test_another_organisations_measure_is_not_found(self, client, login_as, member, other_project):
        measure = factories.make_measure(other_project)
        login_as(member)
        assert _upload(client, measure, "falls.csv", b"05/01/2026,3\n").status_code == 404

    def test_the_page_renders_a_file_field_that_can_send_files(self, client, login_as, member, project):
        measure = factories.make_measure(project)
        login_as(member)
        soup = get_page(client, "measures.upload", measure_id=measure.id)
        assert soup.find(id="file")["type"] == "file"
        assert soup.find(id="file").find_parent("form")["enctype"] == "multipart/form-data"

    @pytest.mark.parametrize("name, data, message", [
        ("notes.docx", b"x", "The file must be a CSV file or an Excel workbook (.xlsx)"),
        ("broken.xlsx", b"not a workbook", "1 problem was found"),
    ])
    def test_unusable_files_are_refused_and_nothing_saved(self, client, login_as, member, project, name, data,
                                                          message):
        measure = factories.make_measure(project)
        login_as(member)
        response = _upload(client, measure, name, data)
        assert response.status_code == 200
        assert field_error(_soup(response), "file").startswith(message)
        assert _saved(measure) == []

    def test_no_file_chosen_is_explained(self, client, login_as, member, project):
        measure = factories.make_measure(project)
        login_as(member)
        response = client.post(url_for("measures.upload", measure_id=measure.id), data={},
                               content_type="multipart/form-data")
        assert field_error(_soup(response), "file") == "Choose a file to upload"

    def test_a_valid_file_is_previewed_then_saved(self, client, login_as, member, project):
        measure = factories.make_measure(project)
        login_as(member)
        preview = _upload(client, measure, "falls.csv", b"Week,Falls\r\n05/01/2026,3\r\n12/01/2026,4\r\n")
        assert "From falls.csv: 2 rows." in page_text(preview)
        assert _saved(measure) == []
        assert _confirm(client, measure, preview).status_code == 302
        assert [row[1] for row in _saved(measure)] == [3.0, 4.0]


def _sample_measure(project, name: str):
    expected = EXPECTED[name]
    proportion = bool(expected.get("points")) and len(expected["points"][0]) == 3
    return factories.make_measure(project, name=name, proportions=[] if proportion else None), proportion


def _sample_paths():
    paths = []
    for name in sorted(EXPECTED):
        paths.append((name, "upload"))
        if name.endswith(".csv"):
            paths.append((name, "paste"))
    return paths


@pytest.mark.parametrize("name, route", _sample_paths())
def test_each_sample_behaves_as_expected_json_says(client, login_as, member, project, name, route):
    expected = EXPECTED[name]
    measure, proportion = _sample_measure(project, name)
    login_as(member)
    content = (SAMPLES / name).read_bytes()
    if route == "upload":
        preview = _upload(client, measure, name, content)
    else:
        preview = client.post(url_for("measures.paste", measure_id=measure.id),
                              data={"pasted": content.decode("utf-8-sig")})
    assert preview.status_code == 200
    if not expected["accept"]:
        soup = _soup(preview)
        rows = _error_rows(soup)
        assert [{"row": int(r[0]), "column": r[1]} for r in rows if r] == expected["errors"]
        assert _saved(measure) == []
        return
    assert _confirm(client, measure, preview).status_code == 302
    saved = _saved(measure)
    if proportion:
        assert [[p.isoformat(), n, d] for p, _, n, d in saved] == expected["points"]
    else:
        assert [[p.isoformat(), v] for p, v, _, _ in saved] == expected["points"]


class TestDownload:
    def test_another_organisations_measure_is_not_found(self, client, login_as, member, other_project):
        measure = factories.make_measure(other_project)
        login_as(member)
        assert client.get(url_for("measures.download", measure_id=measure.id)).status_code == 404

    def test_the_data_downloads_as_csv_with_formulas_neutralised(self, client, login_as, member, project):
        measure = factories.make_measure(project, name="Falls / week", values=[3, -1.5])
        points = queries.all_points(measure)
        points[0].annotation, points[1].annotation = "=HYPERLINK(\"http://x\")", "-fine note"
        db.session.commit()
        login_as(member)
        response = client.get(url_for("measures.download", measure_id=measure.id))
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"] == 'attachment; filename="falls-week.csv"'
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows == [["period", "value", "note"], ["2026-01-05", "3", "'=HYPERLINK(\"http://x\")"],
                        ["2026-01-12", "-1.5", "'-fine note"]]

    def test_a_proportion_downloads_numerator_denominator_and_percentage(self, client, login_as, member, project):
        measure = factories.make_measure(project, proportions=[(1, 4)])
        login_as(member)
        text = client.get(url_for("measures.download", measure_id=measure.id)).get_data(as_text=True)
        assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
            ["period", "numerator", "denominator", "percentage", "note"], ["2026-01-05", "1", "4", "25", ""]]

    def test_a_downloaded_file_uploads_again_unchanged(self, client, login_as, member, project):
        measure = factories.make_measure(project, values=[3, 4.25])
        login_as(member)
        data = client.get(url_for("measures.download", measure_id=measure.id)).get_data()
        copy = factories.make_measure(project, name="Copy")
        preview = _upload(client, copy, "copy.csv", data.replace(b",note", b"").replace(b",\r\n", b"\r\n"))
        assert _confirm(client, copy, preview).status_code == 302
        assert [row[:2] for row in _saved(copy)] == [row[:2] for row in _saved(measure)]
        assert db.session.query(DataPoint).count() == 4
