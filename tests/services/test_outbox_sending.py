"""Sending the outbox through a real SMTP server (aiosmtpd) and a real webhook receiver
(http.server): each message arrives once, failures are retried with back-off and none is lost,
quiet hours and consent hold, and concurrent runs never send a message twice."""
from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import threading
import time as clock
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import flask
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from donorclub.config import Config
from donorclub.domain.enums import MessageKind, MessageStatus
from donorclub.extensions import db
from donorclub.models import Club, Member, OutboxMessage
from donorclub.models.types import as_utc, utcnow
from donorclub.services import outbox
from donorclub.services.outbox import Draft

from .. import factories
from .test_mail import Inbox, body_of, free_port, use_server

BASE_URL = "https://donors.example.org"
SUBJECT = "谢谢您的献血"
BODY = "王秀英您好，\n\n感谢您今天献血400毫升，这是您的第12次献血。\n"
SECRET = "gateway-shared-secret"
# A winter day (London on GMT) far enough ahead that every queued message is due.
DAY = datetime(2031, 1, 15)


def local(hour: int, minute: int = 0, zone: str = "UTC", day: datetime = DAY) -> datetime:
    """The moment it is hour:minute on DAY in the zone, as UTC."""
    moment = day.replace(hour=hour, minute=minute, tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


# -- test data ---------------------------------------------------------------------------------

def make_club(slug: str = "club-a", zone: str = "Asia/Shanghai",
              quiet: tuple[time, time] | None = None) -> Club:
    club = factories.make_club(slug, f"Club {slug}")
    club.timezone = zone
    club.quiet_from, club.quiet_until = quiet or (None, None)
    return club


def make_contactable(club: Club, count: int, *, start: int = 1, email: bool = True,
                     phone: bool = False) -> list[Member]:
    members = []
    for number in range(start, start + count):
        member = factories.make_member(club, f"{number:04d}", "王秀英",
                                       phone=f"139{number:08d}" if phone else None)
        member.email = f"m{number}@{club.slug}.example.org" if email else None
        member.consent_contact = True
        members.append(member)
    db.session.flush()
    return members


def draft_for(member: Member) -> Draft:
    """A thank-you for a donation recorded now (the sender checks it is still valid)."""
    donation = factories.make_donation(member)
    return Draft(kind=MessageKind.DONATION_THANKS, dedupe_key=f"test:{donation.id}",
                 subject=SUBJECT, body=BODY, locale="zh_Hans",
                 context={"donation_id": donation.id,
                          "unsubscribe_url": f"{BASE_URL}/unsubscribe/token-{member.id}"})


def queue_for(members: list[Member]) -> list[int]:
    """Queue one message per member, committed; their ids."""
    for member in members:
        assert outbox.enqueue(member, draft_for(member))
    db.session.commit()
    return db.session.scalars(sa.select(OutboxMessage.id).where(
        OutboxMessage.member_id.in_([m.id for m in members])).order_by(OutboxMessage.id)).all()


def rows(ids: list[int] | None = None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    return db.session.scalars(query).all()


def statuses(ids: list[int] | None = None) -> list[str]:
    return [row.status.value for row in rows(ids)]


# -- servers -----------------------------------------------------------------------------------

@dataclass
class PickyInbox(Inbox):
    """An SMTP server that answers some recipients or messages with the given reply."""

    refuse_rcpt: dict[str, str] = field(default_factory=dict)
    refuse_data: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering each message

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse_rcpt:
            return self.refuse_rcpt[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        await asyncio.sleep(self.delay)
        for address in envelope.rcpt_tos:
            if address in self.refuse_data:
                return self.refuse_data[address]
        return await super().handle_DATA(server, session, envelope)


@contextmanager
def smtp_server(port: int | None = None, **refusals) -> Iterator[PickyInbox]:
    inbox = PickyInbox(port=port or free_port(), **refusals)
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def inbox(app) -> Iterator[PickyInbox]:
    with smtp_server() as server:
        use_server(app, server.port)
        yield server


@dataclass
class Gateway:
    """A webhook receiver: checks each POST's signature with its own copy of the secret,
    answers 401 when it does not match, else the next code of `answers` (then 200), and
    records the bodies it accepted."""

    secret: str = SECRET
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[dict] = field(default_factory=list)
    headers: list[dict] = field(default_factory=list)
    hits: list[str] = field(default_factory=list)
    url: str = ""

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.hits.append(handler.path)
        body = handler.rfile.read(int(handler.headers["Content-Length"]))
        code = self.answers.pop(0) if self.answers else 200
        clock.sleep(self.delay)
        timestamp = handler.headers["X-Donorclub-Timestamp"]
        expected = "sha256=" + hmac.new(self.secret.encode(), timestamp.encode() + b"." + body,
                                        hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, handler.headers["X-Donorclub-Signature"] or ""):
            return self.reply(handler, 401, "bad signature")
        if code == 200:
            self.received.append(json.loads(body.decode("utf-8")))
            self.headers.append(dict(handler.headers))
        self.reply(handler, code, "accepted" if code == 200 else "gateway says no",
                   location=self.url + "/elsewhere" if 300 <= code < 400 else None)

    @staticmethod
    def reply(handler, code: int, text: str, location: str | None = None) -> None:
        handler.send_response(code)
        if location:
            handler.send_header("Location", location)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(text)))
        handler.end_headers()
        handler.wfile.write(text.encode())


@contextmanager
def running_gateway(**settings) -> Iterator[Gateway]:
    gateway = Gateway(**settings)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            gateway.answer(self)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()


def use_gateway(app, gateway: Gateway, secret: str = SECRET) -> None:
    """Send by webhook only, to a URL holding a key (as some gateways want)."""
    app.config.update(REMINDER_CHANNELS="webhook",
                      REMINDER_WEBHOOK_URL=gateway.url + "/hook?key=k3y",
                      REMINDER_WEBHOOK_SECRET=secret, REMINDER_WEBHOOK_TIMEOUT=2)


# -- email -------------------------------------------------------------------------------------

def test_queued_emails_arrive_once_with_unsubscribe_headers_and_chinese_text(app, inbox):
    members = make_contactable(make_club(), 3)
    ids = queue_for(members)
    invitation = rows(ids)[1]  # a drive invitation is answered to its coordinator
    invitation.context = {**invitation.context, "reply_to": "coord@example.org"}
    db.session.commit()
    report = outbox.send_due()
    assert (report.sent, report.retrying, report.failed, report.cancelled) == (3, 0, 0, 0)
    assert sorted(rcpt for rcpts, _m in inbox.received for rcpt in rcpts) == sorted(
        m.email for m in members)
    message = next(m for m in inbox.messages if m["To"] == members[0].email)
    assert message["Subject"] == SUBJECT and body_of(message) == BODY
    assert message.get_content_charset() == "utf-8"
    assert message["List-Unsubscribe"] == f"<{BASE_URL}/unsubscribe/token-{members[0].id}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated" and message["Reply-To"] is None
    replied = next(m for m in inbox.messages if m["To"] == members[1].email)
    assert replied["Reply-To"] == "coord@example.org"
    assert statuses(ids) == ["sent"] * 3
    assert all(row.sent_at and row.attempts == 0 for row in rows(ids))

    again = outbox.send_due(now=utcnow() + timedelta(days=2))
    assert again == outbox.SendReport()
    assert len(inbox.received) == 3


def test_a_refused_recipient_fails_at_once_and_a_busy_one_is_retried(app, inbox):
    refused, busy, fine = make_contactable(make_club(), 3)
    inbox.refuse_rcpt[refused.email] = "550 5.1.1 No such user here"
    inbox.refuse_data[busy.email] = "451 4.3.0 Mailbox busy, try later"
    ids = queue_for([refused, busy, fine])
    now = utcnow()
    report = outbox.send_due(now=now)
    assert (report.sent, report.retrying, report.failed) == (1, 1, 1)
    gone, later, sent = rows(ids)
    assert (gone.status, gone.attempts) == (MessageStatus.FAILED, 1)
    assert "550" in gone.last_error and "No such user" in gone.last_error
    assert (later.status, later.attempts) == (MessageStatus.QUEUED, 1)
    assert "451" in later.last_error
    assert as_utc(later.next_attempt_at) == now + timedelta(minutes=5)
    assert sent.status == MessageStatus.SENT
    assert [rcpts for rcpts, _m in inbox.received] == [[fine.email]]


def test_an_invalid_address_fails_without_stopping_the_others(app, inbox):
    broken, fine = make_contactable(make_club(), 2)
    broken.email = "not an address"
    ids = queue_for([broken, fine])
    report = outbox.send_due()
    assert (report.sent, report.failed) == (1, 1)
    failed, sent = rows(ids)
    assert failed.status == MessageStatus.FAILED and "invalid email address" in failed.last_error
    assert sent.status == MessageStatus.SENT and len(inbox.received) == 1


def test_a_server_that_is_down_keeps_messages_queued_and_loses_none(app):
    port = free_port()
    use_server(app, port)
    ids = queue_for(make_contactable(make_club(), 3))
    start = utcnow()
    assert outbox.send_due(now=start).retrying == 3
    for row in rows(ids):
        assert (row.status, row.attempts) == (MessageStatus.QUEUED, 1)
        assert f"127.0.0.1:{port}" in row.last_error and "Connection" in row.last_error
        assert as_utc(row.next_attempt_at) == start + timedelta(minutes=5)
        assert row.claim_token is None

    assert outbox.send_due(now=start + timedelta(minutes=4)) == outbox.SendReport()
    assert outbox.send_due(now=start + timedelta(minutes=5)).retrying == 3
    assert {(r.attempts, as_utc(r.next_attempt_at)) for r in rows(ids)} == {
        (2, start + timedelta(minutes=15))}

    with smtp_server(port) as server:
        assert outbox.send_due(now=start + timedelta(minutes=10)).sent == 0  # not yet due
        report = outbox.send_due(now=start + timedelta(minutes=15))
        assert report.sent == 3 and len(server.received) == 3
    assert statuses(ids) == ["sent"] * 3
    assert all(row.attempts == 2 and "127.0.0.1" in row.last_error for row in rows(ids))


def test_after_the_last_attempt_a_message_is_failed_with_its_error(app):
    app.config["REMINDER_MAX_ATTEMPTS"] = 3
    use_server(app, free_port())
    [message_id] = queue_for(make_contactable(make_club(), 1))
    moment = utcnow()
    outcomes = []
    for _attempt in range(4):
        report = outbox.send_due(now=moment)
        outcomes.append((report.retrying, report.failed))
        moment += timedelta(hours=7)
    assert outcomes == [(1, 0), (1, 0), (0, 1), (0, 0)]
    [row] = rows([message_id])
    assert (row.status, row.attempts) == (MessageStatus.FAILED, 3)
    assert "Connection" in row.last_error


@pytest.mark.parametrize(("attempts", "minutes"), [
    (1, 5), (2, 10), (3, 20), (4, 40), (5, 80), (6, 160), (7, 320), (8, 360), (30, 360)])
def test_retries_back_off_doubling_up_to_six_hours(attempts, minutes):
    bare = flask.Flask(__name__)
    bare.config.from_object(Config)
    with bare.app_context():
        assert outbox.retry_delay(attempts) == timedelta(minutes=minutes)


# -- consent, quiet hours, stale claims -------------------------------------------------------

def test_consent_withdrawn_after_queueing_cancels_the_message_unsent(app, inbox):
    withdrawn, keeps = make_contactable(make_club(), 2)
    ids = queue_for([withdrawn, keeps])
    withdrawn.consent_contact = False
    db.session.commit()
    report = outbox.send_due()
    assert (report.sent, report.cancelled) == (1, 1)
    cancelled, sent = rows(ids)
    assert (cancelled.status, cancelled.cancel_reason) == (MessageStatus.CANCELLED,
                                                           "consent withdrawn")
    assert cancelled.sent_at is None and sent.status == MessageStatus.SENT
    assert [rcpts for rcpts, _m in inbox.received] == [[keeps.email]]


EVENING = (time(21, 0), time(8, 0))


@pytest.mark.parametrize(("moment", "quiet_from", "quiet_until", "quiet"), [
    (time(20, 59, 59), *EVENING, False),
    (time(21, 0), *EVENING, True),
    (time(23, 30), *EVENING, True),
    (time(0, 0), *EVENING, True),
    (time(7, 59), *EVENING, True),
    (time(8, 0), *EVENING, False),
    (time(12, 0), *EVENING, False),
    (time(11, 59), time(12, 0), time(14, 0), False),
    (time(12, 0), time(12, 0), time(14, 0), True),
    (time(14, 0), time(12, 0), time(14, 0), False),
    (time(3, 0), time(22, 0), time(22, 0), False),
    (time(3, 0), None, None, False),
    (time(3, 0), time(22, 0), None, False),
])
def test_quiet_hours_may_cross_midnight(moment, quiet_from, quiet_until, quiet):
    assert outbox.in_quiet_hours(moment, quiet_from, quiet_until) is quiet


@pytest.mark.parametrize(("now", "shanghai_sends", "london_sends"), [
    (local(23, 30, "Asia/Shanghai"), False, True),  # 15:30 in London
    (local(0, 30, "Asia/Shanghai"), False, True),  # past midnight there, the day before here
    (local(10, 0, "Europe/London"), True, True),  # 18:00 in Shanghai
    (local(0, 30, "Europe/London"), True, False),  # 08:30 in Shanghai, the next day
], ids=["shanghai-23:30", "shanghai-00:30", "london-10:00", "london-00:30"])
def test_each_club_keeps_its_own_quiet_hours(app, inbox, now, shanghai_sends, london_sends):
    shanghai = make_club("anshan", "Asia/Shanghai", EVENING)
    london = make_club("harbour", "Europe/London", EVENING)
    [in_shanghai] = queue_for(make_contactable(shanghai, 1))
    [in_london] = queue_for(make_contactable(london, 1, start=2))
    report = outbox.send_due(now=now)
    assert report.sent == shanghai_sends + london_sends
    assert report.held_quiet == (not shanghai_sends) + (not london_sends)
    for message_id, sends in [(in_shanghai, shanghai_sends), (in_london, london_sends)]:
        [row] = rows([message_id])
        assert row.status == (MessageStatus.SENT if sends else MessageStatus.QUEUED)
        if not sends:  # left as it was: not claimed, not counted as an attempt
            assert (row.attempts, row.claim_token, row.last_error) == (0, None, "")
    assert len(inbox.received) == report.sent


def test_a_claim_past_its_lease_is_taken_back_and_sent(app, inbox):
    dead, alive = queue_for(make_contactable(make_club(), 2))
    now = utcnow()
    for message_id, token, age in [(dead, "a" * 32, 16), (alive, "b" * 32, 5)]:
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id).values(
            status=MessageStatus.SENDING, claim_token=token, claimed_by="crashed:1",
            claimed_at=now - timedelta(minutes=age)))
    db.session.commit()

    assert outbox.send_due(now=now).sent == 1
    taken, running = rows([dead, alive])
    assert (taken.status, taken.attempts) == (MessageStatus.SENT, 1)
    assert "claimed by crashed:1" in taken.last_error
    assert (running.status, running.claim_token) == (MessageStatus.SENDING, "b" * 32)

    assert outbox.send_due(now=now + timedelta(minutes=11)).sent == 1
    assert statuses([dead, alive]) == ["sent", "sent"] and len(inbox.received) == 2


