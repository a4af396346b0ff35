"""PDF output with reportlab: the same 公文 layout as the docx (A4, 37/35/28/26 mm margins,
22 pt title, 16 pt body on 28 pt lines), charts as images, "— N —" page numbers at the
outer edge; charts are vector drawings. reportlab cannot embed OTF/CFF fonts (Noto CJK), so it embeds a TrueType CJK
face found through fontconfig: WenQuanYi Zen Hei (TTC, sub-font 0) where installed."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib import textsplit as _textsplit
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import Table as RLTable
from reportlab.platypus import paragraph as _paragraph
from reportlab.platypus.flowables import Flowable

from fanzha.core.errors import FanzhaError
from fanzha.reports.charts import cjk_font_path
from fanzha.reports.document import Chart, Document, Heading, Meta, Para, Table, Title
from fanzha.reports.pdfcharts import drawing

FONT = "FanzhaCJK"

# reportlab's kinsoku list lacks the full-width comma, semicolon and friends, so a line could start
# with "，" — which no 公文 does. Add them (it hangs such a character at the end of the line instead).
# Both copies: a paragraph of one run is split by textsplit.wordSplit, a mixed one (bold lead) by
# paragraph.cjkFragSplit, and each reads its own module's list.
_KINSOKU = "，；：、）》”’！？％"
_paragraph.ALL_CANNOT_START += _KINSOKU
_textsplit.ALL_CANNOT_START += _KINSOKU


@cache
def register_font() -> str:
    path = cjk_font_path()
    if path is None:
        raise FanzhaError("未找到可嵌入 PDF 的中文 TrueType 字体（请安装 fonts-wqy-zenhei）",
                          "no TrueType CJK font found for the PDF (install fonts-wqy-zenhei)")
    kwargs = {"subfontIndex": 0} if path.lower().endswith(".ttc") else {}
    pdfmetrics.registerFont(TTFont(FONT, path, **kwargs))
    return FONT


def _styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    body = ParagraphStyle("body", fontName=font, fontSize=16, leading=28, firstLineIndent=32, alignment=TA_JUSTIFY,
                          wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=22, leading=34, alignment=TA_CENTER, wordWrap="CJK",
                                spaceAfter=10),
        "meta": ParagraphStyle("meta", parent=body, firstLineIndent=0, alignment=TA_CENTER, spaceAfter=12),
        "body": body,
        "heading": body,
        "caption": ParagraphStyle("caption", fontName=font, fontSize=12, leading=20, alignment=TA_CENTER,
                                  wordWrap="CJK", spaceBefore=6, spaceAfter=4),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, alignment=TA_CENTER, wordWrap="CJK"),
    }


def _page_number(canvas: Canvas, doc: SimpleDocTemplate) -> None:
    n = canvas.getPageNumber()
    canvas.saveState()
    canvas.setFont(FONT, 14)
    text, y = f"— {n} —", 35 * mm - 7 * mm - 14
    if n % 2:
        canvas.drawRightString(A4[0] - 26 * mm, y, text)
    else:
        canvas.drawString(28 * mm, y, text)
    canvas.restoreState()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write(document: Document, path: Path) -> Path:
    styles = _styles()
    story: list[Flowable] = []
    width = A4[0] - 54 * mm
    headings: list[Flowable] = []  # a heading never ends a page: it is kept with the block after it
    for block in document.blocks:
        if isinstance(block, Heading):
            headings.append(Paragraph(_escape(block.text), styles["heading"]))
            continue
        flowable: Flowable
        if isinstance(block, Title):
            flowable = Paragraph("<br/>".join(_escape(t) for t in _title_lines(block.text, styles["title"], width)),
                                 styles["title"])
        elif isinstance(block, Meta):
            flowable = Paragraph(_escape(block.text), styles["meta"])
        elif isinstance(block, Para):
            lead = f"<b>{_escape(block.lead)}</b>" if block.lead else ""
            flowable = Paragraph(lead + _escape(block.text), styles["body"])
        elif isinstance(block, Table):
            flowable = _table(block, styles, width)
        else:
            assert isinstance(block, Chart)
            figure = drawing(block, FONT, width)
            flowable = KeepTogether([Spacer(1, 6), figure, Paragraph(_escape(block.caption), styles["caption"])])
        story.append(KeepTogether([*headings, flowable]) if headings else flowable)
        headings = []
    story += headings
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(str(path), pagesize=A4, topMargin=37 * mm, bottomMargin=35 * mm, leftMargin=28 * mm,
                            rightMargin=26 * mm, title=document.title, author="fanzha 反诈预警劝阻平台")
    doc.build(story, onFirstPage=_page_number, onLaterPages=_page_number)
    return path


# Where a two-line 公文 title may break: after the issuing area or the period, not inside a word.
_TITLE_BREAKS = "县区市镇乡道年月度"


def _title_lines(text: str, style: ParagraphStyle, width: float) -> list[str]:
    """The title on one line, or on two balanced lines broken after an area or period word
    ("安澜县2026年10月" / "反电信网络诈骗工作情况"), never leaving one character alone."""
    def fits(part: str) -> bool:
        return bool(pdfmetrics.stringWidth(part, style.fontName, style.fontSize) <= width - 12)  # frame padding

    if fits(text):
        return [text]
    splits = [i + 1 for i, ch in enumerate(text[:-1]) if ch in _TITLE_BREAKS and fits(text[:i + 1])
              and fits(text[i + 1:])]
    if not splits:
        return [text]
    best = min(splits, key=lambda i: abs(len(text) - 2 * i))
    return [text[:best], text[best:]]


def _table(block: Table, styles: dict[str, ParagraphStyle], width: float) -> Flowable:
    cell = styles["cell"]
    data = [[Paragraph(f"<b>{_escape(h)}</b>", cell) for h in block.headers]]
    data += [[Paragraph(_escape(c), cell) for c in row] for row in block.rows]
    table = RLTable(data, colWidths=[width / len(block.headers)] * len(block.headers), repeatRows=1)
    style = [("FONT", (0, 0), (-1, -1), FONT), ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for i, colour in enumerate(block.row_colours, start=1):
        if colour:
            style.append(("BACKGROUND", (-1, i), (-1, i), colors.HexColor(colour)))
            style.append(("TEXTCOLOR", (-1, i), (-1, i), colors.white))
    table.setStyle(TableStyle(style))
    return KeepTogether([Paragraph(_escape(block.caption), styles["caption"]), table]) if len(block.rows) < 25 \
        else table
