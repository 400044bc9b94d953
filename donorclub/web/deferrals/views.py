"""Recording a member's deferral and ending one early."""
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import deferrals
from ...services.errors import InvalidInput
from ...services.rules import rule_set_for
from ..formatting import day
from ..forms import apply_field_errors, form_status
from ..members import views as member_views  # the module: it imports our forms (a cycle)
from ..permissions import staff_required
from . import bp
from .forms import DeferralForm, EndEarlyForm


def _saved_message(deferral) -> str:
    if deferral.ends_on is None:
        return _("Deferral recorded, with no end date.")
    return _("Deferral recorded: may donate again from %(date)s.",
             date=day(deferral.ends_on))


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create(slug: str, member_id: int):
    club, member = member_views.load_member(slug, member_id)
    rule_set = rule_set_for(club)
    today = date.today()
    form = DeferralForm(data={"starts_on": today})
    form.use_rule_set(rule_set)
    if form.validate_on_submit():
        try:
            deferral = deferrals.record_deferral(
                current_user._get_current_object(), member, form.reason_code.data or None,
                form.free_text.data or "", form.starts_on.data, form.ends_on.data,
                form.indefinite.data, form.kinds_for_service(rule_set), today=today)
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_saved_message(deferral), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member_id))
    return render_template("deferrals/create.html", club=club, member=member,
                           rule_set=rule_set, form=form), form_status(form)


@bp.route("/<int:deferral_id>/end", methods=["GET", "POST"])
@staff_required
def end_early(slug: str, member_id: int, deferral_id: int):
    club, member = member_views.load_member(slug, member_id)
    deferral = deferrals.get_deferral(member, deferral_id)
    form = EndEarlyForm(data={"ends_on": date.today()})
    if form.validate_on_submit():
        try:
            deferrals.end_deferral_early(current_user._get_current_object(), deferral,
                                         form.ends_on.data, form.note.data or "")
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Deferral ended: may donate again from %(date)s.",
                    date=day(deferral.ends_on)), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member_id))
    return render_template("deferrals/end_early.html", club=club, member=member,
                           rule_set=rule_set_for(club), deferral=deferral,
                           form=form), form_status(form)
