"""Rounds end to end: the private *My result* button after reveals, the receipt in the modal's own response, and a
click that reaches the bot too late to be answered."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.app import VivaBot
from tests.e2e.fake import Channel, Discord, FakeDiscord, Member
from tests.e2e.scenarios.conftest import Viva, answer, field, good_answer, prompt_of

CALLBACK = "POST /interactions/{interaction_id}/{interaction_token}/callback"


async def test_my_result_shows_each_member_their_own_result_privately(bot: VivaBot, viva: Viva, discord: Discord,
                                                                      channel: Channel, alice: Member,
                                                                      bob: Member) -> None:
    await discord.slash(alice, "quiz start", bank="mini", count=1, seconds=30)
    question = await discord.next_message(channel)
    receipt = await answer(discord, alice, question, "Blueprints split the app into modules.")
    assert "Answer saved" in receipt and "**My result**" in receipt  # the receipt says where the result will be
    await viva.advance(30)
    reveal = await discord.next_message(channel)
    assert reveal.button_labels() == ["My result"]

    mine = await discord.click(alice, reveal, "My result")
    assert mine.ephemeral and mine.embed is not None and mine.embed["title"].startswith("Your result")
    assert mine.message is not None
    covered = field(mine.message, "Covered")
    assert covered.startswith("✓ split the app into modules — “") and "modules" in covered
    assert field(mine.message, "Missed").count("✗") == 2
    assert "Blueprints split a large application" in field(mine.message, "Model answer")

    theirs = await discord.click(bob, reveal, "My result")
    assert theirs.ephemeral and theirs.embed is not None
    assert theirs.embed["description"] == "You didn't answer this question."


async def test_a_daily_reveal_has_my_result_too(bot: VivaBot, viva: Viva, discord: Discord, channel: Channel,
                                                admin: Member, alice: Member) -> None:
    await discord.slash(admin, "daily set", options={"channel": channel}, time="23:00", timezone="UTC", bank="trivia",
                        reveal_hours=1)
    await (await discord.slash(admin, "daily now")).wait_followup()
    question = await discord.next_message(channel)
    await answer(discord, alice, question, good_answer(prompt_of(question)))
    await viva.advance(3600)
    reveal = await discord.next_message(channel)
    assert reveal.embeds[0]["title"].startswith("📅 Answer") and reveal.button_labels() == ["My result"]
    mine = await discord.click(alice, reveal, "My result")
    assert mine.ephemeral and mine.embed is not None and mine.embed["description"].startswith("✅ **100%** (pass)")


async def test_a_fast_commit_answers_in_the_submission_itself(bot: VivaBot, fake: FakeDiscord, discord: Discord,
                                                               channel: Channel, alice: Member) -> None:
    await discord.slash(alice, "quiz start", bank="trivia", count=1, seconds=30)
    question = await discord.next_message(channel)
    await discord.click(alice, question, "Answer")
    r = await discord.submit_modal(alice, response="5000")
    assert r.type == 4 and r.ephemeral and "Answer saved" in r.content  # one round trip: no deferral, no follow-up
    assert r.followups == []


async def test_a_click_too_late_to_answer_is_a_warning_and_nothing_more(
        bot: VivaBot, fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    await discord.slash(alice, "quiz start", bank="trivia", count=1, seconds=60)
    question = await discord.next_message(channel)
    checked = bot.desk.open_question

    async def late(*args: Any) -> Any:
        fake.clock.advance(4)  # the click reached the bot after Discord's 3 s deadline
        return await checked(*args)

    monkeypatch.setattr(bot.desk, "open_question", late)
    fake.expect_violations("late_callback")
    before = len(fake.requests_to(CALLBACK))
    with caplog.at_level(logging.WARNING):
        r = await discord.click(alice, question, "Answer")
        assert r.error is not None and r.error.code == 10062
        await discord.slash(alice, "help")  # a round trip after the click: anything it sent has arrived
    assert len(fake.requests_to(CALLBACK)) - before == 2  # the click's one refused callback, then /help's
    assert not [rec for rec in caplog.records if rec.levelno >= logging.ERROR]
    (warning,) = [rec for rec in caplog.records if "expired before it was answered" in rec.getMessage()]
    assert warning.levelno == logging.WARNING and "s after it was created" in warning.getMessage()
