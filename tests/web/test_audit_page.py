"""The audit-log pages: scoping, the readable diff, filters, time zones and paging."""
from datetime import UTC, date, datetime

import pytest

from donorclub.extensions import db
from donorclub.services import audit

from .. import factories


def event(actor, action, entity, *, at, before=None, after=None, club_id=None):
    row = audit.record(actor, action, entity, before=before, after=after, club_id=club_id)
    row.occurred_at = at
    db.session.commit()
    return row


@pytest.fixture
def history(world):
    """A few events in club A and B, and a sign-in that belongs to no club."""
    event(world.coordinator_a, "update", world.member_a, at=datetime(2025, 3, 1, 9, 0, tzinfo=UTC),
          before={"phone": "13900000001", "status": "active"},
          after={"phone": "13800000000", "status": "left"})
    donation = factories.make_donation(world.member_a, date(2025, 3, 2))
    event(world.admin, "void", donation, at=datetime(2025, 3, 5, 20, 30, tzinfo=UTC),
          before={"voided_at": None}, after={"void_reason": "Entered twice"},
          club_id=world.club_a.id)
    event(world.coordinator_b, "create", world.member_b, at=datetime(2025, 3, 3, 12, 0, tzinfo=UTC),
          after={"full_name": "Emma Smith", "member_no": "0001"})
    event(world.member_user, "login", world.member_user,
          at=datetime(2025, 3, 4, 8, 0, tzinfo=UTC))
    return world


@pytest.mark.parametrize(
    ("who", "club", "status"),
    [("coordinator_a", "club-a", 200), ("coordinator_a", "club-b", 404),
     ("coordinator_b", "club-a", 404), ("coordinator_b", "club-b", 200),
     ("admin", "club-a", 200), ("admin", "club-b", 200), ("member_user", "club-a", 404),
     ("coordinator_a", "no-such-club", 404)],
)
def test_club_audit_page_is_for_that_clubs_staff(signed_in, history, who, club, status):
    response = signed_in(who).get(f"/clubs/{club}/audit")
    assert response.status_code == status
    if status == 404:
        assert "Emma Smith" not in response.get_data(as_text=True)


def test_visitors_are_sent_to_sign_in(client, world):
    response = client.get("/clubs/club-a/audit")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_club_page_shows_only_its_club_newest_first_with_old_and_new_values(signed_in, history):
    page = signed_in("coordinator_a").get("/clubs/club-a/audit").get_data(as_text=True)
    assert "Emma Smith" not in page  # club B's event
    assert "Voided" in page and "Changed" in page
    assert page.index("Entered twice") < page.index("13800000000")  # newest first
    assert '<del class="change-old">13900000001</del>' in page
    assert '<ins class="change-new">13800000000</ins>' in page
    assert "→" in page


def test_times_are_shown_in_the_clubs_time_zone(signed_in, history):
    page = signed_in("coordinator_a").get("/clubs/club-a/audit").get_data(as_text=True)
    assert "2025-03-06 04:30" in page  # 20:30 UTC is the next morning in Shanghai
    assert "Asia/Shanghai" in page


@pytest.mark.parametrize(
    ("query", "present", "absent"),
    [("action=void", ["Entered twice"], ["13800000000"]),
     ("entity_type=members", ["13800000000"], ["Entered twice"]),
     ("since=2025-03-02", ["Entered twice"], ["13800000000"]),
     ("until=2025-03-01", ["13800000000"], ["Entered twice"]),
     # The void at 20:30 UTC on 5 March is 6 March in Shanghai.
     ("since=2025-03-06&until=2025-03-06", ["Entered twice"], ["13800000000"]),
     ("until=2025-03-05", ["13800000000"], ["Entered twice"]),
     ("action=login", [], ["Entered twice", "13800000000"])],
)
def test_club_page_filters(signed_in, history, query, present, absent):
    response = signed_in("coordinator_a").get(f"/clubs/club-a/audit?{query}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for text in present:
        assert text in page, (query, text)
    for text in absent:
        assert text not in page, (query, text)


def test_club_page_filters_by_who_did_it(signed_in, history):
    client = signed_in("coordinator_a")
    page = client.get(f"/clubs/club-a/audit?actor={history.admin.id}").get_data(as_text=True)
    assert "Entered twice" in page and "13800000000" not in page
    # Only the club's staff are offered; another club's coordinator is not a valid choice.
    page = client.get("/clubs/club-a/audit").get_data(as_text=True)
    assert "coord-b@example.org" not in page
    assert client.get(f"/clubs/club-a/audit?actor={history.coordinator_b.id}").status_code == 422


@pytest.mark.parametrize("query", ["since=yesterday", "since=2025-03-05&until=2025-03-01",
                                   "action=explode", "entity_type=secrets"])
def test_bad_filters_are_field_errors(signed_in, history, query):
    response = signed_in("coordinator_a").get(f"/clubs/club-a/audit?{query}")
    assert response.status_code == 422
    assert "Entered twice" not in response.get_data(as_text=True)


def test_admin_log_covers_every_club_and_events_without_a_club(signed_in, history):
    client = signed_in("admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Emma Smith" in page and "Entered twice" in page and "Signed in" in page
    assert "Riverside Donors" in page and "Anshan Steel Donors" in page
    assert "UTC" in page
    page = client.get(f"/admin/audit?actor={history.member_user.id}").get_data(as_text=True)
    assert page.count("Signed in</td>") == 1 and "Emma Smith" not in page


@pytest.mark.parametrize("who", ["coordinator_a", "member_user"])
def test_admin_log_is_for_admins_only(signed_in, history, who):
    assert signed_in(who).get("/admin/audit").status_code == 404


def test_pages_keep_the_filters(signed_in, world):
    for n in range(55):
        audit.record(world.admin, "update", world.member_a, before={"n": n}, after={"n": n + 1})
    db.session.commit()
    client = signed_in("coordinator_a")
    page = client.get("/clubs/club-a/audit?action=update").get_data(as_text=True)
    assert "55 events" in page and "Page 1 of 2" in page
    assert "/clubs/club-a/audit?page=2&amp;action=update" in page
    second = client.get("/clubs/club-a/audit?action=update&page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second
    assert second.count('<ins class="change-new">') == 5


def test_events_for_narrows_by_each_argument(app, history):
    def actions(**filters):
        return [e.action for e in audit.events_for(**filters).items]

    assert actions(club_id=history.club_a.id) == ["void", "update"]
    assert actions(actor_id=history.member_user.id) == ["login"]
    assert actions(entity_type="members") == ["create", "update"]
    assert actions(since=date(2025, 3, 4)) == ["void", "login"]
    assert actions(until=date(2025, 3, 3)) == ["create", "update"]
    assert actions(since=datetime(2025, 3, 4, 16, 0, tzinfo=UTC)) == ["void"]
    page = audit.events_for(per_page=3, page=2)
    assert page.total == 4 and [e.action for e in page.items] == ["update"]
