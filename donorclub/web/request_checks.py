"""The shape of what a browser sends, checked before any view reads it: form posts carry text
(files only in the fields a form takes them in), no NUL characters anywhere, and no JSON
(that is the API's, under /api/)."""
from __future__ import annotations

from collections.abc import Callable

from flask import Flask, abort, current_app, request
from flask_babel import gettext as _

_FILE_FIELDS = "donorclub_file_fields"
_MAX_BYTES = "donorclub_max_bytes"


def accepts_files(*names: str, max_bytes: int | None = None) -> Callable:
    """Mark a view whose form takes uploaded files in these fields; a file sent in any other
    field is refused before the view runs (a form reads it as text and would fail).
    `max_bytes` lets its requests be that large instead of MAX_CONTENT_LENGTH."""

    def mark(view: Callable) -> Callable:
        setattr(view, _FILE_FIELDS, frozenset(names))
        setattr(view, _MAX_BYTES, max_bytes)
        return view

    return mark


def allow_larger_uploads(endpoint: str | None, _values: dict | None) -> None:
    """The request size limit of a view that takes larger files. Flask runs URL value
    preprocessors before any before_request function, so this is in place before CSRF
    protection reads the form."""
    limit = getattr(current_app.view_functions.get(endpoint or ""), _MAX_BYTES, None)
    if limit:
        request.max_content_length = limit


def _has_nul(values) -> bool:
    return any("\x00" in value for _name, items in values.lists() for value in items)


def check_request_body() -> None:
    """Refuse (400 or 415, nothing read further) what no form of ours sends."""
    if request.path.startswith("/api/"):
        return
    if _has_nul(request.args):
        abort(400, _("The address holds a character that cannot be stored (NUL)."))
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.is_json:
        abort(415, _("This address takes forms from its pages, not JSON. "
                     "Programs use the API under /api/v1."))
    view = current_app.view_functions.get(request.endpoint or "")
    allowed = getattr(view, _FILE_FIELDS, frozenset())
    if any(name not in allowed for name in request.files):
        abort(400, _("The form sent a file where it takes none. Reload the page and try "
                     "again."))
    if _has_nul(request.form):
        abort(400, _("The form holds a character that cannot be stored (NUL). Remove it "
                     "and send the form again."))


def init_request_checks(app: Flask) -> None:
    app.url_value_preprocessor(allow_larger_uploads)
    app.before_request(check_request_body)
