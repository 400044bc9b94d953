"""Load-test data: one China-rules club with a few thousand members, coordinators, portal logins.

Members come in three pools, written with bulk inserts (the demo data's per-row audit events
would take minutes at this size):
- `history`: eight years of donations 200 to 420 days apart (about half with the last one
  in the last year), a few deferred; what the read requests look at;
- `write`: no history at all, so each can take several whole-blood donations six months and
  more apart (today, 190 days ago, ...): the writes that must succeed;
- `conflict`: no history, each used once by two requests at the same moment ten days apart,
  of which exactly one may succeed.
"""
from __future__ import annotations

import random
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from donorclub.domain.enums import BloodGroup, DonationKind, MemberStatus, Role, Sex
from donorclub.extensions import db
from donorclub.models import Club, Deferral, Donation, Member, User
from donorclub.models.name_order import name_sort_key
from donorclub.services.accounts import issue_api_token
from donorclub.services.demo_people import CN_GIVEN, CN_SURNAMES
from donorclub.services.passwords import hash_password

CLUB_SLUG = "load-test"
SITES = ("鞍山市中心血站", "铁西献血屋", "立山献血车")
# Whole blood needs six months between donations in the cn rule set: 190 days is always more.
SLOT_DAYS = 190
SLOTS_PER_MEMBER = 4
CONFLICT_GAP_DAYS = 10


@dataclass
class Plan:
    """What the locust users need to know; written to JSON for bench/locustfile.py."""

    club: str
    today: str
    coordinators: list[dict] = field(default_factory=list)  # email, password, token
    portal: list[dict] = field(default_factory=list)  # email, password
    history: list[int] = field(default_factory=list)
    write: list[int] = field(default_factory=list)
    conflict: list[int] = field(default_factory=list)
    surnames: list[str] = field(default_factory=list)
    slot_days: int = SLOT_DAYS
    slots_per_member: int = SLOTS_PER_MEMBER
    conflict_gap_days: int = CONFLICT_GAP_DAYS

    def as_dict(self) -> dict:
        return asdict(self)


def seed(members: int, coordinators: int, portal_users: int, today: date, seed_value: int = 11
         ) -> Plan:
    """Fill an empty, migrated database; returns the plan. Every login shares one random
    password, hashed once with the app's configured cost."""
    rng = random.Random(seed_value)
    club = Club(slug=CLUB_SLUG, name="负载测试献血俱乐部", rule_set="cn", locale="zh_Hans",
                timezone="Asia/Shanghai")
    db.session.add(club)
    db.session.flush()
    rows = [_member_row(rng, club.id, n, today) for n in range(1, members + 1)]
    db.session.execute(sa.insert(Member), rows)
    ids = list(db.session.scalars(sa.select(Member.id).where(Member.club_id == club.id)
                                  .order_by(Member.id)))
    rng.shuffle(ids)
    n_conflict = max(1, members // 10)
    n_write = members // 2
    plan = Plan(club=CLUB_SLUG, today=today.isoformat(), conflict=ids[:n_conflict],
                write=ids[n_conflict:n_conflict + n_write],
                history=ids[n_conflict + n_write:], surnames=list(CN_SURNAMES[:20]))
    _add_history(rng, plan.history, today)
    db.session.commit()

    password = secrets.token_urlsafe(12)
    password_hash = hash_password(password)
    portal_members = db.session.scalars(sa.select(Member).where(
        Member.id.in_(plan.history[:portal_users]))).all()
    staff = [User(email=f"coordinator{n:03d}@load.example.org", role=Role.COORDINATOR,
                  name=f"Coordinator {n}", password_hash=password_hash, clubs=[club])
             for n in range(1, coordinators + 1)]
    logins = [User(email=f"member{m.id}@load.example.org", role=Role.MEMBER, name=m.full_name,
                   password_hash=password_hash, member=m) for m in portal_members]
    db.session.add_all(staff + logins)
    db.session.commit()
    for user in staff:
        token = issue_api_token(None, user, "load test")
        plan.coordinators.append({"email": user.email, "password": password, "token": token})
    plan.portal = [{"email": user.email, "password": password} for user in logins]
    return plan


def _member_row(rng: random.Random, club_id: int, n: int, today: date) -> dict:
    sex = Sex.FEMALE if rng.random() < 0.45 else Sex.MALE
    name = rng.choice(CN_SURNAMES) + rng.choice(CN_GIVEN)
    return {
        "club_id": club_id, "member_no": f"L{n:05d}", "full_name": name,
        "name_sort_key": name_sort_key(name), "sex": sex,
        "date_of_birth": today - timedelta(days=rng.randrange(22 * 365, 45 * 365)),
        "blood_group": rng.choice(list(BloodGroup)),
        "weight_kg": float(rng.randrange(55, 85)),
        "phone": "13" + "".join(str(rng.randrange(10)) for _ in range(9)),
        "email": None, "joined_on": today - timedelta(days=rng.randrange(400, 3000)),
        "status": MemberStatus.ACTIVE, "consent_contact": True,
        "consent_public_verification": rng.random() < 0.7, "notes": "",
    }


def _add_history(rng: random.Random, member_ids: list[int], today: date) -> None:
    donations, deferrals = [], []
    for member_id in member_ids:
        on = today - timedelta(days=rng.randrange(8 * 365, 9 * 365))
        recent = rng.random() < 0.5
        while True:
            kind = DonationKind.WHOLE_BLOOD if rng.random() < 0.8 else DonationKind.PLATELETS
            on += timedelta(days=rng.randrange(200, 420))
            if on >= today - timedelta(days=30 if recent else 200):
                break
            units = rng.choice((1, 2)) if kind == DonationKind.PLATELETS else None
            donations.append({
                "member_id": member_id, "donated_on": on, "kind": kind,
                "volume_ml": 250 * units if units else rng.choice((200, 300, 400)),
                "therapeutic_units": units, "site": rng.choice(SITES)})
        if rng.random() < 0.05:
            start = today - timedelta(days=rng.randrange(10, 60))
            deferrals.append({"member_id": member_id, "reason_code": "tattoo",
                              "starts_on": start, "ends_on": start + timedelta(days=365),
                              "note": ""})
    if donations:
        db.session.execute(sa.insert(Donation), donations)
    if deferrals:
        db.session.execute(sa.insert(Deferral), deferrals)
