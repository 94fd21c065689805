"""GET /api/v1/me: who the caller is."""

from __future__ import annotations

from flask import jsonify

from .blueprint import api_user, bp
from .openapi import documented
from .serialisers.orgs import me_to_dict


@bp.get("/me")
@documented(response="Me")
def me():
    """The caller: id, email, name, organisation and roles."""
    return jsonify(me_to_dict(api_user()))
