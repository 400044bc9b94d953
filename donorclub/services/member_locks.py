"""Serialising the writes that change one member's donation record (check, then write)."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from ..models import Member


def lock_members(*members: Member) -> None:
    """Hold each member's write lock until the transaction ends, then reload what the rules
    read (the member row, its donations and deferrals), so a check made after this call sees
    every write committed before it and no other writer can slip in until the commit.

    Without it two requests can both check, both pass, and both insert, e.g. two whole-blood
    donations ten days apart where the rules want six months between them.

    PostgreSQL: SELECT ... FOR UPDATE on the member rows, in id order so two requests locking
    several members (a drive's results) cannot deadlock. SQLite has no row locks: a no-op
    UPDATE of the member row as the transaction's first write takes the database's write
    lock before anything is read (pysqlite only opens the transaction at the first write, and
    reads before it see the latest commit); other writers wait up to the busy timeout set in
    extensions.py. Either way the lock is released by the caller's commit or rollback.
    """
    ids = sorted({member.id for member in members})
    if not ids:
        return
    db.session.flush()
    if db.session.get_bind().dialect.name == "sqlite":
        # updated_at = updated_at changes nothing (not even the timestamp, which an ORM or
        # Core update would bump) and touches no key, so no foreign key is checked.
        db.session.execute(sa.text("UPDATE members SET updated_at = updated_at WHERE id = :id"),
                           [{"id": member_id} for member_id in ids])
    db.session.scalars(
        sa.select(Member).where(Member.id.in_(ids)).order_by(Member.id).with_for_update()
        .execution_options(populate_existing=True)).all()
    for member in members:
        db.session.expire(member, ["donations", "deferrals"])
