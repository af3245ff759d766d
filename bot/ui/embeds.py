"""Embed builders. Every text fits Discord's limits so a long model answer can never break a send: model answers
are split between words (``bot.sessions.report.fit_words``), everything else is clipped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import discord

from bot.bank.models import Bank, Question
from bot.grading import Grade
from bot.sessions.interview import HINT_FACTOR
from bot.sessions.quiz import Standing
from bot.sessions.report import InterviewReport, fit_words, split_words

TITLE, DESCRIPTION, FIELD_NAME, FIELD_VALUE, FOOTER, TOTAL, FIELDS = 256, 4096, 256, 1024, 2048, 6000, 25
EMBEDS = 10  # embeds in one message; TOTAL counts the characters of all of them together
COLOR = discord.Colour.blurple()
PASS, PARTIAL, FAIL = discord.Colour.green(), discord.Colour.gold(), discord.Colour.red()
VERDICT_ICON = {"pass": "✅", "partial": "🟡", "fail": "❌"}


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, ending with an ellipsis when cut (and closing an open code block)."""
    text = text or ""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if cut.count("```") % 2 == 1:
        cut = cut[: limit - 5].rstrip() + "\n```"
        return cut[: limit - 1] + "…" if len(cut) >= limit else cut + "…"
    return cut.rstrip() + "…"


def spoiler(text: str, on: bool) -> str:
    """Wrap in Discord spoiler bars when ``on`` (code blocks keep their fences)."""
    return f"||{text}||" if on and text else text


def mention(user_id: int) -> str:
    """A user mention; Viva always sends with allowed_mentions none, so it never pings."""
    return f"<@{user_id}>"


