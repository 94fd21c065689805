"""A project lead runs a whole PDSA cycle, Plan to Act, on a portrait tablet."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select

from impact_tracker.extensions import db
from impact_tracker.orgs.models import Organisation
from impact_tracker.projects.models import ChangeIdea, Project, ProjectStatus

from .conftest import DEMO_PASSWORD

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PORTRAIT = {"width": 768, "height": 1024}


@pytest.fixture
def project_id(live_app) -> int:
    """A project with one change idea in the demo trust (the demo has no projects of its own)."""
    with live_app.app_context():
        trust = db.session.scalars(select(Organisation).where(Organisation.code == "DEMO1")).one()
        project = Project(organisation=trust, title="Fewer falls at night on Ward 3", status=ProjectStatus.ACTIVE,
                          aim_what="Halve falls at night")
        project.change_ideas.append(ChangeIdea(text="Hourly rounding overnight"))
        db.session.add(project)
        db.session.commit()
        ident = project.id
        db.session.remove()
    return ident


def _fits_and_passes_axe(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_a_project_lead_runs_a_cycle_from_plan_to_act(page: Page, project_id: int):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("project_lead@demo1.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"/projects/{project_id}")
    page.get_by_role("button", name="Start a PDSA cycle").click()
    page.get_by_label("Title of this cycle").fill("Hourly rounding, one night")
    page.get_by_label("Change idea to test").select_option(label="Hourly rounding overnight")
    page.get_by_role("button", name="Start the cycle").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan: Hourly rounding, one night")
    _fits_and_passes_axe(page)
    page.get_by_label("Question 1", exact=True).fill("Will the night team round every hour?")
    page.get_by_role("button", name="Save and move to Do").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Write what you predict for question 1")
    page.get_by_label("Prediction for question 1").fill("Yes, for at least 10 of 12 hours")
    page.get_by_role("button", name="Add another question").click()
    expect(page.get_by_label("Question 4", exact=True)).to_be_visible()
    page.get_by_role("button", name="Save and move to Do").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Do: Hourly rounding, one night")
    page.get_by_label("What happened?").fill("Rounds happened in 11 of 12 hours; 3am was missed during an admission")
    page.get_by_role("button", name="Save and move to Study").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Study: Hourly rounding, one night")
    expect(page.get_by_text("Yes, for at least 10 of 12 hours")).to_be_visible()
    page.get_by_label("What did you find for question 1?").fill("11 of 12 hours")
    page.get_by_label("What did you learn?").fill("Workable, but admissions pull staff away")
    page.get_by_role("button", name="Save and move to Act").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Act: Hourly rounding, one night")
    _fits_and_passes_axe(page)
    page.get_by_label("Adapt: change it and test it again in another cycle").check()
    page.get_by_role("button", name="Save and finish the cycle").click()

    expect(page.get_by_text("This cycle is finished: the decision was to adapt the change.")).to_be_visible()
    _fits_and_passes_axe(page)
    page.get_by_role("button", name="Start the next cycle").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan: Hourly rounding, one night (cycle 2)")
    expect(page.get_by_label("Question 1", exact=True)).to_have_value("Will the night team round every hour?")

    page.goto(f"/projects/{project_id}")
    timeline = page.locator(".app-pdsa-timeline")
    expect(timeline).to_contain_text(re.compile(r"PDSA 1: Hourly rounding, one night.*Decision: Adapt", re.S))
    expect(timeline).to_contain_text("PDSA 2: Hourly rounding, one night (cycle 2)")
    _fits_and_passes_axe(page)
