"""One settings module, driven by the environment, with safe embedded defaults.

Embedded mode (no DATABASE_URL): SQLite in LAUREL_DATA_DIR, secrets generated into the
data directory, emails to the in-app outbox, the django-tasks-db worker beside the web
server. Production switches: DATABASE_URL, LAUREL_BASE_URL, LAUREL_EMAIL_*, secrets from
the environment or from *_FILE.

Reading these settings creates nothing on disk: `laurel migrate`, `serve` and `run` make
the data directory and its secrets (laurel.ops.data_dir). A variable that is set but
cannot be read (a boolean "ture", a number "ten") is an ImproperlyConfigured naming it.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from django.core.exceptions import ImproperlyConfigured

from laurel.ops import data_dir

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = data_dir.location()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word not in _TRUE | _FALSE:
        raise ImproperlyConfigured(
            f"{name}={value!r} is neither true nor false: use 1, true, yes, on "
            f"or 0, false, no, off."
        )
    return word in _TRUE


def _env_number(name: str, default: int | float, *, minimum: int | float | None = None):
    """$NAME as a number of the default's type (int or float), at least `minimum`."""
    value = os.environ.get(name)
    if value is None:
        return default
    kind = type(default)
    try:
        number = kind(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not {'a whole number' if kind is int else 'a number'}."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={value!r} is below {minimum}.")
    return number


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def _secret(name: str) -> str:
    try:
        return data_dir.secret(name, DATA_DIR)
    except data_dir.MissingSecret as missing:
        raise ImproperlyConfigured(str(missing)) from None


SECRET_KEY = _secret("LAUREL_SECRET_KEY")
# Encrypts signing keys at rest; kept apart from SECRET_KEY so either can rotate alone.
LAUREL_KEY_ENCRYPTION_KEY = _secret("LAUREL_KEY_ENCRYPTION_KEY")
DEBUG = _env_bool("LAUREL_DEBUG", False)

LAUREL_BASE_URL = os.environ.get("LAUREL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = [h for h in os.environ.get("LAUREL_ALLOWED_HOSTS", "").split(",") if h] or ["*"]
CSRF_TRUSTED_ORIGINS = [LAUREL_BASE_URL]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "laurel.web",  # before allauth: its templates restyle allauth's pages
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",  # the API docs' Swagger UI from our own static files, not a CDN (CSP)
    "django_tasks",
    "django_tasks_db",
    "laurel.organizations",
    "laurel.credentials",
    "laurel.mail",
    "laurel.public",
    "laurel.analytics",
    "django.contrib.sitemaps",
    "laurel.ops",
    "laurel.api",
    "laurel.webhooks",
    "laurel.recipients",
    "laurel.designs",
    "laurel.bulk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside whitenoise and the API middleware, so that their own answers get them too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "laurel.ops.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's LocaleMiddleware (the switcher's cookie, else Accept-Language), except on the
    # issuer app, the admin and the API, which stay English. Before every middleware that
    # may answer on its own, so that no answer speaks the language a thread last served.
    "laurel.web.language.LanguageMiddleware",
    # API requests: key, rate limits, idempotency, JSON errors (only under /api/ and /v1/).
    "laurel.api.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "laurel.web.errors.DomainErrorMiddleware",
]

ROOT_URLCONF = "laurel.urls"
WSGI_APPLICATION = "laurel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "laurel.web.context.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite (embedded) is shared by several web processes and the worker: WAL, a busy
# timeout, IMMEDIATE write transactions and persistent connections. (The test suite's
# own database names are in tests/settings.py.)
SQLITE_PATH = DATA_DIR / "laurel.sqlite3"
# Unset or empty: the embedded SQLite. A URL of no known database is refused by name.
_DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
try:
    DATABASES = {
        "default": dj_database_url.parse(
            _DATABASE_URL or f"sqlite:///{SQLITE_PATH}",
            conn_max_age=_env_number("LAUREL_CONN_MAX_AGE", 600, minimum=0),
            conn_health_checks=True,
        )
    }
