"""Demo data: two clubs (China and US rule sets), about 60 members with three years of history.

Deterministic for a given day, and idempotent: loading twice adds nothing the second time.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from ..domain.enums import (
    AuditAction,
    DonationKind,
    DriveKind,
    MemberStatus,
    ReferralStatus,
    Registry,
    Role,
    Sex,
)
from ..extensions import db
from ..models import (
    Club,
    Deferral,
    Donation,
    Drive,
    DriveParticipant,
    Member,
    Referral,
    ReferralEvent,
    User,
    VolunteerService,
)
from ..models.types import utcnow
from . import audit
from .accounts import create_user
from .demo_people import (
    BLOOD_GROUPS,
    CN_GIVEN,
    CN_SURNAMES,
    EN_GIVEN_F,
    EN_GIVEN_M,
    EN_SURNAMES,
)

DEMO_DOMAIN = "donorclub.example.org"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
DEMO_PASSWORDS = {
    # The password policy refuses one holding the account's email or name ("Demo admin").
    Role.ADMIN: "headquarters-2026",
    Role.COORDINATOR: "demo-coordinator-2026",
    Role.MEMBER: "demo-member-2026",
}


@dataclass(frozen=True)
class DemoClubSpec:
    slug: str
    name: str
    rule_set: str
    locale: str
    timezone: str
    coordinator_email: str
    coordinator_name: str
    member_count: int
    sites: tuple[str, ...]
    # Gap in days after a donation of the first kind before the next of the second kind:
    # generous ranges well inside every rule set's intervals, so the history is plausible.
    gaps: dict[tuple[str, str], tuple[int, int]]
    kinds: tuple[tuple[str, int], ...]  # (kind, weight) a member's main kind is drawn from
    signatory: tuple[str, str]  # (name, title) printed on certificates


_WB, _PLT, _PLA, _DR = (k.value for k in DonationKind)

CN_CLUB = DemoClubSpec(
    slug="anshan-steel",
    name="鞍钢无偿献血志愿者俱乐部",
    rule_set="cn",
    locale="zh_Hans",
    timezone="Asia/Shanghai",
    coordinator_email="coordinator.anshan@donorclub.example.org",
    coordinator_name="郭明义",
    member_count=36,
    sites=("鞍山市中心血站", "铁西献血屋", "立山献血车"),
    gaps={(_WB, _WB): (186, 320), (_WB, _PLT): (95, 200), (_PLT, _PLT): (16, 60),
          (_PLT, _WB): (32, 120)},
    kinds=((_WB, 7), (_PLT, 3)),
    signatory=("郭明义", "俱乐部会长"),
)
US_CLUB = DemoClubSpec(
    slug="riverside-donors",
    name="Riverside Blood Donor Club",
    rule_set="us",
    locale="en",
    timezone="America/Chicago",
    coordinator_email="coordinator.riverside@donorclub.example.org",
    coordinator_name="Maria Lopez",
    member_count=24,
    sites=("Riverside Blood Center", "Mobile drive, Main St. Library", "St. Luke's Hospital"),
    gaps={(_WB, _WB): (60, 150), (_WB, _PLT): (60, 120), (_WB, _PLA): (60, 120),
          (_WB, _DR): (120, 200), (_PLT, _PLT): (16, 45), (_PLT, _WB): (30, 90),
          (_PLT, _PLA): (30, 60), (_PLT, _DR): (60, 120), (_PLA, _PLA): (30, 70),
          (_PLA, _WB): (30, 90), (_PLA, _PLT): (30, 60), (_PLA, _DR): (60, 120),
          (_DR, _DR): (120, 200), (_DR, _WB): (120, 200), (_DR, _PLT): (120, 200),
          (_DR, _PLA): (120, 200)},
    kinds=((_WB, 6), (_PLT, 2), (_PLA, 1), (_DR, 1)),
    signatory=("Maria Lopez", "Club coordinator"),
)
DEMO_CLUBS = (CN_CLUB, US_CLUB)

@dataclass
class DemoResult:
    loaded: bool
    clubs: int = 0
    members: int = 0
    donations: int = 0
    messages: int = 0  # "you can donate again" reminders queued for the reachable members
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, email, password)


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo accounts that exist in the database, with their published passwords."""
    rows = db.session.scalars(
        sa.select(User).where(User.email.like(f"%@{DEMO_DOMAIN}")).order_by(User.role, User.email)
    )
    return [(u.role.value, u.email, DEMO_PASSWORDS[u.role]) for u in rows]


