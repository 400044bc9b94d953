"""Reading members and their records, scoped to the clubs the user may see."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.enums import DonationKind
from ..extensions import db
from ..models import Club, Donation, Member, User
from .access import can_manage_club
from .errors import NotFound


@dataclass(frozen=True)
class DonationTotals:
    count: int
    whole_blood_ml: int
    platelet_units: int
    by_kind: dict[str, int]


def list_members(club: Club, *, page: int = 1, per_page: int = 50, q: str = ""):
    """A page of the club's members by member number; `q` matches any part of name, number
    or phone (so a Chinese name matches on any of its characters)."""
    query = sa.select(Member).where(Member.club_id == club.id)
    if q := q.strip():
        # The user's % and _ are literal characters, not wildcards.
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(
            sa.or_(*(column.ilike(pattern, escape="\\")
                     for column in (Member.full_name, Member.member_no, Member.phone)))
        )
    query = query.order_by(Member.member_no)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_member(user: User, member_id: int) -> Member:
    """The member if the user may see them; NotFound otherwise, whether or not they exist."""
    member = db.session.get(
        Member, member_id,
        options=[selectinload(Member.donations), selectinload(Member.deferrals)],
    )
    if member is None or not _may_see(user, member):
        raise NotFound(_("Member not found."))
    return member


def _may_see(user: User, member: Member) -> bool:
    if user.is_member:
        return user.member_id == member.id
    return can_manage_club(user, member.club)


def totals(donations: list[Donation]) -> DonationTotals:
    """Counts and volumes over the donations that were not voided."""
    counted = [d for d in donations if not d.is_voided]
    by_kind = {kind.value: 0 for kind in DonationKind}
    for d in counted:
        by_kind[d.kind.value] += 1
    return DonationTotals(
        count=len(counted),
        whole_blood_ml=sum(d.volume_ml for d in counted if d.kind == DonationKind.WHOLE_BLOOD),
        platelet_units=sum(
            d.therapeutic_units or 0 for d in counted if d.kind == DonationKind.PLATELETS
        ),
        by_kind=by_kind,
    )
