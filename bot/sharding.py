"""Which Discord shards this process runs, and which guilds those shards own (pure rules, no discord import).

Discord routes a guild to shard ``(guild_id >> 22) % shard_count``. A process started with
``--shards 0-3 --shard-count 8`` connects shards 0..3 and must only schedule, resume and post for guilds on them,
so several processes can share one PostgreSQL database without doing anything twice.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ShardPlan", "parse_shard_ids", "shard_of"]

MAX_SHARDS = 4096


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that carries a guild's events, by Discord's rule."""
    return (guild_id >> 22) % shard_count


def parse_shard_ids(text: str, shard_count: int) -> tuple[int, ...]:
    """Parse ``0-3``, ``5`` or ``0,2,4-6`` into sorted shard ids; ValueError says what is wrong."""
    ids: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not part:
            raise ValueError(f"empty shard in {text!r}; write ids like 0-3 or 0,2,5")
        lo_text, dash, hi_text = part.partition("-")
        try:
            lo = int(lo_text)
            hi = int(hi_text) if dash else lo
        except ValueError:
            raise ValueError(f"{part!r} is not a shard id or range; write ids like 0-3 or 0,2,5") from None
        if lo > hi:
            raise ValueError(f"shard range {part!r} runs backwards; write it as {hi}-{lo}")
        if lo < 0 or hi >= shard_count:
            raise ValueError(f"shard {hi if hi >= shard_count else lo} is outside 0..{shard_count - 1} "
                             f"(--shard-count {shard_count})")
        ids.update(range(lo, hi + 1))
    return tuple(sorted(ids))


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """The shards this process runs: all of them (one process, auto-sharded) or a subset of a fixed count."""

    shard_ids: tuple[int, ...] | None = None  # None: every shard (discord.py decides the count when it is None too)
    shard_count: int | None = None

    def __post_init__(self) -> None:
        if self.shard_count is not None and not 1 <= self.shard_count <= MAX_SHARDS:
            raise ValueError(f"--shard-count must be from 1 to {MAX_SHARDS}")
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("--shards needs --shard-count (the total across all processes)")
            if not self.shard_ids:
                raise ValueError("--shards names no shard")

    @classmethod
    def from_args(cls, shards: str | None, shard_count: int | None) -> ShardPlan:
        """Build a plan from the ``--shards`` and ``--shard-count`` options."""
        if shards is None:
            return cls(None, shard_count)
        if shard_count is None:
            raise ValueError("--shards needs --shard-count (the total across all processes)")
        return cls(parse_shard_ids(shards, shard_count), shard_count)

    @property
    def sharded(self) -> bool:
        """True when this process runs only some shards of a fixed count."""
        return self.shard_ids is not None

    @property
    def syncs_commands(self) -> bool:
        """Only the process that runs shard 0 (or the only process) syncs slash commands: once, not per process."""
        return self.shard_ids is None or 0 in self.shard_ids

    def owns(self, guild_id: int) -> bool:
        """True when this process's shards carry the guild (always true for a process that runs every shard)."""
        if self.shard_ids is None or self.shard_count is None:
            return True
        return shard_of(guild_id, self.shard_count) in self.shard_ids
