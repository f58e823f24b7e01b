"""Settings for the test suite (pytest-django)."""

from .base import *  # noqa: F403
from .base import database_settings, development_database_url, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

# Unit tests run tasks in-process; the worker tests start real workers against Redis.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True

# One process, so a per-process cache counts every request for the rate limits.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# Lets two test runs share one PostgreSQL server without dropping each other's database.
DATABASES = {"default": database_settings(development_database_url())}
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", default="test_localdigital")}

# Serve static files straight from the app and project folders; no collectstatic in tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
