"""Messages queued with the events that cause them: a recorded donation is thanked, an issued
certificate announced, a drive's invitation sent; and messages an event makes pointless are
cancelled. Each function is called by the service of that event, inside its transaction, so
the message and the event are committed (or rolled back) together.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from ..domain.enums import MemberStatus, MessageKind
from ..models import Certificate, Deferral, Donation, Drive, Member, User
from . import outbox
from .eligibility import member_eligibility
from .message_drafts import draft_for

# A donation entered later than this after its day is history being typed in: no thanks.
THANKS_WITHIN = timedelta(days=14)


def _reachable(member: Member) -> bool:
    return member.status == MemberStatus.ACTIVE and outbox.may_contact(member)


def donation_recorded(actor: User | None, donation: Donation, *, today: date) -> bool:
    """After record_donation flushed the donation: the member's queued "you can donate
    again" is withdrawn (a new period starts), and a thank-you with their new totals is queued
    unless the donation is more than 14 days old (history typed in later). True when queued."""
    member = donation.member
    outbox.cancel_queued("a donation was recorded", member_id=member.id,
                         kinds=[MessageKind.ELIGIBLE_AGAIN])
    if donation.donated_on < today - THANKS_WITHIN or not _reachable(member):
        return False
    counted = [d for d in member.donations if d.voided_at is None]
    kind = donation.kind.value
    answer = member_eligibility(member, today).kinds.get(kind)
    draft = draft_for(
        member, MessageKind.DONATION_THANKS, donation=donation, count=len(counted),
        total_ml=sum(d.volume_ml for d in counted),
        year_count=sum(1 for d in counted if d.donated_on.year == donation.donated_on.year),
        next_date=answer.next_date if answer is not None else None)
    return outbox.enqueue(member, draft, actor=actor)


def donation_voided(donation: Donation) -> int:
    """A voided donation is thanked for no more: its queued thank-you is cancelled."""
    return outbox.cancel_queued("the donation was voided", member_id=donation.member_id,
                                kinds=[MessageKind.DONATION_THANKS],
                                context={"donation_id": donation.id})


def deferral_recorded(deferral: Deferral) -> int:
    """A deferred member is not told they may donate: queued reminders are cancelled (a new
    one comes when the deferral has ended and the member is eligible again)."""
    return outbox.cancel_queued("a deferral was recorded", member_id=deferral.member_id,
                                kinds=[MessageKind.ELIGIBLE_AGAIN])


def certificate_issued(actor: User | None, certificate: Certificate) -> bool:
    """Tell the member about a certificate just issued (flushed, so it has its id)."""
    member = certificate.member
    if not _reachable(member):
        return False
    return outbox.enqueue(member, draft_for(member, MessageKind.CERTIFICATE_ISSUED,
                                            certificate=certificate), actor=actor)


def certificate_revoked(certificate: Certificate) -> int:
    return outbox.cancel_queued("the certificate was revoked", member_id=certificate.member_id,
                                kinds=[MessageKind.CERTIFICATE_ISSUED],
                                context={"certificate_id": certificate.id})


def queue_drive_invitations(actor: User | None, drive: Drive, members: Sequence[Member],
                            eligible_kinds: dict[int, list[str]]) -> tuple[int, int, int]:
    """Queue an invitation to the drive for each of `members` (the caller chose them: those
    eligible on a blood drive's day) who is active and may be contacted; inviting someone
    again queues nothing new. Returns (queued, not reachable: no consent or no address,
    already invited by message before)."""
    queued = unreachable = already = 0
    for member in members:
        if member.status != MemberStatus.ACTIVE:
            continue
        if not outbox.may_contact(member):
            unreachable += 1
            continue
        draft = draft_for(member, MessageKind.DRIVE_INVITATION, drive=drive,
                          eligible_kinds=eligible_kinds.get(member.id, []), coordinator=actor)
        if outbox.enqueue(member, draft, actor=actor):
            queued += 1
        else:
            already += 1
    return queued, unreachable, already


def member_details_changed(member: Member, after: dict) -> int:
    """After a member's details were saved (by a coordinator or themself): withdrawing contact
    consent, or leaving active status, cancels every message still queued for them at once
    (the sender would refuse them anyway; this way the log says so now). `after` holds the
    changed values, as audit.changed gives them. Returns how many were cancelled."""
    if after.get("consent_contact") is False:
        return outbox.cancel_queued("consent withdrawn", member_id=member.id)
    if "status" in after and member.status != MemberStatus.ACTIVE:
        return outbox.cancel_queued(f"member {member.status.value}", member_id=member.id)
    return 0
