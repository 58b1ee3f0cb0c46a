"""Vetted settings: one module, configured from the environment (django-environ).

Every environment variable is read once, below, and documented in docs/configuration.md,
in the same sections (tests/config/test_settings_documented.py keeps the two in step).
Defaults are for local development (SQLite, local-memory cache). Production sets DEBUG=0,
SECRET_KEY, ALLOWED_HOSTS, SITE_URL, DATABASE_URL and REDIS_URL; hardening switches on
with DEBUG off rather than living in a second settings file.

Sections: core, site identity, database, cache, security, staff accounts, background work,
mail, editorial rules, look-ups, static files and media, logging.
"""

from __future__ import annotations

import math
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from config.log_filters import REPLICA_POOL_NAME

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A .env file in the project's root may set any of the variables; the environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


# --- Core --------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", default=False)
# Required with DEBUG off; `make run` (DEBUG=1) gets a throwaway key.
SECRET_KEY = env.str(
    "SECRET_KEY",
    default="dev-only-insecure-key-do-not-use-in-production" if DEBUG else environ.Env.NOTSET,
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",  # the editors' and reviewers' workspace
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",  # staff only: public pages never open a session
    "django.contrib.messages",
    # Above staticfiles, so that runserver serves static files as WhiteNoise does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # sitemap.xml and its indexes
    "django.contrib.humanize",  # counts and dates in templates
    "django.contrib.postgres",  # full-text search and its indexes
    "markdownx",  # the Markdown editor and its live preview
    "django_fsm",  # the review state machine (django-fsm-2)
    "django_ratelimit",  # throttles, per client or per staff user
    # Ours, below the libraries they build on: the page cache knows no app above it.
    "demo",  # seed_demo and seed_scale: demo content, made through every app's services
    "caching",
    "articles",
    "reviews",
    "references",
    "images",
    "people",  # roles, display names, reviewer and writer profiles
    "axes",  # sign-in throttling and lockout
    "django_otp",  # second factors (TOTP, and one-time recovery codes)
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "audit",  # the hash-chained record; knows no app above it
    "accounts",  # signing in: the second-factor gate, enrolment, lockouts in the admin
    "django_tasks",  # background work (the backport of Django 6's tasks)
    "django_tasks_db",  # its queue in PostgreSQL, for `manage.py db_worker`
    "config",  # the site's own system checks (config.checks)
]

# Top to bottom is the order a request goes through (and a response comes back up).
MIDDLEWARE = [
    # Around SecurityMiddleware: its redirect to HTTPS is never kept by shared caches.
    "config.middleware.HttpsRedirectCacheControlMiddleware",
    "django.middleware.security.SecurityMiddleware",  # HTTPS redirect, security headers
    # Static files straight after security, before anything else does any work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Marks an anonymous reader's GET, whose reads may come from the replica; above the
    # page cache so that a miss's reads are routed too. Idle without a replica.
    "config.db_router.ReplicaReadsMiddleware",
    # Anonymous public pages from the shared cache; a hit skips everything below. Above
    # GZip: a hit replays the page as it was compressed.
    "caching.page_cache.PageCacheMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # ETags and 304s for every page (below GZip: the ETag is taken before compression).
    "django.middleware.http.ConditionalGetMiddleware",
    # A NUL in editorial input is a 400 before anything passes it to PostgreSQL.
    "config.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Right after authentication: gives request.user is_verified() (the second factor).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY
    # Turns a throttled view's refusal into RATELIMIT_VIEW's page.
    "django_ratelimit.middleware.RatelimitMiddleware",
    # The second-factor gate: after OTPMiddleware, whose is_verified() it asks.
    "accounts.middleware.TwoFactorMiddleware",
    # A board member whose credentials lapsed sees a notice instead of the review side;
    # after the second factor, and after messages (it may leave one).
    "people.membership.LapsedMembershipMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
                "articles.context_processors.site",
            ],
            "builtins": ["articles.templatetags.timefmt"],
        },
    },
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True


# --- Site identity -----------------------------------------------------------------------

# Public site identity, used in canonical URLs, feeds and JSON-LD.
SITE_NAME = env.str("SITE_NAME", default="Vetted Health")
# The public address. With DEBUG off there is no default: the system check
# config.checks.site_url_check refuses to start without a real, non-local address.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
# Who publishes the site: the copyright line, the feeds' author.
VETTED_PUBLISHER_NAME = env.str("VETTED_PUBLISHER_NAME", default=SITE_NAME)
# The contact form stores messages for editors (admin: Contact messages); with an address
# here each is also emailed to it, and the contact page shows it.
VETTED_CONTACT_EMAIL = env.str("VETTED_CONTACT_EMAIL", default="")


