"""Collects every log line of a test run, and every clear personal value the factories
created, so the run can prove that no clear value reached a log.

Each process (xdist worker or the controller) writes `<run>/<worker>.log` and, at the
end, `<run>/<worker>.secrets.json` (fake test values only); the controller then scans
all logs of the run for all values.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, TextIO

import structlog

from fanzha.core import logging as flog

_file: TextIO | None = None
_run_dir: Path | None = None
_name = "main"
SECRETS: set[str] = set()


def start(run_dir: Path, name: str) -> None:
    global _file, _run_dir, _name
    run_dir.mkdir(parents=True, exist_ok=True)
    _run_dir, _name = run_dir, name
    _file = (run_dir / f"{name}.log").open("w", encoding="utf-8")
    flog.configure("INFO", json=True)
    structlog.configure(logger_factory=structlog.PrintLoggerFactory(file=_file))
    handler = logging.StreamHandler(_file)
    handler.addFilter(flog.ScrubFilter())
    logging.getLogger().addHandler(handler)
    flog.pin()  # CLI commands invoked in-process must not re-point logging at a closed capture stream


def remember(*values: Any) -> None:
    """Register clear personal values (phones, IDs, cards, names) created by tests."""
    for v in values:
        if isinstance(v, str) and len(v) >= 7:
            SECRETS.add(v)


def _scan(logs: list[Path], secrets: set[str]) -> list[str]:
    leaks = []
    for log in logs:
        content = log.read_text(encoding="utf-8", errors="replace")
        leaks.extend(f"{log.name}: {s}" for s in sorted(secrets) if s in content)
    return leaks


def find_leaks() -> list[str]:
    """Leaks in this process's own log so far."""
    if _file is None or _run_dir is None:
        return []
    _file.flush()
    return _scan([_run_dir / f"{_name}.log"], SECRETS)


def finish() -> None:
    if _file is None or _run_dir is None:
        return
    _file.flush()
    (_run_dir / f"{_name}.secrets.json").write_text(json.dumps(sorted(SECRETS)), encoding="utf-8")


def _run_files() -> tuple[list[Path], set[str]]:
    assert _run_dir is not None
    secrets: set[str] = set()
    for f in _run_dir.glob("*.secrets.json"):
        secrets.update(json.loads(f.read_text(encoding="utf-8")))
    return sorted(_run_dir.glob("*.log")), secrets


def find_leaks_in_run() -> list[str]:
    if _run_dir is None:
        return []
    logs, secrets = _run_files()
    return _scan(logs, secrets)


def run_summary() -> str:
    if _run_dir is None:
        return "not started"
    logs, secrets = _run_files()
    lines = sum(len(p.read_text(encoding="utf-8", errors="replace").splitlines()) for p in logs)
    return f"{len(secrets)} clear test values searched in {lines} log lines from {len(logs)} file(s): none found"
