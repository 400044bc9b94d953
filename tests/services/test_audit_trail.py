"""A member's audit trail: their own changes and their donations' and deferrals', newest
first, the newest `limit` only, and nobody else's."""
from datetime import UTC, date, datetime, timedelta

from donorclub.extensions import db
from donorclub.models import AuditEvent
from donorclub.services.members import audit_trail

from .. import factories

START = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def event(entity_type: str, entity_id: int, minutes: int, action: str = "update") -> AuditEvent:
    row = AuditEvent(entity_type=entity_type, entity_id=entity_id, action=action,
                     occurred_at=START + timedelta(minutes=minutes))
    db.session.add(row)
    return row


def test_the_trail_is_the_members_rows_newest_first_and_stops_at_the_limit(app):
    club = factories.make_club()
    member, other = (factories.make_member(club, no, name) for no, name in
                     (("0001", "Member"), ("0002", "Other")))
    donation = factories.make_donation(member, date(2025, 6, 1))
    deferral = factories.make_deferral(member, date(2025, 7, 1), date(2025, 8, 1))
    others = factories.make_donation(other, date(2025, 6, 1))
    mine = [event("members", member.id, 1, "create"), event("donations", donation.id, 5),
            event("deferrals", deferral.id, 3), event("members", member.id, 9),
            event("donations", donation.id, 7, "void")]
    # The same ids under other entity types, and the other member's rows, are not theirs.
    for entity_type, entity_id in (("members", other.id), ("donations", others.id),
                                   ("referrals", member.id), ("certificates", donation.id),
                                   ("clubs", deferral.id)):
        event(entity_type, entity_id, 8)
    db.session.commit()

    newest_first = sorted(mine, key=lambda e: e.occurred_at, reverse=True)
    assert [e.id for e in audit_trail(member)] == [e.id for e in newest_first]
    assert [e.id for e in audit_trail(member, limit=3)] == [e.id for e in newest_first[:3]]


def test_events_at_the_same_moment_come_newest_id_first(app):
    member = factories.make_member(factories.make_club())
    first, second = event("members", member.id, 1), event("members", member.id, 1)
    db.session.commit()
    assert [e.id for e in audit_trail(member)] == [second.id, first.id]
    assert [e.id for e in audit_trail(member, limit=1)] == [second.id]
