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
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SECRET_KEY: str | None = None
    BASE_URL = "http://127.0.0.1:5000"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh_Hans")
    MEMBERS_PER_PAGE = 50
    # Public certificate verification: requests per client address (Flask-Limiter syntax).
    VERIFY_RATE_LIMIT = "30 per minute; 300 per hour"
    # Requests per client address to the JSON API.
    API_RATE_LIMIT = "600 per minute"
    CALENDAR_FEED_RATE_LIMIT = "60 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
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


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


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
    "WTF_CSRF_ENABLED": _truthy,
    "MEMBERS_PER_PAGE": int,
    "RATELIMIT_ENABLED": _truthy,
    "MAIL_PORT": int,
    "MAIL_USE_TLS": _truthy,
    "MAIL_USE_SSL": _truthy,
    "MAIL_TIMEOUT": float,
    "PASSWORD_RESET_VALID_MINUTES": int,
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
        if not key or len(key) < MIN_SECRET_KEY_LENGTH:
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
