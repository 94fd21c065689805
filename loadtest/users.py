"""The simulated people: readers browse, writers add data, run PDSA cycles, sync walks and answer the self-assessment.

Each signs in as a demo account through the real sign-in form and sends what a browser behind the HTTPS proxy
would: `X-Forwarded-Proto: https` and a same-origin `Referer` (Flask-WTF checks it on HTTPS). Production's
session cookie is Secure, and the browser's side of the proxy is HTTPS, so the cookie jar sends it back.
"""

from __future__ import annotations

import itertools
import random
import re
import uuid
from datetime import date, timedelta
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import urlencode

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
RESPONSE_FORM = re.compile(r'action="/self-assessment/\d+/responses/(\d+)"')
COMPONENT_LINK = re.compile(r'href="(/self-assessment/\d+/components/\d+)"')
SIGN_IN_PAGE = "Sign in to IMPACT Tracker"
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
ASSESSMENT_CONFLICT = "Someone else changed this statement"
# A 409 "someone else changed this" page is the app working as designed (two people saved the same statement at
# once): counted, not a failure.
conflicts = {"self-assessment answer": 0}


class Person(FastHttpUser):
    """A signed-in person; subclasses say which demo accounts and what they do."""

    abstract = True
    wait_time = between(2.0, 5.0)  # a person reads a page before the next click
    password = ""  # set by loadtest.__main__ to the password it seeded the demo with
    accounts: tuple[str, ...] = ()
    _counters: dict[str, itertools.count] = {}

    def on_start(self) -> None:
        # The browser talks HTTPS to the proxy, so Secure cookies go back even though this hop is plain HTTP.
        self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "http")))
        counter = self._counters.setdefault(type(self).__name__, itertools.count())
        self.number = next(counter)
        self.email = self.accounts[self.number % len(self.accounts)]
        self.origin = "https://" + self.host.split("://", 1)[1].rstrip("/")
        self.csrf_token = self.sign_in()
        self.projects = self.discover_projects()
        self.measures = self.discover_measures(self.projects[:4])

    def headers(self, extra: dict | None = None) -> dict:
        """What the TLS-terminating proxy and the browser add to every request."""
        return {"X-Forwarded-Proto": "https", "Referer": self.origin + "/", **(extra or {})}

    def page(self, path: str, name: str | None = None) -> str:
        """GET a page (following redirects) and fail the request unless it ends in a 200."""
        with self.client.get(path, name=name or path, headers=self.headers(), catch_response=True) as response:
            text = response.text or ""
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {_first_error(text)}")
            elif SIGN_IN_PAGE in text and path != "/sign-in":
                response.failure("signed out: the sign-in page came back")
            return text

    def api(self, method: str, path: str, name: str, expected: tuple[int, ...] = (200,), body=None):
        """Call the JSON API on the browser session (with the CSRF header for changes); return the JSON."""
        headers = self.headers({"X-CSRFToken": self.csrf_token, "Accept": "application/json"})
        with self.client.request(method, path, name=name, json=body, headers=headers,
                                 catch_response=True) as response:
            if response.status_code not in expected:
                response.failure(f"{response.status_code}: {(response.text or '')[:300]}")
                return None
            return response.json()

    def post_form(self, path: str, name: str, fields: dict, *, accept_conflict: str | None = None) -> str | None:
        """POST a form as the browser would; a save redirects (302), so return where it redirects to."""
        body = urlencode(fields)
        with self.client.post(path, name=name, data=body, headers=self.headers(FORM_HEADERS),
                              allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code == 302 and "/sign-in" not in location:
                return location
            if accept_conflict and response.status_code == 409 and accept_conflict in (response.text or ""):
                conflicts[name] = conflicts.get(name, 0) + 1
                response.success()
                return None
            response.failure(f"{response.status_code}, not saved: {_first_error(response.text or '')}")
            return None

    def sign_in(self) -> str:
        """Sign in through the form; return the session's CSRF token for later forms and API calls."""
        login = self.page("/sign-in")
        token = CSRF_INPUT.search(login)
        self.post_form("/sign-in", "/sign-in [POST]", {"csrf_token": token[1] if token else "",
                                                        "email": self.email, "password": self.password})
        home = self.page("/")
        found = CSRF_META.search(home)
        return found[1] if found else ""

    def discover_projects(self) -> list[int]:
        body = self.api("GET", "/api/v1/projects?per_page=50", "/api/v1/projects") or {}
        return [item["id"] for item in body.get("items", [])]

    def discover_measures(self, projects: list[int]) -> list[dict]:
        measures = []
        for project_id in projects:
            body = self.api("GET", f"/api/v1/projects/{project_id}/measures", "/api/v1/projects/[id]/measures")
            measures += (body or {}).get("items", [])
        return measures

    def read_project(self) -> None:
        if self.projects:
            self.page(f"/projects/{random.choice(self.projects)}", "/projects/[id]")

    def read_measure(self) -> None:
        if not self.measures:
            return
        measure_id = random.choice(self.measures)["id"]
        self.page(f"/measures/{measure_id}", "/measures/[id]")
        self.page(f"/measures/{measure_id}/chart/svg", "/measures/[id]/chart/svg")


class OrganisationReader(Person):
    """Staff and executives reading their own organisation's work."""

    weight = 1
    accounts = ("executive@demo1.example", "frontline@demo2.example", "improvement_lead@demo2.example")

    @task(3)
    def home(self) -> None:
        self.page("/")

    @task(3)
    def projects_list(self) -> None:
        self.page("/projects")
        self.page("/projects?q=ward&status=active", "/projects?filters")

    @task(4)
    def project(self) -> None:
        self.read_project()

    @task(4)
    def measure(self) -> None:
        self.read_measure()

    @task(2)
    def portfolio(self) -> None:
        self.page("/portfolio")

    @task(2)
    def walks(self) -> None:
        self.page("/walks")
        self.page("/walks/my-actions")

    @task(1)
    def self_assessment(self) -> None:
        self.page("/self-assessment")


class LeaderReader(Person):
    """System, region and national viewers reading the roll-ups and drilling down."""

    weight = 1
    accounts = ("system_viewer@demo1.example", "region_viewer@demo1.example", "national_admin@demo1.example")

    @task(3)
    def portfolio(self) -> None:
        self.page("/portfolio")

    @task(2)
    def system(self) -> None:
        self.page("/portfolio/systems/DSYS1", "/portfolio/systems/[code]")

    @task(2)
    def organisation(self) -> None:
        self.page("/portfolio/organisations/DEMO1", "/portfolio/organisations/[code]")

    @task(2)
    def projects_list(self) -> None:
        self.page("/projects")

    @task(2)
    def project(self) -> None:
        self.read_project()

    @task(2)
    def measure(self) -> None:
        self.read_measure()


class Writer(Person):
    """Project teams and leads in DEMO1: they read, and they change things."""

    weight = 2
    accounts = ("frontline@demo1.example", "project_lead@demo1.example", "coach@demo1.example",
                "improvement_lead@demo1.example")

    def on_start(self) -> None:
        super().on_start()
        self.cycle: tuple[int, str] | None = None  # (cycle id, the stage it is at)
        self.idea: tuple[int, int] | None = None  # (project id, change idea id) this person tests
        self.assessment_pages = self.discover_assessment()

    def discover_assessment(self) -> list[str]:
        body = self.api("GET", "/api/v1/self-assessments", "/api/v1/self-assessments") or {}
        drafts = [item["id"] for item in body.get("items", []) if item.get("status") == "draft"]
        if not drafts:
            return []
        return sorted(set(COMPONENT_LINK.findall(self.page(f"/self-assessment/{drafts[0]}", "/self-assessment/[id]"))))

    @task(4)
    def read(self) -> None:
        random.choice((self.read_project, self.read_measure, lambda: self.page("/")))()

    @task(3)
    def add_point_by_form(self) -> None:
        if not self.measures:
            return
        measure = random.choice(self.measures)
        self.page(f"/measures/{measure['id']}", "/measures/[id]")
        fields = {"point-csrf_token": self.csrf_token, "point-period": random.choice(self.weeks()).isoformat()}
        fields.update({f"point-{key}": value for key, value in _value(measure).items()})
        self.post_form(f"/measures/{measure['id']}/points", "/measures/[id]/points [POST]", fields)

    @task(2)
    def add_points_by_api(self) -> None:
        if not self.measures:
            return
        measure = random.choice(self.measures)
        body = {"points": [{"period": week.isoformat(), **_value(measure)} for week in self.weeks()]}
        self.api("PUT", f"/api/v1/measures/{measure['id']}/points", "/api/v1/measures/[id]/points [PUT]",
                 body=body)

    def weeks(self) -> list[date]:
        """The three weeks this person enters data for: Mondays a week or more ago, many already with data.

        Writers never share a week: two people adding the same new week to a measure at the same moment is a
        race of its own (the second save hits the unique constraint), not what this test measures.
        """
        monday = date.today() - timedelta(days=date.today().weekday())
        first = 1 + 3 * self.number
        return [monday - timedelta(weeks=first + offset) for offset in range(3)]

    @task(2)
    def sync_walk(self) -> None:
        """A tablet sends a new walk, then sends it again with more in it (the second is an update)."""
        client_id = str(uuid.uuid4())
        name = "/api/v1/gemba-walks/[uuid] [PUT]"
        walk = _walk(self.email)
        saved = self.api("PUT", f"/api/v1/gemba-walks/{client_id}", name, (201,), walk)
        if saved:
            walk.update(version=saved["version"], ideas="Move the spare drip stands to the store room.")
            self.api("PUT", f"/api/v1/gemba-walks/{client_id}", name, (200,), walk)

    @task(2)
    def answer_assessment(self) -> None:
        if not self.assessment_pages:
            return
        path = random.choice(self.assessment_pages)
        html = self.page(path, "/self-assessment/[id]/components/[id]")
        responses = RESPONSE_FORM.findall(html)
        if not responses:
            return
        response_id = random.choice(responses)
        version = re.search(rf'name="s{response_id}-version"[^>]*value="(\d+)"', html)
        prefix = f"s{response_id}-"
        fields = {prefix + "csrf_token": self.csrf_token, prefix + "version": version[1] if version else "",
                  prefix + "level": str(random.randint(1, 5)), prefix + "pii_checked": "",
                  prefix + "evidence": "Board minutes and the staff survey show this."}
        self.post_form(path.rsplit("/components/", 1)[0] + f"/responses/{response_id}", "self-assessment answer",
                       fields, accept_conflict=ASSESSMENT_CONFLICT)

    @task(3)
    def pdsa_step(self) -> None:
        """Take this person's own PDSA cycle one stage on: start it, then plan, do, study, act, and start again.

        Each person tests a change idea of their own, because an idea has one cycle under way at a time.
        """
        if self.idea is None and self.projects:
            self.idea = self.add_change_idea()
        if self.idea is None:
            return
        if self.cycle is None:
            self.cycle = self.start_cycle()  # which lands on the Plan page, filled in straight away
        if self.cycle is not None:
            self.cycle = self.advance_cycle(*self.cycle)

    def add_change_idea(self) -> tuple[int, int] | None:
        project_id = random.choice(self.projects)
        text = f"Load test idea {uuid.uuid4().hex[:12]}"
        self.page(f"/projects/{project_id}/change-ideas/new", "/projects/[id]/change-ideas/new")
        fields = {"csrf_token": self.csrf_token, "text": text, "status": "idea"}
        if self.post_form(f"/projects/{project_id}/change-ideas/new", "/projects/[id]/change-ideas/new [POST]",
                          fields) is None:
            return None
        html = self.page(f"/projects/{project_id}/cycles/new", "/projects/[id]/cycles/new")
        found = re.search(rf'<option value="(\d+)"[^>]*>\s*{re.escape(text)}', html)
        return (project_id, int(found[1])) if found else None

    def start_cycle(self) -> tuple[int, str] | None:
        project_id, idea_id = self.idea
        fields = {"csrf_token": self.csrf_token, "title": "Night-time rounding test", "change_idea": idea_id,
                  "objective": "Find out whether hourly rounding at night is done reliably."}
        location = self.post_form(f"/projects/{project_id}/cycles/new", "/projects/[id]/cycles/new [POST]", fields)
        found = re.search(r"/cycles/(\d+)/plan", location or "")
        return (int(found[1]), "plan") if found else None

    def advance_cycle(self, cycle_id: int, stage: str) -> tuple[int, str] | None:
        html = self.page(f"/cycles/{cycle_id}/{stage}", f"/cycles/[id]/{stage}")
        version = re.search(r'name="version"[^>]*value="(\d+)"', html)
        fields = {"csrf_token": self.csrf_token, "version": version[1] if version else "", "action": "advance",
                  **STAGE_FIELDS[stage]}
        location = self.post_form(f"/cycles/{cycle_id}/{stage}", f"/cycles/[id]/{stage} [POST]", fields)
        found = re.search(r"/cycles/(\d+)/(do|study|act)$", location or "")
        return (int(found[1]), found[2]) if found else None


STAGE_FIELDS = {
    "plan": {"title": "Night-time rounding test", "objective": "Is hourly rounding done at night?",
             "who": "Night nurses on Ward 7", "what": "Hourly rounding with a prompt card", "when": "Two nights",
             "where": "Ward 7", "question_1": "Will every round be done?", "prediction_1": "At least 9 in 10."},
    "do": {"observations": "Rounds were done on time on both nights.", "unexpected": "The prompt cards ran out."},
    "study": {"result_1": "19 of 20 rounds done.", "learning": "It works when the cards are stocked."},
    "act": {"decision": "adapt", "next_steps": "Test with laminated cards."},
}


def _value(measure: dict) -> dict:
    if measure.get("is_proportion"):
        denominator = random.randint(20, 40)
        return {"numerator": random.randint(10, denominator), "denominator": denominator}
    return {"value": round(random.uniform(2, 9), 1)}


def _walk(email: str) -> dict:
    return {"date": date.today().isoformat(), "type": "gemba", "observations": "Busy but calm; bays tidy.",
            "went_well": "Safety huddle at 08:30 was well attended.",
            "staff_roles": [{"role": "nurse", "count": 3}],
            "concerns": [{"category": "equipment", "text": "Two drip stands blocking the fire exit."}],
            "actions": [{"what": "Clear the fire exit", "owner": email,
                         "due": (date.today() + timedelta(days=7)).isoformat()}]}


def _first_error(html: str) -> str:
    """The first error message on a page that refused a form, for the failure report."""
    found = re.search(r'class="nhsuk-error-message"[^>]*>(.*?)</', html, re.S)
    text = re.sub(r"<[^>]+>|\s+", " ", found[1]).strip() if found else html[:200]
    return text[:200]
