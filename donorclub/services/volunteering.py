"""Volunteer hours: recorded per drive or activity (alone or for a group), voided, summed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.enums import AuditAction
from ..domain.rulesets import RuleSet
from ..domain.volunteering import StarLevel, hours_problem, levels_for, star_level
from ..extensions import db
from ..models import Club, Drive, DriveParticipant, Member, User, VolunteerService
from . import audit
from .errors import InvalidInput, NotFound
from .voiding import void_row

MAX_ACTIVITY, MAX_ROLE, MAX_NOTE = 200, 120, 500
MAX_GROUP = 200  # members in one group entry
# Drives offered when recording: those of this long ago up to today.
DRIVE_LOOKBACK = timedelta(days=730)


@dataclass(frozen=True)
class HoursSummary:
    """A member's service: hours and rows not voided, the star level reached (0 = none yet),
    the next level's threshold and the hours still to go (None at the top or without levels)."""

    total_hours: float
    count: int
    level: int
    next_level: int | None
    next_threshold: int | None
    hours_to_go: float | None
    has_levels: bool


@dataclass(frozen=True)
class MemberVolunteering:
    """What the member page shows: the summary and every row, newest first."""

    summary: HoursSummary
    services: list[VolunteerService]


@dataclass(frozen=True)
class TopVolunteer:
    member: Member
    total_hours: float
    count: int
    level: int


@dataclass(frozen=True)
class ClubVolunteering:
    recent: list[VolunteerService]
    top: list[TopVolunteer]
    levels: tuple[StarLevel, ...]


def _hours_message(code: str) -> str:
    return {
        "missing": _("Enter the hours served."),
        "not_a_number": _("Enter the hours as a number, for example 2.5."),
        "not_positive": _("The hours must be more than 0."),
        "over_a_day": _("At most 24 hours for one day of service."),
        "not_quarter": _("Round to a quarter hour (for example 1.25, 1.5 or 1.75)."),
    }[code]


def _common_problems(club_id: int, served_on: date | None, drive_id: int | None,
                     activity: str, role: str, note: str, today: date) -> dict[str, str]:
    fields = {}
    if served_on is None:
        fields["served_on"] = _("Give the day of the service.")
    elif served_on > today:
        fields["served_on"] = _("The service cannot be in the future.")
    if drive_id is not None:
        drive = db.session.get(Drive, drive_id)
        if drive is None or drive.club_id != club_id:
            fields["drive_id"] = _("Choose a drive of this club.")
        elif activity:
            fields["activity"] = _("Choose a drive or describe the activity, not both.")
    elif not activity:
        fields["activity"] = _("Choose a drive, or describe the activity.")
    if len(activity) > MAX_ACTIVITY:
        fields["activity"] = _("Keep it under %(n)d characters.", n=MAX_ACTIVITY)
    if len(role) > MAX_ROLE:
        fields["role"] = _("Keep it under %(n)d characters.", n=MAX_ROLE)
    if len(note) > MAX_NOTE:
        fields["note"] = _("Keep it under %(n)d characters.", n=MAX_NOTE)
    return fields


def _add(actor: User, member: Member, *, served_on: date, hours: Decimal, role: str, note: str,
         drive_id: int | None, activity: str) -> VolunteerService:
    service = VolunteerService(member=member, drive_id=drive_id, activity=activity,
                               served_on=served_on, hours=float(hours), role=role, note=note,
                               recorded_by_id=actor.id)
    db.session.add(service)
    audit.record(actor, AuditAction.CREATE, service, after=audit.snapshot(service),
                 club_id=member.club_id)
    return service


def record_service(actor: User, member: Member, *, served_on: date | None,
                   hours: Decimal | float | None, role: str = "", note: str = "",
                   drive_id: int | None = None, activity: str = "",
                   today: date) -> VolunteerService:
    """Record hours a member served on one day, at a drive of their own club or at an
    activity described in words (one of the two). Hours: more than 0, at most 24, in quarter
    hours; the day neither in the future nor before the member was born. Raises InvalidInput
    with field messages; nothing is written then."""
    activity, role, note = (activity or "").strip(), (role or "").strip(), (note or "").strip()
    fields = _common_problems(member.club_id, served_on, drive_id, activity, role, note, today)
    if "served_on" not in fields and served_on < member.date_of_birth:
        fields["served_on"] = _("The date is before the member was born.")
    problem = hours_problem(hours)
    if problem:
        fields["hours"] = _hours_message(problem)
    if fields:
        raise InvalidInput(_("The hours were not recorded."), fields)
    service = _add(actor, member, served_on=served_on, hours=Decimal(str(hours)), role=role,
                   note=note, drive_id=drive_id, activity=activity)
    db.session.commit()
    return service


