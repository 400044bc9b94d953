"""Throttled sign-ins and password links: per client address and per email address, answered
429 on the page itself with the time to wait; counters shared by workers through Redis, and a
Redis that is down costs no request. The limits do not depend on the database: SQLite only."""
import os
import uuid

import pytest

from donorclub.domain.enums import Role
from donorclub.extensions import db, limiter
from donorclub.services import admin, password_reset

from .. import factories
from ..services.test_mail import free_port

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

REDIS_URL = os.environ.get("DONORCLUB_TEST_REDIS_URL")
WAIT = "Too many attempts in a short time. Wait 1 minute, then try again."


def limited_app(make_app, **settings):
    """An app with its own counters (Flask-Limiter's storage outlives apps)."""
    return make_app(RATELIMIT_KEY_PREFIX=f"throttle-{uuid.uuid4().hex}", **settings)


def sign_in(client, email: str, address: str = "127.0.0.1"):
    return client.post("/auth/login", data={"email": email, "password": "not the password"},
                       environ_base={"REMOTE_ADDR": address})


def test_sign_ins_from_one_address_are_throttled_on_the_sign_in_page(make_app):
    app = limited_app(make_app, LOGIN_RATE_LIMIT="2 per minute")
    client = app.test_client()
    answers = [sign_in(client, f"someone{n}@example.org") for n in range(3)]
    assert [answer.status_code for answer in answers] == [422, 422, 429]
    page = answers[2].get_data(as_text=True)
    assert WAIT in page and 'value="someone2@example.org"' in page and 'name="password"' in page
    assert 0 < int(answers[2].headers["Retry-After"]) <= 60
    assert client.get("/auth/login").status_code == 200  # only sign-ins count
    assert sign_in(client, "someone@example.org", "10.0.0.2").status_code == 422


def test_sign_ins_for_one_email_are_throttled_from_every_address(make_app):
    app = limited_app(make_app, LOGIN_EMAIL_RATE_LIMIT="2 per minute")
    client = app.test_client()
    emails = ["lin@example.org", " Lin@Example.org", "lin@example.org"]
    answers = [sign_in(client, email, f"10.0.0.{n}") for n, email in enumerate(emails)]
    assert [answer.status_code for answer in answers] == [422, 422, 429]
    assert WAIT in answers[2].get_data(as_text=True)
    assert sign_in(client, "wang@example.org").status_code == 422


def test_password_links_are_throttled_per_address_on_their_own_pages(make_app):
    app = limited_app(make_app, SET_PASSWORD_RATE_LIMIT="1 per minute")
    with app.app_context():
        club = factories.make_club()
        boss = factories.make_user("boss@example.org", Role.ADMIN)
        _user, invitation = admin.add_coordinator(boss, club, email="new@example.org")
        reset_path = password_reset.reset_link(boss).removeprefix(app.config["BASE_URL"])
        db.session.remove()
    client = app.test_client()
    mismatch = {"password": "a fresh donor secret", "confirm_password": "something else"}
    for path, heading, email in ((f"/auth/invitation/{invitation.token}",
                                  "Choose your password", "new@example.org"),
                                 (reset_path, "Choose a new password", "boss@example.org")):
        first, second = client.post(path, data=mismatch), client.post(path, data=mismatch)
        assert (first.status_code, second.status_code) == (422, 429)
        page = second.get_data(as_text=True)
        assert WAIT in page and heading in page and email in page
        assert "Retry-After" in second.headers
    # A broken link is told what is wrong with it: waiting would not help.
    broken = client.post("/auth/reset/not-a-token", data=mismatch)
    assert broken.status_code == 429 and "This link cannot be used" in broken.get_data(as_text=True)


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in DONORCLUB_TEST_REDIS_URL, removed afterwards."""
    if not REDIS_URL:
        pytest.skip("DONORCLUB_TEST_REDIS_URL is not set")
    import redis

    prefix = f"donorclub-test-{uuid.uuid4().hex}"
    connection = redis.Redis.from_url(REDIS_URL)
    yield prefix, connection
    keys = list(connection.scan_iter(match=f"{prefix}:*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def test_two_workers_share_one_limit_through_redis(make_app, redis_prefix):
    prefix, connection = redis_prefix
    settings = {"RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": prefix,
                "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix},
                "LOGIN_EMAIL_RATE_LIMIT": "2 per hour"}
    first = make_app(**settings)
    answers = [sign_in(first.test_client(), "lin@example.org") for _ in range(2)]
    # Another worker: an app of its own with its own connection, and no memory of the first.
    second = make_app(**settings)
    answers.append(sign_in(second.test_client(), "lin@example.org"))
    assert [answer.status_code for answer in answers] == [422, 422, 429]
    assert any(b"lin@example.org" in key for key in connection.scan_iter(match=f"{prefix}:*"))


def test_a_redis_that_is_down_costs_no_request_and_limits_still_apply(make_app):
    app = limited_app(make_app, RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}/0",
                      LOGIN_RATE_LIMIT="2 per minute")
    try:
        client = app.test_client()
        statuses = [sign_in(client, "lin@example.org").status_code for _ in range(3)]
        assert statuses == [422, 422, 429]  # counted in this worker's memory meanwhile
    finally:
        # The one limiter object outlives this app: leave it on its normal storage.
        limiter._storage_dead = False
