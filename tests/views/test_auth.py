"""Signing in and out, the sign-in guard, password changes and API tokens in the account page."""

from __future__ import annotations

import pytest
from flask import url_for

from impact_tracker.auth.models import ApiToken
from impact_tracker.core.permissions import Role
from impact_tracker.extensions import db

from .. import factories
from ..conftest import field_error, get_page, page_text, post_form

WRONG = "The email address or password is not right"


def test_sign_in_page_renders_with_its_form(client):
    soup = get_page(client, "auth.login")
    assert soup.h1.get_text(strip=True) == "Sign in to IMPACT Tracker"
    assert soup.find("input", {"name": "email"}) and soup.find("input", {"name": "password"})


def test_a_user_signs_in_and_lands_on_the_home_page_with_their_organisation_in_the_header(client, member):
    response = post_form(client, "auth.login", {"email": member.email, "password": factories.PASSWORD},
                         _expected_status=302)
    assert response.headers["Location"] == "/"
    home = page_text(client.get("/"))
    assert "Fran Frontline" in home and "Riverside Hospitals NHS Trust" in home


def test_email_is_case_insensitive_at_sign_in(client, member):
    post_form(client, "auth.login", {"email": member.email.upper(), "password": factories.PASSWORD},
              _expected_status=302)


@pytest.mark.parametrize("email, password", [
    ("user-that-does-not-exist@trust.example", factories.PASSWORD),
    (None, "wrong-password-entirely"),
])
def test_wrong_email_and_wrong_password_get_the_same_message(client, member, email, password):
    response = post_form(client, "auth.login", {"email": email or member.email, "password": password})
    assert WRONG in page_text(response)
    assert "does not exist" not in page_text(response)


def test_a_deactivated_user_cannot_sign_in_and_is_not_told_why(client, org):
    user = factories.make_user(org, active=False)
    response = post_form(client, "auth.login", {"email": user.email, "password": factories.PASSWORD})
    assert WRONG in page_text(response)


def test_empty_sign_in_shows_an_error_beside_each_field(client):
    response = post_form(client, "auth.login", {"email": "", "password": ""})
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert field_error(soup, "email") == "Enter your email address"
    assert field_error(soup, "password") == "Enter your password"
    assert soup.find(class_="nhsuk-error-summary")


def test_sign_in_follows_a_local_next_but_never_another_site(client, member):
    data = {"email": member.email, "password": factories.PASSWORD}
    response = client.post(url_for("auth.login", next="https://evil.example/phish"), data=data)
    assert response.headers["Location"] == "/"
    client.post(url_for("auth.logout"))
    response = client.post(url_for("auth.login", next="/account"), data=data)
    assert response.headers["Location"] == "/account"


def test_sign_out_ends_the_session(client, login_as, member):
    login_as(member)
    response = client.post(url_for("auth.logout"))
    assert response.status_code == 302
    assert client.get("/").headers["Location"].startswith("/sign-in")


def test_sign_out_is_post_only(client, login_as, member):
    login_as(member)
    assert client.get(url_for("auth.logout")).status_code == 405


def test_a_user_deactivated_while_signed_in_loses_access(client, login_as, member):
    login_as(member)
    member.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def _public(endpoint: str) -> bool:
    return endpoint in {"auth.login", "home.healthz", "static", "nhsuk_assets"} or endpoint.startswith("api.")