def record_group_service(actor: User, club: Club, entries: list[tuple[str, object]], *,
                         served_on: date | None, role: str = "", note: str = "",
                         drive_id: int | None = None, activity: str = "",
                         today: date) -> list[VolunteerService]:
    """Record one drive's or activity's hours for several members at once: `entries` are
    (member number, hours) pairs of this club. The same checks as for one member apply to
    every entry; a member may appear once. All or nothing: any problem raises InvalidInput
    (problems with entries under "entries", one line each) and nothing is written."""
    activity, role, note = (activity or "").strip(), (role or "").strip(), (note or "").strip()
    fields = _common_problems(club.id, served_on, drive_id, activity, role, note, today)
    numbers = [str(no).strip() for no, _hours in entries]
    found = {m.member_no: m for m in db.session.scalars(
        sa.select(Member).where(Member.club_id == club.id, Member.member_no.in_(numbers)))}
    problems, seen = [], set()
    for (_no, hours), number in zip(entries, numbers, strict=True):
        member = found.get(number)
        if member is None:
            problems.append(_("%(no)s: no member with this number.", no=number))
        elif number in seen:
            problems.append(_("%(no)s: listed more than once.", no=number))
        elif (problem := hours_problem(hours)) is not None:
            problems.append(f"{number}: {_hours_message(problem)}")
        elif served_on is not None and served_on < member.date_of_birth:
            problems.append(_("%(no)s: the date is before the member was born.", no=number))
        seen.add(number)
    if not entries:
        problems.append(_("List at least one member with their hours, or tick an attendee."))
    elif len(entries) > MAX_GROUP:
        problems.append(_("At most %(n)d members at once.", n=MAX_GROUP))
    if problems:
        fields["entries"] = " ".join(problems)
    if fields:
        raise InvalidInput(_("No hours were recorded."), fields)
    services = [_add(actor, found[number], served_on=served_on, hours=Decimal(str(hours)),
                     role=role, note=note, drive_id=drive_id, activity=activity)
                for (_no, hours), number in zip(entries, numbers, strict=True)]
    db.session.commit()
    return services


def get_service(member: Member, service_id: int) -> VolunteerService:
    """One of the member's service rows; NotFound when it is someone else's or nobody's."""
    service = db.session.get(VolunteerService, service_id)
    if service is None or service.member_id != member.id:
        raise NotFound(_("Volunteer service not found."))
    return service


def void_service(actor: User, service: VolunteerService, reason: str) -> VolunteerService:
    """Void a service row: it stays on record with who, when and why, and counts for nothing.
    Raises InvalidInput without a reason of 3 to 500 characters, and Conflict when it is
    already voided (also when a concurrent request voided it first)."""
    return void_row(actor, service, reason, _("These hours were already voided."))


def _summary(total: float, count: int, levels: tuple[StarLevel, ...]) -> HoursSummary:
    level, threshold = star_level(total, levels)
    return HoursSummary(
        total_hours=total, count=count, level=level,
        next_level=level + 1 if threshold is not None else None, next_threshold=threshold,
        hours_to_go=threshold - total if threshold is not None else None,
        has_levels=bool(levels))


def hours_summary(member: Member, rule_set: RuleSet | None = None) -> HoursSummary:
    """Hours and rows not voided, and the star level under the club's rule set (or the one
    given): China's levels at 100/300/600/1000/1500 h [CN-24]; other rule sets have none."""
    code = rule_set.code if rule_set is not None else member.club.rule_set
    total, count = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(VolunteerService.hours), 0), sa.func.count())
        .where(VolunteerService.member_id == member.id, VolunteerService.voided_at.is_(None))
    ).one()
    return _summary(float(total), int(count), levels_for(code))


def member_summary(member: Member, rule_set: RuleSet | None = None) -> MemberVolunteering:
    """The member page's section: the summary and every row (voided too), newest first."""
    services = list(db.session.scalars(
        sa.select(VolunteerService).options(selectinload(VolunteerService.drive))
        .where(VolunteerService.member_id == member.id)
        .order_by(VolunteerService.served_on.desc(), VolunteerService.id.desc())))
    return MemberVolunteering(hours_summary(member, rule_set), services)


def club_volunteering(club: Club, *, recent: int = 50, top: int = 20) -> ClubVolunteering:
    """The club page: the latest rows (voided too) and the members with the most hours."""
    rows = list(db.session.scalars(
        sa.select(VolunteerService)
        .options(selectinload(VolunteerService.member), selectinload(VolunteerService.drive))
        .join(Member, VolunteerService.member_id == Member.id).where(Member.club_id == club.id)
        .order_by(VolunteerService.served_on.desc(), VolunteerService.id.desc()).limit(recent)))
    total = sa.func.sum(VolunteerService.hours).label("total")
    ranked = db.session.execute(
        sa.select(Member, total, sa.func.count(VolunteerService.id))
        .join(VolunteerService, VolunteerService.member_id == Member.id)
        .where(Member.club_id == club.id, VolunteerService.voided_at.is_(None))
        .group_by(Member.id).order_by(total.desc(), Member.member_no).limit(top)).all()
    levels = levels_for(club.rule_set)
    return ClubVolunteering(
        rows, [TopVolunteer(m, float(h), int(n), star_level(float(h), levels)[0])
               for m, h, n in ranked], levels)


def drives_for(club: Club, today: date) -> list[Drive]:
    """The club's drives (any kind) hours can belong to: the last two years, newest first."""
    return list(db.session.scalars(
        sa.select(Drive).where(Drive.club_id == club.id, Drive.held_on <= today,
                               Drive.held_on >= today - DRIVE_LOOKBACK)
        .order_by(Drive.held_on.desc(), Drive.id.desc())))


def drive_attendees(club: Club, drive_id: int) -> list[Member]:
    """Members marked as having attended one of the club's drives, by member number."""
    return list(db.session.scalars(
        sa.select(Member).join(DriveParticipant, DriveParticipant.member_id == Member.id)
        .join(Drive, DriveParticipant.drive_id == Drive.id)
        .where(Drive.id == drive_id, Drive.club_id == club.id, DriveParticipant.attended)
        .order_by(Member.member_no)))
