"""Configuration: a missing token is one clear line and exit 2; the token never shows in repr or logs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, RedactFilter, load_settings

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "VIVA_"))}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def test_missing_token_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=_env(DISCORD_TOKEN=""),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0] and "Traceback" not in proc.stderr


def test_settings_read_dotenv_and_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for k in list(os.environ):
        if k.startswith(("DISCORD_", "VIVA_")):
            monkeypatch.delenv(k)
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=abc.def.ghi\nVIVA_DEV_GUILD=\nVIVA_LOG_LEVEL=debug\n")
    s = load_settings(env_file=env_file)
    assert s.discord_token.get_secret_value() == "abc.def.ghi"
    assert s.dev_guild is None and s.log_level == "DEBUG"
    assert s.db_path == Path("viva.db") and s.banks_dir == Path("data/banks")
    assert "abc.def.ghi" not in repr(s) and "abc.def.ghi" not in str(s)


def test_environment_wins_and_bad_values_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DISCORD_TOKEN=from-file\n")
    monkeypatch.setenv("DISCORD_TOKEN", "from-env")
    monkeypatch.setenv("VIVA_DEV_GUILD", "123")
    s = load_settings(env_file=env_file)
    assert s.discord_token.get_secret_value() == "from-env" and s.dev_guild == 123
    monkeypatch.setenv("VIVA_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigError, match="VIVA_LOG_LEVEL") as err:
        load_settings(env_file=env_file)
    assert "\n" not in str(err.value)


def test_redact_filter_hides_the_token() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "connecting with %s", ("sekrit.tok",), None)
    RedactFilter("sekrit.tok").filter(record)
    assert "sekrit.tok" not in record.getMessage() and "[token]" in record.getMessage()
