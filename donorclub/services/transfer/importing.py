"""Importing a file: read, check every row (dry run), then write it all in one transaction."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...domain.enums import AuditAction
from ...extensions import db
from ...models import AuditEvent, Club, User
from ...models.types import utcnow
from .. import audit
from ..errors import Conflict, InvalidInput
from .columns import TABLES, CellError, header_index
from .reading import UnreadableFile, read_sheet
from .tables import TABLE_CLASSES, RowError

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
PROGRESS_EVERY = 1000


class FileTooLarge(InvalidInput):
    """The upload is over MAX_UPLOAD_BYTES."""


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do)."""

    table: str
    dry_run: bool
    exclude_bad_rows: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    file_errors: list[str] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    applied: bool = False

    @property
    def blocked(self) -> bool:
        """True when nothing may be written: the file is unusable, or rows are bad and were
        not excluded."""
        return bool(self.file_errors) or (bool(self.problems) and not self.exclude_bad_rows)


def check_size(size: int) -> None:
    if size > MAX_UPLOAD_BYTES:
        raise FileTooLarge(_("The file is larger than %(mb)d MB: split it into smaller files.",
                             mb=MAX_UPLOAD_BYTES // (1024 * 1024)))


def import_file(actor: User | None, club: Club, table: str, filename: str, data: bytes, *,
                dry_run: bool = True, exclude_bad_rows: bool = False, today: date | None = None,
                progress: Callable[[int, int], None] | None = None) -> ImportReport:
    """Check every row of `data` (CSV or .xlsx) for `table` of `club`, and unless this is a dry
    run, write the new and changed rows in one transaction with one audit event each (actor
    None = the system). Imported history is not checked against the eligibility rules.

    Rows already stored are skipped (members are updated when anything differs). A file with
    file errors or bad rows writes nothing, unless `exclude_bad_rows` leaves the bad rows out.
    Raises FileTooLarge over the size limit and Conflict when the data changed underneath.
    """
    if table not in TABLES:
        raise InvalidInput(_("Unknown table."), {"table": _("Choose what the file holds.")})
    check_size(len(data))
    report = ImportReport(table, dry_run, exclude_bad_rows)
    try:
        sheet = read_sheet(filename, data, sheet_name=table)
    except UnreadableFile as error:
        report.file_errors.append(str(error))
        return report
    positions, missing = header_index(table, sheet.headers)
    if missing:
        report.file_errors.append(_("Required columns are missing: %(columns)s.",
                                    columns=", ".join(missing)))
        return report
    if not sheet.rows:
        report.file_errors.append(_("The file has a header row but no data rows."))
        return report
    spec = TABLE_CLASSES[table](club, today or date.today())
    spec.load()
    planned = _plan(spec, table, positions, sheet.rows, report, progress)
    if report.blocked or dry_run:
        return report
    _apply(actor, club, spec, planned)
    report.applied = True
    return report


def _parse(table: str, positions: dict[str, int], cells: list) -> dict:
    values, errors = {}, []
    for column in TABLES[table]:
        if column.key not in positions:
            continue
        pos = positions[column.key]
        raw = cells[pos] if pos < len(cells) else None
        try:
            value = column.parse(raw)
        except CellError as error:
            errors.append(f"{column.key}: {error}")
            continue
        if column.required and value in (None, ""):
            errors.append(_("%(column)s is empty", column=column.key))
        values[column.key] = value
    if errors:
        raise RowError("; ".join(errors))
    return values


def _plan(spec, table, positions, rows, report: ImportReport, progress) -> list[tuple]:
    seen: dict = {}
    planned = []
    counts = {"create": 0, "update": 0, "skip": 0}
    for done, (line, cells) in enumerate(rows, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(rows))
        try:
            key, record = spec.check(_parse(table, positions, cells))
        except RowError as error:
            report.problems.append(RowProblem(line, str(error)))
            continue
        if key in seen:
            report.problems.append(RowProblem(line, _("duplicate of line %(line)d",
                                                      line=seen[key])))
            continue
        seen[key] = line
        action, existing = spec.plan(key, record)
        counts[action] += 1
        if action != "skip":
            planned.append((action, record, existing))
    if progress:
        progress(len(rows), len(rows))
    report.rows = len(rows)
    report.created, report.updated, report.skipped = (counts["create"], counts["update"],
                                                      counts["skip"])
    return planned


def _apply(actor: User | None, club: Club, spec, planned: list[tuple]) -> None:
    """Write everything and its audit events, then commit once; roll back on any failure."""
    now = utcnow()
    try:
        created = [spec.build(record, actor, now) for action, record, _ in planned
                   if action == "create"]
        db.session.add_all(created)
        updated = []
        for action, record, obj in planned:
            if action == "update":
                before = audit.snapshot(obj)
                spec.update(obj, record)
                updated.append((obj, before))
        db.session.flush()
        events = [_event(actor, club, AuditAction.CREATE, obj, None, audit.snapshot(obj))
                  for obj in created]
        for obj, before in updated:
            old, new = audit.changed(before, audit.snapshot(obj))
            events.append(_event(actor, club, AuditAction.UPDATE, obj, old, new))
        if events:
            db.session.execute(sa.insert(AuditEvent), events)
        db.session.commit()
    except sa.exc.IntegrityError as error:
        db.session.rollback()
        raise Conflict(_("The club's records changed while importing; nothing was imported. "
                         "Run the import again.")) from error
    except BaseException:
        db.session.rollback()
        raise


def _event(actor, club, action, obj, before, after) -> dict:
    """The event `audit.record` writes, as a row for one bulk insert: `record` flushes once per
    call, which would dominate the time of a 100,000-row import (the rows were flushed together
    just before, so their ids are known)."""
    return {"occurred_at": utcnow(), "actor_id": actor.id if actor else None,
            "action": str(action), "entity_type": obj.__tablename__, "entity_id": obj.id,
            "club_id": club.id, "before": before, "after": after}
