"""Portfolio pages: each role's landing page and real figures, drill-down, sorting and filters, CSV exports,
and a query count that does not grow with the number of organisations or projects."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask import url_for
from sqlalchemy import event

from impact_tracker.capability import services as capability
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.orgs.models import OrgType
from impact_tracker.projects.models import ProgressScore, TeamMember, TeamRole

from .. import factories
from ..conftest import get_page, page_text


def _train(organisation, count: int) -> None:
    tier = capability.ensure_tiers(organisation)[0]
    text = "\n".join(f"R{n},{tier.name},Course,2026-01-05" for n in range(count))
    capability.import_records(organisation, text, actor=None)


def _busy(organisation, projects: int = 1, trained: int = 12, title: str = "Project") -> None:
    """An organisation with active projects, each with a score, a team member, a cycle and a measure."""
    person = factories.make_user(organisation)
    for index in range(projects):
        project = factories.make_project(organisation, title=f"{title} {index}")
        db.session.add_all([ProgressScore(project=project, score=Decimal("3.0"), note="n"),
                            TeamMember(project=project, user=person, team_role=TeamRole.MEMBER)])
        db.session.commit()
        factories.make_cycle(project, start=date.today() - timedelta(days=5))
        factories.make_measure(project, values=[5, 6, 5, 7, 6, 5])
    _train(organisation, trained)


@pytest.fixture
def system_viewer(org):
    return factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system, name="Sys Viewer")


@pytest.fixture
def region_viewer(org):
    return factories.make_user(None, Role.REGION_VIEWER, region=org.system.region, name="Reg Viewer")


def _csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(response.get_data(as_text=True).lstrip("\ufeff").splitlines()))


def test_anonymous_people_are_sent_to_sign_in(client, org):
    for path in ("/portfolio", f"/portfolio/organisations/{org.code}", f"/portfolio/systems/{org.system.code}"):
        assert client.get(path).headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("who, landing", [
    ("member", "/portfolio/organisations/{org}"), ("system_viewer", "/portfolio/systems/{system}"),
    ("region_viewer", "/portfolio/regions/{region}"), ("admin", "/portfolio/national"),
])
def test_each_role_lands_on_its_roll_up(client, login_as, org, who, landing, request):
    login_as(request.getfixturevalue(who))
    response = client.get(url_for("portfolio.index"))
    assert response.headers["Location"] == landing.format(org=org.code, system=org.system.code,
                                                          region=org.system.region.code)


def test_the_header_links_to_the_portfolio(client, login_as, member):
    login_as(member)
    links = [a["href"] for a in get_page(client, "home.index").select("header a")]
    assert "/portfolio" in links


def test_the_organisation_page_shows_real_figures_and_links_measures_to_their_charts(client, login_as, member,
                                                                                     org):
    _busy(org, projects=2, trained=12)
    login_as(member)
    soup = get_page(client, "portfolio.organisation", code=org.code)
    headlines = soup.find(class_="app-portfolio-headlines").get_text(" ", strip=True)
    assert "2 active projects" in headlines and "12 people trained" in headlines
    tiles = soup.select(".app-portfolio-tile a")
    assert len(tiles) == 2 and tiles[0]["href"].startswith("/measures/")
    assert client.get(tiles[0]["href"]).status_code == 200
    assert len(soup.select(".app-portfolio-bars__item")) == 12


def test_organisation_staff_cannot_open_another_organisation_or_a_roll_up(client, login_as, member, other_org,
                                                                          org):
    login_as(member)
    get_page(client, "portfolio.organisation", _expected_status=404, code=other_org.code)
    get_page(client, "portfolio.system", _expected_status=404, code=org.system.code)
    get_page(client, "portfolio.national", _expected_status=404)


def test_the_system_roll_up_shows_a_row_per_organisation_with_small_counts_suppressed(client, login_as, org,
                                                                                      system_viewer, other_org):
    sibling = factories.make_org(system=org.system, name="Aardvark Community Trust", type=OrgType.COMMUNITY)
    _busy(org, trained=12)
    _busy(sibling, trained=3)
    login_as(system_viewer)
    soup = get_page(client, "portfolio.system", code=org.system.code)
    rows = {th.get_text(" ", strip=True): [td.get_text(strip=True) for td in th.find_next_siblings("td")]
            for th in soup.select("tbody th")}
    assert set(rows) == {org.name, sibling.name}
    trained_at = [th.get_text(" ", strip=True).removesuffix(" (sort)") for th in soup.select("thead th")].index(
        "People trained") - 1
    assert rows[org.name][trained_at] == "12" and rows[sibling.name][trained_at] == "<8"
    link = soup.find("a", string=sibling.name)["href"]
    assert link == f"/portfolio/organisations/{sibling.code}"
    assert "Back to" in page_text(client.get(link))


def test_roll_ups_sort_and_filter_by_the_query_string(client, login_as, org, region_viewer):
    big = factories.make_org(system=org.system, name="Zebra Hospitals", type=OrgType.ACUTE)
    small = factories.make_org(system=org.system, name="Alpha Community", type=OrgType.COMMUNITY)
    _busy(big, projects=3)
    _busy(small, projects=1)
    login_as(region_viewer)
    region = org.system.region.code
    names = lambda soup: [a.get_text(strip=True) for a in soup.select("tbody th a")]  # noqa: E731
    assert names(get_page(client, "portfolio.region", code=region)) == ["Alpha Community", org.name, "Zebra Hospitals"]
    by_active = get_page(client, "portfolio.region", code=region, sort="active", dir="desc")
    assert names(by_active)[0] == "Zebra Hospitals"
    assert by_active.find("th", attrs={"aria-sort": "descending"})
    community = get_page(client, "portfolio.region", code=region, org_type="community")
    assert names(community) == ["Alpha Community"]


def test_the_national_roll_up_has_a_row_per_system_linking_down(client, login_as, admin, org):
    factories.make_org(name="Elsewhere Trust")
    _busy(org)
    login_as(admin)
    soup = get_page(client, "portfolio.national")
    links = [a["href"] for a in soup.select("tbody th a")]
    assert f"/portfolio/systems/{org.system.code}" in links and len(links) == 2


def test_the_roll_up_csv_suppresses_counts_and_neutralises_formulas(client, login_as, org, system_viewer):
    sneaky = factories.make_org(system=org.system, name="=HYPERLINK(\"http://evil.example\")")
    _busy(sneaky, trained=2)
    login_as(system_viewer)
    rows = _csv_rows(client.get(url_for("portfolio.system_export", code=org.system.code)))
    header, data = rows[0], {row[0]: row for row in rows[1:]}
    evil = data["'=HYPERLINK(\"http://evil.example\")"]
    assert evil[header.index("People trained")] == "<8"
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.parametrize("table", ["projects", "scores", "stalled", "cycles", "measures", "tiers", "posts"])
def test_every_organisation_table_downloads_as_csv(client, login_as, member, org, table):
    _busy(org)
    login_as(member)
    rows = _csv_rows(client.get(url_for("portfolio.organisation_export", code=org.code, table=table)))
    assert rows[0]


def test_an_unknown_table_is_not_found(client, login_as, member, org):
    login_as(member)
    assert client.get(url_for("portfolio.organisation_export", code=org.code, table="secrets")).status_code == 404


def test_the_organisation_tiers_csv_suppresses_small_counts(client, login_as, member, org):
    _train(org, 3)
    login_as(member)
    rows = _csv_rows(client.get(url_for("portfolio.organisation_export", code=org.code, table="tiers")))
    assert rows[1] == ["Awareness", "<8", ""] and rows[2] == ["Foundation", "0", ""]


def _count_queries(client, path: str) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(statements)


def test_roll_up_queries_do_not_grow_with_organisations_or_projects(client, login_as, admin, org):
    region = org.system.region
    login_as(admin)
    _busy(org)
    factories.make_org(system=factories.make_system(region=region))
    paths = (f"/portfolio/regions/{region.code}", "/portfolio/national", f"/portfolio/systems/{org.system.code}")
    small = [_count_queries(client, path) for path in paths]
    for _ in range(4):
        _busy(factories.make_org(system=org.system), projects=3)
    _busy(org, projects=4, title="More")
    large = [_count_queries(client, path) for path in paths]
    assert large == small


def test_a_repeat_roll_up_reuses_figures_and_a_change_shows_at_once(client, login_as, admin, org):
    """Figures are cached per organisation and version: a second view skips the aggregate queries, and a
    change to one organisation's records shows on the next view."""
    login_as(admin)
    _busy(org)
    other = factories.make_org(system=org.system)
    _busy(other, projects=2)
    path = f"/portfolio/systems/{org.system.code}"
    first = _count_queries(client, path)
    repeat = _count_queries(client, path)
    assert repeat < first
    before = page_text(client.get(path))
    factories.make_project(org, title="Fresh start")  # a second active project for org
    after = page_text(client.get(path))
    assert before != after
    rows = _csv_rows(client.get(url_for("portfolio.system_export", code=org.system.code)))
    active = {row[0]: row[2] for row in rows[1:]}
    assert active[org.name] == "2" and active[other.name] == "2"
