"""Entity and fraud-type suggestions from a report's narrative, through the detection engine.

The officer confirms what goes into the case: a suggestion is never written as fact. This is the
one place cases meet `fanzha.detect`; the engine is loaded once per process.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import cache

from fanzha.cases.entities import EntityKind, parse
from fanzha.cases.schemas import SuggestedEntity, Suggestion
from fanzha.detect.engine import Detector
from fanzha.detect.risklist import RiskList
from fanzha.detect.schemas import EntityKind as DetectKind

# Detection's entity kinds → graph kinds; ID numbers and verification codes are not graph nodes.
KIND_MAP: dict[str, EntityKind] = {
    DetectKind.MOBILE: EntityKind.PHONE, DetectKind.LANDLINE: EntityKind.PHONE,
    DetectKind.SERVICE_NUMBER: EntityKind.PHONE, DetectKind.URL: EntityKind.URL,
    DetectKind.BANK_CARD: EntityKind.ACCOUNT, DetectKind.QQ: EntityKind.QQ, DetectKind.WECHAT: EntityKind.WECHAT,
    DetectKind.APP: EntityKind.APP, DetectKind.REMOTE_CONTROL: EntityKind.APP,
}  # fmt: skip


@cache
def _detector() -> Detector:
    return Detector()


def set_risk_list(risk_list: RiskList) -> None:
    """Let suggestions flag listed numbers (the risk-list loader calls this after changes)."""
    _detector().risk_list = risk_list


def _fen(yuan: str) -> int | None:
    try:
        return int(Decimal(yuan) * 100)
    except (InvalidOperation, ValueError):
        return None


def suggest(narrative: str) -> Suggestion:
    verdict = _detector().detect(narrative)
    entities: list[SuggestedEntity] = []
    amounts: list[int] = []
    seen: set[tuple[str, str]] = set()
    for e in verdict.entities:
        if e.kind == DetectKind.AMOUNT:
            if (fen := _fen(e.value)) is not None:
                amounts.append(fen)
            continue
        kind = KIND_MAP.get(e.kind)
        if kind is None:
            continue
        value = parse(kind, e.value)
        if (kind, value.key) in seen:
            continue
        seen.add((kind, value.key))
        entities.append(SuggestedEntity(kind=kind, value=e.value,
                                        masked=value.masked, valid=e.valid and value.valid,
                                        note=e.note or value.note, start=e.start, end=e.end,
                                        risk_listed=e.risk_listed))
    return Suggestion(
        type_code=verdict.type_code, type_name=verdict.type_name, probability=verdict.probability,
        channel=verdict.channel if verdict.channel != "未知" else None, entities=entities, amounts_fen=amounts,
        reasons=[c.reason for c in verdict.cues][:8], engine="fanzha.detect",
    )
