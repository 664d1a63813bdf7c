"""Every API schema has a name of its own: OpenAPI keys schemas by class name, so two
classes of one name collapse into one and an endpoint is documented with another's body."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import pacesetter.api  # noqa: F401  (imports every app's API module)


def _subclasses(cls: type) -> set[type]:
    found: set[type] = set()
    sub: type
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name():
    by_name: dict[str, set[str]] = defaultdict(set)
    for schema in _subclasses(Schema):
        if schema.__module__.startswith("pacesetter."):
            by_name[schema.__name__].add(f"{schema.__module__}.{schema.__qualname__}")
    shared = {name: sorted(paths) for name, paths in by_name.items() if len(paths) > 1}
    assert shared == {}


def test_the_openapi_document_names_each_body_once(client):
    components = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "ReportIn" not in components  # two of them once collapsed into one
    assert {"ScoreReportIn", "TaskReportIn"} <= set(components)