# --- Database ----------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
_postgres = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if _postgres:
    _db_options = DATABASES["default"].setdefault("OPTIONS", {})
    # An unreachable database answers the 503 page (config.views) within this many seconds,
    # not a hang: it bounds a request's whole wait for a connection, libpq's connect (whole
    # seconds, at least 2) and the pool's queue alike.
    _connect_timeout = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
    _db_options["connect_timeout"] = _connect_timeout
    if env.bool("DATABASE_POOL", default=True):
        # psycopg's pool keeps connections open per worker process; replaces CONN_MAX_AGE.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        _db_options["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=1),
            "max_size": env.int("DATABASE_POOL_MAX", default=4),
            # How long a request waits for a pooled connection (a new one, or a busy pool's):
            # DATABASE_CONNECT_TIMEOUT unless set.
            "timeout": env.float("DATABASE_POOL_TIMEOUT", default=_connect_timeout),
        }
    # Web requests may not hold the database for long (config/wsgi.py sets VETTED_WEB);
    # migrations and management commands are not limited.
    if env.bool("VETTED_WEB", default=False):
        _statement_ms = env.int("DATABASE_STATEMENT_TIMEOUT_MS", default=10_000)
        _db_options["options"] = f"-c statement_timeout={_statement_ms}"

# A read replica for anonymous readers' pages (config/db_router.py); writes, the admin
# and the review workflow always use the primary. The replica takes the primary's options
# (pool, statement timeout) with its URL's on top, and a short connect timeout of its own.
_replica_url = env.str("DATABASE_REPLICA_URL", default="")
if _replica_url:
    _replica_config = env.db_url_config(_replica_url)
    DATABASES["replica"] = {
        **DATABASES["default"],
        **_replica_config,
        "OPTIONS": {
            **DATABASES["default"].get("OPTIONS", {}),
            **_replica_config.get("OPTIONS", {}),
        },
        "TEST": {"MIRROR": "default"},
    }
    if _postgres:
        _replica_options = DATABASES["replica"]["OPTIONS"]
        # The longest a reader waits for a replica connection, the pool's wait included
        # (without the pool, libpq's connect timeout, which counts whole seconds).
        _replica_timeout = env.float("DATABASE_REPLICA_CONNECT_TIMEOUT", default=1.0)
        _replica_options["connect_timeout"] = max(1, math.ceil(_replica_timeout))
        if "pool" in _replica_options:
            _replica_options["pool"] = {
                **_replica_options["pool"],
                "timeout": _replica_timeout,
                "name": REPLICA_POOL_NAME,  # its own failures are logged once (LOGGING)
            }
# After the replica fails to connect, public reads go to the primary this long (per
# process; logged once) before the replica is tried again.
VETTED_REPLICA_RETRY_AFTER = env.float("DATABASE_REPLICA_RETRY_AFTER", default=30.0)
# Sends a reader's reads to the replica while ReplicaReadsMiddleware marks the request;
# with no replica that middleware is idle, and every query goes to the primary.
DATABASE_ROUTERS = ["config.db_router.PrimaryReplicaRouter"]


# --- Cache -------------------------------------------------------------------------------

_redis_url = env.str("REDIS_URL", default="")
if _redis_url:
    CACHES = {
        "default": {
            # Django's Redis cache, answering as an empty cache while Redis is refused or
            # hung (config/cache.py): pages and search never wait on it for long.
            "BACKEND": "config.cache.DegradingRedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": "vetted",
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=0.5),
                "socket_timeout": env.float("REDIS_TIMEOUT", default=0.5),
            },
            # After a failure, seconds before Redis is tried again.
            "RETRY_AFTER": env.float("REDIS_RETRY_AFTER", default=10),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Shared caching of anonymous public pages (caching/): the server-side page cache
# is on by default only where it is shared by every worker (Redis) or where there is
# one process (the development server).
VETTED_PAGE_CACHE = env.bool("VETTED_PAGE_CACHE", default=bool(_redis_url) or DEBUG)
VETTED_PAGE_CACHE_TIMEOUT = env.int("VETTED_PAGE_CACHE_TIMEOUT", default=60 * 60 * 24)
# Browsers revalidate every time (a cheap 304); shared caches keep pages until purged.
VETTED_BROWSER_MAX_AGE = env.int("VETTED_BROWSER_MAX_AGE", default=0)
VETTED_CDN_MAX_AGE = env.int("VETTED_CDN_MAX_AGE", default=60 * 60)
# Varnish servers in front of the site, purged when public content changes.
VETTED_FRONTEND_CACHE = [
    {"BACKEND": "caching.frontend.VarnishBackend", "LOCATION": location}
    for location in env.list("VARNISH_URLS", default=[])
]
VETTED_PURGE_REPEAT_SECONDS = env.float("VETTED_PURGE_REPEAT_SECONDS", default=5.0)


