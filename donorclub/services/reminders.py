"""Messages to members: the unsubscribe link, the kind "you can donate again" is about, the
scheduled search for members whose day has come, and the last check before a message leaves.

What each message says is in services/message_drafts.py and templates/messages/; the
messages that events cause (a donation, a certificate, an invitation) are queued by
services/message_events.py; the outbox (services/outbox.py) stores and sends them. Every
message has a `dedupe_key` naming its event, so it is queued once however often the event
is replayed; `reason_not_to_send` checks again just before sending (docs/reminders.md).
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..domain.dates import zone_named
from ..domain.eligibility import evaluate_kind
from ..domain.enums import AuditAction, DonationKind, DriveKind, MemberStatus, MessageKind
from ..domain.rulesets import RuleSet
from ..extensions import db
from ..models import Certificate, Club, Donation, Drive, Member, OutboxMessage
from . import audit, outbox
from .eligibility import MemberFacts, club_facts, member_eligibility
from .message_drafts import draft_for, eligible_again_key
from .rules import rule_set_for

# "You can donate again" names the club's next blood drive when one is this close.
NEXT_DRIVE_WITHIN = timedelta(days=60)
# Above this many members, read the whole club's facts instead of an IN list.
MAX_IDS_IN_QUERY = 5000
DEFERRAL_CODES = ("deferral", "permanent_deferral")

UNSUBSCRIBE_PATH = "/unsubscribe/"
_UNSUBSCRIBE_SALT = "donorclub.unsubscribe"


def _unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_UNSUBSCRIBE_SALT)


def unsubscribe_token(member: Member) -> str:
    """A signed token naming the member. It never expires and is never revoked: the link in
    a mail of years ago must still stop the messages, and all it can do is that."""
    return _unsubscribe_serializer().dumps([member.id])


def unsubscribe_url(member: Member) -> str:
    """The public address that withdraws the member's contact consent, without signing in."""
    return (current_app.config["BASE_URL"].rstrip("/") + UNSUBSCRIBE_PATH
            + unsubscribe_token(member))


def member_for_unsubscribe(token: str) -> Member | None:
    """The member an unsubscribe token names; None for a forged, malformed or unknown one."""
    try:
        payload = _unsubscribe_serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(payload, list) or len(payload) != 1:
        return None
    member_id = payload[0]
    if not isinstance(member_id, int) or isinstance(member_id, bool):
        return None
    return db.session.get(Member, member_id)


def unsubscribe(member: Member) -> bool:
    """Withdraw the member's contact consent through a message's link: audited with no actor
    (whoever holds the link is not known to be the member), and every message still queued
    for them is cancelled. False, changing nothing, when consent was already off."""
    if not member.consent_contact:
        return False
    member.consent_contact = False
    audit.record(None, AuditAction.UNSUBSCRIBE, member, before={"consent_contact": True},
                 after={"consent_contact": False}, club_id=member.club_id)
    outbox.cancel_queued("unsubscribed", member_id=member.id)
    db.session.commit()
    return True


def preferred_kind_of(member: Member, rule_set: RuleSet) -> str:
    """The kind "you can donate again" is about: the member's choice when their club's rule
    set has it, else the kind of their last unvoided donation, else whole blood (or the rule
    set's first kind, for a rule set without whole blood)."""
    counted = [d for d in member.donations if d.voided_at is None]
    # Newest by date, not by the collection's order: a donation added in this session is
    # appended at its end.
    last = max(counted, key=lambda d: (d.donated_on, d.id or 0), default=None)
    return choose_kind(member.preferred_kind, last.kind.value if last else None, rule_set)


def choose_kind(preferred: DonationKind | str | None, last_donated: str | None,
                rule_set: RuleSet) -> str:
    """preferred_kind_of from facts already loaded (`last_donated`: the kind of the newest
    unvoided donation), for batches."""
    for kind in (preferred, last_donated):
        if kind is not None and str(kind) in rule_set.kinds:
            return str(kind)
    if DonationKind.WHOLE_BLOOD.value in rule_set.kinds:
        return DonationKind.WHOLE_BLOOD.value
    return rule_set.kinds[0]


def club_today(club: Club, now: datetime) -> date:
    """The club's local date at the moment `now` (naive: UTC); an unknown zone counts as UTC."""
    moment = now if now.tzinfo is not None else now.replace(tzinfo=UTC)
    return moment.astimezone(zone_named(club.timezone) or UTC).date()


# --- "You can donate again": found by a scheduled run


def queue_eligible_again(*, now: datetime) -> int:
    """Queue "you can donate again" for every member whose day has come; returns how many.

    For each club, on its local date: every active member with contact consent, an address
    and at least one unvoided donation, who may give their preferred kind today
    (`preferred_kind_of`) and became able to within REMINDER_ELIGIBLE_WITHIN_DAYS days,
    gets one message per eligibility period: the key names the period's first day
    (`eligible_since`), so running this again queues nothing, and only a new donation or a
    deferral that ends starts a new period. Deferred members are not eligible, so they get
    none. A few queries per club, whatever its size; commits once per club.
    """
    within = timedelta(days=current_app.config["REMINDER_ELIGIBLE_WITHIN_DAYS"])
    queued = 0
    for club in list(db.session.scalars(sa.select(Club).order_by(Club.id))):
        queued += _queue_eligible_in(club, club_today(club, now), within)
        db.session.commit()
    return queued


