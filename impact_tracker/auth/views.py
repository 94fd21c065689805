"""Sign in, sign out, and the account page (password and API tokens)."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from ..core.errors import DomainError
from ..core.forms import apply_domain_error
from ..extensions import limiter, login_manager
from . import services
from .forms import ChangePasswordForm, NewTokenForm, SignInForm

bp = Blueprint("auth", __name__)


login_manager.user_loader(services.load_active_user)


def _safe_next(target: str | None) -> str:
    """Only follow a `next` that stays on this site, so sign-in cannot bounce users elsewhere."""
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")


def _account_key() -> str:
    """Throttle by the account being tried, whoever tries it (spreading guesses over addresses doesn't help)."""
    return "sign-in:" + (request.form.get("email") or "").strip().lower()


def _failed(response) -> bool:
    return response.status_code != 302  # a successful sign-in redirects; only failures count


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["IMPACT_SIGN_IN_LIMIT_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=_failed)
@limiter.limit(lambda: current_app.config["IMPACT_SIGN_IN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append("The email address or password is not right")
    return render_template("auth/login.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def logout():
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
def account():
    return render_template(
        "auth/account.html", tokens=services.list_tokens(current_user), form=NewTokenForm(), new_token=None
    )


@bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.new_password.data)
        except DomainError as err:
            apply_domain_error(form, err)
        else:
            flash("Your password has been changed.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/account/tokens", methods=["POST"])
def account_tokens_new():
    form = NewTokenForm()
    new_token = None
    if form.validate_on_submit():
        try:
            new_token, _ = services.create_token(current_user, form.name.data)
        except DomainError as err:
            apply_domain_error(form, err)
    tokens = services.list_tokens(current_user)
    return render_template("auth/account.html", tokens=tokens, form=form, new_token=new_token)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
def account_tokens_revoke(token_id: int):
    token = services.revoke_token(token_id, actor=current_user)
    flash(f"Token '{token.name}' has been revoked. Anything using it can no longer reach the API.", "success")
    return redirect(url_for("auth.account"))
