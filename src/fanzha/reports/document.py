"""The composed report as a list of blocks; each writer (docx, PDF, HTML) renders the same list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Meta:
    """The issuing body and date under the title."""

    text: str


@dataclass(frozen=True)
class Heading:
    """Level 1 一、 / 2 （一） / 3 1. / 4 （1）; `number` is already in `text`."""

    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    lead: str = ""  # an in-line heading at the start of the paragraph: "（一）发案形势。"


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]
    # Optional background colour per row (红黄蓝 tables), CSS hex.
    row_colours: list[str | None] = field(default_factory=list)


@dataclass(frozen=True)
class Chart:
    """A figure for the PDF and HTML: `kind` names the chart, `data` is plain JSON-able data."""

    key: str
    caption: str
    kind: str  # trend / pie / bar / colours
    data: dict[str, Any]


Block = Title | Meta | Heading | Para | Table | Chart


@dataclass
class Document:
    title: str
    blocks: list[Block]

    def text(self) -> str:
        """Every sentence, in order (what the docx test reads back)."""
        out = []
        for b in self.blocks:
            if isinstance(b, Title | Meta | Heading):
                out.append(b.text)
            elif isinstance(b, Para):
                out.append(b.lead + b.text)
        return "\n".join(out)
