"""Quiz rounds and interviews: JSON state, one active per channel / member, resumable after a restart."""

from __future__ import annotations

import pytest

from bot.errors import SessionError
from bot.store import SessionConflict, SessionRow, Store, StoreError, open_store

from .conftest import utc

STATE = {"questions": ["a", "b"], "index": 1, "scores": {"42": 0.5}, "note": "naïve ✓", "done": False}


async def quiz(store: Store, channel: int = 10, owner: int = 1, guild: int = 1) -> SessionRow:
    return await store.create_session(
        kind="quiz", guild_id=guild, channel_id=channel, owner_id=owner, state=STATE, now=utc(2026, 1, 1)
    )


async def interview(store: Store, owner: int = 1, guild: int = 1, channel: int = 20) -> SessionRow:
    return await store.create_session(
        kind="interview", guild_id=guild, channel_id=channel, owner_id=owner, state={}, now=utc(2026, 1, 1)
    )


async def test_create_and_get(store: Store) -> None:
    row = await quiz(store)
    assert row == SessionRow(row.id, "quiz", 1, 10, 1, STATE, True, utc(2026, 1, 1), utc(2026, 1, 1))
    assert await store.get_session(row.id) == row
    assert await store.get_session(row.id + 1) is None


async def test_one_active_quiz_per_channel(store: Store) -> None:
    first = await quiz(store, channel=10)
    with pytest.raises(SessionConflict) as err:
        await quiz(store, channel=10, owner=2)
    assert isinstance(err.value, StoreError) and not isinstance(err.value, SessionError)  # data, not words
    assert (err.value.kind, err.value.channel_id, err.value.owner_id) == ("quiz", 10, 2)
    await quiz(store, channel=11)  # another channel is fine
    await interview(store, owner=1, channel=10)  # an interview in that channel is fine
    await store.finish_session(first.id, utc(2026, 1, 1, 1))
    assert (await quiz(store, channel=10)).channel_id == 10  # after finishing, a new one may start


async def test_one_active_interview_per_member_and_guild(store: Store) -> None:
    first = await interview(store, owner=5, guild=1)
    with pytest.raises(SessionConflict) as err:
        await interview(store, owner=5, guild=1, channel=21)
    assert (err.value.kind, err.value.guild_id, err.value.owner_id) == ("interview", 1, 5)
    await interview(store, owner=5, guild=2)  # another guild
    await interview(store, owner=6, guild=1)  # another member
    await store.finish_session(first.id, utc(2026, 1, 2))
    await interview(store, owner=5, guild=1)


async def test_update_state_and_channel(store: Store) -> None:
    row = await interview(store)
    await store.update_session(row.id, state={"index": 2}, now=utc(2026, 1, 1, 0, 5))
    got = await store.get_session(row.id)
    assert got is not None
    assert (got.state, got.channel_id, got.created_at, got.updated_at) == (
        {"index": 2},
        20,
        utc(2026, 1, 1),
        utc(2026, 1, 1, 0, 5),
    )
    await store.update_session(row.id, state={"index": 3}, now=utc(2026, 1, 1, 0, 6), channel_id=777)
    moved = await store.get_session(row.id)
    assert moved is not None and (moved.state, moved.channel_id) == ({"index": 3}, 777)
    with pytest.raises(StoreError, match="no session"):
        await store.update_session(999, state={}, now=utc(2026, 1, 1))


async def test_moving_a_quiz_onto_a_busy_channel_conflicts(store: Store) -> None:
    await quiz(store, channel=10)
    other = await quiz(store, channel=11)
    with pytest.raises(SessionConflict):
        await store.update_session(other.id, state={"x": 1}, now=utc(2026, 1, 1), channel_id=10)
    unchanged = await store.get_session(other.id)
    assert unchanged is not None and (unchanged.channel_id, unchanged.state) == (11, STATE)


async def test_finish(store: Store) -> None:
    row = await quiz(store)
    await store.finish_session(row.id, utc(2026, 1, 1, 2))
    await store.finish_session(row.id, utc(2026, 1, 1, 3))  # no-op
    done = await store.get_session(row.id)
    assert done is not None and (done.active, done.updated_at) == (False, utc(2026, 1, 1, 2))
    with pytest.raises(StoreError, match="no session"):
        await store.finish_session(999, utc(2026, 1, 1))


async def test_active_lookups(store: Store) -> None:
    q1 = await quiz(store, channel=10)
    i1 = await interview(store, owner=5, channel=30)
    q2 = await quiz(store, channel=11, guild=2)
    done = await quiz(store, channel=12)
    await store.finish_session(done.id, utc(2026, 1, 2))
    assert [s.id for s in await store.active_sessions()] == [q1.id, i1.id, q2.id]
    assert [s.id for s in await store.active_sessions("quiz")] == [q1.id, q2.id]
    assert [s.id for s in await store.active_sessions("interview")] == [i1.id]
    assert await store.active_session_in_channel(10, "quiz") == q1
    assert await store.active_session_in_channel(10, "interview") is None
    assert await store.active_session_in_channel(12, "quiz") is None  # finished
    assert await store.active_session_of(1, 5, "interview") == i1
    assert await store.active_session_of(2, 5, "interview") is None
    assert await store.active_session_of(1, 1, "quiz") == q1
    with pytest.raises(ValueError):
        await store.active_sessions("trivia")


async def test_validation(store: Store) -> None:
    with pytest.raises(ValueError, match="kind"):
        await store.create_session(
            kind="trivia",  # type: ignore[arg-type]
            guild_id=1,
            channel_id=1,
            owner_id=1,
            state={},
            now=utc(2026, 1, 1),
        )
    with pytest.raises(ValueError, match="dict"):
        await store.create_session(
            kind="quiz",
            guild_id=1,
            channel_id=1,
            owner_id=1,
            state=["not", "a", "dict"],  # type: ignore[arg-type]
            now=utc(2026, 1, 1),
        )
    with pytest.raises(TypeError):
        await store.create_session(
            kind="quiz", guild_id=1, channel_id=1, owner_id=1, state={"x": object()}, now=utc(2026, 1, 1)
        )
    assert await store.active_sessions() == []


async def test_sessions_survive_a_restart(db_url: str) -> None:
    store = await open_store(db_url)
    row = await quiz(store)
    await store.update_session(row.id, state={"resume": "here"}, now=utc(2026, 1, 1, 0, 1))
    await store.close()
    again = await open_store(db_url)
    try:
        [resumed] = await again.active_sessions()
        assert (resumed.id, resumed.state, resumed.active) == (row.id, {"resume": "here"}, True)
        with pytest.raises(SessionConflict):
            await quiz(again)
    finally:
        await again.close()
