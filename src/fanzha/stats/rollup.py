"""The rollup: the engine's per-month grouped results, materialised for closed months.

The engine sums every source per (leaf area path, month) in SQL (`engine._compute_part`).
For a month that has ended those results are stored in `stats_rollup`, one row per source ×
month × part ("sums", "hist:CODE", "bd:CODE"), so any node × month/quarter/year is a sum
over stored rows plus a live query for the open month only. The figures are the engine's
own: the rows hold exactly what its SQL returned, and `tests/stats/test_rollup.py` checks
them against direct per-period SQL on SQLite and PostgreSQL.

A stored month is dropped, and rebuilt by the next reader or by the warm-up job, when
- a row of the source dated in that month is inserted, changed or deleted through a
  Session: the ORM flush, or an insert/update/delete statement run with `session.execute`
  (the months its rows fall in); in the same transaction as the change;
- the definitions it was built with changed (`version`, a hash of the SQL);
- it is older than `MAX_AGE_S`, the bound for writes that bypass the Session (raw SQL) and
  for a write that commits while the month is being rebuilt: the same hour the dashboard
  cache keeps a closed period (`stats/cache.py`); a day for months that ended more than
  `SETTLED_DAYS` ago.

The warm-up job (`stats/warmup.py`) rebuilds what is missing or expired every few minutes,
so requests find the closed months stored.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import Table, delete, event, inspect, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlalchemy.sql.dml import Delete, Insert, Update

from fanzha.core import clock
from fanzha.core.clock import LOCAL_TZ
from fanzha.stats.cache import CLOSED_TTL_S
from fanzha.stats.models import StatsRollup

log = structlog.get_logger("fanzha.stats.rollup")

MAX_AGE_S = CLOSED_TTL_S
# Months that ended longer ago than this have settled (late closures, SLA outcomes and
# corrections arrive within weeks); they are rebuilt daily rather than hourly.
SETTLED_DAYS = 40
SETTLED_MAX_AGE_S = 24 * 3600.0
FORMAT = "3"  # bump when the stored JSON layout changes

# Decoded parts shared by the engines of this process: (source, part, month, version, built_at) → data.
_decoded: OrderedDict[tuple[str, str, str, str, datetime], Any] = OrderedDict()
_decoded_lock = threading.Lock()
MAX_DECODED = 4096


def version_of(*definition: str) -> str:
    return hashlib.sha1("\x1f".join((FORMAT, *definition)).encode()).hexdigest()[:16]


def month_key(value: datetime | date) -> str:
    if isinstance(value, datetime):
        value = clock.as_utc(value).astimezone(LOCAL_TZ).date()
    return f"{value:%Y-%m}"


def open_month() -> str:
    return month_key(clock.now())


def _same(data: Any) -> Any:
    return data


def load(session: Session, source: str, part: str, version: str, months: list[str],
         decode: Callable[[Any], Any] = _same) -> dict[str, Any]:
    """Stored parts for the months that have a current one (right version, not too old), as
    `decode` turns the stored JSON into what the engine works with (kept decoded per process)."""
    if not months:
        return {}
    now = clock.now()
    settled = month_key(now - timedelta(days=SETTLED_DAYS))
    R = StatsRollup
    stamps = session.execute(select(R.month, R.version, R.built_at).where(
        R.source == source, R.part == part, R.month.in_(months))).all()
    out: dict[str, Any] = {}
    wanted: dict[str, tuple[str, str, str, str, datetime]] = {}
    for month, ver, built_at in stamps:
        built = clock.as_utc(built_at)
        max_age = SETTLED_MAX_AGE_S if month < settled else MAX_AGE_S
        if ver != version or built <= now - timedelta(seconds=max_age):
            continue
        key = (source, part, month, ver, built)
        with _decoded_lock:
            hit = _decoded.get(key)
        if hit is not None:
            out[month] = hit
        else:
            wanted[month] = key
    if wanted:
        for month, text in session.execute(select(R.month, R.data).where(
                R.source == source, R.part == part, R.month.in_(list(wanted)))):
            if month in wanted:
                out[month] = _remember(wanted[month], decode(json.loads(text)))
    return out


def save(session: Session, source: str, part: str, version: str, month: str, data: Any,
         encode: Callable[[Any], Any] = _same) -> None:
    """Stores (or replaces) one part of one closed month; `data` is the decoded form."""
    built = clock.now()
    values = {"source": source, "month": month, "part": part, "version": version, "built_at": built,
              "data": json.dumps(encode(data), ensure_ascii=False, separators=(",", ":"))}
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(StatsRollup).values(**values)
    upsert = stmt.on_conflict_do_update(
        index_elements=["source", "month", "part"],
        set_={"version": stmt.excluded.version, "built_at": stmt.excluded.built_at, "data": stmt.excluded.data})
    try:
        with session.begin_nested():  # a reader that cannot write now (SQLite busy) just does not store
            session.execute(upsert)
    except OperationalError as exc:
        log.warning("stats.rollup.not_stored", source=source, part=part, month=month, error=str(exc.orig))
        return
    _remember((source, part, month, version, clock.as_utc(built)), data)


def _remember(key: tuple[str, str, str, str, datetime], data: Any) -> Any:
    with _decoded_lock:
        _decoded[key] = data
        _decoded.move_to_end(key)
        while len(_decoded) > MAX_DECODED:
            _decoded.popitem(last=False)
    return data


def invalidate(session: Session, source: str, months: Iterable[str] | None = None) -> None:
    """Drops a source's stored months (all of them when `months` is None)."""
    stmt = delete(StatsRollup).where(StatsRollup.source == source)
    if months is not None:
        keys = sorted(set(months))
        if not keys:
            return
        stmt = stmt.where(StatsRollup.month.in_(keys))
    session.connection().execute(stmt)


