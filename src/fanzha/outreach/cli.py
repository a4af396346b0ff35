"""`fanzha outreach …`: import records, App coverage, visit plans, effect reports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from fanzha.areas.models import AreaLevel
from fanzha.core.rbac import Principal

app = typer.Typer(help="宣防 / outreach: 导入、覆盖率、走访计划、效果评估", no_args_is_help=True)


def _system() -> Principal:
    from fanzha.core import logging as flog
    from fanzha.core.settings import get_settings

    settings = get_settings()
    flog.configure(settings.log_level, settings.log_json)
    return Principal.system("cli")


@app.command("import")
def import_file(file: Path, kind: Annotated[str, typer.Option(help="campaigns（活动）或 app_list（App名单）")]
                = "campaigns") -> None:
    """导入宣防活动或App名单（CSV），有错误则整批不写入 / import, all or nothing."""
    from fanzha.core.db import session_scope
    from fanzha.core.errors import ImportRejected
    from fanzha.outreach import importer

    actor = _system()
    text = file.read_text(encoding="utf-8-sig")
    try:
        with session_scope() as session:
            fn = importer.import_app_list if kind == "app_list" else importer.import_campaigns
            result = fn(session, actor=actor, text=text)
    except ImportRejected as exc:
        for row in exc.rows:
            typer.echo(f"第 {row['row']} 行 {row['field'] or ''}：{row['message_zh']}", err=True)
        typer.echo(exc.message_zh, err=True)
        raise typer.Exit(2) from None
    typer.echo(f"导入完成：{result.rows} 行，新增 {result.created}，更新 {result.updated} / imported")


@app.command("coverage")
def coverage_cmd(level: Annotated[str, typer.Option(help="grid 或 village")] = "village",
                 under: Annotated[str | None, typer.Option(help="上级辖区编码")] = None,
                 top: int = 20) -> None:
    """App装机率最低的网格/村社 / lowest App coverage first."""
    from fanzha.core.db import session_scope
    from fanzha.outreach import coverage

    actor = _system()
    with session_scope() as session:
        rows = coverage.coverage(session, actor=actor, level=AreaLevel(level), under=under)
    for r in rows[:top]:
        typer.echo(f"{r.area_code}\t{r.area_name}\t人数 {r.residents}\t装机率 {r.install_rate:.1%}\t"
                   f"注册率 {r.register_rate:.1%}\t差额 {r.gap_to_target}")


@app.command("plan")
def plan_cmd(grid: Annotated[str, typer.Option(help="网格编码")], stops: int = 20) -> None:
    """某网格今日走访计划（脱敏）/ today's visit plan for a grid (masked), JSON lines."""
    from fanzha.core.db import session_scope
    from fanzha.outreach import planning

    actor = _system()
    with session_scope() as session:
        for stop in planning.visit_plan(session, actor=actor, grid_code=grid, stops=stops):
            typer.echo(json.dumps(stop.model_dump(), ensure_ascii=False))


@app.command("effect")
def effect_cmd(start: str, end: str, outcome: str = "warnings", window_days: int = 90) -> None:
    """宣防效果（双重差分）/ difference-in-differences effect of a period's campaigns."""
    from fanzha.core.db import session_scope
    from fanzha.outreach import measurement

    actor = _system()
    with session_scope() as session:
        result = measurement.measure(session, actor=actor, start=date.fromisoformat(start),
                                     end=date.fromisoformat(end), outcome=outcome, window_days=window_days)
    typer.echo(json.dumps(result.model_dump(), ensure_ascii=False, indent=1))


@app.command("evaluate")
def evaluate_cmd(runs: int = 100, residents: int = 100_000, seed: int = 1) -> None:
    """在模拟县上检验效果估计的区间覆盖率 / check interval coverage against the simulator's truth."""
    from fanzha.outreach import simulate
    from fanzha.sim.county import build_county

    county = build_county(seed, residents=residents)
    typer.echo(json.dumps(simulate.coverage_study(county, runs=runs), ensure_ascii=False, indent=1))
