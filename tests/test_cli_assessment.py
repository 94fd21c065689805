"""`flask import-framework` and the demo self-assessments that `seed-demo` adds."""

from __future__ import annotations

import json

from sqlalchemy import select

from impact_tracker.assessment import queries
from impact_tracker.assessment.framework import DEFAULT_FRAMEWORK_PATH
from impact_tracker.assessment.models import AssessmentFramework, AssessmentStatus, SelfAssessment
from impact_tracker.extensions import db
from impact_tracker.orgs.models import Organisation


def _framework_file(tmp_path, change=None):
    data = json.loads(DEFAULT_FRAMEWORK_PATH.read_text())
    data["version"] = "transcribed-1"
    if change:
        change(data)
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(data))
    return path


def test_a_valid_file_is_loaded_and_becomes_the_default(runner, tmp_path):
    result = runner.invoke(args=["import-framework", str(_framework_file(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "5 components, 20 statements, 5 levels" in result.output
    assert queries.default_framework().version == "transcribed-1"


def test_a_malformed_file_is_refused_saying_where(runner, tmp_path):
    path = _framework_file(tmp_path, lambda data: data["components"][2]["statements"][1].pop("text"))
    result = runner.invoke(args=["import-framework", str(path)])
    assert result.exit_code == 1
    assert "components[2].statements[1]: 'text' is missing" in result.output
    assert db.session.scalar(select(AssessmentFramework.id)) is None


def test_broken_json_is_refused_with_its_line(runner, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"schema_version": 1,\n "name": }')
    result = runner.invoke(args=["import-framework", str(path)])
    assert result.exit_code == 1 and "line 2" in result.output


def test_the_same_version_twice_is_refused(runner, tmp_path):
    path = _framework_file(tmp_path)
    runner.invoke(args=["import-framework", str(path)])
    result = runner.invoke(args=["import-framework", str(path)])
    assert result.exit_code == 1 and "already loaded" in result.output


def test_seed_demo_adds_assessments_a_year_apart_shared_only_by_demo1(runner):
    result = runner.invoke(args=["seed-demo", "--password", "demo-password-123"])
    assert result.exit_code == 0, result.output
    codes = {org.code: org.id for org in db.session.scalars(select(Organisation))}
    shared = queries.shared_component_levels([codes["DEMO1"], codes["DEMO2"]])
    assert list(shared) == [codes["DEMO1"]]
    assert shared[codes["DEMO1"]].changes["building_capability_capacity"] == 1
    demo1 = db.session.scalars(select(SelfAssessment).where(SelfAssessment.organisation_id == codes["DEMO1"])).all()
    assert sorted(a.status.value for a in demo1) == ["draft", "final", "final"]
    finals = sorted((a for a in demo1 if a.status is AssessmentStatus.FINAL), key=lambda a: a.finalised_at)
    assert (finals[1].finalised_at - finals[0].finalised_at).days == 365
    assert len(finals[1].actions) == 3 and any(item.project_id for item in finals[1].actions)
