"""The bot talks to Discord through a bounded HTTP pool, not discord.py's unbounded default (a crowd of
interactions would otherwise open a TLS connection per callback)."""

from __future__ import annotations

from typing import Any

import discord
import pytest

import bot.app
from bot.config import Settings
from bot.http_pool import HTTP_CONNECTIONS


def test_run_bot_gives_the_bot_a_bounded_connection_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []

    def make_bot(settings: Any, plan: Any = None, **options: Any) -> Any:
        seen.append(options["connector"])
        raise discord.LoginFailure("stop here")

    monkeypatch.setattr(bot.app, "make_bot", make_bot)
    settings = Settings(_env_file=None, DISCORD_TOKEN="x.y.z")  # type: ignore[call-arg]
    assert bot.app.run_bot(settings) == 2
    (connector,) = seen
    assert connector is not None and connector.limit == HTTP_CONNECTIONS > 0
