"""Signing in and out on a tablet, in both orientations, with the NHS.UK styles and no accessibility faults."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from .conftest import DEMO_PASSWORD

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PORTRAIT = {"width": 768, "height": 1024}


def _sign_in(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def _no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _assert_accessible(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


def _sign_in_and_out(page: Page) -> None:
    _sign_in(page, "improvement_lead@demo1.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Grace Mensah")
    expect(page.get_by_role("banner")).to_contain_text("Demoshire Hospitals NHS Foundation Trust")
    assert _no_horizontal_scroll(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in$"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=%2F$"))


@pytest.mark.browser
def test_sign_in_and_out_on_a_landscape_tablet(page: Page):
    _sign_in_and_out(page)


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_sign_in_and_out_on_a_portrait_tablet(page: Page):
    _sign_in_and_out(page)


@pytest.mark.browser
def test_a_wrong_password_shows_the_error_summary_and_the_nhs_styles_apply(page: Page):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill("frontline@demo1.example")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("The email address or password is not right")
    button = page.get_by_role("button", name="Sign in")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(0, 127, 59)"
    expect(button).to_have_attribute("data-nhsuk-button-init", "")
    _assert_accessible(page)


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_the_people_and_units_pages_fit_a_portrait_tablet_and_pass_axe(page: Page):
    _sign_in(page, "improvement_lead@demo1.example")
    for path, heading in (("/organisation/people", "People"), ("/organisation/units", "Units"),
                          ("/organisation/people/new", "Add a person")):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert _no_horizontal_scroll(page), path
        _assert_accessible(page)


@pytest.mark.browser
def test_a_lead_adds_a_person_who_then_must_choose_a_password(page: Page, browser):
    _sign_in(page, "improvement_lead@demo1.example")
    page.goto("/organisation/people/new")
    page.get_by_role("button", name="Add person").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter the person's name")
    page.get_by_label("Full name").fill("Ola Browser")
    page.get_by_label("Work email address").fill("ola.browser@demo1.example")
    page.get_by_label("Role").select_option("coach")
    page.get_by_role("button", name="Add person").click()
    password = page.locator("#temporary-password").inner_text()
    context = browser.new_context(base_url=page.url.split("/organisation")[0])
    newcomer = context.new_page()
    newcomer.goto("/sign-in")
    newcomer.get_by_label("Email address").fill("ola.browser@demo1.example")
    newcomer.get_by_label("Password").fill(password)
    newcomer.get_by_role("button", name="Sign in").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Change your password")
    context.close()


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_the_header_navigation_fits_a_portrait_tablet_for_the_busiest_role(page: Page):
    _sign_in(page, "improvement_lead@demo1.example")
    expect(page.get_by_role("navigation", name="Menu").get_by_role("link", name="Units")).to_be_visible()
    expect(page.locator(".nhsuk-header__menu-toggle")).to_be_hidden()
