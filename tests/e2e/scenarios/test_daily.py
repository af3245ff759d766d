"""Daily questions end to end: /daily set|show|off|now, DST-correct posting, reveals, streaks, restarts within
and outside the grace window, and one server's failure not stopping the loop.

The clock starts on Friday 27 March 2026, 10:00 UTC (11:00 in Berlin); Berlin moves to summer time on Sunday
29 March, so 09:00 there is 08:00 UTC on Saturday and 07:00 UTC on Sunday.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.app import VivaBot
from bot.bank.catalog import Catalog
from bot.store import Post
from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, InteractionResult, Member, Message, Perm
from tests.e2e.scenarios.conftest import Viva, answer, field, good_answer, mentioned, prompt_of

SAT_DUE = datetime(2026, 3, 28, 8, 0, tzinfo=UTC)  # 09:00 CET
SUN_DUE = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 09:00 CEST
QUESTION = "📅 Question of the day"
BERLIN_NINE = {"time": "09:00", "timezone": "Europe/Berlin", "bank": "trivia"}


def ts(instant: datetime) -> int:
    """The Unix timestamp Discord's <t:…> markup carries."""
    return int(instant.timestamp())


def daily_questions(discord: Discord, channel: Channel) -> list[Message]:
    """The daily questions the bot posted in the channel (not reveals or warnings)."""
    return [m for m in discord.messages_in(channel)
            if m.author is discord.fake.bot_user and m.embeds and m.embeds[0]["title"].startswith(QUESTION)]


def bot_messages(discord: Discord, channel: Channel) -> list[Message]:
    """Everything the bot posted in the channel."""
    return [m for m in discord.messages_in(channel) if m.author is discord.fake.bot_user]


async def post_of(bot: VivaBot, message: Message) -> Post:
    """The stored post behind a daily question, found through its Answer button's custom id."""
    (button,) = message.buttons()
    post = await bot.store.get_post(int(button["custom_id"].rsplit(":", 1)[1]))
    assert post is not None
    return post


async def run_pass(bot: VivaBot) -> None:
    """A deterministic scheduler pass (to assert that nothing is due)."""
    await bot.rounds.daily.run_pass()


async def reply_text(r: InteractionResult) -> str:
    """The text of an ephemeral reply, waiting for the follow-up when the bot deferred first."""
    message = await r.wait_followup() if r.type == 5 else r.message
    assert message is not None and message.ephemeral, r
    return message.content


async def set_daily(discord: Discord, member: Member, channel: Channel, **options: str) -> str:
    """Run /daily set in ``channel``; return the ephemeral reply's text (content or embed description)."""
    r = await discord.slash(member, "daily set", options={"channel": channel}, **(BERLIN_NINE | options))
    assert r.ephemeral, r
    return r.embed["description"] if r.embed else r.content


# ---- 1. the commands ---------------------------------------------------------------------------------------------

