"""Privacy end to end: a member sees what is stored, deletes it with a confirmation button (Cancel and a timeout
delete nothing), the leaderboard forgets them; a server's retention drops old answer texts, at once and hourly."""

from __future__ import annotations

from datetime import timedelta

from bot.app import VivaBot
from tests.e2e.fake import Channel, Discord, Guild, Member
from tests.e2e.scenarios.conftest import Viva, answer, good_answer, mentioned, prompt_of


async def _one_question_round(viva: Viva, discord: Discord, channel: Channel, *members: Member) -> None:
    """A one-question quiz round that every member answers right, revealed when its 30 seconds are up."""
    r = await discord.slash(members[0], "quiz start", bank="trivia", count=1, seconds=30)
    assert not r.ephemeral
    question = await discord.next_message(channel)
    for member in members:
        assert "Answer saved" in await answer(discord, member, question, good_answer(prompt_of(question)))
    await viva.advance(30)
    await discord.next_message(channel)  # the reveal
    await discord.next_message(channel)  # the final standings


async def _board(discord: Discord, who: Member) -> list[int]:
    lb = await discord.slash(who, "leaderboard", period="all")
    return mentioned(lb.embed["description"]) if lb.embed else []


async def test_a_member_deletes_their_data_and_the_leaderboard_forgets_them(
        bot: VivaBot, viva: Viva, discord: Discord, channel: Channel, alice: Member, bob: Member) -> None:
    await _one_question_round(viva, discord, channel, alice, bob)
    assert await _board(discord, bob) == [alice.id, bob.id]
    shown = await discord.slash(alice, "privacy show")
    assert shown.ephemeral and "**1** answer(s)" in shown.embed["description"]
    assert "keeps answer texts until you delete them" in shown.embed["description"]

    asked = await discord.slash(alice, "privacy delete")
    assert asked.ephemeral and asked.embed["title"] == "Delete your Viva data in this server?"
    done = await discord.click(alice, asked.message, "Delete my data")
    message = await done.wait_edit(lambda m: bool(m.embeds) and m.embeds[0]["title"] == "🗑️ Deleted")
    assert "Deleted 1 answer(s)" in message.embeds[0]["description"] and message.components == []

    assert await _board(discord, bob) == [bob.id]
    after = await discord.slash(alice, "privacy show")
    assert after.embed["description"].startswith("Nothing")
    stats = await discord.slash(alice, "stats")
    assert "No answers yet" in stats.embed["description"]
    assert (await discord.slash(bob, "privacy show")).embed["description"].count("**1** answer(s)") == 1


async def test_cancel_or_no_answer_deletes_nothing(bot: VivaBot, viva: Viva, discord: Discord, channel: Channel,
                                                   alice: Member) -> None:
    await _one_question_round(viva, discord, channel, alice)
    asked = await discord.slash(alice, "privacy delete")
    cancelled = await discord.click(alice, asked.message, "Cancel")
    assert cancelled.message is not None and cancelled.message.components == []
    assert cancelled.embed is not None and cancelled.embed["title"] == "Cancelled: nothing was deleted"

    cog = bot.get_cog("Privacy")  # an instance of the extension's own copy of PrivacyCog (load_extension)
    assert cog is not None and cog.confirm_seconds == 120
    cog.confirm_seconds = 0.05  # type: ignore[attr-defined]  # discord.py times views out on the loop's clock
    asked = await discord.slash(alice, "privacy delete")
    expired = await asked.wait_edit(lambda m: m.components == [])
    assert expired.embeds[0]["title"] == "No answer in time: nothing was deleted"
    assert await _board(discord, alice) == [alice.id]
    assert "**1** answer(s)" in (await discord.slash(alice, "privacy show")).embed["description"]


async def test_nothing_stored_means_nothing_to_confirm(bot: VivaBot, discord: Discord, bob: Member) -> None:
    r = await discord.slash(bob, "privacy delete")
    assert r.ephemeral and r.components == [] and r.embed["description"].startswith("Nothing")


async def test_retention_drops_old_texts_at_once_and_hourly_keeping_scores(
        bot: VivaBot, viva: Viva, discord: Discord, guild: Guild, channel: Channel, alice: Member,
        admin: Member) -> None:
    guild_id = guild.id
    now = bot.clock.now()
    texts = {}
    for age in (timedelta(days=45), timedelta(days=30) - timedelta(minutes=30), timedelta(days=2)):
        post = await bot.store.create_post(guild_id=guild_id, channel_id=channel.id, kind="quiz", bank="trivia",
                                           question_id="t-port", topic="basics", difficulty="easy",
                                           posted_at=now - age)
        texts[age] = await bot.store.record_answer(post_id=post.id, user_id=alice.id, response="5000", score=1.0,
                                                   verdict="pass", points=2.0, hits=["5000"], misses=[],
                                                   answered_at=now - age, passed=True)

    r = await discord.slash(admin, "settings", retention_days=30)
    assert "Answer texts kept: **30 days**" in r.embed["description"]
    assert "Dropped 1 older answer text(s) now." in r.embed["description"]

    async def responses() -> list[str]:
        return [(await bot.store.get_answer(a.post_id, alice.id)).response  # type: ignore[union-attr]
                for a in texts.values()]

    assert await responses() == ["", "5000", "5000"]
    await viva.advance(3600)  # the hourly pass: the answer that was 29 days 23.5 hours old is now past 30 days
    assert await responses() == ["", "", "5000"]
    shown = await discord.slash(alice, "privacy show")
    assert "**3** answer(s) with their scores and points (text kept for **1**)" in shown.embed["description"]
    assert "for 30 days" in shown.embed["description"]
    board = await discord.slash(alice, "leaderboard", period="all")
    assert "**6** pts · 3 answers" in board.embed["description"]  # scores and points kept

    off = await discord.slash(admin, "settings", retention_days=0)
    assert "Answer texts kept: **until members delete them**" in off.embed["description"]
