"""The kinds of notification: each key's sentence and its label on the profile.

A notification stores its kind and the parameters of the sentence, never the sentence:
it is rendered when it is read, in the reader's language (docs/notifications.md). The
kinds are listed here, not registered by the domains, so that this app imports none of
them; a domain only names a key when it calls :func:`notifications.services.notify`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from pacesetter.core.translations import content_language

SCORE_ITEM_RETURNED = "score_item_returned"
POLL_OPENED = "poll_opened"
TASK_ASSIGNED = "task_assigned"
REPORT_READY = "report_ready"
IMPORT_SUCCEEDED = "import_succeeded"
IMPORT_FAILED = "import_failed"


@dataclass(frozen=True)
class Kind:
    key: str
    #: The sentence, with ``%(name)s`` for each parameter.
    sentence: Promise
    #: What the profile's choice says.
    label: Promise


KINDS: dict[str, Kind] = {
    kind.key: kind
    for kind in (
        Kind(
            SCORE_ITEM_RETURNED,
            _("The item “%(criterion)s” of %(unit)s was returned with a question: %(question)s"),
            _("A score item is returned to my unit"),
        ),
        Kind(
            POLL_OPENED,
            _("The vote “%(poll)s” is open: cast your ballot."),
            _("A vote I may cast opens"),
        ),
        Kind(
            TASK_ASSIGNED,
            _("The task “%(task)s” of the plan “%(plan)s” is assigned to %(unit)s."),
            _("A task is assigned to me or my unit"),
        ),
        Kind(
            REPORT_READY,
            _("The report “%(report)s” is final."),
            _("A report is finalized"),
        ),
        Kind(
            IMPORT_SUCCEEDED,
            _("Your import “%(title)s” has finished: %(saved)s rows saved."),
            _("My background import succeeds"),
        ),
        Kind(
            IMPORT_FAILED,
            _("Your import “%(title)s” failed; nothing was saved."),
            _("My background import fails"),
        ),
    )
}


def kind_of(key: str) -> Kind:
    """The kind of ``key``; LookupError for a key not listed (a kind since removed)."""
    try:
        return KINDS[key]
    except KeyError as exc:
        raise LookupError(key) from exc


class _Params(dict[str, str]):
    """A sentence's parameters; one that is missing (a kind's sentence changed since the
    row was written) shows as an ellipsis instead of failing the page."""

    def __missing__(self, key: str) -> str:
        return "…"


def param_text(value: object, language: str) -> str:
    """A parameter in ``language``: a text per language gives the reader's, else the first
    recorded (the source's); a plain value is shown as it is."""
    if isinstance(value, dict):
        chosen = value.get(language) or next((v for v in value.values() if v), "")
        return str(chosen)
    return "" if value is None else str(value)


def render(key: str, params: dict[str, object]) -> str:
    """The sentence of a notification in the active language."""
    language = content_language()
    try:
        sentence = str(kind_of(key).sentence)
    except LookupError:
        return "…"
    return sentence % _Params({name: param_text(v, language) for name, v in params.items()})
