# Gunicorn reads this file from the directory it starts in (the Docker image's /app).
# Its logger masks invitation tokens in the access log (see console/log_redaction.py).
logger_class = "console.log_redaction.GunicornLogger"
