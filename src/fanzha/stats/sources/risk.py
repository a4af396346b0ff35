"""资金 (risk domain): freeze requests by when they were filed, scored transfers by when they
happened. A transfer counts where the payer lives when known (a town's residents), else at
the bank branch that handled it; banks hang off the county, so a town would otherwise never
see its residents' stopped transfers."""

from __future__ import annotations

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased

from fanzha.areas.models import Area
from fanzha.risk.models import STOPPED_ACTIONS, Decision, FreezeRequest, Transaction
from fanzha.stats.sources import Facts

STOPPED_DECISIONS = (Decision.HOLD.value, Decision.BLOCK.value)


def freezes() -> Facts:
    F = FreezeRequest
    return Facts(
        name="freezes", name_zh="止付冻结", table=F.__table__, area_path=F.area_path, at=F.requested_at,
        watch=((F, "requested_at", 0),),
        columns={"kind": F.kind, "status": F.status, "amount_requested_fen": F.amount_requested_fen,
                 "amount_frozen_fen": F.amount_done_fen, "source_type": F.source_type},
    )


def transactions() -> Facts:
    T = Transaction
    payer_area = aliased(Area, name="payer_area")
    return Facts(
        name="transactions", name_zh="资金交易",
        table=T.__table__.outerjoin(payer_area, payer_area.code == T.payer_area_code),
        area_path=func.coalesce(payer_area.path, T.area_path), at=T.occurred_at,
        watch=((T, "occurred_at", 0),),
        columns={"decision": T.decision, "amount_fen": T.amount_fen, "teller_action": T.teller_action,
                 "stopped": or_(T.decision.in_(STOPPED_DECISIONS),
                                T.teller_action.in_([a.value for a in STOPPED_ACTIONS]))},
    )
