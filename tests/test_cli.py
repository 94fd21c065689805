"""The flask commands other tools script against: create-user, create-token and seed-demo."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.orgs.models import Organisation, Region, System, Unit, User

from . import factories


def test_create_user_reads_the_password_from_stdin(runner, org):
    result = runner.invoke(args=["create-user", "New.Person@Trust.example", "--name", "New Person",
                                 "--org", org.code.lower(), "--role", "project_lead"],
                           input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="new.person@trust.example").one()
    assert user.role is Role.PROJECT_LEAD and user.organisation_id == org.id
    assert user.check_password("a-long-enough-password")


def test_create_user_refuses_an_unknown_organisation_and_a_weak_password(runner, org):
    result = runner.invoke(args=["create-user", "a@trust.example", "--name", "A", "--org", "NOPE",
                                 "--role", "frontline"], input="a-long-enough-password\n")
    assert result.exit_code != 0 and "No organisation has the code NOPE" in result.output
    result = runner.invoke(args=["create-user", "a@trust.example", "--name", "A", "--org", org.code,
                                 "--role", "frontline"], input="short\n")
    assert result.exit_code != 0 and "at least 12 characters" in result.output
    assert db.session.query(User).count() == 0


def test_create_user_places_a_system_viewer_in_their_system(runner):
    system = factories.make_system(code="QSYS")
    result = runner.invoke(args=["create-user", "viewer@icb.example", "--name", "V", "--system", "qsys",
                                 "--role", "system_viewer"], input="a-long-enough-password\n")
    assert result.exit_code == 0, result.output
    assert db.session.query(User).one().system_id == system.id


def test_create_token_prints_a_working_token_as_the_last_line(runner, client, member):
    result = runner.invoke(args=["create-token", member.email])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["email"] == member.email


def test_create_token_refuses_an_unknown_email(runner, app):
    result = runner.invoke(args=["create-token", "nobody@trust.example"])
    assert result.exit_code != 0 and "No active account" in result.output


def test_seed_demo_builds_the_demo_region_and_prints_working_sign_ins(runner, client):
    result = runner.invoke(args=["seed-demo", "--password", "demo-password-123"])
    assert result.exit_code == 0, result.output
    assert db.session.query(Region).one().code == "DREG"
    assert {s.code for s in db.session.query(System)} == {"DSYS1", "DSYS2"}
    organisations = db.session.query(Organisation).all()
    assert {o.code for o in organisations} == {f"DEMO{n}" for n in range(1, 7)}
    assert len({o.type for o in organisations}) >= 4
    assert db.session.query(Unit).filter(Unit.parent_id.isnot(None)).count() > 5
    for role in Role:
        assert f"{role.value}@demo1.example" in result.output
    viewer = db.session.query(User).filter_by(email="system_viewer@demo1.example").one()
    assert viewer.system.code == "DSYS1" and viewer.organisation is None
    assert db.session.query(User).filter_by(email="region_viewer@demo1.example").one().region.code == "DREG"
    assert db.session.query(User).filter(User.email.like("%@demo2.example")).count() >= 2
    response = client.post("/sign-in", data={"email": "improvement_lead@demo1.example",
                                             "password": "demo-password-123"})
    assert response.status_code == 302


def test_seed_demo_generates_and_prints_a_password_when_none_is_given(runner):
    result = runner.invoke(args=["seed-demo"])
    password = result.output.strip().splitlines()[-1].split(": ", 1)[1]
    user = db.session.query(User).filter_by(email="frontline@demo1.example").one()
    assert user.check_password(password)


def test_seed_demo_refuses_a_database_that_holds_data(runner, org):
    result = runner.invoke(args=["seed-demo", "--password", "demo-password-123"])
    assert result.exit_code != 0 and "already holds data" in result.output
    assert db.session.query(Organisation).count() == 1


def test_seed_demo_if_empty_succeeds_quietly_on_a_used_database(runner, org):
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert result.exit_code == 0 and "not loaded" in result.output
    assert db.session.query(Organisation).count() == 1


def test_a_deployment_builds_its_region_system_and_organisation_from_the_command_line(runner):
    assert runner.invoke(args=["create-region", "y56", "London"]).exit_code == 0
    assert runner.invoke(args=["create-system", "QMF", "North East London ICS", "--region", "Y56"]).exit_code == 0
    result = runner.invoke(args=["create-organisation", "r1h", "Barts Health NHS Trust", "--type", "acute",
                                 "--system", "qmf"])
    assert result.exit_code == 0, result.output
    organisation = db.session.query(Organisation).one()
    assert (organisation.code, organisation.system.code, organisation.system.region.name) == ("R1H", "QMF", "London")


@pytest.mark.parametrize("args, message", [
    (["create-system", "QMF", "X", "--region", "NOPE"], "No region has the code NOPE"),
    (["create-organisation", "R1H", "X", "--type", "acute", "--system", "NOPE"], "No system has the code NOPE"),
    (["create-organisation", "R1H", "X", "--type", "castle"], "Invalid value"),
])
def test_organisation_commands_refuse_unknown_places_and_types(runner, app, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output
    assert db.session.query(Organisation).count() == 0


def test_duplicate_codes_are_refused(runner, org):
    result = runner.invoke(args=["create-organisation", org.code, "Copy", "--type", "acute"])
    assert result.exit_code != 0 and "already in use" in result.output


def test_generate_scale_builds_a_deterministic_national_shaped_dataset(runner, app):
    from impact_tracker.measures.models import DataPoint, Measure, MeasureSummary
    from impact_tracker.pdsa.models import PDSACycle
    from impact_tracker.projects.models import Project

    result = runner.invoke(args=["generate-scale", "--organisations", "2", "--seed", "7"])
    assert result.exit_code == 0, result.output
    assert db.session.query(Organisation).count() == 2
    projects, measures = db.session.query(Project).count(), db.session.query(Measure).count()
    assert (projects, measures) == (182, 546)
    assert db.session.query(PDSACycle).count() == 6 * projects
    assert db.session.query(DataPoint).count() >= 30 * measures
    assert db.session.query(User).count() == 909
    assert db.session.query(MeasureSummary).count() == measures  # every measure's latest analysis is stored
    again = runner.invoke(args=["generate-scale", "--organisations", "2"])
    assert again.exit_code != 0 and "needs an empty database" in again.output


def test_refresh_summaries_stores_the_latest_analysis_of_measures_loaded_without_one(runner, project):
    from impact_tracker.measures.models import MeasureSummary

    measure_id = factories.make_measure(project, values=[5, 6, 5, 7, 6]).id
    db.session.execute(delete(MeasureSummary))  # as after an upgrade, or rows loaded by SQL
    db.session.commit()
    result = runner.invoke(args=["refresh-summaries"])
    assert result.exit_code == 0, result.output
    assert "1 measures" in result.output
    assert db.session.get(MeasureSummary, measure_id).points == 5
