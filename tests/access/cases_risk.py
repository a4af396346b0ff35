"""Bank line routes (risk): scoring, counter checklist, 止付/冻结, rule versions."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from fanzha.core import clock
from fanzha.core.rbac import Principal
from tests.access.registry import Call, RouteCase, roles
from tests.factories import World
from tests.risk.builders import card, transfer

SYSTEM = Principal.system("access-matrix")
_n = itertools.count(1)
SCORERS = roles("analyst", "teller")
FREEZE_READERS = roles("admin", "analyst", "leader", "officer", "officer_other", "teller")
FREEZE_WRITERS = roles("analyst", "officer", "officer_other", "teller")


def new_transfer(area: str) -> Callable[[World], Call]:
    def build(world: World) -> Call:
        return Call(json=transfer(clock.now(), id=f"AM{area}{next(_n)}", bank_area_code=area))
    return build


def transaction_in(area: str) -> Callable[[World], Call]:
    def build(world: World) -> Call:
        from fanzha.risk import service
        from fanzha.risk.schemas import TransactionIn

        body = transfer(clock.now(), id=f"AMX{area}{next(_n)}", bank_area_code=area, screen_sharing=True)
        with world.database.session() as s:
            tx, _ = service.score(s, actor=SYSTEM, data=TransactionIn.model_validate(body))
            tx_id = tx.id
        return Call(params={"transaction_id": tx_id},
                    json={"answers": {"purpose": "family", "relation": "relative", "who_asked": "self",
                                      "on_call": "no", "returns": "no", "secrecy": "no"}})
    return build


def resolving(area: str) -> Callable[[World], Call]:
    def build(world: World) -> Call:
        return Call(params=transaction_in(area)(world).params, json={"action": "cancelled", "note": "客户取消"})
    return build


def new_freeze(area: str) -> Callable[[World], Call]:
    def build(world: World) -> Call:
        return Call(json={"kind": "冻结", "source_type": "case", "source_id": f"A{next(_n)}", "account": card("623668"),
                          "amount_fen": 1_000_000, "reason": "案件涉案账户", "area_code": area})
    return build


def freeze_in(area: str, body: dict[str, object] | None = None) -> Callable[[World], Call]:
    def build(world: World) -> Call:
        from fanzha.risk import freeze
        from fanzha.risk.schemas import FreezeIn

        with world.database.session() as s:
            row = freeze.create(s, actor=SYSTEM, data=FreezeIn.model_validate(new_freeze(area)(world).json))
            row_id = row.id
        return Call(params={"freeze_id": row_id}, json=body)
    return build


def ruleset(backtested: bool) -> Callable[[World], Call]:
    def build(world: World) -> Call:
        from fanzha.risk import rulesets

        with world.database.session() as s:
            row = rulesets.create_draft(s, actor=SYSTEM, title=f"矩阵{next(_n)}", source=rulesets.default_source())
            if backtested:
                rulesets.run_backtest(s, actor=SYSTEM, ruleset_id=row.id)
            row_id = row.id
        return Call(params={"ruleset_id": row_id})
    return build


CASES = [
    RouteCase("POST", "/api/v1/risk/transactions", SCORERS, t1=new_transfer("T1"), t2=new_transfer("T2")),
    RouteCase("GET", "/api/v1/risk/transactions", SCORERS),
    RouteCase("GET", "/api/v1/risk/transactions/{transaction_id}", SCORERS, t1=transaction_in("T1"),
              t2=transaction_in("T2")),
    RouteCase("GET", "/api/v1/risk/checklist", SCORERS),
    RouteCase("POST", "/api/v1/risk/transactions/{transaction_id}/checklist", roles("teller"),
              t1=transaction_in("T1"), t2=transaction_in("T2")),
    RouteCase("POST", "/api/v1/risk/transactions/{transaction_id}/resolve", roles("teller"),
              t1=resolving("T1"), t2=resolving("T2")),
    RouteCase("POST", "/api/v1/risk/freezes", FREEZE_WRITERS, t1=new_freeze("T1"), t2=new_freeze("T2")),
    RouteCase("GET", "/api/v1/risk/freezes", FREEZE_READERS),
    RouteCase("GET", "/api/v1/risk/freezes/{freeze_id}", FREEZE_READERS, t1=freeze_in("T1"), t2=freeze_in("T2")),
    RouteCase("POST", "/api/v1/risk/freezes/{freeze_id}/result", FREEZE_WRITERS,
              t1=freeze_in("T1", {"status": "executed", "amount_done_fen": 500_000}),
              t2=freeze_in("T2", {"status": "executed", "amount_done_fen": 500_000})),
    RouteCase("GET", "/api/v1/risk/loss-averted", FREEZE_READERS),
    RouteCase("GET", "/api/v1/risk/rulesets", roles("admin", "analyst", "teller")),
    RouteCase("POST", "/api/v1/risk/rulesets", roles("admin"),
              t1=lambda w: Call(json={"title": f"新版本{next(_n)}", "source": _source()})),
    RouteCase("POST", "/api/v1/risk/rulesets/{ruleset_id}/backtest", roles("admin"), t1=ruleset(False)),
    RouteCase("POST", "/api/v1/risk/rulesets/{ruleset_id}/publish", roles("admin"), t1=ruleset(True)),
]


def _source() -> str:
    from fanzha.risk.rulesets import default_source

    return default_source()
