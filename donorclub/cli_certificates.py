"""`flask --app donorclub certificates print`: issue what is due and print one combined PDF."""
from __future__ import annotations

import os
import sys
import tempfile
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
    from .services import certificates
    from .services.certificate_printing import print_certificates

    actor, club = _transfer_actor_and_club(slug, email)
    try:
        if due:
            ids = certificates.member_ids_by_no(club, list(member_nos)) if member_nos else None
            chosen = certificates.issue_due(actor, club, today=date.today(), member_ids=ids)
            click.echo(f"Issued {len(chosen)} certificate(s).")
        else:
            chosen = certificates.valid_certificates(
                club, member_nos=list(member_nos) or None,
                issued_on=issued_on.date() if issued_on else None)
    except ServiceError as error:
        _fail(error)
    if not chosen:
        raise click.ClickException("No certificate to print.")
    target = Path(out)
    handle, temporary = tempfile.mkstemp(prefix=".certificates-", suffix=".pdf",
                                         dir=target.parent.resolve())
    try:
        with os.fdopen(handle, "wb") as stream, click.progressbar(
                length=len(chosen), label="Printing", file=sys.stderr) as bar:
            pages = print_certificates(chosen, stream, on_page=lambda: bar.update(1))
        certificates.record_printing(actor, club, chosen)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(f"Wrote {pages} page(s) to {target}.")
