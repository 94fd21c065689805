"""Regression tests for the server errors and contract breaks the fuzzers found, one input each."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from sqlalchemy import select

from impact_tracker.auth.models import ApiToken
from impact_tracker.capability.models import TrainingTier

from . import world
from .html_forms import heading, main_text, shows_error
from .test_api import assert_readable_problem


def _api(client, token: str, method: str, path: str, body=None, **kwargs):
    data = body if isinstance(body, bytes | None) else json.dumps(body)
    return client.open(path, method=method, data=data, content_type="application/json",
                       headers={"Authorization": f"Bearer {token}"}, **kwargs)


@pytest.mark.parametrize("version", [" ", "²", "1.5", "-1"])
def test_a_project_edit_with_a_mangled_version_is_answered_not_a_server_error(version, fuzz_app, lead_client):
    with fuzz_app.app_context():
        project_id = world.url_values_for("projects.edit")["project_id"]
    response = lead_client.post(f"/projects/{project_id}/edit", data={"version": version, "title": ""})
    assert response.status_code == 200
    assert shows_error(response.get_data(as_text=True))


def test_superscript_digits_in_a_page_number_are_not_a_page(fuzz_app, lead_client, lead_token):
    assert lead_client.get("/walks?page=²").status_code == 200
    response = _api(fuzz_app.test_client(), lead_token, "GET", "/api/v1/projects?page=²")
    assert response.status_code == 422
    assert_readable_problem(response)


@pytest.mark.parametrize("path", ["/api/v1/projects/2147483648", "/api/v1/measures/9223372036854775808"])
@pytest.mark.parametrize("method", ["GET", "PATCH"])
def test_an_id_too_large_for_any_table_is_not_found(path, method, fuzz_app, lead_token):
    response = _api(fuzz_app.test_client(), lead_token, method, path, {"title": "Falls"})
    assert response.status_code == 404
    assert_readable_problem(response)


def test_an_id_too_large_for_any_table_is_a_page_not_found(lead_client):
    response = lead_client.get("/projects/99999999999")
    assert response.status_code == 404
    assert heading(response.get_data(as_text=True)) == "Page not found"


def test_json_nested_too_deeply_is_a_bad_request(fuzz_app, lead_token):
    response = _api(fuzz_app.test_client(), lead_token, "POST", "/api/v1/projects", b"[" * 5000)
    assert response.status_code == 400
    assert "nested too deeply" in response.get_json()["detail"]


def test_impact_components_that_are_not_strings_are_an_invalid_field(fuzz_app, lead_token):
    response = _api(fuzz_app.test_client(), lead_token, "POST", "/api/v1/projects",
                    {"title": "Falls", "impact_components": [[]], "aim": {"what": "Fewer falls"}})
    assert response.status_code == 422
    assert [error["field"] for error in response.get_json()["errors"]] == ["impact_components"]


def test_nul_characters_are_dropped_from_form_text_not_sent_to_the_database(fuzz_app, lead_client):
    response = lead_client.post("/account/tokens", data={"name": "Ward\x00 feed"})
    assert response.status_code == 200 and not shows_error(response.get_data(as_text=True))
    with fuzz_app.app_context():
        assert world.first(select(ApiToken).filter_by(name="Ward feed")) is not None


def test_nul_characters_are_dropped_from_api_text(fuzz_app, lead_token):
    response = _api(fuzz_app.test_client(), lead_token, "POST", "/api/v1/projects",
                    {"title": "Night\x00 falls", "aim": {"what": "Fewer falls"}})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "Night falls"


def test_a_sign_in_with_a_nul_character_is_refused_like_any_wrong_sign_in(fuzz_app):
    response = fuzz_app.test_client().post("/sign-in", data={"email": "a\x00@b.example", "password": "x"})
    assert response.status_code == 200 and shows_error(response.get_data(as_text=True))


def test_training_records_with_old_mac_line_endings_are_read(fuzz_app, lead_client):
    with fuzz_app.app_context():
        tier = world.organisation_rows(TrainingTier)[-1].name
    content = f"STAFF-0002,{tier},QI basics,2026-01-05\rSTAFF-0003,{tier},QI basics,2026-01-06\r".encode()
    response = lead_client.post("/capability/records/upload", data={"file": (BytesIO(content), "records.csv")},
                                content_type="multipart/form-data")
    assert heading(response.get_data(as_text=True)) == "Check the records before saving"
    assert "2 records will be added" in main_text(response.get_data(as_text=True))


def test_a_request_over_the_size_limit_gets_a_page_that_says_so(fuzz_app, lead_client):
    response = lead_client.post("/account/tokens", data={"name": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert heading(response.get_data(as_text=True)) == "The file is too large"
    assert "up to 2 MB" in main_text(response.get_data(as_text=True))


def test_an_api_request_over_the_size_limit_gets_a_problem_that_says_so(fuzz_app, lead_token):
    response = _api(fuzz_app.test_client(), lead_token, "POST", "/api/v1/projects", b" " * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert response.get_json()["detail"] == "The request is too large: up to 2 MB can be sent at once."


def test_a_missing_object_is_a_problem_in_words(fuzz_app, lead_token):
    response = _api(fuzz_app.test_client(), lead_token, "GET", "/api/v1/projects/2147483647")
    assert response.status_code == 404
    assert "nothing here" in response.get_json()["detail"]


def test_api_timestamps_carry_their_time_zone(fuzz_app, lead_token):
    with fuzz_app.app_context():
        final = world.url_values_for("assessment.sharing")["assessment_id"]
    response = _api(fuzz_app.test_client(), lead_token, "GET", f"/api/v1/self-assessments/{final}")
    assert response.get_json()["finalised_at"].endswith("+00:00")


@pytest.mark.parametrize(("path", "body", "field"), [
    ("/api/v1/projects", {"title": "Falls", "aim": {"what": "Fewer falls"}, "unit": 2**31}, "unit"),
    ("/api/v1/projects/{project_id}/cycles", {"title": "Test", "change_idea": 2**31}, "change_idea"),
    ("/api/v1/gemba-walks/3f1c2a8e-5b7d-4e0a-9c61-2d4b8f0e7a13", {"date": "2026-03-02", "projects": [2**63]},
     "projects[0]"),
])
def test_an_id_in_a_body_too_large_for_any_table_is_an_invalid_field(path, body, field, fuzz_app, lead_token):
    with fuzz_app.app_context():
        path = path.format(**world.url_values_for("api.create_cycle"))
    method = "PUT" if "gemba" in path else "POST"
    response = _api(fuzz_app.test_client(), lead_token, method, path, body)
    assert response.status_code == 422, response.get_json()
    assert field in [error["field"] for error in response.get_json()["errors"]]
