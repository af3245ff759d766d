"""Appeals that teach the bank: a member appeals a graded answer, moderators see it in the server's review
channel (answer, key points, what matched, score), tick the points to credit and accept, or reject; both outcomes
are told to the member. Accepting can add the member's phrasing to the server's accepted phrasings, which the
grader uses for that server from then on. No discord here: the UI implements `AppealSurface`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Protocol

from bot.bank.catalog import Catalog
from bot.bank.models import Question
from bot.bank.overlay import SHORT_ANSWER
from bot.clock import Clock
from bot.errors import PermissionDenied, SessionError, UserError
from bot.grading import grade
from bot.grading.grade import key_points_of
from bot.rounds.content import ContentDesk
from bot.sessions.scoring import points_for
from bot.store import Store
from bot.store.appeals import APPEAL_WINDOW, Appeal, AppealDecided, AppealRefused

logger = logging.getLogger(__name__)

MAX_REASON = 500
MAX_PHRASING = 200
_REFUSALS = {
    "no_answer": "You didn't answer this question, so there is nothing to appeal.",
    "not_yours": "You can only appeal your own answers.",
    "expired": f"Appeals are open for {APPEAL_WINDOW.days} days after answering; this answer is older.",
    "full_marks": "This answer already has full marks.",
}


@dataclass(frozen=True, slots=True)
class PointLine:
    """One key point as the moderator sees it: graded as hit (with the words that matched) or missed."""

    index: int
    text: str
    weight: float
    hit: bool
    matched: str = ""


@dataclass(frozen=True, slots=True)
class AppealCard:
    """Everything the review channel shows of an appeal; ``credit`` are the points ticked to credit."""

    appeal: Appeal
    prompt: str
    response: str
    score: float
    points: float
    verdict: str
    key_points: tuple[PointLine, ...]
    short_answers: tuple[str, ...]
    credit: frozenset[int]
    difficulty: str

    @property
    def gone(self) -> bool:
        """True when the question is no longer in its bank (it can still be rejected, or accepted in full)."""
        return not self.prompt


class AppealSurface(Protocol):
    """What appeals need of the chat platform. Failures raise `bot.rounds.surface.SurfaceError`."""

    async def post_appeal(self, channel_id: int, card: AppealCard) -> tuple[int, int]:
        """Show a new appeal to the moderators; (the channel or forum post it is in, its message id)."""
        ...

    async def show_decision(self, channel_id: int, message_id: int, card: AppealCard) -> None:
        """Show the decision on the appeal's message (and take its buttons off)."""
        ...

    async def notify_member(self, user_id: int, text: str) -> bool:
        """Tell the member privately (a DM); False when that is not possible."""
        ...


def _short(question: Question) -> bool:
    """A short-answer question: graded on exact answers only (its points, if any, are derived)."""
    return bool(question.short_answers) and not question.key_points


def accepted_score(question: Question | None, credit: Collection[int], old_score: float) -> float:
    """The score of an accepted answer: the weighted share of the credited key points (never below the graded
    score); full marks for a short-answer question or one that is gone from its bank."""
    if question is None or _short(question):
        return 1.0
    points = key_points_of(question)
    total = sum(kp.weight for kp in points)
    if not total:
        return 1.0
    got = sum(kp.weight for i, kp in enumerate(points) if i in credit)
    return round(max(old_score, min(1.0, got / total)), 4)


def phrasing_target(card: AppealCard) -> str | None:
    """Where an accepted phrasing would go: an extra short answer, or the one key point newly credited (None when
    none or several are: then no phrasing is taken)."""
    if card.short_answers and not card.key_points:
        return SHORT_ANSWER
    newly = [p for p in card.key_points if p.index in card.credit and not p.hit]
    return newly[0].text if len(newly) == 1 else None


