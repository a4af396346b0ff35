"""Builders for bank-transfer test data: valid card numbers, request bodies."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from fanzha.sim.fraud import luhn_complete
from tests import logcapture

_n = itertools.count(1)


def card(prefix: str = "621226", n: int | None = None) -> str:
    number = luhn_complete(prefix + f"{(n if n is not None else next(_n)) % 10**12:012d}")
    logcapture.remember(number)
    return number


def transfer(at: datetime, *, amount_fen: int = 50_000, payer: str | None = None, payee: str | None = None,
             id: str | None = None, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": id or f"T{next(_n):08d}", "occurred_at": at.isoformat(), "amount_fen": amount_fen,
        "currency": "CNY", "channel": "counter", "payer": {"account": payer or card()},
        "payee_account": payee or card("622848"), "bank_area_code": "B1",
    }
    payer_extra = overrides.pop("payer_extra", None)
    if payer_extra:
        body["payer"].update(payer_extra)
    body.update(overrides)
    return body


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
