"""What each kind of message to a member says, in the member's language.

The words are plain-text templates (templates/messages/<kind>.txt, a `subject` and a `body`
block each) whose sentences are translation catalogue messages; they are rendered inside
`force_locale` with the member's language (else their club's), never the language of the
coordinator whose action queued them. Every value a template shows is formatted here first
(dates, numbers, kinds), so the templates only arrange sentences. The text is rendered when
the message is queued and stored with it: the outbox holds exactly what the member receives.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from babel.lists import format_list
from flask import current_app
from flask_babel import force_locale

from ..domain.enums import DriveKind, MessageKind
from ..models import Certificate, Donation, Drive, Member, User
from . import certificate_text
from .languages import supported
from .member_calendar import kind_words
from .outbox import Draft
from .verification import verify_url

PORTAL_PATH = "/me/"
TEMPLATE_FOLDER = "messages"


def message_language(member: Member) -> str:
    """The member's language, else their club's, among the languages donorclub speaks."""
    language = certificate_text.language_of(member.locale, member.club.locale)
    return language if language in supported() else supported()[0]


def portal_url() -> str:
    """The member portal's address, where members see their records and certificates."""
    return current_app.config["BASE_URL"].rstrip("/") + PORTAL_PATH


def draft_for(member: Member, kind: MessageKind | str, /, **facts: Any) -> Draft:
    """The message of this kind for the member, ready for `outbox.enqueue`: subject and body
    in the member's language, its dedupe key and its context (always with the unsubscribe
    link). The facts each kind takes are the keyword arguments of its `_<kind>` function
    below; a missing one is a TypeError (a programming error, not bad input)."""
    from .reminders import unsubscribe_url  # reminders queues drafts: it imports this module

    kind = MessageKind(kind)
    language = message_language(member)
    unsubscribe = unsubscribe_url(member)
    with force_locale(language):
        values, key, context = _PREPARE[kind](member, language, **facts)
        values.update(name=member.full_name, club_name=member.club.name,
                      portal_url=portal_url(), unsubscribe_url=unsubscribe)
        subject, body = _render(kind, values)
    return Draft(kind=kind, dedupe_key=key, subject=subject, body=body, locale=language,
                 context={**context, "unsubscribe_url": unsubscribe})


def _render(kind: MessageKind, values: dict[str, Any]) -> tuple[str, str]:
    template = current_app.jinja_env.get_template(f"{TEMPLATE_FOLDER}/{kind.value}.txt")
    subject = "".join(template.blocks["subject"](template.new_context(values)))
    body = "".join(template.blocks["body"](template.new_context(values)))
    return " ".join(subject.split()), _tidy(body)


def _tidy(text: str) -> str:
    """Template indentation and skipped lines out: no trailing spaces, at most one blank
    line in a row, one final newline."""
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"


def _day(value: date | None, language: str) -> str:
    return certificate_text.long_date(value, language) if value is not None else ""


def _kinds(kinds: Sequence[str], language: str) -> str:
    """"whole blood or platelets" / "全血或血小板"."""
    words = [kind_words(k) for k in kinds]
    return format_list(words, style="or", locale=language) if words else ""


Prepared = tuple[dict[str, Any], str, dict[str, Any]]


def _eligible_again(member: Member, language: str, *, kind: str, since: date,
                    next_drive: Drive | None = None, today: date | None = None) -> Prepared:
    """`since`: the first day of this eligibility period; `next_drive`: the club's next blood
    drive, when one is planned soon; `today`: the club's date when it is queued (a period
    that began before it is told as "since", not "from today")."""
    values = {"kind_words": kind_words(kind), "since": _day(since, language),
              "since_earlier": today is not None and since < today,
              "next_drive_day": _day(next_drive.held_on, language) if next_drive else "",
              "next_drive_place": next_drive.place if next_drive else ""}
    context = {"kind": kind, "since": since.isoformat()}
    if next_drive is not None:
        context["next_drive_id"] = next_drive.id
    return values, eligible_again_key(member.id, kind, since), context


def eligible_again_key(member_id: int, kind: str, since: date) -> str:
    """One "you can donate again" per member, kind and eligibility period (its first day)."""
    return f"eligible_again:{member_id}:{kind}:{since.isoformat()}"


def _drive_invitation(member: Member, language: str, *, drive: Drive,
                      eligible_kinds: Sequence[str] = (),
                      coordinator: User | None = None) -> Prepared:
    """`eligible_kinds`: what the member may give on the drive day (blood drives)."""
    values = {"blood": drive.kind == DriveKind.BLOOD, "day": _day(drive.held_on, language),
              "place": drive.place, "kinds": _kinds(eligible_kinds, language),
              "coordinator": (coordinator.name or "") if coordinator else "",
              "coordinator_email": coordinator.email if coordinator else ""}
    context: dict[str, Any] = {"drive_id": drive.id, "held_on": drive.held_on.isoformat(),
                               "drive_kind": drive.kind.value}
    if coordinator is not None:
        context["reply_to"] = coordinator.email
    return values, f"drive_invitation:{drive.id}:{member.id}", context


def _donation_thanks(member: Member, language: str, *, donation: Donation, count: int,
                     total_ml: int, year_count: int, next_date: date | None) -> Prepared:
    """The member's totals after the donation (unvoided donations: how many, their ml, how
    many in the donation's year) and the first day they may give that kind again."""
    kind = donation.kind.value
    values = {"kind_words": kind_words(kind), "day": _day(donation.donated_on, language),
              "volume": certificate_text.number(donation.volume_ml, language),
              "count": count, "total_ml": certificate_text.number(total_ml, language),
              "year": donation.donated_on.year, "year_count": year_count,
              "next_day": _day(next_date, language)}
    context = {"donation_id": donation.id, "kind": kind,
               "next_date": next_date.isoformat() if next_date else None}
    return values, f"donation_thanks:{donation.id}", context


def _certificate_issued(member: Member, language: str, *,
                        certificate: Certificate) -> Prepared:
    values = {"title": certificate.title, "serial": certificate.serial,
              "verify_url": verify_url(certificate.serial)}
    context = {"certificate_id": certificate.id, "serial": certificate.serial}
    return values, f"certificate_issued:{certificate.id}", context


_PREPARE: dict[MessageKind, Callable[..., Prepared]] = {
    MessageKind.ELIGIBLE_AGAIN: _eligible_again,
    MessageKind.DRIVE_INVITATION: _drive_invitation,
    MessageKind.DONATION_THANKS: _donation_thanks,
    MessageKind.CERTIFICATE_ISSUED: _certificate_issued,
}