async def test_set_show_off_now(bot: VivaBot, viva: Viva, discord: Discord, guild: Guild, channel: Channel,
                                admin: Member) -> None:
    # Mistakes are explained privately, with the fix, and nothing is saved.
    bad_zone = await set_daily(discord, admin, channel, timezone="Berlin")
    assert "'Berlin' is not an IANA time zone. Did you mean Europe/Berlin" in bad_zone
    bad_time = await set_daily(discord, admin, channel, time="9am")
    assert "'9am' is not a time. Use 24-hour HH:MM, for example 09:00" in bad_time
    assert await bot.store.get_schedule(guild.id) is None
    none = await discord.slash(admin, "daily show")
    assert none.ephemeral and "No daily question is scheduled. Set one up with /daily set." in none.content

    # 18:00 in Berlin is still ahead today (17:00 UTC): the first question is today's.
    evening = datetime(2026, 3, 27, 17, 0, tzinfo=UTC)
    confirmed = await set_daily(discord, admin, channel, time="18:00")
    assert f"Next question: <t:{ts(evening)}:F>" in confirmed and "**18:00** (Europe/Berlin)" in confirmed
    schedule = await bot.store.get_schedule(guild.id)
    assert schedule is not None and schedule.active and schedule.channel_id == channel.id
    assert (schedule.local_time, schedule.timezone, schedule.bank) == ("18:00", "Europe/Berlin", "trivia")
    shown = await discord.slash(admin, "daily show")
    assert shown.ephemeral and f"Next question: <t:{ts(evening)}:F>" in shown.embed["description"]

    # /daily now posts today's question at once, and only once.
    now = await discord.slash(admin, "daily now")
    assert await reply_text(now) == f"Posted today's question in <#{channel.id}>."
    again = await discord.slash(admin, "daily now")
    assert "already posted" in await reply_text(again)
    await run_pass(bot)
    assert len(daily_questions(discord, channel)) == 1
    question = await discord.next_message(channel)
    assert question.embeds[0]["title"] == f"{QUESTION} — Friday 27 March"
    assert question.button_labels() == ["Answer"]
    again = await discord.slash(admin, "daily now")
    assert "Today's daily question is already posted" in await reply_text(again)
    shown = await discord.slash(admin, "daily show")  # today's is done: the next is tomorrow's
    assert f"<t:{ts(evening + timedelta(days=1))}:F>" in shown.embed["description"]
    await viva.advance(to=evening)
    await run_pass(bot)
    assert daily_questions(discord, channel) == [question]  # 18:00 does not post today's question again

    off = await discord.slash(admin, "daily off")
    assert off.ephemeral and off.content.startswith("Daily questions are off.")
    schedule = await bot.store.get_schedule(guild.id)
    assert schedule is not None and not schedule.active
    after = await discord.slash(admin, "daily show")
    assert after.ephemeral and "No daily question is scheduled" in after.content
    refused = await discord.slash(admin, "daily now")
    assert "No daily question is scheduled" in await reply_text(refused)

    # Off: Saturday brings no new question, but Friday's is still revealed when Saturday's would have come.
    await viva.advance(to=evening + timedelta(days=1))
    reveal = await discord.next_message(channel)
    assert reveal.embeds[0]["title"] == "📅 Answer to the question of Friday 27 March"
    assert field(reveal, "Results") == "Nobody answered."
    await run_pass(bot)
    assert daily_questions(discord, channel) == [question] and question.components == []


async def test_now_after_setting_past_todays_time(bot: VivaBot, discord: Discord, channel: Channel,
                                                  admin: Member) -> None:
    await set_daily(discord, admin, channel)  # 09:00 Berlin has passed: the schedule starts tomorrow
    now = await discord.slash(admin, "daily now")
    assert await reply_text(now) == f"Posted today's question in <#{channel.id}>."
    again = await discord.slash(admin, "daily now")
    assert "already posted" in await reply_text(again)
    await run_pass(bot)
    assert len(daily_questions(discord, channel)) == 1


# ---- 2. DST, reveal, one answer per member, streaks --------------------------------------------------------------

