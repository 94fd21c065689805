"""Measure use cases: definitions, one point, imports all-or-nothing, deleting, rebasing, the next period."""

from __future__ import annotations

from datetime import date

import pytest

from impact_tracker.core.errors import DomainError, VersionConflict
from impact_tracker.extensions import db
from impact_tracker.measures import queries
from impact_tracker.measures.importers import parse_text
from impact_tracker.measures.models import DataPoint, Frequency, Measure, MeasureKind, Rebase
from impact_tracker.measures.services.data import (
    InvalidPoints,
    PointInput,
    delete_data_point,
    import_points,
    next_period,
    preview_import,
    record_data_point,
)
from impact_tracker.measures.services.definitions import (
    MeasureInput,
    RebaseInput,
    add_rebase,
    create_measure,
    update_measure,
)

from .. import factories

FALLS = MeasureInput(name="Falls per 1,000 bed days", kind=MeasureKind.OUTCOME, definition="Falls reported on Datix")
HAND_HYGIENE = MeasureInput(name="Hand hygiene compliance", kind=MeasureKind.PROCESS, is_proportion=True,
                            numerator_definition="Observations compliant", denominator_definition="Observations",
                            target=95)
JAN = [date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 19)]


def _saved(measure) -> list[tuple]:
    db.session.expire_all()
    return [(p.period, p.value, p.numerator, p.denominator) for p in queries.all_points(measure)]


class TestCreateAndUpdate:
    def test_a_measure_is_added_to_the_project(self, project, member):
        measure = create_measure(project, FALLS, actor=member)
        assert db.session.get(Measure, measure.id).name == "Falls per 1,000 bed days"
        assert measure.project_id == project.id and measure.version == 1

    @pytest.mark.parametrize("changes, field, message", [
        ({"name": "  "}, "name", "Enter the measure's name"),
        ({"name": "x" * 161}, "name", "This must be 160 characters or fewer"),
        ({"unit": "u" * 41}, "unit", "This must be 40 characters or fewer"),
        ({"is_proportion": True}, "numerator_definition", "Say what is counted in the numerator"),
        ({"is_proportion": True, "numerator_definition": "Yes"}, "denominator_definition",
         "Say what is counted in the denominator"),
        ({"baseline_points": 1}, "baseline_points", "The baseline must be between 2 and 100 points"),
    ])
    def test_broken_rules_name_the_field_and_nothing_is_saved(self, project, member, changes, field, message):
        with pytest.raises(DomainError) as caught:
            create_measure(project, MeasureInput(**{**vars(FALLS), **changes}), actor=member)
        assert (caught.value.field, caught.value.message) == (field, message)
        assert db.session.query(Measure).count() == 0

    def test_a_percentage_target_must_be_a_percentage(self, project, member):
        with pytest.raises(DomainError, match="between 0 and 100"):
            create_measure(project, MeasureInput(**{**vars(HAND_HYGIENE), "target": 120}), actor=member)

    def test_names_are_unique_within_a_project_but_not_across_projects(self, project, other_project, member):
        create_measure(project, FALLS, actor=member)
        with pytest.raises(DomainError, match="already has a measure with this name"):
            create_measure(project, MeasureInput(**{**vars(FALLS), "name": "FALLS PER 1,000 BED DAYS"}), actor=member)
        create_measure(other_project, FALLS, actor=member)

    def test_an_update_changes_the_definition_and_the_version(self, project, member):
        measure = create_measure(project, FALLS, actor=member)
        update_measure(measure, MeasureInput(**{**vars(FALLS), "target": 4.0}), expected_version=1, actor=member)
        assert (db.session.get(Measure, measure.id).target, measure.version) == (4.0, 2)

    def test_a_stale_version_is_a_conflict_and_changes_nothing(self, project, member):
        measure = create_measure(project, FALLS, actor=member)
        with pytest.raises(VersionConflict):
            update_measure(measure, MeasureInput(**{**vars(FALLS), "name": "New"}), expected_version=7, actor=member)
        assert db.session.get(Measure, measure.id).name == FALLS.name

    def test_a_measure_with_data_cannot_switch_to_a_proportion(self, project, member):
        measure = factories.make_measure(project, name="Falls", values=[3, 4])
        data = MeasureInput(**{**vars(HAND_HYGIENE), "name": "Falls"})
        with pytest.raises(DomainError) as caught:
            update_measure(measure, data, expected_version=measure.version, actor=member)
        assert caught.value.field == "is_proportion"


