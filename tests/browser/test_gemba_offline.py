"""A leader records walks on a tablet, online and offline, in Debian's Chromium at both tablet sizes.

Covers: capturing online; going offline, reloading (served by the service worker), capturing a walk with an
action, coming back online and finding exactly one copy on the server; a walk changed elsewhere meanwhile (the
user sees both versions and chooses); signing out on a shared tablet; and axe on the walk pages.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import select

from impact_tracker.extensions import db
from impact_tracker.gemba import services
from impact_tracker.gemba.models import GembaWalk
from impact_tracker.orgs.models import User

from .conftest import DEMO_PASSWORD

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PORTRAIT = {"width": 768, "height": 1024}
LEAD = "improvement_lead@demo1.example"
UNSENT = "Saved on this tablet — will send when online"


def _sign_in(page: Page, email: str = LEAD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def _walks_saying(live_app, text: str) -> list[GembaWalk]:
    with live_app.app_context():
        walks = list(db.session.scalars(select(GembaWalk).where(GembaWalk.observations == text)))
        details = [(w.client_id, w.version, [a.what for a in w.actions]) for w in walks]
        db.session.remove()
    return details


def _fits_and_passes_axe(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), page.url
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    assert results.violations_count == 0, results.generate_report()


def _fill_walk(page: Page, observations: str, action: str | None = None) -> None:
    page.get_by_label("Huddle visit").check()
    page.get_by_label("Nurses and midwives").fill("3")
    page.get_by_label("What did you see?").fill(observations)
    page.get_by_label("Concern 1", exact=True).fill("Drug fridge alarm keeps going off")
    page.locator('input[name="concern_1_category"][value="equipment"]').check()
    if action:
        page.get_by_label("Action 1: what will be done").fill(action)
        page.get_by_label("Action 1: who will do it").select_option(label="Grace Mensah")
        page.get_by_label("Action 1: due by").fill((date.today() + timedelta(days=7)).isoformat())


def _controlled_capture_page(page: Page) -> None:
    """Open the capture page and wait until the service worker controls it."""
    page.goto("/walks/new")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a walk")
    assert page.evaluate("!!navigator.serviceWorker.controller")


def _online_capture(page: Page, live_app, observations: str) -> None:
    _sign_in(page)
    page.goto("/walks/new")
    _fits_and_passes_axe(page)
    _fill_walk(page, observations, action="Ask estates to check the drug fridge")
    page.get_by_role("button", name="Save walk").click()
    item = page.locator(".app-gemba-outbox__item").filter(has_text="Huddle visit")
    expect(item.locator(".app-gemba-state")).to_have_text("Sent")
    assert len(_walks_saying(live_app, observations)) == 1
    item.get_by_role("link", name="View the walk").click()
    expect(page.get_by_text("Ask estates to check the drug fridge", exact=True)).to_be_visible()
    _fits_and_passes_axe(page)


@pytest.mark.browser
def test_a_walk_captured_online_is_sent_at_once_landscape(page: Page, live_app):
    _online_capture(page, live_app, "Landscape: ward calm, board up to date")
    page.goto("/walks")
    _fits_and_passes_axe(page)
    page.goto("/walks/my-actions")
    expect(page.get_by_text("Ask estates to check the drug fridge", exact=True)).to_be_visible()
    _fits_and_passes_axe(page)


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_a_walk_captured_online_is_sent_at_once_portrait(page: Page, live_app):
    _online_capture(page, live_app, "Portrait: ward calm, board up to date")
    page.get_by_role("link", name="Update “Ask estates to check the drug fridge”").click()
    _fits_and_passes_axe(page)
    page.get_by_label("Done").check()
    page.get_by_label("Date fed back to staff").fill(date.today().isoformat())
    page.get_by_label("How it was fed back").fill("At the 9am huddle")
    page.get_by_role("button", name="Save action").click()
    expect(page.get_by_text("Fed back to staff on")).to_be_visible()


def _offline_capture(page: Page, context: BrowserContext, live_app, observations: str) -> None:
    _sign_in(page)
    _controlled_capture_page(page)
    context.set_offline(True)
    assert page.reload().from_service_worker
    _fill_walk(page, observations, action="Replace the drug fridge alarm battery")
    save = page.get_by_role("button", name="Save walk")
    save.dblclick()  # a double tap
    item = page.locator(".app-gemba-outbox__item")
    expect(item).to_have_count(1)
    expect(item.locator(".app-gemba-state")).to_have_text(UNSENT)
    assert _walks_saying(live_app, observations) == []
    context.set_offline(False)
    expect(item.locator(".app-gemba-state")).to_have_text("Sent")
    walks = _walks_saying(live_app, observations)
    assert len(walks) == 1 and walks[0][2] == ["Replace the drug fridge alarm battery"]


@pytest.mark.browser
def test_a_walk_captured_offline_is_sent_once_when_back_online_landscape(page: Page, context: BrowserContext,
                                                                         live_app):
    _offline_capture(page, context, live_app, "Offline landscape: night shift busy")


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_a_walk_captured_offline_is_sent_once_when_back_online_portrait(page: Page, context: BrowserContext,
                                                                        live_app):
    _offline_capture(page, context, live_app, "Offline portrait: night shift busy")
    _fits_and_passes_axe(page)


def _change_on_server(live_app, client_id: str, observations: str) -> None:
    """Someone else changes the walk meanwhile (through the same service the API uses)."""
    with live_app.app_context():
        walk = services.queries.walk_by_client_id(client_id)
        lead = db.session.scalars(select(User).where(User.email == LEAD)).one()
        data = services.snapshot(walk)
        services.save_walk(walk.organisation, client_id, services.replace(data, observations=observations,
                                                                          version=walk.version), actor=lead)
        db.session.remove()


@pytest.mark.browser
@pytest.mark.parametrize("keep", ["tablet", "server"])
def test_a_walk_changed_elsewhere_shows_both_versions_and_the_user_chooses(page: Page, live_app, keep: str):
    first = f"Conflict {keep}: first words {uuid.uuid4().hex[:6]}"
    _sign_in(page)
    page.goto("/walks/new")
    _fill_walk(page, first)
    page.get_by_role("button", name="Save walk").click()
    item = page.locator(".app-gemba-outbox__item")
    expect(item.locator(".app-gemba-state")).to_have_text("Sent")
    client_id = item.get_attribute("data-client-id")
    _change_on_server(live_app, client_id, f"{first} (changed on another tablet)")

    item.get_by_role("button", name="Edit").click()
    page.get_by_label("What did you see?").fill(f"{first} (edited on this tablet)")
    page.get_by_role("button", name="Save walk").click()
    expect(item.locator(".app-gemba-state")).to_contain_text("Choose which version to keep")
    expect(item.get_by_text(f"{first} (changed on another tablet)")).to_be_visible()
    expect(item.get_by_text(f"{first} (edited on this tablet)")).to_be_visible()
    _fits_and_passes_axe(page)

    if keep == "tablet":
        item.get_by_role("button", name="Keep this tablet's version").click()
        expect(item.locator(".app-gemba-state")).to_have_text("Sent")
        assert [w[1] for w in _walks_saying(live_app, f"{first} (edited on this tablet)")] == [3]
    else:
        item.get_by_role("button", name="Keep the server's version").click()
        expect(page.locator(".app-gemba-outbox__item")).to_have_count(0)
        assert len(_walks_saying(live_app, f"{first} (changed on another tablet)")) == 1
        assert _walks_saying(live_app, f"{first} (edited on this tablet)") == []


def _stored_walks(page: Page) -> int:
    return page.evaluate("""() => new Promise((resolve) => {
        const request = indexedDB.open("impact-gemba", 1);
        request.onupgradeneeded = () => request.result.createObjectStore("walks", {keyPath: "client_id"});
        request.onsuccess = () => {
            const get = request.result.transaction("walks").objectStore("walks").count();
            get.onsuccess = () => { request.result.close(); resolve(get.result); };
        };
    })""")


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_signing_out_warns_about_unsent_walks_and_clears_the_tablet_after_sending(page: Page,
                                                                                   context: BrowserContext,
                                                                                   live_app):
    observations = "Sign-out: walk kept while offline"
    _sign_in(page)
    _controlled_capture_page(page)
    context.set_offline(True)
    _fill_walk(page, observations)
    page.get_by_role("button", name="Save walk").click()
    expect(page.locator(".app-gemba-state")).to_have_text(UNSENT)

    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Sign out").click()
    for _ in range(50):  # the question comes after the page has tried to send the walk
        if messages:
            break
        page.wait_for_timeout(100)
    expect(page.locator(".app-gemba-state")).to_have_text(UNSENT)
    assert messages == ["1 walk on this tablet has not been sent. Sign out anyway and lose it?"]
    assert _stored_walks(page) == 1

    context.set_offline(False)
    expect(page.locator(".app-gemba-state")).to_have_text("Sent")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    assert _stored_walks(page) == 0
    assert len(_walks_saying(live_app, observations)) == 1


@pytest.mark.browser
def test_a_walk_with_problems_shows_each_message_beside_its_field_and_sends_nothing(page: Page, live_app):
    observations = "Problems first: fridge alarm again"
    _sign_in(page)
    page.goto("/walks/new")
    page.get_by_label("What did you see?").fill(observations)
    page.get_by_label("Concern 1", exact=True).fill("Drug fridge alarm keeps going off")
    page.get_by_label("Action 1: what will be done").fill("Ask estates to check the drug fridge")
    page.get_by_role("button", name="Save walk").click()
    expect(page.locator("#gemba-problems")).to_contain_text("Choose a category for concern 1")
    beside_category = page.locator(".nhsuk-form-group--error .nhsuk-error-message").filter(
        has_text="Choose a category for concern 1")
    expect(beside_category).to_be_visible()
    expect(page.locator("#action_1_owner-error")).to_have_text("Error: Choose who will do action 1")
    assert "action_1_owner-error" in page.locator("#action_1_owner").get_attribute("aria-describedby")
    _fits_and_passes_axe(page)
    assert _walks_saying(live_app, observations) == []
    page.locator('input[name="concern_1_category"][value="equipment"]').check()
    page.get_by_label("Action 1: who will do it").select_option(label="Grace Mensah")
    page.get_by_label("Action 1: due by").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Save walk").click()
    expect(page.locator(".app-gemba-outbox__item .app-gemba-state").first).to_have_text("Sent")
    expect(page.locator(".nhsuk-error-message")).to_have_count(0)
    assert len(_walks_saying(live_app, observations)) == 1
