"""Server-side sessions in the browser: each sign-in opens one, each request checks it."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from ...domain.enums import SessionEndReason
from ...models import User
from ...services import user_sessions
from . import bp

TOKEN_KEY = "_session_token"  # in the signed cookie; the database keeps only its hash
_CHECK = "donorclub_session_check"  # what the user loader found, for the hook below
# The JSON API authenticates every request by its bearer token, never by the cookie; its
# documentation page (api_docs) is an ordinary page.
API_PREFIX = "/api/"


def fresh_session() -> None:
    """Empty the session, keeping only the language chosen in it."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def session_token() -> str | None:
    token = session.get(TOKEN_KEY)
    return token if isinstance(token, str) else None


def begin_session(user: User) -> None:
    """Sign `user` in on a new session: what the browser's session held before is dropped
    (but the chosen language), a new server-side session is opened and its token goes into
    the cookie, so the cookie changes on every sign-in (no fixation)."""
    fresh_session()
    token = user_sessions.start_session(user, request.user_agent.string)
    login_user(user)
    session[TOKEN_KEY] = token


def session_is_open(user: User, *, same_password: bool) -> bool:
    """For the user loader: whether this request's session may act as `user`. What the check
    found waits in `g` for enforce_session_rules to record."""
    check = user_sessions.check_session(session_token(), user, same_password=same_password)
    setattr(g, _CHECK, check)
    return check.usable


def _ended_message(reason: SessionEndReason | None) -> str:
    if reason == SessionEndReason.IDLE:
        return ngettext("You were signed out after %(num)d minute without activity.",
                        "You were signed out after %(num)d minutes without activity.",
                        current_app.config["SESSION_IDLE_MINUTES"])
    if reason == SessionEndReason.EXPIRED:
        return ngettext("You were signed out %(num)d hour after signing in. Sign in again to "
                        "go on.",
                        "You were signed out %(num)d hours after signing in. Sign in again to "
                        "go on.",
                        current_app.config["SESSION_MAX_HOURS"])
    return _("Your session has ended. Sign in again to go on.")


@bp.before_app_request
def enforce_session_rules():
    """Every page request (the token-authenticated API aside): a usable session is recorded
    as seen; one that was signed in but no longer works is signed out, told why and sent to
    sign in. It runs before the view, so its commit never carries a view's changes."""
    if request.endpoint == "static" or (request.path.startswith(API_PREFIX)
                                         and request.blueprint != "api_docs"):
        return None
    signed_in = current_user.is_authenticated  # loads the user, and checks the session, now
    check = g.pop(_CHECK, None)
    if check is not None and (signed_in or not check.usable):
        user_sessions.note_request(check)
    if signed_in or (TOKEN_KEY not in session and "_user_id" not in session):
        return None
    message = _ended_message(check.reason if check is not None else None)
    fresh_session()
    logout_user()  # after emptying: it asks for any remember-me cookie to be deleted
    flash(message, "warning")
    if request.endpoint == "auth.login":
        return None
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))
