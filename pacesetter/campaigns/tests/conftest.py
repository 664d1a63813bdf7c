from pacesetter.scoring.tests.conftest import arena, scoring  # noqa: F401
