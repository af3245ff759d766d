"""Errors raised by the store."""

from __future__ import annotations

from bot.errors import SessionError, UserError


class StoreError(Exception):
    """The store cannot do what was asked (closed, missing row, database problem)."""


class SchemaTooNew(StoreError):
    """The database file was written by a newer Viva than this one."""

    def __init__(self, path: str, found: int, known: int) -> None:
        self.path = path
        self.found = found
        self.known = known
        super().__init__(
            f"database {path!r} has schema version {found}, but this version of Viva only knows schema "
            f"versions up to {known}; upgrade Viva (or restore a backup made for this version)"
        )


class AlreadyAnswered(StoreError, UserError):
    """A member tried to answer the same post a second time."""

    def __init__(self, post_id: int, user_id: int) -> None:
        self.post_id = post_id
        self.user_id = user_id
        super().__init__("You have already answered this question.")


class SessionConflict(StoreError, SessionError):
    """An active quiz already runs in the channel, or the member already has an active interview."""
