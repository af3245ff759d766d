"""Errors raised by the store: typed, carrying the data involved; the words a member reads are the UI's job."""

from __future__ import annotations


class StoreError(Exception):
    """The store cannot do what was asked (closed, missing row, database problem)."""


class StoreClosed(StoreError):
    """The store was used after `close`."""

    def __init__(self) -> None:
        super().__init__("the store is closed")


class NotFound(StoreError):
    """A row the operation needs does not exist (``what`` names the table's row kind, ``key`` its id)."""

    what = "row"

    def __init__(self, key: int) -> None:
        self.key = key
        super().__init__(f"no {self.what} {key}")


class PostNotFound(NotFound):
    """No post with this id."""

    what = "post"


class SessionNotFound(NotFound):
    """No session with this id."""

    what = "session"


class ScheduleNotFound(NotFound):
    """The guild has no daily schedule."""

    what = "daily schedule for guild"


class IntegrityViolation(StoreError):
    """The database refused a write that breaks a constraint (driver-neutral: SQLite and PostgreSQL).

    ``kind`` is "unique", "foreign_key", "check" or "not_null"; ``constraint`` names the constraint (PostgreSQL)
    or the columns (SQLite), for the store's own decisions.
    """

    def __init__(self, kind: str, constraint: str, message: str) -> None:
        self.kind = kind
        self.constraint = constraint
        super().__init__(message)


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


class AlreadyAnswered(StoreError):
    """A member tried to answer the same post a second time."""

    def __init__(self, post_id: int, user_id: int) -> None:
        self.post_id = post_id
        self.user_id = user_id
        super().__init__(f"user {user_id} has already answered post {post_id}")


class SessionConflict(StoreError):
    """An active quiz already runs in the channel (``kind`` "quiz"), or the member already has an active
    interview in the guild (``kind`` "interview")."""

    def __init__(
        self, kind: str, *, guild_id: int | None = None, channel_id: int | None = None, owner_id: int | None = None
    ) -> None:
        self.kind = kind
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.owner_id = owner_id
        where = f"channel {channel_id}" if kind == "quiz" else f"member {owner_id} of guild {guild_id}"
        super().__init__(f"an active {kind} already exists for {where}")
