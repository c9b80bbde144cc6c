"""Settings for the Access Keys console (the project package, apart from both apps).

Everything an operator may change comes from the environment (see the
README's Configuration section). The embedded defaults run the console on
SQLite with DEBUG on; with DEBUG off the console refuses to start without a
real SECRET_KEY and MASTER_KEYS.
"""

import base64
import ipaddress
import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from console.email_url import email_settings
from console.masterkeys import MasterKeyError, parse_master_keys

BASE_DIR = Path(__file__).resolve().parent.parent
# Development secrets are generated here once; the folder is git-ignored.
LOCAL_DIR = Path(os.environ.get("LOCAL_DIR", BASE_DIR / ".local"))

TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (or 1 or 0), not {value!r}.")


def env_str(name: str, default: str) -> str:
    """The variable's value, or the default when it is unset or empty."""
    return os.environ.get(name) or default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int = 1) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}.")
    return number


def local_secret(filename: str, make) -> str:
    """Read a development secret from LOCAL_DIR, generating it on first use."""
    path = LOCAL_DIR / filename
    if not path.exists():
        LOCAL_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off the console needs a real secret key: "
            "set SECRET_KEY to a long random string."
        )
    SECRET_KEY = local_secret("secret_key", lambda: secrets.token_urlsafe(50))
elif not DEBUG and (
    len(SECRET_KEY) < 32 or SECRET_KEY.startswith(("change-me", "django-insecure"))
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use a random string of at least 32 characters "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

# Master keys encrypt secrets at rest (macaroon secrets, managed passphrases).
# Format: "id:base64key,id:base64key"; the first one encrypts new data, the
# others still decrypt what they encrypted before a rotation.
MASTER_KEYS = os.environ.get("MASTER_KEYS", "")
if not MASTER_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "MASTER_KEYS is not set. With DEBUG off the console needs a master key to "
            "encrypt secrets at rest: set MASTER_KEYS to 'id:base64-of-32-random-bytes' "
            "(python manage.py generate_master_key prints one)."
        )
    MASTER_KEYS = local_secret(
        "master_keys",
        lambda: "dev1:" + base64.b64encode(secrets.token_bytes(32)).decode(),
    )

try:
    parse_master_keys(MASTER_KEYS)
except MasterKeyError as exc:
    raise ImproperlyConfigured(f"MASTER_KEYS is not valid: {exc}") from None

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# The satellite and gateway that the issued credentials point at.
SATELLITE_ADDRESS = env_str(
    "SATELLITE_ADDRESS",
    "12EayRS2V1kEsWESU9QMRseFhdxYxKicsiFmxrsLZHeLUtdps3S@us1.storj.io:7777",
)
S3_ENDPOINT = env_str("S3_ENDPOINT", "https://gateway.storjshare.io")
# Storj's linksharing service: share links are {LINKSHARING_URL}/s/{access key id}/{bucket}/…
LINKSHARING_URL = env_str("LINKSHARING_URL", "https://link.storjshare.io")
# Used in the names of downloaded files, as Storj's console does.
BRAND_NAME = env_str("BRAND_NAME", "Storj")

# Bearer tokens gateways present to the auth service API (GET /v1/access/{id}),
# comma-separated so that a new one can be added before the old one is removed.
# Without any, the API resolves nothing.
AUTH_SERVICE_TOKENS = env_list("AUTH_SERVICE_TOKENS", "")
for _token in AUTH_SERVICE_TOKENS:
    if len(_token) < 16:
        raise ImproperlyConfigured(
            "AUTH_SERVICE_TOKENS: each token must be at least 16 characters long "
            '(python -c "import secrets; print(secrets.token_urlsafe(32))").'
        )

# Outgoing email (Django's email framework). EMAIL_URL names the server:
# smtp://user:password@host:587 (STARTTLS on the submission port 587, or with
# ?tls=true), smtps://user:password@host:465 (TLS from the start). Unset, each
# mail is printed where the console runs (bin/run's terminal).
EMAIL_URL = env_str("EMAIL_URL", "console://")
try:
    _email = email_settings(EMAIL_URL)
except ValueError as exc:
    raise ImproperlyConfigured(f"EMAIL_URL is not valid: {exc}") from None
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# A mail server that does not answer fails the request after this, with a message.
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"] or 10
EMAIL_FROM = env_str("EMAIL_FROM", f"{BRAND_NAME} Console <console@localhost>")
DEFAULT_FROM_EMAIL = EMAIL_FROM
SERVER_EMAIL = EMAIL_FROM
# Sign-up: "closed" (people join through invitations only) or "open" ("Create
# account" on the sign-in page, with a mailed verification link), optionally only
# for addresses at SIGNUP_EMAIL_DOMAINS.
SIGNUP = env_str("SIGNUP", "closed").strip().lower()
if SIGNUP not in ("closed", "open"):
    raise ImproperlyConfigured(f"SIGNUP must be closed or open, not {SIGNUP!r}.")
SIGNUP_EMAIL_DOMAINS = [
    domain.lower().lstrip("@") for domain in env_list("SIGNUP_EMAIL_DOMAINS", "")
]

# The console's address, for links in mails sent outside a request (expiry reminders).
CONSOLE_URL = env_str("CONSOLE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "console",
    "accesskeys",
    "api",
]