# -- the webhook -------------------------------------------------------------------------------

def test_the_webhook_receives_a_signed_json_post_with_nothing_more_about_the_member(app):
    club = make_club("anshan")
    [member] = make_contactable(club, 1, email=False, phone=True)
    member.blood_group = None
    with running_gateway() as gateway:
        use_gateway(app, gateway)
        [message_id] = queue_for([member])
        assert outbox.send_due().sent == 1
    [body], [headers] = gateway.received, gateway.headers
    [row] = rows([message_id])
    assert body == {
        "id": message_id, "kind": "donation_thanks", "to": member.phone, "locale": "zh_Hans",
        "subject": SUBJECT, "text": BODY, "club": {"slug": "anshan", "name": "Club anshan"},
        "member_no": "0001", "unsubscribe_url": f"{BASE_URL}/unsubscribe/token-{member.id}",
        "created_at": as_utc(row.created_at).isoformat().replace("+00:00", "Z"),
    }
    assert headers["Content-Type"].startswith("application/json")
    assert headers["X-Donorclub-Message-Id"] == str(message_id)
    assert abs(int(headers["X-Donorclub-Timestamp"]) - clock.time()) < 60
    assert row.status == MessageStatus.SENT and gateway.hits == ["/hook?key=k3y"]


@pytest.mark.parametrize(("answers", "delay", "status", "error"), [
    ([500], 0, MessageStatus.QUEUED, "HTTP 500 Internal Server Error: gateway says no"),
    ([429], 0, MessageStatus.QUEUED, "HTTP 429"),
    ([400], 0, MessageStatus.FAILED, "HTTP 400 Bad Request: gateway says no"),
    ([302], 0, MessageStatus.QUEUED, "HTTP 302"),  # never followed
    ([503], 1.0, MessageStatus.QUEUED, "timed out"),  # the 503 comes too late
], ids=["500", "429", "400", "redirect", "timeout"])
def test_a_gateway_error_is_retried_or_failed_as_its_answer_says(app, answers, delay, status,
                                                                  error):
    with running_gateway(answers=list(answers), delay=delay) as gateway:
        use_gateway(app, gateway)
        app.config["REMINDER_WEBHOOK_TIMEOUT"] = 0.3
        [message_id] = queue_for(make_contactable(make_club(), 1, email=False, phone=True))
        now = utcnow()
        outbox.send_due(now=now)
        [row] = rows([message_id])
        assert (row.status, row.attempts) == (status, 1)
        assert error in row.last_error and gateway.url in row.last_error
        assert "k3y" not in row.last_error  # a key in the URL is not shown in errors
        assert gateway.received == [] and "/elsewhere" not in gateway.hits
        gateway.delay = 0
        report = outbox.send_due(now=now + timedelta(minutes=5))
        assert report.sent == (status == MessageStatus.QUEUED)
    assert len(gateway.received) == report.sent


