"""A system viewer on a tablet drills down from their system to an organisation and on to a measure's chart;
the pages pass axe, fit the screen, and print as a board paper without navigation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import DEMO_PASSWORD

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _fits_and_passes_axe(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


def _sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_a_system_viewer_drills_down_from_the_system_to_a_measure_chart(page: Page):
    _sign_in(page, "system_viewer@demo1.example")
    page.get_by_role("link", name="Portfolio", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demoshire and Vale Integrated Care System")
    table = page.locator(".app-portfolio-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).to_contain_text("<8")
    _fits_and_passes_axe(page)

    page.get_by_role("link", name="Demoshire Hospitals NHS Foundation Trust").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demoshire Hospitals NHS Foundation Trust")
    expect(page.locator(".app-portfolio-headlines")).to_contain_text("active projects")
    _fits_and_passes_axe(page)

    tile = page.locator(".app-portfolio-tile__link").first
    name = tile.locator(".app-portfolio-tile__name").inner_text()
    tile.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("svg").first).to_be_visible()


@pytest.mark.browser
def test_a_national_administrator_starts_at_the_nation_and_reaches_a_system(page: Page):
    _sign_in(page, "national_admin@demo1.example")
    page.goto("/portfolio")
    expect(page.get_by_role("heading", level=1)).to_have_text("England")
    page.get_by_role("link", name="Northfield Integrated Care System").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northfield Integrated Care System")
    expect(page.locator(".app-portfolio-table tbody tr")).to_have_count(3)
    _fits_and_passes_axe(page)


@pytest.mark.browser
def test_a_portfolio_page_prints_without_navigation_or_filters(page: Page):
    _sign_in(page, "executive@demo1.example")
    page.goto("/portfolio")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demoshire Hospitals NHS Foundation Trust")
    expect(page.locator(".nhsuk-header__navigation")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".nhsuk-header__navigation")).to_be_hidden()
    expect(page.locator(".app-portfolio-filters")).to_be_hidden()
    expect(page.locator(".app-portfolio-export").first).to_be_hidden()
    expect(page.locator(".app-portfolio-tiles")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("browser_context_args", [{"viewport": {"width": 768, "height": 1024}, "has_touch": True}],
                         indirect=True)
def test_the_organisation_page_fits_a_portrait_tablet(page: Page):
    _sign_in(page, "improvement_lead@demo1.example")
    page.goto("/portfolio")
    expect(page.get_by_role("heading", level=1)).to_have_text("Demoshire Hospitals NHS Foundation Trust")
    _fits_and_passes_axe(page)
    page.get_by_role("link", name="Manage training, headcount and posts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Capability and capacity")
    _fits_and_passes_axe(page)
