"""EMAIL_URL, read by dj-email-url, with the meaning mail providers document.

dj-email-url maps smtps:// to STARTTLS; providers mean TLS from the first
byte on port 465 by it, and STARTTLS on the submission port 587. So: smtps://
is implicit TLS (port 465 by default), and smtp:// on port 587 uses STARTTLS
unless ?tls=false. Plain Python, read by the settings module.
"""

import urllib.parse
import warnings

import dj_email_url

SCHEMES = ("smtp", "smtps", "submission", "submit", "console", "file", "memory", "dummy")
SUBMISSION_PORT = 587
SMTPS_PORT = 465


def email_settings(url: str) -> dict:
    """Django's EMAIL_* settings for `url`; ValueError says what is wrong."""
    parts = urllib.parse.urlparse(url)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"use smtp://, smtps:// or console://, not {parts.scheme or url!r}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError("the port must be a number") from None
    with warnings.catch_warnings():
        # It warns that smtps:// will change meaning; we set its meaning below.
        warnings.simplefilter("ignore", UserWarning)
        conf = dj_email_url.parse(url)
    tls_asked = urllib.parse.parse_qs(parts.query).get("tls", [""])[0].lower()
    if parts.scheme == "smtps":
        conf.update(EMAIL_USE_SSL=True, EMAIL_USE_TLS=False, EMAIL_PORT=port or SMTPS_PORT)
    elif parts.scheme == "smtp" and port == SUBMISSION_PORT and tls_asked != "false":
        conf.update(EMAIL_USE_TLS=True)
    if parts.scheme in ("smtp", "smtps", "submission", "submit") and not parts.hostname:
        raise ValueError("name the mail server, e.g. smtp://user:password@mail.example.com:587")
    return conf
