"""Finding a club for the system actor (command line), outside any user's scope."""
from __future__ import annotations

import sqlalchemy as sa

from ...extensions import db
from ...models import Club


def club_for_system(slug: str) -> Club | None:
    return db.session.scalar(sa.select(Club).where(Club.slug == slug))
