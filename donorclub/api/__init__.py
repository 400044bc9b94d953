"""JSON API v1 under /api/v1: flask-smorest blueprints over the same services as the web UI,
token auth, the team's error format, and an OpenAPI document generated from the code."""
from __future__ import annotations

import importlib
import pkgutil

from flask import Flask, abort, current_app, request
from flask_smorest import Api, Blueprint

from ..extensions import csrf, limiter
from .schemas import ApiError

API_SETTINGS = {
    "API_TITLE": "donorclub",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
}
_prepared: set[str] = set()


class DonorclubApi(Api):
    """flask-smorest's Api, minus its error handlers: donorclub/errors.py answers every error,
    HTML or JSON, in one format."""

    ERROR_SCHEMA = ApiError

    def _register_error_handlers(self):
        return None


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def refuse_nul() -> None:
    """A NUL character in the query or the JSON body is answered 400: no column can store it
    (PostgreSQL refuses it outright), so it is never a value anybody meant."""
    body = request.get_json(silent=True) if request.is_json else None
    if _holds_nul(list(request.args.values())) or _holds_nul(body):
        abort(400, "The request holds a NUL character (\\u0000), which cannot be stored.")


def _prepare(blueprint: Blueprint) -> None:
    """Once per process (blueprints are shared by every app a test run creates): token auth
    before every view, no CSRF (tokens, not cookies, authenticate), the rate limit."""
    if blueprint.name in _prepared:
        return
    from .auth import require_token

    blueprint.before_request(require_token)
    blueprint.before_request(refuse_nul)
    csrf.exempt(blueprint)
    limiter.limit(_api_limit)(blueprint)
    _prepared.add(blueprint.name)


def blueprints() -> list[Blueprint]:
    """Every API module's `blp`, in module name order."""
    found = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        loaded = importlib.import_module(f"{__name__}.{module.name}")
        if isinstance(getattr(loaded, "blp", None), Blueprint):
            found.append(loaded.blp)
    return found


def register_api(app: Flask) -> Api:
    """Bind the API to the app, with the bearer security scheme in its OpenAPI document."""
    for key, value in API_SETTINGS.items():
        app.config.setdefault(key, value)
    api = DonorclubApi(app, spec_kwargs={
        "info": {"description": "Records, eligibility and recognition for volunteer blood and "
                                "marrow donor clubs. Authenticate with "
                                "`Authorization: Bearer TOKEN`."},
        "security": [{"bearerAuth": []}]})
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in blueprints():
        _prepare(blueprint)
        api.register_blueprint(blueprint, url_prefix="/api/v1")
    app.extensions["donorclub.api"] = api
    return api
