"""City-scale data: 100,000 members in 50 clubs with ten years of history, by bulk inserts.

At scale 1.0 an empty migrated database receives 50 clubs (one of exactly 10,000 members for
the who-can-donate scenario, the others of varied sizes; mostly China's rules, some US and UK),
a coordinator per club, 100,000 members, 1,000,000 unvoided donations over ten years (plus a
few voided ones), deferrals, drives, 20,000 marrow referrals with their stage histories and
5,000 certificates; other scales scale every count.

Histories are simulated per member with the club's rule set, so a real club's data never breaks
the rules: each donation waits out every interval from the earlier ones, the donor's age and
weight allow the kind, no deferral covers the day, and donations of the kinds a cap counts keep
a spacing (window / cap) that keeps any window under the cap. Certificates are for milestones
the member reached (domain.awards). Rows go in through Core `insert()` executemany in chunks:
no ORM object per row, no audit events.

    .venv/bin/python bench/citygen.py --scale 1.0 [--database-url URL] [--json summary.json]
"""
from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from donorclub import create_app
from donorclub.domain.awards import (
    RecognitionFacts,
    counted_donations,
    default_plan,
    earned_milestones,
)
from donorclub.domain.dates import Duration, add_months, birthday
from donorclub.domain.eligibility import DonationFact
from donorclub.domain.enums import ReferralStatus as S
from donorclub.domain.referrals import EXITS, MAIN_PATH, is_allowed, registry_rule
from donorclub.domain.serials import new_serial
from donorclub.extensions import db
from donorclub.models import (
    Certificate,
    Club,
    Deferral,
    Donation,
    Drive,
    Member,
    Referral,
    ReferralEvent,
    User,
)
from donorclub.models.club import club_coordinators
from donorclub.models.name_order import name_sort_key
from donorclub.services import certificate_text
from donorclub.services.demo_people import (
    CN_GIVEN,
    CN_SURNAMES,
    EN_GIVEN_F,
    EN_GIVEN_M,
    EN_SURNAMES,
)
from donorclub.services.passwords import hash_password
from donorclub.services.rules import rule_sets

MEMBERS, DONATIONS, REFERRALS, CERTIFICATES = 100_000, 1_000_000, 20_000, 5_000
CLUBS, BIG_CLUB = 50, 10_000
YEARS = 10
PASSWORD = "city-scale-bench"
CHUNK = 20_000
CLUB_STYLE = {"cn": ("zh_Hans", "Asia/Shanghai"), "us": ("en", "America/New_York"),
              "uk": ("en", "Europe/London")}
REGISTRIES = {"cn": ["cmdp"], "us": ["nmdp"], "uk": ["anthony_nolan", "dkms"]}
SITES = {"cn": ("中心血站", "献血屋", "献血车"), "us": ("Donor Center", "Bloodmobile", "Campus"),
         "uk": ("Donor Centre", "Town Hall session", "Mobile session")}
# Share of members, kind weights by rule set, and the days each adds to the shortest wait.
PROFILES = (
    ("occasional", 0.44, {"whole_blood": 96, "double_red": 3, "platelets": 1}, (60, 500)),
    ("regular", 0.42, {"whole_blood": 88, "double_red": 8, "platelets": 3, "plasma": 1}, (3, 40)),
    ("apheresis", 0.06, {"platelets": 70, "plasma": 20, "whole_blood": 10}, (10, 45)),
    ("none", 0.08, {}, (0, 0)),
)
VOIDED_SHARE, DEFERRAL_SHARE, INDEFINITE_SHARE = 0.002, 0.01, 0.001
VOID_REASONS = ("Recorded for the wrong member", "Entered twice", "Wrong date on the slip")


@dataclass
class Summary:
    """What the scenarios need to know about the generated data (written by --json)."""

    scale: float
    today: str
    password: str
    big_club: str
    clubs: list[dict] = field(default_factory=list)  # slug, rule_set, members, coordinator
    members: dict[str, int] = field(default_factory=dict)  # scenario name -> member id
    serials: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def club_sizes(scale: float, rng: random.Random) -> list[int]:
    """The big club first, then 49 varied sizes (a long tail, each at least one member)."""
    total, big = max(CLUBS, round(MEMBERS * scale)), max(1, round(BIG_CLUB * scale))
    weights = [1 / (rank + 1) ** 0.5 for rank in range(CLUBS - 1)]
    rest = total - big - (CLUBS - 1)
    shares = [rest * w / sum(weights) for w in weights]
    sizes = [1 + int(s) for s in shares]
    for i in sorted(range(len(shares)), key=lambda i: int(shares[i]) - shares[i])[
            :total - big - sum(sizes)]:
        sizes[i] += 1
    rng.shuffle(sizes)
    return [big, *sizes]


