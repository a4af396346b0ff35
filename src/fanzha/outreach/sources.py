"""Where targeting learns who gets defrauded: the one place outreach reads other domains'
records (read-only, aggregated per person profile), so a table that changes shape breaks here only.

Each reader yields VictimSignal rows; a reader whose domain is not installed yields nothing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.core.scope import Scope
from fanzha.people.models import Person
from fanzha.sim.county import County
from fanzha.sim.fraud import Attempt


@dataclass(frozen=True, slots=True)
class VictimSignal:
    """Residents reached by fraud: warnings (engaged) or losses (defrauded), `count` of them
    sharing one profile. Readers aggregate in SQL, so a county's half year is a few thousand rows."""

    source: str  # "warning" | "case" | "sim"
    area_code: str
    person_key: int | None
    age_band: str | None
    occupation: str | None
    tags: tuple[str, ...]
    fraud_type: str
    on: date | None  # None when aggregated over the whole period
    defrauded: bool
    count: int = 1


def _start(since: date) -> datetime:
    return datetime.combine(since, time(), tzinfo=UTC)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


AREA, PROFILE, DAY = "area", "profile", "day"


def case_signals(session: Session, scope: Scope, since: date, by: frozenset[str]) -> Iterable[VictimSignal]:
    if not _has("fanzha.cases.models"):
        return []
    from fanzha.cases.models import Case

    return _grouped(session, "case", Case.area_code, Case.area_path, Case.reported_at, Case.type_code, None,
                    Case.victim_person_id, scope, since, by)


def warning_signals(session: Session, scope: Scope, since: date, by: frozenset[str]) -> Iterable[VictimSignal]:
    """Warnings as contacts. A warning closed as 已被骗 counts as a loss only while no case
    records exist: once cases are kept, the 110 report is the loss and the warning its contact."""
    if not _has("fanzha.warning.models"):
        return []
    from fanzha.warning.models import WarningInstruction as W

    outcome = W.outcome if not _has("fanzha.cases.models") else None
    return _grouped(session, "warning", W.area_code, W.area_path, W.received_at, W.type_code, outcome, W.person_id,
                    scope, since, by)


def _grouped(session: Session, source: str, area: Any, area_path: Any, at: Any, type_code: Any, outcome: Any,
             person_id: Any, scope: Scope, since: date, by: frozenset[str]) -> list[VictimSignal]:
    """One GROUP BY over a domain's table: only the dimensions asked for, so rows stay few."""
    keys: dict[str, Any] = {"type": type_code}
    if outcome is not None:
        keys["outcome"] = outcome
    if AREA in by:
        keys["area"] = area
    if PROFILE in by:
        keys["age_band"], keys["occupation"] = Person.age_band, Person.occupation
    if DAY in by:
        keys["day"] = func.date(at)
    stmt = select(*keys.values(), func.count()).where(scope.clause(area_path), at >= _start(since))
    if PROFILE in by:
        stmt = stmt.outerjoin(Person, Person.id == person_id)
    out = []
    for row in session.execute(stmt.group_by(*keys.values())):
        v = dict(zip(keys, row, strict=False))
        defrauded = source == "case" or v.get("outcome") == "已被骗"
        out.append(VictimSignal(source, v.get("area") or "", None, v.get("age_band"), v.get("occupation"), (),
                                v["type"] or "F99", _day(v["day"]) if "day" in v else None, defrauded, int(row[-1])))
    return out


Reader = Callable[[Session, Scope, date, frozenset[str]], Iterable[VictimSignal]]
READERS: list[Reader] = [case_signals, warning_signals]


def recent_signals(session: Session, *, scope: Scope, since: date,
                   by: frozenset[str] = frozenset({AREA, PROFILE})) -> list[VictimSignal]:
    """Every reader's signals since a day, counted per the dimensions in `by`."""
    out: list[VictimSignal] = []
    for reader in READERS:
        out.extend(reader(session, scope, since, by))
    return out


def collapse(signals: Iterable[VictimSignal], keep: frozenset[str]) -> list[VictimSignal]:
    """Signals counted per fewer dimensions: rows read per area and profile, summed over what `keep`
    leaves out, equal what recent_signals(by=keep) reads (one query serves every area and view)."""
    area, profile, day = AREA in keep, PROFILE in keep, DAY in keep
    counts: dict[tuple[Any, ...], int] = {}
    for s in signals:
        key = (s.source, s.area_code if area else "", s.age_band if profile else None,
               s.occupation if profile else None, s.fraud_type, s.on if day else None, s.defrauded)
        counts[key] = counts.get(key, 0) + s.count
    return [VictimSignal(k[0], k[1], None, k[2], k[3], (), k[4], k[5], k[6], n) for k, n in counts.items()]


def flagged_persons(session: Session, *, area_path: str, since: date) -> set[int]:
    """Residents under an area with a warning or a reported loss since a day (二次被骗 risk)."""
    out: set[int] = set()
    if _has("fanzha.warning.models"):
        from fanzha.warning.models import WarningInstruction as W

        out.update(session.scalars(select(W.person_id).where(
            W.area_path.startswith(area_path, autoescape=True), W.received_at >= _start(since),
            W.person_id.is_not(None))))
    if _has("fanzha.cases.models"):
        from fanzha.cases.models import Case

        out.update(session.scalars(select(Case.victim_person_id).where(
            Case.area_path.startswith(area_path, autoescape=True), Case.reported_at >= _start(since),
            Case.victim_person_id.is_not(None))))
    return {p for p in out if p is not None}


def sim_signals(county: County, attempts: Sequence[Attempt], *, area_of: Callable[[str], str] | None = None
                ) -> list[VictimSignal]:
    """The simulator's ground truth as signals: every engaged attempt, losses marked defrauded."""
    from fanzha.people.models import age_band_of

    out = []
    for a in attempts:
        r = county.residents[a.resident_index]
        area = area_of(r.grid_code) if area_of else r.grid_code
        out.append(VictimSignal("sim", area, a.resident_index, age_band_of(r.age).value, r.occupation,
                                tuple(r.tags), a.type_code, (a.at.date()), a.would_lose_fen > 0))
    return out
