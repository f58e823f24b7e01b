"""Settings for ``make run`` on a developer's machine."""

from .base import *  # noqa: F403
from .base import REDIS_URL, SECRET_KEY, database_settings, development_database_url, env

# SITE_URL, for links in emails, is base.py's: the SITE_URL variable, which `make run` sets to
# the web server's address for the web server, the worker and beat alike. It is never built
# from PORT, which honcho sets differently for each of them.

DATABASES = {"default": database_settings(development_database_url())}

DEBUG = env.bool("DEBUG", default=True)
# A development-only key, used only when SECRET_KEY is unset; production.py has no default.
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")

# Django's own Redis cache increments atomically, which is what django-ratelimit needs.
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
if not REDIS_URL:
    # Without Redis the cache is per process. runserver is one process, so the sign-in
    # limits still count every request; production.py requires Redis.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")

# Serve static files straight from the app and project folders; no collectstatic in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
