"""PostgreSQL specifics that need no server: placeholder translation, URLs, and choosing the backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import StoreError, open_store
from bot.store.api import sqlite_path
from bot.store.migrate import load_migrations
from bot.store.pg import MIGRATIONS, bind, redact, translate
from tests.support.postgres import PostgresServer

from .conftest import TEMPLATE


def test_question_marks_become_numbered_parameters() -> None:
    assert translate("SELECT a FROM t WHERE b = ? AND c > ?") == ("SELECT a FROM t WHERE b = $1 AND c > $2", 2)


def test_a_name_used_twice_is_one_parameter_and_casts_strings_and_comments_are_kept() -> None:
    sql = "UPDATE t SET x = :now, y = :now, z = ?::bigint[] -- :not\nWHERE s = ':nope' AND id = :id"
    with pytest.raises(StoreError, match="mixes"):
        translate(sql)
    text, names = translate(sql.replace("?::bigint[]", ":ids::bigint[]"))
    assert text == "UPDATE t SET x = $1, y = $1, z = $2::bigint[] -- :not\nWHERE s = ':nope' AND id = $3"
    assert names == ("now", "ids", "id")
    assert bind("SELECT :b, :a", {"a": 1, "b": 2, "unused": 3}) == ("SELECT $1, $2", [2, 1])


def test_sqlite_plan_hints_are_dropped() -> None:
    text, _ = translate("SELECT count(*) FROM answers INDEXED BY ix_answers_board\nWHERE guild_id = :g")
    assert text == "SELECT count(*) FROM answers WHERE guild_id = $1"


def test_urls_choose_the_backend_and_passwords_stay_out_of_messages() -> None:
    assert sqlite_path("postgresql://viva@db/viva") is None
    assert sqlite_path("sqlite:///data/viva.db") == "data/viva.db"
    assert sqlite_path("sqlite:////srv/viva.db") == "/srv/viva.db"
    assert sqlite_path(Path("viva.db")) == "viva.db"
    assert redact("postgresql://viva:s3cret@db:5433/viva") == "postgresql://viva:***@db:5433/viva"
    assert redact("postgresql://viva@db/viva") == "postgresql://viva@db/viva"


async def test_a_sqlite_url_opens_the_file(tmp_path: Path) -> None:
    async with await open_store(f"sqlite:///{tmp_path}/sub/viva.db") as store:
        assert store.path == f"{tmp_path}/sub/viva.db"
    assert (tmp_path / "sub" / "viva.db").exists()


async def test_an_unreachable_server_is_a_clear_store_error() -> None:
    with pytest.raises(StoreError, match=r"cannot connect to postgresql://viva:\*\*\*@127\.0\.0\.1:1/viva"):
        await open_store("postgresql://viva:secret@127.0.0.1:1/viva")


def test_postgresql_has_a_migration_for_every_sqlite_one() -> None:
    sqlite = [m.name for m in load_migrations()]
    postgresql = [m.name for m in load_migrations(folder=MIGRATIONS)]
    assert postgresql == sqlite, "add the PostgreSQL form of each migration to bot/store/migrations/postgresql/"


async def test_both_schemas_have_the_same_tables_columns_and_indexes(postgres_server: PostgresServer,
                                                                     tmp_path: Path) -> None:
    async with await open_store(tmp_path / "viva.sqlite3") as lite:
        tables = [r[0] for r in await lite._db.fetchall(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'")]
        lite_columns = {(t, r["name"]) for t in tables for r in await lite._db.fetchall(
            "SELECT name FROM pragma_table_info(?)", (t,))}
        lite_indexes = {r[0] for r in await lite._db.fetchall(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite%'")}
    async with await open_store(postgres_server.url(TEMPLATE)) as pg:
        pg_columns = {(r[0], r[1]) for r in await pg._db.fetchall(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND table_name <> 'viva_schema'")}
        pg_indexes = {r[0] for r in await pg._db.fetchall(
            "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey'")}
    assert pg_columns == lite_columns
    assert pg_indexes == lite_indexes
