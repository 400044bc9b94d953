"""The message log as people read it: words for kinds, statuses and channels, local times."""
from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ...domain.enums import MessageChannel, MessageKind, MessageStatus
from ..formatting import local_time

KIND_LABELS = {
    MessageKind.ELIGIBLE_AGAIN: _l("You can donate again"),
    MessageKind.DRIVE_INVITATION: _l("Drive invitation"),
    MessageKind.DONATION_THANKS: _l("Thanks for a donation"),
    MessageKind.CERTIFICATE_ISSUED: _l("Certificate issued"),
}
STATUS_LABELS = {
    MessageStatus.QUEUED: _l("Queued"),
    MessageStatus.SENDING: _l("Being sent"),
    MessageStatus.SENT: _l("Sent"),
    MessageStatus.FAILED: _l("Failed"),
    MessageStatus.CANCELLED: _l("Cancelled"),
}
CHANNEL_LABELS = {
    MessageChannel.EMAIL: _l("Email"),
    MessageChannel.WEBHOOK: _l("SMS or chat gateway"),
}
# The badge each status wears (classes app.css already has).
STATUS_BADGES = {
    MessageStatus.QUEUED: "badge-pending",
    MessageStatus.SENDING: "badge-pending",
    MessageStatus.SENT: "badge-ok",
    MessageStatus.FAILED: "badge-deactivated",
    MessageStatus.CANCELLED: "badge-left",
}
SHORT_ERROR = 80


def kind_label(kind: MessageKind) -> str:
    return str(KIND_LABELS.get(kind, kind.value))


def status_label(status: MessageStatus) -> str:
    return str(STATUS_LABELS.get(status, status.value))


def channel_label(channel: MessageChannel) -> str:
    return str(CHANNEL_LABELS.get(channel, channel.value))


def short_error(text: str) -> str:
    """The first line of an error, cut to fit a table cell."""
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= SHORT_ERROR else line[:SHORT_ERROR - 1] + "…"


class LocalTimes:
    """Formats stored UTC times in one club's time zone: YYYY-MM-DD HH:MM."""

    def __init__(self, timezone: str):
        self.zone = ZoneInfo(timezone)

    def __call__(self, moment: datetime | None) -> str:
        return "" if moment is None else local_time(moment, self.zone)


def labels_for(timezone: str) -> dict:
    """What a page needs to show messages: words for their codes, times in the club's zone."""
    return {"local": LocalTimes(timezone), "zone": timezone, "kind_label": kind_label,
            "status_label": status_label, "channel_label": channel_label,
            "short_error": short_error, "badges": STATUS_BADGES}


def quiet_hours(start: time | None, end: time | None) -> str:
    """The club's quiet hours in a sentence."""
    if start is None or end is None:
        return _("No quiet hours: messages leave at any time of day.")
    return _("No message leaves between %(start)s and %(end)s.",
             start=start.strftime("%H:%M"), end=end.strftime("%H:%M"))
