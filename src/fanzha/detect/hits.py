"""Detection inside the platform: a detector fed from the database's 涉诈 lists, and hits
about a known person turned into `detect.hit.created` (which the warning loop ingests).

The engine itself (engine.py and friends) stays free of the database and the web app.
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.core import clock, events
from fanzha.core.db import get_database
from fanzha.core.pii import PIIKind, blind_index, mask
from fanzha.core.rbac import Permission, Principal
from fanzha.detect.engine import Detector
from fanzha.detect.schemas import MAX_TEXT_CHARS, EntityKind, Verdict
from fanzha.people import service as people

# Risk lists change a few times a day; reloading them at most once a minute keeps
# detection off the database on the hot path.
RISKLIST_TTL_S = 60.0
_lock = threading.Lock()
_cached: tuple[float, Detector] | None = None


def detector() -> Detector:
    global _cached
    now = time.monotonic()
    cached = _cached
    if cached is not None and now - cached[0] < RISKLIST_TTL_S:
        return cached[1]
    with _lock:
        if _cached is not None and now - _cached[0] < RISKLIST_TTL_S:
            return _cached[1]
        from fanzha.risklists.service import load_detect_risklist

        with get_database().session() as session:
            risk_list = load_detect_risklist(session)
        _cached = (now, Detector(risk_list=risk_list))
        return _cached[1]


def invalidate() -> None:
    global _cached
    _cached = None


class HitIn(BaseModel):
    """A suspicious message a resident received, submitted by staff for a verdict."""

    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS)
    person_id: int | None = Field(default=None, ge=1)
    phone: str | None = Field(default=None, pattern=r"^(\+?86[- ]?)?1[3-9]\d{9}$",
                              description="收到该信息的群众手机号（用于关联人员）")
    received_at: str | None = Field(default=None, description="ISO 时间，缺省为现在")

    @model_validator(mode="after")
    def _someone(self) -> HitIn:
        if self.person_id is None and self.phone is None:
            raise ValueError("person_id or phone is required")
        return self


class HitOut(BaseModel):
    verdict: Verdict
    hit_id: str | None = Field(description="已生成预警线索时的编号")
    person_id: int | None


_COUNTERPART_KINDS = {
    EntityKind.MOBILE: ("phone", PIIKind.PHONE),
    EntityKind.LANDLINE: ("phone", PIIKind.PHONE),
    EntityKind.SERVICE_NUMBER: ("phone", PIIKind.PHONE),
    EntityKind.BANK_CARD: ("account", PIIKind.BANK_CARD),
}


def _counterpart(verdict: Verdict, own_phone: str | None) -> dict[str, Any]:
    for entity in verdict.entities:
        kind = EntityKind(entity.kind)
        if kind == EntityKind.URL:
            return {"counterpart_kind": "url", "counterpart_masked": entity.value,
                    "counterpart_hash": blind_index(PIIKind.NAME, entity.value)}
        if kind in _COUNTERPART_KINDS and entity.value != own_phone:
            label, pii_kind = _COUNTERPART_KINDS[kind]
            return {"counterpart_kind": label, "counterpart_masked": mask(pii_kind, entity.value),
                    "counterpart_hash": blind_index(pii_kind, entity.value)}
    return {}


def submit(session: Session, *, actor: Principal, data: HitIn) -> HitOut:
    """Judge the message; if it is fraud, emit `detect.hit.created` for the person it reached."""
    actor.require(Permission.DETECT_USE)
    actor.require(Permission.PERSON_READ)
    person = None
    if data.person_id is not None:
        person = people.get(session, actor=actor, person_id=data.person_id)
    elif data.phone is not None:
        found = people.find_by_phone(session, phone=data.phone)
        person = found if found is not None and actor.scope.contains(found.area_path) else None
    verdict = detector().detect(data.text)
    if not verdict.is_fraud:
        return HitOut(verdict=verdict, hit_id=None, person_id=person.id if person else None)
    hit_id = uuid.uuid4().hex
    phone_hash = blind_index(PIIKind.PHONE, data.phone) if data.phone else None
    payload: dict[str, Any] = {
        "hit_id": hit_id, "person_id": person.id if person else None, "phone_hash": phone_hash,
        "area_code": person.area_code if person else actor.area_code,
        "type_code": verdict.type_code, "type_name": verdict.type_name, "probability": verdict.probability,
        "channel": verdict.channel, "cues": [c.reason for c in verdict.cues[:10]],
        "occurred_at": data.received_at or clock.now().isoformat(),
        **_counterpart(verdict, data.phone),
    }
    events.emit(session, events.DETECT_HIT_CREATED, payload)
    audit.record(session, actor=actor, action="detect.hit", object_type="detect_hit", object_id=hit_id,
                 detail={"person_id": payload["person_id"], "type_code": verdict.type_code,
                         "probability": round(verdict.probability, 3)})
    return HitOut(verdict=verdict, hit_id=hit_id, person_id=payload["person_id"])