except ValueError as error:  # dj_database_url's UnknownSchemeError is one
    raise ImproperlyConfigured(
        f"DATABASE_URL={_DATABASE_URL!r} names no database Laurel can use "
        "(postgres://user@host:5432/name, or leave it unset for the embedded SQLite)."
    ) from error
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": (
            "PRAGMA journal_mode=WAL;"
            "PRAGMA synchronous=NORMAL;"
            "PRAGMA foreign_keys=ON;"
            "PRAGMA busy_timeout=30000;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with batches that fit 65,535 parameters and a health check that
    # costs no round trip on a quiet connection (laurel/db/postgresql/base.py).
    DATABASES["default"]["ENGINE"] = "laurel.db.postgresql"
    if _env_bool("LAUREL_DB_PREPARED_STATEMENTS", True):
        # Parameters bound by the server, and a statement a connection runs a few times
        # (every issue runs the same dozen) prepared once: PostgreSQL then skips parsing
        # and planning it (a 1-client issue p50 about 20% lower). Off behind a pooler
        # that cannot keep prepared statements (PgBouncer in transaction mode before 1.21).
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("LAUREL_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "email", "bulk", "webhooks"],
    }
}

# --- Bulk issuance --------------------------------------------------------------------
LAUREL_BULK_MAX_CSV_BYTES = _env_number("LAUREL_BULK_MAX_CSV_BYTES", 1_000_000, minimum=1)
# How many run_bulk_job tasks a submitted job starts (each claims chunks until none is left).
LAUREL_BULK_WORKERS_PER_JOB = _env_number("LAUREL_BULK_WORKERS_PER_JOB", 2, minimum=1)
# The rows of a job's chunk (what a worker claims), and those issued per transaction: one
# batch a chunk, one commit and a dozen statements per 1,000 credentials (500 took 10%
# longer, bench/bulk.py: each chunk's claim and commit cost ~60 ms), and when a claimed
# chunk's worker is presumed dead.
LAUREL_BULK_CHUNK_ROWS = _env_number("LAUREL_BULK_CHUNK_ROWS", 1000, minimum=1)
LAUREL_BULK_BATCH_ROWS = _env_number("LAUREL_BULK_BATCH_ROWS", 1000, minimum=1)
LAUREL_BULK_STALE_SECONDS = _env_number("LAUREL_BULK_STALE_SECONDS", 30.0, minimum=0)
# Whether a bulk worker signs in a child process (laurel.vc.signer) while it writes the
# batch before: "auto" does on SQLite, whose single writer means one worker, when the
# machine has a core to spare; on PostgreSQL more workers use the cores instead.
LAUREL_BULK_SIGNING_PROCESS = _env_choice(
    "LAUREL_BULK_SIGNING_PROCESS", "auto", ("auto", "on", "off")
)

# --- Email ----------------------------------------------------------------------------
# Without LAUREL_EMAIL_HOST, mail goes to the outbox (EmailDelivery rows) the app shows.
LAUREL_EMAIL_HOST = os.environ.get("LAUREL_EMAIL_HOST", "")
EMAIL_HOST = LAUREL_EMAIL_HOST or "localhost"
EMAIL_PORT = _env_number("LAUREL_EMAIL_PORT", 25, minimum=0)
EMAIL_HOST_USER = os.environ.get("LAUREL_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LAUREL_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("LAUREL_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("LAUREL_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _env_number("LAUREL_EMAIL_TIMEOUT", 20, minimum=0)
DEFAULT_FROM_EMAIL = os.environ.get("LAUREL_FROM_EMAIL", "Laurel <no-reply@laurel.localhost>")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if LAUREL_EMAIL_HOST
    else "laurel.mail.backends.OutboxBackend"  # account emails into the outbox
)
# The outbox: deliveries are marked sent with backend "outbox" and nothing leaves the machine.
LAUREL_EMAIL_OUTBOX = _env_bool("LAUREL_EMAIL_OUTBOX", not LAUREL_EMAIL_HOST)
# Our retries (the task backend has none): 1, 2, 4, 8 minutes..., then failed.
LAUREL_EMAIL_MAX_ATTEMPTS = _env_number("LAUREL_EMAIL_MAX_ATTEMPTS", 6, minimum=0)
LAUREL_EMAIL_RETRY_SECONDS = _env_number("LAUREL_EMAIL_RETRY_SECONDS", 60.0, minimum=0)
# A delivery still "sending" after this long was left by a killed worker: queued again.
LAUREL_EMAIL_STALLED_SECONDS = _env_number("LAUREL_EMAIL_STALLED_SECONDS", 900, minimum=0)

# --- Cache (rate limits) --------------------------------------------------------------
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["LAUREL_REDIS_URL"],
        }
        if os.environ.get("LAUREL_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "laurel_cache"}
    )
}

