from pacesetter.scoring.tests.conftest import scoring  # noqa: F401
