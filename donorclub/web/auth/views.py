"""Views for signing in and out, changing or resetting a password, accepting an invitation."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ...extensions import limiter
from ...services import accounts, invitations, password_reset, user_sessions
from ...services.errors import InvalidInput
from ...services.lockout import AccountLocked
from ...services.mail import MailNotSent
from ..forms import apply_field_errors, form_status
from . import bp, throttling
from .forms import (
    ChangePasswordForm,
    ConfirmForm,
    ForgotPasswordForm,
    InvitationForm,
    LoginForm,
    ResetPasswordForm,
)
from .sessions import begin_session, fresh_session, session_token


def safe_next(target: str | None) -> str | None:
    """Only same-site relative paths, so a crafted link cannot send users elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(throttling.login_limit, methods=["POST"], on_breach=throttling.throttled_login)
@limiter.limit(throttling.login_email_limit, key_func=throttling.email_signing_in,
               methods=["POST"], on_breach=throttling.throttled_login)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.email.data, form.password.data)
        except AccountLocked as error:  # says to wait or to reset the password
            user, refusal = None, error.message
        else:
            refusal = _("The email or the password is not right.")
        if user is None:
            form.form_errors.append(refusal)
        else:
            begin_session(user)  # a fresh session and cookie on every sign-in (no fixation)
            flash(_("Signed in as %(name)s.", name=user.name or user.email), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        # Ends the session on the server too, so a copy of the cookie stops working.
        user_sessions.sign_out(current_user._get_current_object(), session_token())
        logout_user()
        fresh_session()
        flash(_("You have signed out."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user._get_current_object(), form.current_password.data,
                form.new_password.data, keep_session=session_token(),
            )
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            # Other sessions end with the old password; this one continues under the new.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/change_password.html", form=form), form_status(form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(throttling.set_password_limit, methods=["POST"],
               on_breach=throttling.throttled_link)
def invitation(token: str):
    """Set the first password from an invitation link, then sign in."""
    try:
        user = invitations.read_invitation(token)
        form = InvitationForm()
        if form.validate_on_submit():
            user = invitations.accept_invitation(token, form.password.data)
            begin_session(user)  # a fresh session, as on every sign-in
            flash(_("Welcome, %(name)s. Your password is set.", name=user.name or user.email),
                  "success")
            return redirect(url_for("dashboard.index"))
    except invitations.InvitationNotUsable as error:
        return render_template("auth/invitation.html", problem=error.message), error.status
    except InvalidInput as error:
        apply_field_errors(form, error)
    return render_template("auth/invitation.html", form=form, user=user), form_status(form)


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


def _address_asked_for() -> str:
    """Count requests per email address, so nobody can flood one inbox with links."""
    return "password-reset:" + request.form.get("email", "").strip().lower()[:254]


def _too_many_requests() -> str:
    return _("Links for this address were asked for too often. Wait a while, then try again.")


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, key_func=_address_asked_for, methods=["POST"],
               error_message=_too_many_requests)
def forgot():
    """Ask for a reset link; known and unknown addresses get the same answer."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.request_reset(form.email.data)
        except MailNotSent as error:
            form.form_errors.append(error.message)
            return render_template("auth/forgot.html", form=form), 503
        minutes = current_app.config["PASSWORD_RESET_VALID_MINUTES"]
        return render_template("auth/forgot.html", sent_to=form.email.data.strip(),
                               minutes=minutes)
    return render_template("auth/forgot.html", form=form), form_status(form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(throttling.set_password_limit, methods=["POST"],
               on_breach=throttling.throttled_link)
def reset(token: str):
    """Choose a new password from an emailed link, then sign in with it."""
    try:
        user = password_reset.read_reset_link(token)
        form = ResetPasswordForm()
        if form.validate_on_submit():
            password_reset.reset_password(token, form.password.data)
            if current_user.is_authenticated:  # the login page is for whoever holds the link
                logout_user()
                fresh_session()
            flash(_("Your password has been changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.login"))
    except password_reset.ResetLinkNotUsable as error:
        return render_template("auth/reset.html", problem=error.message), error.status
    except InvalidInput as error:
        apply_field_errors(form, error)
    return render_template("auth/reset.html", form=form, user=user), form_status(form)
