"""How interactions are observed (bot/tree.py): command names, the shard, JSON log fields, outcomes."""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import discord
import pytest

from bot.observability import INTERACTIONS, JsonFormatter
from bot.sharding import shard_of
from bot.tree import command_name, observed, shard_id

GUILD = 1_234_567_890_123_456_789


@dataclass
class _Client:
    shard_count: int | None


@dataclass
class _Interaction:
    type: discord.InteractionType
    data: dict[str, Any]
    guild_id: int | None = GUILD
    client: _Client = field(default_factory=lambda: _Client(8))
    extras: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def slash(data: dict[str, Any], **kw: Any) -> discord.Interaction:
    return cast(discord.Interaction, _Interaction(discord.InteractionType.application_command, data, **kw))


def test_command_names_carry_subcommands_and_custom_id_prefixes() -> None:
    sub = {"name": "daily", "options": [{"type": 1, "name": "set", "options": [{"type": 3, "name": "time"}]}]}
    assert command_name(slash(sub)) == "daily set"
    group = {"name": "settings", "options": [{"type": 2, "name": "quiz", "options": [{"type": 1, "name": "role"}]}]}
    assert command_name(slash(group)) == "settings quiz role"
    modal = _Interaction(discord.InteractionType.modal_submit, {"custom_id": "viva:modal:12:34"})
    assert command_name(cast(discord.Interaction, modal)) == "viva:modal"


def test_shard_is_discords_rule_and_dms_are_on_shard_zero() -> None:
    assert shard_id(slash({"name": "help"})) == shard_of(GUILD, 8)
    assert shard_id(slash({"name": "help"}, guild_id=None)) == 0
    assert shard_id(slash({"name": "help"}, client=_Client(None))) is None


def test_log_lines_inside_an_interaction_carry_guild_shard_and_command() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("bot.test_interaction_metrics")
    log.addHandler(handler)
    try:
        with observed(slash({"name": "quiz", "options": [{"type": 1, "name": "start"}]})):
            log.warning("inside")
        log.warning("outside")
    finally:
        log.removeHandler(handler)
    inside, outside = (json.loads(line) for line in out.getvalue().splitlines())
    assert (inside["guild"], inside["shard"], inside["command"]) == (GUILD, shard_of(GUILD, 8), "quiz start")
    assert "command" not in outside and "guild" not in outside


def test_outcomes_come_from_the_error_handler_or_an_escaping_exception() -> None:
    def count(outcome: str) -> float:
        return INTERACTIONS.labels(command="probe", outcome=outcome)._value.get()

    before = {o: count(o) for o in ("ok", "refused", "error")}
    with observed(slash({"name": "probe"})):
        pass
    refused = slash({"name": "probe"})
    with observed(refused):
        refused.extras["viva_outcome"] = "refused"  # what report_error sets for a fixable error
    with pytest.raises(RuntimeError), observed(slash({"name": "probe"})):
        raise RuntimeError("a bug")
    assert {o: count(o) - before[o] for o in before} == {"ok": 1, "refused": 1, "error": 1}
