"""Opening, pragmas, migrations, refusal of newer files, checkpoint on close."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import aiosqlite
import pytest

from bot.store import SchemaTooNew, StoreError, open_store
from bot.store.migrate import Migration, latest_version, load_migrations, migrate, schema_version
from tests.support.store_probe import integrity_check, pragmas

from .conftest import make_answer, make_post


def wal_size(db_path: Path) -> int:
    """Size of the database's -wal file, or -1 when there is none."""
    wal = Path(str(db_path) + "-wal")
    return wal.stat().st_size if wal.exists() else -1


async def test_fresh_file_is_migrated_with_the_documented_pragmas(db_path: Path) -> None:
    store = await open_store(db_path)
    try:
        assert await pragmas(store) == {
            "journal_mode": "wal",
            "synchronous": 2,  # FULL
            "foreign_keys": 1,
            "busy_timeout": 5000,
            "user_version": latest_version(),
        }
        assert store.schema_version == latest_version() == len(load_migrations())
        assert await integrity_check(store) == ["ok"]
    finally:
        await store.close()
    with sqlite3.connect(db_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    assert {"guild_settings", "posts", "answers", "schedules", "sessions"} <= tables


async def test_synchronous_normal_can_be_chosen(db_path: Path) -> None:
    store = await open_store(db_path, synchronous="NORMAL")
    try:
        assert (await pragmas(store))["synchronous"] == 1
    finally:
        await store.close()
    with pytest.raises(ValueError, match="synchronous"):
        await open_store(db_path, synchronous="OFF")  # type: ignore[arg-type]


async def test_memory_database_works() -> None:
    store = await open_store(":memory:")
    try:
        post = await make_post(store)
        answer = await make_answer(store, post, 7)
        assert await store.get_answer(post.id, 7) == answer
        assert store.path == ":memory:"
    finally:
        await store.close()


async def test_reopen_keeps_data_and_does_not_migrate_again(db_path: Path) -> None:
    store = await open_store(db_path)
    post = await make_post(store)
    answer = await make_answer(store, post, 7)
    await store.close()
    again = await open_store(db_path)
    try:
        assert await again.get_answer(post.id, 7) == answer
        assert (await pragmas(again))["user_version"] == latest_version()
    finally:
        await again.close()


async def test_newer_database_is_refused_with_both_versions_and_left_untouched(db_path: Path) -> None:
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE future (x INTEGER)")
        conn.execute("PRAGMA user_version = 42")
    with pytest.raises(SchemaTooNew) as err:
        await open_store(db_path)
    message = str(err.value)
    assert "schema version 42" in message
    assert f"up to {latest_version()}" in message
    assert isinstance(err.value, StoreError)
    assert (err.value.found, err.value.known) == (42, latest_version())
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 42
        assert conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 1  # nothing migrated


async def test_close_checkpoints_so_no_wal_content_remains(db_path: Path) -> None:
    store = await open_store(db_path)
    post = await make_post(store)
    for user in range(50):
        await make_answer(store, post, user)
    assert wal_size(db_path) > 0  # the writes went to the WAL
    await store.close()
    assert wal_size(db_path) <= 0
    with sqlite3.connect(db_path) as conn:  # and the data is in the main file
        assert conn.execute("SELECT count(*) FROM answers").fetchone()[0] == 50


async def test_a_closed_store_refuses_calls(db_path: Path) -> None:
    store = await open_store(db_path)
    post = await make_post(store)
    await store.close()
    await store.close()  # idempotent
    assert store.closed
    with pytest.raises(StoreError, match="closed"):
        await store.get_post(post.id)
    with pytest.raises(StoreError, match="closed"):
        await make_answer(store, post, 1)


async def test_pending_migrations_apply_in_one_transaction(tmp_path: Path) -> None:
    good = Migration(1, "0001_a.sql", "CREATE TABLE a (x INTEGER);\nCREATE TABLE b (y INTEGER);\n")
    bad = Migration(2, "0002_b.sql", "CREATE TABLE c (z INTEGER);\nTHIS IS NOT SQL;\n")
    path = tmp_path / "m.sqlite3"
    async with aiosqlite.connect(path, isolation_level=None) as conn:
        with pytest.raises(sqlite3.OperationalError):
            await migrate(conn, str(path), [good, bad])
        assert await schema_version(conn) == 0
        names = [r[0] for r in await conn.execute_fetchall("SELECT name FROM sqlite_schema")]
        assert names == []  # the good migration was rolled back with the bad one
        assert await migrate(conn, str(path), [good]) == 1
        assert await schema_version(conn) == 1
        assert await migrate(conn, str(path), [good]) == 1  # nothing pending: no-op


def test_statements_are_split_on_complete_statements_only() -> None:
    sql = (
        "-- a comment; with a semicolon\n"
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');\n"
        "\n"
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n"
        "    UPDATE t SET x = 'c;d';\n"
        "    SELECT 1;\n"
        "END;\n"
    )
    statements = Migration(1, "0001_x.sql", sql).statements()
    assert statements == [
        "CREATE TABLE t (x TEXT DEFAULT 'a;b');",
        "CREATE TRIGGER tr AFTER INSERT ON t BEGIN\n    UPDATE t SET x = 'c;d';\n    SELECT 1;\nEND;",
    ]
    with pytest.raises(StoreError, match="incomplete"):
        Migration(2, "0002_x.sql", "CREATE TABLE u (x INTEGER)\n").statements()


def test_migration_numbers_must_have_no_gaps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "fake_store_pkg"
    (pkg / "migrations").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "migrations" / "0001_first.sql").write_text("CREATE TABLE a (x INTEGER);\n")
    (pkg / "migrations" / "0003_third.sql").write_text("CREATE TABLE b (x INTEGER);\n")
    (pkg / "migrations" / "notes.txt").write_text("ignored")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "fake_store_pkg", raising=False)
    with pytest.raises(StoreError, match=r"0003_third\.sql"):
        load_migrations("fake_store_pkg")
    (pkg / "migrations" / "0002_second.sql").write_text("CREATE TABLE c (x INTEGER);\n")
    assert [m.version for m in load_migrations("fake_store_pkg")] == [1, 2, 3]
