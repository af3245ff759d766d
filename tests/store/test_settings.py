"""Guild settings: defaults, partial updates, validation, persistence."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.store import GuildSettings, Store, open_store


async def test_defaults_when_never_set(store: Store) -> None:
    assert await store.get_settings(5) == GuildSettings(5, "UTC", False, None, None)


async def test_updates_change_only_the_given_fields(store: Store) -> None:
    first = await store.update_settings(5, timezone="Europe/Berlin", spoilers=True)
    assert first == GuildSettings(5, "Europe/Berlin", True, None, None)
    second = await store.update_settings(5, quiz_role_id=123, default_bank="flask")
    assert second == GuildSettings(5, "Europe/Berlin", True, 123, "flask")
    cleared = await store.update_settings(5, quiz_role_id=None)
    assert cleared == GuildSettings(5, "Europe/Berlin", True, None, "flask")
    assert await store.get_settings(5) == cleared
    assert await store.get_settings(6) == GuildSettings(6)  # other guilds untouched
    assert await store.update_settings(5) == cleared  # no changes: current settings


@pytest.mark.parametrize(
    "changes",
    [
        {"colour": "red"},
        {"guild_id": 9},
        {"timezone": "Mars/Olympus_Mons"},
        {"timezone": ""},
        {"spoilers": "yes"},
        {"quiz_role_id": "123"},
        {"quiz_role_id": True},
        {"default_bank": ""},
    ],
)
async def test_invalid_changes_raise_value_error_and_change_nothing(store: Store, changes: dict) -> None:
    await store.update_settings(5, timezone="Asia/Tokyo")
    with pytest.raises(ValueError):
        await store.update_settings(5, **changes)
    assert await store.get_settings(5) == GuildSettings(5, "Asia/Tokyo")


async def test_settings_survive_a_restart(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.update_settings(5, timezone="America/New_York", spoilers=True)
    await store.close()
    again = await open_store(db_path)
    try:
        assert await again.get_settings(5) == GuildSettings(5, "America/New_York", True)
    finally:
        await again.close()


async def test_concurrent_changes_of_different_settings_all_land(store: Store) -> None:
    # On PostgreSQL these run on several connections at once; a read-then-write update would lose some.
    for guild in range(100, 110):
        await asyncio.gather(
            store.update_settings(guild, timezone="Europe/Berlin"),
            store.update_settings(guild, spoilers=True),
            store.update_settings(guild, quiz_role_id=42),
            store.update_settings(guild, default_bank="flask"),
        )
        assert await store.get_settings(guild) == GuildSettings(guild, "Europe/Berlin", True, 42, "flask")
