"""Reading clubs, scoped to what the user may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from ..domain.enums import DonationKind, MemberStatus
from ..extensions import db
from ..models import Club, Donation, Member, User
from .access import can_manage_club, visible_club_ids
from .errors import NotFound


@dataclass(frozen=True)
class ClubSummary:
    club: Club
    members: int
    active_members: int
    donations_last_year: int
    whole_blood_ml_last_year: int


def clubs_for(user: User) -> list[Club]:
    query = sa.select(Club).order_by(Club.name)
    ids = visible_club_ids(user)
    if ids is not None:
        query = query.where(Club.id.in_(ids))
    return list(db.session.scalars(query))


def get_club(user: User, slug: str) -> Club:
    """The club with this slug if the user may manage it; NotFound otherwise (even if it exists)."""
    club = db.session.scalar(sa.select(Club).where(Club.slug == slug))
    if club is None or not can_manage_club(user, club):
        raise NotFound(_("Club not found."))
    return club


def summaries_for(user: User, today: date) -> list[ClubSummary]:
    """One row of headline numbers per visible club, in four grouped queries in all."""
    clubs = clubs_for(user)
    ids = [c.id for c in clubs]
    if not ids:
        return []
    since = today - timedelta(days=365)
    members = dict(
        db.session.execute(
            sa.select(Member.club_id, sa.func.count()).where(Member.club_id.in_(ids))
            .group_by(Member.club_id)
        ).all()
    )
    active = dict(
        db.session.execute(
            sa.select(Member.club_id, sa.func.count())
            .where(Member.club_id.in_(ids), Member.status == MemberStatus.ACTIVE)
            .group_by(Member.club_id)
        ).all()
    )
    recent = sa.select(Member.club_id, Donation.kind, Donation.volume_ml).join(Member).where(
        Member.club_id.in_(ids), Donation.voided_at.is_(None), Donation.donated_on > since,
        Donation.donated_on <= today,
    ).subquery()
    counts, volumes = {}, {}
    for club_id, kind, n, ml in db.session.execute(
        sa.select(recent.c.club_id, recent.c.kind, sa.func.count(), sa.func.sum(recent.c.volume_ml))
        .group_by(recent.c.club_id, recent.c.kind)
    ):
        counts[club_id] = counts.get(club_id, 0) + n
        if kind == DonationKind.WHOLE_BLOOD:
            volumes[club_id] = int(ml or 0)
    return [
        ClubSummary(c, members.get(c.id, 0), active.get(c.id, 0), counts.get(c.id, 0),
                    volumes.get(c.id, 0))
        for c in clubs
    ]
