"""Settings shared by every environment; values come from environment variables."""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("PACESETTER_VAR_DIR", BASE_DIR / "var"))
# The embedded database and uploads live here; create it on a fresh clone.
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "ninja",
    "axes",
    # Before django_tasks_db: its `db_worker` command is core's (a worker that recovers
    # the jobs of a dead one, core/workers.py).
    "pacesetter.core",
    "django_tasks",
    "django_tasks_db",
    "pacesetter.accounts",
    "pacesetter.audit",
    "pacesetter.imports",
    "pacesetter.notifications",
    "pacesetter.units",
    "pacesetter.decisions",
    "pacesetter.clusters",
    "pacesetter.bodies",
    "pacesetter.scoring",
    "pacesetter.campaigns",
    "pacesetter.ballots",
    "pacesetter.awards",
    "pacesetter.chains",
    "pacesetter.meetings",
    "pacesetter.workplans",
    "pacesetter.coverage",
    "pacesetter.practices",
    "pacesetter.workspace",
    "pacesetter.reports",
    "pacesetter.search",
    "pacesetter.public",
    "pacesetter.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "pacesetter.core.middleware.ContentLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pacesetter.core.routers.ReplicaMiddleware",
    "pacesetter.core.middleware.NoStoreSignedInApiMiddleware",
    # Inside the others: its 503 page passes through them like any answer.
    "pacesetter.core.middleware.DatabaseUnavailableMiddleware",
    # Last, so that it sees every response a refused login produced (the login page's and
    # the token endpoint's) and answers with the lockout instead.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pacesetter.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "pacesetter" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pacesetter.accounts.context_processors.navigation",
                "pacesetter.notifications.context_processors.bell",
            ],
        },
    },
]

WSGI_APPLICATION = "pacesetter.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'pacesetter.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        # A kept connection (CONN_MAX_AGE > 0, production's default) is checked before a
        # new request reuses it.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short, indexed queries: JIT compilation costs more than it saves (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while a writer holds the lock; IMMEDIATE avoids
    # lock-upgrade deadlocks between two writing transactions.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )

# A read replica of a PostgreSQL primary (docs/deployment.md, "A read replica"): the
# report, export and public views read from it, within the allowed lag.
DATABASE_REPLICA_MAX_LAG = float(os.environ.get("DATABASE_REPLICA_MAX_LAG", "10"))
if os.environ.get("DATABASE_REPLICA_URL") and (
    DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"].get("CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["pacesetter.core.routers.ReplicaRouter"]

# One cache shared by every process of the site: the API's rate limits count there (a
# per-process cache would let each worker grant its own allowance). The database's own
# table, created by core's migration 0001 (docs/security.md, "Logins").
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pacesetter_cache",
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The lockout check comes first: a locked-out (username, address) is refused before any
# password is compared.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("vi", _("Vietnamese")),
    ("zh-hans", _("Simplified Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "pacesetter" / "locale"]
# English dates day first with a 24-hour clock (pacesetter/formats/en/formats.py).
FORMAT_MODULE_PATH = ["pacesetter.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploaded files are never served directly: downloads go through views that
# check permissions, so there is no MEDIA_URL route.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "pacesetter.core.storage.UploadStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Limits for uploaded documents (decisions, evidence).
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))
UPLOAD_ALLOWED_EXTENSIONS = ["pdf", "docx", "doc", "xlsx", "odt", "jpg", "jpeg", "png"]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Content-Security-Policy (django-csp): everything from this site only. No page has an
# inline script or event handler (their behaviour is in core/static/core/app.js;
# core/tests/test_responses.py keeps it so) and htmx's own <style> is off (base.html).
# Style attributes (a few indents and widths in templates) are allowed, <style> is not.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Limits for .xlsx imports (docs/security.md, "Spreadsheets"), checked before and while a
# sheet is read, so a huge or zip-bomb-like workbook is refused within a second. The
# largest real import (actuals: units × criteria) is a few thousand rows of 9 columns.
SPREADSHEET_MAX_BYTES = int(os.environ.get("SPREADSHEET_MAX_BYTES", str(5 * 1024 * 1024)))
#: The workbook's parts once unzipped (an .xlsx is a zip of XML). openpyxl reads a whole
#: sheet when it has no declared size, so this bounds the time to open any file; a full
#: 20,000-row sheet of 9 columns is about 9 MB.
SPREADSHEET_MAX_UNZIPPED_BYTES = int(
    os.environ.get("SPREADSHEET_MAX_UNZIPPED_BYTES", str(20 * 1024 * 1024))
)
SPREADSHEET_MAX_ROWS = int(os.environ.get("SPREADSHEET_MAX_ROWS", "20000"))
SPREADSHEET_MAX_COLUMNS = int(os.environ.get("SPREADSHEET_MAX_COLUMNS", "50"))
SPREADSHEET_MAX_CELLS = int(os.environ.get("SPREADSHEET_MAX_CELLS", "250000"))
#: An import of a workbook declaring more rows than this, or a file larger than
#: IMPORT_BACKGROUND_BYTES, runs in the job worker, with a page that follows it
#: (pacesetter.imports); smaller ones are imported during the request.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "1000"))
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_BYTES", str(256 * 1024)))
#: Seconds after its upload that an unfinished background import is reported stalled.
IMPORT_JOB_TIMEOUT = int(os.environ.get("IMPORT_JOB_TIMEOUT", "1800"))

PAGE_SIZE = 25
#: A search's list counts its matches no further than this ("more than 1,000"): a term
#: found in a quarter of a large library is not counted to the end on every request.
SEARCH_COUNT_CAP = 1000
#: A list's print view (``?print=1``) holds every row up to this many, on one page.
PRINT_MAX_ROWS = int(os.environ.get("PRINT_MAX_ROWS", "2000"))
#: A list's .xlsx export holds at most this many rows (and says so in its last row).
EXPORT_MAX_ROWS = int(os.environ.get("EXPORT_MAX_ROWS", "20000"))
API_MAX_PAGE_SIZE = 200
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "90"))
#: At most this many live tokens per user: a new one revokes the oldest beyond it.
API_TOKEN_MAX_PER_USER = int(os.environ.get("API_TOKEN_MAX_PER_USER", "10"))
# Requests to the token endpoint, per client address (beside the lockout below).
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "20/m")

