"""Test settings. PACESETTER_TEST_DB=postgres starts a throw-away PostgreSQL server."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

SECRET_KEY = "test-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if os.environ.get("PACESETTER_TEST_DB") == "postgres" and not os.environ.get("DATABASE_URL"):
    from pacesetter.testing.pgserver import suite_server

    DATABASES = {"default": suite_server()}  # type: ignore[dict-item]
