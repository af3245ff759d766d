"""Admin commands: hidden from members without Manage Server, refused by the bot itself when a server overrides
the command permissions, and /settings (spoilers, quiz role) taking effect."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import VivaBot
from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, HarnessError, Member, Perm
from tests.e2e.scenarios.conftest import Viva, answer, good_answer, prompt_of

MANAGE_SERVER = int(Perm.MANAGE_GUILD)
NEEDS_MANAGE_SERVER = "You need the **Manage Server** permission to use this."


def admin_commands(channel: Channel) -> list[tuple[str, dict[str, Any]]]:
    """Every admin command with valid options (each would change something if allowed)."""
    return [
        ("daily set", {"channel": channel, "time": "07:30", "timezone": "UTC", "bank": "mini"}),
        ("daily show", {}),
        ("daily off", {}),
        ("daily now", {}),
        ("settings", {}),
        ("settings", {"spoilers": True, "default_bank": "mini", "timezone": "Asia/Tokyo"}),
    ]


async def test_admin_commands_are_hidden_from_members(bot: VivaBot, fake: FakeDiscord, discord: Discord,
                                                      guild: Guild, channel: Channel, carol: Member,
                                                      admin: Member) -> None:
    definitions = {d["name"]: d for d in fake.commands(guild)}
    assert int(definitions["daily"]["default_member_permissions"]) == MANAGE_SERVER
    assert int(definitions["settings"]["default_member_permissions"]) == MANAGE_SERVER
    for command, options in admin_commands(channel):
        with pytest.raises(HarnessError, match=rf"carol cannot see /{command.split()[0]}: .*default_member_perm"):
            await discord.slash(carol, command, options=options)
    shown = await discord.slash(admin, "daily show")  # the admin sees them
    assert shown.ephemeral and "No daily question is scheduled" in shown.content


async def test_bot_refuses_admin_commands_when_a_server_overrides_permissions(
        bot: VivaBot, fake: FakeDiscord, discord: Discord, guild: Guild, channel: Channel, carol: Member,
        admin: Member) -> None:
    r = await discord.slash(admin, "daily set", options={"channel": channel}, time="09:00",
                            timezone="Europe/Berlin", bank="trivia")
    assert r.ephemeral and r.embed["title"] == "✅ Daily question scheduled"
    schedule, settings = await bot.store.get_schedule(guild.id), await bot.store.get_settings(guild.id)
    assert schedule is not None and schedule.active

    # The server's admins let everyone use /daily and /settings (Server Settings → Integrations).
    for definition in fake.commands(guild):
        if definition["name"] in ("daily", "settings"):
            definition["default_member_permissions"] = None

    for command, options in admin_commands(channel):
        refused = await discord.slash(carol, command, options=options)
        assert refused.ephemeral and refused.content == NEEDS_MANAGE_SERVER, (command, refused)
    assert await bot.store.get_schedule(guild.id) == schedule
    assert await bot.store.get_settings(guild.id) == settings
    assert await bot.store.open_posts() == []
    assert discord.messages_in(channel) == []


async def test_settings_spoilers_and_quiz_role(bot: VivaBot, viva: Viva, fake: FakeDiscord, discord: Discord,
                                               guild: Guild, channel: Channel, alice: Member, bob: Member,
                                               admin: Member) -> None:
    r = await discord.slash(admin, "settings", spoilers=True)
    assert r.ephemeral and r.embed["title"] == "⚙️ Settings updated"
    assert "Spoilers at reveals: **on**" in r.embed["description"]
    assert "Who may start quizzes: **everyone**" in r.embed["description"]
    assert (await bot.store.get_settings(guild.id)).spoilers

    # Spoilers on: the reveal hides the model answer behind spoiler bars.
    start = await discord.slash(alice, "quiz start", bank="trivia", count=1, seconds=15)
    assert not start.ephemeral
    question = await discord.next_message(channel)
    await answer(discord, alice, question, good_answer(prompt_of(question)))
    await viva.advance(15)
    reveal = await discord.next_message(channel)
    (model,) = [q.answer for q in bot.catalog.banks["trivia"].questions if q.prompt == prompt_of(question)]
    assert f"**Model answer**\n||{model}||" in reveal.embeds[0]["description"]
    assert (await discord.next_message(channel)).embeds[0]["title"] == "🏁 Final standings"

    # A quiz role: only its members (and Manage Server) may start quizzes.
    role = fake.add_role(guild, "quizzers")
    bob.roles.append(role)
    await fake.gateway.flush()
    r = await discord.slash(admin, "settings", quiz_role=role)
    assert f"Who may start quizzes: <@&{role.id}> and Manage Server" in r.embed["description"]
    assert (await bot.store.get_settings(guild.id)).quiz_role_id == role.id

    refused = await discord.slash(alice, "quiz start", bank="trivia", count=1)
    assert refused.ephemeral
    assert refused.content == f"On this server only members with the <@&{role.id}> role can start quizzes."
    assert await bot.store.active_session_in_channel(channel.id, "quiz") is None
    await start_and_stop_a_round(discord, bob, channel)  # the role's member may
    await start_and_stop_a_round(discord, admin, channel)  # and so may a member with Manage Server

    both = await discord.slash(admin, "settings", quiz_role=role, everyone_can_quiz=True)
    assert both.ephemeral and both.content.startswith("Choose either quiz_role")
    assert (await bot.store.get_settings(guild.id)).quiz_role_id == role.id
    r = await discord.slash(admin, "settings", everyone_can_quiz=True)
    assert "Who may start quizzes: **everyone**" in r.embed["description"]
    assert (await bot.store.get_settings(guild.id)).quiz_role_id is None
    await start_and_stop_a_round(discord, alice, channel)


async def start_and_stop_a_round(discord: Discord, member: Member, channel: Channel) -> None:
    """The member starts a one-question round and stops it; wait until it has ended."""
    started = await discord.slash(member, "quiz start", bank="trivia", count=1)
    assert not started.ephemeral and f"Quiz round by <@{member.id}>" in started.content
    await discord.next_message(channel)  # the question
    stopped = await discord.slash(member, "quiz stop")
    assert not stopped.ephemeral
    await discord.next_message(channel)  # the reveal
    assert (await discord.next_message(channel)).embeds[0]["title"] == "🏁 Final standings (round stopped)"