async def test_nine_oclock_in_berlin_across_the_dst_change(bot: VivaBot, viva: Viva, discord: Discord,
                                                           channel: Channel, admin: Member, alice: Member,
                                                           bob: Member) -> None:
    # Friday 10:00 UTC is 11:00 in Berlin: today's 09:00 has passed, so the first question is Saturday's.
    confirmed = await set_daily(discord, admin, channel)
    assert f"Next question: <t:{ts(SAT_DUE)}:F>" in confirmed

    await viva.advance(to=SAT_DUE - timedelta(minutes=1))
    await run_pass(bot)
    assert bot_messages(discord, channel) == []

    await viva.advance(to=SAT_DUE)
    saturday = await discord.next_message(channel)
    assert saturday.embeds[0]["title"] == f"{QUESTION} — Saturday 28 March"
    assert saturday.embeds[0]["footer"]["text"].endswith("Answers are revealed at the next question.")
    assert field(saturday, "Answers close") == f"<t:{ts(SUN_DUE)}:R> (<t:{ts(SUN_DUE)}:t>)"
    sat_post = await post_of(bot, saturday)
    assert (sat_post.posted_at, sat_post.daily_date, sat_post.closes_at) == (SAT_DUE, date(2026, 3, 28), SUN_DUE)

    # Members answer privately through the button and modal; a second answer is refused.
    assert "Answer saved" in await answer(discord, alice, saturday, good_answer(prompt_of(saturday)))
    again = await discord.click(alice, saturday, "Answer")
    assert again.modal is None and again.ephemeral and "already answered" in again.content
    assert "Answer saved" in await answer(discord, bob, saturday, "no idea")

    await viva.advance(to=SUN_DUE - timedelta(minutes=1))
    await run_pass(bot)
    assert bot_messages(discord, channel) == [saturday]

    # Sunday 09:00 CEST is 07:00 UTC: Saturday's is revealed, then Sunday's is posted.
    await viva.advance(to=SUN_DUE)
    reveal = await discord.next_message(channel)
    sunday = await discord.next_message(channel)
    question = bot.catalog.question("trivia", sat_post.question_id)
    assert question is not None
    assert reveal.embeds[0]["title"] == "📅 Answer to the question of Saturday 28 March"
    assert f"**Model answer**\n{question.answer}" in reveal.embeds[0]["description"]
    results = field(reveal, "Results")
    assert results.startswith("2 answered, average score 50%. Best answers: ")
    assert mentioned(results) == [alice.id]
    assert saturday.components == []  # no more answers to Saturday's question
    assert sunday.embeds[0]["title"] == f"{QUESTION} — Sunday 29 March"
    sun_post = await post_of(bot, sunday)
    assert (sun_post.posted_at, sun_post.daily_date) == (SUN_DUE, date(2026, 3, 29))
    assert sun_post.question_id != sat_post.question_id
    assert (await bot.store.get_post(sat_post.id)).closed_at == SUN_DUE  # type: ignore[union-attr]

    # Streaks count consecutive days answered: alice answered both days, bob only Saturday.
    await answer(discord, alice, sunday, good_answer(prompt_of(sunday)))
    stats = await discord.slash(alice, "stats")
    assert field(stats.message, "Daily streak") == "2 day(s) now · best 2"  # type: ignore[arg-type]
    stats = await discord.slash(bob, "stats")
    assert field(stats.message, "Daily streak") == "1 day(s) now · best 1"  # type: ignore[arg-type]


async def test_a_duplicate_attempt_with_a_stale_schedule_leaves_todays_question_open(
        bot: VivaBot, viva: Viva, discord: Discord, guild: Guild, channel: Channel, admin: Member) -> None:
    # What /daily now racing the loop amounts to: posting today's question from a schedule read before the loop
    # posted it. It must be refused without revealing (closing) the question the loop just posted.
    await set_daily(discord, admin, channel)
    stale = await bot.store.get_schedule(guild.id)
    assert stale is not None
    await viva.advance(to=SAT_DUE)
    saturday = await discord.next_message(channel)
    assert await bot.rounds.daily.post(stale, date(2026, 3, 28), late=False) is None
    assert (await post_of(bot, saturday)).closed_at is None and saturday.button_labels() == ["Answer"]
    assert bot_messages(discord, channel) == [saturday]


# ---- 3. restarts and the grace window ----------------------------------------------------------------------------

async def test_restart_within_the_grace_window_posts_late_once(viva: Viva, discord: Discord, guild: Guild,
                                                               channel: Channel, admin: Member) -> None:
    assert viva.grace_hours == 2
    async with viva.running():
        await set_daily(discord, admin, channel)
    await viva.advance(to=SAT_DUE + timedelta(hours=1))  # down at 09:00 Berlin, back at 10:00
    async with viva.running() as bot:
        late = await discord.next_message(channel)
        assert late.embeds[0]["title"] == f"{QUESTION} — Saturday 28 March"
        assert "Posted late: I was offline at 09:00." in late.embeds[0]["footer"]["text"]
        post = await post_of(bot, late)
        assert (post.posted_at, post.daily_date) == (SAT_DUE + timedelta(hours=1), date(2026, 3, 28))
        await run_pass(bot)
    await viva.advance(1800)
    async with viva.running() as bot:  # a second restart the same day posts nothing more
        await run_pass(bot)
        assert daily_questions(discord, channel) == [late]
        await viva.advance(to=SUN_DUE)
        await discord.next_message(channel)  # Saturday's reveal
        sunday = await discord.next_message(channel)
        assert "Posted late" not in sunday.embeds[0]["footer"]["text"]
        assert (await post_of(bot, sunday)).posted_at == SUN_DUE
        await run_pass(bot)
    assert daily_questions(discord, channel) == [late, sunday]


