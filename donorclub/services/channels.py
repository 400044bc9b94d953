"""Delivering one outbox message through its channel: email over SMTP, or a signed JSON POST to
an SMS or chat gateway (docs/reminders.md#the-webhook).

Every failure is a DeliveryFailed saying whether trying again later can help (`temporary`):
the sender retries those with back-off and gives up on the others at once.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import smtplib
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from ..domain.enums import MessageChannel
from ..models import OutboxMessage
from ..models.types import as_utc
from . import mail

# HTTP answers worth trying again besides 5xx: the gateway timed out, or asks us to slow down.
# 401 too: the two sides disagree on the secret, which an operator fixes once for every
# message; nothing is wrong with this message. Any 3xx also: redirects are never followed,
# so the configured URL is wrong, and fixing it sends what is still queued.
RETRY_HTTP = {401, 408, 425, 429}
MAX_ERROR = 500  # characters of a server's answer kept in last_error


class DeliveryFailed(Exception):
    """The message did not reach the server or gateway (or was refused by it).

    `reason` is the technical cause, for last_error; `temporary` says whether a later
    attempt may succeed without anyone changing the message.
    """

    def __init__(self, reason: str, *, temporary: bool):
        super().__init__(reason)
        self.reason = reason[:MAX_ERROR * 2]
        self.temporary = temporary


def deliver(message: OutboxMessage) -> None:
    """Send the message through its own channel; raises DeliveryFailed. A message without
    its unsubscribe link is refused (permanently): every message must carry one."""
    unsubscribe_url = (message.context or {}).get("unsubscribe_url")
    if not unsubscribe_url:
        raise DeliveryFailed("the message has no unsubscribe_url in its context",
                             temporary=False)
    if message.channel == MessageChannel.EMAIL:
        send_email(message, unsubscribe_url)
    elif message.channel == MessageChannel.WEBHOOK:
        post_to_webhook(message, unsubscribe_url)
    else:  # pragma: no cover - the column's CHECK constraint allows no other value
        raise DeliveryFailed(f"unknown channel {message.channel!r}", temporary=False)


def send_email(message: OutboxMessage, unsubscribe_url: str) -> None:
    """One plain-text UTF-8 email with the one-click unsubscribe headers (RFC 8058) and the
    mark of an automatic message (RFC 3834: no auto-replies, please)."""
    try:
        address = validate_email(message.recipient, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise DeliveryFailed(f"invalid email address: {error}", temporary=False) from error
    headers = {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    # A drive invitation is answered to the coordinator who sent it, not to no-reply.
    if reply_to := (message.context or {}).get("reply_to"):
        headers["Reply-To"] = str(reply_to)
    try:
        built = mail.build_message(address, message.subject, message.body, headers=headers)
    except ValueError as error:  # a line break in a header: nothing can make it sendable
        raise DeliveryFailed(f"message refused before sending: {error}",
                             temporary=False) from error
    try:
        mail.deliver(built)
    except mail.MailNotSent as error:
        raise DeliveryFailed(error.reason or error.message,
                             temporary=not _refused_for_good(error.__cause__)) from error


def _refused_for_good(cause: BaseException | None) -> bool:
    """SMTP 5xx about this message (the recipient refused, the content rejected): permanent.
    Everything else may pass later: no connection, a timeout, a 4xx, and also a refused login,
    sender or STARTTLS, which concern our set-up, not this message, and are fixed once."""
    if isinstance(cause, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _text in cause.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(cause, smtplib.SMTPDataError):
        return 500 <= cause.smtp_code < 600
    return False


def webhook_payload(message: OutboxMessage) -> dict:
    """What the gateway receives: the text and where it goes, and nothing more about the
    member (their health data is none of the gateway's business)."""
    context = message.context or {}
    return {
        "id": message.id,
        "kind": message.kind.value,
        "to": message.recipient,
        "locale": message.locale,
        "subject": message.subject,
        "text": message.body,
        "club": {"slug": message.club.slug, "name": message.club.name},
        "member_no": message.member.member_no,
        "unsubscribe_url": context.get("unsubscribe_url"),
        "created_at": as_utc(message.created_at).isoformat().replace("+00:00", "Z"),
    }


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Donorclub-Signature of a body sent at `timestamp` (unix seconds, as sent)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def post_to_webhook(message: OutboxMessage, unsubscribe_url: str) -> None:
    """POST the message as signed JSON to REMINDER_WEBHOOK_URL; any 2xx answer is success.
    Redirects are not followed (a signed body is for the configured address only)."""
    config = current_app.config
    url, secret = config["REMINDER_WEBHOOK_URL"], config["REMINDER_WEBHOOK_SECRET"]
    shown = _without_secrets(url)
    if not url or urlsplit(url).scheme not in {"http", "https"}:
        raise DeliveryFailed(f"REMINDER_WEBHOOK_URL is not an http(s) URL: {shown!r}",
                             temporary=False)
    if not secret:
        raise DeliveryFailed("REMINDER_WEBHOOK_SECRET is empty: unsigned messages are never "
                             "sent", temporary=False)
    body = json.dumps(webhook_payload(message), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    timestamp = str(int(time.time()))
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "donorclub-reminders",
        "X-Donorclub-Message-Id": str(message.id),
        "X-Donorclub-Timestamp": timestamp,
        "X-Donorclub-Signature": signature(secret, timestamp, body),
    })
    try:
        with _OPENER.open(request, timeout=config["REMINDER_WEBHOOK_TIMEOUT"]) as response:
            response.read(MAX_ERROR)
    except urllib.error.HTTPError as error:
        answer = _read_answer(error)
        code = error.code
        raise DeliveryFailed(
            f"{shown}: HTTP {code} {error.reason}{': ' + answer if answer else ''}",
            temporary=code >= 500 or code in RETRY_HTTP or 300 <= code < 400) from error
    except (OSError, http.client.HTTPException) as error:  # refused, timed out, TLS, DNS
        reason = getattr(error, "reason", error)  # URLError wraps the socket's error
        described = reason if isinstance(reason, str) else f"{type(reason).__name__}: {reason}"
        raise DeliveryFailed(f"{shown}: {described}", temporary=True) from error
    except ValueError as error:  # a URL urllib cannot use
        raise DeliveryFailed(f"{shown}: {error}", temporary=False) from error


def _without_secrets(url: str) -> str:
    """The URL as errors show it: without a login or query string, where gateways' keys hide."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        host = f"[{host}]" if ":" in host else host
        netloc = f"{host}:{parts.port}" if parts.port else host
    except ValueError:
        return "(malformed URL)"
    return parts._replace(netloc=netloc, query="", fragment="").geturl()


def _read_answer(error: urllib.error.HTTPError) -> str:
    try:
        return error.read(MAX_ERROR).decode("utf-8", "replace").strip()
    except OSError:
        return ""
    finally:
        error.close()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer stays an error (HTTPError) instead of being followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
