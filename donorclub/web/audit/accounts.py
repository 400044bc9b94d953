"""A club's accounts: its coordinators and member logins; staff invite members to sign in."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ...services import admin, clubs
from ...services.errors import InvalidInput
from ..admin.links import show_invitation
from ..auth.forms import ConfirmForm
from ..forms import apply_field_errors, form_status, row_number
from ..permissions import staff_required
from . import bp
from .forms import MemberLoginForm


def render_accounts(club, form, status=200):
    logins = admin.member_logins(club, page=max(request.args.get("page", 1, type=row_number), 1),
                                 per_page=current_app.config["MEMBERS_PER_PAGE"])
    return render_template("audit/accounts.html", club=club, form=form, logins=logins,
                           confirm=ConfirmForm(formdata=None)), status


@bp.route("/accounts")
@staff_required
def accounts(slug: str):
    club = clubs.get_club(current_user, slug)
    form = MemberLoginForm(formdata=None, member_no=request.args.get("member_no", ""))
    return render_accounts(club, form)


@bp.route("/accounts", methods=["POST"])
@staff_required
def invite(slug: str):
    club = clubs.get_club(current_user, slug)
    form = MemberLoginForm()
    if form.validate_on_submit():
        try:
            invitation = admin.invite_member_login(
                current_user._get_current_object(), club, member_no=form.member_no.data,
                email=form.email.data or "")
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            return show_invitation(invitation, url_for("audit.accounts", slug=slug))
    return render_accounts(club, form, form_status(form))


@bp.route("/accounts/<int:user_id>/invitation", methods=["POST"])
@staff_required
def reinvite(slug: str, user_id: int):
    club = clubs.get_club(current_user, slug)
    user = admin.get_account(current_user, user_id)
    if user.member is None or user.member.club_id != club.id:
        abort(404)
    try:
        invitation = admin.renew_invitation(current_user._get_current_object(), user)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("audit.accounts", slug=slug))
    return show_invitation(invitation, url_for("audit.accounts", slug=slug), created=False)