def load_demo_data(today: date, *, only_if_empty: bool = False) -> DemoResult:
    """Create the demo clubs, members, history and logins unless they already exist.

    With `only_if_empty`, load nothing when the database holds any club at all, so a real
    installation never gets demo rows mixed into it.
    """
    if only_if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(Club)):
        return DemoResult(loaded=False, logins=demo_logins())
    slugs = [spec.slug for spec in DEMO_CLUBS]
    if db.session.scalar(sa.select(sa.func.count()).where(Club.slug.in_(slugs))):
        return DemoResult(loaded=False, logins=demo_logins())

    rng = random.Random(20260)
    result = DemoResult(loaded=True)
    for spec in DEMO_CLUBS:
        club = Club(slug=spec.slug, name=spec.name, rule_set=spec.rule_set, locale=spec.locale,
                    timezone=spec.timezone, signatory_name=spec.signatory[0],
                    signatory_title=spec.signatory[1])
        db.session.add(club)
        audit.record(None, AuditAction.CREATE, club, after=audit.snapshot(club))
        members = [_make_member(rng, spec, club, n, today) for n in range(1, spec.member_count + 1)]
        for member in members:
            result.donations += _make_history(rng, spec, member, today)
        _make_deferrals(rng, members, today)
        _make_referrals(rng, spec, club, members, today)
        _make_drives(rng, spec, club, members, today)
        result.clubs += 1
        result.members += len(members)
    db.session.commit()

    if find_admin() is None:
        create_user(None, email=ADMIN_EMAIL, role=Role.ADMIN, name="Demo admin",
                    password=DEMO_PASSWORDS[Role.ADMIN])
    for spec in DEMO_CLUBS:
        create_user(None, email=spec.coordinator_email, role=Role.COORDINATOR,
                    name=spec.coordinator_name, password=DEMO_PASSWORDS[Role.COORDINATOR],
                    club_slugs=[spec.slug])
        for member_no in ("0001", "0002"):
            create_user(None, email=f"{spec.slug}-{member_no}@{DEMO_DOMAIN}",
                        role=Role.MEMBER, password=DEMO_PASSWORDS[Role.MEMBER],
                        club_slugs=[spec.slug], member_no=member_no)
    _issue_demo_certificates(today)
    result.messages = _queue_demo_reminders(today)
    result.logins = demo_logins()
    return result


def _issue_demo_certificates(today: date) -> None:
    """The demo members with logins get the certificates they are due, so the portal and
    the verification page have something to show from the first run."""
    from .certificates import issue_due

    for spec in DEMO_CLUBS:
        club = db.session.scalar(sa.select(Club).where(Club.slug == spec.slug))
        ids = list(db.session.scalars(sa.select(Member.id).where(
            Member.club_id == club.id, Member.member_no.in_(("0001", "0002")))))
        issue_due(None, club, today=today, member_ids=ids, notify=False)


def _queue_demo_reminders(today: date) -> int:
    """Queue (never send) the reminders due today, so the message log has rows from the first
    run; `flask reminders send` delivers them (into instance/outbox/ without a mail server)."""
    from .reminders import queue_eligible_again

    return queue_eligible_again(now=datetime.combine(today, time(12), tzinfo=UTC))


def find_admin() -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == ADMIN_EMAIL))


