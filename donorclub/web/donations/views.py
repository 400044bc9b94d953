"""Recording a donation: checked by the rules, refused with reasons unless overridden."""
from datetime import date

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import donations
from ...services.errors import InvalidInput, NotEligible
from ...services.rules import rule_set_for
from ..forms import apply_field_errors
from ..members.views import load_member, render_member_page
from ..permissions import staff_required
from . import bp
from .forms import DonationForm


@bp.route("/", methods=["POST"])
@staff_required
def create(slug: str, member_id: int):
    club, member = load_member(slug, member_id)
    form = DonationForm()
    rule_set = rule_set_for(club)
    form.use_rule_set(rule_set)
    refused = None
    if form.validate_on_submit():
        try:
            donations.record_donation(
                current_user._get_current_object(), member, donated_on=form.donated_on.data,
                kind=form.kind.data, volume_ml=form.volume_ml.data,
                therapeutic_units=form.therapeutic_units.data, site=form.site.data or "",
                blood_centre_certificate_no=form.blood_centre_certificate_no.data or None,
                override_reason=form.override_reason.data or "", today=date.today())
        except InvalidInput as error:
            apply_field_errors(form, error)
        except NotEligible as error:
            refused = error.reasons
        else:
            flash(_("Donation recorded."), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member_id))
    status = 409 if refused else 422
    return render_member_page(club, member, form, refused=refused, rule_set=rule_set,
                              status=status)
