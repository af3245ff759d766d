"""Privacy: what the store holds about a member in a server, erasing it, and dropping old answer texts.

What "a member's data in a server" means here (every table of migrations 0001-0005 was read for it):

- ``answers`` of the member in the server: the texts, and the scores, points, verdicts and daily dates that every
  leaderboard, ``/stats`` figure, streak and chart is computed from. Leaderboards are SQL aggregates over
  ``answers`` (bot/store/leaderboard.py keeps no running totals), so deleting the rows recomputes them.
- ``appeals`` the member made there (their reason, the answer as graded, the decision). A phrasing a moderator
  adopted from an appeal stays in the server's ``accepted_phrasings`` (server content, added by the moderator)
  but no longer points at the appeal.
- ``review_cards`` of the questions the member answered there. A card is one per member and question across
  servers, so a card that any answer in this server touched is removed whole.
- Interviews (``sessions`` of kind interview owned by the member there): their JSON state quotes answers, so the
  sessions go, with their posts (nobody else answers an interview's questions).
- Finished quiz rounds there that list the member as a participant: the member's id leaves the list.

Kept: ``review_reminders`` (one per member across servers, about DMs; ``/review`` turns it off), server settings,
schedules, daily and quiz posts (the questions shown, no member data), custom questions a moderator wrote, a
moderator's decisions on other members' appeals, and who started a quiz round.

Retention (``retention``, migration 0005): texts older than the server's ``days`` are replaced by '' — answer
texts, appeal reasons, and the quotes in finished interviews' state (`scrub_interview_state`). Scores, points,
verdicts, hit and missed key points (the bank's words, not the member's) are kept. ``purged_until`` marks what
is done, so a pass reads only what aged since the last one.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.store.db import Database, Tx, from_us_opt, to_us
from bot.store.errors import StoreError

logger = logging.getLogger(__name__)

MAX_RETENTION_DAYS = 3650  # ten years; more than that is "keep forever", which is the default


class InterviewInProgress(StoreError):
    """The member's interview in this server is still running (``session_id``): it is finished or stopped before
    their data can be erased, so the interview never writes to rows that are gone."""

    def __init__(self, session_id: int) -> None:
        self.session_id = session_id
        super().__init__(f"interview {session_id} is still in progress")


@dataclass(frozen=True, slots=True)
class MemberData:
    """How much the store holds about a member in one server (or how much was erased)."""

    answers: int
    answer_texts: int  # answers whose text is still stored (retention or erasure empties it)
    appeals: int
    review_cards: int
    interviews: int
    quiz_rounds: int  # finished quiz rounds that list the member as a participant
    first_answer: datetime | None
    last_answer: datetime | None

    @property
    def empty(self) -> bool:
        """True when nothing is stored about the member there."""
        return not (self.answers or self.appeals or self.review_cards or self.interviews or self.quiz_rounds)


@dataclass(frozen=True, slots=True)
class Purged:
    """What one retention pass dropped."""

    guilds: int = 0
    answers: int = 0
    appeals: int = 0
    interviews: int = 0

    def __add__(self, other: Purged) -> Purged:
        return Purged(self.guilds + other.guilds, self.answers + other.answers, self.appeals + other.appeals,
                      self.interviews + other.interviews)


# --- a member's data in a server ----------------------------------------------------------------------------------
_ANSWERS = """
SELECT count(*) AS n, coalesce(sum(CASE WHEN response <> '' THEN 1 ELSE 0 END), 0) AS texts,
       min(answered_at) AS first_at, max(answered_at) AS last_at