# --- Security ----------------------------------------------------------------------------

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Production hardening, switched on by DEBUG=0.
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # A year, every subdomain, preload-ready: what `check --deploy` asks of a medical site.
    # An operator with a plain-HTTP subdomain turns the last two off (and the check says so).
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
    X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp): everything is served by the site itself, so
# scripts, styles, images and connections are same-origin only, and neither inline
# scripts nor inline styles run (templates keep their CSS in static/vetted/*.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Throttling of anonymous writes and expensive reads (django-ratelimit), per client IP.
RATELIMIT_VIEW = "articles.views.rate_limited"
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
# With the cache (Redis) down, throttles let requests through; config.cache logs it.
RATELIMIT_FAIL_OPEN = True
# Client addresses come from core.client_ip: REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT
# proxies (each appending to X-Forwarded-For) the address the outermost one saw.
VETTED_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "core.client_ip.client_ip"
VETTED_FEEDBACK_RATE = env.str("VETTED_FEEDBACK_RATE", default="30/h")
VETTED_SEARCH_RATE = env.str("VETTED_SEARCH_RATE", default="60/m")
VETTED_CONTACT_RATE = env.str("VETTED_CONTACT_RATE", default="5/h")
# Per staff user: markdownx previews after each pause in typing, so this is generous.
VETTED_PREVIEW_RATE = env.str("VETTED_PREVIEW_RATE", default="60/m")
# Per staff user: the editor's citation picker searches as the writer types.
VETTED_CITE_SEARCH_RATE = env.str("VETTED_CITE_SEARCH_RATE", default="120/m")
SILENCED_SYSTEM_CHECKS = [
    # The local-memory cache is per process: fine for the single-process dev server;
    # production sets REDIS_URL, whose backend (Django's own) increments atomically.
    "django_ratelimit.E003",
    "django_ratelimit.W001",
]


# --- Staff accounts: sign-in lockout, two-factor authentication, the signed record --------

LOGIN_URL = "admin:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out sign-ins, counts failures
    # Django's ModelBackend, without the board's permissions while a membership is lapsed.
    "people.membership.BoardMembershipBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Lock out one account from one address, so an attacker on a shared address cannot lock
# out everyone behind it, nor lock a user out from everywhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("VETTED_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.int("VETTED_LOGIN_COOLOFF_MINUTES", default=30) / 60  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"  # a clear page, status 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ENABLE_ADMIN = False  # accounts.admin shows lockouts to editors, with an unlock action
# Reviewers, editors and superusers must use a second factor (TOTP). On in production;
# `make run` (DEBUG=1) leaves it off so the demo logins work with a password alone.
VETTED_REQUIRE_2FA = env.bool("VETTED_REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = SITE_NAME
# A first authenticator is set up only with a one-time code emailed to the member (or a
# link an editor issued), never with the password alone: how long each lasts, and how
# many wrong tries a code takes before a new one must be asked for.
VETTED_ENROLMENT_CODE_MINUTES = env.int("VETTED_ENROLMENT_CODE_MINUTES", default=15)
VETTED_ENROLMENT_CODE_ATTEMPTS = env.int("VETTED_ENROLMENT_CODE_ATTEMPTS", default=5)
VETTED_ENROLMENT_LINK_HOURS = env.int("VETTED_ENROLMENT_LINK_HOURS", default=24)
# Wrong signature passwords (or codes) in a row before signing approvals is paused, and
# for how long. Counted apart from sign-ins: they never lock the account.
VETTED_SIGNING_FAILURE_LIMIT = env.int("VETTED_SIGNING_FAILURE_LIMIT", default=5)
VETTED_SIGNING_PAUSE_MINUTES = env.int("VETTED_SIGNING_PAUSE_MINUTES", default=15)
# The audit record (docs/audit-log.md). Its hash chains are keyed with this secret, kept
# out of the database; empty, a key derived from SECRET_KEY is used, so it works out of
# the box. Set it in production (and keep it with the backups, apart from them): the
# chains are checked with the key they were written with, so rotating SECRET_KEY without
# it set would make verify_audit_log fail.
VETTED_AUDIT_KEY = env.str("VETTED_AUDIT_KEY", default="")
# Each commit that appends to a chain adds its new head to this log, outside the
# database; verify_audit_log checks the chains against it (a deleted tail is caught).
# Ship it off the host (docs/audit-log.md).
VETTED_AUDIT_ANCHOR_FILE = env.path(
    "VETTED_AUDIT_ANCHOR_FILE", default=BASE_DIR / "var" / "audit-anchors.log"
)


# --- Background work (django-tasks, the backport of Django 6's tasks framework) ----------

# Emails, scheduled publishing, re-review flagging and source checks run as tasks, queued
# once the step that causes them has committed. `immediate` runs each at once, in the
# process that queued it (the embedded default and the tests: no services needed);
# `database` stores it for `manage.py db_worker` processes to run, so a slow mail server or
# source registry never holds up a request. Any other value is a backend's dotted path.
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = env.str("TASKS_BACKEND", default="immediate")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS.get(_tasks_backend, _tasks_backend)}}


