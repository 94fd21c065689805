"""Every page each demo role can reach by following links passes axe (WCAG 2.2 AA) and fits a portrait tablet.

Each role signs in and follows every same-origin link breadth-first from the home page, in one browser page.
Numeric ids and organisation codes in a path, and query values, are collapsed into one pattern, and at most two
concrete pages per pattern are visited, so that pagination and filters cannot make the crawl explode. Downloads
(CSV, PNG, SVG, zip, JSON, the service worker) are recognised by their content type, or by the browser starting a
download, and are not checked as pages. Sign-out is a button, not a link, so the crawl never follows it.

Every page visited must return 200 without sending the user to sign in, have an <h1> and not scroll sideways at
768 pixels wide. axe's result depends on the page's elements, attributes and styles, hardly on its words, so a page
whose structure (tags, classes, roles, types, which attributes are set and which elements hold text) matches one
already checked by this module is not checked again; all that is given up is a longer text changing the layout.
Without it, eight roles sharing the same templates would take a quarter of an hour on a two-core machine. The
header navigation, which differs between roles, is left out of that structure, and each role's home page is
always checked in full so that its navigation is covered. Each role must reach pages of the main shapes
(MUST_REACH), so a broken link cannot quietly shrink the crawl.

The main forms are also submitted empty (or over a limit) and their error states checked with axe.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, deque
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from playwright.sync_api import Error, Page, Response, expect

from impact_tracker.core.permissions import ORGANISATION_ROLES, Role

from .conftest import DEMO_PASSWORD

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PORTRAIT = {"width": 768, "height": 1024}
PAGES_PER_PATTERN = 2
# A path segment that names one record: a number, or an organisation, system or region code (DEMO1, DREG).
RECORD_SEGMENT = re.compile(r"/(?:\d+|[A-Z][A-Z0-9-]*)(?=/|$)")
NOT_PAGES = ("/static/", "/assets/")
# Pages of these shapes must be among those each role reaches.
ORGANISATION_PAGES = {"/projects/<id>", "/measures/<id>", "/cycles/<id>", "/walks/<id>",
                      "/self-assessment/<id>/components/<id>", "/account"}
MUST_REACH = {
    **{role.value: ORGANISATION_PAGES for role in ORGANISATION_ROLES},
    Role.SYSTEM_VIEWER.value: {"/portfolio/systems/<id>", "/portfolio/organisations/<id>", "/measures/<id>"},
    Role.REGION_VIEWER.value: {"/portfolio/regions/<id>", "/portfolio/systems/<id>", "/measures/<id>"},
    Role.NATIONAL_ADMIN.value: {"/portfolio/national", "/portfolio/systems/<id>", "/measures/<id>"},
}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"], "reporter": "no-passes"}

LINKS_JS = """links => links.map(link => link.href)
    .filter(href => href.startsWith(location.origin + "/"))
    .map(href => { const url = new URL(href); return url.pathname + url.search; })"""
# The page's <h1> count, whether it fits the width, and its structure without its words (what axe depends on).
PAGE_FACTS_JS = """() => {
  const kept = new Set(["class", "role", "type", "hidden", "disabled", "aria-current", "aria-hidden",
                        "aria-expanded", "aria-invalid", "aria-live", "tabindex", "style"]);
  const parts = [];
  const walk = element => {
    if (element.matches(".nhsuk-header__navigation, script")) return;
    const attributes = [...element.attributes].map(a => kept.has(a.name) ? `${a.name}=${a.value}` :
                                                        `${a.name}${a.value.trim() ? "" : "=empty"}`);
    const text = [...element.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()) ? "T" : "";
    parts.push(`<${element.tagName} ${attributes.sort().join(" ")}>${text}`);
    [...element.children].forEach(walk);
    parts.push("/");
  };
  walk(document.body);
  const root = document.documentElement;
  return {h1: document.querySelectorAll("h1").length, fits: root.scrollWidth <= root.clientWidth,
          structure: parts.join("")};
}"""


def sign_in(page: Page, email: str) -> None:
    """Sign in through the form, as a person would, and wait for the signed-in header."""
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def axe_problems(page: Page, where: str) -> list[str]:
    """One readable line per axe violation on the page: the rule, its impact, and every failing selector."""
    page.evaluate(AXE_SCRIPT)
    violations = page.evaluate("options => axe.run(document, options).then(results => results.violations)",
                               AXE_OPTIONS)
    return [
        f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in violations
    ]


def _pattern(path: str) -> str:
    """The shape of a page's address: ids and codes collapsed, query values dropped, query keys kept."""
    route, _, query = path.partition("?")
    keys = sorted({pair.partition("=")[0] for pair in query.split("&") if pair})
    return RECORD_SEGMENT.sub("/<id>", route) + (f"?{'&'.join(keys)}" if keys else "")


def _open(page: Page, path: str) -> Response | None:
    """The response if the address is a page; None for a download or a file the browser shows by itself.

    The pages have no images and load their styles before their scripts run, so once the document is parsed
    axe sees the page as it looks; not waiting for the load event saves a tenth of a second a page.
    """
    try:
        response = page.goto(path, wait_until="domcontentloaded")
    except Error as error:
        if "Download is starting" in error.message:
            return None
        raise
    return response if response.headers.get("content-type", "").startswith("text/html") else None


