"""A server's own content, kept in step between the store and the catalog: custom questions (/question add,
list, remove, export) and accepted phrasings (/bank overlay). No discord here: cogs call this desk."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass

from bot.bank.catalog import Catalog
from bot.bank.importers.custom import CustomQuestion, QuestionRejected, check_question, custom_bank, export_yaml
from bot.bank.loader import parse_bank
from bot.bank.models import Question
from bot.bank.overlay import CUSTOM_BANK, GuildContent
from bot.clock import Clock
from bot.errors import BankError
from bot.store import Store
from bot.store.content import Phrasing, StoredQuestion

logger = logging.getLogger(__name__)

MAX_CUSTOM_QUESTIONS = 500  # per server: a custom bank is for a study group's own questions, not a dump


def _custom(row: StoredQuestion) -> CustomQuestion:
    return CustomQuestion(row.prompt, row.answer, row.key_points, row.topic, row.difficulty, row.question_id)


def _content(rows: list[StoredQuestion], phrasings: list[Phrasing]) -> GuildContent:
    overlay: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for p in phrasings:
        overlay[(p.bank, p.question_id)][p.point].append(p.phrasing)
    frozen = {k: {point: tuple(v) for point, v in points.items()} for k, points in overlay.items()}
    return GuildContent(custom_bank(_custom(r) for r in rows), frozen)


@dataclass(frozen=True, slots=True)
class Export:
    """A server's export: a file name and the bank YAML."""

    filename: str
    text: str
    questions: int


class ContentDesk:
    """Adds, lists, removes and exports a server's questions; refreshes the catalog's view of that server."""

    def __init__(self, store: Store, catalog: Callable[[], Catalog], guilds: MutableMapping[int, GuildContent],
                 clock: Clock) -> None:
        self.store = store
        self._catalog = catalog
        self.guilds = guilds  # shared with the Catalog (its `guilds`)
        self.clock = clock

    async def load(self) -> int:
        """Read every server's content from the store (at start); the number of servers that have some."""
        rows: dict[int, list[StoredQuestion]] = defaultdict(list)
        phrasings: dict[int, list[Phrasing]] = defaultdict(list)
        for q in await self.store.all_custom_questions():
            rows[q.guild_id].append(q)
        for p in await self.store.all_phrasings():
            phrasings[p.guild_id].append(p)
        self.guilds.clear()
        for guild_id in rows.keys() | phrasings.keys():
            self.guilds[guild_id] = _content(rows[guild_id], phrasings[guild_id])
        logger.info("loaded custom content of %d server(s)", len(self.guilds))
        return len(self.guilds)

    async def refresh(self, guild_id: int) -> GuildContent:
        """Re-read one server's content from the store into the catalog."""
        content = _content(await self.store.custom_questions(guild_id), await self.store.phrasings(guild_id))
        if content.custom is None and not content.overlay:
            self.guilds.pop(guild_id, None)
        else:
            self.guilds[guild_id] = content
        return content

    async def add(self, guild_id: int, user_id: int, q: CustomQuestion) -> Question:
        """Check the question by the bank rules and store it; QuestionRejected or BankError saying why not."""
        question = check_question(q)
        existing = await self.store.custom_questions(guild_id)
        if len(existing) >= MAX_CUSTOM_QUESTIONS:
            raise BankError(f"This server already has {MAX_CUSTOM_QUESTIONS} custom questions; remove some first.")
        added = await self.store.add_custom_question(
            guild_id=guild_id, question_id=question.id, prompt=question.prompt, answer=question.answer,
            key_points=[kp.text for kp in question.key_points], topic=question.topic,
            difficulty=question.difficulty, created_by=user_id, created_at=self.clock.now())
        if not added:
            raise QuestionRejected([f"This server already has this question (id `{question.id}`)."])
        await self.refresh(guild_id)
        return question

    def questions(self, guild_id: int) -> tuple[Question, ...]:
        """The server's custom questions, as played."""
        content = self.guilds.get(guild_id)
        return content.custom.questions if content is not None and content.custom is not None else ()

    async def remove(self, guild_id: int, question_id: str) -> Question:
        """Remove one of the server's questions (by id); BankError when it has none with that id."""
        question = next((q for q in self.questions(guild_id) if q.id == question_id), None)
        if not await self.store.remove_custom_question(guild_id, question_id):
            raise BankError(f"This server has no custom question with id `{question_id}`. "
                            "See `/question list` for the ids.")
        await self.refresh(guild_id)
        return question or Question(id=question_id, prompt=question_id, bank=CUSTOM_BANK)

    def phrasings(self, guild_id: int) -> list[tuple[str, str, str, tuple[str, ...]]]:
        """The server's accepted phrasings as (bank, question id, key point, phrasings), sorted."""
        content = self.guilds.get(guild_id)
        if content is None:
            return []
        return sorted((bank, qid, point, tuple(texts)) for (bank, qid), points in content.overlay.items()
                      for point, texts in points.items())

    def export(self, guild_id: int, server_name: str) -> Export:
        """The server's custom questions and accepted phrasings as one bank YAML that ``check`` accepts."""
        content = self.guilds.get(guild_id) or GuildContent()
        name = f"server-{guild_id}"[:32]
        text = export_yaml(name, f"{server_name} — custom questions and accepted phrasings", content.custom,
                           content.overlay, self._catalog().banks)
        return Export(f"{name}.yaml", text, len(parse_bank(text).questions))
