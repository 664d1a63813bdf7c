"""A schemathesis pass over the whole OpenAPI document, as committee staff (token auth).

Every operation gets a few generated requests (the document's types, ranges and
formats); the pass fails on any 5xx and on any answer whose body contradicts the
schema of its status. It is bounded: ``EXAMPLES`` per operation and mode, no shrinking, no
deadline, derandomized (the same requests every run), the whole pass well under a
minute on two cores. Ids drawn from the whole 64-bit range name nothing, so about half
of them are swapped for ids of rows that exist (the ``world``, ``ranked`` and
``council`` layers).
The requests go through Django's WSGI handler in the test's own thread, so they see
the test's data (the shared ``world``) and roll back with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.apps import apps
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from pacesetter.accounts.services import api_token_create
from pacesetter.awards.tests.conftest import ranked  # noqa: F401
from pacesetter.meetings.tests.conftest import council  # noqa: F401
from pacesetter.scoring.tests.conftest import scoring  # noqa: F401
from pacesetter.testing.api import API

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

#: Per operation: requests the document allows, and requests it refuses (a value out of
#: its range, of the wrong type, a field missing), which must answer 4xx, never 5xx.
EXAMPLES = {GenerationMode.POSITIVE: 5, GenerationMode.NEGATIVE: 3}
#: Query filters that name a row by id without saying so.
ID_FILTERS = {"award", "body", "chain", "cluster", "criterion", "organizer", "owner", "parent"}
ID_FILTERS |= {"project", "review_point", "type", "unit", "unit_type", "within"}
STATUSES: list[int] = []

#: Operations left out, and why.
SKIPPED = {
    # Issues a new token per call (rate-limited by design); its answers are covered by
    # test_api_contract.
    "POST /api/v1/auth/token",
}


@pytest.fixture
def connection_kept() -> Iterator[None]:
    """As Django's test client does: a request's start and end must not close the test's
    connection (its transaction holds the data); the WSGI handler would."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _ids_by_name() -> dict[str, list[int]]:
    """The ids of the rows that exist, by the names a parameter may give them
    (``unit_id``, ``unit``, ``meeting_id`` ...), and under ``""`` all of them."""
    found: dict[str, list[int]] = {"": []}
    for model in apps.get_models():
        if model._meta.pk.get_internal_type() not in ("AutoField", "BigAutoField"):
            continue
        pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:50])
        found[model._meta.model_name] = pks
        found[""] += pks
    return found


def _candidates(name: str, ids: dict[str, list[int]]) -> list[int] | None:
    if not (name == "id" or name.endswith("_id") or name in ID_FILTERS):
        return None
    stem = name.removesuffix("_id").replace("_", "")
    for model_name in (stem, f"{stem}s"[:-1], name.rsplit("_", 2)[0].replace("_", "")):
        if ids.get(model_name):
            return ids[model_name]
    return ids[""] or None


def _fuzz(
    operation: Any,
    label: str,
    headers: dict[str, str],
    ids: dict[str, list[int]],
    failures: list[str],
    answered: list[tuple[str, int]],
    mode: GenerationMode,
) -> None:
    @hypothesis.settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Any, data: Any) -> None:
        # Ids drawn from the whole 64-bit range name nothing: about half are swapped for
        # ids of rows that exist, so the requests reach past the 404 into the operation.
        for part in (case.path_parameters, case.query, case.body) if mode.is_positive else ():
            if isinstance(part, dict):
                for name, value in part.items():
                    candidates = _candidates(name, ids)
                    if candidates and isinstance(value, int) and data.draw(st.booleans()):
                        part[name] = data.draw(st.sampled_from(candidates))
        response = case.call(headers=headers)
        answered.append((label, response.status_code))
        try:
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance]
            )
        except Exception as exc:  # the check's report names the request and why
            failures.append(f"{label} ({mode.value}): {exc}"[:1500])

    run()


@pytest.mark.usefixtures("ranked", "council", "connection_kept")
def test_no_operation_answers_a_server_error_or_contradicts_its_schema(
    world: Any, settings: Any
) -> None:
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    _, token = api_token_create(user=world.users["committee_staff"])
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", WSGIHandler())
    failures: list[str] = []
    answered: list[tuple[str, int]] = []
    checked = 0
    ids = _ids_by_name()

    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        if label in SKIPPED:
            continue
        checked += 1

        for mode in EXAMPLES:
            _fuzz(operation, label, headers, ids, failures, answered, mode)

    assert checked > 100
    import collections

    print(collections.Counter(STATUSES))
    assert failures == [], "\n\n".join(failures)
