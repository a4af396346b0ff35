"""Jurisdiction tree import: row-level errors, nothing half-imported."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fanzha.areas import service as areas
from fanzha.areas.models import Area
from fanzha.core.errors import ImportRejected
from fanzha.core.scope import Scope

GOOD_CSV = """code,name,level,parent_code,population
C,测试县,county,,400000
T1,城关镇,town,C,30000
V1,东风村,village,T1,3000
G1,东风村第1网格,grid,V1,1500
B1,农商银行营业部,bank,C,0
"""


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Area)) or 0


def test_csv_import_builds_paths_so_a_subtree_is_one_prefix(session: Session) -> None:
    report = areas.import_rows(session, areas.parse_csv(GOOD_CSV))
    assert (report.created, report.updated) == (5, 0)
    assert areas.get(session, code="G1").path == "/C/T1/V1/G1/"
    assert areas.subtree_codes(session, code="T1") == ["T1", "V1", "G1"]
    assert [a.code for a in areas.ancestors(session, code="G1")] == ["C", "T1", "V1", "G1"]


@pytest.mark.parametrize(
    ("rows", "line", "field", "message"),
    [
        ("X1,某村,village,NOPE,0", 3, "parent_code", "上级辖区 NOPE 不存在"),
        ("T1,重复镇,town,C,0", 3, "code", "编码 T1 与第 2 行重复"),
        ("V9,某村,village,C,0", 3, "level", "村社不能挂在县/区之下"),
        ("G9,网格,grid,,0", 3, "parent_code", "网格必须有上级辖区"),
        ("Z9,某镇,planet,C,0", 3, "level", "字段 level 无效"),
        ("Z8,某镇,town,C,-5", 3, "population", "字段 population 无效"),
    ],
)
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_written(
    session: Session, rows: str, line: int, field: str, message: str
) -> None:
    text = "code,name,level,parent_code,population\nT1,城关镇,town,C,0\n" + rows + "\n"
    areas.import_rows(session, [{"code": "C", "name": "测试县", "level": "county", "parent_code": None}])
    before = count(session)
    with pytest.raises(ImportRejected) as exc:
        areas.import_rows(session, areas.parse_csv(text))
    err = exc.value.rows[0]
    assert (err["row"], err["field"]) == (line, field)
    assert err["message_zh"].startswith(message)
    assert count(session) == before


def test_a_parent_cycle_is_rejected(session: Session) -> None:
    areas.import_rows(session, areas.parse_csv(GOOD_CSV))
    cyclic = "code,name,level,parent_code\nT1,城关镇,town,C\nV1,东风村,village,T1\n"
    areas.import_rows(session, areas.parse_csv(cyclic))  # a valid re-import updates in place
    with pytest.raises(ImportRejected) as exc:
        areas.import_rows(session, [{"code": "C", "name": "测试县", "level": "county", "parent_code": "G1"}])
    assert any("环" in r["message_zh"] or "不能挂在" in r["message_zh"] for r in exc.value.rows)
    assert areas.get(session, code="C").parent_code is None


def test_a_csv_without_required_headers_is_rejected_before_any_row(session: Session) -> None:
    with pytest.raises(ImportRejected) as exc:
        areas.parse_csv("编码,名称\nC,测试县\n")
    assert "缺少表头" in exc.value.rows[0]["message_zh"]


def test_yaml_import_and_syntax_errors(session: Session) -> None:
    areas.import_rows(session, areas.parse_yaml("areas:\n  - {code: C, name: 测试县, level: county}\n"))
    assert count(session) == 1
    with pytest.raises(ImportRejected):
        areas.parse_yaml("areas: [\n")


def test_a_scope_hides_areas_outside_the_callers_subtree(session: Session) -> None:
    areas.import_rows(session, areas.parse_csv(GOOD_CSV + "T2,河口镇,town,C,0\n"))
    t1 = Scope(path=areas.get(session, code="T1").path)
    assert [a.code for a in areas.list_areas(session, scope=t1)] == ["T1", "V1", "G1"]
    with pytest.raises(Exception, match="not found"):
        areas.get(session, code="T2", scope=t1)
