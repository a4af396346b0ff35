"""`fanzha report annual|monthly`: writes the docx, PDF and HTML editions to a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="工作总结/月报 / reports", no_args_is_help=True)

OutDir = Annotated[Path, typer.Option("--out", help="输出目录 / output folder")]


def _run(kind: str, area: str, period: str, out: Path) -> None:
    from fanzha.cli import _bootstrap
    from fanzha.core.db import session_scope
    from fanzha.core.rbac import Principal
    from fanzha.reports.data import ReportKind
    from fanzha.reports.service import generate

    _bootstrap()
    with session_scope() as session:
        result = generate(session, actor=Principal.system("cli"), area_code=area, kind=ReportKind(kind),
                          period=period, out_dir=out)
    if not result.data.has_any_data:
        typer.echo(f"提示：{result.data.area.name}{result.data.period.label_zh}无业务数据，报告已注明“无数据”。"
                   " / note: no data for this area and period; the report says so.", err=True)
    for path in (result.docx, result.pdf, result.html):
        typer.echo(str(path))


@app.command("annual")
def annual(area: Annotated[str, typer.Option(help="辖区编码 / area code")],
           year: Annotated[int, typer.Option(help="年份 / year, e.g. 2026")],
           out: OutDir = Path("reports")) -> None:
    """年度工作总结 / annual summary."""
    _run("annual", area, str(year), out)


@app.command("monthly")
def monthly(area: Annotated[str, typer.Option(help="辖区编码 / area code")],
            month: Annotated[str, typer.Option(help="月份 YYYY-MM / month")],
            out: OutDir = Path("reports")) -> None:
    """月度工作情况 / monthly report."""
    _run("monthly", area, month, out)