async def test_restart_after_the_grace_window_skips_the_day(viva: Viva, discord: Discord, guild: Guild,
                                                            channel: Channel, admin: Member,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    async with viva.running():
        await set_daily(discord, admin, channel)
    await viva.advance(to=SAT_DUE + timedelta(hours=3))
    caplog.set_level(logging.INFO, logger="bot.rounds.daily")
    async with viva.running() as bot:
        await run_pass(bot)
        await run_pass(bot)
        assert bot_messages(discord, channel) == []
        assert caplog.text.count("daily question of 2026-03-28 missed by more than the grace window; skipped") == 1
        await viva.advance(to=SUN_DUE)
        sunday = await discord.next_message(channel)
        assert sunday.embeds[0]["title"] == f"{QUESTION} — Sunday 29 March"
        assert "Posted late" not in sunday.embeds[0]["footer"]["text"]
        assert (await post_of(bot, sunday)).posted_at == SUN_DUE
        await run_pass(bot)
    async with viva.running() as bot:
        await run_pass(bot)
    assert bot_messages(discord, channel) == [sunday]


# ---- 4. one server's failure does not stop the others ------------------------------------------------------------

@pytest.mark.parametrize("failure", ["channel deleted", "send denied", "bank removed"])
async def test_one_servers_failure_does_not_stop_the_loop(failure: str, viva: Viva, fake: FakeDiscord,
                                                          discord: Discord, guild: Guild, channel: Channel,
                                                          admin: Member, caplog: pytest.LogCaptureFixture) -> None:
    other = fake.add_guild("Other Server")
    other_channel = fake.add_text_channel(other, "daily")
    other_admin = fake.add_member(other, "other-admin", permissions=Perm.MANAGE_GUILD)
    assert guild.id < other.id  # each pass handles Study Hall first: its failure comes before Other's post
    async with viva.running() as bot:
        fake.store_commands(other, fake.commands(guild))  # the bot syncs to its dev guild only
        await set_daily(discord, admin, channel)
        await set_daily(discord, other_admin, other_channel, bank="mini")
        if failure == "channel deleted":
            fake.delete_channel(channel)
            await fake.wait_until(lambda: bot.get_channel(channel.id) is None, 5, "the bot to see the delete")
        elif failure == "send denied":
            fake.set_permissions(channel, fake.bot_member(guild), deny=Perm.SEND_MESSAGES)
        else:
            bot.catalog = Catalog({k: v for k, v in bot.catalog.banks.items() if k != "trivia"})

        await viva.advance(to=SAT_DUE)
        posted = await discord.next_message(other_channel)
        assert posted.embeds[0]["title"] == f"{QUESTION} — Saturday 28 March"
        await run_pass(bot)
        await run_pass(bot)
        assert f"guild {guild.id}: daily question failed" in caplog.text
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR and str(guild.id) in r.getMessage()]
        assert len(errors) == 1  # one attempt a day, not one a pass
        assert daily_questions(discord, channel) == []
        schedule = await bot.store.get_schedule(guild.id)
        assert schedule is not None

        if failure == "channel deleted":
            assert not schedule.active  # until an admin picks another channel
            assert fake.requests_to(f"POST /channels/{channel.id}/messages") == []
        elif failure == "send denied":
            assert schedule.active and "403 Forbidden (error code: 50013): Missing Permissions" in caplog.text
            fake.set_permissions(channel, fake.bot_member(guild))  # fixed: Sunday's question comes
        else:
            (warning,) = bot_messages(discord, channel)  # the admins hear about it once
            assert warning.content == "⚠️ There is no bank called 'trivia'. Available: mini."
        await viva.advance(to=SUN_DUE)
        assert (await discord.next_message(other_channel)).embeds[0]["title"].startswith("📅 Answer")
        assert (await discord.next_message(other_channel)).embeds[0]["title"] == f"{QUESTION} — Sunday 29 March"
        if failure == "send denied":
            assert [m.embeds[0]["title"] for m in daily_questions(discord, channel)] == [
                f"{QUESTION} — Sunday 29 March"]
