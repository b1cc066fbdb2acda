# The site as one image: gunicorn serves the app, whitenoise its static files,
# and the task queue's worker keeps the archive download current
# (scripts/serve.sh runs both). docker-compose.yml runs it beside PostgreSQL,
# with the worker as a service of its own.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app

# Dependencies first, so code changes reuse this layer. Only the project's
# own dependencies, at the exact versions in the lock; no dev group.
COPY pyproject.toml constraints.txt ./
COPY scripts/deps.py scripts/
RUN python -m pip install --upgrade pip -c constraints.txt \
    && python scripts/deps.py >/tmp/requirements.txt \
    && python -m pip install -r /tmp/requirements.txt -c constraints.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN python manage.py collectstatic --noinput --verbosity 0 \
    && useradd --system --no-create-home --uid 10001 app \
    && mkdir -p /data/open-data && chown app /data/open-data

USER app
EXPOSE 8000
# Migrations are idempotent, so every start applies whatever is new; then
# gunicorn and the worker (SERVE_WORKER=off: gunicorn alone).
CMD ["sh", "-c", "python manage.py migrate --noinput && BIND=0.0.0.0:8000 exec scripts/serve.sh"]
