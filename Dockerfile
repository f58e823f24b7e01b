# syntax=docker/dockerfile:1
# Local Digital: one image for the web server (gunicorn), the Celery worker and Celery beat.
# docker-compose.yml runs it with production settings; see .env.example for the variables.

# --- Front-end assets: GOV.UK Frontend copied into static/vendor/ by `npm run build`.
# Node 22 is a maintained LTS release (Node 20 left support in April 2026).
FROM node:22-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
RUN npm run --silent build


# --- Python dependencies, installed into a virtualenv that the runtime stage copies.
FROM python:3.11-slim AS python-deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 UV_NO_CACHE=1
RUN python -m pip install "uv>=0.5,<1" && python -m venv /opt/venv
WORKDIR /build
COPY pyproject.toml requirements.lock ./
# requirements.lock pins the runtime and the dev tools together, with hashes. Installing the
# project's own dependencies from pyproject.toml, constrained by the lock, gives the runtime
# set at exactly the locked versions and hashes, without pytest, playwright or mypy.
RUN uv pip install --python /opt/venv/bin/python --require-hashes \
        -r pyproject.toml -c requirements.lock


# --- Runtime: Python 3.11, the virtualenv, the code and the collected static files.
FROM python:3.11-slim AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=localdigital.settings.production

COPY --from=python-deps /opt/venv /opt/venv
WORKDIR /app

# The code belongs to root and is read-only for the service; only .data/ (beat's schedule)
# is writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app app
COPY . .
COPY --from=assets /build/static/vendor ./static/vendor

# collectstatic needs production settings to load, and they refuse to load without these.
# The values are placeholders used only by this build step: nothing connects to them, and the
# running containers get their own from the environment.
RUN SECRET_KEY=collectstatic-at-build-time-only-not-a-secret \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p .data/beat \
    && chown -R app:app .data

USER app
EXPOSE 8000
# The container is healthy while /healthz answers 200, that is while the database answers
# (see docs/operations.md). The slim image has no curl, so Python asks. The probe's Host
# header is 127.0.0.1, which ALLOWED_HOSTS must accept; otherwise Django answers 400 and the
# container is reported unhealthy. Only the web server listens: docker compose gives the
# worker and beat health checks of their own, and none to the one-off migrate.
HEALTHCHECK --interval=30s --timeout=10s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=5)"]
# gunicorn's settings (the app, the port, the workers and an access log without query
# strings) are in localdigital/gunicorn.conf.py; docker compose's web service runs this CMD.
CMD ["gunicorn", "--config", "localdigital/gunicorn.conf.py"]