def _fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the embed is within the 6000-character total."""
    while len(embed) > TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    if len(embed) > TOTAL and embed.description:
        embed.description = clip(embed.description, max(1, len(embed.description) - (len(embed) - TOTAL)))
    return embed


def _field(embed: discord.Embed, name: str, value: str, *, inline: bool = False) -> None:
    if len(embed.fields) < FIELDS:
        embed.add_field(name=clip(name, FIELD_NAME), value=clip(value or "—", FIELD_VALUE), inline=inline)


def question_embed(question: Question, *, heading: str, closes_at: datetime | None = None,
                   footer: str | None = None) -> discord.Embed:
    """A posted question: prompt, topic, difficulty and when answers close."""
    embed = discord.Embed(title=clip(heading, TITLE), description=clip(question.prompt, DESCRIPTION), colour=COLOR)
    _field(embed, "Topic", question.topic, inline=True)
    _field(embed, "Difficulty", question.difficulty, inline=True)
    if closes_at is not None:
        ts = int(closes_at.timestamp())
        _field(embed, "Answers close", f"<t:{ts}:R> (<t:{ts}:t>)", inline=True)
    embed.set_footer(text=clip(footer or "Press Answer to reply privately. One answer per member.", FOOTER))
    return _fit(embed)


def model_answer_text(question: Question) -> str:
    """The model answer (or the short answers / key points when there is none), whole."""
    return question.answer or ", ".join(question.short_answers) or "; ".join(k.text for k in question.key_points)


def reveal_embeds(question: Question, *, heading: str, results: Sequence[tuple[int, float, str, float]],
                  missed: Sequence[tuple[str, int]], spoilers: bool, note: str | None = None,
                  summary: str | None = None) -> list[discord.Embed]:
    """The reveal, as the embeds of one message: the model answer whole (split between words over as many embeds
    as it needs), then on the last embed each answerer's score (user, score, verdict, points) and the most-missed
    points, or instead a one-paragraph ``summary`` (daily questions). An answer longer than the message can hold
    ends with a "continues" marker."""
    tail = discord.Embed()  # the fields and footer: they go under the answer, on the last embed
    if summary is not None:
        _field(tail, "Results", summary)
    elif results:
        lines = [f"{VERDICT_ICON.get(v, '')} {mention(u)} — {s:.0%} · +{p:g} pts" for u, s, v, p in results]
        _field(tail, f"Scores ({len(results)} answered)", _join_lines(lines, FIELD_VALUE))
    else:
        _field(tail, "Scores", "Nobody answered this one.")
    if missed and summary is None:
        n = len(results)
        _field(tail, "Most missed", _join_lines([f"• {clip(p, 150)} — missed by {c}/{n}" for p, c in missed],
                                                FIELD_VALUE))
    if note:
        tail.set_footer(text=clip(note, FOOTER))
    title = clip(heading, TITLE)
    head = f"**{clip(question.prompt, 900)}**\n\n**Model answer**\n"
    bars = len(spoiler("x", spoilers)) - 1
    rooms = [DESCRIPTION - len(head) - bars] + [DESCRIPTION - bars] * (EMBEDS - 1)
    fitted = fit_words(model_answer_text(question), rooms, TOTAL - len(title) - len(head) - len(tail),
                       costs=[bars] * EMBEDS)
    texts = [spoiler(piece, spoilers) for piece in fitted.pieces] or [""]
    if fitted.more:
        texts[-1] = f"{texts[-1]}\n{fitted.more}" if texts[-1] else fitted.more
    texts[0] = head + texts[0]
    embeds = [discord.Embed(description=text, colour=COLOR) for text in texts]
    embeds[0].title = title
    for f in tail.fields:
        embeds[-1].add_field(name=f.name, value=f.value, inline=bool(f.inline))
    if tail.footer.text:
        embeds[-1].set_footer(text=tail.footer.text)
    return embeds


def _join_lines(lines: Sequence[str], limit: int) -> str:
    """Join lines, stopping (with a count of the rest) before exceeding ``limit``."""
    out: list[str] = []
    used = 0
    for i, line in enumerate(lines):
        more = f"… and {len(lines) - i} more"
        if used + len(line) + 1 > limit - len(more) - 1:
            out.append(more)
            break
        out.append(line)
        used += len(line) + 1
    return "\n".join(out)


def standings_embed(title: str, rows: Sequence[Standing], total_questions: int) -> discord.Embed:
    """Final standings of a quiz round."""
    embed = discord.Embed(title=clip(title, TITLE), colour=COLOR)
    if not rows:
        embed.description = "No answers this round."
        return embed
    medals = ["🥇", "🥈", "🥉"]
    lines = [f"{medals[i] if i < 3 else f'{i + 1}.'} {mention(s.user_id)} — **{s.points:g}** pts "
             f"({s.passed}/{total_questions} passed)" for i, s in enumerate(rows)]
    embed.description = _join_lines(lines, DESCRIPTION)
    return _fit(embed)


def grade_embed(question: Question, g: Grade, *, heading: str) -> discord.Embed:
    """Feedback on one answer: score, what was covered (with the matching words), what was missed."""
    colour = {"pass": PASS, "partial": PARTIAL}.get(g.verdict, FAIL)
    embed = discord.Embed(title=clip(heading, TITLE), description=f"{VERDICT_ICON[g.verdict]} **{g.score:.0%}** "
                          f"({g.verdict})", colour=colour)
    if g.hits:
        _field(embed, "Covered", _join_lines([f"✓ {clip(h.point, 200)} — “{clip(h.matched, 120)}”" for h in g.hits],
                                             FIELD_VALUE))
    if g.misses:
        _field(embed, "Missed", _join_lines([f"✗ {clip(m, 200)}" for m in g.misses], FIELD_VALUE))
    return _fit(embed)


def my_result_embed(question: Question, *, score: float | None, verdict: str, points: float,
                    feedback: Grade | None) -> discord.Embed:
    """A member's own result, privately: score, points covered (with the words that counted), points missed and
    the model answer. ``score`` None: they did not answer."""
    title = clip(f"Your result — {question.prompt}", TITLE)
    if score is None:
        embed = discord.Embed(title=title, description="You didn't answer this question.", colour=COLOR)
    else:
        colour = {"pass": PASS, "partial": PARTIAL}.get(verdict, FAIL)
        embed = discord.Embed(title=title, colour=colour, description=f"{VERDICT_ICON.get(verdict, '')} "
                              f"**{score:.0%}** ({verdict}) · +{points:g} pts")
    if feedback is not None and feedback.hits:
        _field(embed, "Covered", _join_lines([f"✓ {clip(h.point, 200)} — “{clip(h.matched, 120)}”"
                                              for h in feedback.hits], FIELD_VALUE))
    if feedback is not None and feedback.misses:
        _field(embed, "Missed", _join_lines([f"✗ {clip(m, 200)}" for m in feedback.misses], FIELD_VALUE))
    _answer_fields(embed, model_answer_text(question))
    return _fit(embed)


def _answer_fields(embed: discord.Embed, text: str) -> bool:
    """The model answer in the fields left, split between words, within the embed's total; a "continues" marker
    ends it when even that is not enough. True when the answer is shown whole."""
    names = ["Model answer"] + ["Model answer (continued)"] * FIELDS
    free = FIELDS - len(embed.fields)
    fitted = fit_words(text, [FIELD_VALUE] * free, TOTAL - len(embed), costs=[len(n) for n in names[:free]])
    values = list(fitted.pieces) or [""]
    if fitted.more:
        values[-1] = f"{values[-1]}\n{fitted.more}" if values[-1] else fitted.more
    for name, value in zip(names, values, strict=False):
        _field(embed, name, value)
    return not fitted.more


def schedule_embed(*, title: str, channel_id: int, local_time: str, timezone: str, bank: str | None,
                   topic: str | None, reveal_hours: int | None, next_at: datetime) -> discord.Embed:
    """A daily question schedule and when its next question comes."""
    topic_text = f", topic **{topic}**" if topic else ""
    reveal = f"after {reveal_hours} h" if reveal_hours else "at the next question"
    ts = int(next_at.timestamp())
    lines = [f"Channel: <#{channel_id}>", f"Time: **{local_time}** ({timezone})",
             f"Bank: **{bank or 'default'}**{topic_text}", f"Reveal: {reveal}",
             f"Next question: <t:{ts}:F> (<t:{ts}:R>)"]
    return simple_embed(title, "\n".join(lines))


def interview_report_embed(rows: Sequence[tuple[str, float, str, Sequence[str]]], average: float,
                           study: Sequence[str], *, stopped: bool) -> discord.Embed:
    """Final interview report: (prompt, score, verdict, misses) per question, average, topics to study."""
    title = "Interview report" + (" (stopped early)" if stopped else "")
    embed = discord.Embed(title=title, description=f"Average score: **{average:.0%}** over {len(rows)} question(s).",
                          colour=COLOR)
    for i, (prompt, score, verdict, misses) in enumerate(rows[: FIELDS - 1], 1):
        missed = "\n".join(f"✗ {clip(m, 150)}" for m in misses[:4]) or "Nothing missed."
        _field(embed, f"{i}. {VERDICT_ICON.get(verdict, '')} {score:.0%} — {clip(prompt, 180)}", missed)
    _field(embed, "Topics to study", ", ".join(study) if study else "None — well done!")
    return _fit(embed)


def bank_list_embed(banks: Sequence[Bank]) -> discord.Embed:
    """Every bank with its topics and question counts."""
    embed = discord.Embed(title="Question banks", colour=COLOR)
    if not banks:
        embed.description = "No banks are loaded."
    for bank in banks[:FIELDS]:
        counts: dict[str, int] = {}
        for q in bank.questions:
            counts[q.topic] = counts.get(q.topic, 0) + 1
        topics = ", ".join(f"{t} ({n})" for t, n in sorted(counts.items()))
        _field(embed, f"{bank.name} — {len(bank.questions)} questions", f"{clip(bank.title, 200)}\nTopics: {topics}")
    return _fit(embed)


def simple_embed(title: str, description: str, *, colour: discord.Colour = COLOR) -> discord.Embed:
    """A plain embed with a title and a description, clipped."""
    return discord.Embed(title=clip(title, TITLE), description=clip(description, DESCRIPTION), colour=colour)


def _words(text: str, limit: int) -> str:
    """``text`` on one line, shortened at a word boundary with an ellipsis when longer than ``limit``."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else split_words(flat, limit - 1)[0].rstrip(" ,;:") + "…"




