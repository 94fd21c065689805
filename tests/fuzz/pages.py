"""Finding the page that carries a route's form, and judging what the app answered to a fuzzed submission."""

from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from impact_tracker.extensions import db

from . import world
from .html_forms import GENERIC_HEADING, HtmlForm, heading, main_text, post_forms, shows_error, warns_of_patient_data

# Endpoints never used to find a form: the API, files, and downloads that are not pages.
NOT_PAGES_PREFIXES = ("api.", "static", "nhsuk_assets")
_hosts: dict[str, str] = {}


def rule_for(app, endpoint: str):
    return next(rule for rule in app.url_map.iter_rules(endpoint))


def build(app, endpoint: str, values: dict) -> str:
    rule = rule_for(app, endpoint)
    adapter = app.url_map.bind(app.config["SERVER_NAME"])
    return adapter.build(endpoint, {name: values[name] for name in rule.arguments})


def forms_for(app, client, rule) -> list[HtmlForm]:
    """The forms that post to this rule, found on its own page or on a page about the same objects.

    Raises AssertionError when no page offers one: a POST route nobody can reach from a page is not fuzzed.
    """
    with app.app_context():
        values = world.url_values(rule)
    target = build(app, rule.endpoint, values)
    for host in _candidates(app, rule, values):
        page = build(app, host, values)
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        found = [form for form in post_forms(response.get_data(as_text=True), "http://impact.test" + page)
                 if form.path == target]
        if found:
            _hosts[rule.endpoint] = host
            return found
    raise AssertionError(f"No page offers a form that posts to {target} ({rule.endpoint}); tried "
                         f"{_candidates(app, rule, values)}")


def _candidates(app, rule, values: dict) -> list[str]:
    """Pages to look on: the one found last time, the route's own page, then pages about the same objects."""
    pages = [rule.endpoint] if "GET" in rule.methods else []
    others = sorted((other for other in app.url_map.iter_rules()
                     if "GET" in other.methods and not other.endpoint.startswith(NOT_PAGES_PREFIXES)
                     and set(other.arguments) <= set(values) and other.endpoint != rule.endpoint),
                    key=lambda other: (-len(other.arguments), other.endpoint))
    pages += [other.endpoint for other in others]
    if rule.endpoint in _hosts:
        pages.insert(0, _hosts[rule.endpoint])
    return list(dict.fromkeys(pages))


@dataclass
class Answer:
    """What the app answered, and what it saved while answering."""

    response: object
    committed: list[str]
    counts_before: dict[str, int]

    @property
    def accepted(self) -> bool:
        return self.response.status_code in (301, 302, 303)

    def changed_counts(self, app) -> list[str]:
        with app.app_context():
            after = world.row_counts()
        return [name for name, rows in after.items() if self.counts_before.get(name) != rows]


def watched(app, send) -> Answer:
    """Run one request (`send()`), noting the row counts before it and every write it committed."""
    with app.app_context():
        before, engine = world.row_counts(), db.engine
    with world.CommittedWrites(engine) as writes:
        response = send()
    return Answer(response, writes.committed, before)


def submit(client, form: HtmlForm, pairs: list[tuple[str, object]]):
    """Post the pairs as the browser would encode this form."""
    content_type = "multipart/form-data" if form.multipart else None
    return client.post(form.action, data=MultiDict(pairs), content_type=content_type)


def explains_refusal(response) -> bool:
    """A refused submission says why: an error beside a field or in the summary, or an error page that names it."""
    html = response.get_data(as_text=True)
    if shows_error(html) or (response.status_code == 200 and warns_of_patient_data(html)):
        return True
    title = heading(html)
    return response.status_code >= 400 and bool(title) and GENERIC_HEADING not in title


def assert_refused_cleanly(app, answer: Answer, *, preview_allowed: bool = False) -> None:
    """No server error; a 200 or 4xx that saved nothing and says why.

    With `preview_allowed` (a preview step, or a button that adds a row to the form) a 200 need not explain.
    """
    response = answer.response
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:2000]
    assert response.status_code == 200 or 400 <= response.status_code < 500, response.status_code
    assert answer.committed == [], f"a refused submission saved: {answer.committed}"
    assert answer.changed_counts(app) == [], "a refused submission changed the number of rows"
    if not (preview_allowed and response.status_code == 200):
        assert explains_refusal(response), f"no message says what is wrong: {main_text(body)[:3000]}"