# --- Plans and quotas (settings, not constants) ---------------------------------------
# Unique recipients per calendar month, per plan: LAUREL_PLAN_QUOTA_FREE, _PROFESSIONAL,
# _ENTERPRISE (staff can still override one organization's quota).
LAUREL_PLAN_QUOTAS = {
    plan: _env_number(f"LAUREL_PLAN_QUOTA_{plan.upper()}", default, minimum=0)
    for plan, default in {"free": 1000, "professional": 1000, "enterprise": 5000}.items()
}
LAUREL_RESEND_COOLDOWN_DAYS = 7

# --- REST API and webhooks ------------------------------------------------------------
# Requests a minute, per API key and per client IP; counted in the cache (shared by every
# web process: use Redis, LAUREL_REDIS_URL, when scaled out).
LAUREL_API_RATE_LIMIT_PER_KEY = _env_number("LAUREL_API_RATE_LIMIT_PER_KEY", 60, minimum=0)
LAUREL_API_RATE_LIMIT_PER_IP = _env_number("LAUREL_API_RATE_LIMIT_PER_IP", 100, minimum=0)
LAUREL_API_RATE_LIMIT_PERIOD_SECONDS = 60
# Where the counts live: "database" (an atomic upsert in our own table; exact) or "cache"
# (the cache's incr: exact with Redis). Redis by default when LAUREL_REDIS_URL is set.
LAUREL_API_RATE_LIMIT_STORE = _env_choice(
    "LAUREL_API_RATE_LIMIT_STORE",
    "cache" if os.environ.get("LAUREL_REDIS_URL") else "database",
    ("database", "cache"),
)
# Behind a load balancer, the client IP is the first X-Forwarded-For address.
LAUREL_API_TRUST_X_FORWARDED_FOR = _env_bool("LAUREL_API_TRUST_X_FORWARDED_FOR", False)
LAUREL_API_MAX_BODY_BYTES = _env_number("LAUREL_API_MAX_BODY_BYTES", 1024 * 1024, minimum=0)
# POST /api/v1/bulk-jobs and /bulk-jobs/validate alone take more: a JSON list of 10,000
# recipients with custom fields runs to a few MiB (the rows' own limits still hold).
LAUREL_API_BULK_MAX_BODY_BYTES = _env_number(
    "LAUREL_API_BULK_MAX_BODY_BYTES", 16 * 1024 * 1024, minimum=0
)
LAUREL_API_IDEMPOTENCY_TTL_HOURS = 24
LAUREL_WEBHOOK_TIMEOUT_SECONDS = _env_number("LAUREL_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=0)
LAUREL_WEBHOOK_MAX_ATTEMPTS = _env_number("LAUREL_WEBHOOK_MAX_ATTEMPTS", 8, minimum=0)
# Retries wait base, 2×base, 4×base, ... (capped at six hours).
LAUREL_WEBHOOK_RETRY_BASE_SECONDS = _env_number("LAUREL_WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=0)
# Webhooks go to public addresses only (no loopback, private, link-local...: SSRF); an
# installation whose receivers live on its own network turns this on.
LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS = _env_bool("LAUREL_WEBHOOK_ALLOW_PRIVATE_TARGETS", False)
# Workers sweep for expired credentials (credential.expired webhooks) this often; 0 = never.
LAUREL_EXPIRY_SWEEP_SECONDS = _env_number("LAUREL_EXPIRY_SWEEP_SECONDS", 300, minimum=0)

# --- Public pages and /verify -----------------------------------------------------------
# /verify fetches what a stranger points it at from public addresses only (no loopback,
# private, link-local: SSRF); an installation verifying its own network turns this on.
LAUREL_VERIFY_ALLOW_PRIVATE_URLS = _env_bool("LAUREL_VERIFY_ALLOW_PRIVATE_URLS", False)
LAUREL_VERIFY_MAX_UPLOAD_BYTES = int(os.environ.get("LAUREL_VERIFY_MAX_UPLOAD_BYTES", "5242880"))
# Page views and downloads are summed per process and written at most this often (0: at once).
LAUREL_ANALYTICS_FLUSH_SECONDS = float(os.environ.get("LAUREL_ANALYTICS_FLUSH_SECONDS", "2"))
# bench/verify_page.py only: serves the minimal baseline view under /bench/baseline/<id>.
LAUREL_BENCH_BASELINE = _env_bool("LAUREL_BENCH_BASELINE", False)

# --- Static files and security --------------------------------------------------------
STATIC_URL = "/static/"
# Bootstrap 5 from its XStatic package on PyPI (no CDN, no build step): /static/bootstrap/.
STATICFILES_DIRS = [("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STATIC_ROOT = DATA_DIR / "static"  # made by data_dir.prepare; `laurel collectstatic` fills it
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(DATA_DIR / "media")},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HTML pages: scripts, styles and fonts from this site only (inline style attributes are
# allowed; inline scripts are not), images also from https: (group images) and data:.
LAUREL_CONTENT_SECURITY_POLICY = os.environ.get(
    "LAUREL_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: https:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = LAUREL_BASE_URL.startswith("https://")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if SESSION_COOKIE_SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Recipient-facing pages and emails: English, French, Spanish, Arabic (right to left).
# The choice is Accept-Language, then the switcher's cookie; URLs carry no language.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("ar", "Arabic"),
]
LANGUAGE_COOKIE_NAME = "laurel_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = LAUREL_BASE_URL.startswith("https://")
# Where Laurel's date formats differ from Django's (laurel/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["laurel.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Accounts (django-allauth) --------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "laurel.web.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("LAUREL_ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Laurel] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if LAUREL_BASE_URL.startswith("https://") else "http"
# Brute force: failed sign-ins are limited per address and per account (allauth counts
# them in the cache, shared by every process).
# Sign in by a code mailed to the address (allauth's, for accounts; /recipients/sign-in
# also for recipients who have credentials and no account yet).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": os.environ.get("LAUREL_LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "request_login_code": "20/m/ip,3/m/key",
}
# Behind a load balancer the client's address is the last X-Forwarded-For hop it added.
ALLAUTH_TRUSTED_PROXY_COUNT = 1 if _env_bool("LAUREL_API_TRUST_X_FORWARDED_FOR", False) else 0
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Laurel"
LOCALE_PATHS = [BASE_DIR / "locale"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LAUREL_LOG_LEVEL", "WARNING")},
}

# The design studio: the largest background or image a designer may upload.
LAUREL_DESIGN_UPLOAD_MAX_BYTES = int(os.environ.get("LAUREL_DESIGN_UPLOAD_MAX_BYTES", 10_000_000))
# A ZIP of certificates: credentials a worker claims at a time, when a silent worker's
# part is claimed again, and how many build tasks a ZIP starts (laurel/designs/zips.py).
LAUREL_ZIP_PART_SIZE = _env_number("LAUREL_ZIP_PART_SIZE", 250, minimum=1)
LAUREL_ZIP_STALE_SECONDS = _env_number("LAUREL_ZIP_STALE_SECONDS", 60.0, minimum=0)
LAUREL_ZIP_WORKERS_PER_JOB = _env_number("LAUREL_ZIP_WORKERS_PER_JOB", 2, minimum=1)
