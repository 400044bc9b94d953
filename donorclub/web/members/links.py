"""A member's personal status link, managed by the club: create or replace, revoke, and
print the member card with its QR code."""
from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...services import download_audit, member_links
from ...services.status_page import member_card_pdf
from ..downloads import download
from ..permissions import staff_required
from . import bp
from .views import load_member


def _back(slug: str, member_id: int):
    return redirect(url_for(".detail", slug=slug, member_id=member_id, _anchor="status-link"))


@bp.route("/<int:member_id>/status-link", methods=["POST"])
@staff_required
def issue_status_link(slug: str, member_id: int):
    _club, member = load_member(slug, member_id)
    had = member.status_nonce is not None
    member_links.issue_link(current_user._get_current_object(), member, "status")
    flash(_("A new status link replaces the old one, which no longer works.") if had
          else _("Status link created. Print the member card to hand it over."), "success")
    return _back(slug, member_id)


@bp.route("/<int:member_id>/status-link/revoke", methods=["POST"])
@staff_required
def revoke_status_link(slug: str, member_id: int):
    _club, member = load_member(slug, member_id)
    member_links.revoke_link(current_user._get_current_object(), member, "status")
    flash(_("Status link revoked: it no longer opens anything."), "success")
    return _back(slug, member_id)


@bp.route("/<int:member_id>/card.pdf")
@staff_required
def card(slug: str, member_id: int):
    _club, member = load_member(slug, member_id)
    name, data = f"member-card-{member.member_no}.pdf", member_card_pdf(member)
    download_audit.record_download(current_user._get_current_object(), member,
                                   download_audit.MEMBER_CARD, "pdf")
    return download(name, data, "application/pdf")
