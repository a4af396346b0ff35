"""Where targeting learns who gets defrauded: the one place outreach reads other domains'
records (read-only, aggregated per person profile), so a table that changes shape breaks here only.

Each reader yields VictimSignal rows; a reader whose domain is not installed yields nothing.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from fanzha.core.scope import Scope
from fanzha.people.models import Person
from fanzha.sim.county import County
from fanzha.sim.fraud import Attempt


@dataclass(frozen=True, slots=True)
class VictimSignal:
    """One person reached by fraud: a warning (engaged) or a loss (defrauded)."""

    source: str  # "warning" | "case" | "sim"
    area_code: str
    person_key: int | None
    age_band: str | None
    occupation: str | None
    tags: tuple[str, ...]
    fraud_type: str
    on: date
    defrauded: bool


def _start(since: date) -> datetime:
    return datetime.combine(since, time(), tzinfo=UTC)


def warning_signals(session: Session, scope: Scope, since: date) -> Iterable[VictimSignal]:
    if importlib.util.find_spec("fanzha.warning.models") is None:
        return []
    from fanzha.warning.models import Outcome
    from fanzha.warning.models import WarningInstruction as W

    rows = session.execute(
        select(W.area_code, W.person_id, W.type_code, W.received_at, W.outcome, Person.age_band, Person.occupation,
               Person.tags)
        .outerjoin(Person, Person.id == W.person_id)
        .where(scope.clause(W.area_path), W.received_at >= _start(since)))
    return [VictimSignal("warning", area, pid, band, occ, tuple(tags or ()), code or "F99", received.date(),
                         outcome == Outcome.DEFRAUDED)
            for area, pid, code, received, outcome, band, occ, tags in rows]


def case_signals(session: Session, scope: Scope, since: date) -> Iterable[VictimSignal]:
    if importlib.util.find_spec("fanzha.cases.models") is None:
        return []
    from fanzha.cases.models import Case

    rows = session.execute(
        select(Case.area_code, Case.victim_person_id, Case.type_code, Case.reported_at, Person.age_band,
               Person.occupation, Person.tags)
        .outerjoin(Person, Person.id == Case.victim_person_id)
        .where(scope.clause(Case.area_path), Case.reported_at >= _start(since)))
    return [VictimSignal("case", area, pid, band, occ, tuple(tags or ()), code or "F99", reported.date(), True)
            for area, pid, code, reported, band, occ, tags in rows]


Reader = Callable[[Session, Scope, date], Iterable[VictimSignal]]
READERS: list[Reader] = [case_signals, warning_signals]


def recent_signals(session: Session, *, scope: Scope, since: date) -> list[VictimSignal]:
    """All readers' signals. A loss reported as a case and also closed on a warning as 已被骗
    counts once (as the case); the warning still counts as a contact."""
    out: list[VictimSignal] = []
    for reader in READERS:
        out.extend(reader(session, scope, since))
    case_victims = {(s.person_key, s.fraud_type) for s in out if s.source == "case" and s.person_key is not None}
    return [replace(s, defrauded=False) if s.source == "warning" and s.defrauded
            and (s.person_key, s.fraud_type) in case_victims else s for s in out]


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
