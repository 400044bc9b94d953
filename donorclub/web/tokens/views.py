"""Views of the API tokens page; any signed-in user manages only their own tokens."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...services import accounts, api_tokens
from . import bp
from .forms import RevokeForm, TokenForm


def _page(form: TokenForm, token: str | None = None, status: int = 200):
    user = current_user._get_current_object()
    return render_template("tokens/index.html", form=form, token=token,
                           tokens=api_tokens.list_tokens(user)), status


@bp.route("")
@login_required
def index():
    return _page(TokenForm())


@bp.route("", methods=["POST"])
@login_required
def create():
    """Issue a token and show it on this response only: only its hash is kept."""
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    user = current_user._get_current_object()
    token = accounts.issue_api_token(user, user, form.label.data)
    return _page(TokenForm(formdata=None), token=token, status=201)


@bp.route("/revoke", methods=["POST"])
@login_required
def revoke():
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("Choose a token to revoke."), "error")
        return redirect(url_for("tokens.index"))
    # Another user's token is a NotFound, answered 404 like any object one may not see.
    row = api_tokens.revoke_token(current_user._get_current_object(), int(form.token_id.data))
    flash(_("The token “%(label)s” is revoked: it no longer works.", label=row.label), "success")
    return redirect(url_for("tokens.index"))
