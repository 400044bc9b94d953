"""Creating and editing members: validation, member numbers, likely duplicates, audit."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from ..domain.dates import age_on
from ..domain.enums import AuditAction, BloodGroup, DonationKind, MemberStatus, Sex
from ..extensions import db
from ..models import Club, Member, User
from . import audit, message_events
from .errors import Conflict, InvalidInput
from .rules import rule_set_for

MIN_AGE, MAX_AGE = 16, 100
MIN_WEIGHT, MAX_WEIGHT = 30.0, 250.0
_PHONE = re.compile(r"^\+?[0-9 ()\-]{6,24}$")
_MEMBER_NO = re.compile(r"^[A-Za-z0-9\-]{1,20}$")


@dataclass
class MemberInput:
    """What a coordinator types about a member; strings as typed, checked by the service."""

    full_name: str
    sex: str
    date_of_birth: date | None
    joined_on: date | None
    blood_group: str | None = None  # None or "" = unknown
    weight_kg: float | None = None
    phone: str = ""
    email: str = ""
    member_no: str = ""  # empty = the next free number of the club
    status: str = MemberStatus.ACTIVE.value
    consent_contact: bool = False
    consent_public_verification: bool = False
    consent_leaderboard: bool = False  # appear by name on the club's referral leaderboard
    notes: str = ""
    locale: str = ""  # preferred language for certificates; empty = the club's
    # The kind "you can donate again" reminders are about, one of the club's rule set's; ""
    # = the kind of their last donation; None = leave it as it is (callers not offering it).
    preferred_kind: str | None = None


# Languages a member may prefer: those certificates (and, later, the portal) are written in.
MEMBER_LANGUAGES = ("zh_Hans", "en")


class PossibleDuplicate(Conflict):
    """Members who look like the one being saved; saving again with confirmation proceeds."""

    def __init__(self, matches: list[Member]):
        super().__init__(_("This looks like a member the club already has."))
        self.matches = matches


def next_member_no(club: Club) -> str:
    """One more than the highest numeric member number of the club, four digits at least."""
    numbers = db.session.scalars(sa.select(Member.member_no).where(Member.club_id == club.id))
    highest = max((int(n) for n in numbers if n.isdigit()), default=0)
    return f"{highest + 1:04d}"


def likely_duplicates(club: Club, full_name: str, date_of_birth: date | None, phone: str,
                      exclude_id: int | None = None) -> list[Member]:
    """Members of the club with the same name and date of birth, or the same phone."""
    conditions = []
    if full_name.strip() and date_of_birth:
        conditions.append(sa.and_(Member.full_name == full_name.strip(),
                                  Member.date_of_birth == date_of_birth))
    if phone.strip():
        conditions.append(Member.phone == _normal_phone(phone))
    if not conditions:
        return []
    query = sa.select(Member).where(Member.club_id == club.id, sa.or_(*conditions))
    if exclude_id is not None:
        query = query.where(Member.id != exclude_id)
    return list(db.session.scalars(query.order_by(Member.member_no)))


def create_member(actor: User, club: Club, data: MemberInput, *, today: date,
                  confirm_duplicate: bool = False) -> Member:
    """Add a member to the club. Raises InvalidInput, Conflict (number taken) and
    PossibleDuplicate (unless `confirm_duplicate`)."""
    values = _validated(data, today, club)
    values["member_no"] = values["member_no"] or next_member_no(club)
    _check_number_free(club, values["member_no"])
    if not confirm_duplicate and (
        matches := likely_duplicates(club, values["full_name"], values["date_of_birth"],
                                     values["phone"] or "")):
        raise PossibleDuplicate(matches)
    member = Member(club=club, **values)
    db.session.add(member)
    audit.record(actor, AuditAction.CREATE, member, after=audit.snapshot(member))
    db.session.commit()
    return member


def update_member(actor: User, member: Member, data: MemberInput, *, today: date,
                  confirm_duplicate: bool = False) -> Member:
    """Change a member's record; the audit event keeps only what changed."""
    values = _validated(data, today, member.club)
    values["member_no"] = values["member_no"] or member.member_no
    if values["member_no"] != member.member_no:
        _check_number_free(member.club, values["member_no"])
    if not confirm_duplicate and (
        matches := likely_duplicates(member.club, values["full_name"], values["date_of_birth"],
                                     values["phone"] or "", exclude_id=member.id)):
        raise PossibleDuplicate(matches)
    before = audit.snapshot(member)
    for key, value in values.items():
        setattr(member, key, value)
    old, new = audit.changed(before, audit.snapshot(member))
    new.pop("updated_at", None)
    old.pop("updated_at", None)
    if new:
        audit.record(actor, AuditAction.UPDATE, member, before=old, after=new)
        message_events.member_details_changed(member, new)
    db.session.commit()
    return member


