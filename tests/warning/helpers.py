"""Builders for warning tests: signals as a source would send them."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from fanzha.core import clock
from fanzha.warning.schemas import SignalIn, WarningIn
from tests import logcapture

_n = itertools.count(1)


def warning_in(**overrides: Any) -> WarningIn:
    n = next(_n)
    data: dict[str, Any] = {
        "source": "telecom", "external_id": f"T-{n}", "occurred_at": clock.now() - timedelta(minutes=20),
        "counterpart_kind": "phone", "counterpart": f"1700000{n % 10000:04d}", "type_code": "F05",
        "contact_channel": "电话",
    }
    data.update(overrides)
    for key in ("phone", "counterpart"):
        logcapture.remember(data.get(key))
    return WarningIn.model_validate(data)


def signal(**overrides: Any) -> SignalIn:
    return warning_in(**overrides).to_signal()


def minutes_ago(m: float) -> datetime:
    return clock.now() - timedelta(minutes=m)
