"""What the fake remembers about the bot's requests: the request log and the violations."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class RecordedRequest:
    """One REST request the bot made, and the fake's answer.

    ``path`` is concrete (``/channels/123/messages``), ``route`` is its template
    (``/channels/{channel_id}/messages``); both omit the ``/api/v10`` prefix.
    """

    method: str
    path: str
    route: str
    query: dict[str, str]
    json: Any
    status: int = 0
    response: Any = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass
class Violation:
    """A request Discord would have rejected because the bot got it wrong."""

    kind: str
    method: str
    path: str
    detail: str
    code: int | None = None
    errors: dict[str, Any] | None = None
    body: Any = None

    def __str__(self) -> str:
        code = f" (code {self.code})" if self.code is not None else ""
        return f"[{self.kind}]{code} {self.method} {self.path}: {self.detail}"


class HarnessTimeout(AssertionError):
    """The bot did not do what a test waited for in time."""
