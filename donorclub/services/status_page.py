"""The personal status link: a read-only page of when a member may give next, opened by the
QR code on their member card, and the card itself.

The card's wording lives in the translation catalogues ("member card" context) and is printed
in the member's language (else their club's), not in the language of whoever prints it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, pgettext
from flask_babel import gettext as _

from ..domain.eligibility import Eligibility
from ..domain.masking import mask_name
from ..domain.rulesets import RuleSet
from ..models import Member
from ..pdf.member_card import MemberCard, render_member_card
from . import certificate_text, member_links
from .certificate_printing import fonts
from .eligibility import member_eligibility
from .errors import NotFound
from .members import totals
from .rules import rule_set_for


@dataclass(frozen=True)
class StatusView:
    """Only what the holder of the card needs: whoever finds a lost card learns no more than
    a masked name and donation dates."""

    name: str
    club_name: str
    rule_set: RuleSet
    eligibility: Eligibility
    donations: int
    language: str


def status_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/s/{token}"


def status_for(token: str, today: date) -> StatusView | None:
    """The status a token opens, or None (forged, malformed or revoked)."""
    member = member_links.member_for(token, "status")
    if member is None:
        return None
    rule_set = rule_set_for(member.club)
    return StatusView(
        name=mask_name(member.full_name), club_name=member.club.name, rule_set=rule_set,
        eligibility=member_eligibility(member, today),
        donations=totals(member.donations, rule_set).count,
        language=certificate_text.language_of(member.locale, member.club.locale))


def member_card_pdf(member: Member) -> bytes:
    """The member's card with the QR code of their current status link. Raises NotFound when
    the member has no status link (create one first)."""
    token = member_links.token_for(member, "status")
    if token is None:
        raise NotFound(_("The member has no status link."))
    number, caption = card_words(member.member_no,
                                 certificate_text.language_of(member.locale, member.club.locale))
    card = MemberCard(club_name=member.club.name, member_name=member.full_name,
                      member_no_label=number, caption=caption, status_url=status_url(token))
    return render_member_card(card, fonts())


def card_words(member_no: str, language: str) -> tuple[str, str]:
    """The member card's words in `language`: the member number line, and the QR caption."""
    with force_locale(language):
        # Translators: on the printed member card, above the member's number.
        number = pgettext("member card", "Member no. %(no)s", no=member_no)
        # Translators: on the printed member card, under the QR code that opens the status page.
        caption = pgettext("member card", "Scan to see when you can donate next")
    return number, caption