# --- Mail --------------------------------------------------------------------------------

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Vetted <editorial@vetted.example>")


# --- Editorial rules ---------------------------------------------------------------------

# Off by default: when on, submitted and in-review revisions are shown publicly
# under a "pending medical review" caution banner.
VETTED_PUBLISH_PENDING_REVIEW = env.bool("VETTED_PUBLISH_PENDING_REVIEW", default=False)
# The review screen flags a cited source older than this many years, per kind
# ("research=5,book=10"); guidelines and drug labels are judged by whether a newer version
# is in the library, unless given an age here too. 0 or absent: no age limit.
VETTED_SOURCE_MAX_AGE_YEARS = env.dict(
    "VETTED_SOURCE_MAX_AGE_YEARS",
    cast={"value": int},
    default={"research": 5, "systematic_review": 5, "dataset": 5, "book": 10, "webpage": 3},
)
# The live preview is the public rendering: Markdown -> citations -> nh3.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.markdownify"


# --- Look-ups of sources by identifier (references.lookup) -------------------------------

# NCBI E-utilities ask every caller to name its tool and a contact email; an API key raises
# the limit from 3 to 10 requests a second. Crossref is sent the same email (its "polite
# pool"). LOOKUP_ENABLED=0 turns look-ups off.
NCBI_TOOL = env.str("NCBI_TOOL", default="vetted")
NCBI_EMAIL = env.str("NCBI_EMAIL", default="")
NCBI_API_KEY = env.str("NCBI_API_KEY", default="")
LOOKUP_ENABLED = env.bool("LOOKUP_ENABLED", default=True)
LOOKUP_TIMEOUT = env.float("LOOKUP_TIMEOUT", default=5.0)  # seconds, per request
LOOKUP_CACHE_SECONDS = env.int("LOOKUP_CACHE_SECONDS", default=60 * 60 * 24)


# --- Static files and media --------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# The image library's files (images/storage.py), through Django's storage API: local disk
# (MEDIA_ROOT) by default; MEDIA_STORAGE=s3 for any S3-compatible object store
# (django-storages; credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the
# machine's role). Pages link files through the site's own /media/ path either way.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE == "filesystem":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            "addressing_style": env.str("AWS_S3_ADDRESSING_STYLE", default="") or None,
            # Objects stay private: readers get them through /media/ (images.views).
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    raise ImproperlyConfigured("MEDIA_STORAGE is “filesystem” (the default) or “s3”.")
STORAGES = {
    "default": _media_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: the largest file accepted, and the most pixels (a guard against pixel bombs).
VETTED_IMAGE_MAX_BYTES = env.int("VETTED_IMAGE_MAX_BYTES", default=20 * 1024 * 1024)
# 25 megapixels takes a 24-megapixel camera's photo (6,000 × 4,000) as it comes, and is
# nearly four times what a figure could use (3,200 × 2,133: twice the widest rendition,
# for high-density screens); every pixel above it is decoding work that no reader sees.
VETTED_IMAGE_MAX_PIXELS = env.int("VETTED_IMAGE_MAX_PIXELS", default=25_000_000)
# Uploaded files are spooled to disk past this size, never held whole in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440


# --- Logging -----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"quiet_replica_pool": {"()": "config.log_filters.QuietReplicaPool"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A dead replica is one line from config.db_router, not one per pool attempt.
    "loggers": {"psycopg.pool": {"filters": ["quiet_replica_pool"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}
