"""The main flows done with the keyboard alone: no clicks, only Tab, Shift+Tab, Enter, Space, arrows and typing.

Each step tabs to the control a keyboard user would reach, checks that the focused control looks focused, and
uses it. Going to an address (page.goto) stands in for typing it into the address bar.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Locator, Page, expect

from .conftest import DEMO_PASSWORD

PORTRAIT = {"width": 768, "height": 1024}
NARROW = {"width": 480, "height": 900}  # narrow enough for the header to fold its menu
LEAD = "improvement_lead@demo1.example"
IS_FOCUSED = "element => element === document.activeElement"
# Whether the focused element looks different from the same element unfocused, with a visible indicator.
LOOKS_FOCUSED = """element => {
  const look = () => { const s = getComputedStyle(element);
    return [s.outlineStyle, s.outlineColor, s.outlineWidth, s.boxShadow, s.backgroundColor, s.color].join("|"); };
  const style = getComputedStyle(element);
  const indicator = style.boxShadow !== "none" || style.backgroundColor === "rgb(255, 235, 59)"
    || (style.outlineStyle !== "none" && !style.outlineColor.endsWith(", 0)"));
  const focused = look();
  element.blur();
  const plain = look();
  element.focus();
  return indicator && focused !== plain;
}"""
IN_HEADER = "() => !!document.activeElement.closest('header')"
IN_MAIN = "() => !!document.activeElement.closest('main')"


def tab_to(page: Page, target: Locator, *, limit: int = 80, key: str = "Tab") -> None:
    """Press Tab until `target` has focus, then check that it shows it; fail if it is never reached."""
    expect(target).to_be_attached()
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate(IS_FOCUSED):
            assert target.evaluate(LOOKS_FOCUSED), f"no visible focus style on {target}"
            return
    raise AssertionError(f"{key} never reached {target}")


def tab_and_type(page: Page, label: str, text: str) -> None:
    tab_to(page, page.get_by_label(label, exact=True))
    page.keyboard.type(text)


def tab_and_press(page: Page, target: Locator) -> None:
    tab_to(page, target)
    page.keyboard.press("Enter")


def choose_radio(page: Page, target: Locator) -> None:
    """Tab into the radio group, then move through it with the down arrow until `target` is chosen."""
    name = target.get_attribute("name")
    group = page.locator(f'input[type="radio"][name="{name}"]')
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.name === {name!r}"):
            break
    for _ in range(group.count()):
        if target.is_checked():
            return
        page.keyboard.press("ArrowDown")
    expect(target).to_be_checked()


def sign_in_by_keyboard(page: Page) -> None:
    page.goto("/sign-in")
    tab_and_type(page, "Email address", LEAD)
    tab_and_type(page, "Password", DEMO_PASSWORD)
    tab_and_press(page, page.get_by_role("button", name="Sign in"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Grace Mensah")


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_a_lead_registers_a_project_and_records_a_measure_with_the_keyboard_alone(page: Page):
    sign_in_by_keyboard(page)
    tab_and_press(page, page.get_by_role("button", name="Register a project"))
    tab_and_type(page, "Project title", "Keyboard-only discharge lounge project")
    tab_and_type(page, "Aim: what will improve?", "More patients use the discharge lounge before 11am")
    tab_and_press(page, page.get_by_role("button", name="Save project"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard-only discharge lounge project")

    tab_and_press(page, page.get_by_role("button", name="Add a measure"))
    tab_and_type(page, "Name", "Discharges through the lounge before 11am")
    choose_radio(page, page.get_by_label("Outcome: how patients or staff are affected"))
    choose_radio(page, page.get_by_label("Higher is better"))
    tab_and_press(page, page.get_by_role("button", name="Save measure"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Discharges through the lounge before 11am")

    period = date.fromisoformat(page.get_by_label("Period starting").input_value())  # offered: this week
    tab_and_type(page, "Value", "7")
    tab_and_press(page, page.get_by_role("button", name="Add", exact=True))
    latest = page.get_by_role("table", name=re.compile("latest")).get_by_role("row").nth(1)
    expect(latest).to_contain_text(f"{period.day} {period:%B %Y}")
    expect(latest).to_contain_text("7")


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_a_lead_starts_a_pdsa_cycle_and_records_a_walk_with_the_keyboard_alone(page: Page):
    sign_in_by_keyboard(page)
    tab_and_press(page, page.get_by_role("link", name="Projects", exact=True))
    tab_and_press(page, page.get_by_role("link", name="Reduce inpatient falls on Ward 7"))
    tab_and_press(page, page.get_by_role("button", name="Start a PDSA cycle"))
    tab_and_type(page, "Title of this cycle", "Keyboard-only bed rails check")
    tab_to(page, page.get_by_label("Change idea to test"))
    page.keyboard.press("ArrowDown")
    tab_and_press(page, page.get_by_role("button", name="Start the cycle"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan: Keyboard-only bed rails check")

    tab_and_press(page, page.get_by_role("link", name="Walks", exact=True))
    tab_and_press(page, page.get_by_role("button", name="Start a walk"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a walk")
    tab_and_type(page, "What did you see?", "Keyboard-only walk: call bells answered quickly")
    tab_and_press(page, page.get_by_role("button", name="Save walk"))
    item = page.locator(".app-gemba-outbox__item").first
    expect(item.locator(".app-gemba-state")).to_have_text("Sent")
    tab_and_press(page, item.get_by_role("link", name="View the walk"))
    expect(page.get_by_text("Keyboard-only walk: call bells answered quickly")).to_be_visible()


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_the_skip_link_is_first_is_visible_when_focused_and_moves_focus_to_the_content(page: Page):
    sign_in_by_keyboard(page)
    page.goto("/projects")
    skip = page.get_by_role("link", name="Skip to main content")
    tab_to(page, skip, limit=1)
    box = skip.bounding_box()
    assert box is not None and box["y"] >= 0 and box["height"] > 10
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "maincontent"
    page.keyboard.press("Tab")
    assert page.evaluate(IN_MAIN), "the next Tab after the skip link went back to the header"


def _tab_through_header(page: Page, key: str, leave: str) -> list[str]:
    """Press `key` from where focus is until it leaves the header for `leave`; return what was focused."""
    seen = []
    for _ in range(40):
        page.keyboard.press(key)
        if page.evaluate(leave):
            return seen
        seen.append(page.evaluate("document.activeElement.textContent.trim()"))
        assert page.evaluate(LOOKS_FOCUSED_ACTIVE), f"no visible focus style on {seen[-1]!r}"
    raise AssertionError(f"{key} stayed in the header: {seen}")


LOOKS_FOCUSED_ACTIVE = f"() => ({LOOKS_FOCUSED})(document.activeElement)"


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=NARROW)
def test_the_header_menu_opens_closes_and_lets_focus_out_both_ways(page: Page):
    sign_in_by_keyboard(page)
    toggle = page.locator(".nhsuk-header__menu-toggle")
    expect(toggle).to_be_visible()
    tab_and_press(page, toggle)
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu = page.locator(".nhsuk-header__menu-list")
    expect(menu.get_by_role("link").first).to_be_visible()

    page.keyboard.press("Tab")
    assert menu.evaluate("list => list.contains(document.activeElement)"), "Tab did not go into the open menu"
    forwards = _tab_through_header(page, "Tab", IN_MAIN)
    assert forwards[-1] == menu.get_by_role("link").last.inner_text().strip()

    backwards = _tab_through_header(page, "Shift+Tab", "() => !document.activeElement.closest('header, main')")
    assert "Sign out" in backwards and "Grace Mensah" in backwards

    tab_to(page, toggle)
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
