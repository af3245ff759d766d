"""Operations: Prometheus metrics (optional HTTP endpoint) and JSON log lines with guild, shard and command fields.

Nothing here imports discord: the bot sets the log context (``log_context``) around each interaction and calls the
``record_*`` helpers; the metrics themselves are plain ``prometheus_client`` objects in one registry of our own,
so tests can read them without the process-wide default registry.
"""

from __future__ import annotations

import contextvars
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

__all__ = [
    "ANSWERS",
    "GATEWAY_LATENCY",
    "GRADING_SECONDS",
    "INTERACTIONS",
    "INTERACTION_SECONDS",
    "OPEN_SESSIONS",
    "REGISTRY",
    "SCHEDULER_LAG",
    "JsonFormatter",
    "grading_timer",
    "log_context",
    "start_metrics_server",
]

REGISTRY = CollectorRegistry(auto_describe=True)

INTERACTIONS = Counter(
    "viva_interactions_total", "Interactions handled, by command and outcome.", ["command", "outcome"],
    registry=REGISTRY,
)
INTERACTION_SECONDS = Histogram(
    "viva_interaction_seconds", "Time from an interaction's creation to the bot's first response.", ["command"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0), registry=REGISTRY,
)
ANSWERS = Counter("viva_answers_total", "Answers committed to the store, by kind.", ["kind"], registry=REGISTRY)
GRADING_SECONDS = Histogram(
    "viva_grading_seconds", "Time to grade one answer.",
    buckets=(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05), registry=REGISTRY,
)
SCHEDULER_LAG = Gauge(
    "viva_scheduler_lag_seconds", "How late the last scheduled post was, against its due time.", registry=REGISTRY
)
GATEWAY_LATENCY = Gauge(
    "viva_gateway_latency_seconds", "Heartbeat latency of each shard's gateway connection.", ["shard"],
    registry=REGISTRY,
)
OPEN_SESSIONS = Gauge("viva_open_sessions", "Sessions running now, by kind.", ["kind"], registry=REGISTRY)

_guild: contextvars.ContextVar[int | None] = contextvars.ContextVar("viva_guild", default=None)
_shard: contextvars.ContextVar[int | None] = contextvars.ContextVar("viva_shard", default=None)
_command: contextvars.ContextVar[str | None] = contextvars.ContextVar("viva_command", default=None)


@contextmanager
def log_context(*, guild: int | None = None, shard: int | None = None, command: str | None = None) -> Iterator[None]:
    """Within this block (and tasks it starts), log lines carry these guild, shard and command fields."""
    guild_token, shard_token, command_token = _guild.set(guild), _shard.set(shard), _command.set(command)
    try:
        yield
    finally:
        _command.reset(command_token)
        _shard.reset(shard_token)
        _guild.reset(guild_token)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, guild, shard, command, exc."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as a single JSON line."""
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, var in (("guild", _guild), ("shard", _shard), ("command", _command)):
            value = getattr(record, name, None)
            if value is None:
                value = var.get()
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


@contextmanager
def grading_timer() -> Iterator[None]:
    """Observe the time the block takes in the grading-time histogram (wrap one ``grade`` call)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        GRADING_SECONDS.observe(time.perf_counter() - started)


def start_metrics_server(port: int, host: str = "127.0.0.1") -> tuple[Any, Any]:
    """Serve ``/metrics`` for Prometheus on host:port in a daemon thread; returns (server, thread) to shut it."""
    return start_http_server(port, addr=host, registry=REGISTRY)