class Rules:
    """One rule set as the simulation needs it: waits in days or months, cap spacing, volumes."""

    def __init__(self, rule_set):
        self.rs = rule_set
        self.volumes = {kind: self._volumes(kind) for kind in rule_set.kinds}
        # A code longer than the column (cn's live-vaccine one) would not fit in PostgreSQL.
        self.reasons = [r for r in rule_set.deferral_reasons.values()
                        if len(r.code) <= Deferral.__table__.c.reason_code.type.length]
        self.units = {kind: rule_set.kind_rules[kind].units for kind in rule_set.kinds}
        self.waits = {sex: {(a, b): _days_or_months(rule_set.interval(a, b, sex))
                            for a in rule_set.kinds for b in rule_set.kinds}
                      for sex in ("female", "male")}
        self.spacing = {sex: self._spacing(sex) for sex in ("female", "male")}

    def _volumes(self, kind: str) -> list[int]:
        rule = self.rs.kind_rules[kind]
        if rule.volumes_ml:
            return [v for v in rule.volumes_ml for _ in range(1 + 2 * (v == max(rule.volumes_ml)))]
        low = max(rule.min_volume_ml, rule.default_volume_ml - 100)
        return list(range(low, min(rule.max_volume_ml, rule.default_volume_ml + 100) + 1, 10))

    def _spacing(self, sex: str) -> dict[str, list[tuple[tuple[str, ...], int]]]:
        """Per kind, the caps counting it and the days between counted donations that keep
        every window under each: k earlier donations ceil(window / k) apart cannot all be in
        one window (12 months or a calendar year are at most 366 days, a month 31)."""
        spacing: dict[str, list] = {kind: [] for kind in self.rs.kinds}
        for cap in self.rs.caps:
            kinds = tuple(k for k in cap.kinds if k in self.rs.kinds)
            if not kinds:
                continue
            allowed = cap.max_count[sex] if cap.max_count else 10 ** 6
            if cap.max_volume_ml:
                most = max(max(self.volumes[k]) for k in kinds)
                most = max(most, *(self.rs.kind_rules[k].default_volume_ml for k in kinds))
                allowed = min(allowed, cap.max_volume_ml[sex] // most)
            window = 31 if cap.window == "rolling_1_month" else 366
            for kind in kinds:
                spacing[kind].append((kinds, math.ceil(window / max(allowed, 1)) + 1))
        return spacing

    def can_give(self, kind: str, sex: str, weight: float) -> bool:
        minimum = self.rs.weight_rule(kind).min_kg
        return minimum is None or weight >= minimum[sex]


def _days_or_months(wait: Duration) -> tuple[int, int]:
    if wait.unit in ("years", "months"):
        return 0, wait.amount * (12 if wait.unit == "years" else 1)
    return wait.amount * (7 if wait.unit == "weeks" else 1), 0


@cache
def _months_after(ordinal: int, months: int) -> int:
    return add_months(date.fromordinal(ordinal), months).toordinal()


def _turns_older_than(dob: date, limit: int | None) -> int:
    """The first day (ordinal) on which the age is over `limit`; never when there is none."""
    return 10 ** 9 if limit is None else birthday(dob, limit + 1).toordinal()


@cache
def sort_key(name: str) -> str:
    return name_sort_key(name)


def person_name(rng: random.Random, rule: str, sex: str) -> str:
    if rule == "cn":
        return rng.choice(CN_SURNAMES) + rng.choice(CN_GIVEN)
    given = EN_GIVEN_F if sex == "female" else EN_GIVEN_M
    return f"{rng.choice(given)} {rng.choice(EN_SURNAMES)}"


def simulate(rng: random.Random, rules: Rules, member: dict, today: date, start: date,
             profile: tuple) -> tuple[list[tuple], list[dict]]:
    """One member's donations (day, kind, volume, units) and deferrals, oldest first. Days
    are ordinals here: this loop makes a million donations."""
    _, _, mix, (extra_low, extra_high) = profile
    sex, dob, weight = member["sex"], member["date_of_birth"], member["weight_kg"]
    kinds = [k for k in mix if k in rules.rs.kinds and rules.can_give(k, sex, weight)]
    if not kinds:
        return [], []
    cumulative = list(accumulate(mix[k] / sum(mix[k] for k in kinds) for k in kinds))
    plans = []  # per kind: what the loop needs, looked up once
    for kind in kinds:
        age = rules.rs.age_rule(kind)
        plans.append((kind, birthday(dob, age.min_age[sex]).toordinal(),
                      (_turns_older_than(dob, age.max_first_time),
                       _turns_older_than(dob, age.max_repeat)),
                      {k: rules.waits[sex][k, kind] for k in kinds}, rules.spacing[sex][kind],
                      rules.volumes[kind], rules.units[kind]))
    last: dict[str, int] = {}
    donations, deferrals = [], []
    earliest, end, span = start.toordinal(), today.toordinal(), extra_high - extra_low + 1
    while True:
        pick = rng.random()
        plan = next((p for p, share in zip(plans, cumulative, strict=True) if pick < share),
                    plans[-1])
        kind, adult, too_old, waits, caps, volumes, units = plan
        day = max(earliest, adult)
        for earlier, on in last.items():
            days, months = waits[earlier]
            clears = _months_after(on, months) if months else on + days
            if clears > day:
                day = clears
        for counted, gap in caps:
            for other in counted:
                on = last.get(other)
                if on is not None and on + gap > day:
                    day = on + gap
        if donations:
            day += extra_low + int(rng.random() * span)
        if day > end or day >= too_old[1 if donations else 0]:
            break
        donations.append((date.fromordinal(day), kind, volumes[int(rng.random() * len(volumes))],
                          units[int(rng.random() * len(units))] if units else None))
        last[kind], earliest = day, day + 1
        if rng.random() < DEFERRAL_SHARE:
            reason = rng.choice(rules.reasons)
            starts = date.fromordinal(day + 1 + int(rng.random() * 120))
            if starts > today or (reason.duration is None and rng.random() > INDEFINITE_SHARE
                                  / DEFERRAL_SHARE):
                continue
            ends = None if reason.duration is None else reason.duration.after(starts)
            deferrals.append({"member_id": member["id"], "reason_code": reason.code,
                              "starts_on": starts, "ends_on": ends}
                             | ({"kinds": sorted(reason.kinds)} if reason.kinds else {}))
            if ends is None:
                break
            earliest = max(earliest, ends.toordinal())
    return donations, deferrals


@dataclass
class _Run:
    """One generation's random source, day and clock, and the seconds per table."""

    rng: random.Random
    scale: float
    today: date
    now: datetime
    timings: dict[str, float] = field(default_factory=dict)

    def insert(self, name: str, table: sa.Table, rows: list[dict], started: float) -> None:
        connection = db.session.connection()
        for at in range(0, len(rows), CHUNK):
            connection.execute(table.insert(), rows[at:at + CHUNK])
        self.lap(name, started, f"{len(rows):>9,} rows")

    def lap(self, name: str, started: float, what: str) -> None:
        self.timings[name] = round(time.perf_counter() - started, 2)
        print(f"{name:>17}: {what} in {self.timings[name]:6.2f} s", flush=True)


def generate(scale: float = 1.0, *, today: date, seed: int = 13) -> Summary:
    """Fill the empty, migrated database of the current app; returns what the scenarios need.
    Raises RuntimeError when the database already holds clubs."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(Club)):
        raise RuntimeError("citygen fills an empty database; this one has clubs")
    began = time.perf_counter()
    run = _Run(random.Random(seed), scale, today, datetime.combine(today, datetime.min.time(), UTC))
    known = rule_sets()
    rules = {code: Rules(known[code]) for code in CLUB_STYLE}
    summary = Summary(scale=scale, today=today.isoformat(), password=PASSWORD,
                      big_club="city-10k")
    clubs = _clubs(run, summary)
    members, club_of = _members(run, clubs)
    history, deferrals = _histories(run, members, club_of, rules)
    donations, voided = _donation_rows(run, history, club_of)

    # The two big tables get their indexes after their rows: building an index once from
    # the rows is quicker than keeping it up to date row by row.
    big_tables = (Member.__table__, Donation.__table__)
    connection = db.session.connection()
    for table in big_tables:
        for index in table.indexes:
            index.drop(connection)
    for name, table, rows in (
            ("members", Member.__table__, members), ("donations", Donation.__table__, donations),
            ("voided donations", Donation.__table__, voided),
            # Every kind: no `kinds` at all, so the JSON column holds SQL NULL, not JSON null.
            ("deferrals", Deferral.__table__, [d for d in deferrals if "kinds" not in d]),
            ("deferrals (kinds)", Deferral.__table__, [d for d in deferrals if "kinds" in d])):
        run.insert(name, table, rows, time.perf_counter())
    started = time.perf_counter()
    for table in big_tables:
        for index in table.indexes:
            index.create(connection)
    run.lap("indexes", started, f"{sum(len(t.indexes) for t in big_tables):>9} built")
    started = time.perf_counter()
    drives = _drives(run, clubs)
    run.insert("drives", Drive.__table__, drives, started)
    started = time.perf_counter()
    referrals, events = _referrals(run, members, club_of, drives)
    run.insert("referrals", Referral.__table__, referrals, started)
    run.insert("referral_events", ReferralEvent.__table__, events, time.perf_counter())
    started = time.perf_counter()
    certificates = _certificates(run, history, club_of, rules, referrals, events)
    run.insert("certificates", Certificate.__table__, certificates, started)
    _reset_sequences()
    db.session.commit()
    _analyze()

    summary.counts = {"clubs": len(clubs), "members": len(members),
                      "donations": len(donations), "voided": len(voided),
                      "deferrals": len(deferrals), "drives": len(drives),
                      "referrals": len(referrals), "referral_events": len(events),
                      "certificates": len(certificates)}
    summary.members = _scenario_members(history, members)
    summary.serials = [c["serial"] for c in certificates[:50]]
    run.lap("total", began, f"{db.engine.dialect.name:>9}")
    summary.seconds = run.timings
    return summary


def _clubs(run: _Run, summary: Summary) -> list[dict]:
    """The clubs (the big one first, on China's rules; of the others five each on the US's
    and the UK's), a coordinator each sharing one password hashed once."""
    others = ["us"] * 5 + ["uk"] * 5 + ["cn"] * (CLUBS - 11)
    run.rng.shuffle(others)
    password_hash = hash_password(PASSWORD)
    started = time.perf_counter()
    clubs, users = [], []
    for n, (size, code) in enumerate(zip(club_sizes(run.scale, run.rng), ["cn", *others],
                                         strict=True), start=1):
        slug = "city-10k" if n == 1 else f"city-{n:02d}-{code}"
        locale, zone = CLUB_STYLE[code]
        clubs.append({"id": n, "slug": slug, "name": f"City donors {n:02d}", "rule_set": code,
                      "locale": locale, "timezone": zone, "created_at": run.now, "size": size})
        email = f"coordinator@{slug}.example.org"
        users.append({"id": n, "email": email, "password_hash": password_hash,
                      "name": f"Coordinator {n:02d}", "role": "coordinator", "active": True,
                      "created_at": run.now, "failed_logins": 0, "locale": None})
        summary.clubs.append({"slug": slug, "rule_set": code, "members": size,
                              "coordinator": email})
    run.insert("clubs", Club.__table__, [{k: v for k, v in c.items() if k != "size"}
                                         for c in clubs], started)
    run.insert("users", User.__table__, users, time.perf_counter())
    db.session.connection().execute(club_coordinators.insert(),
                                    [{"club_id": c["id"], "user_id": c["id"]} for c in clubs])
    return clubs


def _members(run: _Run, clubs: list[dict]) -> tuple[list[dict], dict[int, dict]]:
    """Member rows with ids given here (the donations need them before the insert)."""
    started, rng, today, now = time.perf_counter(), run.rng, run.today, run.now
    members, club_of = [], {}
    for club in clubs:
        for n in range(1, club["size"] + 1):
            sex = "female" if rng.random() < 0.45 else "male"
            name = person_name(rng, club["rule_set"], sex)
            member_id = len(members) + 1
            club_of[member_id] = club
            members.append({
                "id": member_id, "club_id": club["id"], "member_no": f"{n:06d}",
                "full_name": name, "name_sort_key": sort_key(name), "sex": sex,
                "date_of_birth": today - timedelta(days=rng.randrange(19 * 365, 66 * 365)),
                "blood_group": rng.choice(("O+", "A+", "B+", "AB+", "O-", "A-")),
                "weight_kg": float(rng.randrange(48 if sex == "female" else 52, 96)),
                "phone": f"1{rng.randrange(10**9, 10**10)}",
                "joined_on": today, "status": "active" if rng.random() < 0.93 else "inactive",
                "consent_contact": rng.random() < 0.8,
                "consent_public_verification": rng.random() < 0.7,
                "consent_leaderboard": rng.random() < 0.3, "notes": "", "created_at": now,
                "updated_at": now})
    run.lap("members (build)", started, f"{len(members):>9,} rows")
    return members, club_of


def _histories(run: _Run, members: list[dict], club_of: dict[int, dict],
               rules: dict[str, Rules]) -> tuple[dict[int, list], list[dict]]:
    """Every member's donations and deferrals, exactly DONATIONS * scale donations in all;
    sets each member's joining day."""
    started, rng, today = time.perf_counter(), run.rng, run.today
    first_day = today - timedelta(days=365 * YEARS)
    history, deferred = {}, {}

    def simulate_member(member: dict, profile: tuple) -> None:
        start = first_day + timedelta(days=int(rng.random() ** 2 * 365 * YEARS))
        code = club_of[member["id"]]["rule_set"]
        given, deferrals = simulate(rng, rules[code], member, today, start, profile)
        member["joined_on"] = min(start, given[0][0] if given else start) - timedelta(
            days=rng.randrange(0, 60))
        history[member["id"]], deferred[member["id"]] = given, deferrals

    profile_weights = [p[1] for p in PROFILES]
    for member in members:
        simulate_member(member, rng.choices(PROFILES, profile_weights)[0])
    target = round(DONATIONS * run.scale)
    simulated = sum(len(given) for given in history.values())
    # A few heavy donors weigh a lot in a small city: make non-donors regulars until enough.
    idle = [m for m in members if not history[m["id"]]]
    rng.shuffle(idle)
    while simulated < target and idle:
        member = idle.pop()
        simulate_member(member, PROFILES[1])
        simulated += len(history[member["id"]])
    _trim(rng, history, target)
    deferrals = [row | {"note": "", "created_at": run.now}
                 for rows in deferred.values() for row in rows]
    run.lap("history (build)", started, f"{simulated:>9,} donations simulated, {target:,} kept,")
    return history, deferrals


def _donation_rows(run: _Run, history: dict[int, list], club_of: dict[int, dict]
                   ) -> tuple[list[dict], list[dict]]:
    """Rows for the donations, and a few voided ones besides (recorded, then voided)."""
    started, rng = time.perf_counter(), run.rng
    donations, voided = [], []
    for member_id, given in history.items():
        club = club_of[member_id]
        sites = SITES[club["rule_set"]]
        for day, kind, volume, units in given:
            recorded = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=18)
            # The columns that are always empty are left out: fewer values to bind.
            donations.append({
                "member_id": member_id, "donated_on": day, "kind": kind, "volume_ml": volume,
                "therapeutic_units": units, "site": sites[day.toordinal() % 3],
                "recorded_by_id": club["id"], "recorded_at": recorded})
            if rng.random() < VOIDED_SHARE:
                voided.append(donations[-1] | {
                    "donated_on": day - timedelta(days=rng.randint(1, 40)),
                    "voided_at": recorded + timedelta(days=1), "voided_by_id": club["id"],
                    "void_reason": rng.choice(VOID_REASONS)})
    run.lap("donations (build)", started, f"{len(donations) + len(voided):>9,} rows")
    return donations, voided


def _trim(rng: random.Random, history: dict[int, list], target: int) -> None:
    """Drop the latest donations of random members until `target` are left: removing a
    member's last donation never makes another one break a rule."""
    givers = [m for m, given in history.items() if given]
    excess = sum(len(given) for given in history.values()) - target
    while excess > 0 and givers:
        member_id = rng.choice(givers)
        history[member_id].pop()
        excess -= 1
        if not history[member_id]:
            givers.remove(member_id)


def _drives(run: _Run, clubs: list[dict]) -> list[dict]:
    """One drive per hundred members (at least one a club) over three years and the next
    two months; a quarter recruit for the marrow registries."""
    rng, today, now = run.rng, run.today, run.now
    drives = []
    for club in clubs:
        for _ in range(max(1, club["size"] // 100)):
            held = today + timedelta(days=rng.randint(-3 * 365, 60))
            drives.append({"id": len(drives) + 1, "club_id": club["id"], "held_on": held,
                           "place": rng.choice(SITES[club["rule_set"]]),
                           "kind": "marrow_recruitment" if rng.random() < 0.25 else "blood",
                           "capacity": rng.choice((None, 50, 100, 200)), "notes": "",
                           "created_at": now})
    return drives


def _referrals(run: _Run, members: list[dict], club_of: dict[int, dict], drives: list[dict]
               ) -> tuple[list[dict], list[dict]]:
    """Referrals by a skewed set of recruiters; each walks the main path a random way, maybe
    leaving it by an exit, every step allowed by domain.referrals and dated in order."""
    rng, today, now = run.rng, run.today, run.now
    recruiters = rng.sample(members, max(1, len(members) // 30))
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(recruiters))]
    marrow_drives = defaultdict(list)
    for drive in drives:
        if drive["kind"] == "marrow_recruitment":
            marrow_drives[drive["club_id"]].append(drive)
    referrals, events = [], []
    advance = {S.REFERRED: 0.85, S.CONSENTED: 0.9, S.SAMPLED: 0.95, S.TYPED: 0.97,
               S.LISTED: 0.04, S.PRELIMINARY_MATCH: 0.6, S.CONFIRMATORY_TYPING: 0.6,
               S.WORKUP: 0.8, S.DONATED: 0.7}
    for referrer in rng.choices(recruiters, weights, k=max(1, round(REFERRALS * run.scale))):
        club = club_of[referrer["id"]]
        registry = rng.choice(REGISTRIES[club["rule_set"]])
        rule = registry_rule(registry)
        # A third come from a marrow-recruitment drive of the club already held: its day.
        drive = rng.choice(marrow_drives[club["id"]] or [None]) if rng.random() < 0.3 else None
        if drive is not None and drive["held_on"] >= today:
            drive = None
        on = drive["held_on"] if drive else today - timedelta(days=rng.randrange(1, 365 * YEARS))
        # Born `age` years before a day in the year before the referral: exactly that old.
        age = rng.randint(rule.join_min_age or 18, rule.join_max_age or 45)
        anniversary = on - timedelta(days=rng.randrange(1, 364))
        born = date(anniversary.year - age, anniversary.month, min(anniversary.day, 28))
        sex = rng.choice(("female", "male"))
        referral_id = len(referrals) + 1
        status, day, listed = S.REFERRED, on, False
        events.append(_event(referral_id, status, day, None, now))
        while status in advance:
            if rng.random() < advance[status]:
                following = MAIN_PATH[MAIN_PATH.index(status) + 1]
            elif rng.random() < (0.05 if status == S.LISTED else 0.3):
                # Aged out is the registry's birthday rule (referrals.effective_status).
                following = rng.choice([s for s in EXITS if s != S.AGED_OUT
                                        and is_allowed(status, s)])
            else:
                break
            wait = rng.randint(200, 2000) if status == S.LISTED else rng.randint(2, 60)
            if day + timedelta(days=wait) > today:
                break
            status, day = following, day + timedelta(days=wait)
            product = rng.choice(("pbsc", "pbsc", "pbsc", "marrow")) if status == S.DONATED \
                else None
            events.append(_event(referral_id, status, day, product, now))
            listed = listed or status == S.LISTED
            if status in EXITS:
                break
        referrals.append({
            "id": referral_id, "club_id": club["id"], "referrer_id": referrer["id"],
            "candidate_name": person_name(rng, club["rule_set"], sex),
            "candidate_date_of_birth": born,
            "candidate_sex": sex, "candidate_phone": f"1{rng.randrange(10**9, 10**10)}",
            "candidate_email": None, "registry": registry, "status": status,
            "registry_donor_id": f"{registry.upper()}-{referral_id:08d}" if listed else None,
            "candidate_member_id": None, "consent_contact": rng.random() < 0.6,
            "drive_id": drive["id"] if drive else None,
            "referred_on": on, "notes": "", "created_by_id": club["id"], "created_at": now,
            "updated_at": now})
    return referrals, events


def _event(referral_id, status, day, product, now) -> dict:
    return {"referral_id": referral_id, "status": status, "occurred_on": day,
            "product": product, "note": "", "recorded_by_id": None, "recorded_at": now}


def _certificates(run: _Run, history: dict[int, list], club_of: dict[int, dict],
                  rules: dict[str, Rules], referrals: list[dict], events: list[dict]
                  ) -> list[dict]:
    """Certificates for milestones the members reached (their donations and the referrals
    they made that were listed), at most three per member, each with a unique serial."""
    rng, today, now = run.rng, run.today, run.now
    listed_on = {e["referral_id"]: e["occurred_on"] for e in events if e["status"] == S.LISTED}
    listed = defaultdict(list)
    for referral in referrals:
        if referral["id"] in listed_on:
            listed[referral["referrer_id"]].append(listed_on[referral["id"]])
    wanted = max(1, round(CERTIFICATES * run.scale))
    givers = [m for m, given in history.items() if given]
    rng.shuffle(givers)
    certificates, serials, titles = [], set(), {}
    for member_id in givers:
        if len(certificates) >= wanted:
            break
        club = club_of[member_id]
        rule_set = rules[club["rule_set"]].rs
        plan = default_plan(rule_set)
        facts = RecognitionFacts(
            donations=tuple(counted_donations(
                [DonationFact(kind, day, volume, units) for day, kind, volume, units
                 in history[member_id]], rule_set)),
            listed_referrals=tuple(sorted(listed[member_id])))
        earned = earned_milestones(facts, plan, today)
        for milestone in rng.sample(earned, min(3, len(earned), wanted - len(certificates))):
            serial = new_serial(rng.choice)
            while serial in serials:
                serial = new_serial(rng.choice)
            serials.add(serial)
            language = club["locale"]
            key = (milestone.milestone, language)
            if key not in titles:
                word = certificate_text.counting_word(rule_set.code, plan.gallon)
                titles[key] = certificate_text.title(milestone.milestone, language, word,
                                                     plan.gallon)
            issued = min(today, milestone.reached_on + timedelta(days=rng.randint(0, 90)))
            certificates.append({
                "serial": serial, "member_id": member_id,
                "award_code": milestone.milestone.code, "title": titles[key],
                "language": language, "reached_on": milestone.reached_on,
                "figures": asdict(milestone.figures) | {
                    "threshold": milestone.milestone.threshold},
                "issued_on": issued, "issued_by_id": club["id"], "created_at": now,
                "revoked_at": None, "revoked_by_id": None, "revoke_reason": None,
                "replaces_id": None, "verification_count": 0})
    return certificates


def _scenario_members(history: dict[int, list], members: list[dict]) -> dict[str, int]:
    """Members the scenarios ask for: the big club's (club 1) heaviest, median and lightest
    donors, and the heaviest donor overall."""
    big = sorted((m["id"] for m in members if m["club_id"] == 1),
                 key=lambda i: (len(history[i]), i))
    return {"big_club_most_donations": big[-1], "big_club_median": big[len(big) // 2],
            "big_club_fewest_donations": big[0],
            "most_donations": max(history, key=lambda i: (len(history[i]), -i))}


def _analyze() -> None:
    """PostgreSQL plans from table statistics, which its autovacuum gathers some time after a
    load; the scenarios start at once, so gather them now (SQLite keeps none unless asked,
    and a real SQLite database is never asked)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")


def _reset_sequences() -> None:
    """Rows were given explicit ids; PostgreSQL's sequences must move past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in ("clubs", "users", "members", "drives", "referrals"):
        db.session.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT coalesce(max(id), 1) FROM {table}))"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--database-url", default="",
                        help="an empty database (default: a new SQLite file, kept)")
    parser.add_argument("--json", default="", help="write the summary to this file")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()
    instance = tempfile.mkdtemp(prefix="citygen-")
    url = args.database_url or f"sqlite:///{instance}/city.sqlite3"
    app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        print(f"{'migrations':>16}: {time.perf_counter() - started:6.2f} s ({url})")
        summary = generate(args.scale, today=date.today(), seed=args.seed)
    if args.json:
        Path(args.json).write_text(json.dumps(summary.as_dict() | {"database_url": url},
                                              ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
