"""Sign-in, password changes and API tokens."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.database import transactional
from ..core.errors import DomainError, NotFound
from ..core.mixins import utcnow
from ..extensions import db
from ..orgs.models import User
from ..orgs.services import check_password_policy
from .models import ApiToken, hash_token

TOKEN_PREFIX = "itk_"
TOKEN_USE_GRANULARITY = timedelta(minutes=5)
# Checked against when the email is unknown, so that a wrong email takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def load_active_user(user_id: str) -> User | None:
    """The session's user, or None once they have been deactivated (which signs them out)."""
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    Returns None alike for an unknown email, a wrong password and a deactivated account, so the caller
    cannot tell which (no user enumeration).
    """
    user = db.session.scalar(select(User).where(User.email == User.normalise_email(email)))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user


@transactional
def change_password(user: User, current: str, new: str) -> User:
    """Replace the user's password. Raises DomainError for a wrong current password or a weak new one."""
    if not user.check_password(current):
        raise DomainError("Your current password is not right", field="current_password")
    try:
        check_password_policy(new, email=user.email)
    except DomainError as err:
        raise DomainError(err.message, field="new_password") from None
    if current == new:
        raise DomainError("Choose a password different from your current one", field="new_password")
    user.set_password(new)
    user.must_change_password = False
    return user


@transactional
def create_token(user: User, name: str) -> tuple[str, ApiToken]:
    """Make a new API token for the user; the plain token is returned once and never stored."""
    if not name.strip():
        raise DomainError("Give the token a name so you can recognise it later", field="name")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip(), token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    return raw, token


@transactional
def revoke_token(token_id: int, *, actor: User) -> ApiToken:
    """Revoke one of the actor's tokens. Raises NotFound for someone else's token."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.id:
        raise NotFound(f"token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def user_for_token(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown, revoked or orphaned token."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.is_revoked or not token.user.is_active:
        return None
    now = utcnow()
    if _last_use_is_stale(token.last_used_at, now):
        token.last_used_at = now
        db.session.commit()
    return token.user


def _last_use_is_stale(last_used: datetime | None, now: datetime) -> bool:
    """Whether `last_used_at` is worth a write: the account page shows the day a token was last used, so a
    write at most every few minutes keeps it true without making every API read a database write."""
    if last_used is None:
        return True
    if last_used.tzinfo is None:  # SQLite hands back naive UTC
        last_used = last_used.replace(tzinfo=UTC)
    return now - last_used > TOKEN_USE_GRANULARITY


def list_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(
        db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc()))
    )
