"""Dedup and merge: signals about the same person and the same counterpart (or the same
case) inside a window belong to one instruction, so a ring calling one victim ten times
yields one instruction with ten pieces of evidence, not ten instructions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_WINDOW = timedelta(hours=24)


def subject_key(*, person_id: int | None, phone_hash: str | None) -> str | None:
    if person_id is not None:
        return f"person:{person_id}"
    if phone_hash:
        return f"phone:{phone_hash}"
    return None


def match_keys(*, subject: str, counterpart_hash: str | None, case_ref: str | None) -> list[tuple[str, str]]:
    """The keys under which a signal may join an instruction; none means it never merges."""
    keys = []
    if counterpart_hash:
        keys.append((subject, f"cp:{counterpart_hash}"))
    if case_ref:
        keys.append((subject, f"case:{case_ref}"))
    return keys


@dataclass(frozen=True)
class OpenInstruction:
    id: int
    subject_key: str
    counterpart_hash: str | None
    case_ref: str | None
    received_at: datetime

    def merge_keys(self) -> list[tuple[str, str]]:
        return match_keys(subject=self.subject_key, counterpart_hash=self.counterpart_hash, case_ref=self.case_ref)


def index_open(candidates: list[OpenInstruction], *, now: datetime,
               window: timedelta = DEFAULT_WINDOW) -> dict[tuple[str, str], int]:
    """Key → the newest open instruction received inside the window."""
    index: dict[tuple[str, str], tuple[datetime, int]] = {}
    for c in candidates:
        if now - c.received_at > window:
            continue
        for key in c.merge_keys():
            if key not in index or index[key][0] < c.received_at:
                index[key] = (c.received_at, c.id)
    return {k: v[1] for k, v in index.items()}