def _weighted(rng: random.Random, choices):
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _make_member(rng: random.Random, spec: DemoClubSpec, club: Club, n: int, today: date) -> Member:
    sex = Sex.FEMALE if rng.random() < 0.45 else Sex.MALE
    if spec.rule_set == "cn":
        name = rng.choice(CN_SURNAMES) + rng.choice(CN_GIVEN)
        phone = "13" + "".join(str(rng.randrange(10)) for _ in range(9))
        # The two members with demo logins have an email, so Chinese reminders show too.
        email = f"{spec.slug}-{n:04d}@{DEMO_DOMAIN}" if n <= 2 else None
    else:
        given = rng.choice(EN_GIVEN_F if sex == Sex.FEMALE else EN_GIVEN_M)
        surname = rng.choice(EN_SURNAMES)
        name = f"{given} {surname}"
        phone = f"(555) 01{rng.randrange(10)}-{rng.randrange(10000):04d}"
        email = f"{given}.{surname}{n}@example.org".lower()
    age_days = rng.randrange(19 * 365, 54 * 365)
    low, high = (46, 75) if sex == Sex.FEMALE else (55, 95)
    member = Member(
        club=club,
        member_no=f"{n:04d}",
        full_name=name,
        sex=sex,
        date_of_birth=today - timedelta(days=age_days),
        blood_group=None if rng.random() < 0.05 else _weighted(rng, BLOOD_GROUPS),
        weight_kg=None if rng.random() < 0.1 else float(rng.randrange(low, high)),
        phone=phone,
        email=email,
        joined_on=today - timedelta(days=rng.randrange(3 * 365 + 30, 6 * 365)),
        status=MemberStatus.INACTIVE if rng.random() < 0.06 else MemberStatus.ACTIVE,
        consent_contact=rng.random() < 0.85,
        consent_public_verification=rng.random() < 0.7,
    )
    db.session.add(member)
    audit.record(None, AuditAction.CREATE, member, after=audit.snapshot(member))
    return member


def _volume(rng: random.Random, spec: DemoClubSpec, kind: str) -> tuple[int, int | None]:
    if kind == _WB:
        return (rng.choice((200, 300, 400, 400)) if spec.rule_set == "cn" else 500), None
    if kind == _PLT:
        units = rng.choice((1, 2, 2))
        return 250 * units, units
    if kind == _PLA:
        return rng.choice((600, 700, 800)), None
    return 360, None  # double red cells: two units of red cells


def _make_history(rng: random.Random, spec: DemoClubSpec, member: Member, today: date) -> int:
    """Donations over the last three years, spaced well inside the rule set's intervals."""
    main_kind = _weighted(rng, spec.kinds)
    on = today - timedelta(days=3 * 365 - rng.randrange(0, 200))
    previous = None
    count = 0
    while True:
        kind = main_kind if rng.random() < 0.85 else _weighted(rng, spec.kinds)
        if previous is not None:
            low, high = spec.gaps.get((previous, kind), (200, 300))
            on += timedelta(days=rng.randrange(low, high + 1))
        if on > today - timedelta(days=1):
            break
        volume, units = _volume(rng, spec, kind)
        donation = Donation(member=member, donated_on=on, kind=DonationKind(kind),
                            volume_ml=volume, therapeutic_units=units, site=rng.choice(spec.sites))
        db.session.add(donation)
        audit.record(None, AuditAction.CREATE, donation, after=audit.snapshot(donation),
                     club_id=member.club_id)
        count += 1
        previous = kind
        if rng.random() < 0.03 and on + timedelta(days=1) < today:
            # The same donation typed in again under the next day, caught and voided.
            duplicate = Donation(member=member, donated_on=on + timedelta(days=1),
                                 kind=DonationKind(kind), volume_ml=volume,
                                 therapeutic_units=units, site=donation.site)
            db.session.add(duplicate)
            audit.record(None, AuditAction.CREATE, duplicate, after=audit.snapshot(duplicate),
                         club_id=member.club_id)
            before = audit.snapshot(duplicate)
            duplicate.voided_at = utcnow()
            duplicate.void_reason = "Entered twice from the paper register, under the wrong day"
            audit.record(None, AuditAction.VOID, duplicate, before=before,
                         after=audit.snapshot(duplicate), club_id=member.club_id)
    return count


def _make_deferrals(rng: random.Random, members: list[Member], today: date) -> None:
    picks = rng.sample(members[2:], 4)  # the demo member logins (0001, 0002) stay clear
    spans = [("tattoo", today - timedelta(days=60), today + timedelta(days=305)),
             ("low_haemoglobin", today - timedelta(days=20), today + timedelta(days=70)),
             ("travel_malaria_area", today - timedelta(days=400), today - timedelta(days=35)),
             ("medical_review", today - timedelta(days=150), None)]
    for member, (code, start, end) in zip(picks, spans, strict=True):
        deferral = Deferral(member=member, reason_code=code, starts_on=start, ends_on=end)
        db.session.add(deferral)
        audit.record(None, AuditAction.CREATE, deferral, after=audit.snapshot(deferral),
                     club_id=member.club_id)


