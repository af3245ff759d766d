"""Interactions the fake has dispatched, with everything the bot answered to them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .world import Channel, Guild, Member, Message, User

# interaction types
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
# callback types
PONG, CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE = 1, 4, 5, 6, 7
AUTOCOMPLETE_RESULT, MODAL = 8, 9

ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, MODAL}),
    MESSAGE_COMPONENT: frozenset(
        {CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE, MODAL}
    ),
    AUTOCOMPLETE: frozenset({AUTOCOMPLETE_RESULT}),
    MODAL_SUBMIT: frozenset({CHANNEL_MESSAGE, DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE, UPDATE_MESSAGE}),
}

RESPONSE_WINDOW = 3.0
TOKEN_LIFETIME = 15 * 60.0
ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ApiError:
    """A request the fake refused: HTTP status, Discord's JSON error code and message, and the full body."""

    status: int
    code: int
    message: str
    body: dict[str, Any]

    def __str__(self) -> str:
        return f"{self.status} {self.message} (code {self.code})"


@dataclass(eq=False)
class Interaction:
    """One interaction dispatched to the bot and its lifecycle (callback, original response, follow-ups)."""

    id: int
    token: str
    type: int
    user: User
    channel: Channel
    guild: Guild | None
    member: Member | None
    data: dict[str, Any]
    created_at: float
    source: Message | None = None
    response_type: int | None = None
    response: Message | None = None
    followups: list[Message] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None
    error: ApiError | None = None
    edits_at_answer: int = 0
    answered: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def acknowledged(self) -> bool:
        """Whether a callback was accepted."""
        return self.response_type is not None

    @property
    def name(self) -> str:
        """A readable name: the command path, the component's custom_id or the modal's custom_id."""
        if self.type in (APPLICATION_COMMAND, AUTOCOMPLETE):
            parts = [self.data.get("name", "?")]
            options = self.data.get("options") or []
            while options and options[0].get("type") in (1, 2):
                parts.append(options[0]["name"])
                options = options[0].get("options") or []
            return "/" + " ".join(parts)
        return f"custom_id={self.data.get('custom_id')!r}"
