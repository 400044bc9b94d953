"""Configuration: defaults here, then instance/config.py, then DONORCLUB_* environment variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "DONORCLUB_"
SECRET_KEY_FILE = "secret_key"
MIN_SECRET_KEY_LENGTH = 32


class Config:
    """Defaults for every environment; safe for local development only."""

    ENV_NAME = "development"
    SQLALCHEMY_DATABASE_URI: str | None = None  # filled in from the instance folder
    # create_app adds hide_parameters=True unless this sets it: errors and SQL logging never
    # show the values bound to a statement (hashes, tokens, health data). docs/security.md
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY: str | None = None
    BASE_URL = "http://127.0.0.1:5000"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    # Response headers (donorclub/web/security_headers.py, docs/security.md). The policy
    # allows this site's own files only; charts are inline SVG and need nothing more.
    CONTENT_SECURITY_POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    # Pages whose address holds a secret (status, invitation, reset links) send none at all.
    REFERRER_POLICY = "same-origin"
    HSTS_SECONDS = 0  # Strict-Transport-Security max-age; 0 sends no header
    HSTS_INCLUDE_SUBDOMAINS = True
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh_Hans")
    MEMBERS_PER_PAGE = 50
    # The largest request body in bytes: larger ones are answered 413 and change nothing. The
    # import page alone takes its files' limit (50 MB, services/transfer/importing.py).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    # Form fields per request: a drive's invitation list ticks one box per member.
    MAX_FORM_PARTS = 10_000
    # Public certificate verification: requests per client address (Flask-Limiter syntax).
    VERIFY_RATE_LIMIT = "30 per minute; 300 per hour"
    # Requests per client address to the JSON API.
    API_RATE_LIMIT = "600 per minute"
    CALENDAR_FEED_RATE_LIMIT = "60 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host; 0 trusts
    # none of those headers. Behind one nginx, 1: client addresses (rate limits, audit) and
    # https links then come from the proxy's headers.
    TRUSTED_PROXIES = 0
    RATELIMIT_HEADERS_ENABLED = True
    # A Redis that is down must not stop the site (nor answer 500): each worker then counts in
    # its own memory, limits still apply, and Redis is tried again now and then. Errors left
    # (a header that cannot be computed) are logged instead of raised.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Seconds to wait for Redis, so a dead one cannot hold requests (memory:// ignores them).
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    # A TrueType CJK font to embed in Chinese certificates; empty: look in the usual places.
    CERTIFICATE_CJK_FONT = ""
    # Argon2id cost; the testing config lowers it so fixtures stay fast.
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536
    # Outgoing mail. An empty MAIL_SERVER writes each message to instance/outbox/ instead.
    MAIL_SERVER = ""
    MAIL_PORT = 587
    MAIL_USE_TLS = True  # STARTTLS on a plain connection
    MAIL_USE_SSL = False  # SMTPS (TLS from the first byte, usually port 465); wins over TLS
    MAIL_USERNAME = ""
    MAIL_PASSWORD = ""
    MAIL_SENDER = "donorclub <no-reply@localhost>"
    MAIL_TIMEOUT = 10.0  # seconds for connecting and for each SMTP reply
    PASSWORD_RESET_VALID_MINUTES = 60
    # Reset requests per email address asked for (Flask-Limiter syntax).
    PASSWORD_RESET_RATE_LIMIT = "5 per hour"
    # Sign-in attempts per client address, and per email address asked for, whoever asks.
    LOGIN_RATE_LIMIT = "30 per minute; 300 per hour"
    LOGIN_EMAIL_RATE_LIMIT = "5 per minute; 30 per hour"
    # Passwords chosen through invitation and reset links, per client address (each form
    # counts on its own).
    SET_PASSWORD_RATE_LIMIT = "10 per minute; 60 per hour"
    # Failed sign-ins in a row that lock an account, and for how many minutes
    # (services/lockout.py; an unknown address is answered alike).
    LOGIN_LOCKOUT_ATTEMPTS = 10
    LOGIN_LOCKOUT_MINUTES = 15
    # A signed-in session ends after this many minutes without a request, and this many
    # hours after signing in however busy it is (docs/accounts.md#sessions).
    SESSION_IDLE_MINUTES = 30
    SESSION_MAX_HOURS = 12
    # Messages to members (docs/reminders.md). Channels in order of preference: a member gets
    # each message once, through the first channel they can be reached on.
    REMINDER_CHANNELS = "email,webhook"
    # The SMS or chat gateway: each message is POSTed here as JSON signed with the secret
    # (HMAC-SHA256); empty: no webhook channel.
    REMINDER_WEBHOOK_URL = ""
    REMINDER_WEBHOOK_SECRET = ""
    REMINDER_WEBHOOK_TIMEOUT = 10.0
    # A failed attempt is retried after 5 min, then 10, 20, ... (at most 6 h); after this many
    # attempts the message is marked failed.
    REMINDER_MAX_ATTEMPTS = 8
    REMINDER_RETRY_MINUTES = 5
    # Messages one run claims at a time, and how long a claim holds before another run may
    # take the message back (a run that died mid-batch).
    REMINDER_BATCH_SIZE = 50
    REMINDER_CLAIM_MINUTES = 15
    # "You can donate again" goes out only when that day is at most this many days ago, so
    # switching reminders on does not write to everyone who could have given for years.
    REMINDER_ELIGIBLE_WITHIN_DAYS = 30


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS_SECONDS = 365 * 24 * 3600


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production-use"
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_COST = 1024
    # One process runs many apps and clients from one address; tests that check the limit
    # set their own (with their own RATELIMIT_KEY_PREFIX).
    VERIFY_RATE_LIMIT = "10000 per minute"
    API_RATE_LIMIT = "100000 per minute"
    CALENDAR_FEED_RATE_LIMIT = "10000 per minute"
    PASSWORD_RESET_RATE_LIMIT = "10000 per minute"
    LOGIN_RATE_LIMIT = "10000 per minute"
    LOGIN_EMAIL_RATE_LIMIT = "10000 per minute"
    SET_PASSWORD_RATE_LIMIT = "10000 per minute"


CONFIGS = {
    "development": Config,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def _truthy(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Environment variables that are not plain strings.
_ENV_CASTS = {
    "SESSION_COOKIE_SECURE": _truthy,
    "REMEMBER_COOKIE_SECURE": _truthy,
    "HSTS_SECONDS": int,
    "HSTS_INCLUDE_SUBDOMAINS": _truthy,
    "WTF_CSRF_ENABLED": _truthy,
    "MEMBERS_PER_PAGE": int,
    "MAX_CONTENT_LENGTH": int,
    "MAX_FORM_PARTS": int,
    "RATELIMIT_ENABLED": _truthy,
    "TRUSTED_PROXIES": int,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _truthy,
    "MAIL_USE_SSL": _truthy,
    "MAIL_TIMEOUT": float,
    "PASSWORD_RESET_VALID_MINUTES": int,
    "LOGIN_LOCKOUT_ATTEMPTS": int,
    "LOGIN_LOCKOUT_MINUTES": int,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": _truthy,
    "RATELIMIT_SWALLOW_ERRORS": _truthy,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_MAX_HOURS": int,
    "REMINDER_WEBHOOK_TIMEOUT": float,
    "REMINDER_MAX_ATTEMPTS": int,
    "REMINDER_RETRY_MINUTES": int,
    "REMINDER_BATCH_SIZE": int,
    "REMINDER_CLAIM_MINUTES": int,
    "REMINDER_ELIGIBLE_WITHIN_DAYS": int,
}
# DONORCLUB_DATABASE_URL is the documented name for SQLAlchemy's setting.
_ENV_ALIASES = {"DATABASE_URL": "SQLALCHEMY_DATABASE_URI"}


def config_from_environ(environ: os._Environ | dict) -> dict:
    """Return the settings named by DONORCLUB_* variables (prefix stripped, cast where needed)."""
    settings = {}
    for name, value in environ.items():
        if not name.startswith(ENV_PREFIX) or name.startswith(ENV_PREFIX + "TEST_"):
            continue
        key = name[len(ENV_PREFIX):]
        if key in {"ENV", "INSTANCE_PATH"}:
            continue
        key = _ENV_ALIASES.get(key, key)
        settings[key] = _ENV_CASTS.get(key, str)(value)
    return settings


def ensure_secret_key(app) -> None:
    """Give the app a secret key, or refuse to start in production without a real one.

    Development and testing generate a random key into the instance folder once, so sessions
    survive restarts; production must be given one (DONORCLUB_SECRET_KEY or instance/config.py)
    because several workers and machines have to share it.
    """
    key = app.config.get("SECRET_KEY")
    if app.config["ENV_NAME"] == "production":
        if not key or len(key) < MIN_SECRET_KEY_LENGTH or key == TestingConfig.SECRET_KEY:
            raise RuntimeError(
                "Refusing to start in production without a real secret key: set "
                f"DONORCLUB_SECRET_KEY (at least {MIN_SECRET_KEY_LENGTH} random characters) "
                "or SECRET_KEY in instance/config.py."
            )
        return
    if key:
        return
    path = Path(app.instance_path) / SECRET_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    app.config["SECRET_KEY"] = path.read_text().strip()


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "donorclub.sqlite3")
