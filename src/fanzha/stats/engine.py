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

from sqlalchemy import ColumnElement, Integer, cast, func, literal, select
from sqlalchemy.orm import Session

from fanzha.areas.models import Area
from fanzha.stats import clauses, sources
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
from fanzha.stats.periods import Period, PeriodKind
from fanzha.stats.sources import Coverage, Facts, MissingColumn

Number = int | float
MONTH_ALIGNED = (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR)
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
        # Per source: every measure of the source summed per (area path, month key), fetched
        # once and reused for any node × month/quarter/year asked later ("*" for snapshots).
        self._groups: dict[str, dict[tuple[str, str], tuple[int, ...]]] = {}
        self._group_codes: dict[str, list[str]] = {}
        self._group_columns: dict[str, list[Any]] = {}
        self._fetched: dict[str, set[str]] = {}

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

    # -- computation --------------------------------------------------------------------------
    def values(self, nodes: Sequence[Area], period: Period, codes: Sequence[str] | None = None) -> dict[str, Values]:
        """Indicator values for each of `nodes` (disjoint subtrees, e.g. siblings) in `period`."""
        table = self.table(nodes, [period], codes)
        return {n.code: table[n.code, period.key] for n in nodes}

    def table(self, nodes: Sequence[Area], periods: Sequence[Period], codes: Sequence[str] | None = None,
              ) -> dict[tuple[str, str], Values]:
        """Values for every node × period (nodes: disjoint subtrees; periods: disjoint ranges).

        One query per source covers all of them: rows are grouped by (area path, period) in
        SQL and the few hundred groups are summed up to the nodes through their paths.
        """
        wanted = [BY_CODE[c] for c in codes] if codes else INDICATORS
        needed = _closure(wanted)
        out: dict[tuple[str, str], Values] = {(n.code, p.key): {POPULATION: n.population or None}
                                              for n in nodes for p in periods}
        by_source: dict[str, list[Measure | Median]] = {}
        for ind in needed:
            if isinstance(ind, Measure | Median):
                by_source.setdefault(ind.source, []).append(ind)
        for name, inds in by_source.items():
            facts = sources.load(name)
            covered = [p for p in periods if facts is not None and self.covers(name, p)]
            for p in periods:
                if p not in covered:
                    for node in nodes:
                        out[node.code, p.key].update({i.code: None for i in inds})
            if facts is None or not covered:
                continue
            measures = [i for i in inds if isinstance(i, Measure)]
            if facts.at is None:  # a snapshot: the same state whatever the period
                self._fetch_groups(name, facts, [])
                for p in covered:
                    self._rollup(name, nodes, p, ["*"], measures, out)
            elif all(p.kind in MONTH_ALIGNED for p in covered):
                months = {m.key: m for p in covered for m in p.months()}
                self._fetch_groups(name, facts, list(months.values()))
                for p in covered:
                    self._rollup(name, nodes, p, [m.key for m in p.months()], measures, out)
            else:
                self._measures(facts, nodes, covered, measures, out)
            for med in (i for i in inds if isinstance(i, Median)):
                self._median(facts, nodes, covered, med, out)
        for ind in needed:
            if isinstance(ind, Ratio):
                for values in out.values():
                    num, den = values.get(ind.num), values.get(ind.den)
                    values[ind.code] = None if num is None or not den else num / den * ind.scale
        return out

    def _fetch_groups(self, name: str, facts: Facts, months: list[Period]) -> None:
        """Sums every measure of the source per (area path, month) for the months not yet fetched."""
        fetched = self._fetched.setdefault(name, set())
        missing = [m for m in months if m.key not in fetched]
        if facts.at is not None and not missing:
            return
        if facts.at is None and "*" in fetched:
            return
        if name not in self._group_codes:
            columns, codes = [], []
            for m in INDICATORS:
                if isinstance(m, Measure) and m.source == name:
                    try:
                        columns.append(m.agg(facts).label(m.code))
                        codes.append(m.code)
                    except MissingColumn:
                        continue
            self._group_codes[name] = codes
            self._group_columns[name] = columns
        columns = self._group_columns[name]
        groups = self._groups.setdefault(name, {})
        if not columns:
            fetched.update(["*"] if facts.at is None else [m.key for m in missing])
            return
        path = facts.area_path.label("path")
        if facts.at is None:
            bucket: ColumnElement[Any] = literal("*")
            where: list[ColumnElement[bool]] = []
        else:
            bucket, where = clauses.bucket(facts, missing), clauses.in_periods(facts, missing)
        stmt = (select(path, bucket.label("bucket"), *columns).select_from(facts.table)
                .where(*facts.filters, *where).group_by(path, bucket))
        for row in self.session.execute(stmt):
            if row[1] is not None:
                groups[row[0], row[1]] = tuple(int(v or 0) for v in row[2:])
        fetched.update(["*"] if facts.at is None else [m.key for m in missing])

    def _rollup(self, name: str, nodes: Sequence[Area], period: Period, buckets: list[str], measures: list[Measure],
                out: dict[tuple[str, str], Values]) -> None:
        """Adds the cached (path, month) sums up to each node (nodes may overlap: a county and its towns)."""
        codes = self._group_codes[name]
        index = {c: i for i, c in enumerate(codes)}
        wanted = set(buckets)
        totals = {n.code: [0] * len(codes) for n in nodes}
        for (path, bucket), sums in self._groups.get(name, {}).items():
            if bucket not in wanted:
                continue
            for node in nodes:
                if path.startswith(node.path):
                    acc = totals[node.code]
                    for i, v in enumerate(sums):
                        acc[i] += v
        for node in nodes:
            values = out[node.code, period.key]
            for m in measures:
                values[m.code] = totals[node.code][index[m.code]] if m.code in index else None

    def _measures(self, facts: Facts, nodes: Sequence[Area], periods: Sequence[Period], measures: list[Measure],
                  out: dict[tuple[str, str], Values]) -> None:
        columns, usable = [], []
        for m in measures:
            try:
                columns.append(m.agg(facts).label(m.code))
                usable.append(m)
            except MissingColumn:
                for node in nodes:
                    for p in periods:
                        out[node.code, p.key][m.code] = None
        if not usable:
            return
        for node in nodes:
            for p in periods:
                # A node with no rows in a covered period genuinely has zero of everything.
                out[node.code, p.key].update({m.code: 0 for m in usable})
        path = facts.area_path.label("path")
        bucket = clauses.bucket(facts, periods).label("bucket")
        stmt = (select(path, bucket, *columns).select_from(facts.table)
                .where(clauses.in_nodes(facts, nodes), *facts.filters, *clauses.in_periods(facts, periods))
                .group_by(path, bucket))
        owner: dict[str, str | None] = {}
        for row in self.session.execute(stmt):
            if row[0] not in owner:
                owner[row[0]] = next((n.code for n in nodes if row[0].startswith(n.path)), None)
            node_code = owner[row[0]]
            if node_code is None or row[1] is None:
                continue
            values = out[node_code, row[1]]
            for i, m in enumerate(usable):
                values[m.code] = int(values[m.code] or 0) + int(row[i + 2] or 0)

    def _median(self, facts: Facts, nodes: Sequence[Area], periods: Sequence[Period], med: Median,
                out: dict[tuple[str, str], Values]) -> None:
        """Median from a histogram counted in SQL: rows are binned at the precision the figure is
        shown with (`Median.bin`, in the column's unit), so no sort of the period's rows is needed."""
        try:
            column = facts.col(med.column)
        except MissingColumn:
            for values in out.values():
                values[med.code] = None
            return
        node_key = clauses.node_key(facts, nodes).label("node")
        bucket = clauses.bucket(facts, periods).label("bucket")
        # The epsilon keeps 240.0 s stored as 239.99999 (julianday arithmetic) in the 240 s bin.
        bin_ = cast(func.floor(column / med.bin + 1e-3), Integer).label("bin")
        stmt = (select(node_key, bucket, bin_, func.count())
                .select_from(facts.table)
                .where(clauses.in_nodes(facts, nodes), column.is_not(None), *facts.filters,
                       *clauses.in_periods(facts, periods))
                .group_by(node_key, bucket, bin_))
        histograms: dict[tuple[str, str], list[tuple[int, int]]] = {}
        for node, period_key, b, n in self.session.execute(stmt):
            histograms.setdefault((node, period_key), []).append((int(b), int(n)))
        for node in nodes:
            for p in periods:
                m = median_of_histogram(histograms.get((node.code, p.key), []), med.bin)
                out[node.code, p.key][med.code] = round(m / med.divide_by, 2) if m is not None else None

    def node(self, area: Area, period: Period, codes: Sequence[str] | None = None) -> Values:
        return self.values([area], period, codes)[area.code]

    def figures(self, area: Area, period: Period, codes: Sequence[str] | None = None) -> dict[str, Figure]:
        """Values with 环比 and 同比 bases. Snapshot indicators (App coverage) have no history."""
        table = self.table([area], [period, period.previous(), period.year_ago()], codes)
        now, prev = table[area.code, period.key], table[area.code, period.previous().key]
        ago = table[area.code, period.year_ago().key]
        snapshot = {i.code for i in INDICATORS if _is_snapshot(i)}
        return {code: Figure(code, now[code], None if code in snapshot else prev.get(code),
                             None if code in snapshot else ago.get(code))
                for code in now}

    def child_areas(self, parent: Area) -> list[Area]:
        """The sub-areas statistics rank (bank branches are not residential areas)."""
        return list(self.session.scalars(
            select(Area).where(Area.parent_code == parent.code, Area.level != "bank").order_by(Area.code)))

    def children(self, parent: Area, period: Period, codes: Sequence[str] | None = None,
                 ) -> tuple[list[Area], dict[str, Values]]:
        kids = self.child_areas(parent)
        if not kids:
            return [], {}
        return kids, self.values(kids, period, codes)

    def series(self, area: Area, periods: Sequence[Period], codes: Sequence[str]) -> list[Values]:
        table = self.table([area], periods, codes)
        return [table[area.code, p.key] for p in periods]

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
                .where(clauses.in_nodes(facts, [area]), *facts.filters, *clauses.in_periods(facts, [period]))
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
        start, end = clauses.bounds(facts, period)
        inner = (select(subject).select_from(facts.table)
                 .where(clauses.in_nodes(facts, [area]), *facts.filters, subject.is_not(None), facts.at < end)
                 .group_by(subject).having(func.count() >= 2, func.max(facts.at) >= start).subquery())
        return int(self.session.scalar(select(func.count()).select_from(inner)) or 0)


def median_of_histogram(bins: list[tuple[int, int]], width: float) -> float | None:
    """The median of values binned as floor(v / width), read at its bin's lower edge (the
    figure's displayed precision)."""
    total = sum(n for _, n in bins)
    if not total:
        return None
    seen = 0
    for b, n in sorted(bins):
        seen += n
        if seen * 2 >= total:
            return b * width
    return None


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
