"""Plain builder functions for test data; each adds to the session and flushes."""
from __future__ import annotations

from datetime import date

from donorclub.domain.enums import DonationKind, Role, Sex
from donorclub.extensions import db
from donorclub.models import Club, Deferral, Donation, Member, User
from donorclub.services.passwords import hash_password

PASSWORD = "correct horse battery"


def make_club(slug: str = "club-a", name: str = "Club A", rule_set: str = "cn",
              locale: str = "en") -> Club:
    club = Club(slug=slug, name=name, rule_set=rule_set, locale=locale, timezone="Asia/Shanghai")
    db.session.add(club)
    db.session.flush()
    return club


def make_member(club: Club, member_no: str = "0001", full_name: str = "王秀英", *,
                sex: Sex = Sex.FEMALE, date_of_birth: date = date(1985, 3, 2),
                phone: str | None = None) -> Member:
    member = Member(club=club, member_no=member_no, full_name=full_name, sex=sex,
                    date_of_birth=date_of_birth, joined_on=date(2020, 1, 1), phone=phone)
    db.session.add(member)
    db.session.flush()
    return member


def make_donation(member: Member, donated_on: date = date(2025, 3, 15), *,
                  kind: DonationKind = DonationKind.WHOLE_BLOOD, volume_ml: int = 400,
                  units: int | None = None) -> Donation:
    donation = Donation(member=member, donated_on=donated_on, kind=kind, volume_ml=volume_ml,
                        therapeutic_units=units, site="Central blood station")
    db.session.add(donation)
    db.session.flush()
    return donation


def make_deferral(member: Member, starts_on: date, ends_on: date | None,
                  reason_code: str = "tattoo") -> Deferral:
    deferral = Deferral(member=member, reason_code=reason_code, starts_on=starts_on,
                        ends_on=ends_on)
    db.session.add(deferral)
    db.session.flush()
    return deferral


def make_user(email: str, role: Role, *, clubs: list[Club] = (), member: Member | None = None,
              password: str = PASSWORD, active: bool = True) -> User:
    user = User(email=email, role=role, name=email.split("@")[0], active=active,
                password_hash=hash_password(password), clubs=list(clubs), member=member)
    db.session.add(user)
    db.session.flush()
    return user


def make_donations(member: Member, days: list[date], *,
                   kind: DonationKind = DonationKind.WHOLE_BLOOD, volume_ml: int = 400
                   ) -> list[Donation]:
    """A donation history: one donation of the same kind and volume on each day."""
    return [make_donation(member, day, kind=kind, volume_ml=volume_ml) for day in days]


def void_row(row, reason: str = "entered by mistake"):
    """Mark a donation or volunteer-service row voided, as the void services leave it."""
    from datetime import UTC, datetime

    row.voided_at, row.void_reason = datetime.now(UTC), reason
    db.session.flush()
    return row


def make_referral(referrer: Member, stages: list[tuple[str, date]], *,
                  candidate: Member | None = None, referred_on: date = date(2024, 1, 2),
                  candidate_name: str = "张伟"):
    """A marrow referral by `referrer` that went through these (status, day) stages."""
    from donorclub.domain.enums import ReferralStatus, Registry
    from donorclub.models import Referral, ReferralEvent

    referral = Referral(club_id=referrer.club_id, referrer=referrer,
                        candidate_name=candidate_name, registry_code=Registry.CMDP,
                        referred_on=referred_on, candidate_member=candidate,
                        status=ReferralStatus(stages[-1][0]) if stages
                        else ReferralStatus.REFERRED)
    db.session.add(referral)
    db.session.flush()
    for status, day in stages:
        db.session.add(ReferralEvent(referral_id=referral.id, status=ReferralStatus(status),
                                     occurred_on=day))
    db.session.flush()
    return referral


def make_service(member: Member, served_on: date, hours: float):
    """Volunteer hours a member served on one day, at an activity described in words."""
    from donorclub.models import VolunteerService

    service = VolunteerService(member=member, served_on=served_on, hours=hours,
                               activity="Blood drive helper")
    db.session.add(service)
    db.session.flush()
    return service
