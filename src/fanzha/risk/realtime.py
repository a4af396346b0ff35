"""The process's scorer for each database: velocity state rebuilt on start, kept current.

State is in memory. On first use it is rebuilt from the stored transfers of the last 90 days
(bounded: the 7-day windows need 7 days, "paid this payee before" looks back 90), so a restart
loses nothing that was committed. A transfer enters the state only after its row commits.
One process owns the state: run scoring in one worker, or partition payers across workers.
"""

from __future__ import annotations

import threading
import weakref
from datetime import timedelta
from typing import Any

import structlog
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from fanzha.core import clock
from fanzha.core.db import Database, get_database
from fanzha.risk.dsl import RuleSet
from fanzha.risk.engine import Scorer
from fanzha.risk.features import PAIR_HORIZON, Transfer, VelocityState
from fanzha.risk.scoring import DECISION_RANK
from fanzha.risk.watchlist import ListedAccounts

log = structlog.get_logger("fanzha.risk")
REBUILD_LIMIT = 2_000_000

# Keyed by the process's Database object (tests install a fresh one per test, even when they
# share a PostgreSQL engine), so a scorer never outlives the data it was built from.
_scorers: weakref.WeakKeyDictionary[Database, LiveScorer] = weakref.WeakKeyDictionary()
_build_lock = threading.Lock()


class LiveScorer(Scorer):
    def __init__(self, ruleset: RuleSet | None, state: VelocityState, listed: ListedAccounts) -> None:
        super().__init__(ruleset, state)
        self.lock = threading.Lock()
        self.listed = listed


def _engine(session: Session) -> Engine:
    bind = session.get_bind()
    return bind if isinstance(bind, Engine) else bind.engine


def scorer_for(session: Session, database: Database | None = None) -> LiveScorer:
    key = database or get_database()
    found = _scorers.get(key)
    if found is not None:
        return found
    with _build_lock:
        found = _scorers.get(key)
        if found is None:
            found = _build(session, _engine(session))
            _scorers[key] = found
    return found


def reset() -> None:
    """Forget the cached scorers: the next call rebuilds from the database."""
    _scorers.clear()


def discard(database: Database) -> None:
    """Forget one database's scorer (its state took transfers that did not commit): the next
    call rebuilds it from the committed rows."""
    with _build_lock:
        _scorers.pop(database, None)


def _build(session: Session, engine: Engine) -> LiveScorer:
    from fanzha.risk import rulesets
    from fanzha.risk.models import Transaction

    listed = ListedAccounts(engine)
    state = VelocityState(risk_list=listed)
    since = clock.now() - timedelta(seconds=PAIR_HORIZON)
    rows = session.execute(
        select(Transaction.external_id, Transaction.occurred_at, Transaction.amount_fen,
               Transaction.payer_account_hash, Transaction.payee_account_hash, Transaction.device_hash,
               Transaction.decision)
        .where(Transaction.occurred_at >= since).order_by(Transaction.occurred_at).limit(REBUILD_LIMIT)).all()
    for ext_id, at, amount, payer, payee, device, decision in rows:
        state.apply(Transfer(id=ext_id, at=clock.as_utc(at), amount_fen=amount, payer=payer, payee=payee,
                             device=device), flagged=DECISION_RANK.get(decision, 0) >= DECISION_RANK["hold"])
    scorer = LiveScorer(rulesets.active_ruleset(session), state, listed)
    log.info("risk_state_rebuilt", transfers=len(rows), ruleset=scorer.ruleset.label)
    return scorer


def apply_after_commit(session: Session, scorer: LiveScorer, transfer: Transfer, decision: str) -> None:
    session.info.setdefault("risk_pending", []).append((scorer, transfer, decision))


def current_ruleset(session: Session) -> RuleSet:
    """The rule set transfers are decided with: the live scorer's, else the published one (no state
    is rebuilt just for it: with a scoring process, this process keeps none)."""
    found = _scorers.get(get_database())
    if found is not None:
        return found.ruleset
    from fanzha.risk import rulesets

    return rulesets.active_ruleset(session)


def use_ruleset_after_commit(session: Session, ruleset: RuleSet) -> None:
    session.info.setdefault("risk_rulesets", []).append((get_database(), ruleset))


@event.listens_for(Session, "after_commit")
def _apply_committed(session: Session) -> None:
    pending: list[tuple[LiveScorer, Transfer, str]] = session.info.pop("risk_pending", [])
    for scorer, transfer, decision in pending:
        with scorer.lock:
            scorer.state.apply(transfer, flagged=DECISION_RANK[decision] >= DECISION_RANK["hold"])
    swaps: list[tuple[Database, RuleSet]] = session.info.pop("risk_rulesets", [])
    for key, ruleset in swaps:
        live = _scorers.get(key)
        if live is not None:
            live.ruleset = ruleset
    if swaps:
        from fanzha.risk import scorer_process

        process = scorer_process.running()
        if process is not None:
            process.rules_changed()


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Session) -> None:
    session.info.pop("risk_pending", None)
    session.info.pop("risk_rulesets", None)


def warm(stop: threading.Event) -> None:
    """Background job (web/server.py BACKGROUND_JOBS): build the scorer at start-up. The scoring
    API decides on the event loop, so a first request that had to rebuild 90 days of state would
    hold up every other request meanwhile."""
    from fanzha.core.db import session_scope
    from fanzha.risk import scorer_process

    if scorer_process.running() is not None:  # the scoring process keeps the state
        return
    try:
        with session_scope() as session:
            scorer_for(session)
    except Exception as exc:  # the first request will try again
        log.warning("risk_state_warm_failed", error=repr(exc))


def describe(session: Session) -> dict[str, Any]:
    live = scorer_for(session)
    return {"transfers_in_state": len(live.state), "ruleset": live.ruleset.label}
