"""The audit helper: snapshots, differences and the event rows."""
from datetime import date

from donorclub.domain.enums import Role
from donorclub.extensions import db
from donorclub.services import audit

from .. import factories


def test_snapshot_is_json_ready_and_has_no_secrets(app):
    club = factories.make_club()
    member = factories.make_member(club, date_of_birth=date(1979, 4, 2))
    user = factories.make_user("u@example.org", Role.MEMBER, member=member)
    data = audit.snapshot(member)
    assert data["date_of_birth"] == "1979-04-02" and data["sex"] == "female"
    assert "password_hash" not in audit.snapshot(user)


def test_changed_keeps_only_the_differences():
    before = {"full_name": "王秀英", "phone": "1", "status": "active"}
    after = {"full_name": "王秀英", "phone": "2", "status": "left"}
    assert audit.changed(before, after) == ({"phone": "1", "status": "active"},
                                            {"phone": "2", "status": "left"})


def test_record_update_keeps_who_when_and_before_after(app):
    club = factories.make_club()
    member = factories.make_member(club)
    coordinator = factories.make_user("c@example.org", Role.COORDINATOR, clubs=[club])
    before = audit.snapshot(member)
    member.phone = "13800000000"
    old, new = audit.changed(before, audit.snapshot(member))
    audit.record(coordinator, "update", member, before=old, after=new)
    db.session.commit()
    [event] = audit.history("members", member.id)
    assert event.actor_id == coordinator.id and event.club_id == club.id
    assert event.before == {"phone": None} and event.after == {"phone": "13800000000"}
    assert event.occurred_at is not None
