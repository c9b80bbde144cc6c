FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=false \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY accesskeys ./accesskeys
COPY config ./config
COPY console ./console
RUN pip install --upgrade pip && pip install .

COPY manage.py gunicorn.conf.py ./
COPY bin/start ./bin/start
COPY templates ./templates
COPY static ./static
# collectstatic needs settings to load; these throwaway values exist only in this build step.
RUN SECRET_KEY=build-only MASTER_KEYS=build:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= \
    python manage.py collectstatic --noinput -v0

RUN useradd --create-home --uid 10001 console
USER console

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz').status != 200)"
# Migrations (one server at a time, so several can start at once), then gunicorn.
CMD ["bin/start"]
