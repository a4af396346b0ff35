"""File import with a row-level report, and the simulator extension."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fanzha.core import clock
from fanzha.core.clock import FrozenClock
from fanzha.core.db import Database
from fanzha.warning.cli import app
from fanzha.warning.models import WarningInstruction
from tests.factories import make_person, make_tree


@pytest.fixture(autouse=True)
def _harness_owns_logging(monkeypatch: pytest.MonkeyPatch) -> None:
    # The CLI would point logging at CliRunner's captured stdout, which closes after the call.
    monkeypatch.setattr("fanzha.warning.cli._bootstrap", lambda: None)


def test_csv_import_writes_good_rows_and_reports_bad_ones_by_line(
        database: Database, frozen_clock: FrozenClock, tmp_path: Path) -> None:
    with database.session() as s:
        make_tree(s)
        pid = make_person(s).id
    at = (clock.now() - timedelta(minutes=30)).isoformat()
    csv = tmp_path / "feed.csv"
    csv.write_text(
        "source,external_id,occurred_at,person_id,area_code,phone,counterpart_kind,counterpart,flags\n"
        f"telecom,A1,{at},{pid},,,phone,17000000001,ongoing_call|remote_app\n"
        f"telecom,A1,{at},{pid},,,phone,17000000001,\n"
        f"pigeon,A2,{at},{pid},,,,,\n"
        f"telecom,A3,{at},,,13600000000,,,\n"
        f"app,A4,{at},,T2,13600000001,url,http://kf-123.top,risky_url\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(csv)])
    assert result.exit_code == 2
    assert "新建 2，合并 0，重复 1，拒绝 2" in result.output
    assert "第 4 行 [source]" in result.output and "第 5 行 [phone] 无法定位预警对象" in result.output
    with database.session() as s:
        levels = sorted(s.scalars(select(WarningInstruction.level)))
        assert levels == ["中", "高"]
    again = CliRunner().invoke(app, ["import", str(csv)])
    assert "新建 0，合并 0，重复 3" in again.output


def test_jsonl_import_reports_broken_lines(database: Database, frozen_clock: FrozenClock, tmp_path: Path) -> None:
    with database.session() as s:
        make_tree(s)
    f = tmp_path / "feed.jsonl"
    f.write_text('{"source": "app"\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["import", str(f)])
    assert result.exit_code == 2 and "第 1 行" in result.output and "第 2 行" in result.output


def test_simulated_county_gets_a_spread_history_and_a_dissuasion_report(session: Session) -> None:
    from fanzha.sim.county import build_county
    from fanzha.sim.runner import SimContext
    from fanzha.sim.seed import seed_county
    from fanzha.warning import simulate

    clock.set_clock(FrozenClock(datetime(2026, 3, 4, 4, 0, tzinfo=UTC)))
    county = build_county(3, residents=3000, towns=3, villages=6)
    seed_county(session, county, with_users=False)
    ctx = SimContext(seed=3, county=county, start=date(2026, 3, 1), days=3)
    simulate.seed(session, ctx)
    session.flush()
    by_status = dict(session.execute(select(WarningInstruction.status, func.count())
                                     .group_by(WarningInstruction.status)).all())
    assert by_status.get("关闭", 0) > 0 and sum(v for k, v in by_status.items() if k != "关闭") > 0
    overdue = session.scalar(select(func.count()).select_from(WarningInstruction).where(
        WarningInstruction.next_due_at < clock.now())) or 0
    assert overdue > 0
    report = simulate.report(ctx)["warning_loop"]
    assert report["warnings"] == len(ctx.attempts)
    for policy in ("priority_queue", "fifo_baseline"):
        assert 0 <= report[policy]["dissuaded"] <= report["would_be_defrauded"]
        assert report[policy]["loss_averted_yuan"] <= report["would_be_lost_yuan"]
