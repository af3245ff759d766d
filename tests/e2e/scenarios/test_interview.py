"""Interviews end to end: a private thread, a follow-up, the final report, and resuming after a restart."""

from __future__ import annotations

import dataclasses

import pytest

import bot.sessions.interview as interview_rules
from bot.app import VivaBot
from bot.bank.models import Question
from bot.grading import Contradiction, Grade
from bot.sessions.scoring import points_for
from tests.e2e.fake import Channel, Discord, FakeDiscord, Member, Message, Perm
from tests.e2e.scenarios.conftest import Viva, good_answer, prompt_of

PARTIAL = {
    "blueprints": "They help you split the app into modules.",
    "factory": "You write a create_app function that builds the app.",
}
FOLLOW_UP = {
    "blueprints": "Each blueprint has its own routes and templates and is registered with a url_prefix.",
    "factory": "The configuration is passed at creation, so testing with several app instances is easy.",
}


def pick(table: dict[str, str], prompt: str) -> str:
    return next(v for k, v in table.items() if k in prompt.lower())


async def _start(discord: Discord, member: Member, channel: Channel, count: int = 2) -> tuple[Channel, Message]:
    r = await discord.slash(member, "interview start", bank="mini", count=count)
    assert r.ephemeral
    ready = await r.wait_followup()
    assert "Your interview is ready in <#" in ready.content
    (thread,) = discord.threads_in(channel)
    assert thread.type == 12  # a private thread
    welcome = await discord.next_message(thread)
    assert f"<@{member.id}>" in welcome.content
    question = await discord.next_message(thread)
    assert question.embeds[0]["title"] == f"Question 1/{count}"
    return thread, question


async def test_interview_with_follow_up_and_report(bot: VivaBot, fake: FakeDiscord, discord: Discord,
                                                   channel: Channel, alice: Member) -> None:
    moderator = fake.add_member(channel.guild, "moderator", permissions=Perm.ADMINISTRATOR)  # sees private threads
    thread, q1 = await _start(discord, alice, channel)
    twice = await discord.slash(alice, "interview start", bank="mini")
    assert twice.ephemeral and "already have an interview running" in twice.content

    # Someone else's message in the thread is ignored.
    await discord.say(moderator, thread, pick(FOLLOW_UP, prompt_of(q1)))
    await discord.say(alice, thread, pick(PARTIAL, prompt_of(q1)))
    feedback = await discord.next_message(thread)
    assert feedback.embeds[0]["title"] == "Question 1/2: feedback"
    covered = {f["name"]: f["value"] for f in feedback.embeds[0]["fields"]}
    assert "Covered" in covered and "Missed" in covered
    follow_up = await discord.next_message(thread)
    assert "**" in follow_up.content  # names what was missed

    await discord.say(alice, thread, pick(FOLLOW_UP, prompt_of(q1)))
    result = await discord.next_message(thread)
    assert result.embeds[0]["title"] == "Question 1/2: result"
    assert "✅" in result.embeds[0]["description"]
    q2 = await discord.next_message(thread)
    assert q2.embeds[0]["title"] == "Question 2/2"

    await discord.say(alice, thread, good_answer(prompt_of(q2)))
    result2 = await discord.next_message(thread)
    assert result2.embeds[0]["title"] == "Question 2/2: result"
    report = await discord.next_message(thread)
    assert report.embeds[0]["title"] == "Interview report"
    names = [f["name"] for f in report.embeds[0]["fields"]]
    assert names[-1] == "Topics to study"  # one line per question in the description (issue 13's report)
    assert "\n1. ✅" in report.embeds[0]["description"] and "\n2. ✅" in report.embeds[0]["description"]

    posts = [p for p in await bot.store.open_posts() if p.kind == "interview"]
    assert posts == []  # both questions were closed once answered
    row = await bot.store.get_session(1)
    assert row is not None and not row.active and row.owner_id == alice.id
    answers = [a for pid in range(1, 3) for a in await bot.store.answers_for_post(pid)]
    assert len(answers) == 2 and {a.user_id for a in answers} == {alice.id}
    assert all(a.kind == "interview" for a in answers)
    assert "\n" in next(a.response for a in answers if a.verdict == "pass" and "routes" in a.response)
    stop = await discord.slash(alice, "interview stop")
    assert stop.ephemeral and "no interview running" in stop.content


async def test_interview_stop_gives_a_report(bot: VivaBot, discord: Discord, channel: Channel, bob: Member) -> None:
    thread, _ = await _start(discord, bob, channel, count=2)
    r = await discord.slash(bob, "interview stop")
    assert r.ephemeral and "Interview stopped" in (await r.wait_followup()).content
    report = await discord.next_message(thread)
    assert report.embeds[0]["title"] == "Interview report (stopped early)"
    await discord.say(bob, thread, "a late answer")  # ignored: the interview is over
    await discord.slash(bob, "help")  # a round trip through the gateway, after the message above
    assert [m for m in discord.messages_in(thread) if m.author.bot][-1].id == report.id


async def test_interview_resumes_after_restart(viva: Viva, discord: Discord, channel: Channel, alice: Member) -> None:
    async with viva.running():
        thread, q1 = await _start(discord, alice, channel)
        await discord.say(alice, thread, pick(PARTIAL, prompt_of(q1)))
        await discord.next_message(thread)  # feedback
        await discord.next_message(thread)  # follow-up
    # The bot was down; its first answer was acknowledged, so it must not be lost.
    async with viva.running() as bot:
        back = await discord.next_message(thread)
        assert "back after a restart" in back.content
        again = await discord.next_message(thread)
        assert again.embeds[0]["title"] == "Question 1/2" and prompt_of(again) == prompt_of(q1)
        reminder = await discord.next_message(thread)
        assert pick(PARTIAL, prompt_of(q1)) in reminder.content and "**" in reminder.content
        await discord.say(alice, thread, pick(FOLLOW_UP, prompt_of(q1)))
        result = await discord.next_message(thread)
        assert result.embeds[0]["title"] == "Question 1/2: result" and "✅" in result.embeds[0]["description"]
        q2 = await discord.next_message(thread)
        assert q2.embeds[0]["title"] == "Question 2/2"
        row = await bot.store.active_session_of(thread.guild.id, alice.id, "interview")
        assert row is not None and row.state["index"] == 1


