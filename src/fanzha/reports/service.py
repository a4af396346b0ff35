"""Generates a 工作总结 / 月报 in three editions from one composed document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.audit import service as audit
from fanzha.core.rbac import Permission, Principal
from fanzha.reports import docx, html, pdf
from fanzha.reports.compose import compose
from fanzha.reports.data import ReportData, ReportKind, gather, parse_period
from fanzha.reports.document import Document


@dataclass(frozen=True)
class Generated:
    data: ReportData
    document: Document
    docx: Path
    pdf: Path
    html: Path


def build(session: Session, *, actor: Principal, area_code: str, kind: ReportKind, period: str) -> tuple[
        ReportData, Document]:
    actor.require(Permission.REPORT_GENERATE)
    area = areas.get(session, code=area_code, scope=actor.scope)
    data = gather(session, area=area, period=parse_period(kind, period), kind=kind)
    return data, compose(data)


def generate(session: Session, *, actor: Principal, area_code: str, kind: ReportKind, period: str,
             out_dir: Path) -> Generated:
    data, document = build(session, actor=actor, area_code=area_code, kind=kind, period=period)
    stem = f"{data.area.code}-{data.period.key}-{'年度工作总结' if kind is ReportKind.ANNUAL else '月报'}"
    generated = Generated(data, document, docx.write(document, out_dir / f"{stem}.docx"),
                          pdf.write(document, out_dir / f"{stem}.pdf"), html.write(document, out_dir / f"{stem}.html"))
    audit.record(session, actor=actor, action="report.generate", object_type="report", object_id=stem,
                 detail={"kind": kind.value, "area": data.area.code, "period": data.period.key})
    return generated
