"""Settings for production and the docker compose stack.

Nothing secret has a default here: the process refuses to start without SECRET_KEY,
DATABASE_URL and REDIS_URL.
"""

from localdigital.error_tracking import init_error_tracking

from .base import *  # noqa: F403
from .base import LOG_LEVEL, database_settings, env, logging_config, redis_cache

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
DATABASES = {"default": database_settings(env("DATABASE_URL"), conn_max_age=60)}
REDIS_URL = env("REDIS_URL")
CACHES = redis_cache(REDIS_URL)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# HTTPS everywhere. SECURE_SSL_REDIRECT may be turned off where a proxy already redirects.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# An internal health probe (a load balancer, docker compose) asks over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# Sign-in links go by email: talk to the SMTP server over STARTTLS unless told otherwise.
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Django's own Redis cache increments atomically, which is what django-ratelimit needs.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# One JSON object per line (localdigital/logs.py), a line for every request and every task.
LOG_JSON = env.bool("LOG_JSON", default=True)
LOGGING = logging_config(level=LOG_LEVEL, json=LOG_JSON)
CELERY_WORKER_HIJACK_ROOT_LOGGER = not LOG_JSON

# Error tracking (localdigital/error_tracking.py): only when SENTRY_DSN is set.
SENTRY_DSN = env("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env("SENTRY_ENVIRONMENT", default="production")
SENTRY_RELEASE = env("SENTRY_RELEASE", default="")
init_error_tracking(dsn=SENTRY_DSN, environment=SENTRY_ENVIRONMENT, release=SENTRY_RELEASE)
