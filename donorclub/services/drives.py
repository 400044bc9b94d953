"""Drives: planning them, who is eligible and invited, who came, and their donations."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.eligibility import Eligibility, Reason
from ..domain.enums import AuditAction, DriveKind, MemberStatus
from ..extensions import db
from ..models import Club, Drive, DriveParticipant, Member, User
from . import audit, message_events
from .donations import record_donation
from .eligibility import club_eligibility
from .errors import Conflict, InvalidInput, NotEligible, NotFound, ServiceError
from .member_locks import lock_members
from .rules import rule_set_for

MAX_PLACE, MAX_NOTES = 200, 2000
# A drive further away than this is a typing mistake in the year, not a plan.
MAX_YEARS_BACK, MAX_YEARS_AHEAD = 10, 2
# Above this many members, ask for the whole club's eligibility instead of an IN list.
MAX_IDS_IN_QUERY = 5000


@dataclass(frozen=True)
class DriveInput:
    held_on: date | None
    place: str
    kind: str
    capacity: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class RosterRow:
    """A member with their eligibility on the drive day and their part in the drive, if any."""

    member: Member
    eligibility: Eligibility
    participant: DriveParticipant | None = None

    @property
    def eligible_kinds(self) -> list[str]:
        return [k for k, e in self.eligibility.kinds.items() if e.eligible]

    @property
    def blocking_reasons(self) -> list[Reason]:
        """Every blocking reason across the kinds, each told once."""
        seen: list[Reason] = []
        for result in self.eligibility.kinds.values():
            seen += [r for r in result.reasons if r.blocking and r not in seen]
        return seen


@dataclass(frozen=True)
class Invitations:
    """What inviting did: members marked invited, invitation messages queued now, and
    members who were to get one but could not (no contact consent, or no address)."""

    invited: int
    messages_queued: int = 0
    not_reachable: int = 0
    already_messaged: int = 0  # had this drive's invitation message before
    not_eligible: int = 0  # may not give on a blood drive's day: marked invited, no message


@dataclass(frozen=True)
class DonationRow:
    """One attendee's donation as the coordinator entered it on the drive's screen."""

    member_id: int
    kind: str
    volume_ml: int | None
    therapeutic_units: int | None = None


@dataclass
class RowProblem:
    member: Member
    message: str
    fields: dict[str, str] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)


class DonationsRefused(ServiceError):
    """Some rows of a drive's donations were refused; none was saved. `problems` by member id."""

    def __init__(self, message: str, problems: dict[int, RowProblem]):
        super().__init__(message)
        self.problems = problems


def _problems(data: DriveInput, today: date) -> dict[str, str]:
    fields = {}
    if data.held_on is None:
        fields["held_on"] = _("Enter the date of the drive.")
    elif not (today - timedelta(days=365 * MAX_YEARS_BACK) <= data.held_on
              <= today + timedelta(days=365 * MAX_YEARS_AHEAD)):
        fields["held_on"] = _("Check the year: a drive is within %(back)d years before and "
                              "%(ahead)d years after today.",
                              back=MAX_YEARS_BACK, ahead=MAX_YEARS_AHEAD)
    place = (data.place or "").strip()
    if not place:
        fields["place"] = _("Enter where the drive takes place.")
    elif len(place) > MAX_PLACE:
        fields["place"] = _("Keep the place under %(n)d characters.", n=MAX_PLACE)
    if data.kind not in {k.value for k in DriveKind}:
        fields["kind"] = _("Choose the kind of drive.")
    if data.capacity is not None and data.capacity <= 0:
        fields["capacity"] = _("Leave the capacity empty or enter more than 0.")
    if len(data.notes or "") > MAX_NOTES:
        fields["notes"] = _("Keep the notes under %(n)d characters.", n=MAX_NOTES)
    return fields


def _apply(drive: Drive, data: DriveInput) -> None:
    drive.held_on, drive.place = data.held_on, data.place.strip()
    drive.kind, drive.capacity = DriveKind(data.kind), data.capacity
    drive.notes = (data.notes or "").strip()


