"""Giving an account a password from the command line (imported accounts arrive without one)."""

from __future__ import annotations

from ...core.database import transactional
from ...orgs.models import User
from ...orgs.queries import get_user_by_email
from ...orgs.services import check_password_policy
from .exportfile import TransferError


@transactional
def give_password(email: str, password: str) -> User:
    """Set a temporary password that the person must change when they first sign in.

    Raises TransferError when no account has the email, DomainError when the password breaks the policy.
    """
    user = get_user_by_email(email)
    if user is None:
        raise TransferError(f"No account has the email {email}.")
    check_password_policy(password, email=user.email)
    user.set_password(password)
    user.must_change_password = True
    return user
