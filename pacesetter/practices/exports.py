"""The .xlsx export of a practice's adoptions (``core.spreadsheets``: every text cell
formula-safe), the same rows the practice page shows."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from pacesetter.core.spreadsheets import append_row, export_workbook, style_header
from pacesetter.workplans.policies import task_policy

from .models import Practice
from .selectors import adoptions_by_top_unit, adoptions_of


def adoptions_workbook(user: Any, practice: Practice) -> Any:
    """One row per adoption ``user`` sees, grouped under the top units as on the page."""
    workbook = export_workbook(_("Adoptions"), practice.title)
    sheet = workbook.active
    append_row(
        sheet,
        [
            _("Top unit"),
            _("Unit code"),
            _("Unit"),
            _("Adopted on"),
            _("Recorded by"),
            _("Key task"),
            _("How the unit means to apply it"),
            _("Outcome"),
            _("Rating"),
            _("Reported on"),
            _("How it went"),
        ],
    )
    style_header(sheet[1])
    sheet.freeze_panes = "A2"
    groups = adoptions_by_top_unit(adoptions_of(user, practice))
    tasks = [a.task for _, rows in groups for a in rows if a.task is not None]
    seen = {pk for pk, may in task_policy.allowed_actions(user, tasks, ["view"]).items() if may}
    for top_unit, rows in groups:
        for adoption in rows:
            append_row(
                sheet,
                [
                    top_unit.name,
                    adoption.unit.code,
                    adoption.unit.name,
                    adoption.adopted_on,
                    adoption.adopted_by.get_username() if adoption.adopted_by else "",
                    adoption.task.title if adoption.task and adoption.task_id in seen else "",
                    adoption.note,
                    adoption.get_outcome_display() if adoption.outcome else "",
                    adoption.rating,
                    adoption.reported_on,
                    adoption.report,
                ],
            )
    return workbook
