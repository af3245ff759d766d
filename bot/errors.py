"""Errors a user can fix: the tree's error handler shows their message ephemerally."""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is safe and useful to show to the member who caused it."""


class BankError(UserError):
    """A question bank is broken or a bank/topic name does not exist."""


class SessionError(UserError):
    """A quiz, interview or daily action cannot be done in the current state."""


class PermissionDenied(UserError):
    """The member lacks the permission an action needs."""
