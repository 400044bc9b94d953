"""`flask --app donorclub sessions prune`: delete the rows of sessions long over."""
from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup

from .services import user_sessions

sessions_cli = AppGroup("sessions", help="Signed-in browser sessions.")


@sessions_cli.command("prune")
@click.option("--days", type=click.IntRange(min=0), show_default=True,
              default=user_sessions.KEEP_FOR.days,
              help="Keep the rows of sessions that ended (or went idle) fewer days ago.")
def prune_command(days):
    """Delete the rows of sessions that have been over for more than --days days; sessions
    that still work are never touched. Signing in prunes that account's own rows too."""
    removed = user_sessions.prune_sessions(timedelta(days=days))
    click.echo(f"Deleted {removed} session row(s) over for more than {days} day(s).")
