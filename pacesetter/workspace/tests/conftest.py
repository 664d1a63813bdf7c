"""The workspace tests read the scoring fixture (a running campaign with an open review
point) to build the dashboards' figures."""

from pacesetter.scoring.tests.conftest import scoring  # noqa: F401
