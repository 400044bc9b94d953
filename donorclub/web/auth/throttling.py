"""Throttles on signing in and on setting a password from a link: the limits (from the config),
what they count, and the page a throttled request gets instead of a bare error."""
from __future__ import annotations

import math
import time

from flask import Response, current_app, make_response, render_template, request
from flask_babel import ngettext
from flask_limiter import RequestLimit

from ...services import invitations, password_reset
from .forms import InvitationForm, LoginForm, ResetPasswordForm


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def login_email_limit() -> str:
    return current_app.config["LOGIN_EMAIL_RATE_LIMIT"]


def set_password_limit() -> str:
    return current_app.config["SET_PASSWORD_RATE_LIMIT"]


def email_signing_in() -> str:
    """Count sign-ins per email address asked for, from whatever addresses they come."""
    return "login:" + request.form.get("email", "").strip().lower()[:254]


def _wait_message(limit: RequestLimit) -> str:
    # reset_at is a whole second, often just past the full window: allow for that second.
    minutes = max(1, math.ceil((limit.reset_at - time.time() - 1) / 60))
    return ngettext("Too many attempts in a short time. Wait %(num)d minute, then try again.",
                    "Too many attempts in a short time. Wait %(num)d minutes, then try again.",
                    minutes)


def throttled_login(limit: RequestLimit) -> Response:
    """The sign-in form again, with the address typed kept, and the note to wait."""
    form = LoginForm()
    form.form_errors.append(_wait_message(limit))
    return make_response(render_template("auth/login.html", form=form), 429)


def throttled_link(limit: RequestLimit) -> Response:
    """The invitation or reset page again with the note to wait (or what is wrong with the
    link, since waiting would not help then)."""
    token = (request.view_args or {}).get("token", "")
    if request.endpoint == "auth.invitation":
        template, form_class = "auth/invitation.html", InvitationForm
        read, unusable = invitations.read_invitation, invitations.InvitationNotUsable
    else:
        template, form_class = "auth/reset.html", ResetPasswordForm
        read, unusable = password_reset.read_reset_link, password_reset.ResetLinkNotUsable
    try:
        user = read(token)
    except unusable as error:
        return make_response(render_template(template, problem=error.message), 429)
    form = form_class()
    form.form_errors.append(_wait_message(limit))
    return make_response(render_template(template, form=form, user=user), 429)
