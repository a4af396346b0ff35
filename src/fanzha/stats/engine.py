"""Computes indicators per jurisdiction node × period, in SQL.

Month-aligned periods (month, quarter, year) are sums of per-(area path, month) parts: one
grouped query per source returns every measure per leaf path and month, a median's histogram
and each breakdown's counts likewise, and a node's figure adds up the paths under it. Parts of
closed months are stored (`stats/rollup.py`), so only the open month is queried live. Days and
weeks are counted directly, one query per source for a whole set of nodes and periods. Ratios
are derived from the aggregated measures; medians are read from histograms counted in SQL.

A value of None means 无数据: the source is absent, holds no rows, or did not record
anything in the period's time range. It is never turned into 0.
"""

from __future__ import annotations

import base64
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from fanzha.areas.models import Area
from fanzha.core import cache as aggregate_cache
from fanzha.core import clock
from fanzha.stats import clauses, rollup, sources
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
_VERSIONS: dict[tuple[str, str, str], str] = {}


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


class MonthPart:
    """One part of one source's month, per leaf area path. Paths are sorted, so the paths under a
    node (a prefix) are one slice: "sums" is a paths × measures matrix; "hist" and "bd" are
    (bin or key index, count) rows, path after path, `offsets[i]:offsets[i + 1]` for path i."""

    __slots__ = ("keys", "kind", "offsets", "paths", "rows", "sums")

    def __init__(self, kind: str, paths: list[str], *, sums: Any = None, offsets: Any = None, rows: Any = None,
                 keys: list[str | None] | None = None) -> None:
        self.kind, self.paths, self.sums, self.offsets, self.rows = kind, paths, sums, offsets, rows
        self.keys = keys or []

    @classmethod
    def build(cls, kind: str, by_path: dict[str, list[Any]], width: int) -> MonthPart:
        paths = sorted(by_path)
        if kind == "sums":
            sums = np.array([by_path[p] for p in paths], dtype=np.int64) if paths else np.zeros((0, width), np.int64)
            return cls(kind, paths, sums=sums)
        keys: list[str | None] = []
        if kind == "bd":  # keys become small integers, in first-seen order
            index: dict[str | None, int] = {}
            for p in paths:
                flat = by_path[p]
                for i in range(0, len(flat), 2):
                    flat[i] = index.setdefault(flat[i], len(index))
            keys = list(index)
        flats = [by_path[p] for p in paths]
        offsets = np.zeros(len(paths) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(f) // 2 for f in flats])
        rows = np.array([v for f in flats for v in f], dtype=np.int64).reshape(-1, 2) if flats else np.zeros(
            (0, 2), np.int64)
        return cls(kind, paths, offsets=offsets, rows=rows, keys=keys)

    def span(self, prefix: str) -> tuple[int, int]:
        return bisect_left(self.paths, prefix), bisect_left(self.paths, prefix + "\U0010ffff")

    def total(self, prefix: str) -> list[int]:
        lo, hi = self.span(prefix)
        return [int(v) for v in self.sums[lo:hi].sum(axis=0)]

    def under(self, prefix: str) -> Any:
        lo, hi = self.span(prefix)
        return self.rows[self.offsets[lo]:self.offsets[hi]]

    # Stored as JSON with the numbers in base64 int64: decoding is a few C calls, not a JSON list per path.
    @staticmethod
    def encode(part: MonthPart) -> dict[str, Any]:
        numbers = part.sums if part.kind == "sums" else part.rows
        packed = base64.b64encode(np.ascontiguousarray(numbers, dtype="<i8").tobytes()).decode()
        out: dict[str, Any] = {"kind": part.kind, "paths": part.paths, "width": int(numbers.shape[1]),
                               "numbers": packed}
        if part.kind != "sums":
            out["offsets"] = [int(v) for v in part.offsets]
            out["keys"] = part.keys
        return out

    @classmethod
    def decode(cls, data: dict[str, Any]) -> MonthPart:
        width = data["width"]
        flat = np.frombuffer(base64.b64decode(data["numbers"]), dtype="<i8")
        numbers = flat.reshape(-1, width) if width else np.zeros((len(data["paths"]), 0), np.int64)
        if data["kind"] == "sums":
            return cls("sums", data["paths"], sums=numbers)
        return cls(data["kind"], data["paths"], offsets=np.array(data["offsets"], dtype=np.int64), rows=numbers,
                   keys=data["keys"])


class Engine:
    """Holds one session and caches each source's coverage for the life of a request/report.

    With `rollup=True` (the default) month-aligned periods are summed from per-(area path,
    month) parts: stored ones for closed months (`stats/rollup.py`), live SQL for the rest.
    `rollup=False` computes every figure with direct SQL over the period's rows (the reference
    the rollup is tested against)."""

    def __init__(self, session: Session, *, rollup: bool = True, refresh: bool = False) -> None:
        self.session = session
        self.use_rollup = rollup
        self.refresh = refresh  # recompute the shared coverage and snapshot (the warm-up job)
        self._coverage: dict[str, Coverage] = {}
        self._coverage_live: set[str] = set()
        # (source, part) → month key → the part for that month (per leaf area path).
        self._parts: dict[tuple[str, str], dict[str, MonthPart]] = {}
        self._node_sums: dict[tuple[str, str, str], list[int]] = {}
        self._node_hists: dict[tuple[str, str, str, str], Any] = {}
        self._sum_codes: dict[str, list[str]] = {}
        self._sum_columns: dict[str, list[Any]] = {}
        self._snapshots: dict[str, dict[str, list[int]]] = {}
        self._memo: dict[tuple[str, str, str, str], Values] = {}  # direct SQL: (source, block, node, period)

    # -- availability -------------------------------------------------------------------------
    def coverage(self, name: str) -> Coverage | None:
        facts = sources.load(name)
        if facts is None:
            return None
        if name not in self._coverage:
            # Shared for the aggregate-cache TTL; a period it says is not covered is checked
            # again live (`covers`), so new rows are never hidden, only old ones kept.
            self._coverage[name] = aggregate_cache.cached(
                self.session, ("stats.coverage", name), lambda: sources.coverage(self.session, facts),
                refresh=self.refresh)
        return self._coverage[name]

    def covers(self, name: str, period: Period) -> bool:
        """Whether the source has data for the period: it had begun and lies within the first to
        the last row the source recorded."""
        if self._covers(name, period):
            return True
        if name in self._coverage_live or sources.load(name) is None or period.utc_bounds()[0] > clock.now():
            return False
        cached = self._coverage.get(name)
        if cached is not None and cached.first is not None and period.utc_bounds()[1] <= cached.first:
            return False  # before the source's first row: only new rows (later ones) could change that
        self._coverage_live.add(name)
        facts = sources.load(name)
        assert facts is not None
        self._coverage[name] = sources.coverage(self.session, facts)
        return self._covers(name, period)

    def _covers(self, name: str, period: Period) -> bool:
        cov = self.coverage(name)
        if cov is None or cov.rows == 0:
            return False
        if period.utc_bounds()[0] > clock.now():  # not begun: rows dated there are not facts yet
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
        """Values for every node × period (periods: disjoint ranges).

        Month-aligned periods are sums of per-(area path, month) parts (one grouped query per
        source for the months not stored yet); days and weeks are counted directly, one query
        per source for all of them.
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
            medians = [i for i in inds if isinstance(i, Median)]
            if facts.at is None:  # a snapshot: the same state whatever the period
                self._from_snapshot(name, facts, nodes, covered, measures, out)
                for med in medians:
                    self._median(facts, nodes, covered, med, out)
            elif self.use_rollup and all(p.kind in MONTH_ALIGNED for p in covered):
                self._from_months(name, facts, nodes, covered, measures, medians, out)
            else:
                self._direct(name, facts, nodes, covered, measures, medians, out)
        for ind in needed:
            if isinstance(ind, Ratio):
                for values in out.values():
                    num, den = values.get(ind.num), values.get(ind.den)
                    values[ind.code] = None if num is None or not den else num / den * ind.scale
        return out

    # -- month parts (rollup) -----------------------------------------------------------------
    def _columns(self, name: str, facts: Facts) -> tuple[list[str], list[Any]]:
        """Every measure of the source as a labelled aggregate, in INDICATORS order."""
        if name not in self._sum_codes:
            columns, codes = [], []
            for m in INDICATORS:
                if isinstance(m, Measure) and m.source == name:
                    try:
                        columns.append(m.agg(facts).label(m.code))
                        codes.append(m.code)
                    except MissingColumn:
                        continue
            self._sum_codes[name], self._sum_columns[name] = codes, columns
        return self._sum_codes[name], self._sum_columns[name]

    def _part_query(self, name: str, part: str, facts: Facts) -> tuple[list[Any], list[Any], list[Any]]:
        """(value columns, extra GROUP BY keys, extra WHERE) of one part, grouped per path and month."""
        if part == "sums":
            return self._columns(name, facts)[1], [], []
        kind, code = part.split(":", 1)
        if kind == "hist":
            med = BY_CODE[code]
            assert isinstance(med, Median)
            column = facts.col(med.column)
            # The epsilon keeps 240.0 s stored as 239.99999 (julianday arithmetic) in the 240 s bin.
            bin_ = cast(func.floor(column / med.bin + 1e-3), Integer)
            return [bin_, func.count()], [bin_], [column.is_not(None)]
        spec = BREAKDOWN_BY_CODE[code]
        dim = facts.col(spec.dimension)
        weight = func.coalesce(func.sum(facts.col(spec.weight)), 0) if spec.weight else func.count()
        return [dim, weight], [dim], []

    def _version(self, name: str, part: str, facts: Facts) -> str:
        """The part's definition fingerprint: its SQL (values are bound parameters, not text)."""
        dialect = self.session.get_bind().dialect
        if (dialect.name, name, part) not in _VERSIONS:
            columns, _, where = self._part_query(name, part, facts)
            stmt = select(facts.area_path, *columns).select_from(facts.table).where(*facts.filters, *where)
            _VERSIONS[dialect.name, name, part] = rollup.version_of(name, part, str(stmt.compile(dialect=dialect)))
        return _VERSIONS[dialect.name, name, part]

    def _part(self, name: str, part: str, facts: Facts, months: Sequence[Period]) -> dict[str, MonthPart]:
        """The part for each month: stored for closed months, else one grouped query for the rest."""
        store = self._parts.setdefault((name, part), {})
        missing = [m for m in months if m.key not in store]
        if not missing:
            return store
        now = clock.now()
        closed = {m.key for m in missing if m.utc_bounds()[1] <= now}
        version = self._version(name, part, facts)
        store.update(rollup.load(self.session, name, part, version, sorted(closed), MonthPart.decode))
        todo = [m for m in missing if m.key not in store]
        if not todo:
            return store
        columns, keys, where = self._part_query(name, part, facts)
        rows: dict[str, dict[str, list[Any]]] = {m.key: {} for m in todo}
        if columns:
            path = facts.area_path.label("path")
            bucket = clauses.bucket(facts, todo).label("bucket")
            stmt = (select(path, bucket, *columns).select_from(facts.table)
                    .where(*facts.filters, *where, *clauses.in_periods(facts, todo))
                    .group_by(path, bucket, *keys))
            for row in self.session.execute(stmt):
                if row[1] is None or row[0] is None:
                    continue
                if part == "sums":
                    rows[row[1]][row[0]] = [int(v or 0) for v in row[2:]]
                else:  # histogram bin or breakdown key, then its count: flat [k1, n1, k2, n2, …]
                    key = int(row[2]) if part.startswith("hist:") else None if row[2] is None else str(row[2])
                    rows[row[1]].setdefault(row[0], []).extend((key, int(row[3] or 0)))
        width = len(self._columns(name, facts)[0]) if part == "sums" else 2
        for key, by_path in rows.items():
            data = MonthPart.build(part.split(":", 1)[0], by_path, width)
            store[key] = data
            if key in closed:
                rollup.save(self.session, name, part, version, key, data, MonthPart.encode)
        return store

    def _node_hist(self, name: str, part: str, node_path: str, month: str) -> Any:
        """A node's (bin, count) rows for one month (memoised)."""
        memo = (name, part, node_path, month)
        if memo not in self._node_hists:
            self._node_hists[memo] = self._parts[name, part][month].under(node_path)
        return self._node_hists[memo]

    def _node_month(self, name: str, node_path: str, month: str) -> list[int]:
        """A node's sums for one month: the month's paths under the node, added up (memoised)."""
        memo = (name, node_path, month)
        if memo not in self._node_sums:
            self._node_sums[memo] = self._parts[name, "sums"][month].total(node_path)
        return self._node_sums[memo]

    def _from_months(self, name: str, facts: Facts, nodes: Sequence[Area], periods: Sequence[Period],
                     measures: list[Measure], medians: list[Median], out: dict[tuple[str, str], Values]) -> None:
        months = list({m.key: m for p in periods for m in p.months()}.values())
        codes, _ = self._columns(name, facts)
        index = {c: i for i, c in enumerate(codes)}
        if measures:
            self._part(name, "sums", facts, months)
            for p in periods:
                keys = [m.key for m in p.months()]
                for node in nodes:
                    totals = [0] * len(codes)
                    for key in keys:
                        for i, v in enumerate(self._node_month(name, node.path, key)):
                            totals[i] += v
                    values = out[node.code, p.key]
                    for m in measures:
                        values[m.code] = totals[index[m.code]] if m.code in index else None
        for med in medians:
            try:
                facts.col(med.column)
            except MissingColumn:
                for node in nodes:
                    for p in periods:
                        out[node.code, p.key][med.code] = None
                continue
            part = f"hist:{med.code}"
            self._part(name, part, facts, months)
            for p in periods:
                for node in nodes:
                    bins, counts = _merge_bins([self._node_hist(name, part, node.path, m.key) for m in p.months()])
                    value = median_of_histogram(list(zip(bins.tolist(), counts.tolist(), strict=True)), med.bin)
                    out[node.code, p.key][med.code] = round(value / med.divide_by, 2) if value is not None else None

    def _from_snapshot(self, name: str, facts: Facts, nodes: Sequence[Area], periods: Sequence[Period],
                       measures: list[Measure], out: dict[tuple[str, str], Values]) -> None:
        """A snapshot's sums per path, shared for the aggregate-cache TTL (residents now)."""
        codes, columns = self._columns(name, facts)
        if name not in self._snapshots:
            def compute() -> dict[str, list[int]]:
                if not columns:
                    return {}
                path = facts.area_path.label("path")
                stmt = select(path, *columns).select_from(facts.table).where(*facts.filters).group_by(path)
                return {row[0]: [int(v or 0) for v in row[1:]] for row in self.session.execute(stmt)
                        if row[0] is not None}

            self._snapshots[name] = aggregate_cache.cached(
                self.session, ("stats.snapshot", name, self._version(name, "sums", facts)), compute,
                refresh=self.refresh)
        index = {c: i for i, c in enumerate(codes)}
        for node in nodes:
            totals = [0] * len(codes)
            for path, sums in self._snapshots[name].items():
                if path.startswith(node.path):
                    for i, v in enumerate(sums):
                        totals[i] += v
            for p in periods:
                values = out[node.code, p.key]
                for m in measures:
                    values[m.code] = totals[index[m.code]] if m.code in index else None

    def materialise(self, months: Sequence[Period]) -> int:
        """Stores every part of every source for the closed months among `months` that the
        source covers (the warm-up job). Returns how many (source, part, month) are current."""
        now = clock.now()
        closed = [m for m in months if m.utc_bounds()[1] <= now]
        done = 0
        for name in sources.SOURCES:
            facts = sources.load(name)
            if facts is None or facts.at is None:
                continue
            covered = [m for m in closed if self.covers(name, m)]
            if not covered:
                continue
            for part in self._parts_of(name, facts):
                self._part(name, part, facts, covered)
                done += len(covered)
        return done

    def _parts_of(self, name: str, facts: Facts) -> list[str]:
        parts = ["sums"] if self._columns(name, facts)[1] else []
        for ind in INDICATORS:
            if isinstance(ind, Median) and ind.source == name and ind.column in facts.columns:
                parts.append(f"hist:{ind.code}")
        for spec in BREAKDOWN_BY_CODE.values():
            if (spec.source == name and spec.dimension in facts.columns
                    and (spec.weight is None or spec.weight in facts.columns)):
                parts.append(f"bd:{spec.code}")
        return parts

    # -- direct SQL ---------------------------------------------------------------------------
    def _direct(self, name: str, facts: Facts, nodes: Sequence[Area], periods: Sequence[Period],
                measures: list[Measure], medians: list[Median], out: dict[tuple[str, str], Values]) -> None:
        """Direct SQL for days and weeks, remembered per (source, node, period) for the engine's
        life: every measure of the source is counted in the one pass, so a later call for other
        codes of the same node × period (the 大屏's pipeline after its figures) is answered from memory."""
        blocks: list[tuple[str, list[Measure] | Median]] = []
        if measures:
            blocks.append(("*", [m for m in INDICATORS if isinstance(m, Measure) and m.source == name]))
        blocks += [(med.code, med) for med in medians]
        for block, what in blocks:
            todo = [n for n in nodes if any((name, block, n.code, p.key) not in self._memo for p in periods)]
            if todo:
                scratch: dict[tuple[str, str], Values] = {(n.code, p.key): {} for n in todo for p in periods}
                if isinstance(what, list):
                    self._measures(facts, todo, periods, what, scratch)
                else:
                    self._median(facts, todo, periods, what, scratch)
                for (code, key), values in scratch.items():
                    self._memo[name, block, code, key] = values
            wanted = [m.code for m in measures] if isinstance(what, list) else [what.code]
            for n in nodes:
                for p in periods:
                    memo = self._memo[name, block, n.code, p.key]
                    out[n.code, p.key].update({c: memo.get(c) for c in wanted})

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
        for row in self.session.execute(stmt):
            if row[0] is None or row[1] is None:
                continue
            for node in nodes:  # nodes may overlap (a county and its towns)
                if row[0].startswith(node.path):
                    values = out[node.code, row[1]]
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
        for node_code, period_key, b, n in self.session.execute(stmt):
            histograms.setdefault((node_code, period_key), []).append((int(b), int(n)))
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
        totals: dict[str | None, int] = {}
        if self.use_rollup and period.kind in MONTH_ALIGNED and facts.at is not None:
            parts = self._part(spec.source, f"bd:{code}", facts, period.months())
            for m in period.months():
                month = parts[m.key]
                index, counts = _merge_bins([month.under(area.path)])
                for i, value in zip(index.tolist(), counts.tolist(), strict=True):
                    key = month.keys[i]
                    totals[key] = totals.get(key, 0) + value
        else:
            stmt = (select(dim, measure).select_from(facts.table)
                    .where(clauses.in_nodes(facts, [area]), *facts.filters, *clauses.in_periods(facts, [period]))
                    .group_by(dim))
            for k, v in self.session.execute(stmt):
                key = None if k is None else str(k)
                totals[key] = totals.get(key, 0) + int(v or 0)
        labels = spec.labels or {}
        ordered = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
        return [Slice(k if k is not None else "", labels.get(k, k) if k else "未登记", v) for k, v in ordered]

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


def _merge_bins(arrays: Sequence[Any]) -> tuple[Any, Any]:
    """(bin, count) rows from several histograms → sorted bins and their summed counts."""
    arrays = [a for a in arrays if len(a)]
    if not arrays:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    rows = np.concatenate(arrays)
    bins, inverse = np.unique(rows[:, 0], return_inverse=True)
    return bins, np.bincount(inverse, weights=rows[:, 1]).astype(np.int64)


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
