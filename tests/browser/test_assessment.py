"""A frontline member completes a self-assessment statement on a portrait tablet, and it is still there after reload."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import DEMO_PASSWORD

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PORTRAIT = {"width": 768, "height": 1024}


def _fits_and_passes_axe(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_a_statement_saved_on_a_tablet_is_kept_after_reload(page: Page):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("frontline@demo1.example")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto("/self-assessment")
    _fits_and_passes_axe(page)
    page.get_by_role("link", name="assessment (draft)").click()
    page.get_by_role("link", name="Investing in people and culture").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Investing in people and culture")
    _fits_and_passes_axe(page)

    statement = page.locator("section.app-assessment-statement").first
    statement.get_by_label("4. Established", exact=False).check()
    statement.get_by_label("Evidence").fill("Two wards now run weekly improvement huddles.")
    statement.get_by_role("button", name="Save this statement").click()
    expect(page.get_by_text("Statement 1 saved.")).to_be_visible()

    page.reload()
    statement = page.locator("section.app-assessment-statement").first
    expect(statement.get_by_label("Evidence")).to_have_value("Two wards now run weekly improvement huddles.")
    expect(statement.get_by_label("4. Established", exact=False)).to_be_checked()
    expect(statement.get_by_text("Last saved by Sam Okafor")).to_be_visible()

    page.goto(page.url.split("/components/")[0] + "/results")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Results")
    _fits_and_passes_axe(page)
