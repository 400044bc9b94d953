"""Sending email: one UTF-8 message through SMTP, or into instance/outbox/ without a server."""
from __future__ import annotations

import functools
import smtplib
import ssl
import uuid
from collections.abc import Mapping
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from ..models.types import utcnow
from .errors import ServiceError

OUTBOX_FOLDER = "outbox"


class MailNotSent(ServiceError):
    """The mail server could not be reached or refused the message, so nothing was sent.

    `message` is for the person who asked; `reason` is the technical cause, for the log and
    for anything that records failed deliveries.
    """

    def __init__(self, message: str, reason: str = ""):
        super().__init__(message)
        self.reason = reason


def send_email(to: str, subject: str, text: str, *,
               headers: Mapping[str, str] | None = None) -> None:
    """Send a plain-text message to one address from MAIL_SENDER.

    With MAIL_SERVER empty the message is written to instance/outbox/ instead (development).
    Raises MailNotSent when the server or the outbox folder fails.
    """
    deliver(build_message(to, subject, text, headers=headers))


def build_message(to: str, subject: str, text: str, *,
                  headers: Mapping[str, str] | None = None) -> EmailMessage:
    """A complete message; headers and body may hold any Unicode (encoded as UTF-8).
    Raises ValueError for a header holding a line break (no header injection)."""
    sender = current_app.config["MAIL_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    # A domain of our own: make_msgid() would otherwise ask DNS for this host's name.
    message["Message-ID"] = make_msgid(domain=_domain_of(sender))
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text, charset="utf-8")
    return message


def deliver(message: EmailMessage) -> None:
    """Hand a built message to the configured SMTP server (or the outbox folder).
    Raises MailNotSent."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        _write_to_outbox(message)
        return
    server = f"{config['MAIL_SERVER']}:{config['MAIL_PORT']}"
    try:
        with _connect() as smtp:
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        reason = f"{server}: {type(error).__name__}: {error}"
        current_app.logger.error("Mail to %s not sent through %s", message["To"], reason)
        raise MailNotSent(
            _("The email could not be sent just now. Please try again in a few minutes; if "
              "it keeps failing, tell your club's coordinator."),
            reason,
        ) from error


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building one reads the system's CA bundle,
    about 0.1 s, which made every reminder ten times slower than its SMTP exchange."""
    return ssl.create_default_context()


def _connect() -> smtplib.SMTP:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config["MAIL_USE_SSL"]:
        return smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context())
    smtp = smtplib.SMTP(host, port, timeout=timeout)
    if config["MAIL_USE_TLS"]:
        # Never fall back to plain text: a server without STARTTLS is a failure.
        try:
            smtp.starttls(context=_tls_context())
        except BaseException:
            smtp.close()
            raise
    return smtp


def outbox_path() -> Path:
    """Where messages go while no mail server is configured."""
    return Path(current_app.instance_path) / OUTBOX_FOLDER


def _write_to_outbox(message: EmailMessage) -> None:
    folder = outbox_path()
    path = folder / f"{utcnow():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(message.as_bytes())
    except OSError as error:
        current_app.logger.error("Mail to %s not written to %s: %s", message["To"], path, error)
        raise MailNotSent(_("The email could not be sent just now."), str(error)) from error
    log = current_app.logger.info
    if current_app.config["ENV_NAME"] == "production":
        log = current_app.logger.warning  # nobody reads this folder: the mail is lost
    log("MAIL_SERVER is empty: the mail to %s was written to %s", message["To"], path)


def _domain_of(address: str) -> str:
    _name, email = parseaddr(address)
    return email.rpartition("@")[2] or "localhost"
