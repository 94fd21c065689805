"""Portfolio figures on hand-made data: projects, scores, cycles, stalled work, capability, suppression, sharing,
and who may see which level."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete

from impact_tracker.assessment import services as assessment
from impact_tracker.capability import services as capability
from impact_tracker.core.errors import NotFound
from impact_tracker.core.mixins import utcnow
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.measures.models import ChartType, Direction, MeasureSummary
from impact_tracker.orgs.models import OrgType
from impact_tracker.portfolio import queries, services
from impact_tracker.portfolio.queries import Filters
from impact_tracker.projects.models import ProgressScore, ProjectStatus, TeamMember, TeamRole

from .. import factories


def shared_assessment(organisation, actor, *, shared: bool, level: int = 3):
    """A finished self-assessment answering every statement at `level`."""
    started = assessment.start_assessment(organisation, assessment.NewAssessment(period_label="2025/26"),
                                          actor=actor)
    for response in started.responses:
        assessment.save_response(response, assessment.ResponseInput(level, "Evidence"), actor=actor)
    assessment.finalise(started, actor=actor)
    if shared:
        assessment.set_sharing(started, True, actor=actor)
    return started


def score(project, value: str, days_ago: int = 0) -> None:
    db.session.add(ProgressScore(project=project, score=Decimal(value), note="n",
                                 set_at=utcnow() - timedelta(days=days_ago)))
    db.session.commit()


def age(project, days: int) -> None:
    project.created_at = utcnow() - timedelta(days=days)
    db.session.commit()


def train(organisation, count: int, tier_index: int = 0, prefix: str = "ESR") -> None:
    tier = capability.ensure_tiers(organisation)[tier_index]
    text = "\n".join(f"{prefix}{tier_index}-{n},{tier.name},Course,2026-01-0{1 + n % 9}" for n in range(count))
    capability.import_records(organisation, text, actor=None)


@pytest.fixture
def portfolio(org, member):
    """Riverside: two active projects (one stalled), a completed, a proposed and an archived one."""
    today = date.today()
    lively = factories.make_project(org, title="Lively")
    quiet = factories.make_project(org, title="Quiet")
    done = factories.make_project(org, title="Done", status=ProjectStatus.COMPLETED)
    factories.make_project(org, title="Idea", status=ProjectStatus.PROPOSED)
    factories.make_project(org, title="Archived", archived_at=utcnow())
    score(lively, "2.0", days_ago=30)
    score(lively, "3.5")
    score(quiet, "2.0")
    score(done, "5.0")
    coach = factories.make_user(org, Role.COACH)
    db.session.add_all([TeamMember(project=lively, user=member, team_role=TeamRole.LEAD),
                        TeamMember(project=lively, user=coach, team_role=TeamRole.COACH),
                        TeamMember(project=quiet, user=member, team_role=TeamRole.LEAD)])
    db.session.commit()
    idea = factories.make_change_idea(lively)
    for days in (10, 40, 400):
        factories.make_cycle(lively, idea, start=today - timedelta(days=days))
    for project in (lively, quiet):
        age(project, 200)
    return {"lively": lively, "quiet": quiet, "coach": coach}


def test_project_figures_come_from_the_organisations_own_live_projects(org, other_org, portfolio):
    factories.make_project(other_org)
    figures = queries.figures([org.id], Filters())[org.id]
    assert figures.statuses == {"active": 2, "completed": 1, "proposed": 1}
    assert (figures.mean_score, figures.scored, figures.scored_3_plus) == (Decimal("2.8"), 2, 1)
    assert (figures.cycles, figures.cycles_per_month) == (2, Decimal("0.2"))
    assert figures.engaged == 2
    assert figures.stalled == 1


def test_the_period_changes_how_many_cycles_count(org, portfolio):
    today = date.today()
    factories.make_cycle(portfolio["quiet"], start=today.replace(day=1) - timedelta(days=200))
    assert queries.figures([org.id], Filters(months=12))[org.id].cycles == 3
    three = queries.figures([org.id], Filters(months=3))[org.id]
    assert (three.cycles, three.cycles_per_month) == (2, Decimal("0.7"))


def test_a_project_is_stalled_until_a_cycle_starts_or_data_is_entered(org, portfolio):
    assert [p.title for p in queries.stalled_projects(org, Filters())] == ["Quiet"]
    factories.make_measure(portfolio["quiet"], values=[4])
    assert queries.stalled_projects(org, Filters()) == []


def test_a_new_project_is_not_stalled_yet(org):
    factories.make_project(org, title="Just started")
    assert queries.figures([org.id], Filters())[org.id].stalled == 0


def test_component_and_unit_filters_narrow_the_projects(org, portfolio):
    from impact_tracker.core.impact import ImpactComponent
    from impact_tracker.projects.models import ProjectComponent

    ward = factories.make_unit(org)
    portfolio["quiet"].unit = ward
    db.session.add(ProjectComponent(project=portfolio["lively"], component=ImpactComponent.CAPABILITY))
    db.session.commit()
    tagged = queries.figures([org.id], Filters(component=ImpactComponent.CAPABILITY))[org.id]
    assert (tagged.statuses, tagged.cycles) == ({"active": 1}, 2)
    on_ward = queries.figures([org.id], Filters(unit_id=ward.id))[org.id]
    assert (on_ward.statuses, on_ward.stalled, on_ward.cycles) == ({"active": 1}, 1, 0)


def test_cycles_by_month_counts_each_of_the_last_twelve_months(org, portfolio):
    months = queries.cycles_by_month(org, Filters())
    assert len(months) == 12 and months[-1][0] == date.today().replace(day=1)
    assert sum(count for _, count in months) == 2
    assert months[-1][1] == (1 if date.today().day > 10 else 0) + (1 if date.today().day > 40 else 0)


def test_score_distribution_counts_open_projects_by_current_score(org, portfolio):
    assert queries.score_distribution(org, Filters()) == [(Decimal("2.0"), 1), (Decimal("3.5"), 1)]


def test_capability_figures_share_of_workforce_and_coaches(org, leader, portfolio):
    train(org, 30)
    train(org, 2, tier_index=3)
    capability.add_record(org, capability.RecordInput(capability.ensure_tiers(org)[3].id, "Coaching",
                                                      date(2026, 1, 1), user_id=portfolio["coach"].id), actor=None)
    capability.set_headcount(org, capability.HeadcountInput(date(2026, 1, 1), 1000), actor=leader)
    capability.save_post(org, capability.PostInput("Lead", Decimal("1.5")), actor=leader)
    figures = queries.figures([org.id], Filters())[org.id]
    assert (figures.trained, figures.headcount, figures.trained_share) == (33, 1000, Decimal("3.3"))
    assert (figures.coaches_trained, figures.coaches_active) == (3, 1)
    assert (figures.fte_dedicated, figures.fte_allocated) == (Decimal("1.5"), Decimal("0"))


class TestMeasureTiles:
    def test_xmr_measures_show_variation_and_assurance_and_run_charts_their_signal(self, org, portfolio):
        lively = portfolio["lively"]
        factories.make_measure(lively, name="Shifted", values=[10, 11, 9, 10, 11, 10, 9, 10] + [20] * 8,
                               improvement_direction=Direction.INCREASE, target=5.0)
        factories.make_measure(lively, name="Run", values=[5, 6, 5, 6, 5, 6], chart=ChartType.RUN)
        factories.make_measure(lively, name="New", values=[3])
        tiles = {tile.name: tile for tile in services.measure_tiles(queries.measure_tile_rows(org, Filters()))}
        assert (tiles["Shifted"].variation, tiles["Shifted"].colour) == ("Improvement (higher)", "improvement")
        assert tiles["Shifted"].assurance == "Target met consistently"
        assert tiles["Run"].variation == "Run chart: no signal"
        assert tiles["New"].variation == "Not enough data yet"

    def test_a_measure_not_yet_summarised_gets_its_tile_worked_out(self, org, portfolio):
        factories.make_measure(portfolio["lively"], name="Loaded by SQL",
                               values=[10, 11, 9, 10, 11, 10, 9, 10] + [20] * 8,
                               improvement_direction=Direction.INCREASE)
        db.session.execute(delete(MeasureSummary))
        db.session.commit()
        tile = services.measure_tiles(queries.measure_tile_rows(org, Filters()))[0]
        assert (tile.name, tile.variation, tile.colour) == ("Loaded by SQL", "Improvement (higher)", "improvement")

    def test_proportions_are_analysed_as_percentages(self, org, portfolio):
        factories.make_measure(portfolio["lively"], name="Share", proportions=[(5, 10)] * 8 + [(9, 10)] * 8,
                               improvement_direction=Direction.DECREASE)
        tile = services.measure_tiles(queries.measure_tile_rows(org, Filters()))[0]
        assert (tile.variation, tile.colour) == ("Concern (higher)", "concern")


def test_small_counts_of_people_are_suppressed_and_zero_is_shown(app):
    assert [services.protect(n, 8) for n in (0, 1, 7, 8, 120, None)] == [0, "<8", "<8", 8, 120, None]
    app.config["IMPACT_SUPPRESS_BELOW"] = 10
    assert services.suppress_below() == 10


def test_roll_ups_suppress_people_counts_and_the_share_built_on_them(org, leader, portfolio):
    train(org, 3)
    capability.set_headcount(org, capability.HeadcountInput(date(2026, 1, 1), 500), actor=leader)
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    row = services.rollup(viewer, {"system_id": org.system_id}, Filters())[0]
    assert (row.cells["trained"], row.cells["share"], row.cells["engaged"]) == ("<8", None, "<8")
    assert row.cells["active"] == 2 and row.cells["coaches_trained"] == 0
    page = services.organisation_page(viewer, org, Filters())
    assert (page.figures.trained, page.figures.engaged) == (3, 2)


def test_self_assessment_levels_show_above_the_organisation_only_when_shared(org, other_org, leader):
    sibling = factories.make_org(system=org.system, name="Sibling Trust")
    sibling_lead = factories.make_user(sibling, Role.IMPROVEMENT_LEAD)
    shared_assessment(org, leader, shared=True, level=4)
    shared_assessment(sibling, sibling_lead, shared=False)
    viewer = factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system)
    rows = {row.name: row for row in services.rollup(viewer, {"system_id": org.system_id}, Filters())}
    assert rows[org.name].levels.levels["building_capability_capacity"] == 4
    assert "Capability 4" in rows[org.name].cells["assessment"]
    assert rows["Sibling Trust"].levels is None and rows["Sibling Trust"].cells["assessment"] == ""
    assert services.organisation_page(sibling_lead, sibling, Filters()).levels is not None
    assert services.organisation_page(viewer, sibling, Filters()).levels is None


class TestWhoSeesWhat:
    @pytest.fixture
    def world(self, org, member):
        region = org.system.region
        sibling = factories.make_org(system=org.system, type=OrgType.COMMUNITY)
        neighbour_system = factories.make_system(region=region)
        neighbour = factories.make_org(system=neighbour_system)
        far = factories.make_org()
        return {"region": region, "sibling": sibling, "neighbour": neighbour, "far": far,
                "system_viewer": factories.make_user(None, Role.SYSTEM_VIEWER, system=org.system),
                "region_viewer": factories.make_user(None, Role.REGION_VIEWER, region=region)}

    def test_each_role_lands_on_its_natural_level(self, org, member, admin, world):
        assert services.home_for(member) == ("portfolio.organisation", {"code": org.code})
        assert services.home_for(world["system_viewer"]) == ("portfolio.system", {"code": org.system.code})
        assert services.home_for(world["region_viewer"]) == ("portfolio.region", {"code": world["region"].code})
        assert services.home_for(admin) == ("portfolio.national", {})

    def test_organisation_staff_see_only_their_organisation(self, org, member, world):
        assert services.organisation_for(member, org.code.lower()) == org
        for code in (world["sibling"].code, world["far"].code):
            with pytest.raises(NotFound):
                services.organisation_for(member, code)
        with pytest.raises(NotFound):
            services.system_for(member, org.system.code)

    def test_system_viewers_see_their_systems_organisations(self, org, world):
        viewer = world["system_viewer"]
        assert services.system_for(viewer, org.system.code) == org.system
        assert {p.id for p in queries.places(viewer)} == {org.id, world["sibling"].id}
        with pytest.raises(NotFound):
            services.system_for(viewer, world["neighbour"].system.code)
        with pytest.raises(NotFound):
            services.region_for(viewer, world["region"].code)

    def test_region_viewers_see_their_region_and_national_admins_everything(self, org, admin, world):
        viewer = world["region_viewer"]
        assert {p.id for p in queries.places(viewer)} == {org.id, world["sibling"].id, world["neighbour"].id}
        assert services.system_for(viewer, world["neighbour"].system.code)
        with pytest.raises(NotFound):
            services.system_for(viewer, world["far"].system.code)
        with pytest.raises(NotFound):
            services.require_national(viewer)
        services.require_national(admin)
        assert len(queries.places(admin)) == 4

    def test_organisation_type_filter_and_national_rows_per_system(self, org, admin, world):
        rows = services.rollup(admin, {"region_id": world["region"].id}, Filters(org_type=OrgType.COMMUNITY))
        assert [row.name for row in rows] == [world["sibling"].name]
        systems = services.rollup(admin, {}, Filters(), by_system=True)
        assert len(systems) == 3 and sum(row.member_count for row in systems) == 4


def test_csv_cells_that_look_like_formulas_are_neutralised():
    import csv

    text = services.to_csv(["Name", "Count"], [['=HYPERLINK("x")', 3], ["+1+1", "-2"], ["@SUM(A1)", None],
                                                ["Ward 7", 0]])
    assert text.startswith("\ufeff")
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines()))
    # Plain numbers (like -2) are left alone: a spreadsheet reads them as numbers, not formulas.
    assert rows == [["Name", "Count"], ["'=HYPERLINK(\"x\")", "3"], ["'+1+1", "-2"], ["'@SUM(A1)", ""],
                    ["Ward 7", "0"]]
