from __future__ import annotations

import factory

from pacesetter.campaigns.tests.factories import ReviewPointFactory
from pacesetter.reports.models import Report
from pacesetter.reports.services import report_create
from pacesetter.testing.factories import ServiceFactory


class ReportFactory(ServiceFactory):
    """A draft review report of a review point, for the whole campaign, with its empty
    first version (``report_create``)."""

    class Meta:
        model = Report

    review_point = factory.SubFactory(ReviewPointFactory)
    cluster = None
    language = "en"

    _service = staticmethod(report_create)
