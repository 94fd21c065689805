"""Chart panels: what the measure page shows for run and XmR measures, and that charts are cached."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import url_for

from impact_tracker import charts
from impact_tracker.extensions import db
from impact_tracker.measures.models import ChartType, Direction, Rebase
from impact_tracker.measures.services.charts import (
    TOO_FEW_POINTS,
    analyse_measure,
    chart_filename,
    chart_panel,
    measure_chart,
)
from impact_tracker.pdsa.models import Decision

from ..factories import make_change_idea, make_cycle, make_measure

RISING = [12, 15, 11, 14, 18, 9, 13, 16, 14, 12, 17, 15, 19, 21, 20, 22, 23, 21, 24, 22]
START = date(2026, 1, 5)


def week(n: int) -> date:
    return START + timedelta(weeks=n)


def add_rebase(measure, period: date, reason: str) -> Rebase:
    rebase = Rebase(measure=measure, period=period, reason=reason)
    db.session.add(rebase)
    db.session.commit()
    return rebase


@pytest.fixture(autouse=True)
def chart_cache_dir(app, tmp_path):
    app.config["IMPACT_CHART_CACHE_DIR"] = tmp_path / "chart-cache"
    return tmp_path / "chart-cache"


@pytest.fixture
def render_calls(monkeypatch):
    """Count the real renderer's calls (the cache must save them)."""
    calls = []
    real = charts.render_chart

    def counted(*args, **kwargs):
        calls.append(kwargs.get("fmt"))
        return real(*args, **kwargs)

    monkeypatch.setattr(charts, "render_chart", counted)
    return calls


def test_an_xmr_panel_has_the_svg_summary_icons_and_a_row_per_point(project):
    measure = make_measure(project, values=RISING, chart=ChartType.XMR, target=20,
                           improvement_direction=Direction.INCREASE)
    panel = chart_panel(measure)
    assert panel.svg.startswith("<svg") and "Target 20" in panel.svg
    assert panel.chart_label == "XmR chart (Making Data Count)"
    assert panel.description.startswith("Special cause improvement")
    assert "The target of 20 is within the limits" in panel.description
    assert (panel.variation_icon, panel.assurance) == ("improvement_high", "hit_and_miss")
    assert "<title>The target will sometimes be met and sometimes missed</title>" in panel.assurance_svg
    assert len(panel.rows) == len(RISING)
    first = panel.rows[0]
    assert (first["period"], first["value"], first["centre"]) == (START, "12", "16.9")
    assert first["upper"] and first["lower"]
    assert panel.rows[-1]["signal"].startswith("Special cause improvement")
    assert panel.png_url == url_for("measures.chart_png", measure_id=measure.id)


def test_a_run_chart_panel_shows_the_median_and_the_shift_without_limits_or_icons(project):
    measure = make_measure(project, values=RISING, chart=ChartType.RUN)
    panel = chart_panel(measure)
    assert (panel.chart_label, panel.centre_label, panel.has_limits) == ("Run chart", "Median", False)
    assert panel.variation_icon is None and panel.variation_svg == ""
    assert panel.rows[0]["centre"] == "16.5" and panel.rows[0]["upper"] == ""
    assert panel.rows[-1]["signal"] == "Shift"
    assert panel.description.startswith("Non-random variation")
    assert "Median" in panel.svg


def test_proportions_are_charted_and_tabled_as_percentages(project):
    measure = make_measure(project, proportions=[(9, 10), (8, 10), (45, 50), (7, 10), (19, 20)],
                           chart=ChartType.XMR, target=90)
    panel = chart_panel(measure)
    assert [row["value"] for row in panel.rows] == ["90%", "80%", "90%", "70%", "95%"]
    assert "(analysed as percentages)" in panel.description
    assert "Target 90%" in panel.svg
    assert analyse_measure(measure).result.as_percentage


def test_a_rebase_starts_a_new_period_at_the_first_point_on_or_after_its_date(project):
    measure = make_measure(project, values=RISING, chart=ChartType.XMR)
    add_rebase(measure, week(12) - timedelta(days=2), "Falls bundle adopted after PDSA 3")
    add_rebase(measure, START - timedelta(days=30), "Before any data, so ignored")
    analysis = analyse_measure(measure)
    assert analysis.result.period == (0,) * 12 + (1,) * 8
    assert [note.when for note in analysis.rebases] == [week(12)]
    panel = chart_panel(measure)
    assert "Rebased: Falls bundle adopted after PDSA 3" in panel.svg
    assert panel.rows[0]["centre"] != panel.rows[-1]["centre"]
    assert any("Trial limits: period 2" in warning for warning in panel.warnings)


