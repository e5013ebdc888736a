"""Django settings, from environment variables read strictly (see ``env.py``).

Development and tests need nothing set: SQLite in ``./iomhub-data/``. Production
(``IOMHUB_PRODUCTION=true``) requires ``SECRET_KEY``, ``ALLOWED_HOSTS`` and usually
``DATABASE_URL=postgres://...``, and turns on every transport protection.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from iomhub.web.env import SettingError, env_bool, env_int, env_list, env_str
from iomhub.web.records import rules as retention_rules

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env_str("IOMHUB_DATA_DIR", str(Path.cwd() / "iomhub-data")))

PRODUCTION = env_bool("IOMHUB_PRODUCTION", False)
DEBUG = env_bool("IOMHUB_DEBUG", False) and not PRODUCTION
if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50:
        raise SettingError("SECRET_KEY must be at least 50 characters in production")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise SettingError("ALLOWED_HOSTS must name the host(s) iomhub is served on")
else:
    SECRET_KEY = env_str("SECRET_KEY", "development-only-key-" + "x" * 40)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "iomhub.web.accounts",
    "iomhub.web.audit",
    "iomhub.web.people",
    "iomhub.web.cohort",
    "iomhub.web.referrals",
    "iomhub.web.custody",
    "iomhub.web.risk",
    "iomhub.web.assessments",
    "iomhub.web.meetings",
    "iomhub.web.treatment",
    "iomhub.web.offences",
    "iomhub.web.performance",
    "iomhub.web.records",
    "iomhub.web.notifications",
    "iomhub.web.ingest",
]

MIDDLEWARE = [
    "iomhub.web.proxy.TrustedProxyMiddleware",  # first: the address and scheme everything after uses
    "iomhub.web.requests.NulRefusalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "iomhub.web.accounts.middleware.SessionLimitsMiddleware",
    "iomhub.web.notifications.middleware.DueNoticesMiddleware",  # releases and actions fallen due
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "iomhub.web.accounts.middleware.SecurityHeadersMiddleware",
    "iomhub.web.visibility.RefusalMiddleware",  # answers a view's Refused (see visibility.py)
]

ROOT_URLCONF = "iomhub.web.urls"
WSGI_APPLICATION = "iomhub.web.wsgi.application"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [BASE_DIR / "templates"],
    "APP_DIRS": True,
    "OPTIONS": {"builtins": ["iomhub.web.govuk"], "context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "iomhub.web.notifications.context.unread",
    ]},
}]

# Widgets drawn with Django's Jinja2 copies of its own widget templates (less than half the time),
# and with Django's templates where only those exist (the admin's and auth's own widgets).
FORM_RENDERER = "iomhub.web.renderers.WidgetRenderer"

if not os.environ.get("DATABASE_URL"):
    DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'iomhub.sqlite3'}"),
        # Each serving thread keeps its connection for a minute (checked before reuse) instead of
        # opening one per request: on PostgreSQL that is a new server process and a password
        # exchange per page. 0 closes it after every request.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0), conn_health_checks=True),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # a page view and its audit row stand or fall together
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL with synchronous=FULL: a committed transaction survives a crash or power loss.
    # Every request writes (at least its audit row), so each transaction takes the write lock at
    # its start (IMMEDIATE) instead of failing with "database is locked" when it upgrades later.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "init_command": ("PRAGMA foreign_keys=ON; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                         "PRAGMA recursive_triggers=ON;"),  # REPLACE fires delete triggers (audit.triggers)
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["iomhub.web.accounts.backends.AgencyUserBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # each role's own start page (accounts.permissions.landing_page)
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions: a new id at login (Django's default), 30 minutes idle, 12 hours at most.
SESSION_IDLE_SECONDS = env_int("IOMHUB_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("IOMHUB_SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_USE_SESSIONS = True  # the CSRF secret lives in the (server-side) session, bound to it, not in a cookie
CSRF_COOKIE_HTTPONLY = True
LOCKOUT_FAILURES = env_int("IOMHUB_LOCKOUT_FAILURES", 5, minimum=1)
LOCKOUT_SECONDS = env_int("IOMHUB_LOCKOUT_SECONDS", 15 * 60, minimum=1)
TOTP_REQUIRED_FOR_ALL = env_bool("IOMHUB_TOTP_REQUIRED_FOR_ALL", False)
ENROLMENT_LINK_HOURS = env_int("IOMHUB_ENROLMENT_LINK_HOURS", 72, minimum=1)  # accounts.models.EnrolmentLink
# When each record is next reviewed (records/rules.py): a [retention] table, or MoPI's defaults.
try:
    RETENTION = retention_rules.load(env_str("IOMHUB_RETENTION_FILE", "") or None)
except retention_rules.RulesError as error:
    raise SettingError(f"IOMHUB_RETENTION_FILE: {error}") from None
# Ask why before a person's record is first read in a session (people/purpose.py).
PURPOSE_REQUIRED = env_bool("IOMHUB_PURPOSE_REQUIRED", False)
# Behind a reverse proxy (see proxy.py): the proxies' own addresses, and how many of them stand
# between the client and iomhub (the client's address is that many hops from the right of
# X-Forwarded-For).
BEHIND_PROXY = env_bool("IOMHUB_BEHIND_PROXY", False)
TRUSTED_PROXIES = env_list("IOMHUB_TRUSTED_PROXIES", ["127.0.0.1", "::1"]) if BEHIND_PROXY else []
TRUSTED_PROXY_COUNT = env_int("IOMHUB_TRUSTED_PROXY_COUNT", 1 if BEHIND_PROXY else 0, minimum=0)
if TRUSTED_PROXY_COUNT and not BEHIND_PROXY:
    raise SettingError("IOMHUB_TRUSTED_PROXY_COUNT needs IOMHUB_BEHIND_PROXY=true (and IOMHUB_TRUSTED_PROXIES)")

# Uploads of extracts (/data/, ingest/storage.py): the most an upload may be, written to disk as
# it arrives; who runs the imports: a thread of the application ("thread"), or `iomhub worker`
# running as a service of its own ("external").
UPLOAD_MAX_BYTES = env_int("IOMHUB_UPLOAD_MAX_BYTES", 512 * 1024**2, minimum=1024)
IMPORT_WORKER = env_str("IOMHUB_IMPORT_WORKER", "thread")
if IMPORT_WORKER not in ("thread", "external"):
    raise SettingError("IOMHUB_IMPORT_WORKER must be thread or external")
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("IOMHUB_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("IOMHUB_HSTS_SECONDS", 31_536_000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("IOMHUB_STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True  # serve straight from the apps' static folders when not collected

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "iomhub.security": {"handlers": ["console"], "level": "INFO"},  # sign-ins too
        "django.security": {"handlers": ["console"], "level": "WARNING"},
    },
}
