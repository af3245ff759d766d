"""The meta table: key/value facts about the deployment."""

from __future__ import annotations

from pathlib import Path

from bot.store import Store, open_store


async def test_meta_round_trip_and_replace(store: Store) -> None:
    assert await store.get_meta("command_sync:1:global") is None
    await store.set_meta("command_sync:1:global", "abc")
    await store.set_meta("command_sync:1:global", "def")
    await store.set_meta("other", "x")
    assert await store.get_meta("command_sync:1:global") == "def"
    assert await store.get_meta("other") == "x"


async def test_meta_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    store = await open_store(path)
    await store.set_meta("k", "v")
    await store.close()
    store = await open_store(path)
    try:
        assert await store.get_meta("k") == "v"
    finally:
        await store.close()
