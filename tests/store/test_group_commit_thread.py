"""SQLite group commit: each batch of answers is one call on aiosqlite's thread (BEGIN … COMMIT together), with
the same guarantees as statement by statement: commit before anyone is told, cards in the same transaction, a
failure rolls the whole transaction back and leaves the connection usable."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.store import Answer, Store, open_store
from bot.store.db import SqliteDatabase, SqliteSyncTx
from tests.support.store_probe import answer_batches

from .conftest import make_answer, make_post


def _sqlite(store: Store) -> SqliteDatabase:
    db = store._db
    assert isinstance(db, SqliteDatabase)
    return db


async def test_a_batch_is_one_call_on_the_sqlite_thread(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = await open_store(db_path)
    try:
        post = await make_post(store)
        conn = _sqlite(store).conn
        calls = 0
        real = conn._execute

        async def counted(fn: Any, *args: Any, **kwargs: Any) -> Any:
            nonlocal calls
            calls += 1
            return await real(fn, *args, **kwargs)

        monkeypatch.setattr(conn, "_execute", counted)
        before = answer_batches(store)
        answers = await asyncio.gather(*(make_answer(store, post, u) for u in range(700)))
        batches = answer_batches(store) - before
        assert all(isinstance(a, Answer) for a in answers)
        assert batches == 2  # 700 queued at once: MAX_BATCH (500) + 200
        assert calls == batches  # statement by statement, each batch took 8 or more
        cards = await store._db.fetchall("SELECT count(*) FROM review_cards")
        assert cards[0][0] == 700  # every card written in its answer's transaction
    finally:
        await store.close()


async def test_a_failing_card_update_keeps_the_answers(db_path: Path) -> None:
    store = await open_store(db_path)
    await store.close()
    with sqlite3.connect(db_path) as conn:  # cards cannot be written at all
        conn.execute("CREATE TRIGGER no_cards BEFORE INSERT ON review_cards BEGIN SELECT RAISE(ABORT, 'no'); END")
    store = await open_store(db_path)
    try:
        post = await make_post(store)
        answers = await asyncio.gather(*(make_answer(store, post, u) for u in range(5)))
        assert sorted(a.user_id for a in answers) == [0, 1, 2, 3, 4]
        assert len(await store.answers_for_post(post.id)) == 5
        assert (await store._db.fetchall("SELECT count(*) FROM review_cards"))[0][0] == 0
    finally:
        await store.close()


async def test_run_transaction_commits_or_rolls_back_everything(db_path: Path) -> None:
    store = await open_store(db_path)
    try:
        db = _sqlite(store)

        def write(tx: SqliteSyncTx) -> int:
            return tx.execute("INSERT INTO meta (key, value) VALUES (?, ?)", ("probe", "1"))

        def write_then_fail(tx: SqliteSyncTx) -> None:
            tx.execute("UPDATE meta SET value = ? WHERE key = ?", ("2", "probe"))
            raise RuntimeError("boom")

        assert await db.run_transaction(write) == 1
        with pytest.raises(RuntimeError, match="boom"):
            await db.run_transaction(write_then_fail)
        assert [r[0] for r in await db.fetchall("SELECT value FROM meta WHERE key = ?", ("probe",))] == ["1"]
        # Nothing was left open: an ordinary transaction still works afterwards.
        async with db.transaction() as tx:
            await tx.execute("UPDATE meta SET value = ? WHERE key = ?", ("3", "probe"))
        assert (await db.fetchone("SELECT value FROM meta WHERE key = ?", ("probe",)))[0] == "3"  # type: ignore[index]
    finally:
        await store.close()
