"""Settings from the environment and a ``.env`` file; the token is a secret that never prints."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """The configuration is missing or invalid; the message is one line telling the user what to set."""


class Settings(BaseSettings):
    """Every setting Viva reads; names are the environment variables in ``.env.example``."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    discord_token: SecretStr = Field(default=SecretStr(""), validation_alias="DISCORD_TOKEN")
    db_path: Path | str = Field(default=Path("viva.db"), validation_alias="VIVA_DB")  # a file or a postgresql:// URL
    banks_dir: Path = Field(default=Path("data/banks"), validation_alias="VIVA_BANKS")
    dev_guild: int | None = Field(default=None, validation_alias="VIVA_DEV_GUILD")
    log_level: str = Field(default="INFO", validation_alias="VIVA_LOG_LEVEL")
    daily_grace_hours: float = Field(default=2.0, ge=0, le=24, validation_alias="VIVA_DAILY_GRACE_HOURS")
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="VIVA_LOG_FORMAT")
    metrics_port: int | None = Field(default=None, ge=1, le=65535, validation_alias="VIVA_METRICS_PORT")

    @field_validator("db_path", mode="before")
    @classmethod
    def _db(cls, value: object) -> object:
        # A URL stays text (Path would fold its "//"); anything else is a SQLite file.
        return Path(value) if isinstance(value, str) and "://" not in value else value

    @field_validator("dev_guild", "metrics_port", mode="before")
    @classmethod
    def _blank_guild(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_format", mode="before")
    @classmethod
    def _format(cls, value: object) -> str:
        return str(value or "text").strip().lower()

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> str:
        level = str(value or "INFO").strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return level


def load_settings(*, require_token: bool = True, env_file: str | Path | None = ".env") -> Settings:
    """Read settings; raise ConfigError with a one-line fix when something is missing or invalid."""
    try:
        settings = Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]) if err.get("loc") else "a setting"
        raise ConfigError(f"{name} is invalid: {err['msg']}. Fix it in .env or the environment.") from None
    if require_token and not settings.discord_token.get_secret_value().strip():
        raise ConfigError(
            "DISCORD_TOKEN is not set: put DISCORD_TOKEN=<your bot token> in .env (see .env.example) or export it."
        )
    return settings


class RedactFilter(logging.Filter):
    """Replaces the token with ``[token]`` in any log record, as a last line of defence."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the secret from the formatted message."""
        if self.secret and self.secret in (msg := record.getMessage()):
            record.msg, record.args = msg.replace(self.secret, "[token]"), None
        return True


def setup_logging(level: str, secret: str = "", fmt: str = "text") -> None:
    """Configure root logging once: level, a readable (or JSON-lines) format and token redaction."""
    handler = logging.StreamHandler()
    if fmt == "json":
        from bot.observability import JsonFormatter

        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    if secret:
        handler.addFilter(RedactFilter(secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("discord.http").setLevel(max(logging.getLevelName(level), logging.INFO))