def input_problems(data: MemberInput, today: date) -> dict[str, str]:
    """Every field the service would refuse, without saving (to show all problems at once)."""
    try:
        _validated(data, today)
    except InvalidInput as error:
        return error.fields
    return {}


def _check_number_free(club: Club, member_no: str) -> None:
    taken = db.session.scalar(sa.select(Member.id).where(Member.club_id == club.id,
                                                         Member.member_no == member_no))
    if taken is not None:
        raise InvalidInput(_("The member was not saved."), {
            "member_no": _("Member number %(no)s is already used in this club.", no=member_no)})


def _normal_phone(phone: str) -> str:
    return " ".join(phone.split())


def _validated(data: MemberInput, today: date, club: Club | None = None) -> dict:
    """The input as model values, or InvalidInput naming every field that is wrong. The
    preferred kind is checked against the club's rule set, so only with a club."""
    fields: dict[str, str] = {}
    values = asdict(data)
    values["full_name"] = " ".join(data.full_name.split())
    if not values["full_name"]:
        fields["full_name"] = _("Enter the member's full name.")
    elif len(values["full_name"]) > 120:
        fields["full_name"] = _("Keep the name under 120 characters.")
    try:
        values["sex"] = Sex(data.sex)
    except ValueError:
        fields["sex"] = _("Choose female or male.")
    born = data.date_of_birth
    if born is None:
        fields["date_of_birth"] = _("Enter the date of birth.")
    elif born > today:
        fields["date_of_birth"] = _("The date of birth cannot be in the future.")
    elif not MIN_AGE <= age_on(born, today) <= MAX_AGE:
        fields["date_of_birth"] = _("Members are between %(low)d and %(high)d years old.",
                                    low=MIN_AGE, high=MAX_AGE)
    try:
        values["blood_group"] = BloodGroup(data.blood_group) if data.blood_group else None
    except ValueError:
        fields["blood_group"] = _("Choose a blood group, or unknown.")
    if data.weight_kg is not None and not MIN_WEIGHT <= data.weight_kg <= MAX_WEIGHT:
        fields["weight_kg"] = _("Enter a weight between %(low)d and %(high)d kg, or leave it "
                                "empty.", low=MIN_WEIGHT, high=MAX_WEIGHT)
    phone = _normal_phone(data.phone or "")
    if phone and not _PHONE.match(phone):
        fields["phone"] = _("Enter a phone number of digits, spaces, +, - or brackets.")
    values["phone"] = phone or None
    email = (data.email or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            fields["email"] = _("Enter a valid email address, or leave it empty.")
    values["email"] = email or None
    member_no = (data.member_no or "").strip()
    if member_no and not _MEMBER_NO.match(member_no):
        fields["member_no"] = _("Use up to 20 letters, digits or hyphens.")
    values["member_no"] = member_no
    joined = data.joined_on
    if joined is None:
        fields["joined_on"] = _("Enter the day the member joined.")
    elif joined > today:
        fields["joined_on"] = _("The joining day cannot be in the future.")
    elif born is not None and joined < born:
        fields["joined_on"] = _("The joining day is before the date of birth.")
    try:
        values["status"] = MemberStatus(data.status)
    except ValueError:
        fields["status"] = _("Choose a status.")
    for consent in ("consent_contact", "consent_public_verification", "consent_leaderboard"):
        values[consent] = bool(values[consent])
    values["locale"] = data.locale or None
    if values["locale"] not in (None, *MEMBER_LANGUAGES):
        fields["locale"] = _("Choose a language.")
    kind = values.pop("preferred_kind")
    if kind is not None and club is not None:
        if not kind:
            values["preferred_kind"] = None
        elif kind in rule_set_for(club).kinds and kind in {k.value for k in DonationKind}:
            values["preferred_kind"] = DonationKind(kind)
        else:
            fields["preferred_kind"] = _("Choose a kind of donation the club's rules know, "
                                         "or the kind of the last donation.")
    values["notes"] = (data.notes or "").strip()
    if len(values["notes"]) > 2000:
        fields["notes"] = _("Keep the notes under 2,000 characters.")
    if fields:
        raise InvalidInput(_("The member was not saved."), fields)
    return values
