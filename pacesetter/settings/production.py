"""Production: served by gunicorn (``make serve``, docs/deployment.md "Serving"), on
PostgreSQL through DATABASE_URL or SQLite on one machine, behind an HTTPS proxy, secrets
from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE, env_bool

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY.startswith("insecure"):
    raise ImproperlyConfigured("Set SECRET_KEY to a long random value in production.")
AUDIT_CHAIN_KEY = os.environ.get("PACESETTER_AUDIT_KEY", "")
if len(AUDIT_CHAIN_KEY) < 32 or AUDIT_CHAIN_KEY.startswith("insecure"):
    raise ImproperlyConfigured(
        "Set PACESETTER_AUDIT_KEY to a random value of at least 32 characters in production "
        '(docs/security.md, "The audit chain").'
    )
if AUDIT_CHAIN_KEY == SECRET_KEY:
    raise ImproperlyConfigured("PACESETTER_AUDIT_KEY must not be the SECRET_KEY.")

# Persistent connections: each server thread keeps its connection for CONN_MAX_AGE
# seconds (0: one per request) and checks it is still alive before reusing it for a new
# request, so a restarted database costs one failed check, not an error page. On SQLite
# base.py already sets WAL and a 20 s busy timeout, so the server's processes and the job
# worker wait for each other's writes instead of failing with "database is locked".
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "600"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if "replica" in DATABASES:
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# The proxy's health probe may come over plain HTTP to the app server itself.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Static files are served by WhiteNoise, compressed and with hashed names.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STORAGES = {
    "default": {"BACKEND": "pacesetter.core.storage.UploadStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
