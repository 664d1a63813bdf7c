from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class ConflictError(ValidationError):
    """Someone else saved the same record since it was read; nothing was overwritten."""


class FieldRuleError(ValidationError):
    """A business rule's error that forms show beside ``field``: ``{field: [message]}``
    for the forms, and the rule's ``code`` for the API (``pacesetter.api.rule_code``),
    where a plain field dict answers ``invalid``. ``error`` is a message or a coded
    ``ValidationError`` (as ``Workflow.check`` raises); ``code`` defaults to its code."""

    def __init__(self, field: str, error: str | ValidationError, code: str | None = None) -> None:
        if not isinstance(error, ValidationError):
            error = ValidationError(error, code=code)
        super().__init__({field: error.error_list})
        codes = {e.code for e in error.error_list}
        self.rule_code: str | None = code or (codes.pop() if len(codes) == 1 else None)


class StorageFullError(FieldRuleError):
    """No room was left on the server's disk (or in its quota) to store an upload on
    ``field``; nothing was saved (code ``storage_full``). Forms show it on the file field;
    the API answers 507 Insufficient Storage."""

    def __init__(self, field: str) -> None:
        super().__init__(
            field,
            _(
                "The server has no room left to store this file; nothing was saved. "
                "Try again later or tell the administrator."
            ),
            code="storage_full",
        )


def refuse_nul(field: str, value: str) -> str:
    """``value``, unless it holds a NUL character: then a ``FieldRuleError`` on ``field``
    (code ``null_character``). PostgreSQL stores no NUL in text or JSON; the API's parser
    and Django's form ``CharField`` refuse them already, this is for a view that reads a
    raw POST value."""
    if "\x00" in value:
        raise FieldRuleError(field, _("Null characters are not allowed."), code="null_character")
    return value