def create_drive(actor: User, club: Club, data: DriveInput, *, today: date) -> Drive:
    """Plan a drive. Raises InvalidInput with field messages (place required, capacity
    empty or above 0, a date within 10 years back and 2 years ahead)."""
    if fields := _problems(data, today):
        raise InvalidInput(_("The drive was not saved."), fields)
    drive = Drive(club_id=club.id)
    _apply(drive, data)
    db.session.add(drive)
    audit.record(actor, AuditAction.CREATE, drive, after=audit.snapshot(drive))
    db.session.commit()
    return drive


def update_drive(actor: User, drive: Drive, data: DriveInput, *, today: date) -> Drive:
    """Change a drive's plan; the same checks as create_drive."""
    if fields := _problems(data, today):
        raise InvalidInput(_("The drive was not saved."), fields)
    before = audit.snapshot(drive)
    _apply(drive, data)
    old, new = audit.changed(before, audit.snapshot(drive))
    if new:
        audit.record(actor, AuditAction.UPDATE, drive, before=old, after=new)
    db.session.commit()
    return drive


def list_drives(club: Club, today: date) -> tuple[list[Drive], list[Drive]]:
    """(upcoming from today, soonest first; past, latest first)."""
    rows = list(db.session.scalars(sa.select(Drive).where(Drive.club_id == club.id)))
    upcoming = sorted((d for d in rows if d.held_on >= today), key=lambda d: (d.held_on, d.id))
    past = sorted((d for d in rows if d.held_on < today), key=lambda d: (d.held_on, d.id),
                  reverse=True)
    return upcoming, past


def get_drive(club: Club, drive_id: int) -> Drive:
    """The club's drive; NotFound for another club's drive or none."""
    drive = db.session.get(Drive, drive_id)
    if drive is None or drive.club_id != club.id:
        raise NotFound(_("Drive not found."))
    return drive


def participants_of(drive: Drive) -> list[DriveParticipant]:
    """The drive's participants with their members, by member number."""
    return list(db.session.scalars(
        sa.select(DriveParticipant).join(Member)
        .options(selectinload(DriveParticipant.member))
        .where(DriveParticipant.drive_id == drive.id).order_by(Member.member_no)))


def roster(drive: Drive, *, only_participants: bool = False) -> list[RosterRow]:
    """Active members (or, with `only_participants`, the drive's participants whatever their
    status) with their eligibility on the drive day under the club's rule set."""
    by_member = {p.member_id: p for p in participants_of(drive)}
    if only_participants:
        members = [p.member for p in by_member.values()]
    else:
        members = list(db.session.scalars(
            sa.select(Member).where(Member.club_id == drive.club_id,
                                    Member.status == MemberStatus.ACTIVE)
            .order_by(Member.member_no)))
    ids = [m.id for m in members]
    answers = club_eligibility(drive.club_id, rule_set_for(drive.club), drive.held_on,
                               member_ids=ids if len(ids) < MAX_IDS_IN_QUERY else None)
    return [RosterRow(m, answers[m.id], by_member.get(m.id)) for m in members if m.id in answers]


def _participant(drive: Drive, member_id: int) -> tuple[DriveParticipant, dict | None]:
    row = db.session.scalar(sa.select(DriveParticipant).where(
        DriveParticipant.drive_id == drive.id, DriveParticipant.member_id == member_id))
    if row is not None:
        return row, audit.snapshot(row)
    row = DriveParticipant(drive_id=drive.id, member_id=member_id, attended=False, note="")
    db.session.add(row)
    return row, None


def _club_member_ids(drive: Drive, member_ids: list[int]) -> set[int]:
    return set(db.session.scalars(sa.select(Member.id).where(
        Member.club_id == drive.club_id, Member.id.in_(member_ids or [-1]))))


def _audit_participant(actor: User, row: DriveParticipant, before: dict | None,
                       club_id: int) -> None:
    if before is None:
        audit.record(actor, AuditAction.CREATE, row, after=audit.snapshot(row), club_id=club_id)
        return
    old, new = audit.changed(before, audit.snapshot(row))
    new.pop("updated_at", None)
    old.pop("updated_at", None)
    if new:
        audit.record(actor, AuditAction.UPDATE, row, before=old, after=new, club_id=club_id)