class TestOnePoint:
    def test_a_new_period_is_added(self, project, member):
        measure = factories.make_measure(project)
        saved = record_data_point(measure, PointInput(JAN[0], value=3, annotation="Bundle started"), actor=member)
        assert not saved.replaced
        assert _saved(measure) == [(JAN[0], 3.0, None, None)]
        assert saved.point.annotation == "Bundle started" and saved.point.entered_by_id == member.id

    def test_an_existing_period_is_replaced_and_keeps_its_note(self, project, member):
        measure = factories.make_measure(project, values=[3])
        record_data_point(measure, PointInput(JAN[0], value=3, annotation="Bundle started"), actor=member)
        saved = record_data_point(measure, PointInput(JAN[0], value=5), actor=member)
        assert saved.replaced and saved.point.annotation == "Bundle started"
        assert _saved(measure) == [(JAN[0], 5.0, None, None)]

    @pytest.mark.parametrize("point, field, message", [
        (PointInput(JAN[0]), "value", "Enter the value."),
        (PointInput(JAN[0], numerator=1, denominator=2), "numerator", "This measure takes a single value"),
        (PointInput(date(1850, 1, 1), value=1), "period", "The year does not look right."),
        (PointInput(JAN[0], value=1, annotation="x" * 301), "annotation", "The note must be 300 characters"),
    ])
    def test_a_value_measure_refuses_bad_points(self, project, member, point, field, message):
        measure = factories.make_measure(project)
        with pytest.raises(DomainError) as caught:
            record_data_point(measure, point, actor=member)
        assert caught.value.field == field and caught.value.message.startswith(message)
        assert _saved(measure) == []

    @pytest.mark.parametrize("point, field, message", [
        (PointInput(JAN[0], value=50), "value", "This measure is entered as a numerator and denominator"),
        (PointInput(JAN[0], numerator=3), "denominator", "Enter the denominator."),
        (PointInput(JAN[0], numerator=3, denominator=0), "denominator", "The denominator must be more than 0"),
        (PointInput(JAN[0], numerator=-1, denominator=4), "numerator", "The numerator cannot be negative."),
        (PointInput(JAN[0], numerator=5, denominator=4), "numerator",
         "The numerator (5) is more than the denominator (4)."),
    ])
    def test_a_proportion_refuses_bad_points(self, project, member, point, field, message):
        measure = factories.make_measure(project, proportions=[])
        with pytest.raises(DomainError) as caught:
            record_data_point(measure, point, actor=member)
        assert caught.value.field == field and caught.value.message.startswith(message)

    def test_a_point_is_deleted(self, project, member):
        measure = factories.make_measure(project, values=[3, 4])
        delete_data_point(queries.all_points(measure)[0], actor=member)
        assert [p[1] for p in _saved(measure)] == [4.0]


class TestImport:
    def test_new_and_existing_periods_are_upserted_in_one_go(self, project, member):
        measure = factories.make_measure(project, values=[3, 4])
        points = [PointInput(JAN[0], value=3), PointInput(JAN[1], value=9), PointInput(JAN[2], value=1)]
        summary = import_points(measure, points, actor=member)
        assert (summary.added, summary.replaced, summary.unchanged) == (1, 1, 1)
        assert [p[1] for p in _saved(measure)] == [3.0, 9.0, 1.0]

    def test_one_bad_row_saves_nothing_and_every_bad_row_is_listed(self, project, member):
        measure = factories.make_measure(project, proportions=[(1, 2)])
        points = [PointInput(JAN[0], numerator=9, denominator=10), PointInput(JAN[1], numerator=5, denominator=4),
                  PointInput(JAN[2], numerator=1, denominator=2), PointInput(JAN[2], numerator=1, denominator=2)]
        with pytest.raises(InvalidPoints) as caught:
            import_points(measure, points, actor=member)
        assert [(e.index, e.field) for e in caught.value.errors] == [(1, "numerator"), (3, "period")]
        assert _saved(measure) == [(JAN[0], None, 1.0, 2.0)]

    def test_more_than_ten_thousand_points_are_refused(self, project, member):
        measure = factories.make_measure(project)
        with pytest.raises(DomainError, match="Up to 10,000"):
            import_points(measure, [PointInput(JAN[0], value=1)] * 10_001, actor=member)

    def test_the_preview_says_which_rows_are_new_replace_or_unchanged(self, project):
        measure = factories.make_measure(project, values=[3, 4])
        parsed = parse_text("Week,Falls\n05/01/2026,3\n12/01/2026,5\n19/01/2026,1\n", proportion=False)
        preview = preview_import(measure, parsed)
        assert [row.status for row in preview.rows] == ["unchanged", "replace", "new"]
        assert preview.rows[1].existing.value == 4.0 and preview.ok

    def test_the_preview_merges_reading_errors_and_rule_errors_by_row(self, project):
        measure = factories.make_measure(project, proportions=[])
        parsed = parse_text("Month,Yes,All\nApr-24,5,4\nMay-24,x,4\nApr-24,1,2\n", proportion=True)
        preview = preview_import(measure, parsed)
        assert [(e.row, e.column) for e in preview.errors] == [(1, "numerator"), (2, "numerator"), (3, "period")]
        assert not preview.ok


