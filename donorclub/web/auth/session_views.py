"""The "Your sessions" page: where the account is signed in, and ending those sessions."""
from __future__ import annotations

from datetime import UTC, tzinfo
from zoneinfo import ZoneInfo

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from ...models import User
from ...services import user_sessions
from ...services.errors import InvalidInput
from ..formatting import local_time
from . import bp
from .forms import ConfirmForm, EndSessionForm
from .sessions import session_token

# Checked in order: Edge and Opera also name Chrome, Chrome names Safari, Android names Linux
# and iPhones name Mac OS X.
_BROWSERS = (("MicroMessenger/", "WeChat"), ("Edg/", "Edge"), ("OPR/", "Opera"),
             ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
            ("Windows", "Windows"), ("Mac OS X", "macOS"), ("Linux", "Linux"))


def device(user_agent: str) -> str:
    """A browser's own description of itself, shortened to what people recognise."""
    browser = next((name for key, name in _BROWSERS if key in user_agent), None)
    system = next((name for key, name in _SYSTEMS if key in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or user_agent[:60] or _("Unknown device")


def _zone(user: User) -> tzinfo:
    """The time zone of the account's one club (a member's, a one-club coordinator's)."""
    clubs = [user.member.club] if user.member is not None else user.clubs
    return ZoneInfo(clubs[0].timezone) if len(clubs) == 1 else UTC


@bp.route("/sessions")
@login_required
def sessions():
    user = current_user._get_current_object()
    zone = _zone(user)
    rows = [(entry, local_time(entry.row.created_at, zone),
             local_time(entry.row.last_seen_at, zone), device(entry.row.user_agent))
            for entry in user_sessions.open_sessions(user, session_token())]
    return render_template("auth/sessions.html", rows=rows, zone=zone, form=ConfirmForm())


@bp.route("/sessions/end", methods=["POST"])
@login_required
def end_session():
    form = EndSessionForm()
    if not form.validate_on_submit():
        flash(_("Choose a session to end."), "error")
        return redirect(url_for("auth.sessions"))
    # Another user's session is a NotFound, answered 404 like any object one may not see.
    try:
        user_sessions.end_session(current_user._get_current_object(),
                                  int(form.session_id.data), session_token())
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(_("That session has ended: its device is signed out."), "success")
    return redirect(url_for("auth.sessions"))


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """Sign out everywhere else: every session of the account but this one ends."""
    if ConfirmForm().validate_on_submit():
        ended = user_sessions.end_other_sessions(current_user._get_current_object(),
                                                 session_token())
        flash(ngettext("%(num)d other session has ended.",
                       "%(num)d other sessions have ended.", ended), "success")
    return redirect(url_for("auth.sessions"))
