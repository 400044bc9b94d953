"""Error pages (HTML) and error bodies (JSON under /api); a failed request never leaves a
half-written transaction behind."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .services.errors import Conflict, InvalidInput, NotEligible, NotFound, PermissionDenied
from .web.log_privacy import redacted_path

_API_CODES = {400: "invalid", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 422: "invalid",
              429: "rate_limited"}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _respond(status: int, message: str, code: str | None = None, **extra):
    if _wants_json():
        body = {"code": code or _API_CODES.get(status, "error"), "message": message, **extra}
        return jsonify(error=body), status
    return render_template("errors/error.html", status=status, message=message), status


def _too_large() -> str:
    """Over MAX_CONTENT_LENGTH (or a view's own limit) the size is named; otherwise the form
    had more fields (MAX_FORM_PARTS) or longer text (MAX_FORM_MEMORY_SIZE) than allowed."""
    limit, size = request.max_content_length, request.content_length
    if limit and size and size > limit:
        return _("What was sent is too large: this address takes at most %(mb)s MB. Nothing "
                 "was saved.", mb=format(limit / 2**20, ".3g"))
    return _("The form has too many fields, or a field that is too long. Nothing was saved.")


def _reasons(reasons: list) -> list[dict]:
    """The engine's reasons as JSON: the code, the day it clears and a sentence."""
    from .web.formatting import describe_reason

    return [{"code": r.code, "clears_on": r.clears_on.isoformat() if r.clears_on else None,
             "message": describe_reason(r)} for r in reasons]


def _field_messages(messages: dict) -> dict[str, str]:
    """webargs' nested {"json": {"field": ["message"]}} as the API's flat {"field": message}."""
    flat = {}
    for location in messages.values():
        for name, problem in (location.items() if isinstance(location, dict) else []):
            while isinstance(problem, (list, dict)) and problem:
                problem = problem[0] if isinstance(problem, list) else next(iter(problem.values()))
            flat[name] = str(problem)
    return flat


def init_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return _respond(400, _("The form had expired or was not sent from this site. "
                               "Go back, reload the page and try again."))

    @app.errorhandler(NotFound)
    def service_not_found(error: NotFound):
        return _respond(404, error.message or _("Not found."))

    @app.errorhandler(PermissionDenied)
    def service_forbidden(error: PermissionDenied):
        if _wants_json():  # the API never tells that an object it refuses exists
            return _respond(404, _("Not found."))
        return _respond(403, error.message or _("You may not do that."))

    @app.errorhandler(Conflict)
    def service_conflict(error: Conflict):
        return _respond(409, error.message)

    @app.errorhandler(InvalidInput)
    def service_invalid(error: InvalidInput):
        return _respond(422, error.message, fields=error.fields)

    @app.errorhandler(NotEligible)
    def service_not_eligible(error: NotEligible):
        return _respond(409, error.message, code="not_eligible", reasons=_reasons(error.reasons))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if isinstance(error, InternalServerError):
            db.session.rollback()
        if error.response is not None:  # a page of its own (a throttled sign-in form)
            return error.response
        data = getattr(error, "data", None) or {}
        if _wants_json() and error.code == 422 and "messages" in data:
            return _respond(422, _("The request has invalid fields."),
                            fields=_field_messages(data["messages"]))
        messages = {
            403: _("You may not see this page."),
            404: _("There is nothing at this address."),
            405: _("This address does not accept that kind of request."),
            413: _too_large(),
        }
        response = _respond(error.code or 500, messages.get(error.code, error.description))
        allowed = dict(error.get_headers()).get("Allow")
        if allowed:  # a 405 says which methods the address does accept
            response = (*response, {"Allow": allowed})
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method,
                             redacted_path(request.path, request.view_args))
        return _respond(500, _("Something went wrong on our side. Nothing was saved."))
