"""The Surface port in memory: records what a runner sent, and can be told to fail, to be slow, or that a place is
gone. Round runners get fast unit tests with it, without the fake Discord."""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from typing import Any

from bot.errors import SessionError
from bot.rounds.surface import Card, Place, PlaceGone, QuestionCard, RevealCard


@dataclass
class Sent:
    """One thing the runner sent: its kind, place, payload (a card or text) and message id."""

    kind: str
    channel_id: int
    payload: Any
    message_id: int
    ping: int | None = None


@dataclass
class MemorySurface:
    """An in-memory `bot.rounds.surface.Surface`."""

    sent: list[Sent] = field(default_factory=list)
    removed: list[tuple[int, int]] = field(default_factory=list)
    errors: list[tuple[int, BaseException]] = field(default_factory=list)
    admin_notes: list[tuple[int, str]] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)
    no_threads: bool = False
    no_dms: bool = False
    fail_next: dict[str, BaseException] = field(default_factory=dict)  # kind → error raised once
    gate: asyncio.Event | None = None  # when set to an unset event, send_question waits for it
    posting: asyncio.Event = field(default_factory=asyncio.Event)  # set while send_question waits on the gate
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def _send(self, kind: str, channel_id: int, payload: Any, ping: int | None = None) -> int:
        if channel_id in self.gone:
            raise PlaceGone(f"channel {channel_id} is gone")
        error = self.fail_next.pop(kind, None)
        if error is not None:
            raise error
        sent = Sent(kind, channel_id, payload, next(self._ids), ping)
        self.sent.append(sent)
        self.changed.set()
        return sent.message_id

    def of(self, kind: str) -> list[Any]:
        """Payloads sent of one kind (question, reveal, card, text), in order."""
        return [s.payload for s in self.sent if s.kind == kind]

    async def wait_for(self, kind: str, count: int = 1, timeout: float = 5.0) -> list[Any]:  # noqa: ASYNC109
        """Wait until ``count`` payloads of ``kind`` were sent (tests drive the loop, never sleep on time)."""
        async def enough() -> list[Any]:
            while len(self.of(kind)) < count:
                self.changed.clear()
                await self.changed.wait()
            return self.of(kind)
        return await asyncio.wait_for(enough(), timeout)

    async def has_place(self, channel_id: int) -> bool:
        """False for channels marked gone."""
        return channel_id not in self.gone

    async def send_question(self, channel_id: int, card: QuestionCard) -> int:
        """Record the question (after the gate opens, when there is one)."""
        if self.gate is not None:
            self.posting.set()
            await self.gate.wait()
        return self._send("question", channel_id, card)

    async def remove_actions(self, channel_id: int, message_id: int) -> None:
        """Record the removal."""
        error = self.fail_next.pop("remove", None)
        if error is not None:
            raise error
        self.removed.append((channel_id, message_id))

    async def send_reveal(self, channel_id: int, card: RevealCard) -> int:
        """Record the reveal."""
        return self._send("reveal", channel_id, card)

    async def send_card(self, channel_id: int, card: Card) -> int:
        """Record standings, feedback or a report."""
        return self._send("card", channel_id, card)

    async def send_text(self, channel_id: int, text: str, *, ping: int | None = None) -> int:
        """Record text."""
        return self._send("text", channel_id, text, ping)

    async def open_private(self, parent_channel_id: int | None, user_id: int, name: str) -> Place:
        """A new thread id, or a DM id, or SessionError like the Discord surface."""
        if not self.no_threads and parent_channel_id is not None:
            return Place(next(self._ids), dm=False)
        if not self.no_dms:
            return Place(next(self._ids), dm=True)
        raise SessionError("I can't open a private thread here or DM you.")

    async def notify_admins(self, guild_id: int, text: str) -> None:
        """Record the note."""
        self.admin_notes.append((guild_id, text))

    async def report_error(self, channel_id: int, error: BaseException) -> None:
        """Record the error (the Discord surface sends its text or an apology)."""
        self.errors.append((channel_id, error))
        self.changed.set()


__all__ = ["MemorySurface", "Sent"]
