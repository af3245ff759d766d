"""Appeals end to end: a member appeals from *My result*; a moderator ticks points and accepts (answer, leaderboard,
review card and the server's accepted phrasings change together; the member is told) or rejects (nothing changes,
the member is told); one appeal per answer; refused after 7 days; only Manage Messages decides."""

from __future__ import annotations

from typing import Any

from bot.app import VivaBot
from bot.grading import grade
from bot.review import QuestionRef
from tests.e2e.fake import Channel, Discord, FakeDiscord, Guild, Member, Message
from tests.e2e.scenarios.conftest import Viva, answer, field, prompt_of

# Each covers the first key point of its question only (the others are missed), in words the grader can't see.
PARTIAL = {
    "blueprints": "You split the app into modules. Each one gets hooked in with a path segment in front.",
    "factory": "A create_app function builds the app. You can spin up throwaway copies for the test suite.",
}


def partial(prompt: str) -> str:
    return next(v for k, v in PARTIAL.items() if k in prompt.lower())


async def _round(discord: Discord, viva: Viva, channel: Channel, starter: Member,
                 answers: dict[Member, str | None]) -> tuple[Message, Message]:
    """A one-question round on the mini bank; returns the question and its reveal."""
    await discord.slash(starter, "quiz start", bank="mini", count=1, seconds=60)
    q = await discord.next_message(channel)
    for member, text in answers.items():
        await answer(discord, member, q, text or partial(prompt_of(q)))
    await viva.advance(60)
    reveal = await discord.next_message(channel)
    await discord.next_message(channel)  # standings
    return q, reveal


async def _appeal(discord: Discord, member: Member, reveal: Message, reason: str) -> Any:
    mine = await discord.click(member, reveal, "My result")
    assert mine.ephemeral and mine.message is not None
    opened = await discord.click(member, mine.message, "Appeal")
    assert opened.modal is not None
    return await discord.submit_modal(member, reason=reason)


async def test_appeal_accepted_and_rejected(fake: FakeDiscord, guild: Guild, bot: VivaBot, viva: Viva,
                                            discord: Discord, channel: Channel, alice: Member, bob: Member,
                                            admin: Member) -> None:
    reviews = fake.add_text_channel(guild, "appeals")
    _, reveal = await _round(discord, viva, channel, alice, {alice: None, bob: None})
    store = bot.store

    # No review channel yet: the member is told, nothing is recorded.
    early = await _appeal(discord, alice, reveal, "I covered more")
    assert early.ephemeral and "no review channel" in early.content
    assert await store.appeals(guild.id) == []
    settings = await discord.slash(admin, "settings", options={"review_channel": reviews})
    assert f"Appeals go to: <#{reviews.id}>" in settings.embed["description"]

    board = {r.user_id: r for r in await store.leaderboard(guild.id, "all", now=viva.clock.now(), tz="UTC")}
    alice_before, bob_before = board[alice.id], board[bob.id]
    assert alice_before.passed == 0 and bob_before.passed == 0

    sent = await _appeal(discord, alice, reveal, "I covered the prefix point")
    assert sent.ephemeral and "sent to the moderators" in sent.content
    review = await discord.next_message(reviews)
    title = review.embeds[0]["title"]
    assert title.startswith("⏳ Appeal #") and title.endswith("pending")
    assert f"<@{alice.id}>" in review.embeds[0]["description"]
    points_field = field(review, "Key points")
    assert points_field.count("☑") == 1 and points_field.count("☐") == 2  # what the grader credited
    assert field(review, "Why they appeal") == "I covered the prefix point"
    again = await _appeal(discord, alice, reveal, "please")
    assert again.ephemeral and "already appealed" in again.content

    # Only Manage Messages decides.
    refused = await discord.click(bob, review, "Accept")
    assert refused.ephemeral and "Manage Messages" in refused.content
    # The moderator ticks every point, then accepts with the member's phrasing of the one point left.
    ticked = await discord.select(admin, review, ["0", "2"])
    assert ticked.type == 7 and field(review, "Key points").count("☑") == 2
    form = await discord.click(admin, review, "Accept")
    assert form.modal is not None
    decided = await discord.submit_modal(admin, reason="Prefix = url_prefix", phrasing="path segment in front")
    assert decided.ephemeral and "accepted" in decided.content
    assert review.embeds[0]["title"].endswith("accepted") and review.components == []
    assert "Accepted by" in field(review, "Decision")

    (appeal,) = await store.appeals(guild.id, "accepted")
    assert (appeal.decided_by, appeal.decision_reason) == (admin.id, "Prefix = url_prefix")
    question = bot.catalog.for_guild(guild.id).question(appeal.bank, appeal.question_id)
    assert question is not None
    after = {r.user_id: r for r in await store.leaderboard(guild.id, "all", now=viva.clock.now(), tz="UTC")}
    assert after[alice.id].passed == 1 and after[alice.id].points > alice_before.points
    assert after[bob.id] == bob_before
    card = await store.get_card(alice.id, QuestionRef(appeal.bank, appeal.question_id))
    assert card is not None and card.card.passes == 1 and card.card.last_score == appeal.new_score
    dm = discord.dm_channel(alice)
    assert dm is not None and "Your appeal was accepted" in discord.messages_in(dm)[-1].content

    # The phrasing now counts for this server's grader: listed, exported, and graded as a hit.
    overlay = await discord.slash(bob, "bank overlay")
    assert "path segment in front" in overlay.embed["description"]
    assert "registered with a url_prefix" not in grade(question, partial(question.prompt)).misses
    assert "registered with a url_prefix" in grade(bot.catalog.question(appeal.bank, appeal.question_id),  # type: ignore[arg-type]
                                                   partial(question.prompt)).misses

    # Bob's appeal is rejected: his answer, the leaderboard and his card stay as they were.
    await _appeal(discord, bob, reveal, "")
    review_bob = await discord.next_message(reviews)
    bob_card = await store.get_card(bob.id, QuestionRef(appeal.bank, appeal.question_id))
    assert (await discord.click(admin, review_bob, "Reject")).modal is not None
    rejected = await discord.submit_modal(admin, reason="The answer misses the routes point")
    assert rejected.ephemeral and "rejected" in rejected.content
    assert review_bob.embeds[0]["title"].endswith("rejected") and review_bob.components == []
    final = {r.user_id: r for r in await store.leaderboard(guild.id, "all", now=viva.clock.now(), tz="UTC")}
    assert final[bob.id] == bob_before
    assert await store.get_card(bob.id, QuestionRef(appeal.bank, appeal.question_id)) == bob_card
    bob_dm = discord.dm_channel(bob)
    assert bob_dm is not None
    assert "not accepted" in discord.messages_in(bob_dm)[-1].content
    assert "misses the routes point" in discord.messages_in(bob_dm)[-1].content
    pending = await discord.slash(admin, "appeals")
    assert "No appeal is waiting" in pending.content


