"""export-org and import-org: a round trip of the demo organisation loses nothing, and bad imports change nothing."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask import url_for
from sqlalchemy import func, select

from impact_tracker.audit.models import AuditEvent
from impact_tracker.auth.services import create_token
from impact_tracker.core.permissions import Role
from impact_tracker.demo import seed_demo
from impact_tracker.extensions import db
from impact_tracker.measures.models import Measure, MeasureSummary
from impact_tracker.orgs.models import Organisation, Region, System, Unit, User
from impact_tracker.projects.models import Project
from impact_tracker.transfer.services import UNUSABLE_PASSWORD, TransferError, import_organisation
from impact_tracker.transfer.services.exportfile import read_export
from impact_tracker.transfer.services.tables import (
    EXCLUDED,
    SHARED,
    TYPED_REFERENCES,
    exported_tables,
    own_id,
    owned_clause,
    owned_tables,
    unclassified_tables,
)

from . import factories


def _fresh_database() -> None:
    """Empty the test database completely, as a new server's would be."""
    db.session.remove()
    db.drop_all()
    db.create_all()


def _export(runner, code: str, path) -> None:
    result = runner.invoke(args=["export-org", code, "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert f"Exported {code}" in result.output


def _import(runner, path):
    return runner.invoke(args=["import-org", str(path)])


def _normalised(path) -> dict[str, list[dict]]:
    """Each table's rows with ids replaced by row positions, so two databases' exports can be compared."""
    _, tables = read_export(path)
    positions = {name: {row[key.name]: index for index, row in enumerate(rows)}
                 for name, rows in tables.items() if (key := own_id(db.metadata.tables[name])) is not None}
    table_of_class = {m.class_.__name__: m.local_table.name for m in db.Model.registry.mappers}
    return {name: [_normal_row(db.metadata.tables[name], row, positions, table_of_class) for row in rows]
            for name, rows in tables.items()}


def _normal_row(table, row: dict, positions: dict, table_of_class: dict) -> dict:
    key, typed = own_id(table), TYPED_REFERENCES.get(table.name)
    normal = {}
    for name, value in row.items():
        column = table.c[name]
        if column is key:
            continue
        if column.foreign_keys:
            target = next(iter(column.foreign_keys)).column.table.name
            value = positions.get(target, {}).get(value)
        elif typed and name == typed[1]:
            value = positions.get(table_of_class.get(row[typed[0]]), {}).get(value)
        normal[name] = value
    return normal


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_demo_organisation_survives_export_and_import_into_an_empty_database(app, runner, tmp_path):
    seed_demo("a-long-demo-password-1")
    create_token(db.session.scalar(select(User).where(User.email == "frontline@demo1.example")), "tests")
    _assert_every_table_with_rows_is_classified()
    demo1 = db.session.scalar(select(Organisation).where(Organisation.code == "DEMO1"))
    owned_rows = _rows_owned_by(demo1.id)
    first, second = tmp_path / "first.zip", tmp_path / "second.zip"
    _export(runner, "DEMO1", first)

    manifest, tables = read_export(first)
    for name, count in owned_rows.items():
        assert manifest["tables"].get(name) == count or name in EXCLUDED, name
    assert db.session.scalar(select(AuditEvent.summary).where(AuditEvent.action == "exported")).startswith(
        "Whole organisation exported")

    _fresh_database()
    result = _import(runner, first)
    assert result.exit_code == 0, result.output
    assert "Imported DEMO1" in result.output and "set-password EMAIL" in result.output
    assert "region DREG" in result.output and "system DSYS1" in result.output
    _export(runner, "DEMO1", second)

    before, after = _normalised(first), _normalised(second)
    imported = [row for row in after["audit_event"] if row["action"] == "imported"]
    after["audit_event"] = [row for row in after["audit_event"] if row["action"] != "imported"]
    assert len(imported) == 1 and imported[0]["summary"].startswith("Imported from first.zip")
    assert set(before) == set(after)
    for name in before:
        assert after[name] == before[name], f"{name} changed in the round trip"
    assert _count(Organisation) == 1 and _count(System) == 1 and _count(Region) == 1
    # Summaries are not carried in the file: the import works each measure's latest analysis out again.
    assert _count(MeasureSummary) == _count(Measure) > 0


def _assert_every_table_with_rows_is_classified() -> None:
    exported = {item.table.name for item in exported_tables(db.metadata)}
    for table in db.metadata.sorted_tables:
        if db.session.scalar(select(func.count()).select_from(table)):
            assert table.name in exported | set(SHARED) | set(EXCLUDED), f"{table.name} holds data nobody exports"


def _rows_owned_by(organisation_id: int) -> dict[str, int]:
    """How many rows each table holds for the organisation, counted in the database rather than the file."""
    owned = owned_tables(db.metadata)
    by_name = {item.table.name: item for item in owned}
    return {item.table.name: db.session.scalar(select(func.count()).select_from(item.table)
                                               .where(owned_clause(item, by_name, organisation_id)))
            for item in owned}


def test_every_table_is_exported_shared_or_excluded_on_purpose(app):
    assert unclassified_tables(db.metadata) == [], "classify the new table in transfer/services/tables.py"
    exported = {item.table.name for item in exported_tables(db.metadata)}
    assert {"organisation", "project", "data_point", "pdsa_cycle", "response", "gemba_walk_action", "audit_event",
            "training_record", "improvement_post", "workforce_headcount", "driver_link", "app_user"} <= exported
    assert set(EXCLUDED) <= set(db.metadata.tables) and not set(EXCLUDED) & exported
    assert set(SHARED) <= set(db.metadata.tables) and not set(SHARED) & exported


@pytest.fixture
def small_org(org, member, leader):
    project = factories.make_project(org, title="=HYPERLINK(\"http://x\")", created_by=member)
    factories.make_measure(project, name="Falls", values=[4, 5, 3])
    ward = factories.make_unit(org, name="Medicine")
    factories.make_unit(org, name="Ward 9", parent=ward)
    create_token(member, "laptop")
    return org


def test_the_export_holds_no_password_or_token_hashes_and_neutralises_csv(app, runner, small_org, member, leader,
                                                                          tmp_path):
    path = tmp_path / "export.zip"
    _export(runner, small_org.code, path)

    with zipfile.ZipFile(path) as archive:
        everything = "".join(archive.read(name).decode("utf-8") for name in archive.namelist())
        users = json.loads(archive.read("json/app_user.json"))
        projects_csv = archive.read("csv/project.csv").decode("utf-8-sig")
        manifest = json.loads(archive.read("manifest.json"))
    assert "password_hash" not in everything.replace('"app_user.password_hash"', "")
    assert factories.PASSWORD_HASH not in everything and "token_hash" not in everything
    assert "api_token" not in manifest["tables"] and "api_token" in manifest["not_exported"]
    assert {user["email"] for user in users} == {member.email, leader.email}
    assert "'=HYPERLINK" in projects_csv
    assert manifest["tables"]["project"] == 1 and manifest["tables"]["data_point"] == 3
    assert manifest["format_version"] == 1 and manifest["app_version"]


def test_imported_people_cannot_sign_in_until_given_a_password(app, runner, client, small_org, member, tmp_path):
    path = tmp_path / "export.zip"
    _export(runner, small_org.code, path)
    email = member.email
    _fresh_database()
    assert _import(runner, path).exit_code == 0

    user = db.session.scalar(select(User).where(User.email == email))
    assert user.password_hash == UNUSABLE_PASSWORD and not user.check_password(factories.PASSWORD)
    response = client.post(url_for("auth.login"), data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 200

    result = runner.invoke(args=["set-password", email], input="a-brand-new-passphrase\n")
    assert result.exit_code == 0, result.output
    response = client.post(url_for("auth.login"), data={"email": email, "password": "a-brand-new-passphrase"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(User).where(User.email == email)).must_change_password


def test_an_import_keeps_the_unit_tree_and_the_projects_links(app, runner, small_org, tmp_path):
    path, code = tmp_path / "export.zip", small_org.code
    _export(runner, code, path)
    _fresh_database()
    factories.make_org(code="OTHER1")  # another organisation already here: its ids are taken
    assert _import(runner, path).exit_code == 0

    organisation = db.session.scalar(select(Organisation).where(Organisation.code == code))
    ward = next(unit for unit in organisation_units(organisation) if unit.name == "Ward 9")
    assert ward.parent.name == "Medicine" and ward.parent.organisation_id == organisation.id
    project = db.session.scalar(select(Project).where(Project.organisation_id == organisation.id))
    assert project.title == "=HYPERLINK(\"http://x\")" and project.created_by.organisation_id == organisation.id
    assert _count(Organisation) == 2


def organisation_units(organisation):
    return db.session.scalars(select(Unit).where(Unit.organisation_id == organisation.id)).all()


def test_an_import_reuses_a_region_and_system_that_already_exist(app, runner, small_org, tmp_path):
    path, code = tmp_path / "export.zip", small_org.code
    codes = (small_org.system.code, small_org.system.region.code)
    _export(runner, code, path)
    _fresh_database()
    region = factories.make_region(code=codes[1], name="Already here")
    factories.make_system(region, code=codes[0])
    assert _import(runner, path).exit_code == 0

    assert _count(System) == 1 and _count(Region) == 1
    imported = db.session.scalar(select(Organisation).where(Organisation.code == code))
    assert imported.system.code == codes[0] and imported.system.region.name == "Already here"


def test_importing_an_organisation_that_exists_is_refused_and_changes_nothing(app, runner, small_org, tmp_path):
    path = tmp_path / "export.zip"
    _export(runner, small_org.code, path)
    projects, events = _count(Project), _count(AuditEvent)

    result = _import(runner, path)

    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: Organisation {small_org.code} already exists in this database. "
                                     "import-org only adds an organisation that is not there yet. "
                                     "Nothing was imported.")
    assert _count(Project) == projects and _count(AuditEvent) == events


def test_importing_people_whose_emails_are_taken_is_refused(app, runner, small_org, member, tmp_path):
    path = tmp_path / "export.zip"
    email = member.email
    _export(runner, small_org.code, path)
    _fresh_database()
    factories.make_user(factories.make_org(), email=email)

    result = _import(runner, path)

    assert result.exit_code == 1
    assert f"These accounts already exist in this database: {email}" in result.output
    assert _count(Organisation) == 1


def _zip(tmp_path, files: dict[str, str]):
    path = tmp_path / "not-an-export.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    path.write_bytes(buffer.getvalue())
    return path


MANIFEST = {"format": "impact-tracker-organisation-export", "format_version": 1, "organisation": "X1",
            "tables": {"organisation": 1}}


@pytest.mark.parametrize(("files", "reason"), [
    (None, "it is not a zip file"),
    ({"readme.txt": "hello"}, "There is no item named 'manifest.json' in the archive"),
    ({"manifest.json": "{not json"}, "a file in it is not valid JSON"),
    ({"manifest.json": json.dumps({"format": "something else"})}, "its manifest does not name the export format"),
    ({"manifest.json": json.dumps({**MANIFEST, "format_version": 99})}, "format version 99; this version reads 1"),
    ({"manifest.json": json.dumps(MANIFEST)}, "There is no item named 'json/organisation.json' in the archive"),
])
def test_a_file_that_is_not_an_export_is_refused_with_one_clear_message(app, runner, tmp_path, files, reason):
    path = _zip(tmp_path, files) if files else tmp_path / "notes.txt"
    if files is None:
        path.write_text("just some notes")

    result = _import(runner, path)

    assert result.exit_code == 1
    assert result.output.strip() == (f"Error: {path.name} is not an IMPACT Tracker organisation export ({reason}). "
                                     "Nothing was imported.")
    assert _count(Organisation) == 0


def test_an_export_from_a_newer_version_is_refused(app, tmp_path):
    manifest = {**MANIFEST, "tables": {"organisation": 1, "hovercraft": 0}}
    path = _zip(tmp_path, {"manifest.json": json.dumps(manifest), "json/organisation.json": "[]",
                           "json/hovercraft.json": "[]"})
    with pytest.raises(TransferError, match="does not take \\(hovercraft\\)"):
        import_organisation(path)
    assert _count(Organisation) == 0


def test_a_failure_half_way_leaves_nothing_behind(app, runner, small_org, tmp_path):
    path = tmp_path / "export.zip"
    _export(runner, small_org.code, path)
    _fresh_database()
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "json/data_point.json":
                rows = json.loads(data)
                rows[0]["measure_id"] = 999_999
                data = json.dumps(rows).encode()
            target.writestr(name, data)

    result = _import(runner, broken)

    assert result.exit_code == 1 and "refers to a measure row it does not contain" in result.output
    assert _count(Organisation) == 0 and _count(Project) == 0 and _count(User) == 0 and _count(Region) == 0


def test_exporting_an_unknown_organisation_or_over_a_file_is_refused(app, runner, small_org, tmp_path):
    result = runner.invoke(args=["export-org", "NOPE", "--output", str(tmp_path / "x.zip")])
    assert result.exit_code == 1 and result.output.strip() == "Error: No organisation has the code NOPE."
    existing = tmp_path / "existing.zip"
    existing.write_text("keep me")
    result = runner.invoke(args=["export-org", small_org.code, "--output", str(existing)])
    assert result.exit_code == 1 and "already exists" in result.output and existing.read_text() == "keep me"


def test_set_password_refuses_an_unknown_account_and_a_weak_password(app, runner, member):
    result = runner.invoke(args=["set-password", "nobody@trust.example"], input="a-brand-new-passphrase\n")
    assert result.exit_code == 1 and "No account has the email nobody@trust.example." in result.output
    result = runner.invoke(args=["set-password", member.email], input="short\n")
    assert result.exit_code == 1 and "12" in result.output
    assert member.check_password(factories.PASSWORD)


def test_role_of_imported_people_is_kept(app, runner, small_org, leader, tmp_path):
    path = tmp_path / "export.zip"
    email = leader.email
    _export(runner, small_org.code, path)
    _fresh_database()
    _import(runner, path)
    assert db.session.scalar(select(User.role).where(User.email == email)) == Role.IMPROVEMENT_LEAD
