"""`flask --app donorclub certificates print`: issue what is due and print one combined PDF."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from .services.errors import ServiceError

certificates_cli = AppGroup("certificates", help="Issue and print recognition certificates.")


@certificates_cli.command("print")
@click.option("--club", "slug", required=True, help="The club's slug.")
@click.option("--due", is_flag=True,
              help="First issue every certificate that is due (of the chosen members), then "
                   "print the newly issued ones.")
@click.option("--member-no", "member_nos", multiple=True,
              help="Only this member (repeat for several).")
@click.option("--issued-on", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Without --due: only certificates issued on this day (YYYY-MM-DD).")
@click.option("--as", "email", help="Act as this staff account (default: the system).")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The PDF file to write.")
def print_command(slug, due, member_nos, issued_on, email, out):
    """Print a club's certificates into one PDF, one page each.

    Without --due it prints the valid certificates already issued (all, or those of the
    chosen members or day). The file appears only when complete.
    """
    from .cli import _fail, _transfer_actor_and_club
    from .services.certificate_printing import print_batch

    actor, club = _transfer_actor_and_club(slug, email)
    target = Path(out)
    bar = {}

    def progress(done, total):
        if "bar" not in bar:
            bar["bar"] = click.progressbar(length=total, label="Printing", file=sys.stderr)
            bar["bar"].__enter__()
        bar["bar"].update(done - bar["bar"].pos)

    try:
        batch = print_batch(actor, club, target, due_on=date.today() if due else None,
                            member_nos=list(member_nos) or None,
                            issued_on=issued_on.date() if issued_on else None,
                            progress=progress)
    except ServiceError as error:
        _fail(error)
    finally:
        if "bar" in bar:
            bar["bar"].__exit__(None, None, None)
    if due:
        click.echo(f"Issued {batch.issued} certificate(s).")
    click.echo(f"Wrote {batch.pages} page(s) to {target}.")
