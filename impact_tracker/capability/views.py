"""The improvement lead's capability pages: tiers, training records (with CSV upload), headcount and posts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..core.errors import DomainError
from ..core.forms import apply_domain_error, choices
from ..core.pagination import paginate
from ..core.permissions import Action, get_for_user_or_404, own_organisation_or_404
from ..core.uploads import decode_text
from ..orgs.models import Organisation
from ..orgs.queries import unit_choices
from . import queries, services
from .forms import ConfirmForm, ConfirmRecordsForm, HeadcountForm, PostForm, RecordForm, TierForm, UploadRecordsForm
from .models import ImprovementPost, TrainingRecord, TrainingTier

bp = Blueprint("capability", __name__, url_prefix="/capability")


def _managed_organisation() -> Organisation:
    """The signed-in user's organisation, if they may manage it."""
    return own_organisation_or_404(current_user, Action.MANAGE_ORGANISATION)


@bp.route("")
def index():
    organisation = _managed_organisation()
    services.ensure_tiers(organisation)
    org_ids = [organisation.id]
    return render_template(
        "capability/index.html", organisation=organisation, tiers=queries.tier_counts(organisation),
        coaches=queries.coach_counts(org_ids).get(organisation.id, queries.CoachCounts()),
        headcount=queries.latest_headcount(org_ids).get(organisation.id),
        fte=queries.post_fte(org_ids).get(organisation.id, queries.PostFte()))


@bp.route("/tiers")
def tiers():
    organisation = _managed_organisation()
    return render_template("capability/tiers.html", organisation=organisation,
                           tiers=services.ensure_tiers(organisation))


@bp.route("/tiers/new", methods=["GET", "POST"])
def tiers_new():
    return _tier_form(_managed_organisation(), None)


@bp.route("/tiers/<int:tier_id>/edit", methods=["GET", "POST"])
def tiers_edit(tier_id: int):
    tier = get_for_user_or_404(TrainingTier, tier_id, current_user, Action.MANAGE_ORGANISATION)
    return _tier_form(tier.organisation, tier)


def _tier_form(organisation: Organisation, tier: TrainingTier | None):
    form = TierForm(obj=tier)
    if form.validate_on_submit():
        try:
            saved = services.save_tier(organisation, form.to_input(), actor=current_user, tier=tier)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash(f"The tier {saved.name} has been saved.", "success")
            return redirect(url_for("capability.tiers"))
    return render_template("capability/tier_form.html", form=form, tier=tier)


@bp.route("/tiers/<int:tier_id>/move", methods=["POST"])
def tiers_move(tier_id: int):
    tier = get_for_user_or_404(TrainingTier, tier_id, current_user, Action.MANAGE_ORGANISATION)
    services.move_tier(tier, up=request.form.get("direction") == "up", actor=current_user)
    flash(f"{tier.name} has been moved.", "success")
    return redirect(url_for("capability.tiers"))


@bp.route("/records")
def records():
    organisation = _managed_organisation()
    page = paginate(queries.records_query(organisation), max(1, request.args.get("page", 1, type=int)), 50)
    return render_template("capability/records.html", organisation=organisation, page=page)


@bp.route("/records/new", methods=["GET", "POST"])
def records_new():
    organisation = _managed_organisation()
    form = RecordForm()
    form.user_id.choices = choices(queries.people_choices(organisation))
    form.tier_id.choices = choices([(str(t.id), t.name) for t in services.ensure_tiers(organisation)])
    if form.validate_on_submit():
        try:
            services.add_record(organisation, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("The training record has been added.", "success")
            return redirect(url_for("capability.records"))
    return render_template("capability/record_form.html", form=form)


@bp.route("/records/<int:record_id>/delete", methods=["GET", "POST"])
def records_delete(record_id: int):
    record = get_for_user_or_404(TrainingRecord, record_id, current_user, Action.MANAGE_ORGANISATION)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_record(record, actor=current_user)
        flash(f"The record of {record.course} for {record.person} has been deleted.", "success")
        return redirect(url_for("capability.records"))
    return render_template("capability/record_delete.html", form=form, record=record)


@bp.route("/records/upload", methods=["GET", "POST"])
def records_upload():
    organisation = _managed_organisation()
    services.ensure_tiers(organisation)
    if request.form.get("confirmed") == "yes":
        return _save_upload(organisation, ConfirmRecordsForm())
    form, preview = UploadRecordsForm(), None
    if form.validate_on_submit():
        preview = services.preview_records(organisation, decode_text(form.file.data.read()))
        if preview.ok:
            confirm = ConfirmRecordsForm(formdata=None, data={"content": services.records_to_text(preview.rows)})
            return render_template("capability/upload_preview.html", form=confirm, preview=preview)
        form.file.errors.append(f"{len(preview.errors)} problem(s) found, listed below. Nothing has been saved.")
    return render_template("capability/upload.html", form=form, preview=preview)


def _save_upload(organisation: Organisation, form: ConfirmRecordsForm):
    try:
        added = services.import_records(organisation, form.content.data or "", actor=current_user)
    except DomainError as err:
        upload = UploadRecordsForm(formdata=None)
        apply_domain_error(upload, err)
        return render_template("capability/upload.html", form=upload, preview=None)
    flash(f"{added} training record{'' if added == 1 else 's'} added.", "success")
    return redirect(url_for("capability.records"))


@bp.route("/headcount", methods=["GET", "POST"])
def headcount():
    organisation = _managed_organisation()
    form = HeadcountForm()
    if form.validate_on_submit():
        try:
            services.set_headcount(organisation, form.to_input(), actor=current_user)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("The headcount has been saved.", "success")
            return redirect(url_for("capability.headcount"))
    return render_template("capability/headcount.html", form=form, organisation=organisation,
                           headcounts=queries.headcounts(organisation))


@bp.route("/posts")
def posts():
    organisation = _managed_organisation()
    return render_template("capability/posts.html", organisation=organisation, posts=queries.posts(organisation))


@bp.route("/posts/new", methods=["GET", "POST"])
def posts_new():
    return _post_form(_managed_organisation(), None)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
def posts_edit(post_id: int):
    post = get_for_user_or_404(ImprovementPost, post_id, current_user, Action.MANAGE_ORGANISATION)
    return _post_form(post.organisation, post)


def _post_form(organisation: Organisation, post: ImprovementPost | None):
    data = {} if post is None else {"title": post.title, "fte": post.fte, "unit_id": str(post.unit_id or ""),
                                    "kind": "dedicated" if post.dedicated else "allocated"}
    form = PostForm(data=data)
    form.unit_id.choices = choices(unit_choices(organisation, blank="None"))
    if form.validate_on_submit():
        try:
            services.save_post(organisation, form.to_input(), actor=current_user, post=post)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("The post has been saved.", "success")
            return redirect(url_for("capability.posts"))
    return render_template("capability/post_form.html", form=form, post=post)
