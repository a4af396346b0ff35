"""Computes indicators per jurisdiction node × period, in SQL.

One query per source per period: the rows of the nodes' subtrees in the period are
grouped by a CASE over the nodes' materialized paths, so a whole set of sibling areas
(15 towns of a county) costs the same single pass as one node. Ratios are derived from
the aggregated measures; medians use window functions (portable to SQLite and PostgreSQL).

A value of None means 无数据: the source is absent, holds no rows, or did not record
anything in the period's time range. It is never turned into 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, literal, or_, select
from sqlalchemy.orm import Session

from fanzha.areas.models import Area
from fanzha.stats import sources
from fanzha.stats.indicators import (
    BREAKDOWN_BY_CODE,
    BY_CODE,
    INDICATORS,
    POPULATION,
    Indicator,
    Measure,
    Median,
    Ratio,
)
from fanzha.stats.periods import Period
from fanzha.stats.sources import Coverage, Facts, MissingColumn

Number = int | float
Values = dict[str, Number | None]


@dataclass(frozen=True)
class Figure:
    """A value with its 环比 (previous period) and 同比 (same period last year) bases."""

    code: str
    value: Number | None
    previous: Number | None
    year_ago: Number | None

    @staticmethod
    def change(value: Number | None, base: Number | None) -> float | None:
        """Relative change; None when either side is missing or the base is 0."""
        if value is None or base is None or base == 0:
            return None
        return (value - base) / base

    @property
    def mom(self) -> float | None:
        return self.change(self.value, self.previous)

    @property
    def yoy(self) -> float | None:
        return self.change(self.value, self.year_ago)


@dataclass(frozen=True)
class Slice:
    key: str
    label: str
    value: int


class Engine:
    """Holds one session and caches each source's coverage for the life of a request/report."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._coverage: dict[str, Coverage] = {}

    # -- availability -------------------------------------------------------------------------
    def coverage(self, name: str) -> Coverage | None:
        facts = sources.load(name)
        if facts is None:
            return None
        if name not in self._coverage:
            self._coverage[name] = sources.coverage(self.session, facts)
        return self._coverage[name]

    def covers(self, name: str, period: Period) -> bool:
        cov = self.coverage(name)
        if cov is None or cov.rows == 0:
            return False
        if cov.first is None or cov.last is None:  # snapshot: present now, whatever the period
            return True
        return period.overlaps(cov.first, cov.last)

    def source_status(self, period: Period) -> dict[str, bool]:
        return {name: self.covers(name, period) for name in sources.SOURCES}

    # -- filters ------------------------------------------------------------------------------
    @staticmethod
    def _in_period(facts: Facts, period: Period) -> list[ColumnElement[bool]]:
        if facts.at is None:
            return []
        if facts.at_is_date:
            return [facts.at >= period.start, facts.at < period.end]
        start, end = period.utc_bounds()
        return [facts.at >= start, facts.at < end]

    @staticmethod
    def _node_key(facts: Facts, nodes: Sequence[Area]) -> ColumnElement[Any]:
        if len(nodes) == 1:
            return literal(nodes[0].code)
        return case(*[(facts.area_path.startswith(n.path, autoescape=True), literal(n.code)) for n in nodes],
                    else_=None)

    @staticmethod
    def _in_nodes(facts: Facts, nodes: Sequence[Area]) -> ColumnElement[bool]:
        return or_(*[facts.area_path.startswith(n.path, autoescape=True) for n in nodes])

    # -- computation --------------------------------------------------------------------------
    def values(self, nodes: Sequence[Area], period: Period, codes: Sequence[str] | None = None) -> dict[str, Values]:
        """Indicator values for each of `nodes` (disjoint subtrees, e.g. siblings) in `period`."""
        wanted = [BY_CODE[c] for c in codes] if codes else INDICATORS
        needed = _closure(wanted)
        out: dict[str, Values] = {n.code: {} for n in nodes}
        for node in nodes:
            out[node.code][POPULATION] = node.population or None
        by_source: dict[str, list[Measure | Median]] = {}
        for ind in needed:
            if isinstance(ind, Measure | Median):
                by_source.setdefault(ind.source, []).append(ind)
        for name, inds in by_source.items():
            facts = sources.load(name)
            measures = [i for i in inds if isinstance(i, Measure)]
            medians = [i for i in inds if isinstance(i, Median)]
            if facts is None or not self.covers(name, period):
                for node in nodes:
                    out[node.code].update({i.code: None for i in inds})
                continue
            self._measures(facts, nodes, period, measures, out)
            for med in medians:
                self._median(facts, nodes, period, med, out)
        for ind in needed:
            if isinstance(ind, Ratio):
                for node in nodes:
                    values = out[node.code]
                    num, den = values.get(ind.num), values.get(ind.den)
                    values[ind.code] = None if num is None or not den else num / den * ind.scale
        return out

    def _measures(self, facts: Facts, nodes: Sequence[Area], period: Period, measures: list[Measure],
                  out: dict[str, Values]) -> None:
        columns, usable = [], []
        for m in measures:
            try:
                columns.append(m.agg(facts).label(m.code))
                usable.append(m)
            except MissingColumn:
                for node in nodes:
                    out[node.code][m.code] = None
        if not usable:
            return
        key = self._node_key(facts, nodes).label("node")
        stmt = (select(key, *columns).select_from(facts.table)
                .where(self._in_nodes(facts, nodes), *facts.filters, *self._in_period(facts, period)).group_by(key))
        rows = {r[0]: r for r in self.session.execute(stmt)}
        for node in nodes:
            row = rows.get(node.code)
            for i, m in enumerate(usable):
                # A node with no rows in a covered period genuinely has zero of everything.
                out[node.code][m.code] = int(row[i + 1] or 0) if row is not None else 0

    def _median(self, facts: Facts, nodes: Sequence[Area], period: Period, med: Median, out: dict[str, Values]) -> None:
        try:
            column = facts.col(med.column)
        except MissingColumn:
            for node in nodes:
                out[node.code][med.code] = None
            return
        key = self._node_key(facts, nodes).label("node")
        value = column.label("v")
        inner = (select(key, value,
                        func.row_number().over(partition_by=key, order_by=column).label("rn"),
                        func.count().over(partition_by=key).label("n"))
                 .select_from(facts.table)
                 .where(self._in_nodes(facts, nodes), column.is_not(None), *facts.filters,
                        *self._in_period(facts, period))
                 .subquery())
        middle = or_(inner.c.rn == (inner.c.n + 1) / 2, inner.c.rn == (inner.c.n + 2) / 2)
        stmt = select(inner.c.node, func.avg(inner.c.v)).where(middle).group_by(inner.c.node)
        medians = {node: float(v) for node, v in self.session.execute(stmt) if v is not None}
        for node in nodes:
            m = medians.get(node.code)
            out[node.code][med.code] = round(m / med.divide_by, 2) if m is not None else None

    def node(self, area: Area, period: Period, codes: Sequence[str] | None = None) -> Values:
        return self.values([area], period, codes)[area.code]

    def figures(self, area: Area, period: Period, codes: Sequence[str] | None = None) -> dict[str, Figure]:
        """Values with 环比 and 同比 bases. Snapshot indicators (App coverage) have no history."""
        now = self.node(area, period, codes)
        prev = self.node(area, period.previous(), codes)
        ago = self.node(area, period.year_ago(), codes)
        snapshot = {i.code for i in INDICATORS if _is_snapshot(i)}
        return {code: Figure(code, now[code], None if code in snapshot else prev.get(code),
                             None if code in snapshot else ago.get(code))
                for code in now}

    def children(self, parent: Area, period: Period, codes: Sequence[str] | None = None,
                 ) -> tuple[list[Area], dict[str, Values]]:
        kids = list(self.session.scalars(
            select(Area).where(Area.parent_code == parent.code, Area.level != "bank").order_by(Area.code)))
        if not kids:
            return [], {}
        return kids, self.values(kids, period, codes)

    def series(self, area: Area, periods: Sequence[Period], codes: Sequence[str]) -> list[Values]:
        return [self.node(area, p, codes) for p in periods]

    def breakdown(self, area: Area, period: Period, code: str) -> list[Slice] | None:
        """Rows of one dimension, largest first; None when the source or the field is missing."""
        spec = BREAKDOWN_BY_CODE[code]
        facts = sources.load(spec.source)
        if facts is None or not self.covers(spec.source, period):
            return None
        try:
            dim = facts.col(spec.dimension)
            measure = func.coalesce(func.sum(facts.col(spec.weight)), 0) if spec.weight else func.count()
        except MissingColumn:
            return None
        stmt = (select(dim, measure).select_from(facts.table)
                .where(self._in_nodes(facts, [area]), *facts.filters, *self._in_period(facts, period))
                .group_by(dim).order_by(measure.desc()))
        labels = spec.labels or {}
        return [Slice(str(k) if k is not None else "", labels.get(str(k), str(k) if k else "未登记"), int(v or 0))
                for k, v in self.session.execute(stmt)]

    def repeat_subjects(self, area: Area, period: Period, *, source: str, column: str) -> int | None:
        """How many subjects (e.g. victims) with a row in the period have two or more rows up to
        its end: repeat victims. None when the source or the column is missing."""
        facts = sources.load(source)
        if facts is None or not self.covers(source, period) or facts.at is None:
            return None
        try:
            subject = facts.col(column)
        except MissingColumn:
            return None
        start, end = ((period.start, period.end) if facts.at_is_date else period.utc_bounds())
        inner = (select(subject).select_from(facts.table)
                 .where(self._in_nodes(facts, [area]), *facts.filters, subject.is_not(None), facts.at < end)
                 .group_by(subject).having(func.count() >= 2, func.max(facts.at) >= start).subquery())
        return int(self.session.scalar(select(func.count()).select_from(inner)) or 0)


def _closure(wanted: Sequence[Indicator]) -> list[Indicator]:
    """The wanted indicators plus every measure their ratios need, measures first."""
    seen: dict[str, Indicator] = {}

    def visit(ind: Indicator) -> None:
        if ind.code in seen:
            return
        if isinstance(ind, Ratio):
            for part in (ind.num, ind.den):
                if part != POPULATION:
                    visit(BY_CODE[part])
        seen[ind.code] = ind

    for ind in wanted:
        visit(ind)
    return list(seen.values())


def _is_snapshot(ind: Indicator) -> bool:
    if isinstance(ind, Ratio):
        parts = [BY_CODE[p] for p in (ind.num, ind.den) if p != POPULATION]
        return bool(parts) and all(_is_snapshot(p) for p in parts)
    facts = sources.load(ind.source)
    return facts is not None and facts.at is None