@dataclass
class Crawl:
    """One role's breadth-first walk through the app, and what it found."""

    page: Page
    checked: set[str]
    queue: deque[str] = field(default_factory=lambda: deque(["/"]))
    queued: set[str] = field(default_factory=lambda: {"/"})
    per_pattern: Counter[str] = field(default_factory=Counter)
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def run(self) -> None:
        while self.queue:
            path = self.queue.popleft()
            pattern = _pattern(path)
            if self.per_pattern[pattern] < PAGES_PER_PATTERN:
                self.visit(path, pattern)

    def visit(self, path: str, pattern: str) -> None:
        response = _open(self.page, path)
        if response is None:
            return
        self.per_pattern[pattern] += 1
        self.visited.append(path)
        self.check(path, response.status)
        for link in self.page.eval_on_selector_all("a[href]", LINKS_JS):
            if link not in self.queued and not link.startswith(NOT_PAGES):
                self.queued.add(link)
                self.queue.append(link)

    def check(self, path: str, status: int) -> None:
        if status != 200 or "/sign-in" in self.page.url:
            self.problems.append(f"{path}: status {status} at {self.page.url}")
        facts = self.page.evaluate(PAGE_FACTS_JS)
        if facts["h1"] == 0:
            self.problems.append(f"{path}: no <h1>")
        if not facts["fits"]:
            self.problems.append(f"{path}: scrolls sideways at 768 pixels wide")
        structure = hashlib.sha256(facts["structure"].encode()).hexdigest()
        if path == "/" or structure not in self.checked:
            self.checked.add(structure)
            self.problems += axe_problems(self.page, path)


@pytest.fixture(scope="module")
def checked_structures() -> set[str]:
    """Page structures axe has passed or failed already in this module, shared by the roles' crawls."""
    return set()


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
@pytest.mark.parametrize("role", [role.value for role in Role])
def test_every_page_a_role_can_reach_passes_axe_and_fits_a_portrait_tablet(page: Page, role: str,
                                                                          checked_structures: set[str]):
    sign_in(page, f"{role}@demo1.example")
    crawl = Crawl(page, checked_structures)
    crawl.run()
    assert MUST_REACH[role] <= set(crawl.per_pattern), sorted(crawl.per_pattern)
    assert not crawl.problems, "\n".join(crawl.problems)


def _submit_and_check(page: Page, button: str, error: str, where: str) -> list[str]:
    """Press the form's button, wait for the error summary to say `error`, and return axe's findings."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(error)
    return axe_problems(page, where)


def _project_and_measure_forms(page: Page) -> list[str]:
    page.goto("/projects/new")
    problems = _submit_and_check(page, "Save project", "Enter a title for the project", "new project")
    page.goto("/projects")
    page.get_by_role("link", name="Reduce inpatient falls on Ward 7").click()
    project = page.url
    page.get_by_role("button", name="Add a measure").click()
    problems += _submit_and_check(page, "Save measure", "Enter the measure's name", "new measure")
    page.goto(project)
    page.get_by_role("button", name="Start a PDSA cycle").click()
    problems += _submit_and_check(page, "Start the cycle", "Enter a title for the cycle", "new PDSA cycle")
    page.goto(project)
    page.get_by_role("link", name="Falls per 1,000 occupied bed days").click()
    page.get_by_label("Period starting").fill("")
    return problems + _submit_and_check(page, "Add", "Enter the date the period starts", "add a data point")


def _walk_and_assessment_forms(page: Page) -> list[str]:
    page.goto("/walks/new")
    page.get_by_label("Date of the walk").fill("")
    page.get_by_label("Concern 1", exact=True).fill("Hoist battery flat")
    problems = _submit_and_check(page, "Save walk", "Choose a category for concern 1", "gemba walk")
    page.goto("/self-assessment/new")
    problems += _submit_and_check(page, "Start the assessment", "Enter the period", "new self-assessment")
    page.goto("/self-assessment")
    page.get_by_role("link", name="assessment (draft)").click()
    page.get_by_role("link", name="Investing in people and culture").click()
    statement = page.locator("section.app-assessment-statement").first
    statement.get_by_label("Evidence").fill("x" * 10_001)
    statement.get_by_role("button", name="Save this statement").click()
    expect(page.locator(".nhsuk-error-message").first).to_be_visible()
    return problems + axe_problems(page, "self-assessment statement")


@pytest.mark.browser
@pytest.mark.browser_context_args(viewport=PORTRAIT)
def test_the_main_forms_pass_axe_when_they_show_errors(page: Page):
    page.goto("/sign-in")
    problems = _submit_and_check(page, "Sign in", "Enter your email address", "sign-in")
    sign_in(page, "improvement_lead@demo1.example")
    problems += _project_and_measure_forms(page) + _walk_and_assessment_forms(page)
    assert not problems, "\n".join(problems)
