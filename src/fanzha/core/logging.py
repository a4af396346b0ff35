"""Structured JSON logs with personal numbers masked before anything is written."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from fanzha.core.pii import scrub


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrub_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    return value


def mask_pii(_logger: Any, _name: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        event_dict[key] = _scrub_value(value)
    return event_dict


class ScrubFilter(logging.Filter):
    """For stdlib loggers (uvicorn, SQLAlchemy): mask the rendered message."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True


class _Stderr:
    """Looks up sys.stderr at each write, so a replaced stderr (a test runner, a daemon) is followed."""

    def write(self, data: str) -> int:
        return sys.stderr.write(data)

    def flush(self) -> None:
        sys.stderr.flush()


_pinned = False


def pin() -> None:
    """Keep the current configuration: later `configure()` calls (e.g. CLI commands run inside
    a test process) leave it alone."""
    global _pinned
    _pinned = True


def configure(level: str = "INFO", json: bool = True) -> None:
    if _pinned:
        return
    renderer: Any = structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            mask_pii,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        logger_factory=structlog.PrintLoggerFactory(file=_Stderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(_Stderr())
    handler.addFilter(ScrubFilter())
    handler.setFormatter(logging.Formatter('{"level":"%(levelname)s","logger":"%(name)s","event":"%(message)s"}'))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
