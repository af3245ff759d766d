"""The loaded banks and the rules for picking questions from them."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.bank.models import Bank, Question
from bot.bank.overlay import CUSTOM_BANK, GuildContent, overlay_bank
from bot.errors import BankError


@dataclass(frozen=True, slots=True)
class Catalog:
    """Every bank the bot knows, by name; `for_guild` adds what one server added (its custom bank, its phrasings).

    ``guilds`` is shared with whoever keeps servers' content up to date (a new GuildContent replaces the old).
    """

    banks: Mapping[str, Bank]
    guilds: Mapping[int, GuildContent] = field(default_factory=dict)
    _views: dict[int, tuple[GuildContent, Catalog]] = field(default_factory=dict, compare=False, repr=False)

    def for_guild(self, guild_id: int | None) -> Catalog:
        """The catalog as this server sees it: its own ``custom`` bank, and its accepted phrasings applied."""
        content = self.guilds.get(guild_id) if guild_id is not None else None
        if content is None or guild_id is None:
            return self
        cached = self._views.get(guild_id)
        if cached is not None and cached[0] is content:
            return cached[1]
        banks = {name: overlay_bank(bank, content.overlay) for name, bank in self.banks.items()
                 if name != CUSTOM_BANK}
        if content.custom is not None:
            banks[CUSTOM_BANK] = overlay_bank(content.custom, content.overlay)
        view = Catalog(banks)
        self._views[guild_id] = (content, view)
        return view

    def names(self) -> list[str]:
        """Bank names, sorted."""
        return sorted(self.banks)

    def bank(self, name: str | None, default: str | None = None) -> Bank:
        """The named bank (or the default, or the only one); BankError telling which exist otherwise."""
        key = (name or default or "").strip().lower()
        if not key:
            shared = [b for n, b in self.banks.items() if n != CUSTOM_BANK]
            if len(shared) == 1:
                return shared[0]
            if "flask" in self.banks:
                return self.banks["flask"]
            raise BankError(f"Choose a bank: {', '.join(self.names()) or 'none are loaded'}.")
        try:
            return self.banks[key]
        except KeyError:
            raise BankError(
                f"There is no bank called '{key}'. Available: {', '.join(self.names()) or 'none'}."
            ) from None

    def question(self, bank: str, question_id: str) -> Question | None:
        """A question by bank and id, or None when the bank or question is gone."""
        b = self.banks.get(bank)
        return b.get(question_id) if b else None


def pick_questions(
    bank: Bank,
    *,
    topic: str | None = None,
    difficulty: str | None = None,
    count: int = 1,
    rng: random.Random | None = None,
    avoid: Iterable[str] = (),
) -> list[Question]:
    """Pick up to ``count`` distinct questions matching the filters, preferring ones not in ``avoid``."""
    pool = [q for q in bank.questions
            if (not topic or q.topic.lower() == topic.lower()) and (not difficulty or q.difficulty == difficulty)]
    if not pool:
        what = " and ".join(f"{k} '{v}'" for k, v in (("topic", topic), ("difficulty", difficulty)) if v)
        topics = ", ".join(bank.topics)
        raise BankError(f"Bank '{bank.name}' has no questions with {what}. Its topics are: {topics}.")
    rng = rng or random.Random()
    avoided = set(avoid)
    fresh = [q for q in pool if q.id not in avoided]
    stale = [q for q in pool if q.id in avoided]
    rng.shuffle(fresh)
    rng.shuffle(stale)
    return (fresh + stale)[: max(1, count)]
