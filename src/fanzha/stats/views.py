"""The dashboard 大屏 page, and report downloads from it."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy import select

from fanzha.areas.models import Area
from fanzha.core import clock
from fanzha.core.deps import CurrentUser, SessionDep
from fanzha.core.errors import Invalid
from fanzha.core.rbac import Permission
from fanzha.stats import service
from fanzha.stats.dashboard import cached_dashboard
from fanzha.stats.indicators import BY_CODE
from fanzha.stats.periods import Period, PeriodKind, current
from fanzha.stats.ratings import COLOUR_CSS, Colour
from fanzha.web.pages import page

router = APIRouter(include_in_schema=False)

MEDIA = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def _period_choices(today: Period) -> list[tuple[str, str]]:
    months = [today.shift(-i) for i in range(12)]
    year = Period.containing(PeriodKind.YEAR, today.start)
    quarter = Period.containing(PeriodKind.QUARTER, today.start)
    extra = [quarter, quarter.previous(), year, year.previous()]
    return [(p.key, p.label_zh) for p in months + extra]


def _area_choices(session: SessionDep, user: CurrentUser, selected: Area) -> list[Area]:
    """The caller's own area, the county/town levels under it, and the selected area's children."""
    root = service.area_for(session, actor=user, code=None)
    rows = session.scalars(select(Area).where(
        Area.path.startswith(root.path, autoescape=True),
        (Area.level.in_(("city", "county", "town"))) | (Area.parent_code == selected.code) | (Area.code == root.code),
        Area.level != "bank").order_by(Area.path)).all()
    return list(rows)


@router.get("/stats/dashboard", response_class=HTMLResponse)
def dashboard_page(request: Request, user: CurrentUser, session: SessionDep,
                   area: Annotated[str | None, Query()] = None,
                   period: Annotated[str | None, Query()] = None) -> HTMLResponse:
    user.require(Permission.STATS_READ)
    node = service.area_for(session, actor=user, code=area or None)
    this_month = current(PeriodKind.MONTH, clock.now())
    error: str | None = None
    try:
        p = Period.parse(period) if period else this_month
    except Invalid as exc:
        p, error = this_month, exc.message_zh
    data = cached_dashboard(session, node, p)
    figures = {f.code: f for f in data.indicators.figures}
    return page(request, user, "stats/dashboard.html", {
        "area": node, "period": p, "data": data, "figures": figures,
        "units": {c: i.unit.value for c, i in BY_CODE.items()},
        "areas": _area_choices(session, user, node), "periods": _period_choices(this_month), "error": error,
        "colour_css": {c.value: COLOUR_CSS[c] for c in Colour}, "payload": data.model_dump_json(),
        "can_report": user.can(Permission.REPORT_GENERATE),
    })


@router.get("/stats/report")
def download_report(user: CurrentUser, session: SessionDep, area: str, kind: str, period: str,
                    format: str = "docx") -> Response:
    """Generates the 工作总结 (year) or 月报 (month) for an area and returns one edition."""
    from fanzha.reports.data import ReportKind
    from fanzha.reports.service import generate

    if kind not in ("annual", "monthly") or format not in MEDIA:
        raise Invalid("报告类型或格式无效", "kind must be annual/monthly and format docx/pdf/html")
    out = Path(tempfile.mkdtemp(prefix="fanzha-report-"))
    result = generate(session, actor=user, area_code=area, kind=ReportKind(kind), period=period, out_dir=out)
    if format == "html":  # shown in the browser, with the site's own ECharts
        from fanzha.reports.html import render

        return HTMLResponse(render(result.document, echarts_src="/static/echarts.min.js"))
    path = {"docx": result.docx, "pdf": result.pdf}[format]
    return FileResponse(path, media_type=MEDIA[format], filename=path.name)
