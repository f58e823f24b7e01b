"""Gunicorn's settings for the web service: the one place they live.

The Dockerfile's CMD runs ``gunicorn --config localdigital/gunicorn.conf.py``, and docker compose's
``web`` service runs that CMD. Outside Docker, run the same command from the repository's root.
"""

wsgi_app = "localdigital.wsgi:application"
bind = "0.0.0.0:8000"
workers = 3
# Heartbeat files in memory: /tmp in a container may be a slow or read-only disk.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - a directory gunicorn writes to, not a temporary file

# Access log to stdout: the client, the time, the method, the path WITHOUT its query string,
# the protocol, the status, the bytes sent and the seconds taken. Sign-in links carry their
# token in the query string, and a page opened from one sends it on as the Referer, so
# neither the query string (%(q)s, or %(r)s, the whole request line) nor the Referer (%(f)s)
# may be logged.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(L)s'
