"""Reading members and their records, scoped to the clubs the user may see."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..domain.awards import award_count
from ..domain.enums import BloodGroup, DonationKind, MemberStatus
from ..extensions import db
from ..models import AuditEvent, Certificate, Club, Deferral, Donation, Member, Referral, User
from ..models.search import contains_text
from .access import can_manage_club
from .eligibility import club_eligibility, donation_facts
from .errors import NotFound
from .rules import rule_set_for


@dataclass(frozen=True)
class DonationTotals:
    count: int
    whole_blood_ml: int
    platelet_units: int
    by_kind: dict[str, int]
    award_count: float = 0.0


@dataclass
class MemberFilters:
    """What the member list can be narrowed and ordered by."""

    q: str = ""
    blood_group: str = ""  # "", "unknown" or a blood group
    status: str = ""
    deferred_on: date | None = None  # only members a deferral blocks on that day
    has_referral: bool = False
    eligible_kind: str = ""  # with eligible_on: only members who may give that kind that day
    eligible_on: date | None = None
    sort: str = "member_no"


@dataclass
class Page:
    """One page of a list: the attributes the templates use, as Flask-SQLAlchemy names them."""

    items: list
    page: int
    per_page: int
    total: int

    @classmethod
    def of(cls, rows: list, page: int, per_page: int) -> Page:
        """Page `page` (from 1) of a list already made in full."""
        return cls(rows[(page - 1) * per_page: page * per_page], page, per_page, len(rows))

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


_SORTS = {
    "member_no": (Member.member_no,),
    "name": (Member.name_sort_key, Member.member_no),  # pinyin order for Chinese names
    "joined": (Member.joined_on.desc(), Member.member_no),
    "age": (Member.date_of_birth.desc(), Member.member_no),
}


def list_members(club: Club, *, page: int = 1, per_page: int = 50, q: str = "",
                 filters: MemberFilters | None = None) -> Page:
    """A page of the club's members. `q` matches any part of the name, number or phone (so a
    Chinese name matches on any of its characters); filters narrow in SQL, except eligibility
    on a day, which the rules engine decides for the members the other filters leave."""
    filters = filters or MemberFilters(q=q)
    query = sa.select(Member).where(Member.club_id == club.id, *_conditions(filters))
    query = query.order_by(*_SORTS.get(filters.sort, _SORTS["member_no"]))
    page = max(page, 1)
    if not (filters.eligible_kind and filters.eligible_on):
        total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
        items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
        return Page(list(items), page, per_page, total)
    ids = list(db.session.scalars(query.with_only_columns(Member.id)))
    answers = club_eligibility(club.id, rule_set_for(club), filters.eligible_on,
                               member_ids=ids if len(ids) < 5000 else None)
    kind = filters.eligible_kind
    eligible = [i for i in ids if i in answers and kind in answers[i].kinds
                and answers[i][kind].eligible]
    chosen = Page.of(eligible, page, per_page)
    by_id = {m.id: m for m in db.session.scalars(
        sa.select(Member).where(Member.id.in_(chosen.items)))}
    return Page([by_id[i] for i in chosen.items], page, per_page, chosen.total)


def members_by_id(club: Club, ids: list[int]) -> dict[int, Member]:
    """The club's members with these ids, in one query: the whole rows of one page of a list
    that was made from a few columns (other clubs' ids are left out)."""
    if not ids:
        return {}
    return {m.id: m for m in db.session.scalars(
        sa.select(Member).where(Member.club_id == club.id, Member.id.in_(ids)))}


def _conditions(filters: MemberFilters) -> list:
    conditions = []
    if q := filters.q.strip():
        conditions.append(sa.or_(*(contains_text(column, q) for column in (
            Member.full_name, Member.member_no, Member.phone))))
    if filters.blood_group == "unknown":
        conditions.append(Member.blood_group.is_(None))
    elif filters.blood_group:
        conditions.append(Member.blood_group == BloodGroup(filters.blood_group))
    if filters.status:
        conditions.append(Member.status == MemberStatus(filters.status))
    if filters.deferred_on:
        day = filters.deferred_on
        conditions.append(sa.exists().where(
            Deferral.member_id == Member.id, Deferral.starts_on <= day,
            sa.or_(Deferral.ends_on.is_(None), Deferral.ends_on > day)))
    if filters.has_referral:
        conditions.append(sa.exists().where(Referral.referrer_id == Member.id))
    return conditions


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


def totals(donations: list[Donation], rule_set=None) -> DonationTotals:
    """Counts and volumes over the donations that were not voided, and their worth toward
    awards under the rule set when one is given."""
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
        award_count=award_count(donation_facts(counted), rule_set) if rule_set else 0.0,
    )


def referrals_made(member: Member) -> list[Referral]:
    """The marrow-registry candidates this member persuaded, newest first."""
    return list(db.session.scalars(
        sa.select(Referral).where(Referral.referrer_id == member.id)
        .order_by(Referral.referred_on.desc(), Referral.id.desc())))


def certificates_of(member: Member) -> list[Certificate]:
    return list(db.session.scalars(
        sa.select(Certificate).where(Certificate.member_id == member.id)
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())))


def audit_trail(member: Member, limit: int = 100) -> list[AuditEvent]:
    """Changes to the member, their donations and deferrals, newest first.

    Each of the three is its own lookup on the (entity type, entity id) index, and only the
    newest `limit` ids of them all are loaded: with the three joined by OR, PostgreSQL walked
    the whole audit log newest first to find a member's few rows (262 ms among 110,000)."""
    donation_ids = sa.select(Donation.id).where(Donation.member_id == member.id)
    deferral_ids = sa.select(Deferral.id).where(Deferral.member_id == member.id)
    found = sa.union_all(*(
        sa.select(AuditEvent.id, AuditEvent.occurred_at).where(
            AuditEvent.entity_type == entity_type, condition)
        for entity_type, condition in (("members", AuditEvent.entity_id == member.id),
                                       ("donations", AuditEvent.entity_id.in_(donation_ids)),
                                       ("deferrals", AuditEvent.entity_id.in_(deferral_ids)))
    )).subquery()
    newest = (sa.select(found.c.id).order_by(found.c.occurred_at.desc(), found.c.id.desc())
              .limit(limit))
    return list(db.session.scalars(
        sa.select(AuditEvent).options(selectinload(AuditEvent.actor))
        .where(AuditEvent.id.in_(newest))
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())))
