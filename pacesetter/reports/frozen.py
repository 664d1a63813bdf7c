"""The figures of a report, frozen at finalize.

A draft's contents (:class:`pacesetter.reports.documents.Contents`: title, facts,
tables, chart) are read from the record each time the page or a file is made. When a
report is finalized, :func:`freeze` writes its contents in **every shipped language**
(``settings.LANGUAGES``) into ``Report.figures``, in the same transaction; from then on
the page and the files read them back (:func:`contents_of`) and later changes to the
record (an actual corrected, a task reported late, a meeting added) change nothing of a
final report.

Why each language's rendered text rather than language-neutral values with labels
rendered at output: what a report shows is mostly text that depends on the language
beside the numbers: the names of campaigns, units, criteria, plans, projects and tasks
are translatable content (a value per language, with a fallback), and the labels of
states, statuses, ratings and kinds, the dates and the facts' sentences are formatted in
the reader's language. Neutral values would have to freeze every name in every language
anyway, and the labels rendered at output would follow later changes of the catalogs;
the rendered text is what the readers saw when it was finalized, in each language, and
the files are written from it exactly as from a draft's. Three languages of a report's
tables are a few tens of kilobytes.

The figures are frozen as the finalizing user sees them: the readers of a final report
are those who may finalize it (a review report's staff and cluster leaders; a work
report's readers see its plan whole, see :mod:`pacesetter.reports.policies`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation

from .documents import Contents, review_contents
from .models import Report, ReportKind
from .selectors import review_figures
from .work import work_contents, work_figures


def live_contents(user: Any, report: Report) -> Contents:
    """The report's contents read from the record now, in the active language."""
    if report.kind == ReportKind.WORK:
        assert report.plan is not None and report.as_of is not None
        return work_contents(work_figures(user, report.plan, report.as_of))
    assert report.review_point is not None
    return review_contents(review_figures(user, report.review_point, report.cluster))


def freeze(user: Any, report: Report) -> dict[str, Any]:
    """The report's contents in every shipped language, as JSON (``Report.figures``)."""
    frozen: dict[str, Any] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            frozen[code] = live_contents(user, report).to_json()
    return frozen


def contents_of(user: Any, report: Report) -> Contents:
    """What the page and the files show, in the active language: a final report's
    frozen figures, a draft's read from the record."""
    if report.figures:
        language = translation.get_language() or settings.LANGUAGE_CODE
        data = report.figures.get(language) or report.figures.get(report.language)
        if data is None:
            data = next(iter(report.figures.values()))
        return Contents.from_json(data)
    return live_contents(user, report)
