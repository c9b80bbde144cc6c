# Gunicorn reads this file from the directory it starts in (the Docker image's /app).
# Its logger masks invitation tokens in the access log (see console/log_redaction.py).
import os

logger_class = "console.log_redaction.GunicornLogger"

# SIGTERM (a deploy, `docker stop`): gunicorn stops accepting, lets the requests in
# flight finish for up to this many seconds, then stops its workers. Creating an
# access takes about a second; give a load balancer's drain more room than that.
# `docker stop` waits 10 seconds before SIGKILL: raise its --time too if you raise this.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "8"))

if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":
    # The console logs each request as one JSON line (console.middleware.request_context),
    # so gunicorn's text access log is off and its own messages are JSON too.
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "console.structured_logs.JsonFormatter"}},
        "handlers": {
            "json": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["json"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        },
    }
else:
    accesslog = "-"


def child_exit(server, worker):
    """Metrics in multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by bin/start): a
    worker that exited leaves its counters, which still count; its live gauges go."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
