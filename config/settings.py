"""Django settings, all read from environment variables (see config/env.py).

One settings module serves development, tests and production: DEBUG and the
variables below decide. Unset variables fall back to embedded defaults (SQLite
under var/, a filesystem Celery broker) so that `make run` needs no server.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_broker,
    env_cache,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_str,
    env_time_zone,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TAIZHANG_VAR_DIR", str(BASE_DIR / "var")))
# The seed documents the demo is imported from (load_demo): shared/ sits beside the project.
DEMO_SEEDS_DIR = Path(env_str("TAIZHANG_SEEDS_DIR", str(BASE_DIR.parent / "shared" / "seeds")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = env_str("SECRET_KEY", "")
    if key:
        if not DEBUG and len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production")
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off")
    # Development: a random key kept under var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(64))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "core",
    "zones",
    "plans",
    "targets",
    "progress",
    "dashboard",
    "supervision",
    "imports",
    "api",
    "demo",
    "bench",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Each request's own memo of what every page reads several times (the user's memberships).
    "core.request_memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.db_unavailable.DatabaseUnavailableMiddleware",  # a lost database is a 503, not a 500
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a lockout into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "zones.context_processors.roles",
                "progress.context_processors.late_requests",
                "home.context_processors.badges",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'taizhang.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out username+address before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LANGUAGE_CODE = env_choice("LANGUAGE_CODE", "zh-hans", [code for code, _name in LANGUAGES])
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_time_zone("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Stored files (the monthly bulletins, the reports' evidence) go through Django's storage API:
# the file system under MEDIA_ROOT by default; MEDIA_STORAGE=s3 keeps them in an S3-compatible
# object store (MinIO, 阿里云 OSS, 腾讯云 COS, AWS S3) through django-storages, which must then be
# installed (it is not in requirements.txt). docs/deploy.md names the variables.
MEDIA_STORAGE = env_choice("MEDIA_STORAGE", "filesystem", ["filesystem", "s3"])
if MEDIA_STORAGE == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("MEDIA_S3_BUCKET", ""),
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("MEDIA_S3_REGION", "") or None,
            "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID", ""),
            "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY", ""),
            "location": env_str("MEDIA_S3_PREFIX", ""),
            "default_acl": None,  # the bucket stays private; the app serves every file after its checks
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
    if not _DEFAULT_STORAGE["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET")
else:
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "taizhang@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL exclude each other; set one of them")
# Seconds the SMTP backend waits for each answer of the mail server. Mail is
# sent by a worker (core.mail), never in a request; this bounds how long a
# mail server that accepts and never answers can hold that worker.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
# The address people reach the app at, for links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# The hosts a zone's group robot may post to: the official 企业微信 and 钉钉 robot addresses. A
# robot address is typed by a zone administrator, so anything else (an internal address, a cloud
# metadata service) is refused; a deployment with its own relay adds its host here.
WEBHOOK_HOSTS = env_list("WEBHOOK_HOSTS", ["qyapi.weixin.qq.com", "oapi.dingtalk.com"])

# Security: strict by default outside DEBUG. Set SECURE_SSL_REDIRECT=false only
# behind a proxy that already redirects.
# "X-Forwarded-Proto: https" makes a request count as HTTPS only when a TLS proxy that sets
# (and overwrites) the header is the one way in: otherwise any client could send it over
# plain HTTP and be treated as secure. Off unless TRUST_X_FORWARDED_PROTO says so (docs/deploy.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUST_X_FORWARDED_PROTO", False) else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Content Security Policy (django-csp), in DEBUG too so that the browser tests run under it:
# scripts, styles, images and fonts only from this site; no inline script, style attribute or
# event handler (templates use static/js and CSS classes instead); no framing, no plugins. The one
# inline script, Swagger UI's start-up on /api/docs/, runs with a per-response nonce.
# CSP_REPORT_ONLY=true sends it as Content-Security-Policy-Report-Only, to try a change safely.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],  # a nonce only where a page asks for one (the API docs)
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
_CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)
if _CSP_REPORT_ONLY:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one username from one
# address, that pair is refused for AXES_COOLOFF_MINUTES; a success clears the count. Attempts are
# kept in the database (works on SQLite and PostgreSQL, shared by every web worker).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.lockout.locked_out"
# Behind a reverse proxy, set AXES_IPWARE_PROXY_COUNT and AXES_IPWARE_META_PRECEDENCE_ORDER
# (e.g. HTTP_X_FORWARDED_FOR) so that the client's address, not the proxy's, is counted.
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0, minimum=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", ["REMOTE_ADDR"]))

# Uploads (a plan's .txt/.docx, a unit's period sheet): no upload may exceed UPLOAD_MAX_BYTES. The
# first handler stops storing a file one byte past the limit, so an oversized upload never fills
# memory or disk, and the form refuses it with a clear message.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
# Evidence attached to a report (佐证材料: a PDF, a photo, a Word or Excel file) may be larger; its
# upload view installs the same handler with this limit. nginx refuses bodies over 11 MB
# (deploy/nginx): raise client_max_body_size with it.
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.SizeCapUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The plan import review posts a dozen fields per proposed target.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

REST_FRAMEWORK = {
    # Token first: DRF answers an unauthenticated request with the first class's challenge,
    # so a missing or invalid token is a 401 with "WWW-Authenticate: Token" (session
    # authentication has no challenge: it would be a 403). Browser calls still authenticate
    # by their session, with its CSRF check.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # JSON nested beyond any payload of the API is a 400, not a RecursionError (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Taizhang API",
    "DESCRIPTION": "Plans, targets, monthly reports and their judgements of a zone's annual work plan.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the drf-spectacular-sidecar package: nothing is fetched from the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets whose field name another set shares ("state") are named here.
    "ENUM_NAME_OVERRIDES": {
        "InstructionStateEnum": "supervision.choices.InstructionState",
        "NoticeStateEnum": "supervision.choices.NoticeState",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}

# The cache (dashboards, recompute windows): each process's own memory unless
# CACHE_URL names a Redis database, as production should (docs/deploy.md).
CACHES = env_cache("CACHE_URL", "")

# Celery. With no broker server the filesystem transport carries messages
# between the web server, the worker and beat through folders under var/.
CELERY_BROKER_URL = env_broker("CELERY_BROKER_URL", "filesystem://localhost/")
_BROKER_DIR = VAR_DIR / "celery" / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    _BROKER_DIR.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR),
        "data_folder_out": str(_BROKER_DIR),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
    _default_results = f"file://{VAR_DIR / 'celery' / 'results'}"
    (VAR_DIR / "celery" / "results").mkdir(parents=True, exist_ok=True)
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # Connecting gives up after 2 s and a command after 10 s, so a broker that
    # is down or unreachable cannot hold a web request (docs/faults.md).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 10}
    CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
    _default_results = CELERY_BROKER_URL
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    _default_results = "rpc://"
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", _default_results)
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Publishing (the on-commit .delay of a submission) tries twice within 0.1 s
# and gives up: what it could not queue is in the recompute outbox, which
# the catch-up sweep pays when the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A burst of submissions to one plan is recomputed once per this many seconds
# (progress.engine.queue); 0 sends one message per change, at once.
RECOMPUTE_COALESCE_SECONDS = env_int("RECOMPUTE_COALESCE_SECONDS", 3, minimum=0)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Every periodic job of the project is declared here and expires before its next run.
CELERY_BEAT_SCHEDULE = {
    "recompute-catch-up": {
        "task": "progress.engine.tasks.catch_up",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "mail-catch-up": {
        "task": "core.tasks.mail_catch_up",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "heartbeat": {
        "task": "core.tasks.heartbeat",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 14 * 60},
    },
    "recompute-published-plans": {
        "task": "progress.engine.tasks.recompute_published_plans",
        "schedule": crontab(hour=1, minute=15),
        "options": {"expires": 20 * 3600},
    },
    "send-reminders": {
        "task": "progress.tasks.send_reminders",
        "schedule": crontab(hour=8, minute=30),
        "options": {"expires": 6 * 3600},
    },
    "supervision-daily": {
        "task": "supervision.tasks.daily",
        "schedule": crontab(hour=7, minute=45),
        "options": {"expires": 12 * 3600},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", ["DEBUG", "INFO", "WARNING", "ERROR"])},
    # django-axes logs every login at INFO; its lockouts (WARNING) are what matters.
    "loggers": {"axes": {"level": "WARNING"}},
}
