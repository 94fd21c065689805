"""Who gets what: one entry per endpoint in the app's URL map, checked by tests/test_access_matrix.py.

Each entry names the HTTP methods the rule accepts, how to build its URL values from one organisation's objects
(`Side`, see world.py; `new` makes throwaway rows for cases that delete), and a Rule: what each class of role gets
on the first organisation's object ("own") and on the other organisation's ("other"). The other organisation
is in another system and another region, so only a national administrator's scope reaches it.

Outcomes: "ok" means not refused by access control (200, 201, 204, 302 anywhere but the sign-in page, 400, 409 or
422: an empty or minimal body is refused for its content, after the permission check); "403" and "404" are
refusals. Anonymous callers are sent to sign in (pages) or get a 401 problem document (the API) unless an entry
says otherwise. Every method of an entry gets the same rule.

Choices where the status could be argued, following what the rest of the app (and its tests) already do:
- Another organisation's object is a 404, never a 403, so its existence is not revealed; a 403 only ever
  answers for an object the user can see.
- Viewers and national administrators belong to no organisation. Pages about "my organisation" (people, units,
  audit, capability) are a 404 for them (`own_organisation_or_404`: there is no such organisation), as is
  registering a project (projects.new, pinned by tests/views/test_projects.py); recording a walk, starting a
  self-assessment and the API's create calls are a 403 (a page they can see but may not use).
- Self-assessments are the organisation's own: everyone outside it, national administrators included, sees only
  final assessments shared with the system (read-only, so 403 on anything else) and gets a 404 for drafts.
- API tokens are personal: revoking anyone else's is a 404, whatever the role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from impact_tracker.core.permissions import Role

# The classes of role the rules distinguish; the four contributing roles share one column.
COLUMN = {
    Role.FRONTLINE: "contributor", Role.PROJECT_LEAD: "contributor", Role.COACH: "contributor",
    Role.EXECUTIVE: "contributor", Role.IMPROVEMENT_LEAD: "lead", Role.SYSTEM_VIEWER: "system",
    Role.REGION_VIEWER: "region", Role.NATIONAL_ADMIN: "national",
}


@dataclass(frozen=True)
class Rule:
    """Outcomes per column: "own other" for an endpoint about an organisation's object, one word otherwise."""

    contributor: str
    lead: str
    system: str
    region: str
    national: str

    @property
    def scoped(self) -> bool:
        return len(self.contributor.split()) == 2

    def outcome(self, role: Role, side: str) -> str:
        cells = getattr(self, COLUMN[role]).split()
        return cells[1] if side == "other" else cells[0]


def everyone(outcome: str) -> Rule:
    return Rule(outcome, outcome, outcome, outcome, outcome)


# Objects, through get_for_user_or_404 with VIEW, CONTRIBUTE or MANAGE_ORGANISATION.
VIEW = Rule(contributor="ok 404", lead="ok 404", system="ok 404", region="ok 404", national="ok ok")
CONTRIBUTE = Rule(contributor="ok 404", lead="ok 404", system="403 404", region="403 404", national="403 403")
MANAGE = Rule(contributor="403 404", lead="ok 404", system="403 404", region="403 404", national="ok ok")
# Self-assessments: a draft is for insiders only; a shared final is read by viewers in scope, changed by insiders.
DRAFT_CONTRIBUTE = Rule(contributor="ok 404", lead="ok 404", system="404 404", region="404 404",
                        national="404 404")
DRAFT_MANAGE = Rule(contributor="403 404", lead="ok 404", system="404 404", region="404 404", national="404 404")
SHARED_MANAGE = Rule(contributor="403 404", lead="ok 404", system="403 404", region="403 404",
                     national="403 403")
# Things that belong to a person (API tokens) or need an organisation of one's own (the tablets' walk PUT).
PERSONAL = everyone("ok 404")
WALK_PUT = Rule(contributor="ok 404", lead="ok 404", system="403 403", region="403 403", national="403 403")
# Portfolio roll-ups, by code: a system's viewers, its region's viewers and national administrators.
SYSTEM_ROLLUP = Rule(contributor="404 404", lead="404 404", system="ok 404", region="ok 404", national="ok ok")
REGION_ROLLUP = Rule(contributor="404 404", lead="404 404", system="404 404", region="ok 404", national="ok ok")

