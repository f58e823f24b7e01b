"""Settings shared by every environment. Everything that varies comes from the environment.

Each variable read here is listed, with a comment, in ``.env.example``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import getaddresses
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from localdigital import embedded_db

from . import schedule
from .logging_config import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DATA_DIR = BASE_DIR / ".data"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

SECRET_KEY = env("SECRET_KEY", default="")
# Keys that signed before the current one: while SECRET_KEY is rotated, what they signed
# (sessions, sign-in and set-up links) is still accepted, and nothing new is signed with them.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Take each request's id from its X-Request-Id header (localdigital/request_id.py). Only
# when a proxy in front of the service sets that header and drops any the visitor sent:
# otherwise anyone could choose the reference their request is logged under.
TRUST_REQUEST_ID_HEADER = env.bool("TRUST_REQUEST_ID_HEADER", default=False)

# The public address of the service, for links in emails (sign-in links, unsubscribe links),
# which are built by Celery tasks that have no request to take a host from.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SERVICE_NAME = "Local Digital"
FEEDBACK_EMAIL = env("FEEDBACK_EMAIL", default="localdigital@communities.gov.uk")

INSTALLED_APPS = [
    "localdigital.accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",
    "crispy_forms",
    "crispy_forms_gds",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "two_factor",
    "django_ratelimit",
    "csp",
    "localdigital.accounts",
    "localdigital.mail",
    "localdigital.audit",
    "localdigital.pages",
    "demo",
    "declaration",
    "newsletter",
    "funding",
    "training",
]

MIDDLEWARE = [
    # First, so that every response (redirects to https included) carries the request id.
    "localdigital.request_id.RequestIdMiddleware",
    # A request that waited too long for a lock gets a "busy, try again" page, not a 500.
    "localdigital.locks.LockTimeoutMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "localdigital.http.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Innermost: a 405 gets the service's page, which the middleware above treat as any other.
    "localdigital.http.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "localdigital.urls"
WSGI_APPLICATION = "localdigital.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["localdigital.template_filters"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "localdigital.pages.context_processors.service",
            ],
        },
    },
]


def database_settings(url: str, *, conn_max_age: int = 0) -> dict:
    """Return Django's settings for the database at ``url``."""
    config = env.db_url_config(url)
    # django-environ puts a socket directory (``?host=/path``) in OPTIONS; as HOST it is also
    # what every second connection reads (a worker's DATABASE_URL, a test's other session).
    if not config.get("HOST") and "host" in config.get("OPTIONS", {}):
        config["HOST"] = config["OPTIONS"].pop("host")
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=conn_max_age)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def email_addresses(value: str, *, variable: str) -> list[tuple[str, str]]:
    """Return the (name, address) pairs in ``value``, "Name <address>, address, …"."""
    pairs = [(name or address, address) for name, address in getaddresses([value])]
    if not all("@" in address for _, address in pairs):
        raise ImproperlyConfigured(f"{variable} must be email addresses, comma-separated.")
    return pairs


def development_database_url() -> str:
    """Return DATABASE_URL, or the embedded PostgreSQL server's in .data/pg when it is unset."""
    return env("DATABASE_URL", default="") or embedded_db.database_url()


DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis backs the Celery broker and the cache when REDIS_URL is set.
REDIS_URL = env("REDIS_URL", default="")
# Every Redis connection (broker and cache) gives up after these many seconds, so a Redis that
# accepts connections but never answers cannot hold up a request: connecting, and then each
# command's reply.
REDIS_SOCKET_CONNECT_TIMEOUT = env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=1.0)
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=1.5)
# After the broker fails to take a task, a process stops trying for this many seconds: the
# outbox sweep and the beat jobs pick up what was not queued. A request that queues many
# emails therefore waits on a broken broker once, not once an email.
BROKER_UNAVAILABLE_BACKOFF_SECONDS = env.float("BROKER_UNAVAILABLE_BACKOFF_SECONDS", default=15.0)


