"""Portfolio pages: each role's natural level, the organisation page, system, region and national roll-ups, CSV."""

from __future__ import annotations

import re

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit.services import record_export
from ..core.errors import NotFound
from ..core.forms import choices
from ..core.permissions import Action, can
from ..orgs.queries import unit_choices
from . import queries, services
from .forms import FilterForm

bp = Blueprint("portfolio", __name__, url_prefix="/portfolio")


def _filters(organisation=None) -> tuple[FilterForm, queries.Filters]:
    """The filter form from the query string; anything invalid falls back to no filter."""
    form = FilterForm(request.args)
    if organisation is not None:
        form.unit_id.choices = choices(unit_choices(organisation, blank="Any unit"))
    if not form.validate():
        form = FilterForm(formdata=None)
    return form, form.to_filters()


def _sort() -> tuple[str, bool]:
    key = request.args.get("sort", "name")
    return (key if key in services.SORT_KEYS else "name"), request.args.get("dir") == "desc"


def _csv(text: str, name: str) -> Response:
    filename = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") + ".csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("")
def index():
    endpoint, values = services.home_for(current_user)
    return redirect(url_for(endpoint, **values))


@bp.route("/organisations/<code>")
def organisation(code: str):
    organisation = services.organisation_for(current_user, code)
    form, filters = _filters(organisation)
    return render_template("portfolio/organisation.html", organisation=organisation, form=form,
                           page=services.organisation_page(current_user, organisation, filters),
                           # The capability pages are about the user's own organisation only.
                           can_manage=organisation == current_user.organisation
                           and can(current_user, Action.MANAGE_ORGANISATION, organisation),
                           up=_up_link(organisation))


def _up_link(organisation) -> dict | None:
    """A link to the system roll-up above the organisation, for people whose role covers it."""
    system = organisation.system
    if system is None or not services.may_see_system(current_user, system):
        return None
    return {"href": url_for("portfolio.system", code=system.code), "label": system.name}


@bp.route("/organisations/<code>/export/<table>")
def organisation_export(code: str, table: str):
    organisation = services.organisation_for(current_user, code)
    _, filters = _filters(organisation)
    page = services.organisation_page(current_user, organisation, filters)
    if table not in services.ORGANISATION_TABLES:
        raise NotFound(f"table {table}")
    record_export(organisation.id, f"Portfolio table '{table}' (CSV)")
    return _csv(services.organisation_csv(page, table), f"{organisation.code}-{table}")


@bp.route("/systems/<code>")
def system(code: str):
    system = services.system_for(current_user, code)
    return _rollup("system", system.name, places_of={"system_id": system.id}, code=system.code)


@bp.route("/systems/<code>/export")
def system_export(code: str):
    system = services.system_for(current_user, code)
    return _rollup_csv(system.code, places_of={"system_id": system.id})


@bp.route("/regions/<code>")
def region(code: str):
    region = services.region_for(current_user, code)
    return _rollup("region", region.name, places_of={"region_id": region.id}, code=region.code)


@bp.route("/regions/<code>/export")
def region_export(code: str):
    region = services.region_for(current_user, code)
    return _rollup_csv(region.code, places_of={"region_id": region.id})


@bp.route("/national")
def national():
    services.require_national(current_user)
    return _rollup("national", "England", places_of={}, by_system=True)


@bp.route("/national/export")
def national_export():
    services.require_national(current_user)
    return _rollup_csv("national", places_of={}, by_system=True)


def _rows(places_of: dict, by_system: bool):
    form, filters = _filters()
    rows = services.rollup(current_user, places_of, filters, by_system=by_system)
    key, descending = _sort()
    return form, services.sort_rows(rows, key, descending), key, descending


def _rollup(level: str, title: str, *, places_of: dict, by_system: bool = False, code: str | None = None):
    form, rows, key, descending = _rows(places_of, by_system)
    values = {"code": code} if code else {}
    query = {k: v for k, v in request.args.items() if k not in ("sort", "dir")}
    columns = services.table_columns(by_system=by_system, sort=key, descending=descending,
                                     href=lambda **sort: url_for(f"portfolio.{level}", **values, **query, **sort))
    return render_template("portfolio/rollup.html", level=level, title=title, form=form, rows=rows,
                           columns=columns, by_system=by_system, page_href=url_for(f"portfolio.{level}", **values),
                           export_href=url_for(f"portfolio.{level}_export", **values, **request.args))


def _rollup_csv(name: str, *, places_of: dict, by_system: bool = False) -> Response:
    _, rows, _, _ = _rows(places_of, by_system)
    return _csv(services.rollup_csv(rows, by_system=by_system), f"{name}-portfolio")
