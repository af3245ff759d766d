"""`python -m bot db copy` and `db migrate`: SQLite -> PostgreSQL -> SQLite keeps every row; refusals are clear."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.store import Store, StoreError, open_store
from bot.store.copy import copy_database
from bot.store.migrate import latest_version
from tests.support.postgres import PostgresServer

from .conftest import make_answer, make_post, utc

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])  # the destination; sources are SQLite files


async def fill(store: Store) -> None:
    """A little of everything: settings, a schedule, a daily post, a quiz session, answers, meta."""
    await store.update_settings(1, timezone="Europe/Berlin", spoilers=True)
    await store.set_schedule(guild_id=1, channel_id=10, local_time="09:00", timezone="Europe/Berlin", bank="flask",
                             topic=None)
    session = await store.create_session(kind="quiz", guild_id=1, channel_id=10, owner_id=7, state={"q": 1},
                                         now=utc(2026, 3, 2))
    quiz = await make_post(store, session_id=session.id, at=utc(2026, 3, 2, 10))
    daily = await store.create_daily_post(guild_id=1, channel_id=10, daily_date=date(2026, 3, 2), bank="flask",
                                          question_id="q2", topic="routing", difficulty="hard",
                                          posted_at=utc(2026, 3, 2, 8), closes_at=None)
    assert daily is not None
    for user in range(1, 6):
        await make_answer(store, quiz, user, points=user / 3, passed=user % 2 == 0, response=f"it's {user} — ok")
        await make_answer(store, daily, user, points=2.5, at=utc(2026, 3, 2, 9))
    await store.set_meta("commands", "abc")


async def snapshot(store: Store) -> tuple[object, ...]:
    """What a member would see: boards, stats, sessions, posts, answers, settings."""
    now = utc(2026, 3, 3)
    return (
        await store.leaderboard(1, "all", now=now, tz="Europe/Berlin"),
        await store.member_stats(1, 2, now=now, tz="Europe/Berlin"),
        await store.active_sessions(),
        await store.open_posts(),
        [await store.answers_for_post(p.id) for p in await store.open_posts()],
        await store.get_settings(1),
        await store.get_schedule(1),
        await store.get_meta("commands"),
    )


async def test_sqlite_to_postgresql_and_back_keeps_everything(tmp_path: Path, db_url: str) -> None:
    source, back = tmp_path / "source.db", tmp_path / "back.db"
    async with await open_store(source) as store:
        await fill(store)
        expected = await snapshot(store)
    there = await copy_database(source, db_url)
    assert there.ok and there.counts["answers"] == (10, 10) and there.counts["posts"] == (2, 2)
    async with await open_store(db_url) as pg:
        assert await snapshot(pg) == expected
        # New rows get fresh ids after the copied ones.
        post = await make_post(pg, at=utc(2026, 3, 4))
        assert post.id == 3
    again = await copy_database(db_url, back)
    assert again.ok and again.counts["posts"] == (3, 3)
    async with await open_store(back) as store:
        assert (await snapshot(store))[:3] == expected[:3]


async def test_a_non_empty_destination_is_refused_unless_forced(tmp_path: Path, db_url: str) -> None:
    source = tmp_path / "source.db"
    async with await open_store(source) as store:
        await fill(store)
    async with await open_store(db_url) as pg:
        await make_post(pg, question="already here")
    with pytest.raises(StoreError, match=r"not empty \(posts hold rows\); use --force"):
        await copy_database(source, db_url)
    async with await open_store(db_url) as pg:
        assert [p.question_id for p in await pg.open_posts()] == ["already here"]  # untouched
    forced = await copy_database(source, db_url, force=True)
    assert forced.ok and forced.counts["posts"] == (2, 2)


def test_the_cli_copies_migrates_and_reports(tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str],
                                             postgres_server: PostgresServer) -> None:
    source = tmp_path / "viva.db"
    assert main(["db", "migrate", f"sqlite:///{source}"]) == 0
    assert capsys.readouterr().out == f"{source}: schema version {latest_version()}\n"
    assert main(["db", "migrate", db_url]) == 0
    assert capsys.readouterr().out == f"{db_url}: schema version {latest_version()}\n"

    async def seed() -> None:
        async with await open_store(source) as store:
            await fill(store)

    asyncio.run(seed())
    assert main(["db", "copy", str(source), db_url]) == 0
    out = capsys.readouterr().out
    assert "answers" in out and "MISMATCH" not in out and out.splitlines()[-1].startswith("OK: ")
    assert main(["db", "copy", str(source), db_url]) == 1
    assert "use --force" in capsys.readouterr().err
    assert main(["db", "copy", str(source), db_url, "--force"]) == 0
