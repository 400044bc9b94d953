"""Password reset by email, end to end through a real SMTP server: the mailed link works once,
unknown addresses get the same answer, expired and tampered links are refused, a failing mail
server gets a clear message, requests per address are rate-limited."""
from __future__ import annotations

import email
import email.policy
import re
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from donorclub.extensions import db
from donorclub.models import AuditEvent, User
from donorclub.services import invitations
from donorclub.services.mail import outbox_path
from donorclub.services.passwords import verify_password

from ..conftest import sign_in
from ..factories import PASSWORD
from ..services.test_mail import Inbox, body_of, free_port, running_smtp_server, use_server

NEW_PASSWORD = "a fresh donor secret"
MEMBER_EMAIL = "member-a@example.org"
SAME_ANSWER = "If an account has this address, we have sent a link"


@pytest.fixture
def app(make_app):
    """Each test its own rate-limit counters: Flask-Limiter's memory storage outlives apps."""
    app = make_app(RATELIMIT_KEY_PREFIX=f"reset-{uuid.uuid4().hex}")
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:
    with running_smtp_server() as server:
        use_server(app, server.port)
        yield server


def ask(client, address: str = MEMBER_EMAIL):
    return client.post("/auth/forgot", data={"email": address})


def mailed_path(inbox: Inbox, index: int = -1) -> str:
    """The path of the reset link in a received mail, checked to start with BASE_URL."""
    link = re.search(r"\S+/auth/reset/\S+", body_of(inbox.messages[index])).group(0)
    assert link.startswith("http://127.0.0.1:5000/auth/reset/")
    return urlsplit(link).path


def set_password(client, path: str, password: str = NEW_PASSWORD, again: str | None = None):
    return client.post(path, data={"password": password, "confirm_password": again or password})


def stored_hash(user_id: int) -> str:
    db.session.expire_all()
    return db.session.get(User, user_id).password_hash


def events(action: str) -> list[AuditEvent]:
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


def at(monkeypatch, seconds_from_now: int) -> None:
    """Make itsdangerous read the clock `seconds_from_now` in the future."""
    moment = int(time.time()) + seconds_from_now
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: moment)