def interview_feedback_embed(question: Question, g: Grade, *, heading: str, hinted: bool = False,
                             final: bool = False) -> discord.Embed:
    """Feedback on an interview answer. Before the follow-up it shows what was covered and only how much is
    missing (the follow-up asks about it); once final, what was missed, contradicted, and the model answer whole."""
    embed = grade_embed(question, g, heading=heading)
    if not final:
        for i, f in enumerate(embed.fields):
            if f.name == "Missed":
                embed.set_field_at(i, name="Missed", value=f"{len(g.misses)} key point(s) so far: answer the "
                                   "follow-up below.", inline=False)
    else:
        for c in g.contradictions[:3]:
            _field(embed, "You said", f"“{_words(c.said, 300)}” — but {_words(c.expected, 300)}")
    if hinted:
        embed.set_footer(text=f"💡 Hint used: this question's points × {HINT_FACTOR:g}")
    answer = question.answer if final and question.answer.strip() else ""
    if answer and not _answer_fields(embed, answer):  # a very long model answer: drop the points to show it whole
        embed.clear_fields()
        embed.description = (embed.description or "") + "\n(Too long to list the points here.)"
        _answer_fields(embed, answer)
    return _fit(embed)


def interview_report_full_embed(report: InterviewReport, *, stopped: bool) -> discord.Embed:
    """The final interview report: a line per question, missed points by topic with the member's contradicted
    words, and the three topics to study next with the command that practises each."""
    title = "Interview report" + (" (stopped early)" if stopped else "")
    hints = f" · {report.hints} hint(s), points × {HINT_FACTOR:g} on those" if report.hints else ""
    lines = [f"Average score: **{report.average:.0%}** over {len(report.results)} question(s) · "
             f"**{report.points:g}** points{hints}.", ""]
    for r in report.results:
        notes = ", ".join(n for n, on in (("💡 hint", r.hinted), ("follow-up", r.followup)) if on)
        lines.append(f"{r.number}. {VERDICT_ICON.get(r.verdict, '')} {r.score:.0%} — {_words(r.prompt, 150)}"
                     + (f" ({notes})" if notes else ""))
    embed = discord.Embed(title=title, description=_join_lines(lines, 2000), colour=COLOR)
    study = "\n".join(f"{i}. **{s.topic}** ({s.reason}): `{s.discord}`" for i, s in enumerate(report.study, 1))
    reserve = len(study or "—") + 40
    for gap in report.gaps[: FIELDS - 1]:
        quoted = {q.point for q in gap.quotes}
        items = [f"✗ {_words(q.point, 120)}: you said “{_words(q.said, 150)}”, but {_words(q.expected, 120)}"
                 for q in gap.quotes]  # the member's own words first: they matter most
        items += [f"✗ {_words(m, 150)}" for m in gap.misses if m not in quoted]
        room = min(FIELD_VALUE, TOTAL - len(embed) - reserve - 80)
        if room < 120:
            break
        _field(embed, f"Missed in {gap.topic} (average {gap.average:.0%})", _join_lines(items, room))
    _field(embed, "Topics to study", study or "Nothing missed. Try a harder difficulty or another bank.")
    return _fit(embed)
