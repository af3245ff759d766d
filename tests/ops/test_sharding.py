"""Shard plans: parsing --shards, guild ownership by Discord's rule, one command sync."""

from __future__ import annotations

import pytest
from discord.ext import commands
from hypothesis import given
from hypothesis import strategies as st

from bot.__main__ import main
from bot.app import ShardedVivaBot, VivaBot, make_bot
from bot.config import Settings
from bot.sharding import ShardPlan, parse_shard_ids, shard_of


def test_parse_ranges_and_lists() -> None:
    assert parse_shard_ids("0-3", 8) == (0, 1, 2, 3)
    assert parse_shard_ids("5", 8) == (5,)
    assert parse_shard_ids("6-7, 0,2", 8) == (0, 2, 6, 7)


@pytest.mark.parametrize(("text", "message"), [
    ("0-8", "outside 0..7"), ("3-1", "runs backwards"), ("a", "not a shard id"), ("1,,2", "empty shard"),
    ("-1", "not a shard id"),
])
def test_parse_errors_say_how_to_fix(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_shard_ids(text, 8)


def test_shards_need_a_count() -> None:
    with pytest.raises(ValueError, match="needs --shard-count"):
        ShardPlan.from_args("0-3", None)


def test_guild_ownership_follows_discords_rule() -> None:
    guild = (123456 << 22) | 999  # low bits are not part of the rule
    assert shard_of(guild, 8) == 123456 % 8 == 0
    assert ShardPlan.from_args("0-3", 8).owns(guild)
    assert not ShardPlan.from_args("4-7", 8).owns(guild)
    assert ShardPlan().owns(guild)


def test_only_the_process_with_shard_zero_syncs_commands() -> None:
    assert ShardPlan.from_args("0-3", 8).syncs_commands
    assert not ShardPlan.from_args("4-7", 8).syncs_commands
    assert ShardPlan().syncs_commands


@given(st.integers(min_value=0, max_value=2**63 - 1), st.integers(min_value=1, max_value=64))
def test_every_guild_has_exactly_one_owner_among_split_processes(guild: int, count: int) -> None:
    half = count // 2
    plans = [ShardPlan(tuple(range(half)) or (0,), count)] if half == 0 else [
        ShardPlan(tuple(range(half)), count), ShardPlan(tuple(range(half, count)), count)]
    assert sum(p.owns(guild) for p in plans) == 1


def _settings() -> Settings:
    return Settings(_env_file=None, DISCORD_TOKEN="x")  # type: ignore[call-arg]


def test_a_plan_picks_the_bot_class_and_its_shards() -> None:
    plain = make_bot(_settings())
    assert type(plain) is VivaBot and not isinstance(plain, commands.AutoShardedBot)
    split = make_bot(_settings(), ShardPlan.from_args("2-3", 4))
    assert isinstance(split, ShardedVivaBot) and isinstance(split, commands.AutoShardedBot)
    assert (split.shard_ids, split.shard_count) == ([2, 3], 4)
    assert not split.plan.syncs_commands and split.plan.owns(3 << 22) and not split.plan.owns(1 << 22)
    every = make_bot(_settings(), ShardPlan.from_args(None, 4))
    assert isinstance(every, ShardedVivaBot) and (every.shard_ids, every.shard_count) == (None, 4)


@pytest.mark.parametrize(("argv", "message"), [
    (["run", "--shards", "0-3"], "needs --shard-count"),
    (["run", "--shards", "4-8", "--shard-count", "8"], "outside 0..7"),
    (["run", "--shard-count", "0"], "from 1 to"),
])
def test_bad_shard_options_are_refused_before_anything_starts(argv: list[str], message: str,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err
