"""`flask reminders send` and `flask reminders status`: queue what is due, send it once however
often (and from however many processes) the command runs, and show an operator what fails."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from donorclub import create_app
from donorclub.cli_reminders import reminders_cli
from donorclub.domain.enums import MessageKind, MessageStatus
from donorclub.extensions import db
from donorclub.models import OutboxMessage
from donorclub.models.types import utcnow

from . import factories
from .services.test_mail import free_port, use_server
from .services.test_outbox_sending import (
    inbox,  # noqa: F401 - the fixture
    make_club,
    make_contactable,
    queue_for,
    rows,
    smtp_server,
    statuses,
)

ROOT = Path(__file__).resolve().parent.parent


def invoke(runner, *args):
    return runner.invoke(reminders_cli, list(args))


def test_send_delivers_what_is_queued_once_however_often_it_runs(runner, inbox):  # noqa: F811
    ids = queue_for(make_contactable(make_club(), 3))
    result = invoke(runner, "send", "--no-queue")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == ("Queued 0, sent 3, retrying 0, failed 0, cancelled 0; "
                                     "0 waiting for the end of quiet hours.")
    again = invoke(runner, "send", "--no-queue")
    assert again.exit_code == 0 and "sent 0," in again.output
    assert len(inbox.received) == 3 and statuses(ids) == ["sent"] * 3


def test_send_queues_the_reminders_that_are_due_then_sends_them(runner, inbox):  # noqa: F811
    [ready, too_soon] = make_contactable(make_club(), 2)
    factories.make_donation(ready, date.today() - timedelta(days=200))
    factories.make_donation(too_soon, date.today() - timedelta(days=20))
    db.session.commit()
    result = invoke(runner, "send")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Queued 1, sent 1,")
    [message] = rows()
    assert (message.kind, message.member_id) == (MessageKind.ELIGIBLE_AGAIN, ready.id)
    assert [rcpts for rcpts, _m in inbox.received] == [[ready.email]]
    assert invoke(runner, "send").output.startswith("Queued 0, sent 0,")
    assert len(inbox.received) == 1


def test_send_with_a_limit_stops_after_that_many(runner, inbox):  # noqa: F811
    ids = queue_for(make_contactable(make_club(), 3))
    result = invoke(runner, "send", "--no-queue", "--limit", "2")
    assert result.exit_code == 0 and "sent 2," in result.output
    assert sorted(statuses(ids)) == ["queued", "sent", "sent"]


def test_failed_deliveries_do_not_fail_the_command(runner, app):
    use_server(app, free_port())
    queue_for(make_contactable(make_club(), 2))
    result = invoke(runner, "send", "--no-queue")
    assert result.exit_code == 0, result.output
    assert "sent 0, retrying 2," in result.output


@pytest.mark.parametrize("url", [
    "sqlite:////nonexistent-folder/donorclub.sqlite3",
    f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/donorclub",
], ids=["sqlite", "postgresql"])
def test_an_unreachable_database_exits_1_with_the_cause(tmp_path, url):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    result = app.test_cli_runner().invoke(reminders_cli, ["send", "--no-queue"])
    assert result.exit_code == 1
    assert "The database cannot be reached:" in result.output
    with app.app_context():
        db.engine.dispose()


def test_status_shows_counts_the_oldest_queued_and_what_fails_with_its_error(runner, app):
    club = make_club("anshan")
    fresh, retrying, failed, failed_long_ago, sent = queue_for(make_contactable(club, 5))
    now = utcnow()
    changes = {
        fresh: dict(created_at=now - timedelta(hours=2, minutes=5)),
        retrying: dict(attempts=2, last_error="smtp.example.org:587: ConnectionRefusedError",
                       next_attempt_at=now + timedelta(minutes=10), updated_at=now),
        failed: dict(status=MessageStatus.FAILED, attempts=1, updated_at=now,
                     last_error="SMTPRecipientsRefused: 550 No such user"),
        failed_long_ago: dict(status=MessageStatus.FAILED, attempts=8, last_error="ancient",
                              updated_at=now - timedelta(days=8)),
        sent: dict(status=MessageStatus.SENT, sent_at=now),
    }
    for message_id, values in changes.items():
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id == message_id)
                           .values(**values))
    db.session.commit()
    result = invoke(runner, "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Messages by status and kind:"
    assert lines[1].split() == ["failed", "donation_thanks", "2"]
    assert lines[2].split() == ["queued", "donation_thanks", "2"]
    assert lines[3].split() == ["sent", "donation_thanks", "1"]
    assert lines[4].startswith("Oldest queued message: 2 h 5 min old")
    assert f"#{retrying} anshan/0002 donation_thanks, 2 attempt(s), next at " in result.output
    assert "ConnectionRefusedError" in result.output
    assert f"#{failed} anshan/0003 donation_thanks," in result.output
    assert "after 1 attempt(s): SMTPRecipientsRefused: 550 No such user" in result.output
    assert "ancient" not in result.output and "@" not in result.output


def test_status_of_an_empty_outbox(runner, app):
    assert invoke(runner, "status").output.strip() == "The outbox is empty."


def test_two_processes_sending_at_once_deliver_each_message_once(app, tmp_path):
    ids = queue_for(make_contactable(make_club(), 30))
    with smtp_server() as server:
        server.delay = 0.02  # each run takes long enough for the other to start meanwhile
        env = {**os.environ, "DONORCLUB_ENV": "testing",
               "DONORCLUB_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
               "DONORCLUB_INSTANCE_PATH": str(tmp_path / "instance"),
               "DONORCLUB_MAIL_SERVER": "127.0.0.1", "DONORCLUB_MAIL_PORT": str(server.port),
               "DONORCLUB_MAIL_USE_TLS": "0", "DONORCLUB_REMINDER_BATCH_SIZE": "3"}
        command = [sys.executable, "-m", "flask", "--app", "donorclub", "reminders", "send",
                   "--no-queue"]
        runs = [subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    delivered = sorted(rcpt for rcpts, _m in server.received for rcpt in rcpts)
    assert len(delivered) == 30 and len(set(delivered)) == 30
    assert statuses(ids) == ["sent"] * 30
    sent_counts = [int(out.split("sent ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(sent_counts) == 30
