"""The closed vocabularies of donorclub; stored in the database as their string values."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    COORDINATOR = "coordinator"
    MEMBER = "member"


class Sex(StrEnum):
    FEMALE = "female"
    MALE = "male"


class BloodGroup(StrEnum):
    A_POS = "A+"
    A_NEG = "A-"
    B_POS = "B+"
    B_NEG = "B-"
    AB_POS = "AB+"
    AB_NEG = "AB-"
    O_POS = "O+"
    O_NEG = "O-"


class MemberStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    LEFT = "left"
    DECEASED = "deceased"


class DonationKind(StrEnum):
    WHOLE_BLOOD = "whole_blood"
    PLATELETS = "platelets"
    PLASMA = "plasma"
    DOUBLE_RED = "double_red"


class Registry(StrEnum):
    CMDP = "cmdp"
    NMDP = "nmdp"
    DKMS = "dkms"
    ANTHONY_NOLAN = "anthony_nolan"
    OTHER = "other"


class ReferralStatus(StrEnum):
    """Stages of a marrow-registry candidate (DOMAIN.md §6.2); transitions arrive with issue 7."""

    REFERRED = "referred"
    CONSENTED = "consented"
    SAMPLED = "sampled"
    TYPED = "typed"
    LISTED = "listed"
    PRELIMINARY_MATCH = "preliminary_match"
    CONFIRMATORY_TYPING = "confirmatory_typing"
    WORKUP = "workup"
    DONATED = "donated"
    FOLLOW_UP = "follow_up"
    WITHDRAWN = "withdrawn"
    MEDICALLY_DEFERRED = "medically_deferred"
    LOST_CONTACT = "lost_contact"
    AGED_OUT = "aged_out"


class DriveKind(StrEnum):
    BLOOD = "blood"
    MARROW_RECRUITMENT = "marrow_recruitment"


class MessageKind(StrEnum):
    """What a message to a member is about (services/message_drafts.py writes each)."""

    ELIGIBLE_AGAIN = "eligible_again"  # their next date for their preferred kind has come
    DRIVE_INVITATION = "drive_invitation"
    DONATION_THANKS = "donation_thanks"  # after a recorded donation, with the new totals
    CERTIFICATE_ISSUED = "certificate_issued"


class MessageChannel(StrEnum):
    EMAIL = "email"  # SMTP (services/mail.py)
    WEBHOOK = "webhook"  # a signed JSON POST to an SMS or chat gateway


class MessageStatus(StrEnum):
    """A message's place in the outbox (services/outbox.py)."""

    QUEUED = "queued"  # waiting for its next attempt (the first, or a retry after an error)
    SENDING = "sending"  # claimed by one `reminders send` run
    SENT = "sent"
    FAILED = "failed"  # given up: a permanent refusal, or too many attempts
    CANCELLED = "cancelled"  # no longer to be sent (consent withdrawn, deferred, voided, ...)


class AuditAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    VOID = "void"
    REVOKE = "revoke"
    PRINT = "print"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGIN_LOCKED = "login_locked"  # too many failed sign-ins in a row (services/lockout.py)
    UNLOCK = "unlock"  # an admin lifted such a lock
    LOGOUT = "logout"
    PASSWORD_CHANGE = "password_change"
    TOKEN_ISSUE = "token_issue"
    TOKEN_REVOKE = "token_revoke"
    COORDINATOR_ADD = "coordinator_add"
    COORDINATOR_REMOVE = "coordinator_remove"
    INVITE = "invite"
    INVITATION_ACCEPT = "invitation_accept"
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    PASSWORD_RESET_REQUEST = "password_reset_request"
    PASSWORD_RESET = "password_reset"
    EXPORT = "export"  # personal data left as a data file (CSV, .xlsx, JSON, zip, calendar)
    DOWNLOAD = "download"  # a PDF document about people (member card, nomination list)
    SESSION_END = "session_end"
    SESSIONS_END = "sessions_end"
    UNSUBSCRIBE = "unsubscribe"  # a member withdrew contact consent through a message's link


class SessionEndReason(StrEnum):
    """Why a signed-in session stopped working."""

    LOGOUT = "logout"
    IDLE = "idle"
    EXPIRED = "expired"
    EVERYWHERE = "everywhere"  # "sign out everywhere else" from another session
    REVOKED = "revoked"  # ended one by one from the sessions page
    PASSWORD = "password"
    DEACTIVATED = "deactivated"


def values(enum_cls) -> list[str]:
    """The stored string values of an enum, in declaration order (for CHECK constraints)."""
    return [member.value for member in enum_cls]
