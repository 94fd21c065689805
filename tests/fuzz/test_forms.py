"""Every HTML form, fuzzed: never a server error; a refusal says why and saves nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact_tracker import create_app

from ..conftest import _config
from . import world
from .conftest import FUZZ
from .html_forms import shows_error
from .pages import assert_refused_cleanly, forms_for, rule_for, submit, watched
from .strategies import form_payload

# Routes the fuzzer leaves alone, and why. Keep this short: every other POST route is fuzzed.
NOT_FUZZED = {
    "auth.logout": "takes no input, and would sign out the session the other routes are fuzzed with",
}
# Routes fuzzed as someone signed out, because that is who uses them.
SIGNED_OUT = {"auth.login"}
# Two-step flows whose first step answers 200 with a preview to confirm: nothing is saved (checked below).
PREVIEW_STEPS = {"measures.paste", "measures.upload", "capability.records_upload"}
# Routes whose success is a page rather than a redirect, because it shows a secret once (a token, a password).
SHOWN_ONCE = {"auth.account_tokens_new", "orgs.people_new"}
EXAMPLES = 8


def _post_rules():
    app = create_app(_config())
    return [rule for rule in app.url_map.iter_rules()
            if "POST" in rule.methods and not rule.endpoint.startswith("api.")]


POST_RULES = _post_rules()
POST_ENDPOINTS = sorted({rule.endpoint for rule in POST_RULES} - set(NOT_FUZZED))


def test_every_post_route_is_fuzzed_or_listed_with_a_reason():
    """A new POST route is fuzzed automatically once the fuzzer can fill in its URL; until then this fails."""
    unknown = [rule.rule for rule in POST_RULES
               if rule.endpoint not in NOT_FUZZED and not world.can_resolve(rule)]
    assert unknown == [], "add a resolver to tests/fuzz/world.py for these routes' URL arguments"
    assert set(NOT_FUZZED) <= {rule.endpoint for rule in POST_RULES}, "NOT_FUZZED names a route that is gone"


@pytest.mark.parametrize("endpoint", POST_ENDPOINTS)
def test_junk_in_a_form_is_refused_clearly_and_saves_nothing(endpoint, fuzz_app, lead_client):
    rule = rule_for(fuzz_app, endpoint)
    client = fuzz_app.test_client() if endpoint in SIGNED_OUT else lead_client
    page = {}  # the forms as last read; read again after an accepted post, which may have changed them

    @settings(FUZZ, max_examples=EXAMPLES)
    @given(data=st.data())
    def post_junk(data):
        if not page:
            page["forms"] = forms_for(fuzz_app, client, rule)
        form = data.draw(st.sampled_from(page["forms"]), label="form")
        pairs = data.draw(form_payload(form), label="posted")
        answer = watched(fuzz_app, lambda: submit(client, form, pairs))
        if _accepted(endpoint, answer):
            page.clear()
            return
        no_message_needed = endpoint in PREVIEW_STEPS or _adds_a_row(pairs)
        assert_refused_cleanly(fuzz_app, answer, preview_allowed=no_message_needed)

    post_junk()


def _adds_a_row(pairs) -> bool:
    """An "Add another ..." button: the answer is the same form with one more row, and nothing saved."""
    return any(name == "action" and str(value).startswith("add_") for name, value in pairs)


def _accepted(endpoint: str, answer) -> bool:
    response = answer.response
    shown_once = endpoint in SHOWN_ONCE and response.status_code == 200 and not shows_error(response.get_data())
    return answer.accepted or shown_once
