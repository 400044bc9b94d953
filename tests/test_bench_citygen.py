"""bench/citygen.py at a small scale: counts in proportion, every donation one the rules allow,
referral histories the state machine allows, unique serials for milestones really reached, and
the app's pages for a generated member."""
from collections import defaultdict
from datetime import date

import pytest
import sqlalchemy as sa

from bench import citygen
from donorclub.domain.eligibility import DeferralFact, DonationFact, Donor, check_donation
from donorclub.domain.referrals import check_transition, joining_problem
from donorclub.domain.serials import normalize_serial
from donorclub.extensions import db
from donorclub.models import (
    Certificate,
    Club,
    Deferral,
    Donation,
    Member,
    Referral,
    ReferralEvent,
    User,
)
from donorclub.services.recognition import earned_by
from donorclub.services.rules import rule_sets

SCALE = 0.002
TODAY = date.today()


@pytest.fixture
def city(app):
    return citygen.generate(SCALE, today=TODAY, seed=5)


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_a_small_city_is_in_proportion_keeps_the_rules_and_has_unique_serials(city):
    """One generation for every check of the data: generating is most of the time."""
    counts_are_in_proportion(city)
    every_donation_is_one_the_club_rules_allow()
    referral_histories_follow_the_stages_and_serials_are_unique()


def counts_are_in_proportion(city):
    assert count(Club) == 50 and count(User) == 50
    assert count(Member) == round(citygen.MEMBERS * SCALE) == sum(c["members"] for c in city.clubs)
    assert count(Member, Member.club.has(Club.slug == city.big_club)) == round(
        citygen.BIG_CLUB * SCALE)
    assert count(Donation, Donation.voided_at.is_(None)) == round(citygen.DONATIONS * SCALE)
    assert count(Referral) == round(citygen.REFERRALS * SCALE)
    assert count(Certificate) == round(citygen.CERTIFICATES * SCALE)
    assert city.counts["donations"] == round(citygen.DONATIONS * SCALE)
    assert {c["rule_set"] for c in city.clubs} == {"cn", "us", "uk"}


def every_donation_is_one_the_club_rules_allow():
    """What recording it through the app checks (check_donation, as record_donation does):
    the kind, volume and units, the intervals both ways, caps, age, weight and deferrals."""
    known = rule_sets()
    facts, deferrals = defaultdict(list), defaultdict(list)
    for row in db.session.execute(sa.select(Donation).where(Donation.voided_at.is_(None))
                                  ).scalars():
        facts[row.member_id].append(DonationFact(row.kind.value, row.donated_on, row.volume_ml,
                                                 row.therapeutic_units))
    for row in db.session.scalars(sa.select(Deferral)):
        deferrals[row.member_id].append(DeferralFact(
            row.starts_on, row.ends_on, frozenset(row.kinds) if row.kinds else None,
            row.reason_code))
    checked = 0
    for member in db.session.scalars(sa.select(Member)):
        donor = Donor(member.sex.value, member.date_of_birth, member.weight_kg)
        rule_set = known[member.club.rule_set]
        history = facts[member.id]
        for n, donation in enumerate(history):
            others = history[:n] + history[n + 1:]
            reasons = check_donation(donor, others, deferrals[member.id], rule_set, donation)
            assert reasons == [], (member.id, donation, reasons)
            checked += 1
    assert checked == round(citygen.DONATIONS * SCALE)


def referral_histories_follow_the_stages_and_serials_are_unique():
    events = defaultdict(list)
    for event in db.session.scalars(sa.select(ReferralEvent).order_by(
            ReferralEvent.occurred_on, ReferralEvent.id)):
        events[event.referral_id].append(event)
    for referral in db.session.scalars(sa.select(Referral)):
        timeline = events[referral.id]
        assert timeline[0].status == "referred" and timeline[0].occurred_on == referral.referred_on
        for before, after in zip(timeline, timeline[1:], strict=False):
            assert check_transition(before.status, after.status, before.occurred_on,
                                    after.occurred_on, TODAY, after.product) == []
        assert referral.status == timeline[-1].status
        assert joining_problem(referral.registry_code, referral.candidate_date_of_birth,
                               referral.referred_on) is None
    certificates = db.session.scalars(sa.select(Certificate)).all()
    assert len({c.serial for c in certificates}) == len(certificates)
    for certificate in certificates:
        assert normalize_serial(certificate.serial) == certificate.serial
        reached = {e.milestone.code: e.reached_on for e in earned_by(certificate.member, TODAY)}
        assert reached[certificate.award_code] == certificate.reached_on


def test_the_pages_of_a_generated_member_answer(city, app):
    club = city.clubs[0]
    client = app.test_client()
    response = client.post("/auth/login", data={"email": club["coordinator"],
                                                "password": city.password})
    assert response.status_code == 302
    member_id = city.members["big_club_most_donations"]
    slug = club["slug"]
    for path in (f"/clubs/{slug}/dashboard", f"/clubs/{slug}/members/",
                 f"/clubs/{slug}/members/?q={db.session.get(Member, member_id).full_name}",
                 f"/clubs/{slug}/members/{member_id}", f"/clubs/{slug}/eligible",
                 f"/clubs/{slug}/referrals/", f"/clubs/{slug}/certificates/",
                 f"/verify/{city.serials[0]}"):
        assert client.get(path).status_code == 200, path
