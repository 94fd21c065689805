"""Template filters, globals and the Undefined type our templates run with."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from jinja2 import BytecodeCache, ChainableUndefined
from jinja2.utils import missing


class StrictChainableUndefined(ChainableUndefined):
    """Chainable for the NHS.UK macros' optional params, but loud for a misspelt top-level variable.

    `params.icon` on a dict without 'icon' stays a quiet, falsy undefined (the macros rely on that);
    printing or iterating an undefined *name* such as `{{ projcet }}` raises, as StrictUndefined would.
    """

    def _is_bare_name(self) -> bool:
        return self._undefined_obj is missing

    def __str__(self) -> str:
        if self._is_bare_name():
            self._fail_with_undefined_error()
        return super().__str__()

    def __iter__(self):
        if self._is_bare_name():
            self._fail_with_undefined_error()
        return super().__iter__()


class ProcessBytecodeCache(BytecodeCache):
    """Compiled templates shared by every app in the process (keyed by source checksum, so edits show).

    The NHS.UK macros are large; without this each new app (every test, every worker restart) compiles
    them all again.
    """

    _store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._store:
            bucket.bytecode_from_string(self._store[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._store[bucket.key] = bucket.bytecode_to_string()


def format_date(value: date | datetime | None) -> str:
    """'5 January 2026', the NHS.UK style for dates."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_datetime(value: datetime | None) -> str:
    """'5 January 2026 at 2:30pm'."""
    if value is None:
        return ""
    hour = value.hour % 12 or 12
    return f"{format_date(value)} at {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"


def register_template_helpers(app: Flask) -> None:
    """Filters, form helpers and the layout's navigation, available to every template."""
    from flask import render_template, request
    from flask_login import current_user
    from markupsafe import Markup

    from .forms import form_error_list, nhsuk_field
    from .impact import IMPACT_COMPONENT_LABELS

    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(lambda component: IMPACT_COMPONENT_LABELS[component], "impact_label")
    app.add_template_global(nhsuk_field)
    app.add_template_global(form_error_list)
    # Our own template, rendered with autoescaping, so Markup is safe.
    app.add_template_global(lambda: Markup(render_template("partials/_sign_out.html")), "sign_out_form")  # nosec B704

    @app.context_processor
    def layout():
        return {"navigation": navigation_items(current_user, request.endpoint)}


# (endpoint, label, who sees it). A page is "current" for its endpoint and any `<endpoint>_<action>`.
# Later domains add their pages here, in reading order. Keep it short enough to fit a portrait tablet: the
# account page is the user's name in the header, and the audit log is linked from the People page.
NAVIGATION = (
    ("home.index", "Home", "everyone"),
    ("projects.index", "Projects", "everyone"),
    ("gemba.index", "Walks", "everyone"),
    ("assessment.index", "Self-assessment", "everyone"),
    ("portfolio.index", "Portfolio", "everyone"),
    ("orgs.people", "People", "managers"),
    ("orgs.units", "Units", "managers"),
)


def navigation_items(user, current_endpoint: str | None) -> list[dict]:
    """The header links this user may follow, with the current page marked."""
    from flask import url_for

    from .permissions import Role, role_of

    if not getattr(user, "is_authenticated", False):
        return []
    is_manager = role_of(user) in (Role.IMPROVEMENT_LEAD, Role.NATIONAL_ADMIN) and user.organisation_id
    items = []
    for endpoint, label, audience in NAVIGATION:
        if audience == "managers" and not is_manager:
            continue
        endpoint_now = current_endpoint or ""
        current = endpoint_now == endpoint or endpoint_now.startswith(endpoint + "_")
        items.append({"href": url_for(endpoint), "text": label, "current": current})
    return items