class AppealDesk:
    """Opens, shows and decides appeals."""

    def __init__(self, store: Store, catalog: Callable[[], Catalog], surface: AppealSurface, content: ContentDesk,
                 clock: Clock) -> None:
        self.store = store
        self._catalog = catalog
        self.surface = surface
        self.content = content
        self.clock = clock

    def _question(self, appeal: Appeal) -> Question | None:
        return self._catalog().for_guild(appeal.guild_id).question(appeal.bank, appeal.question_id)

    async def card(self, appeal_id: int, credit: Collection[int] | None = None) -> AppealCard:
        """The appeal as moderators see it; ``credit`` (indices of key points) defaults to the points hit."""
        appeal = await self.store.get_appeal(appeal_id)
        if appeal is None:
            raise SessionError("This appeal no longer exists.")
        answer = await self.store.appealed_answer(appeal)
        response = answer.response if answer is not None else ""
        question = self._question(appeal)
        if question is None:
            return AppealCard(appeal, "", response, appeal.old_score, appeal.old_points, appeal.old_verdict, (), (),
                              frozenset(), "medium")
        graded = grade(question, response)
        matched = {h.point: h.matched for h in graded.hits}
        lines: tuple[PointLine, ...] = ()
        if not _short(question):
            lines = tuple(PointLine(i, kp.text, kp.weight, kp.text in matched, matched.get(kp.text, ""))
                          for i, kp in enumerate(key_points_of(question)))
        if appeal.status == "accepted":
            chosen = frozenset(p.index for p in lines if p.text in appeal.credited)
        elif credit is None:
            chosen = frozenset(p.index for p in lines if p.hit)
        else:
            chosen = frozenset(i for i in credit if 0 <= i < len(lines))
        return AppealCard(appeal, question.prompt, response, appeal.old_score, appeal.old_points, appeal.old_verdict,
                          lines, question.short_answers, chosen, question.difficulty)

    async def open(self, *, post_id: int, user_id: int, reason: str) -> AppealCard:
        """A member appeals their answer to a post: it is recorded and shown in the server's review channel."""
        post = await self.store.get_post(post_id)
        if post is None:
            raise SessionError("This question no longer exists.")
        if post.closed_at is None:
            raise SessionError("You can appeal once the answers are revealed.")
        channel = await self.store.appeal_channel(post.guild_id)
        if channel is None:
            raise UserError("This server has no review channel for appeals yet: a moderator can choose one with "
                            "`/settings review_channel`.")
        answer = await self.store.get_answer(post_id, user_id)
        if answer is None:
            raise UserError(_REFUSALS["no_answer"])
        try:
            appeal = await self.store.open_appeal(answer_id=answer.id, user_id=user_id,
                                                  reason=reason[:MAX_REASON], now=self.clock.now())
        except AppealRefused as refused:
            existing = refused.existing
            if refused.why == "duplicate" and existing is not None and existing.review_message is None \
                    and existing.status == "pending":
                appeal = existing  # recorded earlier but never shown (the channel failed): show it now
            elif refused.why == "duplicate":
                status = existing.status if existing is not None else "pending"
                raise UserError(f"You already appealed this answer (it is {status}); one appeal per answer.") \
                    from None
            else:
                raise UserError(_REFUSALS.get(refused.why, "This answer can't be appealed.")) from None
        card = await self.card(appeal.id)
        try:
            where, message_id = await self.surface.post_appeal(channel, card)
        except Exception:
            logger.warning("appeal %s could not be posted in channel %s", appeal.id, channel, exc_info=True)
            raise UserError("Your appeal is saved, but I couldn't post it in the review channel (is it gone, or "
                            "am I missing a permission there?). Tell a moderator, then press Appeal again.") from None
        await self.store.set_appeal_message(appeal.id, where, message_id)
        return card

    async def _pending(self, appeal_id: int, moderator: bool) -> Appeal:
        if not moderator:
            raise PermissionDenied("Only members with Manage Messages can decide appeals.")
        appeal = await self.store.get_appeal(appeal_id)
        if appeal is None:
            raise SessionError("This appeal no longer exists.")
        if appeal.status != "pending":
            raise SessionError(f"This appeal was already {appeal.status} by <@{appeal.decided_by}>.")
        return appeal

    async def prepare_accept(self, appeal_id: int, credit: Collection[int], *, moderator: bool) -> AppealCard:
        """The card an accept would apply (for the confirmation form); refusals as errors a moderator reads."""
        await self._pending(appeal_id, moderator)
        return await self.card(appeal_id, credit)

    async def accept(self, appeal_id: int, *, moderator_id: int, moderator: bool, credit: Collection[int],
                     reason: str, phrasing: str = "") -> AppealCard:
        """Accept: the answer passes with the full score of the credited points; points, leaderboards, streaks
        and the review card follow in one transaction; the phrasing (if any) is taught to the server's grader."""
        appeal = await self._pending(appeal_id, moderator)
        card = await self.card(appeal_id, credit)
        question = self._question(appeal)
        score = accepted_score(question, card.credit, appeal.old_score)
        points = max(appeal.old_points, points_for(score, card.difficulty))
        credited = [p.text for p in card.key_points if p.index in card.credit]
        missed = [p.text for p in card.key_points if p.index not in card.credit]
        phrasings: list[tuple[str, str]] = []
        target = phrasing_target(card)
        phrasing = " ".join(phrasing.split())[:MAX_PHRASING]
        if phrasing and target is not None and question is not None:
            phrasings.append((target, phrasing))
        try:
            await self.store.accept_appeal(appeal_id, moderator_id=moderator_id, reason=reason[:MAX_REASON],
                                           now=self.clock.now(), credited=credited, missed=missed, score=score,
                                           points=points, phrasings=phrasings)
        except AppealDecided as decided:
            raise SessionError(f"This appeal was already {decided.appeal.status} by "
                               f"<@{decided.appeal.decided_by}>.") from None
        if phrasings:
            await self.content.refresh(appeal.guild_id)
        done = await self.card(appeal_id)
        await self._show(done)
        taught = f" I'll also accept “{phrasing}” for this point from now on." if phrasings else ""
        note = f" Moderator's note: {reason.strip()[:300]}" if reason.strip() else ""
        await self._notify(done, f"✅ Your appeal was accepted: your answer to “{_clip(done.prompt)}” now passes "
                                 f"with **{score:.0%}** (+{points:g} pts).{taught}{note}")
        return done

    async def reject(self, appeal_id: int, *, moderator_id: int, moderator: bool, reason: str) -> AppealCard:
        """Reject: the answer stands; the member is told (with the moderator's reason)."""
        await self._pending(appeal_id, moderator)
        try:
            await self.store.reject_appeal(appeal_id, moderator_id=moderator_id, reason=reason[:MAX_REASON],
                                           now=self.clock.now())
        except AppealDecided as decided:
            raise SessionError(f"This appeal was already {decided.appeal.status} by "
                               f"<@{decided.appeal.decided_by}>.") from None
        done = await self.card(appeal_id)
        await self._show(done)
        note = f" Moderator's note: {reason.strip()[:300]}" if reason.strip() else ""
        await self._notify(done, f"❌ Your appeal on “{_clip(done.prompt)}” was not accepted; your answer keeps its "
                                 f"**{done.score:.0%}**.{note}")
        return done

    async def _show(self, card: AppealCard) -> None:
        appeal = card.appeal
        if appeal.review_channel is None or appeal.review_message is None:
            return
        try:
            await self.surface.show_decision(appeal.review_channel, appeal.review_message, card)
        except Exception:
            logger.warning("could not show the decision on appeal %s", appeal.id, exc_info=True)

    async def _notify(self, card: AppealCard, text: str) -> None:
        try:
            sent = await self.surface.notify_member(card.appeal.user_id, text)
        except Exception:
            logger.warning("could not notify member %s of appeal %s", card.appeal.user_id, card.appeal.id,
                           exc_info=True)
            sent = False
        if not sent:
            logger.info("member %s has DMs closed; appeal %s decided without a DM", card.appeal.user_id,
                        card.appeal.id)


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
