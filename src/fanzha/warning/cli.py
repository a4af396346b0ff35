"""`fanzha warnings …` and `fanzha worker`."""

from __future__ import annotations

import json
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="预警指令 / warning instructions", no_args_is_help=True)
worker_app = typer.Typer(help="总线消费进程 / Redis Streams worker", invoke_without_command=True)


def _bootstrap() -> None:
    from fanzha.cli import _bootstrap as boot

    boot()


@app.command("import")
def import_file(file: Path) -> None:
    """导入预警指令（CSV 或 JSONL）；有效行写入，错误行逐行报告 / import, row-level report."""
    from fanzha.core.db import session_scope
    from fanzha.core.rbac import Principal
    from fanzha.warning import importer

    _bootstrap()
    fmt = "csv" if file.suffix.lower() == ".csv" else "jsonl"
    with session_scope() as session:
        report = importer.import_text(session, file.read_text(encoding="utf-8-sig"), fmt=fmt,
                                      actor=Principal.system("cli"))
    typer.echo(f"导入完成：新建 {report.created}，合并 {report.merged}，重复 {report.duplicates}，"
               f"拒绝 {len(report.rejected)} / created {report.created}, merged {report.merged}, "
               f"duplicates {report.duplicates}, rejected {len(report.rejected)}")
    for row in report.rejected:
        typer.echo(f"  第 {row['row']} 行 [{row['field']}] {row['message_zh']} / {row['message_en']}", err=True)
    if report.rejected:
        raise typer.Exit(2)


@app.command("pipeline")
def pipeline_status() -> None:
    """流水线积压与延迟 / backlog and lag (JSON)."""
    from fanzha.core.db import session_scope
    from fanzha.warning import pipeline

    _bootstrap()
    with session_scope() as session:
        typer.echo(json.dumps(pipeline.status(session), ensure_ascii=False, indent=2, default=str))


@app.command("timer")
def timer_once() -> None:
    """立即执行一次超时升级检查 / run the SLA escalation pass once."""
    from fanzha.core.db import session_scope
    from fanzha.warning import sla

    _bootstrap()
    with session_scope() as session:
        ids = sla.fire_due(session)
    typer.echo(f"升级 {len(ids)} 条 / escalated {len(ids)}")


@app.command("simulate")
def simulate(
    staff: Annotated[int, typer.Option(help="中心+派出所当班处置人数 / staff on duty")] = 12,
    seed: int = 1,
    days: int = 7,
    residents: Annotated[int, typer.Option(help="常住人口 / residents")] = 400_000,
    start: str = "2026-01-01",
) -> None:
    """按给定警力模拟劝阻：劝阻率、时限达标率、挽损 / simulate dissuasion for a staffing."""
    from fanzha.sim import runner
    from fanzha.warning import simulate as wsim

    _bootstrap()
    wsim.STAFF_OVERRIDE.set(staff)
    typer.echo(json.dumps(runner.simulate(seed=seed, days=days, residents=residents, start=start),
                          ensure_ascii=False, indent=2))


@worker_app.callback()
def worker(
    consumer: Annotated[str | None, typer.Option(help="消费者名 / consumer name")] = None,
    prefix: Annotated[str, typer.Option(help="Redis stream 前缀")] = "fanzha:ev:",
    group: str = "fanzha-warning",
    batch: int = 500,
    claim_idle_ms: int = 30_000,
    timer: Annotated[bool, typer.Option(help="同时运行超时升级定时器")] = True,
    relay: Annotated[bool, typer.Option(help="同时补发发件箱中未发布的事件 / relay the event outbox")] = True,
) -> None:
    """消费 Redis Streams 生成预警指令（可多进程）/ consume the bus in a consumer group."""
    from fanzha.core.settings import get_settings
    from fanzha.warning import sla
    from fanzha.warning.worker import BatchWorker

    _bootstrap()
    url = get_settings().redis_url
    if not url:
        typer.echo("未配置 FANZHA_REDIS_URL / FANZHA_REDIS_URL is not set", err=True)
        raise typer.Exit(2)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    if timer:
        threading.Thread(target=sla.timer_loop, args=(stop,), daemon=True).start()
    if relay:  # outbox rows a dead producer committed but never published go to the streams
        from fanzha.core import events
        from fanzha.core.redis_bus import RedisStreamsBus

        threading.Thread(target=events.relay_loop, args=(stop,), kwargs={"bus": RedisStreamsBus(url, prefix=prefix)},
                         daemon=True).start()
    w = BatchWorker(url, prefix=prefix, group=group, consumer=consumer, batch=batch, claim_idle_ms=claim_idle_ms)
    typer.echo(f"worker {w.bus.consumer} 已启动 / started", err=True)
    w.run(should_stop=stop.is_set)
    typer.echo(f"worker 已停止，处理 {w.processed} 条 / stopped", err=True)
