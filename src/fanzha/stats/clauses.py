"""SQL clauses over a source's rows: which periods and which jurisdiction nodes they fall in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal, or_

from fanzha.areas.models import Area
from fanzha.stats.periods import Period
from fanzha.stats.sources import Facts


def bounds(facts: Facts, period: Period) -> tuple[Any, Any]:
    """Local dates for date columns, UTC instants for timestamps."""
    return (period.start, period.end) if facts.at_is_date else period.utc_bounds()


def in_periods(facts: Facts, periods: Sequence[Period]) -> list[ColumnElement[bool]]:
    if facts.at is None:
        return []
    at = facts.at
    return [or_(*[and_(at >= lo, at < hi) for lo, hi in (bounds(facts, p) for p in periods)])]


def bucket(facts: Facts, periods: Sequence[Period]) -> ColumnElement[Any]:
    """Which of the (disjoint) periods a row falls in, as the period's key."""
    if facts.at is None or len(periods) == 1:
        return literal(periods[0].key)
    at = facts.at
    return case(*[(and_(at >= lo, at < hi), literal(p.key))
                  for p, (lo, hi) in ((p, bounds(facts, p)) for p in periods)], else_=None)


def node_key(facts: Facts, nodes: Sequence[Area]) -> ColumnElement[Any]:
    """Which of the (disjoint) nodes' subtrees a row belongs to, as the node's code."""
    if len(nodes) == 1:
        return literal(nodes[0].code)
    return case(*[(facts.area_path.startswith(n.path, autoescape=True), literal(n.code)) for n in nodes],
                else_=None)


def in_nodes(facts: Facts, nodes: Sequence[Area]) -> ColumnElement[bool]:
    return or_(*[facts.area_path.startswith(n.path, autoescape=True) for n in nodes])
