"""Choosing the language of a request."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from ..services.languages import preferred_language


def select_locale() -> str:
    """The language chosen in this session, else the person's remembered choice or their
    club's language, else the browser's Accept-Language, else the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if remembered := preferred_language(current_user):
        return remembered
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans", "zh-SG"])
    if best and best.startswith("zh"):
        return "zh_Hans"
    return current_app.config["BABEL_DEFAULT_LOCALE"]
