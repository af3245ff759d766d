"""How every interaction is observed: a log context (guild, shard, command) around its handling, and its count by
command and outcome and its latency in the metrics. Used by the command tree, the answer modals and every button."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, Concatenate, ParamSpec, TypeVar

import discord

from bot.observability import INTERACTION_SECONDS, INTERACTIONS, log_context
from bot.sharding import shard_of

OUTCOME = "viva_outcome"  # key in Interaction.extras: set by report_error ("refused", "error", "expired")


def command_name(interaction: discord.Interaction) -> str:
    """What an interaction asks for: ``quiz start`` for a slash command (with its subcommands), the first part
    of a component's or modal's custom id (``viva:answer``…), else the interaction type."""
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    if interaction.type in (discord.InteractionType.application_command, discord.InteractionType.autocomplete):
        parts = [str(data.get("name", "?"))]
        options = data.get("options") or []
        while options and options[0].get("type") in (1, 2):  # subcommand group, subcommand
            parts.append(str(options[0].get("name")))
            options = options[0].get("options") or []
        return " ".join(parts)
    custom_id = str(data.get("custom_id", ""))
    if custom_id:
        return ":".join(p for p in custom_id.split(":")[:2] if not p.isdigit())
    return interaction.type.name


def shard_id(interaction: discord.Interaction) -> int | None:
    """The shard that carried the interaction (None outside a sharded bot, and in DMs shard 0)."""
    count = interaction.client.shard_count
    if not count:
        return None
    return shard_of(interaction.guild_id, count) if interaction.guild_id is not None else 0


@contextmanager
def observed(interaction: discord.Interaction, *, timed: bool = True) -> Iterator[None]:
    """Handle an interaction inside its log context; count it by command and outcome and (``timed``) observe
    the time from its creation to the end of its handling, which includes the first response."""
    command = command_name(interaction)
    started = time.perf_counter()
    outcome = "ok"
    with log_context(guild=interaction.guild_id, shard=shard_id(interaction), command=command):
        try:
            yield
        except Exception:
            outcome = "error"
            raise
        finally:
            outcome = interaction.extras.get(OUTCOME, outcome)
            INTERACTIONS.labels(command=command, outcome=outcome).inc()
            if timed:
                age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
                # The creation time comes from the snowflake (millisecond precision, Discord's clock): never
                # report less than the time the bot itself spent.
                INTERACTION_SECONDS.labels(command=command).observe(max(age, time.perf_counter() - started))


Item = TypeVar("Item")
P = ParamSpec("P")
Callback = Callable[Concatenate[Item, discord.Interaction, P], Coroutine[Any, Any, None]]


def observed_callback(func: Callback[Item, P]) -> Callback[Item, P]:
    """Decorate a component's ``callback`` (a dynamic item's, or a ``@discord.ui.button`` method, which also gets
    the button) so its clicks are observed like slash commands. The component needs a stable custom id: its first
    parts name the command in the metrics."""

    @functools.wraps(func)
    async def callback(self: Item, interaction: discord.Interaction, /, *args: P.args, **kwargs: P.kwargs) -> None:
        with observed(interaction):
            await func(self, interaction, *args, **kwargs)

    return callback
