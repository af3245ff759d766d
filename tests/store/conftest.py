"""Fixtures for the store tests: every `store` test runs on SQLite (a real file in tmp_path) and on PostgreSQL
(a real server started on 127.0.0.1 for the session; each test gets its own freshly migrated database)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path

import asyncpg
import pytest

from bot.store import Answer, Post, Store, open_store
from tests.support import postgres

BACKENDS = ["sqlite", "postgresql"]
TEMPLATE = "viva_template"
_numbers = itertools.count(1)


def utc(*parts: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type]


async def _migrate_template(server: postgres.PostgresServer) -> None:
    conn = await asyncpg.connect(server.url())
    try:
        await conn.execute(f"CREATE DATABASE {TEMPLATE}")
    finally:
        await conn.close()
    store = await open_store(server.url(TEMPLATE))
    await store.close()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[postgres.PostgresServer]:
    """A PostgreSQL server for the whole session (skips when no server binary is installed)."""
    bin_dir = postgres.find_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL tests need a server binary (initdb, pg_ctl): install PostgreSQL or set VIVA_PG_BIN")
    server = postgres.start(bin_dir)
    try:
        # In a thread of its own: the first test asking for it may already be running an event loop.
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, _migrate_template(server)).result()
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Which engine the test runs on."""
    return str(request.param)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a SQLite test database lives (tests that look inside the SQLite file use this)."""
    return tmp_path / "viva.sqlite3"


@pytest.fixture
async def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """What `open_store` is given: a SQLite file, or a fresh migrated PostgreSQL database (dropped afterwards)."""
    if backend == "sqlite":
        yield str(tmp_path / "viva.sqlite3")
        return
    server: postgres.PostgresServer = request.getfixturevalue("postgres_server")
    name = f"t{next(_numbers)}"
    admin = await asyncpg.connect(server.url())
    try:
        await admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        yield server.url(name)
        await admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    finally:
        await admin.close()


@pytest.fixture
async def store(db_url: str, backend: str, request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    """A freshly migrated store, closed after the test; on each backend."""
    if backend == "postgresql" and "db_path" in request.fixturenames:
        pytest.skip("looks inside the SQLite file")
    s = await open_store(db_url)
    yield s
    await s.close()


async def make_post(
    store: Store,
    *,
    guild: int = 1,
    channel: int = 10,
    kind: str = "quiz",
    bank: str = "flask",
    topic: str = "basics",
    question: str = "q1",
    at: datetime | None = None,
    daily_date: date | None = None,
    session_id: int | None = None,
) -> Post:
    """A post with sensible defaults."""
    return await store.create_post(
        guild_id=guild,
        channel_id=channel,
        kind=kind,  # type: ignore[arg-type]
        bank=bank,
        question_id=question,
        topic=topic,
        difficulty="easy",
        posted_at=at or utc(2026, 1, 1),
        session_id=session_id,
        daily_date=daily_date,
    )


async def make_answer(
    store: Store,
    post: Post,
    user: int,
    *,
    points: float = 1.0,
    passed: bool = True,
    at: datetime | None = None,
    response: str = "an answer",
) -> Answer:
    """An answer with a verdict that matches `passed`."""
    return await store.record_answer(
        post_id=post.id,
        user_id=user,
        response=response,
        score=0.8 if passed else 0.3,
        verdict="pass" if passed else "fail",
        points=points,
        hits=["a point"] if passed else [],
        misses=[] if passed else ["a point"],
        answered_at=at or post.posted_at, passed=passed,
    )


async def answer_new_post(
    store: Store,
    user: int,
    *,
    at: datetime,
    points: float,
    passed: bool = True,
    guild: int = 1,
    bank: str = "flask",
    topic: str = "basics",
) -> Answer:
    """A post of its own answered by `user` at `at` (handy for leaderboard fixtures)."""
    post = await make_post(store, guild=guild, bank=bank, topic=topic, at=at)
    return await make_answer(store, post, user, points=points, passed=passed, at=at)
