"""From nothing to an annotated chart with a signal, on a tablet: register, measure, paste, add a point."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import DEMO_PASSWORD

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Twelve weeks around 30 minutes, then twelve around 18: a sustained shift an XmR chart must flag.
BEFORE = [31, 29, 33, 30, 28, 32, 30, 31, 29, 34, 30, 32]
AFTER = [19, 18, 20, 17, 18, 19, 16, 18, 17, 19, 18, 17]


def _pasted_rows() -> str:
    from datetime import date, timedelta

    start = date(2026, 1, 5)
    lines = ["Week commencing\tMinutes"]
    for index, value in enumerate(BEFORE + AFTER):
        lines.append(f"{(start + timedelta(weeks=index)):%d/%m/%Y}\t{value}")
    return "\n".join(lines)


def _fits_and_passes_axe(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


def _sign_in(page: Page) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("project_lead@demo1.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_a_ward_team_goes_from_nothing_to_a_chart_with_a_signal(page: Page):
    _sign_in(page)
    page.get_by_role("button", name="Register a project").click()
    page.get_by_label("Project title").fill("Faster medicines round on Ward 8")
    page.get_by_label("Aim: what will improve?").fill("Reduce the time the morning medicines round takes")
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Save project").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Faster medicines round on Ward 8")

    page.get_by_role("button", name="Add a measure").click()
    page.get_by_label("Name").fill("Medicines round duration")
    page.get_by_label("Outcome: how patients or staff are affected").check()
    page.get_by_label("Lower is better").check()
    page.get_by_label("Unit (optional)").fill("minutes")
    expect(page.get_by_label("How often is it measured?")).to_have_value("weekly")
    page.get_by_role("button", name="Save measure").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Medicines round duration")

    page.get_by_role("link", name=re.compile("Paste several rows")).click()
    page.get_by_label("Paste your data").fill(_pasted_rows())
    page.get_by_role("button", name="Check the data").click()
    expect(page.get_by_role("button", name="Save 24 rows")).to_be_visible()
    _fits_and_passes_axe(page)
    page.get_by_role("button", name="Save 24 rows").click()

    expect(page.locator(".app-chart svg").first).to_be_visible()
    expect(page.locator(".app-chart")).to_contain_text("Special cause improvement")
    _fits_and_passes_axe(page)

    expect(page.get_by_label("Period starting")).to_have_value("2026-06-22")  # the week after the last row
    page.get_by_label("Value (minutes)").fill("16")
    page.get_by_role("button", name="Add", exact=True).click()
    recent = page.get_by_role("table", name=re.compile("The latest 20 of 25 points"))
    expect(recent.get_by_role("row").nth(1)).to_contain_text("22 June 2026")
    expect(recent.get_by_role("row").nth(1)).to_contain_text("16")


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport={"width": 768, "height": 1024})
def test_a_paste_with_a_bad_row_is_refused_whole_and_names_the_row(page: Page):
    _sign_in(page)
    page.goto("/projects")
    page.get_by_role("link", name="Reduce inpatient falls on Ward 7").click()
    page.get_by_role("link", name="Falls per 1,000 occupied bed days").click()
    page.get_by_role("link", name=re.compile("Paste several rows")).click()
    page.get_by_label("Paste your data").fill("2030-01-07\t5.1\n2030-01-14\tn/a\n2030-01-21\t4.8")
    page.get_by_role("button", name="Check the data").click()
    problem = page.locator("#import-errors").get_by_role("row").nth(1)
    expect(problem.get_by_role("cell").first).to_have_text("2")
    expect(problem).to_contain_text("n/a")
    expect(page.get_by_role("button", name=re.compile(r"^Save \d+ row"))).to_have_count(0)
    _fits_and_passes_axe(page)
