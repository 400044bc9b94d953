"""Who may see which club: coordinators their own clubs, members their own club, admins all."""
from __future__ import annotations

import sqlalchemy as sa

from ..domain.enums import Role
from ..extensions import db
from ..models import Club, User, club_coordinators


def visible_club_ids(user: User) -> list[int] | None:
    """None for admins (every club); otherwise the ids of the clubs the user works in."""
    if user.role == Role.ADMIN:
        return None
    if user.role == Role.COORDINATOR:
        return list(
            db.session.scalars(
                sa.select(club_coordinators.c.club_id).where(club_coordinators.c.user_id == user.id)
            )
        )
    return []  # members see their own record through the portal, not a club's


def can_manage_club(user: User, club: Club) -> bool:
    ids = visible_club_ids(user)
    return ids is None or club.id in ids