def invite_members(actor: User, drive: Drive, member_ids: list[int], *, today: date,
                   send_messages: bool = False) -> Invitations:
    """Mark the members invited today (adding them to the drive when needed). With
    `send_messages`, an invitation message is queued too, in the same transaction, for each
    active member who may come: on a blood drive only those eligible on its day, on a
    marrow-recruitment drive everyone; none for a drive already past, and none twice for
    the same drive and member. Raises InvalidInput when none is chosen or one is not a
    member of the drive's club."""
    wanted = set(member_ids)
    if not wanted:
        raise InvalidInput(_("Choose at least one member to invite."),
                           {"members": _("Choose at least one member to invite.")})
    if wanted - _club_member_ids(drive, list(wanted)):
        raise InvalidInput(_("Choose members of this club."),
                           {"members": _("Choose members of this club.")})
    for member_id in sorted(wanted):
        row, before = _participant(drive, member_id)
        row.invited_on = today
        _audit_participant(actor, row, before, drive.club_id)
    done = Invitations(len(wanted))
    if send_messages and drive.held_on >= today:
        done = _queue_invitations(actor, drive, sorted(wanted))
    db.session.commit()
    return done


def _queue_invitations(actor: User, drive: Drive, member_ids: list[int]) -> Invitations:
    members = list(db.session.scalars(sa.select(Member).where(
        Member.id.in_(member_ids), Member.status == MemberStatus.ACTIVE).order_by(Member.id)))
    active, kinds = len(members), {}
    if drive.kind == DriveKind.BLOOD:
        answers = club_eligibility(drive.club_id, rule_set_for(drive.club), drive.held_on,
                                   member_ids=member_ids
                                   if len(member_ids) < MAX_IDS_IN_QUERY else None)
        kinds = {m.id: [k for k, e in answers[m.id].kinds.items() if e.eligible]
                 for m in members if m.id in answers}
        members = [m for m in members if kinds.get(m.id)]
    queued, unreachable, already = message_events.queue_drive_invitations(
        actor, drive, members, kinds)
    return Invitations(len(member_ids), queued, unreachable, already, active - len(members))


def update_participants(actor: User, drive: Drive, signed_up: list[int], attended: list[int],
                        *, today: date) -> None:
    """Set who signed up and who attended among the drive's participants: a newly ticked
    sign-up is dated today, an unticked one is cleared. Ids of non-participants are ignored."""
    signed, came = set(signed_up), set(attended)
    for row in participants_of(drive):
        before = audit.snapshot(row)
        if row.member_id in signed and row.signed_up_on is None:
            row.signed_up_on = today
        elif row.member_id not in signed:
            row.signed_up_on = None
        row.attended = row.member_id in came
        _audit_participant(actor, row, before, drive.club_id)
    db.session.commit()


def record_drive_donations(actor: User, drive: Drive, rows: list[DonationRow],
                           today: date) -> int:
    """Record the donations of a blood drive, dated the drive day, all or none.

    Each row goes through record_donation's checks (no override here); a row for someone
    who is not a participant of the drive is refused too. Raises InvalidInput when the drive
    is not a blood drive or no row is given, and DonationsRefused with every bad row when
    any is refused, having saved nothing. Returns how many were recorded.
    """
    if drive.kind != DriveKind.BLOOD:
        raise InvalidInput(_("Only a blood drive has donations."))
    if not rows:
        raise InvalidInput(_("Tick at least one donation to record."))
    members = {p.member_id: p.member for p in participants_of(drive)}
    if any(row.member_id not in members for row in rows):
        raise InvalidInput(_("Record donations of the drive's participants only."))
    # Every row's member at once, in one order, so two coordinators entering the same drive
    # cannot deadlock on each other's members.
    lock_members(*(members[row.member_id] for row in rows))
    problems: dict[int, RowProblem] = {}
    for row in rows:
        member = members[row.member_id]
        try:
            record_donation(actor, member, donated_on=drive.held_on, kind=row.kind,
                            volume_ml=row.volume_ml, therapeutic_units=row.therapeutic_units,
                            site=drive.place, drive_id=drive.id, today=today, commit=False)
        except InvalidInput as error:
            problems[member.id] = RowProblem(member, error.message, error.fields)
        except NotEligible as error:
            problems[member.id] = RowProblem(member, error.message, reasons=error.reasons)
        except Conflict as error:
            problems[member.id] = RowProblem(member, error.message)
    if problems:
        db.session.rollback()
        raise DonationsRefused(_("Nothing was recorded: correct or untick the rows below."),
                               problems)
    db.session.commit()
    return len(rows)
