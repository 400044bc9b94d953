"""Referral pages: the filtered list, recording a referral, and its timeline with the next stage."""
from datetime import date

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...domain.referrals import allowed_next
from ...services import clubs, referrals
from ...services.errors import InvalidInput
from ..forms import apply_field_errors, form_status, row_number
from ..permissions import staff_required
from . import bp
from .forms import PRODUCT_LABELS, MoveForm, NewReferralForm, ReferralFilterForm


def _actor():
    return current_user._get_current_object()


def load_referral(slug: str, referral_id: int):
    """The club and its referral, both within the current user's reach (404 otherwise)."""
    club = clubs.get_club(current_user, slug)
    return club, referrals.get_referral(club, referral_id)


@bp.route("/")
@staff_required
def index(slug: str):
    club = clubs.get_club(current_user, slug)
    form = ReferralFilterForm(request.args)
    valid = form.validate()
    pagination = referrals.list_referrals(
        club, status=(form.status.data or "") if valid else "",
        registry=(form.registry.data or "") if valid else "",
        referrer_no=(form.referrer_no.data or "") if valid else "",
        since=form.since.data if valid else None, until=form.until.data if valid else None,
        page=request.args.get("page", 1, type=row_number),
        per_page=current_app.config["MEMBERS_PER_PAGE"])
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    today = date.today()
    return render_template(
        "referrals/index.html", club=club, form=form, pagination=pagination, args=args,
        filtered=bool(args), today=today,
        statuses={r.id: referrals.effective_status(r, today) for r in pagination.items},
    ), form_status(form)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def create(slug: str):
    club = clubs.get_club(current_user, slug)
    form = NewReferralForm(data={"referred_on": date.today()})
    form.use_drives(referrals.marrow_drives_of(club))
    if form.validate_on_submit():
        try:
            referral = referrals.record_referral(
                _actor(), club, referrer_no=form.referrer_no.data,
                candidate_name=form.candidate_name.data, referred_on=form.referred_on.data,
                registry=form.registry.data, today=date.today(),
                candidate_date_of_birth=form.candidate_date_of_birth.data,
                candidate_sex=form.candidate_sex.data or None,
                candidate_phone=form.candidate_phone.data,
                candidate_email=form.candidate_email.data,
                consent_contact=form.consent_contact.data,
                drive_id=int(form.drive_id.data) if form.drive_id.data else None,
                notes=form.notes.data or "", candidate_member_no=form.candidate_member_no.data)
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Referral of %(name)s recorded.", name=referral.candidate_name), "success")
            return redirect(url_for("referrals.detail", slug=slug, referral_id=referral.id))
    return render_template("referrals/form.html", club=club, form=form), form_status(form)


def render_referral_page(club, referral, form=None):
    """The referral page; a refused stage form comes back filled in with its errors."""
    today = date.today()
    stages = allowed_next(referral.status)
    if form is None:
        form = MoveForm(formdata=None, occurred_on=today)
    form.use_stages(stages)
    return render_template(
        "referrals/detail.html", club=club, referral=referral, form=form, stages=stages,
        timeline=referrals.timeline(referral), today=today, product_labels=PRODUCT_LABELS,
        status=referrals.effective_status(referral, today),
    ), form_status(form)


@bp.route("/<int:referral_id>")
@staff_required
def detail(slug: str, referral_id: int):
    club, referral = load_referral(slug, referral_id)
    return render_referral_page(club, referral)


@bp.route("/<int:referral_id>/move", methods=["POST"])
@staff_required
def move(slug: str, referral_id: int):
    club, referral = load_referral(slug, referral_id)
    form = MoveForm()
    form.use_stages(allowed_next(referral.status))
    if form.validate_on_submit():
        try:
            referrals.move_referral(_actor(), referral, form.status.data, form.occurred_on.data,
                                    form.note.data or "", form.product.data or None,
                                    today=date.today())
        except InvalidInput as error:
            apply_field_errors(form, error)
        else:
            flash(_("Stage recorded."), "success")
            return redirect(url_for("referrals.detail", slug=slug, referral_id=referral.id))
    return render_referral_page(club, referral, form)