def _queue_eligible_in(club: Club, today: date, within: timedelta) -> int:
    # Only the columns the search needs: whole members are loaded for the few who are due.
    candidates = [row for row in db.session.execute(
        sa.select(Member.id, Member.preferred_kind, Member.email, Member.phone).where(
            Member.club_id == club.id, Member.status == MemberStatus.ACTIVE,
            Member.consent_contact.is_(True)).order_by(Member.id)) if outbox.address_of(row)]
    if not candidates:
        return 0
    ids = [row.id for row in candidates]
    facts = club_facts(club.id, today, ids if len(ids) <= MAX_IDS_IN_QUERY else None)
    rule_set = rule_set_for(club)
    due = {}
    for row in candidates:
        found = facts.get(row.id)
        if found is None or not found.donations:
            continue
        last = max(found.donations, key=lambda d: d.on)
        kind = choose_kind(row.preferred_kind, last.kind, rule_set)
        since = eligible_since(found, rule_set, kind, today)
        if since is not None and since >= today - within:
            due[row.id] = (kind, since)
    known = _existing_keys([eligible_again_key(i, k, s) for i, (k, s) in due.items()])
    due = {i: found for i, found in due.items() if eligible_again_key(i, *found) not in known}
    next_drive = _next_blood_drive(club, today)
    queued = 0
    for member in _members(list(due)):
        kind, since = due[member.id]
        queued += outbox.enqueue(member, draft_for(
            member, MessageKind.ELIGIBLE_AGAIN, kind=kind, since=since,
            next_drive=next_drive, today=today))
    return queued


def _members(ids: list[int]) -> list[Member]:
    """These members, by id, in chunks (IN lists stay short)."""
    found: list[Member] = []
    for start in range(0, len(ids), 500):
        found += db.session.scalars(sa.select(Member).where(
            Member.id.in_(ids[start:start + 500])).order_by(Member.id))
    return found


def eligible_since(facts: MemberFacts, rule_set: RuleSet, kind: str, today: date) -> date | None:
    """The first day of the member's current run of days on which they may give `kind`, or
    None when they may not give it today.

    The engine answers for one day, so it is asked twice. On the day after the last donation
    its `next_date` is the first day nothing blocks; every constraint but a deferral only
    lifts with time (an interval, a cap's window, the minimum age), and an age limit that
    blocks never lifts. A deferral can come and go after that day, so a deferral of this kind
    that has ended by today restarts the run on its end (the first day allowed again)."""
    if kind not in rule_set.kinds or not evaluate_kind(
            facts.donor, facts.donations, facts.deferrals, rule_set, kind, today).eligible:
        return None
    last = max(d.on for d in facts.donations)
    after = evaluate_kind(facts.donor, facts.donations, facts.deferrals, rule_set, kind,
                          min(last + timedelta(days=1), today)).next_date or today
    ended = [d.ends_on for d in facts.deferrals if d.applies_to(kind)
             and d.ends_on is not None and d.starts_on < d.ends_on <= today]
    return min(max([after, *ended]), today)


def _existing_keys(keys: list[str]) -> set[str]:
    """Which of these dedupe keys the outbox has already (in chunks: IN lists stay short)."""
    found: set[str] = set()
    for start in range(0, len(keys), 500):
        found.update(db.session.scalars(sa.select(OutboxMessage.dedupe_key).where(
            OutboxMessage.dedupe_key.in_(keys[start:start + 500]))))
    return found


def _next_blood_drive(club: Club, today: date) -> Drive | None:
    return db.session.scalar(
        sa.select(Drive).where(Drive.club_id == club.id, Drive.kind == DriveKind.BLOOD,
                               Drive.held_on >= today,
                               Drive.held_on <= today + NEXT_DRIVE_WITHIN)
        .order_by(Drive.held_on, Drive.id).limit(1))


# --- The last check before sending


def reason_not_to_send(message: OutboxMessage, now: datetime) -> str | None:
    """Checked by the sender just before it delivers a claimed message: None to send it, or
    why it is cancelled instead: consent withdrawn, the member no longer active, and per kind
    what made it pointless since it was queued (checked on the club's local date): no longer
    eligible or deferred, the drive's day passed, the donation voided, the certificate
    revoked."""
    member = message.member
    if not member.consent_contact:
        return "consent withdrawn"
    if member.status != MemberStatus.ACTIVE:
        return f"member {member.status.value}"
    context = message.context or {}
    today = club_today(member.club, now)
    if message.kind == MessageKind.ELIGIBLE_AGAIN:
        return _not_eligible(member, str(context.get("kind", "")), today)
    if message.kind == MessageKind.DRIVE_INVITATION:
        drive = _row(Drive, context.get("drive_id"))
        if drive is None:
            return "the drive was removed"
        return "the drive's day has passed" if drive.held_on < today else None
    if message.kind == MessageKind.DONATION_THANKS:
        donation = _row(Donation, context.get("donation_id"))
        return "the donation was voided" if donation is None or donation.is_voided else None
    if message.kind == MessageKind.CERTIFICATE_ISSUED:
        certificate = _row(Certificate, context.get("certificate_id"))
        if certificate is None or certificate.revoked_at is not None:
            return "the certificate was revoked"
    return None


def _not_eligible(member: Member, kind: str, today: date) -> str | None:
    answer = member_eligibility(member, today).kinds.get(kind)
    if answer is None:
        return f"the club's rules have no kind {kind!r}"
    if answer.eligible:
        return None
    if any(r.code in DEFERRAL_CODES for r in answer.reasons if r.blocking):
        return "deferred"
    return "no longer eligible"


def _row(model, row_id):
    return db.session.get(model, row_id) if isinstance(row_id, int) else None