def clear_decoded() -> None:
    with _decoded_lock:
        _decoded.clear()


# -- invalidation on writes ---------------------------------------------------------------------

Watch = tuple[str, str, int]  # (source, time attribute, months after the row's own that it also affects)
_watches: dict[str, list[Watch]] | None = None


def _watch_table() -> dict[str, list[Watch]]:
    """Table name → the sources whose figures its rows feed, from each source's `Facts.watch`."""
    global _watches
    if _watches is None:
        from fanzha.stats import sources

        found: dict[str, list[Watch]] = {}
        for name in sources.SOURCES:
            facts = sources.load(name)
            if facts is None:
                continue
            for model, attr, spread in facts.watch:
                found.setdefault(model.__table__.name, []).append((name, attr, spread))
        _watches = found
    return _watches


def _months_of(values: Iterable[Any], spread: int) -> set[str]:
    out: set[str] = set()
    for v in values:
        if isinstance(v, datetime | date):
            d = clock.as_utc(v).astimezone(LOCAL_TZ).date() if isinstance(v, datetime) else v
            for step in range(spread + 1):
                index = d.year * 12 + d.month - 1 + step
                out.add(f"{index // 12:04d}-{index % 12 + 1:02d}")
    return out


def _drop(session: Session, dirty: dict[str, set[str] | None]) -> None:
    current = open_month()
    for source, months in dirty.items():
        if months is None:
            invalidate(session, source)
            continue
        closed = {m for m in months if m < current}  # the open month is never stored
        if closed:
            invalidate(session, source, closed)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _context: UOWTransaction) -> None:
    watches = _watch_table()
    dirty: dict[str, set[str] | None] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(type(obj), "__tablename__", None)
        if table not in watches:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        state = inspect(obj)
        for source, attr, spread in watches[table]:
            history = state.attrs[attr].history
            values = [*history.added, *history.deleted, *history.unchanged]
            bucket = dirty.setdefault(source, set())
            if bucket is not None:
                bucket |= _months_of(values, spread)
    if dirty:
        _drop(session, dirty)


@event.listens_for(Session, "do_orm_execute")
def _bulk_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    stmt = state.statement
    if not isinstance(stmt, Insert | Update | Delete) or not isinstance(stmt.table, Table):
        return
    watches = _watch_table().get(stmt.table.name)
    if not watches:
        return
    dirty: dict[str, set[str] | None] = {}
    params: Any = state.parameters
    rows: list[Mapping[str, Any]] = list(params) if isinstance(params, list) else [params] if params else []
    for source, attr, spread in watches:
        column = stmt.table.c.get(attr)
        months: set[str] | None = set()
        if column is None:
            months = None
        elif isinstance(stmt, Insert):
            complete = rows and all(attr in r for r in rows)
            months = _months_of((r[attr] for r in rows), spread) if complete else None
        else:
            where = stmt.whereclause
            if where is None:  # an ORM bulk update by primary keys: which months is unknown
                months = None
            else:
                found = state.session.execute(select(column).where(where).distinct()).scalars()
                assert months is not None
                months |= _months_of(found, spread)
                months |= _months_of((r[attr] for r in rows if attr in r), spread)
        previous = dirty.get(source, set())
        dirty[source] = None if months is None or previous is None else previous | months
    _drop(state.session, dirty)
