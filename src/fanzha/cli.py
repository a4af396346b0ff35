"""The `fanzha` command (DESIGN §6)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from fanzha.core.errors import FanzhaError
from fanzha.core.rbac import Role
from fanzha.core.settings import ConfigurationError

app = typer.Typer(help="fanzha 反诈预警劝阻平台", no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="数据库 / database", no_args_is_help=True)
users_app = typer.Typer(help="用户管理 / users", no_args_is_help=True)
areas_app = typer.Typer(help="辖区 / jurisdiction tree", no_args_is_help=True)
audit_app = typer.Typer(help="审计 / audit trail", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(areas_app, name="areas")
app.add_typer(audit_app, name="audit")

# Domain command groups: "name": "module:attribute" (a Typer app). Domains add their line.
SUBCOMMANDS: dict[str, str] = {
    "detect": "fanzha.detect.cli:app",
    "warnings": "fanzha.warning.cli:app",
    "worker": "fanzha.warning.cli:worker_app",
    "report": "fanzha.reports.cli:app",
    "risk": "fanzha.risk.cli:app",
    "outreach": "fanzha.outreach.cli:app",
}


def _mount_subcommands() -> None:
    for name, spec in SUBCOMMANDS.items():
        module, attr = spec.split(":")
        app.add_typer(getattr(importlib.import_module(module), attr), name=name)


def _bootstrap() -> None:
    from fanzha.core import logging as flog
    from fanzha.core.settings import get_settings

    settings = get_settings()
    flog.configure(settings.log_level, settings.log_json)


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """建表/升级数据库结构 / apply migrations."""
    from fanzha.core import migrate
    from fanzha.core.db import get_database

    _bootstrap()
    migrate.upgrade(get_database().engine, revision)
    typer.echo(f"数据库已升级到 {revision} / database upgraded")


@db_app.command("revision")
def db_revision(message: Annotated[str, typer.Option("-m", "--message")]) -> None:
    """(开发) 根据模型生成迁移脚本 / autogenerate a migration."""
    from fanzha.core import migrate
    from fanzha.core.settings import get_settings

    migrate.revision(get_settings().resolved_database_url, message)


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="角色 / role: " + ", ".join(r.value for r in Role))],
    area: Annotated[str, typer.Option(help="辖区编码 / area code")],
    name: Annotated[str, typer.Option(help="显示名 / display name")] = "",
    password: Annotated[str | None, typer.Option(help="省略则交互输入 / prompt if omitted")] = None,
) -> None:
    """新增用户 / add a user."""
    from pydantic import ValidationError

    from fanzha.core.db import session_scope
    from fanzha.core.rbac import Principal
    from fanzha.users import service
    from fanzha.users.schemas import UserCreate

    _bootstrap()
    pw = password or typer.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    try:
        data = UserCreate(username=username, display_name=name or username, role=role, area_code=area, password=pw)
    except ValidationError as exc:
        fields = ", ".join(".".join(map(str, e["loc"])) for e in exc.errors())
        raise FanzhaError(f"参数无效：{fields}", f"invalid value(s): {fields}") from None
    with session_scope() as session:
        user = service.create(session, actor=Principal.system("cli"), data=data)
        typer.echo(f"已创建用户 {user.username}（{user.role}，{user.area_code}）/ user created")


@users_app.command("list")
def users_list() -> None:
    """列出用户 / list users."""
    from fanzha.core.db import session_scope
    from fanzha.core.rbac import Principal
    from fanzha.users import service

    _bootstrap()
    with session_scope() as session:
        for u in service.list_users(session, actor=Principal.system("cli")):
            state = "启用" if u.is_active else "停用"
            typer.echo(f"{u.id}\t{u.username}\t{u.display_name}\t{u.role}\t{u.area_code}\t{state}")


@users_app.command("disable")
def users_disable(username: str) -> None:
    """停用用户并吊销其令牌 / disable a user and revoke tokens."""
    from fanzha.core.db import session_scope
    from fanzha.core.errors import NotFound
    from fanzha.core.rbac import Principal
    from fanzha.users import service

    _bootstrap()
    with session_scope() as session:
        user = service.get_by_username(session, username=username)
        if user is None:
            raise NotFound("用户", "User", username)
        service.set_active(session, actor=Principal.system("cli"), user_id=user.id, active=False)
        typer.echo(f"已停用 {username} / disabled")


@areas_app.command("import")
def areas_import(file: Path) -> None:
    """导入辖区（CSV 或 YAML），有错误则整批不写入 / import areas, all or nothing."""
    from fanzha.areas import service
    from fanzha.audit import service as audit
    from fanzha.core.db import session_scope
    from fanzha.core.rbac import Principal

    _bootstrap()
    text = file.read_text(encoding="utf-8-sig")
    rows = service.parse_yaml(text) if file.suffix.lower() in (".yaml", ".yml") else service.parse_csv(text)
    with session_scope() as session:
        report = service.import_rows(session, rows)
        audit.record(session, actor=Principal.system("cli"), action="area.import", object_type="area",
                     object_id=file.name, detail=report.model_dump())
    typer.echo(f"导入完成：新增 {report.created}，更新 {report.updated} / imported")


@audit_app.command("verify")
def audit_verify() -> None:
    """校验审计链是否被篡改 / verify the audit hash chain."""
    from fanzha.audit import service
    from fanzha.core.db import session_scope

    _bootstrap()
    with session_scope() as session:
        result = service.verify(session)
    if result.ok:
        typer.echo(f"审计链完整：共 {result.checked} 条 / audit chain intact ({result.checked} records)")
        return
    for problem in result.problems:
        typer.echo(problem, err=True)
    typer.echo(f"审计链校验失败：{len(result.problems)} 处问题 / audit chain BROKEN", err=True)
    raise typer.Exit(3)


@app.command("simulate")
def simulate(
    seed: int = 1,
    days: int = 30,
    residents: Annotated[int, typer.Option(help="常住人口 / residents")] = 400_000,
    start: Annotated[str, typer.Option(help="起始日期 YYYY-MM-DD")] = "2026-01-01",
) -> None:
    """模拟一个县的诈骗态势并输出汇总（JSON）/ simulate a county and print figures."""
    from fanzha.sim import runner

    _bootstrap()
    typer.echo(json.dumps(runner.simulate(seed=seed, days=days, residents=residents, start=start),
                          ensure_ascii=False, indent=2))


@app.command("run")
def run(host: str | None = None, port: int | None = None) -> None:
    """启动 Web + API + 后台任务 / serve web, API and in-process workers."""
    from fanzha.web import server

    _bootstrap()
    server.serve(host=host, port=port)


@app.command("demo")
def demo(
    seed: int = 1,
    residents: Annotated[int, typer.Option(help="模拟常住人口 / simulated residents")] = 400_000,
    days: Annotated[int, typer.Option(help="模拟历史天数 / days of simulated history")] = 30,
    serve: Annotated[bool, typer.Option(help="seed then serve")] = True,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """初始化数据库、生成模拟县并启动服务 / seed a simulated county and serve."""
    from fanzha.sim import runner
    from fanzha.web import server

    _bootstrap()
    logins = runner.seed_demo(seed=seed, residents=residents, days=days)
    if logins:
        typer.echo("演示账号 / demo logins（密码 / password: " + logins[0][2] + "）:")
        for username, label, _pw in logins:
            typer.echo(f"  {username:<10} {label}")
    if serve:
        server.serve(host=host, port=port)


@app.command("bench", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def bench(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="warnings / risk / detect / cases / report …")]
) -> None:
    """运行 bench/ 下的性能基准（源码目录中）/ run a benchmark script from bench/."""
    import os

    root = Path(__file__).resolve().parents[2] / "bench"
    script = root / f"{name}.py"
    if not script.is_file():
        known = ", ".join(sorted(p.stem for p in root.glob("*.py"))) if root.is_dir() else "无 / none"
        raise FanzhaError(f"没有名为 {name} 的基准，可用：{known}", f"no benchmark {name!r}; available: {known}")
    # -P: bench/warnings.py would otherwise shadow the standard library module of that name.
    os.execv(sys.executable, [sys.executable, "-P", str(script), *ctx.args])


def main() -> None:
    _mount_subcommands()
    try:
        app()
    except ConfigurationError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(2)
    except FanzhaError as exc:
        typer.echo(f"错误：{exc.message_zh} / Error: {exc.message_en}", err=True)
        for row in exc.fields.get("rows", []):
            typer.echo(f"  第 {row['row']} 行 [{row['field']}] {row['message_zh']} / {row['message_en']}", err=True)
        sys.exit(1)
