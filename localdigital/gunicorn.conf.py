"""Gunicorn's settings for the web service: the one place they live.

The Dockerfile's CMD runs ``gunicorn --config localdigital/gunicorn.conf.py``, and docker compose's
``web`` service runs that CMD. Outside Docker, run the same command from the repository's root.
"""

wsgi_app = "localdigital.wsgi:application"
bind = "0.0.0.0:8000"
workers = 3
# Heartbeat files in memory: /tmp in a container may be a slow or read-only disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a directory gunicorn writes to, not a temporary file

# No access log: the application writes one line for every request (localdigital/request_id.py),
# with its request id, status, duration and user id, and never the query string (sign-in
# links carry their token there) or the Referer (which repeats it). A second line from
# gunicorn would say the same without the request id. Gunicorn's error log stays on stderr.
accesslog = None

# Gunicorn's own lines (a worker started, a worker timed out) as one JSON object a line, in the
# application's fields (localdigital/logs.py), so that the web container writes one format.
logconfig_dict = {
    "loggers": {
        "gunicorn.error": {
            "level": "INFO",
            "handlers": ["error_console"],
            "propagate": False,
            "qualname": "gunicorn.error",
        },
        "gunicorn.access": {
            "level": "INFO",
            "handlers": [],
            "propagate": False,
            "qualname": "gunicorn.access",
        },
    },
    "formatters": {
        "generic": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        }
    },
}
