"""Metrics endpoint and JSON log lines."""

from __future__ import annotations

import json
import logging
import socket
import urllib.request

import pytest

from bot.config import ConfigError, load_settings
from bot.observability import ANSWERS, INTERACTIONS, JsonFormatter, log_context, start_metrics_server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_metrics_endpoint_serves_viva_metrics() -> None:
    INTERACTIONS.labels(command="quiz start", outcome="ok").inc()
    ANSWERS.labels(kind="quiz").inc(3)
    port = _free_port()
    server, thread = start_metrics_server(port)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as resp:
            body = resp.read().decode()
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
    assert 'viva_interactions_total{command="quiz start",outcome="ok"}' in body
    assert 'viva_answers_total{kind="quiz"}' in body
    for name in ("viva_interaction_seconds_bucket", "viva_grading_seconds_bucket", "viva_scheduler_lag_seconds",
                 "viva_open_sessions", "viva_gateway_latency_seconds"):
        assert f"# HELP {name.removesuffix('_bucket')}" in body


def _record(msg: str, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("bot.test", logging.WARNING, __file__, 1, msg, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_lines_carry_context_fields_and_stay_one_line() -> None:
    fmt = JsonFormatter()
    with log_context(guild=42, shard=3, command="daily set"):
        line = fmt.format(_record("two\nlines \"quoted\""))
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == 'two\nlines "quoted"'
    assert (data["guild"], data["shard"], data["command"], data["level"]) == (42, 3, "daily set", "WARNING")
    outside = json.loads(fmt.format(_record("plain")))
    assert "guild" not in outside and "command" not in outside


def test_explicit_extra_fields_win_over_context() -> None:
    with log_context(guild=1):
        data = json.loads(JsonFormatter().format(_record("x", guild=7, shard=0)))
    assert data["guild"] == 7 and data["shard"] == 0


def test_settings_read_log_format_and_metrics_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", "x")
    monkeypatch.setenv("VIVA_LOG_FORMAT", "JSON")
    monkeypatch.setenv("VIVA_METRICS_PORT", "")
    s = load_settings(env_file=None)
    assert (s.log_format, s.metrics_port) == ("json", None)
    monkeypatch.setenv("VIVA_METRICS_PORT", "9108")
    assert load_settings(env_file=None).metrics_port == 9108
    monkeypatch.setenv("VIVA_LOG_FORMAT", "xml")
    with pytest.raises(ConfigError, match="VIVA_LOG_FORMAT"):
        load_settings(env_file=None)


def test_grading_timer_observes_even_when_the_block_raises() -> None:
    from bot.observability import REGISTRY, grading_timer

    before = REGISTRY.get_sample_value("viva_grading_seconds_count") or 0.0
    with grading_timer():
        pass
    with pytest.raises(ValueError), grading_timer():
        raise ValueError("bad question")
    assert REGISTRY.get_sample_value("viva_grading_seconds_count") == before + 2