FROM answers WHERE guild_id = ? AND user_id = ?
"""
_APPEALS = "SELECT count(*) FROM appeals WHERE guild_id = ? AND user_id = ?"
# Cards of the questions the member answered in this server (the outer table is named, not aliased: SQLite's
# DELETE takes no alias, and the same condition serves the count and the delete).
_CARD_ANSWERED_HERE = """
user_id = :user AND EXISTS (
    SELECT 1 FROM answers a JOIN posts p ON p.id = a.post_id
    WHERE a.guild_id = :guild AND a.user_id = review_cards.user_id AND a.bank = review_cards.bank
      AND p.question_id = review_cards.question_id
)"""
_CARDS = f"SELECT count(*) FROM review_cards WHERE {_CARD_ANSWERED_HERE}"  # noqa: S608 (constant text)
_DELETE_CARDS = f"DELETE FROM review_cards WHERE {_CARD_ANSWERED_HERE}"  # noqa: S608 (constant text)
_INTERVIEWS = "SELECT count(*) FROM sessions WHERE guild_id = ? AND owner_id = ? AND kind = 'interview'"
_ACTIVE_INTERVIEW = """
SELECT id FROM sessions WHERE guild_id = ? AND owner_id = ? AND kind = 'interview' AND active = 1
ORDER BY id LIMIT 1
"""
# The member's id as text somewhere in a finished round's state; the JSON is then read to be sure.
_QUIZ_CANDIDATES = """
SELECT id, state FROM sessions WHERE guild_id = ? AND kind = 'quiz' AND active = 0 AND state LIKE ? ORDER BY id
"""
_SET_STATE = "UPDATE sessions SET state = ? WHERE id = ?"
_UNLINK_PHRASINGS = """
UPDATE accepted_phrasings SET appeal_id = NULL
WHERE appeal_id IN (SELECT id FROM appeals WHERE guild_id = ? AND user_id = ?)
"""
_DELETE_APPEALS = "DELETE FROM appeals WHERE guild_id = ? AND user_id = ?"
_DELETE_INTERVIEW_POSTS = """
DELETE FROM posts WHERE session_id IN (
    SELECT id FROM sessions WHERE guild_id = ? AND owner_id = ? AND kind = 'interview'
)
"""
_DELETE_INTERVIEWS = "DELETE FROM sessions WHERE guild_id = ? AND owner_id = ? AND kind = 'interview'"
_DELETE_ANSWERS = "DELETE FROM answers WHERE guild_id = ? AND user_id = ?"

# --- retention ----------------------------------------------------------------------------------------------------
_GET_RETENTION = "SELECT days, purged_until FROM retention WHERE guild_id = ?"
_ALL_RETENTION = "SELECT guild_id, days, purged_until FROM retention ORDER BY guild_id"
_SET_RETENTION = """
INSERT INTO retention (guild_id, days, purged_until, updated_at) VALUES (:guild, :days, 0, :now)
ON CONFLICT (guild_id) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at
"""
_CLEAR_RETENTION = "DELETE FROM retention WHERE guild_id = ?"
_MARK_PURGED = "UPDATE retention SET purged_until = ? WHERE guild_id = ? AND purged_until < ?"
_PURGE_ANSWERS = """
UPDATE answers SET response = ''
WHERE guild_id = :guild AND answered_at >= :since AND answered_at < :cutoff AND response <> ''
"""
_PURGE_APPEALS = """
UPDATE appeals SET reason = ''
WHERE guild_id = :guild AND created_at >= :since AND created_at < :cutoff AND reason <> ''
"""
_AGED_INTERVIEWS = """
SELECT id, state FROM sessions
WHERE guild_id = :guild AND kind = 'interview' AND finished_at IS NOT NULL
  AND finished_at >= :since AND finished_at < :cutoff
