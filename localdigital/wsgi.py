"""WSGI entry point, served by gunicorn in production."""

import os

from django.core.wsgi import get_wsgi_application

from localdigital.locks import web_lock_timeout_install
from localdigital.startup import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "localdigital.settings.production")

application = get_wsgi_application()

# Only web requests give up on a lock after DATABASE_LOCK_TIMEOUT_MS.
web_lock_timeout_install()

# Last: what is alive now lives as long as the process, and no full collection walks it.
freeze_startup_objects()
