"""Custom questions, accepted phrasings and the appeal channel in the store."""

from __future__ import annotations

import pytest

from bot.store import Store

from .conftest import utc

T0 = utc(2026, 3, 2, 9, 0)


async def _add(store: Store, guild: int, qid: str, **kw: object) -> bool:
    fields: dict[str, object] = {"prompt": f"What is {qid}?", "answer": "It is a thing.", "key_points": ["a thing"],
                                 "topic": "basics", "difficulty": "easy", "created_by": 5, "created_at": T0}
    fields.update(kw)
    return await store.add_custom_question(guild_id=guild, question_id=qid, **fields)  # type: ignore[arg-type]


async def test_custom_questions_are_per_server_and_unique_by_id(store: Store) -> None:
    assert await _add(store, 1, "q-a", key_points=["first", "second, with a comma"])
    assert await _add(store, 1, "q-b", created_at=utc(2026, 3, 3))
    assert await _add(store, 2, "q-a")
    assert not await _add(store, 1, "q-a", prompt="another text")  # same id in the same server: refused
    mine = await store.custom_questions(1)
    assert [q.question_id for q in mine] == ["q-a", "q-b"]
    assert mine[0].key_points == ("first", "second, with a comma")
    assert mine[0].prompt == "What is q-a?" and mine[0].created_by == 5 and mine[0].created_at == T0
    assert [q.question_id for q in await store.custom_questions(2)] == ["q-a"]
    assert [(q.guild_id, q.question_id) for q in await store.all_custom_questions()] == [
        (1, "q-a"), (1, "q-b"), (2, "q-a")]


async def test_removing_a_custom_question_drops_its_phrasings_only(store: Store) -> None:
    await _add(store, 1, "q-a")
    await store.add_phrasing(guild_id=1, bank="custom", question_id="q-a", point="a thing", phrasing="an object",
                             added_by=5, added_at=T0)
    await store.add_phrasing(guild_id=1, bank="flask", question_id="q-a", point="p", phrasing="x",
                             added_by=5, added_at=T0)
    assert await store.remove_custom_question(1, "q-a")
    assert not await store.remove_custom_question(1, "q-a")
    assert await store.custom_questions(1) == []
    assert [(p.bank, p.phrasing) for p in await store.phrasings(1)] == [("flask", "x")]


async def test_phrasings_are_unique_per_server_point_and_text(store: Store) -> None:
    kw = {"bank": "flask", "question_id": "q1", "point": "a small core", "added_by": 9, "added_at": T0}
    assert await store.add_phrasing(guild_id=1, phrasing="tiny kernel", **kw)  # type: ignore[arg-type]
    assert not await store.add_phrasing(guild_id=1, phrasing="tiny kernel", **kw)  # type: ignore[arg-type]
    assert await store.add_phrasing(guild_id=2, phrasing="tiny kernel", **kw)  # type: ignore[arg-type]
    assert await store.add_phrasing(guild_id=1, phrasing="5000", **{**kw, "point": ""})  # type: ignore[arg-type]
    got = await store.phrasings(1)
    assert [(p.point, p.phrasing, p.added_by, p.appeal_id) for p in got] == [  # by time, question, point
        ("", "5000", 9, None), ("a small core", "tiny kernel", 9, None)]
    assert len(await store.all_phrasings()) == 3
    assert await store.remove_phrasing(guild_id=1, bank="flask", question_id="q1", point="", phrasing="5000")
    assert len(await store.phrasings(1)) == 1


async def test_appeal_channel_set_replace_clear(store: Store) -> None:
    assert await store.appeal_channel(1) is None
    await store.set_appeal_channel(1, 100)
    await store.set_appeal_channel(1, 200)
    assert await store.appeal_channel(1) == 200
    assert await store.appeal_channel(2) is None
    await store.set_appeal_channel(1, None)
    assert await store.appeal_channel(1) is None


@pytest.mark.parametrize("bad", [{"prompt": ""}, {"key_points": "one string"}, {"topic": None}])
async def test_bad_values_are_refused_before_sql(store: Store, bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        await _add(store, 1, "q-x", **bad)
    assert await store.custom_questions(1) == []
