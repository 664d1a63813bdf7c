"""What a screen writes, the API can write too.

``SCREEN_TO_API`` names, for every screen operation that writes, the API operation that
does the same (through the same service and policy). ``SCREEN_ONLY`` lists the screens
that handle POST and have no API counterpart, each with the reason. A new screen that
handles POST must land in one of the two, so a gap is a decision someone wrote down.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Iterator
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse

API = "/api/v1"

#: Screen URL name -> (HTTP method, API path) of the API operation that does the same.
SCREEN_TO_API: dict[str, tuple[str, str]] = {
    # accounts and roles ("People and roles")
    "accounts:person_create": ("POST", "/people"),
    "accounts:person": ("POST", "/people/{user_id}/roles"),
    "accounts:role_revoke": ("DELETE", "/people/roles/{assignment_id}"),
    "accounts:person_set_active": ("PUT", "/people/{user_id}/active"),
    "api_token_revoke": ("DELETE", "/auth/tokens/{token_id}"),
    # the bell (notifications)
    "notifications:read": ("POST", "/notifications/read"),
    "notifications:preferences": ("PATCH", "/notifications/preferences"),
    # units
    "units:create_child": ("POST", "/units"),
    "units:edit": ("PATCH", "/units/{unit_id}"),
    "units:move": ("PATCH", "/units/{unit_id}"),  # sending parent_id moves the subtree
    "units:publicity": ("PUT", "/units/{unit_id}/public"),
    "units:type_create": ("POST", "/unit-types"),
    "units:type_edit": ("PATCH", "/unit-types/{unit_type_id}"),
    # clusters
    "clusters:create": ("POST", "/clusters"),
    "clusters:edit": ("PATCH", "/clusters/{cluster_id}"),
    "clusters:member_add": ("POST", "/clusters/{cluster_id}/members"),
    "clusters:member_end": ("POST", "/clusters/{cluster_id}/members/{membership_id}/end"),
    "clusters:leader_set": ("POST", "/clusters/{cluster_id}/leaders"),
    # bodies
    "bodies:create": ("POST", "/bodies"),
    "bodies:edit": ("PATCH", "/bodies/{body_id}"),
    "bodies:term_add": ("POST", "/bodies/{body_id}/terms"),
    "bodies:member_add": ("POST", "/bodies/{body_id}/members"),
    "bodies:member_end": ("POST", "/bodies/{body_id}/members/{member_id}/end"),
    # campaigns
    "campaigns:create": ("POST", "/campaigns"),
    "campaigns:edit": ("PATCH", "/campaigns/{campaign_id}"),
    "campaigns:transition": ("POST", "/campaigns/{campaign_id}/transition"),
    "campaigns:publicity": ("PUT", "/campaigns/{campaign_id}/public"),
    "campaigns:phase_add": ("POST", "/campaigns/{campaign_id}/phases"),
    "campaigns:review_point_add": ("POST", "/campaigns/{campaign_id}/review-points"),
    "campaigns:review_point_open": (
        "POST",
        "/campaigns/{campaign_id}/review-points/{review_point_id}/open",
    ),
    "campaigns:participant_add": ("POST", "/campaigns/{campaign_id}/participants"),
    "campaigns:cluster_join": ("POST", "/campaigns/{campaign_id}/clusters/{cluster_id}/join"),
    "campaigns:registration": ("PUT", "/campaigns/{campaign_id}/registrations"),
    "campaigns:amendment_request": ("POST", "/campaigns/{campaign_id}/amendments"),
    "campaigns:amendment_decide": (
        "POST",
        "/campaigns/{campaign_id}/amendments/{amendment_id}/decide",
    ),
    "campaigns:pact_sign": ("POST", "/campaigns/{campaign_id}/clusters/{cluster_id}/pact"),
    # scoring
    "scoring:table_create": ("POST", "/scoring-tables"),
    "scoring:criterion_add": ("POST", "/scoring-tables/{table_id}/criteria"),
    "scoring:criterion_edit": ("PATCH", "/criteria/{criterion_id}"),
    "scoring:table_adopt": ("POST", "/scoring-tables/{table_id}/adopt"),
    "scoring:table_clone": ("POST", "/scoring-tables/{table_id}/clone"),
    "scoring:inspections": ("POST", "/review-points/{review_point_id}/inspections"),
    "scoring:inspection_rotation": (
        "POST",
        "/review-points/{review_point_id}/inspections/rotation",
    ),
    "scoring:publish": ("POST", "/review-points/{review_point_id}/publish"),
    "scoring:item_report": ("POST", "/score-items/{item_id}/report"),
    "scoring:item_submit": ("POST", "/score-items/{item_id}/submit"),
    "scoring:item_inspect": ("POST", "/score-items/{item_id}/inspect"),
    "scoring:item_review": ("POST", "/score-items/{item_id}/review"),
    "scoring:item_finalize": ("POST", "/score-items/{item_id}/finalize"),
    "scoring:item_return": ("POST", "/score-items/{item_id}/return"),
    "scoring:queue_bulk": ("POST", "/score-items/bulk"),
    "profile": ("PATCH", "/auth/profile"),
    "scoring:item_answer": ("POST", "/score-items/{item_id}/answer"),
    "scoring:evidence_upload": ("POST", "/score-items/{item_id}/evidence"),
    # awards
    "awards:award_create": ("POST", "/awards"),
    "awards:award_edit": ("PATCH", "/awards/{award_id}"),
    "awards:rule_add": ("POST", "/awards/{award_id}/rules"),
    "awards:proposal_create_from_ranking": ("POST", "/proposals/from-ranking"),
    "awards:proposal_nominate": ("POST", "/proposals/nominate"),
    "awards:proposal_candidate_add": ("POST", "/proposals/{proposal_id}/candidates"),
    "awards:person_create": ("POST", "/awards/people"),
    "awards:person_edit": ("PATCH", "/awards/people/{person_id}"),
    "awards:position_add": ("POST", "/awards/people/{person_id}/positions"),
    "awards:proposal_check": ("POST", "/proposals/{proposal_id}/check"),
    "awards:proposal_cluster_vote": ("POST", "/proposals/{proposal_id}/cluster-vote"),
    "awards:proposal_send": ("POST", "/proposals/{proposal_id}/send"),
    "awards:proposal_return": ("POST", "/proposals/{proposal_id}/return"),
    "awards:proposal_accept": ("POST", "/proposals/{proposal_id}/accept"),
    "awards:proposal_publish": ("POST", "/proposals/{proposal_id}/publish-for-comment"),
    "awards:proposal_council_vote": ("POST", "/proposals/{proposal_id}/council-vote"),
    "awards:proposal_decide": ("POST", "/proposals/{proposal_id}/decide"),
    "awards:public_proposal": ("POST", "/proposals/{proposal_id}/comments"),
    "awards:grant": ("POST", "/grants/{grant_id}/revoke"),
    "awards:attachment_upload": ("POST", "/proposals/{proposal_id}/attachments"),
    # ballots
    "ballots:create": ("POST", "/polls"),
    "ballots:edit": ("PATCH", "/polls/{poll_id}"),
    "ballots:open": ("POST", "/polls/{poll_id}/open"),
    "ballots:close": ("POST", "/polls/{poll_id}/close"),
    "ballots:publish": ("POST", "/polls/{poll_id}/publish"),
    "ballots:paper_tally": ("POST", "/polls/{poll_id}/paper-tally"),
    "ballots:vote": ("POST", "/polls/{poll_id}/vote"),
    "ballots:receipt": ("POST", "/polls/{poll_id}/verify"),
    # work plans
    "workplans:plan_create": ("POST", "/work-plans"),
    "workplans:plan_edit": ("PATCH", "/work-plans/{plan_id}"),
    "workplans:plan_close": ("POST", "/work-plans/{plan_id}/close"),
    "workplans:plan_reopen": ("POST", "/work-plans/{plan_id}/reopen"),
    "workplans:project_add": ("POST", "/work-plans/{plan_id}/projects"),
    "workplans:task_add": ("POST", "/work-plans/{plan_id}/tasks"),
    "workplans:task_edit": ("PATCH", "/tasks/{task_id}"),
    "workplans:task_report": ("POST", "/tasks/{task_id}/report"),
    "workplans:task_part_report": ("POST", "/tasks/{task_id}/parts"),
    "workplans:task_review": ("POST", "/tasks/{task_id}/review"),
    "workplans:task_reopen": ("POST", "/tasks/{task_id}/reopen"),
    "workplans:milestone_add": ("POST", "/tasks/{task_id}/milestones"),
    "workplans:milestone_done": ("POST", "/tasks/milestones/{milestone_id}/done"),
    "workplans:evidence_add": ("POST", "/tasks/{task_id}/evidence"),
    # the personal calendar address (DELETE /calendar/feed takes it away)
    "calendar:settings": ("POST", "/calendar/feed"),
    # chains
    "chains:chain_create": ("POST", "/chains"),
    "chains:chain_edit": ("PATCH", "/chains/{chain_id}"),
    "chains:member_add": ("POST", "/chains/{chain_id}/members"),
    "chains:member_move": ("POST", "/chains/{chain_id}/reorder"),
    "chains:member_remove": ("DELETE", "/chains/{chain_id}/members/{member_id}"),
    "coverage:organization_create": ("POST", "/coverage/organizations"),
    "coverage:organization_edit": ("PATCH", "/coverage/organizations/{organization_id}"),
    "coverage:building_change": (
        "POST",
        "/coverage/organizations/{organization_id}/buildings/{kind}",
    ),
    "coverage:status_change": ("POST", "/coverage/organizations/{organization_id}/status"),
    "coverage:follow_up_create": ("POST", "/coverage/follow-ups"),
    "coverage:register_import": ("POST", "/coverage/import"),
    # good practice
    "practices:create": ("POST", "/practices"),
    "practices:edit": ("PATCH", "/practices/{practice_id}"),
    "practices:step": ("POST", "/practices/{practice_id}/transition"),
    "practices:evidence_add": ("POST", "/practices/{practice_id}/evidence"),
    "practices:adopt": ("POST", "/practices/{practice_id}/adoptions"),
    "practices:field_create": ("POST", "/practices/fields"),
    "practices:field_edit": ("PATCH", "/practices/fields/{field_id}"),
    # The report's evidence file goes to /adoptions/{adoption_id}/evidence.
    "practices:adoption_report": (
        "POST",
        "/practices/{practice_id}/adoptions/{adoption_id}/report",
    ),
    # meetings
    "meetings:meeting_create": ("POST", "/meetings"),
    "meetings:meeting_edit": ("PATCH", "/meetings/{meeting_id}"),
    "meetings:meeting_state": ("POST", "/meetings/{meeting_id}/state"),
    "meetings:checkin": ("POST", "/meetings/{meeting_id}/check-in"),
    "meetings:self_checkin": ("POST", "/meetings/{meeting_id}/self-check-in"),
    "meetings:invitation_add": ("POST", "/meetings/{meeting_id}/invitations"),
    "meetings:invite_body": ("POST", "/meetings/{meeting_id}/invitations/body-members"),
    "meetings:invitation_remove": (
        "DELETE",
        "/meetings/{meeting_id}/invitations/{invitation_id}",
    ),
    "meetings:registration": (
        "POST",
        "/meetings/{meeting_id}/invitations/{invitation_id}/registration",
    ),
    "meetings:check_in_undo": (
        "POST",
        "/meetings/{meeting_id}/invitations/{invitation_id}/undo-check-in",
    ),
    "meetings:agenda_add": ("POST", "/meetings/{meeting_id}/agenda"),
    "meetings:agenda_edit": ("PATCH", "/meetings/{meeting_id}/agenda/{item_id}"),
    "meetings:document_add": ("POST", "/meetings/{meeting_id}/documents"),
    "meetings:poll_create": ("POST", "/meetings/{meeting_id}/polls"),
    # The page saves the text; drafting and finalizing are POST .../minutes/draft and
    # .../minutes/finalize beside it.
    "meetings:minutes": ("PUT", "/meetings/{meeting_id}/minutes"),
    # review reports: the page saves the narrative; finalizing is POST
    # /reports/{report_id}/finalize beside it.
    "reports:start": ("POST", "/reports"),
    "reports:work_start": ("POST", "/reports/work"),
    "reports:save": ("PUT", "/reports/{report_id}"),
    "meetings:resolution_create": ("POST", "/meetings/{meeting_id}/resolutions"),
    "meetings:visited_units": ("PUT", "/meetings/{meeting_id}/visited-units"),
    "meetings:finding_add": ("POST", "/meetings/{meeting_id}/findings"),
    "meetings:finding_follow_up": (
        "POST",
        "/meetings/{meeting_id}/findings/{finding_id}/follow-up",
    ),
}

#: Screens that handle POST with no API counterpart, and why.
SCREEN_ONLY: dict[str, str] = {
    # Spreadsheet imports: the API takes the same data as JSON, row by row, through the
    # endpoints above; the workbook upload itself is a screen's convenience.
    "scoring:table_import": "Excel upload (criteria: POST /scoring-tables/{id}/criteria)",
    "scoring:targets_import": "Excel upload (targets: PUT /campaigns/{id}/registrations)",
    "scoring:actuals_import": "Excel upload (actuals: POST /score-items/{id}/report)",
    "awards:grants_import": "Excel upload (past awards: POST /grants, POST /awards/people)",
    "practices:import": "Excel upload (models: POST /practices, POST /practices/{id}/transition)",
    # The door's camera: an API client reads the QR code itself and sends its text.
    "meetings:checkin_scan": "photo of a QR code (the code: POST /meetings/{id}/check-in)",
    # HTMX fragments that write nothing.
    "meetings:minutes_preview": "HTMX fragment: renders the minutes' text, saves nothing",
}


def _patterns(
    patterns: list[Any], namespace: str | None = None
) -> Iterator[tuple[str, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "api-v1"):
                continue
            yield from _patterns(p.url_patterns, p.namespace or namespace)
        elif p.name:
            yield (f"{namespace}:{p.name}" if namespace else p.name), p


def _mentions_post(func: Callable[..., Any], depth: int = 1) -> bool:
    """Whether a view reads a POST: its source (decorators included) or that of a
    module-level helper it calls (``_simple_action``, ``_import_page``) says ``POST``."""
    try:
        source = inspect.getsource(func)
    except (OSError, TypeError):
        return False
    if "POST" in source or "def post(" in source:
        return True
    code = getattr(func, "__code__", None)
    if depth == 0 or code is None:
        return False
    namespace = getattr(func, "__globals__", {})
    for name in code.co_names:
        helper = namespace.get(name)
        if (
            isinstance(helper, types.FunctionType)
            and helper.__module__.startswith("pacesetter.")
            and _mentions_post(inspect.unwrap(helper), depth - 1)
        ):
            return True
    return False


def _post_screens() -> set[str]:
    found = set()
    for name, pattern in _patterns(get_resolver().url_patterns):
        view = getattr(pattern.callback, "view_class", None) or inspect.unwrap(pattern.callback)
        if view.__module__.startswith("pacesetter.") and _mentions_post(view):
            found.add(name)
    return found


def _reverse(name: str) -> str:
    patterns = dict(_patterns(get_resolver().url_patterns))
    assert name in patterns, name
    kwargs = {
        key: "x" if converter.regex == "[^/]+" else 1
        for key, converter in patterns[name].pattern.converters.items()
    }
    return reverse(name, kwargs=kwargs)


def test_every_screen_in_the_tables_resolves():
    for name in [*SCREEN_TO_API, *SCREEN_ONLY]:
        assert _reverse(name)
    assert not set(SCREEN_TO_API) & set(SCREEN_ONLY)


def test_every_api_operation_in_the_table_is_in_the_openapi_document(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    missing = [
        (screen, method, path)
        for screen, (method, path) in SCREEN_TO_API.items()
        if method.lower() not in paths.get(API + path, {})
    ]
    assert missing == []


def test_every_screen_that_handles_post_is_accounted_for():
    found = _post_screens()
    listed = set(SCREEN_TO_API) | set(SCREEN_ONLY)
    assert sorted(found - listed) == []
    # And nothing listed is a page that only reads (a table kept honest both ways).
    assert sorted(listed - found) == []


def test_the_detector_finds_screens_that_post():
    # Guard the heuristic itself: a decorated view, a form view, a view that posts
    # through a helper, and a page that only reads.
    found = _post_screens()
    assert {"accounts:role_revoke", "accounts:person", "scoring:table_import"} <= found
    assert "units:tree" not in found
