"""Round runners over a real SQLite store, a fake clock, the test banks and the in-memory surface."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.rounds import Deps, Rounds
from bot.store import Store, open_store
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface

BANKS = Path(__file__).resolve().parents[1] / "data" / "banks" / "e2e"
START = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)
GUILD, CHANNEL, ALICE, BOB, MOD = 10, 20, 31, 32, 40


@pytest.fixture
def catalog() -> Catalog:
    """The e2e test banks: trivia (3 short-answer questions) and mini (2 free-text ones)."""
    result = load_banks([BANKS])
    assert not result.errors
    return Catalog(result.banks)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh store."""
    s = await open_store(tmp_path / "viva.db", synchronous="NORMAL")
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def clock() -> FakeClock:
    """The fake clock."""
    return FakeClock(START)


@pytest.fixture
def surface() -> MemorySurface:
    """The in-memory surface."""
    return MemorySurface()


@pytest.fixture
def rounds(store: Store, catalog: Catalog, clock: FakeClock, surface: MemorySurface) -> Rounds:
    """Every runner over the same dependencies."""
    desk = AnswerDesk(store, lambda: catalog, clock)
    deps = Deps(store, lambda: catalog, clock, surface, desk, random.Random(7))
    return Rounds.build(deps, grace_hours=2.0)