# Pages with no object in the URL.
SIGNED_IN = everyone("ok")
NATIONAL_ONLY = Rule(contributor="404", lead="404", system="404", region="404", national="ok")
MANAGE_OWN = Rule(contributor="403", lead="ok", system="404", region="404", national="404")
REGISTER_PROJECT = Rule(contributor="ok", lead="ok", system="404", region="404", national="404")
IN_AN_ORGANISATION = Rule(contributor="ok", lead="ok", system="403", region="403", national="403")
START_ASSESSMENT = Rule(contributor="403", lead="ok", system="403", region="403", national="403")

Values = dict | Callable


@dataclass(frozen=True)
class Entry:
    methods: str
    rule: Rule
    values: Values = field(default_factory=dict)
    anonymous: str | None = None  # None: sign-in for pages, 401 for the API
    body: dict | None = None  # JSON for the API, form fields for a page's unsafe methods (else an empty body)


def _project(s, new):
    return {"project_id": s.project}


def _measure(s, new):
    return {"measure_id": s.measure}


def _cycle(s, new):
    return {"cycle_id": s.cycle}


def _final(s, new):
    return {"assessment_id": s.final}


def _draft(s, new):
    return {"assessment_id": s.draft}


def _org(s, new):
    return {"code": s.org_code}


def _system(s, new):
    return {"code": s.system_code}


def _region(s, new):
    return {"code": s.region_code}


