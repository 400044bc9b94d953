"""What each table's rows mean: checking a parsed row, its duplicate key, and the row to write."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from ...domain.enums import MemberStatus, ReferralStatus
from ...extensions import db
from ...models import Club, Deferral, Donation, Member, Referral, ReferralEvent, User
from ...models import VolunteerService as Service


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


class Table:
    """Base: the club's members by number, loaded once, and the existing rows' keys."""

    def __init__(self, club: Club, today: date):
        self.club, self.today = club, today
        self.members: dict[str, tuple[int, date]] = {}
        self.existing: dict = {}

    def load(self) -> None:
        rows = db.session.execute(sa.select(Member.member_no, Member.id, Member.date_of_birth)
                                  .where(Member.club_id == self.club.id))
        self.members = {no: (id_, dob) for no, id_, dob in rows}

    def member_id(self, member_no: str, day: date | None = None) -> int:
        found = self.members.get(member_no)
        if found is None:
            raise RowError(_("unknown member number %(no)s", no=member_no))
        if day is not None and day < found[1]:
            raise RowError(_("%(day)s is before the member was born", day=day.isoformat()))
        return found[0]

    def past(self, day: date) -> date:
        if day > self.today:
            raise RowError(_("%(day)s is in the future", day=day.isoformat()))
        return day

    def plan(self, key, record) -> tuple[str, object]:
        """Stored rows are skipped, never updated; only members define update()."""
        return ("skip", None) if key in self.existing else ("create", None)


def _voided(reason: str, actor: User | None, now: datetime) -> dict:
    if not reason:
        return {"voided_at": None, "voided_by_id": None, "void_reason": None}
    return {"voided_at": now, "voided_by_id": actor.id if actor else None, "void_reason": reason}


class MemberTable(Table):
    def load(self) -> None:
        self.existing = {m.member_no: m for m in db.session.scalars(
            sa.select(Member).where(Member.club_id == self.club.id))}

    def check(self, v: dict) -> tuple:
        if len(v["member_no"]) > 20:
            raise RowError(_("the member number is longer than 20 characters"))
        self.past(v["date_of_birth"])
        if v.get("weight_kg") is not None and v["weight_kg"] <= 0:
            raise RowError(_("the weight must be more than 0"))
        if v.get("email") and "@" not in v["email"]:
            raise RowError(_("%(value)s is not an email address", value=v["email"]))
        if len(v.get("phone") or "") > 32:
            raise RowError(_("the phone number is longer than 32 characters"))
        if v.get("joined_on"):
            self.past(v["joined_on"])
        record = dict(v)
        for key in ("phone", "email"):
            if key in record:
                record[key] = record[key] or None
        if "status" in record:
            record["status"] = record["status"] or MemberStatus.ACTIVE
        if "joined_on" in record and record["joined_on"] is None:
            del record["joined_on"]  # keep the stored day; a new member joins today
        return v["member_no"], record

    def plan(self, key, record):
        member = self.existing.get(key)
        if member is None:
            return "create", None
        differs = any(getattr(member, k) != value for k, value in record.items())
        return ("update" if differs else "skip"), member

    def build(self, record: dict, actor, now) -> Member:
        values = {"joined_on": self.today, "status": MemberStatus.ACTIVE, **record}
        return Member(club_id=self.club.id, **values)

    def update(self, member: Member, record: dict) -> None:
        for key, value in record.items():
            setattr(member, key, value)


class DonationTable(Table):
    def load(self) -> None:
        super().load()
        rows = db.session.execute(
            sa.select(Donation.member_id, Donation.kind, Donation.donated_on, Donation.void_reason)
            .join(Member, Donation.member_id == Member.id).where(Member.club_id == self.club.id))
        self.existing = {tuple(row) for row in rows}

    def check(self, v: dict) -> tuple:
        day = self.past(v["donated_on"])
        member_id = self.member_id(v["member_no"], day)
        if v["volume_ml"] <= 0:
            raise RowError(_("the volume must be more than 0 ml"))
        if v.get("therapeutic_units") is not None and v["therapeutic_units"] <= 0:
            raise RowError(_("therapeutic units must be more than 0"))
        reason = v.get("void_reason") or None
        return (member_id, v["kind"], day, reason), {**v, "member_id": member_id}

    def build(self, r: dict, actor, now) -> Donation:
        return Donation(member_id=r["member_id"], donated_on=r["donated_on"], kind=r["kind"],
                        volume_ml=r["volume_ml"], therapeutic_units=r.get("therapeutic_units"),
                        site=(r.get("site") or "")[:200],
                        blood_centre_certificate_no=r.get("certificate_no") or None,
                        recorded_by_id=actor.id if actor else None, recorded_at=now,
                        **_voided(r.get("void_reason"), actor, now))


class DeferralTable(Table):
    def load(self) -> None:
        super().load()
        rows = db.session.execute(
            sa.select(Deferral.member_id, Deferral.reason_code, Deferral.starts_on)
            .join(Member, Deferral.member_id == Member.id).where(Member.club_id == self.club.id))
        self.existing = {tuple(row) for row in rows}

    def check(self, v: dict) -> tuple:
        member_id = self.member_id(v["member_no"], v["starts_on"])
        if v.get("ends_on") and v["ends_on"] < v["starts_on"]:
            raise RowError(_("the deferral ends before it starts"))
        if len(v["reason_code"]) > 40:
            raise RowError(_("the reason code is longer than 40 characters"))
        return (member_id, v["reason_code"], v["starts_on"]), {**v, "member_id": member_id}

    def build(self, r: dict, actor, now) -> Deferral:
        return Deferral(member_id=r["member_id"], reason_code=r["reason_code"],
                        starts_on=r["starts_on"], ends_on=r.get("ends_on"),
                        kinds=r.get("kinds"), note=r.get("note") or "",
                        recorded_by_id=actor.id if actor else None, created_at=now)


class ReferralTable(Table):
    def load(self) -> None:
        super().load()
        rows = db.session.execute(
            sa.select(Referral.referrer_id, Referral.candidate_name, Referral.referred_on)
            .where(Referral.club_id == self.club.id))
        self.existing = {(ref, name.lower(), day) for ref, name, day in rows}

    def check(self, v: dict) -> tuple:
        day = self.past(v["referred_on"])
        member_id = self.member_id(v["referrer_no"], day)
        name = v["candidate_name"]
        return (member_id, name.lower(), day), {**v, "referrer_id": member_id}

    def build(self, r: dict, actor, now) -> Referral:
        status = r.get("status") or ReferralStatus.REFERRED
        actor_id = actor.id if actor else None
        referral = Referral(
            club_id=self.club.id, referrer_id=r["referrer_id"], candidate_name=r["candidate_name"],
            candidate_date_of_birth=r.get("candidate_date_of_birth"),
            candidate_sex=r.get("candidate_sex"), candidate_phone=r.get("candidate_phone") or None,
            candidate_email=r.get("candidate_email") or None, registry_code=r["registry"],
            status=status, registry_donor_id=r.get("registry_donor_id") or None,
            consent_contact=bool(r.get("consent_contact")), referred_on=r["referred_on"],
            notes=r.get("notes") or "", created_by_id=actor_id, created_at=now)
        # The timeline starts with the stage the club's records had reached.
        referral.events.append(ReferralEvent(status=status, occurred_on=r["referred_on"],
                                             note=_("Imported"), recorded_by_id=actor_id))
        return referral


class HoursTable(Table):
    def load(self) -> None:
        super().load()
        rows = db.session.execute(
            sa.select(Service.member_id, Service.served_on, Service.activity, Service.role,
                      Service.void_reason)
            .join(Member, Service.member_id == Member.id).where(Member.club_id == self.club.id))
        self.existing = {tuple(row) for row in rows}

    def check(self, v: dict) -> tuple:
        day = self.past(v["served_on"])
        member_id = self.member_id(v["member_no"], day)
        if not 0 < v["hours"] <= 24:
            raise RowError(_("hours must be more than 0 and at most 24"))
        key = (member_id, day, v.get("activity") or "", v.get("role") or "",
               v.get("void_reason") or None)
        return key, {**v, "member_id": member_id}

    def build(self, r: dict, actor, now) -> Service:
        return Service(member_id=r["member_id"], served_on=r["served_on"], hours=r["hours"],
                       activity=(r.get("activity") or "")[:200], role=(r.get("role") or "")[:120],
                       note=r.get("note") or "", recorded_by_id=actor.id if actor else None,
                       recorded_at=now, **_voided(r.get("void_reason"), actor, now))


TABLE_CLASSES = {"members": MemberTable, "donations": DonationTable, "deferrals": DeferralTable,
                 "referrals": ReferralTable, "hours": HoursTable}
