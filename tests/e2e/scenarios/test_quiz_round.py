"""Quiz rounds end to end: a full round with three members, stop and skip with and without permission."""

from __future__ import annotations

from bot.app import VivaBot
from bot.sessions.scoring import DIFFICULTY_WEIGHT
from tests.e2e.fake import Channel, Discord, Member
from tests.e2e.scenarios.conftest import Viva, answer, field, good_answer, mentioned, prompt_of, receipt


async def test_full_round_with_three_members(bot: VivaBot, viva: Viva, discord: Discord, channel: Channel,
                                             alice: Member, bob: Member, carol: Member) -> None:
    r = await discord.slash(alice, "quiz start", bank="trivia", count=3, seconds=30)
    assert not r.ephemeral and "**3** question(s) from **trivia**" in r.content

    # Question 1: alice answers right (then tries again), bob answers wrong, carol never answers.
    q1 = await discord.next_message(channel)
    assert q1.embeds[0]["title"] == "Question 1/3"
    assert "Answer saved" in await answer(discord, alice, q1, good_answer(prompt_of(q1)))
    again = await discord.click(alice, q1, "Answer")
    assert again.modal is None and again.ephemeral and "already answered" in again.content
    assert "Answer saved" in await answer(discord, bob, q1, "no idea, maybe 8080")
    await viva.advance(30)
    reveal1 = await discord.next_message(channel)
    assert reveal1.embeds[0]["title"] == "Question 1/3 — answer"
    assert mentioned(field(reveal1, "Scores (2 answered)")) == [alice.id, bob.id]
    assert q1.components == []  # the Answer button is gone once revealed

    # Question 2: both who took part answer, so it is revealed at once without waiting for the timer.
    q2 = await discord.next_message(channel)
    assert q2.embeds[0]["title"] == "Question 2/3"
    await answer(discord, alice, q2, good_answer(prompt_of(q2)))
    await answer(discord, bob, q2, "I think it is Django")
    reveal2 = await discord.next_message(channel)
    assert reveal2.embeds[0]["title"] == "Question 2/3 — answer"

    # Question 3: both right.
    q3 = await discord.next_message(channel)
    await answer(discord, alice, q3, good_answer(prompt_of(q3)))
    await answer(discord, bob, q3, f"It's {good_answer(prompt_of(q3))}.")
    await discord.next_message(channel)  # reveal 3
    standings = await discord.next_message(channel)
    assert standings.embeds[0]["title"] == "🏁 Final standings"
    assert mentioned(standings.embeds[0]["description"]) == [alice.id, bob.id]

    # Scores are exact: answered at once (full speed bonus, ×1.2), short answers score 1 or 0.
    q3_weight = DIFFICULTY_WEIGHT[field(q3, "Difficulty")]
    alice_points, bob_points = round(1.2 * (1 + 2 + 3), 2), round(1.2 * q3_weight, 2)
    lb = await discord.slash(carol, "leaderboard", period="all")
    lines = lb.embed["description"].splitlines()
    assert lines == [f"**1.** <@{alice.id}> — **{alice_points:g}** pts · 3 answers · 100% passed",
                     f"**2.** <@{bob.id}> — **{bob_points:g}** pts · 3 answers · 33% passed"]
    assert field(await lb.wait_followup(), "You").startswith("Not ranked yet")  # carol never answered (private)
    mine = await discord.slash(bob, "leaderboard", period="week", bank="trivia")
    assert field(await mine.wait_followup(), "You").startswith(f"#2 of 2 · **{bob_points:g}** pts")
    stats = await discord.slash(alice, "stats")
    assert stats.ephemeral and stats.embed["description"] == f"**{alice_points:g}** points from 3 answers · 100% passed"
    stats = await discord.slash(alice, "stats", options={"member": bob})
    assert "3 answers · 33% passed" in stats.embed["description"]


