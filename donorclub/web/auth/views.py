"""Views for signing in and out, changing a password and accepting an invitation."""
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ...services import accounts, invitations
from ...services.errors import InvalidInput
from ..forms import apply_field_errors, form_status
from . import bp
from .forms import ChangePasswordForm, ConfirmForm, InvitationForm, LoginForm


def _safe_next(target: str | None) -> str | None:
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
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is None:
            form.form_errors.append(_("The email or the password is not right."))
        else:
            session.clear()  # a fresh session on every sign-in (no fixation)
            login_user(user)
            flash(_("Signed in as %(name)s.", name=user.name or user.email), "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("dashboard.index"))
    return render_template("auth/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        accounts.record_logout(current_user._get_current_object())
        logout_user()
        session.clear()
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
                form.new_password.data,
            )
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("dashboard.index"))
    return render_template("auth/change_password.html", form=form), form_status(form)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token: str):
    """Set the first password from an invitation link, then sign in."""
    try:
        user = invitations.read_invitation(token)
        form = InvitationForm()
        if form.validate_on_submit():
            user = invitations.accept_invitation(token, form.password.data)
            session.clear()  # a fresh session, as on every sign-in
            login_user(user)
            flash(_("Welcome, %(name)s. Your password is set.", name=user.name or user.email),
                  "success")
            return redirect(url_for("dashboard.index"))
    except invitations.InvitationNotUsable as error:
        return render_template("auth/invitation.html", problem=error.message), error.status
    except InvalidInput as error:
        apply_field_errors(form, error)
    return render_template("auth/invitation.html", form=form, user=user), form_status(form)