ORDER BY id
"""


def _encode(state: dict[str, Any]) -> str:
    """A session state as the sessions store writes it."""
    return json.dumps(state, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def scrub_interview_state(state: dict[str, Any]) -> dict[str, Any]:
    """The interview state (bot/sessions/interview.py's InterviewState as JSON) without the member's words: the
    pending first answer, the follow-up (it may quote them: "You said …") and each contradiction's ``said``."""
    out = dict(state)
    if out.get("first_response") is not None:
        out["first_response"] = None
    if out.get("followup") is not None:
        out["followup"] = None
    results = []
    for result in out.get("results") or []:
        entry = dict(result)
        if entry.get("contradictions"):
            entry["contradictions"] = [dict(c, said="") for c in entry["contradictions"]]
        results.append(entry)
    if "results" in out:
        out["results"] = results
    return out


def _without_participant(state: dict[str, Any], user_id: int) -> dict[str, Any] | None:
    """The quiz state with `user_id` removed from its participants, or None if they were not listed."""
    participants = state.get("participants")
    if not isinstance(participants, list) or user_id not in participants:
        return None
    return dict(state, participants=[p for p in participants if p != user_id])


async def _rounds_with(tx: Tx, guild_id: int, user_id: int) -> list[tuple[int, dict[str, Any]]]:
    """Finished quiz rounds of the server listing the member, with their state minus the member."""
    out: list[tuple[int, dict[str, Any]]] = []
    for row in await tx.fetchall(_QUIZ_CANDIDATES, (guild_id, f"%{user_id:d}%")):
        scrubbed = _without_participant(json.loads(row["state"]), user_id)
        if scrubbed is not None:
            out.append((int(row["id"]), scrubbed))
    return out


async def _member_data(tx: Tx, guild_id: int, user_id: int) -> tuple[MemberData, list[tuple[int, dict[str, Any]]]]:
    answers = await tx.fetchone(_ANSWERS, (guild_id, user_id))
    appeals = await tx.fetchone(_APPEALS, (guild_id, user_id))
    cards = await tx.fetchone(_CARDS, {"user": user_id, "guild": guild_id})
    interviews = await tx.fetchone(_INTERVIEWS, (guild_id, user_id))
    assert answers is not None and appeals is not None and cards is not None and interviews is not None
    rounds = await _rounds_with(tx, guild_id, user_id)
    data = MemberData(
        answers=int(answers["n"]), answer_texts=int(answers["texts"]), appeals=int(appeals[0]),
        review_cards=int(cards[0]), interviews=int(interviews[0]), quiz_rounds=len(rounds),
        first_answer=from_us_opt(answers["first_at"]), last_answer=from_us_opt(answers["last_at"]))
    return data, rounds


def _days(days: int | None) -> int | None:
    if days is None or days == 0:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or not 0 < days <= MAX_RETENTION_DAYS:
        raise ValueError(f"retention days must be an int within 1..{MAX_RETENTION_DAYS} (or 0/None), got {days!r}")
    return days


async def _purge_guild(tx: Tx, guild_id: int, now: datetime) -> Purged:
    """Drop the server's texts that aged past its retention since the last pass, inside the caller's transaction."""
    row = await tx.fetchone(_GET_RETENTION, (guild_id,))
    if row is None:
        return Purged()
    cutoff = to_us(now - timedelta(days=int(row["days"])))
    since = int(row["purged_until"])
    if cutoff <= since:
        return Purged()
    window = {"guild": guild_id, "since": since, "cutoff": cutoff}
    answers = await tx.execute(_PURGE_ANSWERS, window)
    appeals = await tx.execute(_PURGE_APPEALS, window)
    interviews = 0
    for session in await tx.fetchall(_AGED_INTERVIEWS, window):
        state = json.loads(session["state"])
        scrubbed = scrub_interview_state(state)
        if scrubbed != state:
            await tx.execute(_SET_STATE, (_encode(scrubbed), session["id"]))
            interviews += 1
    await tx.execute(_MARK_PURGED, (cutoff, guild_id, cutoff))
    return Purged(1, answers, appeals, interviews)


class PrivacyMixin:
    """Store methods for /privacy and answer-text retention."""

    _db: Database

    async def member_data(self, guild_id: int, user_id: int) -> MemberData:
        """What the store holds about the member in the server (counts, first and last answer)."""
        async with self._db.snapshot() as tx:
            data, _ = await _member_data(tx, guild_id, user_id)
        return data

    async def erase_member(self, guild_id: int, user_id: int) -> MemberData:
        """Erase, in ONE transaction, the member's answers (texts, scores, streak days), appeals, review cards of
        the questions answered here, interviews and place in finished quiz rounds in the server; return what was
        there. Leaderboards and stats are aggregates over answers, so they no longer count the member.
        InterviewInProgress if the member's interview there is still running (nothing is erased)."""
        async with self._db.transaction() as tx:
            active = await tx.fetchone(_ACTIVE_INTERVIEW, (guild_id, user_id))
            if active is not None:
                raise InterviewInProgress(int(active["id"]))
            data, rounds = await _member_data(tx, guild_id, user_id)
            await tx.execute(_UNLINK_PHRASINGS, (guild_id, user_id))
            await tx.execute(_DELETE_APPEALS, (guild_id, user_id))
            await tx.execute(_DELETE_CARDS, {"user": user_id, "guild": guild_id})  # before the answers it reads
            for session_id, state in rounds:
                await tx.execute(_SET_STATE, (_encode(state), session_id))
            await tx.execute(_DELETE_INTERVIEW_POSTS, (guild_id, user_id))  # their answers go with them
            await tx.execute(_DELETE_INTERVIEWS, (guild_id, user_id))
            await tx.execute(_DELETE_ANSWERS, (guild_id, user_id))
        logger.info("erased member %s's data in guild %s: %d answers, %d appeals, %d cards, %d interviews",
                    user_id, guild_id, data.answers, data.appeals, data.review_cards, data.interviews)
        return data

    async def get_retention(self, guild_id: int) -> int | None:
        """How many days the server keeps answer texts, or None (forever)."""
        row = await self._db.fetchone(_GET_RETENTION, (guild_id,))
        return None if row is None else int(row["days"])

    async def set_retention(self, guild_id: int, days: int | None, *, now: datetime) -> Purged:
        """Keep the server's answer texts `days` days (None or 0: forever) and drop, in the same transaction,
        those already older than that; ValueError outside 1..MAX_RETENTION_DAYS."""
        kept = _days(days)
        async with self._db.transaction() as tx:
            if kept is None:
                await tx.execute(_CLEAR_RETENTION, (guild_id,))
                return Purged()
            await tx.execute(_SET_RETENTION, {"guild": guild_id, "days": kept, "now": to_us(now)})
            return await _purge_guild(tx, guild_id, now)

    async def purge_expired(self, now: datetime) -> Purged:
        """Drop every server's texts older than its retention (one transaction per server); what was dropped."""
        total = Purged()
        for row in await self._db.fetchall(_ALL_RETENTION):
            cutoff = to_us(now - timedelta(days=int(row["days"])))
            if cutoff <= int(row["purged_until"]):
                continue  # nothing aged since the last pass: no write transaction
            async with self._db.transaction() as tx:
                total += await _purge_guild(tx, int(row["guild_id"]), now)
        return total


__all__ = ["MAX_RETENTION_DAYS", "InterviewInProgress", "MemberData", "PrivacyMixin", "Purged",
           "scrub_interview_state"]
