"""Member list and member page."""
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import (
    clubs,
    member_editing,
    member_links,
    members,
    message_log,
    recognition,
    referrals,
    volunteering,
)
from ...services.eligibility import member_eligibility
from ...services.errors import InvalidInput
from ...services.rules import rule_set_for
from ...services.status_page import status_url
from ..donations.forms import DonationForm
from ..forms import apply_field_errors, form_status, row_number
from ..messages import presentation as message_presentation
from ..permissions import staff_required
from . import bp
from .forms import MemberFilterForm, MemberForm


def load_member(slug: str, member_id: int):
    """The club and member, both within the current user's reach (404 otherwise)."""
    club = clubs.get_club(current_user, slug)
    member = members.get_member(current_user, member_id)
    if member.club_id != club.id:
        abort(404)
    return club, member


def _status_link(member) -> str | None:
    token = member_links.token_for(member, "status")
    return None if token is None else status_url(token)


def render_member_page(club, member, form=None, *, refused=None, rule_set=None, status=200):
    """The member page; the donation form comes back filled in when it was refused."""
    rule_set = rule_set or rule_set_for(club)
    today = date.today()
    if form is None:
        first = rule_set.kind_rules[rule_set.kinds[0]]
        form = DonationForm(formdata=None, donated_on=today, kind=first.kind,
                            volume_ml=first.default_volume_ml,
                            therapeutic_units=first.default_units)
        form.use_rule_set(rule_set)
    # The recognition standing is worked out from rows the page shows anyway.
    marrow = referrals.own_marrow_donations(member)
    service = volunteering.member_summary(member, rule_set)
    certificates = members.certificates_of(member)
    facts = recognition.facts_from_loaded(member, marrow, service.services)
    return render_template(
        "members/detail.html", club=club, member=member,
        totals=members.totals(member.donations, rule_set),
        eligibility=member_eligibility(member, today), rule_set=rule_set, today=today,
        form=form, refused=refused, referrals=members.referrals_made(member),
        certificates=certificates, trail=members.audit_trail(member),
        recognition=recognition.standing_of(member, today, facts, certificates=certificates),
        status_link=_status_link(member), volunteering=service, marrow=marrow,
        messages=message_log.recent_for_member(member),
        message_labels=message_presentation.labels_for(club.timezone),
    ), status


@bp.route("/")
@staff_required
def index(slug: str):
    club = clubs.get_club(current_user, slug)
    form = MemberFilterForm(rule_set_for(club), request.args)
    valid = form.validate()
    filters = members.MemberFilters(
        q=form.q.data or "",
        blood_group=form.blood_group.data if valid else "",
        status=form.status.data if valid else "",
        deferred_on=date.today() if form.deferred.data else None,
        has_referral=bool(form.has_referral.data),
        eligible_kind=(form.eligible_kind.data or "") if valid else "",
        eligible_on=(form.eligible_on.data or date.today()) if valid else None,
        sort=form.sort.data if valid and form.sort.data else "member_no",
    )
    page = request.args.get("page", 1, type=row_number)
    pagination = members.list_members(
        club, page=page, per_page=current_app.config["MEMBERS_PER_PAGE"], filters=filters)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("members/index.html", club=club, pagination=pagination, form=form,
                           q=filters.q, filtered=len(args) > 0, args=args), form_status(form)


@bp.route("/<int:member_id>")
@staff_required
def detail(slug: str, member_id: int):
    club, member = load_member(slug, member_id)
    return render_member_page(club, member)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create(slug: str):
    club = clubs.get_club(current_user, slug)
    form = MemberForm().offer_kinds(rule_set_for(club).kinds)
    if not form.is_submitted():
        form.joined_on.data = date.today()
    duplicates = []
    if form.validate_on_submit():
        try:
            member = member_editing.create_member(
                current_user._get_current_object(), club, form.to_input(), today=date.today(),
                confirm_duplicate=form.confirm_duplicate.data)
        except member_editing.PossibleDuplicate as error:
            duplicates = error.matches
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Member %(no)s added.", no=member.member_no), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member.id))
    return _form_page(club, form, None, duplicates)


@bp.route("/<int:member_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(slug: str, member_id: int):
    club, member = load_member(slug, member_id)
    form = MemberForm() if request.method == "POST" else MemberForm.for_member(member)
    form.offer_kinds(rule_set_for(club).kinds)
    duplicates = []
    if form.validate_on_submit():
        try:
            member_editing.update_member(
                current_user._get_current_object(), member, form.to_input(), today=date.today(),
                confirm_duplicate=form.confirm_duplicate.data)
        except member_editing.PossibleDuplicate as error:
            duplicates = error.matches
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Changes to %(name)s saved.", name=member.full_name), "success")
            return redirect(url_for("members.detail", slug=slug, member_id=member.id))
    return _form_page(club, form, member, duplicates)


def _form_page(club, form, member, duplicates):
    if form.is_submitted() and form.errors:
        # Show the service's judgement of the other fields too, not one round at a time.
        for name, message in member_editing.input_problems(form.to_input(), date.today()).items():
            field = getattr(form, name)
            if not field.errors:
                field.errors = [*field.errors, message]
    status = 409 if duplicates else form_status(form)
    return render_template("members/form.html", club=club, form=form, member=member,
                           duplicates=duplicates,
                           next_no=member_editing.next_member_no(club)), status
