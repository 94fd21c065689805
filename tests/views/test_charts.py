"""Chart routes and the chart panel on the measure page: who may see them, what they send, what people see."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest
from flask import url_for

from impact_tracker.core.permissions import Role
from impact_tracker.measures.models import ChartType
from impact_tracker.pdsa.models import Decision

from ..conftest import get_page, page_text
from ..factories import make_cycle, make_measure, make_user

VALUES = [12, 15, 11, 14, 18, 9, 13, 16, 14, 12, 17, 15, 19, 21, 20, 22, 23, 21, 24, 22]
IMAGE_ENDPOINTS = ["measures.chart_svg", "measures.chart_png"]


@pytest.fixture(autouse=True)
def chart_cache_dir(app, tmp_path):
    app.config["IMPACT_CHART_CACHE_DIR"] = tmp_path / "chart-cache"


@pytest.fixture
def measure(project):
    return make_measure(project, name="Falls per 1,000 bed days", values=VALUES, chart=ChartType.XMR, target=20)


@pytest.mark.parametrize("endpoint", IMAGE_ENDPOINTS)
def test_anonymous_is_sent_to_sign_in(client, measure, endpoint):
    response = client.get(url_for(endpoint, measure_id=measure.id))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("endpoint", IMAGE_ENDPOINTS)
def test_another_organisations_chart_is_not_found(client, login_as, member, other_project, endpoint):
    theirs = make_measure(other_project, values=VALUES)
    login_as(member)
    assert client.get(url_for(endpoint, measure_id=theirs.id)).status_code == 404


@pytest.mark.parametrize("endpoint", IMAGE_ENDPOINTS)
def test_a_measure_with_one_point_has_no_chart_image(client, login_as, member, project, endpoint):
    lonely = make_measure(project, values=[3])
    login_as(member)
    assert client.get(url_for(endpoint, measure_id=lonely.id)).status_code == 404


def test_the_svg_route_sends_a_well_formed_svg(client, login_as, member, measure):
    login_as(member)
    response = client.get(url_for("measures.chart_svg", measure_id=measure.id))
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert ET.fromstring(response.data).tag == "{http://www.w3.org/2000/svg}svg"


def test_the_png_route_downloads_a_png_named_after_the_measure(client, login_as, member, measure):
    login_as(member)
    response = client.get(url_for("measures.chart_png", measure_id=measure.id))
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "falls-per-1-000-bed-days-chart.png" in disposition


def test_a_viewer_from_the_region_can_download_the_chart(client, login_as, org, measure):
    viewer = make_user(None, Role.REGION_VIEWER, region=org.system.region)
    login_as(viewer)
    assert client.get(url_for("measures.chart_png", measure_id=measure.id)).status_code == 200


def test_the_measure_page_shows_the_chart_summary_icons_and_data_table(client, login_as, member, measure):
    login_as(member)
    page = get_page(client, "measures.detail", measure_id=measure.id)
    panel = page.find(class_="app-chart")
    assert panel.find("svg") is not None
    assert panel.find("figcaption").get_text(strip=True).startswith("Special cause improvement")
    icons = [icon.find("title").get_text() for icon in panel.select(".app-chart-icons svg")]
    assert icons == ["Special cause improvement: the latest values are higher",
                     "The target will sometimes be met and sometimes missed"]
    table = panel.find("table")
    headers = [th.get_text(strip=True) for th in table.find_all("th")]
    assert headers == ["Period", "Value", "Mean", "Lower limit", "Upper limit", "Signal", "Note"]
    rows = table.find("tbody").find_all("tr")
    assert len(rows) == len(VALUES)
    assert rows[0].find("td").get_text(strip=True) == "5 January 2026"
    download = panel.find("a", class_="app-chart-download")
    assert download["href"] == url_for("measures.chart_png", measure_id=measure.id, _external=False)


def test_the_measure_page_lists_pdsa_cycles_with_links(client, login_as, member, project, measure):
    cycle = make_cycle(project, start=date(2026, 2, 2), end=date(2026, 3, 2), decision=Decision.ADOPT)
    login_as(member)
    page = get_page(client, "measures.detail", measure_id=measure.id)
    links = page.select(".app-chart-cycles a")
    assert [link.get_text(strip=True) for link in links] == ["PDSA 1", "PDSA 1 adopted"]
    assert {link["href"] for link in links} == {url_for("pdsa.detail", cycle_id=cycle.id, _external=False)}
    chart_links = {a.get("xlink:href") for a in page.select(".app-chart-image svg a")}
    assert chart_links == {url_for("pdsa.detail", cycle_id=cycle.id, _external=False)}


def test_a_run_chart_measure_page_has_a_median_column_and_no_icons(client, login_as, member, project):
    measure = make_measure(project, values=VALUES, chart=ChartType.RUN)
    login_as(member)
    page = get_page(client, "measures.detail", measure_id=measure.id)
    panel = page.find(class_="app-chart")
    assert "Median" in [th.get_text(strip=True) for th in panel.find_all("th")]
    assert not panel.select(".app-chart-icons")


def test_a_measure_with_one_point_asks_for_another(client, login_as, member, project):
    measure = make_measure(project, values=[4])
    login_as(member)
    page = get_page(client, "measures.detail", measure_id=measure.id)
    assert "Add at least two points to see a chart." in " ".join(page.get_text(" ").split())
    assert page.select(".app-chart svg") == []


def test_charts_appear_only_on_measure_pages(client, login_as, member, project, measure):
    login_as(member)
    response = client.get(url_for("projects.detail", project_id=project.id))
    assert response.status_code == 200
    assert "app-chart-image" not in response.get_data(as_text=True)
    assert "Reduce falls on Ward 7" in page_text(response)


def test_a_chart_drawn_ahead_is_sent_as_is_to_its_organisation_and_to_no_one_else(client, login_as, member, measure,
                                                                                  other_org, monkeypatch):
    from impact_tracker.measures.services import charts as chart_service

    ahead = chart_service.chart_image(chart_service.analyse_measure(measure), "svg")  # as the background would

    def no_drawing(*_args, **_kwargs):
        raise AssertionError("a chart drawn ahead must not be drawn again")

    monkeypatch.setattr(chart_service, "_draw", no_drawing)
    login_as(member)
    response = client.get(url_for("measures.chart_svg", measure_id=measure.id))
    assert response.status_code == 200 and response.data == ahead
    assert response.headers["Cache-Control"] == "no-cache"
    client.post("/sign-out")
    login_as(make_user(other_org, Role.IMPROVEMENT_LEAD))
    assert client.get(url_for("measures.chart_svg", measure_id=measure.id)).status_code == 404


@pytest.mark.parametrize(("role", "place", "status"), [
    (Role.SYSTEM_VIEWER, "own", 200), (Role.SYSTEM_VIEWER, "elsewhere", 404),
    (Role.REGION_VIEWER, "own", 200), (Role.REGION_VIEWER, "elsewhere", 404), (Role.NATIONAL_ADMIN, None, 200),
])
def test_a_chart_drawn_ahead_follows_the_viewers_scope(client, login_as, measure, org, role, place, status):
    from impact_tracker.measures.services import charts as chart_service

    from ..factories import make_region, make_system

    chart_service.chart_image(chart_service.analyse_measure(measure), "svg")  # drawn ahead
    elsewhere = make_system(region=make_region())
    scope = {Role.SYSTEM_VIEWER: {"system": org.system if place == "own" else elsewhere},
             Role.REGION_VIEWER: {"region": org.system.region if place == "own" else elsewhere.region},
             Role.NATIONAL_ADMIN: {}}[role]
    login_as(make_user(None, role, **scope))
    assert client.get(url_for("measures.chart_svg", measure_id=measure.id)).status_code == status
