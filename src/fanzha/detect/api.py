"""HTTP routes of the detection engine: POST /api/v1/detect and the public self-check.

Plain FastAPI with no auth dependency: the web app attaches dependencies (auth, rate limits) when it
includes the routers, e.g. ``app.include_router(router, dependencies=[...])`` and
``app.include_router(public_router, dependencies=[rate_limit])``.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import APIRouter, Depends

from fanzha.detect.engine import Detector
from fanzha.detect.schemas import DetectRequest, DetectResponse, SelfCheckRequest, SelfCheckResult
from fanzha.detect.selfcheck import self_check


@cache
def _default_detector() -> Detector:
    return Detector()


def get_detector() -> Detector:
    """Dependency the web app can override (app.dependency_overrides) to inject risk lists."""
    return _default_detector()


DetectorDep = Annotated[Detector, Depends(get_detector)]

router = APIRouter(prefix="/api/v1/detect", tags=["detect"])
public_router = APIRouter(prefix="/api/v1/detect", tags=["detect-public"])


@router.post("", response_model=DetectResponse, summary="检测一条或一批（最多1000条）文本")
def detect(request: DetectRequest, detector: DetectorDep) -> DetectResponse:
    if request.text is not None:
        return DetectResponse(verdicts=[detector.detect(request.text)])
    texts = request.texts or []
    ids = list(request.ids) if request.ids is not None else None
    return DetectResponse(verdicts=detector.detect_batch(list(texts), ids=ids))


@public_router.post("/self-check", response_model=SelfCheckResult, summary="群众自查：短信、号码、链接或账号")
def public_self_check(request: SelfCheckRequest, detector: DetectorDep) -> SelfCheckResult:
    return self_check(detector, request.value, request.kind)
