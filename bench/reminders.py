"""Time the reminder run on a club of generated members: finding who may give again
(`queue_eligible_again`), the same run again (nothing new to queue), and sending the queued
messages to a local SMTP server, against plain smtplib sending the same number of messages
the same way (one connection each) - the ratio is what the outbox costs on top of SMTP.

    .venv/bin/python bench/reminders.py --members 20000 [--database-url postgresql+psycopg://...]
"""
from __future__ import annotations

import argparse
import smtplib
import socket
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask_migrate import upgrade

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_seed import seed  # noqa: E402

from donorclub import create_app  # noqa: E402
from donorclub.extensions import db  # noqa: E402
from donorclub.models import Club, Member, OutboxMessage  # noqa: E402
from donorclub.services import outbox, reminders  # noqa: E402


class Counter:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def plain_smtp(port: int, count: int) -> float:
    """Seconds for `count` messages through smtplib, one connection each, as the outbox does."""
    started = time.perf_counter()
    for n in range(count):
        message = EmailMessage()
        message["From"], message["To"] = "bench@example.org", f"m{n}@bench.example.org"
        message["Subject"] = "可以再次献全血"
        message.set_content("您好，\n\n从今天起您可以再次献全血。\n" * 4, charset="utf-8")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
            smtp.send_message(message)
    return time.perf_counter() - started


def run(members: int, today: date, now: datetime, counter: Counter) -> tuple[int, float]:
    """Seed, queue twice, send; prints the figures, returns (sent, seconds sending)."""
    upgrade()
    started = time.perf_counter()
    seed(members, 1, 0, today)
    db.session.execute(sa.update(Member).values(
        email=sa.literal("m") + sa.cast(Member.id, sa.String) + "@bench.example.org"))
    db.session.execute(sa.update(Club).values(quiet_from=None, quiet_until=None))
    db.session.commit()
    print(f"{members:,} members seeded in {time.perf_counter() - started:.1f} s "
          f"({db.engine.dialect.name})")

    started = time.perf_counter()
    queued = reminders.queue_eligible_again(now=now)
    first = time.perf_counter() - started
    started = time.perf_counter()
    again = reminders.queue_eligible_again(now=now)
    second = time.perf_counter() - started
    print(f"queue_eligible_again: {queued:,} queued in {first:.2f} s "
          f"({first / members * 1e6:.0f} us per member); run again: {again} queued in "
          f"{second:.2f} s")

    started = time.perf_counter()
    report = outbox.send_due()
    sending = time.perf_counter() - started
    left = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage).where(
        OutboxMessage.status != "sent"))
    print(f"send_due: {report.sent:,} sent in {sending:.2f} s "
          f"({report.sent / max(sending, 1e-9):.0f} messages/s); {left} not sent; the server "
          f"received {counter.count:,}")
    return report.sent, sending


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=20000)
    parser.add_argument("--database-url", default="", help="an empty database (default: "
                                                           "a new SQLite file)")
    args = parser.parse_args()
    today = date.today()
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as instance:
        url = args.database_url or f"sqlite:///{instance}/bench.sqlite3"
        port = free_port()
        app = create_app({"INSTANCE_PATH": instance, "SQLALCHEMY_DATABASE_URI": url,
                          "PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_COST": 1024,
                          "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                          "MAIL_USE_TLS": False, "MAIL_TIMEOUT": 10})
        counter = Counter()
        controller = Controller(counter, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with app.app_context():
                sent, sending = run(args.members, today, now, counter)
            if sent:
                baseline = plain_smtp(port, sent)
                print(f"plain smtplib, same count: {baseline:.2f} s "
                      f"({sent / baseline:.0f} messages/s); outbox / plain = "
                      f"{sending / baseline:.2f}")
        finally:
            controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
