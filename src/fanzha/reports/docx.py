"""Word output in 公文 style (GB/T 9704-2012): A4 with 37/35/28/26 mm margins, title in
2号 小标宋, body in 3号 仿宋_GB2312 on a fixed 28 pt line with a two-character indent,
headings 一、(黑体) （一）(楷体) 1.(仿宋 bold) （1）(仿宋), and "— 1 —" page numbers at the
outer edge. The official font names are written into the file: Word and WPS use them where
installed and fall back to the closest Song/Fangsong face elsewhere."""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_SECTION_START  # noqa: F401  (kept for readers extending sections)
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from fanzha.reports.document import Chart, Document, Heading, Meta, Para, Table, Title

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: BODY_FONT, 4: BODY_FONT}
SIZE_2 = Pt(22)  # 二号
SIZE_3 = Pt(16)  # 三号
SIZE_4 = Pt(14)  # 四号
SIZE_5 = Pt(10.5)  # 五号
LINE = Pt(28)


def _font(run: Run, name: str, size: Pt, *, bold: bool = False) -> None:
    run.font.name = "Times New Roman"
    run.font.size = size
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _body(paragraph: Paragraph, *, indent: bool = True) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY


def _page_number(paragraph: Paragraph, align: WD_ALIGN_PARAGRAPH) -> None:
    """"— N —" in 4号 宋体, via a PAGE field."""
    paragraph.alignment = align
    _font(paragraph.add_run("— "), "宋体", SIZE_4)
    run = paragraph.add_run()
    _font(run, "宋体", SIZE_4)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._element.append(el)
    _font(paragraph.add_run(" —"), "宋体", SIZE_4)


def write(document: Document, path: Path) -> Path:
    doc = new_docx()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28) - Mm(7)  # page number 7 mm below the text block
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = SIZE_3
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    for block in document.blocks:
        if isinstance(block, Title):
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.line_spacing = Pt(36)
            p.paragraph_format.space_after = Pt(14)
            _font(p.add_run(block.text), TITLE_FONT, SIZE_2)
        elif isinstance(block, Meta):
            p = doc.add_paragraph()
            _body(p, indent=False)
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.paragraph_format.space_after = Pt(14)
            _font(p.add_run(block.text), HEADING_FONTS[2], SIZE_3)
        elif isinstance(block, Heading):
            p = doc.add_paragraph()
            _body(p)
            _font(p.add_run(block.text), HEADING_FONTS[block.level], SIZE_3, bold=block.level == 3)
        elif isinstance(block, Para):
            p = doc.add_paragraph()
            _body(p)
            if block.lead:
                level_two = block.lead.startswith("（")
                _font(p.add_run(block.lead), HEADING_FONTS[2] if level_two else BODY_FONT, SIZE_3,
                      bold=not level_two)
            _font(p.add_run(block.text), BODY_FONT, SIZE_3)
        elif isinstance(block, Table):
            _table(doc, block)
        elif isinstance(block, Chart):
            continue  # 公文 text carries no figures; the PDF and HTML editions show them
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _table(doc: object, block: Table) -> None:
    caption = doc.add_paragraph()  # type: ignore[attr-defined]
    _body(caption, indent=False)
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(caption.add_run(block.caption), HEADING_FONTS[1], SIZE_4)
    table = doc.add_table(rows=1, cols=len(block.headers))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _font(cell.paragraphs[0].add_run(text), HEADING_FONTS[1], SIZE_5)
    for i, row in enumerate(block.rows):
        cells = table.add_row().cells
        colour = block.row_colours[i] if i < len(block.row_colours) else None
        for j, (cell, text) in enumerate(zip(cells, row, strict=True)):
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            run = cell.paragraphs[0].add_run(text)
            _font(run, BODY_FONT, SIZE_5, bold=colour is not None and j == len(row) - 1)
            if colour is not None and j == len(row) - 1:
                run.font.color.rgb = RGBColor.from_string(colour.lstrip("#").upper())
