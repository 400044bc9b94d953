"""Fast entry: find the member by name, number or phone, then record their donation."""
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import clubs, donations, members
from ...services.eligibility import member_eligibility
from ...services.rules import rule_set_for
from ..forms import form_status
from ..members import views as member_views  # the module: it imports our forms (a cycle)
from ..permissions import staff_required
from . import bp
from .forms import MemberSearchForm, entry_form_class
from .views import submit_donation

MATCHES_SHOWN = 20


@bp.route("/donations/new")
@staff_required
def search(slug: str):
    club = clubs.get_club(current_user, slug)
    form = MemberSearchForm(request.args)
    q = (form.q.data or "").strip() if form.validate() else ""
    matches = members.list_members(club, per_page=MATCHES_SHOWN, q=q) if q else None
    return render_template("donations/search.html", club=club, form=form, q=q,
                           matches=matches), form_status(form)


@bp.route("/donations/new/<int:member_id>", methods=["GET", "POST"])
@staff_required
def record(slug: str, member_id: int):
    club, member = member_views.load_member(slug, member_id)
    rule_set = rule_set_for(club)
    kind = request.args.get("kind") or rule_set.kinds[0]
    if kind not in rule_set.kinds:
        abort(404)
    rule = rule_set.kind_rules[kind]
    today = date.today()
    form = entry_form_class(rule)(data={"donated_on": today, "volume_ml": rule.default_volume_ml,
                                        "therapeutic_units": rule.default_units})
    form.use_drives(donations.drives_for(club, today), today)
    refused = None
    if form.validate_on_submit():
        recorded, refused = submit_donation(form, member, kind, drive_id=form.drive_id.data)
        if recorded:
            flash(_("Donation recorded for %(name)s (%(no)s).", name=member.full_name,
                    no=member.member_no), "success")
            return redirect(url_for("donations.search", slug=slug))
    status = 409 if refused or form.form_errors else form_status(form)
    return render_template(
        "donations/record.html", club=club, member=member, rule_set=rule_set, kind=kind,
        form=form, refused=refused, today=today,
        eligibility=member_eligibility(member, today)[kind]), status
