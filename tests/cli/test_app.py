"""VivaBot start-up pieces that need no Discord: bank loading is forgiving, intents are minimal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import VivaBot, intents
from bot.config import Settings


def test_a_broken_bank_is_logged_loudly_and_the_others_load(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "good.yaml").write_text("name: good\ntitle: Good\nquestions:\n  - {id: a, prompt: 'Why?', answer: B}\n")
    (tmp_path / "bad.yaml").write_text("name: bad\ntitle: Bad\nquestions:\n  - {id: a, answer: B}\n")
    settings = Settings(_env_file=None, DISCORD_TOKEN="x", VIVA_BANKS=str(tmp_path))  # type: ignore[call-arg]
    bot = VivaBot(settings)
    with caplog.at_level(logging.ERROR, logger="bot.app"):
        catalog = bot.load_catalog()
    assert catalog.names() == ["good"]
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "bad.yaml:4" in record.getMessage() and "has no 'prompt'" in record.getMessage()


def test_intents_are_the_few_viva_needs() -> None:
    value = intents()
    assert value.guilds and value.guild_messages and value.dm_messages and value.message_content
    assert not value.members and not value.presences and not value.voice_states
