"""Command-line interface (`flask --app donorclub ...`): parse options, call a service, echo."""
from __future__ import annotations

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .domain.enums import Role
from .domain.ruleset_markdown import to_markdown
from .domain.rulesets import RuleSetError, load_rule_set_file
from .services import accounts, demo, rules
from .services.errors import ServiceError

users_cli = AppGroup("users", help="Create accounts and API tokens.")
rules_cli = AppGroup("rules", help="Show and check donation rule sets.")


def _fail(error: ServiceError) -> None:
    message = error.message
    fields = getattr(error, "fields", None)
    if fields:
        message += " " + " ".join(f"{k}: {v}" for k, v in fields.items())
    raise click.ClickException(message.strip())


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise click.ClickException("No password on standard input.")
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_cli.command("create")
@click.option("--email", required=True, help="The login email.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--club", "clubs", multiple=True, help="Club slug (coordinators may repeat it).")
@click.option("--member-no", help="For a member login: the member number in --club.")
@click.option("--name", default="", help="Display name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email, role, clubs, member_no, name, password_stdin):
    """Create a login. The password is asked for (or read from stdin), never an argument."""
    password = _read_password(password_stdin)
    try:
        user = accounts.create_user(None, email=email, role=role, password=password, name=name,
                                    club_slugs=clubs, member_no=member_no)
    except ServiceError as error:
        _fail(error)
    click.echo(f"Created {user.role.value} {user.email}.")


@users_cli.command("token")
@click.option("--email", required=True, help="Whose token.")
@click.option("--label", default="command line", help="What the token is for.")
def token_command(email, label):
    """Print a new API token for a user. It is shown once and stored only as a hash."""
    user = accounts.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user with the email {email}.")
    click.echo(accounts.issue_api_token(None, user, label))


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Load only into a database without any club.")
@with_appcontext
def demo_data_command(if_empty):
    """Load two demo clubs with members, history and logins (idempotent)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("Demo data is not loaded in production.")
    result = demo.load_demo_data(date.today(), only_if_empty=if_empty)
    if result.loaded:
        click.echo(f"Loaded demo data: {result.clubs} clubs, {result.members} members, "
                   f"{result.donations} donations.")
    else:
        click.echo("Demo data already present (or the database has clubs): nothing loaded.")
    if result.logins:
        click.echo("Demo logins (role, email, password):")
        for role, email, password in result.logins:
            click.echo(f"  {role:<12} {email:<46} {password}")


@rules_cli.command("show")
@click.argument("code", required=False)
def rules_show_command(code):
    """Print a rule set (every number with its sources), or list them all without CODE."""
    if code is None:
        for rule_set in rules.rule_sets().values():
            state = "in force" if rule_set.in_force else "NOT IN FORCE"
            click.echo(f"{rule_set.code:<16} {state:<13} {rule_set.name}")
        return
    try:
        click.echo(to_markdown(rules.get_rule_set(code)), nl=False)
    except ServiceError as error:
        _fail(error)


@rules_cli.command("check")
@click.argument("path", type=click.Path(dir_okay=False))
def rules_check_command(path):
    """Validate a rule-set file; it may inherit from a rule set this installation knows."""
    try:
        rule_set = load_rule_set_file(path, rules.rule_sets())
    except RuleSetError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{path}: rule set {rule_set.code!r} is valid: {len(rule_set.kinds)} kinds, "
               f"{len(rule_set.intervals)} intervals, {len(rule_set.caps)} caps, "
               f"{len(rule_set.deferral_reasons)} deferral reasons.")
