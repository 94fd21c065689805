"""The API blueprint and how each call is authenticated."""

from __future__ import annotations

from flask import Blueprint, current_app, g, request
from flask_login import current_user

from ..auth.services import user_for_token
from ..core.problems import problem
from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token calls need no CSRF token; session calls are checked in authenticate()

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PUBLIC_ENDPOINTS = frozenset({"api.openapi_document"})


def api_user():
    """The user this API call acts as: the token's owner, or the signed-in browser user."""
    return g.api_user


@bp.before_request
def authenticate():
    """401 without a valid token or session; CSRF for unsafe calls that ride on the browser session.

    A bearer token, when sent, decides alone: a bad token is a 401 even with a session cookie present.
    """
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        g.api_user = user_for_token(header[7:].strip())
    else:
        g.api_user = current_user._get_current_object() if current_user.is_authenticated else None
        if g.api_user is not None and request.method in UNSAFE_METHODS and current_app.config["WTF_CSRF_ENABLED"]:
            csrf.protect()
    if g.api_user is None:
        return problem(401, "Sign in, or send a valid API token as 'Authorization: Bearer <token>'.")
    return None
