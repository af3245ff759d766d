"""The bot logs in, syncs its commands and answers the simplest ones."""

from __future__ import annotations

import discord

from bot.app import VivaBot
from tests.e2e.fake import Discord, FakeDiscord, Guild, Member
from tests.e2e.scenarios.conftest import Viva


async def test_startup_syncs_every_command_and_help_answers(bot: VivaBot, fake: FakeDiscord, guild: Guild,
                                                             discord: Discord, alice: Member) -> None:
    names = sorted(c["name"] for c in fake.commands(guild))
    assert names == ["appeals", "bank", "daily", "help", "insights", "interview", "leaderboard", "privacy", "question",
                     "quiz", "review", "settings", "stats"]
    r = await discord.slash(alice, "help")
    assert r.ephemeral and "/quiz start" in r.embed["description"]
    r = await discord.slash(alice, "bank list")
    assert r.ephemeral
    fields = {f["name"]: f["value"] for f in r.embed["fields"]}
    assert fields["mini — 2 questions"].endswith("Topics: architecture (2)")
    assert "trivia — 3 questions" in fields


async def test_commands_are_synced_again_only_when_they_change(viva: Viva, fake: FakeDiscord, guild: Guild) -> None:
    puts = "PUT /applications/{application_id}/guilds/{guild_id}/commands"
    async with viva.running():
        pass
    async with viva.running():
        pass
    assert len(fake.requests_to(puts)) == 1  # the second start found the same commands already synced
    async with viva.running() as bot:
        assert bot.store is not None
        bot.tree.remove_command("help")
        bot.tree.remove_command("help", guild=discord.Object(guild.id))  # its copy for the dev guild
        assert await bot.sync_commands()  # a changed command set syncs
        assert not await bot.sync_commands()
    assert len(fake.requests_to(puts)) == 2
    assert "help" not in [c["name"] for c in fake.commands(guild)]
