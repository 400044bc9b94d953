"""`flask --app donorclub clubs create`: a new club from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .services import accounts, admin
from .services.errors import ServiceError

clubs_cli = AppGroup("clubs", help="Create clubs.")
LOCALES = {"zh": "zh_Hans", "en": "en"}


@clubs_cli.command("create")
@click.option("--slug", required=True, help="Short name in addresses: a-z, 0-9 and hyphens.")
@click.option("--name", required=True, help="The club's name.")
@click.option("--rule-set", "rule_set", required=True,
              help="Rule-set code (see `flask --app donorclub rules show`).")
@click.option("--locale", type=click.Choice(sorted(LOCALES)), default="zh", show_default=True,
              help="The club's language: zh (Simplified Chinese) or en.")
@click.option("--timezone", default="Asia/Shanghai", show_default=True,
              help="IANA time zone, such as Europe/London.")
@click.option("--as", "email",
              help="The administrator account to record in the audit log (default: the "
                   "system, as for other commands).")
def create_command(slug, name, rule_set, locale, timezone, email):
    """Create a club. Nothing is created when any value is refused."""
    from .cli import _fail

    actor = None
    if email is not None:
        actor = accounts.find_user_by_email(email)
        if actor is None or not actor.is_admin or not actor.active:
            raise click.ClickException(f"No active administrator with the email {email}.")
    try:
        club = admin.create_club(actor, name=name, slug=slug, rule_set=rule_set,
                                 locale=LOCALES[locale], timezone=timezone,
                                 as_system=actor is None)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created club {club.slug} ({club.name}), rule set {club.rule_set}, "
               f"language {club.locale}, time zone {club.timezone}.")
