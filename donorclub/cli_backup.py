"""`flask --app donorclub backup` and `restore`: the whole database to a file and back."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from .services import backup
from .services.errors import ServiceError


@click.command("backup")
@click.option("--to", "folder", type=click.Path(file_okay=False, path_type=Path),
              help="The folder to write into (default: instance/backups/).")
@click.option("--keep", type=click.IntRange(min=1),
              help="Afterwards delete all but the newest KEEP backups in that folder.")
@with_appcontext
def backup_command(folder, keep):
    """Copy the whole database into a timestamped file, safely while the app runs."""
    from .cli import _fail

    folder = folder or Path(current_app.instance_path) / "backups"
    try:
        made = backup.backup_database(backup.database_url(), folder)
        removed = backup.prune_backups(folder, keep) if keep else []
    except ServiceError as error:
        _fail(error)
    size = format(made.size, ",")
    click.echo(_("Wrote %(path)s (%(size)s bytes).", path=made.path, size=size))
    for path in removed:
        click.echo(_("Deleted the older backup %(path)s.", path=path))


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True,
              help="Replace a database that already has tables (asks first).")
@click.option("--yes", is_flag=True, help="With --force: replace without asking.")
@with_appcontext
def restore_command(path, force, yes):
    """Restore a backup file into the configured database, which must be empty.

    Stop the app (every worker) first. With --force an existing database is replaced, after a
    confirmation unless --yes is also given.
    """
    from .cli import _fail

    url = backup.database_url()
    try:
        backup.check_backup_file(url, path)
        found = backup.inspect_database(url)
        if not found.empty:
            if not force:
                raise backup.TargetNotEmpty(backup.not_empty_message(url, found), found)
            if not yes:
                click.confirm(_("Replace the %(tables)d tables (%(rows)d rows) of %(database)s "
                                "with %(path)s? This cannot be undone.", tables=found.tables,
                                rows=found.rows, database=backup.describe(url), path=path),
                              abort=True)
        restored = backup.restore_database(url, path, replace=force)
    except ServiceError as error:
        _fail(error)
    click.echo(_("Restored %(path)s into %(database)s: %(tables)d tables, %(rows)d rows.",
                 path=path, database=backup.describe(url), tables=restored.tables,
                 rows=restored.rows))