async def test_stop_and_skip_need_the_starter_or_manage_messages(bot: VivaBot, viva: Viva, discord: Discord,
                                                                 channel: Channel, alice: Member, bob: Member,
                                                                 admin: Member) -> None:
    none = await discord.slash(bob, "quiz stop")
    assert none.ephemeral and "no quiz round running" in none.content
    await discord.slash(alice, "quiz start", bank="trivia", count=3, seconds=60)
    q1 = await discord.next_message(channel)
    twice = await discord.slash(bob, "quiz start", bank="trivia")
    assert twice.ephemeral and "already running in this channel" in twice.content

    refused = await discord.slash(bob, "quiz skip")
    assert refused.ephemeral and "Only the member who started this round" in refused.content
    refused = await discord.slash(bob, "quiz stop")
    assert refused.ephemeral and "Only the member who started this round" in refused.content

    await answer(discord, bob, q1, "5000")
    skipped = await discord.slash(admin, "quiz skip")  # a moderator may
    assert not skipped.ephemeral and "Skipping" in skipped.content
    reveal1 = await discord.next_message(channel)
    assert reveal1.embeds[0]["title"] == "Question 1/3 — answer"
    assert mentioned(field(reveal1, "Scores (1 answered)")) == [bob.id]
    q2 = await discord.next_message(channel)
    assert q2.embeds[0]["title"] == "Question 2/3"

    stopped = await discord.slash(alice, "quiz stop")  # the starter may
    assert not stopped.ephemeral
    reveal2 = await discord.next_message(channel)
    assert reveal2.embeds[0]["title"] == "Question 2/3 — answer"
    assert field(reveal2, "Scores") == "Nobody answered this one."
    final = await discord.next_message(channel)
    assert final.embeds[0]["title"] == "🏁 Final standings (round stopped)"
    assert q2.components == []  # the Answer button is gone after the reveal
    assert bot.store is not None and await bot.store.active_session_in_channel(channel.id, "quiz") is None


async def test_a_round_interrupted_by_a_restart_is_closed_with_a_reveal(viva: Viva, discord: Discord,
                                                                       channel: Channel, alice: Member) -> None:
    async with viva.running():
        await discord.slash(alice, "quiz start", bank="trivia", count=3, seconds=60)
        q1 = await discord.next_message(channel)
        assert "Answer saved" in await answer(discord, alice, q1, good_answer(prompt_of(q1)))
    async with viva.running() as bot:
        reveal = await discord.next_message(channel)
        assert reveal.embeds[0]["title"] == "Question 1/3 — answer"
        assert mentioned(field(reveal, "Scores (1 answered)")) == [alice.id]
        assert "restart" in reveal.embeds[0]["footer"]["text"]
        final = await discord.next_message(channel)
        assert final.embeds[0]["title"] == "🏁 Final standings (round stopped)"
        assert mentioned(final.embeds[0]["description"]) == [alice.id]
        assert q1.components == []
        assert await bot.store.active_session_in_channel(channel.id, "quiz") is None
        again = await discord.slash(alice, "quiz start", bank="trivia", count=1)  # the channel is free again
        assert not again.ephemeral


async def test_open_modals_of_two_members_and_a_restart_lose_no_answer(viva: Viva, discord: Discord,
                                                                      channel: Channel, alice: Member,
                                                                      bob: Member, admin: Member) -> None:
    async with viva.running() as bot:
        await discord.slash(alice, "quiz start", bank="trivia", count=1, seconds=600)
        q1 = await discord.next_message(channel)
        assert (await discord.click(alice, q1, "Answer")).modal is not None
        assert (await discord.click(bob, q1, "Answer")).modal is not None
        bob_receipt = await receipt(await discord.submit_modal(bob, response="bob says 5000"))
        alice_receipt = await receipt(await discord.submit_modal(alice, response="alice says 127.0.0.1"))
        assert "Answer saved" in bob_receipt and "Answer saved" in alice_receipt
        answers = {a.user_id: a.response for a in await bot.store.answers_for_post(1)}
        assert answers == {bob.id: "bob says 5000", alice.id: "alice says 127.0.0.1"}

        set_ = await discord.slash(admin, "daily set", options={"channel": channel}, time="23:00",
                                   timezone="UTC", bank="trivia")
        assert set_.ephemeral
        await (await discord.slash(admin, "daily now")).wait_followup()
        daily = next(m for m in reversed(discord.messages_in(channel)) if m.embeds and
                     m.embeds[0]["title"].startswith("📅 Question of the day"))
        assert (await discord.click(alice, daily, "Answer")).modal is not None
    # alice still has the daily question's answer box open while the bot restarts: her answer must land.
    async with viva.running() as bot:
        r = await discord.submit_modal(alice, response=good_answer(prompt_of(daily)))
        assert "Answer saved" in await receipt(r)
        (post,) = await bot.store.open_posts("daily")
        assert [a.user_id for a in await bot.store.answers_for_post(post.id)] == [alice.id]