# --- Logins (docs/security.md, "Logins") ---------------------------------------------
#: The reverse proxies in front of the server (addresses or networks, comma-separated).
#: Only a request whose peer is one of them has its X-Forwarded-For read; empty: the
#: connection's address (REMOTE_ADDR) is the client, whatever the header says.
TRUSTED_PROXIES = env_list("PACESETTER_TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:  # a typo must stop start-up, not trust nothing (or all)
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"PACESETTER_TRUSTED_PROXIES: {_proxy!r} is not an IP address or network."
        ) from _exc
# django-axes counts failed logins in the database (one store for every process) and
# locks out a (username, client address) pair after AXES_FAILURE_LIMIT failures, on the
# login page and the token endpoint alike, until AXES_COOLOFF_TIME has passed since the
# last failure. A success resets the pair's count.
AXES_FAILURE_LIMIT = int(os.environ.get("PACESETTER_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("PACESETTER_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_CLIENT_IP_CALLABLE = "pacesetter.core.clients.client_ip"
AXES_LOCKOUT_CALLABLE = "pacesetter.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

# --- The audit chain (docs/security.md, "The audit chain") ----------------------------
#: The secret that keys the chain's hashes (HMAC-SHA256). It must not live in the
#: database: whoever can write the database but does not have it cannot rewrite the chain.
#: Production refuses to start without one (settings/production.py).
AUDIT_CHAIN_KEY = os.environ.get("PACESETTER_AUDIT_KEY", "insecure-development-audit-key")
#: The name of that key, written into every entry, so that a key can be replaced.
AUDIT_CHAIN_KEY_ID = os.environ.get("PACESETTER_AUDIT_KEY_ID", "k1")
#: Earlier keys, which entries written under them still verify with:
#: ``id:secret,id:secret`` (ids and secrets without commas; the first colon separates).
AUDIT_CHAIN_OLD_KEYS = dict(
    item.split(":", 1) for item in env_list("PACESETTER_AUDIT_OLD_KEYS") if ":" in item
)
#: Where ``manage.py audit_anchor`` appends the chain's head (``anchors.jsonl``): a
#: directory outside the database, best on another machine's mount.
AUDIT_ANCHOR_DIR: Path | None = Path(
    os.environ.get("PACESETTER_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors")
)
#: Who receives every anchor by mail (comma-separated; empty: nobody).
AUDIT_ANCHOR_MAIL_TO = env_list("PACESETTER_AUDIT_ANCHOR_MAIL_TO")
#: Every write inserts its entry unchained; the sealer chains it right after the commit.
#: The sealer job (``manage.py audit_seal --schedule``) runs every this many seconds for
#: the entries a crash left unchained ...
AUDIT_SEAL_EVERY = int(os.environ.get("PACESETTER_AUDIT_SEAL_EVERY", "60"))
#: ... and ``audit_verify`` reports an entry still unchained this many seconds after it
#: was written as an error (no sealer runs, or a row was held back).
AUDIT_SEAL_GRACE = int(os.environ.get("PACESETTER_AUDIT_SEAL_GRACE", "300"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = PAGE_SIZE
NINJA_MAX_PER_PAGE_SIZE = API_MAX_PAGE_SIZE

# Background jobs (reminders, escalations): django-tasks with its database backend, so the
# queue lives in the same SQLite or PostgreSQL database. `make demo` starts the worker
# (`manage.py db_worker`).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
#: Where each SQLite job worker keeps the file it locks while it lives (core/workers.py).
WORKER_LOCK_DIR = Path(os.environ.get("PACESETTER_WORKER_LOCK_DIR", VAR_DIR / "worker-locks"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pacesetter@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
#: Seconds one wait on the mail server may take. Background jobs' claims on a mail
#: (``core.outbox.claim_timeout``, 10 minutes) stay well above a send bounded by it.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
#: The address links in e-mails start with (no request is at hand in a background job).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

#: Days a notification is kept, read or not, before ``manage.py notifications_prune``
#: deletes it (docs/notifications.md).
NOTIFICATIONS_KEEP_DAYS = int(os.environ.get("NOTIFICATIONS_KEEP_DAYS", "90"))
