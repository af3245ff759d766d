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
# Only the settings being changed are written (`set_<name>` = 1), in one statement: two changes of different
# settings at once (two connections on PostgreSQL) both land, neither overwrites the other with a stale value.
_UPSERT = f"""
INSERT INTO guild_settings ({_COLUMNS})
VALUES (:guild_id, :timezone, :spoilers, :quiz_role_id, :default_bank)
ON CONFLICT (guild_id) DO UPDATE SET
    timezone = CASE WHEN :set_timezone = 1 THEN excluded.timezone ELSE guild_settings.timezone END,
    spoilers = CASE WHEN :set_spoilers = 1 THEN excluded.spoilers ELSE guild_settings.spoilers END,
    quiz_role_id = CASE WHEN :set_quiz_role_id = 1 THEN excluded.quiz_role_id ELSE guild_settings.quiz_role_id END,
    default_bank = CASE WHEN :set_default_bank = 1 THEN excluded.default_bank ELSE guild_settings.default_bank END
RETURNING {_COLUMNS}
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
        default = GuildSettings(guild_id)
        values: dict[str, Any] = {"guild_id": guild_id}
        for name in _FIELDS:
            values[name] = changes.get(name, getattr(default, name))
            values[f"set_{name}"] = int(name in changes)
        values["spoilers"] = int(values["spoilers"])
        async with self._db.transaction() as tx:
            row = await tx.fetchone(_UPSERT, values)
        return _row(guild_id, row)
