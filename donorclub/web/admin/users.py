"""Every account, switching accounts off and on, lifting sign-in locks, new invitation links,
the whole audit log."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.enums import Role
from ...services import admin, lockout
from ...services.errors import InvalidInput
from ..audit.views import render_audit
from ..auth.forms import ConfirmForm
from ..forms import form_status, row_number
from ..permissions import roles_required
from . import bp
from .forms import AccountFilterForm
from .links import show_invitation

admin_required = roles_required(Role.ADMIN)


@bp.route("/users")
@admin_required
def users():
    form = AccountFilterForm(request.args)
    pagination = None
    if form.validate():
        pagination = admin.list_accounts(
            role=form.role.data or "", status=form.status.data or "", q=form.q.data or "",
            page=max(request.args.get("page", 1, type=row_number), 1),
            per_page=current_app.config["MEMBERS_PER_PAGE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    locked = lockout.locked_ids(pagination.items) if pagination else set()
    return render_template("admin/users.html", form=form, pagination=pagination, args=args,
                           locked=locked, confirm=ConfirmForm(formdata=None)), form_status(form)


def _switch(user_id: int, change, done):
    actor = current_user._get_current_object()
    user = admin.get_account(actor, user_id)
    try:
        change(actor, user)
    except InvalidInput as error:
        flash(error.message, "error")
    else:
        flash(done(user.email), "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@admin_required
def deactivate(user_id: int):
    return _switch(user_id, admin.deactivate_user,
                   lambda email: _("%(email)s can no longer sign in.", email=email))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@admin_required
def reactivate(user_id: int):
    return _switch(user_id, admin.reactivate_user,
                   lambda email: _("%(email)s can sign in again.", email=email))


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@admin_required
def unlock(user_id: int):
    """Lift a lock that failed sign-ins put on the account before it ends."""
    return _switch(user_id, lockout.unlock,
                   lambda email: _("%(email)s can sign in again.", email=email))


@bp.route("/users/<int:user_id>/invitation", methods=["POST"])
@admin_required
def invite(user_id: int):
    user = admin.get_account(current_user, user_id)
    try:
        invitation = admin.renew_invitation(current_user._get_current_object(), user)
    except InvalidInput as error:
        flash(error.message, "error")
        return redirect(url_for("admin.users"))
    return show_invitation(invitation, url_for("admin.users"), created=False)


@bp.route("/audit")
@admin_required
def audit():
    return render_audit(None)
