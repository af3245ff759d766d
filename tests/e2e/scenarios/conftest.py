"""Viva under test: the real VivaBot, a temp database, test banks and a fake clock, against the fake Discord."""

from __future__ import annotations

import contextlib
import random
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import VivaBot
from bot.config import Settings
from tests.e2e.fake import Discord, FakeDiscord, Guild, InteractionResult, Message, start_client
from tests.support.clock import FakeClock

ROOT = Path(__file__).resolve().parents[3]
TEST_BANKS = ROOT / "tests" / "data" / "banks" / "e2e"
START = datetime(2026, 3, 27, 10, 0, tzinfo=UTC)  # a Friday; Europe/Berlin switches to summer time on the 29th

# Good answers by question prompt fragment, for scenarios that pick questions at random.
GOOD = {
    "port does": "5000",
    "address does": "127.0.0.1",
    "template engine": "Jinja2",
    "blueprints": "Blueprints split the app into modules; each has its own routes and templates, and you register "
                  "each one with a url_prefix.",
    "factory": "You write a create_app function that builds the app, pass the configuration when creating it, "
               "which makes testing with several app instances easy.",
}


def good_answer(prompt: str) -> str:
    """The good answer for a question prompt of the test banks."""
    return next(v for k, v in GOOD.items() if k in prompt)


def prompt_of(message: Message) -> str:
    """The question text of a posted question (its embed description)."""
    return message.embeds[0]["description"]


def field(message: Message, name: str) -> str:
    """The value of the embed field whose name starts with ``name``."""
    for f in message.embeds[0].get("fields", []):
        if f["name"].startswith(name):
            return f["value"]
    raise AssertionError(f"no field {name!r} in {message.embeds[0]}")


def mentioned(text: str) -> list[int]:
    """User ids mentioned in a text, in order."""
    return [int(x) for x in re.findall(r"<@!?(\d+)>", text)]


class Viva:
    """Starts and restarts the bot on the same database and clock."""

    def __init__(self, fake: FakeDiscord, guild: Guild, tmp_path: Path) -> None:
        self.fake = fake
        self.guild = guild
        self.clock = FakeClock(START)
        self.db = tmp_path / "viva.db"
        self.bot: VivaBot | None = None
        self.grace_hours = 2.0

    def settings(self) -> Settings:
        """Settings as a deployment would have them, pointing at the temp database and the test banks."""
        values: dict[str, Any] = {"DISCORD_TOKEN": self.fake.token, "VIVA_DB": str(self.db),
                                  "VIVA_BANKS": str(TEST_BANKS), "VIVA_DEV_GUILD": str(self.guild.id),
                                  "VIVA_DAILY_GRACE_HOURS": self.grace_hours}
        return Settings(_env_file=None, **values)  # type: ignore[call-arg]

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[VivaBot]:
        """Run the bot until the block ends (a clean shutdown)."""
        settings = self.settings()
        # sync=False: VivaBot syncs (when its commands changed) in setup_hook, before it even connects.
        async with start_client(self.fake, lambda connector: VivaBot(settings, clock=self.clock, connector=connector,
                                                                     rng=random.Random(7)), sync=False) as bot:
            self.bot = bot
            try:
                yield bot
            finally:
                self.bot = None

    async def advance(self, seconds: float = 0, *, to: datetime | None = None) -> None:
        """Move the bot's clock forward and let its timers fire."""
        await self.clock.advance(seconds, to=to)


def _message_bodies(method: str, route: str, body: Any) -> list[dict[str, Any]]:
    if method not in ("POST", "PATCH") or not isinstance(body, dict):
        return []
    if route.endswith("/callback"):
        data = body.get("data")
        return [data] if isinstance(data, dict) and body.get("type") in (4, 7) else []
    return [body] if "messages" in route or route.startswith("/webhooks") else []


@pytest.fixture(autouse=True)
def nobody_is_pinged(fake: FakeDiscord) -> Iterator[None]:
    """After each scenario: every message the bot sent or edited suppressed mention parsing (no @everyone,
    no role pings, no pings from user text); only explicit user ids may be pinged, which Viva does solely to
    greet an interviewee in their own thread."""
    yield
    for req in fake.requests:
        for body in _message_bodies(req.method, req.route, req.json):
            if "content" not in body and "embeds" not in body:
                continue
            allowed = body.get("allowed_mentions")
            assert allowed is not None and allowed.get("parse") == [] and not allowed.get("roles"), (
                f"{req}: allowed_mentions {allowed!r} lets text ping")


@pytest.fixture
def viva(fake: FakeDiscord, guild: Guild, tmp_path: Path) -> Viva:
    """The Viva runner (not started)."""
    return Viva(fake, guild, tmp_path)


@pytest.fixture
async def bot(viva: Viva) -> AsyncIterator[VivaBot]:
    """A running Viva bot."""
    async with viva.running() as running:
        yield running


async def receipt(r: InteractionResult) -> str:
    """The ephemeral receipt of a submitted answer: the response itself when the commit was fast, else the
    follow-up after a deferral."""
    message = await r.wait_followup() if r.type == 5 else r.message
    assert message is not None and message.ephemeral, r
    return message.content


async def answer(discord: Discord, member: Any, question: Message, text: str) -> str:
    """Click Answer, fill the modal, submit; return the ephemeral receipt's text."""
    r = await discord.click(member, question, "Answer")
    assert r.modal is not None, f"expected a modal, got {r.content!r}"
    return await receipt(await discord.submit_modal(member, response=text))


async def ranked_answers(bot: VivaBot, guild: Guild, channel_id: int, members: list[Any]) -> None:
    """Each member answered a trivia question correctly five minutes ago; earlier members have more points."""
    now = bot.clock.now()
    for i, member in enumerate(members):
        post = await bot.store.create_post(guild_id=guild.id, channel_id=channel_id, kind="quiz", bank="trivia",
                                           question_id="t-port", topic="basics", difficulty="easy",
                                           posted_at=now - timedelta(minutes=5))
        await bot.store.record_answer(post_id=post.id, user_id=member.id, response="5000", score=1.0,
                                      verdict="pass", passed=True, points=float(20 - i), hits=["5000"], misses=[],
                                      answered_at=now - timedelta(minutes=1))
