"""Test settings. PACESETTER_TEST_DB=postgres starts a throw-away PostgreSQL server."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-secret-key"  # noqa: S105
AUDIT_CHAIN_KEY = "test-audit-chain-key"
AUDIT_CHAIN_KEY_ID = "test"
AUDIT_CHAIN_OLD_KEYS = {}
# No anchor file shared by the test processes: a test that anchors gives its own directory.
AUDIT_ANCHOR_DIR = None
AUDIT_ANCHOR_MAIL_TO = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "pacesetter.core.storage.UploadStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if os.environ.get("PACESETTER_TEST_DB") == "postgres" and not os.environ.get("DATABASE_URL"):
    from pacesetter.testing.pgserver import suite_server

    DATABASES = {"default": suite_server()}  # type: ignore[dict-item]
