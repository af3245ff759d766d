"""Per-guild settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.store.db import Database, Row, zone

_FIELDS = ("timezone", "spoilers", "quiz_role_id", "default_bank")


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """A guild's settings; a guild without a row gets the defaults."""

    guild_id: int
    timezone: str = "UTC"
    spoilers: bool = False
    quiz_role_id: int | None = None
    default_bank: str | None = None


_COLUMNS = "guild_id, timezone, spoilers, quiz_role_id, default_bank"
_GET = f"SELECT {_COLUMNS} FROM guild_settings WHERE guild_id = ?"  # noqa: S608 (a constant column list)
_UPSERT = f"""
INSERT INTO guild_settings ({_COLUMNS})
VALUES (:guild_id, :timezone, :spoilers, :quiz_role_id, :default_bank)
ON CONFLICT (guild_id) DO UPDATE SET
    timezone = excluded.timezone,
    spoilers = excluded.spoilers,
    quiz_role_id = excluded.quiz_role_id,
    default_bank = excluded.default_bank
"""  # noqa: S608 (constant column list)


def _row(guild_id: int, row: Row | None) -> GuildSettings:
    if row is None:
        return GuildSettings(guild_id)
    return GuildSettings(
        guild_id=row["guild_id"],
        timezone=row["timezone"],
        spoilers=bool(row["spoilers"]),
        quiz_role_id=row["quiz_role_id"],
        default_bank=row["default_bank"],
    )


def _validate(changes: dict[str, Any]) -> None:
    unknown = sorted(set(changes) - set(_FIELDS))
    if unknown:
        raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(_FIELDS)}")
    if "timezone" in changes:
        zone(changes["timezone"])
    if "spoilers" in changes and not isinstance(changes["spoilers"], bool):
        raise ValueError(f"spoilers must be a bool, got {changes['spoilers']!r}")
    role = changes.get("quiz_role_id")
    if role is not None and (isinstance(role, bool) or not isinstance(role, int)):
        raise ValueError(f"quiz_role_id must be an int or None, got {role!r}")
    bank = changes.get("default_bank")
    if bank is not None and (not isinstance(bank, str) or not bank):
        raise ValueError(f"default_bank must be a non-empty str or None, got {bank!r}")


class SettingsMixin:
    """Store methods for guild settings."""

    _db: Database

    async def get_settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings (defaults when never set)."""
        return _row(guild_id, await self._db.fetchone(_GET, (guild_id,)))

    async def update_settings(self, guild_id: int, /, **changes: Any) -> GuildSettings:
        """Change some of timezone, spoilers, quiz_role_id, default_bank; ValueError for anything else."""
        _validate(changes)
        async with self._db.transaction() as tx:
            current = _row(guild_id, await tx.fetchone(_GET, (guild_id,)))
            values = {
                "guild_id": guild_id,
                "timezone": changes.get("timezone", current.timezone),
                "spoilers": int(changes.get("spoilers", current.spoilers)),
                "quiz_role_id": changes.get("quiz_role_id", current.quiz_role_id),
                "default_bank": changes.get("default_bank", current.default_bank),
            }
            await tx.execute(_UPSERT, values)
        return GuildSettings(
            guild_id=guild_id,
            timezone=values["timezone"],
            spoilers=bool(values["spoilers"]),
            quiz_role_id=values["quiz_role_id"],
            default_bank=values["default_bank"],
        )
