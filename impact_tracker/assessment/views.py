"""Self-assessment pages: list, start, answer statement by statement, finalise, share, results, actions, CSV."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..audit.services import record_export
from ..core.errors import DomainError, PermissionDenied, VersionConflict
from ..core.forms import apply_domain_error, show_stale
from ..core.pagination import paginate
from ..core.permissions import Action, can
from . import forms, queries, services
from .models import ActionPlanItem, FrameworkComponent, SelfAssessment
from .models import Response as StatementResponse

bp = Blueprint("assessment", __name__, url_prefix="/self-assessment")
CONFLICT = ("Someone else changed this statement while you were working on it. Their version is shown below; "
            "your text is still in the form. Check both, then save again to keep yours.")


@bp.route("")
def index():
    page = paginate(queries.visible_assessments_query(current_user), max(1, request.args.get("page", 1, type=int)), 50)
    organisation = current_user.organisation
    return render_template("assessment/index.html", page=page, organisation=organisation,
                           can_start=can(current_user, Action.MANAGE_ORGANISATION, organisation),
                           draft=queries.open_draft(organisation.id) if organisation else None)


@bp.route("/new", methods=["GET", "POST"])
def new():
    organisation = current_user.organisation
    if not can(current_user, Action.MANAGE_ORGANISATION, organisation):
        raise PermissionDenied("start an assessment")
    form = forms.StartForm()
    if form.validate_on_submit():
        try:
            assessment = services.start_assessment(organisation, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"The {assessment.period_label} assessment has started. Anyone in your organisation can now "
                  "add answers.", "success")
            return redirect(url_for("assessment.detail", assessment_id=assessment.id))
    return render_template("assessment/new.html", form=form, organisation=organisation)


@bp.route("/<int:assessment_id>")
def detail(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    if not queries.is_insider(current_user, assessment):
        return redirect(url_for("assessment.results", assessment_id=assessment.id))
    return render_template("assessment/detail.html", assessment=assessment,
                           responses=queries.responses_by_component(assessment),
                           can_manage=can(current_user, Action.MANAGE_ORGANISATION, assessment.organisation),
                           can_contribute=can(current_user, Action.CONTRIBUTE, assessment.organisation))


@bp.route("/<int:assessment_id>/components/<int:component_id>")
def component(assessment_id: int, component_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user, Action.CONTRIBUTE)
    return _component_page(assessment, queries.component_for(assessment, component_id))


@bp.route("/<int:assessment_id>/responses/<int:response_id>", methods=["POST"])
def respond(assessment_id: int, response_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user, Action.CONTRIBUTE)
    response = queries.get_child_or_404(StatementResponse, response_id, assessment)
    form = _response_form(response, assessment)
    conflict, warnings = None, []
    if form.validate_on_submit() and not (warnings := form.pii_warnings()):
        try:
            services.save_response(response, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        except VersionConflict as err:
            conflict = err.current
            form.form_errors.append(CONFLICT)
            form.version.data = str(err.current.version)
        else:
            flash(f"Statement {response.statement.position + 1} saved.", "success")
            return redirect(url_for("assessment.component", assessment_id=assessment.id,
                                    component_id=response.statement.component_id,
                                    _anchor=f"statement-{response.id}"))
    return _component_page(assessment, response.statement.component, posted=form, posted_id=response.id,
                           conflict=conflict, warnings=warnings)


def _response_form(response: StatementResponse, assessment: SelfAssessment, **kwargs) -> forms.ResponseForm:
    form = forms.ResponseForm(prefix=f"s{response.id}", **kwargs)
    form.set_levels([(level.ordinal, level.label, level.descriptor) for level in assessment.framework.levels])
    return form


def _component_page(assessment: SelfAssessment, component: FrameworkComponent, *, posted=None, posted_id=None,
                    conflict=None, warnings=()):
    """The statements of one component, each with its own form (the posted one keeps what the user typed)."""
    responses = queries.responses_by_component(assessment).get(component.id, [])
    statement_forms = [
        (response, posted if response.id == posted_id else _response_form(
            response, assessment, formdata=None,
            data={"level": str(response.level or ""), "evidence": response.evidence,
                  "version": str(response.version)}))
        for response in responses
    ]
    status = 409 if conflict is not None else 200
    return render_template("assessment/component.html", assessment=assessment, component=component,
                           statement_forms=statement_forms, posted_id=posted_id, conflict=conflict,
                           warnings=warnings, components=assessment.framework.components), status


@bp.route("/<int:assessment_id>/finalise", methods=["GET", "POST"])
def finalise(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user, Action.MANAGE_ORGANISATION)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        try:
            services.finalise(assessment, actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"The {assessment.period_label} assessment is final. Its answers can no longer change.",
                  "success")
            return redirect(url_for("assessment.results", assessment_id=assessment.id))
    return render_template("assessment/finalise.html", form=form, assessment=assessment,
                           levels=queries.live_levels(assessment))


@bp.route("/<int:assessment_id>/sharing", methods=["GET", "POST"])
def sharing(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user, Action.MANAGE_ORGANISATION)
    form = forms.SharingForm(data=None if request.method == "POST" else {"shared": assessment.shared_with_system})
    if form.validate_on_submit():
        services.set_sharing(assessment, bool(form.shared.data), actor=current_user)
        flash("Component levels are now shared with your system and region." if assessment.shared_with_system
              else "This assessment is now private to your organisation.", "success")
        return redirect(url_for("assessment.detail", assessment_id=assessment.id))
    return render_template("assessment/sharing.html", form=form, assessment=assessment)


@bp.route("/<int:assessment_id>/results")
def results(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user)
    return render_template("assessment/results.html", results=queries.results(assessment, current_user),
                           can_manage=can(current_user, Action.MANAGE_ORGANISATION, assessment.organisation)
                           and queries.is_insider(current_user, assessment))


@bp.route("/<int:assessment_id>/csv")
def export(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user, Action.CONTRIBUTE)
    filename = f"self-assessment-{assessment.organisation.code}-{assessment.id}.csv"
    record_export(assessment.organisation_id, f"Self-assessment {assessment.id}, {assessment.period_label} (CSV)")
    return Response(services.export_csv(assessment), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/<int:assessment_id>/actions/new", methods=["GET", "POST"])
def new_action(assessment_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user, Action.MANAGE_ORGANISATION)
    form = forms.ActionForm(data={"component": request.args.get("component")})
    return _action_page(assessment, form, None)


@bp.route("/<int:assessment_id>/actions/<int:action_id>", methods=["GET", "POST"])
def edit_action(assessment_id: int, action_id: int):
    assessment = queries.get_assessment_or_404(assessment_id, current_user, Action.MANAGE_ORGANISATION)
    item = queries.get_child_or_404(ActionPlanItem, action_id, assessment)
    form = forms.ActionForm(data={"component": item.component.value, "action": item.action, "owner": item.owner,
                                  "due": item.due, "status": item.status.value,
                                  "project_id": str(item.project_id or ""), "version": str(item.version)})
    return _action_page(assessment, form, item)


def _action_page(assessment: SelfAssessment, form: forms.ActionForm, item: ActionPlanItem | None):
    """Add or change an action plan item; the shape of every form route."""
    form.set_projects(queries.tagged_project_choices(assessment.organisation_id))
    if form.validate_on_submit():
        try:
            if item is None:
                services.add_action(assessment, form.to_input(), actor=current_user)
            else:
                services.update_action(item, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        except VersionConflict as err:
            show_stale(form, err)
        else:
            flash("The action plan has been saved.", "success")
            return redirect(url_for("assessment.results", assessment_id=assessment.id, _anchor="actions"))
    return render_template("assessment/action_form.html", form=form, assessment=assessment, item=item)
