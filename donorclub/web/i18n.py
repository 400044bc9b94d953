"""Choosing the language of a request."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user


def select_locale() -> str:
    """The user's choice, else their club's default, else the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated:
        club = None
        if current_user.is_member and current_user.member is not None:
            club = current_user.member.club
        elif current_user.is_coordinator and current_user.clubs:
            club = current_user.clubs[0]
        if club is not None and club.locale in languages:
            return club.locale
    best = request.accept_languages.best_match(["en", "zh", "zh-CN", "zh-Hans"])
    if best and best.startswith("zh"):
        return "zh_Hans"
    return current_app.config["BABEL_DEFAULT_LOCALE"]
