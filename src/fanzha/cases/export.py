"""A case's 案情要素 sheet as .docx: what an investigator prints for the file or a 串并案 meeting.
Personal numbers appear masked, as everywhere else."""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.shared import Pt
from sqlalchemy.orm import Session

from fanzha.audit import service as audit
from fanzha.cases import service
from fanzha.cases.linking import related
from fanzha.cases.models import SOURCE_NAMES_ZH
from fanzha.core.clock import local
from fanzha.core.rbac import Principal


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f} 元"


def _grid(doc: DocxDocument, headers: tuple[str, ...]) -> Any:  # python-docx's Table is partly untyped
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    return table


def case_sheet(session: Session, *, actor: Principal, case_id: int) -> tuple[str, bytes]:
    """(file name, docx bytes)."""
    case = service.get(session, actor=actor, case_id=case_id)
    out = service.to_out(session, case)
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading(f"电信网络诈骗案件要素表（{out.case_no}）", level=1)
    source = SOURCE_NAMES_ZH.get(out.source, out.source)  # type: ignore[call-overload]
    rows = [
        ("案件编号", out.case_no), ("案件状态", out.status), ("报案来源", source),
        ("报案时间", f"{local(out.reported_at):%Y-%m-%d %H:%M}"),
        ("发案时间", f"{local(out.occurred_at):%Y-%m-%d %H:%M}" if out.occurred_at else "不详"),
        ("所属辖区", out.area_code), ("诈骗类型", f"{out.type_code or ''} {out.type_name or '待确认'}"),
        ("接触渠道", out.channel or "不详"),
        ("受害人", f"{out.victim_name_masked or '不详'} {out.victim_phone_masked or ''}"),
        ("损失金额", _yuan(out.loss_fen)), ("挽回金额", _yuan(out.recovered_fen)), ("报案次数", str(out.report_count)),
    ]  # fmt: skip
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_heading("转账记录", level=2)
    if out.transfers:
        t = _grid(doc, ("时间", "金额", "收款账户", "方式"))
        for tr in out.transfers:
            cells = t.add_row().cells
            cells[0].text = f"{local(tr.at):%Y-%m-%d %H:%M}" if tr.at else "不详"
            cells[1].text, cells[2].text = _yuan(tr.amount_fen), tr.to_masked + ("" if tr.to_valid else "（存疑）")
            cells[3].text = tr.method or ""
    else:
        doc.add_paragraph("无")
    doc.add_heading("涉案要素", level=2)
    t = _grid(doc, ("类型", "值（脱敏）", "角色", "说明"))
    for e in out.entities:
        cells = t.add_row().cells
        notes = [f"格式存疑：{e.note}"] if not e.valid else []
        notes += ["已列入涉诈名单"] if e.risk_listed else []
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = e.kind_name, e.masked, e.role, "；".join(notes)
    if out.scripts:
        doc.add_heading("诈骗话术", level=2)
        for s in out.scripts:
            doc.add_paragraph(s, style="List Bullet")
    doc.add_heading("简要案情", level=2)
    doc.add_paragraph(out.narrative or "无")
    rel = related(session, actor=actor, case_id=case_id, limit=10)
    doc.add_heading("串并案线索", level=2)
    if rel.related:
        for r in rel.related:
            doc.add_paragraph(f"{r.case_no}（关联度 {r.score:.2f}）：" + "；".join(r.shared), style="List Bullet")
    else:
        doc.add_paragraph("暂无")
    if rel.outside_scope:
        doc.add_paragraph(f"另有 {rel.outside_scope} 起辖区外关联案件，请联系县反诈中心。")
    buf = io.BytesIO()
    doc.save(buf)
    audit.record(session, actor=actor, action="case.export", object_type="case", object_id=case.id)
    return f"{out.case_no}-要素表.docx", buf.getvalue()
