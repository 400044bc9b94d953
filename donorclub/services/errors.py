"""Exceptions services raise; web, API and CLI turn them into messages and status codes."""
from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The object does not exist, or the caller may not know that it does."""


class PermissionDenied(ServiceError):
    """The caller is known but may not do this."""


class Conflict(ServiceError):
    """The change clashes with the stored state (a duplicate, a concurrent edit)."""


class InvalidInput(ServiceError):
    """Input failed validation; `fields` maps field names to messages."""

    def __init__(self, message: str = "", fields: dict[str, str] | None = None):
        super().__init__(message)
        self.fields = fields or {}


class NotEligible(ServiceError):
    """The donor may not give on that day; `reasons` are the engine's codes."""

    def __init__(self, message: str = "", reasons: list | None = None):
        super().__init__(message)
        self.reasons = reasons or []
