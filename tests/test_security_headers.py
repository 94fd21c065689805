"""Every response carries the security headers; scripts run only with this response's nonce."""

from __future__ import annotations

import re

from impact_tracker.config import ProductionConfig


def test_pages_send_a_strict_script_policy_and_the_hardening_headers(client):
    response = client.get("/sign-in")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_the_pages_inline_script_carries_the_responses_nonce(client):
    response = client.get("/sign-in")
    nonce = re.search(r"'nonce-([^']+)'", response.headers["Content-Security-Policy"]).group(1)
    html = response.get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline and all(f'nonce="{nonce}"' in attributes for attributes in inline)
    assert client.get("/sign-in").headers["Content-Security-Policy"] != response.headers["Content-Security-Policy"]


def test_api_and_health_responses_carry_the_headers_too(client):
    for url in ("/healthz", "/api/v1/me", "/api/v1/openapi.json"):
        assert client.get(url).headers["X-Content-Type-Options"] == "nosniff", url


def test_https_requests_get_hsts(client):
    response = client.get("/sign-in", base_url="https://impact.test")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_session_cookies_are_secure_http_only_and_lax():
    assert ProductionConfig.SESSION_COOKIE_SECURE and ProductionConfig.REMEMBER_COOKIE_SECURE
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
