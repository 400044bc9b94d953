"""The message log: the list with its filters and counts, one message, retry and cancel."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import clubs, message_log
from ...services.errors import Conflict, InvalidInput
from ..forms import apply_field_errors, form_status, row_number
from ..permissions import staff_required
from . import bp, presentation
from .forms import CancelForm, MessageFilterForm, RetryForm


def _actor():
    return current_user._get_current_object()


def load_message(slug: str, message_id: int):
    """The club and its message, both within the current user's reach (404 otherwise)."""
    club = clubs.get_club(current_user, slug)
    return club, message_log.get_message(club, message_id)


@bp.route("/")
@staff_required
def index(slug: str):
    club = clubs.get_club(current_user, slug)
    form = MessageFilterForm(request.args)
    pagination = None
    if form.validate():
        pagination = message_log.list_messages(
            club, form.to_filters(), page=request.args.get("page", 1, type=row_number))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "messages_log/index.html", club=club, form=form, pagination=pagination, args=args,
        counts=message_log.counts(club),
        quiet_hours=presentation.quiet_hours(club.quiet_from, club.quiet_until),
        **presentation.labels_for(club.timezone)), form_status(form)


def render_message(club, message, cancel_form=None, status=200):
    return render_template(
        "messages_log/detail.html", club=club, message=message,
        cancel_form=cancel_form or CancelForm(formdata=None), retry_form=RetryForm(),
        history=message_log.history(message), **presentation.labels_for(club.timezone)), status


@bp.route("/<int:message_id>")
@staff_required
def detail(slug: str, message_id: int):
    club, message = load_message(slug, message_id)
    return render_message(club, message)


@bp.route("/<int:message_id>/retry", methods=["POST"])
@staff_required
def retry(slug: str, message_id: int):
    club, message = load_message(slug, message_id)
    try:
        message_log.retry_message(_actor(), message)
    except Conflict as error:
        flash(error.message, "error")
    else:
        flash(_("The message is queued again and goes out with the next run."), "success")
    return redirect(url_for(".detail", slug=slug, message_id=message.id))


@bp.route("/<int:message_id>/cancel", methods=["POST"])
@staff_required
def cancel(slug: str, message_id: int):
    club, message = load_message(slug, message_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            message_log.cancel_message(_actor(), message, form.reason.data)
        except InvalidInput as error:
            apply_field_errors(form, error)
        except Conflict as error:
            flash(error.message, "error")
            return redirect(url_for(".detail", slug=slug, message_id=message.id))
        else:
            flash(_("The message will not be sent."), "success")
            return redirect(url_for(".detail", slug=slug, message_id=message.id))
    return render_message(club, message, form, form_status(form))
