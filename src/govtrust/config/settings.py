"""Settings from the environment; safe for production by default.

Environment:
- DATABASE_URL: database (default: SQLite at var/govtrust.sqlite3 under the working directory).
- DATABASE_REPLICA_URL: a read replica of it; the public portal and open data read from it
  (core/replica.py).
- SECRET_KEY: Django's signing key (default: generated once into var/secret.key, mode 0600).
- GOVTRUST_DATA_KEY: key for personal identifiers at rest (default: generated into var/data.key).
- GOVTRUST_DEBUG: "1" for development only.
- GOVTRUST_HTTPS: "0" when serving plain HTTP on a trusted host (the local demo); otherwise cookies
  are Secure and HSTS is sent, because production runs behind TLS.
- GOVTRUST_ALLOWED_HOSTS: comma-separated host names (default: localhost names).
- GOVTRUST_PUBLIC_URL: the portal's address as the public reaches it, printed on PDF documents
  for their verification (default: http://127.0.0.1:8000, the local demo).
- GOVTRUST_SQLITE_AUTOCHECKPOINT: WAL pages after which a commit checkpoints SQLite itself
  (default 10000, a backstop; the worker checkpoints long before, core/walcheckpoint.py).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from govtrust.core.keys import load_or_create_secret


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GOVTRUST_VAR_DIR", Path.cwd() / "var"))

DEBUG = _flag("GOVTRUST_DEBUG", False)
HTTPS = _flag("GOVTRUST_HTTPS", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_secret(VAR_DIR / "secret.key")
GOVTRUST_DATA_KEY = os.environ.get("GOVTRUST_DATA_KEY") or load_or_create_secret(
    VAR_DIR / "data.key"
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("GOVTRUST_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django_rq",  # the queues of GOVTRUST_TASKS=rq; installed always, so one schema either way
    "csp",
    "govtrust.core",
    "govtrust.directory",
    "govtrust.records",
    "govtrust.exchange",
    "govtrust.ledger",
    "govtrust.disclosure",
    "govtrust.remedies",
    "govtrust.sanctions",
    "govtrust.measures",
    "govtrust.screening",
    "govtrust.documents",
    "govtrust.supervision",
    "govtrust.assessment",
]

MIDDLEWARE = [
    "govtrust.core.proxies.TrustedProxyMiddleware",  # the client's address, before anyone reads it
    "django.middleware.security.SecurityMiddleware",  # reads no body; its headers go on a 413 too
    "govtrust.core.limits.RequestLimitMiddleware",  # before anything reads the body
    "govtrust.core.replica.ReplicaReadMiddleware",  # public reads to the replica, if one is set
    "govtrust.core.middleware.RejectNulMiddleware",
    # Anonymous GETs of the public search and record pages: ETag, 304, shared cache.
    "govtrust.disclosure.public_cache.PublicCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # govtrust.core.lean.*: the middleware of that name, skipped on anonymous public reads.
    "govtrust.core.lean.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "govtrust.core.lean.AuthenticationMiddleware",
    "govtrust.core.lean.MessageMiddleware",
    "govtrust.core.lean.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "govtrust.core.lean.AccountGateMiddleware",
    "govtrust.core.refusals.RefusalMiddleware",
]

ROOT_URLCONF = "govtrust.config.urls"
WSGI_APPLICATION = "govtrust.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "govtrust.directory.context.capabilities",
            ],
            # `|beijing`: times in Beijing time with the zone stated, on every page.
            "builtins": ["govtrust.core.templatetags.beijing"],
        },
    }
]


# Pages of WAL after which a commit checkpoints itself (SQLite's default 1,000); the worker
# checkpoints long before (core/walcheckpoint.py). 0: never in a commit (only with a worker).
SQLITE_AUTOCHECKPOINT = int(os.environ.get("GOVTRUST_SQLITE_AUTOCHECKPOINT", "10000"))


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "govtrust.sqlite3",
        # A worker keeps its connection: opening one and running the PRAGMAs below cost ~1.6 ms
        # of every request (bench/bench_search.py), more than most searches' SQL.
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # IMMEDIATE: a write transaction takes the lock when it starts, so two concurrent
            # transitions of one record serialize instead of failing half-way with "locked".
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            # The default 2 MB page cache is smaller than the indexes of a year's records, so
            # bulk intake and search went to the OS for pages; 64 MB (allocated as used) and
            # memory-mapped reads keep them in this process.
            # wal_autocheckpoint: the worker checkpoints the WAL (core/walcheckpoint.py), so a
            # commit on the request path no longer stops for a checkpoint's fsyncs every 1,000
            # pages (SQLite's default); the threshold stays as a backstop (~40 MB) for a server
            # run without a worker.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
                f"PRAGMA wal_autocheckpoint={SQLITE_AUTOCHECKPOINT};"
            ),
        },
        "TEST": {"NAME": VAR_DIR / "test.sqlite3"},
    }


DATABASES = {"default": _database()}
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=60, conn_health_checks=True
        ),
        # Tests run against the primary's test database through this alias, never create one.
        "TEST": {"MIRROR": "default"},
    }
GOVTRUST_REPLICA_READS = "replica" in DATABASES
DATABASE_ROUTERS = ["govtrust.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "directory.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govtrust.directory.passwords.ComplexityValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# 等保 8.1.4.1: limit failed sign-ins; every failure is an audit event (auth.login_failed).
# An account locks for one address only (username + address), so an attacker elsewhere cannot
# lock its owner out; a separate per-address count across accounts slows password spraying.
AXES_FAILURE_LIMIT = int(os.environ.get("GOVTRUST_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One notion of the client address for lockouts, limits and the audit trail (core/proxies.py).
AXES_CLIENT_IP_CALLABLE = "govtrust.core.http.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False
# Failed sign-ins from one address, over all accounts, before that address is refused (429) for
# the rest of the window. Generous, since an office's intranet may share one NAT address.
GOVTRUST_LOGIN_ADDRESS_FAILURES = int(os.environ.get("GOVTRUST_LOGIN_ADDRESS_FAILURES", "10"))
GOVTRUST_LOGIN_ADDRESS_WINDOW = int(os.environ.get("GOVTRUST_LOGIN_ADDRESS_WINDOW", "900"))
# TOTP second factor (RFC 6238): roles that must use it; wrong codes allowed per account and
# window before the sign-in is refused.
GOVTRUST_MFA_REQUIRED_ROLES = [
    r.strip()
    for r in os.environ.get(
        "GOVTRUST_MFA_REQUIRED_ROLES", "sysadmin,secadmin,auditor,credit_office"
    ).split(",")
    if r.strip()
]
GOVTRUST_MFA_FAILURES = int(os.environ.get("GOVTRUST_MFA_FAILURES", "5"))
GOVTRUST_MFA_WINDOW = 900
# Password expiry in days; 0 (default) is off: ASVS 6.2.10 advises against periodic change,
# 等保 asks for it, so a province that requires it sets a number.
GOVTRUST_PASSWORD_MAX_DAYS = int(os.environ.get("GOVTRUST_PASSWORD_MAX_DAYS", "0"))
# Days an API token lives from its issue; 0 means tokens do not expire.
GOVTRUST_TOKEN_DAYS = int(os.environ.get("GOVTRUST_TOKEN_DAYS", "90"))
# Case tracking: wrong query codes per address (remedies/rules.py WRONG_CODES_BEFORE_SLOWDOWN)
# come first; a number itself is held only after many wrong codes, and only briefly, so a
# guesser cannot keep the filer from the case.
GOVTRUST_TRACKING_NUMBER_FAILURES = int(os.environ.get("GOVTRUST_TRACKING_NUMBER_FAILURES", "50"))
GOVTRUST_TRACKING_NUMBER_WINDOW = int(os.environ.get("GOVTRUST_TRACKING_NUMBER_WINDOW", "300"))

# Idle session timeout (等保 8.1.4.1 d): sessions end after this many seconds without a request.
GOVTRUST_IDLE_TIMEOUT = int(os.environ.get("GOVTRUST_IDLE_TIMEOUT", "1800"))
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_SSL_REDIRECT = HTTPS and _flag("GOVTRUST_SSL_REDIRECT", True)
# /healthz answers over plain HTTP too: load balancers probe the backend's port directly, and the
# answer holds no personal data (core/health.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Background work (`govtrust worker`): the Django tasks API. The database backend (default) needs
# no broker and serves one machine; GOVTRUST_TASKS=rq puts the queue on Redis (REDIS_URL) for
# several worker hosts (docs/operations.md). Code never reads a backend's tables directly:
# core/taskstate.py answers "when did this job last succeed" for either.
REDIS_URL = os.environ.get("REDIS_URL", "")
GOVTRUST_TASKS = os.environ.get("GOVTRUST_TASKS", "db").strip().lower() or "db"
if GOVTRUST_TASKS not in ("db", "rq"):
    raise ImproperlyConfigured(f"GOVTRUST_TASKS must be db or rq, not {GOVTRUST_TASKS!r}")
if GOVTRUST_TASKS == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("GOVTRUST_TASKS=rq needs REDIS_URL (the queue lives in Redis)")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_rq.RQBackend"
            if GOVTRUST_TASKS == "rq"
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default"],
    }
}
# RQ kills a job after its timeout (180 s by default): a 200,000-row import or a backup of a
# large installation takes longer, so the default here is hours (seconds; 0 = no limit).
GOVTRUST_TASK_TIMEOUT = int(os.environ.get("GOVTRUST_TASK_TIMEOUT", str(6 * 3600)))
RQ_QUEUES = {
    "default": {
        "URL": REDIS_URL or "redis://127.0.0.1:6379/0",
        "DEFAULT_TIMEOUT": GOVTRUST_TASK_TIMEOUT or -1,
    }
}
# Services queue jobs with transaction.on_commit already; django-rq must not delay them again.
RQ = {"COMMIT_MODE": "auto"}
RQ_SHOW_ADMIN_LINK = False

# Shared between the web server and the worker (import progress, the worker's heartbeat) and, with
# REDIS_URL, between all web hosts: rate limits, sign-in failure counters, the scheduler's claims.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}
# Public search and record pages (disclosure/public_cache.py): the same store, its own prefix; on
# files its own folder and a larger bound, so caching pages never culls the import progress.
_PUBLIC_CACHE: dict[str, Any] = {**CACHES["default"], "KEY_PREFIX": "public", "TIMEOUT": 86400}
if _PUBLIC_CACHE["BACKEND"].endswith("FileBasedCache"):
    _PUBLIC_CACHE["LOCATION"] = str(VAR_DIR / "cache-public")
    _PUBLIC_CACHE["OPTIONS"] = {"MAX_ENTRIES": 20000}
CACHES["public"] = _PUBLIC_CACHE
# Off only to measure the pages without it (bench/bench_search.py); ETags and 304s go with it.
GOVTRUST_PUBLIC_CACHE = _flag("GOVTRUST_PUBLIC_CACHE", True)

# Bulk intake limits (ASVS 5.2): size, rows, and what a ZIP-based spreadsheet may expand to.
GOVTRUST_IMPORT_MAX_BYTES = int(os.environ.get("GOVTRUST_IMPORT_MAX_BYTES", str(20 << 20)))
# Remedies: evidence size and the working days of each case clock (remedies/rules.py has the
# defaults and their sources; these override them only when set).
GOVTRUST_EVIDENCE_MAX_BYTES = int(os.environ.get("GOVTRUST_EVIDENCE_MAX_BYTES", str(10 << 20)))
for _clock in (
    "GOVTRUST_OBJECTION_ACCEPT_DAYS",
    "GOVTRUST_OBJECTION_VERIFY_DAYS",
    "GOVTRUST_REPAIR_DECIDE_DAYS",
    "GOVTRUST_REPORT_REPLY_DAYS",
    "GOVTRUST_PROMISE_ACCEPT_DAYS",
    "GOVTRUST_PROMISE_VERIFY_DAYS",
    "GOVTRUST_PROMISE_RECTIFY_DAYS",
    "GOVTRUST_PROMISE_REVIEW_DAYS",
):
    if os.environ.get(_clock, "").isdigit():
        globals()[_clock] = int(os.environ[_clock])
GOVTRUST_IMPORT_MAX_ROWS = int(os.environ.get("GOVTRUST_IMPORT_MAX_ROWS", "200000"))
GOVTRUST_IMPORT_MAX_UNPACKED_BYTES = 512 << 20
# A running import with no progress for this long (seconds) was left by a worker that died; the
# worker marks it failed. Progress is reported every 1,000 rows, so minutes mean a dead worker.
GOVTRUST_IMPORT_STALE_AFTER = int(os.environ.get("GOVTRUST_IMPORT_STALE_AFTER", "900"))
# Request limits (core/limits.py): a body that is not an upload (JSON, forms) up to 5 MB; an
# upload (multipart) up to the largest accepted file plus 1 MB of form, refused before it is read.
# Uploads over 2 MB are spooled to a temporary file while parsed, never more than the limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 << 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 << 20
GOVTRUST_MAX_REQUEST_BYTES = int(
    os.environ.get(
        "GOVTRUST_MAX_REQUEST_BYTES",
        str(max(GOVTRUST_IMPORT_MAX_BYTES, GOVTRUST_EVIDENCE_MAX_BYTES) + (1 << 20)),
    )
)

# E-mail for reminders: off unless an SMTP host is configured.
EMAIL_HOST = os.environ.get("GOVTRUST_SMTP_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("GOVTRUST_SMTP_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("GOVTRUST_MAIL_FROM", "govtrust@localhost")
GOVTRUST_EMAIL_ENABLED = bool(os.environ.get("GOVTRUST_SMTP_HOST"))
# How often the worker looks for due and overdue records (seconds).
GOVTRUST_REMINDER_INTERVAL = int(os.environ.get("GOVTRUST_REMINDER_INTERVAL", "3600"))
# Operations (docs/operations.md). A page that waits on the worker warns, and /healthz fails, when
# no worker has reported for this many seconds.
GOVTRUST_WORKER_SILENT_AFTER = int(os.environ.get("GOVTRUST_WORKER_SILENT_AFTER", "60"))
# /healthz fails when the daily jobs last succeeded longer ago than this (a day plus slack).
GOVTRUST_HEALTH_DAILY_MAX_AGE = int(os.environ.get("GOVTRUST_HEALTH_DAILY_MAX_AGE", "100800"))
# ... and when the disk holding var/ has less free space than this (bytes; default 1 GiB).
GOVTRUST_HEALTH_MIN_FREE_BYTES = int(os.environ.get("GOVTRUST_HEALTH_MIN_FREE_BYTES", str(1 << 30)))
# Scheduled backups: off unless a folder is set; one per interval, retention by day and week.
GOVTRUST_BACKUP_DIR = os.environ.get("GOVTRUST_BACKUP_DIR", "")
GOVTRUST_BACKUP_INTERVAL = int(os.environ.get("GOVTRUST_BACKUP_INTERVAL", "86400"))
GOVTRUST_BACKUP_KEEP_DAILY = int(os.environ.get("GOVTRUST_BACKUP_KEEP_DAILY", "7"))
GOVTRUST_BACKUP_KEEP_WEEKLY = int(os.environ.get("GOVTRUST_BACKUP_KEEP_WEEKLY", "4"))
# Work folders of a backup or restore killed mid-run, removed at worker start once this many
# seconds old (本地政策, configurable; core/tempclean.py).
GOVTRUST_STALE_TEMP_AGE = int(os.environ.get("GOVTRUST_STALE_TEMP_AGE", "21600"))
GOVTRUST_HEALTH_BACKUP_MAX_AGE = int(
    os.environ.get("GOVTRUST_HEALTH_BACKUP_MAX_AGE", str(GOVTRUST_BACKUP_INTERVAL + 7200))
)

# Exchange with the provincial credit information sharing platform: an HTTP endpoint, or a folder
# that another system collects from (default var/exchange).
GOVTRUST_EXCHANGE_URL = os.environ.get("GOVTRUST_EXCHANGE_URL", "")
GOVTRUST_EXCHANGE_DIR = os.environ.get("GOVTRUST_EXCHANGE_DIR", "")
# How often the worker builds and delivers batches and reads the feedback inbox (seconds).
GOVTRUST_EXCHANGE_INTERVAL = int(os.environ.get("GOVTRUST_EXCHANGE_INTERVAL", "60"))

# Printed on credit reports, certificates and notices: where anyone can verify them.
GOVTRUST_PUBLIC_URL = os.environ.get("GOVTRUST_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Issued documents sent by nginx (docs/operations.md, deploy/nginx/govtrust.conf): when set, e.g.
# "/_govtrust_documents/", a download is still checked here (access, audit, digest), then answered
# with `X-Accel-Redirect: <prefix><code>.pdf` and no body, and nginx sends the file from an
# `internal` location aliasing var/documents/, so a sync worker is not held by a slow client.
GOVTRUST_ACCEL_REDIRECT = os.environ.get("GOVTRUST_ACCEL_REDIRECT", "").strip()
if GOVTRUST_ACCEL_REDIRECT and not (
    GOVTRUST_ACCEL_REDIRECT.startswith("/") and GOVTRUST_ACCEL_REDIRECT.endswith("/")
):
    raise ImproperlyConfigured("GOVTRUST_ACCEL_REDIRECT must be a path such as /_documents/")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusals": {"()": "govtrust.core.logfilters.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["refusals"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}
