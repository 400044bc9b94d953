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