# ---- issue 13: the interviewer's voice (a hint, a challenged contradiction, a report to act on) ----------------
ASKS = {
    "split the app into modules": "How would you keep a large app from growing into one giant file?",
    "each has its own routes and templates": "What can each of those parts carry with it?",
    "registered with a url_prefix": "How does such a part end up serving pages under, say, /admin?",
    "a create_app function builds the app": "Where does the app object come from in that pattern?",
    "configuration passed at creation": "How would you run the same code with a test setup?",
    "easier testing with several app instances": "What does that pattern make easier in your test suite?",
}
WRONG = {  # a claim that contradicts a key point, by prompt fragment: (words said, the point contradicted)
    "blueprints": ("all blueprints share one global set of routes", "each has its own routes and templates"),
    "factory": ("the configuration is fixed globally before the function runs", "configuration passed at creation"),
}
STAND = {  # a follow-up answer that adds a point but does not take the challenged claim back
    "blueprints": "Each blueprint is registered with a url_prefix.",
    "factory": "It makes testing with several app instances easy.",
}


async def test_interview_with_hint_contradiction_follow_up_and_report(
        bot: VivaBot, fake: FakeDiscord, discord: Discord, channel: Channel, alice: Member,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The mini bank's key points get an `ask:` each, as the Flask bank's have.
    mini = bot.catalog.banks["mini"]
    questions = tuple(dataclasses.replace(q, key_points=tuple(dataclasses.replace(kp, ask=ASKS[kp.text])
                                                              for kp in q.key_points)) for q in mini.questions)
    monkeypatch.setitem(bot.catalog.banks, "mini", dataclasses.replace(mini, questions=questions))
    # The grader's contradiction signal, for the claims above (added only when the grader did not flag it itself).
    real_grade = interview_rules.grade

    def grade_with_contradictions(question: Question, response: str) -> Grade:
        g = real_grade(question, response)
        said, point = pick(WRONG, question.prompt)
        if said in response and not g.contradictions:
            c = Contradiction(point, said, point)
            g = dataclasses.replace(g, contradictions=(c,), misses=tuple(dict.fromkeys((*g.misses, point))))
        return g

    monkeypatch.setattr(interview_rules, "grade", grade_with_contradictions)

    thread, q1 = await _start(discord, alice, channel)
    assert [b["label"] for row in q1.components for b in row["components"]] == ["Hint"]
    hint = await discord.click(alice, q1, "Hint")
    shown = await hint.wait_followup()
    assert hint.ephemeral and shown.content.startswith("💡 **Hint:** ")
    first_point = next(q for q in questions if q.prompt == prompt_of(q1)).key_points[0]
    assert first_point.ask in shown.content and "80% of its points" in shown.content
    await fake.wait_until(lambda: q1.components == [], 5, "the Hint button to go once used")

    said = pick(WRONG, prompt_of(q1))[0]
    await discord.say(alice, thread, f"{pick(PARTIAL, prompt_of(q1))} Also, {said}.")
    feedback = await discord.next_message(thread)
    assert feedback.embeds[0]["title"] == "Question 1/2: feedback"
    assert "Hint used" in feedback.embeds[0]["footer"]["text"]
    challenge = await discord.next_message(thread)
    assert challenge.content.startswith("You said “") and challenge.content.endswith("” — is that right?")
    assert said in challenge.content  # the contradiction first (in the member's own clause), before any miss

    await discord.say(alice, thread, pick(STAND, prompt_of(q1)))  # (taking it back is unit-tested)
    result = await discord.next_message(thread)
    assert result.embeds[0]["title"] == "Question 1/2: result"
    fields = {f["name"]: f["value"] for f in result.embeds[0]["fields"]}
    assert said in fields["You said"]
    model = next(q for q in questions if q.prompt == prompt_of(q1)).answer
    assert " ".join(fields["Model answer"].split()) == " ".join(model.split())  # whole, not clipped
    q2 = await discord.next_message(thread)
    assert q2.embeds[0]["title"] == "Question 2/2" and q2.components  # a fresh Hint button

    await discord.say(alice, thread, good_answer(prompt_of(q2)))
    result2 = await discord.next_message(thread)
    assert result2.embeds[0]["title"] == "Question 2/2: result" and "footer" not in result2.embeds[0]
    await fake.wait_until(lambda: q2.components == [], 5, "the unused Hint button to go once answered")
    report = await discord.next_message(thread)
    embed = report.embeds[0]
    assert embed["title"] == "Interview report" and "1 hint(s)" in embed["description"]
    assert "💡 hint, follow-up" in embed["description"].split("\n1. ", 1)[1].split("\n", 1)[0]
    sections = {f["name"]: f["value"] for f in embed["fields"]}
    missed = sections[next(n for n in sections if n.startswith("Missed in architecture"))]
    assert "you said “" in missed and said in missed  # the member's own words, quoted
    assert "`/interview start bank:mini topic:architecture`" in sections["Topics to study"]

    answers = [a for pid in (1, 2) for a in await bot.store.answers_for_post(pid)]
    hinted, plain = answers
    assert hinted.points == round(points_for(hinted.score, "medium") * 0.8, 2)
    assert plain.points == points_for(plain.score, "medium")
