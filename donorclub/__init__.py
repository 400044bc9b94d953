"""donorclub: records, eligibility and recognition for volunteer blood and marrow donor clubs."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from .config import (
    CONFIGS,
    PROJECT_ROOT,
    config_from_environ,
    default_database_url,
    ensure_secret_key,
)


def create_app(config: dict | None = None) -> Flask:
    """Build the app: defaults, then instance/config.py, then DONORCLUB_* variables, then `config`.

    `config` (used by tests) may name the environment with ENV_NAME. Nothing here touches the
    database: schema changes go through `flask db upgrade`.
    """
    config = dict(config or {})
    env_name = config.get("ENV_NAME") or os.environ.get("DONORCLUB_ENV", "development")
    if env_name not in CONFIGS:
        raise RuntimeError(f"DONORCLUB_ENV must be one of {', '.join(CONFIGS)}, not {env_name!r}")
    instance_path = config.pop("INSTANCE_PATH", None) or os.environ.get(
        "DONORCLUB_INSTANCE_PATH", str(PROJECT_ROOT / "instance")
    )
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.from_object(CONFIGS[env_name])
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config_from_environ(os.environ))
    app.config.update(config)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = default_database_url(app.instance_path)
    ensure_secret_key(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        "hide_parameters": True, **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    app.json.ensure_ascii = False  # Chinese names stay readable in the API's JSON
    if env_name == "development":
        # So `make run` shows where a mail went (instance/outbox/) and other notices.
        app.logger.setLevel(logging.INFO)

    register_rule_sets(app)
    register_extensions(app)
    warn_about_missing_catalogues(app)
    app.url_map.converters["int"] = RowIdConverter
    register_blueprints(app)
    register_request_checks(app)
    register_api(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_commands(app)
    register_template_helpers(app)
    trust_proxies(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, take the client's address, scheme and host from
    the headers they set (and only as many hops as there are proxies, so a client cannot
    choose its own address)."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


class RowIdConverter(IntegerConverter):
    """`<int:...>` in every route: numbers beyond the id columns' range match no route (404)
    instead of overflowing the database (a 500 on PostgreSQL)."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_rule_sets(app: Flask) -> None:
    """Load the built-in rule sets and the installation's own (instance/rulesets/*.toml);
    a malformed file stops the start with the file and the problem named."""
    from .domain.rulesets import BUILTIN_DIR, RuleSetError, load_rule_sets

    try:
        rule_sets = load_rule_sets(BUILTIN_DIR, Path(app.instance_path) / "rulesets")
    except RuleSetError as error:
        raise RuntimeError(f"Cannot start: a rule-set file is not usable: {error}") from error
    app.extensions["donorclub.rule_sets"] = rule_sets


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from .extensions import (
        babel,
        csrf,
        db,
        install_sqlite_pragmas,
        limiter,
        login_manager,
        migrate,
    )
    from .web.i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    install_sqlite_pragmas()

    from . import models  # noqa: F401  (registers every model with the metadata)

    @login_manager.user_loader
    def load_user(session_id: str):
        """The user a session names while its server-side row is open and within its limits
        (web/auth/sessions.py), unless their password changed since it began."""
        from .web.auth.sessions import session_is_open

        user_id, _, _fingerprint = session_id.partition(".")
        user = db.session.get(models.User, int(user_id)) if user_id.isdigit() else None
        if user is None:
            return None
        return user if session_is_open(user, same_password=user.get_id() == session_id) else None


def warn_about_missing_catalogues(app: Flask) -> None:
    """Pages fall back to English without the compiled catalogues: say so at start."""
    folders = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")
    for locale in app.config["LANGUAGES"]:
        if locale == app.config["BABEL_DEFAULT_LOCALE"]:
            continue
        if not any((Path(app.root_path) / folder / locale / "LC_MESSAGES" / "messages.mo")
                   .exists() for folder in folders):
            app.logger.warning("No compiled translations for %s: its pages will be in English. "
                               "Run `make translations-compile`.", locale)


def register_blueprints(app: Flask) -> None:
    """Every feature package under donorclub/web that defines a blueprint `bp`."""
    import importlib
    import pkgutil

    from . import web

    for module in pkgutil.iter_modules(web.__path__):
        if module.ispkg:
            package = importlib.import_module(f"{web.__name__}.{module.name}")
            if hasattr(package, "bp"):
                app.register_blueprint(package.bp)


def register_request_checks(app: Flask) -> None:
    """Form posts that no page of ours sends (files out of place, NUL, JSON) are refused."""
    from .web.request_checks import init_request_checks

    init_request_checks(app)


def register_api(app: Flask) -> None:
    from .api import register_api as bind_api

    bind_api(app)


def register_error_handlers(app: Flask) -> None:
    from .errors import init_error_handlers

    init_error_handlers(app)


def register_security_headers(app: Flask) -> None:
    """The headers every response carries, and no link token in the request log."""
    from .web.log_privacy import init_log_privacy
    from .web.security_headers import init_security_headers

    init_security_headers(app)
    init_log_privacy(app)


def register_commands(app: Flask) -> None:
    from .cli import demo_data_command, export_cli, import_cli, rules_cli, users_cli
    from .cli_backup import backup_command, restore_command
    from .cli_certificates import certificates_cli
    from .cli_clubs import clubs_cli
    from .cli_reminders import reminders_cli
    from .cli_sessions import sessions_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(rules_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(import_cli)
    app.cli.add_command(export_cli)
    app.cli.add_command(certificates_cli)
    app.cli.add_command(clubs_cli)
    app.cli.add_command(sessions_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def register_template_helpers(app: Flask) -> None:
    from flask_babel import get_locale

    from .web import formatting
    from .web.audit.presentation import action_label, entity_label, field_label, field_value
    from .web.labels import label
    from .web.milestones import milestone, national_label, remaining
    from .web.navigation import navigation_for

    app.jinja_env.globals["navigation_for"] = navigation_for
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["label"] = label
    app.jinja_env.globals["action_label"] = action_label
    app.jinja_env.globals["entity_label"] = entity_label
    app.jinja_env.globals["field_label"] = field_label
    app.jinja_env.globals["field_value"] = field_value
    app.jinja_env.filters["day"] = formatting.day
    app.jinja_env.filters["number"] = formatting.number
    app.jinja_env.filters["ml"] = formatting.ml
    app.jinja_env.filters["rules_name"] = formatting.rules_name
    app.jinja_env.globals["in_language"] = formatting.in_language
    app.jinja_env.filters["kg"] = formatting.kg
    app.jinja_env.filters["milestone"] = milestone
    app.jinja_env.filters["remaining"] = remaining
    app.jinja_env.globals["national_label"] = national_label
    app.jinja_env.globals["describe_reason"] = formatting.describe_reason
    app.jinja_env.globals["deferral_label"] = formatting.deferral_label
    app.jinja_env.globals["duration"] = formatting.duration
    app.jinja_env.globals["window"] = formatting.window
