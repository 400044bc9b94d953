"""Typed SQLAlchemy models, one module per aggregate; importing this registers them all."""
from .audit import AuditEvent
from .certificate import Certificate
from .club import Club, club_coordinators
from .donation import Deferral, Donation
from .drive import Drive, DriveParticipant
from .member import Member
from .outbox import OutboxMessage
from .referral import Referral, ReferralEvent
from .user import ApiToken, User
from .user_session import UserSession
from .volunteering import VolunteerService

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Certificate",
    "Club",
    "Deferral",
    "Donation",
    "Drive",
    "DriveParticipant",
    "Member",
    "OutboxMessage",
    "Referral",
    "ReferralEvent",
    "User",
    "UserSession",
    "VolunteerService",
    "club_coordinators",
]