async def test_appeals_close_after_seven_days(fake: FakeDiscord, guild: Guild, bot: VivaBot, viva: Viva,
                                              discord: Discord, channel: Channel, alice: Member,
                                              admin: Member) -> None:
    reviews = fake.add_text_channel(guild, "appeals")
    await discord.slash(admin, "settings", options={"review_channel": reviews})
    _, reveal = await _round(discord, viva, channel, alice, {alice: None})
    await viva.advance(7 * 24 * 3600 + 120)
    late = await _appeal(discord, alice, reveal, "")
    assert late.ephemeral and "open for 7 days" in late.content
    assert await bot.store.appeals(guild.id) == []


async def test_appeal_from_an_interview_report(fake: FakeDiscord, guild: Guild, bot: VivaBot, discord: Discord,
                                               channel: Channel, alice: Member, admin: Member) -> None:
    reviews = fake.add_text_channel(guild, "appeals")
    await discord.slash(admin, "settings", options={"review_channel": reviews})
    started = await discord.slash(alice, "interview start", bank="mini", count=1)
    await started.wait_followup()
    (thread,) = discord.threads_in(channel)
    await discord.next_message(thread)  # welcome
    question = await discord.next_message(thread)
    await discord.say(alice, thread, "No idea, sorry.")
    report = None
    while report is None:  # feedback, maybe a follow-up, then the report
        message = await discord.next_message(thread)
        if message.embeds and message.embeds[0]["title"].startswith("Interview report"):
            report = message
        elif not message.embeds:
            await discord.say(alice, thread, "I really don't know.")
    assert [c["label"] for row in report.components for c in row["components"]] == ["Appeal Q1"]
    opened = await discord.click(alice, report, "Appeal Q1")
    assert opened.modal is not None
    sent = await discord.submit_modal(alice, reason="I was nervous")
    assert sent.ephemeral and "sent to the moderators" in sent.content
    review = await discord.next_message(reviews)
    assert prompt_of(question) in review.embeds[0]["description"]
    (appeal,) = await bot.store.appeals(guild.id)
    assert appeal.user_id == alice.id and appeal.reason == "I was nervous"
