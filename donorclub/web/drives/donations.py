"""After a blood drive: recording every attendee's donation on one screen, all or none."""
from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.enums import DriveKind
from ...services import drives
from ...services.errors import InvalidInput
from ...services.rules import rule_set_for
from ..forms import form_status
from ..permissions import staff_required
from . import bp
from .forms import DRIVE_KIND_LABELS, donations_form_class
from .views import load_drive


def _defaults(row, rule_set) -> dict:
    """The first kind the member may give that day (else the rule set's first) and its
    default volume and units."""
    kind = (row.eligible_kinds or list(rule_set.kinds))[0]
    rule = rule_set.kind_rules[kind]
    return {"include": True, "kind": kind, "volume_ml": rule.default_volume_ml,
            "therapeutic_units": rule.default_units}


@bp.route("/<int:drive_id>/donations", methods=["GET", "POST"])
@staff_required
def donations(slug: str, drive_id: int):
    club, drive = load_drive(slug, drive_id)
    if drive.kind != DriveKind.BLOOD:
        abort(404)
    rule_set = rule_set_for(club)
    rows = [r for r in drives.roster(drive, only_participants=True) if r.participant.attended]
    form_class = donations_form_class([r.member.id for r in rows], rule_set)
    form = form_class(data={f"m{r.member.id}": _defaults(r, rule_set) for r in rows})
    problems = {}
    if form.validate_on_submit():
        entered = [_entered(r.member.id, form[f"m{r.member.id}"]) for r in rows]
        try:
            count = drives.record_drive_donations(
                current_user._get_current_object(), drive,
                [e for e in entered if e is not None], date.today())
        except drives.DonationsRefused as error:
            problems = error.problems
            form.form_errors.append(error.message)
        except InvalidInput as error:
            form.form_errors.append(error.message)
        else:
            flash(_("%(num)d donations recorded for the drive.", num=count), "success")
            return redirect(url_for("drives.detail", slug=slug, drive_id=drive.id))
    status = 409 if problems else form_status(form)
    return render_template("drives/donations.html", club=club, drive=drive, rows=rows, form=form,
                           problems=problems, rule_set=rule_set, today=date.today(),
                           kind_labels=DRIVE_KIND_LABELS), status


def _entered(member_id: int, field) -> drives.DonationRow | None:
    sub = field.form
    if not sub.include.data:
        return None
    return drives.DonationRow(member_id, sub.kind.data, sub.volume_ml.data,
                              sub.therapeutic_units.data)
