"""Generated reports: every number in the Word text comes from the indicator engine; an
area or period without data yields a report that says so."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fanzha.areas import service as areas
from fanzha.core.clock import FrozenClock, set_clock
from fanzha.core.db import Database
from fanzha.core.rbac import Principal
from fanzha.reports import phrasing as say
from fanzha.reports.data import KEY_CODES, ReportKind
from fanzha.reports.service import generate
from fanzha.stats.engine import Engine
from fanzha.stats.indicators import BREAKDOWNS, BY_CODE, Unit
from fanzha.stats.periods import Period
from tests.stats.builders import seed_march

SYSTEM = Principal.system("test")
NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _docx_text(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for p in document.paragraphs)


def _formats(code: str, value: float | None) -> set[str]:
    if value is None:
        return set()
    unit = BY_CODE[code].unit if code in BY_CODE else Unit.COUNT
    text = {Unit.FEN: say.money, Unit.RATE: say.pct, Unit.PER_10K: say.per_10k,
            Unit.MINUTES: say.minutes}.get(unit, say.count)(value)  # type: ignore[operator]
    return set(NUMBER.findall(text))


def _engine_numbers(session: Session, area_code: str, period: Period) -> set[str]:
    """Every number the report may state, recomputed from the engine independently of the report."""
    engine = Engine(session)
    area = areas.get(session, code=area_code)
    allowed: set[str] = set()
    figures = engine.figures(area, period, KEY_CODES)
    for code, f in figures.items():
        for v in (f.value, f.previous, f.year_ago):
            allowed |= _formats(code, v)
        for base in (f.previous, f.year_ago):
            if f.value is not None and base:
                allowed.add(f"{abs(f.value - base) / base * 100:.1f}")
    kids, values = engine.children(area, period)
    for kid in kids:
        for code, v in values[kid.code].items():
            allowed |= _formats(code, v)
    for spec in BREAKDOWNS:
        for s in engine.breakdown(area, period, spec.code) or []:
            allowed |= {str(s.value)} | set(NUMBER.findall(s.label))
    base = period.year_ago()
    for s in engine.breakdown(area, base, "cases_by_type") or []:
        allowed.add(str(s.value))
    repeat = engine.repeat_subjects(area, period, source="cases", column="victim_person_id")
    if repeat:
        allowed.add(str(repeat))
    return allowed


@pytest.fixture
def march(database: Database) -> Database:
    with database.session() as session:
        seed_march(session)
    set_clock(FrozenClock(datetime(2026, 4, 3, 2, 0, tzinfo=UTC)))
    return database


def test_every_number_in_the_monthly_report_comes_from_the_engine(march: Database, tmp_path: Path) -> None:
    with march.session() as session:
        result = generate(session, actor=SYSTEM, area_code="C", kind=ReportKind.MONTHLY, period="2026-03",
                          out_dir=tmp_path)
        allowed = _engine_numbers(session, "C", Period.parse("2026-03"))
    text = _docx_text(result.docx)
    body = text.split("\n", 2)[2]  # title and the issuing line carry the dates
    body = re.sub(r"附表\d|\d{4}年(\d{1,2}月)?", "", body)  # annex numbers and the period's own date
    stated = NUMBER.findall(body)
    assert stated, "the report states figures"
    unexplained = sorted(set(stated) - allowed)
    assert not unexplained, f"numbers not produced by the engine: {unexplained}"
    # And the headline figures say what the engine says.
    assert "共接报电信网络诈骗案件3起，环比无可比数据" not in text
    assert "共接报电信网络诈骗案件3起" in text and "同比上升200.0%" in text
    assert "群众损失9.00万元" in text
    assert "处置时限达标率66.7%" in text


def test_monthly_report_follows_the_summary_structure(march: Database, tmp_path: Path) -> None:
    with march.session() as session:
        result = generate(session, actor=SYSTEM, area_code="C", kind=ReportKind.MONTHLY, period="2026-03",
                          out_dir=tmp_path)
    text = _docx_text(result.docx)
    assert text.startswith("测试县2026年3月反电信网络诈骗工作情况")
    positions = [text.index(h) for h in ("一、工作成效", "二、主要做法", "三、存在问题", "四、下一步工作")]
    assert positions == sorted(positions)
    practices = text[positions[1]:positions[2]]
    assert "一是" in practices and "二是" in practices
    problems = text[positions[2]:positions[3]]
    steps = text[positions[3]:]
    assert "时限达标率为66.7%" in problems and "重复被骗" in problems
    # One action per problem.
    numbered = re.compile(r"（[一二三四五六七八九十]+）")
    assert len(numbered.findall(problems)) == len(numbered.findall(steps.split("附表")[0])) >= 3


def test_docx_is_set_in_gongwen_fonts_with_page_numbers(march: Database, tmp_path: Path) -> None:
    with march.session() as session:
        result = generate(session, actor=SYSTEM, area_code="C", kind=ReportKind.MONTHLY, period="2026-03",
                          out_dir=tmp_path)
    document = docx.Document(str(result.docx))
    title = document.paragraphs[0].runs[0]
    assert title.font.size.pt == 22
    assert title._element.rPr.rFonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") \
        == "方正小标宋简体"
    body = next(p for p in document.paragraphs if p.text.startswith("现将"))
    assert body.runs[0].font.size.pt == 16
    assert "PAGE" in document.sections[0].footer._element.xml
    assert document.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)


def test_pdf_and_html_editions_carry_the_text_and_charts(march: Database, tmp_path: Path) -> None:
    with march.session() as session:
        result = generate(session, actor=SYSTEM, area_code="C", kind=ReportKind.ANNUAL, period="2026",
                          out_dir=tmp_path)
    pdf_text = subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    assert "工作成效" in pdf_text and "下一步工作" in pdf_text
    # 公文 line breaking: no line opens with a full-width comma, enumeration comma, full stop…
    starts = [line.lstrip()[:1] for line in pdf_text.splitlines() if line.strip()]
    assert not [c for c in starts if c in "，、。；：）》”！？％"]
    html = result.html.read_text(encoding="utf-8")
    assert "echarts.min.js" in html and 'id="chart-trend"' in html and 'id="chart-colours"' in html
    assert (tmp_path / "echarts.min.js").exists()


def test_a_period_without_data_says_so_instead_of_reporting_zeros(march: Database, tmp_path: Path) -> None:
    with march.session() as session:
        result = generate(session, actor=SYSTEM, area_code="T2", kind=ReportKind.ANNUAL, period="2019",
                          out_dir=tmp_path)
    text = _docx_text(result.docx)
    assert "均无记录（无数据）" in text
    assert "本期案件数据无数据" in text
    assert "0起" not in text and "0条" not in text


def test_cli_writes_docx_pdf_and_html(march: Database, tmp_path: Path) -> None:
    from fanzha.cli import _mount_subcommands, app

    _mount_subcommands()
    folder = tmp_path / "out"
    out = CliRunner().invoke(app, ["report", "monthly", "--area", "C", "--month", "2026-03", "--out", str(folder)])
    assert out.exit_code == 0, out.output
    assert sorted(p.suffix for p in folder.glob("C-2026-03-*")) == [".docx", ".html", ".pdf"]


@pytest.mark.parametrize(("args", "message"), [
    (["annual", "--area", "C", "--year", "26"], "无法识别的统计周期"),
    (["monthly", "--area", "NOPE", "--month", "2026-03"], "辖区"),
])
def test_cli_rejects_bad_input_with_a_message(march: Database, tmp_path: Path, args: list[str], message: str) -> None:
    from fanzha.cli import _mount_subcommands, app
    from fanzha.core.errors import FanzhaError

    _mount_subcommands()
    out = CliRunner().invoke(app, ["report", *args, "--out", str(tmp_path / "out")])
    assert out.exit_code != 0
    assert isinstance(out.exception, FanzhaError) and message in out.exception.message_zh
    assert not (tmp_path / "out").exists()
