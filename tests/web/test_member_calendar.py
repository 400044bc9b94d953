"""The member's calendar on the web: the download, the subscribe link (created, replaced,
revoked), the public feed opened by its token only, staff kept out, and the rate limit."""
import uuid
from datetime import date

import pytest
from flask import render_template
from icalendar import Calendar

from donorclub.extensions import db
from donorclub.services import member_links
from donorclub.web.portal.calendar import calendar_context

from .. import factories

ME_ROUTES = [("GET", "/me/calendar.ics"), ("POST", "/me/calendar/link"),
             ("POST", "/me/calendar/link/revoke")]


@pytest.fixture
def app(make_app):
    """Each test its own rate-limit counters: Flask-Limiter's memory storage outlives apps."""
    app = make_app(RATELIMIT_KEY_PREFIX=f"calendar-{uuid.uuid4().hex}",
                   BASE_URL="https://donors.example.org")
    with app.app_context():
        yield app
        db.session.remove()


def uids(data: bytes) -> set[str]:
    return {str(e["uid"]) for e in Calendar.from_ical(data).walk("VEVENT")}


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def issue(member) -> str:
    return member_links.issue_link(None, member, "calendar")


def test_a_member_downloads_their_own_calendar(signed_in, world):
    factories.make_donation(world.member_a, date(2026, 1, 10))
    db.session.commit()
    response = signed_in("member_user").get("/me/calendar.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="donations-club-a-0001.ics"')
    assert "no-store" in response.headers["Cache-Control"]
    assert uids(response.data) == {f"member-{world.member_a.id}-whole_blood@donors.example.org",
                                   f"member-{world.member_a.id}-platelets@donors.example.org"}


@pytest.mark.parametrize("role", ["coordinator_a", "admin"])
@pytest.mark.parametrize(("method", "path"), ME_ROUTES)
def test_staff_accounts_get_404_on_the_members_calendar_routes(signed_in, world, role, method,
                                                               path):
    response = signed_in(role).open(path, method=method)
    assert response.status_code == 404
    db.session.refresh(world.member_a)
    assert world.member_a.calendar_nonce is None


@pytest.mark.parametrize(("method", "path"), ME_ROUTES)
def test_visitors_are_sent_to_sign_in(client, world, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_the_subscribe_link_works_without_sign_in(signed_in, client, world):
    response = signed_in("member_user").post("/me/calendar/link")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/#calendar")
    db.session.refresh(world.member_a)
    token = member_links.token_for(world.member_a, "calendar")
    feed = client.get(feed_path(token))
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert feed.headers["Cache-Control"] == "private"
    assert uids(feed.data) and all(f"member-{world.member_a.id}-" in uid
                                   for uid in uids(feed.data))


def test_a_reissued_link_replaces_the_old_one(signed_in, client, world):
    old = issue(world.member_a)
    assert signed_in("member_user").post("/me/calendar/link").status_code == 302
    db.session.refresh(world.member_a)
    new = member_links.token_for(world.member_a, "calendar")
    assert new != old
    assert [client.get(feed_path(t)).status_code for t in (old, new)] == [404, 200]


def test_a_revoked_link_stops_working(signed_in, client, world):
    token = issue(world.member_a)
    assert client.get(feed_path(token)).status_code == 200
    assert signed_in("member_user").post("/me/calendar/link/revoke").status_code == 302
    assert client.get(feed_path(token)).status_code == 404


@pytest.mark.parametrize("token", ["not-a-real-token", "WzEsImFiYyJd.forged", "x" * 300])
def test_a_bad_token_gives_404(client, world, token):
    issue(world.member_a)
    assert client.get(feed_path(token)).status_code == 404


def test_a_status_link_token_does_not_open_the_calendar(client, world):
    token = member_links.issue_link(None, world.member_a, "status")
    assert client.get(feed_path(token)).status_code == 404


def test_each_token_opens_only_its_own_members_calendar(client, world):
    token_a, token_b = issue(world.member_a), issue(world.member_b)
    feed_b = client.get(feed_path(token_b))
    assert uids(feed_b.data) and all(f"member-{world.member_b.id}-" in uid
                                     for uid in uids(feed_b.data))
    member_links.revoke_link(None, world.member_b, "calendar")
    assert client.get(feed_path(token_b)).status_code == 404
    assert client.get(feed_path(token_a)).status_code == 200


def test_the_portal_gets_the_subscribe_address_in_both_forms(app, world):
    with app.test_request_context():
        assert calendar_context(world.member_a) == {
            "calendar_download_url": "/me/calendar.ics", "calendar_feed_url": None,
            "calendar_webcal_url": None}
        token = issue(world.member_a)
        context = calendar_context(world.member_a)
        assert context["calendar_feed_url"] == f"https://donors.example.org/calendar/{token}.ics"
        assert context["calendar_webcal_url"] == f"webcal://donors.example.org/calendar/{token}.ics"
        html = render_template("portal/_calendar.html", member=world.member_a, **context)
    assert context["calendar_feed_url"] in html and context["calendar_webcal_url"] in html
    assert "/me/calendar/link/revoke" in html and "/me/calendar.ics" in html


def test_the_partial_offers_to_create_a_link_when_there_is_none(app, world):
    with app.test_request_context():
        html = render_template("portal/_calendar.html", member=world.member_a,
                               **calendar_context(world.member_a))
    assert 'action="/me/calendar/link"' in html and "webcal://" not in html
    assert "/me/calendar/link/revoke" not in html


def test_the_feed_is_rate_limited(make_app):
    app = make_app(CALENDAR_FEED_RATE_LIMIT="2 per minute",
                   RATELIMIT_KEY_PREFIX=f"calendar-{uuid.uuid4().hex}")
    with app.app_context():
        member = factories.make_member(factories.make_club())
        db.session.commit()
        token = issue(member)
        client = app.test_client()
        statuses = [client.get(feed_path(t)).status_code for t in (token, "nope", token)]
        assert statuses == [200, 404, 429]
        db.session.remove()
