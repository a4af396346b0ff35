"""The report's figures as plain data (trend, type mix, area ranking, 红黄蓝 history), and
their PNG rendering for the PDF. The HTML page draws the same data with ECharts."""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING, Any

from fanzha.reports.document import Chart
from fanzha.stats.ratings import COLOUR_CSS, Colour

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
            "labels": [s.label for s in data.type_mix if s.value], "values": [s.value for s in data.type_mix if s.value]}))
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


def render_png(chart: Chart, *, width_in: float = 6.2, height_in: float = 3.0) -> bytes:
    import logging

    import matplotlib

    matplotlib.use("Agg")
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    font = cjk_font_path()
    props: dict[str, Any] = {}
    if font:
        font_manager.fontManager.addfont(font)
        name = font_manager.FontProperties(fname=font).get_name()
        plt.rcParams["font.family"] = [name]
        props = {"fontproperties": font_manager.FontProperties(fname=font)}
    plt.rcParams["axes.unicode_minus"] = False
    fig, ax = plt.subplots(figsize=(width_in, height_in), dpi=150)
    d = chart.data
    if chart.kind == "trend":
        xs = range(len(d["labels"]))
        ax.bar(xs, [v or 0 for v in d["cases"]], color="#c0392b", label="发案数（起）")
        ax.set_xticks(list(xs), d["labels"], rotation=45, fontsize=7)
        ax.set_ylabel("发案数（起）", fontsize=8)
        ax2 = ax.twinx()
        ax2.plot(list(xs), [v if v is not None else float("nan") for v in d["warnings"]], color="#1a73e8",
                 marker="o", markersize=3, label="预警指令（条）")
        ax2.set_ylabel("预警指令（条）", fontsize=8)
        fig.legend(loc="upper left", fontsize=7, prop=props.get("fontproperties"))
    elif chart.kind == "pie":
        ax.pie(d["values"], labels=d["labels"], autopct="%1.0f%%", textprops={"fontsize": 7}, startangle=90,
               counterclock=False)
        ax.axis("equal")
    elif chart.kind == "bar":
        ys = range(len(d["labels"]))
        ax.barh(list(ys), d["values"], color=d["colours"])
        ax.set_yticks(list(ys), d["labels"], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel("反诈指数（0-100，越高越好；颜色为本期评级）", fontsize=8)
    elif chart.kind == "colours":
        grid = d["colours"]
        order = [Colour.RED.value, Colour.YELLOW.value, Colour.BLUE.value, Colour.NONE.value]
        from matplotlib.colors import ListedColormap

        cmap = ListedColormap([COLOUR_CSS[Colour(c)] for c in order])
        ax.imshow([[order.index(c) for c in row] for row in grid], cmap=cmap, vmin=0, vmax=3, aspect="auto")
        ax.set_xticks(range(len(d["months"])), d["months"], fontsize=7)
        ax.set_yticks(range(len(d["areas"])), d["areas"], fontsize=7)
        for i, row in enumerate(grid):
            for j, c in enumerate(row):
                ax.text(j, i, c if c != Colour.NONE.value else "—", ha="center", va="center", fontsize=6,
                        color="white")
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        if font:
            label.set_fontproperties(props["fontproperties"])
            label.set_fontsize(7)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
