"""The report's figures as plain data (trend, type mix, area ranking, 红黄蓝 history).
The PDF draws them with reportlab graphics (`pdfcharts.py`), the HTML page with ECharts."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from fanzha.reports.document import Chart
from fanzha.stats.ratings import COLOUR_CSS

if TYPE_CHECKING:
    from fanzha.reports.data import ReportData


def chart_blocks(data: ReportData) -> list[Chart]:
    out: list[Chart] = []
    labels = [f"{p.start.year % 100:02d}年{p.start.month}月" for p in data.trend_periods]
    if any(v.get("cases") is not None or v.get("warnings") is not None for v in data.trend):
        out.append(Chart("trend", "图1　发案与预警趋势", "trend", {
            "labels": labels,
            "cases": [v.get("cases") for v in data.trend],
            "warnings": [v.get("warnings") for v in data.trend],
            "loss_wan": [None if v.get("loss_fen") is None else round((v["loss_fen"] or 0) / 1_000_000, 2)
                         for v in data.trend],
        }))
    if data.type_mix:
        out.append(Chart("types", f"图{len(out) + 1}　案件类型构成", "pie", {
            "labels": [s.label for s in data.type_mix if s.value],
            "values": [s.value for s in data.type_mix if s.value]}))
    scored = [r for r in data.ranking if r.score.score is not None]
    if scored:
        out.append(Chart("ranking", f"图{len(out) + 1}　各{data.child_level_zh}反诈指数排名", "bar", {
            "labels": [r.area.name for r in scored], "values": [r.score.score for r in scored],
            "colours": [COLOUR_CSS[r.rating.colour] for r in scored]}))
    if data.colour_history:
        names = {a.code: a.name for a in data.children}
        out.append(Chart("colours", f"图{len(out) + 1}　各{data.child_level_zh}红黄蓝评级（按月）", "colours", {
            "months": [f"{p.start.month}月" for p in data.history_months],
            "areas": [names[c] for c in data.colour_history],
            "colours": [[r.colour.value for r in hist] for hist in data.colour_history.values()]}))
    return out


@cache
def cjk_font_path() -> str | None:
    """A TrueType CJK font matplotlib and reportlab can both use (wqy-zenhei first)."""
    import subprocess

    candidates = ["/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"]
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
        candidates += [line.split(":")[0].strip() for line in listed.splitlines()]
    except (OSError, subprocess.SubprocessError):
        pass
    from pathlib import Path

    for path in candidates:
        if path.lower().endswith((".ttf", ".ttc")) and Path(path).exists():
            return path
    return None
