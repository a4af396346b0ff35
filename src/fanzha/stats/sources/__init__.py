"""What statistics reads, one module per source domain.

Each module turns the domain's tables into `Facts`: a FROM clause, the time column, the
area path, and named columns that indicators aggregate. A source whose domain has not
landed (or whose models cannot be imported) is absent, and its indicators read "无数据".
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, FromClause, func, inspect, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute, Session
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.types import Float

from fanzha.core.clock import as_utc

# A mapped attribute (Person.area_path) or any SQL expression over the source's tables.
Column = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class Facts:
    """A source's rows for aggregation. `at` is None for snapshots (state now, not events)."""

    name: str
    name_zh: str
    table: FromClause
    area_path: Column
    at: Column | None
    columns: dict[str, Column] = field(default_factory=dict)
    at_is_date: bool = False
    # Rows that do not count at all (a report declined as not a fraud case).
    where: ColumnElement[bool] | None = None
    # Writes that change the source's figures, for the rollup (stats/rollup.py): (mapped class,
    # its time attribute, how many later months a row also feeds). Rows of joined tables that
    # only label (a victim's age band) are not watched; the rollup's age bound covers them.
    watch: tuple[tuple[Any, str, int], ...] = ()

    @property
    def filters(self) -> list[ColumnElement[bool]]:
        return [self.where] if self.where is not None else []

    def col(self, name: str) -> Column:
        try:
            return self.columns[name]
        except KeyError:
            raise MissingColumn(self.name, name) from None


class MissingColumn(LookupError):
    """The source's domain does not record this field (yet): the indicator reads 无数据."""

    def __init__(self, source: str, column: str) -> None:
        super().__init__(f"{source}.{column}")
        self.source, self.column = source, column


@dataclass(frozen=True)
class Coverage:
    """The time range a source has recorded; a period outside it has no data, not zero."""

    rows: int
    first: datetime | None
    last: datetime | None


class seconds_between(FunctionElement[float]):
    """Seconds from `start` to `end` as a float, on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    end, start = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _seconds_pg(element: seconds_between, compiler: Any, **kw: Any) -> str:
    end, start = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


def coverage(session: Session, facts: Facts) -> Coverage:
    """Rows and time range; a table missing from this database (not migrated yet) counts as empty."""
    inspector = inspect(session.connection())
    for table in _tables(facts):
        if not inspector.has_table(table):
            return Coverage(0, None, None)
    if facts.at is None:
        rows = session.scalar(select(func.count()).select_from(facts.table).where(*facts.filters)) or 0
        return Coverage(rows, None, None)
    # Two statements: each is one index probe where the time column is indexed (min and max in
    # one SELECT make SQLite scan the table).
    first = session.scalar(select(func.min(facts.at)).select_from(facts.table).where(*facts.filters))
    if first is None:
        return Coverage(0, None, None)
    last = session.scalar(select(func.max(facts.at)).select_from(facts.table).where(*facts.filters))
    return Coverage(1, _as_datetime(first), _as_datetime(last if last is not None else first))


def _tables(facts: Facts) -> list[str]:
    from sqlalchemy import Table
    from sqlalchemy.sql.visitors import iterate

    return [el.name for el in iterate(facts.table) if isinstance(el, Table)]


def _as_datetime(value: datetime | date | str) -> datetime:
    from fanzha.core.clock import LOCAL_TZ

    if isinstance(value, str):  # SQLite aggregates return the stored text
        value = datetime.fromisoformat(value) if " " in value or "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        return as_utc(value)
    return datetime(value.year, value.month, value.day, tzinfo=LOCAL_TZ)


# name → "module:function() -> Facts"; the function raises ImportError while its domain is absent.
SOURCES: dict[str, str] = {
    "people": "fanzha.stats.sources.people:residents",
    "warnings": "fanzha.stats.sources.warnings:instructions",
    "sla": "fanzha.stats.sources.warnings:deadlines",
    "cases": "fanzha.stats.sources.cases:cases",
    "freezes": "fanzha.stats.sources.risk:freezes",
    "transactions": "fanzha.stats.sources.risk:transactions",
    "campaigns": "fanzha.stats.sources.outreach:campaigns",
    "visits": "fanzha.stats.sources.outreach:visits",
}

SOURCE_NAMES_ZH = {
    "people": "人员信息", "warnings": "预警指令", "sla": "预警处置时限", "cases": "案件",
    "freezes": "止付冻结", "transactions": "资金交易", "campaigns": "宣防活动", "visits": "入户走访",
}

_loaded: dict[str, Facts | None] = {}


def load(name: str) -> Facts | None:
    """The source's facts, or None while the domain that records them is not installed."""
    if name not in _loaded:
        module, attr = SOURCES[name].split(":")
        try:
            build: Callable[[], Facts] = getattr(importlib.import_module(module), attr)
            _loaded[name] = build()
        except (ImportError, AttributeError):
            _loaded[name] = None
    return _loaded[name]
