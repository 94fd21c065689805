"""Security headers on every response: a nonce-based Content Security Policy and the usual hardening."""

from __future__ import annotations

import secrets

from flask import Flask, g, request

# Scripts only from this site or with this response's nonce; no inline event handlers, no eval. Styles may be
# inline because the server-drawn SVG charts carry style attributes.
CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' https://assets.nhs.uk; connect-src 'self'; worker-src 'self'; "
    "manifest-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def csp_nonce() -> str:
    """This response's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _new_nonce() -> None:
    # A fresh nonce per request, even when several requests share an application context (as in tests).
    g.csp_nonce = secrets.token_urlsafe(16)


def register_security_headers(app: Flask) -> None:
    """Add the headers to every response and expose csp_nonce() to templates."""
    app.add_template_global(csp_nonce)
    app.before_request(_new_nonce)

    @app.after_request
    def secure_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
