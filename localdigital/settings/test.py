"""Settings for the test suite (pytest-django)."""

from .base import *  # noqa: F403
from .base import database_settings, development_database_url, env

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests never reach GOV.UK Notify, whatever .env says; its tests point at a fake server.
GOVUK_NOTIFY_API_KEY = ""
SITE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Nobody is emailed about a test's 500s, whatever .env says.
ADMINS = []

# Unit tests run tasks in-process; the worker tests start real workers against Redis.
CELERY_TASK_ALWAYS_EAGER = True
# The worker tests (tests/fixtures/worker.py) start workers with these settings, setting
# TEST_WORKER and TEST_WORKER_QUEUE so that the workers really queue tasks, send over SMTP
# (EMAIL_HOST and EMAIL_PORT) and use a queue of the test's own.
if env.bool("TEST_WORKER", default=False):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    CELERY_TASK_ALWAYS_EAGER = False
    CELERY_TASK_DEFAULT_QUEUE = env("TEST_WORKER_QUEUE")
    # No remote control, so a test's workers leave nothing behind in a shared Redis.
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
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