# The middleware of a person's browser session ("console.middleware.Page...") are
# Django's, django-otp's and django-htmx's, skipped on the paths only machines call
# (the auth service API, /v1/): see console.middleware.pages_only.
MIDDLEWARE = [
    # First: the request id, the log context and the metrics of every response.
    "console.middleware.request_context",
    "django.middleware.security.SecurityMiddleware",
    "console.middleware.clean_user_agent",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "console.middleware.private_pages",
    "console.middleware.PageSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "console.middleware.PageAuthenticationMiddleware",
    "console.middleware.PageLoginRequiredMiddleware",
    "console.middleware.PageOTPMiddleware",
    "console.middleware.TwoFactorRequiredMiddleware",
    "console.middleware.PageMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "console.middleware.PageHtmxMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the sign-in page's message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "console.context_processors.brand",
                "console.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait their turn for the write lock from BEGIN, up to the timeout,
    # instead of failing at once with "database is locked" when two
    # transactions that both read try to write (two Admins changing roles).
    DATABASES["default"].setdefault("OPTIONS", {}).update(transaction_mode="IMMEDIATE", timeout=20)
    # Tests use a file: shared-cache memory databases lock whole tables and
    # fail concurrent writers at once, which the tests of parallel requests need.
    DATABASES["default"]["TEST"] = {
        "NAME": os.path.join(tempfile.gettempdir(), f"accesskeys-test-{os.getpid()}.sqlite3")
    }
    # The covering indexes' extra column serves index-only scans on PostgreSQL;
    # SQLite builds the same indexes without it and needs nothing more.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's prepared statements off (prepare_threshold None), which
    # leaves them off for every query it makes: it binds parameters on the client,
    # and psycopg prepares nothing bound there. The auth lookup's cursor binds on the
    # server and prepares its one statement (accesskeys/services/lookup.py); this
    # allows it. Behind PgBouncer in transaction mode, set its max_prepared_statements.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 5)

# Several app servers share every piece of state through the database: sessions
# (Django's default database backend) and the cache, whose table a migration makes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
}

AUTH_USER_MODEL = "console.User"
# Django's four validators; every form and command that sets a password runs them.
PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "signin"
# A password reset link works for an hour, once.
PASSWORD_RESET_TIMEOUT = 3600
# Two-factor sign-in (django-otp): the name authenticator apps show for the account.
OTP_TOTP_ISSUER = f"{BRAND_NAME} Console"
LOGIN_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "console.static_storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Served over HTTPS (behind a TLS proxy, or SSL_REDIRECT said so): send plain
# HTTP to HTTPS and tell browsers to keep to HTTPS (HSTS). The health check
# stays on plain HTTP for load balancers and docker's probe.
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_HSTS_SECONDS = int(env_str("HSTS_SECONDS", "31536000" if SECURE_SSL_REDIRECT else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", True)

# No inline script or style anywhere: every script and stylesheet is a static
# file of our own. img-src allows data: for the menu icons drawn in CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Features the console never uses, turned off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Requests are logged by method and path only (Django's default); request
# bodies, which carry passphrases on creation, are never logged. Every handler
# masks the secrets some paths carry: invitation tokens, and the access key IDs
# of the auth service API (which decrypt S3 records). django.request masks them
# too, so that any handler (mail to admins, pytest's) sees them masked.
LOG_FORMAT = env_str("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_secret_paths": {"()": "console.log_redaction.RedactSecretPaths"},
    },
    "formatters": {
        # Django's own format for the development server's request lines.
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
        # LOG_FORMAT=json: one object per line, with the request's id and context.
        "json": {"()": "console.structured_logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_secret_paths"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "django.server",
            "filters": ["redact_secret_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's default handler on "django" printed every line a second time
        # beside the root's ("Watching for file changes" twice): the root's alone.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["redact_secret_paths"]},
    },
}

# Prometheus metrics at /metrics (console/metrics.py), closed unless the scraper
# presents METRICS_TOKEN as a bearer token or comes from METRICS_ALLOWED_IPS
# (addresses or networks, comma-separated; the client address as the audit log takes it).
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured("METRICS_TOKEN must be at least 16 characters long.")
try:
    METRICS_ALLOWED_IPS = [
        ipaddress.ip_network(item, strict=False) for item in env_list("METRICS_ALLOWED_IPS", "")
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_IPS: {exc}") from None

# Behind a reverse proxy, take the client's address for the audit log from
# X-Forwarded-For; off by default, since clients can forge the header.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# Sign-in throttling (django-axes), kept in the database so that every app
# process sees the same failures. A failed password counts against the email
# and against the client address (from X-Forwarded-For when trusted, as in the
# audit log); at the limit, sign-in for that email or address is refused, even
# with the right password, until the cool-off has passed since the last failure.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# No "AXES: BEGIN" banner in every process (bin/run printed it four times); sign-in
# attempts are in the audit log.
AXES_VERBOSE = False
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SIGNIN_LOCKOUT_MINUTES", 15))
SIGNIN_LOCKOUT_BY_CHOICES = {
    "account": "username",
    "address": "ip_address",
    "account+address": ["username", "ip_address"],
}
try:
    AXES_LOCKOUT_PARAMETERS = [
        SIGNIN_LOCKOUT_BY_CHOICES[word] for word in env_list("SIGNIN_LOCKOUT_BY", "account,address")
    ]
except KeyError as exc:
    raise ImproperlyConfigured(
        f"SIGNIN_LOCKOUT_BY takes account, address or account+address (comma-separated), "
        f"not {exc.args[0]!r}."
    ) from None
if not AXES_LOCKOUT_PARAMETERS:
    raise ImproperlyConfigured("SIGNIN_LOCKOUT_BY needs at least one of account, address.")
AXES_USERNAME_FORM_FIELD = "email"
AXES_USERNAME_CALLABLE = "console.throttling.attempted_email"
AXES_CLIENT_IP_CALLABLE = "console.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "console.views.signin_locked_out"
# A refused attempt during a lockout does not extend it, and a success does not
# wipe the failures (it would let one's own account reset an address's count).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
# The audit log records sign-ins; axes keeps only the failure counts.
AXES_DISABLE_ACCESS_LOG = True
