"""The review runner over a real SQLite store, a fake clock, the e2e test banks and the in-memory surface."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.bank.loader import load_banks
from bot.rounds import Deps
from bot.rounds.review import ReviewRunner
from bot.store import Store, open_store
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface

BANKS = Path(__file__).resolve().parents[1] / "data" / "banks" / "e2e"
START = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)  # a Friday


@pytest.fixture
def catalog() -> Catalog:
    """trivia (3 short-answer questions: basics ×2, templates) and mini (2 free-text ones: architecture)."""
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
def runner(store: Store, catalog: Catalog, clock: FakeClock, surface: MemorySurface) -> ReviewRunner:
    """The review runner."""
    desk = AnswerDesk(store, lambda: catalog, clock)
    return ReviewRunner(Deps(store, lambda: catalog, clock, surface, desk, random.Random(7)))
