"""Capability and capacity services: tiers, records (one at a time and from CSV, all or nothing), headcount, posts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from impact_tracker.capability import queries, services
from impact_tracker.capability.models import TrainingRecord, TrainingTier
from impact_tracker.core.errors import DomainError, PermissionDenied
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db
from impact_tracker.projects.models import ProjectStatus, TeamMember, TeamRole

from .. import factories


def _record(organisation, tier, reference="ESR1", user=None, completed=date(2026, 1, 10)):
    data = services.RecordInput(tier.id, "Foundations", completed, user.id if user else None,
                                "" if user else reference)
    return services.add_record(organisation, data, actor=None)


def test_an_organisation_gets_the_default_tiers_once(org):
    first = services.ensure_tiers(org)
    again = services.ensure_tiers(org)
    assert [t.name for t in first] == ["Awareness", "Foundation", "Practitioner", "Coach", "Expert"]
    assert [t.id for t in again] == [t.id for t in first]
    assert [t.is_coach_tier for t in first] == [False, False, False, True, False]


def test_a_tier_can_be_renamed_but_not_to_another_tiers_name(org, leader):
    awareness, foundation = services.ensure_tiers(org)[:2]
    services.save_tier(org, services.TierInput("Bronze"), actor=leader, tier=awareness)
    assert db.session.get(TrainingTier, awareness.id).name == "Bronze"
    with pytest.raises(DomainError) as raised:
        services.save_tier(org, services.TierInput("bronze"), actor=leader, tier=foundation)
    assert raised.value.field == "name"


def test_moving_a_tier_swaps_it_with_its_neighbour_and_stops_at_the_ends(org, leader):
    tiers = services.ensure_tiers(org)
    services.move_tier(tiers[0], up=True, actor=leader)
    assert [t.name for t in queries.tiers(org)][:2] == ["Foundation", "Awareness"]
    services.move_tier(tiers[4], up=True, actor=leader)
    assert queries.tiers(org)[-1].name == "Expert"


def test_only_the_organisations_improvement_lead_manages_capability(org, member, other_org):
    other_lead = factories.make_user(other_org, Role.IMPROVEMENT_LEAD)
    for actor in (member, other_lead):
        with pytest.raises(PermissionDenied):
            services.save_tier(org, services.TierInput("Gold"), actor=actor)


def test_a_record_needs_a_person_a_tier_from_here_and_a_past_date(org, other_org):
    tier = services.ensure_tiers(org)[0]
    foreign = services.ensure_tiers(other_org)[0]
    cases = [
        (services.RecordInput(foreign.id, "Course", date(2026, 1, 1), staff_reference="A1"), "tier_id"),
        (services.RecordInput(tier.id, "Course", date(2026, 1, 1)), "staff_reference"),
        (services.RecordInput(tier.id, "Course", date.today() + timedelta(days=1), staff_reference="A1"),
         "completed_on"),
        (services.RecordInput(tier.id, "Course", date(2026, 1, 1), user_id=factories.make_user(other_org).id),
         "user_id"),
    ]
    for data, field in cases:
        with pytest.raises(DomainError) as raised:
            services.add_record(org, data, actor=None)
        assert raised.value.field == field
    assert db.session.query(TrainingRecord).count() == 0


def test_people_are_counted_once_however_many_courses_they_completed(org, member):
    tiers = services.ensure_tiers(org)
    _record(org, tiers[0], user=member)
    _record(org, tiers[1], user=member)
    _record(org, tiers[0], reference="ESR9")
    _record(org, tiers[0], reference="esr9")
    assert queries.trained_people([org.id]) == {org.id: 2}
    counts = {line.tier.name: line.people for line in queries.tier_counts(org)}
    assert counts == {"Awareness": 2, "Foundation": 1, "Practitioner": 0, "Coach": 0, "Expert": 0}


def test_a_coach_is_active_only_while_coaching_an_active_project(org, member):
    coach_tier = services.ensure_tiers(org)[3]
    other_coach = factories.make_user(org, Role.COACH)
    for person in (member, other_coach):
        _record(org, coach_tier, user=person)
    _record(org, coach_tier, reference="ESR7")
    active = factories.make_project(org, status=ProjectStatus.ACTIVE)
    finished = factories.make_project(org, status=ProjectStatus.COMPLETED)
    db.session.add_all([TeamMember(project=active, user=member, team_role=TeamRole.COACH),
                        TeamMember(project=finished, user=other_coach, team_role=TeamRole.COACH)])
    db.session.commit()
    assert queries.coach_counts([org.id])[org.id] == queries.CoachCounts(trained=3, active=1)


def test_headcount_is_kept_per_month_and_the_latest_is_used(org, leader):
    services.set_headcount(org, services.HeadcountInput(date(2026, 1, 15), 900), actor=leader)
    services.set_headcount(org, services.HeadcountInput(date(2026, 1, 2), 950), actor=leader)
    services.set_headcount(org, services.HeadcountInput(date(2025, 12, 1), 800), actor=leader)
    assert queries.latest_headcount([org.id]) == {org.id: 950}
    assert [h.period for h in queries.headcounts(org)] == [date(2026, 1, 1), date(2025, 12, 1)]
    with pytest.raises(DomainError) as raised:
        services.set_headcount(org, services.HeadcountInput(date.today() + timedelta(days=40), 5), actor=leader)
    assert raised.value.field == "period"


def test_posts_add_up_to_dedicated_and_allocated_fte(org, leader, other_org):
    services.save_post(org, services.PostInput("Head of improvement", Decimal("1")), actor=leader)
    services.save_post(org, services.PostInput("Analyst", Decimal("0.6")), actor=leader)
    services.save_post(org, services.PostInput("Ward manager time", Decimal("0.2"), dedicated=False), actor=leader)
    assert queries.post_fte([org.id, other_org.id]) == {org.id: queries.PostFte(Decimal("1.6"), Decimal("0.2"))}
    with pytest.raises(DomainError) as raised:
        services.save_post(org, services.PostInput("Too much", Decimal("11")), actor=leader)
    assert raised.value.field == "fte"
    with pytest.raises(DomainError) as raised:
        foreign_unit = factories.make_unit(other_org).id
        services.save_post(org, services.PostInput("Elsewhere", Decimal("1"), unit_id=foreign_unit), actor=leader)
    assert raised.value.field == "unit_id"


class TestCsvUpload:
    def test_rows_are_matched_to_colleagues_and_tiers_with_a_header_row_optional(self, org, member):
        services.ensure_tiers(org)
        text = ("Person,Tier,Course,Completed\n"
                f"{member.email.upper()},foundation,QI foundations,03/02/2026\n"
                "ESR123,Coach,Coaching programme,2026-01-20\n")
        preview = services.preview_records(org, text)
        assert preview.ok
        assert [(r.person, r.tier.name, r.completed_on) for r in preview.rows] == [
            ("Fran Frontline", "Foundation", date(2026, 2, 3)), ("ESR123", "Coach", date(2026, 1, 20))]

    def test_every_problem_is_reported_by_row_and_column(self, org):
        services.ensure_tiers(org)
        text = ("nobody@elsewhere.example,Foundation,Course,2026-01-01\n"
                "ESR1,Platinum,Course,2026-01-01\n"
                "ESR2,Foundation,,yesterday\n"
                "ESR3,Foundation\n")
        preview = services.preview_records(org, text)
        assert not preview.ok and not preview.rows
        found = [(e.row, e.column) for e in preview.errors]
        assert found == [(1, "person"), (2, "tier"), (3, "course"), (3, "completed_on"), (4, None)]
        assert "Awareness, Foundation, Practitioner, Coach, Expert" in preview.errors[1].message

    def test_saving_is_all_or_nothing(self, org, leader):
        services.ensure_tiers(org)
        good = "ESR1,Awareness,Course,2026-01-01\nESR2,Awareness,Course,2026-01-02\n"
        with pytest.raises(DomainError) as raised:
            services.import_records(org, good + "ESR3,Nope,Course,2026-01-03\n", actor=leader)
        assert raised.value.field == "file"
        assert db.session.query(TrainingRecord).count() == 0
        assert services.import_records(org, good, actor=leader) == 2
        assert queries.trained_people([org.id]) == {org.id: 2}

    def test_previewed_rows_written_back_read_the_same(self, org, member):
        services.ensure_tiers(org)
        preview = services.preview_records(org, f"{member.email},Coach,Coaching,2026-01-05\nESR9,Expert,IA,2025-12-01")
        again = services.preview_records(org, services.records_to_text(preview.rows))
        assert [(r.user_id, r.staff_reference, r.tier.id, r.course, r.completed_on) for r in again.rows] == [
            (r.user_id, r.staff_reference, r.tier.id, r.course, r.completed_on) for r in preview.rows]


def test_training_figures_appear_beside_capability_on_the_self_assessment_results(org):
    from impact_tracker.assessment.queries import app_evidence
    from impact_tracker.capability.models import WorkforceHeadcount

    tier = TrainingTier(organisation=org, name="Foundation", position=1)
    db.session.add_all([tier, WorkforceHeadcount(organisation=org, period=date(2026, 10, 1), headcount=200)])
    db.session.commit()
    for n in range(3):
        db.session.add(TrainingRecord(organisation=org, tier=tier, staff_reference=f"S{n}", person_key=f"ref:S{n}",
                                      course="QI foundations", completed_on=date(2026, 5, 1)))
    db.session.commit()
    figures = {figure.label: figure.value for figure in app_evidence(org.id)["building_capability_capacity"]}
    assert figures["People with improvement training"] == "3 (1.5% of 200 staff)"
