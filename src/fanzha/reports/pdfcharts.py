"""The report's charts as reportlab vector drawings, in the embedded CJK font (no raster
images, no plotting library to load: a report is one process and starts fast)."""

from __future__ import annotations

from typing import Any

from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors

from fanzha.reports.document import Chart
from fanzha.stats.ratings import COLOUR_CSS, Colour

PALETTE = ["#c0392b", "#e67e22", "#f1c40f", "#27ae60", "#16a085", "#2980b9", "#8e44ad", "#2c3e50", "#d35400",
           "#7f8c8d", "#c2185b", "#00897b", "#5d4037"]


def drawing(chart: Chart, font: str, width: float) -> Drawing:
    draw = {"trend": _trend, "pie": _pie, "bar": _bar, "colours": _colours}[chart.kind]
    return draw(chart.data, font, width)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    step = 10 ** (len(str(int(value))) - 1)
    return float((int(value / step) + 1) * step)


def _label(x: float, y: float, text: str, font: str, size: float = 7, anchor: str = "middle",
           colour: Any = colors.black) -> String:
    return String(x, y, text, fontName=font, fontSize=size, textAnchor=anchor, fillColor=colour)


def _trend(d: dict[str, Any], font: str, width: float) -> Drawing:
    height = width * 0.45
    g = Drawing(width, height)
    left, right, bottom, top = 36, 40, 34, 18
    w, h = width - left - right, height - bottom - top
    n = len(d["labels"])
    cases = [v or 0 for v in d["cases"]]
    warns = [v for v in d["warnings"]]
    cmax = _nice_max(max(cases, default=0))
    wmax = _nice_max(max((v for v in warns if v is not None), default=0))
    g.add(Line(left, bottom, left + w, bottom, strokeColor=colors.grey))
    for i in range(5):
        y = bottom + h * i / 4
        g.add(Line(left, y, left + w, y, strokeColor=colors.HexColor("#e0e0e0"), strokeWidth=0.4))
        g.add(_label(left - 3, y - 2, f"{cmax * i / 4:g}", font, 6, "end"))
        g.add(_label(left + w + 3, y - 2, f"{wmax * i / 4:g}", font, 6, "start"))
    slot = w / max(n, 1)
    points = []
    for i in range(n):
        x = left + slot * i
        bar_h = h * cases[i] / cmax
        g.add(Rect(x + slot * 0.2, bottom, slot * 0.6, bar_h, fillColor=colors.HexColor("#c0392b"), strokeColor=None))
        g.add(_label(x + slot / 2, bottom - 10, d["labels"][i], font, 6))
        if warns[i] is not None:
            points += [x + slot / 2, bottom + h * warns[i] / wmax]
    if len(points) >= 4:
        g.add(PolyLine(points, strokeColor=colors.HexColor("#1a73e8"), strokeWidth=1.4))
    g.add(Rect(left, height - 12, 8, 6, fillColor=colors.HexColor("#c0392b"), strokeColor=None))
    g.add(_label(left + 11, height - 12, "发案数（起，左轴）", font, 7, "start"))
    g.add(Line(left + 110, height - 9, left + 122, height - 9, strokeColor=colors.HexColor("#1a73e8"), strokeWidth=1.4))
    g.add(_label(left + 125, height - 12, "预警指令（条，右轴）", font, 7, "start"))
    return g


def _pie(d: dict[str, Any], font: str, width: float) -> Drawing:
    height = width * 0.42
    g = Drawing(width, height)
    pie = Pie()
    size = height - 30
    pie.x, pie.y, pie.width, pie.height = width * 0.12, 15, size, size
    pie.data = d["values"]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    for i in range(len(d["values"])):
        pie.slices[i].fillColor = colors.HexColor(PALETTE[i % len(PALETTE)])
    g.add(pie)
    total = sum(d["values"]) or 1
    x0, y0 = width * 0.12 + size + 30, height - 18
    for i, (label, value) in enumerate(zip(d["labels"], d["values"], strict=True)):
        y = y0 - i * 12
        g.add(Rect(x0, y, 8, 7, fillColor=colors.HexColor(PALETTE[i % len(PALETTE)]), strokeColor=None))
        g.add(_label(x0 + 12, y, f"{label}  {value}起（{value / total:.0%}）", font, 7.5, "start"))
    return g


def _bar(d: dict[str, Any], font: str, width: float) -> Drawing:
    n = len(d["labels"])
    row = 14
    height = n * row + 30
    g = Drawing(width, height)
    left, right = 64, 30
    w = width - left - right
    for i, (label, value, colour) in enumerate(zip(d["labels"], d["values"], d["colours"], strict=True)):
        y = height - 10 - (i + 1) * row
        g.add(_label(left - 4, y + 3, label, font, 7, "end"))
        g.add(Rect(left, y, w * value / 100, row * 0.7, fillColor=colors.HexColor(colour), strokeColor=None))
        g.add(_label(left + w * value / 100 + 3, y + 3, f"{value:.1f}", font, 7, "start"))
    g.add(Line(left, 18, left + w, 18, strokeColor=colors.grey))
    for t in range(0, 101, 20):
        g.add(_label(left + w * t / 100, 8, str(t), font, 6))
    return g


def _colours(d: dict[str, Any], font: str, width: float) -> Drawing:
    rows, cols = len(d["areas"]), len(d["months"])
    cell_h = 13
    height = rows * cell_h + 26
    g = Drawing(width, height)
    left = 64
    cell_w = (width - left - 10) / max(cols, 1)
    for j, month in enumerate(d["months"]):
        g.add(_label(left + cell_w * (j + 0.5), height - 10, month, font, 7))
    for i, (area, colours_row) in enumerate(zip(d["areas"], d["colours"], strict=True)):
        y = height - 20 - (i + 1) * cell_h
        g.add(_label(left - 4, y + 3, area, font, 7, "end"))
        for j, c in enumerate(colours_row):
            g.add(Rect(left + cell_w * j + 1, y, cell_w - 2, cell_h - 2,
                       fillColor=colors.HexColor(COLOUR_CSS[Colour(c)]), strokeColor=None))
            g.add(_label(left + cell_w * (j + 0.5), y + 3, c if c != Colour.NONE.value else "—", font, 6.5,
                         colour=colors.white))
    return g
