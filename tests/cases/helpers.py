"""Builders for case tests: reports with realistic 案情要素, written through the service."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from fanzha.cases import service
from fanzha.cases.models import Case
from fanzha.cases.schemas import CaseCreate
from fanzha.detect.checksums import luhn_valid
from tests import logcapture
from tests.factories import SYSTEM

_seq = itertools.count(1)


def card(n: int) -> str:
    """A Luhn-valid 16-digit card number derived from n."""
    prefix = f"622202{n % 10**9:09d}"
    for d in "0123456789":
        if luhn_valid(prefix + d):
            return prefix + d
    raise AssertionError


def scam_phone(n: int) -> str:
    return f"170{n % 10**8:08d}"


def report(area_code: str = "G111", **overrides: Any) -> CaseCreate:
    n = next(_seq)
    data: dict[str, Any] = {"area_code": area_code, "victim_name": "李秀兰", "victim_phone": f"1380000{n:04d}",
                            "loss_fen": 5_000_000, "type_code": "F02", "channel": "社交/即时通讯"}
    data.update(overrides)
    logcapture.remember(data.get("victim_phone"), *data.get("phones", []), *data.get("accounts", []))
    return CaseCreate(**data)


def make_case(session: Session, area_code: str = "G111", **overrides: Any) -> Case:
    result = service.create(session, actor=SYSTEM, data=report(area_code, **overrides))
    session.flush()
    return result.case
