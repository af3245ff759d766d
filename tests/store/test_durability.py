"""SIGKILL a writer mid-stream: the database is intact and every acknowledged answer is in it."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.store import open_store
from tests.support.store_probe import integrity_check

HELPER = Path(__file__).with_name("kill_writer.py")
ACKNOWLEDGED_BEFORE_KILL = 400


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_stream_loses_no_acknowledged_answer(db_url: str, backend: str) -> None:
    acknowledged = _kill_writer_mid_stream(db_url)
    assert len(acknowledged) >= ACKNOWLEDGED_BEFORE_KILL
    assert len(set(acknowledged)) == len(acknowledged)
    if backend == "sqlite":
        with sqlite3.connect(db_url) as conn:  # a fresh connection recovers the WAL
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored, pairs = asyncio.run(_stored_answers(db_url))
    missing = set(acknowledged) - stored
    assert not missing, f"{len(missing)} acknowledged answers lost"
    assert len(pairs) == len(stored)  # no member answered a post twice
    asyncio.run(_reopen_and_write(db_url, acknowledged, backend))


async def _stored_answers(db_url: str) -> tuple[set[int], set[tuple[int, int]]]:
    """Ids of every stored answer and their (post, member) pairs, read through a fresh store."""
    async with await open_store(db_url) as store:
        answers = [a for post in await store.open_posts("quiz") for a in await store.answers_for_post(post.id)]
    return {a.id for a in answers}, {(a.post_id, a.user_id) for a in answers}


def _kill_writer_mid_stream(db_url: str) -> list[int]:
    """Run the writer, SIGKILL it once enough answers are acknowledged; every id it printed in full."""
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), db_url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(60, proc.kill)  # never hang the suite if the helper misbehaves
    watchdog.start()
    acknowledged: list[int] = []
    try:
        assert proc.stdout is not None
        while len(acknowledged) < ACKNOWLEDGED_BEFORE_KILL:
            line = proc.stdout.readline()
            if not line:
                pytest.fail(f"writer exited early: {proc.wait()} {proc.stderr.read() if proc.stderr else ''}")
            acknowledged.append(int(line))
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream: more waves are being written right now
        rest, _ = proc.communicate()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Lines printed before the kill are acknowledgements too; a torn last line is not.
    return acknowledged + [int(line) for line in rest.splitlines(keepends=True) if line.endswith("\n")]


async def _reopen_and_write(db_url: str, acknowledged: list[int], backend: str) -> None:
    """The store itself opens the killed database, finds the acknowledged answers and keeps writing."""
    store = await open_store(db_url)
    try:
        if backend == "sqlite":
            assert await integrity_check(store) == ["ok"]
        [first_post, *_] = await store.open_posts("quiz")
        answers = await store.answers_for_post(first_post.id)
        assert {a.id for a in answers} <= set(acknowledged)
        assert len(answers) == 25  # the first wave was acknowledged in full before the kill
        again = await store.record_answer(
            post_id=first_post.id,
            user_id=10**6,
            response="after the crash",
            score=1.0,
            verdict="pass",
            points=1.0,
            hits=[],
            misses=[],
            answered_at=first_post.posted_at, passed=True,
        )
        assert again.id not in acknowledged
    finally:
        await store.close()
