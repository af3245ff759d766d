"""Helper for test_durability: record answers forever, printing each id once record_answer has returned.

Usage: python kill_writer.py DB_PATH  (the test kills it with SIGKILL mid-stream).
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository root

from bot.store import open_store

CONCURRENT = 25  # answers in flight at once, so the kill lands inside group commits


async def main(path: str) -> None:
    """Write answers in concurrent waves until killed (or a generous cap is reached)."""
    store = await open_store(path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    user = 0
    for wave in range(100_000):
        post = await store.create_post(
            guild_id=1,
            channel_id=1,
            kind="quiz",
            bank="flask",
            question_id=f"q{wave}",
            topic="basics",
            difficulty="easy",
            posted_at=start + timedelta(minutes=wave),
        )

        async def one(member: int, post_id: int = post.id) -> None:
            answer = await store.record_answer(
                post_id=post_id,
                user_id=member,
                response="x" * 200,
                score=0.5,
                verdict="pass",
                points=1.0,
                hits=["a"],
                misses=["b"],
                answered_at=start, passed=True,
            )
            sys.stdout.write(f"{answer.id}\n")
            sys.stdout.flush()

        await asyncio.gather(*(one(user + i) for i in range(CONCURRENT)))
        user += CONCURRENT
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
