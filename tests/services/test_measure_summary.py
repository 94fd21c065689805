"""Each measure's stored latest analysis follows every change to what its chart shows, and charts are drawn on write."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select

from impact_tracker.audit.models import AuditEvent
from impact_tracker.extensions import db
from impact_tracker.measures.models import ChartType, DataPoint, Direction, MeasureSummary, SummaryStatus
from impact_tracker.measures.services import charts as chart_service
from impact_tracker.measures.services import data as data_service
from impact_tracker.measures.services import definitions
from impact_tracker.measures.services.summary import latest_for
from impact_tracker.pdsa.models import Decision

from .. import factories

SHIFTED = [10, 11, 9, 10, 11, 10, 9, 10] + [20] * 8


def summary_of(measure) -> MeasureSummary:
    db.session.expire_all()
    return db.session.get(MeasureSummary, measure.id)


def test_a_new_measure_with_data_has_its_latest_analysis_stored(project):
    measure = factories.make_measure(project, values=SHIFTED, improvement_direction=Direction.INCREASE, target=5.0)
    summary = summary_of(measure)
    analysis = chart_service.analyse_measure(measure)
    assert summary.status is SummaryStatus.ANALYSED
    assert (summary.points, summary.latest_period) == (16, date(2026, 1, 5) + timedelta(weeks=15))
    assert (summary.variation_icon, summary.assurance) == ("improvement_high", "pass")
    assert summary.chart_key == chart_service.chart_key(analysis)


def test_a_measure_with_one_point_is_stored_as_too_few_points(project):
    summary = summary_of(factories.make_measure(project, values=[3]))
    assert (summary.status, summary.points, summary.chart_key) == (SummaryStatus.TOO_FEW_POINTS, 1, "")


def test_adding_one_point_refreshes_the_summary_and_names_a_new_chart(project, member):
    measure = factories.make_measure(project, values=[5, 6, 5, 7, 6])
    before = summary_of(measure).chart_key
    data_service.record_data_point(measure, data_service.PointInput(date(2026, 3, 2), value=9.0), actor=member)
    summary = summary_of(measure)
    assert (summary.points, summary.latest_period) == (6, date(2026, 3, 2))
    assert summary.chart_key not in ("", before)


def test_a_bulk_import_refreshes_the_summary_and_is_one_audit_line(project, member):
    measure = factories.make_measure(project, values=[5, 6])
    points = [data_service.PointInput(date(2026, 1, 5) + timedelta(weeks=i), value=float(v))
              for i, v in enumerate(SHIFTED)]
    result = data_service.import_points(measure, points, actor=member)
    assert (result.added, result.replaced, result.unchanged) == (14, 2, 0)
    summary = summary_of(measure)
    assert (summary.points, summary.variation_icon) == (16, "improvement_high")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "DataPoint",
                                                         AuditEvent.action == "imported")).all()
    assert [event.summary for event in events] == [f"14 added and 2 replaced on measure {measure.id}"]
    assert events[0].actor_id == member.id and events[0].organisation_id == project.organisation_id


def test_a_rejected_import_changes_neither_the_data_nor_the_summary(project, member):
    measure = factories.make_measure(project, values=[5, 6, 7])
    before = summary_of(measure).chart_key
    bad = [data_service.PointInput(date(2026, 5, 4), value=1.0), data_service.PointInput(date(2026, 5, 4), value=2.0)]
    with pytest.raises(data_service.InvalidPoints):
        data_service.import_points(measure, bad, actor=member)
    assert summary_of(measure).chart_key == before
    assert db.session.query(DataPoint).filter_by(measure_id=measure.id).count() == 3


def test_a_pdsa_cycle_on_the_project_moves_the_chart_but_not_the_signal(project):
    measure = factories.make_measure(project, values=SHIFTED, improvement_direction=Direction.INCREASE)
    before = summary_of(measure)
    key, icon = before.chart_key, before.variation_icon
    factories.make_cycle(project, title="Bedside handover", start=date(2026, 2, 2), end=date(2026, 2, 23),
                         decision=Decision.ADOPT)
    after = summary_of(measure)
    assert after.chart_key != key and after.variation_icon == icon


def test_changing_the_chart_type_stores_the_run_chart_signal(project, member):
    measure = factories.make_measure(project, values=[5, 6, 5, 6, 5, 6])
    data = definitions.MeasureInput(name=measure.name, kind=measure.kind, chart=ChartType.RUN)
    definitions.update_measure(measure, data, expected_version=measure.version, actor=member)
    summary = summary_of(measure)
    assert (summary.variation_icon, summary.assurance, summary.run_signal) == (None, None, "none")


def test_deleting_points_down_to_one_leaves_too_few_points(project, member):
    measure = factories.make_measure(project, values=[5, 6])
    data_service.delete_data_point(measure.points[-1], actor=member)
    assert summary_of(measure).status is SummaryStatus.TOO_FEW_POINTS


def test_a_measure_without_a_stored_summary_is_worked_out_without_saving(project):
    measure = factories.make_measure(project, values=SHIFTED, improvement_direction=Direction.INCREASE)
    db.session.execute(delete(MeasureSummary))
    db.session.commit()
    latest = latest_for([measure.id])[measure.id]
    assert (latest.status, latest.variation_icon) == (SummaryStatus.ANALYSED, "improvement_high")
    assert db.session.query(MeasureSummary).count() == 0


def test_charts_are_drawn_in_the_background_when_data_change(app, project, member, monkeypatch):
    app.config["IMPACT_DRAW_CHARTS_ON_WRITE"] = True
    cache = chart_service._cache()
    try:
        with app.test_request_context():  # as a person's save is
            measure = factories.make_measure(project, values=[5, 6, 5, 7, 6])
        cache.wait()
    finally:
        cache.close()
    key = summary_of(measure).chart_key
    drawn = cache.get(chart_service.image_key(key, "svg"))
    assert drawn is not None and drawn.lstrip().startswith(b"<?xml")
    assert drawn == chart_service._draw(chart_service.analyse_measure(measure), "svg")  # the same picture

    def no_drawing(*_args, **_kwargs):
        raise AssertionError("the chart should have been drawn when the data changed")

    monkeypatch.setattr(chart_service, "_draw", no_drawing)
    from impact_tracker.measures.services.summary import stored_chart

    found = stored_chart(measure.id, "svg", member)
    assert (found.data, found.filename) == (drawn, chart_service.chart_filename(measure.name, "svg"))
    assert stored_chart(measure.id, "png", member) is None  # only the SVG the page shows is drawn ahead


def test_a_command_line_change_leaves_its_charts_to_be_drawn_when_first_viewed(app, project):
    app.config["IMPACT_DRAW_CHARTS_ON_WRITE"] = True
    measure = factories.make_measure(project, values=[5, 6, 5, 7, 6])  # no request: a command or a bulk load
    cache = chart_service._cache()
    assert cache._worker is None  # no drawing process was started
    assert cache.get(chart_service.image_key(summary_of(measure).chart_key, "svg")) is None


@pytest.mark.parametrize("how", ["one point", "import"])
def test_two_saves_of_the_same_new_period_at_once_end_as_one_replaced_point(project, member, monkeypatch, how):
    """The loser of the race inserts a period the winner has just saved; it is run again and replaces it."""
    measure = factories.make_measure(project, values=[5, 6])
    period = date(2026, 1, 12)  # already saved by "the other request"
    lookup = "points_by_period" if how == "one point" else "saved_by_period"
    real, calls = getattr(data_service, lookup), []

    def blind_first_time(*args):
        calls.append(args)
        return {} if len(calls) == 1 else real(*args)

    monkeypatch.setattr(data_service, lookup, blind_first_time)
    events_before = db.session.query(AuditEvent).count()
    if how == "one point":
        saved = data_service.record_data_point(measure, data_service.PointInput(period, value=9.0), actor=member)
        assert saved.replaced
    else:
        result = data_service.import_points(measure, [data_service.PointInput(period, value=9.0)], actor=member)
        assert (result.added, result.replaced) == (0, 1)
    assert len(calls) == 2
    db.session.expire_all()
    assert [(p.period, p.value) for p in measure.points] == [(date(2026, 1, 5), 5.0), (period, 9.0)]
    assert db.session.query(AuditEvent).count() == events_before + 1  # the replacement, not a phantom insert
