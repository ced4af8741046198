"""Settings shared by every environment.

Every knob that differs between a laptop and production is an environment variable with a
safe default for the embedded run (SQLite, local-memory cache, database task queue); see
README.md, "Configuration".
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "themes",
    "cms",
    "syndication",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "cms.security.PolicyByPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Accept-Language for the API only; the admin follows the user's own choice.
    "cms.api.locale.ApiLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default: WAL so readers never wait for the writer, a busy timeout so the web
# server and the worker queue for the write lock instead of failing, and IMMEDIATE
# transactions so a transaction takes the write lock up front (no upgrade deadlocks).
SQLITE_PATH = Path(os.environ.get("KANAL_SQLITE_PATH", BASE_DIR / "db.sqlite3"))
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA busy_timeout=20000;"
        "PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
    ),
    "transaction_mode": "IMMEDIATE",
}

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
        DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
# Every request is one transaction: Wagtail publishes without one, and an event must commit
# with its change (cms.events). Read-only views opt out with non_atomic_requests.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASE_IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background work --------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
# Two task queues, each with its own workers (Procfile, README "Processes"): event fan-out and
# deliveries (webhooks, pushes) on their own queue, so they never wait behind search indexing,
# imports and polls on "default" (issue 15: a first import once held deliveries for 80 s).
KANAL_DELIVERY_QUEUE = "deliveries"
KANAL_TASK_QUEUES = ["default", KANAL_DELIVERY_QUEUE]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "kanal",
        }
    }
    RQ_QUEUES = {name: {"URL": REDIS_URL} for name in KANAL_TASK_QUEUES}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": KANAL_TASK_QUEUES}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kanal",
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": KANAL_TASK_QUEUES}}

# --- Auth -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"

# --- Internationalisation: Swedish first, English second ------------------------------------
LANGUAGE_CODE = "sv"
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = WAGTAILADMIN_PERMITTED_LANGUAGES = [
    ("sv", _("Swedish")),
    ("en", _("English")),
]
WAGTAIL_I18N_ENABLED = True
# Kanal's own catalogue (English in the source, Swedish here); the compiled .mo is committed.
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("KANAL_STATIC_ROOT", BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("KANAL_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Wagtail --------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("KANAL_SITE_NAME", "Kanal")
# Where Kanal itself is reached (API links, feeds, event payloads). Unset, it is this machine
# on the port `make run` serves on: the Makefile hands PORT to every process it starts as
# KANAL_PORT (honcho gives each process a PORT of its own, so PORT cannot be read here).
KANAL_PORT = int(os.environ.get("KANAL_PORT") or 8000)
KANAL_BASE_URL = (os.environ.get("KANAL_BASE_URL") or f"http://127.0.0.1:{KANAL_PORT}").rstrip("/")
KANAL_FRONTEND_URL = os.environ.get("KANAL_FRONTEND_URL", KANAL_BASE_URL).rstrip("/")
WAGTAILADMIN_BASE_URL = KANAL_BASE_URL
WAGTAILAPI_BASE_URL = KANAL_BASE_URL
# Nothing calls third-party hosts on its own: no update check, no Gravatar, no oEmbed
# discovery beyond what an editor explicitly embeds.
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILEMBEDS_FINDERS: list[dict] = []
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_MODERATION_ENABLED = True
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        # Used by the PostgreSQL full-text backend: Swedish stemming and stop words.
        "SEARCH_CONFIG": "swedish",
    }
}
WAGTAILIMAGES_IMAGE_MODEL = "wagtailimages.Image"
TAGGIT_CASE_INSENSITIVE = True

# --- Kanal ----------------------------------------------------------------------------------
# Hosts or networks (comma-separated) that the private-address guard lets through.
KANAL_ALLOW_PRIVATE_HOSTS = env_list("KANAL_ALLOW_PRIVATE_HOSTS")
# Fernet key (``Fernet.generate_key()``) that encrypts push-target credentials at rest.
# Empty in development: credentials can then only be read from named environment variables
# (production refuses to start without it).
KANAL_CREDENTIALS_KEY = os.environ.get("KANAL_CREDENTIALS_KEY", "")
# Push retries are bounded (syndication.push.policy): exponential backoff from the base delay,
# capped, until this many attempts or this age of the first attempt; then the push is failed,
# the editor sees it and can push again.
KANAL_PUSH_RETRY_BASE_SECONDS = float(os.environ.get("KANAL_PUSH_RETRY_BASE_SECONDS", "30"))
KANAL_PUSH_RETRY_MAX_DELAY_SECONDS = float(
    os.environ.get("KANAL_PUSH_RETRY_MAX_DELAY_SECONDS", str(6 * 3600))
)
KANAL_PUSH_MAX_ATTEMPTS = int(os.environ.get("KANAL_PUSH_MAX_ATTEMPTS", "12"))
KANAL_PUSH_GIVE_UP_AFTER_SECONDS = float(
    os.environ.get("KANAL_PUSH_GIVE_UP_AFTER_SECONDS", str(2 * 24 * 3600))
)
# YouTube Data API quota (syndication.push.quota): units Kanal may spend per Pacific day
# (Google's default project quota is 10,000; keep headroom), and how long edits of one page
# wait to be coalesced into one videos.update.
KANAL_YOUTUBE_DAILY_BUDGET = int(os.environ.get("KANAL_YOUTUBE_DAILY_BUDGET", "8000"))
KANAL_YOUTUBE_COALESCE_SECONDS = int(os.environ.get("KANAL_YOUTUBE_COALESCE_SECONDS", "300"))
# WebSub hubs (comma-separated URLs) that Kanal's RSS/Atom/JSON feeds declare and that are
# pinged (hub.mode=publish) when a feed changes; empty: no hub links, no pings.
KANAL_WEBSUB_HUBS = env_list("KANAL_WEBSUB_HUBS")
# At most one ping per (hub, feed) per this many seconds: a burst of publishes costs one ping.
KANAL_WEBSUB_PING_INTERVAL = int(os.environ.get("KANAL_WEBSUB_PING_INTERVAL", "60"))

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "cms.api.errors.exception_handler",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KANAL_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "wagtail": {"level": os.environ.get("KANAL_WAGTAIL_LOG_LEVEL", "WARNING")},
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Content-Security-Policy (django-csp; per-path differences in cms.security) -------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Wagtail's admin and the preview template set style attributes and <style> blocks.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        # The admin shows the HTML views in its preview panel (same origin).
        "frame-ancestors": ["'self'"],
    }
}

# --- Headless API (cms.api) -----------------------------------------------------------------
KANAL_API_LIMIT_MAX = int(os.environ.get("KANAL_API_LIMIT_MAX", "100"))
WAGTAILAPI_LIMIT_MAX = KANAL_API_LIMIT_MAX
KANAL_API_MAX_AGE = int(os.environ.get("KANAL_API_MAX_AGE", "60"))
KANAL_API_STALE_WHILE_REVALIDATE = int(os.environ.get("KANAL_API_STALE_WHILE_REVALIDATE", "300"))
# How long a process may answer from the global change stamp it read (see cms.representation.cache).
KANAL_API_STAMP_TTL = int(os.environ.get("KANAL_API_STAMP_TTL", "1"))
KANAL_API_CACHE_TIMEOUT = int(os.environ.get("KANAL_API_CACHE_TIMEOUT", str(24 * 3600)))
KANAL_API_ANON_RATE_PER_MINUTE = int(os.environ.get("KANAL_API_ANON_RATE_PER_MINUTE", "600"))
KANAL_API_FEEDBACK_RATE_PER_MINUTE = int(os.environ.get("KANAL_API_FEEDBACK_RATE_PER_MINUTE", "10"))
# Search (cms.api.search): words per query, time budget of its queries, rate-limit weight.
KANAL_API_SEARCH_MAX_TERMS = int(os.environ.get("KANAL_API_SEARCH_MAX_TERMS", "8"))
KANAL_API_SEARCH_BUDGET_MS = int(os.environ.get("KANAL_API_SEARCH_BUDGET_MS", "1500"))
KANAL_API_SEARCH_RATE_WEIGHT = int(os.environ.get("KANAL_API_SEARCH_RATE_WEIGHT", "10"))
# Proxies (addresses or networks, comma-separated) whose X-Forwarded-For rate limits believe:
# the load balancer or CDN in front of Kanal. Empty: the connecting address always counts.
KANAL_TRUSTED_PROXIES = env_list("KANAL_TRUSTED_PROXIES")
KANAL_FEEDBACK_COMMENT_MAX = 1000
# Feedback bodies larger than this are refused from Content-Length, before anything is read.
KANAL_FEEDBACK_BODY_MAX = 16 * 1024
KANAL_PREVIEW_TOKEN_MAX_AGE = 15 * 60

# --- The event stream (cms.events) ----------------------------------------------------------
# Data of events superseded by a newer event of the same object is dropped after this many
# days; feedback comments after KANAL_FEEDBACK_RETENTION_DAYS (cms.events.retention).
KANAL_EVENT_DATA_RETENTION_DAYS = int(os.environ.get("KANAL_EVENT_DATA_RETENTION_DAYS", "90"))
KANAL_FEEDBACK_RETENTION_DAYS = int(os.environ.get("KANAL_FEEDBACK_RETENTION_DAYS", "365"))
# How often the relay runs that purge (seconds).
KANAL_PURGE_EVERY_SECONDS = int(os.environ.get("KANAL_PURGE_EVERY_SECONDS", str(24 * 3600)))
# Who is e-mailed when a webhook endpoint is disabled or a source turns unhealthy, besides the
# active superusers with an address (comma-separated). Under `make run` mail goes to the console.
KANAL_ADMIN_EMAILS = env_list("KANAL_ADMIN_EMAILS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kanal@localhost")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
# --- The demo superuser `make run` creates if missing (manage.py ensure_admin) -------------
KANAL_ADMIN_USER = os.environ.get("KANAL_ADMIN_USER", "admin")
KANAL_ADMIN_PASSWORD = os.environ.get("KANAL_ADMIN_PASSWORD", "changeme")

# --- Editorial review (cms.review) -----------------------------------------------------------
# A live page whose "last reviewed" date is older than this shows on the dashboard.
KANAL_REVIEW_INTERVAL_DAYS = 365
# Owners of due pages get one reminder e-mail per this many days (periods start on Mondays);
# the relay looks every KANAL_REVIEW_REMINDER_CHECK_SECONDS whether this period's are sent.
KANAL_REVIEW_REMINDER_DAYS = int(os.environ.get("KANAL_REVIEW_REMINDER_DAYS", "7"))
KANAL_REVIEW_REMINDER_CHECK_SECONDS = 3600

# --- Syndication (syndication/) --------------------------------------------------------------
# Every setting the app reads is declared here, once, with its default; code reads
# settings.KANAL_* directly (tests and cms.settings.integration override them).
# Pull: (connect, read, total) seconds for one feed fetch.
KANAL_PULL_TIMEOUTS = (5.0, 10.0, 20.0)
# WebSub (https://www.w3.org/TR/websub/): subscribe to the hubs feeds declare. The hub must
# reach KANAL_BASE_URL for the subscription to be verified.
KANAL_WEBSUB_ENABLED = env_bool("KANAL_WEBSUB_ENABLED", True)
# The relay: seconds between passes; a delivery enqueued but not claimed by then is
# enqueued again (its task was lost before it ran).
KANAL_RELAY_INTERVAL = 1.0
# The reconciler checks recently published pages on every run and every page this often.
KANAL_RECONCILE_SWEEP_SECONDS = 3600
KANAL_DELIVERY_REQUEUE_SECONDS = 120
# Webhook deliveries: one attempt's lease (longer than a batch's time budget plus the 15 s
# total timeout of its last request), concurrent attempts per endpoint (a batch counts once;
# keep it below the number of delivery workers so one slow endpoint cannot hold them all), the
# retry schedule (seconds after the 1st, 2nd … failed attempt; the last repeats until the
# endpoint is disabled; ±20 % jitter), and how long an endpoint may fail every attempt before
# it is disabled (syndication.webhooks.policy).
KANAL_DELIVERY_LEASE_SECONDS = 60
KANAL_WEBHOOK_MAX_IN_FLIGHT = 1
# Delivered webhook deliveries are deleted this many days after delivery (the relay's daily
# purge; syndication.webhooks.retention). Pending ones are never pruned.
KANAL_DELIVERY_RETENTION_DAYS = int(os.environ.get("KANAL_DELIVERY_RETENTION_DAYS", "30"))
# Batches (syndication.webhooks.batch): deliveries per batch, seconds after which a batch
# stops sending (the rest are released, due at once), seconds of sending whose verdicts are
# written in one statement (0: one per delivery; what a killed worker's receivers may get
# twice is what it sent in that time: the crash test's <=5 % duplicates needs 0), and seconds one
# drain task runs before it hands over to a fresh task (so other endpoints' drains get a
# worker).
KANAL_WEBHOOK_BATCH_SIZE = 100
KANAL_WEBHOOK_BATCH_SECONDS = 2.0
KANAL_WEBHOOK_VERDICT_SECONDS = float(os.environ.get("KANAL_WEBHOOK_VERDICT_SECONDS", "0"))
KANAL_WEBHOOK_DRAIN_SECONDS = 10.0
KANAL_WEBHOOK_RETRY_SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600)
KANAL_WEBHOOK_DISABLE_AFTER_SECONDS = 5 * 24 * 3600
INSTALLED_APPS += ["drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"] = "drf_spectacular.openapi.AutoSchema"
SPECTACULAR_SETTINGS = {
    "TITLE": "Kanal headless content API",
    "VERSION": "2",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["cms.api.schema.only_public_api"],
    "POSTPROCESSING_HOOKS": ["cms.api.schema.postprocess"],
}
