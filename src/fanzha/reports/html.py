"""HTML edition: the same blocks as a standalone page with ECharts charts. The vendored
`echarts.min.js` is copied beside the page so it opens offline from the output folder."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from fanzha.reports.document import Chart, Document, Heading, Meta, Para, Table, Title

TEMPLATES = Path(__file__).parent / "templates"
ECHARTS = Path(__file__).resolve().parent.parent / "web" / "static" / "echarts.min.js"

# The template switches on "block"; a Chart's own `kind` (trend/pie/…) stays for the script.
BLOCK_NAMES = {Title: "title", Meta: "meta", Heading: "heading", Para: "para", Table: "table", Chart: "chart"}

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def render(document: Document, *, echarts_src: str = "echarts.min.js") -> str:
    blocks = []
    for b in document.blocks:
        blocks.append({**asdict(b), "block": BLOCK_NAMES[type(b)]})
    charts = {b.key: {"kind": b.kind, "data": b.data} for b in document.blocks if isinstance(b, Chart)}
    return _env.get_template("report.html").render(
        title=document.title, blocks=blocks, charts_json=json.dumps(charts, ensure_ascii=False),
        echarts_src=echarts_src)


def write(document: Document, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(document), encoding="utf-8")
    if ECHARTS.exists():
        shutil.copyfile(ECHARTS, path.parent / "echarts.min.js")
    return path