def test_a_receiver_with_another_secret_answers_401_and_the_message_waits(app):
    with running_gateway(secret="the gateway's other secret") as gateway:
        use_gateway(app, gateway)
        [message_id] = queue_for(make_contactable(make_club(), 1, email=False, phone=True))
        now = utcnow()
        assert outbox.send_due(now=now).retrying == 1
        [row] = rows([message_id])
        assert row.status == MessageStatus.QUEUED and "HTTP 401" in row.last_error
        gateway.secret = SECRET  # the operator puts the same secret on both sides
        assert outbox.send_due(now=now + timedelta(minutes=5)).sent == 1
    assert len(gateway.received) == 1


def test_without_a_secret_nothing_is_posted_and_the_message_fails(app):
    with running_gateway() as gateway:
        use_gateway(app, gateway, secret="")
        [message_id] = queue_for(make_contactable(make_club(), 1, email=False, phone=True))
        assert outbox.send_due().failed == 1
    [row] = rows([message_id])
    assert row.status == MessageStatus.FAILED
    assert "REMINDER_WEBHOOK_SECRET is empty" in row.last_error
    assert gateway.hits == []


# -- several runs at once ----------------------------------------------------------------------

def test_a_run_claims_one_batch_at_a_time(app, inbox):
    app.config["REMINDER_BATCH_SIZE"] = 4
    ids = queue_for(make_contactable(make_club(), 10))
    assert outbox.send_due(worker="only-run").sent == 10
    claims = {row.claim_token for row in rows(ids)}
    assert len(claims) == 3 and {row.claimed_by for row in rows(ids)} == {"only-run"}


def test_concurrent_runs_deliver_each_message_exactly_once(app, inbox):
    app.config["REMINDER_BATCH_SIZE"] = 4
    inbox.delay = 0.005
    members = make_contactable(make_club(), 30)
    ids = queue_for(members)
    runs = 3
    barrier = threading.Barrier(runs)
    reports: list = [None] * runs

    def run(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                reports[index] = outbox.send_due(worker=f"run-{index}")
            except Exception as error:  # noqa: BLE001 - shown by the assertion below
                reports[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(isinstance(report, outbox.SendReport) for report in reports), reports
    assert sum(report.sent for report in reports) == 30
    assert sum(report.sent > 0 for report in reports) >= 2, reports  # they did run together
    delivered = [rcpt for rcpts, _m in inbox.received for rcpt in rcpts]
    assert sorted(delivered) == sorted(m.email for m in members)
    assert statuses(ids) == ["sent"] * 30
