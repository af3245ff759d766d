"""Review, stats and insights end to end: a review session serving a due card on the fake clock, /review missed,
the reminder DM, /stats with its PNG chart, /insights for moderators only.

The clock starts on Friday 27 March 2026, 10:00 UTC (11:00 in Berlin, CET).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from bot.app import VivaBot
from bot.review import QuestionRef, Rating, State
from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, HarnessError, Member, Message
from tests.e2e.scenarios.conftest import Viva, answer, good_answer, prompt_of

DUE_TITLE = "🔁 Review — a card that is due"
NEW_TITLE = "🆕 Review — a new question from your weakest topic"


def ref_of(bot: VivaBot, prompt: str) -> QuestionRef:
    """The bank and id of the question with this prompt."""
    for bank in bot.catalog.banks.values():
        for q in bank.questions:
            if q.prompt == prompt:
                return QuestionRef(bank.name, q.id)
    raise AssertionError(f"no question {prompt!r}")


async def fail_one_question_round(viva: Viva, discord: Discord, channel: Channel, member: Member, *,
                                  right: bool = False) -> Message:
    """A one-question trivia round that `member` answers wrong (or right); returns the question."""
    await discord.slash(member, "quiz start", bank="trivia", count=1, seconds=30)
    question = await discord.next_message(channel)
    text = good_answer(prompt_of(question)) if right else "no idea, maybe 8080"
    assert "Answer saved" in await answer(discord, member, question, text)
    await viva.advance(30)
    assert (await discord.next_message(channel)).embeds[0]["title"].endswith("— answer")
    await discord.next_message(channel)  # final standings
    return question


def png_of(fake: FakeDiscord, message: Message, filename: str) -> Image.Image:
    """The PNG the bot attached to a message, decoded."""
    (attachment,) = [a for a in message.attachments if a["filename"] == filename]
    data = fake.uploads[attachment["id"]]
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


def not_blank(image: Image.Image) -> bool:
    """More than a few percent of the pixels are not white."""
    dark = sum(n for value, n in enumerate(image.convert("L").histogram()) if value < 240)
    return dark / (image.width * image.height) > 0.03


async def test_review_serves_the_failed_card_once_it_is_due(bot: VivaBot, viva: Viva, fake: FakeDiscord,
                                                            guild: Guild, discord: Discord, channel: Channel,
                                                            alice: Member) -> None:
    definition = next(c for c in fake.commands(guild) if c["name"] == "review")
    assert sorted(definition["contexts"]) == [0, 1, 2]  # servers, DMs with the bot, other DMs and groups
    assert sorted(definition["integration_types"]) == [0, 1]  # server install and user install

    question = await fail_one_question_round(viva, discord, channel, alice)
    ref = ref_of(bot, prompt_of(question))
    card = await bot.store.get_card(alice.id, ref)
    assert card is not None and card.card.last_rating is Rating.Again  # the quiz answer made the card

    # Minutes later the card is not due yet: a new question from the weakest topic comes instead.
    r = await discord.slash(alice, "review start")
    assert r.ephemeral and r.embed["title"] == NEW_TITLE
    assert r.embed["description"] != prompt_of(question)

    await viva.advance(10 * 60)
    r = await discord.slash(alice, "review start")
    assert r.ephemeral and r.embed["title"] == DUE_TITLE
    assert r.embed["description"] == prompt_of(question)
    assert r.embed["footer"]["text"].startswith("1 card(s) due")

    opened = await discord.click(alice, r.message, "Answer")
    assert opened.modal is not None
    done = await discord.submit_modal(alice, response=good_answer(prompt_of(question)))
    feedback = await done.wait_followup()
    assert feedback.ephemeral and feedback.embeds[0]["title"].startswith("Your review answer")
    assert "0 card(s) due now" in feedback.content
    card = await bot.store.get_card(alice.id, ref)
    assert card is not None
    assert (card.card.last_rating, card.card.state, card.card.reviews) == (Rating.Easy, State.Review, 2)
    assert card.card.due - bot.clock.now() >= timedelta(days=1)
    assert f"<t:{int(card.card.due.timestamp())}:R>" in feedback.content
    assert await bot.store.leaderboard(guild.id, "all", now=bot.clock.now(), tz="UTC") != []  # the quiz only

    nxt = await discord.click(alice, feedback, "Next")
    assert nxt.ephemeral and nxt.embed["title"] == NEW_TITLE  # nothing due any more: a new question

    # /review missed replays what she failed in her last round, whatever its card says now.
    missed = await discord.slash(alice, "review missed")
    assert missed.embed["title"] == "❌ Replay 1/1 — missed in your last round"
    assert missed.embed["description"] == prompt_of(question)
    opened = await discord.click(alice, missed.message, "Answer")
    done = await discord.submit_modal(alice, response=good_answer(prompt_of(question)))
    feedback = await done.wait_followup()
    last = await discord.click(alice, feedback, "Next")
    assert last.ephemeral and "last question you missed" in last.content


async def test_reminder_dm_at_local_time_when_cards_are_due(bot: VivaBot, viva: Viva, discord: Discord,
                                                            channel: Channel, alice: Member, bob: Member) -> None:
    bad = await discord.slash(alice, "review remind", state="on", time="25:99", timezone="Europe/Berlin")
    assert bad.ephemeral and "25:99" in bad.content
    r = await discord.slash(alice, "review remind", state="on", time="18:00", timezone="Europe/Berlin")
    assert r.ephemeral and "every day at **18:00** (Europe/Berlin)" in r.content
    assert f"<t:{int(datetime(2026, 3, 27, 17, 0, tzinfo=UTC).timestamp())}:R>" in r.content
    await discord.slash(bob, "review remind", state="on", time="18:00", timezone="Europe/Berlin")
    await fail_one_question_round(viva, discord, channel, alice)  # alice has a card due in minutes; bob none

    await viva.advance(to=datetime(2026, 3, 27, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    dm = await discord.next_message(discord.dm_channel(alice) or await _dm_soon(discord, alice))
    assert "You have **1** review card(s) due" in dm.content and "/review start" in dm.content
    assert discord.dm_channel(bob) is None  # nothing due for bob: no DM

    off = await discord.slash(alice, "review remind", state="off")
    assert off.ephemeral and "off" in off.content
    assert await bot.store.enabled_reminders() != [] and all(r.user_id == bob.id
                                                             for r in await bot.store.enabled_reminders())


async def _dm_soon(discord: Discord, member: Member) -> Channel:
    await discord.fake.wait_until(lambda: discord.dm_channel(member) is not None, discord.timeout, "a DM channel")
    channel = discord.dm_channel(member)
    assert channel is not None
    return channel


async def test_stats_attach_a_png_chart_and_show_review_cards(bot: VivaBot, viva: Viva, fake: FakeDiscord,
                                                              discord: Discord, channel: Channel,
                                                              alice: Member) -> None:
    await fail_one_question_round(viva, discord, channel, alice, right=True)
    await fail_one_question_round(viva, discord, channel, alice)
    r = await discord.slash(alice, "stats")
    assert r.ephemeral
    review = next(f["value"] for f in r.embed["fields"] if f["name"] == "Review cards")
    assert review.startswith("No card due now · next due <t:") and review.endswith("card(s) in all")
    message = await r.wait_edit(lambda m: bool(m.attachments))
    assert message.embeds[0]["image"]["url"] == "attachment://stats.png"
    image = png_of(fake, message, "stats.png")
    assert image.size == (900, 360) and not_blank(image)

    await viva.advance(10 * 60)
    r = await discord.slash(alice, "stats")
    review = next(f["value"] for f in r.embed["fields"] if f["name"] == "Review cards")
    assert review.startswith("**1** card(s) due now")


async def test_insights_chart_the_points_the_server_misses_for_moderators_only(
        bot: VivaBot, fake: FakeDiscord, discord: Discord, channel: Channel, guild: Guild, alice: Member,
        bob: Member, admin: Member) -> None:
    empty = await discord.slash(admin, "insights")
    assert "nothing to chart" in empty.embed["description"] and not empty.message.attachments  # type: ignore[union-attr]

    now = bot.clock.now()
    for user, misses in ((alice.id, ["a create_app function builds the app"]),
                         (bob.id, ["a create_app function builds the app", "configuration passed at creation"])):
        post = await bot.store.create_post(guild_id=guild.id, channel_id=channel.id, kind="quiz", bank="mini",
                                           question_id="app-factory", topic="architecture", difficulty="medium",
                                           posted_at=now - timedelta(minutes=5))
        await bot.store.record_answer(post_id=post.id, user_id=user, response="…", score=0.2, verdict="fail",
                                      passed=False, points=0.4, hits=[], misses=misses,
                                      answered_at=now - timedelta(minutes=4))
    r = await discord.slash(admin, "insights", period="week")
    assert not r.ephemeral and r.embed["title"] == "🧭 What to study next — this week"
    lines = r.embed["description"].splitlines()
    assert lines[:3] == ["**architecture**", "• a create_app function builds the app — missed by 2 of 2 answer(s)",
                         "• configuration passed at creation — missed by 1 of 2 answer(s)"]
    message = await r.wait_edit(lambda m: bool(m.attachments))
    image = png_of(fake, message, "insights.png")
    assert image.size == (900, 420) and not_blank(image)

    with pytest.raises(HarnessError, match="cannot see /insights"):
        await discord.slash(alice, "insights")
