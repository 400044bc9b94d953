"""Concurrent writes for one member are serialised: the rules hold and nothing is recorded twice,
on a SQLite file and on PostgreSQL, through the service and through the web form."""
from __future__ import annotations

import threading
import time
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.models import AuditEvent, Donation, Member, User
from donorclub.services import donations
from donorclub.services.errors import Conflict, NotEligible

from .. import factories
from ..conftest import sign_in

TODAY = date.today()
# The club's rules (cn) want six months between whole-blood donations: 10 and 20 days apart
# conflict, and so does the same day twice.
DAYS = [TODAY - timedelta(days=30), TODAY - timedelta(days=20), TODAY - timedelta(days=10),
        TODAY - timedelta(days=30)]
# Long enough for every thread to read before any writes when nothing serialises them.
PAUSE = 0.15
RECORDED = "recorded"


@pytest.fixture
def slow_check(monkeypatch):
    """Pause each request between reading the member's record and inserting, so without the
    member lock every thread's check passes before any insert (the race made certain, not
    just likely); with the lock it only lengthens the wait."""
    check = donations.check_donation

    def check_slowly(*args, **kwargs):
        reasons = check(*args, **kwargs)
        time.sleep(PAUSE)
        return reasons

    monkeypatch.setattr(donations, "check_donation", check_slowly)


@pytest.fixture
def setting(world):
    """The member and one coordinator of club A per concurrent request, committed."""
    coordinators = [world.coordinator_a] + [
        factories.make_user(f"coord-a{i}@example.org", Role.COORDINATOR, clubs=[world.club_a])
        for i in range(1, len(DAYS))]
    db.session.commit()
    return world.member_a.id, [c.id for c in coordinators]


def run_together(app, jobs) -> list[str]:
    """Run each job in its own thread with its own app context and session, all released at
    once by a barrier; the outcome of each is RECORDED or the name of what it raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [""] * len(jobs)

    def run(index, job):
        with app.app_context():
            try:
                outcomes[index] = job(barrier)
            except Exception as error:  # noqa: BLE001 - any other error is what we look for
                outcomes[index] = type(error).__name__
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def stored_donations(member_id: int) -> list[Donation]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Donation).where(Donation.member_id == member_id)).all()


def record_on(day: date, member_id: int, coordinator_id: int):
    def job(barrier):
        # Loaded before the race, as a view loads them before it calls the service.
        actor, member = db.session.get(User, coordinator_id), db.session.get(Member, member_id)
        barrier.wait(timeout=10)
        try:
            donations.record_donation(actor, member, donated_on=day, kind="whole_blood",
                                      volume_ml=400, today=TODAY)
        except (Conflict, NotEligible) as error:
            return type(error).__name__
        return RECORDED

    return job


def test_conflicting_donations_at_the_same_moment_record_exactly_one(app, setting, slow_check):
    member_id, coordinator_ids = setting
    outcomes = run_together(app, [record_on(day, member_id, coordinator)
                                  for day, coordinator in zip(DAYS, coordinator_ids, strict=True)])
    assert outcomes.count(RECORDED) == 1, outcomes
    assert set(outcomes) - {RECORDED} <= {"Conflict", "NotEligible"}, outcomes
    [donation] = stored_donations(member_id)
    assert donation.donated_on == DAYS[outcomes.index(RECORDED)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.entity_type == "donations")) == 1


def test_two_coordinators_posting_the_web_form_at_once_record_one(app, world, slow_check):
    other = factories.make_user("coord-a2@example.org", Role.COORDINATOR, clubs=[world.club_a])
    db.session.commit()
    clients = []
    for user in (world.coordinator_a, other):
        client = app.test_client()
        assert sign_in(client, user.email).status_code == 302
        clients.append(client)
    url = f"/clubs/club-a/members/{world.member_a.id}/donations/"

    def post(client, day):
        def job(barrier):
            barrier.wait(timeout=10)
            response = client.post(url, data={"donated_on": day.isoformat(),
                                              "kind": "whole_blood", "volume_ml": "400"})
            return RECORDED if response.status_code == 302 else str(response.status_code)

        return job

    outcomes = run_together(app, [post(clients[0], DAYS[0]), post(clients[1], DAYS[1])])
    assert sorted(outcomes) == ["409", RECORDED], outcomes
    assert len(stored_donations(world.member_a.id)) == 1
