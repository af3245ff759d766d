"""The bot logs in, syncs its commands and answers the simplest ones."""

from __future__ import annotations

from bot.app import VivaBot
from tests.e2e.fake import Discord, FakeDiscord, Guild, Member


async def test_startup_syncs_every_command_and_help_answers(bot: VivaBot, fake: FakeDiscord, guild: Guild,
                                                             discord: Discord, alice: Member) -> None:
    names = sorted(c["name"] for c in fake.commands(guild))
    assert names == ["bank", "daily", "help", "interview", "leaderboard", "quiz", "settings", "stats"]
    r = await discord.slash(alice, "help")
    assert r.ephemeral and "/quiz start" in r.embed["description"]
    r = await discord.slash(alice, "bank list")
    assert r.ephemeral
    fields = {f["name"]: f["value"] for f in r.embed["fields"]}
    assert fields["mini — 2 questions"].endswith("Topics: architecture (2)")
    assert "trivia — 3 questions" in fields