_PIPELINE = [ReferralStatus.REFERRED, ReferralStatus.CONSENTED, ReferralStatus.SAMPLED,
             ReferralStatus.TYPED, ReferralStatus.LISTED]


def _make_referrals(rng, spec: DemoClubSpec, club: Club, members: list[Member], today: date):
    registry = Registry.CMDP if spec.rule_set == "cn" else Registry.NMDP
    recruiters = members[:3]
    for n in range(8):
        referrer = recruiters[n % len(recruiters)]
        referred_on = today - timedelta(days=rng.randrange(40, 700))
        stages = _PIPELINE[: rng.randrange(1, len(_PIPELINE) + 1)]
        if spec.rule_set == "cn":
            name = rng.choice(CN_SURNAMES) + rng.choice(CN_GIVEN)
        else:
            name = f"{rng.choice(EN_GIVEN_F + EN_GIVEN_M)} {rng.choice(EN_SURNAMES)}"
        born = today - timedelta(days=rng.randrange(19 * 365, 35 * 365))
        referral = Referral(club=club, referrer=referrer, candidate_name=name,
                            registry_code=registry,
                            candidate_date_of_birth=born, status=stages[-1],
                            referred_on=referred_on, consent_contact=True)
        db.session.add(referral)
        on = referred_on
        for stage in stages:
            db.session.add(ReferralEvent(referral=referral, status=stage, occurred_on=on))
            on = min(on + timedelta(days=rng.randrange(5, 40)), today)
        audit.record(None, AuditAction.CREATE, referral, after=audit.snapshot(referral))


# What the demo's volunteers did, in the club's own language (data, as a club would type it):
# the desk role at a drive, the guide role at the blood station, and that activity.
_VOLUNTEER_WORDS = {
    "zh_Hans": ("登记台", "献血屋引导员", "在献血屋引导献血者"),
    "en": ("Registration desk", "Blood station guide", "Guiding donors at the blood station"),
}


def _make_drives(rng, spec: DemoClubSpec, club: Club, members: list[Member],
                 today: date) -> None:
    """An upcoming blood drive with invitations and sign-ups, and a past marrow recruitment
    day where members volunteered; two long-serving volunteers have monthly hours too."""
    place = spec.sites[1]
    desk, guide, guiding = _VOLUNTEER_WORDS.get(spec.locale, _VOLUNTEER_WORDS["en"])
    upcoming = Drive(club=club, held_on=today + timedelta(days=21), place=place,
                     kind=DriveKind.BLOOD, capacity=40)
    past = Drive(club=club, held_on=today - timedelta(days=90), place=place,
                 kind=DriveKind.MARROW_RECRUITMENT, capacity=40)
    for drive in (upcoming, past):
        db.session.add(drive)
        audit.record(None, AuditAction.CREATE, drive, after=audit.snapshot(drive))
    for member in members[:12]:
        db.session.add(DriveParticipant(drive=upcoming, member=member,
                                        invited_on=today - timedelta(days=3),
                                        signed_up_on=today - timedelta(days=1)
                                        if rng.random() < 0.6 else None))
    for member in members[:8]:
        db.session.add(DriveParticipant(drive=past, member=member, attended=True,
                                        invited_on=past.held_on - timedelta(days=14),
                                        signed_up_on=past.held_on - timedelta(days=10)))
        _add_hours(member, past.held_on, float(rng.choice((3, 4, 5, 6))), desk, drive=past)
    for member in members[:2]:
        for months_ago in range(1, 25):
            _add_hours(member, today - timedelta(days=30 * months_ago),
                       float(rng.choice((4, 5, 6))), guide, activity=guiding)


def _add_hours(member: Member, served_on: date, hours: float, role: str, *,
               drive: Drive | None = None, activity: str = "") -> None:
    service = VolunteerService(member=member, served_on=served_on, hours=hours, role=role,
                               drive=drive, activity=activity)
    db.session.add(service)
    audit.record(None, AuditAction.CREATE, service, after=audit.snapshot(service),
                 club_id=member.club_id)
