"""The organisation improvement lead's pages: people and units."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit import queries as audit_queries
from ..core.errors import DomainError
from ..core.forms import apply_domain_error, choices
from ..core.pagination import paginate
from ..core.permissions import (
    ORGANISATION_ROLES,
    Action,
    Role,
    assignable_roles,
    get_for_user_or_404,
    own_organisation_or_404,
)
from . import queries, services
from .forms import EditPersonForm, PersonForm, UnitForm, role_choices
from .models import Organisation, Unit, User

bp = Blueprint("orgs", __name__, url_prefix="/organisation")


def _managed_organisation() -> Organisation:
    """The signed-in user's organisation, if they may manage it."""
    return own_organisation_or_404(current_user, Action.MANAGE_ORGANISATION)


def _person_choices(form, organisation: Organisation) -> None:
    form.role.choices = role_choices([r for r in assignable_roles(current_user) if r in ORGANISATION_ROLES])
    form.unit_id.choices = choices(queries.unit_choices(organisation))


@bp.route("/people")
def people():
    organisation = _managed_organisation()
    return render_template("orgs/people.html", organisation=organisation, people=queries.list_people(organisation))


@bp.route("/people/new", methods=["GET", "POST"])
def people_new():
    organisation = _managed_organisation()
    form = PersonForm()
    _person_choices(form, organisation)
    if form.validate_on_submit():
        try:
            user, password = services.add_member(organisation, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            return render_template("orgs/person_added.html", person=user, password=password)
    return render_template("orgs/person_form.html", form=form, organisation=organisation)


@bp.route("/people/<int:user_id>/edit", methods=["GET", "POST"])
def people_edit(user_id: int):
    person = get_for_user_or_404(User, user_id, current_user, Action.MANAGE_ORGANISATION)
    form = EditPersonForm(data={"role": person.role.value, "unit_id": str(person.unit_id or "")})
    _person_choices(form, person.organisation)
    if form.validate_on_submit():
        try:
            services.update_member(person, Role(form.role.data), _int_or_none(form.unit_id.data), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"{person.name}'s details have been updated.", "success")
            return redirect(url_for("orgs.people"))
    return render_template("orgs/person_edit.html", form=form, person=person)


@bp.route("/people/<int:user_id>/active", methods=["POST"])
def people_active(user_id: int):
    person = get_for_user_or_404(User, user_id, current_user, Action.MANAGE_ORGANISATION)
    try:
        services.set_active(person, not person.active, actor=current_user)
    except DomainError as err:
        flash(err.message, "error")
    else:
        flash(f"{person.name} has been {'reactivated' if person.active else 'deactivated'}.", "success")
    return redirect(url_for("orgs.people"))


@bp.route("/units")
def units():
    organisation = _managed_organisation()
    return render_template("orgs/units.html", organisation=organisation, rows=queries.unit_tree(organisation))


@bp.route("/units/new", methods=["GET", "POST"])
def units_new():
    organisation = _managed_organisation()
    form = UnitForm()
    form.parent_id.choices = choices(queries.unit_choices(organisation, blank="Nothing: a top-level unit"))
    if form.validate_on_submit():
        try:
            unit = services.create_unit(organisation, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"{unit.name} has been added.", "success")
            return redirect(url_for("orgs.units"))
    return render_template("orgs/unit_form.html", form=form, unit=None)


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
def units_edit(unit_id: int):
    unit = get_for_user_or_404(Unit, unit_id, current_user, Action.MANAGE_ORGANISATION)
    form = UnitForm(data={"name": unit.name, "type": unit.type.value, "parent_id": str(unit.parent_id or "")})
    form.parent_id.choices = choices(queries.unit_choices(unit.organisation, blank="Nothing: a top-level unit"))
    if form.validate_on_submit():
        try:
            services.update_unit(unit, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"{unit.name} has been updated.", "success")
            return redirect(url_for("orgs.units"))
    return render_template("orgs/unit_form.html", form=form, unit=unit)


def _int_or_none(value: str | None) -> int | None:
    return int(value) if value else None


@bp.route("/audit")
def audit():
    organisation = _managed_organisation()
    page = paginate(audit_queries.organisation_log(organisation.id), request.args.get("page", 1, type=int), 50)
    return render_template("orgs/audit.html", organisation=organisation, page=page)
