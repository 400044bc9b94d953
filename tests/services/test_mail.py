"""Sending email through a real SMTP server on 127.0.0.1 (aiosmtpd), and into the outbox
folder when no server is configured."""
from __future__ import annotations

import email
import email.policy
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from donorclub.config import config_from_environ
from donorclub.services.mail import MailNotSent, outbox_path, send_email

SUBJECT = "献血提醒：您可以再次献血了"
BODY = "王秀英您好，\n\n您可以从2026年7月10日起再次献全血。\n谢谢！\n"


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Inbox:
    """What a local SMTP server received: (envelope recipients, parsed message) pairs."""

    port: int
    received: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def check_login(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == ("club", "s3cret-pass"), handled=False)

    @property
    def messages(self) -> list[EmailMessage]:
        return [message for _rcpt, message in self.received]


@contextmanager
def running_smtp_server(*, with_auth: bool = False) -> Iterator[Inbox]:
    """A real SMTP server on a free port of 127.0.0.1, plain text (no STARTTLS offered)."""
    inbox = Inbox(port=free_port())
    options = {"authenticator": inbox.check_login, "auth_require_tls": False} if with_auth else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port, **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def use_server(app, port: int, **settings) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_TIMEOUT=5, **settings)


def body_of(message: EmailMessage) -> str:
    """The plain-text body, with SMTP's CRLF line ends read back as newlines."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


@pytest.fixture
def inbox(app) -> Iterator[Inbox]:
    with running_smtp_server() as server:
        use_server(app, server.port)
        yield server


def test_a_chinese_message_arrives_intact_from_the_configured_sender(app, inbox):
    app.config["MAIL_SENDER"] = "鞍钢献血俱乐部 <club@example.org>"
    send_email("wang@example.org", SUBJECT, BODY)
    [(recipients, message)] = inbox.received
    assert recipients == ["wang@example.org"]
    assert message["Subject"] == SUBJECT
    assert body_of(message) == BODY
    assert message["To"] == "wang@example.org"
    assert message["From"].addresses[0].display_name == "鞍钢献血俱乐部"
    assert message["From"].addresses[0].addr_spec == "club@example.org"
    assert message.get_content_charset() == "utf-8"
    assert message["Message-ID"].endswith("@example.org>") and message["Date"]


def test_extra_headers_are_sent_with_the_message(app, inbox):
    unsubscribe = "<https://donors.example.org/unsubscribe/abc>"
    send_email("wang@example.org", "Hello", "Body", headers={"List-Unsubscribe": unsubscribe})
    assert inbox.messages[0]["List-Unsubscribe"] == unsubscribe


def test_a_header_with_a_line_break_is_refused_before_anything_is_sent(app, inbox):
    with pytest.raises(ValueError):
        send_email("wang@example.org", "Hello\nBcc: victim@example.org", "Body")
    assert inbox.received == []


@pytest.mark.parametrize(("credentials", "delivered"), [
    (("club", "s3cret-pass"), True),
    (("club", "wrong"), False),
])
def test_the_configured_credentials_sign_in_to_the_server(app, credentials, delivered):
    with running_smtp_server(with_auth=True) as server:
        use_server(app, server.port, MAIL_USERNAME=credentials[0], MAIL_PASSWORD=credentials[1])
        if delivered:
            send_email("wang@example.org", "Hello", "Body")
        else:
            with pytest.raises(MailNotSent):
                send_email("wang@example.org", "Hello", "Body")
        assert set(server.logins) == {credentials}  # smtplib tries each mechanism offered
        assert len(server.received) == (1 if delivered else 0)


def test_nothing_listening_raises_mail_not_sent_with_a_clear_message(app):
    port = free_port()
    use_server(app, port)
    with pytest.raises(MailNotSent) as caught:
        send_email("wang@example.org", "Hello", "Body")
    assert "could not be sent" in caught.value.message
    assert f"127.0.0.1:{port}" in caught.value.reason


def test_starttls_is_required_when_asked_for_never_skipped(app, inbox):
    app.config["MAIL_USE_TLS"] = True  # this server offers no STARTTLS
    with pytest.raises(MailNotSent) as caught:
        send_email("wang@example.org", "Hello", "Body")
    assert "STARTTLS" in caught.value.reason
    assert inbox.received == []


def test_without_a_server_the_message_is_written_to_the_outbox_folder(app, caplog):
    app.config["MAIL_SERVER"] = ""
    with caplog.at_level(logging.INFO, logger=app.logger.name):
        send_email("wang@example.org", SUBJECT, BODY)
    [written] = sorted(outbox_path().glob("*.eml"))
    assert outbox_path() == Path(app.instance_path) / "outbox"
    message = email.message_from_bytes(written.read_bytes(), policy=email.policy.default)
    assert (message["To"], message["Subject"], body_of(message)) == (
        "wang@example.org", SUBJECT, BODY)
    assert str(written) in caplog.text
    assert [r.levelno for r in caplog.records if str(written) in r.getMessage()] == [logging.INFO]


def test_an_unwritable_outbox_raises_mail_not_sent(app):
    app.config["MAIL_SERVER"] = ""
    outbox_path().parent.mkdir(parents=True, exist_ok=True)
    outbox_path().write_text("a file where the folder should be")
    with pytest.raises(MailNotSent):
        send_email("wang@example.org", "Hello", "Body")


@pytest.mark.parametrize(("variable", "value", "setting", "expected"), [
    ("DONORCLUB_MAIL_SERVER", "smtp.example.org", "MAIL_SERVER", "smtp.example.org"),
    ("DONORCLUB_MAIL_PORT", "465", "MAIL_PORT", 465),
    ("DONORCLUB_MAIL_USE_TLS", "0", "MAIL_USE_TLS", False),
    ("DONORCLUB_MAIL_USE_TLS", "true", "MAIL_USE_TLS", True),
    ("DONORCLUB_MAIL_USE_SSL", "yes", "MAIL_USE_SSL", True),
    ("DONORCLUB_MAIL_TIMEOUT", "2.5", "MAIL_TIMEOUT", 2.5),
    ("DONORCLUB_PASSWORD_RESET_VALID_MINUTES", "30", "PASSWORD_RESET_VALID_MINUTES", 30),
    ("DONORCLUB_PASSWORD_RESET_RATE_LIMIT", "3 per hour", "PASSWORD_RESET_RATE_LIMIT",
     "3 per hour"),
])
def test_mail_settings_are_read_from_the_environment_with_their_types(variable, value, setting,
                                                                      expected):
    assert config_from_environ({variable: value}) == {setting: expected}
