"""`flask --app donorclub reminders send|status`: send the outbox's due messages (from cron or
a systemd timer, on one machine or several), and show an operator what is stuck and why."""
from __future__ import annotations

from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import AppGroup
from flask_babel import gettext as _

from .models.types import as_utc, utcnow
from .services import outbox, reminders
from .services.outbox_status import read_status

reminders_cli = AppGroup("reminders", help="Send messages to members; show the outbox.")
FAILED_WITHIN = timedelta(days=7)


@reminders_cli.command("send")
@click.option("--limit", type=click.IntRange(min=1),
              help="Stop after sending this many messages (default: all that are due).")
@click.option("--no-queue", is_flag=True,
              help='Only send what is queued; do not queue "you can donate again" first.')
def send_command(limit, no_queue):
    """Queue the "you can donate again" reminders that are due, then send every due message.

    Safe to run every few minutes and on several machines at once: each message is claimed
    by one run and sent once. Failed deliveries are retried later and do not change the exit
    status; it is 1 only when the database cannot be reached.
    """
    try:
        queued = 0 if no_queue else reminders.queue_eligible_again(now=utcnow())
        report = outbox.send_due(limit=limit)
    except (sa.exc.OperationalError, sa.exc.InterfaceError) as error:
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise click.ClickException(
            _("The database cannot be reached: %(error)s", error=cause)) from error
    click.echo(_("Queued %(queued)d, sent %(sent)d, retrying %(retrying)d, failed %(failed)d, "
                 "cancelled %(cancelled)d; %(held)d waiting for the end of quiet hours.",
                 queued=queued, sent=report.sent, retrying=report.retrying,
                 failed=report.failed, cancelled=report.cancelled, held=report.held_quiet))


@reminders_cli.command("status")
def status_command():
    """Counts by status and kind, the oldest queued message's age, and the messages retrying
    or failed in the last 7 days with their errors."""
    now = utcnow()
    status = read_status(now=now, failed_within=FAILED_WITHIN)
    if not status.counts:
        click.echo(_("The outbox is empty."))
        return
    click.echo(_("Messages by status and kind:"))
    for state, kind, count in status.counts:
        click.echo(f"  {state.value:<10} {kind.value:<20} {count:>7}")
    if status.oldest_queued_at is not None:
        click.echo(_("Oldest queued message: %(age)s old (queued %(at)s UTC).",
                     age=_age(now - status.oldest_queued_at),
                     at=f"{status.oldest_queued_at:%Y-%m-%d %H:%M}"))
    if status.retrying:
        click.echo(_("Waiting for a retry after an error (latest first):"))
        for message in status.retrying:
            click.echo("  " + _(
                "#%(id)d %(who)s %(kind)s, %(attempts)d attempt(s), next at %(at)s UTC: "
                "%(error)s",
                id=message.id, who=_who(message), kind=message.kind.value,
                attempts=message.attempts, at=f"{as_utc(message.next_attempt_at):%Y-%m-%d %H:%M}",
                error=message.last_error))
    if status.failed:
        click.echo(_("Failed in the last %(days)d days (latest first):", days=FAILED_WITHIN.days))
        for message in status.failed:
            click.echo("  " + _(
                "#%(id)d %(who)s %(kind)s, %(at)s UTC after %(attempts)d attempt(s): %(error)s",
                id=message.id, who=_who(message), kind=message.kind.value,
                at=f"{as_utc(message.updated_at):%Y-%m-%d %H:%M}",
                attempts=message.attempts, error=message.last_error))


def _who(message) -> str:
    """The club and member number: enough to find the member, without their address."""
    return f"{message.club.slug}/{message.member.member_no}"


def _age(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h", days=days, hours=hours)
    if hours:
        return _("%(hours)d h %(minutes)d min", hours=hours, minutes=minutes)
    return _("%(minutes)d min", minutes=minutes)
