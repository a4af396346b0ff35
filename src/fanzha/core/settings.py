"""One settings object for the whole process, read from FANZHA_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANZHA_", env_file=".env", extra="ignore")

    data_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str | None = None
    bus: Literal["inprocess", "redis"] = "inprocess"
    key_file: Path | None = None
    secret_file: Path | None = None
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_json: bool = True
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    cookie_secure: bool = False
    login_max_failures: int = Field(default=5, ge=1, le=100)
    login_lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    public_rate_limit_per_minute: int = Field(default=30, ge=1, le=10_000)
    timezone: str = "Asia/Shanghai"
    # County-wide aggregates (coverage, population by group) are reused this long; 0 = off.
    aggregate_cache_seconds: int = Field(default=300, ge=0, le=24 * 3600)
    # `fanzha serve`: decide bank transfers in a scoring process of their own (risk/scorer_process.py),
    # or "inline" in the web process.
    risk_scoring: Literal["process", "inline"] = "process"

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("only sqlite:// and postgresql:// URLs are supported")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis:// or rediss://")
        return value or None

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            return url
        return f"sqlite:///{(self.data_dir / 'fanzha.db').resolve()}"

    @property
    def resolved_key_file(self) -> Path:
        return self.key_file or self.data_dir / "keys" / "pii.key"

    @property
    def resolved_secret_file(self) -> Path:
        return self.secret_file or self.data_dir / "keys" / "session.secret"


class ConfigurationError(Exception):
    """Raised at start-up; printed as one bilingual line, never a traceback."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"配置错误：{message_zh} / Configuration error: {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        field = "FANZHA_" + str(first["loc"][0]).upper() if first["loc"] else "FANZHA_*"
        raise ConfigurationError(
            f"{field} 的值无效（{first.get('input')!r}）",
            f"{field} is invalid: {first['msg']}",
        ) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