def test_the_sign_in_page_links_to_the_forgotten_password_page(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/forgot"' in page and "Forgot your password?" in page
    form = client.get("/auth/forgot").get_data(as_text=True)
    assert 'name="email"' in form and 'autocomplete="email"' in form and 'class="input' in form


def test_the_mailed_link_sets_a_new_password_once(client, world, inbox):
    answer = ask(client, "Member-A@Example.ORG")
    assert answer.status_code == 200 and SAME_ANSWER in answer.get_data(as_text=True)
    [(recipients, message)] = inbox.received
    assert recipients == [MEMBER_EMAIL] and message["Subject"] == "Reset your donorclub password"
    path = mailed_path(inbox)

    form = client.get(path)
    assert form.status_code == 200 and MEMBER_EMAIL in form.get_data(as_text=True)
    done = set_password(client, path)
    assert (done.status_code, done.headers["Location"]) == (302, "/auth/login")
    assert "Your password has been changed." in client.get("/auth/login").get_data(as_text=True)

    assert sign_in(client, MEMBER_EMAIL, PASSWORD).status_code == 422
    assert sign_in(client, MEMBER_EMAIL, NEW_PASSWORD).status_code == 302
    client.post("/auth/logout")

    for again in (client.get(path), set_password(client, path, "yet another password 9")):
        assert again.status_code == 410
        assert "already been used" in again.get_data(as_text=True)
    assert verify_password(stored_hash(world.member_user.id), NEW_PASSWORD)
    [requested], [reset] = events("password_reset_request"), events("password_reset")
    assert requested.actor_id is None and requested.entity_id == world.member_user.id
    assert requested.club_id == world.club_a.id
    assert reset.actor_id == world.member_user.id


def test_a_newer_password_spends_every_earlier_link(client, world, inbox):
    ask(client)
    ask(client)
    first, second = mailed_path(inbox, 0), mailed_path(inbox, 1)
    assert set_password(client, second).status_code == 302
    assert client.get(first).status_code == 410


def page_without(response, address: str) -> str:
    """The page with the address typed in, and the CSRF tokens (signed with the second they
    were made, so two answers a second apart differ), taken out."""
    text = response.get_data(as_text=True).replace(address, "ADDRESS")
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token" value=""', text)


@pytest.mark.parametrize("address", ["nobody@example.org", "not an address", "coord-b@"])
def test_an_unknown_address_gets_no_mail_and_the_same_answer(client, world, inbox, address):
    unknown = ask(client, address)
    known = ask(client, MEMBER_EMAIL)
    assert unknown.status_code == known.status_code == 200
    assert page_without(unknown, address) == page_without(known, MEMBER_EMAIL)
    assert [rcpt for rcpt, _message in inbox.received] == [[MEMBER_EMAIL]]
    assert len(events("password_reset_request")) == 1


def test_a_deactivated_account_gets_no_mail_and_its_earlier_link_dies(client, world, inbox):
    ask(client)
    path = mailed_path(inbox)
    world.member_user.active = False
    db.session.commit()
    assert SAME_ANSWER in ask(client).get_data(as_text=True)
    assert len(inbox.received) == 1
    assert client.get(path).status_code == 410


@pytest.mark.parametrize(("valid_minutes", "seconds_later", "status"), [
    (60, 59 * 60, 200),
    (60, 61 * 60, 410),
    (5, 4 * 60, 200),
    (5, 6 * 60, 410),
])
def test_a_link_is_refused_once_its_time_is_up(app, client, world, inbox, monkeypatch,
                                               valid_minutes, seconds_later, status):
    app.config["PASSWORD_RESET_VALID_MINUTES"] = valid_minutes
    ask(client)
    path = mailed_path(inbox)
    assert f"within {valid_minutes} minutes" in body_of(inbox.messages[0])
    at(monkeypatch, seconds_later)
    before = stored_hash(world.member_user.id)
    assert client.get(path).status_code == status
    answer = set_password(client, path)
    assert answer.status_code == (302 if status == 200 else 410)
    if status == 410:
        assert "has expired" in answer.get_data(as_text=True)
        assert stored_hash(world.member_user.id) == before


@pytest.mark.parametrize("spoil", [
    # One character of the signature changed, a few from its end: the last character of
    # unpadded base64 also holds filler bits, and changing only those leaves the same bytes.
    lambda token: token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:],
    lambda token: token[: len(token) // 2],
    lambda token: "nonsense",
])
def test_a_tampered_link_is_refused_with_400(client, world, inbox, spoil):
    ask(client)
    token = mailed_path(inbox).rsplit("/", 1)[1]
    before = stored_hash(world.member_user.id)
    for answer in (client.get(f"/auth/reset/{spoil(token)}"),
                   set_password(client, f"/auth/reset/{spoil(token)}")):
        assert answer.status_code == 400
        assert "not valid" in answer.get_data(as_text=True)
    assert stored_hash(world.member_user.id) == before


def test_an_invitation_token_is_not_a_reset_link(client, world):
    token = invitations.issue(world.member_user).token
    assert client.get(f"/auth/reset/{token}").status_code == 400


def test_a_weak_or_mistyped_password_is_refused_and_the_link_still_works(client, world, inbox):
    ask(client)
    path = mailed_path(inbox)
    short = set_password(client, path, "short")
    assert short.status_code == 422 and "at least 10 characters" in short.get_data(as_text=True)
    mismatch = set_password(client, path, NEW_PASSWORD, "something different")
    assert mismatch.status_code == 422
    assert "The two passwords differ." in mismatch.get_data(as_text=True)
    assert verify_password(stored_hash(world.member_user.id), PASSWORD)
    assert set_password(client, path).status_code == 302


def test_a_signed_in_visitor_is_signed_out_after_resetting(client, world, inbox):
    ask(client)
    path = mailed_path(inbox)
    assert sign_in(client, "coord-a@example.org").status_code == 302
    assert set_password(client, path).headers["Location"] == "/auth/login"
    assert client.get("/").status_code == 302  # no longer signed in


def test_a_failing_mail_server_shows_a_clear_message_not_an_error_page(app, client, world):
    use_server(app, free_port())  # nothing listens there
    answer = ask(client)
    assert answer.status_code == 503
    text = answer.get_data(as_text=True)
    assert "The email could not be sent just now." in text and 'name="email"' in text
    assert events("password_reset_request") == []


def test_chinese_names_survive_in_the_mail(client, world, inbox):
    world.member_user.name = "王秀英"
    db.session.commit()
    ask(client)
    assert body_of(inbox.messages[0]).startswith("Hello 王秀英,")


def test_without_a_mail_server_the_link_lands_in_the_outbox_and_works(app, client, world):
    app.config["MAIL_SERVER"] = ""
    ask(client)
    [written] = outbox_path().glob("*.eml")
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert message["To"] == MEMBER_EMAIL
    path = urlsplit(re.search(r"\S+/auth/reset/\S+", body_of(message)).group(0)).path
    assert set_password(client, path).status_code == 302
    assert verify_password(stored_hash(world.member_user.id), NEW_PASSWORD)


def test_the_third_request_for_one_address_in_the_window_is_refused(make_app):
    app = make_app(PASSWORD_RESET_RATE_LIMIT="2 per hour",
                   RATELIMIT_KEY_PREFIX=f"reset-{uuid.uuid4().hex}")
    with app.app_context(), running_smtp_server() as server:
        use_server(app, server.port)
        client = app.test_client()
        assert [client.get("/auth/forgot").status_code for _ in range(3)] == [200] * 3
        answers = [ask(client, address) for address in (
            "nobody@example.org", "Nobody@Example.org", "nobody@example.org", "else@example.org")]
        assert [answer.status_code for answer in answers] == [200, 200, 429, 200]
        assert "asked for too often" in answers[2].get_data(as_text=True)
        db.session.remove()


def test_the_mail_comes_in_the_language_the_member_chose(client, world, inbox):
    world.member_a.locale = "zh_Hans"
    db.session.commit()
    ask(client)  # asked from an English page
    message = inbox.messages[-1]
    assert message["Subject"] == "重置您的 donorclub 密码"
    assert "您好" in body_of(message) and "/auth/reset/" in body_of(message)


def test_without_a_choice_the_mail_follows_the_page_it_was_asked_from(client, world, inbox):
    client.post("/language", data={"locale": "zh_Hans", "next": "/auth/forgot"})
    ask(client)
    assert inbox.messages[-1]["Subject"] == "重置您的 donorclub 密码"