def test_cycles_of_the_measures_project_are_marked_and_linked(project, other_project):
    idea = make_change_idea(project)
    first = make_cycle(project, idea, start=week(3))
    second = make_cycle(project, idea, start=week(8), end=week(10), decision=Decision.ADOPT)
    make_cycle(project, idea, title="Not started yet")
    make_cycle(other_project, start=week(5))
    measure = make_measure(project, values=RISING)
    panel = chart_panel(measure)
    assert [(note["label"], note["date"]) for note in panel.annotations] == [
        ("PDSA 1", week(3)), ("PDSA 2", week(8)), ("PDSA 2 adopted", week(10))]
    assert panel.annotations[0]["href"] == f"/cycles/{first.id}"  # a path: summaries are refreshed off-request too
    assert panel.annotations[2]["href"] == f"/cycles/{second.id}"
    assert ">PDSA 2 adopted<" in panel.svg
    assert f'href="/cycles/{second.id}"' in panel.svg


def test_notes_on_points_appear_in_the_table_and_on_the_chart(project):
    measure = make_measure(project, values=RISING[:6])
    measure.points[2].annotation = "Agency staff on nights"
    db.session.commit()
    panel = chart_panel(measure)
    assert panel.rows[2]["note"] == "Agency staff on nights"
    assert "Agency staff on nights" in panel.svg


@pytest.mark.parametrize("values", [[], [42.0]])
def test_fewer_than_two_points_asks_for_more_data(project, values):
    measure = make_measure(project, values=values)
    panel = chart_panel(measure)
    assert panel.message == TOO_FEW_POINTS == "Add at least two points to see a chart."
    assert panel.svg == "" and panel.rows == []
    assert measure_chart(measure, "png") is None


def test_data_the_analysis_cannot_use_gives_a_message_not_an_error(project):
    measure = make_measure(project, proportions=[(5, 10), (12, 10), (4, 10)])
    panel = chart_panel(measure)
    assert "The data cannot be charted" in panel.message
    assert "greater than its denominator" in panel.message


def test_a_baseline_longer_than_a_period_is_shortened_with_a_warning(project):
    measure = make_measure(project, values=RISING, baseline_points=15)
    add_rebase(measure, week(12), "New rota")
    analysis = analyse_measure(measure)
    assert analysis.result.period.count(1) == 8
    assert any("baseline of 15 points is longer" in warning for warning in analysis.warnings)


def test_a_repeat_view_is_served_from_the_cache_without_rendering(app, project, render_calls, chart_cache_dir):
    measure = make_measure(project, values=RISING, chart=ChartType.XMR)
    first = chart_panel(measure)
    again = chart_panel(measure)
    assert render_calls == ["svg"]
    assert again.svg == first.svg
    app.extensions.clear()  # a new worker process: memory is empty but the files remain
    chart_panel(measure)
    assert render_calls == ["svg"]
    assert any(chart_cache_dir.rglob("*"))


def test_new_data_or_a_new_cycle_changes_the_picture(project, render_calls):
    measure = make_measure(project, values=RISING[:10], chart=ChartType.RUN)
    chart_panel(measure)
    measure.points[0].value = 99
    db.session.commit()
    chart_panel(measure)
    make_cycle(project, start=week(4))
    chart_panel(measure)
    measure.target = 15
    db.session.commit()
    chart_panel(measure)
    assert render_calls == ["svg"] * 4


def test_the_png_download_is_a_png_named_after_the_measure(project, render_calls):
    measure = make_measure(project, name="Falls per 1,000 bed days", values=RISING[:5])
    assert measure_chart(measure, "png").startswith(b"\x89PNG")
    assert chart_filename(measure.name, "png") == "falls-per-1-000-bed-days-chart.png"
    measure_chart(measure, "png")
    assert render_calls == ["png"]


def test_markup_typed_into_notes_or_units_is_escaped_in_the_inline_svg(app, project):
    from impact_tracker.measures.services.charts import chart_panel

    measure = make_measure(project, values=[5, 6, 7, 6, 5], unit='<img src=x onerror="alert(2)">')
    measure.points[-1].annotation = "<script>alert(1)</script>"
    db.session.commit()
    with app.test_request_context():
        svg = str(chart_panel(measure).svg)
    assert "<script>" not in svg and "<img" not in svg
    assert "&lt;script&gt;" in svg