TABLE: dict[str, Entry] = {
    # Public: the sign-in page, the health check, the NHS.UK assets and the API's description.
    "auth.login": Entry("GET POST", SIGNED_IN, anonymous="ok"),
    "home.healthz": Entry("GET", SIGNED_IN, anonymous="ok"),
    "nhsuk_assets": Entry("GET", SIGNED_IN, {"filename": "images/favicon.ico"}, anonymous="ok"),
    "api.openapi_document": Entry("GET", SIGNED_IN, anonymous="ok"),
    # Everyone signed in.
    "home.index": Entry("GET", SIGNED_IN),
    "home.about": Entry("GET", SIGNED_IN),
    "auth.logout": Entry("POST", SIGNED_IN),
    "auth.account": Entry("GET", SIGNED_IN),
    "auth.change_password": Entry("GET POST", SIGNED_IN),
    "auth.account_tokens_new": Entry("POST", SIGNED_IN),
    "auth.account_tokens_revoke": Entry("POST", PERSONAL, lambda s, new: {"token_id": new.token(s)}),
    "projects.index": Entry("GET", SIGNED_IN),
    "gemba.index": Entry("GET", SIGNED_IN),
    "gemba.my_actions": Entry("GET", SIGNED_IN),
    "gemba.service_worker": Entry("GET", SIGNED_IN),
    "assessment.index": Entry("GET", SIGNED_IN),
    "portfolio.index": Entry("GET", SIGNED_IN),  # a redirect to the role's own level
    # People and units: the organisation improvement lead (and a national administrator, by id).
    "orgs.people": Entry("GET", MANAGE_OWN),
    "orgs.people_new": Entry("GET POST", MANAGE_OWN),
    "orgs.people_edit": Entry("GET POST", MANAGE, lambda s, new: {"user_id": s.person}),
    "orgs.people_active": Entry("POST", MANAGE, lambda s, new: {"user_id": s.person}),
    "orgs.units": Entry("GET", MANAGE_OWN),
    "orgs.units_new": Entry("GET POST", MANAGE_OWN),
    "orgs.units_edit": Entry("GET POST", MANAGE, lambda s, new: {"unit_id": s.unit}),
    "orgs.audit": Entry("GET", MANAGE_OWN),
    # Projects.
    "projects.new": Entry("GET POST", REGISTER_PROJECT),
    "projects.detail": Entry("GET", VIEW, _project),
    "projects.edit": Entry("GET POST", CONTRIBUTE, _project),
    "projects.progress": Entry("GET POST", CONTRIBUTE, _project),
    "projects.team_add": Entry("POST", CONTRIBUTE, _project),
    "projects.team_remove": Entry("POST", CONTRIBUTE,
                                  lambda s, new: {"project_id": s.project, "member_id": new.team_member(s)}),
    "projects.drivers_new": Entry("GET POST", CONTRIBUTE, _project),
    "projects.drivers_edit": Entry("GET POST", CONTRIBUTE,
                                   lambda s, new: {"project_id": s.project, "driver_id": s.driver}),
    "projects.drivers_delete": Entry("POST", CONTRIBUTE,
                                     lambda s, new: {"project_id": s.project, "driver_id": new.driver(s)}),
    "projects.change_ideas_new": Entry("GET POST", CONTRIBUTE, _project),
    "projects.change_ideas_edit": Entry("GET POST", CONTRIBUTE,
                                        lambda s, new: {"project_id": s.project, "idea_id": s.idea}),
    # Archiving (what deleting a project does) and restoring, on throwaway projects.
    "projects.archive": Entry("GET POST", CONTRIBUTE, lambda s, new: {"project_id": new.project(s)}),
    "projects.archived": Entry("GET", MANAGE_OWN),
    # An empty version field, as a browser sends one (with no field at all the form reads the version as an int).
    "projects.restore": Entry("GET POST", MANAGE, lambda s, new: {"project_id": new.project(s, archived=True)},
                              body={"version": ""}),
    # PDSA cycles (the cycle is at Plan: the other stages redirect to it, which is allowed).
    "pdsa.new_cycle": Entry("GET POST", CONTRIBUTE, _project),
    "pdsa.detail": Entry("GET", VIEW, _cycle),
    "pdsa.plan": Entry("GET POST", CONTRIBUTE, _cycle),
    "pdsa.do": Entry("GET POST", CONTRIBUTE, _cycle),
    "pdsa.study": Entry("GET POST", CONTRIBUTE, _cycle),
    "pdsa.act": Entry("GET POST", CONTRIBUTE, _cycle),
    "pdsa.next_cycle": Entry("POST", CONTRIBUTE, _cycle),
    # Measures and their data.
    "measures.new_measure": Entry("GET POST", CONTRIBUTE, _project),
    "measures.detail": Entry("GET", VIEW, _measure),
    "measures.chart_svg": Entry("GET", VIEW, _measure),
    "measures.chart_png": Entry("GET", VIEW, _measure),
    "measures.download": Entry("GET", VIEW, _measure),
    "measures.edit_measure": Entry("GET POST", CONTRIBUTE, _measure),
    "measures.add_point": Entry("POST", CONTRIBUTE, _measure),
    "measures.paste": Entry("GET POST", CONTRIBUTE, _measure),
    "measures.upload": Entry("GET POST", CONTRIBUTE, _measure),
    "measures.rebase": Entry("POST", CONTRIBUTE, _measure),
    "measures.delete_point": Entry("GET POST", CONTRIBUTE,
                                   lambda s, new: {"measure_id": s.scratch_measure, "point_id": new.point(s)}),
    "measures.delete_rebase": Entry("GET POST", CONTRIBUTE,
                                    lambda s, new: {"measure_id": s.scratch_measure, "rebase_id": new.rebase(s)}),
    # Gemba walks.
    "gemba.new": Entry("GET POST", IN_AN_ORGANISATION),
    "gemba.detail": Entry("GET", VIEW, lambda s, new: {"walk_id": s.walk}),
    "gemba.take_forward": Entry("GET POST", CONTRIBUTE, lambda s, new: {"walk_id": s.walk}),
    "gemba.action": Entry("GET POST", CONTRIBUTE, lambda s, new: {"action_id": s.walk_action}),
    # Self-assessment: reading uses the shared final assessment, answering the draft.
    "assessment.new": Entry("GET POST", START_ASSESSMENT),
    "assessment.detail": Entry("GET", VIEW, _final),  # outsiders are redirected to the results
    "assessment.results": Entry("GET", VIEW, _final),
    "assessment.export": Entry("GET", CONTRIBUTE, _final),  # evidence stays in the organisation
    "assessment.new_action": Entry("GET POST", SHARED_MANAGE, _final),
    "assessment.edit_action": Entry("GET POST", SHARED_MANAGE,
                                    lambda s, new: {"assessment_id": s.final, "action_id": s.plan_item}),
    "assessment.component": Entry("GET", DRAFT_CONTRIBUTE,
                                  lambda s, new: {"assessment_id": s.draft, "component_id": s.component}),
    "assessment.respond": Entry("POST", DRAFT_CONTRIBUTE,
                                lambda s, new: {"assessment_id": s.draft, "response_id": s.draft_response}),
    "assessment.finalise": Entry("GET POST", DRAFT_MANAGE, _draft),
    "assessment.sharing": Entry("GET POST", DRAFT_MANAGE, _draft),
    # Capability: the organisation improvement lead's records.
    "capability.index": Entry("GET", MANAGE_OWN),
    "capability.tiers": Entry("GET", MANAGE_OWN),
    "capability.tiers_new": Entry("GET POST", MANAGE_OWN),
    "capability.tiers_edit": Entry("GET POST", MANAGE, lambda s, new: {"tier_id": s.tier}),
    "capability.tiers_move": Entry("POST", MANAGE, lambda s, new: {"tier_id": s.tier}),
    "capability.records": Entry("GET", MANAGE_OWN),
    "capability.records_new": Entry("GET POST", MANAGE_OWN),
    "capability.records_upload": Entry("GET POST", MANAGE_OWN),
    "capability.records_delete": Entry("GET POST", MANAGE, lambda s, new: {"record_id": new.record(s)}),
    "capability.headcount": Entry("GET POST", MANAGE_OWN),
    "capability.posts": Entry("GET", MANAGE_OWN),
    "capability.posts_new": Entry("GET POST", MANAGE_OWN),
    "capability.posts_edit": Entry("GET POST", MANAGE, lambda s, new: {"post_id": s.post}),
    # Portfolio: an organisation for whoever may see it; roll-ups for the roles whose scope covers them.
    "portfolio.organisation": Entry("GET", VIEW, _org),
    "portfolio.organisation_export": Entry("GET", VIEW, lambda s, new: {"code": s.org_code, "table": "projects"}),
    "portfolio.system": Entry("GET", SYSTEM_ROLLUP, _system),
    "portfolio.system_export": Entry("GET", SYSTEM_ROLLUP, _system),
    "portfolio.region": Entry("GET", REGION_ROLLUP, _region),
    "portfolio.region_export": Entry("GET", REGION_ROLLUP, _region),
    "portfolio.national": Entry("GET", NATIONAL_ONLY),
    "portfolio.national_export": Entry("GET", NATIONAL_ONLY),
    # The API, with each role's bearer token.
    "api.me": Entry("GET", SIGNED_IN),
    "api.projects_list": Entry("GET", SIGNED_IN),
    "api.projects_create": Entry("POST", IN_AN_ORGANISATION),
    "api.projects_get": Entry("GET", VIEW, _project),
    "api.projects_update": Entry("PATCH", CONTRIBUTE, _project),
    "api.projects_delete": Entry("DELETE", CONTRIBUTE, lambda s, new: {"project_id": new.project(s)}),
    "api.list_cycles": Entry("GET", VIEW, _project),
    "api.create_cycle": Entry("POST", CONTRIBUTE, _project),
    "api.get_cycle": Entry("GET", VIEW, _cycle),
    "api.patch_cycle": Entry("PATCH", CONTRIBUTE, _cycle),
    "api.measures_list": Entry("GET", VIEW, _project),
    "api.measures_create": Entry("POST", CONTRIBUTE, _project),
    "api.measures_get": Entry("GET", VIEW, _measure),
    "api.measures_update": Entry("PATCH", CONTRIBUTE, _measure),
    "api.points_list": Entry("GET", VIEW, _measure),
    "api.points_upsert": Entry("PUT", CONTRIBUTE, _measure),
    "api.measure_analysis": Entry("GET", VIEW, _measure),
    "api.list_walks": Entry("GET", SIGNED_IN),
    # A minimal walk under an existing walk's id: a 409 (stale) for its own organisation, a 404 for another's.
    "api.put_walk": Entry("PUT", WALK_PUT, lambda s, new: {"client_uuid": s.walk_uuid}, body={"date": "2026-01-05"}),
    "api.list_self_assessments": Entry("GET", SIGNED_IN),
    "api.get_self_assessment": Entry("GET", VIEW, _final),
    "api.organisation_portfolio": Entry("GET", VIEW, _org),
    "api.system_portfolio": Entry("GET", SYSTEM_ROLLUP, _system),
}

# Rules in the URL map that the matrix leaves out, and why.
SKIPPED = {
    "static": "Flask's own static files (CSS, scripts, icons): public by design, hold no data, and are served by "
              "the web server in production",
}
