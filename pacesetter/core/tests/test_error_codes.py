"""A rule's error on a field keeps its code in the API only as a ``FieldRuleError``.

Django drops a ``code`` given beside a field dict (``ValidationError({"f": m}, code=c)``
keeps the messages, not ``c``), and the API answers a plain field dict ``invalid`` (as
it answers ``full_clean``'s ``blank`` or ``unique``), whatever codes its entries carry.
So a service that means a code on a field raises ``FieldRuleError(field, message,
code=...)``; this test finds the two forms that silently lose it."""

from __future__ import annotations

import ast
from pathlib import Path

from django.core.exceptions import ValidationError

from pacesetter.api import rule_code
from pacesetter.core.errors import FieldRuleError

ROOT = Path(__file__).resolve().parents[3]  # the checkout, above pacesetter/


def _is_validation_error(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
    return name == "ValidationError"


def _has_code(call: ast.Call) -> bool:
    return any(keyword.arg == "code" for keyword in call.keywords)


def _lost_codes(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (_is_validation_error(node) and node.args and isinstance(node.args[0], ast.Dict)):
            continue
        assert isinstance(node, ast.Call)
        values = node.args[0].values
        entries = [e for v in values for e in (v.elts if isinstance(v, ast.List) else [v])]
        if _has_code(node) or any(_is_validation_error(e) and _has_code(e) for e in entries):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_the_api_answers_a_field_rules_code_and_invalid_for_plain_field_errors() -> None:
    assert rule_code(FieldRuleError("code", "Another meeting's code.", code="other_meeting")) == (
        "other_meeting"
    )
    assert rule_code(ValidationError({"name": ValidationError("Blank.", code="blank")})) == (
        "invalid"
    )


def test_no_code_is_given_where_django_or_the_api_drops_it() -> None:
    sources = [
        path
        for path in (ROOT / "pacesetter").rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]
    assert len(sources) > 100
    lost = [where for path in sources for where in _lost_codes(path)]
    assert lost == [], "raise FieldRuleError(field, message, code=...) instead"
