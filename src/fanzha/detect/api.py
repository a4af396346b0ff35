"""HTTP routes of the detection engine.

- `POST /api/v1/detect`: one text or a batch of up to 1,000 (staff with detect.use);
- `POST /api/v1/detect/hits`: a message a resident received → verdict, and a warning lead if fraud;
- `POST /api/v1/detect/self-check`: the public, rate-limited citizen self-check (text, number, link, account).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from fanzha.core.deps import CurrentUser, RequirePermission, SessionDep
from fanzha.core.rbac import Permission
from fanzha.detect import hits
from fanzha.detect.engine import Detector
from fanzha.detect.schemas import DetectRequest, DetectResponse, SelfCheckRequest, SelfCheckResult
from fanzha.detect.selfcheck import self_check
from fanzha.web.ratelimit import PublicRateLimit


def get_detector() -> Detector:
    """The platform's detector, with the database's 涉诈 lists loaded (refreshed every minute)."""
    return hits.detector()


DetectorDep = Annotated[Detector, Depends(get_detector)]

router = APIRouter(prefix="/api/v1/detect", tags=["detect"])
public_router = APIRouter(prefix="/api/v1/detect", tags=["detect-public"])


@router.post("", response_model=DetectResponse, summary="检测一条或一批（最多1000条）文本",
             dependencies=[Depends(RequirePermission(Permission.DETECT_USE))])
def detect(request: DetectRequest, detector: DetectorDep) -> DetectResponse:
    if request.text is not None:
        return DetectResponse(verdicts=[detector.detect(request.text)])
    texts = request.texts or []
    ids = list(request.ids) if request.ids is not None else None
    return DetectResponse(verdicts=detector.detect_batch(list(texts), ids=ids))


@router.post("/hits", response_model=hits.HitOut, summary="群众收到的可疑信息：研判并生成预警线索",
             dependencies=[Depends(RequirePermission(Permission.DETECT_USE, Permission.PERSON_READ))])
def submit_hit(body: hits.HitIn, user: CurrentUser, session: SessionDep) -> hits.HitOut:
    return hits.submit(session, actor=user, data=body)


@public_router.post("/self-check", response_model=SelfCheckResult, summary="群众自查：短信、号码、链接或账号")
def public_self_check(request: SelfCheckRequest, detector: DetectorDep, _limit: PublicRateLimit) -> SelfCheckResult:
    return self_check(detector, request.value, request.kind)