def test_every_page_but_sign_in_health_and_static_needs_a_signed_in_user(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if _public(rule.endpoint):
            continue
        url = rule.rule.replace("<int:", "<").replace("<", "").replace(">", "")
        url = "/".join("1" if part.endswith("_id") else part for part in url.split("/"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url}"
            assert response.headers["Location"].startswith("/sign-in"), f"{method} {url}"
            checked += 1
    assert checked >= 10


def test_a_temporary_password_must_be_changed_before_anything_else(client, login_as, org):
    user = factories.make_user(org, must_change_password=True)
    login_as(user)
    assert client.get("/").headers["Location"] == url_for("auth.change_password", _external=False)


class TestChangePassword:
    def test_anonymous_is_sent_to_sign_in(self, client):
        assert client.get(url_for("auth.change_password")).headers["Location"].startswith("/sign-in")

    def test_the_form_renders(self, client, login_as, member):
        login_as(member)
        soup = get_page(client, "auth.change_password")
        assert soup.h1.get_text(strip=True) == "Change your password"

    @pytest.mark.parametrize("current, new, confirm, field, message", [
        ("not-my-password", "a-brand-new-passphrase", "a-brand-new-passphrase", "current_password",
         "Your current password is not right"),
        (factories.PASSWORD, "short", "short", "new_password", "Password must be at least 12 characters long"),
        (factories.PASSWORD, "a-brand-new-passphrase", "something-else-here", "confirm_password",
         "The two new passwords do not match"),
        (factories.PASSWORD, factories.PASSWORD, factories.PASSWORD, "new_password",
         "Choose a password different from your current one"),
    ])
    def test_bad_input_is_shown_beside_the_field_and_nothing_changes(self, client, login_as, member, current,
                                                                      new, confirm, field, message):
        login_as(member)
        before = member.password_hash
        response = post_form(client, "auth.change_password",
                             {"current_password": current, "new_password": new, "confirm_password": confirm})
        from bs4 import BeautifulSoup

        assert field_error(BeautifulSoup(response.get_data(as_text=True), "html.parser"), field) == message
        db.session.refresh(member)
        assert member.password_hash == before

    def test_a_good_change_lets_the_user_sign_in_with_the_new_password(self, client, login_as, org):
        user = factories.make_user(org, must_change_password=True)
        login_as(user)
        post_form(client, "auth.change_password", {"current_password": factories.PASSWORD,
                                                   "new_password": "river-kettle-lantern-9",
                                                   "confirm_password": "river-kettle-lantern-9"},
                  _expected_status=302)
        db.session.refresh(user)
        assert not user.must_change_password
        assert user.check_password("river-kettle-lantern-9")
        assert client.get("/").status_code == 200


class TestApiTokens:
    def test_anonymous_cannot_create_a_token(self, client):
        response = client.post(url_for("auth.account_tokens_new"), data={"name": "x"})
        assert response.headers["Location"].startswith("/sign-in")

    def test_account_page_lists_the_users_details(self, client, login_as, member):
        login_as(member)
        soup = get_page(client, "auth.account")
        assert "Frontline staff" in soup.get_text()

    def test_a_token_without_a_name_is_refused_and_nothing_is_saved(self, client, login_as, member):
        login_as(member)
        response = post_form(client, "auth.account_tokens_new", {"name": ""})
        from bs4 import BeautifulSoup

        assert field_error(BeautifulSoup(response.get_data(as_text=True), "html.parser"), "name") == \
            "Enter a name for the token"
        assert db.session.query(ApiToken).count() == 0

    def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(self, client, login_as, member):
        login_as(member)
        response = post_form(client, "auth.account_tokens_new", {"name": "Warehouse feed"})
        from bs4 import BeautifulSoup

        raw = BeautifulSoup(response.get_data(as_text=True), "html.parser").find(id="new-token").get_text()
        token = db.session.query(ApiToken).one()
        assert raw.startswith("itk_") and token.token_hash != raw and raw not in token.token_hash
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
        assert raw not in client.get(url_for("auth.account")).get_data(as_text=True)

    def test_revoking_a_token_stops_it_working(self, client, login_as, member):
        from impact_tracker.auth.services import create_token

        raw, token = create_token(member, "Old feed")
        login_as(member)
        post_form(client, "auth.account_tokens_revoke", {}, token_id=token.id, _expected_status=302)
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401

    def test_someone_elses_token_cannot_be_revoked(self, client, login_as, member, org):
        from impact_tracker.auth.services import create_token

        other = factories.make_user(org, Role.COACH)
        _, token = create_token(other, "Theirs")
        login_as(member)
        post_form(client, "auth.account_tokens_revoke", {}, token_id=token.id, _expected_status=404)
        db.session.refresh(token)
        assert token.revoked_at is None


@pytest.fixture
def real_limits(app):
    from impact_tracker.config import BaseConfig
    from impact_tracker.extensions import limiter

    app.config["IMPACT_SIGN_IN_LIMIT_PER_ACCOUNT"] = BaseConfig.IMPACT_SIGN_IN_LIMIT_PER_ACCOUNT
    app.config["IMPACT_SIGN_IN_LIMIT_PER_ADDRESS"] = BaseConfig.IMPACT_SIGN_IN_LIMIT_PER_ADDRESS
    limiter.reset()
    yield
    limiter.reset()


def test_repeated_wrong_passwords_for_one_account_are_throttled_whatever_the_address(real_limits, client, member):
    for attempt in range(5):
        address = {"REMOTE_ADDR": f"10.0.0.{attempt}"}
        response = client.post(url_for("auth.login"), data={"email": member.email, "password": "wrong-guess"},
                               environ_base=address)
        assert response.status_code == 200
    response = client.post(url_for("auth.login"), data={"email": member.email.upper(), "password": factories.PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    other = factories.make_user(member.organisation)
    assert client.post(url_for("auth.login"), data={"email": other.email, "password": factories.PASSWORD},
                       environ_base={"REMOTE_ADDR": "10.0.0.99"}).status_code == 302


def test_one_address_trying_many_accounts_is_throttled(real_limits, client, org):
    for n in range(30):
        client.post(url_for("auth.login"), data={"email": f"guess{n}@trust.example", "password": "x"})
    assert client.post(url_for("auth.login"), data={"email": "another@trust.example", "password": "x"}).status_code \
        == 429


def test_successful_sign_ins_do_not_count_towards_the_limit(real_limits, client, member):
    for _ in range(7):
        assert client.post(url_for("auth.login"), data={"email": member.email,
                                                        "password": factories.PASSWORD}).status_code == 302
        client.post(url_for("auth.logout"))
