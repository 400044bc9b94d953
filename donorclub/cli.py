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
        if result.messages:
            click.echo(f"{result.messages} reminders queued: `flask --app donorclub reminders "
                       "send` delivers them (into instance/outbox/ while MAIL_SERVER is empty).")
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


import_cli = AppGroup("import", help="Import a club's history from CSV or .xlsx.")
export_cli = AppGroup("export", help="Export a club's records as CSV or .xlsx.")


def _transfer_actor_and_club(slug: str, email: str | None):
    """The acting user (--as, who must be staff of the club) or the system, and the club."""
    from .services import clubs
    from .services.transfer.scoping import club_for_system

    if email is None:
        club = club_for_system(slug)
        if club is None:
            raise click.ClickException(f"No club with the slug {slug}.")
        return None, club
    actor = accounts.find_user_by_email(email)
    if actor is None or actor.is_member:
        raise click.ClickException(f"No staff account with the email {email}.")
    try:
        return actor, clubs.get_club(actor, slug)
    except ServiceError as error:
        _fail(error)


def _make_import_command(table: str):
    @import_cli.command(table, help=f"Import {table} of a club from a CSV or .xlsx FILE "
                                     "(all or nothing).")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--club", "slug", required=True, help="The club's slug.")
    @click.option("--dry-run", is_flag=True, help="Check and count; write nothing.")
    @click.option("--exclude-bad-rows", is_flag=True, help="Import the good rows, skip bad ones.")
    @click.option("--as", "email", help="Act as this staff account (default: the system).")
    def command(path, slug, dry_run, exclude_bad_rows, email):
        from pathlib import Path

        from .services.transfer import import_file

        actor, club = _transfer_actor_and_club(slug, email)
        data = Path(path).read_bytes()
        bar = {}

        def progress(done, total):
            if total < 5000:
                return
            if "bar" not in bar:
                bar["bar"] = click.progressbar(length=total, label=f"Checking {table}",
                                               file=sys.stderr)
                bar["bar"].__enter__()
            bar["bar"].update(done - bar["bar"].pos)

        try:
            report = import_file(actor, club, table, Path(path).name, data, dry_run=dry_run,
                                 exclude_bad_rows=exclude_bad_rows, progress=progress)
        except ServiceError as error:
            _fail(error)
        finally:
            if "bar" in bar:
                bar["bar"].__exit__(None, None, None)
        for message in report.file_errors:
            click.echo(f"Error: {message}", err=True)
        for problem in report.problems:
            click.echo(f"Line {problem.line}: {problem.message}", err=True)
        verb = "would be" if dry_run or report.blocked else "were"
        click.echo(f"{report.rows} rows: {report.created} {verb} created, {report.updated} "
                   f"{verb} updated, {report.skipped} skipped as already stored, "
                   f"{len(report.problems)} bad.")
        if report.blocked:
            raise click.ClickException("Nothing was imported: fix the file or use "
                                       "--exclude-bad-rows." if not report.file_errors
                                       else "Nothing was imported.")
        click.echo("Dry run: nothing was written." if dry_run else "Imported.")

    return command


for _table in ("members", "donations", "deferrals", "referrals", "hours"):
    _make_import_command(_table)


def _make_export_command(table: str):
    @export_cli.command(table, help=(
        "Export every table of a club into one .xlsx (a sheet each)." if table == "all"
        else f"Export {table} of a club as CSV or .xlsx."))
    @click.option("--club", "slug", required=True, help="The club's slug.")
    @click.option("--out", required=True, type=click.Path(dir_okay=False),
                  help="The file to write; .xlsx or .csv by its extension.")
    @click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), help="First day.")
    @click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), help="Last day.")
    @click.option("--as", "email", help="Act as this staff account (default: the system).")
    @click.option("--lang", type=click.Choice(["en", "zh"]), default="en", help="Header language.")
    def command(slug, out, date_from, date_to, email, lang):
        from pathlib import Path

        from .services import download_audit
        from .services.transfer import export_club

        actor, club = _transfer_actor_and_club(slug, email)
        fmt = "xlsx" if out.lower().endswith(".xlsx") else "csv"
        try:
            _name, _mime, content = export_club(
                club, table, fmt, date_from.date() if date_from else None,
                date_to.date() if date_to else None, lang)
        except ServiceError as error:
            _fail(error)
        Path(out).write_bytes(content)
        # Data leaving from the shell is audited like a download from the web.
        download_audit.record_download(
            actor, club, download_audit.CLUB_EXPORT, fmt,
            rows=download_audit.csv_rows(content) if fmt == "csv" else None,
            table=table, since=date_from.date() if date_from else None,
            until=date_to.date() if date_to else None)
        click.echo(f"Wrote {out} ({len(content)} bytes).")

    return command


for _table in ("members", "donations", "deferrals", "referrals", "hours", "all"):
    _make_export_command(_table)
