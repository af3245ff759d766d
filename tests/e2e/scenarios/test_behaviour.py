"""Cross-cutting behaviour: autocomplete, leaderboard pages after a restart, DM fallback, clear errors, apologies."""

from __future__ import annotations

import logging

import pytest

from bot.app import VivaBot
from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, HarnessError, Member, Perm
from tests.e2e.scenarios.conftest import Viva, field, good_answer, mentioned, prompt_of, ranked_answers


async def test_autocomplete_for_bank_topic_and_zone(bot: VivaBot, discord: Discord, alice: Member,
                                                    admin: Member) -> None:
    banks = await discord.autocomplete(alice, "quiz start", "bank", "tri")
    assert [c["value"] for c in banks] == ["trivia"]
    topics = await discord.autocomplete(alice, "quiz start", "topic", "", bank="mini")
    assert [c["value"] for c in topics] == ["architecture"]
    topics = await discord.autocomplete(alice, "quiz start", "topic", "temp")
    assert [c["value"] for c in topics] == ["templates"]
    zones = await discord.autocomplete(admin, "daily set", "timezone", "berl")
    assert zones[0]["value"] == "Europe/Berlin" and len(zones) <= 25


async def test_bad_arguments_get_an_ephemeral_fix(bot: VivaBot, discord: Discord, alice: Member) -> None:
    r = await discord.slash(alice, "quiz start", bank="django")
    assert r.ephemeral and "no bank called 'django'" in r.content and "trivia" in r.content
    r = await discord.slash(alice, "quiz start", bank="mini", topic="forms")
    assert r.ephemeral and "no questions with topic 'forms'" in r.content and "architecture" in r.content
    r = await discord.slash(alice, "leaderboard", bank="nope")
    assert r.ephemeral and "no bank called 'nope'" in r.content
    with pytest.raises(HarnessError):  # Discord's client refuses a count out of range before sending
        await discord.slash(alice, "quiz start", bank="trivia", count=99)


async def test_unexpected_error_is_logged_with_context_and_user_gets_an_apology(
        bot: VivaBot, discord: Discord, alice: Member, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    async def broken(guild_id: int) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(bot.store, "get_settings", broken)
    with caplog.at_level(logging.ERROR, logger="bot.ui.respond"):
        r = await discord.slash(alice, "quiz start", bank="trivia")
    assert r.ephemeral and r.content.startswith("Sorry, something went wrong")
    assert "disk on fire" not in r.content
    record = next(rec for rec in caplog.records if "quiz start" in rec.getMessage())
    assert f"user={alice.id}" in record.getMessage() and record.exc_info is not None


async def test_leaderboard_pages_keep_working_after_a_restart(viva: Viva, fake: FakeDiscord, guild: Guild,
                                                              discord: Discord, channel: Channel,
                                                              alice: Member) -> None:
    members = [fake.add_member(guild, f"student{i:02d}") for i in range(12)]
    async with viva.running() as bot:
        await ranked_answers(bot, guild, channel.id, members)
        r = await discord.slash(alice, "leaderboard", period="all")
        page1 = r.message
        assert mentioned(page1.embeds[0]["description"]) == [m.id for m in members[:10]]
        assert page1.embeds[0]["footer"]["text"].startswith("Page 1/2")
    async with viva.running():
        r = await discord.click(alice, page1, "Next ▶")
        assert r.type == 7  # the message is updated in place
        assert mentioned(page1.embeds[0]["description"]) == [m.id for m in members[10:]]
        assert page1.embeds[0]["description"].startswith("**11.**")
        assert page1.embeds[0]["footer"]["text"].startswith("Page 2/2")
        await discord.click(alice, page1, "◀ Previous")
        assert mentioned(page1.embeds[0]["description"])[0] == members[0].id


async def test_interview_falls_back_to_dms_when_no_private_thread_can_be_made(
        bot: VivaBot, fake: FakeDiscord, discord: Discord, channel: Channel, carol: Member) -> None:
    fake.set_permissions(channel, fake.bot_member(channel.guild), deny=Perm.CREATE_PRIVATE_THREADS)
    r = await discord.slash(carol, "interview start", bank="mini", count=1)
    assert "in your DMs" in (await r.wait_followup()).content
    dm = discord.dm_channel(carol)
    assert dm is not None and not discord.threads_in(channel)
    await discord.next_message(dm)  # welcome
    question = await discord.next_message(dm)
    await discord.say(carol, dm, good_answer(prompt_of(question)))
    result = await discord.next_message(dm)
    assert result.embeds[0]["title"] == "Question 1/1: result"
    report = await discord.next_message(dm)
    assert report.embeds[0]["title"] == "Interview report"
    assert field(report, "Topics to study")


async def test_a_quiz_where_the_bot_cannot_post_is_refused_with_the_fix(bot: VivaBot, fake: FakeDiscord,
                                                                         discord: Discord, channel: Channel,
                                                                         alice: Member) -> None:
    fake.set_permissions(channel, fake.bot_member(channel.guild), deny=Perm.EMBED_LINKS)
    r = await discord.slash(alice, "quiz start", bank="trivia")
    assert r.ephemeral and "I need the **Embed Links** permission in this channel" in r.content
    assert await bot.store.active_session_in_channel(channel.id, "quiz") is None


async def test_a_rate_limited_post_is_retried_and_the_round_goes_on(bot: VivaBot, fake: FakeDiscord,
                                                                   discord: Discord, channel: Channel,
                                                                   alice: Member) -> None:
    fake.rate_limit_next("POST /channels/{channel_id}/messages", retry_after=0.05)
    await discord.slash(alice, "quiz start", bank="trivia", count=1, seconds=30)
    question = await discord.next_message(channel)
    assert question.embeds[0]["title"] == "Question 1/1"
    posts = fake.requests_to("POST /channels/{channel_id}/messages")
    assert [r.status for r in posts[:2]] == [429, 200]  # discord.py waited retry_after and sent it again
