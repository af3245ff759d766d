"""The review runner over the rounds tests' fixtures: a real SQLite store, a fake clock, the e2e test banks
(trivia: 3 short-answer questions, basics ×2 and templates; mini: 2 free-text ones, architecture) and the
in-memory surface."""

from __future__ import annotations

import random

import pytest

from bot.answering import AnswerDesk
from bot.bank.catalog import Catalog
from bot.rounds import Deps
from bot.rounds.review import ReviewRunner
from bot.store import Store
from tests.rounds.conftest import catalog, clock, store, surface  # noqa: F401  (shared fixtures)
from tests.support.clock import FakeClock
from tests.support.surface import MemorySurface


@pytest.fixture
def runner(store: Store, catalog: Catalog, clock: FakeClock, surface: MemorySurface) -> ReviewRunner:  # noqa: F811
    """The review runner."""
    desk = AnswerDesk(store, lambda: catalog, clock)
    return ReviewRunner(Deps(store, lambda: catalog, clock, surface, desk, random.Random(7)))