def redis_cache(url: str) -> dict:
    """Return the cache settings for Redis at ``url``, with the socket timeouts above."""
    return {
        "default": {
            "BACKEND": "localdigital.redis_cache.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }


# Public pages for anonymous visitors (localdigital/public_cache.py) may be kept this many
# seconds by browsers and shared caches, and are kept rendered in the cache as long.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=60)

if REDIS_URL:
    CACHES = redis_cache(REDIS_URL)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Accounts: email-only users; council users sign in by emailed link, staff by password and TOTP.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "pages:account"
LOGOUT_REDIRECT_URL = "pages:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in links: single use (the token is tied to last_login), valid for 15 minutes.
SESAME_MAX_AGE = 15 * 60
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "token"  # noqa: S105 - the query parameter's name, not a secret

# Limits on requests for sign-in links, and on staff password attempts (django-ratelimit rates).
SIGN_IN_RATE_PER_EMAIL = env("SIGN_IN_RATE_PER_EMAIL", default="5/h")
SIGN_IN_RATE_PER_IP = env("SIGN_IN_RATE_PER_IP", default="20/h")
STAFF_SIGN_IN_RATE_PER_EMAIL = env("STAFF_SIGN_IN_RATE_PER_EMAIL", default="10/h")
STAFF_SIGN_IN_RATE_PER_IP = env("STAFF_SIGN_IN_RATE_PER_IP", default="30/h")
# Limits on newsletter subscriptions (django-ratelimit rates), per IP address and per email.
NEWSLETTER_SUBSCRIBE_RATE_PER_IP = env("NEWSLETTER_SUBSCRIBE_RATE_PER_IP", default="20/h")
NEWSLETTER_SUBSCRIBE_RATE_PER_EMAIL = env("NEWSLETTER_SUBSCRIBE_RATE_PER_EMAIL", default="3/h")
# Links to manage a newsletter subscription are limited as sign-in links are.
NEWSLETTER_MANAGE_RATE_PER_IP = env("NEWSLETTER_MANAGE_RATE_PER_IP", default="20/h")
NEWSLETTER_MANAGE_RATE_PER_EMAIL = env("NEWSLETTER_MANAGE_RATE_PER_EMAIL", default="5/h")
# Most declaration project updates one person may post (a django-ratelimit rate).
PROJECT_UPDATE_RATE_PER_USER = env("PROJECT_UPDATE_RATE_PER_USER", default="10/h")
# How many proxies in front of the service append to X-Forwarded-For (0: none, use the
# connection's address). The limits above count the visitor's real address.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
RATELIMIT_IP_META_KEY = "localdigital.accounts.ratelimit.client_ip"

# A new member of staff's set-up link (manage.py staff_create) works once, for this long.
STAFF_SET_UP_LINK_HOURS = env.int("STAFF_SET_UP_LINK_HOURS", default=72)
PASSWORD_RESET_TIMEOUT = STAFF_SET_UP_LINK_HOURS * 60 * 60

# Staff two factors (django-two-factor-auth): TOTP from an authenticator app, with backup codes.
TWO_FACTOR_PATCH_ADMIN = False
TWO_FACTOR_REMEMBER_COOKIE_AGE = None
OTP_TOTP_ISSUER = "Local Digital"

# Flash messages live in the session, so the only cookies are the session and CSRF ones.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "localdigital.pages.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy: scripts and styles only from our own origin, nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Widgets render with the project's templates, so templates/ can override one: the admin's date
# and time (templates/admin/widgets/split_datetime.html) labels each of its inputs.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Email: every message is an outbox row (localdigital.mail), sent by a Celery task through
# EMAIL_BACKEND, or through GOV.UK Notify when GOVUK_NOTIFY_API_KEY is set.
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Local Digital <noreply@localdigital.gov.uk>"
)
# Django emails the traceback of every 500 to ADMINS (through EMAIL_BACKEND, not GOV.UK
# Notify), from SERVER_EMAIL: "Name <address>" pairs, comma-separated; none by default.
ADMINS = email_addresses(env("ADMINS", default=""), variable="ADMINS")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[Local Digital] "
GOVUK_NOTIFY_API_KEY = env("GOVUK_NOTIFY_API_KEY", default="")
GOVUK_NOTIFY_TEMPLATE_ID = env("GOVUK_NOTIFY_TEMPLATE_ID", default="")
GOVUK_NOTIFY_BASE_URL = env(
    "GOVUK_NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk"
)
# The bearer token GOV.UK Notify sends with delivery receipts; unset, every receipt is refused.
GOVUK_NOTIFY_CALLBACK_TOKEN = env("GOVUK_NOTIFY_CALLBACK_TOKEN", default="")
# Rows left in "queued" or "sending" longer than this are queued again by the sweep.
MAIL_STUCK_AFTER = timedelta(minutes=env.int("MAIL_STUCK_AFTER_MINUTES", default=10))
# The same in seconds, taking precedence when set: for tests whose workers must recover fast.
if env.int("MAIL_STUCK_AFTER_SECONDS", default=0) > 0:
    MAIL_STUCK_AFTER = timedelta(seconds=env.int("MAIL_STUCK_AFTER_SECONDS"))
MAIL_MAX_ATTEMPTS = env.int("MAIL_MAX_ATTEMPTS", default=8)
# A temporary failure is tried again after this long, doubling each time up to 15 minutes.
MAIL_RETRY_FIRST_DELAY = timedelta(seconds=env.int("MAIL_RETRY_FIRST_DELAY_SECONDS", default=30))
# Newsletter email goes out at most this many a minute, across every worker (GOV.UK Notify's
# default limit is 3,000); 0 lifts the limit. Transactional email is never held by it.
MAIL_NEWSLETTER_RATE_PER_MINUTE = env.int("MAIL_NEWSLETTER_RATE_PER_MINUTE", default=3000)
# The Celery queue newsletter email is sent from; workers consume it beside the default queue,
# as in `celery worker -Q celery,newsletter`, so a long newsletter never queues ahead of it.
MAIL_NEWSLETTER_QUEUE = env("MAIL_NEWSLETTER_QUEUE", default="newsletter")
# Newsletter emails go to the workers this many to a task, one after another, so a worker takes
# a task from the broker once per chunk rather than once per email. A chunk that has to wait
# for the throttle hands the rest of itself back to the queue, so it never holds a worker.
MAIL_NEWSLETTER_SEND_CHUNK = env.int("MAIL_NEWSLETTER_SEND_CHUNK", default=25)

# Scheduled reminders act only on what fell due within this many days, so installing the
# service or importing history never emails years of anniversaries at once.
DECLARATION_REMINDER_WINDOW_DAYS = env.int("DECLARATION_REMINDER_WINDOW_DAYS", default=7)
# A Fund deadline reminder not sent within this many hours of falling due is never sent, so
# reminders are never late and never backfilled.
FUNDING_REMINDER_LATEST = timedelta(hours=env.int("FUNDING_REMINDER_LATEST_HOURS", default=24))
# 360Giving: the prefix registered with 360Giving that starts every grant's identifier in
# /funding/360giving.json (keep it stable: identifiers must never change once published), and
# the funder's organisation identifier from org-id.guide (MHCLG in the Government
# Organisation Register) with its name.
THREESIXTYGIVING_IDENTIFIER_PREFIX = env(
    "THREESIXTYGIVING_IDENTIFIER_PREFIX", default="360G-mhclg-ldf"
).rstrip("-")
THREESIXTYGIVING_FUNDER_ORG_ID = env("THREESIXTYGIVING_FUNDER_ORG_ID", default="GB-GOR-PB1228")
THREESIXTYGIVING_FUNDER_NAME = env(
    "THREESIXTYGIVING_FUNDER_NAME",
    default="Ministry of Housing, Communities and Local Government",
)

# /.well-known/security.txt (RFC 9116): where to report a vulnerability (a mailto: or https:
# address; by default the government's vulnerability reporting service), the date the file
# expires (ISO 8601; when unset or already passed, 180 days from today, so it never says a
# date gone by) and, if there is one, the disclosure policy's address.
SECURITY_CONTACT = env(
    "SECURITY_CONTACT",
    default="https://vulnerability-reporting.service.security.gov.uk/submit",
)
SECURITY_TXT_EXPIRES = (
    datetime.fromisoformat(env("SECURITY_TXT_EXPIRES"))
    if env("SECURITY_TXT_EXPIRES", default="")
    else None
)
SECURITY_POLICY_URL = env("SECURITY_POLICY_URL", default="")

# Training: how long an offer of a place from the waiting list is held for an answer.
TRAINING_OFFER_HOLD = timedelta(hours=env.int("TRAINING_OFFER_HOLD_HOURS", default=48))
# A training reminder (7 days or 1 day before, joining instructions) not sent within this
# many hours of falling due is never sent, so reminders are never late.
TRAINING_REMINDER_LATEST = timedelta(hours=env.int("TRAINING_REMINDER_LATEST_HOURS", default=6))
# The feedback survey link goes out after a cohort's last session, within this many days.
TRAINING_FEEDBACK_LATEST = timedelta(days=env.int("TRAINING_FEEDBACK_LATEST_DAYS", default=7))
# Accessibility and dietary needs (special-category data) are deleted this many days after
# their cohort ends or is cancelled.
TRAINING_NEEDS_RETENTION = timedelta(days=env.int("TRAINING_NEEDS_RETENTION_DAYS", default=30))
# Staff the programme trained before this service, counted in the "people trained" figure.
TRAINING_HISTORIC_BASELINE = env.int("TRAINING_HISTORIC_BASELINE", default=0)
# The programme's goal for staff trained, shown as progress on /training/.
TRAINING_GOAL = env.int("TRAINING_GOAL", default=1000)

# Celery: the broker is chosen in localdigital/celery.py (Redis, or the filesystem transport).
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_DIR = DATA_DIR / "broker"
# Celery's Django fixup closes the database connection after every task unless told to keep
# it; a worker sending a newsletter would open a connection per email. Keep each one for up
# to this many tasks (CONN_HEALTH_CHECKS replaces one that has gone bad).
CELERY_DB_REUSE_MAX = 1000
# Scheduled jobs (localdigital/settings/schedule.py).
CELERY_BEAT_SCHEDULE = schedule.CELERY_BEAT_SCHEDULE


LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# JSON lines (on by default in production), or plain text.
LOG_JSON = env.bool("LOG_JSON", default=False)
LOGGING = logging_config(level=LOG_LEVEL, json=LOG_JSON)
# With JSON logs, Celery's worker keeps this configuration instead of putting its own in place.
CELERY_WORKER_HIJACK_ROOT_LOGGER = not LOG_JSON

# How long a web request waits for a database lock (a row another request or a worker holds)
# before it gives up with a "busy, try again" page. Only the web's entry points apply it;
# workers, beat and migrations wait as long as they must. 0 waits for ever.
DATABASE_LOCK_TIMEOUT_MS = env.int("DATABASE_LOCK_TIMEOUT_MS", default=5000)
