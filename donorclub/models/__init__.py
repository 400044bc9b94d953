"""Typed SQLAlchemy models, one module per aggregate; importing this registers them all."""
from .audit import AuditEvent
from .certificate import Certificate
from .club import Club, club_coordinators
from .donation import Deferral, Donation
from .drive import Drive
from .member import Member
from .referral import Referral, ReferralEvent
from .user import ApiToken, User

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Certificate",
    "Club",
    "Deferral",
    "Donation",
    "Drive",
    "Member",
    "Referral",
    "ReferralEvent",
    "User",
    "club_coordinators",
]
