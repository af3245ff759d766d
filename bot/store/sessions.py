"""Quiz rounds and interviews: generic rows whose JSON `state` the domain serialises, so they survive a restart."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from bot.store.db import Database, Row, from_us, to_us
from bot.store.errors import IntegrityViolation, SessionConflict, SessionNotFound

SessionKind = Literal["quiz", "interview"]
SESSION_KINDS: tuple[str, ...] = ("quiz", "interview")


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A quiz round or an interview, with the domain's state."""

    id: int
    kind: str
    guild_id: int
    channel_id: int
    owner_id: int
    state: dict[str, Any]
    active: bool
    created_at: datetime
    updated_at: datetime


SESSION_COLUMNS = "id, kind, guild_id, channel_id, owner_id, state, active, created_at, updated_at"
_INSERT = f"""
INSERT INTO sessions (kind, guild_id, channel_id, owner_id, state, active, created_at, updated_at)
VALUES (:kind, :guild_id, :channel_id, :owner_id, :state, 1, :now, :now)
RETURNING {SESSION_COLUMNS}
"""  # noqa: S608 (constant column list)
_UPDATE = "UPDATE sessions SET state = ?, updated_at = ? WHERE id = ?"
_UPDATE_CHANNEL = "UPDATE sessions SET state = ?, updated_at = ?, channel_id = ? WHERE id = ?"
_FINISH = "UPDATE sessions SET active = 0, finished_at = :now, updated_at = :now WHERE id = :id AND active = 1"
_EXISTS = "SELECT 1 FROM sessions WHERE id = ?"
_SELECT = f"SELECT {SESSION_COLUMNS} FROM sessions"  # noqa: S608 (a constant column list)
_GET = f"{_SELECT} WHERE id = ?"
_ACTIVE_ALL = f"{_SELECT} WHERE active = 1 ORDER BY id"
_ACTIVE_KIND = f"{_SELECT} WHERE active = 1 AND kind = ? ORDER BY id"
_IN_CHANNEL = f"{_SELECT} WHERE active = 1 AND channel_id = ? AND kind = ? ORDER BY id LIMIT 1"
_OF_OWNER = f"{_SELECT} WHERE active = 1 AND guild_id = ? AND owner_id = ? AND kind = ? ORDER BY id LIMIT 1"


def _session(row: Row) -> SessionRow:
    return SessionRow(
        id=row["id"],
        kind=row["kind"],
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        owner_id=row["owner_id"],
        state=json.loads(row["state"]),
        active=bool(row["active"]),
        created_at=from_us(row["created_at"]),
        updated_at=from_us(row["updated_at"]),
    )


def _state(state: dict[str, Any]) -> str:
    if not isinstance(state, dict):
        raise ValueError(f"state must be a dict, got {type(state).__name__}")
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _kind(kind: str) -> str:
    if kind not in SESSION_KINDS:
        raise ValueError(f"kind must be one of {SESSION_KINDS}, got {kind!r}")
    return kind


def _is_conflict(exc: IntegrityViolation) -> bool:
    return exc.kind == "unique"


class SessionsMixin:
    """Store methods for quiz rounds and interviews."""

    _db: Database

    async def create_session(
        self,
        *,
        kind: SessionKind,
        guild_id: int,
        channel_id: int,
        owner_id: int,
        state: dict[str, Any],
        now: datetime,
    ) -> SessionRow:
        """Start a session; SessionConflict if the channel has an active quiz / the owner an active interview."""
        params = {
            "kind": _kind(kind),
            "guild_id": guild_id,
            "channel_id": channel_id,
            "owner_id": owner_id,
            "state": _state(state),
            "now": to_us(now),
        }
        try:
            async with self._db.transaction() as tx:
                row = await tx.fetchone(_INSERT, params)
        except IntegrityViolation as exc:
            if _is_conflict(exc):
                raise SessionConflict(kind, guild_id=guild_id, channel_id=channel_id, owner_id=owner_id) from exc
            raise
        assert row is not None
        return _session(row)

    async def update_session(
        self, session_id: int, *, state: dict[str, Any], now: datetime, channel_id: int | None = None
    ) -> None:
        """Replace the session's state (and optionally move it to another channel)."""
        encoded, at = _state(state), to_us(now)
        try:
            async with self._db.transaction() as tx:
                if channel_id is None:
                    changed = await tx.execute(_UPDATE, (encoded, at, session_id))
                else:
                    changed = await tx.execute(_UPDATE_CHANNEL, (encoded, at, channel_id, session_id))
                if changed == 0:
                    raise SessionNotFound(session_id)
        except IntegrityViolation as exc:
            if _is_conflict(exc):
                raise SessionConflict("quiz", channel_id=channel_id) from exc
            raise

    async def finish_session(self, session_id: int, now: datetime) -> None:
        """Mark the session finished (a no-op if it already is); SessionNotFound if it does not exist."""
        at = to_us(now)
        async with self._db.transaction() as tx:
            if await tx.execute(_FINISH, {"now": at, "id": session_id}) == 0 and (
                await tx.fetchone(_EXISTS, (session_id,)) is None
            ):
                raise SessionNotFound(session_id)

    async def get_session(self, session_id: int) -> SessionRow | None:
        """The session with this id (active or finished), or None."""
        row = await self._db.fetchone(_GET, (session_id,))
        return None if row is None else _session(row)

    async def active_sessions(self, kind: str | None = None) -> list[SessionRow]:
        """Active sessions, oldest first, optionally of one kind (to resume them after a restart)."""
        if kind is None:
            rows = await self._db.fetchall(_ACTIVE_ALL)
        else:
            rows = await self._db.fetchall(_ACTIVE_KIND, (_kind(kind),))
        return [_session(r) for r in rows]

    async def active_session_in_channel(self, channel_id: int, kind: str) -> SessionRow | None:
        """The active session of that kind in the channel, or None."""
        row = await self._db.fetchone(_IN_CHANNEL, (channel_id, _kind(kind)))
        return None if row is None else _session(row)

    async def active_session_of(self, guild_id: int, owner_id: int, kind: str) -> SessionRow | None:
        """The member's active session of that kind in the guild, or None."""
        row = await self._db.fetchone(_OF_OWNER, (guild_id, owner_id, _kind(kind)))
        return None if row is None else _session(row)