class TestRebase:
    def test_a_rebase_starts_from_a_period_with_data_after_the_first(self, project, member):
        measure = factories.make_measure(project, values=[3, 4, 5])
        add_rebase(measure, RebaseInput(JAN[1], "New triage process adopted"), actor=member)
        assert [(r.period, r.reason) for r in db.session.query(Rebase)] == [(JAN[1], "New triage process adopted")]

    @pytest.mark.parametrize("period, reason, field", [
        (JAN[0], "Changed", "period"),
        (date(2026, 6, 1), "Changed", "period"),
        (JAN[1], "  ", "reason"),
        (JAN[1], "r" * 301, "reason"),
    ])
    def test_bad_rebases_are_refused(self, project, member, period, reason, field):
        measure = factories.make_measure(project, values=[3, 4, 5])
        with pytest.raises(DomainError) as caught:
            add_rebase(measure, RebaseInput(period, reason), actor=member)
        assert caught.value.field == field
        assert db.session.query(Rebase).count() == 0

    def test_the_same_period_cannot_be_rebased_twice(self, project, member):
        measure = factories.make_measure(project, values=[3, 4, 5])
        add_rebase(measure, RebaseInput(JAN[1], "First"), actor=member)
        with pytest.raises(DomainError, match="already start again"):
            add_rebase(measure, RebaseInput(JAN[1], "Again"), actor=member)


@pytest.mark.parametrize("frequency, latest, expected", [
    (Frequency.WEEKLY, date(2026, 1, 5), date(2026, 1, 12)),
    (Frequency.DAILY, date(2026, 1, 31), date(2026, 2, 1)),
    (Frequency.MONTHLY, date(2026, 1, 31), date(2026, 2, 28)),
    (Frequency.MONTHLY, date(2025, 12, 1), date(2026, 1, 1)),
    (Frequency.QUARTERLY, date(2025, 10, 1), date(2026, 1, 1)),
    (Frequency.WEEKLY, None, date(2026, 3, 2)),
    (Frequency.MONTHLY, None, date(2026, 2, 1)),
    (Frequency.QUARTERLY, None, date(2025, 10, 1)),
    (Frequency.DAILY, None, date(2026, 3, 10)),
])
def test_the_next_period_follows_the_latest_or_is_the_last_whole_one(frequency, latest, expected):
    assert next_period(frequency, latest, today=date(2026, 3, 11)) == expected


def test_the_project_lists_measures_by_kind_with_their_latest_point(project):
    factories.make_measure(project, name="Staff experience", kind=MeasureKind.BALANCING, values=[7])
    factories.make_measure(project, name="Falls", values=[3, 2])
    factories.make_measure(project, name="Rounding done", kind=MeasureKind.PROCESS)
    groups = queries.project_measures(project)
    assert [(g.kind, [r.measure.name for r in g.rows]) for g in groups] == [
        (MeasureKind.OUTCOME, ["Falls"]), (MeasureKind.PROCESS, ["Rounding done"]),
        (MeasureKind.BALANCING, ["Staff experience"])]
    assert groups[0].rows[0].latest.value == 2.0 and groups[1].rows[0].latest is None
    assert isinstance(groups[0].rows[0].latest, DataPoint)
