"""One settings module, driven by the environment.

Defaults give a working platform on an embedded SQLite database with no set-up. Production
behaviour is switched on by variables, never by a second settings file:

- ``DATABASE_URL``: ``postgres://…`` for PostgreSQL; default SQLite in the data directory.
- ``CHENGQU_DATA_DIR``: where the database, secret key, uploads and backups live (default ``./var``).
- ``SECRET_KEY``: given, or generated once into ``<data dir>/secret_key`` (never committed).
- ``CHENGQU_AUDIT_KEY``: the audit chain's HMAC key; default ``<data dir>/audit_key`` (0600).
- ``CHENGQU_DEBUG=1``: development pages with tracebacks. Off by default.
- ``CHENGQU_HTTPS=1``: behind HTTPS: secure cookies, HSTS, redirect to https.
- ``CHENGQU_ALLOWED_HOSTS``: comma-separated host names (default localhost names).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext

# Typed generics such as ModelAdmin[Model] at run time, as django-stubs writes them.
django_stubs_ext.monkeypatch()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("CHENGQU_DATA_DIR") or Path.cwd() / "var").resolve()  # empty = unset
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    given = os.environ.get("SECRET_KEY")
    if given:
        return given
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        # Created with 0600 so that only the service account can read it.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# The audit chain's key and head file live outside the database (portal/audit/anchor.py): the key
# from CHENGQU_AUDIT_KEY or <data dir>/audit_key (0600, made on first use), the head file beside it.
CHENGQU_AUDIT_KEY = os.environ.get("CHENGQU_AUDIT_KEY", "")
CHENGQU_AUDIT_DIR = DATA_DIR
DEBUG = _flag("CHENGQU_DEBUG")
HTTPS = _flag("CHENGQU_HTTPS")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CHENGQU_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CHENGQU_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "portal.accounts",
    "portal.audit",
    "portal.core",
    "portal.notify",
    "portal.gazette",
    "portal.incentives",
    "portal.command",
    "portal.fund",
    "portal.supervision",
    "portal.relics",
    # After the modules whose loaders create units: its loader links member units by name.
    "portal.air",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before whitenoise, so that static files carry the policy too (portal/core/security.py).
    "portal.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After CSRF and auth (its check runs in process_view): control characters refused with 400.
    "portal.core.middleware.InputHygieneMiddleware",
    # After auth: an API upload refused while it arrived answers 400 (portal/core/uploads.py).
    "portal.core.uploads.UploadLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as axes requires: it turns locked-out logins into a clear page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.config.urls"
WSGI_APPLICATION = "portal.config.wsgi.application"

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
                "portal.core.context.navigation",
                "portal.notify.context.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'chengqu.sqlite3'}"),
        conn_max_age=int(os.environ.get("CHENGQU_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take the write lock at BEGIN, so two writers queue instead of one
    # failing half-way with "database is locked"; WAL lets readers go on during a write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }

# Uploads are counted as they arrive and dropped past their limit (portal/core/uploads.py); then
# small files stay in memory, larger ones go to a temporary file, as Django does by default.
FILE_UPLOAD_HANDLERS = [
    "portal.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Django's rule with a Chinese message (its 5.2 one is untranslated).
    {"NAME": "portal.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling: after 5 failures for a username from one address, that pair waits an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("CHENGQU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
# Tests and development serve straight from the app folders; production from STATIC_ROOT.
WHITENOISE_USE_FINDERS = DEBUG or _flag("CHENGQU_STATIC_FINDERS")
if WHITENOISE_USE_FINDERS:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

CHENGQU_CALENDAR_OVERRIDES = os.environ.get("CHENGQU_CALENDAR_OVERRIDES", "")

# Security baseline. Cookies are HTTP-only; behind HTTPS they are also Secure, and HSTS is on.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CHENGQU_LOG_LEVEL", "WARNING")},
}
